"""Choosing the accelerator: KVM only where a probe guest runs on it
quickly (where /dev/kvm exists but nested virtualisation makes guests
crawl, it does not), else TCG, saying why in one line. The probe's
verdict is kept in the cache until the host boots again, QEMU changes
or /dev/kvm does: a probe that fails costs its whole timeout."""
import hashlib
import json
import os
import shutil
import subprocess

from .arches import HOST_ARCH
from .cache import cache_dir, locked, prune_cache, read_entry, used_again, write_entry
from .drives import qemu_escape
from .status import say

PROBE_TIMEOUT_S = 4
PROBE_EXIT = 33         # isa-debug-exit's status for the probe's write of 0x10
BOOT_ID = "/proc/sys/kernel/random/boot_id"
KVM = "/dev/kvm"
VERDICTS_KEEP = 4       # verdicts kept: one per QEMU and boot in use


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


def run_probe(qemu, tmp):
    """(works, why not): one probe guest on KVM."""
    img = os.path.join(tmp, "probe.img")
    with open(img, "wb") as f:
        f.write(kvm_probe_image())
    try:
        rc = subprocess.run(probe_command(qemu, img), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, timeout=PROBE_TIMEOUT_S).returncode
    except subprocess.TimeoutExpired:
        return False, f"a probe guest did not finish within {PROBE_TIMEOUT_S} s"
    except OSError as e:
        return False, f"a probe guest could not start: {e.strerror}"
    if rc == PROBE_EXIT:
        return True, ""
    return False, f"a probe guest failed with status {rc}"


def probe_key(boot_id, qemu_path, qemu_st, kvm_st):
    """What a verdict holds for: this boot of the host, this QEMU program
    (its path and identity: an upgrade replaces the file), this /dev/kvm
    (its device number and ctime: a reloaded module makes a new node)."""
    return {"boot": boot_id, "qemu": [qemu_path, qemu_st.st_ino, qemu_st.st_size, qemu_st.st_mtime_ns],
            "kvm": [kvm_st.st_rdev, kvm_st.st_ctime_ns]}


def host_key(qemu):
    """probe_key of this host now, or None when a fact cannot be read
    (the verdict is then not kept)."""
    try:
        with open(BOOT_ID) as f:
            boot_id = f.read().strip()
        path = os.path.realpath(shutil.which(qemu) or qemu)
        return probe_key(boot_id, path, os.stat(path), os.stat(KVM))
    except (OSError, TypeError):
        return None


def entry_path(cache, key):
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:32]
    return os.path.join(cache, f"kvm-{digest}.json")


def parse_verdict(raw, key):
    """(works, why) from a cache entry's bytes, or None when the entry is
    missing, damaged or for another key."""
    try:
        e = json.loads(raw)
        if e["key"] == key and isinstance(e["works"], bool) and isinstance(e["why"], str):
            return e["works"], e["why"]
    except (TypeError, ValueError, KeyError):
        pass
    return None


def verdict(cache, key, probe):
    """(works, why, cached): the kept verdict for KEY, or PROBE()'s, then
    kept. Under a lock: of two runs at once, one probes and the other
    waits for its verdict."""
    path = entry_path(cache, key)
    found = parse_verdict(read_entry(path), key)
    if found:
        used_again(path)    # for prune_cache: the verdicts used last stay
        return found + (True,)
    try:
        os.makedirs(cache, exist_ok=True)
    except OSError:
        pass
    with locked(os.path.join(cache, "lock")):
        found = parse_verdict(read_entry(path), key)
        if found:
            return found + (True,)
        works, why = probe()
        entry = {"key": key, "works": works, "why": why}
        if write_entry(path, json.dumps(entry).encode()):
            prune_cache(cache, "kvm-", ".json", VERDICTS_KEEP)
    return works, why, False


def kvm_works(qemu, tmp, cache=None):
    """Whether KVM runs guests well here; says why not."""
    if not os.path.exists(KVM):
        return False
    if not os.access(KVM, os.R_OK | os.W_OK):
        say(f"cannot use {KVM} (Permission denied); using TCG")
        return False
    key = host_key(qemu)
    if key is None:
        works, why, cached = run_probe(qemu, tmp) + (False,)
    else:
        works, why, cached = verdict(cache or os.path.join(cache_dir(), "accel"), key,
                                     lambda: run_probe(qemu, tmp))
    if not works:
        say(f"KVM is unusable here ({'cached since boot: ' if cached else ''}{why}); using TCG")
    return works


def choose_accel(asked, arch, qemu, tmp):
    """"kvm" or "tcg" for the accelerator ASKED (auto, kvm, tcg)."""
    if asked != "auto":
        return asked
    if arch.name != HOST_ARCH:
        return "tcg"    # KVM runs only guests of the host's own architecture
    return "kvm" if kvm_works(qemu, tmp) else "tcg"
