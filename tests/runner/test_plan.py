"""plan.py, accel.py, programs.py and mkrootfs.py: what a run decides from
the options, without a probe, a disk or QEMU."""
import lzma
import os
import types
import uuid

import pytest

from lines import RUN_DIR
from runqemu import modules as runqemu_modules
from runqemu import plan as planner
from runqemu.accel import choose_accel, kvm_probe_image
from runqemu.arches import ARCHES
from runqemu.disks import STEPS, Disks, placeholder_disks
from runqemu.drives import Disk
from runqemu.modules import Modules
from runqemu.mkrootfs import not_the_users, refuse
from runqemu.options import fill_defaults, parse_options
from runqemu.programs import PROGRAM_DIR, elf_interpreter, library_dirs, program_argv, share_libs_prologue
from runqemu.rootid import image_uuid
from runqemu.status import EXIT_NO_RUN, EXIT_USAGE, ToolFailure, Usage


def options(argv):
    o = parse_options(argv)
    fill_defaults(o, {})
    return o


@pytest.mark.parametrize("asked, arch, chosen", [("tcg", "x86_64", "tcg"), ("kvm", "x86_64", "kvm"),
                                                 ("auto", "aarch64", "tcg"), ("auto", "armhf", "tcg"),
                                                 ("auto", "riscv64", "tcg")])
def test_accelerator_without_a_probe(asked, arch, chosen):
    assert choose_accel(asked, ARCHES[arch], "no-such-qemu", "/nonexistent") == chosen


def test_the_probe_is_one_boot_sector():
    sector = kvm_probe_image()
    assert len(sector) == 512 and sector.endswith(b"\x55\xaa")


def test_no_pvh_without_qboot_or_when_asked(tmp_path):
    for argv, bios in ((["--no-pvh"], "qboot"), ([], "seabios")):
        o = options(["--kernel", "K"] + argv)
        plan = planner.Plan(arch=ARCHES["x86_64"], qemu="q", tmp=str(tmp_path), run_dir=str(tmp_path), bios=bios)
        planner.choose_kernel(o, plan)
        assert plan.boot_kernel == "K"


