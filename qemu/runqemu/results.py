"""--results DIR: what a CI reads of a run, from KTAP documents of any
source (ktap.Parser's) and the run's facts:

    results.write(DIR, documents, facts)    # facts: a Facts

  results.ktap  the documents' KTAP, as the tests printed it, one after
                the other (console noise taken off);
  junit.xml     JUnit XML as Jenkins and GitLab read it: a <testsuite> per
                kselftest collection (or KUnit suite), a <testcase> per
                test and per subtest, the kernel's health and the run's end
                as test cases of their own (suite "minroot");
  results.json  counts, verdict, exit status, the kernel's version, taint
                and first splat, command lines, durations, one entry per
                test (KCIDB-like statuses).

Each file is written whole under a temporary name in DIR, then renamed:
a reader sees the old file or the new one, never half of one. The
formats, field by field: docs/runner.md, "Results for CI"."""
import json
import os
import re
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from . import ktap

FILES = ("results.ktap", "junit.xml", "results.json")
FORMAT = "minroot-results 1"
# KCIDB's test statuses, and the JUnit element each becomes.
JUNIT_ELEMENT = {"FAIL": "failure", "ERROR": "error", "MISS": "error", "SKIP": "skipped"}
# Text in results.json's log_excerpt: KCIDB's own limit.
EXCERPT_BYTES = 16384
# XML 1.0 cannot carry these characters, even escaped.
XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
HEALTH = ("minroot", "kernel-health")
RUN_END = ("minroot", "run-finished")
# How each way a run can end reads; "status" and "powered off" are the
# clean ones.
ENDINGS = {
    "status": "the guest reported the command's exit status",
    "powered off": "the guest powered off",
    "timeout": "timed out",
    "panic": "the kernel panicked",
    "no status": "the guest stopped without reporting an exit status",
    "interrupted": "run-qemu was interrupted and stopped QEMU",
    "restarted": "the guest started again from the firmware",
}


@dataclass
class Facts:
    """What the writers need to know of the run besides its KTAP."""
    command_line: list = field(default_factory=list)       # run-qemu's argv, its name first
    qemu_command_line: list = field(default_factory=list)
    exit_status: object = 0                                 # run-qemu's (None: no run)
    status_lines: list = field(default_factory=list)        # the lines run-qemu said about it
    ended: object = "status"                                # a key of ENDINGS; None: KTAP read
                                                            # from a saved file, no run
    command_status: object = None                           # the guest command's status, or None
    kernel: str = ""                                        # the kernel's path
    kernel_version: object = None
    taint_before: str = ""
    taint_after: str = ""
    taint_new: str = ""
    kernel_trouble: object = None                           # verdict's one line, or None
    first_splat: list = field(default_factory=list)         # its lines
    panic: object = None
    expected_suites: list = field(default_factory=list)
    started: float = 0.0                                    # run-qemu's start, seconds since the epoch
    t0: object = None                                       # QEMU's start on the clock tests are timed by
    durations: dict = field(default_factory=dict)           # boot, run, whole: seconds or None
    log: object = None                                      # the console log's path
    timing: str = ""                                        # how the tests' times were measured


# -- the cases: one list for both writers --------------------------------

class Case:
    """One entry of the results: a test, a subtest, a result that never
    came, the kernel's health."""

    def __init__(self, suite, classname, name, status, message="", output="", test=None, top=True):
        self.suite, self.classname, self.name = suite, classname, name
        self.status = status            # PASS, FAIL, ERROR, MISS, SKIP
        self.message, self.output = message, output
        self.test = test                # the ktap.Test, if any
        self.top = top                  # not a subtest: its time counts in the suite's
        self.source = None              # the document's source
        self.number = test.number if test else None
        self.duration = test.duration() if test else None
        self.start = test.started if test else None


def status_of(t):
    """A test's KCIDB status: a test that never reported is an ERROR."""
    if t.result is None:
        return "ERROR"
    return {"ok": "PASS", "not ok": "FAIL", "skip": "SKIP"}[t.outcome()]


