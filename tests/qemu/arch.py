#!/usr/bin/python3
"""aarch64, armhf and riscv64 guests on Debian 12's arm64 cloud and armhf
armmp kernels and Debian 13's riscv64 kernel, under TCG, from the images
`make ARCH=...` packs: the prompt without a key on the console (ttyAMA0 on
ARM, ttyS0 on riscv64: the controlling terminal), Ctrl-C, poweroff with the
data kept and a clean file system, command statuses 0, 7 and 137 through
the channel, uname -m (alone on the command's output: riscv64's OpenSBI
banner stays out of it), and a --share-rw round trip. aarch64's interactive
boot goes through `make run ARCH=aarch64`, and one boot has a virtio root
through stage 1 (--modules); armhf's and riscv64's root drivers are
modules, so each of their boots from a disk goes through the stage-1
initramfs. And for each, an initramfs packed with its init (mkrootfs -t
cpio) boots with --initrd alone."""
import os
import subprocess

import minroot_test as t
from minroot_test import B, RUN, TOP

ARCHES = {"aarch64": {"uname": "aarch64", "tty": "/dev/ttyAMA0", "extra": []},
          "armhf": {"uname": "armv7l", "tty": "/dev/ttyAMA0",
                    "extra": ["--modules", os.path.join(B, "armhf", "modules")]},
          "riscv64": {"uname": "riscv64", "tty": "/dev/ttyS0",
                      "extra": ["--modules", os.path.join(B, "riscv64", "modules")]}}


def run(arch, args, extra=True):
    """run-qemu --arch ARCH ARGS on BUILD/ARCH's kernel and, without
    --initrd, its image; extra: armhf's and riscv64's --modules."""
    image = [] if "--initrd" in args else ["--image", os.path.join(B, arch, "rootfs.img")]
    cmd = [RUN, "--arch", arch, "--accel", "tcg", "--snapshot", "--timeout", "600",
           "--kernel", os.path.join(B, arch, "vmlinuz")] + image + \
        (ARCHES[arch]["extra"] if extra else []) + args
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=900)
    return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


def run_defaults(arch, args):
    """run-qemu --arch ARCH ARGS with no --kernel, --image or --modules,
    in the directory holding BUILD: make's build/ARCH/ (armhf's and
    riscv64's kernel brings its modules from beside it)."""
    cmd = [RUN, "--arch", arch, "--accel", "tcg", "--snapshot", "--timeout", "600"] + args
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=900,
                       cwd=os.path.dirname(os.path.abspath(B)))
    return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


def make_run(arch, image):
    """`make run ARCH=aarch64` on a copy of the image, as a user types it."""
    flags = f"--image {image} --accel tcg --timeout 600"
    return t.Console(argv=["make", "-s", "-C", TOP, "run", f"ARCH={arch}",
                           f"BUILD={os.path.relpath(B, TOP)}", f"RUN_FLAGS={flags}"],
                     env=dict(os.environ, MAKEFLAGS=""))


def console(arch, image):
    if arch == "aarch64":
        return make_run(arch, image)
    return t.Console(image, kernel=os.path.join(B, arch, "vmlinuz"),
                     extra=["--arch", arch] + ARCHES[arch]["extra"])


def interactive(arch, tmp):
    how = "make run ARCH=aarch64" if arch == "aarch64" else "run-qemu --arch " + arch
    print(f"# {arch}: {how}: the prompt, the terminal, Ctrl-C, poweroff")
    img = t.copy_image(os.path.join(B, arch, "rootfs.img"), os.path.join(tmp, f"{arch}.img"))
    data = f"written on {arch} before poweroff, never synced"
    with console(arch, img) as c:
        if not t.check(f"{arch}: the prompt appears without a key pressed", c.wait_prompt(), c.log()):
            return
        out, st = c.run("tty")
        tty = ARCHES[arch]["tty"]
        t.check(f"{arch}: tty names {tty} ({out})", st == 0 and out == tty, out or c.log())
        t.check(f"{arch}: the shell has job control", "job control turned off" not in c.log(), c.log())
        if "--modules" in ARCHES[arch]["extra"]:
            version = os.listdir(os.path.join(B, arch, "modules", "lib", "modules"))
            out, st = c.run("ls /lib/modules; grep -o '^ext4 ' /proc/modules")
            words = (out or "").split()
            t.check(f"{arch}: --modules: stage 1 loaded ext4, the tree is at /lib/modules "
                    f"({' '.join(words)})", st == 0 and words == version + ["ext4"], out or c.log())
        started, back, status = c.interrupt_sleep()
        t.check(f"{arch}: Ctrl-C ends 'sleep 100' by SIGINT ($? = {status})",
                started and status == "130", c.log())
        out, st = c.run(f"echo '{data}' > /root/file")
        t.check(f"{arch}: a file is written", st == 0, out or c.log())
        c.p.sendline("poweroff")
        st = c.wait_exit()
        t.check(f"{arch}: poweroff ends QEMU, exit status 0 (got {st})", st == 0, c.log())
    rc, out = t.host("e2fsck", "-fn", img)
    t.check(f"{arch}: e2fsck -fn is clean", rc == 0, out)
    rc, out = t.host("debugfs", "-R", "cat /root/file", img)
    t.check(f"{arch}: the data is on the image", data in out, out)


