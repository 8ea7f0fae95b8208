"""The job lava-job writes: its actions, each image's URL and QEMU
arguments, the timeouts, the YAML text read back."""
import os
import subprocess

import yaml

from conftest import TOP
from lavajob import job

LAVA_JOB = os.path.join(TOP, "qemu", "lava", "lava-job")
LINE = 'console=ttyS0 -- sh -c "echo it\'s; exit 3"'


def test_images_and_their_arguments():
    d = job.definition("n", "command", job.Images("/k/vmlinuz", rootfs="/i/rootfs.img"), LINE, 600)
    deploy = d["actions"][0]["deploy"]
    assert deploy["to"] == "tmpfs" and list(deploy["images"]) == ["kernel", "rootfs"]
    kernel, rootfs = deploy["images"]["kernel"], deploy["images"]["rootfs"]
    assert kernel["url"] == "file:///k/vmlinuz" and rootfs["url"] == "file:///i/rootfs.img"
    # The kernel line in single quotes, a quote in it the shell's way (LAVA
    # splits QEMU's command with pexpect, which reads quotes as sh does).
    assert kernel["image_arg"] == ("-kernel {kernel} -no-reboot -append 'console=ttyS0 -- sh -c \"echo it'\"'\"'s; "
                                   "exit 3\"' -device nvme,id=nvme0,serial=r0")
    assert rootfs["image_arg"] == ("-drive file={rootfs},if=none,id=d1,format=raw "
                                   "-device nvme-ns,drive=d1,bus=nvme0,nsid=1")


def test_the_kernel_line_survives_lava_s_splitting():
    import pexpect
    arg = job.image_args(job.Images("k", rootfs="r"), LINE)["kernel"]
    assert pexpect.split_command_line(arg)[4] == LINE


def test_initrd_and_tests_disk_and_url_prefix():
    images = job.Images("/k/vmlinuz", ramdisk="/k/initrd.cpio.gz", tests="/o/j.kselftest.img")
    d = job.definition("n", "kselftest", images, LINE, 60, "https://lab.example/files/")
    imgs = d["actions"][0]["deploy"]["images"]
    assert list(imgs) == ["kernel", "ramdisk", "tests"]
    assert imgs["ramdisk"] == {"url": "https://lab.example/files/initrd.cpio.gz", "image_arg": "-initrd {ramdisk}"}
    assert imgs["tests"]["url"] == "https://lab.example/files/j.kselftest.img"
    assert imgs["tests"]["image_arg"].endswith("nsid=1")
    assert "nvme,id=nvme0" in imgs["kernel"]["image_arg"]
    bare = job.definition("n", "command", job.Images("/k/vmlinuz", ramdisk="/k/i"), LINE, 60)
    assert "nvme" not in bare["actions"][0]["deploy"]["images"]["kernel"]["image_arg"]


def test_actions_and_timeouts():
    d = job.definition("n", "kunit", job.Images("k", rootfs="r"), LINE, 601)
    assert [next(iter(a)) for a in d["actions"]] == ["deploy", "boot", "test", "test"]
    assert d["actions"][1]["boot"] == {"method": "qemu", "media": "tmpfs", "timeout": {"minutes": 2}}
    mon = d["actions"][2]["test"]
    assert mon["monitors"][0]["name"] == "kunit" and mon["timeout"] == {"minutes": 11 + 10}
    assert d["timeouts"] == {"job": {"minutes": 10 + 2 + 21 + 5}, "connection": {"minutes": 21}}
    steps = d["actions"][3]["test"]["interactive"][0]["script"]
    assert [s["name"] for s in steps] == ["kernel-health", "exit-status"]
    assert d["context"] == {"arch": "amd64"} and d["device_type"] == "qemu"


def test_the_text_reads_back(tmp_path):
    kernel = tmp_path / "bzImage"
    kernel.write_bytes(b"k")
    out = tmp_path / "j.yaml"
    r = subprocess.run([LAVA_JOB, "--kernel", str(kernel), "--initrd", str(kernel), "-o", str(out),
                        "command", "--", "sh", "-c", "echo ok 1 - x"], capture_output=True, text=True)
    assert (r.returncode, r.stderr) == (0, "")
    text = out.read_text()
    assert text.startswith("# A LAVA job written by minroot's lava-job: command on bzImage.")
    d = yaml.safe_load(text)
    assert d["job_name"] == "minroot command on bzImage"
    mon = d["actions"][2]["test"]["monitors"][0]
    from lavajob import patterns
    assert (mon["pattern"], mon["end"], mon["start"]) == (patterns.KTAP_RESULT, patterns.MONITOR_END, "")
    assert sorted(os.listdir(tmp_path)) == ["bzImage", "j.yaml"]
    r = subprocess.run([LAVA_JOB, "--kernel", str(kernel), "--initrd", str(kernel), "command", "--", "true"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and yaml.safe_load(r.stdout)["device_type"] == "qemu"


def test_cases_of_a_file(tmp_path):
    out = tmp_path / "out.txt"
    out.write_text("TAP version 13\n1..2\nok 1 - a test\n# not ok 1 sub\nnot ok 2 b # SKIP why\n")
    r = subprocess.run([LAVA_JOB, "--cases", str(out)], capture_output=True, text=True)
    assert (r.returncode, r.stdout, r.stderr) == (0, "a_test: pass\nsub: fail\nb: skip\n", "")
    r = subprocess.run([LAVA_JOB, "--cases", str(tmp_path / "none")], capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.startswith("lava-job: error: --cases ") and r.stdout == ""
    r = subprocess.run([LAVA_JOB, "--cases"], capture_output=True, text=True)
    assert r.returncode == 2 and "--cases takes one FILE" in r.stderr
