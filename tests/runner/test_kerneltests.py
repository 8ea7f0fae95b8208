"""kerneltests.py and the verdict on the kernel's own tests: KUnit's KTAP
from the kernel log (saved records: data/kunit-*.log), the summary's lines
and counts (kunit.py's: each parameter a test), and where status 121
stands among the others."""
import io
import os
import re
import types

import pytest

from conftest import DATA
from runqemu import ktap
from runqemu.console import KernelLog
from runqemu.kerneltests import Summary
from runqemu.options import parse_options
from runqemu.status import EXIT_KERNEL_TEST
from runqemu.verdict import outcome
from test_console import ending
from test_ktap import KUNIT_61

LOG_LINE_RE = re.compile(rb"^\[ *(\d+)\.(\d{6})\] (.*)$")


def records_of(name):
    """The kmsg records a saved --log holds (its part before the console's),
    as init sent them: "LEVEL,SEQ,USEC,-;TEXT"."""
    with open(os.path.join(DATA, name), "rb") as f:
        head = f.read().split(b"\n--- the ")[0]
    out = []
    for i, line in enumerate(head.split(b"\n")):
        m = LOG_LINE_RE.match(line)
        if m:
            usec = int(m.group(1)) * 1000000 + int(m.group(2))
            out.append(b"6,%d,%d,-;%s" % (i, usec, m.group(3)))
    return out


class Err(io.StringIO):
    def isatty(self):
        return False


def kernel_log_documents(records):
    klog = KernelLog(io.BytesIO(), verbose=False, console_is_terminal=False, err=Err())
    klog.t0 = 100.0
    for r in records:
        klog.record(r)
    return klog.ktap.documents()


def summary_of(text):
    return Summary(ktap.documents_of(text.split("\n"), "kernel"))


def test_parameters_are_counted_one_by_one():
    s = summary_of(KUNIT_61)
    assert [(x.name, x.counts) for x in s.suites] == [
        ("example", {"ok": 2, "not ok": 1, "skip": 1}), ("other", {"ok": 0, "not ok": 1, "skip": 0})]
    assert s.failed and s.totals() == {"ok": 2, "not ok": 2, "skip": 1}


def test_the_lines_name_each_failure_and_skip():
    lines = summary_of(KUNIT_61).lines()
    assert lines == [
        "kunit: example    2 ok, 1 not ok, 1 skip",
        "kunit: other      0 ok, 1 not ok, 0 skip",
        "kunit: skip example: example_skip_test (SKIP this test should be skipped)",
        "kunit: not ok example: example_params_test: example value 2",
        "kunit: not ok other: other_test (other_test: EXPECTATION FAILED at lib/other.c:12)",
        "kunit: 2 suites, 5 tests: 2 ok, 2 not ok, 1 skip: FAIL"]


def test_a_run_cut_short_fails_and_says_what_never_came():
    cut = KUNIT_61.split("[    0.500005]     # example_params_test")[0]
    s = summary_of(cut)
    assert s.failed
    lines = s.lines()
    assert "kunit: not ok example (no result: the run ended while it ran)" in lines
    assert "kunit: not ok (1 more suite) (no result: the run ended before them)" in lines
    assert "kunit: not ok example: (1 more) (no result: the run ended before them)" in lines
    assert lines[-1] == "kunit: 2 suites, 4 tests: 1 ok, 2 not ok, 1 skip: FAIL"


def test_no_ktap_no_lines():
    s = Summary([])
    assert (s.lines(), s.failed, s.failure_line()) == ([], False, None)


def test_skips_alone_pass():
    s = summary_of("KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: s\n    1..1\n"
                   "    ok 1 t # SKIP no hardware\nok 1 s\n")
    assert not s.failed and s.lines()[-1] == "kunit: 1 suites, 1 tests: 0 ok, 0 not ok, 1 skip: PASS"


def test_the_builtin_run_from_the_kernel_log():
    """make kunit's run (lib/kunit, fs/ext4, fs/fat built in): the records
    init forwarded, their KTAP at boot among the other kernel lines."""
    docs = kernel_log_documents(records_of("kunit-builtin.log"))
    assert len(docs) == 1 and docs[0].source == "kernel" and not docs[0].cut_short()
    s = Summary(docs)
    names = [x.name for x in s.suites]
    assert "ext4_inode_test" in names and "fat_test" in names and "kunit_executor_test" in names
    ext4 = s.suites[names.index("ext4_inode_test")]
    assert ext4.counts["ok"] > 1     # a case per timestamp: parameters
    assert not s.failed
    # The kernel's clock, from QEMU's start.
    assert 100.0 < docs[0].started < 100.0 + 60


