"""results.py and terminallog.py: what --results writes, from the saved
kselftest runs (tests/kselftest/samples/) and KUnit's layout, with a run's
facts (a clean run, a WARN, a panic, an interruption); every junit.xml
read back by junitparser and checked against the JUnit schema
(junit.xsd) by xmlschema, as a CI would read it."""
import json
import os

import junitparser
import pytest
import xmlschema

from conftest import TOP
from runqemu import ktap, results
from runqemu.terminallog import TerminalLog
from test_ktap import KUNIT_61, parse, sample

SCHEMA = xmlschema.XMLSchema(os.path.join(os.path.dirname(os.path.abspath(__file__)), "junit.xsd"))
SPLAT = ["WARNING: CPU: 0 PID: 86 at splat.c:42 splat+0x32/0x40 [splat]", "Modules linked in: splat(OE+)",
         "---[ end trace 0000000000000000 ]---"]


def facts(**kw):
    base = dict(command_line=["run-qemu", "--results", "R", "--", "t"], exit_status=0, ended="status",
                command_status=0, kernel="build/vmlinuz", kernel_version="6.1.0-57-cloud-amd64",
                started=1765000000.0, durations={"boot": 2.5, "run": 60.0, "whole": 64.0})
    base.update(kw)
    return results.Facts(**base)


def written(tmp_path, docs, f):
    d = tmp_path / "results"
    results.write(str(d), docs, f)
    SCHEMA.validate(str(d / "junit.xml"))
    xml = junitparser.JUnitXml.fromfile(str(d / "junit.xml"))
    with open(d / "results.json") as j:
        return xml, json.load(j), (d / "results.ktap").read_text()


def cases(xml):
    """{(suite, name): (classname, result element name or "pass", message, text)}"""
    out = {}
    for suite in xml:
        for c in suite:
            r = c.result[0] if c.result else None
            kind = type(r).__name__.lower() if r is not None else "pass"
            out[(suite.name, c.name)] = (c.classname, kind, r.message if r is not None else None,
                                         r.text if r is not None else None)
    return out


def test_the_three_files_of_a_passing_run(tmp_path):
    xml, res, text = written(tmp_path, sample("pass-run"), facts())
    assert sorted(os.listdir(tmp_path / "results")) == ["junit.xml", "results.json", "results.ktap"]
    assert [s.name for s in xml] == ["timers", "exec", "breakpoints", "kcmp", "size", "minroot"]
    c = cases(xml)
    assert c[("minroot", "kernel-health")][:2] == ("minroot", "pass")
    assert c[("minroot", "run-finished")][:2] == ("minroot", "pass")
    assert c[("exec", "binfmt_script.py")][1:3] == ("skipped", "SKIP needs python3, which the guest does not have")
    assert res["verdict"] == "pass" and res["reasons"] == [] and res["exit_status"] == 0
    assert res["counts"]["tests"] == {"ok": 9, "not_ok": 0, "skip": 2}
    assert res["kernel"]["version"] == "6.1.0-57-cloud-amd64" and res["kernel"]["health"] == "ok"
    assert res["started"] == "2025-12-06T05:46:40Z" and res["durations"]["boot"] == 2.5
    assert text.startswith("TAP version 13\n1..4\n# selftests: timers: posix_timers\n")
    assert text.count("TAP version 13\n1..") == 5


def test_a_failure_carries_its_message_and_the_tests_output(tmp_path):
    xml, res, _ = written(tmp_path, sample("full-run"), facts(exit_status=0))
    classname, kind, message, text = cases(xml)[("timers", "rtcpie")]
    assert (classname, kind, message) == ("kselftest.timers", "failure", "exit=255")
    assert "PIE delta error: 0.604674 should be close to 0.500000" in text
    entry = [t for t in res["tests"] if t["path"] == "kselftest.timers.rtcpie"][0]
    assert entry["status"] == "FAIL" and "PIE delta error" in entry["log_excerpt"]
    assert entry["ktap"] == {"number": 9, "result": "not ok", "directive": None, "source": "stdout"}
    # A subtest that failed in a test that passed: a failed case of its own.
    assert cases(xml)[("breakpoints", "breakpoint_test: Test icebp")][1] == "failure"
    assert cases(xml)[("breakpoints", "breakpoint_test")][1] == "pass"


def test_a_warning_fails_the_health_case_while_every_test_passes(tmp_path):
    f = facts(exit_status=122, status_lines=["the kernel reported a problem during the run: " + SPLAT[0]],
              kernel_trouble="the kernel reported a problem during the run: " + SPLAT[0], first_splat=SPLAT,
              taint_before="", taint_after="WOE", taint_new="WOE", log="/x/console.log")
    xml, res, _ = written(tmp_path, sample("pass-run"), f)
    _, kind, message, text = cases(xml)[("minroot", "kernel-health")]
    assert kind == "failure" and message.endswith(SPLAT[0])
    assert text.startswith(SPLAT[0]) and "---[ end trace" in text and "(console log: /x/console.log)" in text
    failed = [k for k, v in cases(xml).items() if v[1] in ("failure", "error") and k[0] != "breakpoints"]
    assert failed == [("minroot", "kernel-health")]
    assert res["verdict"] == "fail" and res["exit_status"] == 122
    assert res["kernel"]["taint_new"] == "WOE" and res["kernel"]["first_splat"] == SPLAT
    assert res["reasons"][0].startswith("run-qemu exited 122: the kernel reported a problem")


