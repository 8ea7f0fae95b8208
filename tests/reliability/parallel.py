#!/usr/bin/python3
"""Runs at once: many run-qemu commands side by side, as a CI runner starts
them, each with disks beside its root (--modules, --share, --program), on
every kernel and disk kind. Each must end with its own status: a root
found by probe order instead of by identity shows as 125 ("no init on the
root") in some of them. After each round no QEMU of the suite is left, and
at the end nothing is left in its TMPDIR and no temporary in its cache (one
of its own, so that the runs also build the cache's entries side by side).

make test: 4 at once, 1 round, the mix that failed (Debian's standard
kernel with --modules on --disk ide, under load). SOAK=1 (make soak): 8 at
once for 3 rounds over every disk kind on the standard and the cloud
kernel; then 2 x CPUs at once for 50 rounds over every kernel (cloud,
standard, the minimal one from source and its modular twin) and every
disk kind."""
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

import minroot_test as t

B = t.B
CLOUD = (os.path.join(B, "vmlinuz"), None)
STANDARD = (os.path.join(B, "vmlinuz-generic"), os.path.join(B, "modules-generic"))
MINIMAL = (os.path.join(B, "bzImage-min"), None)
MODULAR = (os.path.join(B, "bzImage-mod"), os.path.join(B, "modules-mod"))
NAMES = {CLOUD: "cloud", STANDARD: "standard", MINIMAL: "minimal", MODULAR: "modular"}
# Which disk kinds each kernel boots from: the cloud kernel has only NVMe
# built in (and we have no modules tree for it).
DISKS = {CLOUD: ("nvme",), STANDARD: ("ide", "nvme", "virtio"), MINIMAL: ("ide", "nvme", "virtio"),
         MODULAR: ("ide", "nvme", "virtio")}
EXTRAS = ((), ("share",), ("program",), ("share", "program"))
RUN_TIMEOUT = 900


def combos(kernels):
    """Every (kernel, disk, extras) of these kernels; a kernel without
    modules and no extra disk is left out (its root is alone)."""
    return [(k, d, x) for k in kernels for x in EXTRAS for d in DISKS[k] if k[1] or x]


def short_form():
    """The mix that failed: the standard kernel's stage 1 on IDE, beside
    the same on virtio and the cloud kernel with two more disks."""
    return [(STANDARD, "ide", ()), (STANDARD, "ide", ("share",)), (STANDARD, "virtio", ("program",)),
            (CLOUD, "nvme", ("share", "program"))]


class Job:
    def __init__(self, tmp, n, kernel, disk, extras):
        self.n, self.kernel, self.disk, self.extras = n, kernel, disk, extras
        self.status = 3 + n % 90     # its own: a run mixed up with another shows
        self.log = os.path.join(tmp, "logs", f"run{n}.log")
        self.share = os.path.join(tmp, "shares", f"s{n}")
        if "share" in extras:
            os.makedirs(self.share)
            with open(os.path.join(self.share, "id"), "w") as f:
                f.write(f"run-{n}\n")

    def name(self):
        k, mods = self.kernel
        extras = "".join(f" --{x}" for x in (("modules",) if mods else ()) + self.extras)
        return f"#{self.n} {NAMES[self.kernel]} --disk {self.disk}{extras}"

    def argv(self):
        kernel, mods = self.kernel
        script = "test -x /sbin/init || exit 103; "
        argv = [t.RUN, "--accel", "tcg", "--snapshot", "--kernel", kernel, "--image", t.IMAGE,
                "--disk", self.disk, "--timeout", "600", "--log", self.log]
        if mods:
            argv += ["--modules", mods]
            script += "test -f /lib/modules/$(uname -r)/modules.dep || exit 101; "
        if "share" in self.extras:
            argv += ["--share", f"{self.share}:/mnt/soak"]
            script += f"test \"$(cat /mnt/soak/id)\" = run-{self.n} || exit 102; "
        script += f"exit {self.status}"
        if "program" in self.extras:
            return argv + ["--program", "/bin/sh", "--", "-c", script]
        return argv + ["--", "sh", "-c", script]

    def run(self, env):
        try:
            r = subprocess.run(self.argv(), stdin=subprocess.DEVNULL, capture_output=True, env=env,
                               timeout=RUN_TIMEOUT)
            return r.returncode, (r.stdout + r.stderr).decode(errors="replace")
        except subprocess.TimeoutExpired:
            return None, f"run-qemu still running after {RUN_TIMEOUT} s"

    def evidence(self, out):
        try:
            with open(self.log, errors="replace") as f:
                console = f.read()
        except OSError:
            console = "(no console log)"
        return f"{out}\n--- {' '.join(self.argv()[1:])}\n--- console log:\n{console}"


