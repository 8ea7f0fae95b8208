"""How the kernel line names the root. Alone on its bus the root's device
name cannot change; beside other disks it can: the kernel names disks in
the order their probes finish, and libata and NVMe probe asynchronously
(under load, sda was the modules disk in 2 runs of 4). There the root is
found by its file system's UUID (root=UUID=, which a stage 1 resolves: the
kernel itself cannot), read here from the image's ext superblock."""
import uuid

from .drives import root_device

SUPERBLOCK_AT = 1024
EXT_MAGIC_AT = 0x38         # 0xEF53, little-endian
EXT_UUID_AT = 0x68          # s_uuid, 16 bytes


def ext_uuid(superblock):
    """The UUID of an ext2/3/4 superblock (the 1024 bytes at offset 1024),
    or None: not ext, or a UUID of zeros (it names no disk)."""
    if len(superblock) < EXT_UUID_AT + 16 or superblock[EXT_MAGIC_AT:EXT_MAGIC_AT + 2] != b"\x53\xef":
        return None
    raw = superblock[EXT_UUID_AT:EXT_UUID_AT + 16]
    return str(uuid.UUID(bytes=raw)) if any(raw) else None


def image_uuid(path):
    """The ext UUID of the image (a file or a block device), or None."""
    try:
        with open(path, "rb") as f:
            f.seek(SUPERBLOCK_AT)
            return ext_uuid(f.read(1024))
    except OSError:
        return None


def names_root(append):
    """Whether --append's words hold a root= (the user's: it wins)."""
    return any(w.startswith("root=") for w in append.split())


def root_choice(kind, image, append, other_disks, image_id):
    """(the root= value or None, whether a stage 1 must resolve it, a line
    to say or None), for the root IMAGE on --disk KIND with OTHER_DISKS
    more disks and IMAGE_ID its ext UUID (None: it has none)."""
    if names_root(append):
        return None, False, None
    device = root_device(kind)
    if not other_disks:
        return device, False, None
    if image_id:
        return f"UUID={image_id}", True, None
    return device, False, (f"{image}: no ext2/3/4 UUID to find the root by: root={device} may name another "
                           f"of the {other_disks + 1} disks (give root= in --append to choose)")
