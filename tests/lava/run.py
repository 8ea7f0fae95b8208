#!/usr/bin/python3
"""LAVA jobs written by qemu/lava/lava-job, run by Debian's own lava-run
(qemu/lava/lava-local: standalone, unpacked in the cache) on Debian's
cloud kernel under TCG, each against a direct run of run-qemu on the same
kernel, image and test: the same cases in the same order with the same
results as `lava-job --cases` reads in the direct run's output, and the
kernel health and exit status run-qemu's results (--results) give. A command printing
KTAP (ok, not ok, SKIP, TODO, a nested result, exit 3); a WARN
(kernel-health fails, the cases stand); a panic (the run cut short);
kselftest's size and kcmp on their own disk; an initramfs instead of the
image; KUnit's example suite in a kernel built with it
(tests/lava/kunit.config), its KTAP printed while the kernel boots. Every
job passes lava-server's schema and lava-run --validate, which do refuse
broken ones; nothing is written under /var/lib/lava."""
import json
import os
import subprocess

import yaml

import minroot_test as t
from minroot_test import B, TOP

LAVA_JOB = os.path.join(TOP, "qemu", "lava", "lava-job")
LAVA_LOCAL = os.path.join(TOP, "qemu", "lava", "lava-local")
KERNEL = os.path.join(B, "vmlinuz")
IMAGE = os.path.join(B, "rootfs.img")
LAVA_DIR = "/var/lib/lava"
# KTAP of every kind the monitor reads ("\043" is "#": a "#" would start a
# comment in sh -c's script).
KTAP = ("printf 'TAP version 13\\n1..5\\nok 1 - first\\nnot ok 2 second\\n"
        "ok 3 third \\043 SKIP no device\\nnot ok 4 fourth \\043 TODO later\\n"
        "\\043 ok 1 nested one\\nok 5 fifth\\n'; exit 3")
KTAP_CASES = [("first", "pass"), ("second", "fail"), ("third", "skip"), ("fourth", "skip"),
              ("nested_one", "pass"), ("fifth", "pass"), ("kernel-health", "pass"), ("exit-status", "fail")]
# run-qemu's log: the kernel's records, then these sections (the ports'
# transcripts), which repeat some of them.
LOG_SECTIONS = (b"\n--- the console (", b"\n--- the terminal (")


def write_job(job, *argv):
    """lava-job -o JOB ARGV, on BUILD's image unless ARGV names one."""
    image = [] if "--image" in argv or "--initrd" in argv else ["--image", IMAGE]
    rc, out = t.host(LAVA_JOB, "-o", job, *image, *argv)
    return t.check(f"lava-job wrote {os.path.basename(job)}", rc == 0 and os.path.isfile(job), out)


def validate(job, work):
    rc, out = t.host(LAVA_LOCAL, "--validate", "--log", os.path.join(work, "validate.log"), job)
    t.check("... lava-server's schema and lava-run --validate accept it",
            rc == 0 and "lava-server's schema accepts" in out, out)


def lava(job, log, kind):
    """The job run by lava-run: its KTAP cases then its verdict steps' (from
    lava-local's "DEFINITION/CASE: RESULT" lines), and whether the job ran
    to its end."""
    rc, out = t.host(LAVA_LOCAL, "--log", log, job, timeout=1800)
    ktap, steps = [], []
    for line in out.splitlines():
        definition, _, rest = line.partition("/")
        case, _, result = rest.rpartition(": ")
        if definition == kind:
            ktap.append((case, result))
        elif definition.endswith("_minroot") and case in ("kernel-health", "exit-status"):
            steps.append((case, result))
    return ktap + steps, rc == 0 and "the job: pass" in out, out


def cases_of(path):
    """`lava-job --cases`: how a job names and judges the KTAP lines of PATH."""
    _, out = t.host(LAVA_JOB, "--cases", path)
    return [tuple(line.rsplit(": ", 1)) for line in out.splitlines() if ": " in line]


