#!/usr/bin/python3
"""Stage 1 on Debian's standard kernel (build/vmlinuz-generic), which has
ext4 and every disk driver as modules: an initramfs made by
`mkrootfs -t initrd --modules build/modules-generic/...` loads them, waits for
the root, switches to it and runs the root's init.
- our ext3 image boots to the prompt from nvme, virtio and ide; a file
  written without sync survives poweroff (e2fsck clean, data there);
- command mode's statuses 0 (with root=UUID=...), 7 and 137;
- an image packed with --modules: modprobe loop at the prompt, lsmod lists it;
  the same with the modules compressed with xz, then depmod'ed;
- root=/dev/vdz, init=/sbin/none, a truncated nvme.ko: one line each
  ("root never appeared", "no init on the root", "loading module nvme")
  and a power-off, no panic;
- a blog-style root (busybox as /sbin/init) reaches "Please press Enter"."""
import glob
import os
import shutil
import subprocess

import minroot_test as t

KERNEL = os.path.join(t.B, "vmlinuz-generic")
MKROOTFS = os.path.join(t.B, "mkrootfs")
DEVICES = {"nvme": "nvme0n1", "virtio": "vda", "ide": "sda"}
tmp = t.scratch()

versions = glob.glob(os.path.join(t.B, "modules-generic", "lib", "modules", "*"))
if not (os.path.isfile(KERNEL) and len(versions) == 1):
    t.fail("build/vmlinuz-generic and one build/modules-generic/lib/modules/VERSION exist "
           "(make kernel-generic)")
    t.finish()
MODS = versions[0]
VERSION = os.path.basename(MODS)
os.environ["PATH"] += ":/usr/sbin:/sbin"   # depmod, modprobe


def pack(what, *args):
    rc, out = t.host(MKROOTFS, *args)
    if not t.check("mkrootfs %s" % what, rc == 0, out):
        t.finish()


def initrd(disk, mods=MODS, name=None):
    path = os.path.join(tmp, (name or disk) + ".cpio.gz")
    pack("-t initrd --disk %s" % disk, "-q", "-t", "initrd", "--disk", disk, "--modules", mods,
         "-o", path)
    return path


def fresh_image(name):
    return t.copy_image(t.IMAGE, os.path.join(tmp, name + ".img"))


def command(initrd_path, image, argv, disk="nvme", append=None):
    args = [t.RUN, "--accel", "tcg", "--kernel", KERNEL, "--initrd", initrd_path,
            "--image", image, "--disk", disk, "--snapshot", "--timeout", "600"]
    if append:
        args += ["--append", append]
    return t.host(*(args + ["--"] + argv))


def no_panic(what, log):
    t.check("%s: no kernel panic" % what, "Kernel panic" not in log, log)


initrds = {disk: initrd(disk) for disk in DEVICES}

for disk, dev in DEVICES.items():
    print("# --disk %s: stage 1, then our init on the ext3 root" % disk)
    img = fresh_image("root-" + disk)
    with t.Console(img, kernel=KERNEL, extra=["--initrd", initrds[disk], "--disk", disk]) as c:
        t.check("--disk %s: the prompt" % disk, c.wait_prompt(), c.log())
        out, st = c.run("awk '$2 == \"/\" {print $1}' /proc/mounts")
        t.check("--disk %s: / is /dev/%s (%s)" % (disk, dev, out),
                st == 0 and out is not None and out.splitlines()[-1:] == ["/dev/" + dev], c.log())
        out, st = c.run("readlink /proc/1/exe")
        t.check("--disk %s: PID 1 is the root's /sbin/init (%s)" % (disk, out),
                st == 0 and out is not None and out.endswith("/sbin/init"), c.log())
        out, st = c.run("test ! -e /newroot && test -d /dev/pts && test -c /dev/null")
        t.check("--disk %s: /dev moved and mounted again, no trace of the initramfs" % disk,
                st == 0, c.log())
        out, st = c.run("echo stage1-$((6*7))-%s > /root/note" % disk)
        t.check("--disk %s: a file written, no sync" % disk, st == 0, c.log())
        c.p.sendline("poweroff")
        st = c.wait_exit()
        log = c.log()
        t.check("--disk %s: poweroff ends QEMU (exit %s)" % (disk, st), st == 0, log)
        no_panic("--disk %s" % disk, log)
    rc, out = t.host("e2fsck", "-fn", img)
    t.check("--disk %s: e2fsck -fn is clean" % disk, rc == 0, out)
    rc, out = t.host("debugfs", "-R", "cat /root/note", img)
    t.check("--disk %s: the file is there" % disk, "stage1-42-%s" % disk in out, out)

print("# command mode through stage 1")
img = fresh_image("command")
rc, out = t.host("dumpe2fs", "-h", img)
uuid = [l.split()[-1] for l in out.splitlines() if l.startswith("Filesystem UUID:")]
rc, out = command(initrds["nvme"], img, ["true"], append="root=UUID=%s" % (uuid[0] if uuid else "none"))
t.check("root=UUID=...: true exits 0 (got %d)" % rc, rc == 0, out)
rc, out = command(initrds["nvme"], img, ["sh", "-c", "exit 7"])
t.check("sh -c 'exit 7' exits 7 (got %d)" % rc, rc == 7, out)
rc, out = command(initrds["nvme"], img, ["sh", "-c", "kill -9 $$"])
t.check("a command killed by SIGKILL exits 137 (got %d)" % rc, rc == 137, out)
no_panic("command mode", out)

