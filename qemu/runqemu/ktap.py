"""KTAP as a console carries it: the one parser of the project (run-qemu's
--results, qemu/kselftest/ktap-summary, the kernel log's KUnit output).

    p = Parser(source="stdout")
    for line in lines:
        p.feed(line, when)      # a str or bytes line; when: seconds, any clock, or None
    docs = p.documents()        # the run has ended: what is still open is cut short

A document starts at a "KTAP version N" or "TAP version N" line (or, when
that line is garbled, at a plan or result line outside any document); its
tests are the result lines at its own level, and a test's subtests are the
result lines one level deeper that came before it (KTAP's order: subtests
first, then the parent's result). Both layouts of nesting are read:

  - kselftest's: run_kselftest.sh prefixes everything a test prints with
    "# ", so the test's own KTAP is one "# " deeper ("# ok 1 ..."), and it
    names the test before it runs ("# selftests: SUITE: TEST");
  - KUnit's: subtests indented (4 spaces in Linux 6.1, 2 in the KTAP
    specification, a tab in older kernels), a nested document named by
    "# Subtest: NAME".

A "#" line that is not KTAP (a version, plan or result line) once its
prefixes are taken off is a diagnostic: the output of the test it sits in.
Console noise is tolerated: carriage returns (the text after the last one
counts), escape sequences (a firmware's screen clearing), kernel timestamps,
other kernel lines between KTAP lines (kept as the running test's output,
never in the document's text). A document that ends before its plan's count
of results is cut short: a test that had begun (its header came, or
subtests) is a test without result, the rest are missing.

Pure: no I/O. Models: kunit.py's kunit_parser.py (the kernel's own),
ktap.rst (the KTAP v1 specification)."""
import re
from collections import deque

VERSION_RE = re.compile(r"^K?TAP version \d+$")
# A version line glued to the end of other text (a firmware's last line
# had no newline: "Booting from ROM..TAP version 13").
GLUED_VERSION_RE = re.compile(r"K?TAP version \d+$")
PLAN_RE = re.compile(r"^1\.\.(\d+)\s*(?:#\s*(.*?))?\s*$")
RESULT_RE = re.compile(r"^(ok|not ok)(?=\s|$)(?:\s+(\d+))?(?:\s+-)?\s*([^#]*?)\s*(?:#\s*(.*?))?\s*$")
KSELFTEST_HEADER_RE = re.compile(r"^selftests: (\S+): (\S+)\s*$")
SUBTEST_HEADER_RE = re.compile(r"^Subtest: (.*?)\s*$")
# kselftest.h's closing line, among a test's own diagnostics.
TOTALS_RE = re.compile(r"^Totals: pass:(\d+) fail:(\d+) xfail:(\d+) xpass:(\d+) skip:(\d+) error:(\d+)\s*$")
DIRECTIVE_RE = re.compile(r"^(SKIP|TODO|TIMEOUT)\b\s*(.*)$", re.IGNORECASE)
# CSI sequences (ESC [ ... final byte) and two-byte ones (ESC c).
ESCAPE_RE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[ -/]*[0-~])")
TIMESTAMP_RE = re.compile(r"^\[ *\d+\.\d+\] ?")
# Lines kept of a test's output: the last ones (a failure shows at the end).
OUTPUT_LINES = 2000
# KUnit's indentation before a document says otherwise.
DEFAULT_INDENT = 4

NO_RESULT = "no result: the run ended while it ran"
MISSING = "no result: the run ended before them"


def clean(raw):
    """A console line as KTAP reads it: no line end, the text after the
    last carriage return, no escape sequence, no kernel timestamp, no
    trailing blanks."""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    line = raw.rstrip("\r\n")
    line = line[line.rfind("\r") + 1:]
    line = ESCAPE_RE.sub("", line).replace("\x1b", "")
    return TIMESTAMP_RE.sub("", line).rstrip()


