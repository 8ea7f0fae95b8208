"""The QEMU command line: a pure function of the options and the run's
plan (accelerator, firmware, the kernel QEMU boots, the initrd, the kernel
line, the extra disks, the run's directory)."""
import os
import re

from .drives import drive_args, qemu_escape

QBOOT = "/usr/share/qemu/qboot.rom"


def firmware_args(bios):
    """bios: "qboot", "seabios" (QEMU's default) or None (no firmware)."""
    return ["-bios", QBOOT] if bios == "qboot" else []


def serial_port(arch, chardev):
    """One more serial port for the guest, on chardev: the next 8250 (ttyS1,
    ttyS2) on x86, the next PCI 16550 (ttyS0, ttyS1) on virt."""
    if arch.serial_device:
        return ["-device", f"{arch.serial_device},chardev={chardev}"]
    return ["-serial", f"chardev:{chardev}"]


def machine_args(o, plan):
    arch = plan.arch
    q = [plan.qemu, "-accel", plan.accel, "-m", o.mem]
    if arch.machine:
        q += ["-machine", arch.machine]
    if arch.cpu:
        q += ["-cpu", arch.cpu]
    if o.smp:
        q += ["-smp", o.smp]
    q += ["-nodefaults", "-no-user-config", "-display", "none", "-vga", "none", "-no-reboot",
          "-nic", "user,model=virtio-net-pci" if o.net else "none"]
    return q


def port_args(o, plan):
    """ttyS0: this terminal, logged so a failed boot can be explained.
    ttyS1: the channel. A command's console (or --kunit's): one more port."""
    run_dir = plan.run_dir
    con = f"stdio,id=con,mux=on,signal=off,logfile={qemu_escape(os.path.join(run_dir, 'terminal.log'))}"
    chan = ["-chardev", f"socket,id=chan,path={qemu_escape(os.path.join(run_dir, 'chan.sock'))}"]
    klog = ["-chardev", f"socket,id=klog,path={qemu_escape(os.path.join(run_dir, 'console.sock'))}"]
    if o.console_port() and plan.arch.firmware_banner:
        # The firmware's banner goes to the machine's UART: a command's
        # console takes it, and the terminal comes after the channel.
        return ["-chardev", con, "-mon", "chardev=con"] + chan + klog + ["-serial", "chardev:klog"] + \
            serial_port(plan.arch, "chan") + ["-device", f"{plan.arch.serial_device},chardev=con"]
    q = ["-chardev", con, "-serial", "chardev:con", "-mon", "chardev=con"] + chan + serial_port(plan.arch, "chan")
    if o.console_port():
        q += klog + serial_port(plan.arch, "klog")
    return q


def qemu_command(o, plan):
    """plan: .qemu, .arch, .accel, .bios, .boot_kernel, .initrd, .cmdline,
    .attach_image, .extra (drives.Disk), .run_dir."""
    q = machine_args(o, plan)
    q += firmware_args(plan.bios)
    q += ["-kernel", plan.boot_kernel]
    if plan.initrd:
        q += ["-initrd", plan.initrd]
    q += ["-append", plan.cmdline]
    if plan.attach_image:
        q += drive_args(o.disk, o.image, o.snapshot, plan.extra)
    q += port_args(o, plan)
    if o.gdb is not None:
        q += ["-gdb", f"tcp:127.0.0.1:{o.gdb}", "-S"]
    return q


def shell_quote(words):
    """Words as a shell reads them back (--print)."""
    out = []
    for w in words:
        if re.fullmatch(r"[A-Za-z0-9_./:=,+@%-]+", w):
            out.append(w)
        else:
            out.append("'" + w.replace("'", "'\\''") + "'")
    return " ".join(out)
