"""defaults.py and the closing line of a root that could not be mounted:
the kernel, image and modules a run boots when none is given (build/
where it has them, else the cache's: fetched or made, once), and the
one line that names the driver a kernel lacked."""
import os
import types

import pytest

from runqemu import defaults, places
from runqemu.arches import ARCHES
from runqemu.console import KernelLog
from runqemu.options import check_options, parse_options
from runqemu.status import Usage
from runqemu.verdict import root_not_mounted, why_no_status

X86, ARMHF = ARCHES["x86_64"], ARCHES["armhf"]


@pytest.fixture
def here(tmp_path, monkeypatch):
    """An empty working directory and cache; no fetch-kernel unless a test
    puts one."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MINROOT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(defaults, "fetch_kernel_program", lambda: None)
    return tmp_path


def checked(argv):
    o = parse_options(argv)
    check_options(o, {})
    return o


def put(path, content=b"x"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(content)
    return str(path)


def test_the_fetch_command_brings_a_modular_kernels_modules():
    assert defaults.fetch_command(X86, "/l/fetch-kernel", "/c/default/x86_64") == \
        ["/l/fetch-kernel", "-p", "linux-image-cloud-amd64", "/c/default/x86_64/vmlinuz"]
    assert defaults.fetch_command(ARMHF, "/l/fetch-kernel", "/c/a") == \
        ["/l/fetch-kernel", "-p", "linux-image-armmp:armhf", "-m", "/c/a/modules", "/c/a/vmlinuz"]


def test_how_to_fetch_names_make_in_a_tree_else_fetch_kernel():
    assert defaults.how_to_fetch(X86, "/c", "/l/fk", True) == "run 'make kernel'"
    assert defaults.how_to_fetch(ARMHF, "/c", "/l/fk", True) == "run 'make kernel ARCH=armhf'"
    assert defaults.how_to_fetch(X86, "/c", "/l/fk", False) == \
        "run '/l/fk -p linux-image-cloud-amd64 /c/vmlinuz'"
    assert defaults.how_to_fetch(X86, "/c", None, False) == "install minroot (make install brings fetch-kernel)"


def test_builds_kernel_and_image_stay_the_defaults(here):
    put(here / "build" / "vmlinuz")
    put(here / "build" / "rootfs.img")
    o = checked([])
    defaults.fill_in(o, X86, False)
    assert (o.kernel, o.image, o.snapshot, o.modules) == ("build/vmlinuz", "build/rootfs.img", False, None)


def test_the_cached_kernel_when_build_has_none(here):
    cached = put(here / "cache" / "default" / "x86_64" / "vmlinuz")
    o = checked(["--image", put(here / "i.img")])
    defaults.fill_in(o, X86, False)
    assert o.kernel == cached


def test_no_kernel_anywhere_is_one_line_naming_the_fetch(here, monkeypatch):
    monkeypatch.setattr(defaults, "fetch_kernel_program", lambda: "/l/fetch-kernel")
    o = checked(["--image", put(here / "i.img")])
    with pytest.raises(Usage) as e:
        defaults.fill_in(o, X86, True)      # --print fetches nothing
    cache = here / "cache" / "default" / "x86_64"
    assert str(e.value) == (f"no kernel at 'build/vmlinuz' nor '{cache}/vmlinuz': run '/l/fetch-kernel -p "
                            f"linux-image-cloud-amd64 {cache}/vmlinuz' to fetch Debian's, or give --kernel PATH "
                            "or MINROOT_KERNEL")


def fetcher(here, body):
    """A fetch-kernel that runs BODY."""
    path = put(here / "fetch-kernel", f"#!/bin/sh\n{body}\n".encode())
    os.chmod(path, 0o755)
    return path


def test_the_kernel_is_fetched_once_on_first_use(here, monkeypatch, capfd):
    script = fetcher(here, 'for a; do out=$a; done; echo run >>"$(dirname "$out")/runs"; echo k >"$out"')
    monkeypatch.setattr(defaults, "fetch_kernel_program", lambda: script)
    for _ in range(2):
        o = checked(["--image", put(here / "i.img")])
        defaults.fill_in(o, X86, False)
    cache = here / "cache" / "default" / "x86_64"
    assert o.kernel == str(cache / "vmlinuz") and (cache / "runs").read_text() == "run\n"
    assert capfd.readouterr().err == f"run-qemu: no kernel given: fetching Debian's linux-image-cloud-amd64 " \
        f"into {cache} (once)\n"


def test_a_failed_fetch_is_one_line(here, monkeypatch):
    script = fetcher(here, "echo 'fetch-kernel: error: apt-get download failed' >&2; exit 1")
    monkeypatch.setattr(defaults, "fetch_kernel_program", lambda: script)
    o = checked(["--image", put(here / "i.img")])
    with pytest.raises(Usage, match=r"^no kernel: fetching Debian's linux-image-cloud-amd64 failed \(above\); "
                                    r"give --kernel PATH$"):
        defaults.fill_in(o, X86, False)


def test_armhfs_default_kernel_brings_its_modules(here):
    put(here / "build" / "armhf" / "vmlinuz")
    put(here / "build" / "armhf" / "rootfs.img")
    put(here / "build" / "armhf" / "modules" / "lib" / "modules" / "6.1.0-9-armmp" / "modules.order", b"")
    o = checked(["--arch", "armhf"])
    defaults.fill_in(o, ARMHF, True)
    assert o.modules == "build/armhf/modules"
    o = checked(["--arch", "armhf", "--kernel", "build/armhf/vmlinuz"])    # a kernel given: as it is
    defaults.fill_in(o, ARMHF, True)
    assert o.modules is None


def test_armhfs_default_kernel_without_its_modules_is_refused_before_booting(here):
    put(here / "build" / "armhf" / "vmlinuz")
    put(here / "build" / "armhf" / "rootfs.img")
    o = checked(["--arch", "armhf"])
    with pytest.raises(Usage) as e:
        defaults.fill_in(o, ARMHF, True)
    assert str(e.value) == ("the armhf kernel build/armhf/vmlinuz has its disk and ext4 drivers as modules, and they "
                            "are not at 'build/armhf/modules': install minroot (make install brings fetch-kernel), "
                            "or give --modules DIR")


class Packer:
    """mkrootfs, as defaults.py calls it: records its arguments, writes -o."""

    def __init__(self):
        self.calls = []

    def __call__(self, args, what, output=None):
        self.calls.append(args)
        put(args[args.index("-o") + 1])


@pytest.fixture
def sources(here, monkeypatch):
    """mkrootfs, the init and busybox the default image is made from."""
    files = {name: put(here / "src" / name, name.encode()) for name in ("mkrootfs", "init", "busybox")}
    monkeypatch.setattr(defaults, "image_sources", lambda o: (files["mkrootfs"], files["init"], files["busybox"]))
    packer = Packer()
    monkeypatch.setattr(defaults, "mkrootfs", packer)
    return types.SimpleNamespace(files=files, packer=packer)


def default_image(here, print_only=False):
    o = checked(["--kernel", put(here / "k")])
    defaults.fill_in(o, X86, print_only)
    return o


def test_the_default_image_is_made_once_into_the_cache(here, sources):
    o = default_image(here)
    assert os.path.dirname(o.image) == str(here / "cache" / "default" / "x86_64")
    assert os.path.basename(o.image).startswith("rootfs-") and os.path.isfile(o.image)
    assert o.snapshot, "shared by every run: always booted with --snapshot"
    assert sources.packer.calls == [["--init", sources.files["init"], "--busybox", sources.files["busybox"],
                                     "-o", o.image]]
    assert default_image(here).image == o.image and len(sources.packer.calls) == 1


@pytest.mark.parametrize("changed", ["init", "busybox", "mkrootfs"])
def test_the_default_image_is_made_again_when_a_source_changes(here, sources, changed):
    first = default_image(here).image
    put(sources.files[changed], b"new " + changed.encode())
    second = default_image(here).image
    assert second != first and os.path.isfile(second) and len(sources.packer.calls) == 2


def test_print_makes_no_image_but_names_it(here, sources):
    assert default_image(here, print_only=True).image == default_image(here).image
    assert len(sources.packer.calls) == 1


def test_the_given_image_wins(here, sources):
    o = checked(["--kernel", put(here / "k"), "--image", put(here / "mine.img")])
    defaults.fill_in(o, X86, False)
    assert (o.image, o.snapshot, sources.packer.calls) == (str(here / "mine.img"), False, [])


def test_no_init_to_make_the_image_is_one_line(here, monkeypatch):
    monkeypatch.setattr(defaults, "own_init", lambda build: None)
    with pytest.raises(Usage, match=r"^no image at 'build/rootfs.img', and no minroot init to make one"):
        default_image(here)


def test_another_architectures_image_is_not_made(here):
    put(here / "build" / "aarch64" / "vmlinuz")
    o = checked(["--arch", "aarch64"])
    with pytest.raises(Usage, match=r"^no image at 'build/aarch64/rootfs.img' \(run 'make ARCH=aarch64'"):
        defaults.fill_in(o, ARCHES["aarch64"], False)


def test_the_installed_layout(tmp_path, monkeypatch):
    """LIBEXECDIR holds the package, the init and fetch-kernel; mkrootfs
    is beside the run-qemu that was started."""
    libexec, bindir = tmp_path / "libexec", tmp_path / "bin"
    for path in (libexec / "init", libexec / "fetch-kernel", bindir / "mkrootfs"):
        put(path)
        os.chmod(path, 0o755)
    monkeypatch.setattr(places, "TOP", str(tmp_path / "nowhere"))
    monkeypatch.setattr(places, "LIBEXEC", str(libexec))
    monkeypatch.setattr(places.sys, "argv", [str(bindir / "run-qemu")])
    assert places.own_init("build") == str(libexec / "init") and places.own_init("build/armhf") is None
    assert places.fetch_kernel_program() == str(libexec / "fetch-kernel")
    assert places.mkrootfs_program() == str(bindir / "mkrootfs")


PANIC = "Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block({})"


@pytest.mark.parametrize("argv, block, line", [
    ([], "0,0", "no disk /dev/nvme0n1 appeared: its driver (nvme, for --disk nvme) is not built in"),
    (["--disk", "virtio"], "0,0", "no disk /dev/vda appeared: its driver (virtio_blk, for --disk virtio)"),
    (["--disk", "ide"], "0,0", "no disk /dev/sda appeared: its driver (ata_piix, for --disk ide)"),
    ([], "259,0", "it found /dev/nvme0n1 but cannot mount it: its ext4 driver (ext4 mounts ext3) is not built in")])
def test_a_root_not_mounted_names_the_missing_driver(argv, block, line):
    o = parse_options(argv)
    got = root_not_mounted(PANIC.format(block), o)
    assert got.startswith("the kernel cannot mount the root: " + line)
    assert got.endswith("; if it is a module, pass --modules DIR (its lib/modules/VERSION)")
    scan = types.SimpleNamespace(panic=PANIC.format(block), init_error=None)
    assert why_no_status(types.SimpleNamespace(qemu_status=0), scan, o) == got


@pytest.mark.parametrize("argv, panic", [
    (["--modules", "m"], PANIC.format("0,0")), (["--initrd", "r"], PANIC.format("0,0")),
    ([], "Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100")])
def test_other_panics_keep_their_own_text(argv, panic):
    assert root_not_mounted(panic, parse_options(argv)) is None


class Err:
    def __init__(self):
        self.text = ""

    def write(self, s):
        self.text += s

    def flush(self):
        pass

    def isatty(self):
        return False


@pytest.mark.parametrize("panic, shown", [(PANIC.format("0,0"), False),
                                          ("Kernel panic - not syncing: Attempted to kill init!", True)])
def test_a_root_not_mounted_is_not_shown_as_a_panic(tmp_path, panic, shown):
    err = Err()
    with open(tmp_path / "log", "wb") as f:
        log = KernelLog(f, False, False, err)
        log.console_bytes(f"[    3.0] {panic}\n[    3.1] Call Trace:\n".encode())
    assert ("Call Trace" in err.text) == shown
