"""Choosing the accelerator: KVM only where a probe guest runs on it
quickly (where /dev/kvm exists but nested virtualisation makes guests
crawl, it does not), else TCG, saying why in one line."""
import os
import subprocess

from .arches import HOST_ARCH
from .drives import qemu_escape
from .status import say

PROBE_TIMEOUT_S = 4
PROBE_EXIT = 33         # isa-debug-exit's status for the probe's write of 0x10


def kvm_probe_image():
    """A boot sector that enters 32-bit protected mode, fills 64 MiB and
    exits through isa-debug-exit with status 33. Writing memory matters:
    where KVM is nested badly every page a guest touches costs
    milliseconds, and Linux never gets past unpacking itself."""
    sector = bytes.fromhex(
        "fa31c08ed80f0116507c0f20c00c010f" "22c0ea177c080066b810008ed88ec0bf"
        "00001000b90000000131c0fcf3abb010" "e6f4f4ebfd0000000000000000000000"
        "ffff0000009acf00ffff00000092cf00" "1700387c")
    return sector + bytes(426) + b"\x55\xaa"


def probe_command(qemu, img):
    return [qemu, "-accel", "kvm", "-m", "128M", "-display", "none", "-nodefaults", "-no-user-config",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-drive", f"file={qemu_escape(img)},format=raw"]


def kvm_works(qemu, tmp):
    """Whether the probe guest finishes on KVM in time; says why not."""
    if not os.path.exists("/dev/kvm"):
        return False
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        say("cannot use /dev/kvm (Permission denied); using TCG")
        return False
    img = os.path.join(tmp, "probe.img")
    with open(img, "wb") as f:
        f.write(kvm_probe_image())
    try:
        rc = subprocess.run(probe_command(qemu, img), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, timeout=PROBE_TIMEOUT_S).returncode
    except subprocess.TimeoutExpired:
        say(f"KVM is unusable here (a probe guest did not finish within {PROBE_TIMEOUT_S} s); using TCG")
        return False
    if rc == PROBE_EXIT:
        return True
    say(f"KVM is unusable here (a probe guest failed with status {rc}); using TCG")
    return False


def choose_accel(asked, arch, qemu, tmp):
    """"kvm" or "tcg" for --accel ASKED (auto, kvm, tcg)."""
    if asked != "auto":
        return asked
    if arch.name != HOST_ARCH:
        return "tcg"    # KVM runs only guests of the host's own architecture
    return "kvm" if kvm_works(qemu, tmp) else "tcg"
