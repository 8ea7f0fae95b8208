"""lava-job's main: the options checked, the test made (for kselftest, its
disk written), the kernel line, the job, written whole or not at all. Or,
with --cases FILE, the cases such a job's monitor makes of FILE."""
import os
import sys

from runqemu.status import RunError

from . import cmdline, disks, job, kinds, options, results

PROG = options.PROG


def make_test(o):
    if o.kind == "command":
        return kinds.command(o.args), None
    if o.kind == "kunit":
        return kinds.kunit(o.args[0] if o.args else None), None
    uuid = disks.kselftest_disk(o.args, o.tests, o.tests_image)
    return kinds.kselftest(o.args, uuid), o.tests_image


def write(text, path):
    """PATH whole, or unchanged (a temporary name, then a rename);
    standard output without a PATH."""
    if path is None:
        sys.stdout.write(text)
        return
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise RunError(f"cannot write {path}: {e.strerror}")


def print_cases(argv):
    """lava-job --cases FILE: how LAVA will name and judge the KTAP results
    in FILE (a test's output, a console log), one "NAME: RESULT" a line."""
    if len(argv) != 2:
        raise options.Usage("--cases takes one FILE (a test's output or a console log)")
    try:
        with open(argv[1], errors="replace") as f:
            text = f.read()
    except OSError as e:
        raise options.Usage(f"--cases {argv[1]}: {e.strerror}")
    for name, result in results.ktap_cases(text):
        print(f"{name}: {result}")


def main(argv):
    try:
        if argv[:1] == ["--cases"]:
            print_cases(argv)
            return 0
        o = options.parse(argv)
        test, tests_disk = make_test(o)
        line = cmdline.kernel_line(test, o.image is not None, o.timeout)
        cmdline.check_length(line)
        images = job.Images(kernel=o.kernel, rootfs=o.image, ramdisk=o.initrd, tests=tests_disk)
        name = o.name or f"minroot {o.kind} on {os.path.basename(o.kernel)}"
        d = job.definition(name, o.kind, images, line, o.timeout, o.url_prefix)
        write(job.text(d, o.kind, o.kernel), o.output)
    except RunError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2 if e.status == 2 else 1
    return 0