def structural(text):
    """Whether TEXT is a version, plan or result line."""
    return bool(VERSION_RE.match(text) or PLAN_RE.match(text) or RESULT_RE.match(text))


def split_hashes(text):
    """(number of leading "# " prefixes, the rest). A lone "#" counts."""
    n = 0
    while text.startswith("# ") or text == "#":
        text = text[2:]
        n += 1
    return n, text


class Output:
    """What a test printed: the last OUTPUT_LINES lines, and how many
    came before them."""

    def __init__(self):
        self.lines = deque(maxlen=OUTPUT_LINES)
        self.total = 0

    def add(self, line):
        self.lines.append(line)
        self.total += 1

    def text(self):
        """The lines as the test printed them: the nesting prefix that all
        share (indentation, then one "# ") taken off."""
        lines = list(self.lines)
        widths = [len(l) - len(l.lstrip(" \t")) for l in lines if l.strip()]
        blank = min(widths) if widths else 0
        lines = [l[blank:] for l in lines]
        if lines and all(l.startswith("# ") or l == "#" for l in lines):
            lines = [l[2:] for l in lines]
        if self.total > len(lines):
            lines.insert(0, f"[{self.total - len(lines)} earlier lines left out]")
        return "\n".join(lines)


class Test:
    """One test: its result line, what its header said, its subtests (the
    results one level deeper before it) and what it printed."""

    def __init__(self):
        self.name = ""
        self.suite = None          # kselftest's collection, from its header or result
        self.number = None
        self.result = None         # "ok", "not ok"; None: no result line came
        self.comment = ""          # the result line's text after '#'
        self.subtests = []
        self.plan = None           # its subtests' plan
        self.skip_reason = ""      # a skipped subtest's or a "1..0 # SKIP" plan's reason
        self.totals = None         # {"ok": n, "not ok": n, "skip": n} from kselftest's Totals line
        self.output = Output()
        self.started = None
        self.ended = None

    def directive(self):
        """SKIP, TODO, TIMEOUT or None, and its text."""
        m = DIRECTIVE_RE.match(self.comment)
        return (m.group(1).upper(), m.group(2)) if m else (None, "")

    def outcome(self):
        """"ok", "not ok" or "skip", as ktap-summary counts them: SKIP and
        TODO (an expected failure) are skips, TIMEOUT a failure, a test
        without result a failure."""
        word, _ = self.directive()
        if self.result is None:
            return "not ok"
        if word in ("SKIP", "TODO"):
            return "skip"
        return "not ok" if word == "TIMEOUT" else self.result

    def why(self):
        """The reason shown with the outcome: the directive and its text,
        the result's comment (kselftest's "exit=1"), or why there is no
        result. A skipped test gives the reason its own output gave."""
        if self.result is None:
            return NO_RESULT
        word, text = self.directive()
        if self.outcome() == "skip" and self.skip_reason:
            return "SKIP " + self.skip_reason
        if word:
            return (word + " " + text).strip()
        return self.comment

    def duration(self):
        if self.started is None or self.ended is None:
            return None
        return max(0.0, self.ended - self.started)


class Document(Test):
    """A KTAP document: its tests are .subtests; .lines its KTAP text (no
    console noise); .missing the results its plan announced that never
    came; .source where its lines came from (Parser's source)."""

    def __init__(self, source, version):
        super().__init__()
        self.source = source
        self.version = version     # the version line, or None when it was garbled or absent
        self.lines = []
        self.missing = 0
        self.indent = None         # spaces per level of indentation (KUnit)

    @property
    def tests(self):
        return self.subtests

    def kind(self):
        """"kselftest" when its results are the kselftest runner's, else
        the source it came from."""
        return "kselftest" if any(t.suite for t in self.tests) else self.source

    def suite_name(self):
        """kselftest's collection, or None."""
        for t in self.tests:
            if t.suite:
                return t.suite
        return None

    def cut_short(self):
        return self.missing > 0 or any(t.result is None for t in self.tests)