def test_print_shows_where_the_disks_would_be(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    o = options(["--share", str(tmp_path / "a"), "--share-rw", str(tmp_path / "b")])
    assert [d.path for d in placeholder_disks(o, ARCHES["x86_64"], RUN_DIR).extra] == [
        f"{RUN_DIR}/share0.img", f"{RUN_DIR}/share1.img"]


def test_print_shows_the_disks_in_a_real_runs_order(tmp_path):
    """The modules' disk (and stage 1) where the cache keeps them, then the
    program's, then the shares': the order disks.STEPS gives a real run."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()

    def modules(o, arch):
        return Modules("CACHED-STAGE1", "CACHED-MODULES", "u-1")
    o = options(["--modules", "M", "--program", "/bin/true", "--share", str(tmp_path / "b"),
                 "--share", str(tmp_path / "a") + ":/a"])
    d = placeholder_disks(o, ARCHES["x86_64"], RUN_DIR, modules=modules)
    assert [x.path for x in d.extra] == ["CACHED-MODULES", f"{RUN_DIR}/program.img", f"{RUN_DIR}/share0.img",
                                        f"{RUN_DIR}/share1.img"]
    assert d.initrd == "CACHED-STAGE1" and d.extra[0].snapshot and not d.extra[1].snapshot
    assert [w for w, _ in STEPS] and [add.__name__ for _, add in STEPS] == [
        "add_modules", "add_program", "add_shares", "add_share_libs", "add_host_tools"]


def test_make_disks_keeps_the_users_command_and_initrd():
    o = options(["--kernel", "K", "--initrd", "R", "--print", "--", "true"])
    plan = planner.Plan(arch=ARCHES["x86_64"], qemu="q", tmp="/t", run_dir=RUN_DIR)
    planner.make_disks(o, plan)
    assert (plan.initrd, plan.argv, plan.attach_image, plan.extra) == ("R", ["true"], False, [])
    assert o.command == ["true"] and o.initrd == "R"


def ext_image(path, fs_uuid):
    """The first 2 KiB of an ext image: its superblock's magic and UUID."""
    sb = bytearray(2048)
    sb[1024 + 0x38:1024 + 0x3A] = b"\x53\xef"
    sb[1024 + 0x68:1024 + 0x78] = fs_uuid.bytes
    path.write_bytes(bytes(sb))
    return str(path)


def test_image_uuid(tmp_path):
    u = uuid.UUID("4cea4dec-d7b1-80b6-8598-369ee4eee1d2")
    assert image_uuid(ext_image(tmp_path / "i", u)) == str(u)
    (tmp_path / "n").write_bytes(bytes(2048))
    assert image_uuid(str(tmp_path / "n")) is None and image_uuid(str(tmp_path / "missing")) is None


def named_root(tmp_path, argv, extra, initrd=None):
    """(root=, initrd) that choose_root decides for ARGV with EXTRA disks;
    the init-alone stage 1 is only named (--print), never made."""
    img = ext_image(tmp_path / "root.img", uuid.UUID("4cea4dec-d7b1-80b6-8598-369ee4eee1d2"))
    o = options(["--kernel", "K", "--image", img, "--print"] + argv)
    plan = planner.Plan(arch=ARCHES[o.arch], qemu="q", tmp="/t", run_dir=RUN_DIR)
    plan.attach_image = o.uses_disk()
    plan.disks = Disks(extra=[Disk(p, False) for p in extra])
    plan.initrd = o.initrd or initrd
    planner.choose_root(o, plan)
    return plan.root, plan.initrd


def test_one_disk_keeps_its_device_name(tmp_path):
    assert named_root(tmp_path, [], []) == ("/dev/nvme0n1", None)
    assert named_root(tmp_path, ["--disk", "ide"], []) == ("/dev/sda", None)


def test_more_disks_find_the_root_by_uuid(tmp_path, monkeypatch):
    """Linux 6.12 scans an NVMe controller's namespaces in parallel:
    nvme0n1 is then not always the first one (seen: a share as the root)."""
    monkeypatch.setenv("MINROOT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(runqemu_modules, "mkrootfs_program", lambda: str(tmp_path / "mkrootfs"))
    root, initrd = named_root(tmp_path, [], ["E1"])
    assert root == "UUID=4cea4dec-d7b1-80b6-8598-369ee4eee1d2"
    assert initrd.startswith(str(tmp_path / "cache" / "modules" / "stage1-")) and not os.path.exists(initrd)
    # --modules' own stage 1 does it, when the kernel needs one.
    assert named_root(tmp_path, [], ["M"], initrd="S1") == ("UUID=4cea4dec-d7b1-80b6-8598-369ee4eee1d2", "S1")


def test_a_users_initrd_finds_the_root_by_uuid(tmp_path):
    """The user's initramfs is kept, and named the root by its UUID (ours,
    Debian's and dracut's resolve it; root= in --append chooses otherwise)."""
    assert named_root(tmp_path, ["--initrd", "R"], ["E1"]) == ("UUID=4cea4dec-d7b1-80b6-8598-369ee4eee1d2", "R")


def test_modules_disk_size_counts_xz_modules_unpacked(tmp_path):
    """mkrootfs decompresses the modules onto the disk: its size is
    estimated from each .ko.xz's index (riscv64's grow ten times)."""
    body = bytes(range(256)) * 4000
    (tmp_path / "a.ko.xz").write_bytes(lzma.compress(body, format=lzma.FORMAT_XZ))
    (tmp_path / "b.ko").write_bytes(body)
    assert runqemu_modules.xz_unpacked_bytes(str(tmp_path / "a.ko.xz")) == len(body)
    assert runqemu_modules.xz_unpacked_bytes(str(tmp_path / "b.ko")) is None
    assert runqemu_modules.unpacked_tree_bytes(str(tmp_path)) == 2 * (len(body) + 4096)


def test_program_argv():
    assert program_argv("t", "/usr/bin/t", None, [], ["-v"]) == [f"{PROGRAM_DIR}/usr/bin/t", "-v"]
    assert program_argv("t", "/usr/bin/t", "/lib64/ld-linux-x86-64.so.2",
                        [f"{PROGRAM_DIR}/lib/x86_64-linux-gnu"], ["-v"]) == [
        f"{PROGRAM_DIR}/lib64/ld-linux-x86-64.so.2", "--library-path", f"{PROGRAM_DIR}/lib/x86_64-linux-gnu",
        "--argv0", "t", f"{PROGRAM_DIR}/usr/bin/t", "-v"]


def test_library_dirs_once_each_in_order():
    assert library_dirs("/p", ["/lib/a.so", "/usr/lib/b.so", "/lib/c.so"]) == ["/p/lib", "/p/usr/lib"]


def test_share_libs_prologue():
    entries = [("file", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"),
               ("file", "/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6")]
    text = share_libs_prologue({"/lib64/ld-linux-x86-64.so.2"}, entries, {e[2] for e in entries})
    lines = text.splitlines()
    assert lines[-2].startswith("graft --share-libs 0 /lib64 = '' ld-linux-x86-64.so.2 /run/minroot-libs/")
    assert lines[-1] == ("export LD_LIBRARY_PATH=/run/minroot-libs/lib/x86_64-linux-gnu"
                         "${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")


def test_elf_interpreter(tmp_path):
    assert elf_interpreter("/bin/true").startswith("/lib")
    (tmp_path / "s").write_text("#!/bin/sh\n")
    assert elf_interpreter(str(tmp_path / "s")) is None


@pytest.mark.parametrize("rc, why, output, tool", [
    (1, "--overlay /srv/data: reading /srv/data/f: Permission denied", "/run-dir/share0.img", False),
    (1, "--add-program /bin/true:/usr/bin/true: is a program for x86-64, but this image is for aarch64",
     "/run-dir/program.img", False),
    (1, "-o /c/disk-1.img: creating /c/disk-1.img.tmp-AbC123: No space left on device", "/c/disk-1.img", True),
    (1, "writing /run-dir/libs.img.tmp-AbC123: No space left on device", "/run-dir/libs.img", True),
    (1, "adding /x (from /h/x): the image is full; use a larger --size", "/t/share0.img", True),
    (-9, "", "/t/share0.img", True)],
    ids=["unreadable share", "foreign program", "cache full", "tmp full", "estimate too small", "killed"])
def test_mkrootfs_failures(rc, why, output, tool):
    assert not_the_users(rc, why, output) == tool
    err = refuse(types.SimpleNamespace(returncode=rc), "--share x", why, output)
    assert isinstance(err, ToolFailure if tool else Usage)
    assert err.status == (EXIT_NO_RUN if tool else EXIT_USAGE) and str(err) == f"--share x: {why}"


def test_no_mkrootfs_is_a_tool_failure(monkeypatch):
    from runqemu import mkrootfs, places
    monkeypatch.setattr(places, "TOP", "/nonexistent")
    monkeypatch.setattr(places.sys, "argv", ["/nonexistent/bin/run-qemu"])
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ToolFailure, match="mkrootfs not found") as e:
        mkrootfs.mkrootfs_program()
    assert e.value.status == 125
