#!/usr/bin/python3
"""qemu/run-qemu boots the minimal kernel (build/bzImage-min) from each kind of
disk it offers: ide (/dev/sda), virtio (/dev/vda) and nvme (/dev/nvme0n1).
For each: command mode mounts the root from that very device and exits with
the command's status; an interactive boot gives the prompt and powers off.
Every boot uses --snapshot: the image is only read."""

import os

import minroot_test as t
from minroot_test import B, BOOT_TIMEOUT

DISKS = {"ide": "sda", "virtio": "vda", "nvme": "nvme0n1"}


def runner(kernel, disk):
    return ["qemu/run-qemu", "--kernel", kernel, "--image", os.path.join(B, "rootfs.img"),
            "--disk", disk, "--accel", "tcg", "--snapshot", "--timeout", str(BOOT_TIMEOUT)]


def check_command_mode(kernel, disk, dev):
    # The root's device number (mountinfo field 3 of the mount point "/", the
    # only one-character one) must be the disk's: the root really is on it.
    # (No double quotes: the kernel command line cannot carry them.)
    script = ("test $(awk 'length($5) == 1 {print $3}' /proc/self/mountinfo) ="
              " $(cat /sys/class/block/%s/dev) && echo root-on-$((1+1))-%s; exit 7" % (dev, dev))
    status, out = t.boot_command(runner(kernel, disk) + ["--", "sh", "-c", script], BOOT_TIMEOUT + 30)
    t.check("--disk %s: command mode exits with the command's status 7 (got %s)" % (disk, status),
            status == 7, out)
    t.check("--disk %s: the root is mounted from /dev/%s" % (disk, dev),
            ("root-on-2-%s" % dev) in out, out)
    trouble = t.kernel_trouble(out)
    t.check("--disk %s: no panic or error on the console" % disk, not trouble, "\n".join(trouble))


def main():
    kernel = os.path.join(B, "bzImage-min")
    if not t.need_files(kernel, os.path.join(B, "rootfs.img")):
        t.finish()
    for disk, dev in DISKS.items():
        check_command_mode(kernel, disk, dev)
        t.interactive_boot("--disk %s" % disk, runner(kernel, disk))
    t.finish()


main()
