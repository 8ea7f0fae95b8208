"""make bench's anchors: minroot against what a kernel tester already has,
on the same kernel (Debian's standard kernel, whose disk and 9p drivers are
modules) and the same QEMU, under TCG.

  - virtme-ng: `vng --run K --disable-kvm --force-9p --exec true` against
    `run-qemu --kernel K --modules M -- true`, and the same two reading a
    tree of 1,000 files (50 MiB) shared from the host: vng's 9p (--rodir)
    against run-qemu's --share (a disk packed from the tree).
  - Debian's own initramfs (initramfs-tools, MODULES=most, udev, busybox)
    against our stage 1 (mkrootfs -t initrd --modules): one QEMU command
    line, only the initrd differs, to our image's shell prompt.

vng is Debian 13's (bench/fetch-vng); its guest root, and Debian's
initramfs, come from one Debian 12 root with the kernel's package
installed (bench/debian-root): nothing outside the cache is written, not
/lib/modules nor /boot. Every figure is a median of runs taken side by
side, the order rotated, the load average noted with it."""
import os
import random
import subprocess
import time

import pexpect

import report
import runner

HERE = os.path.dirname(os.path.abspath(__file__))
SHARE_FILES = 1000
SHARE_BYTES = 50 << 20
# vng shares a directory only where its guest has an overlay (/tmp, /srv, ...).
GUEST_SHARE = "/tmp/share"
# Reads every file of the share; prints how many bytes it read.
READ_SHARE = f"find {GUEST_SHARE} -type f -exec cat {{}} + | wc -c"
PROMPT = r"[/~][^\s]*\s?[#$] "
STEP_TIMEOUT = 600


class Unavailable(Exception):
    """A contender that cannot be had here: the row says how to get it."""


def helper(name, *args):
    """bench/NAME ARGS: its one line of output (a path)."""
    r = subprocess.run([os.path.join(HERE, name)] + list(args), stdin=subprocess.DEVNULL,
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise Unavailable((r.stderr.strip().splitlines() or [f"bench/{name} failed"])[-1])
    return r.stdout.strip()


def make_share(path):
    """SHARE_FILES files of SHARE_BYTES in all, in 10 directories, the same
    bytes every time; returns the total."""
    rng = random.Random(20261207)
    weights = [rng.random() + 0.5 for _ in range(SHARE_FILES)]
    sizes = [int(SHARE_BYTES * w / sum(weights)) for w in weights]
    for i, size in enumerate(sizes):
        d = os.path.join(path, "d%d" % (i % 10))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "f%04d" % i), "wb") as f:
            f.write(rng.randbytes(size))
    return sum(sizes)


class Vng:
    """Debian 13's vng, unpacked, booting the Debian root's kernel with that
    root as its guest's: vng finds the modules beside the kernel
    (ROOT/lib/modules/RELEASE, the root holding ROOT/boot/vmlinuz-RELEASE)."""

    def __init__(self, tree, root, kernel):
        self.tree, self.root, self.kernel = tree, root, kernel

    def run(self, command, extra=()):
        env = dict(os.environ, PATH=os.path.join(self.tree, "usr", "bin") + os.pathsep + os.environ["PATH"],
                   PYTHONPATH=os.path.join(self.tree, "usr", "lib", "python3", "dist-packages"))
        argv = ["/usr/bin/python3", os.path.join(self.tree, "usr", "bin", "vng"), "--root", self.root,
                "--run", self.kernel, "--disable-kvm", "--force-9p"] + list(extra) + ["--exec", command]
        t = time.monotonic()
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env,
                           timeout=STEP_TIMEOUT)
        took = time.monotonic() - t
        if p.returncode != 0:
            raise runner.RunFailed("vng exited %d" % p.returncode, p.stdout + p.stderr)
        return took, p.stdout


def read_share_check(out, want):
    if out.strip().splitlines()[-1:] != [str(want)]:
        raise runner.RunFailed("the guest read %r bytes of the share, not %d" % (out.strip()[-200:], want), out)


