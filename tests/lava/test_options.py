"""lava-job's refusals: each bad input is one line and status 2, and
nothing is written; the checks of the command that goes on the kernel
line."""
import os
import subprocess

import pytest

from conftest import TOP
from lavajob import cmdline, kinds, options
from runqemu.status import Usage

LAVA_JOB = os.path.join(TOP, "qemu", "lava", "lava-job")


@pytest.fixture
def files(tmp_path):
    kernel, image = tmp_path / "vmlinuz", tmp_path / "rootfs.img"
    kernel.write_bytes(b"k")
    image.write_bytes(b"i")
    return ["--kernel", str(kernel), "--image", str(image)]


def refused(argv, text):
    with pytest.raises(Usage) as e:
        options.parse(argv)
    assert text in str(e.value)


@pytest.mark.parametrize("argv,text", [
    (["fuzz"], "unknown test 'fuzz' (known: command, kselftest, kunit)"),
    (["command"], "command: name the command after --"),
    (["command", "--"], "command: name the command after --"),
    (["command", "--", "sh", "-c", 'echo "hi"'], "has a double quote"),
    (["command", "--", "printf", "a\nb"], "a line break"),
    (["command", "--"] + ["x"] * 32, "32 words; the kernel passes init at most 31"),
    (["kselftest"], "name at least one COLLECTION"),
    (["kselftest", "../etc"], "is neither COLLECTION nor COLLECTION:TEST"),
    (["kselftest", "timers:a:b"], "is neither COLLECTION nor COLLECTION:TEST"),
    (["kselftest", "size"], "kselftest: name the job file with -o"),
    (["kunit", "a b"], "kunit: one SUITE-GLOB at most"),
    (["kunit", "a", "b"], "kunit: one SUITE-GLOB at most"),
    (["--timeout", "0", "command", "--", "true"], "--timeout must be a positive number"),
    (["--timeout", "x", "command", "--", "true"], "invalid int value"),
])
def test_bad_test(files, argv, text):
    refused(files + argv, text)


@pytest.mark.parametrize("prefix,text", [
    ("lab/files", "is not a URL LAVA downloads from (scheme missing"),
    ("ftp://lab/files", "is not a URL LAVA downloads from (scheme ftp"),
    ("https://", "has no host"),
    ("file://lab/files", "a file URL names an absolute directory"),
    ("https://lab/files?x=1", "has a query or fragment"),
    ("http://[::1", "is not a URL"),
])
def test_bad_url_prefix(files, prefix, text):
    refused(files + ["--url-prefix", prefix, "command", "--", "true"], text)


def test_good_url_prefixes(files):
    for prefix in ("https://lab.example/minroot/", "http://10.0.0.1:8000", "file:///srv/images"):
        assert options.parse(files + ["--url-prefix", prefix, "command", "--", "true"]).url_prefix == prefix


def test_missing_files(tmp_path, files):
    refused(["--kernel", str(tmp_path / "nope")] + files[2:] + ["command", "--", "true"],
            f"the kernel {tmp_path / 'nope'}: no such file")
    refused(files[:2] + ["--image", str(tmp_path)] + ["command", "--", "true"], "not a regular file")
    refused(files[:2] + ["--initrd", str(tmp_path / "i.cpio")] + ["command", "--", "true"], "the initrd")
    refused(files + ["--tests", str(tmp_path), "-o", "j.yaml", "kselftest", "size"], "no run_kselftest.sh")


def test_a_name_qemu_cannot_take(tmp_path, files):
    odd = tmp_path / "root,fs.img"
    odd.write_bytes(b"i")
    refused(files[:2] + ["--image", str(odd), "command", "--", "true"], "a space, comma, quote or brace")


def test_defaults(files, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "rootfs.img").write_bytes(b"i")
    o = options.parse(files[:2] + ["command", "--", "true"])
    assert (o.image, o.initrd, o.timeout, o.args) == ("build/rootfs.img", None, 600, ["true"])
    o = options.parse(files[:2] + ["--initrd", files[3], "command", "true"])
    assert (o.image, o.args) == (None, ["true"])
    o = options.parse(files + ["-o", "out/j.yaml", "kselftest", "size"])
    assert o.tests_image == "out/j.kselftest.img"


def test_the_kernel_line():
    t = kinds.command(["sh", "-c", "echo a  b; exit 3", ""])
    line = cmdline.kernel_line(t, True, 600)
    assert line == ("console=ttyS0 loglevel=5 root=/dev/nvme0n1 rw panic=-1 nohz=off highres=off "
                    'watchdog_thresh=60 no_timer_check edd=off minroot.timeout=600 -- sh -c "echo a  b; exit 3" ""')
    assert "root=" not in cmdline.kernel_line(t, False, 600)
    k = cmdline.kernel_line(kinds.kunit("ext4_*"), True, 60)
    assert "loglevel=7" in k and "kunit.filter_glob=ext4_* --" in k and k.endswith("-- true")


def test_a_line_too_long():
    line = cmdline.kernel_line(kinds.command(["x" * 1000, "y" * 1000]), True, 600)
    with pytest.raises(Usage) as e:
        cmdline.check_length(line)
    assert "the kernel keeps 2047" in str(e.value)


def test_refusals_are_one_line_and_write_nothing(tmp_path, files):
    out = tmp_path / "job.yaml"
    for argv in (["fuzz"], ["command", "--", 'a"b'], ["--url-prefix", "lab", "command", "--", "true"],
                 ["--kernel", str(tmp_path / "none"), "command", "--", "true"]):
        r = subprocess.run([LAVA_JOB] + files + ["-o", str(out)] + argv, capture_output=True, text=True)
        assert r.returncode == 2, r
        assert r.stdout == "" and len(r.stderr.splitlines()) == 1 and r.stderr.startswith("lava-job: error: ")
        assert sorted(os.listdir(tmp_path)) == ["rootfs.img", "vmlinuz"]