def direct(argv, work, name, ktap_from_log=False):
    """run-qemu on the same kernel and test, --allow-warn (the command's
    status kept) and --results: (its cases as lava-job --cases names them
    in its output, or in its kernel log's records; run-qemu's own results;
    its output and errors)."""
    results, log, out = (os.path.join(work, f"{name}-{x}") for x in ("results", "direct.log", "stdout"))
    with open(out, "wb") as f:
        r = subprocess.run([t.RUN, "--accel", "tcg", "--allow-warn", "--timeout", "600", "--log", log,
                            "--results", results] + argv, stdin=subprocess.DEVNULL, stdout=f,
                           stderr=subprocess.PIPE, timeout=1800)
    if ktap_from_log:
        records = open(log, "rb").read()
        for header in LOG_SECTIONS:
            records = records.partition(header)[0]
        with open(out, "wb") as f:
            f.write(records)
    try:
        res = json.load(open(os.path.join(results, "results.json")))
    except (OSError, ValueError):
        res = None
    return cases_of(out), res, open(out, errors="replace").read()[-2000:] + r.stderr.decode(errors="replace")


def verdict_of(res):
    """The direct run's kernel health and exit status, as the job's two
    steps name them."""
    if res is None:
        return []
    health = "pass" if res["kernel"] and res["kernel"]["health"] == "ok" else "fail"
    return [("kernel-health", health), ("exit-status", "pass" if res["command_status"] == 0 else "fail")]


def compare(what, job, work, kind, argv, want=None, ktap_from_log=False):
    """Runs the job and the direct run; checks they agree (and, with WANT,
    on what)."""
    name = os.path.splitext(os.path.basename(job))[0]
    got, ran, out = lava(job, os.path.join(work, f"{name}-lava.log"), kind)
    t.check(f"{what}: lava-run ran the job to its end", ran, out)
    cases, res, evidence = direct(argv, work, name, ktap_from_log)
    d = cases + verdict_of(res)
    t.check(f"... LAVA's {len(got)} cases are the direct run's, in order, with the same results",
            got and got == d, f"LAVA: {got}\ndirect: {d}\n{evidence}")
    if want is not None:
        t.check(f"... and they are {want}", got == want, f"LAVA: {got}")
    return got


def command_job(work):
    job = os.path.join(work, "ktap.yaml")
    if write_job(job, "--kernel", KERNEL, "command", "--", "sh", "-c", KTAP):
        validate(job, work)
        compare("a command printing KTAP (ok, not ok, SKIP, TODO, nested), exit 3", job, work, "command",
                ["--kernel", KERNEL, "--image", IMAGE, "--snapshot", "--", "sh", "-c", KTAP], KTAP_CASES)


def splat_jobs(work):
    img = os.path.join(work, "splat.img")
    rc, out = t.host(os.path.join(B, "mkrootfs"), "-q", "--init", os.path.join(B, "init"),
                     "--add", os.path.join(B, "splat.ko") + ":/lib/splat.ko", "-o", img)
    if not t.check("an image with tests/kmod's splat.ko", rc == 0, out):
        return
    for action, want in (("warn", [("before", "pass"), ("after", "pass"), ("kernel-health", "fail"),
                                   ("exit-status", "pass")]),
                         ("panic", [("before", "pass"), ("kernel-health", "fail"), ("exit-status", "fail")])):
        script = f"echo ok 1 - before; insmod /lib/splat.ko action={action}; echo ok 2 - after"
        job = os.path.join(work, f"{action}.yaml")
        if write_job(job, "--kernel", KERNEL, "--image", img, "command", "--", "sh", "-c", script):
            compare(f"a {action.upper()} during the test", job, work, "command",
                    ["--kernel", KERNEL, "--image", img, "--snapshot", "--", "sh", "-c", script], want)


