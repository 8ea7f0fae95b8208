#!/usr/bin/python3
"""Interactive boots of the default image on the Debian cloud kernel under
TCG, driven on the serial console: the prompt, our init as PID 1, the
mounts, the controlling terminal and job control; then data safety: a file
written without sync survives poweroff, exit, Ctrl-D and reboot, and the
file system is clean."""
import re

import minroot_test as t

print("# boot to the prompt and look around")
with t.Console() as c:
    if not t.check("the prompt appears without a key pressed", c.wait_prompt(), c.log()):
        t.finish()
    out, st = c.run("echo $$")
    t.check("the shell is not PID 1 (echo $$: %s)" % out,
            st == 0 and out and out.strip().isdigit() and out.strip() != "1", c.log())
    out, st = c.run("ps")
    pid1 = [l for l in (out or "").splitlines() if re.match(r"\s*1\s", l)]
    t.check("ps shows our init as PID 1 (%s)" % (pid1[0].strip() if pid1 else "no PID 1"),
            pid1 and re.search(r"\binit\b", pid1[0]) and "busybox" not in pid1[0], out or c.log())
    out, st = c.run("readlink /proc/1/exe")
    t.check("PID 1 runs /sbin/init, not busybox (%s)" % out,
            st == 0 and out and "busybox" not in out and out.endswith("init"), out or c.log())
    out, st = c.run("cat /proc/mounts")
    for mnt, fs in (("/proc", "proc"), ("/sys", "sysfs"), ("/dev/pts", "devpts")):
        t.check("%s is mounted (%s)" % (mnt, fs),
                re.search(r"^\S+ %s %s " % (re.escape(mnt), fs), out or "", re.M), out or c.log())
    out, st = c.run("tty")
    t.check("tty names ttyS0 (%s)" % out, st == 0 and out == "/dev/ttyS0", out or c.log())
    t.check("the shell has job control (no 'job control turned off')",
            "job control turned off" not in c.log(), c.log())

    print("# job control: Ctrl-C stops a foreground sleep")
    started, back, status = c.interrupt_sleep()
    t.check("Ctrl-C ends 'sleep 100' and the prompt comes back", started and back, c.log())
    t.check("the sleep was ended by SIGINT ($? = %s)" % status, status == "130", c.log())
    c.p.sendline("poweroff")
    st = c.wait_exit()
    t.check("poweroff ends QEMU, run-qemu exits 0 (got %s)" % st, st == 0, c.log())

print("# data safety: a file written without sync survives each way out")
tmp = t.scratch()
ways = (("poweroff", "poweroff\r"), ("exit", "exit\r"), ("Ctrl-D", "\x04"), ("reboot", "reboot\r"))
for name, keys in ways:
    img = t.copy_image(t.IMAGE, "%s/%s.img" % (tmp, name))
    data = "written before %s, never synced" % name
    # Ctrl-D also proves --accel auto reaches the prompt here (KVM or its fallback).
    accel = "auto" if name == "Ctrl-D" else "tcg"
    with t.Console(img, accel=accel) as c:
        if not t.check("%s: the prompt appears (--accel %s)" % (name, accel), c.wait_prompt(), c.log()):
            continue
        out, st = c.run("echo '%s' > /root/file" % data)
        t.check("%s: the file is written" % name, st == 0, out or c.log())
        c.p.send(keys)
        st = c.wait_exit()
        t.check("%s: QEMU exits by itself, run-qemu exits 0 (got %s)" % (name, st), st == 0, c.log())
    rc, out = t.host("e2fsck", "-fn", img)
    t.check("%s: e2fsck -fn is clean" % name, rc == 0, out)
    rc, out = t.host("debugfs", "-R", "cat /root/file", img)
    t.check("%s: debugfs shows the data" % name, data in out, out)
t.finish()
