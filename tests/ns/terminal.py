#!/usr/bin/python3
"""The init as PID 1 in namespaces, on a terminal: the shell gets it as its
controlling terminal, so job control and Ctrl-C work."""
import os
import shutil
import subprocess
import sys
import tempfile
import time

import pexpect
import pexpect.fdpexpect

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(TOP, os.environ.get("BUILD", "build"))
BUSYBOX = os.environ.get("BUSYBOX", "/bin/busybox")
failures = 0


def report(ok, what, evidence=""):
    global failures
    print(("ok - " if ok else "not ok - ") + what)
    if not ok:
        failures += 1
        for line in evidence.splitlines()[-40:]:
            print("    | " + line)


def make_root(root):
    for d in ("bin", "sbin", "dev", "etc", "proc", "sys", "tmp", "root", "run"):
        os.makedirs(os.path.join(root, d))
    shutil.copy(os.path.join(BUILD, "init"), os.path.join(root, "sbin/init"))
    shutil.copy(BUSYBOX, os.path.join(root, "bin/busybox"))
    applets = subprocess.run([BUSYBOX, "--list"], capture_output=True, text=True).stdout.split()
    for a in applets:
        if a not in ("init", "busybox"):
            os.symlink("busybox", os.path.join(root, "bin", a))
    for node in ("null", "zero", "urandom"):
        open(os.path.join(root, "dev", node), "w").close()


def spawn_init(root, cmdline):
    """Starts init on a new pty that is nobody's controlling terminal yet, as
    the kernel's console is (a pty from pexpect.spawn already belongs to a
    session, and only CAP_SYS_ADMIN in the first user namespace may steal it)."""
    with open(os.path.join(root, "..", "cmdline"), "w") as f:
        f.write(cmdline + "\n")
    binds = " && ".join(f"mount --bind /dev/{n} {root}/dev/{n}" for n in ("null", "zero", "urandom"))
    script = (f"mount -t proc proc {root}/proc && mount --bind {root}/../cmdline {root}/proc/cmdline"
              f" && {binds} && exec chroot {root} /sbin/init")
    master, slave = os.openpty()
    proc = subprocess.Popen(["unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount",
                             "--net", "--uts", "--ipc", "sh", "-c", script],
                            stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    return proc, pexpect.fdpexpect.fdspawn(master, encoding="utf-8", timeout=20)


def window_size_and_term(root):
    """minroot.size and minroot.term: the shell's terminal has that size
    (the pty starts at 0x0) and TERM is that name."""
    proc, p = spawn_init(root, "console=ttyS0 minroot.grace=500 minroot.size=50x200 "
                               "minroot.term=xterm-256color")
    log = []
    p.logfile_read = type("L", (), {"write": lambda s, x: log.append(x), "flush": lambda s: None})()
    text = lambda: "".join(log)
    try:
        p.expect("# ")
        p.sendline("echo size=$(stty size) term=$TERM")
        p.expect(r"size=([0-9 ]*) term=(\S*)\s")
        size, term = p.match.groups()
        report(size == "50 200", f"minroot.size=50x200: stty size says {size!r}", text())
        report(term == "xterm-256color", f"minroot.term=xterm-256color: TERM is {term!r}", text())
        p.expect("# ")
        p.sendline("exit")
        p.expect(pexpect.EOF, timeout=20)
        proc.wait(timeout=20)
    except (pexpect.TIMEOUT, pexpect.EOF) as e:
        report(False, "window size session: " + type(e).__name__, text())
        proc.kill()
        proc.wait()


def main():
    tmp = tempfile.mkdtemp(prefix="minroot-tty.")
    try:
        root = os.path.join(tmp, "root")
        make_root(root)
        window_size_and_term(root)
        proc, p = spawn_init(root, "console=ttyS0 minroot.grace=500")
        log = []
        p.logfile_read = type("L", (), {"write": lambda s, x: log.append(x), "flush": lambda s: None})()
        text = lambda: "".join(log)
        try:
            p.expect("# ")
            report(True, "prompt without pressing Enter")
            p.sendline("echo tty_nr=$(cut -d' ' -f7 /proc/$$/stat) sid=$(cut -d' ' -f6 /proc/$$/stat) pid=$$")
            p.expect(r"tty_nr=(\d+) sid=(\d+) pid=(\d+)\s")
            tty_nr, sid, pid = p.match.groups()
            report(tty_nr != "0", "the shell has a controlling terminal", text())
            report(sid == pid, "the shell leads its own session", text())
            p.expect("# ")
            p.sendline("sleep 100")
            time.sleep(1.0)
            p.send("\x03")  # Ctrl-C
            p.expect("# ", timeout=10)
            p.sendline("echo status=$?")
            p.expect(r"status=(\d+)\s")
            report(p.match.group(1) == "130", "Ctrl-C interrupts a foreground command (status 130)", text())
            p.expect("# ")
            p.sendline("sleep 100 &")
            p.expect("# ")
            # SIGKILL: a SIGTERM that lands between fork and exec still meets
            # the interactive shell's SIG_IGN and would be lost.
            p.sendline("jobs; kill -9 %1; wait; echo jobs-$((1+1))-done")
            i = p.expect([r"\[1\]\+\s+Running\s+sleep 100", "jobs-2-done"])
            report(i == 0, "job control: jobs lists the background job", text())
            p.expect("jobs-2-done")
            p.expect("# ")
            p.sendline("exit")
            p.expect(pexpect.EOF, timeout=20)
            status = proc.wait(timeout=20)
            report(status in (130, -2), f"exit from the shell powers off (status {status})", text())
            report("init: powering off" in text(), "init says it powers off", text())
        except (pexpect.TIMEOUT, pexpect.EOF) as e:
            report(False, "terminal session: " + type(e).__name__, text())
            proc.kill()
            proc.wait()
    finally:
        subprocess.run(["rm", "-rf", tmp])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
