"""KUnit, the run after the build, against the kernel's own runner: `make
kunit`'s kernel (BUILD/kunit/bzImage: its default kunitconfigs built in)
booted by run-qemu to its verdict as make kunit boots it (`--kunit`: the
kernel alone, no disk and no init, powered off after its suites), and
`kunit.py exec` on kunit.py's own build of the same source and
kunitconfigs (qemu/kunit/kunitpy keeps it in the cache). Both under TCG,
on the same QEMU, the order alternating; the seconds from start to exit,
and the tests each counted."""
import os
import re
import shlex
import subprocess
import time

import report
import runner

TOP = runner.TOP
KUNITPY = os.path.join(TOP, "qemu", "kunit", "kunitpy")
STEP_TIMEOUT = 900
OURS_RE = re.compile(r"kunit: \d+ suites, (\d+) tests: (\d+) ok, (\d+) not ok, (\d+) skip")
THEIRS_RE = re.compile(r"Testing complete\. Ran (\d+) tests")


def missing(build):
    kernel = os.path.join(build, "kunit", "bzImage")
    return [] if os.path.exists(kernel) else [kernel]


def exec_command():
    """kunit.py exec's command on its cached build (qemu/kunit/kunitpy makes
    the build first if there is none: a long one)."""
    out = subprocess.run([KUNITPY, "--print-exec"], stdin=subprocess.DEVNULL, capture_output=True,
                         text=True)
    if out.returncode != 0:
        raise runner.RunFailed("qemu/kunit/kunitpy --print-exec exited %d" % out.returncode, out.stderr)
    return shlex.split(out.stdout)


def ours(build):
    """Seconds of run-qemu, start to exit, and the tests its summary counted."""
    argv = [runner.RUN, "--accel", "tcg", "--kernel", os.path.join(build, "kunit", "bzImage"), "--kunit"]
    t = time.monotonic()
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=STEP_TIMEOUT)
    took = time.monotonic() - t
    m = OURS_RE.search(p.stderr)
    if p.returncode != 0 or not m:
        raise runner.RunFailed("run-qemu exited %d%s" % (p.returncode, "" if m else ", no kunit total"),
                               p.stdout + p.stderr)
    return took, int(m.group(1))


def theirs(command):
    t = time.monotonic()
    p = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=STEP_TIMEOUT)
    took = time.monotonic() - t
    m = THEIRS_RE.search(re.sub(r"\x1b\[[0-9;]*m", "", p.stdout))
    if p.returncode != 0 or not m:
        raise runner.RunFailed("kunit.py exec exited %d%s" % (p.returncode, "" if m else ", no total"),
                               p.stdout + p.stderr)
    return took, int(m.group(1))


def measure(build, runs, failures):
    command = exec_command()
    m = {"ours": [], "kunit.py": []}
    tests = {}
    kinds = [("ours", lambda: ours(build)), ("kunit.py", lambda: theirs(command))]
    for r in range(runs):
        for name, fn in runner.rotated(kinds, r):
            what = "kunit %d/%d %s" % (r + 1, runs, name)
            try:
                took, n = fn()
            except (runner.RunFailed, subprocess.TimeoutExpired) as e:
                failures.add(what, getattr(e, "reason", str(e)), getattr(e, "log", ""))
                continue
            m[name].append(took)
            tests[name] = n
            print("  %s: %.2f s, %d tests" % (what, took, n), flush=True)
    return m, tests


def section(build, runs, failures):
    m, tests = measure(build, runs, failures)
    a, b = report.median(m["ours"]), report.median(m["kunit.py"])
    rows = [["`run-qemu --kunit` → verdict", report.seconds(a), str(tests.get("ours", "-")),
             report.count({"r": m["ours"]})],
            ["`kunit.py exec --arch=x86_64`", report.seconds(b), str(tests.get("kunit.py", "-")),
             report.count({"r": m["kunit.py"]})]]
    header = ["KUnit, the run after the build", "seconds", "tests", "runs"]
    return ("## KUnit: run-qemu against kunit.py (TCG, medians of %d alternating runs)\n\n" % runs +
            report.table(header, rows) + "\nours / kunit.py: %s (goal: at most 1.0)\n" % report.ratio(a, b))