def test_allow_warn_keeps_the_status_not_the_health(tmp_path):
    f = facts(kernel_trouble="the kernel was tainted during the run (W)", taint_new="W")
    xml, res, _ = written(tmp_path, sample("pass-run"), f)
    assert cases(xml)[("minroot", "kernel-health")][1] == "failure"
    assert res["exit_status"] == 0 and res["kernel"]["health"] == "fail"


def test_a_panic_a_test_without_result_and_the_missing_ones(tmp_path):
    f = facts(exit_status=125, ended="panic", command_status=None, panic="Kernel panic - not syncing: Fatal",
              status_lines=["the kernel panicked: not syncing: Fatal (console log: L)"],
              expected_suites=["timers", "exec", "kcmp", "size", "breakpoints"])
    xml, res, text = written(tmp_path, sample("truncated"), f)
    c = cases(xml)
    assert c[("exec", "non-regular")][1:3] == ("error", ktap.NO_RESULT)
    missing = [k for k in c if k[0] == "exec" and k[1].endswith("(never reported)")]
    assert len(missing) == 9 and ("exec", "result 3 of 11 (never reported)") in missing
    assert c[("kcmp", "(no results)")][1] == "error"
    assert c[("minroot", "kernel-health")][1:3] == ("failure", "the kernel panicked: not syncing: Fatal")
    assert c[("minroot", "run-finished")][1:3] == ("error", "the kernel panicked")
    statuses = [t["status"] for t in res["tests"] if t["suite"] == "exec"]
    assert statuses.count("MISS") == 9 and statuses.count("ERROR") == 1
    assert res["counts"]["suites_without_results"] == 3 and res["ended"] == "panic"
    assert res["documents"][1] == {"source": "stdout", "kind": "kselftest", "suite": "exec",
                                   "version": "TAP version 13", "plan": 11, "results": 2, "missing": 9,
                                   "cut_short": True}
    # results.ktap is what was printed, cut where it was cut.
    assert text.rstrip("\n").endswith("# TAP version 13")


def test_an_interrupted_run_says_so(tmp_path):
    f = facts(exit_status=130, ended="interrupted", command_status=None,
              status_lines=["interrupted by signal 2: QEMU stopped"])
    xml, res, _ = written(tmp_path, [], f)
    assert cases(xml)[("minroot", "run-finished")][1:4] == \
        ("error", "run-qemu was interrupted and stopped QEMU", "interrupted by signal 2: QEMU stopped")
    assert res["verdict"] == "fail" and res["counts"]["testcases"]["total"] == 2


def test_same_named_cases_never_collide(tmp_path):
    text = "TAP version 13\n1..3\nok 1 selftests: s: t\n# selftests: s: t\n# ok 1 x\n# ok 2 x\nok 2 selftests: s: t\n" \
           "ok 3 selftests: s: t\nTAP version 13\n1..1\nok 1 selftests: s: t\n"
    xml, res, _ = written(tmp_path, parse(text), facts())
    names = [(s.name, c.classname, c.name) for s in xml for c in s]
    assert names[:7] == [("s", "kselftest.s", "t"), ("s", "kselftest.s", "t [2]"), ("s", "kselftest.s", "t: x"),
                         ("s", "kselftest.s", "t: x [2]"), ("s", "kselftest.s", "t [3]"),
                         ("s [2]", "kselftest.s", "t [4]"), ("minroot", "minroot", "kernel-health")]
    assert len({(c, n) for _, c, n in names}) == len(names)
    assert len({t["path"] for t in res["tests"]}) == len(res["tests"])


def test_kunit_suites_are_testsuites(tmp_path):
    xml, res, text = written(tmp_path, parse(KUNIT_61, source="kernel"), facts())
    assert [s.name for s in xml] == ["example", "other", "minroot"]
    c = cases(xml)
    assert [k[1] for k in c if k[0] == "example"] == [
        "example_simple_test", "example_skip_test", "example_params_test",
        "example_params_test: example value 3", "example_params_test: example value 2"]
    assert c[("example", "example_params_test")][0] == "kernel.example"
    assert c[("other", "other_test")][1:4] == ("failure", "not ok", "other_test: EXPECTATION FAILED at lib/other.c:12")
    # The suite's own result adds nothing to its cases': no case for it.
    assert ("other", "(suite)") not in c
    assert text.startswith("KTAP version 1\n1..2\n    KTAP version 1\n    # Subtest: example\n")
    assert "some driver" not in text


def test_a_suite_that_failed_with_no_failed_case_has_a_case_of_its_own(tmp_path):
    text = "KTAP version 1\n1..1\n    # Subtest: s\n    1..1\n    ok 1 fine\nnot ok 1 s # suite_init failed\n"
    xml, _, _ = written(tmp_path, parse(text, "kernel"), facts())
    assert cases(xml)[("s", "(suite)")][1:3] == ("failure", "suite_init failed")


