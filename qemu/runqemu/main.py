"""run-qemu's main: the user's options checked, the run planned, QEMU run,
the outcome told; each a step below."""
import os
import shutil
import sys
import tempfile
import termios

from . import options
from .arches import ARCHES
from .console import KernelLog, default_log
from .disks import copy_back
from .kernelimage import vmlinux_guess
from .plan import make_plan
from .qemuline import shell_quote
from .session import Session
from .status import RunError, ToolFailure, refuse, say
from .terminal import host_terminal
from .verdict import outcome


def main(argv):
    """run-qemu ARGV: its exit status."""
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
        return run_in(o, qemu, tmp)
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


def run_in(o, qemu, tmp):
    terminal = host_terminal()
    plan = make_plan(o, qemu, tmp, print_pattern() if o.print_only else tmp, terminal)
    if o.print_only:
        print(shell_quote(plan.qemu_argv))
        return 0
    log_path = o.log or default_log(os.environ)
    announce_gdb(o)
    session = Session(plan.qemu_argv, tmp, plan.request, o.command_mode() and not terminal.stdin_tty,
                      o.timeout, o.command_mode(), terminal.stdin_tty)
    klog = run_session(o, session, log_path, tmp, terminal)
    status, lines = outcome(o, session, klog.scan, log_path)
    for line in lines:
        say(line)
    copy_shares_back(plan, session)
    return status


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
