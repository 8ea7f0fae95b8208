#!/usr/bin/python3
"""LAVA jobs written by qemu/lava/lava-job, run by Debian's own lava-run
(qemu/lava/lava-local: standalone, unpacked in the cache) on Debian's
cloud kernel under TCG, each against a direct run of run-qemu on the same
kernel, image and test: the same cases in the same order with the same
results. A command printing KTAP (ok, not ok, SKIP, TODO, a nested result,
exit 3); a WARN (kernel-health fails, the cases stand); a panic (the run
cut short); kselftest's size and kcmp on their own disk; an initramfs
instead of the image; KUnit's example suite in a kernel built with it
(tests/lava/kunit.config), its KTAP printed while the kernel boots. Every
job passes lava-run --validate and lava-server's schema (which do refuse a
broken one); nothing is written under /var/lib/lava."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "qemu"))
import vm  # noqa: E402
from vm import B, TOP  # noqa: E402

sys.path[:0] = [os.path.join(TOP, "qemu", "lava"), os.path.join(TOP, "qemu")]
from lavajob import local, results  # noqa: E402
from runqemu.console import CONSOLE_HEADER, TERMINAL_HEADER  # noqa: E402

LAVA_JOB = os.path.join(TOP, "qemu", "lava", "lava-job")
LAVA_LOCAL = os.path.join(TOP, "qemu", "lava", "lava-local")
RUN = os.path.join(TOP, "qemu", "run-qemu")
KERNEL = os.path.join(B, "vmlinuz")
LAVA_DIR = "/var/lib/lava"
# KTAP of every kind the monitor reads ("\043" is "#": a "#" would start a
# comment in sh -c's script).
KTAP = ("printf 'TAP version 13\\n1..5\\nok 1 - first\\nnot ok 2 second\\n"
        "ok 3 third \\043 SKIP no device\\nnot ok 4 fourth \\043 TODO later\\n"
        "\\043 ok 1 nested one\\nok 5 fifth\\n'; exit 3")
KTAP_CASES = [("first", "pass"), ("second", "fail"), ("third", "skip"), ("fourth", "skip"),
              ("nested_one", "pass"), ("fifth", "pass"), ("kernel-health", "pass"), ("exit-status", "fail")]


def write_job(job, *argv):
    """lava-job -o JOB ARGV, on BUILD's image unless ARGV names one."""
    image = [] if "--image" in argv or "--initrd" in argv else ["--image", os.path.join(B, "rootfs.img")]
    rc, out = vm.host(LAVA_JOB, "-o", job, *image, *argv)
    vm.check(f"lava-job wrote {os.path.basename(job)}", rc == 0 and os.path.isfile(job), out)
    return rc == 0


def validate(job, log):
    rc, out = vm.host(LAVA_LOCAL, "--validate", "--log", log, job)
    text = open(log, errors="replace").read() if os.path.exists(log) else ""
    vm.check("... lava-run --validate accepts it", rc == 0, out + text[-3000:])
    schema = schema_errors(job)
    vm.check("... and so does lava-server's schema (lava_common.schemas.validate, strict)", schema is None, schema)


def schema_errors(job):
    """What lava-server says of the job on submission, or None."""
    import yaml
    from lava_common.schemas import validate as lava_validate
    try:
        lava_validate(yaml.safe_load(open(job)), strict=True)
    except Exception as e:
        return f"{type(e).__name__}: {e}"
    return None


def lava(job, log, kind):
    """The job run by lava-run: its cases, LAVA's verdict on the job."""
    rc, out = vm.host(LAVA_LOCAL, "--log", log, job)
    found = results.lava_results(open(log, errors="replace").read()) if os.path.exists(log) else []
    return results.lava_cases(found, kind), results.job_result(found), out


