"""The three kinds of test, as what each puts on the kernel line: the
command init runs (the words after " -- "), the kernel's own words, how
much of the kernel log the console shows, and the name LAVA files the
KTAP cases under. Pure."""
import shlex
from dataclasses import dataclass, field

# Where the guest mounts the disk of selftests (run-qemu --share's place
# for qemu/kselftest/kselftest too).
KSELFTEST_DIR = "/kselftest"


@dataclass
class Test:
    kind: str                   # command, kselftest, kunit
    argv: list                  # what init runs
    words: list = field(default_factory=list)   # more kernel words
    # The console's loglevel: 5 shows warnings and worse (a splat's lines)
    # and none of the boot's informational lines, which cost serial-port
    # time under TCG; KUnit prints its KTAP at info level, which needs 7.
    loglevel: int = 5


def command(argv):
    return Test("command", list(argv))


def kselftest(selftests, disk_uuid):
    """Mounts the disk of selftests by its UUID (the guest may name the
    disk in any order) and runs them with minroot's runner wrapper (see
    qemu/kselftest/kselftest-guest)."""
    runner = [f"{KSELFTEST_DIR}/minroot/run"]
    for t in selftests:
        runner += ["-t", t] if ":" in t else ["-c", t]
    script = (f"mkdir -p {KSELFTEST_DIR} && mount UUID={disk_uuid} {KSELFTEST_DIR} && "
              f"exec {shlex.join(runner)}")
    return Test("kselftest", ["sh", "-c", script])


def kunit(glob=None):
    """KUnit built into the kernel runs its suites while the kernel boots,
    before init: the command only ends the run."""
    words = [f"kunit.filter_glob={glob}"] if glob else []
    return Test("kunit", ["true"], words, loglevel=7)
