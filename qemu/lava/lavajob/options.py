"""What the user asked of lava-job: the options, their defaults and every
check of the input. A bad input is a Usage error: one line, status 2."""
import argparse
import os
import re
from urllib.parse import urlsplit

from runqemu.status import Usage

PROG = "lava-job"
KINDS = ("command", "kselftest", "kunit")
URL_SCHEMES = ("http", "https", "file")
# The kernel passes init at most 32 arguments, its own name among them.
MAX_ARGS = 31
# A selftest as qemu/kselftest/kselftest names one: COLLECTION or COLLECTION:TEST.
SELFTEST_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$")
# KUnit's filter_glob: suite names and the glob's own characters.
KUNIT_GLOB_RE = re.compile(r"^[A-Za-z0-9_*?.\[\]-]+$")

# argparse writes "usage: " before it.
USAGE = """\
lava-job [options] command -- COMMAND [ARG...]
       lava-job [options] kselftest COLLECTION[:TEST]...
       lava-job [options] kunit [SUITE-GLOB]
       lava-job --cases FILE"""

DESCRIPTION = """\
Write a LAVA job that boots KERNEL on a minroot image (or initramfs) on a
'qemu' device and runs one test in minroot's command mode: every KTAP
result line the test prints is a test case, and so are the kernel's health
(no warning, oops or panic, no new taint but a module's) and the command's
exit status."""

EPILOG = """\
tests:
  command -- COMMAND [ARG...]   run COMMAND in the guest (at most 31 words, no
                                double quote: it goes on the kernel line)
  kselftest COLLECTION[:TEST]...
                                the kernel's selftests, built static by
                                qemu/kselftest/build-kselftest (or --tests DIR),
                                on a disk of their own written beside the job
  kunit [SUITE-GLOB]            a kernel with KUnit built in: its suites run
                                while it boots (kunit.filter_glob=SUITE-GLOB)
  --cases FILE                  print the cases such a job makes of FILE (a test's
                                output, a console log): "NAME: RESULT" lines

Exit status: 0 written, 1 a tool failed, 2 bad input."""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise Usage(message)


def parser():
    p = Parser(prog=PROG, usage=USAGE, description=DESCRIPTION, epilog=EPILOG,
               formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--kernel", default=os.environ.get("MINROOT_KERNEL") or "build/vmlinuz",
                   help="the kernel (default $MINROOT_KERNEL, else build/vmlinuz)")
    p.add_argument("--image", help="the root image (default build/rootfs.img, unless --initrd)")
    p.add_argument("--initrd", help="an initramfs to boot (its /init); with --image too, "
                   "root= names the image")
    p.add_argument("--url-prefix", metavar="URL",
                   help="where the lab finds the files: URL/NAME (http, https or file); "
                   "default file:// and each file's own path")
    p.add_argument("-o", "--output", metavar="FILE", help="the job (default: standard output)")
    p.add_argument("--timeout", type=int, default=600, metavar="SEC",
                   help="the test's limit in the guest, then status 124 (default 600)")
    p.add_argument("--name", help="the job's name (default: minroot, the test and the kernel)")
    p.add_argument("--tests", metavar="DIR", help="kselftest: an installed tree to use "
                   "(default: built by qemu/kselftest/build-kselftest)")
    p.add_argument("--tests-image", metavar="PATH", help="kselftest: the disk of tests to write "
                   "(default: beside the job, JOB.kselftest.img)")
    p.add_argument("kind", metavar="TEST", help="command, kselftest or kunit")
    p.add_argument("args", nargs=argparse.REMAINDER, metavar="ARG", help=argparse.SUPPRESS)
    return p


def parse(argv):
    """The options, checked. Raises Usage."""
    o = parser().parse_args(argv)
    if o.kind not in KINDS:
        raise Usage(f"unknown test '{o.kind}' (known: {', '.join(KINDS)})")
    if o.image is None and o.initrd is None:
        o.image = "build/rootfs.img"
    check_files(o)
    check_url_prefix(o.url_prefix)
    check_test(o)
    if o.timeout < 1:
        raise Usage(f"--timeout must be a positive number of seconds, not {o.timeout}")
    if o.tests_image is None and o.kind == "kselftest":
        if o.output is None:
            raise Usage("kselftest: name the job file with -o (the disk of tests is written beside it)")
        o.tests_image = os.path.splitext(o.output)[0] + ".kselftest.img"
    return o


def check_files(o):
    for what, path in (("kernel", o.kernel), ("image", o.image), ("initrd", o.initrd)):
        if path is None:
            continue
        if not os.path.isfile(path):
            why = "no such file" if not os.path.exists(path) else "not a regular file"
            raise Usage(f"the {what} {path}: {why}")
        name = os.path.basename(path)
        if re.search(r"[\s,'\"{}]", name):
            raise Usage(f"the {what} {path}: its name has a space, comma, quote or brace "
                        "(it goes into QEMU's -drive and the job's image_arg)")
    if o.tests is not None and not os.path.isfile(os.path.join(o.tests, "run_kselftest.sh")):
        raise Usage(f"--tests {o.tests}: no installed selftests there (no run_kselftest.sh)")


def check_url_prefix(prefix):
    """http(s)://HOST/..., or file:///ABSOLUTE/DIR: where NAME is appended."""
    if prefix is None:
        return
    try:
        u = urlsplit(prefix)
    except ValueError as e:
        raise Usage(f"--url-prefix {prefix!r} is not a URL: {e}")
    if u.scheme not in URL_SCHEMES:
        raise Usage(f"--url-prefix {prefix!r} is not a URL LAVA downloads from "
                    f"(scheme {u.scheme or 'missing'}; use {', '.join(URL_SCHEMES)})")
    if u.scheme != "file" and not u.netloc:
        raise Usage(f"--url-prefix {prefix!r} has no host")
    if u.scheme == "file" and (u.netloc or not u.path.startswith("/")):
        raise Usage(f"--url-prefix {prefix!r}: a file URL names an absolute directory (file:///DIR)")
    if u.query or u.fragment:
        raise Usage(f"--url-prefix {prefix!r} has a query or fragment: a file name cannot follow it")


def check_test(o):
    if o.kind == "command":
        args = o.args[1:] if o.args[:1] == ["--"] else o.args
        if not args:
            raise Usage("command: name the command after --")
        check_command(args)
        o.args = args
    elif o.kind == "kselftest":
        if not o.args:
            raise Usage("kselftest: name at least one COLLECTION or COLLECTION:TEST")
        for t in o.args:
            if not SELFTEST_RE.match(t) or ".." in t:
                raise Usage(f"kselftest: '{t}' is neither COLLECTION nor COLLECTION:TEST")
    elif len(o.args) > 1 or (o.args and not KUNIT_GLOB_RE.match(o.args[0])):
        raise Usage(f"kunit: one SUITE-GLOB at most, of letters, digits, _ . - * ? [ ] (got {' '.join(o.args)!r})")


def check_command(args):
    """The command goes on the kernel line, where double quotes are the
    only grouping and a line ends the command line."""
    if len(args) > MAX_ARGS:
        raise Usage(f"command: {len(args)} words; the kernel passes init at most {MAX_ARGS}")
    for a in args:
        if re.search(r"[\"\n\r]", a):
            raise Usage(f"command: {a!r} has a double quote or a line break, which the kernel "
                        "line cannot carry (use a script in the image)")
