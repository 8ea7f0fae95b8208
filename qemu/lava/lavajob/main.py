"""lava-job's main: the options checked, the test made (for kselftest, its
disk written), the kernel line, the job, written whole or not at all."""
import os
import sys

from runqemu.status import RunError

from . import cmdline, disks, job, kinds, options

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


def main(argv):
    try:
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
