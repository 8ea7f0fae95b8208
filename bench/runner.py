"""make bench, the rows that go through qemu/run-qemu itself: the boot
floor (qboot against SeaBIOS, ours against the limit), the default
accelerator against TCG, --share of a 100 MiB tree, the command channel's
round trip by the guest clock, and Debian's standard kernel booted through
stage 1 against the cloud kernel. Each figure is a median of runs taken
side by side, the order rotated."""
import os
import random
import re
import subprocess
import time

import pexpect

import report

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUN = os.path.join(TOP, "qemu", "run-qemu")
PROMPT = r"[/~][^\s]*\s?[#$] "
STEP_TIMEOUT = 300
SHARE_MB = 100


class RunFailed(Exception):
    def __init__(self, reason, log=""):
        super().__init__(reason)
        self.reason, self.log = reason, log


def rotated(items, r):
    r %= len(items)
    return items[r:] + items[:r]


def run_qemu(argv, want=0, accel="tcg"):
    """Seconds of one whole run-qemu command (QEMU start to exit)."""
    t = time.monotonic()
    p = subprocess.run([RUN, "--accel", accel] + argv, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=STEP_TIMEOUT)
    took = time.monotonic() - t
    if p.returncode != want:
        raise RunFailed("run-qemu exited %d, not %d" % (p.returncode, want),
                        (p.stdout + p.stderr).decode(errors="replace"))
    return took


def to_prompt(argv):
    """Seconds from starting run-qemu to the shell prompt; then poweroff."""
    t = time.monotonic()
    p = pexpect.spawn(RUN, ["--accel", "tcg"] + argv, encoding="utf-8", codec_errors="replace",
                      timeout=STEP_TIMEOUT, dimensions=(24, 80))
    try:
        p.expect(PROMPT)
        took = time.monotonic() - t
        p.sendline("poweroff")
        p.expect(pexpect.EOF)
        return took
    except (pexpect.TIMEOUT, pexpect.EOF):
        raise RunFailed("no prompt", (p.before or ""))
    finally:
        p.close(force=True)


def guest_ms(log, first, last):
    """Milliseconds between two kernel-log lines (their printk times)."""
    times = {}
    with open(log, errors="replace") as f:
        for line in f:
            m = re.match(r"\[ *(\d+\.\d+)\] (.*)", line)
            for key, pattern in (("a", first), ("b", last)):
                if m and key not in times and re.search(pattern, m.group(2)):
                    times[key] = float(m.group(1))
    if len(times) < 2:
        raise RunFailed("no '%s' and '%s' in the log" % (first, last))
    return (times["b"] - times["a"]) * 1000


def measure(contenders, runs, failures, what):
    """contenders: [(name, fn)]; fn() returns a number. Medians by name."""
    got = {name: [] for name, _ in contenders}
    for r in range(runs):
        for name, fn in rotated(contenders, r):
            label = "%s %d/%d %s" % (what, r + 1, runs, name)
            try:
                v = fn()
            except (RunFailed, subprocess.TimeoutExpired) as e:
                failures.add(label, getattr(e, "reason", str(e)), getattr(e, "log", ""))
                continue
            got[name].append(v)
            print("  %s: %.3f" % (label, v), flush=True)
    return {name: report.median(v) for name, v in got.items()}, {n: len(v) for n, v in got.items()}


