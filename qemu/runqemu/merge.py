"""Several runs' results as the results of one: what the kselftest fan-out
(qemu/kselftest/kselftest-jobs) and qemu/kselftest/merge-results write,
through results.write, from the parts' --results directories.

    part = merge.read(DIR)                      # results.ktap and results.json read back
    documents = merge.documents([part.documents, ...], order)
    facts = merge.facts([part.facts, ...], expected, command_line)

A part is a run of some of the whole run's kselftest tests (a collection,
or single tests of a long one). Its documents come back from results.ktap
(the parser's own input, so the same tests, subtests, reasons and output)
and their times from results.json. The documents of one collection, met
in several parts, become one, as one run of run_kselftest.sh prints it:
its version line, a plan counting the collection's tests of the whole run,
then each test's lines (its header, its output, its result line) in the
whole run's order, numbered again. A test the whole run names that no part
reported is missing (results.py's "never reported"), as in a run cut
short. Then the collections in the whole run's order; a document of
another kind (not kselftest's) follows them, as its part had it.

order: the whole run's tests, "COLLECTION:TEST", in the order
run_kselftest.sh runs them; None when unknown (the parts' order then).

Pure but for read(). Exact for kselftest's documents; another kind's
document is carried as it is."""
import calendar
import json
import os
import re
import time
from dataclasses import dataclass

from . import ktap, results

# A result line's number, to be given again.
NUMBER_RE = re.compile(r"^(ok|not ok)(\s+)\d+")


@dataclass
class Part:
    """One --results directory read back."""
    path: str
    documents: list
    facts: results.Facts
    shard: object              # results.json's "shard" (the whole run's plan), or None


class Unreadable(Exception):
    """A results directory that cannot be read back (the message says
    which file and why)."""


# -- reading a results directory back ---------------------------------------

def read(path):
    """The Part in directory PATH. Raises Unreadable."""
    ktap_path, json_path = os.path.join(path, "results.ktap"), os.path.join(path, "results.json")
    try:
        with open(ktap_path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        with open(json_path, encoding="utf-8") as f:
            res = json.load(f)
    except OSError as e:
        raise Unreadable(f"{e.filename}: {e.strerror}")
    except ValueError as e:
        raise Unreadable(f"{json_path}: not JSON ({e})")
    if not isinstance(res, dict) or res.get("format") != results.FORMAT:
        raise Unreadable(f"{json_path}: not the results of a run (no \"format\": \"{results.FORMAT}\")")
    docs = ktap.documents_of(text.split("\n"))
    for doc, entry in zip(docs, res.get("documents") or []):
        doc.source = entry.get("source") or doc.source
        if "version" in entry and entry["version"] is None:
            without_version(doc)
    put_times(docs, res.get("tests") or [])
    return Part(path, docs, facts_of(res), res.get("shard"))


def without_version(doc):
    """A document the kernel printed with no version line (Linux 6.1's
    test modules print none before their suites): results.ktap has the
    "KTAP version 1" results.write gave it, which goes again, so that the
    document is written back as it was."""
    if doc.version is not None and doc.lines[:1] == [doc.version]:
        doc.version, doc.lines = None, doc.lines[1:]


def put_times(docs, entries):
    """Each test's duration and start, from results.json's entries: the
    cases results.py makes of the same documents, one entry each, in the
    same order. Times stay unknown if they do not pair up."""
    mine = [c for _, cases in results.all_suites(docs, results.Facts(ended=None)) for c in cases
            if c.test is not None]
    theirs = [e for e in entries if "ktap" in e]
    if [f"{c.classname}.{c.name}" for c in mine] != [e.get("path") for e in theirs]:
        return
    for c, e in zip(mine, theirs):
        if e.get("duration") is not None:
            c.test.started = e.get("start") or 0.0
            c.test.ended = c.test.started + e["duration"]


def epoch(iso):
    try:
        return float(calendar.timegm(time.strptime(iso, "%Y-%m-%dT%H:%M:%SZ")))
    except (TypeError, ValueError):
        return 0.0


def facts_of(res):
    """The run's facts as results.json tells them."""
    k = res.get("kernel") or {}
    health = next((e for e in res.get("tests") or [] if e.get("path") == "minroot.kernel-health"), {})
    trouble = health.get("comment") if health.get("status") == "FAIL" and not k.get("panic") else None
    by_suite = (res.get("counts") or {}).get("by_suite") or {}
    return results.Facts(
        command_line=res.get("command_line") or [], qemu_command_line=res.get("qemu_command_line") or [],
        exit_status=res.get("exit_status"), status_lines=res.get("status_lines") or [],
        ended=res.get("ended"), command_status=res.get("command_status"),
        kernel=k.get("path") or "", kernel_version=k.get("version"),
        taint_before=k.get("taint_before") or "", taint_after=k.get("taint_after") or "",
        taint_new=k.get("taint_new") or "", kernel_trouble=trouble, first_splat=k.get("first_splat") or [],
        panic=k.get("panic"), expected_suites=[s for s, v in by_suite.items() if v is None],
        started=epoch(res.get("started")), t0=None, durations=res.get("durations") or {},
        log=res.get("console_log"), timing=res.get("timing") or "")


# -- the documents ------------------------------------------------------------

def top_level(line):
    """"version", "plan", "result" or None: what a line of a document's
    text is at the document's own level (no indentation, no "# ")."""
    if line[:1] in (" ", "\t", "#"):
        return None
    if ktap.VERSION_RE.match(line):
        return "version"
    if ktap.PLAN_RE.match(line):
        return "plan"
    return "result" if ktap.RESULT_RE.match(line) else None


def blocks(doc):
    """[(test or None, [line])]: each top-level test with its lines (its
    header and output, then its result line); a test that never reported
    gets the lines after the last result. Lines no test owns follow the
    block before them (test None). The version and plan lines are left
    out: the joined document has its own."""
    out, current = [], []
    lines = doc.lines[1:] if doc.version is not None and doc.lines[:1] == [doc.version] else doc.lines
    for line in lines:
        kind = top_level(line)
        if kind == "plan":
            continue
        current.append(line)
        if kind == "result":
            out.append(current)
            current = []
    tests = list(doc.tests)
    owned = [(tests[i] if i < len(tests) else None, b) for i, b in enumerate(out)]
    if current:
        owned.append((tests[len(out)] if len(out) < len(tests) else None, current))
    return owned


def renumbered(line, number):
    return NUMBER_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}{number}", line, count=1)


