"""qemu/kunit/kunit-config's defaults: KUnit's fault tests (which oops on
purpose) are turned off where the tree has the option (Linux 6.9 on) and
no kunitconfig sets it; a tree without it (6.1) gets the same fragment as
before; a kunitconfig that sets it wins, with no conflict; --defaults
prints them as a kunitconfig for kunit.py. On small trees of Kconfig
files made here, no kernel."""
import os
import subprocess

from conftest import TOP

KUNIT_CONFIG = os.path.join(TOP, "qemu", "kunit", "kunit-config")
NOT_SET = "# CONFIG_KUNIT_FAULT_TEST is not set"


def tree(tmp_path, with_fault_test):
    """A tree with lib/kunit's Kconfig and .kunitconfig (6.12's or 6.1's)."""
    d = tmp_path / ("t612" if with_fault_test else "t61")
    (d / "lib" / "kunit").mkdir(parents=True)
    kconfig = "config KUNIT\n\ttristate \"KUnit\"\n\nconfig KUNIT_TEST\n\ttristate \"KUnit's tests\"\n"
    if with_fault_test:
        kconfig += "\nconfig KUNIT_FAULT_TEST\n\tbool \"Enable KUnit tests which print BUG stacktraces\"\n\tdefault y\n"
    (d / "lib" / "kunit" / "Kconfig").write_text(kconfig)
    (d / "lib" / "kunit" / ".kunitconfig").write_text("CONFIG_KUNIT=y\nCONFIG_KUNIT_TEST=y\n")
    return d


def run(*args):
    p = subprocess.run([KUNIT_CONFIG] + [str(a) for a in args], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return p.stdout.splitlines()


def test_the_fault_tests_are_off_where_the_tree_has_them(tmp_path):
    t = tree(tmp_path, True)
    assert run("--tree", t, t / "lib/kunit")[1:] == ["CONFIG_KUNIT=y", "CONFIG_KUNIT_TEST=y", NOT_SET]
    assert run("--modules", "--tree", t, t / "lib/kunit")[1:] == ["CONFIG_KUNIT=m", "CONFIG_KUNIT_TEST=m", NOT_SET]


def test_a_tree_without_them_gets_the_kunitconfigs_alone(tmp_path):
    t = tree(tmp_path, False)
    assert run("--tree", t, t / "lib/kunit")[1:] == ["CONFIG_KUNIT=y", "CONFIG_KUNIT_TEST=y"]
    assert run("--defaults", "--tree", t, t / "lib/kunit")[1:] == []


def test_a_kunitconfig_that_sets_the_option_wins(tmp_path):
    t = tree(tmp_path, True)
    mine = tmp_path / "faults.kunitconfig"
    mine.write_text("CONFIG_KUNIT=y\nCONFIG_KUNIT_FAULT_TEST=y\n")
    assert run("--tree", t, t / "lib/kunit", mine)[1:] == ["CONFIG_KUNIT=y", "CONFIG_KUNIT_TEST=y",
                                                          "CONFIG_KUNIT_FAULT_TEST=y"]
    assert run("--defaults", "--tree", t, t / "lib/kunit", mine)[1:] == []


def test_defaults_for_kunit_py(tmp_path):
    t = tree(tmp_path, True)
    out = run("--defaults", "--tree", t, t / "lib/kunit")
    assert out[0].startswith("# ") and out[1:] == [NOT_SET]