def direct(argv, log):
    """run-qemu on the same kernel and test: its cases. --allow-warn keeps
    the command's status; its line about the kernel says the health."""
    r = subprocess.run([RUN, "--accel", "tcg", "--allow-warn", "--timeout", "600", "--log", log] + argv,
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace", timeout=900)
    trouble = [l for l in r.stderr.splitlines() if l.startswith("run-qemu: the kernel")]
    return results.direct_cases(r.stdout, r.returncode, trouble), r


def compare(what, job, log, kind, argv, dlog, want=None):
    """Runs the job and the direct run; checks they agree (and, if WANT, on
    what)."""
    got, verdict, out = lava(job, log, kind)
    text = open(log, errors="replace").read()[-4000:] if os.path.exists(log) else out
    vm.check(f"{what}: lava-run ran the job to its end", verdict == "pass", out + text)
    d, r = direct(argv, dlog)
    diffs = results.differences(got, d)
    vm.check(f"... LAVA's cases are the direct run's: {len(got)} cases, the same results",
             got and not diffs, "\n".join(diffs + [f"LAVA: {got}", f"direct: {d}", r.stderr[-2000:]]))
    if want is not None:
        vm.check(f"... and they are {want}", got == want, f"LAVA: {got}")
    return got


def command_job(work):
    job = os.path.join(work, "ktap.yaml")
    if write_job(job, "--kernel", KERNEL, "command", "--", "sh", "-c", KTAP):
        validate(job, os.path.join(work, "ktap-validate.log"))
        compare("a command printing KTAP (ok, not ok, SKIP, TODO, nested), exit 3", job,
                os.path.join(work, "ktap.log"), "command",
                ["--kernel", KERNEL, "--image", os.path.join(B, "rootfs.img"), "--snapshot", "--", "sh", "-c", KTAP],
                os.path.join(work, "ktap-direct.log"), KTAP_CASES)


def splat_image(work):
    img = os.path.join(work, "splat.img")
    rc, out = vm.host(os.path.join(B, "mkrootfs"), "-q", "--init", os.path.join(B, "init"),
                      "--add", os.path.join(B, "splat.ko") + ":/lib/splat.ko", "-o", img)
    vm.check("an image with tests/kmod's splat.ko", rc == 0, out)
    return img


def splat_jobs(work):
    img = splat_image(work)
    for action, want in (("warn", [("before", "pass"), ("after", "pass"), ("kernel-health", "fail"),
                                   ("exit-status", "pass")]),
                         ("panic", [("before", "pass"), ("kernel-health", "fail"), ("exit-status", "fail")])):
        script = f"echo ok 1 - before; insmod /lib/splat.ko action={action}; echo ok 2 - after"
        job = os.path.join(work, f"{action}.yaml")
        if write_job(job, "--kernel", KERNEL, "--image", img, "command", "--", "sh", "-c", script):
            compare(f"a {action.upper()} during the test", job, os.path.join(work, f"{action}.log"), "command",
                    ["--kernel", KERNEL, "--image", img, "--snapshot", "--", "sh", "-c", script],
                    os.path.join(work, f"{action}-direct.log"), want)


def kselftest_job(work):
    job = os.path.join(work, "kselftest.yaml")
    tree = os.path.join(work, "tree")
    rc, out = vm.host(os.path.join(TOP, "qemu", "kselftest", "build-kselftest"), "-o", tree, "size", "kcmp")
    vm.check("the selftests size and kcmp, built", rc == 0, out)
    if write_job(job, "--kernel", KERNEL, "kselftest", "size", "kcmp"):
        vm.check("... their disk beside the job", os.path.isfile(os.path.join(work, "kselftest.kselftest.img")))
        validate(job, os.path.join(work, "kselftest-validate.log"))
        got = compare("kselftest size and kcmp", job, os.path.join(work, "kselftest.log"), "kselftest",
                      ["--kernel", KERNEL, "--image", os.path.join(B, "rootfs.img"), "--snapshot",
                       "--share", f"{tree}:/kselftest", "--",
                       "/kselftest/minroot/run", "-c", "size", "-c", "kcmp"],
                      os.path.join(work, "kselftest-direct.log"))
        vm.check("... each collection's result among them",
                 ("selftests_size_get_size", "pass") in got and ("selftests_kcmp_kcmp_test", "pass") in got, got)


def initrd_job(work):
    initrd = os.path.join(work, "root.cpio.gz")
    rc, out = vm.host(os.path.join(B, "mkrootfs"), "-q", "-t", "cpio", "--init", os.path.join(B, "init"), "-o", initrd)
    vm.check("a whole root as an initramfs (mkrootfs -t cpio)", rc == 0, out)
    job = os.path.join(work, "initrd.yaml")
    if write_job(job, "--kernel", KERNEL, "--initrd", initrd, "command", "--", "sh", "-c", KTAP):
        compare("the same command from an initramfs, no disk", job, os.path.join(work, "initrd.log"), "command",
                ["--kernel", KERNEL, "--initrd", initrd, "--", "sh", "-c", KTAP],
                os.path.join(work, "initrd-direct.log"), KTAP_CASES)


def kunit_job(work):
    """KUnit's KTAP is on the console while the kernel boots; run-qemu keeps
    it in its log with --verbose (the whole boot)."""
    kernel = os.environ.get("LAVA_KUNIT_KERNEL") or os.path.join(B, "bzImage-kunit")
    if not vm.check(f"a kernel with KUnit: {kernel}", os.path.isfile(kernel), "make " + kernel):
        return
    job = os.path.join(work, "kunit.yaml")
    if not write_job(job, "--kernel", kernel, "kunit", "example*"):
        return
    validate(job, os.path.join(work, "kunit-validate.log"))
    got, verdict, out = lava(job, os.path.join(work, "kunit.log"), "kunit")
    vm.check("KUnit's example suite: lava-run ran the job to its end", verdict == "pass", out)
    dlog = os.path.join(work, "kunit-direct.log")
    d, r = direct(["--kernel", kernel, "--image", os.path.join(B, "rootfs.img"), "--snapshot", "--verbose",
                   "--append", "kunit.filter_glob=example*",
                   "--", "true"], dlog)
    # The kernel's records only: the log then has the ports' transcripts.
    logged = open(dlog, "rb").read() if os.path.exists(dlog) else b""
    records = logged.partition(CONSOLE_HEADER)[0].partition(TERMINAL_HEADER)[0]
    d = results.ktap_cases(records.decode(errors="replace")) + d
    diffs = results.differences(got, d)
    vm.check(f"... LAVA's cases are the direct run's (its kernel log): {len(got)} cases, the same results",
             got and not diffs, "\n".join(diffs + [f"LAVA: {got}", f"direct: {d}", r.stderr[-2000:]]))
    vm.check("... the suite's cases among them, its skips as skips",
             ("example_simple_test", "pass") in got and ("example_skip_test", "skip") in got, got)


def refusals(work):
    """--validate and the schema are checks that can fail."""
    import yaml
    good = os.path.join(work, "ktap.yaml")
    if not os.path.isfile(good):
        return
    d = yaml.safe_load(open(good))
    d["actions"][0]["deploy"]["images"]["kernel"]["url"] = "file://" + os.path.join(work, "no-such-kernel")
    bad = os.path.join(work, "bad.yaml")
    yaml.safe_dump(d, open(bad, "w"))
    rc, out = vm.host(LAVA_LOCAL, "--validate", "--log", os.path.join(work, "bad.log"), bad)
    vm.check("lava-run --validate refuses a job whose kernel is missing", rc != 0, out)
    del d["actions"][2]["test"]["monitors"][0]["pattern"]
    yaml.safe_dump(d, open(bad, "w"))
    vm.check("lava-server's schema refuses a monitor without its pattern", schema_errors(bad) is not None)


def main():
    work = vm.scratch()
    had_lava_dir = os.path.exists(LAVA_DIR)
    rc, out = vm.host(os.path.join(TOP, "scripts", "deps"), *local.deps())
    try:
        root = local.unpack(local.cache_dir(), local.candidate("lava-dispatcher"))
        sys.path.insert(0, os.path.join(root, local.SITE))
    except Exception as e:
        vm.fail("Debian's lava-dispatcher unpacked into the cache", f"{e}\n{out}")
        vm.finish()
    vm.ok(f"Debian's lava-dispatcher unpacked into the cache ({os.path.basename(root)})")
    command_job(work)
    refusals(work)
    splat_jobs(work)
    kselftest_job(work)
    initrd_job(work)
    kunit_job(work)
    vm.check(f"nothing written under {LAVA_DIR} (LAVA's files went to a temporary directory)",
             had_lava_dir or not os.path.exists(LAVA_DIR))
    vm.finish()


if __name__ == "__main__":
    main()
