"""Where run-qemu's own files are. In a source tree (a clone: this package
is its qemu/runqemu/) make puts mkrootfs and the init in build/, and
fetch-kernel is qemu/kernel/fetch-kernel. Installed (make install), the
package is $(LIBEXECDIR)/runqemu/, beside the init and fetch-kernel, and
mkrootfs is in $(BINDIR), beside the run-qemu that was started."""
import os
import shutil
import sys

from .status import ToolFailure

PACKAGE = os.path.dirname(os.path.realpath(__file__))
# A clone: the tree that holds qemu/runqemu/ and qemu/run-qemu.
TOP = os.path.dirname(os.path.dirname(PACKAGE))
# Installed: $(LIBEXECDIR), which holds runqemu/.
LIBEXEC = os.path.dirname(PACKAGE)


def in_source_tree(top=None):
    """Whether TOP (default: the tree holding this package) is a clone."""
    top = top or TOP
    return os.path.isfile(os.path.join(top, "qemu", "run-qemu")) and \
        os.path.isfile(os.path.join(top, "qemu", "kernel", "fetch-kernel"))


def entry_dir():
    """The directory of the run-qemu that was started ($(BINDIR) when
    installed), or None."""
    started = sys.argv[0] if sys.argv and sys.argv[0] else None
    return os.path.dirname(os.path.realpath(started)) if started else None


def mkrootfs_program():
    """The source tree's build/mkrootfs, else the mkrootfs beside run-qemu,
    else the first in PATH."""
    candidates = [os.path.join(TOP, "build", "mkrootfs")] if in_source_tree() else []
    if entry_dir():
        candidates.append(os.path.join(entry_dir(), "mkrootfs"))
    for path in candidates:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    found = shutil.which("mkrootfs")
    if not found:
        raise ToolFailure("mkrootfs not found (run 'make', or install minroot)")
    return found


def fetch_kernel_program():
    """fetch-kernel: the source tree's, else the installed one, or None."""
    for path in ((os.path.join(TOP, "qemu", "kernel", "fetch-kernel") if in_source_tree() else None),
                 os.path.join(LIBEXEC, "fetch-kernel")):
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def own_init(build_subdir):
    """minroot's init for an architecture whose make directory is
    BUILD_SUBDIR (build, build/armhf, ...): the source tree's build, else
    (the host's) the installed one; None when there is none."""
    candidates = [os.path.join(TOP, build_subdir, "init")] if in_source_tree() else []
    if build_subdir == "build":
        candidates.append(os.path.join(LIBEXEC, "init"))
    return next((p for p in candidates if os.path.isfile(p)), None)
