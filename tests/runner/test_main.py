"""main.py's steps as the user sees them: the exit status and the one
line of each kind of ending that needs no guest."""
import signal

import pytest

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


def test_print(files, capsys, monkeypatch):
    monkeypatch.setenv("QEMU", "true")
    assert main(files + ["--print", "--disk", "ide"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("true -accel tcg -m 256M ") and "-drive format=raw,file=" in out
