"""The disk of selftests a kselftest job carries: the installed tree
(qemu/kselftest/build-kselftest's, or the user's), packed rootless into an
ext4 image by mkrootfs, found in the guest by its file system's UUID."""
import os
import shutil
import subprocess
import tempfile
import uuid

from runqemu import mkrootfs as packer
from runqemu.status import ToolFailure, Usage

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__)))))
BUILD_KSELFTEST = os.path.join(TOP, "qemu", "kselftest", "build-kselftest")
# ext2/3/4: the superblock starts 1024 bytes in, its UUID 104 bytes further.
UUID_OFFSET = 1024 + 104


def collections(selftests):
    """COLLECTION of each COLLECTION[:TEST], each once, in order."""
    return list(dict.fromkeys(t.split(":", 1)[0] for t in selftests))


def build_tree(selftests, where):
    """The installed selftests, built (or copied from the cache) into a
    directory under WHERE."""
    tree = os.path.join(where, "kselftest")
    r = subprocess.run([BUILD_KSELFTEST, "-o", tree] + collections(selftests), stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        raise (Usage if r.returncode == 2 else ToolFailure)(
            f"qemu/kselftest/build-kselftest {' '.join(collections(selftests))} failed (status {r.returncode})")
    return tree


def check_selftests(tree, selftests):
    """Each COLLECTION:TEST is among those installed (the guest's runner
    would refuse it)."""
    listed = set(open(os.path.join(tree, "kselftest-list.txt")).read().split())
    for t in selftests:
        if ":" in t and t not in listed:
            raise Usage(f"kselftest: no test '{t}' among the installed ones "
                        f"(see {os.path.join(tree, 'kselftest-list.txt')})")


def disk_uuid(image):
    with open(image, "rb") as f:
        f.seek(UUID_OFFSET)
        return str(uuid.UUID(bytes=f.read(16)))


def pack(tree, image):
    """TREE into IMAGE (ext4, owned 0:0, sparse; room for what the tests
    write beside themselves); its UUID."""
    size = (packer.tree_bytes(tree) * 2 + (64 << 20) + (1 << 20) - 1) >> 20
    packer.mkrootfs(["--bare", "-t", "ext4", "-s", f"{size}M", "--overlay", tree, "-o", image],
                    f"the disk of selftests {image}", image)
    return disk_uuid(image)


def kselftest_disk(selftests, tree, image):
    """The disk IMAGE holding the selftests (TREE, else built); its UUID."""
    where = tempfile.mkdtemp(prefix=".lava-job.", dir=os.path.dirname(os.path.abspath(image)))
    try:
        tree = tree or build_tree(selftests, where)
        check_selftests(tree, selftests)
        return pack(tree, image)
    finally:
        shutil.rmtree(where, ignore_errors=True)
