"""The guests run-qemu boots, as data: one row per architecture, and the
other names they go by."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Arch:
    """console: the terminal's port (and the kernel console with a shell);
    channel and klog (the kernel console of a command run): the next
    serial ports, attached as serial_device (None: -serial). On virt the
    terminal is the PL011 (ttyAMA0), its only UART; the others are PCI
    16550s (pci-serial), which Debian's arm64 and armmp kernels drive with
    their built-in 8250_pci, numbered from ttyS0 in PCI slot order."""
    name: str
    qemu: str               # the QEMU program
    package: str            # the Debian package that has it
    machine: str | None     # -machine (None: QEMU's default PC)
    cpu: str | None         # -cpu (None: QEMU's default)
    console: str
    channel: str
    klog: str
    serial_device: str | None
    disks: tuple            # the --disk kinds the machine has
    firmware: bool          # x86's -bios choice applies
    build: str              # where make puts its kernel and image
    kernel_package: str     # Debian's package of the default kernel (fetch-kernel -p)
    kernel_modular: bool    # the default kernel's disk and ext4 drivers are modules


ARCHES = {
    "x86_64": Arch("x86_64", "qemu-system-x86_64", "qemu-system-x86", None, None,
                   "ttyS0", "ttyS1", "ttyS2", None, ("nvme", "ide", "virtio"), True, "build",
                   "linux-image-cloud-amd64", False),
    "aarch64": Arch("aarch64", "qemu-system-aarch64", "qemu-system-arm", "virt", "cortex-a57",
                    "ttyAMA0", "ttyS0", "ttyS1", "pci-serial", ("nvme", "virtio"), False, "build/aarch64",
                    "linux-image-cloud-arm64:arm64", False),
    # highmem=off: the PCI host's ECAM below 4 GiB, where armmp (no LPAE) reaches it.
    "armhf": Arch("armhf", "qemu-system-arm", "qemu-system-arm", "virt,highmem=off", "max",
                  "ttyAMA0", "ttyS0", "ttyS1", "pci-serial", ("nvme", "virtio"), False, "build/armhf",
                  "linux-image-armmp:armhf", True),
}
ALIASES = {"amd64": "x86_64", "x86-64": "x86_64", "arm64": "aarch64", "arm": "armhf"}
HOST_ARCH = "x86_64"


def canonical(name):
    """The table's name for NAME (the kernel's and Debian's spellings too)."""
    return ALIASES.get(name, name)
