"""Reading lava-run's log (YAML lines, "lvl: results") into the job's
cases, a direct run's into the same form, and comparing them; on logs of
real lava-run runs (tests/lava/data/)."""
import os

from conftest import DATA
from lavajob import results


def log(name):
    return open(os.path.join(DATA, name), errors="replace").read()


def test_a_warn_run():
    found = results.lava_results(log("lava-run-warn.log"))
    assert results.lava_cases(found, "command") == [("after_warn", "pass"), ("kernel-health", "fail"),
                                                     ("exit-status", "pass")]
    assert results.job_result(found) == "pass"


def test_a_kselftest_run():
    found = results.lava_results(log("lava-run-kselftest.log"))
    assert results.lava_cases(found, "kselftest") == [
        ("get_runtime_memory_use", "pass"), ("selftests_size_get_size", "pass"),
        ("selftests_kcmp_kcmp_test", "pass"), ("kernel-health", "pass"), ("exit-status", "pass")]


def test_a_panic_run():
    found = results.lava_results(log("lava-run-panic.log"))
    assert results.lava_cases(found, "command") == [("before", "pass"), ("kernel-health", "fail"),
                                                     ("exit-status", "fail")]


def test_the_console_in_the_log_reads_as_lava_read_it():
    """The target lines of the kselftest log, read a line at a time, give
    the cases LAVA recorded."""
    console = "\n".join(r["msg"] for r in results.log_records(log("lava-run-kselftest.log"))
                        if r.get("lvl") == "target" and isinstance(r.get("msg"), str))
    lava = results.lava_cases(results.lava_results(log("lava-run-kselftest.log")), "kselftest")
    assert results.ktap_cases(console) == lava[:-2]


def test_direct_cases():
    out = "TAP version 13\n1..2\nok 1 a\nnot ok 2 b # SKIP c\n"
    assert results.direct_cases(out, 3, None) == [("a", "pass"), ("b", "skip"), ("kernel-health", "pass"),
                                                  ("exit-status", "fail")]
    assert results.direct_cases("", 0, "the kernel reported a problem")[-2:] == [("kernel-health", "fail"),
                                                                              ("exit-status", "pass")]
    assert results.direct_cases("", 125, None)[-2:] == [("kernel-health", "fail"), ("exit-status", "fail")]


def test_differences():
    a = [("x", "pass"), ("y", "fail")]
    assert results.differences(a, list(a)) == []
    assert results.differences(a, [("x", "pass"), ("y", "pass")]) == [
        "case 2: LAVA ('y', 'fail'), direct run ('y', 'pass')"]
    assert results.differences(a, a[:1]) == ["case 2: LAVA ('y', 'fail'), direct run nothing"]


def test_case_names_as_lava_makes_them():
    assert results.case_id("  selftests: timers: posix_timers ") == "selftests_timers_posix_timers"
    assert results.case_id("CLOCK_REALTIME") == "clock_realtime"
