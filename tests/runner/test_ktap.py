"""ktap.py, the project's one KTAP parser, over saved runs
(tests/kselftest/samples/: kselftest on the cloud kernel, cut short, on
the minimal kernel, a passing run, a made-up nested document) and KUnit's
layouts (indented subtests, "# Subtest:", parameters, a module's suite
with no document around it), with console noise."""
import os

import pytest

from conftest import TOP
from runqemu import ktap

SAMPLES = os.path.join(TOP, "tests", "kselftest", "samples")


def sample(name):
    with open(os.path.join(SAMPLES, name + ".ktap"), "rb") as f:
        return ktap.documents_of(f.read().split(b"\n"))


def parse(text, source="stdout"):
    return ktap.documents_of(text.split("\n"), source)


def outcomes(tests):
    return [(t.name, t.outcome()) for t in tests]


def test_clean_takes_off_what_a_console_adds():
    assert ktap.clean(b"\x1bc\x1b[?7l\x1b[2JTAP version 13\r\n") == "TAP version 13"
    assert ktap.clean("[    2.345678] ok 1 foo  \r") == "ok 1 foo"
    assert ktap.clean("progress 10%\rprogress 100%\rok 2 bar\n") == "ok 2 bar"
    assert ktap.clean("[    0.060000] \t# Subtest: s") == "\t# Subtest: s"


def test_full_run_one_document_per_collection():
    docs = sample("full-run")
    assert [d.suite_name() for d in docs] == ["timers", "exec", "kcmp", "size", "breakpoints"]
    assert [d.plan for d in docs] == [9, 11, 1, 1, 2]
    assert all(d.kind() == "kselftest" and not d.cut_short() and d.version == "TAP version 13" for d in docs)
    timers = docs[0]
    assert outcomes(timers.tests)[:2] == [("posix_timers", "ok"), ("nanosleep", "ok")]
    rtc = [t for t in timers.tests if t.name == "rtcpie"][0]
    assert (rtc.outcome(), rtc.why(), rtc.number) == ("not ok", "exit=255", 9)


def test_a_tests_subtests_and_their_skips():
    nanosleep = sample("full-run")[0].tests[1]
    counts, failed, unnamed = ktap.subtest_counts(nanosleep)
    assert (counts, failed) == ({"ok": 6, "not ok": 0, "skip": 6}, [])
    assert nanosleep.plan == 12 and nanosleep.subtests[0].name == "CLOCK_REALTIME"
    assert (nanosleep.subtests[2].name, nanosleep.subtests[2].outcome()) == ("#3", "skip")
    assert nanosleep.subtests[2].why() == "SKIP CLOCK_PROCESS_CPUTIME_ID"


def test_a_failed_subtest_in_a_test_that_passed():
    bp = sample("full-run")[4].tests[1]
    assert (bp.name, bp.outcome()) == ("breakpoint_test", "ok")
    counts, failed, _ = ktap.subtest_counts(bp)
    assert counts == {"ok": 108, "not ok": 2, "skip": 0}
    assert [name for name, _ in failed] == ["Test icebp", "Test int 3 trap"]


def test_a_skip_takes_its_reason_from_the_tests_own_output():
    binfmt = [t for t in sample("full-run")[1].tests if t.name == "binfmt_script.py"][0]
    assert (binfmt.outcome(), binfmt.why()) == ("skip", "SKIP needs python3, which the guest does not have")


def test_the_output_a_test_printed():
    posix = sample("full-run")[0].tests[0]
    text = posix.output.text().split("\n")
    assert text[0] == "Testing posix timers. False negative may happen on CPU execution"
    assert "Check itimer virtual... Diff too high: 2933972..[FAIL]" in text
    assert text[-1] == "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:0 error:0"


