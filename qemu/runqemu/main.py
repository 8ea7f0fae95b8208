"""run-qemu's main: the user's options checked, the run planned, QEMU run,
the outcome told; each a step below."""
import os
import shutil
import sys
import tempfile
import termios
import time

from . import options, results
from .arches import ARCHES
from .console import KernelLog, default_log
from .disks import copy_back
from .kernelimage import kernel_version, vmlinux_guess
from .plan import make_plan
from .qemuline import shell_quote
from .session import Session
from .status import RunError, ToolFailure, refuse, say
from .terminal import host_terminal
from .terminallog import TerminalLog
from .verdict import ending, kernel_trouble, outcome

# How results.json and junit.xml say the tests were timed.
TIMING = ("wall time run-qemu saw between a test's first line (kselftest: its header) and its "
          "result line, read from QEMU's log of the terminal at least five times a second")


def main(argv):
    """run-qemu ARGV: its exit status."""
    start = (list(argv), time.time(), time.monotonic())
    try:
        o = options.parse_options(argv)
        if o.info:
            sys.stdout.write(options.info_text(o))
            return 0
        options.check_options(o)
        qemu = find_qemu(o)
    except RunError as e:
        return refuse(e)
    tmp = tempfile.mkdtemp(prefix="run-qemu.", dir=os.environ.get("TMPDIR") or None)
    try:
        return run_in(o, qemu, tmp, start)
    except RunError as e:
        return refuse(e)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def find_qemu(o):
    arch = ARCHES[o.arch]
    qemu = os.environ.get("QEMU", arch.qemu)
    if not shutil.which(qemu):
        raise ToolFailure(f"{qemu} not found (Debian package {arch.package})")
    return qemu


def print_pattern():
    """How --print shows the run's temporary directory."""
    return os.path.join(os.environ.get("TMPDIR") or "/tmp", "run-qemu.XXXXXX")


def run_in(o, qemu, tmp, start):
    terminal = host_terminal()
    plan = make_plan(o, qemu, tmp, print_pattern() if o.print_only else tmp, terminal)
    if o.print_only:
        print(shell_quote(plan.qemu_argv))
        return 0
    log_path = o.log or default_log(os.environ)
    announce_gdb(o)
    tail = TerminalLog(os.path.join(tmp, "terminal.log")) if o.results else None
    session = Session(plan.qemu_argv, tmp, plan.request, o.command_mode() and not terminal.stdin_tty,
                      o.timeout, o.command_mode(), terminal.stdin_tty, watch=tail.poll if tail else None)
    klog = run_session(o, session, log_path, tmp, terminal)
    status, lines = outcome(o, session, klog.scan, log_path)
    for line in lines:
        say(line)
    try:
        copy_shares_back(plan, session)
    except RunError as e:
        status = refuse(e)
        lines.append(str(e))
    if tail:
        # KTAP of other sources (the kernel log's) joins the command's here.
        save_results(o, tail.documents(), run_facts(o, plan, session, klog.scan, status, lines, log_path, start))
    return status


def run_facts(o, plan, session, scan, status, lines, log_path, start):
    """What results.py writes besides the KTAP: see results.Facts."""
    argv, wall, t_start = start
    taint_before = "".join(c for c in session.taint if c not in session.new_taint)
    boot = session.ready_at - session.t0 if session.ready_at and session.t0 else None
    run_end = session.status_at or session.ended_at
    run = run_end - session.ready_at if session.ready_at and run_end else None
    return results.Facts(
        command_line=["run-qemu"] + argv, qemu_command_line=plan.qemu_argv, exit_status=status,
        status_lines=lines, ended=ending(o, session, scan), command_status=session.status,
        kernel=o.kernel, kernel_version=scan.kernel_version or kernel_version(o.kernel),
        taint_before=taint_before, taint_after=session.taint, taint_new=session.new_taint,
        kernel_trouble=kernel_trouble(session.new_taint, scan), first_splat=scan.splat_lines,
        panic=scan.panic, expected_suites=o.expect_suites, started=wall,
        t0=session.t0, durations={"boot": boot, "run": run, "whole": time.monotonic() - t_start},
        log=log_path, timing=TIMING)


def save_results(o, documents, facts):
    """--results DIR: a file that cannot be written is told in one line;
    the run's status stays what it is."""
    try:
        results.write(o.results, documents, facts)
    except OSError as e:
        say(f"--results {o.results}: cannot write the results: {e.strerror}")


def announce_gdb(o):
    if o.gdb is not None:
        say(f"QEMU waits for gdb on port {o.gdb}: gdb -ex 'target remote 127.0.0.1:{o.gdb}' "
            f"{vmlinux_guess(o.kernel)}")


def run_session(o, session, log_path, tmp, terminal):
    """QEMU's run, the terminal's modes restored after it; the kernel log
    kept under a temporary name, then renamed to LOG_PATH."""
    os.makedirs(os.path.dirname(os.path.abspath(log_path)), exist_ok=True)
    partial = log_path + f".{os.getpid()}.tmp"
    klog = KernelLog(open(partial, "wb"), o.verbose, not o.command_mode())
    saved = termios.tcgetattr(0) if terminal.stdin_tty else None
    try:
        session.start(klog)
    finally:
        if saved:
            termios.tcsetattr(0, termios.TCSADRAIN, saved)
        klog.add_terminal(read_or_none(os.path.join(tmp, "terminal.log")))
        klog.file.close()
        os.replace(partial, log_path)
    return klog


def read_or_none(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def copy_shares_back(plan, session):
    """--share-rw: only after a clean power-off."""
    for host, image in plan.disks.copy_back:
        if session.qemu_status == 0 and not session.host_timeout and not session.interrupted:
            copy_back(host, image)
        else:
            say(f"--share-rw {host}: not copied back: the guest did not power off cleanly")
