#!/usr/bin/python3
# demo: without a controlling terminal, Ctrl-C kills nothing and job control is off
"""The shell on a terminal, with the init as built and without the duty
(-DMINROOT_DEMO_NO_CTTY): Ctrl-C during a sleep, then what the shell saw."""
import os
import shutil
import subprocess
import sys
import tempfile
import time

import pexpect

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "ns"))
import terminal  # noqa: E402  (make_root, spawn_init, report)

DUTY = "ctty"
DEMO_INIT = os.path.join(terminal.BUILD, "demo", "init-" + DUTY)


def session(root):
    """What the shell says about its terminal, and whether a sleep ran to its
    end although Ctrl-C was pressed while it ran."""
    proc, p = terminal.spawn_init(root, "console=ttyS0 minroot.grace=500")
    log = []
    p.logfile_read = type("L", (), {"write": lambda s, x: log.append(x), "flush": lambda s: None})()
    seen = {}
    try:
        p.expect("# ")
        p.sendline("echo tty_nr=$(cut -d' ' -f7 /proc/$$/stat)")
        p.expect(r"tty_nr=(\d+)\s")
        seen["tty_nr"] = p.match.group(1)
        p.expect("# ")
        p.sendline("echo sta''rted; sleep 3; echo fin''ished")
        p.expect("started")
        time.sleep(0.5)
        p.send("\x03")  # Ctrl-C
        p.sendline("echo do''ne")
        p.expect("done", timeout=30)
        seen["sleep"] = "finished" if "finished" in "".join(log) else "interrupted"
        p.sendline("exit")
        p.expect(pexpect.EOF, timeout=20)
    except (pexpect.TIMEOUT, pexpect.EOF) as e:
        seen["error"] = type(e).__name__
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    seen["text"] = "".join(log)
    seen["job control off"] = "job control turned off" in seen["text"]
    return seen


def main():
    print(f"# {DUTY}: the shell's controlling terminal (init/console.c, attach_controlling_tty;"
          " init/supervise.c, run_child)")
    if not os.access(DEMO_INIT, os.X_OK):
        terminal.report(False, f"{DUTY}: build/demo/init-{DUTY} is built (make demo DUTY={DUTY})")
        return 1
    tmp = tempfile.mkdtemp(prefix="minroot-demo.")
    try:
        root = os.path.join(tmp, "root")
        terminal.make_root(root)
        for side, init in (("with", os.path.join(terminal.BUILD, "init")), ("without", DEMO_INIT)):
            shutil.copy(init, os.path.join(root, "sbin", "init"))
            s = session(root)
            print(f"    {side:8} the duty: tty_nr={s.get('tty_nr', '?')}, the sleep after Ctrl-C: "
                  f"{s.get('sleep', s.get('error'))}"
                  + (", the shell: job control turned off" if s["job control off"] else ""))
            if side == "with":
                terminal.report(s.get("tty_nr", "0") != "0" and s.get("sleep") == "interrupted",
                                f"{DUTY}: with the duty, the shell has a terminal and Ctrl-C "
                                "interrupts the sleep", s["text"])
            else:
                terminal.report(s.get("tty_nr") == "0" and s.get("sleep") == "finished",
                                f"{DUTY}: without the duty, no controlling terminal and Ctrl-C "
                                "kills nothing", s["text"])
    finally:
        subprocess.run(["rm", "-rf", tmp])
    return 1 if terminal.failures else 0


if __name__ == "__main__":
    sys.exit(main())
