"""The run's extra disks and what init mounts from them: the modules disk
(and stage-1 initramfs), the --program disk, a disk per --share packed from
the host directory (and copied back after a --share-rw), the --share-libs
disk. Each is decided here and returned, never written into the options."""
import os
import subprocess
import uuid
from collections import namedtuple
from dataclasses import dataclass, field

from . import mkrootfs as packer
from .drives import Disk
from .modules import cached_modules, prepare_modules
from .hosttools import placeholder_host_tools, prepare_host_tools
from .programs import GRAFT, PROGRAM_DIR, SHARE_LIBS_DIR, prepare_program, prepare_share_libs, shares_have_programs
from .status import say

# What init mounts (the request's "mount" entries): read-only or not, the
# disk's UUID, the directory inside it, and where in the guest.
Mount = namedtuple("Mount", "readonly uuid subdir guest")
# A --share-rw directory and the disk image it is copied back from.
CopyBack = namedtuple("CopyBack", "host image")


@dataclass
class Disks:
    extra: list = field(default_factory=list)       # drives.Disk, after the root
    mounts: list = field(default_factory=list)      # Mount
    copy_back: list = field(default_factory=list)   # CopyBack
    initrd: str | None = None   # the stage-1 initramfs --modules brought
    argv: list | None = None    # the command as --program makes it
    prologue: str | None = None  # --share-libs, --host-tools: sh code run before the command


def pack_share(host, image, disk_uuid, writable):
    """An ext4 image holding HOSTDIR's tree, owned 0:0; sparse, so room to
    write costs nothing until the guest writes."""
    need = packer.tree_bytes(host)
    size = need * 2 + (512 << 20 if writable else 64 << 20)
    size = (size + (1 << 20) - 1) >> 20
    packer.mkrootfs(["--bare", "-t", "ext4", "-s", f"{size}M", "--uuid", disk_uuid, "--overlay", host,
                     "-o", image], f"--share {host}", image)


def copy_back(host, image):
    """What the guest left on a --share-rw disk, into HOST (mkrootfs
    --copy-out never follows a host symlink). Says why not on failure."""
    try:
        r = subprocess.run([packer.mkrootfs_program(), "--copy-out", f"{image}:{host}"],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True)
        why = None if r.returncode == 0 else packer.reason(r)
    except OSError as e:
        why = f"cannot run mkrootfs: {e.strerror}"
    if why:
        say(f"--share-rw {host}: not copied back: {why}")
        return False
    return True


def add_modules(o, arch, tmp, d, prepare=prepare_modules):
    m = prepare(o, arch)
    if m.initrd and not o.initrd:
        d.initrd = m.initrd
    # Shared by every run from the cache: the guest's writes go to an overlay.
    d.extra.append(Disk(m.disk, True))
    d.mounts.append(Mount(True, m.uuid, "lib/modules", "/lib/modules"))


def add_program(o, arch, tmp, d):
    p = prepare_program(o, tmp)
    d.argv = p.argv
    d.extra.append(Disk(p.disk, False))
    d.mounts.append(Mount(True, p.uuid, "", PROGRAM_DIR))


def add_shares(o, arch, tmp, d):
    for n, (host, guest, writable) in enumerate(o.shares):
        disk_uuid = str(uuid.uuid4())
        image = os.path.join(tmp, f"share{n}.img")
        pack_share(host, image, disk_uuid, writable)
        d.extra.append(Disk(image, False))
        d.mounts.append(Mount(not writable, disk_uuid, "", guest))
        if writable:
            d.copy_back.append(CopyBack(host, image))


def add_prologue(d, code):
    d.prologue = (d.prologue or GRAFT) + code


def add_share_libs(o, arch, tmp, d):
    libs = prepare_share_libs(o, tmp)
    if libs:
        add_prologue(d, libs.prologue)
        d.extra.append(Disk(libs.disk, False))
        d.mounts.append(Mount(True, libs.uuid, "", SHARE_LIBS_DIR))


def add_host_tools(o, arch, tmp, d):
    tools = prepare_host_tools(o, tmp)
    add_prologue(d, tools.prologue)
    # Shared by every run from the cache: nothing the guest does reaches it.
    d.extra.append(Disk(tools.disk, True))
    d.mounts.append(Mount(True, tools.uuid, "", "/usr"))


# In this order: it is the order of the extra disks on the bus (each is
# found in the guest by its UUID, never by its place).
STEPS = ((lambda o: o.modules, add_modules), (lambda o: o.program, add_program),
         (lambda o: o.shares, add_shares), (lambda o: o.share_libs, add_share_libs),
         (lambda o: o.host_tools, add_host_tools))


def prepare_disks(o, arch, tmp):
    """Every extra disk the options ask for, made in TMP (or the cache)."""
    d = Disks()
    for wanted, add in STEPS:
        if wanted(o):
            add(o, arch, tmp, d)
    if d.prologue:
        d.prologue += 'exec "$@"\n'
    return d


def placeholder_disks(o, arch, run_dir, modules=cached_modules):
    """The disks --print shows, in a real run's order, none made: the
    modules' where the cache keeps them, the others at their places in a
    run directory RUN_DIR."""
    d = Disks()
    if o.modules:
        add_modules(o, arch, run_dir, d, prepare=modules)
    if o.program:
        d.extra.append(Disk(os.path.join(run_dir, "program.img"), False))
    d.extra += [Disk(os.path.join(run_dir, f"share{n}.img"), False) for n, _ in enumerate(o.shares)]
    if o.share_libs and shares_have_programs(o.shares):
        d.extra.append(Disk(os.path.join(run_dir, "libs.img"), False))
    if o.host_tools:
        d.extra.append(Disk(placeholder_host_tools(o), True))
    return d
