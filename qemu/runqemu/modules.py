"""--modules DIR: the kernel's modules tree checked against the kernel, the
stage-1 initramfs that loads the root's drivers when they are modules, and
the read-only disk that holds the whole tree; both made once and cached."""
import os
import uuid
from collections import namedtuple

from .arches import HOST_ARCH
from .cache import cache_dir, cache_key, prune_cache, used_again
from .kernelimage import version
from .mkrootfs import mkrootfs, mkrootfs_program
from .options import modules_tree
from .status import Usage, say

# Stage-1 initramfs and modules disks kept, each kind: one make test uses five
# of each; a modules disk of Debian's standard kernel takes 400 MB.
MODULES_KEEP = 8

# initrd: the stage-1 initramfs, or None when the root's drivers are built
# in; disk and uuid: the modules disk, mounted at /lib/modules.
Modules = namedtuple("Modules", "initrd disk uuid")


def check_version(o, tree_version):
    """The tree must be the kernel's own: refuse another version."""
    kv = version(o.kernel)
    if kv is None:
        say(f"cannot read the version of {o.kernel} (not a bzImage?): --modules not checked against it")
    elif kv != tree_version:
        raise Usage(f"--modules {o.modules} holds modules for {tree_version}, but the kernel {o.kernel} is {kv}")


def stage1_init(o, arch, mk, what="--modules"):
    """mkrootfs's --init for the guest's architecture (the host's is its own)."""
    init = os.path.join(os.path.dirname(mk), os.path.relpath(arch.build, "build"), "init")
    if o.arch == HOST_ARCH:
        return init, []
    if not os.path.exists(init):
        raise Usage(f"{what}: no init for {o.arch} at {init} (run 'make ARCH={o.arch}')")
    return init, ["--init", init]


def init_stage1(o, arch, make=True):
    """The cached stage 1 that holds the init alone (mkrootfs -t initrd with
    no modules), for a kernel with the root's drivers built in that must
    find the root by UUID; with make=False only its path (--print)."""
    mk = mkrootfs_program()
    init, init_args = stage1_init(o, arch, mk, "the root by UUID")
    cache = os.path.join(cache_dir(), "modules")
    initrd = os.path.join(cache, f"stage1-{cache_key(mk, init)[:32]}.cpio.gz")
    if make and not used_again(initrd):
        os.makedirs(cache, exist_ok=True)
        mkrootfs(["-t", "initrd", "-o", initrd] + init_args, "the stage 1 that finds the root by UUID", initrd)
        prune_cache(cache, "stage1-", ".cpio.gz", MODULES_KEEP)
    return initrd


def stage1_initrd(o, tree, version_, cache, mk, init, init_args):
    """The cached stage-1 initramfs, or None: mkrootfs writes none (only
    a FILE.builtin marker) when the root's drivers are built in."""
    # --net: the NIC's driver (QEMU's virtio-net-pci) loads in stage 1 too.
    nic = ["--with-module", "virtio_pci,virtio_net"] if o.net else []
    key = cache_key(tree, mk, init, o.disk, " ".join(nic))[:32]
    initrd = os.path.join(cache, f"initrd-{version_}-{key}.cpio.gz")
    builtin = initrd + ".builtin"
    if not used_again(initrd) and not used_again(builtin):
        mkrootfs(["-t", "initrd", "--modules", tree, "--disk", o.disk, "-o", initrd] + nic + init_args,
                 f"--modules {o.modules}", initrd)
        if not os.path.exists(initrd):
            open(builtin, "w").close()
        prune_cache(cache, "initrd-", "", MODULES_KEEP)
    return initrd if os.path.exists(initrd) else None


def varint(data, at):
    """An xz multibyte integer at AT: (value, the offset after it)."""
    value = shift = 0
    while at < len(data) and shift < 63:
        value |= (data[at] & 0x7F) << shift
        at += 1
        if not data[at - 1] & 0x80:
            return value, at
        shift += 7
    raise ValueError("bad xz integer")


def xz_unpacked_bytes(path):
    """The size of an xz file once decompressed, from its index (its
    blocks' uncompressed sizes): no decompression. None if unreadable."""
    try:
        with open(path, "rb") as f:
            f.seek(-12, os.SEEK_END)
            footer = f.read(12)
            if footer[10:] != b"YZ":
                return None
            backward = (int.from_bytes(footer[4:8], "little") + 1) * 4
            f.seek(-12 - backward, os.SEEK_END)
            index = f.read(backward)
        if index[:1] != b"\0":
            return None
        records, at = varint(index, 1)
        total = 0
        for _ in range(records):
            _, at = varint(index, at)
            size, at = varint(index, at)
            total += size
        return total
    except (OSError, ValueError):
        return None


def unpacked_tree_bytes(path):
    """About what a modules tree takes on an ext4 disk once mkrootfs has
    decompressed it: each file's size (an .ko.xz's uncompressed size, from
    its index; Debian 13's riscv64 modules grow ten times) and a block for
    each entry. gzip and zstd modules count five times their size."""
    total = 0
    for root, dirs, files in os.walk(path):
        total += 4096 * len(dirs)
        for name in files:
            p = os.path.join(root, name)
            try:
                size = os.lstat(p).st_size
            except OSError:
                continue
            if name.endswith(".ko.xz"):
                size = xz_unpacked_bytes(p) or size * 10
            elif name.endswith((".ko.gz", ".ko.zst")):
                size *= 5
            total += size + 4096
    return total


def modules_disk(o, tree, version_, cache, mk):
    """The cached ext4 disk holding the tree: (path, its UUID)."""
    disk_key = cache_key(tree, mk)[:32]
    disk = os.path.join(cache, f"disk-{version_}-{disk_key}.img")
    disk_uuid = str(uuid.UUID(hex=disk_key))
    if not used_again(disk):
        need = unpacked_tree_bytes(tree)
        size = ((need * 3 // 2 + (64 << 20)) >> 20) + 1
        mkrootfs(["--bare", "-t", "ext4", "-s", f"{size}M", "--uuid", disk_uuid, "--modules", tree,
                  "-o", disk], f"--modules {o.modules}", disk)
        prune_cache(cache, "disk-", ".img", MODULES_KEEP)
    return disk, disk_uuid


def prepare_modules(o, arch):
    """The stage-1 initramfs and the modules disk for --modules: Modules."""
    tree, tree_version = modules_tree(o.modules)
    check_version(o, tree_version)
    mk = mkrootfs_program()
    init, init_args = stage1_init(o, arch, mk)
    cache = os.path.join(cache_dir(), "modules")
    os.makedirs(cache, exist_ok=True)
    initrd = stage1_initrd(o, tree, tree_version, cache, mk, init, init_args)
    disk, disk_uuid = modules_disk(o, tree, tree_version, cache, mk)
    return Modules(initrd, disk, disk_uuid)