def commands(arch, tmp):
    print(f"# {arch}: command mode, statuses through the channel")
    want = ARCHES[arch]["uname"]
    if os.path.basename(os.path.abspath(B)) == "build":
        # The defaults are build/ARCH/... relative to where run-qemu runs.
        rc, out, err = run_defaults(arch, ["--", "uname", "-m"])
        how = "no --kernel, --image" + (" or --modules: the default kernel brings its own" if ARCHES[arch]["extra"]
                                       else " (build's)")
    else:
        rc, out, err = run(arch, ["--", "uname", "-m"])
        how = "BUILD is not named build: the defaults not tried"
    t.check(f"{arch}: uname -m says {want}, status 0 (got {rc}; {how})",
            rc == 0 and out.splitlines()[:1] == [want], out + err)
    rc, out, err = run(arch, ["--", "sh", "-c", "kill -9 $$"])
    t.check(f"{arch}: a command killed by SIGKILL: 137 (got {rc})", rc == 137, out + err)
    if arch == "aarch64":
        # The cloud kernel's virtio is modules: stage 1 loads them for the root.
        rc, out, err = run(arch, ["--disk", "virtio", "--modules", os.path.join(B, arch, "modules"),
                                  "--", "sh", "-c", "grep ' / ' /proc/mounts | cut -d' ' -f1; "
                                  "modprobe loop && grep -o '^loop' /proc/modules"])
        t.check(f"{arch}: --disk virtio --modules: the root is /dev/vda, modprobe loads loop "
                f"({' '.join(out.split())})", rc == 0 and out.split() == ["/dev/vda", "loop"], out + err)
    cpio = os.path.join(tmp, f"{arch}.cpio.gz")
    rc, out = t.host(os.path.join(B, "mkrootfs"), "-q", "-t", "cpio", "--init",
                     os.path.join(B, arch, "init"), "-o", cpio)
    if t.check(f"{arch}: mkrootfs -t cpio --init build/{arch}/init", rc == 0, out):
        # No disk, so no modules: armhf boots its initramfs on the bare kernel.
        rc, out, err = run(arch, ["--initrd", cpio, "--", "sh", "-c",
                                  "uname -m; grep -c '^rootfs / ' /proc/mounts"], extra=False)
        t.check(f"{arch}: the initramfs boots with --initrd alone ({' '.join(out.split())})",
                rc == 0 and out.split() == [want, "1"], out + err)
    share = os.path.join(tmp, f"share-{arch}")
    os.makedirs(share)
    with open(os.path.join(share, "in"), "w") as f:
        f.write(f"from the host to {arch}\n")
    rc, out, err = run(arch, ["--share-rw", f"{share}:/data", "--", "sh", "-c",
                              "tr a-z A-Z < /data/in > /data/out; exit 7"])
    t.check(f"{arch}: exit 7 is status 7 (got {rc})", rc == 7, out + err)
    try:
        with open(os.path.join(share, "out")) as f:
            back = f.read()
    except OSError as e:
        back = str(e)
    t.check(f"{arch}: --share-rw: what the guest wrote is on the host ({back.strip()})",
            back == f"FROM THE HOST TO {arch.upper()}\n", out + err)


tmp = t.scratch()
for arch in ARCHES:
    missing = [p for p in ("init", "rootfs.img", "vmlinuz") if not os.path.exists(os.path.join(B, arch, p))]
    if not t.check(f"{arch}: {os.path.join(B, arch)} holds init, rootfs.img and vmlinuz "
                   f"(make ARCH={arch} && make kernel ARCH={arch})", not missing, f"missing: {missing}"):
        continue
    interactive(arch, tmp)
    commands(arch, tmp)
t.finish()
