"""The outcome of a run: its exit status and the lines that explain it,
from how the run ended (the session), what the kernel log said (the
scan) and what was asked (the options). Pure: nothing is printed here."""
from .status import EXIT_NO_STATUS, EXIT_SIGNALLED, EXIT_SPLAT, EXIT_TIMEOUT

# Taints that loading a test module sets (proprietary, forced, staging,
# out-of-tree, unsigned, livepatch, auxiliary, randstruct, test): they say
# what was loaded, not that something went wrong.
MODULE_TAINTS = set("PFCOEKXTN")


def why_no_status(end, scan):
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


def outcome(o, end, scan, log_path):
    """(exit status, [lines to say]). end: how the session ended
    (.interrupted, .host_timeout, .restarted, .status, .new_taint,
    .qemu_status); scan: console.Scan."""
    if end.interrupted:
        return EXIT_SIGNALLED + end.interrupted, [f"interrupted by signal {end.interrupted}: QEMU stopped"]
    if end.host_timeout:
        return EXIT_TIMEOUT, [f"timed out after {o.timeout} s: the guest did not stop; QEMU killed"]
    if end.restarted:
        return EXIT_NO_STATUS, []
    if scan.panic or (o.command_mode() and end.status is None):
        return EXIT_NO_STATUS, [why_no_status(end, scan) + f" (console log: {log_path})"]
    lines = []
    trouble = kernel_trouble(end.new_taint, scan)
    if trouble:
        lines.append(f"{trouble} (console log: {log_path})")
        if not o.allow_warn:
            return EXIT_SPLAT, lines
    if o.command_mode():
        if end.status == EXIT_TIMEOUT and o.timeout and scan.timed_out:
            lines.append(f"timed out after {o.timeout} s: the command was stopped in the guest")
        return end.status, lines
    if scan.init_error:
        return EXIT_NO_STATUS, lines + [why_no_status(end, scan)]
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
