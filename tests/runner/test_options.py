"""options.py: what the command line means, and every refusal of bad
input, each with its one line (exit 2)."""
import pytest

from runqemu import options
from runqemu.options import Options, check_options, fill_defaults, parse_options
from runqemu.status import EXIT_USAGE, Usage


def test_defaults():
    o = parse_options([])
    fill_defaults(o, {})
    assert (o.arch, o.kernel, o.image, o.disk, o.accel, o.mem) == \
        ("x86_64", "build/vmlinuz", "build/rootfs.img", "nvme", "auto", "256M")
    assert not o.command_mode() and o.uses_disk() and o.pvh and o.gdb is None


def test_minroot_kernel_is_the_host_arch_default():
    o = parse_options([])
    fill_defaults(o, {"MINROOT_KERNEL": "/k"})
    assert o.kernel == "/k"
    o = parse_options(["--arch", "arm64"])
    fill_defaults(o, {"MINROOT_KERNEL": "/k"})
    assert (o.arch, o.kernel, o.image) == ("aarch64", "build/aarch64/vmlinuz", "build/aarch64/rootfs.img")


@pytest.mark.parametrize("alias, arch", [("amd64", "x86_64"), ("x86-64", "x86_64"), ("arm64", "aarch64"),
                                         ("arm", "armhf"), ("armhf", "armhf")])
def test_arch_aliases(alias, arch):
    o = parse_options(["--arch=" + alias])
    fill_defaults(o, {})
    assert o.arch == arch


def test_values_both_ways_and_the_command():
    o = parse_options(["--kernel", "k", "--mem=1G", "--smp", "2", "--append", "a=b c", "--", "sh", "-c", "--x"])
    assert (o.kernel, o.mem, o.smp, o.append) == ("k", "1G", "2", "a=b c")
    assert o.command == ["sh", "-c", "--x"] and o.command_mode()


def test_flags():
    o = parse_options(["--snapshot", "--print", "--net", "--allow-warn", "--verbose", "--no-pvh"])
    assert o.snapshot and o.print_only and o.net and o.allow_warn and o.verbose and not o.pvh


@pytest.mark.parametrize("argv, port, command", [
    (["--gdb"], 1234, []), (["--gdb=4321"], 4321, []), (["--gdb", "4321"], 4321, []),
    (["--gdb", "--", "true"], 1234, ["true"])])
def test_gdb_port(argv, port, command):
    o = parse_options(argv)
    assert (o.gdb, o.command) == (port, command)


def test_image_given_and_initrd():
    o = parse_options(["--initrd", "i.cpio"])
    assert not o.uses_disk()
    o = parse_options(["--initrd", "i.cpio", "--image", "r.img"])
    assert o.uses_disk() and o.image_given


@pytest.mark.parametrize("arg, share", [
    ("/srv/data", ("/srv/data", "/mnt/data", False)),
    ("/srv/data/", ("/srv/data", "/mnt/data", False)),
    ("/srv/data:/t", ("/srv/data", "/t", False)),
    ("/srv/data:/t/", ("/srv/data", "/t", False)),
    ("/srv/data:rel", ("/srv/data", "rel", False))])
def test_share_spec(arg, share):
    assert parse_options(["--share", arg]).shares == [share]


def test_share_rw_is_writable():
    assert parse_options(["--share-rw", "/a:/b"]).shares == [("/a", "/b", True)]


@pytest.mark.parametrize("argv, info", [(["--help"], "help"), (["-h", "--bogus"], "help"),
                                        (["--version"], "version")])
def test_help_and_version_stop_the_parsing(argv, info):
    o = parse_options(argv)
    assert o.info == info
    text = options.info_text(o)
    assert text.startswith("Usage: run-qemu") if info == "help" else text == "run-qemu 0.2.0\n"


# Refusals that need no file: (argv, the one line's text).
REFUSED = [
    (["--bogus"], "unknown option '--bogus' (see --help; a command goes after --)"),
    (["--bogus", "--help"], "unknown option '--bogus'"),
    (["--kernel"], "--kernel needs a value (see --help)"),
    (["--gdb=x"], "--gdb takes a port number, not 'x'"),
    (["--share", ":/x"], "--share :/x: no host directory"),
    (["--arch", "riscv64"], "--arch must be x86_64, aarch64 or armhf, not 'riscv64'"),
    (["--disk", "scsi"], "--disk must be nvme, ide or virtio, not 'scsi'"),
    (["--arch", "aarch64", "--disk", "ide"], "--disk ide is not available on aarch64 (only nvme or virtio)"),
    (["--arch", "armhf", "--bios", "qboot"], "--bios applies to x86_64 only; armhf boots its kernel directly"),
    (["--accel", "xen"], "--accel must be auto, kvm or tcg, not 'xen'"),
    (["--mem", "lots"], "--mem must be a size like 256M, not 'lots'"),
    (["--smp", "0"], "--smp must be a positive number, not '0'"),
    (["--timeout", "-1"], "--timeout must be a positive number of seconds, not '-1'"),
    (["--bios", "uefi"], "--bios must be qboot or seabios, not 'uefi'"),
    (["--append", "a -- b"], "--append must not hold '--': give a command after run-qemu's own --"),
]


@pytest.mark.parametrize("argv, message", REFUSED, ids=[" ".join(a) for a, _ in REFUSED])
def test_refusal(argv, message):
    with pytest.raises(Usage) as e:
        check_options(parse_options(argv), {})
    assert message in str(e.value) and e.value.status == EXIT_USAGE


@pytest.fixture
def files(tmp_path):
    """A kernel, an image, an initrd, a script, a binary and two directories."""
    for name in ("kernel", "disk.img", "initrd.cpio"):
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "s.sh").write_text("#!/bin/sh\necho hi\n")
    (tmp_path / "bin").write_bytes(b"\x7fELF\0\0")
    for name in ("d1", "d2"):
        (tmp_path / name).mkdir()
    return tmp_path


