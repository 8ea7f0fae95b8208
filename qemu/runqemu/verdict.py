"""The outcome of a run: its exit status and the lines that explain it,
from how the run ended (the session), what the kernel log said (the
scan) and what was asked (the options). Pure: nothing is printed here."""
from .console import ROOT_MOUNT_RE
from .drives import root_device
from .status import EXIT_KERNEL_TEST, EXIT_NO_STATUS, EXIT_SIGNALLED, EXIT_SPLAT, EXIT_TIMEOUT

# Taints that loading a test module sets (proprietary, forced, staging,
# out-of-tree, unsigned, livepatch, auxiliary, randstruct, test): they say
# what was loaded, not that something went wrong.
MODULE_TAINTS = set("PFCOEKXTN")


DISK_DRIVERS = {"nvme": "nvme", "ide": "ata_piix", "virtio": "virtio_blk"}


def root_not_mounted(panic, o):
    """One line naming the driver a kernel lacked to mount the root, when
    no --modules (nor --initrd) could have brought it; else None."""
    m = ROOT_MOUNT_RE.search(panic or "")
    if not m or o.modules or o.initrd:
        return None
    device = root_device(o.disk)
    if m.groups() == ("0", "0"):
        missing = f"no disk {device} appeared: its driver ({DISK_DRIVERS[o.disk]}, for --disk {o.disk}) is not built in"
    else:
        missing = f"it found {device} but cannot mount it: its ext4 driver (ext4 mounts ext3) is not built in"
    return f"the kernel cannot mount the root: {missing}; if it is a module, pass --modules DIR (its lib/modules/VERSION)"


def why_no_status(end, scan, o=None):
    # --kunit has no disk: a missing root only says the kernel did not stop.
    hint = root_not_mounted(scan.panic, o) if o and not o.kunit else None
    if hint:
        return hint
    if scan.panic:
        return "the kernel panicked: " + scan.panic.removeprefix("Kernel panic - ")
    if scan.init_error:
        return "init failed: " + scan.init_error
    if end.qemu_status:
        return f"QEMU failed with status {end.qemu_status}"
    return "the guest stopped without reporting an exit status"


def kernel_trouble(new_taint, scan):
    """One line for the first sign of a kernel in trouble, or None."""
    bad = "".join(c for c in new_taint if c not in MODULE_TAINTS)
    if scan.first_splat:
        return f"the kernel reported a problem during the run: {scan.first_splat}"
    if bad:
        return f"the kernel was tainted during the run ({bad})"
    return None


def outcome(o, end, scan, log_path, tests=None):
    """(exit status, [lines to say]). end: how the session ended
    (.interrupted, .host_timeout, .restarted, .status, .new_taint,
    .qemu_status); scan: console.Scan; tests: kerneltests.Summary of the
    kernel's own tests, or None.

    The order, first match wins: run-qemu interrupted (128+N), its
    timeout (124), no status or a panic (125), the kernel in trouble (122,
    unless --allow-warn), the command's own non-zero status, a kernel test
    that failed (121), then the command's 0 (or QEMU's status with no
    command). The kernel's health outranks its tests (a test that oopses
    is a kernel in trouble first); a command that failed keeps its status
    (modprobe of a module that does not load says more than its tests
    would), and the failed tests still have their lines."""
    if end.interrupted:
        return EXIT_SIGNALLED + end.interrupted, [f"interrupted by signal {end.interrupted}: QEMU stopped"]
    if end.host_timeout:
        return EXIT_TIMEOUT, [f"timed out after {o.timeout} s: the guest did not stop; QEMU killed"]
    if end.restarted:
        return EXIT_NO_STATUS, []
    if scan.panic or (o.command_mode() and end.status is None):
        hint = " (with --kunit: is KUnit built in, CONFIG_KUNIT=y?)" if o.kunit and not (tests and tests.suites) else ""
        return EXIT_NO_STATUS, [why_no_status(end, scan, o) + hint + f" (console log: {log_path})"]
    lines = []
    trouble = kernel_trouble(end.new_taint, scan)
    if trouble:
        lines.append(f"{trouble} (console log: {log_path})")
        if not o.allow_warn:
            return EXIT_SPLAT, lines
    failed = tests.failure_line() if tests else None
    if o.command_mode():
        if end.status == EXIT_TIMEOUT and o.timeout and scan.timed_out:
            lines.append(f"timed out after {o.timeout} s: the command was stopped in the guest")
        if end.status == 0 and failed:
            return EXIT_KERNEL_TEST, lines + [failed]
        return end.status, lines
    if scan.init_error:
        return EXIT_NO_STATUS, lines + [why_no_status(end, scan)]
    if o.kunit and not (tests and tests.suites):
        return EXIT_NO_STATUS, lines + [f"--kunit: the kernel printed no KUnit results (is KUnit built in, "
                                        f"CONFIG_KUNIT=y?) (console log: {log_path})"]
    if end.qemu_status == 0 and failed:
        return EXIT_KERNEL_TEST, lines + [failed]
    return end.qemu_status, lines


def ending(o, end, scan):
    """How the run ended, in results' words (results.ENDINGS' keys)."""
    if end.interrupted:
        return "interrupted"
    if end.host_timeout:
        return "timeout"
    if end.restarted:
        return "restarted"
    if scan.panic:
        return "panic"
    if o.command_mode():
        if end.status is None:
            return "no status"
        return "timeout" if end.status == EXIT_TIMEOUT and o.timeout and scan.timed_out else "status"
    return "no status" if scan.init_error else "powered off"