def test_truncated_run_a_test_without_result_and_the_missing_ones():
    docs = sample("truncated")
    assert [d.suite_name() for d in docs] == ["timers", "exec"]
    exec_ = docs[1]
    assert exec_.cut_short() and exec_.plan == 11 and exec_.missing == 9
    last = exec_.tests[-1]
    assert (last.name, last.result, last.outcome(), last.why()) == \
        ("non-regular", None, "not ok", ktap.NO_RESULT)
    assert not docs[0].cut_short()


def test_min_kernel_checks_counted_by_a_totals_line():
    kcmp = [d for d in sample("min-kernel") if d.suite_name() == "kcmp"][0].tests[0]
    counts, failed, unnamed = ktap.subtest_counts(kcmp)
    assert counts == {"ok": 0, "not ok": 3, "skip": 0} and failed == []
    assert unnamed == {"ok": 0, "not ok": 3, "skip": 0}


def test_nested_directives_and_deeper_results():
    alpha, beta = sample("nested")
    assert [(t.name, t.outcome(), t.why()) for t in alpha.tests] == [
        ("one", "ok", ""), ("two", "skip", "SKIP kernel lacks CONFIG_FOO"),
        ("three", "not ok", "exit=1"), ("four", "not ok", "TIMEOUT 45 seconds")]
    # Results two levels down with no parent result are not three's subtests.
    assert outcomes(alpha.tests[2].subtests) == [("sub one", "ok"), ("sub two", "not ok")]
    assert [(t.name, t.outcome(), t.why()) for t in beta.tests][0] == ("todo", "skip", "TODO known to fail")


def test_documents_keep_their_ktap_lines_without_noise():
    docs = sample("full-run")
    assert docs[0].lines[:4] == ["TAP version 13", "1..9", "# selftests: timers: posix_timers",
                                 "# Testing posix timers. False negative may happen on CPU execution"]
    first = parse("[    2.3] random: crng init done\nTAP version 13\n1..1\n[ 2.4] a kernel line\nok 1 x\n")
    assert first[0].lines == ["TAP version 13", "1..1", "ok 1 x"]


def test_times_from_header_to_result():
    p = ktap.Parser()
    for when, line in enumerate(["TAP version 13", "1..2", "# selftests: s: a", "# working", "ok 1 selftests: s: a",
                                 "# selftests: s: b", "not ok 2 selftests: s: b # exit=1"]):
        p.feed(line, when=10.0 + when)
    a, b = p.documents()[0].tests
    assert (a.started, a.ended, a.duration()) == (12.0, 14.0, 2.0)
    assert b.duration() == 1.0
    assert ktap.Parser().feed("ok 1 x") is None


KUNIT_61 = """\
[    0.500000] KTAP version 1
[    0.500000] 1..2
[    0.500001]     KTAP version 1
[    0.500001]     # Subtest: example
[    0.500001]     1..3
[    0.500002]     # example_simple_test: initializing
[    0.500002]     ok 1 example_simple_test
[    0.500003] some driver: a kernel line in between
[    0.500003]     # example_skip_test: this test should be skipped
[    0.500003]     ok 2 example_skip_test # SKIP this test should be skipped
[    0.500004]         KTAP version 1
[    0.500004]         # Subtest: example_params_test
[    0.500004]         ok 1 example value 3
[    0.500004]         not ok 2 example value 2
[    0.500005]     # example_params_test: pass:1 fail:1 skip:0 total:2
[    0.500005]     not ok 3 example_params_test
[    0.500005] # example: pass:1 fail:1 skip:1 total:3
[    0.500005] not ok 1 example
[    0.500006]     KTAP version 1
[    0.500006]     # Subtest: other
[    0.500006]     1..1
[    0.500007]     # other_test: EXPECTATION FAILED at lib/other.c:12
[    0.500007]     not ok 1 other_test
[    0.500007] not ok 2 other
"""


