"""rootid.py and plan.choose_root: how the kernel line names the root.
Alone on its bus, by its device; beside other disks, by its ext UUID,
which a stage 1 finds (the init alone when no initrd is there yet);
--append's root= wins; an image with no ext UUID keeps its device, said
in one line."""
import uuid

import pytest

from lines import STAGE1, plan_for
from runqemu.rootid import ext_uuid, image_uuid, names_root, root_choice

U = "6049eae5-6013-8adf-ac1d-88f48857f824"
ROOT = {"nvme": "/dev/nvme0n1", "ide": "/dev/sda", "virtio": "/dev/vda"}


def superblock(u=U, magic=b"\x53\xef"):
    sb = bytearray(1024)
    sb[0x38:0x3a] = magic
    sb[0x68:0x78] = uuid.UUID(u).bytes
    return bytes(sb)


def test_ext_uuid_from_a_superblock():
    assert ext_uuid(superblock()) == U
    assert ext_uuid(superblock(magic=b"\x00\x00")) is None, "not ext"
    assert ext_uuid(superblock(u="00000000-0000-0000-0000-000000000000")) is None, "zeros name no disk"
    assert ext_uuid(superblock()[:0x70]) is None, "cut short"


def test_image_uuid_reads_the_superblock(tmp_path):
    img = tmp_path / "i.img"
    img.write_bytes(bytes(1024) + superblock() + bytes(2048))
    assert image_uuid(str(img)) == U
    (tmp_path / "short").write_bytes(b"x" * 100)
    assert image_uuid(str(tmp_path / "short")) is None
    assert image_uuid(str(tmp_path / "missing")) is None


@pytest.mark.parametrize("append, said", [("root=/dev/sda", True), ("quiet root=UUID=x", True),
                                          ("rootwait", False), ("minroot.root=x", False), ("", False)])
def test_names_root(append, said):
    assert names_root(append) == said


def test_root_choice():
    assert root_choice("ide", "I", "", 0, None) == ("/dev/sda", False, None), "alone: its name cannot change"
    assert root_choice("ide", "I", "", 0, U) == ("/dev/sda", False, None), "alone: no stage 1 needed"
    assert root_choice("ide", "I", "", 2, U) == (f"UUID={U}", True, None)
    assert root_choice("nvme", "I", "root=/dev/sda", 2, U) == (None, False, None), "the user's root= wins"
    dev, stage1, line = root_choice("virtio", "I", "", 1, None)
    assert (dev, stage1) == ("/dev/vda", False)
    assert line == ("I: no ext2/3/4 UUID to find the root by: root=/dev/vda may name another of the 2 disks "
                    "(give root= in --append to choose)")


K = ["--kernel", "K", "--image", "I"]


@pytest.mark.parametrize("disk", ["nvme", "ide", "virtio"])
def test_kernel_line_with_other_disks_names_the_uuid(disk):
    o, plan = plan_for(K + ["--disk", disk, "--", "true"], extra=["E1"], image_uuid=U)
    words = plan.cmdline.split()
    assert f"root=UUID={U}" in words and "rw" in words and not any(w.startswith("root=/") for w in words)
    q = plan.qemu_argv
    assert q[q.index("-initrd") + 1] == STAGE1, "a stage 1 finds it"
    assert q.index("-initrd") < q.index("-append")


@pytest.mark.parametrize("disk", ["nvme", "ide", "virtio"])
def test_root_alone_keeps_its_device_and_needs_no_stage1(disk):
    o, plan = plan_for(K + ["--disk", disk], image_uuid=U)
    assert f"root={ROOT[disk]} rw" in plan.cmdline and "-initrd" not in plan.qemu_argv


def test_an_initrd_already_there_finds_the_uuid():
    o, plan = plan_for(K + ["--initrd", "MINE"], extra=["E1"], image_uuid=U)
    q = plan.qemu_argv
    assert f"root=UUID={U}" in plan.cmdline and q[q.index("-initrd") + 1] == "MINE" and q.count("-initrd") == 1


def test_the_users_root_wins():
    o, plan = plan_for(K + ["--disk", "ide", "--append", "root=/dev/sda"], extra=["E1"], image_uuid=U)
    words = plan.cmdline.split()
    assert [w for w in words if w.startswith("root=")] == ["root=/dev/sda"] and "rw" in words
    assert "-initrd" not in plan.qemu_argv, "the user chose: no stage 1 of ours"


def test_no_uuid_keeps_the_device_in_one_line(capsys):
    o, plan = plan_for(K + ["--disk", "ide"], extra=["E1", "E2"], image_uuid=None)
    assert "root=/dev/sda rw" in plan.cmdline and "-initrd" not in plan.qemu_argv
    err = capsys.readouterr().err.splitlines()
    assert err == ["run-qemu: I: no ext2/3/4 UUID to find the root by: root=/dev/sda may name another of the "
                   "3 disks (give root= in --append to choose)"]


def test_no_line_when_the_root_is_alone(capsys):
    plan_for(K, image_uuid=None)
    assert capsys.readouterr().err == ""


def test_no_root_without_the_image():
    o, plan = plan_for(["--kernel", "K", "--initrd", "R"], extra=[], image_uuid=U)
    assert "root=" not in plan.cmdline and " rw " not in f" {plan.cmdline} "