class Level:
    """The tests at one depth of an open document: those that have their
    result (done), what is known of the next one (nxt: its header, its
    output), and the plan and Totals line of the depth."""

    def __init__(self, when):
        self.done = []
        self.nxt = Test()
        self.plan = None
        self.skip_reason = ""
        self.totals = None
        self.last_end = when

    def begun(self):
        """Whether the next test has begun: its header came."""
        return bool(self.nxt.name)


class Parser:
    """KTAP documents from lines fed one by one (see the module's text)."""

    def __init__(self, source="stdout"):
        self.source = source
        self.docs = []
        self.doc = None
        self.levels = []
        self.finished = False

    # -- the lines ------------------------------------------------------

    def feed(self, raw, when=None):
        """One line of the console, the kernel log or a saved file."""
        text = clean(raw)
        if not text:
            return
        self.learn_indent(text)
        depth, kind, body = self.classify(text)
        if kind == "version" and depth == 0:
            self.start_document(body, when)
            self.keep(body, when)
        elif self.doc is not None or self.opens_document(depth, kind, body, when):
            getattr(self, "on_" + kind)(depth, body, text, when)

    def classify(self, text):
        """(depth, kind, body): kind is version, plan, result, diagnostic
        or noise; body the line without its nesting prefixes."""
        stripped = text.lstrip(" \t")
        depth = self.indent_depth(text[:len(text) - len(stripped)])
        hashes, rest = split_hashes(stripped)
        if VERSION_RE.match(rest):
            return depth + hashes, "version", rest
        if PLAN_RE.match(rest):
            return depth + hashes, "plan", rest
        if RESULT_RE.match(rest):
            return depth + hashes, "result", rest
        if hashes:
            return depth + hashes - 1, "diagnostic", rest
        glued = GLUED_VERSION_RE.search(rest)
        if glued and depth == 0:
            return 0, "version", glued.group(0)
        return depth, "noise", rest

    def indent_depth(self, blanks):
        if not blanks:
            return 0
        unit = (self.doc.indent if self.doc and self.doc.indent else DEFAULT_INDENT)
        return blanks.count("\t") + len(blanks.replace("\t", "")) // unit

    def learn_indent(self, text):
        """The first indented KTAP line (or "# Subtest:") of a document
        tells its unit of indentation: 2 spaces, 4, or any other."""
        doc = self.doc
        if doc is None or doc.indent or not text.startswith(" "):
            return
        stripped = text.lstrip(" ")
        _, rest = split_hashes(stripped)
        if structural(rest) or SUBTEST_HEADER_RE.match(rest):
            doc.indent = len(text) - len(stripped)

    def opens_document(self, depth, kind, body, when):
        """Outside any document: a plan, a result or a kselftest header at
        the top opens one (its version line was garbled or never came), and
        so does a nested version line or "# Subtest:" (a module's KUnit
        suite: 6.1 prints no document around it)."""
        top = depth == 0 and (kind in ("plan", "result") or
                              (kind == "diagnostic" and KSELFTEST_HEADER_RE.match(body)))
        nested = depth > 0 and (kind == "version" or (kind == "diagnostic" and SUBTEST_HEADER_RE.match(body)))
        if top or nested:
            self.start_document(None, when)
        return bool(top or nested)

    def start_document(self, version, when):
        self.close_document()
        self.doc = Document(self.source, version)
        self.doc.started = when
        self.docs.append(self.doc)
        self.levels = [Level(when)]

    def level(self, depth, when):
        while len(self.levels) <= depth:
            self.levels.append(Level(when))
        return self.levels[depth]

    def add_output(self, upto, text, when):
        """TEXT is output of the next test at each depth up to UPTO."""
        for lv in self.levels[:upto + 1]:
            if lv.nxt.started is None:
                lv.nxt.started = when
            lv.nxt.output.add(text)

    def keep(self, text, when):
        self.doc.lines.append(text)
        self.doc.ended = when

    def on_version(self, depth, body, text, when):
        doc = self.doc
        if depth == 1 and doc.version is None and doc.plan is None and self.levels[0].done \
                and len(self.levels) == 1:
            # The next module's suite: a document of its own.
            self.start_document(None, when)
        self.level(depth, when)
        self.keep(text, when)
        self.add_output(depth - 1, text, when)

    def on_plan(self, depth, body, text, when):
        m = PLAN_RE.match(body)
        if depth == 0 and (self.doc.plan is not None or self.levels[0].done):
            self.start_document(None, when)
        lv = self.level(depth, when)
        lv.plan = int(m.group(1))
        d = DIRECTIVE_RE.match(m.group(2) or "")
        if d and d.group(1).upper() == "SKIP":
            lv.skip_reason = d.group(2)
        if depth == 0:
            self.doc.plan = lv.plan
        self.keep(text, when)
        self.add_output(depth - 1, text, when)

    def on_diagnostic(self, depth, body, text, when):
        """A "#" line: a test's header (kselftest's names the next test at
        its depth, KUnit's "Subtest:" the parent of its depth), a Totals
        line, or what the running tests printed."""
        self.keep(text, when)
        h = KSELFTEST_HEADER_RE.match(body)
        s = SUBTEST_HEADER_RE.match(body) if depth > 0 else None
        if h:
            lv = self.level(depth, when)
            if lv.nxt.name:
                # A header after a header: the first test never reported.
                lv.nxt = Test()
            lv.nxt.suite, lv.nxt.name, lv.nxt.started = h.group(1), h.group(2), when
            self.add_output(depth - 1, text, when)
            return
        if s:
            parent = self.level(depth - 1, when).nxt
            parent.name = s.group(1)
            if parent.started is None:
                parent.started = when
            self.add_output(depth - 1, text, when)
            return
        t = TOTALS_RE.match(body)
        if t:
            p, f, xfail, xpass, skip, err = (int(g) for g in t.groups())
            self.level(depth, when).totals = {"ok": p + xfail + xpass, "not ok": f + err, "skip": skip}
        self.level(depth, when)
        self.add_output(depth, text, when)

    def on_noise(self, depth, body, text, when):
        """Not KTAP (another kernel line): output of the running test, not
        part of the document's text."""
        self.add_output(len(self.levels) - 1, text, when)

    def on_result(self, depth, body, text, when):
        m = RESULT_RE.match(body)
        lv = self.level(depth, when)
        t = lv.nxt
        t.result, t.comment = m.group(1), m.group(4) or ""
        t.number = int(m.group(2)) if m.group(2) else None
        self.name_from_description(t, m.group(3))
        self.adopt_subtests(t, depth)
        if t.started is None:
            t.started = lv.last_end
        t.ended = lv.last_end = when
        if t.outcome() == "skip" and t.directive()[0] == "SKIP" and t.directive()[1]:
            lv.skip_reason = t.directive()[1]
        lv.done.append(t)
        lv.nxt = Test()
        del self.levels[depth + 1:]
        self.keep(text, when)
        self.add_output(depth - 1, text, when)

    @staticmethod
    def name_from_description(t, description):
        h = KSELFTEST_HEADER_RE.match(description)
        if h:
            t.suite, t.name = h.group(1), h.group(2)
        elif description:
            t.name = description
        elif not t.name:
            t.name = "#%s" % (t.number if t.number is not None else "?")

    def adopt_subtests(self, t, depth):
        """The results one level deeper are T's subtests."""
        if len(self.levels) <= depth + 1:
            return
        child = self.levels[depth + 1]
        t.subtests, t.plan, t.totals = child.done, child.plan, child.totals
        t.skip_reason = child.skip_reason

    # -- the end ----------------------------------------------------------

    def close_document(self):
        """A document ends (another begins, or the input ended): a test
        that had begun and has no result is one without result; the
        results its plan announced beyond those are missing."""
        doc = self.doc
        if doc is None:
            return
        top = self.levels[0]
        if top.begun() or len(self.levels) > 1 and self.levels[1].done:
            t = top.nxt
            self.adopt_subtests(t, 0)
            if not t.name:
                t.name = "#%d" % (len(top.done) + 1)
            top.done.append(t)
        doc.subtests = top.done
        doc.totals = top.totals
        doc.skip_reason = top.skip_reason
        doc.missing = max(0, (doc.plan or 0) - len(doc.subtests))
        self.doc, self.levels = None, []

    def documents(self):
        """The documents, once the input has ended (call it once)."""
        if not self.finished:
            self.close_document()
            self.finished = True
        return self.docs


