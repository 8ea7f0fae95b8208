"""kernelline.py and qemuline.py: the kernel and QEMU command lines of
each architecture, disk kind and mode, word for word, without QEMU."""
import pytest

from lines import RUN_DIR, kernel_line, plan_for, qemu_line
from runqemu.status import Usage
from runqemu.terminal import Terminal

K = ["--kernel", "K", "--image", "I"]
QBOOT = ["-bios", "/usr/share/qemu/qboot.rom"]
COMMON = ["-nodefaults", "-no-user-config", "-display", "none", "-vga", "none", "-no-reboot", "-nic", "none"]
TERMINAL = ["-chardev", f"stdio,id=con,mux=on,signal=off,logfile={RUN_DIR}/terminal.log",
            "-serial", "chardev:con", "-mon", "chardev=con",
            "-chardev", f"socket,id=chan,path={RUN_DIR}/chan.sock"]
KLOG = ["-chardev", f"socket,id=klog,path={RUN_DIR}/console.sock"]

# Per architecture: the program and machine words; the ports after the
# terminal's (the channel's, then a command's console); the kernel line's
# console words in a shell and with a command; the rest of the line.
ARCH = {
    "x86_64": dict(head=["qemu-system-x86_64", "-accel", "tcg", "-m", "256M"] + COMMON + QBOOT,
                   chan=["-serial", "chardev:chan"], klog=["-serial", "chardev:klog"],
                   shell="console=ttyS0 quiet minroot.channel=ttyS1",
                   command="console=ttyS2 minroot.tty=ttyS0 quiet minroot.channel=ttyS1",
                   tail="panic=-1 nohz=off highres=off watchdog_thresh=60 no_timer_check edd=off"),
    "aarch64": dict(head=["qemu-system-aarch64", "-accel", "tcg", "-m", "256M", "-machine", "virt",
                          "-cpu", "cortex-a57"] + COMMON,
                    chan=["-device", "pci-serial,chardev=chan"], klog=["-device", "pci-serial,chardev=klog"],
                    shell="console=ttyAMA0 quiet minroot.channel=ttyS0",
                    command="console=ttyS1 minroot.tty=ttyAMA0 quiet minroot.channel=ttyS0",
                    tail="panic=-1 nohz=off highres=off watchdog_thresh=60"),
    "armhf": dict(head=["qemu-system-arm", "-accel", "tcg", "-m", "256M", "-machine", "virt,highmem=off",
                        "-cpu", "max"] + COMMON,
                  chan=["-device", "pci-serial,chardev=chan"], klog=["-device", "pci-serial,chardev=klog"],
                  shell="console=ttyAMA0 quiet minroot.channel=ttyS0",
                  command="console=ttyS1 minroot.tty=ttyAMA0 quiet minroot.channel=ttyS0",
                  tail="panic=-1 nohz=off highres=off watchdog_thresh=60"),
    # The machine's own 16550 is ttyS0; the PCI ones come after it. OpenSBI
    # prints its banner on ttyS0: a command's console takes it, and the
    # command's terminal is the PCI port after the channel's.
    "riscv64": dict(head=["qemu-system-riscv64", "-accel", "tcg", "-m", "256M", "-machine", "virt"] + COMMON,
                    chan=["-device", "pci-serial,chardev=chan"], klog=["-device", "pci-serial,chardev=klog"],
                    shell="console=ttyS0 quiet minroot.channel=ttyS1",
                    command="console=ttyS0 minroot.tty=ttyS2 quiet minroot.channel=ttyS1",
                    command_ports=[TERMINAL[0], TERMINAL[1], "-mon", "chardev=con"] + TERMINAL[6:] + KLOG +
                    ["-serial", "chardev:klog", "-device", "pci-serial,chardev=chan",
                     "-device", "pci-serial,chardev=con"],
                    tail="panic=-1 nohz=off highres=off watchdog_thresh=60"),
}
ROOT = {"nvme": "/dev/nvme0n1", "ide": "/dev/sda", "virtio": "/dev/vda"}
# The drives of the root I and two extra disks E1 and E2, per kind.
DRIVES = {
    ("nvme", 0): ["-drive", "file=I,if=none,id=d0,format=raw", "-device", "nvme,drive=d0,serial=r0"],
    ("nvme", 2): ["-device", "nvme,id=nvme0,serial=r0",
                  "-drive", "file=I,if=none,id=d0,format=raw", "-device", "nvme-ns,drive=d0,bus=nvme0,nsid=1",
                  "-drive", "file=E1,if=none,id=d1,format=raw", "-device", "nvme-ns,drive=d1,bus=nvme0,nsid=2",
                  "-drive", "file=E2,if=none,id=d2,format=raw", "-device", "nvme-ns,drive=d2,bus=nvme0,nsid=3"],
    ("ide", 0): ["-drive", "format=raw,file=I"],
    ("ide", 2): ["-drive", "format=raw,file=I",
                 "-drive", "format=raw,file=E1,if=ide,index=1,media=disk",
                 "-drive", "format=raw,file=E2,if=ide,index=2,media=disk"],
    ("virtio", 0): ["-drive", "file=I,format=raw,if=virtio"],
    ("virtio", 2): ["-drive", "file=I,format=raw,if=virtio", "-drive", "file=E1,format=raw,if=virtio",
                    "-drive", "file=E2,format=raw,if=virtio"],
}
MATRIX = [(arch, disk, extra, mode) for arch in ARCH for disk in ("nvme", "ide", "virtio")
          for extra in (0, 2) for mode in ("shell", "command")
          if not (arch != "x86_64" and disk == "ide")]


