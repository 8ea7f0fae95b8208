"""The kernel command line: a pure function of the options, the run's
plan (architecture, accelerator, whether the image is attached) and the
host terminal's facts."""
from .terminal import terminal_words


def console_words(o, arch):
    # A command's terminal carries its output alone: the console (kernel
    # lines, init's status line) is then a third port that run-qemu reads.
    # With a shell, the console is the terminal, as any init expects.
    # --kunit: the console is that port too, and no init runs.
    if o.kunit:
        return [f"console={arch.klog}"]
    if o.command_mode():
        if arch.firmware_banner:    # the ports trade places (see arches.Arch)
            return [f"console={arch.console}", f"minroot.tty={arch.klog}"]
        return [f"console={arch.klog}", f"minroot.tty={arch.console}"]
    return [f"console={arch.console}"]


def level_words(o):
    # --kunit: KUnit prints its KTAP at info level, and with no init the
    # console is where it can be read; the kernel powers off after the
    # tests (kunit.py reboots it: kunit_shutdown=reboot, with -no-reboot).
    if o.kunit:
        return ["loglevel=7", "kunit_shutdown=poweroff"]
    return ["loglevel=7" if o.verbose else "quiet"]


def tcg_words(arch):
    # QEMU 7.2's TCG sometimes misses waking a halted vCPU for its timer
    # interrupt (seen at power-off: the LAPIC has the vector pending, the CPU
    # sleeps until a key is pressed). A periodic tick wakes it again.
    # Under load, TCG's PC can also miss the IO-APIC timer check and panic
    # ("IO-APIC + timer doesn't work!", 3 boots in 75): no_timer_check
    # skips it.
    # The guest's clock is the host's: a guest starved by a loaded host runs
    # its long loops many times slower and looks stuck. With 8 runs at once
    # on 2 CPUs, the standard kernel's boot-time W+X check reported a "soft
    # lockup" after 21 s in 4 runs of 24 (47 s once under other load):
    # watchdog_thresh=60 reports one after 120 s instead of 20.
    return ["nohz=off", "highres=off", "watchdog_thresh=60"] + (["no_timer_check"] if arch.name == "x86_64" else [])


def kernel_cmdline(o, plan, terminal):
    """plan: .arch (an arches.Arch), .accel, .attach_image, .root (None:
    --append names it)."""
    arch = plan.arch
    words = console_words(o, arch) + level_words(o) + [f"minroot.channel={arch.channel}"]
    if plan.attach_image:
        words += ([f"root={plan.root}"] if plan.root else []) + ["rw"]
    words.append("panic=-1")
    if plan.accel == "tcg":
        words += tcg_words(arch)
    # The x86 kernel's own setup code prints "Probing EDD" on the terminal.
    if arch.name == "x86_64":
        words.append("edd=off")
    if o.timeout:
        words.append(f"minroot.timeout={o.timeout}")
    if o.net:
        words.append("minroot.net=eth0")
    if o.gdb is not None:
        words.append("nokaslr")
    words += terminal_words(terminal)
    if o.append:
        words.append(o.append)
    return " ".join(words)
