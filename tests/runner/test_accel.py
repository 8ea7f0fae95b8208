"""accel.py: the KVM probe's verdict kept in the cache (keyed by the
host's boot, the QEMU program and /dev/kvm; a changed key or a damaged
entry probes again; two runs at once probe once), and the accelerator
asked for (--accel, then $MINROOT_ACCEL, then auto)."""
import os
import threading
import time
import types

import pytest

from runqemu import accel
from runqemu.options import fill_defaults, parse_options
from runqemu.status import Usage


def st(**kw):
    base = dict(st_ino=11, st_size=22, st_mtime_ns=33, st_rdev=0xa0e8, st_ctime_ns=44)
    return types.SimpleNamespace(**{**base, **kw})


KEY = accel.probe_key("boot-1", "/usr/bin/qemu-system-x86_64", st(), st())


class Probe:
    """A probe that counts its calls and answers what it is told."""

    def __init__(self, works=False, why="a probe guest did not finish within 4 s"):
        self.calls, self.works, self.why = 0, works, why

    def __call__(self):
        self.calls += 1
        return self.works, self.why


def test_a_verdict_is_probed_once_then_kept(tmp_path):
    probe = Probe()
    assert accel.verdict(str(tmp_path), KEY, probe) == (False, probe.why, False)
    assert accel.verdict(str(tmp_path), KEY, probe) == (False, probe.why, True)
    assert probe.calls == 1


@pytest.mark.parametrize("changed", [
    dict(boot_id="boot-2"), dict(qemu_path="/opt/qemu/bin/qemu-system-x86_64"),
    dict(qemu_st=st(st_ino=12)), dict(qemu_st=st(st_size=23)), dict(qemu_st=st(st_mtime_ns=34)),
    dict(kvm_st=st(st_rdev=0xa0e9)), dict(kvm_st=st(st_ctime_ns=45))])
def test_a_changed_key_probes_again(tmp_path, changed):
    probe = Probe()
    accel.verdict(str(tmp_path), KEY, probe)
    facts = dict(boot_id="boot-1", qemu_path="/usr/bin/qemu-system-x86_64", qemu_st=st(), kvm_st=st())
    other = accel.probe_key(**{**facts, **changed})
    assert other != KEY
    assert accel.verdict(str(tmp_path), other, probe)[2] is False
    assert probe.calls == 2


@pytest.mark.parametrize("damage", [b"", b"{", b"not json", b"[]", b'{"key": 1}',
                                    b'{"works": "yes", "why": ""}'])
def test_a_damaged_entry_is_probed_again_and_mended(tmp_path, damage):
    path = accel.entry_path(str(tmp_path), KEY)
    with open(path, "wb") as f:
        f.write(damage)
    probe = Probe(works=True, why="")
    assert accel.verdict(str(tmp_path), KEY, probe) == (True, "", False)
    assert accel.verdict(str(tmp_path), KEY, probe) == (True, "", True)
    assert probe.calls == 1


def test_an_entry_for_another_key_is_not_taken():
    raw = b'{"key": {"boot": "x"}, "works": true, "why": ""}'
    assert accel.parse_verdict(raw, KEY) is None
    assert accel.parse_verdict(raw.replace(b'{"boot": "x"}', accel.json.dumps(KEY).encode()), KEY) == (True, "")


def test_two_runs_at_once_probe_once(tmp_path):
    """The second run waits on the lock while the first probes, then
    reads the first's verdict."""
    probe = Probe()
    got = []
    with accel.locked(os.path.join(tmp_path, "lock")):
        other = threading.Thread(target=lambda: got.append(accel.verdict(str(tmp_path), KEY, probe)))
        other.start()
        time.sleep(0.2)
        assert got == [] and probe.calls == 0
        # The first run, holding the lock, writes its verdict.
        accel.write_entry(accel.entry_path(str(tmp_path), KEY),
                          accel.json.dumps({"key": KEY, "works": False, "why": "first's"}).encode())
    other.join(10)
    assert got == [(False, "first's", True)] and probe.calls == 0


def test_a_cache_that_cannot_be_written_still_probes(tmp_path):
    (tmp_path / "file").write_text("")     # no directory can be made under a file, even by root
    probe = Probe()
    for _ in range(2):
        assert accel.verdict(str(tmp_path / "file" / "accel"), KEY, probe) == (False, probe.why, False)
    assert probe.calls == 2


def test_the_notice_says_the_verdict_was_kept(tmp_path, monkeypatch, capsys):
    kvm = tmp_path / "kvm"
    kvm.write_text("")
    monkeypatch.setattr(accel, "KVM", str(kvm))
    monkeypatch.setattr(accel, "host_key", lambda qemu: KEY)
    monkeypatch.setattr(accel, "run_probe", lambda qemu, tmp: (False, "a probe guest failed with status 1"))
    cache = str(tmp_path / "cache")
    assert not accel.kvm_works("q", str(tmp_path), cache)
    assert not accel.kvm_works("q", str(tmp_path), cache)
    lines = capsys.readouterr().err.splitlines()
    assert lines == ["run-qemu: KVM is unusable here (a probe guest failed with status 1); using TCG",
                     "run-qemu: KVM is unusable here (cached since boot: a probe guest failed with status 1); "
                     "using TCG"]


def asked(argv, env):
    o = parse_options(argv)
    fill_defaults(o, env)
    return o.accel


def test_accel_option_then_environment_then_auto():
    assert asked([], {}) == "auto"
    assert asked([], {"MINROOT_ACCEL": "tcg"}) == "tcg"
    assert asked(["--accel", "kvm"], {"MINROOT_ACCEL": "tcg"}) == "kvm"
    assert asked(["--accel=auto"], {"MINROOT_ACCEL": "tcg"}) == "auto"
    assert asked([], {"MINROOT_ACCEL": ""}) == "auto"


def test_a_bad_minroot_accel_is_refused_in_one_line():
    with pytest.raises(Usage) as e:
        asked([], {"MINROOT_ACCEL": "xen"})
    assert str(e.value) == "MINROOT_ACCEL must be auto, kvm or tcg, not 'xen'"
    assert asked(["--accel", "tcg"], {"MINROOT_ACCEL": "xen"}) == "tcg"   # --accel wins: not read
