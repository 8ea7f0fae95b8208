"""The kernel's own tests in a run: the KTAP the kernel printed in its log
(KUnit's suites built in, at boot; a test module's, when it is loaded),
summed up as kselftest's are and judged. Pure: the documents come from
ktap.Parser, fed by console.KernelLog.

A suite is a top-level test of a document (a module's suite is a document
of its own); its tests are counted as kunit.py counts them, by the leaves:
a parameterised case counts each parameter, a test that never reported and
each result a plan announced that never came count as not ok (kunit.py's
"crashed"). Lines, as ktap-summary prints kselftest's:

    kunit: ext4_inode_test   16 ok, 0 not ok, 0 skip
    kunit: not ok other: other_test (other_test: EXPECTATION FAILED at lib/other.c:12)
    kunit: skip example: example_skip_test (SKIP this test should be skipped)
    kunit: 2 suites, 19 tests: 17 ok, 1 not ok, 1 skip: FAIL
"""
from .ktap import NO_RESULT, MISSING

LABEL = "kunit"


def first_line(t):
    """What a failed test printed first (KUnit: "name: EXPECTATION FAILED at
    FILE:LINE"), cut to a line's length; "" when it printed nothing."""
    for line in t.output.text().split("\n"):
        if line.strip():
            return line.strip()[:160]
    return ""


class Suite:
    def __init__(self, name):
        self.name = name
        self.counts = {"ok": 0, "not ok": 0, "skip": 0}


class Summary:
    """The documents' suites, their leaf counts, and the tests that did
    not pass: (word, suite: path, why) with word "not ok" or "skip"."""

    def __init__(self, documents):
        self.suites = []
        self.notes = []
        for doc in documents:
            for t in doc.tests:
                self.add_suite(t)
            if doc.missing:
                # Suites the plan announced: their tests are unknown, one
                # not ok each (kunit.py counts them so too).
                what = f"({doc.missing} more {'suite' if doc.missing == 1 else 'suites'})"
                suite = Suite(what)
                suite.counts["not ok"] = doc.missing
                self.suites.append(suite)
                self.notes.append(("not ok", what, MISSING))

    def add_suite(self, t):
        suite = Suite(t.name)
        self.suites.append(suite)
        self.count(suite, t, [])
        if t.subtests and t.result is None:
            self.notes.append(("not ok", t.name, NO_RESULT))

    def count(self, suite, t, path):
        """T's leaves into SUITE's counts; PATH: the names from below the
        suite down to T."""
        name = ": ".join([suite.name] + path)
        if not t.subtests:
            outcome = t.outcome()
            suite.counts[outcome] += 1
            if outcome != "ok":
                self.notes.append((outcome, name, t.why() or first_line(t)))
            return
        for s in t.subtests:
            self.count(suite, s, path + [s.name])
        missing = max(0, (t.plan or 0) - len(t.subtests))
        if missing:
            suite.counts["not ok"] += missing
            self.notes.append(("not ok", f"{name}: ({missing} more)", MISSING))

    def totals(self):
        n = {"ok": 0, "not ok": 0, "skip": 0}
        for s in self.suites:
            for k in n:
                n[k] += s.counts[k]
        return n

    @property
    def failed(self):
        """A test failed or never reported."""
        return any(word == "not ok" for word, _, _ in self.notes)

    def lines(self):
        """The summary's lines (none when the kernel printed no KTAP)."""
        if not self.suites:
            return []
        width = max(len(s.name) for s in self.suites)
        out = [f"{LABEL}: {s.name:<{width}}  {s.counts['ok']:3d} ok, {s.counts['not ok']} not ok, "
               f"{s.counts['skip']} skip" for s in self.suites]
        for word, what, why in self.notes:
            out.append(f"{LABEL}: {word} {what}" + (f" ({why})" if why else ""))
        n = self.totals()
        out.append(f"{LABEL}: {len(self.suites)} suites, {sum(n.values())} tests: {n['ok']} ok, "
                   f"{n['not ok']} not ok, {n['skip']} skip: {'FAIL' if self.failed else 'PASS'}")
        return out

    def failure_line(self):
        """The verdict's line when a test failed, or None."""
        if not self.failed:
            return None
        n = self.totals()
        return f"a kernel test reported a failure: {n['not ok']} of {sum(n.values())} not ok (the {LABEL} lines above)"
