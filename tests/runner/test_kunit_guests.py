"""qemu/kunit/guests.py: KUnit test modules dealt to guests (make kunit
MODULES=1 JOBS=N): runs of consecutive modules, each module once, in
modules.order's order when put one after the other, balanced by count,
the same from the same inputs; and the command that loads them."""
import os
import sys

import pytest

from conftest import TOP

sys.path.insert(0, os.path.join(TOP, "qemu", "kunit"))
import guests  # noqa: E402

MODULES = ["ext4-inode-test", "fat_test", "kunit-test", "kunit-example-test"]


@pytest.mark.parametrize("n", range(1, 7))
@pytest.mark.parametrize("count", [1, 2, 4, 5, 9])
def test_guests_hold_the_modules_in_order_balanced(n, count):
    mods = [f"m{i}" for i in range(count)]
    bins = guests.deal(mods, n)
    assert [m for b in bins for m in b] == mods
    assert len(bins) == min(n, count) and all(bins)
    sizes = [len(b) for b in bins]
    assert max(sizes) - min(sizes) <= 1 and sizes == sorted(sizes, reverse=True)
    assert guests.deal(mods, n) == bins


def test_the_default_modules_in_two_and_three_guests():
    assert guests.deal(MODULES, 2) == [["ext4-inode-test", "fat_test"], ["kunit-test", "kunit-example-test"]]
    assert guests.deal(MODULES, 3) == [["ext4-inode-test", "fat_test"], ["kunit-test"], ["kunit-example-test"]]
    assert guests.deal(MODULES, 1) == [MODULES]


def test_no_modules_no_guests():
    assert guests.deal([], 4) == []


def test_the_command_loads_each_then_unloads_it():
    cmd = guests.guest_command(["a", "b"])
    assert cmd[:2] == ["sh", "-c"] and cmd[3:] == ["sh", "a", "b"]
    assert 'modprobe "$m" || st=1; modprobe -r "$m"' in cmd[2]
