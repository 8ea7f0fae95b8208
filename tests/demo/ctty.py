#!/usr/bin/python3
# demo: without a controlling terminal, Ctrl-C kills nothing and job control is off
"""The shell on a terminal, with the init as built and without the duty
(-DMINROOT_DEMO_NO_CTTY): Ctrl-C during a sleep, then what the shell saw."""
import os
import shutil
import subprocess
import tempfile
import time

import pexpect

import minroot_test as t

DUTY = "ctty"
DEMO_INIT = os.path.join(t.B, "demo", "init-" + DUTY)


def session(root):
    """What the shell says about its terminal, and whether a sleep ran to its
    end although Ctrl-C was pressed while it ran."""
    proc, p, text = t.ns_spawn_init(root, "console=ttyS0 minroot.grace=500")
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
        seen["sleep"] = "finished" if "finished" in text() else "interrupted"
        p.sendline("exit")
        p.expect(pexpect.EOF, timeout=20)
    except (pexpect.TIMEOUT, pexpect.EOF) as e:
        seen["error"] = type(e).__name__
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    seen["text"] = text()
    seen["job control off"] = "job control turned off" in seen["text"]
    return seen


def main():
    print(f"# {DUTY}: the shell's controlling terminal (init/console.c, attach_controlling_tty;"
          " init/supervise.c, run_child)")
    if not os.access(DEMO_INIT, os.X_OK):
        t.fail(f"{DUTY}: build/demo/init-{DUTY} is built (make demo DUTY={DUTY})")
        t.finish()
    tmp = tempfile.mkdtemp(prefix="minroot-demo.")
    try:
        root = os.path.join(tmp, "root")
        t.ns_root(root)
        for side, init in (("with", os.path.join(t.B, "init")), ("without", DEMO_INIT)):
            shutil.copy(init, os.path.join(root, "sbin", "init"))
            s = session(root)
            print(f"    {side:8} the duty: tty_nr={s.get('tty_nr', '?')}, the sleep after Ctrl-C: "
                  f"{s.get('sleep', s.get('error'))}"
                  + (", the shell: job control turned off" if s["job control off"] else ""))
            if side == "with":
                t.check(f"{DUTY}: with the duty, the shell has a terminal and Ctrl-C "
                        "interrupts the sleep",
                        s.get("tty_nr", "0") != "0" and s.get("sleep") == "interrupted", s["text"])
            else:
                t.check(f"{DUTY}: without the duty, no controlling terminal and Ctrl-C "
                        "kills nothing",
                        s.get("tty_nr") == "0" and s.get("sleep") == "finished", s["text"])
    finally:
        subprocess.run(["rm", "-rf", tmp])
    t.finish()


if __name__ == "__main__":
    main()
