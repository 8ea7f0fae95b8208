"""Root trees and ext images made the way users make them, never by our
packer: a directory, `mke2fs -d`, and debugfs for /dev/console (mke2fs -d
cannot make device nodes without root). The second module of the test
library: the QEMU suites boot these images."""
import os
import subprocess

import minroot_test as t

BUSYBOX = "/bin/busybox"


def skeleton(tree):
    for d in ("bin", "sbin", "dev", "proc", "sys", "etc", "root", "tmp"):
        os.makedirs(os.path.join(tree, d), exist_ok=True)


def busybox_tree(tree):
    """The blog's tree: a static busybox and a symlink for each of its
    applets, /sbin/init (busybox's init) among them."""
    skeleton(tree)
    subprocess.run(["cp", BUSYBOX, os.path.join(tree, "bin", "busybox")], check=True)
    applets = subprocess.run([BUSYBOX, "--list-full"], stdout=subprocess.PIPE,
                             encoding="utf-8", check=True).stdout.split()
    for path in applets:
        link = os.path.join(tree, path)
        if path != "bin/busybox" and not os.path.lexists(link):
            os.makedirs(os.path.dirname(link), exist_ok=True)
            os.symlink("/bin/busybox", link)


def make_ext(tree, img, size="64M", fstype="ext3", mke2fs=None):
    """An ext image of tree, with /dev/console. mke2fs: another way to run
    mke2fs -d (argv to which the image is appended), e.g. in a user
    namespace. A failure ends the suite."""
    subprocess.run(["truncate", "-s", size, img], check=True)
    rc, out = t.host(*(mke2fs or ["mke2fs", "-q", "-F", "-t", fstype, "-d", tree]), img)
    if rc == 0 and not os.path.lexists(os.path.join(tree, "dev", "console")):
        # debugfs's mknod takes a name in the current directory, not a path.
        cmds = img + ".debugfs"
        with open(cmds, "w") as f:
            f.write("cd /dev\nmknod console c 5 1\nsif console mode 020600\n")
        rc, out = t.host("debugfs", "-w", "-f", cmds, img)
    if rc == 0:
        rc, out = t.host("e2fsck", "-fn", img)
    if rc != 0:
        t.fail("make the image %s" % os.path.basename(img), out)
        t.finish()
    return img


def write(tree, path, text, mode=0o644):
    """A file of the tree, its directories made as needed."""
    full = os.path.join(tree, path.lstrip("/"))
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write(text)
    os.chmod(full, mode)


def image_file(img, path):
    """A file's content read from the image with debugfs; None if absent."""
    r = subprocess.run(["debugfs", "-R", "cat %s" % path, img], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, encoding="utf-8", errors="replace")
    if r.returncode != 0 or "File not found" in r.stderr:
        return None
    return r.stdout


def clean_after_use(img, what):
    """e2fsck -fn finds nothing and the journal needs no recovery."""
    rc, out = t.host("e2fsck", "-fn", img)
    t.check("%s: the image is clean (e2fsck -fn)" % what, rc == 0, out)
    rc, out = t.host("dumpe2fs", "-h", img)
    features = [l for l in out.splitlines() if l.startswith("Filesystem features:")]
    t.check("%s: no needs_recovery (%s)" % (what, features[0] if features else "no features line"),
            rc == 0 and features and "needs_recovery" not in features[0], out)
