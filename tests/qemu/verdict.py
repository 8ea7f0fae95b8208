#!/usr/bin/env python3
"""A verdict a CI can trust, on Debian's cloud kernel under TCG: a kernel
warning, oops or new taint fails the run (122) with one line naming it and
the console log; --allow-warn keeps the command's status; a panic is 125;
--timeout stops the command in the guest and the data it wrote is kept; the
console is quiet but shows every splat; the host terminal's size and TERM
are the guest's, and a resize is followed; nothing from the firmware
reaches the terminal."""
import os
import re
import shutil
import subprocess
import time

import minroot_test as t
from minroot_test import B, RUN

SPLAT = os.path.join(B, "splat.ko")


def run(args, image=None, snapshot=True):
    cmd = [RUN, "--accel", "tcg", "--kernel", os.path.join(B, "vmlinuz"),
           "--image", image or os.path.join(B, "rootfs.img"), "--timeout", "600"]
    cmd += (["--snapshot"] if snapshot else []) + args
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=900)
    return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


def one_line(err, text):
    lines = [l for l in err.splitlines() if l.startswith("run-qemu: ") and text in l]
    return len(lines) == 1


def kernel_health(mod_dir, log):
    print("# kernel health in command mode")
    rc, out, err = run(["--log", log, "--", "true"])
    t.check("a clean run: status 0, no complaint", rc == 0 and "run-qemu:" not in err, err)
    logged = open(log, errors="replace").read() if os.path.exists(log) else ""
    t.check("... the kernel log is kept (--log): the boot's notices (the kernel's version)",
            "Linux version" in logged, logged[-2000:])
    t.check("... but not its informational lines (the serial port's time)",
            "Run /sbin/init as init process" not in logged, logged[-2000:])
    rc, out, err = run(["--log", log, "--", "sh", "-c", "echo '<6>hello at info level' >/dev/kmsg"])
    logged = open(log, errors="replace").read() if os.path.exists(log) else ""
    t.check("... what the run logs, at any level (an info line written to /dev/kmsg)",
            re.search(r"^\[ *\d+\.\d+\] hello at info level$", logged, re.M) is not None, logged[-2000:])
    rc, out, err = run(["--verbose", "--log", log, "--", "true"])
    logged = open(log, errors="replace").read() if os.path.exists(log) else ""
    t.check("--verbose: the whole boot in the log, informational lines too",
            rc == 0 and "Run /sbin/init as init process" in logged, err + logged[-2000:])
    share = ["--share", f"{mod_dir}:/m"]
    rc, out, err = run(share + ["--log", log, "--", "sh", "-c", "insmod /m/splat.ko action=warn; exit 3"])
    t.check("a WARN during the run: exit 122", rc == 122, f"rc={rc}\n{err}")
    t.check("... one line with the first splat's first line and the log",
            one_line(err, "WARNING: CPU") and log in err, err)
    t.check("... the warning reached the terminal although the console is quiet",
            re.search(r"^WARNING: CPU.*splat", err, re.M) is not None, err)
    logged = open(log, errors="replace").read()
    t.check("... init's status line (in the console log) carries the taint letters",
            re.search(r"init: exit status 3 taint=\S*W\S* new=\S*W", logged) is not None, logged[-3000:])
    rc, out, err = run(share + ["--allow-warn", "--", "sh", "-c", "insmod /m/splat.ko action=warn; exit 3"])
    t.check("--allow-warn: the command's own status (3), the line still printed",
            rc == 3 and one_line(err, "WARNING: CPU"), f"rc={rc}\n{err}")
    rc, out, err = run(share + ["--", "sh", "-c", "insmod /m/splat.ko action=oops; echo after=$?"])
    t.check("an oops during the run: exit 122, naming the BUG line",
            rc == 122 and one_line(err, "BUG: kernel NULL pointer dereference"), f"rc={rc}\n{err}")
    rc, out, err = run(["--", "sh", "-c", "echo 512 > /proc/sys/kernel/tainted"])
    t.check("a taint that appears during the run, without a splat: exit 122",
            rc == 122 and one_line(err, "tainted during the run (W)"), f"rc={rc}\n{err}")
    rc, out, err = run(share + ["--", "sh", "-c", "insmod /m/splat.ko; exit 0"])
    t.check("loading a module (taints O, E) is no failure", rc == 0, f"rc={rc}\n{err}")
    rc, out, err = run(share + ["--", "sh", "-c", "insmod /m/splat.ko action=panic"])
    t.check("a panic: exit 125 and one line", rc == 125 and one_line(err, "the kernel panicked: not syncing: "),
            f"rc={rc}\n{err}")


