"""The images and trees the benchmarks use, all 128 MiB ext3:
- ours: made by mkrootfs;
- blog: busybox copied to /busybox, /sbin/init and /bin/sh linked to it,
  made with mke2fs -d (the blog recipe's content, without root);
- limit: /sbin/init is bench/limit-init, which powers off at once;
- tree: the content of ours as a directory, for the other packers.
Device nodes go in through debugfs, which needs no root."""
import os
import re
import shutil
import subprocess

SIZE = "128M"
SIZE_BYTES = 128 << 20


class SetupFailed(Exception):
    pass


def run(argv, what, failure=SetupFailed):
    """A host command's output; raises failure, saying what failed and how."""
    try:
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, encoding="utf-8", errors="replace")
    except OSError as e:
        raise failure("%s: cannot run %s: %s" % (what, argv[0], e.strerror))
    if r.returncode != 0:
        raise failure("%s: %s exited %d:\n%s" % (what, argv[0], r.returncode, r.stdout))
    return r.stdout


def fresh_dir(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def mke2fs_image(tree, image, nodes=()):
    """An ext3 image of tree made with mke2fs -d, then nodes added."""
    if os.path.exists(image):
        os.unlink(image)
    run(["truncate", "-s", SIZE, image], "make %s" % image)
    run(["mke2fs", "-q", "-F", "-t", "ext3", "-d", tree, image], "make %s" % image)
    add_nodes(image, nodes)
    return image


def add_nodes(image, nodes):
    """nodes: (path, 'c' or 'b', mode, major, minor); debugfs makes a node in
    the current directory only, and without permission bits."""
    script = []
    for path, kind, mode, major, minor in nodes:
        parent, name = os.path.split(path)
        kind_bits = 0o020000 if kind == "c" else 0o060000
        script += ["cd %s" % (parent or "/"), "mknod %s %s %d %d" % (name, kind, major, minor),
                   "sif %s mode 0%o" % (name, kind_bits | mode)]
    if script:
        r = subprocess.run(["debugfs", "-w", "-f", "-", image], input="\n".join(script) + "\n",
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, encoding="utf-8")
        if r.returncode != 0 or "rror" in r.stdout:
            raise SetupFailed("debugfs mknod in %s:\n%s" % (image, r.stdout))


def skeleton(tree, dirs=("bin", "sbin", "dev", "proc", "sys", "tmp", "root", "etc")):
    fresh_dir(tree)
    for d in dirs:
        os.makedirs(os.path.join(tree, d))


def blog_image(work, busybox):
    tree = os.path.join(work, "blog-tree")
    skeleton(tree)
    shutil.copy(busybox, os.path.join(tree, "busybox"))
    os.symlink("/busybox", os.path.join(tree, "sbin", "init"))
    os.symlink("/busybox", os.path.join(tree, "bin", "sh"))
    return mke2fs_image(tree, os.path.join(work, "blog.img"), [CONSOLE])


def limit_image(work, limit_init):
    tree = os.path.join(work, "limit-tree")
    skeleton(tree, ("sbin", "dev", "proc", "sys"))
    shutil.copy(limit_init, os.path.join(tree, "sbin", "init"))
    return mke2fs_image(tree, os.path.join(work, "limit.img"), [CONSOLE])


CONSOLE = ("/dev/console", "c", 0o600, 5, 1)


def mkrootfs_argv(mkrootfs, init, busybox, image, size=SIZE):
    return [mkrootfs, "-t", "ext3", "-s", size, "--init", init, "--busybox", busybox, "-o", image]


def size_bytes(size):
    """"768M" -> bytes."""
    return int(size[:-1]) << {"K": 10, "M": 20, "G": 30}[size[-1]]


def ours_image(work, mkrootfs, init, busybox):
    image = os.path.join(work, "ours.img")
    if os.path.exists(image):
        os.unlink(image)
    run(mkrootfs_argv(mkrootfs, init, busybox, image), "make ours.img")
    return image


def device_nodes(image, directory="/dev"):
    """The device nodes in one directory of an image, as add_nodes takes them."""
    out = run(["debugfs", "-R", "ls -p %s" % directory, image], "list %s" % directory)
    nodes = []
    for line in out.splitlines():
        f = line.split("/")   # /inode/mode/uid/gid/name/size/
        if len(f) < 7 or not f[2].isdigit():
            continue
        mode = int(f[2], 8)
        kind = {0o020000: "c", 0o060000: "b"}.get(mode & 0o170000)
        if kind:
            path = directory.rstrip("/") + "/" + f[5]
            major, minor = device_numbers(image, path)
            nodes.append((path, kind, mode & 0o7777, major, minor))
    return nodes


def device_numbers(image, path):
    out = run(["debugfs", "-R", "stat %s" % path, image], "stat %s" % path)
    m = re.search(r"Device major/minor number: (\d+):(\d+)", out)
    if not m:
        raise SetupFailed("no device numbers for %s in %s:\n%s" % (path, image, out))
    return int(m.group(1)), int(m.group(2))


def tree_of_image(work, image):
    """The content of image as a tree (debugfs rdump). Device nodes are made
    in it when running as root; they are returned either way, so packers
    that take a device table or debugfs can add them rootless."""
    tree = fresh_dir(os.path.join(work, "tree"))
    run(["debugfs", "-R", "rdump / %s" % tree, image], "copy the image's files out")
    # Every packer makes lost+found itself.
    shutil.rmtree(os.path.join(tree, "lost+found"), ignore_errors=True)
    nodes = device_nodes(image)
    if os.geteuid() == 0:
        for path, kind, mode, major, minor in nodes:
            dev = os.makedev(major, minor)
            target = tree + path
            os.mknod(target, mode | (0o020000 if kind == "c" else 0o060000), dev)
            os.chmod(target, mode)
    return tree, nodes


def used_inodes(image):
    """(inodes in use, e2fsck -fn clean?) of an image."""
    r = subprocess.run(["e2fsck", "-fn", image], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, encoding="utf-8", errors="replace")
    m = re.search(r": (\d+)/\d+ files", r.stdout)
    return (int(m.group(1)) if m else None), r.returncode == 0
