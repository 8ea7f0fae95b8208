#!/usr/bin/python3
"""Data safety: N boots of one image (5; SOAK=1: 50). Each appends a line to
a file at the shell prompt, with no sync, and ends the guest with
`poweroff`, `exit` or `reboot` in turn. After each, on the host: e2fsck -fn
is clean, the journal needs no recovery, and every line written so far is
in the file."""
import os
import subprocess

import minroot_test as t

N = 50 if t.SOAK else 5
ENDINGS = ["poweroff", "exit", "reboot"]
FILE = "/root/data-safety.log"

tmp = t.scratch()
image = os.path.join(tmp, "rootfs.img")
subprocess.run(["cp", "--sparse=always", t.IMAGE, image], check=True)


def boot_and_append(i, ending):
    """One boot; None when it went well, else (reason, console log)."""
    with t.long_console(image) as g:
        if not g.wait_prompt():
            return "no shell prompt", g.log()
        out, st = g.run("echo line-%d >>%s" % (i, FILE))
        if st != 0:
            return "appending the line failed (status %s)" % st, g.log()
        g.p.sendline(ending)
        st = g.wait_exit()
        if st != 0:
            return "run-qemu exited %s after `%s`" % (st, ending), g.log()
    return None


def image_problems(i):
    """What is wrong with the image after boot i, or None."""
    rc, out = t.host("e2fsck", "-fn", image)
    if rc != 0:
        return "e2fsck -fn exited %d" % rc, out
    rc, out = t.host("dumpe2fs", "-h", image)
    features = next((l for l in out.splitlines() if l.startswith("Filesystem features:")), "")
    state = next((l for l in out.splitlines() if l.startswith("Filesystem state:")), "")
    if rc != 0 or "needs_recovery" in features or "clean" not in state:
        return "the journal needs recovery or the state is not clean", out
    rc, out = t.host("debugfs", "-R", "cat %s" % FILE, image)
    lines = [l for l in out.splitlines() if l.startswith("line-")]
    want = ["line-%d" % k for k in range(1, i + 1)]
    if lines != want:
        kept = len([l for l in want if l in lines])
        return "the file holds %d of the %d lines written" % (kept, i), out
    return None


clean = 0
for i in range(1, N + 1):
    ending = ENDINGS[(i - 1) % len(ENDINGS)]
    bad = boot_and_append(i, ending) or image_problems(i)
    if bad:
        t.fail("boot %d/%d ended by `%s`: %s" % (i, N, ending, bad[0]), bad[1])
    else:
        clean += 1
        t.note("boot %d/%d ended by `%s`: e2fsck clean, %d lines there" % (i, N, ending, i))
t.check("data safety: %d/%d clean (poweroff, exit and reboot in turn; every line kept)"
        % (clean, N), clean == N)
t.finish()
