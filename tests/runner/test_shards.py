"""qemu/kselftest/shards.py: the order run_kselftest.sh runs tests in,
the durations read from a results.json or a list, the tests dealt to
guests and shards (each test once, the same plan from the same inputs,
balanced by the durations or the count), SHARD=I/N and GitLab's
CI_NODE_INDEX/CI_NODE_TOTAL."""
import itertools
import json
import os
import sys

import pytest

from conftest import TOP

sys.path.insert(0, os.path.join(TOP, "qemu", "kselftest"))
import shards  # noqa: E402

DEFAULT = ["timers:posix_timers", "timers:nanosleep", "timers:inconsistency-check", "timers:threadtest",
           "exec:recursion-depth", "exec:null-argv", "exec:load_address.0x1000", "exec:binfmt_script.py",
           "kcmp", "size", "breakpoints:breakpoint_test"]
LISTING = ["timers:posix_timers", "timers:nanosleep", "timers:raw_skew", "exec:recursion-depth",
           "exec:null-argv", "kcmp:kcmp_test", "size:get_size", "breakpoints:breakpoint_test",
           "breakpoints:step_after_suspend_test"]
KNOWN = shards.durations(os.path.join(TOP, "qemu", "kselftest", "durations"))


def order():
    full = LISTING + ["timers:inconsistency-check", "timers:threadtest", "exec:load_address.0x1000",
                      "exec:binfmt_script.py"]
    return shards.run_order(DEFAULT, full)


def test_the_order_run_kselftest_sh_runs_them_in():
    # The -t tests first, the -c collections after, whole; then each
    # collection's tests together, in the order the collections came.
    assert order() == ["timers:posix_timers", "timers:nanosleep", "timers:inconsistency-check",
                       "timers:threadtest", "exec:recursion-depth", "exec:null-argv", "exec:load_address.0x1000",
                       "exec:binfmt_script.py", "breakpoints:breakpoint_test", "kcmp:kcmp_test", "size:get_size"]
    assert shards.run_order(["kcmp", "timers:nanosleep", "timers"], LISTING) == \
        ["timers:nanosleep", "timers:posix_timers", "timers:raw_skew", "kcmp:kcmp_test"]
    assert shards.run_order(["size", "size"], LISTING) == ["size:get_size"]


def test_the_committed_durations_are_the_default_sets():
    assert sorted(KNOWN) == sorted(order())
    assert all(v > 0 for v in KNOWN.values())


def test_durations_from_a_results_json(tmp_path):
    r = {"format": "minroot-results 1", "tests": [
        {"path": "kselftest.timers.posix_timers", "subtest": False, "duration": 28.0},
        {"path": "kselftest.timers.posix_timers: Check itimer", "subtest": True, "duration": 1.0},
        {"path": "kselftest.exec.load_address.0x1000", "subtest": False, "duration": 0.8},
        {"path": "kselftest.exec.execveat", "subtest": False, "duration": None},
        {"path": "minroot.kernel-health", "subtest": False, "duration": None}]}
    (tmp_path / "r.json").write_text(json.dumps(r))
    assert shards.durations(str(tmp_path / "r.json")) == {"timers:posix_timers": 28.0,
                                                           "exec:load_address.0x1000": 0.8}


def test_durations_from_a_list_and_its_bad_lines(tmp_path):
    (tmp_path / "d").write_text("# seconds\ntimers:a 2.5\n\nexec:b 1  # fast\n")
    assert shards.durations(str(tmp_path / "d")) == {"timers:a": 2.5, "exec:b": 1.0}
    (tmp_path / "d").write_text("timers:a 2.5\ntimers 3\n")
    with pytest.raises(ValueError, match="line 2: not 'COLLECTION:TEST SECONDS': timers 3"):
        shards.durations(str(tmp_path / "d"))
    (tmp_path / "d").write_text("timers:a lots\n")
    with pytest.raises(ValueError):
        shards.durations(str(tmp_path / "d"))


@pytest.mark.parametrize("n", [1, 2, 3, 4, 7, 20])
@pytest.mark.parametrize("known", ["durations", "none"])
def test_every_test_once_in_run_order_the_same_plan_every_time(n, known):
    k = KNOWN if known == "durations" else {}
    bins = shards.split(order(), k, n)
    assert len(bins) == n
    flat = [t for b in bins for t in b]
    assert sorted(flat) == sorted(order())
    for b in bins:
        assert b == [t for t in order() if t in b]
    assert shards.split(list(order()), dict(k), n) == bins


def test_two_guests_for_the_default_set_are_balanced_by_duration():
    bins = shards.split(order(), KNOWN, 2)
    loads = [sum(KNOWN[t] for t in b) for b in bins]
    # timers (46 s of 55) is dealt test by test: no guest waits on it alone.
    assert max(loads) <= sum(loads) / 2 + max(KNOWN[t] for t in order() if not t.startswith("timers:"))
    assert sorted(loads) == pytest.approx([26.0, 29.0], abs=0.05)


def test_a_short_collection_stays_whole_a_long_one_is_dealt_test_by_test():
    parts = shards.parts(order(), KNOWN, 2)
    entries = [p.entries for p in parts]
    assert ["exec:recursion-depth", "exec:null-argv", "exec:load_address.0x1000", "exec:binfmt_script.py"] in entries
    assert ["timers:posix_timers"] in entries and ["timers:threadtest"] in entries
    # One bin: nothing is cut.
    assert [p.entries[0].split(":")[0] for p in shards.parts(order(), KNOWN, 1)] == \
        ["timers", "exec", "breakpoints", "kcmp", "size"]


def test_without_durations_the_count_balances():
    bins = shards.split(order(), {}, 2)
    assert sorted(len(b) for b in bins) == [5, 6]
    # A test the durations do not know counts as their mean.
    secs = shards.estimate(["a:x", "a:y", "b:z"], {"a:x": 4.0, "b:z": 2.0})
    assert secs == {"a:x": 4.0, "a:y": 3.0, "b:z": 2.0}


def test_more_bins_than_tests_leaves_some_empty():
    bins = shards.split(["kcmp:kcmp_test", "size:get_size"], KNOWN, 4)
    assert [len(b) for b in bins] == [1, 1, 0, 0]


def test_shards_together_are_the_run():
    for n in (1, 2, 3, 5):
        got = [shards.shard_tests(order(), KNOWN, (i, n)) for i in range(1, n + 1)]
        assert sorted(itertools.chain(*got)) == sorted(order())


def test_shard_from_the_option_or_gitlabs_variables():
    assert shards.shard_from("2/3", {}) == (2, 3)
    assert shards.shard_from("", {"CI_NODE_INDEX": "3", "CI_NODE_TOTAL": "4"}) == (3, 4)
    # SHARD given wins over the job's variables.
    assert shards.shard_from("1/2", {"CI_NODE_INDEX": "3", "CI_NODE_TOTAL": "4"}) == (1, 2)
    assert shards.shard_from("", {}) is None
    for bad in ("0/2", "3/2", "1/0", "a/b", "2", "1/2/3", "-1/2"):
        with pytest.raises(shards.BadShard, match="is not I/N with 1 <= I <= N"):
            shards.shard_from(bad, {})
    with pytest.raises(shards.BadShard, match="CI_NODE_INDEX=2 CI_NODE_TOTAL= is not a shard I of N"):
        shards.shard_from("", {"CI_NODE_INDEX": "2"})
