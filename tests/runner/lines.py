"""The kernel and QEMU lines of a run, built from options through plan.py's
own steps with every host fact given (no probe, no disk made, no file
read): what test_cmdline.py and test_docs.py compare."""
from runqemu import plan as planner
from runqemu.arches import ARCHES
from runqemu.disks import Disks
from runqemu.drives import Disk
from runqemu.options import fill_defaults, parse_options
from runqemu.terminal import NO_TERMINAL

RUN_DIR = "/tmp/run-qemu.XXXXXX"


# The stage-1 initramfs a run that finds its root by UUID boots through.
STAGE1 = "STAGE1.cpio.gz"


def plan_for(argv, accel="tcg", extra=(), terminal=NO_TERMINAL, qboot_installed=True, image_uuid=None):
    """(options, plan) for ARGV; extra: the paths of extra disks;
    image_uuid: the image's ext UUID (None: it has none)."""
    o = parse_options(list(argv))
    fill_defaults(o, {})
    arch = ARCHES[o.arch]
    plan = planner.Plan(arch=arch, qemu=arch.qemu, tmp=RUN_DIR, run_dir=RUN_DIR, terminal=terminal,
                        accel=accel)
    planner.choose_firmware(o, plan, qboot_installed)
    plan.boot_kernel = o.kernel
    plan.attach_image = o.uses_disk()
    plan.disks = Disks(extra=[Disk(p, False) for p in extra])
    plan.initrd = o.initrd
    planner.choose_root(o, plan, read_uuid=lambda _: image_uuid, stage1=lambda _o, _arch, make: STAGE1)
    planner.kernel_line(o, plan)
    planner.qemu_line(o, plan)
    return o, plan


def kernel_line(argv, **kw):
    return plan_for(argv, **kw)[1].cmdline


def qemu_line(argv, **kw):
    return plan_for(argv, **kw)[1].qemu_argv
