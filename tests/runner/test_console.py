"""console.py and verdict.py over saved console logs (data/, see
data/README): the splat and taint scan, panics, init's lines, and the
status and line each run ends with."""
import io
import os
import types

import pytest

from conftest import DATA
from runqemu.console import KernelLog, Scan, replay
from runqemu.options import parse_options
from runqemu.results import ENDINGS
from runqemu.verdict import ending as how_it_ended
from runqemu.verdict import kernel_trouble, outcome


def saved(name):
    with open(os.path.join(DATA, name), "rb") as f:
        return f.read()


def ending(status, new_taint="", qemu_status=0, **kw):
    """How a session ended, as verdict.outcome reads it."""
    fields = dict(interrupted=0, host_timeout=False, restarted=False, status=status,
                  new_taint=new_taint, qemu_status=qemu_status)
    fields.update(kw)
    return types.SimpleNamespace(**fields)


def verdict_of(log, argv=("--", "true"), **kw):
    """The outcome a command run would have had, from its saved log."""
    scan, status = replay(saved(log))
    code, taint, new = status if status else (None, "", "")
    return outcome(parse_options(list(argv)), ending(code, new, **kw), scan, "LOG")


def test_clean_run():
    scan, status = replay(saved("clean.log"))
    assert (scan.first_splat, scan.panic, scan.init_error, scan.timed_out) == (None, None, None, False)
    assert status == (0, "", "")
    assert verdict_of("clean.log") == (0, [])


def test_warn_fails_the_run_with_its_first_line():
    scan, status = replay(saved("warn.log"))
    assert scan.first_splat.startswith("WARNING: CPU: 0 PID: ") and "splat" in scan.first_splat
    assert status == (3, "WOE", "WOE")
    assert scan.panic is None
    rc, lines = verdict_of("warn.log")
    assert rc == 122 and len(lines) == 1
    assert lines[0] == f"the kernel reported a problem during the run: {scan.first_splat} (console log: LOG)"


def test_allow_warn_keeps_the_commands_status():
    rc, lines = verdict_of("warn.log", argv=("--allow-warn", "--", "true"))
    assert rc == 3 and len(lines) == 1 and "WARNING: CPU" in lines[0]


def test_oops_names_the_bug_line():
    scan, status = replay(saved("oops.log"))
    assert scan.first_splat == "BUG: kernel NULL pointer dereference, address: 0000000000000000"
    assert status == (0, "DOE", "DOE")
    rc, lines = verdict_of("oops.log")
    assert rc == 122 and "BUG: kernel NULL pointer dereference" in lines[0]


def test_panic_is_no_status():
    scan, status = replay(saved("panic.log"))
    assert scan.panic == "Kernel panic - not syncing: splat: panic on demand"
    assert status is None
    assert verdict_of("panic.log") == (
        125, ["the kernel panicked: not syncing: splat: panic on demand (console log: LOG)"])


def test_kunit_taint_is_no_health_failure():
    # kunit-taint.log is hand-made (there is no KUnit kernel here yet):
    # clean.log with init's status line as it reads once KUnit tests have
    # run, "init: exit status 0 taint=N new=N". N (TAINT_TEST) says a
    # test ran, not that something went wrong.
    scan, status = replay(saved("kunit-taint.log"))
    assert status == (0, "N", "N")
    assert kernel_trouble("N", scan) is None
    assert verdict_of("kunit-taint.log") == (0, [])


@pytest.mark.parametrize("new, trouble", [
    ("", None), ("OE", None), ("PFCOEKXTN", None), ("W", "the kernel was tainted during the run (W)"),
    ("WOE", "the kernel was tainted during the run (W)"), ("DL", "the kernel was tainted during the run (DL)")])
def test_which_taints_are_trouble(new, trouble):
    assert kernel_trouble(new, Scan()) == trouble