def test_a_document_without_its_version_line_gets_one(tmp_path):
    docs = parse("    KTAP version 1\n    # Subtest: mod\n    1..1\n    ok 1 c\nok 1 mod\n")
    assert results.ktap_text(docs) == "KTAP version 1\n    KTAP version 1\n    # Subtest: mod\n    1..1\n" \
                                      "    ok 1 c\nok 1 mod\n"


def test_times_and_their_start(tmp_path):
    p = ktap.Parser()
    for when, line in [(100.0, "TAP version 13"), (100.0, "1..1"), (101.0, "# selftests: s: a"),
                       (104.5, "ok 1 selftests: s: a")]:
        p.feed(line, when)
    xml, res, _ = written(tmp_path, p.documents(), facts(t0=99.0, timing="how"))
    suite = [s for s in xml if s.name == "s"][0]
    assert suite.time == 3.5 and list(suite)[0].time == 3.5
    entry = res["tests"][0]
    assert (entry["duration"], entry["start"]) == (3.5, 2.0) and res["timing"] == "how"


def test_characters_xml_cannot_carry_are_left_out(tmp_path):
    docs = parse("TAP version 13\n1..1\n# bell \x07 and nul \x00 here\nnot ok 1 t\x01\n")
    xml, _, _ = written(tmp_path, docs, facts())
    assert cases(xml)[("stdout", "t")][3] == "bell  and nul  here"


def test_a_saved_log_has_no_run_facts(tmp_path):
    f = results.Facts(command_line=["ktap-summary"], exit_status=None, ended=None)
    xml, res, _ = written(tmp_path, sample("pass-run"), f)
    assert "minroot" not in [s.name for s in xml] and res["kernel"] is None and res["verdict"] == "pass"


def test_files_are_written_whole_or_not_at_all(tmp_path, monkeypatch):
    d = tmp_path / "r"
    results.write(str(d), sample("pass-run"), facts())
    before = (d / "junit.xml").read_text()
    real = results.write_file

    def fail_on_json(path, text):
        if path.endswith(".json"):
            with open(os.path.join(os.path.dirname(path), ".results.json.1.tmp"), "w") as half:
                half.write(text[:10])
            raise OSError(28, "No space left on device")
        real(path, text)
    monkeypatch.setattr(results, "write_file", fail_on_json)
    with pytest.raises(OSError):
        results.write(str(d), sample("full-run"), facts())
    assert (d / "junit.xml").read_text() != before     # the new one, whole
    SCHEMA.validate(str(d / "junit.xml"))


def test_write_file_leaves_no_temporary_name(tmp_path, monkeypatch):
    def broken_replace(a, b):
        raise OSError(13, "Permission denied")
    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        results.write_file(str(tmp_path / "junit.xml"), "x")
    assert os.listdir(tmp_path) == []


def test_prepare_dir_makes_it_and_removes_an_earlier_runs_files(tmp_path):
    d = tmp_path / "a" / "b"
    results.prepare_dir(str(d))
    assert d.is_dir() and os.listdir(d) == []
    for name in results.FILES + ("mine.txt",):
        (d / name).write_text("old")
    results.prepare_dir(str(d))
    assert os.listdir(d) == ["mine.txt"]


def test_terminal_log_is_read_as_it_grows(tmp_path):
    path = tmp_path / "terminal.log"
    now = [10.0]
    tail = TerminalLog(str(path), clock=lambda: now[0])
    tail.poll()                                   # not there yet
    with open(path, "wb") as f:
        f.write(b"\x1bc\x1b[2JTAP version 13\r\n1..2\r\n# selftests: s: a\r\n")
        f.flush()
        tail.poll()
        now[0] = 12.0
        f.write(b"ok 1 selftests: s: a\r\n# selftests: s: b\r\nnot ok 2 selftests: s: ")
        f.flush()
        tail.poll()
        now[0] = 13.0
        f.write(b"b # exit=1")
    (doc,) = tail.documents()
    assert [(t.name, t.outcome(), t.duration()) for t in doc.tests] == [("a", "ok", 2.0), ("b", "not ok", 1.0)]


def test_the_schema_refuses_what_jenkins_refuses(tmp_path):
    """The schema can fail: a testsuite without its counts, an attribute
    the format does not have, a time with an exponent."""
    bad = ['<testsuites><testsuite name="s"><testcase name="t"/></testsuite></testsuites>',
           '<testsuites><testsuite name="s" tests="1" failures="0" errors="0">'
           '<testcase name="t" line="3"/></testsuite></testsuites>',
           '<testsuites><testsuite name="s" tests="1" failures="0" errors="0" time="1e-3">'
           '<testcase name="t"/></testsuite></testsuites>']
    for text in bad:
        assert not SCHEMA.is_valid(text), text


def test_the_schema_is_in_the_tree():
    assert os.path.exists(os.path.join(TOP, "tests", "runner", "junit.xsd"))
