#!/usr/bin/python3
"""An initramfs written by `mkrootfs -t cpio` boots with no disk at all, through
`qemu/run-qemu --initrd`, on Debian's cloud kernel (build/vmlinuz) and on the
minimal kernel (build/bzImage-min): command mode exits with the command's
status, an interactive boot gives the prompt, and `poweroff` shuts down in
order although there is no disk root to remount read-only."""

import os
import re
import subprocess
import tempfile

import minroot_test as t
from minroot_test import B, BOOT_TIMEOUT

KERNELS = [("Debian cloud kernel", "vmlinuz"), ("minimal kernel", "bzImage-min")]

# The root's file system type from /proc/mounts ("/" is the only
# one-character mount point; no double quotes, which the kernel command line
# cannot carry). The marker is computed in the guest, so an echo of the typed
# line or of the kernel command line never looks like the answer.
SHOW_ROOT = "echo rt$((1+1))=$(awk 'length($2) == 1 {print $3}' /proc/mounts)"
ROOT_IN_MEMORY = re.compile(r"rt2=(rootfs|tmpfs|ramfs)\b")


def make_initramfs(path):
    p = subprocess.run([os.path.join(B, "mkrootfs"), "-t", "cpio", "--init", os.path.join(B, "init"),
                        "-o", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with open(path, "rb") if os.path.exists(path) else open(os.devnull, "rb") as f:
        magic = f.read(2)
    return t.check("mkrootfs -t cpio writes a gzip-compressed archive (%d bytes)"
                   % (os.path.getsize(path) if os.path.exists(path) else 0),
                   p.returncode == 0 and magic == b"\x1f\x8b", p.stdout)


def runner(kernel, initrd):
    return ["qemu/run-qemu", "--kernel", kernel, "--initrd", initrd, "--accel", "tcg",
            "--timeout", str(BOOT_TIMEOUT)]


def check_command_mode(label, kernel, initrd):
    script = SHOW_ROOT + "; echo dk$((1+1))=$(ls /sys/block); exit 5"
    status, out = t.boot_command(runner(kernel, initrd) + ["--", "sh", "-c", script], BOOT_TIMEOUT + 30)
    t.check("%s: command mode exits with the command's status 5 (got %s)" % (label, status),
            status == 5, out)
    t.check("%s: the root is the initramfs in memory, no disk attached" % label,
            bool(ROOT_IN_MEMORY.search(out)) and re.search(r"(?m)^dk2=$", out), out)
    trouble = t.kernel_trouble(out)
    t.check("%s: no panic or error on the console" % label, not trouble, "\n".join(trouble))


def check_root_in_memory(con, label):
    m = con.command(SHOW_ROOT, r"rt2=\w*\s")
    t.check("%s: the interactive shell's root is in memory (%s)"
            % (label, m.group(0) if m else "no answer"),
            bool(m) and bool(ROOT_IN_MEMORY.match(m.group(0))), con.log())


def main():
    kernels = [(label, os.path.join(B, name)) for label, name in KERNELS]
    if not t.need_files(os.path.join(B, "mkrootfs"), os.path.join(B, "init"), *[k for _, k in kernels]):
        t.finish()
    with tempfile.TemporaryDirectory() as tmp:
        initrd = os.path.join(tmp, "root.cpio.gz")
        if not make_initramfs(initrd):
            t.finish()
        for label, kernel in kernels:
            check_command_mode(label, kernel, initrd)
            t.interactive_boot(label, runner(kernel, initrd), check_root_in_memory)
    t.finish()


main()
