#!/usr/bin/python3
"""The blog's exact QEMU command line boots our image on the minimal kernel:
the prompt comes with no Enter, the root is /dev/sda mounted read-write, job
control works (Ctrl-C and Ctrl-Z on `sleep 100`), and `poweroff` ends QEMU
with a clean file system.

The line names build/bzImage-min and build/rootfs.img relative to the current
directory and writes to the image. It runs unchanged from a temporary
directory that mirrors those two paths (the kernel linked, the image copied),
so build/rootfs.img stays as the packer wrote it and no other test's QEMU
holds a lock on the same file."""

import os
import subprocess
import tempfile

import minroot_test as t
from minroot_test import B, PROMPT

BLOG_LINE = ('qemu-system-x86_64 -kernel build/bzImage-min -nographic '
             '-append "console=ttyS0 nokaslr root=/dev/sda rw" '
             '-drive format=raw,file=build/rootfs.img -accel tcg -no-reboot')


def mirror_build_dir(tmp):
    os.mkdir(os.path.join(tmp, "build"))
    os.symlink(os.path.join(B, "bzImage-min"), os.path.join(tmp, "build", "bzImage-min"))
    subprocess.run(["cp", "--sparse=always", os.path.join(B, "rootfs.img"),
                    os.path.join(tmp, "build", "rootfs.img")], check=True)


def check_session(con):
    """The interactive part; returns False when the guest stopped answering."""
    if not t.check("the prompt comes without pressing Enter", con.wait_prompt(), con.log()):
        return False
    # The type and options of "/" from /proc/mounts, its device number from
    # mountinfo ("/" is the only one-character mount point); sda is 8:0.
    m = con.command("echo root:$(awk '$2 == \"/\" {print $3, substr($4, 1, 2)}' /proc/mounts)"
                    ":$(awk 'length($5) == 1 {print $3}' /proc/self/mountinfo)",
                    r"root:(\S+) (\w\w):(\d+:\d+)\s")
    t.check("root is /dev/sda (8:0), ext3 mounted rw: %s" % (str(m.groups()) if m else "no answer"),
            m is not None and m.group(1) in ("ext3", "ext4") and m.group(2) == "rw"
            and m.group(3) == "8:0", con.log())

    con.sync()
    con.send("sleep 100\r")
    presses = con.expect(r"sleep 100\r*\n") and con.interrupt("\x03", PROMPT)
    m = presses and con.command("echo rc=$?", r"rc=(\d+)\s")
    if not t.check("Ctrl-C ends a foreground `sleep 100` (status %s, %d key press(es))"
                   % (m.group(1) if m else None, presses or 0),
                   bool(m) and m.group(1) == "130", con.log()):
        return False

    con.sync()
    con.send("sleep 100\r")
    stopped = con.expect(r"sleep 100\r*\n") and con.interrupt("\x1a", r"Stopped")
    t.check("Ctrl-Z stops `sleep 100` as a job", stopped, con.log())
    m = stopped and con.command("echo J$((0)); jobs -l; echo J$((1))", r"J0(?s:(.*))J1")
    t.check("`jobs` lists the stopped sleep",
            bool(m) and "sleep 100" in m.group(1) and "Stopped" in m.group(1), con.log())
    con.send("fg\r")
    back = con.expect(r"sleep 100") and con.interrupt("\x03", PROMPT)
    m = back and con.command("echo rc=$?; jobs; echo left$((0))", r"rc=(\d+)(?s:(.*))left0")
    if not t.check("`fg` brings it back and Ctrl-C ends it, no job left",
                   bool(m) and m.group(1) == "130" and "sleep" not in m.group(2), con.log()):
        return False

    # Written before power-off, read from the image after: proves the
    # writes reached the disk and the unmount was clean.
    return con.command("echo minroot-blog > /blog-line-test; sync; echo w$((1+1))", "w2") is not None


def check_image(img):
    fsck = subprocess.run(["e2fsck", "-fn", img], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    t.check("e2fsck -fn finds the image clean after poweroff (exit %d)" % fsck.returncode,
            fsck.returncode == 0, fsck.stdout)
    head = subprocess.run(["dumpe2fs", "-h", img], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True).stdout
    t.check("the superblock says clean, no journal to replay",
            "Filesystem state:         clean" in head and "needs_recovery" not in head, head)
    cat = subprocess.run(["debugfs", "-R", "cat /blog-line-test", img],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    t.check("the file written in the guest is on the image", cat.strip() == "minroot-blog", cat)


def main():
    if not t.need_files(os.path.join(B, "bzImage-min"), os.path.join(B, "rootfs.img")):
        t.finish()
    print("# " + BLOG_LINE, flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        mirror_build_dir(tmp)
        with t.Console(argv=["/bin/sh", "-c", "exec " + BLOG_LINE], cwd=tmp) as con:
            alive = check_session(con)
            if alive:
                con.send("poweroff\r")
                status = con.wait_exit(t.STEP_TIMEOUT, nudge=True)
                t.check("`poweroff` ends QEMU with status 0 (status %s)" % status,
                        status == 0, con.log())
            trouble = t.kernel_trouble(con.log())
            t.check("no panic or error on the console", not trouble, "\n".join(trouble) or con.log())
        if alive:
            check_image(os.path.join(tmp, "build", "rootfs.img"))
    t.finish()


main()
