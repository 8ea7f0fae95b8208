"""Boot per architecture: x86-64, aarch64, armhf and riscv64 guests as
run-qemu boots them (TCG), each on its own kernel and the image `make
ARCH=...` packs. Two figures, as a user sees them: run-qemu started → first
shell prompt, and the round trip of `run-qemu -- true` (start → exit status
back). armhf's and riscv64's include their stage-1 initramfs (their disk and
ext4 drivers are modules); riscv64's include OpenSBI. The timing itself is
bench/runner.py's."""
import os
import subprocess

import report
import runner

ARCHES = ("x86_64", "aarch64", "armhf", "riscv64")
# Whose root's drivers are modules: every boot from a disk goes through stage 1.
MODULAR = ("armhf", "riscv64")


def guest_args(build, arch):
    d = build if arch == "x86_64" else os.path.join(build, arch)
    args = ["--arch", arch, "--snapshot", "--kernel", os.path.join(d, "vmlinuz"),
            "--image", os.path.join(d, "rootfs.img")]
    if arch in MODULAR:
        args += ["--modules", os.path.join(d, "modules")]
    return args


def missing(build):
    return [p for a in ARCHES for p in guest_args(build, a)[4::2] if not os.path.exists(p)]


def measure(build, runs, failures):
    """{arch: {"prompt": [...], "true": [...]}}, the order rotated each round."""
    m = {a: {"prompt": [], "true": []} for a in ARCHES}
    kinds = [(a, k) for a in ARCHES for k in ("prompt", "true")]
    for r in range(runs):
        for arch, kind in runner.rotated(kinds, r):
            what = "arch %d/%d %s %s" % (r + 1, runs, arch, kind)
            try:
                if kind == "prompt":
                    t = runner.to_prompt(guest_args(build, arch))
                else:
                    t = runner.run_qemu(guest_args(build, arch) + ["--", "true"])
            except (runner.RunFailed, subprocess.TimeoutExpired) as e:
                failures.add(what, getattr(e, "reason", str(e)), getattr(e, "log", ""))
                continue
            m[arch][kind].append(t)
            print("  %s: %.2f s" % (what, t), flush=True)
    return m


def section(build, runs, failures):
    m = measure(build, runs, failures)
    kernels = {"x86_64": "Debian cloud-amd64", "aarch64": "Debian cloud-arm64",
               "armhf": "Debian armmp, stage 1", "riscv64": "Debian 13 riscv64, OpenSBI, stage 1"}
    rows = [[a, kernels[a], report.seconds(report.median(m[a]["prompt"])),
             report.seconds(report.median(m[a]["true"])), report.count(m[a])] for a in ARCHES]
    header = ["guest", "kernel", "run-qemu → prompt", "run-qemu -- true (round trip)", "runs"]
    return ("## Boot per architecture (run-qemu, TCG, medians of %d alternating runs)\n\n" % runs +
            report.table(header, rows) + "\n")
