"""Boot per architecture: x86-64, aarch64 and armhf guests as run-qemu
boots them (TCG), each on its own kernel and the image `make ARCH=...`
packs. Two figures, as a user sees them: run-qemu started → first shell
prompt, and the round trip of `run-qemu -- true` (start → exit status
back). armhf's include its stage-1 initramfs (its disk and ext4 drivers are
modules)."""
import os
import subprocess
import time

import pexpect

import report

PROMPT = r"[/~][^\s]*\s?[#$] "
STEP_TIMEOUT = 300
TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUN = os.path.join(TOP, "qemu", "run-qemu")
ARCHES = ("x86_64", "aarch64", "armhf")


class Unmeasured(Exception):
    def __init__(self, reason, log):
        super().__init__(reason)
        self.reason, self.log = reason, log


def guest_args(build, arch):
    d = build if arch == "x86_64" else os.path.join(build, arch)
    args = ["--arch", arch, "--accel", "tcg", "--snapshot", "--kernel", os.path.join(d, "vmlinuz"),
            "--image", os.path.join(d, "rootfs.img")]
    if arch == "armhf":
        args += ["--modules", os.path.join(d, "modules")]
    return args


def missing(build):
    return [p for a in ARCHES for p in guest_args(build, a)[6::2] if not os.path.exists(p)]


def to_prompt(build, arch):
    start = time.monotonic()
    p = pexpect.spawn(RUN, guest_args(build, arch), encoding="utf-8", codec_errors="replace",
                      timeout=STEP_TIMEOUT, dimensions=(40, 200))
    try:
        p.expect(PROMPT)
        took = time.monotonic() - start
        p.sendline("poweroff")
        p.expect(pexpect.EOF)
    except (pexpect.TIMEOUT, pexpect.EOF):
        raise Unmeasured("no prompt, or no power-off, within %d s" % STEP_TIMEOUT, p.before or "")
    finally:
        p.close(force=True)
    return took


def round_trip(build, arch):
    start = time.monotonic()
    r = subprocess.run([RUN] + guest_args(build, arch) + ["--", "true"], stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=STEP_TIMEOUT)
    took = time.monotonic() - start
    if r.returncode != 0:
        raise Unmeasured("run-qemu -- true exited %d" % r.returncode,
                         (r.stdout + r.stderr).decode(errors="replace"))
    return took


def measure(build, runs, failures):
    """{arch: {"prompt": [...], "true": [...]}}, the order rotated each round."""
    m = {a: {"prompt": [], "true": []} for a in ARCHES}
    kinds = [(a, k) for a in ARCHES for k in ("prompt", "true")]
    for r in range(runs):
        for arch, kind in kinds[r % len(kinds):] + kinds[:r % len(kinds)]:
            what = "arch %d/%d %s %s" % (r + 1, runs, arch, kind)
            try:
                t = (to_prompt if kind == "prompt" else round_trip)(build, arch)
            except Unmeasured as e:
                failures.add(what, e.reason, e.log)
                continue
            m[arch][kind].append(t)
            print("  %s: %.2f s" % (what, t), flush=True)
    return m


def section(build, runs, failures):
    m = measure(build, runs, failures)
    kernels = {"x86_64": "Debian cloud-amd64", "aarch64": "Debian cloud-arm64",
               "armhf": "Debian armmp, stage 1"}
    rows = [[a, kernels[a], report.seconds(report.median(m[a]["prompt"])),
             report.seconds(report.median(m[a]["true"])), report.count(m[a])] for a in ARCHES]
    header = ["guest", "kernel", "run-qemu → prompt", "run-qemu -- true (round trip)", "runs"]
    return ("## Boot per architecture (run-qemu, TCG, medians of %d alternating runs)\n\n" % runs +
            report.table(header, rows) + "\n")
