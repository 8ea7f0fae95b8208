"""Recorded kselftest runs (tests/kselftest/samples/) cut into what
run_kselftest.sh would have printed for some of their tests: the parts of
a run that guests or shards ran, without a VM. Used by
tests/runner/test_merge.py and tests/kselftest/sample-shards.

    lines = recorded("full-run")            # [(time, line)]: no console noise
    tests = blocks_of(lines)                # {"COLLECTION:TEST": [(time, line)]}, in run order
    part = runner_output(tests, ["timers:nanosleep", "kcmp:kcmp_test"])
    docs = parsed(part)                     # ktap.Document list, with times

Independent of runqemu/merge.py's own cutting (it reads lines with
regular expressions of its own), so that a fault there shows here."""
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLES = os.path.join(TOP, "tests", "kselftest", "samples")
sys.path.insert(0, os.path.join(TOP, "qemu"))
from runqemu import ktap  # noqa: E402

RESULT_RE = re.compile(r"^(ok|not ok) \d+ selftests: (\S+): (\S+)")
HEADER_RE = re.compile(r"^# selftests: (\S+): (\S+)$")


def recorded(name):
    """(time, line) for each line of SAMPLES/NAME.ktap as the console gave
    it, less the lines that are no KTAP (firmware, kernel messages: the
    runner of today keeps them off the command's output, results.ktap has
    none of them); a line's time is its place in the file."""
    p = ktap.Parser()
    out = []
    with open(os.path.join(SAMPLES, name + ".ktap"), "rb") as f:
        for n, raw in enumerate(f.read().split(b"\n")):
            text = ktap.clean(raw)
            if text and p.classify(text)[1] != "noise":
                out.append((float(n), text))
    return out


def blocks_of(lines):
    """{"COLLECTION:TEST": its lines}, in the order met: a test's lines end
    with its result line; those after the last result (a run cut short)
    are the unfinished test's, named by its header."""
    blocks, current = {}, []
    for when, line in lines:
        if line.startswith(("TAP version", "1..")):
            current = []
            continue
        current.append((when, line))
        m = RESULT_RE.match(line)
        if m:
            blocks[f"{m.group(2)}:{m.group(3)}"] = current
            current = []
    header = next((HEADER_RE.match(l) for _, l in current if HEADER_RE.match(l)), None)
    if header:
        blocks[f"{header.group(1)}:{header.group(2)}"] = current
    return blocks


def runner_output(blocks, tests, plans=None):
    """What run_kselftest.sh prints for TESTS: per collection (in the
    order met) its version line, its plan, its tests' lines numbered from
    1. PLANS: a collection's plan where it is not the count of its tests
    here (a run that ended before its last ones)."""
    out, by_coll = [], {}
    for t in tests:
        by_coll.setdefault(t.split(":")[0], []).append(t)
    for c, ts in by_coll.items():
        first = blocks[ts[0]][0][0]
        out += [(first, "TAP version 13"), (first, f"1..{(plans or {}).get(c, len(ts))}")]
        for n, t in enumerate(ts, 1):
            lines = blocks[t]
            when, last = lines[-1]
            if RESULT_RE.match(last):
                lines = lines[:-1] + [(when, re.sub(r"^(ok|not ok) \d+", lambda m: f"{m.group(1)} {n}", last))]
            out += lines
    return out


def parsed(lines):
    """The KTAP documents of (time, line) pairs, times kept."""
    p = ktap.Parser()
    for when, line in lines:
        p.feed(line, when)
    return p.documents()