def qemus_of(tmpdir):
    """The processes whose command line names TMPDIR (the suite's QEMUs
    hold their sockets there)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if tmpdir in cmd and int(pid) != os.getpid():
            found.append(f"{pid}: {cmd[:200]}")
    return found


# What a cache holds once every writer is done: entries under their own
# names, never a temporary (mkrootfs's NAME.tmp-XXXXXX, the cache's .new.*).
CACHE_ENTRY = re.compile(r"(disk-.*\.img|(initrd|stage1)-.*\.cpio\.gz(\.builtin)?|[0-9a-f]{32}\.(vmlinux|none))")


def strays(cache):
    return [os.path.join(root, n) for root, _, names in os.walk(cache) for n in names
            if not CACHE_ENTRY.fullmatch(n)]


def run_rounds(what, mix, at_once, rounds, tmp, env, counter):
    """ROUNDS rounds of AT_ONCE runs at once, taken in turn from MIX; one
    check per round."""
    at = 0
    for r in range(1, rounds + 1):
        jobs = []
        for _ in range(at_once):
            counter[0] += 1
            jobs.append(Job(tmp, counter[0], *mix[at % len(mix)]))
            at += 1
        with ThreadPoolExecutor(max_workers=at_once) as pool:
            results = list(pool.map(lambda j: j.run(env), jobs))
        wrong = [(j, st, out) for j, (st, out) in zip(jobs, results) if st != j.status]
        for j, st, out in wrong:
            t.fail(f"{what}, round {r}: {j.name()}: exit {st}, not {j.status}", j.evidence(out))
        left = qemus_of(env["TMPDIR"])
        t.check(f"{what}, round {r}/{rounds}: {at_once} runs at once, every status right"
                    f"{'' if not wrong else f' ({len(wrong)} wrong)'}; no QEMU left",
                    not wrong and not left, "\n".join(left))


def main():
    needed = [CLOUD, STANDARD] + ([MINIMAL, MODULAR] if t.SOAK else [])
    missing = [p for k in needed for p in k if p and not os.path.exists(p)] + \
        [p for p in (t.IMAGE,) if not os.path.exists(p)]
    if missing:
        t.fail("the kernels, modules and image are built: missing " + " ".join(missing))
        t.finish()
    tmp = t.scratch()
    for d in ("logs", "shares", "tmp", "cache"):
        os.makedirs(os.path.join(tmp, d))
    env = dict(os.environ, TMPDIR=os.path.join(tmp, "tmp"), MINROOT_CACHE=os.path.join(tmp, "cache"))
    counter = [0]
    if t.SOAK:
        run_rounds("standard and cloud kernels", combos([STANDARD, CLOUD]), 8, 3, tmp, env, counter)
        run_rounds("every kernel", combos([CLOUD, STANDARD, MINIMAL, MODULAR]), 2 * (os.cpu_count() or 1), 50,
                   tmp, env, counter)
    else:
        run_rounds("the mix that failed", short_form(), 4, 1, tmp, env, counter)
    left = os.listdir(env["TMPDIR"])
    t.check(f"{counter[0]} runs: nothing left in their TMPDIR", not left, " ".join(left))
    stray = strays(env["MINROOT_CACHE"])
    t.check("... no temporary left in their cache (%d entries made)"
                % sum(len(n) for _, _, n in os.walk(env["MINROOT_CACHE"])), not stray, "\n".join(stray))
    logs = [n for n in os.listdir(os.path.join(tmp, "logs")) if not n.endswith(".log")]
    t.check("... and no console log left under a temporary name", not logs, " ".join(logs))
    t.finish()


main()
