"""--modules DIR: the kernel's modules tree checked against the kernel, the
stage-1 initramfs that loads the root's drivers when they are modules, and
the read-only disk that holds the whole tree; both made once and cached."""
import os
import uuid
from collections import namedtuple

from .arches import HOST_ARCH
from .cache import cache_dir, cache_key, prune_cache, used_again
from .kernelimage import version
from .mkrootfs import mkrootfs, mkrootfs_program, tree_bytes
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


def stage1_init(o, arch, mk):
    """mkrootfs's --init for the guest's architecture (the host's is its own)."""
    init = os.path.join(os.path.dirname(mk), os.path.relpath(arch.build, "build"), "init")
    if o.arch == HOST_ARCH:
        return init, []
    if not os.path.exists(init):
        raise Usage(f"--modules: no init for {o.arch} at {init} (run 'make ARCH={o.arch}')")
    return init, ["--init", init]


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


def modules_disk(o, tree, version_, cache, mk):
    """The cached ext4 disk holding the tree: (path, its UUID)."""
    disk_key = cache_key(tree, mk)[:32]
    disk = os.path.join(cache, f"disk-{version_}-{disk_key}.img")
    disk_uuid = str(uuid.UUID(hex=disk_key))
    if not used_again(disk):
        need = tree_bytes(tree)
        size = ((need * 5 + (64 << 20)) >> 20) + 1
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
