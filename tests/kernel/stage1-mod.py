#!/usr/bin/python3
"""The kernel developer's case: a kernel from source with the root's drivers
as modules (build/bzImage-mod: EXT4, BLK_DEV_NVME and VIRTIO_BLK =m, its
modules installed in build/modules-mod/lib/modules/VERSION). The stage-1
initramfs made by `mkrootfs -t initrd --modules` loads them; the ext3 root
then boots the same way as with the drivers built in: command mode with the
command's status, and the prompt, from NVMe and from virtio.
make test builds both files; a missing one is a failure, not a skip."""

import glob
import os
import tempfile

import minroot_test as t
from minroot_test import B, BOOT_TIMEOUT

KERNEL = os.path.join(B, "bzImage-mod")
DISKS = {"nvme": "nvme0n1", "virtio": "vda"}


def runner(initrd, disk):
    return ["qemu/run-qemu", "--kernel", KERNEL, "--initrd", initrd,
            "--image", os.path.join(B, "rootfs.img"), "--disk", disk, "--accel", "tcg",
            "--snapshot", "--timeout", str(BOOT_TIMEOUT)]


def main():
    versions = glob.glob(os.path.join(B, "modules-mod", "lib", "modules", "*"))
    if not t.need_files(KERNEL, os.path.join(B, "rootfs.img"), os.path.join(B, "mkrootfs")):
        t.finish()
    if not t.check("build/modules-mod holds one lib/modules/VERSION (%d)" % len(versions),
                   len(versions) == 1):
        t.finish()
    tmp = tempfile.mkdtemp(prefix="minroot-stage1-")
    for disk, dev in DISKS.items():
        initrd = os.path.join(tmp, disk + ".cpio.gz")
        status, out = t.host(os.path.join(B, "mkrootfs"), "-q", "-t", "initrd", "--disk", disk,
                             "--modules", versions[0], "-o", initrd, timeout=BOOT_TIMEOUT)
        if not t.check("mkrootfs -t initrd --disk %s: an initramfs (the drivers are modules)"
                       % disk, status == 0 and os.path.isfile(initrd), out):
            continue
        # The root's device number (mountinfo field 3 of the mount point "/")
        # is the disk's; no double quotes: the kernel command line drops them.
        script = ("test $(awk 'length($5) == 1 {print $3}' /proc/self/mountinfo) ="
                  " $(cat /sys/class/block/%s/dev) && echo root-on-$((1+1)); exit 7" % dev)
        status, out = t.boot_command(runner(initrd, disk) + ["--", "sh", "-c", script],
                                     BOOT_TIMEOUT + 30)
        t.check("--disk %s: command mode exits with the command's status 7 (got %s)"
                % (disk, status), status == 7, out)
        t.check("--disk %s: the root is /dev/%s" % (disk, dev), "root-on-2" in out, out)
        trouble = t.kernel_trouble(out)
        t.check("--disk %s: no panic or error on the console" % disk, not trouble,
                "\n".join(trouble))
        # quiet=0: init's progress lines ("init: powering off", which
        # interactive_boot looks for) despite the quiet run-qemu passes.
        t.interactive_boot("bzImage-mod --disk %s" % disk,
                           runner(initrd, disk) + ["--append", "quiet=0"])
        os.unlink(initrd)
    os.rmdir(tmp)
    t.finish()


main()
