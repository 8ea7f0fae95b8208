"""The job's patterns as LAVA reads them (lavamatch: pexpect's search and
the monitor's and interactive steps' logic): on the kselftest runs saved in
tests/kselftest/samples, on KUnit's layout and on hand-made consoles, the
cases are those results.ktap_cases reads a line at a time, and the
kernel-health and exit-status steps judge the status line as run-qemu
does."""
import glob
import os
import random
import re

import pytest

import lavamatch
from conftest import TOP
from lavajob import job, kinds, patterns, results

SAMPLES = sorted(glob.glob(os.path.join(TOP, "tests", "kselftest", "samples", "*.ktap")))
STATUS_OK = "init: exit status 0\r\ninit: powering off\r\n[    5.1] reboot: Power down\r\n"


def a_job(kind="command"):
    images = job.Images(kernel="vmlinuz", rootfs="rootfs.img")
    return job.definition("t", kind, images, "console=ttyS0 -- true", 60)


def console(text, status=STATUS_OK):
    return text.replace("\r\n", "\n").replace("\n", "\r\n") + status


def read(text, **kw):
    return lavamatch.read(a_job(), text, **kw)


@pytest.mark.parametrize("sample", SAMPLES, ids=os.path.basename)
def test_kselftest_samples_give_the_same_cases(sample):
    text = open(sample, errors="replace").read()
    got = read(console(text))
    want = results.ktap_cases(text) + [("kernel-health", "pass"), ("exit-status", "pass")]
    assert got == want
    assert len(want) > 3


@pytest.mark.parametrize("sample", SAMPLES, ids=os.path.basename)
def test_chunks_and_window_lose_nothing(sample):
    """Text arriving a few hundred bytes at a time, LAVA keeping 4,000."""
    text = open(sample, errors="replace").read()
    for chunk in (1, 97, 1000):
        assert read(console(text), chunk=chunk, window=lavamatch.WINDOW) == read(console(text))


def test_the_kinds_of_result_line():
    text = "\n".join([
        "TAP version 13", "1..9",
        "ok 1 - plain",
        "not ok 2 failed one # with a comment",
        "ok 3 skipped one # SKIP no device",
        "not ok 4 expected # TODO not yet",
        "# ok 1 a subtest",
        "# # not ok 2 deeper",
        "ok 5 # SKIP kselftest's way of naming",
        "[    1.759548]     ok 1 example_simple_test",
        "    ok 2 example_skip_test # SKIP this test should be skipped",
        "ok 6 selftests: timers: posix_timers",
        "ok 7",
        "ok 8 # SKIP",
        "not ok 9 selftests: timers: rtcpie # TIMEOUT 45 seconds",
        "text before ok 10 not at a line start",
        "okay 11 not a result", ""])
    want = [("plain", "pass"), ("failed_one", "fail"), ("skipped_one", "skip"), ("expected", "skip"),
            ("a_subtest", "pass"), ("deeper", "fail"), ("kselftest_s_way_of_naming", "skip"),
            ("example_simple_test", "pass"), ("example_skip_test", "skip"),
            ("selftests_timers_posix_timers", "pass"), ("selftests_timers_rtcpie", "fail")]
    assert results.ktap_cases(text) == want
    assert read(console(text)) == want + [("kernel-health", "pass"), ("exit-status", "pass")]


def test_a_line_is_a_case_only_once_it_has_ended():
    """The name is not cut where the serial port paused."""
    c = lavamatch.Console("ok 1 a long na", chunk=4)
    mon = a_job()["actions"][2]["test"]["monitors"][0]
    assert lavamatch.monitor(c, mon) == ([], False)
    c = lavamatch.Console("ok 1 a long name\r\n" + STATUS_OK, chunk=4)
    assert lavamatch.monitor(c, mon) == ([("a_long_name", "pass")], True)


@pytest.mark.parametrize("status,health,exit_status", [
    ("init: exit status 0", "pass", "pass"),
    ("init: exit status 3", "pass", "fail"),
    ("init: exit status 0 taint=OE new=OE", "pass", "pass"),        # a module loaded
    ("init: exit status 0 taint=N", "pass", "pass"),                # KUnit ran at boot
    ("init: exit status 0 taint=WOE new=WOE", "fail", "pass"),      # a WARN
    ("init: exit status 137 taint=DOE new=D", "fail", "fail"),      # an oops killed it
    ("init: exit status 0 taint=W", "pass", "pass"),                # tainted before the test
    ("init: exit status 124", "pass", "fail"),                      # minroot.timeout
])
def test_the_status_line(status, health, exit_status):
    text = console("ok 1 x\n", status + "\r\ninit: powering off\r\n[    2.0] reboot: Power down\r\n")
    assert read(text) == [("x", "pass"), ("kernel-health", health), ("exit-status", exit_status)]