@pytest.mark.parametrize("arch, disk, extra, mode", MATRIX,
                         ids=[f"{a} {d} {e} extra {m}" for a, d, e, m in MATRIX])
def test_lines(arch, disk, extra, mode):
    a = ARCH[arch]
    argv = K + ["--arch", arch, "--disk", disk] + (["--", "true"] if mode == "command" else [])
    o, plan = plan_for(argv, extra=["E1", "E2"][:extra])
    cmdline = f"{a[mode]} root={ROOT[disk]} rw {a['tail']}"
    assert plan.cmdline == cmdline
    ports = TERMINAL + a["chan"] + (KLOG + a["klog"] if mode == "command" else [])
    if mode == "command" and "command_ports" in a:
        ports = a["command_ports"]
    assert plan.qemu_argv == a["head"] + ["-kernel", "K", "-append", cmdline] + DRIVES[(disk, extra)] + ports


def test_kvm_has_no_tick_words():
    assert kernel_line(K, accel="kvm") == "console=ttyS0 quiet minroot.channel=ttyS1 root=/dev/nvme0n1 rw " \
        "panic=-1 edd=off"
    assert qemu_line(K, accel="kvm")[:3] == ["qemu-system-x86_64", "-accel", "kvm"]


def test_options_on_the_kernel_line():
    line = kernel_line(K + ["--timeout", "30", "--net", "--gdb", "--verbose", "--append", "a=b c", "--", "true"])
    assert line == "console=ttyS2 minroot.tty=ttyS0 loglevel=7 minroot.channel=ttyS1 root=/dev/nvme0n1 rw " \
        "panic=-1 nohz=off highres=off watchdog_thresh=60 no_timer_check edd=off minroot.timeout=30 minroot.net=eth0 nokaslr a=b c"


def test_the_terminal_on_the_kernel_line():
    tty = Terminal(True, True, "xterm-256color", 50, 200)
    assert kernel_line(K, terminal=tty).endswith(" edd=off minroot.term=xterm-256color minroot.size=50x200")
    odd = Terminal(True, True, "bad term;", 0, 0)
    assert kernel_line(K, terminal=odd).endswith(" edd=off")
    piped = Terminal(False, False, "xterm", 50, 200)
    assert kernel_line(K, terminal=piped).endswith(" edd=off")


def test_append_comes_after_the_terminal():
    tty = Terminal(True, True, "vt100", 24, 80)
    assert kernel_line(K + ["--append", "loglevel=7"], terminal=tty).endswith(
        "minroot.term=vt100 minroot.size=24x80 loglevel=7")


def after(q, word):
    return q[q.index(word) + 1]


def test_net_smp_mem_gdb():
    q = qemu_line(K + ["--net", "--smp", "2", "--mem", "1G", "--gdb=4321"])
    assert after(q, "-nic") == "user,model=virtio-net-pci"
    assert q[3:7] == ["-m", "1G", "-smp", "2"]
    assert q[-3:] == ["-gdb", "tcp:127.0.0.1:4321", "-S"]


