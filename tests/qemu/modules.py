#!/usr/bin/python3
"""run-qemu --modules on kernels whose root drivers are modules: Debian's
standard kernel (make kernel-generic) and a kernel from source with EXT4,
NVMe and virtio-blk as modules (make kernel-src-mod). One option does it
all: the version is checked before QEMU starts, a stage-1 initramfs is made
and cached, and the whole modules tree is in the guest at
/lib/modules/VERSION on a disk of its own, the user's image unchanged."""
import glob
import os
import subprocess
import time

import minroot_test as t
from minroot_test import B

GENERIC = os.path.join(B, "vmlinuz-generic")
MODS = os.path.join(B, "modules-generic")
MOD_KERNEL = os.path.join(B, "bzImage-mod")
MIN_KERNEL = os.path.join(B, "bzImage-min")
MOD_MODS = os.path.join(B, "modules-mod")
SHARED = None


def run(kernel, mods, argv, image=None, extra=(), env=None):
    cmd = [t.RUN, "--accel", "tcg", "--kernel", kernel, "--modules", mods,
           "--image", image or os.path.join(B, "rootfs.img"), "--timeout", "600"]
    cmd += (["--snapshot"] if image is None else []) + list(extra) + ["--"] + argv
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=900,
                       env=dict(os.environ, **env) if env else None)
    return r.returncode, (r.stdout + r.stderr).decode(errors="replace")


def run_plain(kernel, argv, extra):
    cmd = [t.RUN, "--accel", "tcg", "--kernel", kernel, "--image", os.path.join(B, "rootfs.img"),
           "--snapshot", "--timeout", "600"] + extra + ["--"] + argv
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=900)
    return r.returncode, (r.stdout + r.stderr).decode(errors="replace")


def version_of(tree):
    return os.path.basename(glob.glob(os.path.join(tree, "lib", "modules", "*"))[0])


def xz_tree(tmp, version):
    """The modules nvme, ext4, loop and virtio_blk need, compressed with xz."""
    root, count, rc, out = t.xz_modules_tree(tmp, os.path.join(MODS, "lib", "modules", version),
                                             ("nvme", "ext4", "loop", "virtio_blk"))
    t.check("an xz-compressed tree, depmod'ed (%d modules)" % count, rc == 0, out)
    return root


def check_cache_pruning(tmp):
    """The cache of initramfs and modules disks stays bounded: each new
    entry prunes the oldest beyond eight of its kind, but never one used
    within the last half hour (another run may be about to open it)."""
    cache = os.path.join(tmp, "cache")
    modules = os.path.join(cache, "modules")
    os.makedirs(modules)
    now = time.time()
    for kind, suffix, recent in (("disk", ".img", 1), ("initrd", ".cpio.gz", 9)):
        for i in range(12):
            path = os.path.join(modules, "%s-0.0-old%02d%s" % (kind, i, suffix))
            open(path, "w").close()
            os.utime(path, (1e9 + i * 60,) * 2)     # used long ago, old11 last
        for i in range(recent):
            path = os.path.join(modules, "%s-0.0-recent%d%s" % (kind, i, suffix))
            open(path, "w").close()
            os.utime(path, (now - 60 * i,) * 2)     # used within the last ten minutes
    rc, out = run(MOD_KERNEL, MOD_MODS, ["true"], env={"MINROOT_CACHE": cache})
    t.check("a run with old and recent entries of each kind in the cache: exit 0", rc == 0, out)
    left = sorted(os.listdir(modules))

    def entries(kind):
        mine = [n for n in left if n.startswith(kind + "-")]
        old = sorted(n.split("-old")[1][:2] for n in mine if "-old" in n)
        new = any(n.startswith("%s-%s-" % (kind, version_of(MOD_MODS))) for n in mine)
        return len(mine), new, len([n for n in mine if "-recent" in n]), old

    t.check("disks: 8 left, the ones used last: the new one, the recent one, old06 to old11",
            entries("disk") == (8, True, 1, ["%02d" % i for i in range(6, 12)]), " ".join(left))
    t.check("initramfs: 10 left, beyond 8: the new one and the 9 used in the last half hour",
            entries("initrd") == (10, True, 9, []), " ".join(left))


