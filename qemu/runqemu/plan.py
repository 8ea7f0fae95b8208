"""What a run decides, apart from what the user asked: the accelerator,
the firmware, the kernel QEMU boots, the initrd, the extra disks and what
init mounts, the command's argv and prologue, the kernel and QEMU command
lines and the request. Built from the options by a list of steps."""
import os
from dataclasses import dataclass, field

from .accel import choose_accel
from .arches import ARCHES, Arch
from .cache import cache_dir
from .disks import Disks, image_uuid, placeholder_disks, prepare_disks
from .drives import root_device
from .kernelimage import pvh_vmlinux
from .kernelline import kernel_cmdline
from .modules import init_stage1
from .qemuline import QBOOT, qemu_command
from .request import command_argv, request_payload
from .status import Usage
from .terminal import NO_TERMINAL, Terminal


@dataclass
class Plan:
    arch: Arch
    qemu: str                   # the QEMU program
    tmp: str                    # the run's own directory (sockets, disks)
    run_dir: str                # the same, or --print's pattern for it
    terminal: Terminal = NO_TERMINAL
    accel: str = "tcg"
    bios: str | None = None     # "qboot", "seabios", or None (no firmware choice)
    boot_kernel: str = ""       # what QEMU boots: the kernel, or its vmlinux (PVH)
    attach_image: bool = True
    disks: Disks = field(default_factory=Disks)
    initrd: str | None = None
    root: str = ""              # root= on the kernel line: a device, or UUID=...
    argv: list = field(default_factory=list)    # the command's words
    script: bytes | None = None                 # --script's content
    cmdline: str = ""
    qemu_argv: list = field(default_factory=list)
    request: bytes = b""

    @property
    def extra(self):
        return self.disks.extra


def choose_accelerator(o, plan):
    plan.accel = choose_accel(o.accel, plan.arch, plan.qemu, plan.tmp)


def choose_firmware(o, plan, qboot_installed=None):
    """qboot where installed (it prints nothing and boots faster), unless
    --bios says otherwise; the virt machines have no choice (None)."""
    installed = os.path.exists(QBOOT) if qboot_installed is None else qboot_installed
    if not plan.arch.firmware:
        plan.bios = None
        return
    plan.bios = o.bios or ("qboot" if installed else "seabios")
    if plan.bios == "qboot" and not installed:
        raise Usage(f"--bios qboot: {QBOOT} is not installed (Debian package qemu-system-data)")


def choose_kernel(o, plan):
    # With SeaBIOS, which a guest that suspends to RAM needs, the resume
    # from S3 of a PVH-booted kernel starts the machine again from scratch.
    pvh = None
    if plan.arch.name == "x86_64" and o.pvh and plan.bios == "qboot":
        pvh = pvh_vmlinux(o.kernel, cache_dir())
    plan.boot_kernel = pvh or o.kernel


def make_disks(o, plan):
    """The extra disks; --print only shows where they would be."""
    plan.attach_image = o.uses_disk()
    if o.print_only:
        plan.disks = placeholder_disks(o, plan.run_dir)
    else:
        plan.disks = prepare_disks(o, plan.arch, plan.tmp)
    plan.initrd = o.initrd or plan.disks.initrd
    plan.argv = plan.disks.argv if plan.disks.argv is not None else list(o.command)


def name_root(o, plan):
    """root= names the image's device, unless more disks come with it: then
    their names follow the order in which the kernel probes them (Linux
    6.12 scans an NVMe controller's namespaces in parallel, and ATA ports
    are probed asynchronously), and stage 1 finds the root by its UUID:
    the --modules initramfs, or when the kernel needs none, one with the
    init alone. A user's own --initrd is left as it is."""
    plan.root = root_device(o.disk)
    if not plan.attach_image or not plan.extra or o.initrd:
        return
    found = image_uuid(o.image)
    if found is None:       # not an ext image: its device name it is
        return
    if plan.initrd is None:
        plan.initrd = init_stage1(o, plan.arch, make=not o.print_only)
    plan.root = f"UUID={found}"


def read_script(o, plan):
    if o.script is not None and not o.print_only:
        with open(o.script, "rb") as f:
            plan.script = f.read()


def kernel_line(o, plan):
    plan.cmdline = kernel_cmdline(o, plan, plan.terminal)


def make_request(o, plan):
    if o.print_only:
        return
    argv = command_argv(plan.argv, plan.script, plan.disks.prologue)
    plan.request = request_payload(argv, plan.script, plan.disks.mounts,
                                   plan.terminal.stdin_tty, plan.terminal.stdout_tty)


def qemu_line(o, plan):
    plan.qemu_argv = qemu_command(o, plan)


STEPS = (choose_accelerator, choose_firmware, choose_kernel, make_disks, name_root, read_script,
         kernel_line, make_request, qemu_line)


def make_plan(o, qemu, tmp, run_dir, terminal, steps=STEPS):
    """The run's Plan for checked options O, QEMU program QEMU, temporary
    directory TMP (RUN_DIR: what the QEMU line names for it)."""
    plan = Plan(arch=ARCHES[o.arch], qemu=qemu, tmp=tmp, run_dir=run_dir, terminal=terminal)
    for step in steps:
        step(o, plan)
    return plan