def test_cases(suite, classname, t, prefix=""):
    """T and every subtest below it, a name each ("test: subtest"); the
    checks a kselftest Totals line counts beyond the results printed."""
    name = prefix + t.name
    status = status_of(t)
    cases = [Case(suite, classname, name, status, t.why(), t.output.text() if status != "PASS" else "", t,
                  top=not prefix)]
    for s in t.subtests:
        cases += test_cases(suite, classname, s, name + ": ")
    _, _, unnamed = ktap.subtest_counts(t)
    for outcome, n in unnamed.items():
        st = {"ok": "PASS", "not ok": "FAIL", "skip": "SKIP"}[outcome]
        for i in range(n):
            cases.append(Case(suite, classname, f"{name}: {outcome} check {i + 1} (counted by its Totals line)",
                              st, "counted by the test's Totals line, no result line printed" if st != "PASS"
                              else "", top=False))
    return cases


def missing_cases(suite, classname, doc):
    first = len(doc.tests) + 1
    return [Case(suite, classname, f"result {n} of {doc.plan} (never reported)", "MISS", ktap.MISSING)
            for n in range(first, first + doc.missing)]


def own_case_needed(t):
    """Whether a KUnit suite's own result says what its cases do not: it
    failed (or never reported) while none of its cases failed."""
    if not t.subtests:
        return True
    return status_of(t) in ("FAIL", "ERROR") and not any(
        c.status in ("FAIL", "ERROR", "MISS") for s in t.subtests for c in test_cases("", "", s))


def document_suites(doc):
    """[(suite name, [Case])] of one document: kselftest's document is one
    suite (its collection); any other's top-level tests with subtests are a
    suite each (KUnit's suites), the rest one suite named by its kind."""
    kind = doc.kind()
    if kind == "kselftest":
        suite = doc.suite_name()
        cls = f"kselftest.{suite}"
        cases = [c for t in doc.tests for c in test_cases(suite, cls, t)]
        out = [(suite, cases + missing_cases(suite, cls, doc))]
    else:
        out, loose = [], []
        for t in doc.tests:
            if not t.subtests:
                loose += test_cases(kind, kind, t)
                continue
            cls = f"{kind}.{t.name}"
            cases = [c for s in t.subtests for c in test_cases(t.name, cls, s)]
            if own_case_needed(t):
                cases.append(Case(t.name, cls, "(suite)", status_of(t), t.why(), t.output.text(), t))
            out.append((t.name, cases))
        loose += missing_cases(kind, kind, doc)
        if loose:
            out.append((kind, loose))
    for _, cases in out:
        for c in cases:
            c.source = doc.source
    return out


def health_case(f):
    """The kernel's health: a warning, oops, stall, new taint or panic
    fails it, even with --allow-warn (which keeps only the status)."""
    suite, name = HEALTH
    trouble = f.panic and "the kernel panicked: " + f.panic.removeprefix("Kernel panic - ")
    trouble = trouble or f.kernel_trouble
    if not trouble:
        return Case(suite, suite, name, "PASS")
    detail = "\n".join(f.first_splat) + (f"\n\n(console log: {f.log})" if f.log else "")
    return Case(suite, suite, name, "FAIL", trouble, detail.strip())


def run_end_case(f):
    """Whether the run came to its end: the guest reported the command's
    status (or powered off). A timeout, a panic, an interruption fail it."""
    suite, name = RUN_END
    what = ENDINGS.get(f.ended, f.ended)
    if f.ended in ("status", "powered off"):
        return Case(suite, suite, name, "PASS", what)
    return Case(suite, suite, name, "ERROR", what, "\n".join(f.status_lines))


def all_suites(documents, f):
    """[(suite name, [Case])]: the documents', an expected suite that has
    none, then "minroot" (the kernel's health, the run's end). Names made
    unique: GitLab keeps only the first of two test cases named alike."""
    suites = [s for doc in documents for s in document_suites(doc)]
    seen = {name for name, _ in suites}
    for name in f.expected_suites:
        if name not in seen:
            suites.append((name, [Case(name, f"kselftest.{name}", "(no results)", "MISS",
                                       "no results: the run ended before it")]))
    if f.ended is not None:
        suites.append(("minroot", [health_case(f), run_end_case(f)]))
    return unique(suites)


def unique(suites):
    names, keys, out = {}, set(), []
    for name, cases in suites:
        n = names[name] = names.get(name, 0) + 1
        sname = name if n == 1 else f"{name} [{n}]"
        for c in cases:
            c.suite = sname
            base, k = c.name, 1
            while (c.classname, c.name) in keys:
                k += 1
                c.name = f"{base} [{k}]"
            keys.add((c.classname, c.name))
        out.append((sname, cases))
    return out