def firmware_section(args, imgs, failures):
    """The old floor (SeaBIOS, the bzImage's own entry), qboot alone, and
    the default (qboot, and the PVH entry where the kernel has one)."""
    k = ["--kernel", args.kernel, "--snapshot"]
    ours, lim = ["--image", imgs["ours"]], ["--image", imgs["limit"]]
    old, qboot = ["--bios", "seabios", "--no-pvh"], ["--bios", "qboot", "--no-pvh"]
    c = [("ours, SeaBIOS, bzImage (the old floor)", lambda: run_qemu(k + ours + old + ["--", "true"])),
         ("ours, qboot, bzImage", lambda: run_qemu(k + ours + qboot + ["--", "true"])),
         ("ours, default (qboot, PVH)", lambda: run_qemu(k + ours + ["--", "true"])),
         ("limit, SeaBIOS, bzImage", lambda: run_qemu(k + lim + old)),
         ("limit, default (qboot, PVH)", lambda: run_qemu(k + lim))]
    med, n = measure(c, args.runs, failures, "firmware")
    rows = [[name, report.seconds(med[name]), n[name]] for name, _ in c]
    rows.append(["**ours: default / the old floor** (goal ≤ 0.86)",
                 report.ratio(med["ours, default (qboot, PVH)"], med["ours, SeaBIOS, bzImage (the old floor)"]), ""])
    rows.append(["**ours / limit, default** (goal ≤ 1.05)",
                 report.ratio(med["ours, default (qboot, PVH)"], med["limit, default (qboot, PVH)"]), ""])
    rows.append(["ours: qboot alone / the old floor",
                 report.ratio(med["ours, qboot, bzImage"], med["ours, SeaBIOS, bzImage (the old floor)"]), ""])
    rows.append(["limit: default / the old floor",
                 report.ratio(med["limit, default (qboot, PVH)"], med["limit, SeaBIOS, bzImage"]), ""])
    return ("## The boot floor: `run-qemu -- true` and the limit image, on each firmware and entry\n\n"
            "Whole run-qemu commands (QEMU start to exit), medians of %d alternating runs. "
            "The limit's init powers off at once. PVH: the kernel's vmlinux, carved out of the "
            "bzImage (cached), booted through its PVH entry.\n\n" % args.runs +
            report.table(["run", "median", "runs"], rows) + "\n")


def accel_section(args, imgs, failures):
    """--accel auto (the default) against --accel tcg: where /dev/kvm is
    there but unusable, auto pays the KVM probe (4 s) once per host boot,
    its verdict kept in the cache; one run before the rounds pays it."""
    k = ["--kernel", args.kernel, "--image", imgs["ours"], "--snapshot", "--", "true"]
    try:
        run_qemu(k, accel="auto")
    except (RunFailed, subprocess.TimeoutExpired) as e:
        failures.add("accel: the first --accel auto run", getattr(e, "reason", str(e)), getattr(e, "log", ""))
    printed = k[:-2] + ["--print"]
    c = [("`--accel auto`", lambda: run_qemu(k, accel="auto")),
         ("`--accel tcg`", lambda: run_qemu(k, accel="tcg")),
         ("`--print --accel auto`", lambda: run_qemu(printed, accel="auto")),
         ("`--print --accel tcg`", lambda: run_qemu(printed, accel="tcg"))]
    med, n = measure(c, args.runs, failures, "accel")
    rows = [[name, report.seconds(med[name]) if "print" not in name else
             "—" if med[name] is None else "%.3f s" % med[name], n[name]] for name, _ in c]
    rows.append(["**auto / tcg** (goal ≤ 1.05)", report.ratio(med[c[0][0]], med[c[1][0]]), ""])
    rows.append(["auto / tcg, run-qemu's own work alone (`--print`: no boot)",
                 report.ratio(med[c[2][0]], med[c[3][0]]), ""])
    kvm = ("/dev/kvm is there: auto takes the probe's verdict from the cache, kept there until the host boots again"
           if os.path.exists("/dev/kvm") else "no /dev/kvm here: auto chooses TCG without a probe")
    return ("## The default accelerator: `run-qemu -- true` with `--accel auto` and `--accel tcg`\n\n"
            "Whole run-qemu commands, medians of %d alternating runs, after one `--accel auto` run that "
            "pays the probe if this boot of the host has no verdict yet (%s).\n\n" % (args.runs, kvm) +
            report.table(["run", "median", "runs"], rows) + "\n")


