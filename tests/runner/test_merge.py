"""merge.py: the results of parts of a kselftest run (guests at once,
shards) as those of the whole run. The recorded runs of
tests/kselftest/samples/ are cut into the output run_kselftest.sh prints
for some of their tests (tests/lib/kselftest_runs.py: each part a run of
its own, its lines' times kept); each part's results are written and read back, put together, and
compared with the results of the whole: junit.xml the same bytes,
results.ktap the same bytes, results.json the same but for what only a
run of its own knows (its command lines, its tests' start on its clock)."""
import json
import random

import pytest

from kselftest_runs import blocks_of, parsed, recorded, runner_output
from runqemu import ktap, merge, results
from test_ktap import SAMPLES

# results.json's fields a merge cannot give as one run does.
RUN_ONLY = ("command_line", "qemu_command_line", "durations", "shard")


def facts(**kw):
    base = dict(command_line=["run-qemu", "--", "run"], exit_status=0, ended="status", command_status=0,
                kernel="build/vmlinuz", kernel_version="6.1.0-57-cloud-amd64", started=1765000000.0, t0=0.0,
                durations={"boot": None, "run": None, "whole": 100.0}, log="build/kselftest.log",
                timing="how", expected_suites=[])
    base.update(kw)
    return results.Facts(**base)


def written(d, docs, f):
    results.write(str(d), docs, f)
    with open(d / "results.json") as j:
        res = json.load(j)
    return (d / "junit.xml").read_text(), (d / "results.ktap").read_text(), res


def comparable(res):
    """results.json less what only one run knows: its command lines, its
    durations, the tests' start on its own clock."""
    res = {k: v for k, v in res.items() if k not in RUN_ONLY}
    res["tests"] = [{k: v for k, v in t.items() if k != "start"} for t in res["tests"]]
    return res


def whole_and_merged(tmp_path, name, split, part_facts=None, whole_facts=None, plans=None, unreached=()):
    """The whole run's results and the merge of SPLIT's parts' (each a
    list of tests), with the facts given (a part's, by its index).
    PLANS: a collection's plan where the run ended before its last tests,
    UNREACHED those tests (the merge knows them from the run's order)."""
    blocks = blocks_of(recorded(name))
    printed = list(blocks)
    order = printed + list(unreached)
    colls = list(dict.fromkeys(t.split(":")[0] for t in order))
    whole = written(tmp_path / "whole", parsed(runner_output(blocks, printed, plans)),
                    whole_facts or facts(expected_suites=colls))
    parts = []
    for i, tests in enumerate(split):
        f = (part_facts or {}).get(i) or facts(expected_suites=list(dict.fromkeys(t.split(":")[0] for t in tests)))
        written(tmp_path / f"part{i}", parsed(runner_output(blocks, tests, plans)), f)
        parts.append(merge.read(str(tmp_path / f"part{i}")))
    docs = merge.documents([p.documents for p in parts], order)
    f = merge.facts([p.facts for p in parts], colls, ["run-qemu", "--", "run"], 100.0)
    return whole, written(tmp_path / "merged", docs, f), order


def splits(order, seed):
    """Ways to cut ORDER: by collection, test by test, and at random into
    three parts, each part's tests in the run's order."""
    by_coll = {}
    for t in order:
        by_coll.setdefault(t.split(":")[0], []).append(t)
    rng = random.Random(seed)
    three = [[], [], []]
    for t in order:
        three[rng.randrange(3)].append(t)
    return {"by collection": list(by_coll.values()), "test by test": [[t] for t in order],
            "three at random": [p for p in three if p],
            "parts in reverse": list(reversed(list(by_coll.values())))}


@pytest.mark.parametrize("name", ["full-run", "pass-run", "min-kernel"])
@pytest.mark.parametrize("how", ["by collection", "test by test", "three at random", "parts in reverse"])
def test_parts_merged_are_the_whole_run(tmp_path, name, how):
    order = list(blocks_of(recorded(name)))
    (xml, text, res), (mxml, mtext, mres), _ = whole_and_merged(tmp_path, name, splits(order, 25)[how])
    assert mtext == text
    assert mxml == xml
    assert comparable(mres) == comparable(res)


def test_times_come_through(tmp_path):
    order = list(blocks_of(recorded("full-run")))
    (_, _, res), (_, _, mres), _ = whole_and_merged(tmp_path, "full-run", [[t] for t in order])
    assert [t["duration"] for t in mres["tests"]] == [t["duration"] for t in res["tests"]]
    assert any(t["duration"] for t in res["tests"])
    assert all(t["start"] is None for t in mres["tests"]) and mres["durations"]["whole"] == 100.0