def test_a_panic_ends_the_monitor_and_fails_both_steps():
    text = console("ok 1 before\n", "[    3.2] Kernel panic - not syncing: splat: panic on demand\r\n"
                   "[    3.3] ---[ end Kernel panic - not syncing: splat: panic on demand ]---\r\n")
    assert read(text) == [("before", "pass"), ("kernel-health", "fail"), ("exit-status", "fail")]


def test_no_status_line_fails_the_health_and_ends_the_job():
    """The console ends (QEMU gone) with no status line: LAVA records the
    step it was in as failed and stops the job there (ConnectionClosedError)."""
    assert read(console("ok 1 before\n", "")) == [("before", "pass"), ("kernel-health", "fail")]


def test_the_status_line_before_the_power_off_is_not_yet_health():
    """kernel-health waits for the power-off: a splat while shutting down
    still taints (no status line comes after it, but the kernel prints it)."""
    c = lavamatch.Console("init: exit status 0\r\n", chunk=1000)
    script = a_job()["actions"][3]["test"]["interactive"][0]
    assert lavamatch.interactive(c, script)[0] == ("kernel-health", "fail")


def test_bad_taints_are_those_the_runner_counts():
    from runqemu.verdict import MODULE_TAINTS
    assert set(patterns.BAD_TAINTS) == set(patterns.TAINT_LETTERS) - MODULE_TAINTS
    assert "W" in patterns.BAD_TAINTS and "D" in patterns.BAD_TAINTS and "O" not in patterns.BAD_TAINTS


def test_runner_patterns_keep_to_their_line():
    """pexpect compiles with DOTALL: the runner's '.' must not run on."""
    p = re.compile(patterns.panic(), re.DOTALL)
    m = p.search("Kernel panic - not syncing: x\r\nnext line\r\n")
    assert m.group(0) == "Kernel panic - not syncing: x"


def test_the_kunit_console():
    """KUnit's KTAP as the kernel prints it at boot, between other lines."""
    text = "\n".join([
        "[    1.752698] KTAP version 1", "[    1.752700] 1..1",
        "[    1.754794]     KTAP version 1", "[    1.755918]     # Subtest: example",
        "[    1.755920]     1..3", "[    1.756000] random: crng init done",
        "[    1.759548]     ok 1 example_simple_test",
        "[    1.763000]     ok 2 example_skip_test # SKIP this test should be skipped",
        "[    1.766000]     not ok 3 example_failing_test",
        "[    1.767114] not ok 1 example", ""])
    assert read(console(text)) == [("example_simple_test", "pass"), ("example_skip_test", "skip"),
                                   ("example_failing_test", "fail"), ("example", "fail"),
                                   ("kernel-health", "pass"), ("exit-status", "pass")]


def test_random_noise_between_results():
    """Reads of up to 3,000 characters (LAVA reads at most 4,092 at a time
    and searches the last 4,000: a read near that size can drop the lines at
    its start, a limit of LAVA's own, see docs/lava.md)."""
    rng = random.Random(25)
    lines, want = [], []
    for i in range(1, 400):
        lines += ["# " * rng.randrange(3) + "x" * rng.randrange(300) for _ in range(rng.randrange(4))]
        word = rng.choice(["ok", "not ok"])
        lines.append(f"{word} {i} case {i}")
        want.append((f"case_{i}", "pass" if word == "ok" else "fail"))
    text = console("\n".join(lines) + "\n")
    for chunk in (1, 512, 3000):
        assert read(text, chunk=chunk, window=lavamatch.WINDOW)[:-2] == want


def test_kselftest_command_mounts_its_disk_by_uuid():
    t = kinds.kselftest(["size", "timers:nanosleep"], "0123")
    assert t.argv[:2] == ["sh", "-c"]
    assert "mount UUID=0123 /kselftest" in t.argv[2]
    assert t.argv[2].endswith("exec /kselftest/minroot/run -c size -t timers:nanosleep")
