"""mkrootfs, the packer run-qemu makes its disks with: finding it, running
it, and telling the user's bad input (exit 2) from a disk mkrootfs could
not write (the run could not happen: 125)."""
import os
import subprocess

from .places import mkrootfs_program
from .status import ToolFailure, Usage

# Where mkrootfs is comes from places.py; the modules that run it take it from here.
__all__ = ["mkrootfs_program", "mkrootfs", "refuse", "reason", "tree_bytes"]


def not_the_users(rc, why, output):
    """Whether mkrootfs failed on something run-qemu chose, not on what the
    user named: the disk it was asked to write (its path, or the temporary
    name beside it, is in every such message; a full or too small image
    is run-qemu's estimate), or mkrootfs itself killed."""
    if rc < 0:
        return True
    if output is not None and output in why:
        return True
    return "the image is full" in why or "does not fit in --size" in why


def run(args, what):
    """mkrootfs ARGS, its output captured (text)."""
    try:
        return subprocess.run([mkrootfs_program()] + args, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True)
    except OSError as e:
        raise ToolFailure(f"{what}: cannot run mkrootfs: {e.strerror}")


def reason(r):
    """mkrootfs's one line, without its "mkrootfs: error: "."""
    return r.stderr.strip().removeprefix("mkrootfs: error: ")


def refuse(r, what, why, output=None):
    """The error for a failed mkrootfs run R (see not_the_users)."""
    if not_the_users(r.returncode, why, output):
        return ToolFailure(f"{what}: {why}")
    return Usage(f"{what}: {why}")


def mkrootfs(args, what, output=None):
    """Run mkrootfs -q ARGS; its standard output. A failure is one line,
    "WHAT: mkrootfs's reason": Usage (2) for the user's input, ToolFailure
    (125) for the disk OUTPUT that could not be written."""
    r = run(["-q"] + args, what)
    if r.returncode != 0:
        raise refuse(r, what, reason(r), output)
    return r.stdout


def tree_bytes(path):
    """About what a tree takes on an ext4 disk: its blocks, and a block
    for each entry."""
    total = 0
    for root, dirs, files in os.walk(path):
        for name in files + dirs:
            try:
                total += os.lstat(os.path.join(root, name)).st_blocks * 512 + 4096
            except OSError:
                pass
    return total