def test_a_part_cut_short_is_cut_short_in_the_whole(tmp_path):
    """truncated: exec ended in its third test (a panic); the guest that
    ran it reports that, the others ran to their end."""
    blocks = blocks_of(recorded("truncated"))
    order = list(blocks)
    assert order[-1] == "exec:non-regular"
    panic = dict(exit_status=125, ended="panic", command_status=None, panic="Kernel panic - not syncing: Fatal",
                 status_lines=["the kernel panicked: not syncing: Fatal (console log: L)"])
    # The 9 exec tests after it and the collections never started.
    unreached = [f"exec:unreached-{n}" for n in range(9)] + ["kcmp:kcmp_test", "size:get_size",
                                                            "breakpoints:breakpoint_test"]
    split = [[t for t in order if t.startswith("timers:")], [t for t in order if t.startswith("exec:")]]
    every = ["timers", "exec", "kcmp", "size", "breakpoints"]
    (xml, text, res), (mxml, mtext, mres), _ = whole_and_merged(
        tmp_path, "truncated", split, part_facts={1: facts(expected_suites=["exec"], **panic)},
        whole_facts=facts(expected_suites=every, **panic), plans={"exec": 11}, unreached=unreached)
    assert (mtext, mxml) == (text, xml)
    assert comparable(mres) == comparable(res)
    assert mres["ended"] == "panic" and mres["documents"][1]["missing"] == 9
    assert mres["counts"]["suites_without_results"] == 3


def test_a_test_no_part_reported_is_missing(tmp_path):
    """A shard that never came: its tests count as never reported, a
    collection of its own as one without results."""
    blocks = blocks_of(recorded("pass-run"))
    order = list(blocks)
    part = [t for t in order if t not in ("exec:null-argv", "kcmp:kcmp_test")]
    d = tmp_path / "part"
    written(d, parsed(runner_output(blocks, part)), facts())
    p = merge.read(str(d))
    docs = merge.documents([p.documents], order)
    f = merge.facts([p.facts], ["timers", "exec", "breakpoints", "kcmp", "size"], ["merge-results"])
    _, text, res = written(tmp_path / "merged", docs, f)
    exec_doc = [d for d in res["documents"] if d["suite"] == "exec"][0]
    assert (exec_doc["plan"], exec_doc["results"], exec_doc["missing"]) == (4, 3, 1)
    assert res["counts"]["by_suite"]["kcmp"] is None and res["verdict"] == "fail"
    assert ("result 4 of 4 (never reported)", "MISS") in [(t["name"], t["status"]) for t in res["tests"]]
    assert "1..4\n" in text


def test_one_document_joined_alone_is_itself():
    for doc in parsed(runner_output(blocks_of(recorded("full-run")), list(blocks_of(recorded("full-run"))))):
        again = merge.join([doc])
        assert again.lines == doc.lines and again.plan == doc.plan and again.missing == doc.missing
        assert [t.number for t in again.tests] == [t.number for t in doc.tests]


def test_blocks_keep_every_line_and_own_them():
    doc = ktap.documents_of(["TAP version 13", "1..3", "# selftests: c: a", "# ok 1 x", "ok 1 selftests: c: a",
                             "#", "not ok 2 selftests: c: b # TIMEOUT 45 seconds", "# selftests: c: d",
                             "# still running"])[0]
    owned = merge.blocks(doc)
    assert [(t.name if t else None, lines) for t, lines in owned] == [
        ("a", ["# selftests: c: a", "# ok 1 x", "ok 1 selftests: c: a"]),
        ("b", ["#", "not ok 2 selftests: c: b # TIMEOUT 45 seconds"]),
        ("d", ["# selftests: c: d", "# still running"])]


def test_tests_are_numbered_again_in_the_run_order():
    a = ktap.documents_of(["TAP version 13", "1..1", "# selftests: c: y", "ok 1 selftests: c: y"])[0]
    b = ktap.documents_of(["TAP version 13", "1..2", "# selftests: c: x", "not ok 1 selftests: c: x # exit=1",
                           "# selftests: c: z", "ok 2 selftests: c: z # SKIP"])[0]
    doc = merge.join([a, b], ["x", "y", "z"])
    assert doc.lines == ["TAP version 13", "1..3", "# selftests: c: x", "not ok 1 selftests: c: x # exit=1",
                         "# selftests: c: y", "ok 2 selftests: c: y", "# selftests: c: z",
                         "ok 3 selftests: c: z # SKIP"]
    assert [(t.name, t.number) for t in doc.tests] == [("x", 1), ("y", 2), ("z", 3)]


