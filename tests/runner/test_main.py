"""main.py's steps as the user sees them: the exit status and the one
line of each kind of ending that needs no guest."""
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile

import pytest

from conftest import TOP
from runqemu.main import main


@pytest.fixture
def files(tmp_path, monkeypatch):
    (tmp_path / "kernel").write_bytes(b"")
    (tmp_path / "disk.img").write_bytes(b"")
    monkeypatch.setenv("MINROOT_CACHE", str(tmp_path / "cache"))
    return ["--kernel", str(tmp_path / "kernel"), "--image", str(tmp_path / "disk.img"), "--accel", "tcg"]


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == "run-qemu 0.2.0\n"


def test_bad_input_is_2_and_one_line(files, capsys):
    assert main(files + ["--mem", "lots"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == "run-qemu: error: --mem must be a size like 256M, not 'lots'\n"


def test_qemu_not_found_is_125(files, capsys, monkeypatch):
    """A tool failure, not the user's input: the run could not happen."""
    monkeypatch.setenv("QEMU", "/nonexistent/qemu")
    assert main(files + ["--", "true"]) == 125
    out, err = capsys.readouterr()
    assert out == "" and err == "run-qemu: error: /nonexistent/qemu not found (Debian package qemu-system-x86)\n"


@pytest.fixture
def signals():
    """The session's signal handlers, undone after the test."""
    caught = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGWINCH, signal.SIGCHLD)
    saved = {sig: signal.getsignal(sig) for sig in caught}
    yield
    signal.set_wakeup_fd(-1)
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def test_qemu_that_cannot_start_is_125(files, capsys, monkeypatch, tmp_path, signals):
    fake = tmp_path / "qemu"
    fake.write_text("#!/nonexistent/interpreter\n")
    fake.chmod(0o755)
    monkeypatch.setenv("QEMU", str(fake))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert main(files + ["--", "true"]) == 125
    err = capsys.readouterr().err
    assert err == f"run-qemu: error: cannot start {fake}: No such file or directory\n"


def test_results_dir_that_cannot_be_written_is_2_before_qemu(files, capsys, monkeypatch, tmp_path):
    """A file in DIR's place, and a directory run-qemu may not write (as
    nobody when run as root): one line, 2, QEMU never looked for."""
    monkeypatch.setenv("QEMU", "/nonexistent/qemu")
    (tmp_path / "taken").write_text("mine")
    assert main(files + ["--results", str(tmp_path / "taken"), "--", "true"]) == 2
    out, err = capsys.readouterr()
    assert err == f"run-qemu: error: --results {tmp_path}/taken: not a directory\n"
    assert (tmp_path / "taken").read_text() == "mine"


@pytest.fixture
def open_dir():
    """A directory anyone may enter (pytest's own is root's alone)."""
    d = tempfile.mkdtemp(prefix="run-qemu-test.")
    os.chmod(d, 0o755)
    yield pathlib.Path(d)
    shutil.rmtree(d)


def test_results_dir_without_permission(open_dir):
    """A directory run-qemu may not write in (as nobody, when the tests run
    as root, who writes anywhere): one line, 2, nothing left there."""
    t = open_dir
    for name in ("kernel", "disk.img"):
        (t / name).write_bytes(b"")
        (t / name).chmod(0o644)
    locked = t / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    shutil.copytree(os.path.join(TOP, "qemu", "runqemu"), t / "pkg" / "runqemu",
                    ignore=shutil.ignore_patterns("__pycache__"))
    run = [sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); from runqemu.main import main; "
           "sys.exit(main(sys.argv[2:]))", str(t / "pkg"), "--kernel", str(t / "kernel"),
           "--image", str(t / "disk.img"), "--accel", "tcg", "--results", str(locked / "r"), "--", "true"]
    if os.geteuid() == 0:
        run = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"] + run
    env = dict(os.environ, QEMU="/nonexistent/qemu", HOME="/nonexistent", MINROOT_CACHE=str(t / "cache"),
               PYTHONDONTWRITEBYTECODE="1")
    r = subprocess.run(run, capture_output=True, text=True, env=env, cwd="/")
    assert (r.returncode, r.stdout, r.stderr) == \
        (2, "", f"run-qemu: error: --results {locked}/r: cannot write there: Permission denied\n")
    assert os.listdir(locked) == []


def test_print(files, capsys, monkeypatch):
    monkeypatch.setenv("QEMU", "true")
    assert main(files + ["--print", "--disk", "ide"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("true -accel tcg -m 256M ") and "-drive format=raw,file=" in out


def test_the_facts_a_run_gives_its_results():
    """run_facts: taint before and after, the durations, how it ended."""
    import types
    from runqemu.console import Scan
    from runqemu.main import run_facts
    from runqemu.options import parse_options
    o = parse_options(["--kernel", "/k", "--results", "R", "--expect-suites", "a,b", "--", "t"])
    session = types.SimpleNamespace(taint="OEW", new_taint="W", t0=100.0, ready_at=102.5, status_at=110.0,
                                    ended_at=111.0, status=0, interrupted=0, host_timeout=False, restarted=False)
    scan = Scan()
    for line in ["Linux version 6.1.0-9-amd64 (x)", "WARNING: CPU: 0 PID: 1 at a.c:1 f", "---[ end trace 1 ]---"]:
        scan.line(line)
    plan = types.SimpleNamespace(qemu_argv=["qemu-system-x86_64", "-m", "256M"])
    f = run_facts(o, plan, session, scan, 122, ["the line"], "/log", (["--kernel", "/k"], 1.0, 99.0))
    assert (f.taint_before, f.taint_after, f.taint_new) == ("OE", "OEW", "W")
    assert (f.durations["boot"], f.durations["run"]) == (2.5, 7.5) and f.durations["whole"] > 0
    assert (f.ended, f.exit_status, f.command_status, f.kernel_version) == ("status", 122, 0, "6.1.0-9-amd64")
    assert f.kernel_trouble.endswith("WARNING: CPU: 0 PID: 1 at a.c:1 f") and len(f.first_splat) == 2
    assert (f.command_line, f.expected_suites, f.t0, f.log) == (["run-qemu", "--kernel", "/k"], ["a", "b"], 100.0, "/log")