def main():
    for f in (GENERIC, MODS, MOD_KERNEL, MOD_MODS, MIN_KERNEL):
        if not os.path.exists(f):
            t.fail("missing %s (make %s)" % (f, f))
    if t.failures:
        t.finish()
    tmp = t.scratch()
    version = version_of(MODS)
    global SHARED
    SHARED = os.path.join(tmp, "shared")
    os.makedirs(SHARED)
    with open(os.path.join(SHARED, "in"), "w") as f:
        f.write("from the host\n")

    print("# Debian's standard kernel: stage 1 from --modules, the tree in the guest")
    image = t.copy_image(os.path.join(B, "rootfs.img"), os.path.join(tmp, "root.img"))
    rc, out = run(GENERIC, MODS, ["sh", "-c", "modprobe loop && lsmod | grep -q '^loop ' && "
                                  "test -f /lib/modules/$(uname -r)/modules.dep && "
                                  "test $(cut -d' ' -f2 /proc/mounts | grep -c ^/lib/modules) = 1 && exit 7"],
                  image=image)
    t.check("--disk nvme: the root mounted through stage 1; modprobe loop, lsmod lists it (exit 7)",
            rc == 7, out)
    # crc32c_intel's cpu alias wants SSE 4.2 (feature 0094): stage 1 loads
    # it when the CPU has it, and does not try it otherwise.
    rc, out = run(GENERIC, MODS, ["sh", "-c", "grep -q ',0094' /sys/devices/system/cpu/modalias; h=$?; "
                                  "grep -q '^crc32c_intel ' /proc/modules; l=$?; "
                                  "grep -q '^crc32c_generic ' /proc/modules && echo has=$h loaded=$l && "
                                  "test $h = $l"])
    t.check("stage 1 loads a CPU-feature module (crc32c_intel) exactly when the CPU has the feature "
            "(%s)" % out.strip().splitlines()[-1:] , rc == 0, out)
    rc, out = t.host("e2fsck", "-fn", image)
    t.check("... the image is clean (e2fsck -fn)", rc == 0, out)
    rc, out = t.host("debugfs", "-R", "ls /lib/modules", image)
    t.check("... and has no modules written into it", version not in out, out)
    # The modules disk sits on the root's bus: stage 1 finds the root by its
    # UUID, whatever order the disks were probed in.
    for disk, code in (("virtio", 3), ("ide", 4)):
        rc, out = run(GENERIC, MODS, ["sh", "-c", "grep -q ' / ext[34] ' /proc/mounts && "
                                      "grep -q ' root=UUID=' /proc/cmdline && exit %d" % code],
                      extra=["--disk", disk])
        t.check("--disk %s: stage 1 loads its driver, finds root=UUID=, the command runs (exit %d)"
                % (disk, code), rc == code, out)
    rc, out = run(GENERIC, xz_tree(tmp, version), ["sh", "-c", "modprobe loop && exit 8"])
    t.check("the xz-compressed tree: stage 1 boots, modprobe loop works (exit 8)", rc == 8, out)

    print("# --net: the NIC's driver through stage 1, the address from init")
    rc, out = run(GENERIC, MODS, ["sh", "-c", "ip -4 addr show eth0 | grep -q 'inet 10.0.2.15/24' && "
                                  "ip route | grep -q '^default via 10.0.2.2 dev eth0' && "
                                  "grep -qx 'nameserver 10.0.2.3' /etc/resolv.conf && exit 9"],
                  extra=["--net"])
    t.check("--net with --modules: eth0 is 10.0.2.15/24, default route via 10.0.2.2, DNS 10.0.2.3",
            rc == 9, out)
    rc, out = run(GENERIC, MODS, ["sh", "-c", "echo data > /mnt/shared/f && cat /mnt/shared/in && exit 6"],
                  extra=["--share-rw", SHARED + ":/mnt/shared"])
    t.check("--share-rw on the standard kernel: read and written back (exit 6)",
            rc == 6 and "from the host" in out and open(os.path.join(SHARED, "f")).read() == "data\n", out)

    print("# refusals")
    rc, out = run(os.path.join(B, "vmlinuz"), MODS, ["true"])
    lines = out.strip().splitlines()
    t.check("the standard kernel's modules with the cloud kernel: exit 2 before boot, one line",
            rc == 2 and len(lines) == 1 and "run-qemu: error:" in lines[0], out)
    t.check("... naming both versions", version in out and "cloud-amd64" in out, out)
    rc, out = run(GENERIC, MODS, ["true"], extra=["--append", "root=/dev/vdz minroot.rootwait=3"])
    never = [l for l in out.splitlines() if l.startswith("init: error: stage 1: root never appeared")]
    t.check("root=/dev/vdz: one line saying the root never appeared, exit 125",
            rc == 125 and len(never) == 1 and "root=/dev/vdz" in never[0], out)
    t.check("... and no kernel panic", "Kernel panic" not in out, out)

    print("# a kernel from source with the root's drivers as modules")
    rc, out = run(MOD_KERNEL, MOD_MODS, ["sh", "-c", "grep -q ' / ext[34] ' /proc/mounts && exit 5"])
    t.check("bzImage-mod with --modules build/modules-mod: exit 5", rc == 5, out)
    check_cache_pruning(tmp)
    rc, out = run_plain(os.path.join(B, "bzImage-min"), ["sh", "-c", "cat /mnt/shared/in && exit 4"],
                        ["--share", SHARED + ":/mnt/shared"])
    t.check("--share on the minimal kernel (no modules at all): exit 4",
            rc == 4 and "from the host" in out, out)
    t.finish()


if __name__ == "__main__":
    main()