def test_kunit_suites_cases_and_parameters():
    docs = parse(KUNIT_61, source="kernel")
    assert len(docs) == 1
    doc = docs[0]
    assert (doc.kind(), doc.plan, doc.indent, doc.cut_short()) == ("kernel", 2, 4, False)
    example, other = doc.tests
    assert (example.name, example.outcome(), example.plan) == ("example", "not ok", 3)
    assert outcomes(example.subtests) == [("example_simple_test", "ok"), ("example_skip_test", "skip"),
                                          ("example_params_test", "not ok")]
    params = example.subtests[2].subtests
    assert outcomes(params) == [("example value 3", "ok"), ("example value 2", "not ok")]
    assert example.subtests[1].why() == "SKIP this test should be skipped"
    assert other.subtests[0].output.text() == "other_test: EXPECTATION FAILED at lib/other.c:12"
    # The kernel line is the running test's output, not KTAP.
    assert "some driver: a kernel line in between" not in doc.lines
    assert "some driver: a kernel line in between" in example.output.text()


@pytest.mark.parametrize("indent", ["  ", "\t"])
def test_other_indentations(indent):
    lines = [ktap.clean(line) for line in KUNIT_61.split("\n")]
    text = "\n".join(line.replace("        ", "@@").replace("    ", "@").replace("@", indent) for line in lines)
    doc = parse(text)[0]
    assert outcomes(doc.tests) == [("example", "not ok"), ("other", "not ok")]
    assert len(doc.tests[0].subtests[2].subtests) == 2


def test_a_kunit_run_cut_short_by_a_panic():
    cut = KUNIT_61.split("[    0.500005]     # example_params_test")[0] + \
        "[    0.500005] Kernel panic - not syncing: Fatal exception\n"
    doc = parse(cut)[0]
    assert doc.cut_short() and doc.missing == 1
    (example,) = doc.tests
    assert (example.name, example.result) == ("example", None)
    assert outcomes(example.subtests) == [("example_simple_test", "ok"), ("example_skip_test", "skip")]


def test_module_suites_with_no_document_around_them():
    """A module's suites (6.1 prints no top document for them): one document
    each, their cases kept."""
    lines = ["    KTAP version 1", "    # Subtest: mod_a", "    1..1", "    ok 1 a_case", "ok 1 mod_a",
             "    KTAP version 1", "    # Subtest: mod_b", "    1..2", "    ok 1 b_one", "    ok 2 b_two",
             "ok 1 mod_b"]
    docs = parse("\n".join(lines))
    assert [(d.version, [t.name for t in d.tests]) for d in docs] == [(None, ["mod_a"]), (None, ["mod_b"])]
    assert outcomes(docs[1].tests[0].subtests) == [("b_one", "ok"), ("b_two", "ok")]


def test_a_garbled_version_line_still_opens_a_document():
    docs = parse("garbage TAP ver\n1..2\nok 1 a\nok 2 b\n1..1\nnot ok 1 c\n")
    assert [outcomes(d.tests) for d in docs] == [[("a", "ok"), ("b", "ok")], [("c", "not ok")]]
    assert docs[0].version is None


def test_a_version_line_glued_to_the_firmwares_last_words():
    (doc,) = parse("Booting from ROM..\x1bc\x1b[2JTAP version 13\r\n1..1\r\nok 1 a\r\n")
    assert (doc.version, doc.lines) == ("TAP version 13", ["TAP version 13", "1..1", "ok 1 a"])


def test_no_ktap_no_document():
    assert parse("hello\n# a comment\n\n") == []


def test_long_output_keeps_its_end():
    p = ktap.Parser()
    p.feed("TAP version 13")
    p.feed("1..1")
    for i in range(ktap.OUTPUT_LINES + 5):
        p.feed(f"# line {i}")
    p.feed("not ok 1 noisy")
    text = p.documents()[0].tests[0].output.text().split("\n")
    assert text[0] == "[5 earlier lines left out]" and text[-1] == f"line {ktap.OUTPUT_LINES + 4}"


def test_documents_is_the_end():
    p = ktap.Parser()
    p.feed(b"TAP version 13\n")
    p.feed(b"1..2\n")
    p.feed(b"ok 1 first\n")
    docs = p.documents()
    assert docs is p.documents() and docs[0].missing == 1