def test_the_collections_come_in_the_run_order_other_documents_after():
    kunit = ktap.documents_of(["KTAP version 1", "1..1", "ok 1 example"], "kernel")[0]
    one = ktap.documents_of(["TAP version 13", "1..1", "ok 1 selftests: size: get_size"])
    two = ktap.documents_of(["TAP version 13", "1..1", "ok 1 selftests: kcmp: kcmp_test"])
    docs = merge.documents([one + [kunit], two], ["kcmp:kcmp_test", "size:get_size"])
    assert [d.suite_name() or d.kind() for d in docs] == ["kcmp", "size", "kernel"]
    # Without the run's order: the parts' order.
    assert [d.suite_name() for d in merge.documents([one, two])[:2]] == ["size", "kcmp"]


def test_the_facts_of_the_whole():
    clean = facts(taint_after="E", durations={"whole": 50.0})
    warned = facts(exit_status=122, status_lines=["the kernel warned"], kernel_trouble="WARNING at x",
                   first_splat=["WARNING: CPU: 0 at x"], taint_after="EW", taint_new="W", log="g2.log",
                   durations={"whole": 70.0})
    timed_out = facts(exit_status=124, ended="timeout", status_lines=["timed out"], log="g3.log",
                      started=1764999990.0, durations={"whole": 60.0})
    f = merge.facts([clean, warned, timed_out], ["a"], ["kselftest-jobs"])
    assert (f.exit_status, f.ended, f.status_lines) == (122, "status", ["the kernel warned", "timed out"])
    assert (f.kernel_trouble, f.first_splat, f.taint_after, f.taint_new) == \
        ("WARNING at x", ["WARNING: CPU: 0 at x"], "EW", "W")
    assert (f.started, f.durations["whole"], f.log, f.t0) == (1764999990.0, 70.0, "g2.log", None)
    f = merge.facts([clean, timed_out], ["a"], ["x"])
    assert (f.exit_status, f.ended, f.log) == (124, "timeout", "g3.log")
    f = merge.facts([clean, clean], ["a"], ["x"], whole=3.0)
    assert (f.exit_status, f.ended, f.status_lines, f.durations["whole"]) == (0, "status", [], 3.0)
    saved = results.Facts(exit_status=None, ended=None)
    assert (merge.facts([saved], [], ["x"]).ended, merge.facts([saved], [], ["x"]).exit_status) == (None, None)


def test_a_run_read_back_keeps_its_facts(tmp_path):
    f = facts(exit_status=122, kernel_trouble="WARNING at x", first_splat=["WARNING: CPU: 0 at x"],
              taint_before="E", taint_after="EW", taint_new="W", expected_suites=["timers", "nosuch"])
    written(tmp_path / "r", ktap.documents_of(open(f"{SAMPLES}/pass-run.ktap", "rb").read().split(b"\n")), f)
    back = merge.read(str(tmp_path / "r")).facts
    for k in ("exit_status", "ended", "command_status", "kernel", "kernel_version", "taint_before", "taint_after",
              "taint_new", "kernel_trouble", "first_splat", "panic", "started", "log", "timing"):
        assert getattr(back, k) == getattr(f, k), k
    assert back.expected_suites == ["nosuch"]


def test_what_cannot_be_read_back(tmp_path):
    with pytest.raises(merge.Unreadable, match="results.ktap: No such file or directory"):
        merge.read(str(tmp_path))
    (tmp_path / "results.ktap").write_text("")
    (tmp_path / "results.json").write_text("{")
    with pytest.raises(merge.Unreadable, match="not JSON"):
        merge.read(str(tmp_path))
    (tmp_path / "results.json").write_text('{"format": "something else"}')
    with pytest.raises(merge.Unreadable, match="not the results of a run"):
        merge.read(str(tmp_path))


def test_documents_without_a_version_line_merge_as_printed(tmp_path):
    """Linux 6.1's test modules print each suite's document with no
    version line; results.ktap gives it one, which reading back removes:
    two guests' parts merged are then one guest's run, results.json's
    documents too (make kunit MODULES=1 JOBS=2)."""
    def module(suite, test):
        return ["    KTAP version 1", f"    # Subtest: {suite}", "    1..1", f"    ok 1 {test}", f"ok 1 {suite}"]
    lines = module("a", "t") + module("b", "u") + module("c", "v")
    whole = written(tmp_path / "whole", ktap.documents_of(lines, "kernel"), facts())
    assert [d["version"] for d in whole[2]["documents"]] == [None, None, None]
    written(tmp_path / "g1", ktap.documents_of(lines[:10], "kernel"), facts())
    written(tmp_path / "g2", ktap.documents_of(lines[10:], "kernel"), facts())
    parts = [merge.read(str(tmp_path / g)) for g in ("g1", "g2")]
    assert [d.version for p in parts for d in p.documents] == [None, None, None]
    merged = written(tmp_path / "merged", merge.documents([p.documents for p in parts]),
                     merge.facts([p.facts for p in parts], [], ["run-qemu", "--", "run"], 100.0))
    assert merged[:2] == whole[:2]
    assert comparable(merged[2]) == comparable(whole[2])
