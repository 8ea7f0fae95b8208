"""make bench, the kernel's selftests in several guests: make kselftest's
default set with JOBS=2 against JOBS=1 (qemu/kselftest/kselftest-jobs),
whole commands timed, the order rotated every round, the load average at
the start of each run beside it. Its own build directory (the bench's image
and kernel linked in), so that build/'s tests and logs stay as they are."""
import os
import subprocess
import time

import report

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JOBS = os.path.join(TOP, "qemu", "kselftest", "kselftest-jobs")
# A round is two runs of the default set: minutes under TCG.
MAX_ROUNDS = 3
STEP_TIMEOUT = 1800


class RunFailed(Exception):
    def __init__(self, reason, log=""):
        super().__init__(reason)
        self.reason, self.log = reason, log


def build_dir(work, image, kernel, build):
    """The guests boot a root image kselftest makes from BUILD's init and
    mkrootfs: those are linked in too."""
    d = os.path.join(work, "kselftest-build")
    os.makedirs(d, exist_ok=True)
    for name, target in (("rootfs.img", image), ("vmlinuz", kernel), ("init", os.path.join(build, "init")),
                         ("mkrootfs", os.path.join(build, "mkrootfs"))):
        path = os.path.join(d, name)
        if not os.path.lexists(path):
            os.symlink(os.path.abspath(target), path)
    return d


def run(build, kernel, jobs, extra=()):
    """Seconds of one kselftest-jobs command, and the load average at its
    start."""
    env = dict(os.environ, BUILD=build)
    load = os.getloadavg()[0]
    t = time.monotonic()
    p = subprocess.run([JOBS, "--jobs", str(jobs), "--kernel", kernel,
                        "--results", os.path.join(build, "results-%d" % jobs)] + list(extra),
                       env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=STEP_TIMEOUT)
    took = time.monotonic() - t
    if p.returncode != 0:
        raise RunFailed("kselftest-jobs --jobs %d exited %d" % (jobs, p.returncode),
                        (p.stdout + p.stderr).decode(errors="replace"))
    return took, load


def section(args, imgs, failures, work):
    build = build_dir(work, imgs["ours"], args.kernel, args.build)
    # The tests built (copied from the cache) once, before any timing.
    subprocess.run([JOBS, "--plan"], env=dict(os.environ, BUILD=build), capture_output=True)
    rounds = min(args.runs, MAX_ROUNDS)
    got = {1: [], 2: []}
    loads = {1: [], 2: []}
    for r in range(rounds):
        for jobs in ((1, 2) if r % 2 == 0 else (2, 1)):
            label = "kselftest %d/%d JOBS=%d" % (r + 1, rounds, jobs)
            try:
                took, load = run(build, args.kernel, jobs)
            except (RunFailed, subprocess.TimeoutExpired) as e:
                failures.add(label, getattr(e, "reason", str(e)), getattr(e, "log", ""))
                continue
            got[jobs].append(took)
            loads[jobs].append(load)
            print("  %s: %.1f s (load average %.2f)" % (label, took, load), flush=True)
    med = {j: report.median(v) for j, v in got.items()}
    rows = [["one guest (`JOBS=1`)", report.seconds(med[1]), len(got[1]),
             ", ".join("%.1f" % x for x in loads[1])],
            ["two guests at once (`JOBS=2`)", report.seconds(med[2]), len(got[2]),
             ", ".join("%.1f" % x for x in loads[2])],
            ["**JOBS=1 / JOBS=2**: times faster (goal ≥ 1.6)", report.ratio(med[1], med[2]), "", ""]]
    return ("## The kernel's selftests in several guests (`make kselftest JOBS=`)\n\n"
            "The default set (11 tests of timers, exec, kcmp, size, breakpoints) on the cloud kernel, "
            "the whole `kselftest-jobs` command, medians of %d alternating runs (%d CPUs here). "
            "Each run's load average at its start beside it: the gain needs idle CPUs.\n\n"
            % (rounds, os.cpu_count()) +
            report.table(["run", "median", "runs", "load average at each start"], rows) + "\n")
