"""plan.py, accel.py, programs.py and mkrootfs.py: what a run decides from
the options, without a probe, a disk or QEMU."""
import types

import pytest

from lines import RUN_DIR
from runqemu import plan as planner
from runqemu.accel import choose_accel, kvm_probe_image
from runqemu.arches import ARCHES
from runqemu.disks import placeholder_disks
from runqemu.mkrootfs import not_the_users, refuse
from runqemu.options import fill_defaults, parse_options
from runqemu.programs import PROGRAM_DIR, elf_interpreter, library_dirs, program_argv, share_libs_prologue
from runqemu.status import EXIT_NO_RUN, EXIT_USAGE, ToolFailure, Usage


def options(argv):
    o = parse_options(argv)
    fill_defaults(o, {})
    return o


@pytest.mark.parametrize("asked, arch, chosen", [("tcg", "x86_64", "tcg"), ("kvm", "x86_64", "kvm"),
                                                 ("auto", "aarch64", "tcg"), ("auto", "armhf", "tcg")])
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
    assert [d.path for d in placeholder_disks(o, RUN_DIR).extra] == [f"{RUN_DIR}/share0.img", f"{RUN_DIR}/share1.img"]


def test_make_disks_keeps_the_users_command_and_initrd():
    o = options(["--kernel", "K", "--initrd", "R", "--print", "--", "true"])
    plan = planner.Plan(arch=ARCHES["x86_64"], qemu="q", tmp="/t", run_dir=RUN_DIR)
    planner.make_disks(o, plan)
    assert (plan.initrd, plan.argv, plan.attach_image, plan.extra) == ("R", ["true"], False, [])
    assert o.command == ["true"] and o.initrd == "R"


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
    from runqemu import mkrootfs
    monkeypatch.setattr(mkrootfs, "TOP", "/nonexistent")
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ToolFailure, match="mkrootfs not found") as e:
        mkrootfs.mkrootfs_program()
    assert e.value.status == 125
