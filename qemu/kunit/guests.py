"""Which guest loads which KUnit test modules (make kunit MODULES=1 JOBS=N),
and the command that loads them. Pure: qemu/kunit/kunit-jobs is its user,
tests/runner/test_kunit_guests.py its unit tests.

A guest loads its modules one after the other, and each prints its suites'
KTAP documents as it loads. The guests get runs of consecutive modules:
their documents, put one guest's after the other's, are in the order one
guest loading every module gives, so the merged results are that run's.
The runs are balanced by their count of modules (a module's tests take
milliseconds to seconds; a guest's boot, the same for all, takes more)."""

# Each module loaded, then unloaded: a test module prints its KTAP as it
# loads, and unloading it keeps the next one's log apart. A module that
# does not load makes the command exit 1 (run-qemu passes it on).
LOAD_EACH = 'st=0; for m in "$@"; do modprobe "$m" || st=1; modprobe -r "$m"; done; exit $st'


def deal(modules, n):
    """MODULES (in modules.order's order) as at most N lists of consecutive
    modules, none empty, whose lengths differ by one at most, the longer
    first. The same inputs give the same lists."""
    if not modules:
        return []
    n = max(1, min(n, len(modules)))
    each, extra = divmod(len(modules), n)
    out, start = [], 0
    for g in range(n):
        size = each + (1 if g < extra else 0)
        out.append(list(modules[start:start + size]))
        start += size
    return out


def guest_command(modules):
    """run-qemu's command words (after its --) that load MODULES in turn."""
    return ["sh", "-c", LOAD_EACH, "sh"] + list(modules)
