"""The kernel, image and modules a run boots when none is given. make's
build/ (build/ARCH/vmlinuz, build/ARCH/rootfs.img) where they are, as in
a source tree; else the cache's, so that run-qemu works from any
directory: Debian's kernel, fetched once by fetch-kernel, and an image
mkrootfs makes from minroot's init and the host's static busybox, made
again when any of the three changes. A default kernel whose disk and ext4
drivers are modules (armhf's) brings its modules, from beside it."""
import os
import shutil
import subprocess

from .arches import HOST_ARCH
from .cache import cache_dir, cache_key, locked, prune_cache, used_again
from .mkrootfs import mkrootfs
from .options import modules_tree
from .places import fetch_kernel_program, in_source_tree, mkrootfs_program, own_init
from .qemuline import shell_quote
from .status import ToolFailure, Usage, say

IMAGES_KEEP = 3     # default images kept: one per init, busybox and mkrootfs in use


def default_dir(arch, env=os.environ):
    """Where the cache keeps ARCH's default kernel, its modules and images."""
    return os.path.join(cache_dir(env), "default", arch.name)


def fetch_command(arch, fetcher, where):
    """The fetch-kernel command that puts ARCH's default kernel (and, for a
    modular one, its modules) in WHERE."""
    modules = ["-m", os.path.join(where, "modules")] if arch.kernel_modular else []
    return [fetcher, "-p", arch.kernel_package] + modules + [os.path.join(where, "vmlinuz")]


def how_to_fetch(arch, where, fetcher, cwd_is_tree):
    """What the user runs to get ARCH's default kernel: make's target in a
    source tree, else fetch-kernel's command line."""
    if cwd_is_tree:
        return "run 'make kernel" + ("" if arch.name == HOST_ARCH else f" ARCH={arch.name}") + "'"
    if fetcher:
        return f"run '{shell_quote(fetch_command(arch, fetcher, where))}'"
    return "install minroot (make install brings fetch-kernel)"


def no_kernel(o, arch, where, fetcher, cwd_is_tree):
    """The line for a default kernel that is neither in build/ nor fetched."""
    also = " or MINROOT_KERNEL" if arch.name == HOST_ARCH else ""
    return (f"no kernel at '{o.kernel}' nor '{os.path.join(where, 'vmlinuz')}': "
            f"{how_to_fetch(arch, where, fetcher, cwd_is_tree)} to fetch Debian's, or give --kernel PATH{also}")


def fetch_kernel(arch, fetcher, where):
    """Run fetch-kernel (its own lines on standard error); one run at a
    time, the second then finds the kernel there."""
    kernel = os.path.join(where, "vmlinuz")
    try:
        os.makedirs(where, exist_ok=True)
    except OSError as e:
        raise ToolFailure(f"cannot create {where}: {e.strerror}")
    with locked(os.path.join(where, "lock")):
        if os.path.exists(kernel):
            return
        say(f"no kernel given: fetching Debian's {arch.kernel_package} into {where} (once)")
        try:
            rc = subprocess.run(fetch_command(arch, fetcher, where), stdin=subprocess.DEVNULL).returncode
        except OSError as e:
            raise ToolFailure(f"cannot run {fetcher}: {e.strerror}")
    if rc != 0 or not os.path.exists(kernel):
        raise Usage(f"no kernel: fetching Debian's {arch.kernel_package} failed (above); give --kernel PATH")


def default_kernel(o, arch, print_only):
    """build/ARCH/vmlinuz where it is, else the cache's (fetched first,
    but not for --print, which names the command instead)."""
    if not o.kernel_default or os.path.exists(o.kernel):
        return
    where = default_dir(arch)
    if not os.path.exists(os.path.join(where, "vmlinuz")):
        fetcher = fetch_kernel_program()
        if print_only or not fetcher:
            raise Usage(no_kernel(o, arch, where, fetcher, in_source_tree(os.getcwd())))
        fetch_kernel(arch, fetcher, where)
    o.kernel = os.path.join(where, "vmlinuz")


def default_modules(o, arch):
    """A default kernel whose root drivers are modules boots with them:
    make kernel and fetch-kernel put them beside it (build/armhf/modules,
    the cache's default/armhf/modules). Told before booting when missing:
    without them the kernel cannot mount the root."""
    if not (arch.kernel_modular and o.kernel_default and o.modules is None and o.uses_disk()):
        return
    here = os.path.join(os.path.dirname(o.kernel), "modules")
    if not os.path.isdir(here):
        how = how_to_fetch(arch, os.path.dirname(o.kernel), fetch_kernel_program(), in_source_tree(os.getcwd()))
        raise Usage(f"the {arch.name} kernel {o.kernel} has its disk and ext4 drivers as modules, and they are "
                    f"not at '{here}': {how}, or give --modules DIR")
    modules_tree(here)
    o.modules = here


def image_sources(o):
    """(mkrootfs, init, busybox) the default image is made from."""
    init = own_init("build")
    if not init:
        raise Usage(f"no image at '{o.image}', and no minroot init to make one: run 'make' in minroot's tree "
                    "or install minroot, or give --image PATH")
    busybox = os.environ.get("BUSYBOX") or shutil.which("busybox")
    if not busybox:
        raise Usage(f"no image at '{o.image}', and no busybox to make one (Debian: busybox-static), "
                    "or give --image PATH")
    return mkrootfs_program(), init, busybox


def default_image(o, arch, print_only):
    """build/ARCH/rootfs.img where it is, else (x86_64) the cache's image
    of minroot's init and busybox, named by the digest of the two and
    mkrootfs: made once, again when one changes. Several runs share it, so
    it is always booted with --snapshot."""
    if o.image_given or not o.uses_disk() or os.path.exists(o.image):
        return
    if arch.name != HOST_ARCH:
        raise Usage(f"no image at '{o.image}' (run 'make ARCH={arch.name}' in minroot's tree, "
                    "or give --image PATH)")
    mk, init, busybox = image_sources(o)
    where = default_dir(arch)
    image = os.path.join(where, f"rootfs-{cache_key(mk, init, busybox)[:32]}.img")
    if not print_only and not used_again(image):
        try:
            os.makedirs(where, exist_ok=True)
        except OSError as e:
            raise ToolFailure(f"cannot create {where}: {e.strerror}")
        mkrootfs(["--init", init, "--busybox", busybox, "-o", image], "the default image", image)
        prune_cache(where, "rootfs-", ".img", IMAGES_KEEP)
    o.image, o.snapshot = image, True


def fill_in(o, arch, print_only):
    """The defaults of checked options O, filled in: what build/ holds,
    else the cache's (fetched or made here)."""
    default_kernel(o, arch, print_only)
    default_modules(o, arch)
    default_image(o, arch, print_only)