print("# modprobe in an image packed with --modules")
modimg = os.path.join(tmp, "modules.img")
pack("--modules (the whole tree)", "-q", "-s", "700M", "--modules", MODS, "-o", modimg)
with t.Console(modimg, kernel=KERNEL, extra=["--initrd", initrds["nvme"], "--snapshot"]) as c:
    t.check("--modules image: the prompt", c.wait_prompt(), c.log())
    out, st = c.run("modprobe loop")
    t.check("modprobe loop succeeds at the prompt", st == 0, c.log())
    out, st = c.run("lsmod")
    t.check("lsmod lists loop", st == 0 and out is not None and
            any(l.startswith("loop ") for l in out.splitlines()), c.log())
    c.p.sendline("poweroff")
    t.check("... poweroff (exit %s)" % c.wait_exit(), c.status == 0, c.log())

print("# the modules compressed with xz, then depmod'ed")
xzroot, count, rc, out = t.xz_modules_tree(tmp, MODS, ("nvme", "ext4", "loop"))
xzdir = os.path.join(xzroot, "lib", "modules", VERSION)
t.check("depmod of the xz tree", rc == 0 and
        len(glob.glob(os.path.join(xzdir, "**", "*.ko.xz"), recursive=True)) == count, out)
xzinitrd = initrd("nvme", xzdir, "xz")
xzimg = fresh_image("xz-root")
pack("--update --modules (xz tree)", "-q", "--update", xzimg, "--modules", xzroot)
rc, out = command(xzinitrd, xzimg, ["sh", "-c", "modprobe loop && lsmod | grep -q '^loop ' && exit 7"])
t.check("xz modules: stage 1 boots, modprobe loop works (exit %d, want 7)" % rc, rc == 7, out)

print("# a root that never appears")
rc, out = command(initrds["nvme"], fresh_image("vdz"), ["true"], append="root=/dev/vdz")
lines = [l for l in t.clean(out).splitlines()
         if "init: error: stage 1: root never appeared" in l]
t.check("one line says the root never appeared (%s)" % (lines[0] if lines else "none"),
        len(lines) == 1 and "root=/dev/vdz" in lines[0], out)
t.check("... naming the modules loaded and the block devices seen",
        len(lines) == 1 and " nvme" in lines[0] and "ext4" in lines[0] and "nvme0n1" in lines[0],
        out)
t.check("... and the guest powers off: no status, exit 125 (got %d)" % rc, rc == 125, out)
no_panic("root=/dev/vdz", out)

print("# no init on the root; a module that cannot load")
rc, out = command(initrds["nvme"], fresh_image("noinit"), ["true"], append="init=/sbin/none")
lines = [l for l in t.clean(out).splitlines() if "init: error: stage 1: no init on the root" in l]
t.check("init=/sbin/none: one line (%s)" % (lines[0] if lines else "none"),
        len(lines) == 1 and "/sbin/none: No such file or directory" in lines[0], out)
t.check("... then a power-off: exit 125 (got %d)" % rc, rc == 125, out)
no_panic("init=/sbin/none", out)
# The NVMe driver cut short inside an otherwise good initramfs.
bad = os.path.join(tmp, "bad-initrd")
os.makedirs(bad)
subprocess.run("zcat %s | cpio -id --quiet" % initrds["nvme"], shell=True, cwd=bad, check=True)
nvme_ko = glob.glob(os.path.join(bad, "lib", "modules", VERSION, "**", "nvme.ko"), recursive=True)
with open(nvme_ko[0], "r+b") as f:
    f.truncate(4096)
badinitrd = os.path.join(tmp, "bad.cpio.gz")
subprocess.run("find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip > %s" % badinitrd,
               shell=True, cwd=bad, check=True)
rc, out = command(badinitrd, fresh_image("badmod"), ["true"])
lines = [l for l in t.clean(out).splitlines() if "init: error: stage 1: loading module nvme:" in l]
t.check("a truncated nvme.ko: one line naming it and the kernel's error (%s)"
        % (lines[0] if lines else "none"), len(lines) == 1, out)
t.check("... then a power-off: exit 125 (got %d)" % rc, rc == 125, out)
no_panic("a truncated module", out)

print("# stage 1 hands over to busybox init (a blog-style root)")
tree = os.path.join(tmp, "blog")
for d in ("bin", "sbin", "dev", "proc", "sys", "etc", "root", "tmp"):
    os.makedirs(os.path.join(tree, d), exist_ok=True)
shutil.copy("/bin/busybox", os.path.join(tree, "bin", "busybox"))
os.symlink("/bin/busybox", os.path.join(tree, "sbin", "init"))
os.symlink("/bin/busybox", os.path.join(tree, "bin", "sh"))
blog = os.path.join(tmp, "blog.img")
subprocess.run(["truncate", "-s", "64M", blog], check=True)
rc, out = t.host("mke2fs", "-q", "-F", "-t", "ext3", "-d", tree, blog)
t.check("mke2fs -d of the blog-style tree", rc == 0, out)
with t.Console(blog, kernel=KERNEL, extra=["--initrd", initrds["nvme"], "--snapshot"]) as c:
    t.busybox_init_session(c)
    no_panic("busybox init root", c.log())
t.finish()