def make_share_tree(path):
    """SHARE_MB of files, the same bytes every time (a seeded generator)."""
    rng = random.Random(20261201)
    os.makedirs(path, exist_ok=True)
    for i in range(SHARE_MB):
        sub = os.path.join(path, "d%02d" % (i // 10))
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, "f%03d" % i), "wb") as f:
            f.write(rng.randbytes(1 << 20))


def share_section(args, imgs, failures, work):
    tree = os.path.join(work, "share-tree")
    make_share_tree(tree)
    base = ["--kernel", args.kernel, "--image", imgs["ours"], "--snapshot"]
    c = [("`-- true`", lambda: run_qemu(base + ["--", "true"])),
         ("`--share` of %d MiB, `-- true`" % SHARE_MB,
          lambda: run_qemu(base + ["--share", tree, "--", "true"]))]
    med, n = measure(c, args.runs, failures, "share")
    a, b = med[c[0][0]], med[c[1][0]]
    more = "—" if a is None or b is None else "%+.2f s" % (b - a)
    rows = [[name, report.seconds(med[name]), n[name]] for name, _ in c]
    rows.append(["**cost of the share** (goal ≤ +1 s)", more, ""])
    return ("## --share of a %d MiB tree (%d files)\n\n" % (SHARE_MB, SHARE_MB) +
            report.table(["run", "median", "runs"], rows) + "\n")


def channel_section(args, imgs, failures, work):
    log = os.path.join(work, "channel.log")
    base = ["--kernel", args.kernel, "--image", imgs["ours"], "--snapshot", "--verbose", "--log", log]
    big = ["x" * 255] * 1024

    def trip(argv):
        run_qemu(base + ["--", "sh", "-c", ":", "sh"] + argv)
        return guest_ms(log, r"^init: command channel: announced", r"^init: command channel: a request")
    c = [("a short command", lambda: trip([])), ("256 KiB of arguments", lambda: trip(big))]
    med, n = measure(c, args.runs, failures, "channel")
    rows = [[name, "—" if med[name] is None else "%.1f ms" % med[name], n[name]] for name, _ in c]
    return ("## The command channel's round trip, by the guest clock\n\n"
            "From init announcing itself on ttyS1 to the whole request read (run-qemu saw the "
            "announcement and sent the request): printk times of init's two lines. Goal ≤ 50 ms.\n\n" +
            report.table(["request", "median", "runs"], rows) + "\n")


