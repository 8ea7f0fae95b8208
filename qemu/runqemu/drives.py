"""The disks on the QEMU command line: each --disk kind's root device and
its -drive/-device words for the root and the extra disks (shares,
modules, programs, libraries), all on the root's bus."""
from collections import namedtuple

from .status import Usage

# An extra disk: its image, and whether the guest's writes go to an overlay.
Disk = namedtuple("Disk", "path snapshot")

ROOT_DEVICE = {"nvme": "/dev/nvme0n1", "ide": "/dev/sda", "virtio": "/dev/vda"}
# IDE has four places on its two buses; the root takes the first.
IDE_EXTRA = 3


def root_device(kind):
    return ROOT_DEVICE[kind]


def qemu_escape(s):
    """QEMU reads a comma in an option value as the next key: double it."""
    return s.replace(",", ",,")


def drive_args(kind, image, snapshot, extra):
    """The root drive and the extra disks, on the same bus as the root.
    --snapshot is the root's alone: a --share-rw disk must keep what the
    guest writes. extra: Disk (path, snapshot) pairs."""
    disks = [Disk(image, snapshot)] + list(extra)

    def opts(path, snap):
        return f"file={qemu_escape(path)}" + (",snapshot=on" if snap else "")
    if kind == "nvme":
        if not extra:
            return ["-drive", f"{opts(*disks[0])},if=none,id=d0,format=raw", "-device", "nvme,drive=d0,serial=r0"]
        # One controller, namespaces in order: the root stays nvme0n1.
        args = ["-device", "nvme,id=nvme0,serial=r0"]
        for n, disk in enumerate(disks):
            args += ["-drive", f"{opts(*disk)},if=none,id=d{n},format=raw",
                     "-device", f"nvme-ns,drive=d{n},bus=nvme0,nsid={n + 1}"]
        return args
    if kind == "ide":
        if len(extra) > IDE_EXTRA:
            raise Usage(f"--disk ide has room for {IDE_EXTRA} more disks (--share and --modules each take one)")
        args = ["-drive", "format=raw," + opts(*disks[0])]
        for n, disk in enumerate(extra, 1):
            args += ["-drive", f"format=raw,{opts(*disk)},if=ide,index={n},media=disk"]
        return args
    return [a for disk in disks for a in ("-drive", f"{opts(*disk)},format=raw,if=virtio")]
