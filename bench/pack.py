"""Pack timing: making an ext3 image of the same content several ways: the
small tree (our default image's content, 128 MiB) four ways, the large tree
(bench/largetree.py added at /usr/lib/large, 768 MiB) three ways.
Each packer is a function (work dir, image path) -> None that raises
PackFailed; it is timed as a whole, from a missing image to a complete one.
The blog recipe needs root and a loop device; without them it says so."""
import os
import subprocess
import tempfile
import time

import images


class PackFailed(Exception):
    pass


class Unavailable(Exception):
    """The packer cannot run here (e.g. needs root); the reason is shown."""


def sh(argv, what):
    images.run(argv, what, PackFailed)


class Packers:
    """The ways, sharing the content: the tree and its device nodes. For
    mkrootfs the tree is its own default content plus `adds`, a list of
    --add SRC:DEST arguments (the large tree's extra files)."""

    def __init__(self, mkrootfs, init, busybox, tree, nodes, work, size=images.SIZE, adds=()):
        self.mkrootfs, self.init, self.busybox = mkrootfs, init, busybox
        self.tree, self.nodes, self.work = tree, nodes, work
        self.size, self.adds = size, list(adds)
        self.size_bytes = images.size_bytes(size)
        self.devtable = os.path.join(work, "devtable")
        with open(self.devtable, "w") as f:
            # genext2fs device table: name type mode uid gid major minor start inc count
            for path, kind, mode, major, minor in nodes:
                f.write("%s %s %o 0 0 %d %d - - -\n" % (path, kind, mode, major, minor))

    def with_mkrootfs(self, image):
        argv = images.mkrootfs_argv(self.mkrootfs, self.init, self.busybox, image, self.size)
        for add in self.adds:
            argv += ["--add", add]
        sh(argv, "mkrootfs")

    def with_mke2fs(self, image):
        sh(["truncate", "-s", self.size, image], "truncate")
        sh(["mke2fs", "-q", "-F", "-t", "ext3", "-d", self.tree, image], "mke2fs")
        if os.geteuid() != 0:   # the tree has no device nodes then
            images.add_nodes(image, self.nodes)

    def with_genext2fs(self, image):
        """genext2fs writes ext2 only: tune2fs -j adds the journal (ext3).
        1 KiB blocks and 32768 inodes, as mke2fs chooses for 128 MiB."""
        sh(["genext2fs", "-U", "-b", str(self.size_bytes // 1024), "-N", "32768", "-d", self.tree,
            "-D", self.devtable, image], "genext2fs")
        sh(["tune2fs", "-j", image], "tune2fs")

    def with_blog(self, image):
        """dd + mkfs.ext3 + mount -o loop + cp -a + umount, as the blog does."""
        why = blog_unavailable()
        if why:
            raise Unavailable(why)
        mnt = tempfile.mkdtemp(dir=self.work, prefix="mnt.")
        try:
            sh(["dd", "if=/dev/zero", "of=" + image, "bs=1M",
                "count=%d" % (self.size_bytes >> 20), "status=none"], "dd")
            sh(["mkfs.ext3", "-q", "-F", image], "mkfs.ext3")
            sh(["mount", "-o", "loop", image, mnt], "mount")
            sh(["cp", "-a", self.tree + "/.", mnt + "/"], "cp -a")
            sh(["umount", mnt], "umount")
        finally:
            release(image, mnt)

    def all(self):
        return [("mkrootfs", self.with_mkrootfs),
                ("mke2fs -t ext3 -d", self.with_mke2fs),
                ("genext2fs + tune2fs -j", self.with_genext2fs),
                (BLOG, self.with_blog)]

    def large(self):
        """genext2fs is left out: it takes minutes on a tree this size."""
        return [("mkrootfs", self.with_mkrootfs),
                ("mke2fs -t ext3 -d", self.with_mke2fs),
                (BLOG, self.with_blog)]


BLOG = "blog recipe (dd, mkfs.ext3, mount -o loop, cp -a, umount)"


def blog_unavailable():
    """Why the blog recipe cannot run here, or None."""
    if os.geteuid() != 0:
        return "needs root"
    r = subprocess.run(["losetup", "-f"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, encoding="utf-8", errors="replace")
    if r.returncode != 0:
        return "needs root and a free loop device (losetup -f: %s)" % r.stdout.strip()
    return None


def release(image, mnt):
    """Undo whatever the blog recipe left: the mount, its loop device, the
    mount point. Safe to call on every path."""
    if os.path.ismount(mnt):
        subprocess.run(["umount", mnt], stdin=subprocess.DEVNULL)
    if os.path.ismount(mnt):
        subprocess.run(["umount", "-l", mnt], stdin=subprocess.DEVNULL)
    r = subprocess.run(["losetup", "-j", image], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, encoding="utf-8", errors="replace")
    for line in r.stdout.splitlines():
        dev = line.split(":", 1)[0]
        if dev.startswith("/dev/loop"):
            subprocess.run(["losetup", "-d", dev], stdin=subprocess.DEVNULL)
    try:
        os.rmdir(mnt)
    except OSError:
        pass


def time_one(pack, image):
    """Seconds pack took to make image from nothing. The previous packer's
    data is on the disk first, so no one pays for another's writeback (the
    blog recipe leaves hundreds of MB behind its umount)."""
    if os.path.exists(image):
        os.unlink(image)
    os.sync()
    start = time.monotonic()
    pack(image)
    return time.monotonic() - start


def allocated_kb(path):
    return os.stat(path).st_blocks // 2
