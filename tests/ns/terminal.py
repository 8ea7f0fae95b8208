#!/usr/bin/python3
"""The init as PID 1 in namespaces, on a terminal: the shell gets it as its
controlling terminal, so job control and Ctrl-C work."""
import os
import subprocess
import tempfile
import time

import pexpect

import minroot_test as t


def window_size_and_term(root):
    """minroot.size and minroot.term: the shell's terminal has that size
    (the pty starts at 0x0) and TERM is that name."""
    proc, p, text = t.ns_spawn_init(root, "console=ttyS0 minroot.grace=500 minroot.size=50x200 "
                                          "minroot.term=xterm-256color")
    try:
        p.expect("# ")
        p.sendline("echo size=$(stty size) term=$TERM")
        p.expect(r"size=([0-9 ]*) term=(\S*)\s")
        size, term = p.match.groups()
        t.check(f"minroot.size=50x200: stty size says {size!r}", size == "50 200", text())
        t.check(f"minroot.term=xterm-256color: TERM is {term!r}", term == "xterm-256color", text())
        p.expect("# ")
        p.sendline("exit")
        p.expect(pexpect.EOF, timeout=20)
        proc.wait(timeout=20)
    except (pexpect.TIMEOUT, pexpect.EOF) as e:
        t.fail("window size session: " + type(e).__name__, text())
        proc.kill()
        proc.wait()


def main():
    tmp = tempfile.mkdtemp(prefix="minroot-tty.")
    try:
        root = os.path.join(tmp, "root")
        t.ns_root(root)
        window_size_and_term(root)
        proc, p, text = t.ns_spawn_init(root, "console=ttyS0 minroot.grace=500")
        try:
            p.expect("# ")
            t.ok("prompt without pressing Enter")
            p.sendline("echo tty_nr=$(cut -d' ' -f7 /proc/$$/stat) sid=$(cut -d' ' -f6 /proc/$$/stat) pid=$$")
            p.expect(r"tty_nr=(\d+) sid=(\d+) pid=(\d+)\s")
            tty_nr, sid, pid = p.match.groups()
            t.check("the shell has a controlling terminal", tty_nr != "0", text())
            t.check("the shell leads its own session", sid == pid, text())
            p.expect("# ")
            p.sendline("sleep 100")
            time.sleep(1.0)
            p.send("\x03")  # Ctrl-C
            p.expect("# ", timeout=10)
            p.sendline("echo status=$?")
            p.expect(r"status=(\d+)\s")
            t.check("Ctrl-C interrupts a foreground command (status 130)", p.match.group(1) == "130", text())
            p.expect("# ")
            p.sendline("sleep 100 &")
            p.expect("# ")
            # SIGKILL: a SIGTERM that lands between fork and exec still meets
            # the interactive shell's SIG_IGN and would be lost.
            p.sendline("jobs; kill -9 %1; wait; echo jobs-$((1+1))-done")
            i = p.expect([r"\[1\]\+\s+Running\s+sleep 100", "jobs-2-done"])
            t.check("job control: jobs lists the background job", i == 0, text())
            p.expect("jobs-2-done")
            p.expect("# ")
            p.sendline("exit")
            p.expect(pexpect.EOF, timeout=20)
            status = proc.wait(timeout=20)
            t.check(f"exit from the shell powers off (status {status})", status in (130, -2), text())
            t.check("init says it powers off", "init: powering off" in text(), text())
        except (pexpect.TIMEOUT, pexpect.EOF) as e:
            t.fail("terminal session: " + type(e).__name__, text())
            proc.kill()
            proc.wait()
    finally:
        subprocess.run(["rm", "-rf", tmp])
    t.finish()


if __name__ == "__main__":
    main()