@pytest.mark.parametrize("line", [
    "WARNING: CPU: 1 PID: 2 at x.c:3 f+0x0/0x1", "BUG: unable to handle page fault", "Oops: 0000 [#1] SMP",
    "general protection fault, probably for non-canonical address", "KASAN: use-after-free in f",
    "UBSAN: shift-out-of-bounds in x.c:1:2", "KFENCE: out-of-bounds read in f",
    "WARNING: possible circular locking dependency detected",
    "INFO: task kworker:1 blocked for more than 120 seconds.", "watchdog: BUG: soft lockup - CPU#0 stuck for 22s!",
    "rcu: INFO: rcu_preempt self-detected stall on CPU", "INFO: rcu_sched self-detected stall on CPU"])
def test_every_splat_kind_is_seen(line):
    scan = Scan()
    assert scan.line(line) and scan.first_splat == line


def test_a_splat_ends_at_its_end_marker():
    scan = Scan()
    shown = [scan.line(t) for t in ("WARNING: x", "RIP: y", "---[ end trace 0 ]---", "after")]
    assert shown == [True, True, True, False]


def test_init_lines():
    scan = Scan()
    scan.line("init: error: no init on the root")
    scan.line("init: error: a second one")
    scan.line("init: timed out after 5 s: stopping the command")
    assert scan.init_error == "no init on the root" and scan.timed_out


class Err(io.StringIO):
    def isatty(self):
        return False


def test_kernel_log_shows_the_rest_of_a_splat():
    """A command run: the console (quiet) shows levels 0-3; the rest of a
    WARNING's lines (level 4) come from the forwarded log, on stderr."""
    out, err = io.BytesIO(), Err()
    klog = KernelLog(out, verbose=False, console_is_terminal=False, err=err)
    klog.record(b"6,1,1000000,-;an informational line")
    klog.record(b"4,2,2000001,-;WARNING: CPU: 0 PID: 1 at x.c:1 f\n SUBSYSTEM=x")
    klog.record(b"4,3,2000002,-;RIP: 0010:f")
    klog.record(b"garbage")
    assert err.getvalue() == "WARNING: CPU: 0 PID: 1 at x.c:1 f\nRIP: 0010:f\n"
    assert out.getvalue() == (b"[    1.000000] an informational line\n"
                              b"[    2.000001] WARNING: CPU: 0 PID: 1 at x.c:1 f\n[    2.000002] RIP: 0010:f\n")
    assert klog.records == 3 and klog.scan.first_splat.startswith("WARNING")


def test_console_port_shows_inits_lines_and_panics():
    err = Err()
    klog = KernelLog(io.BytesIO(), verbose=False, console_is_terminal=False, err=err)
    klog.console_bytes(b"[    1.0] quiet kernel line\r\ninit: exit sta")
    klog.console_bytes(b"tus 0\r\n[    2.0] Kernel panic - not syncing: x\r\n[    2.1] after\r\n")
    assert err.getvalue() == "init: exit status 0\n[    2.0] Kernel panic - not syncing: x\n[    2.1] after\n"


def test_terminal_is_scanned_when_nothing_was_forwarded():
    """Another init (or none): the terminal's transcript is all there is."""
    klog = KernelLog(io.BytesIO(), verbose=False, console_is_terminal=True, err=Err())
    klog.add_terminal(b"[    1.0] WARNING: CPU: 0 PID: 1 at x\r\nlogin: ")
    assert klog.scan.first_splat == "WARNING: CPU: 0 PID: 1 at x"
    assert klog.file.getvalue().startswith(b"\n--- the terminal (ttyS0) ---\n")