def refused_with_files(t, args):
    base = ["--kernel", str(t / "kernel"), "--image", str(t / "disk.img")]
    with pytest.raises(Usage) as e:
        check_options(parse_options(base + args), {})
    return str(e.value)


# Refusals of paths: (args with {T} for the directory, the text).
REFUSED_PATHS = [
    (["--kernel", "{T}/none"], "no kernel at '{T}/none'"),
    (["--kernel", "{T}"], "the kernel '{T}' is not a regular file"),
    (["--image", "{T}/none.img"], "no image at '{T}/none.img'"),
    (["--initrd", "{T}/none.cpio"], "no initrd at '{T}/none.cpio'"),
    (["--script", "{T}/none.sh"], "no script at '{T}/none.sh'"),
    (["--script", "{T}/bin"], "--script {T}/bin: holds NUL bytes (a binary?); use --share for programs"),
    (["--program", "{T}/none"], "no program at '{T}/none'"),
    (["--script", "{T}/s.sh", "--program", "{T}/bin"], "--script and --program cannot be used together"),
    (["--share", "{T}/none"], "--share {T}/none: no such directory"),
    (["--share", "{T}/kernel"], "--share {T}/kernel: not a directory"),
    (["--share", "{T}/d1:mnt"], "--share {T}/d1:mnt: the guest directory must be absolute"),
    (["--share", "{T}/d1:/"], "--share {T}/d1:/: cannot share onto the guest's root"),
    (["--share", "{T}/d1:/x", "--share-rw", "{T}/d2:/x"], "--share: two shares on /x"),
    (["--share-libs", "--", "true"], "--share-libs brings the libraries of shared programs: give --share"),
    (["--share", "{T}/d1", "--share-libs"], "--share-libs prepares a command's run: give -- COMMAND"),
    (["--arch", "aarch64", "--share", "{T}/d1", "--share-libs", "--", "true"],
     "--share-libs brings the host's own loader and libraries: x86_64 guests only"),
    (["--modules", "{T}/none"], "--modules {T}/none: no such directory"),
    (["--modules", "{T}/d1"], "--modules {T}/d1: not a lib/modules/VERSION tree, nor a prefix holding exactly one "
                              "(0 found)"),
    (["--", ""], "the command is an empty word"),
    (["--results", "{T}/kernel", "--", "true"], "--results {T}/kernel: not a directory"),
    (["--results", "{T}/kernel/r", "--", "true"], "--results {T}/kernel/r: cannot write there: Not a directory"),
    (["--expect-suites", "timers", "--", "true"], "--expect-suites says what --results is to show: give "
                                                  "--results DIR too"),
]


@pytest.mark.parametrize("args, message", REFUSED_PATHS, ids=[" ".join(a) for a, _ in REFUSED_PATHS])
def test_refusal_of_a_path(files, args, message):
    t = str(files)
    got = refused_with_files(files, [a.replace("{T}", t) for a in args])
    assert message.replace("{T}", t) in got


def test_missing_default_kernel_says_how_to_make_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(Usage) as e:
        check_options(parse_options(["--arch", "armhf"]), {})
    assert str(e.value) == "no kernel at 'build/armhf/vmlinuz' (run 'make kernel ARCH=armhf', or give --kernel PATH)"


def test_initrd_alone_needs_no_image(files, monkeypatch):
    monkeypatch.chdir(files)    # no build/rootfs.img here: it is not attached
    o = parse_options(["--kernel", "kernel", "--initrd", "initrd.cpio"])
    check_options(o, {})
    assert not o.uses_disk()


def test_a_modules_tree_or_its_prefix(tmp_path):
    tree = tmp_path / "lib" / "modules" / "6.1.0-9-amd64"
    tree.mkdir(parents=True)
    (tree / "modules.order").write_text("")
    assert options.modules_tree(str(tmp_path)) == (str(tree), "6.1.0-9-amd64")
    assert options.modules_tree(str(tree)) == (str(tree), "6.1.0-9-amd64")


def test_options_keep_nothing_a_run_decides():
    """The run's decisions live in plan.Plan: none of them is an option."""
    kept = set(vars(Options()))
    for decided in ("a", "prologue", "boot_kernel", "accel_chosen", "extra", "mounts", "request"):
        assert decided not in kept


def test_results_dir_made_and_cleared_before_the_run(files):
    d = files / "out" / "r"
    o = parse_options(["--kernel", str(files / "kernel"), "--image", str(files / "disk.img"),
                       "--results", str(d), "--expect-suites", "timers,exec", "--expect-suites", "kcmp", "--", "t"])
    check_options(o, {})
    assert d.is_dir() and o.expect_suites == ["timers", "exec", "kcmp"]
    for name in ("junit.xml", "results.json", "results.ktap", "notes.txt"):
        (d / name).write_text("an earlier run's")
    check_options(o, {})
    assert sorted(p.name for p in d.iterdir()) == ["notes.txt"]


def test_results_dir_left_alone_when_another_check_refuses(files):
    d = files / "never"
    with pytest.raises(Usage):
        check_options(parse_options(["--kernel", str(files / "none"), "--results", str(d)]), {})
    with pytest.raises(Usage):
        check_options(parse_options(["--kernel", str(files / "kernel"), "--image", str(files / "disk.img"),
                                     "--results", str(d), "--", ""]), {})
    assert not d.exists()
    check_options(parse_options(["--kernel", str(files / "kernel"), "--image", str(files / "disk.img"),
                                 "--results", str(d), "--print"]), {})
    assert not d.exists()