def kselftest_job(work):
    job = os.path.join(work, "kselftest.yaml")
    tree = os.path.join(work, "tree")
    rc, out = t.host(os.path.join(TOP, "qemu", "kselftest", "build-kselftest"), "-o", tree, "size", "kcmp")
    if not t.check("the selftests size and kcmp, built", rc == 0, out):
        return
    if write_job(job, "--kernel", KERNEL, "--tests", tree, "kselftest", "size", "kcmp"):
        t.check("... their disk beside the job", os.path.isfile(os.path.join(work, "kselftest.kselftest.img")))
        validate(job, work)
        got = compare("kselftest size and kcmp", job, work, "kselftest",
                      ["--kernel", KERNEL, "--image", IMAGE, "--snapshot", "--share", f"{tree}:/kselftest",
                       "--", "/kselftest/minroot/run", "-c", "size", "-c", "kcmp"])
        names = [name for name, _ in got]
        t.check("... each collection's result among them",
                "selftests_size_get_size" in names and "selftests_kcmp_kcmp_test" in names, got)


def initrd_job(work):
    initrd = os.path.join(work, "root.cpio.gz")
    rc, out = t.host(os.path.join(B, "mkrootfs"), "-q", "-t", "cpio", "--init", os.path.join(B, "init"),
                     "-o", initrd)
    if not t.check("a whole root as an initramfs (mkrootfs -t cpio)", rc == 0, out):
        return
    job = os.path.join(work, "initrd.yaml")
    if write_job(job, "--kernel", KERNEL, "--initrd", initrd, "command", "--", "sh", "-c", KTAP):
        compare("the same command from an initramfs, no disk", job, work, "command",
                ["--kernel", KERNEL, "--initrd", initrd, "--", "sh", "-c", KTAP], KTAP_CASES)


def kunit_job(work):
    """KUnit's KTAP is on the console while the kernel boots; run-qemu keeps
    it in its log's records with --verbose (the whole boot)."""
    kernel = os.path.join(B, "bzImage-kunit")
    if not t.need_files(kernel):
        return
    job = os.path.join(work, "kunit.yaml")
    if write_job(job, "--kernel", kernel, "kunit", "example*"):
        validate(job, work)
        got = compare("KUnit's example suite, its KTAP in the kernel log", job, work, "kunit",
                      ["--kernel", kernel, "--image", IMAGE, "--snapshot", "--verbose",
                       "--append", "kunit.filter_glob=example*", "--", "true"], ktap_from_log=True)
        t.check("... the suite's cases among them, its skips as skips",
                ("example_simple_test", "pass") in got and ("example_skip_test", "skip") in got, got)


def refusals(work):
    """The schema and lava-run --validate are checks that can fail."""
    good = os.path.join(work, "ktap.yaml")
    if not os.path.isfile(good):
        return
    d = yaml.safe_load(open(good))
    d["actions"][0]["deploy"]["images"]["kernel"]["url"] = "file://" + os.path.join(work, "no-such-kernel")
    bad = os.path.join(work, "bad.yaml")
    yaml.safe_dump(d, open(bad, "w"))
    rc, out = t.host(LAVA_LOCAL, "--validate", "--log", os.path.join(work, "bad.log"), bad)
    t.check("lava-run --validate refuses a job whose kernel is missing",
            rc != 0 and "schema accepts" in out, out)
    del d["actions"][2]["test"]["monitors"][0]["pattern"]
    yaml.safe_dump(d, open(bad, "w"))
    rc, out = t.host(LAVA_LOCAL, "--validate", "--log", os.path.join(work, "bad.log"), bad)
    t.check("lava-server's schema refuses a monitor without its pattern", rc != 0 and "schema refuses" in out, out)


def main():
    if not t.need_files(KERNEL, IMAGE, os.path.join(B, "mkrootfs"), os.path.join(B, "init"),
                        os.path.join(B, "splat.ko")):
        t.finish()
    work = t.scratch()
    had_lava_dir = os.path.exists(LAVA_DIR)
    command_job(work)
    refusals(work)
    splat_jobs(work)
    kselftest_job(work)
    initrd_job(work)
    kunit_job(work)
    t.check(f"nothing written under {LAVA_DIR} (LAVA's files went to a temporary directory)",
            had_lava_dir or not os.path.exists(LAVA_DIR))
    t.finish()


if __name__ == "__main__":
    main()
