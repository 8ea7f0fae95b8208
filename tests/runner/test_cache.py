"""cache.py: entries named by what they are made from, pruned to the ones
used last, never one in use; used_again; the atomic write."""
import os
import time

import pytest

from runqemu.cache import CACHE_IN_USE_S, cache_dir, cache_key, prune_cache, used_again, write_entry

NOW = time.time()      # entries are aged from the real clock: used_again uses it
HOUR = 3600


def entry(d, name, age):
    """A cache file last used AGE seconds before NOW."""
    path = d / name
    path.write_bytes(b"x")
    os.utime(path, (NOW - age, NOW - age))
    return path


def left(d):
    return sorted(os.listdir(d))


def test_old_entries_beyond_keep_go(tmp_path):
    for n, age in enumerate((1, 2, 3, 4, 5, 6)):
        entry(tmp_path, f"disk-{n}.img", age * HOUR)
    prune_cache(str(tmp_path), "disk-", ".img", 2, now=NOW)
    assert left(tmp_path) == ["disk-0.img", "disk-1.img"]


def test_recent_entries_stay_beyond_keep(tmp_path):
    """Another run may be about to open an entry used within the last half hour."""
    entry(tmp_path, "a.vmlinux", 10)
    entry(tmp_path, "b.vmlinux", 20)
    entry(tmp_path, "c.vmlinux", CACHE_IN_USE_S - 60)
    entry(tmp_path, "d.vmlinux", CACHE_IN_USE_S + 60)
    prune_cache(str(tmp_path), "", ".vmlinux", 1, now=NOW)
    assert left(tmp_path) == ["a.vmlinux", "b.vmlinux", "c.vmlinux"]


def test_keep_counts_the_newest(tmp_path):
    for n in range(5):
        entry(tmp_path, f"initrd-{n}.cpio.gz", (n + 1) * HOUR)
    prune_cache(str(tmp_path), "initrd-", "", 3, now=NOW)
    assert left(tmp_path) == ["initrd-0.cpio.gz", "initrd-1.cpio.gz", "initrd-2.cpio.gz"]


def test_only_the_kind_named_is_pruned(tmp_path):
    entry(tmp_path, "disk-old.img", 9 * HOUR)
    entry(tmp_path, "initrd-old.cpio.gz", 9 * HOUR)
    entry(tmp_path, "disk-old.img.note", 9 * HOUR)
    prune_cache(str(tmp_path), "disk-", ".img", 0, now=NOW)
    assert left(tmp_path) == ["disk-old.img.note", "initrd-old.cpio.gz"]


def test_a_missing_cache_is_no_error(tmp_path):
    prune_cache(str(tmp_path / "none"), "", "", 0, now=NOW)


def test_used_again_marks_the_use(tmp_path):
    path = entry(tmp_path, "e", 5 * HOUR)
    assert used_again(str(path))
    assert os.path.getmtime(path) >= NOW - 60
    assert not used_again(str(tmp_path / "none"))


def test_a_used_entry_survives_the_next_prune(tmp_path):
    old = [entry(tmp_path, f"disk-{n}.img", (n + 1) * HOUR) for n in range(3)]
    used_again(str(old[2]))
    prune_cache(str(tmp_path), "disk-", ".img", 1)
    assert left(tmp_path) == ["disk-2.img"]


def test_write_entry_is_atomic(tmp_path):
    target = tmp_path / "k.vmlinux"
    assert write_entry(str(target), b"elf")
    assert target.read_bytes() == b"elf" and left(tmp_path) == ["k.vmlinux"]
    assert not write_entry(str(tmp_path / "none" / "k"), b"elf")


def test_cache_key(tmp_path):
    f = tmp_path / "f"
    f.write_bytes(b"one")
    d = tmp_path / "tree"
    (d / "sub").mkdir(parents=True)
    (d / "sub" / "m.ko").write_bytes(b"ko")
    k1 = cache_key(str(f), str(d), "nvme")
    assert len(k1) == 64 and cache_key(str(f), str(d), "nvme") == k1
    assert cache_key(str(f), str(d), "ide") != k1
    f.write_bytes(b"two")
    assert cache_key(str(f), str(d), "nvme") != k1
    k2 = cache_key(str(d))
    (d / "sub" / "n.ko").write_bytes(b"")
    assert cache_key(str(d)) != k2


@pytest.mark.parametrize("env, where", [
    ({"MINROOT_CACHE": "/c", "XDG_CACHE_HOME": "/x", "HOME": "/h"}, "/c"),
    ({"XDG_CACHE_HOME": "/x", "HOME": "/h"}, "/x/minroot"),
    ({"HOME": "/h"}, "/h/.cache/minroot")])
def test_cache_dir(env, where):
    assert cache_dir(env) == where
