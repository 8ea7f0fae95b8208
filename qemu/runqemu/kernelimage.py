"""The kernel image: an x86 bzImage's compressed payload and its vmlinux
with the PVH entry (carved out once, cached), and a kernel's version, from
the bzImage's setup header or an ARM kernel's banner."""
import bz2
import lzma
import os
import re
import shutil
import struct
import subprocess
import zlib

from .cache import cache_key, prune_cache, used_again, write_entry

# The kernel's compressed images: their magic, and Python's own streaming
# decompressor for the formats it reads (lz4, Debian's cloud kernel, and
# zstd are read by their tools, after it).
PYTHON_DECOMPRESSORS = (
    (b"\x1f\x8b\x08", "gzip", lambda: zlib.decompressobj(16 + zlib.MAX_WBITS)),
    (b"\xfd7zXZ\x00", "xz", lambda: lzma.LZMADecompressor(lzma.FORMAT_XZ)),
    (b"\x5d\x00\x00", "lzma", lambda: lzma.LZMADecompressor(lzma.FORMAT_ALONE)),
    (b"BZh", "bzip2", bz2.BZ2Decompressor))
TOOL_DECOMPRESSORS = ((b"\x02\x21\x4c\x18", "lz4"), (b"\x28\xb5\x2f\xfd", "zstd"))
XEN_ELFNOTE_PHYS32_ENTRY = 18
PVH_KEEP = 4        # vmlinux files kept in the cache (about 50 MB each)