# -- junit.xml -------------------------------------------------------------

def xml_text(s):
    return XML_INVALID_RE.sub("", s or "")


def seconds(x):
    """A time attribute: seconds with a decimal point (the Jenkins schema's
    pattern allows no exponent)."""
    return "%.3f" % x


def junit_counts(cases):
    c = {"tests": len(cases), "failures": 0, "errors": 0, "skipped": 0}
    for case in cases:
        el = JUNIT_ELEMENT.get(case.status)
        if el:
            c[{"failure": "failures", "error": "errors", "skipped": "skipped"}[el]] += 1
    return c


def junit_case(parent, c):
    attrs = {"classname": xml_text(c.classname), "name": xml_text(c.name)}
    if c.duration is not None:
        attrs["time"] = seconds(c.duration)
    tc = ET.SubElement(parent, "testcase", attrs)
    el = JUNIT_ELEMENT.get(c.status)
    if el == "skipped":
        ET.SubElement(tc, "skipped", {"message": xml_text(c.message)})
    elif el:
        kind = {"FAIL": "not ok", "ERROR": "no result", "MISS": "not run"}[c.status]
        sub = ET.SubElement(tc, el, {"message": xml_text(c.message or kind), "type": kind})
        sub.text = xml_text(c.output) or None


def junit_xml(documents, f):
    """junit.xml's text."""
    root = ET.Element("testsuites", {"name": f.command_line[0] if f.command_line else "run-qemu"})
    total = {"tests": 0, "failures": 0, "errors": 0}
    for name, cases in all_suites(documents, f):
        counts = junit_counts(cases)
        attrs = {"name": xml_text(name), **{k: str(v) for k, v in counts.items()}}
        timed = [c.duration for c in cases if c.top and c.duration is not None]
        if timed:
            attrs["time"] = seconds(sum(timed))
        el = ET.SubElement(root, "testsuite", attrs)
        props = suite_properties(f)
        if props:
            pel = ET.SubElement(el, "properties")
            for k, v in props:
                ET.SubElement(pel, "property", {"name": k, "value": xml_text(v)})
        for c in cases:
            junit_case(el, c)
        for k in total:
            total[k] += counts[k]
    root.attrib.update({k: str(v) for k, v in total.items()})
    if f.durations.get("whole") is not None:
        root.set("time", seconds(f.durations["whole"]))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def suite_properties(f):
    """The run's facts on every suite (a JUnit reader shows a suite's)."""
    if f.ended is None:
        return []
    return [("kernel", f.kernel), ("kernel.version", f.kernel_version or ""),
            ("run-qemu.exit-status", str(f.exit_status))]


# -- results.ktap ----------------------------------------------------------

def ktap_text(documents):
    """The documents' KTAP one after the other; one whose version line was
    garbled or never printed gets "KTAP version 1" (a reader needs one)."""
    out = []
    for doc in documents:
        if doc.version is None:
            out.append("KTAP version 1")
        out += doc.lines
    return "".join(line + "\n" for line in out)


# -- results.json ----------------------------------------------------------

def excerpt(text):
    data = text.encode()
    if len(data) <= EXCERPT_BYTES:
        return text
    return "[...]" + data[-EXCERPT_BYTES:].decode(errors="ignore")


def case_entry(c, f):
    e = {"path": f"{c.classname}.{c.name}", "suite": c.suite, "name": c.name, "subtest": not c.top,
         "status": c.status,
         "duration": round(c.duration, 3) if c.duration is not None else None,
         "start": round(c.start - f.t0, 3) if c.start is not None and f.t0 is not None else None,
         "comment": c.message or None}
    if c.test is not None:
        e["ktap"] = {"number": c.number, "result": c.test.result, "directive": c.test.directive()[0],
                     "source": c.source}
    if c.status != "PASS" and c.output:
        e["log_excerpt"] = excerpt(c.output)
    return e