def stage1_section(args, imgs, failures, work):
    generic = os.path.join(args.build, "vmlinuz-generic")
    modules = os.path.join(args.build, "modules-generic")
    if not (os.path.exists(generic) and os.path.isdir(modules)):
        return "## Stage 1\n\nNot measured: %s or %s is missing (make kernel-generic).\n" % (generic, modules)
    log = os.path.join(work, "stage1.log")
    img = ["--image", imgs["ours"], "--snapshot"]
    std = ["--kernel", generic, "--modules", modules] + img
    c = [("cloud kernel (drivers built in)", lambda: to_prompt(["--kernel", args.kernel] + img)),
         ("standard kernel, stage 1 loading the drivers", lambda: to_prompt(std))]
    med, n = measure(c, args.runs, failures, "stage 1")

    def own():
        run_qemu(std + ["--verbose", "--log", log, "--", "true"])
        return guest_ms(log, r"Run /init as init process", r"^init: stage 1: .* mounted in")
    own_med, own_n = measure([("stage 1", own)], args.runs, failures, "stage 1 by the guest clock")
    initrd = os.path.join(work, "initrd.cpio.gz")
    subprocess.run([args.mkrootfs, "-q", "-t", "initrd", "--modules", modules, "--disk", "nvme",
                    "-o", initrd], check=False)
    size = os.path.getsize(initrd) if os.path.exists(initrd) else None
    rows = [[name, report.seconds(med[name]), n[name]] for name, _ in c]
    rows.append(["**standard / cloud**", report.ratio(med[c[1][0]], med[c[0][0]]), ""])
    rows.append(["stage 1 itself, guest clock (`Run /init` → root mounted; goal ≤ 100 ms)",
                 "—" if own_med["stage 1"] is None else "%.0f ms" % own_med["stage 1"], own_n["stage 1"]])
    rows.append(["the NVMe + ext4 initramfs (goal ≤ 1 MiB)",
                 "—" if size is None else "%d KiB" % (size // 1024), ""])
    return ("## Every kernel: Debian's standard kernel through stage 1\n\n"
            "Boot to the prompt with `run-qemu --modules build/modules-generic`, against the cloud "
            "kernel with the same image.\n\n" + report.table(["boot", "median", "runs"], rows) + "\n")


# What make kselftest gives its guests, for the --host-tools rows.
HOST_TOOLS = "bash,python3,perl,coreutils,procps,psmisc,util-linux,kmod,iproute2,gawk,bc,file"


def hosttools_section(args, imgs, failures, work):
    """--host-tools: its disk packed once into a cache of its own (timed),
    then what a boot with it costs, by name and with a python3 started in
    the guest."""
    base = ["--kernel", args.kernel, "--image", imgs["ours"], "--snapshot"]
    cache = os.path.join(work, "host-tools-cache")
    env = dict(os.environ, MINROOT_CACHE=cache)

    def boot(argv):
        t = time.monotonic()
        p = subprocess.run([RUN, "--accel", "tcg"] + base + argv, env=env, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=STEP_TIMEOUT)
        if p.returncode != 0:
            raise RunFailed("run-qemu exited %d" % p.returncode, (p.stdout + p.stderr).decode(errors="replace"))
        return time.monotonic() - t
    try:
        first = boot(["--host-tools", HOST_TOOLS, "--", "true"])     # packs the disk into the cache
    except (RunFailed, subprocess.TimeoutExpired) as e:
        failures.add("host tools: the first run", getattr(e, "reason", str(e)), getattr(e, "log", ""))
        return "## --host-tools\n\nNot measured: its first run failed (see the failures below).\n"
    disks = [os.path.join(cache, "host-tools", n) for n in os.listdir(os.path.join(cache, "host-tools"))]
    size = sum(os.stat(d).st_blocks * 512 for d in disks)
    c = [("`-- true`", lambda: boot(["--", "true"])),
         ("`--host-tools ... -- true`", lambda: boot(["--host-tools", HOST_TOOLS, "--", "true"])),
         ("`--host-tools ... -- python3 -c pass`",
          lambda: boot(["--host-tools", HOST_TOOLS, "--", "python3", "-c", "pass"]))]
    med, n = measure(c, args.runs, failures, "host tools")
    rows = [[name, report.seconds(med[name]), n[name]] for name, _ in c]
    a, b = med[c[0][0]], med[c[1][0]]
    rows.append(["**cost of --host-tools per boot**", "—" if a is None or b is None else "%+.2f s" % (b - a), ""])
    rows.append(["the first run, packing the disk", report.seconds(first), 1])
    rows.append(["its disk in the cache (allocated)", "%d MiB" % (size >> 20), len(disks)])
    return ("## --host-tools: the host's programs in the guest\n\n"
            "The packages `make kselftest` gives its guests (%s) and everything they depend "
            "on: the disk is packed once into the cache, then each boot mounts it.\n\n" % HOST_TOOLS +
            report.table(["run", "median", "runs"], rows) + "\n")


def sections(args, imgs, failures, work):
    out = []
    for name, fn in (("the boot floor", firmware_section), ("the accelerator", accel_section),
                     ("--share", share_section), ("the command channel", channel_section),
                     ("stage 1", stage1_section),
                     ("--host-tools", hosttools_section)):
        print("run-qemu: %s, %d rounds" % (name, args.runs), flush=True)
        out.append(fn(args, imgs, failures) if fn in (firmware_section, accel_section)
                   else fn(args, imgs, failures, work))
    return out
