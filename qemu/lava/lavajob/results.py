"""The test cases of a run, as LAVA records them and as a direct run
(run-qemu on the same kernel, image and test) gives them, in one form to
compare: (case, result) pairs in the order the console showed them, the
case named as LAVA names it, the result pass, fail or skip. Pure."""
import re

import yaml

from . import job, patterns

# LAVA's own name for a monitor's case: lower case, each run of non-word
# characters one "_" (lava_dispatcher/actions/test/monitor.py).
NON_WORD_RE = re.compile(r"\W+")
# The same rule as patterns.KTAP_RESULT, a line at a time: the kselftest
# and KUnit nesting before the result, a description (after a leading
# "# SKIP", kselftest.h's way), a directive after it.
SKIP_RE = r"(?:%s)\b" % "|".join(patterns.SKIP_WORDS)
RESULT_LINE_RE = re.compile(
    r"^(?:\[ *\d+\.\d+\] )?[ \t]*(?:#[ \t]+)*(not ok|ok)[ \t]+\d+(?:[ \t]+-)?[ \t]+"
    r"(#[ \t]*" + SKIP_RE + r"[ \t]*)?([^#\r\n]*[^#\s])[ \t]*(?:#[ \t]*(\S+))?")
VERDICT_CASES = ("kernel-health", "exit-status")


def case_id(description):
    return NON_WORD_RE.sub("_", description.strip().lower())


def ktap_cases(text):
    """Each KTAP result line of TEXT (a console or a command's output) as
    the job's monitor records it."""
    cases = []
    for line in text.replace("\r", "").split("\n"):
        m = RESULT_LINE_RE.match(line)
        if not m:
            continue
        word, lead, description, directive = m.groups()
        skip = lead is not None or (directive is not None and re.match(SKIP_RE, directive))
        cases.append((case_id(description), "skip" if skip else patterns.RESULTS[word]))
    return cases


def log_records(log_text):
    """lava-run's log: one YAML mapping a line ("dt", "lvl", "msg")."""
    for line in log_text.splitlines():
        if line.startswith("{") or line.startswith("- {"):
            try:
                rec = yaml.load(line.lstrip("- "), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            except yaml.YAMLError:
                continue
            if isinstance(rec, dict):
                yield rec


def lava_results(log_text):
    """Every result lava-run logged (its "lvl: results" lines): dicts with
    definition, case, result."""
    return [r["msg"] for r in log_records(log_text)
            if r.get("lvl") == "results" and isinstance(r.get("msg"), dict)]


def lava_cases(results, kind):
    """The job's test cases: the monitor's (definition KIND), then the
    verdict steps' (definition "N_minroot")."""
    ktap = [(r["case"], r["result"]) for r in results if r.get("definition") == kind]
    steps = [(r["case"], r["result"]) for r in results
             if str(r.get("definition", "")).endswith("_" + job.INTERACTIVE_NAME) and r["case"] in VERDICT_CASES]
    return ktap + steps


def job_result(results):
    """LAVA's verdict on the job itself ("pass": it ran to its end)."""
    return next((r["result"] for r in results if r.get("definition") == "lava" and r.get("case") == "job"), None)


def direct_cases(output, status, kernel_trouble):
    """A run-qemu run (with --allow-warn): its output's KTAP cases, then the
    kernel's health (no line about the kernel in trouble, a status
    reported) and the command's status."""
    reported = status is not None and status < 122
    health = "pass" if reported and not kernel_trouble else "fail"
    return ktap_cases(output) + [("kernel-health", health),
                                 ("exit-status", "pass" if status == 0 else "fail")]


def differences(lava, direct):
    """Lines naming where the two lists of cases differ (none: the same
    cases, in the same order, with the same results)."""
    out = []
    for i in range(max(len(lava), len(direct))):
        a = lava[i] if i < len(lava) else None
        b = direct[i] if i < len(direct) else None
        if a != b:
            out.append(f"case {i + 1}: LAVA {a or 'nothing'}, direct run {b or 'nothing'}")
    return out