@pytest.mark.parametrize("argv, installed, bios", [
    ([], True, QBOOT), ([], False, []), (["--bios", "seabios"], True, []), (["--bios", "qboot"], True, QBOOT)])
def test_firmware(argv, installed, bios):
    q = qemu_line(K + argv, qboot_installed=installed)
    assert q[q.index("-no-reboot") + 3:q.index("-kernel")] == bios


def test_qboot_asked_but_missing():
    with pytest.raises(Usage, match="--bios qboot: /usr/share/qemu/qboot.rom is not installed"):
        plan_for(K + ["--bios", "qboot"], qboot_installed=False)


def test_snapshot_is_the_roots_alone():
    assert "file=I,snapshot=on,if=none,id=d0,format=raw" in qemu_line(K + ["--snapshot"])
    q = qemu_line(K + ["--snapshot", "--disk", "virtio"], extra=["E1"])
    assert q[q.index("-append") + 2:q.index("-chardev")] == [
        "-drive", "file=I,snapshot=on,format=raw,if=virtio", "-drive", "file=E1,format=raw,if=virtio"]


def test_commas_are_doubled():
    q = qemu_line(["--kernel", "K", "--image", "a,b.img", "--disk", "ide"])
    assert "format=raw,file=a,,b.img" in q


@pytest.mark.parametrize("argv, drives, root", [
    (["--initrd", "R.cpio"], [], None),
    (["--initrd", "R.cpio", "--image", "I", "--disk", "virtio"], ["-drive", "file=I,format=raw,if=virtio"], "/dev/vda"),
], ids=["--initrd alone", "--initrd with --image"])
def test_initrd(argv, drives, root):
    o, plan = plan_for(["--kernel", "K"] + argv + ["--", "true"])
    q = plan.qemu_argv
    assert after(q, "-initrd") == "R.cpio"
    assert q[q.index("-append") + 2:q.index("-chardev")] == drives
    assert plan.cmdline == "console=ttyS2 minroot.tty=ttyS0 quiet minroot.channel=ttyS1 " + \
        (f"root={root} rw " if root else "") + "panic=-1 nohz=off highres=off watchdog_thresh=60 no_timer_check edd=off"


def test_ide_has_room_for_three_more():
    plan_for(K + ["--disk", "ide"], extra=["E1", "E2", "E3"])
    with pytest.raises(Usage, match="--disk ide has room for 3 more disks"):
        plan_for(K + ["--disk", "ide"], extra=["E1", "E2", "E3", "E4"])


def test_kunit_boots_the_kernel_alone():
    """--kunit: no disk, no root, the console on run-qemu's port at info
    level, the kernel powering off after its KUnit suites."""
    o, plan = plan_for(["--kernel", "K", "--kunit"])
    a = ARCH["x86_64"]
    cmdline = f"console=ttyS2 loglevel=7 kunit_shutdown=poweroff minroot.channel=ttyS1 {a['tail']}"
    assert plan.cmdline == cmdline
    assert plan.qemu_argv == a["head"] + ["-kernel", "K", "-append", cmdline] + TERMINAL + a["chan"] + \
        KLOG + a["klog"]


@pytest.mark.parametrize("argv, named", [
    (["--", "true"], "a command"), (["--image", "I"], "--image"), (["--initrd", "R"], "--initrd"),
    (["--modules", "M"], "--modules"), (["--share", "S"], "--share"), (["--net"], "--net")])
def test_kunit_refuses_what_needs_init_or_a_disk(argv, named, tmp_path):
    from runqemu.options import check_options, parse_options
    kernel = tmp_path / "K"
    kernel.write_bytes(b"k")
    for name in ("I", "R", "M", "S"):
        (tmp_path / name).mkdir()
    o = parse_options(["--kernel", str(kernel), "--kunit"] +
                      [str(tmp_path / w) if w in ("I", "R", "M", "S") else w for w in argv])
    with pytest.raises(Usage, match=f"--kunit boots the kernel alone \\(no disk, no init\\): not with {named}"):
        check_options(o, {})