def loaded(fn, loads):
    """fn(), the load average before it noted in LOADS."""
    def run():
        loads.append(os.getloadavg()[0])
        return fn()
    return run


def run_qemu_output(argv):
    """Seconds of one run-qemu command, and its output."""
    t = time.monotonic()
    p = subprocess.run([runner.RUN, "--accel", "tcg"] + argv, stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=STEP_TIMEOUT)
    took = time.monotonic() - t
    if p.returncode != 0:
        raise runner.RunFailed("run-qemu exited %d" % p.returncode, p.stdout + p.stderr)
    return took, p.stdout


def vng_contenders(args, image, vng, share, total):
    ours = ["--kernel", os.path.join(args.build, "vmlinuz-generic"),
            "--modules", os.path.join(args.build, "modules-generic"), "--image", image, "--snapshot"]

    def ours_share():
        took, out = run_qemu_output(ours + ["--share", f"{share}:{GUEST_SHARE}", "--", "sh", "-c", READ_SHARE])
        read_share_check(out, total)
        return took

    def vng_share():
        took, out = vng.run(READ_SHARE, ["--rodir", f"{GUEST_SHARE}={share}"])
        read_share_check(out, total)
        return took
    return [("run-qemu -- true", lambda: runner.run_qemu(ours + ["--", "true"])),
            ("vng --exec true", lambda: vng.run("true")[0]),
            ("run-qemu --share, read it", ours_share),
            ("vng --rodir, read it", vng_share)]


def vng_section(args, image, failures, work):
    title = "## Anchor: virtme-ng, on Debian's standard kernel\n\n"
    try:
        root = helper("debian-root", os.path.join(args.build, "vmlinuz-generic"))
        tree = helper("fetch-vng")
    except Unavailable as e:
        return title + ("Not measured: %s. vng is Debian 13's `virtme-ng` (bench/fetch-vng fetches it "
                        "with a private apt configuration; PyPI's works too: put its `vng` in PATH).\n" % e)
    release = os.path.basename(root).split("debian12-root-", 1)[-1]
    kernel = os.path.join(root, "boot", "vmlinuz-" + release)
    share = os.path.join(work, "anchor-share")
    total = make_share(share)
    contenders = vng_contenders(args, image, Vng(tree, root, kernel), share, total)
    loads = {name: [] for name, _ in contenders}
    med, n = runner.measure([(name, loaded(fn, loads[name])) for name, fn in contenders], args.runs, failures,
                            "vng anchor")
    rows = [[name, report.seconds(med[name]), n[name], load(loads[name])] for name, _ in contenders]
    rows.append(["**run-qemu / vng, `true`**", report.ratio(med[contenders[0][0]], med[contenders[1][0]]), "", ""])
    rows.append(["**run-qemu / vng, the share read**",
                 report.ratio(med[contenders[2][0]], med[contenders[3][0]]), "", ""])
    return (title + "Whole commands, medians of %d alternating runs, TCG, the same bzImage (%s) and QEMU. "
            "vng %s (Debian 13), its defaults (1 GiB, as many vCPUs as the host has), its guest root a "
            "Debian 12 root with the kernel's package; run-qemu's defaults (256 MiB, 1 vCPU, qboot, PVH) "
            "with --modules build/modules-generic (stage 1). The share: %d files, %d MiB, read whole with "
            "`%s`.\n\n" % (args.runs, release, os.path.basename(tree).split("virtme-ng-", 1)[-1], SHARE_FILES,
                           SHARE_BYTES >> 20, READ_SHARE) +
            report.table(["run", "median", "runs", "load average (median)"], rows) + "\n")


def load(values):
    return "—" if not values else "%.1f" % report.median(values)