@pytest.mark.parametrize("end, argv, expected", [
    (ending(None, interrupted=2), ("--", "true"), (130, ["interrupted by signal 2: QEMU stopped"])),
    (ending(None, host_timeout=True), ("--timeout", "5", "--", "true"),
     (124, ["timed out after 5 s: the guest did not stop; QEMU killed"])),
    (ending(None, restarted=True), ("--", "true"), (125, [])),
    (ending(None, qemu_status=1), ("--", "true"), (125, ["QEMU failed with status 1 (console log: LOG)"])),
    (ending(None), ("--", "true"), (125, ["the guest stopped without reporting an exit status (console log: LOG)"])),
    (ending(7), ("--", "true"), (7, [])),
    (ending(None, qemu_status=0), (), (0, [])),
    (ending(124), ("--timeout", "5", "--", "true"), (124, []))],
    ids=["SIGINT", "host timeout", "a reset", "QEMU failed", "no status", "the command's status",
         "a shell powered off", "124 without init's timeout line"])
def test_outcome(end, argv, expected):
    assert outcome(parse_options(list(argv)), end, Scan(), "LOG") == expected


def test_outcome_of_an_init_error_in_a_shell_run():
    scan = Scan()
    scan.line("init: error: no init on the root")
    assert outcome(parse_options([]), ending(None), scan, "LOG") == (125, ["init failed: no init on the root"])


def test_outcome_of_a_timeout_in_the_guest():
    scan = Scan()
    scan.line("init: timed out after 5 s")
    rc, lines = outcome(parse_options(["--timeout", "5", "--", "true"]), ending(124), scan, "LOG")
    assert (rc, lines) == (124, ["timed out after 5 s: the command was stopped in the guest"])


def test_the_first_splats_lines_and_the_kernels_version():
    """What --results keeps: every line of the first splat (not the console's
    copies of them), the version the boot announced."""
    scan, _ = replay(saved("warn.log"))
    assert scan.kernel_version == "6.1.0-57-cloud-amd64"
    assert scan.splat_lines[0] == scan.first_splat and scan.splat_lines[-1].startswith("---[ end trace")
    # Once each: the console's copies of its first lines are not added.
    assert len(scan.splat_lines) == len(set(scan.splat_lines)) == 44
    oops, _ = replay(saved("oops.log"))
    assert oops.splat_lines[0] == "BUG: kernel NULL pointer dereference, address: 0000000000000000"
    # Its BUG line is in the log twice (the record, the console's copy): once here.
    assert saved("oops.log").count(b"BUG: kernel NULL") == 2 and oops.splat_lines.count(oops.first_splat) == 1
    clean, _ = replay(saved("clean.log"))
    assert clean.splat_lines == [] and clean.kernel_version == "6.1.0-57-cloud-amd64"


def test_only_the_first_splat_is_kept_whole():
    scan = Scan()
    for line in ["WARNING: CPU: 0 at a.c:1", "RIP: a", "---[ end trace 1 ]---", "WARNING: CPU: 0 at b.c:2", "RIP: b"]:
        scan.line(line)
    assert scan.splat_lines == ["WARNING: CPU: 0 at a.c:1", "RIP: a", "---[ end trace 1 ]---"]


@pytest.mark.parametrize("end, argv, lines, expected", [
    (ending(None, interrupted=2), ("--", "true"), [], "interrupted"),
    (ending(None, host_timeout=True), ("--timeout", "5", "--", "true"), [], "timeout"),
    (ending(124), ("--timeout", "5", "--", "true"), ["init: timed out after 5 s"], "timeout"),
    (ending(124), ("--", "true"), [], "status"),
    (ending(None, restarted=True), ("--", "true"), [], "restarted"),
    (ending(None), ("--", "true"), ["Kernel panic - not syncing: x"], "panic"),
    (ending(None), ("--", "true"), [], "no status"),
    (ending(3), ("--", "true"), [], "status"),
    (ending(None, qemu_status=0), (), [], "powered off"),
    (ending(None), (), ["init: error: no init on the root"], "no status")])
def test_how_a_run_ended(end, argv, lines, expected):
    scan = Scan()
    for line in lines:
        scan.line(line)
    assert how_it_ended(parse_options(list(argv)), end, scan) == expected and expected in ENDINGS
