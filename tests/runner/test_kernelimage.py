"""kernelimage.py on images built here byte by byte: a bzImage's header,
payload and version, the PVH note of a vmlinux, an ARM kernel's banner."""
import gzip
import lzma
import struct

import pytest

from runqemu.kernelimage import (bzimage_payload, banner_version, decompress_payload, has_pvh_note,
                                 kernel_version, pvh_vmlinux, version, vmlinux_guess)


def elf_with_notes(notes, machine=62):
    """A 64-bit ELF with one PT_NOTE segment holding NOTES: (name, type)."""
    body = b""
    for name, ntype in notes:
        n = name + b"\0"
        body += struct.pack("<III", len(n), 4, ntype) + n.ljust((len(n) + 3) // 4 * 4, b"\0") + b"\0" * 4
    head = bytearray(64)
    head[:5] = b"\x7fELF\x02"
    struct.pack_into("<H", head, 18, machine)
    struct.pack_into("<Q", head, 32, 64)            # e_phoff
    struct.pack_into("<HH", head, 54, 56, 1)        # e_phentsize, e_phnum
    ph = struct.pack("<IIQQQQQQ", 4, 0, 64 + 56, 0, 0, len(body), len(body), 4)
    return bytes(head) + ph + body


def bzimage(payload, version_string=b"6.1.0-9-amd64 (debian-kernel@lists.debian.org) #1"):
    """A bzImage: 4 setup sectors after the boot sector, the header's
    version pointer and payload fields, then the payload."""
    setup = bytearray(5 * 512)
    setup[0x1F1] = 4
    setup[0x202:0x206] = b"HdrS"
    struct.pack_into("<H", setup, 0x206, 0x20F)
    struct.pack_into("<H", setup, 0x20E, 0x400)     # the version string at 0x600
    setup[0x600:0x600 + len(version_string) + 1] = version_string + b"\0"
    struct.pack_into("<II", setup, 0x248, 16, len(payload))
    return bytes(setup) + b"\0" * 16 + payload


def test_pvh_note():
    assert has_pvh_note(elf_with_notes([(b"GNU", 3), (b"Xen", 18)]))
    assert not has_pvh_note(elf_with_notes([(b"Xen", 17)]))
    assert not has_pvh_note(elf_with_notes([(b"Xen", 18)], machine=183))
    assert not has_pvh_note(b"not an elf")


def test_payload_and_version(tmp_path):
    vmlinux = elf_with_notes([(b"Xen", 18)])
    payload = gzip.compress(vmlinux) + struct.pack("<I", len(vmlinux))
    k = tmp_path / "bzImage"
    k.write_bytes(bzimage(payload))
    assert bzimage_payload(str(k)) == payload
    assert decompress_payload(payload) == vmlinux
    assert kernel_version(str(k)) == version(str(k)) == "6.1.0-9-amd64"


@pytest.mark.parametrize("compress", [lambda b: lzma.compress(b, lzma.FORMAT_XZ), gzip.compress])
def test_every_python_format(compress):
    data = b"vmlinux" * 100
    assert decompress_payload(compress(data) + struct.pack("<I", len(data))) == data


def test_not_a_bzimage(tmp_path):
    k = tmp_path / "Image"
    k.write_bytes(b"\0" * 4096)
    assert bzimage_payload(str(k)) is None and kernel_version(str(k)) is None
    assert bzimage_payload(str(tmp_path / "none")) is None


def test_pvh_vmlinux_is_carved_once_and_cached(tmp_path):
    vmlinux = elf_with_notes([(b"Xen", 18)])
    k = tmp_path / "bzImage"
    k.write_bytes(bzimage(gzip.compress(vmlinux) + struct.pack("<I", len(vmlinux))))
    got = pvh_vmlinux(str(k), str(tmp_path / "cache"))
    assert got.startswith(str(tmp_path / "cache" / "pvh")) and got.endswith(".vmlinux")
    with open(got, "rb") as f:
        assert f.read() == vmlinux
    assert pvh_vmlinux(str(k), str(tmp_path / "cache")) == got


def test_no_pvh_entry_is_remembered(tmp_path):
    k = tmp_path / "Image"
    k.write_bytes(b"\0" * 4096)
    assert pvh_vmlinux(str(k), str(tmp_path / "cache")) is None
    assert [p.suffix for p in (tmp_path / "cache" / "pvh").iterdir()] == [".none"]


def test_arm_banner(tmp_path):
    plain = tmp_path / "Image"
    plain.write_bytes(b"\0" * 100 + b"Linux version 6.1.0-9-cloud-arm64 (debian-kernel@) #1" + b"\0" * 100)
    assert banner_version(str(plain)) == "6.1.0-9-cloud-arm64"
    zimage = tmp_path / "zImage"
    zimage.write_bytes(b"\0" * 64 + gzip.compress(b"x" * 5000 + b"Linux version 6.1.0-9-armmp (gcc) #1"))
    assert version(str(zimage)) == "6.1.0-9-armmp"


@pytest.mark.parametrize("kernel, vmlinux", [
    ("build/bzImage-min", "build/vmlinux-min"),
    ("linux/arch/x86/boot/bzImage", "linux/arch/x86/boot/../../../vmlinux"),
    ("build/vmlinuz", "path/to/vmlinux")])
def test_vmlinux_guess(kernel, vmlinux):
    assert vmlinux_guess(kernel) == vmlinux