def qemu_to_prompt(kernel, initrd, image, log):
    """Seconds from QEMU's start to the shell prompt on the image, booted
    through INITRD; then poweroff."""
    argv = ["-accel", "tcg", "-m", "1G", "-nographic", "-no-reboot", "-nic", "none", "-snapshot",
            "-kernel", kernel, "-initrd", initrd, "-append", "console=ttyS0 root=/dev/nvme0n1 rw panic=-1",
            "-drive", "file=%s,if=none,id=d0,format=raw" % image.replace(",", ",,"),
            "-device", "nvme,drive=d0,serial=r0"]
    t = time.monotonic()
    p = pexpect.spawn("qemu-system-x86_64", argv, encoding="utf-8", codec_errors="replace",
                      timeout=STEP_TIMEOUT, dimensions=(40, 200))
    p.logfile_read = log
    try:
        p.expect(PROMPT)
        took = time.monotonic() - t
        p.sendline("poweroff")
        p.expect(pexpect.EOF)
        return took
    except (pexpect.TIMEOUT, pexpect.EOF):
        raise runner.RunFailed("no prompt", p.before or "")
    finally:
        p.close(force=True)


class Log(list):
    def write(self, text):
        self.append(text)

    def flush(self):
        pass


def initramfs_section(args, image, failures, work):
    title = "## Anchor: Debian's own initramfs, on Debian's standard kernel\n\n"
    try:
        root = helper("debian-root", os.path.join(args.build, "vmlinuz-generic"))
    except Unavailable as e:
        return title + "Not measured: %s (bench/debian-root needs mmdebstrap and Debian's mirror).\n" % e
    release = os.path.basename(root).split("debian12-root-", 1)[-1]
    debian = os.path.join(root, "boot", "initrd.img-" + release)
    ours = os.path.join(work, "stage1.cpio.gz")
    subprocess.run([args.mkrootfs, "-q", "-t", "initrd", "--modules", os.path.join(args.build, "modules-generic"),
                    "--disk", "nvme", "-o", ours], check=True)
    kernel = os.path.join(args.build, "vmlinuz-generic")
    contenders = [("our stage 1", ours), ("Debian's initramfs", debian)]
    loads = {name: [] for name, _ in contenders}

    def boot(initrd):
        log = Log()
        try:
            return qemu_to_prompt(kernel, initrd, image, log)
        except runner.RunFailed as e:
            raise runner.RunFailed(e.reason, "".join(log))
    med, n = runner.measure([(name, loaded(lambda i=initrd: boot(i), loads[name]))
                             for name, initrd in contenders], args.runs, failures, "initramfs anchor")
    rows = [[name, "%d KiB" % (os.path.getsize(initrd) >> 10), report.seconds(med[name]), n[name],
             load(loads[name])] for name, initrd in contenders]
    rows.append(["**ours / Debian's**", report.ratio(os.path.getsize(ours), os.path.getsize(debian)),
                 report.ratio(med["our stage 1"], med["Debian's initramfs"]), "", ""])
    return (title + "QEMU start → our image's shell prompt, medians of %d alternating runs: one command line, "
            "`qemu-system-x86_64 -accel tcg -m 1G -nographic -no-reboot -nic none -snapshot -kernel "
            "vmlinuz-%s -initrd INITRD -append 'console=ttyS0 root=/dev/nvme0n1 rw panic=-1'` and the image "
            "on NVMe (SeaBIOS). Debian's: the one the kernel package's postinst built (initramfs-tools, "
            "MODULES=most, udev, busybox, zstd); ours: `mkrootfs -t initrd --modules build/modules-generic "
            "--disk nvme`.\n\n" % (args.runs, release) +
            report.table(["initramfs", "size", "to the prompt", "runs", "load average (median)"], rows) + "\n")


def sections(args, imgs, failures, work):
    """Both anchors, booting our default image (imgs["ours"])."""
    out = []
    for name, fn in (("virtme-ng", vng_section), ("Debian's initramfs", initramfs_section)):
        print("anchors: %s, %d rounds" % (name, args.runs), flush=True)
        out.append(fn(args, imgs["ours"], failures, work))
    return out