# -- what ktap-summary counts, the writers too ----------------------------

def subtest_counts(t):
    """(counts, failed, unnamed) of T's subtests as ktap-summary counts
    them: counts {"ok", "not ok", "skip"}; failed [(name, why)] of those
    not ok; unnamed {outcome: n} the checks a kselftest Totals line counts
    beyond the results the test printed (kcmp_test's "FAIL: ..." lines)."""
    counts = {"ok": 0, "not ok": 0, "skip": 0}
    failed = []
    for s in t.subtests:
        counts[s.outcome()] += 1
        if s.outcome() == "not ok":
            failed.append((s.name, s.why()))
    unnamed = {"ok": 0, "not ok": 0, "skip": 0}
    if t.totals and sum(t.totals.values()) > sum(counts.values()):
        unnamed = {k: max(0, t.totals[k] - counts[k]) for k in counts}
        counts = dict(t.totals)
    return counts, failed, unnamed


def suite_of(doc, t):
    """The suite a top-level test is counted in: its kselftest collection,
    else its own name."""
    return t.suite or doc.suite_name() or t.name


OUTCOMES = ("ok", "not ok", "skip")


class Row:
    """A top-level test as ktap-summary counts it: its suite, name, outcome
    and why, its subtests' counts and failures; count > 1 for the results a
    document cut short never printed (one row for them all)."""

    def __init__(self, doc, t, count=1):
        self.suite, self.name, self.count = suite_of(doc, t), t.name, count
        self.outcome, self.why = t.outcome(), t.why()
        self.sub, self.failed_subtests, unnamed = subtest_counts(t)
        if unnamed["not ok"] > 0:
            self.failed_subtests.append(("%d not named, counted by its Totals line" % unnamed["not ok"], ""))