# Linux 6.1 builds these suites only into a kernel with KUnit built in:
# lib/kunit/Makefile ("string-stream-test compiles built-in only") and
# executor.c (executor_test.c under IS_BUILTIN(CONFIG_KUNIT_TEST)).
BUILTIN_ONLY = {"kunit_executor_test": 4, "string-stream-test": 3}


def test_module_runs_give_the_same_counts():
    """make kunit MODULES=1's run: each module loaded in turn, its suites
    with no document around them, one document each; every suite a module
    can hold counts as built in."""
    builtin = Summary(kernel_log_documents(records_of("kunit-builtin.log")))
    docs = kernel_log_documents(records_of("kunit-modules.log"))
    assert all(d.version is None and len(d.tests) == 1 for d in docs)
    modules = Summary(docs)
    counts = {x.name: x.counts for x in modules.suites}
    want = {x.name: x.counts for x in builtin.suites if x.name not in BUILTIN_ONLY}
    assert counts == want
    assert {x.name: sum(x.counts.values()) for x in builtin.suites if x.name in BUILTIN_ONLY} == BUILTIN_ONLY


def verdict(argv, status, tests, new_taint="", qemu_status=0):
    scan = types.SimpleNamespace(panic=None, init_error=None, first_splat=None, timed_out=False)
    return outcome(parse_options(list(argv)), ending(status, new_taint, qemu_status), scan, "LOG", tests)


FAILED = summary_of(KUNIT_61)
PASSED = summary_of("KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: s\n    1..1\n    ok 1 t\nok 1 s\n")


def test_a_failed_kernel_test_makes_a_clean_command_121():
    rc, lines = verdict(["--", "true"], 0, FAILED)
    assert rc == EXIT_KERNEL_TEST == 121
    assert lines == ["a kernel test reported a failure: 2 of 5 not ok (the kunit lines above)"]
    assert verdict(["--", "true"], 0, PASSED) == (0, [])


@pytest.mark.parametrize("argv, status, new_taint, want", [
    (["--", "false"], 1, "", 1),            # the command's own failure first
    (["--", "true"], 0, "W", 122),          # then the kernel's health
    (["--allow-warn", "--", "true"], 0, "W", 121),
    (["--", "true"], 0, "N", 121),          # KUnit's taint is no trouble
    (["--", "true"], 124, "", 124),
])
def test_where_121_stands(argv, status, new_taint, want):
    assert verdict(argv, status, FAILED, new_taint)[0] == want


def test_without_a_command_too():
    assert verdict([], None, FAILED, qemu_status=0)[0] == 121
    assert verdict([], None, PASSED, qemu_status=0)[0] == 0


def test_kunit_with_no_ktap_says_what_is_missing():
    """--kunit on a kernel without KUnit built in: no results at all."""
    rc, lines = verdict(["--kunit"], None, Summary([]))
    assert rc == 125 and lines == [
        "--kunit: the kernel printed no KUnit results (is KUnit built in, CONFIG_KUNIT=y?) (console log: LOG)"]
    assert verdict(["--kunit"], None, PASSED)[0] == 0


def test_kunit_ktap_read_from_the_console_port():
    """--kunit has no init, so no records: the console port's lines."""
    klog = KernelLog(io.BytesIO(), verbose=False, console_is_terminal=False, err=Err())
    klog.t0 = 50.0
    text = KUNIT_61.replace("[    0.500007] not ok 2 other\n", "")
    klog.console_bytes(("[    0.100000] Linux version 6.1.192\r\n" + text).replace("\n", "\r\n").encode())
    docs = klog.kernel_documents()
    assert [t.name for t in docs[0].tests] == ["example", "other"] and docs[0].cut_short()
    assert docs[0].started == pytest.approx(50.5)


def test_kunits_taint_is_no_health_failure_on_a_real_run():
    """The modules run ends "init: exit status 0 taint=N new=N": KUnit's
    test taint, which is no trouble."""
    from runqemu.console import replay
    from runqemu.verdict import kernel_trouble
    with open(os.path.join(DATA, "kunit-modules.log"), "rb") as f:
        scan, status = replay(f.read())
    assert status == (0, "N", "N")
    assert kernel_trouble("N", scan) is None and scan.first_splat is None
