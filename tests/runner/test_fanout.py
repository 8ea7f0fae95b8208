"""fanout.py: what the fan-outs (kselftest-jobs, kunit-jobs) share: an
earlier run's guest files cleared and nothing else, every guest started
before any is waited for, Ctrl-C while waiting waits on, a guest that left
no results stands as a run that did not end, the console logs joined in
order."""
from runqemu import fanout, ktap, results


class FakeGuest:
    def __init__(self, events, n, interrupt=False):
        self.events, self.n, self.interrupt = events, n, interrupt

    def wait(self):
        if self.interrupt:
            self.interrupt = False
            raise KeyboardInterrupt
        self.events.append(f"wait {self.n}")


def test_clear_removes_the_guests_files_only(tmp_path):
    (tmp_path / "guest-1").mkdir()
    (tmp_path / "guest-1" / "junit.xml").write_text("x")
    for name in ("guest-1.log", "guest-12.out", "results", "guest-x.log", "notes"):
        (tmp_path / name).write_text("x")
    fanout.clear(str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["guest-x.log", "notes", "results"]
    fanout.clear(str(tmp_path / "new"))
    assert (tmp_path / "new").is_dir()


def test_every_guest_starts_before_any_is_waited_for():
    events = []
    gs = [FakeGuest(events, 1), FakeGuest(events, 2)]
    assert fanout.run_all(gs, lambda g: events.append(f"start {g.n}")) is False
    assert events == ["start 1", "start 2", "wait 1", "wait 2"]


def test_ctrl_c_while_waiting_waits_on():
    events = []
    gs = [FakeGuest(events, 1, interrupt=True), FakeGuest(events, 2)]
    assert fanout.run_all(gs, lambda g: None) is True
    assert events == ["wait 1", "wait 2"]


def test_a_guest_without_results_did_not_end(tmp_path):
    part, why = fanout.read_part(str(tmp_path / "guest-3"), "guest 3 left no results", "g3.log")
    assert "results.ktap: No such file or directory" in why
    f = part.facts
    assert (part.documents, f.exit_status, f.ended, f.status_lines, f.log) == \
        ([], 125, "no status", ["guest 3 left no results"], "g3.log")


def test_a_guest_with_results_is_read_back(tmp_path):
    docs = ktap.documents_of(["KTAP version 1", "1..1", "ok 1 example"], "kernel")
    results.write(str(tmp_path / "guest-1"), docs, results.Facts(exit_status=0, ended="status"))
    part, why = fanout.read_part(str(tmp_path / "guest-1"), "unused", "g1.log")
    assert why is None and [d.lines for d in part.documents] == [d.lines for d in docs]
    assert part.facts.exit_status == 0


def test_the_logs_joined_in_order(tmp_path):
    (tmp_path / "a.log").write_bytes(b"one\n")
    (tmp_path / "c.log").write_bytes(b"three\n")
    dest = tmp_path / "out" / "all.log"
    fanout.join_logs([str(tmp_path / n) for n in ("a.log", "b.log", "c.log")], str(dest))
    assert dest.read_bytes() == b"one\nthree\n"
    assert sorted(p.name for p in dest.parent.iterdir()) == ["all.log"]