def bzimage_payload(path):
    """The compressed kernel inside an x86 bzImage (boot protocol 2.08+:
    payload_offset and payload_length at 0x248), or None."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    if len(data) < 0x250 or data[0x202:0x206] != b"HdrS" or struct.unpack_from("<H", data, 0x206)[0] < 0x208:
        return None
    setup = ((data[0x1F1] or 4) + 1) * 512
    offset, length = struct.unpack_from("<II", data, 0x248)
    payload = data[setup + offset:setup + offset + length]
    return payload if len(payload) == length and length > 4 else None


def decompress_payload(payload):
    """The vmlinux, or None for a format not handled here or a failure.
    The kernel appends the uncompressed size (4 bytes) to every format."""
    stream = payload[:-4]
    try:
        for magic, _, new in PYTHON_DECOMPRESSORS:
            if payload.startswith(magic):
                return new().decompress(stream)
        for magic, tool in TOOL_DECOMPRESSORS:
            if payload.startswith(magic) and shutil.which(tool):
                r = subprocess.run([tool, "-d", "-c", "-q"], input=stream, capture_output=True)
                return r.stdout if r.returncode == 0 else None
    except (lzma.LZMAError, zlib.error, OSError, ValueError):
        return None
    return None


def has_pvh_note(elf):
    """Whether a 64-bit x86 ELF has the PVH entry note (Xen's
    XEN_ELFNOTE_PHYS32_ENTRY), which QEMU needs to boot it directly."""
    if elf[:5] != b"\x7fELF\x02" or len(elf) < 64 or struct.unpack_from("<H", elf, 18)[0] != 62:
        return False
    phoff, = struct.unpack_from("<Q", elf, 32)
    phentsize, phnum = struct.unpack_from("<HH", elf, 54)
    for i in range(phnum):
        ptype, _, offset, _, _, filesz = struct.unpack_from("<IIQQQQ", elf, phoff + i * phentsize)
        if ptype != 4:          # PT_NOTE
            continue
        at, end = offset, offset + filesz
        while at + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from("<III", elf, at)
            name = elf[at + 12:at + 12 + namesz].rstrip(b"\0")
            if name == b"Xen" and ntype == XEN_ELFNOTE_PHYS32_ENTRY:
                return True
            at += 12 + (namesz + 3) // 4 * 4 + (descsz + 3) // 4 * 4
    return False


def pvh_vmlinux(kernel, cache_root):
    """The uncompressed vmlinux QEMU boots through the PVH entry, for an
    x86 bzImage of a kernel that has one (CONFIG_PVH, as Debian's have):
    no real-mode setup and no decompression in the guest. Carved out of
    the bzImage once and kept in CACHE_ROOT/pvh by its digest; None when
    the kernel has no PVH entry or is not a bzImage (it then boots as it
    is; that answer is kept too, as an empty DIGEST.none)."""
    try:
        digest = cache_key(kernel)[:32]
    except OSError:
        return None
    cache = os.path.join(cache_root, "pvh")
    vmlinux, none = os.path.join(cache, digest + ".vmlinux"), os.path.join(cache, digest + ".none")
    if used_again(vmlinux):
        return vmlinux
    if os.path.exists(none):
        return None
    payload = bzimage_payload(kernel)
    elf = decompress_payload(payload) if payload else None
    if payload and elf is None:
        return None     # a format or tool missing here: not remembered
    try:
        os.makedirs(cache, exist_ok=True)
    except OSError:
        return None
    target, content = (vmlinux, elf) if elf and has_pvh_note(elf) else (none, b"")
    if not write_entry(target, content):
        return None
    prune_cache(cache, "", ".vmlinux", PVH_KEEP)
    return target if content else None


def kernel_version(path):
    """The version string a bzImage's setup header points to (the
    kernel_version field at 0x20E, relative to 0x200), or None."""
    try:
        with open(path, "rb") as f:
            head = f.read(0x210)
            if len(head) < 0x210 or head[0x202:0x206] != b"HdrS":
                return None
            at = struct.unpack_from("<H", head, 0x20E)[0]
            if not at:
                return None
            f.seek(0x200 + at)
            raw = f.read(256)
    except OSError:
        return None
    return raw.split(b"\0")[0].split(b" ")[0].decode(errors="replace") or None


def banner_version(path):
    """The version in the "Linux version X " banner of an ARM kernel: in
    the open in an arm64 Image, in the xz or gzip stream of a zImage."""
    pattern = re.compile(rb"Linux version (\S+) \(")
    try:
        with open(path, "rb") as f:
            data = f.read(64 << 20)
    except OSError:
        return None
    m = pattern.search(data)
    if m:
        return m.group(1).decode(errors="replace")
    # xz and gzip, as zImages are: a stray lzma or bzip2 "magic" in the
    # rest of the file would be decompressed for nothing.
    for magic, _, new in (d for d in PYTHON_DECOMPRESSORS if d[1] in ("xz", "gzip")):
        at = data.find(magic)
        while at >= 0:     # the decompressor's own code may hold the magic too
            found = stream_banner(new(), data, at, pattern)
            if found:
                return found
            at = data.find(magic, at + 1)
    return None


def stream_banner(d, data, at, pattern):
    tail = b""
    try:
        for off in range(at, len(data), 1 << 20):
            chunk = tail + d.decompress(data[off:off + (1 << 20)])
            m = pattern.search(chunk)
            if m:
                return m.group(1).decode(errors="replace")
            tail = chunk[-200:]
    except (lzma.LZMAError, zlib.error, EOFError):
        pass
    return None


def version(path):
    """The kernel's release (uname -r), from whichever kind of image it is."""
    return kernel_version(path) or banner_version(path)


def vmlinux_guess(kernel):
    """The symbols gdb wants for a kernel: make kernel-src's vmlinux-NAME
    beside bzImage-NAME, a kernel tree's vmlinux, else a placeholder."""
    d, base = os.path.split(kernel)
    if base.startswith("bzImage-"):
        return os.path.join(d, "vmlinux-" + base[len("bzImage-"):])
    if base == "bzImage" and d.endswith(os.path.join("arch", "x86", "boot")):
        return os.path.join(d, "..", "..", "..", "vmlinux")
    return "path/to/vmlinux"