def rows(documents):
    """A Row for every top-level test of every document, and one for the
    results each document cut short never printed."""
    out = []
    for doc in documents:
        out += [Row(doc, t) for t in doc.tests]
        if doc.missing:
            row = Row(doc, missing_test(doc, "(%d more)" % doc.missing), doc.missing)
            row.suite = doc.suite_name() or (doc.tests[0].name if doc.tests else "(unnamed)")
            out.append(row)
    return out


def missing_test(doc, name):
    """A test standing for results DOC's plan announced and never came."""
    t = Test()
    t.name, t.result = name, "not ok"
    t.comment = MISSING
    return t


def suite_totals(all_rows, expected=()):
    """{suite: [ok, not ok, skip, sub ok, sub not ok, sub skip]} in the
    order met, then each EXPECTED suite with no results: None."""
    suites = {}
    for r in all_rows:
        row = suites.setdefault(r.suite, [0] * 6)
        row[OUTCOMES.index(r.outcome)] += r.count
        for i, o in enumerate(OUTCOMES):
            row[3 + i] += r.sub[o]
    for s in expected:
        if s not in suites:
            suites[s] = None
    return suites


def documents_of(lines, source="stdout"):
    """The documents of a whole input (a saved log's lines)."""
    p = Parser(source)
    for line in lines:
        p.feed(line)
    return p.documents()
