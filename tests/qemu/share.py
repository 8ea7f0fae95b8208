#!/usr/bin/python3
"""Host directories in the guest (--share, --share-rw) on Debian's cloud
kernel under TCG: read-only means EROFS; what the guest leaves in a
--share-rw directory is in the host directory after power-off (new, changed,
deleted files, modes, symlinks, awkward names, 1,000 files, 50 MiB), and a
symlink cannot take a write outside it."""
import hashlib
import re
import os
import stat
import subprocess

import minroot_test as t
from minroot_test import B, RUN


def run(args, kernel=None):
    cmd = [RUN, "--accel", "tcg", "--kernel", kernel or os.path.join(B, "vmlinuz"),
           "--image", os.path.join(B, "rootfs.img"), "--snapshot", "--timeout", "600"] + args
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=900)
    return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


def tree(path):
    """Every entry under path: type, mode, content digest or link target."""
    out = {}
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            p = os.path.join(root, name)
            st = os.lstat(p)
            rel = os.path.relpath(p, path)
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("link", os.readlink(p))
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = ("dir", stat.S_IMODE(st.st_mode))
            else:
                with open(p, "rb") as f:
                    out[rel] = ("file", stat.S_IMODE(st.st_mode), hashlib.md5(f.read()).hexdigest())
    return out


AWKWARD = ["sp ace", "new\nline", "ünï©ødé", "-dash", "quote\"'"]


def make_share(d):
    os.makedirs(os.path.join(d, "many"))
    for i in range(1000):
        with open(os.path.join(d, "many", f"f{i:04d}"), "w") as f:
            f.write(f"file {i}\n")
    with open(os.path.join(d, "big"), "wb") as f:
        f.write(os.urandom(1 << 20) * 50)
    for name in AWKWARD:
        with open(os.path.join(d, name), "w") as f:
            f.write(name)
    with open(os.path.join(d, "doomed"), "w") as f:
        f.write("delete me\n")
    with open(os.path.join(d, "mode"), "w") as f:
        f.write("x\n")


GUEST_WRITES = r"""
set -e
cd /data
echo changed >> many/f0007
rm doomed
chmod 751 mode
mkdir -p newdir/deep && echo deep > newdir/deep/file
ln -s many/f0001 rel-link
ln -s /etc/passwd abs-link
printf 'made in the guest' > "guest sp ace
name ✓"
dd if=/dev/zero of=big bs=1M seek=10 count=1 conv=notrunc 2>/dev/null
rm "sp ace"
# An escape attempt: a link to the host's parent directory, written through.
ln -s ../outside escape
echo pwned > escape/victim 2>/dev/null || true
ln -s /tmp/outside-abs escape-abs
echo pwned > escape-abs/victim 2>/dev/null || true
md5sum big
"""


def main():
    base = t.scratch()
    print("# --share: read-only")
    ro = os.path.join(base, "ro")
    os.makedirs(ro)
    with open(os.path.join(ro, "hello"), "w") as f:
        f.write("hello from the host\n")
    before = tree(ro)
    rc, out, err = run(["--share", ro, "--", "sh", "-c",
                        'cat /mnt/ro/hello; echo x > /mnt/ro/new; echo "write: $?"'])
    t.check("the share is at /mnt/BASENAME and readable", rc == 0 and "hello from the host" in out, err + out)
    t.check("a write fails with EROFS", "Read-only file system" in out + err and "write: 1" in out, err + out)
    t.check("the host directory is unchanged", tree(ro) == before)
    two = os.path.join(base, "two")
    os.makedirs(two)
    with open(os.path.join(two, "f"), "w") as f:
        f.write("second share\n")
    rc, out, err = run(["--share", ro, "--share", two + ":/data/two", "--", "sh", "-c",
                        "cat /mnt/ro/hello /data/two/f && exit 5"])
    t.check("--share is repeatable, one at /mnt/BASENAME, one at the GUESTDIR given (exit 5)",
            rc == 5 and "hello from the host" in out and "second share" in out, err + out)

    print("# --share-rw: a round trip")
    rw = os.path.join(base, "rw")
    outside = os.path.join(base, "outside")
    os.makedirs(rw)
    os.makedirs(outside)
    with open(os.path.join(outside, "victim"), "w") as f:
        f.write("untouched\n")
    # A symlink in HOSTDIR pointing outside it: the guest sees a link, never
    # the host's directory behind it.
    os.symlink(outside, os.path.join(rw, "host-link"))
    make_share(rw)
    outside_before = tree(outside)
    rc, out, err = run(["--share-rw", f"{rw}:/data", "--", "sh", "-c",
                        GUEST_WRITES + "echo pwned > /data/host-link/victim 2>/dev/null || true"])
    t.check("the guest's writes run (exit 0)", rc == 0, err + out)
    after = tree(rw)
    t.check("a changed file is changed", open(os.path.join(rw, "many", "f0007")).read() == "file 7\nchanged\n")
    t.check("a deleted file is gone", "doomed" not in after and "sp ace" not in after)
    t.check("a mode change is kept", after.get("mode", ("", 0))[1] == 0o751, str(after.get("mode")))
    t.check("new directories and files are there",
            open(os.path.join(rw, "newdir", "deep", "file")).read() == "deep\n")
    t.check("symlinks come back as symlinks",
            after.get("rel-link") == ("link", "many/f0001") and after.get("abs-link") == ("link", "/etc/passwd"))
    t.check("an awkward name made in the guest survives",
            open(os.path.join(rw, "guest sp ace\nname ✓")).read() == "made in the guest")
    t.check("the other awkward names survive", all(n in after for n in AWKWARD if n != "sp ace"))
    t.check("1,000 files came back", len(os.listdir(os.path.join(rw, "many"))) == 1000)
    with open(os.path.join(rw, "big"), "rb") as f:
        big = f.read()
    m = re.search(r"([0-9a-f]{32})  big", out)
    guest_md5 = m.group(1) if m else "(none)"
    t.check("the 50 MiB file, changed in its middle, is what the guest had (md5)",
            len(big) == 50 << 20 and hashlib.md5(big).hexdigest() == guest_md5, out[-300:])
    t.check("symlink escapes changed nothing outside HOSTDIR", tree(outside) == outside_before,
            str(tree(outside)))
    t.check("the host's own link is still a link", os.path.islink(os.path.join(rw, "host-link")))
    t.check("lost+found of the share disk is not copied back", "lost+found" not in after)
    t.finish()


if __name__ == "__main__":
    main()