def counts(documents, f, suites):
    rows = ktap.rows(documents)
    per_suite = ktap.suite_totals(rows, f.expected_suites)
    tests = {"ok": 0, "not_ok": 0, "skip": 0}
    subtests = dict(tests)
    by_suite = {}
    for name, row in per_suite.items():
        if row is None:
            by_suite[name] = None
            continue
        t = dict(zip(("ok", "not_ok", "skip"), row[:3]))
        s = dict(zip(("ok", "not_ok", "skip"), row[3:]))
        by_suite[name] = {"tests": t, "subtests": s}
        for k in tests:
            tests[k] += t[k]
            subtests[k] += s[k]
    cases = [c for _, cs in suites for c in cs]
    by_status = {k: sum(1 for c in cases if c.status == k) for k in ("PASS", "FAIL", "ERROR", "MISS", "SKIP")}
    return {"suites": len(per_suite), "suites_without_results": sum(1 for r in per_suite.values() if r is None),
            "tests": tests, "subtests": subtests, "by_suite": by_suite,
            "testcases": {"total": len(cases), **by_status}}


def verdict(c, f):
    """("pass" or "fail", [reasons])."""
    reasons = []
    if f.exit_status:
        reasons.append(f"run-qemu exited {f.exit_status}" +
                       (": " + "; ".join(f.status_lines) if f.status_lines else ""))
    if c["tests"]["not_ok"]:
        reasons.append(f"{c['tests']['not_ok']} tests not ok")
    if c["suites_without_results"]:
        reasons.append(f"{c['suites_without_results']} expected suites have no results")
    if f.kernel_trouble or f.panic:
        reasons.append(health_case(f).message)
    if f.ended not in (None, "status", "powered off"):
        reasons.append(run_end_case(f).message)
    return ("fail" if reasons else "pass"), reasons


def kernel_json(f):
    if f.ended is None:
        return None
    return {"path": f.kernel, "version": f.kernel_version, "taint_before": f.taint_before,
            "taint_after": f.taint_after, "taint_new": f.taint_new,
            "health": "ok" if health_case(f).status == "PASS" else "fail",
            "first_splat": list(f.first_splat) or None, "panic": f.panic}


def documents_json(documents):
    return [{"source": d.source, "kind": d.kind(), "suite": d.suite_name(), "version": d.version,
             "plan": d.plan, "results": len(d.tests), "missing": d.missing, "cut_short": d.cut_short()}
            for d in documents]


def results_json(documents, f):
    """results.json's content, a dict (docs/runner.md tells each field)."""
    suites = all_suites(documents, f)
    c = counts(documents, f, suites)
    word, reasons = verdict(c, f)
    return {
        "format": FORMAT,
        "verdict": word,
        "reasons": reasons,
        "exit_status": f.exit_status,
        "status_lines": list(f.status_lines),
        "ended": f.ended,
        "command_status": f.command_status,
        "counts": c,
        "kernel": kernel_json(f),
        "command_line": list(f.command_line),
        "qemu_command_line": list(f.qemu_command_line),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(f.started)) if f.started else None,
        "durations": {k: (round(v, 3) if v is not None else None) for k, v in f.durations.items()},
        "timing": f.timing or None,
        "console_log": f.log,
        "documents": documents_json(documents),
        "tests": [case_entry(case, f) for _, cases in suites for case in cases],
    }


# -- the files -------------------------------------------------------------

def prepare_dir(path):
    """DIR made if missing, shown writable (a file made there and removed),
    the files of an earlier run removed. Raises OSError."""
    os.makedirs(path, exist_ok=True)
    probe = os.path.join(path, f".results.{os.getpid()}.probe")
    with open(probe, "wb"):
        pass
    os.unlink(probe)
    for name in FILES:
        try:
            os.unlink(os.path.join(path, name))
        except FileNotFoundError:
            pass


def write_file(path, text):
    """PATH whole or not at all: written under a temporary name beside it,
    then renamed."""
    tmp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write(directory, documents, facts):
    """results.ktap, junit.xml and results.json in DIRECTORY (made if
    missing). Raises OSError."""
    os.makedirs(directory, exist_ok=True)
    texts = {
        "results.ktap": ktap_text(documents),
        "junit.xml": junit_xml(documents, facts),
        "results.json": json.dumps(results_json(documents, facts), indent=2) + "\n",
    }
    for name in FILES:
        write_file(os.path.join(directory, name), texts[name])
    return [os.path.join(directory, n) for n in FILES]