def in_order(owned, names):
    """OWNED's blocks sorted by each test's place in NAMES (the whole
    run's tests of the collection); a block without test keeps to the one
    before it, a test not named goes last."""
    keyed, key = [], len(names)
    for i, (t, lines) in enumerate(owned):
        if t is not None:
            key = names.index(t.name) if t.name in names else len(names)
        keyed.append(((key, i), t, lines))
    return [(t, lines) for _, t, lines in sorted(keyed, key=lambda k: k[0])]


def join(docs, names=None):
    """One kselftest document of a collection from the DOCS parts ran of
    it (see the module's text); NAMES: the whole run's tests of it, in
    order, or None."""
    owned = [b for d in docs for b in blocks(d)]
    if names is not None:
        owned = in_order(owned, names)
    first = docs[0]
    doc = ktap.Document(first.source, first.version)
    doc.plan = len(names) if names is not None else sum(d.plan if d.plan is not None else len(d.tests)
                                                         for d in docs)
    doc.indent = first.indent
    doc.lines = ([first.version] if first.version is not None else []) + [f"1..{doc.plan}"]
    for n, (t, lines) in enumerate(owned):
        number = sum(1 for u, _ in owned[:n + 1] if u is not None)
        if t is not None and t.result is not None and t.number is not None:
            t.number = number
            lines = lines[:-1] + [renumbered(lines[-1], number)]
        doc.lines += lines
    doc.subtests = [t for t, _ in owned if t is not None]
    doc.missing = max(0, doc.plan - len(doc.subtests))
    for t in doc.subtests:
        word, text = t.directive()
        if t.result is not None and word == "SKIP" and text:
            doc.skip_reason = text
    doc.totals = next((d.totals for d in docs if d.totals), None)
    return doc


def collections_of(order):
    """{collection: [its tests in order]}, the collections in order."""
    out = {}
    for entry in order:
        c, _, t = entry.partition(":")
        out.setdefault(c, []).append(t)
    return out


def documents(parts, order=None):
    """The whole run's documents from the parts' (each a list of
    documents; see the module's text)."""
    wanted = collections_of(order) if order is not None else {}
    groups, others = {c: [] for c in wanted}, []
    for docs in parts:
        for d in docs:
            name = d.suite_name() if d.kind() == "kselftest" else None
            if name is None:
                others.append(d)
            else:
                groups.setdefault(name, []).append(d)
    # A collection no part reported has no document, as in a run that
    # ended before it: results.py makes it "(no results)" when expected.
    return [join(docs, wanted.get(c)) for c, docs in groups.items() if docs] + others


# -- the facts ----------------------------------------------------------------

CLEAN_ENDINGS = ("status", "powered off")


def first(values, default=None):
    return next((v for v in values if v), default)


def taints(letters):
    """Every letter of the strings, each once, in the order met."""
    return "".join(dict.fromkeys("".join(letters)))


def facts(parts, expected, command_line, whole=None):
    """The whole run's facts from its PARTS' (results.Facts): the first
    part that did not end cleanly gives the run's status, ending and
    lines; the first that found the kernel in trouble gives the trouble;
    taint letters are every part's. EXPECTED: the whole run's suites;
    WHOLE: its wall time in seconds (default: the longest part's)."""
    bad = next((p for p in parts if p.exit_status or p.ended not in CLEAN_ENDINGS + (None,)), None)
    sick = next((p for p in parts if p.kernel_trouble or p.panic), None)
    if all(p.ended is None for p in parts):
        ended = None
    else:
        ended = bad.ended if bad and bad.ended not in CLEAN_ENDINGS else first(p.ended for p in parts)
    walls = [p.durations.get("whole") for p in parts if p.durations.get("whole") is not None]
    return results.Facts(
        command_line=list(command_line), qemu_command_line=[],
        exit_status=(bad.exit_status if bad else (None if all(p.exit_status is None for p in parts) else 0)),
        status_lines=[line for p in parts if p.exit_status for line in p.status_lines] or
        (list(parts[0].status_lines) if parts else []),
        ended=ended,
        command_status=(bad.command_status if bad else
                        first((p.command_status for p in parts), parts[0].command_status if parts else None)),
        kernel=first(p.kernel for p in parts) or "", kernel_version=first(p.kernel_version for p in parts),
        taint_before=taints(p.taint_before for p in parts), taint_after=taints(p.taint_after for p in parts),
        taint_new=taints(p.taint_new for p in parts),
        kernel_trouble=sick.kernel_trouble if sick else None, first_splat=list(sick.first_splat) if sick else [],
        panic=sick.panic if sick else None, expected_suites=list(expected),
        started=min((p.started for p in parts if p.started), default=0.0), t0=None,
        durations={"boot": None, "run": None, "whole": whole if whole is not None else max(walls, default=None)},
        log=(sick or bad or (parts[0] if parts else None)).log if parts else None,
        timing=first((p.timing for p in parts), ""))