def timeout_ends_cleanly(base):
    print("# --timeout: the guest stops the command, syncs and powers off")
    image = os.path.join(base, "timeout.img")
    t.copy_image(os.path.join(B, "rootfs.img"), image)
    t0 = time.monotonic()
    rc, out, err = run(["--timeout", "15", "--", "sh", "-c", "echo written > /root/t; sleep 1000"],
                       image=image, snapshot=False)
    t.check("a command sleeping past --timeout 15: exit 124", rc == 124, f"rc={rc}\n{err}")
    t.check("... saying it timed out", "timed out after 15 s" in err, err)
    t.check("... stopped by init, not by killing QEMU", "QEMU killed" not in err, err)
    fsck = subprocess.run(["e2fsck", "-fn", image], capture_output=True, text=True)
    t.check("... the image is clean (e2fsck -fn)", fsck.returncode == 0, fsck.stdout + fsck.stderr)
    cat = subprocess.run(["debugfs", "-R", "cat /root/t", image], capture_output=True, text=True)
    t.check("... what the command wrote without sync is on the image", cat.stdout.strip() == "written",
            cat.stdout + cat.stderr)
    print(f"# (the run took {time.monotonic() - t0:.0f} s)")


def interactive(mod_dir):
    print("# the terminal: quiet console, size, TERM, resize, no firmware bytes")
    env_term = "xterm-256color"
    os.environ["TERM"] = env_term
    with t.Console(extra=["--snapshot", "--share", f"{mod_dir}:/m"], dimensions=(50, 200)) as c:
        booted = c.wait_prompt()
        t.check("the prompt comes", booted, c.log())
        before = c.log()
        raw = open(c.logpath, errors="replace").read()
        first = re.search(r"\[ *\d+\.\d+\]|init:|root@", raw)
        head = raw[:first.start()] if first else raw
        t.check("nothing before the first kernel or init line holds an escape sequence",
                "\x1b" not in head, repr(head[:300]))
        kernel_lines = [l for l in before.splitlines() if re.match(r"\[ *\d+\.\d+\]", l)]
        t.check("no kernel line before the prompt (quiet)", not kernel_lines, "\n".join(kernel_lines))
        out, st = c.run("stty size")
        t.check("stty size is the host terminal's: 50 200", out == "50 200", out)
        out, st = c.run("echo $TERM")
        t.check(f"TERM is the host's ({env_term})", out == env_term, out)
        c.p.sendline("sleep 3; stty size")
        time.sleep(1)
        c.p.setwinsize(40, 120)
        t.check("a resize during a foreground job reaches the guest: 40 120", c.expect(r"40 120", 60), c.log())
        c.wait_prompt(60)
        out, st = c.run("insmod /m/splat.ko action=warn")
        t.check("a WARN at the prompt is shown on the terminal", c.expect(r"WARNING: CPU", 30) or
                "WARNING: CPU" in c.log(), c.log()[-2000:])
        c.wait_prompt(30)
        c.p.sendline("poweroff")
        status = c.wait_exit()
        after = c.log()[len(before):]
        kernel_lines = [l for l in after.splitlines() if re.match(r"\[ *\d+\.\d+\]", l)
                        and "Power down" not in l and "splat" not in l and "WARNING" not in l]
        # The WARN's own lines are the splat; anything else is noise.
        noise = [l for l in kernel_lines if not re.search(r"RIP|RSP|RAX|RDX|RBP|R1[0-5]|FS:|CS:|CR2|Call Trace|"
                                                          r"<TASK>|</TASK>|Modules linked|CPU:|Hardware name|"
                                                          r"Code:|---\[|do_|load_module|init_module|"
                                                          r"entry_SYSCALL|x64_sys|__|\? ", l)]
        t.check("after the prompt: no kernel line but the splat and the power-down", not noise, "\n".join(noise))
        t.check("poweroff ends run-qemu, with 122 for the warning", status == 122, f"status={status}")


def main():
    base = t.scratch()
    if not os.path.exists(SPLAT):
        t.fail(f"missing {SPLAT} (make {SPLAT})")
        t.finish()
    mod_dir = os.path.join(base, "mod")
    os.makedirs(mod_dir)
    shutil.copy(SPLAT, mod_dir)
    log = os.path.join(base, "console.log")
    kernel_health(mod_dir, log)
    timeout_ends_cleanly(base)
    interactive(mod_dir)
    t.finish()


if __name__ == "__main__":
    main()
