#!/usr/bin/python3
"""The blog's image content as an initramfs (busybox symlinked as
/sbin/init and /init, packed by GNU cpio, gzip), booted with no disk
through `run-qemu --initrd` on the Debian cloud kernel: busybox init asks
"Please press Enter". After `mkrootfs --update` of the archive our init runs
instead: command mode returns the command's status, an interactive boot
gives the prompt at once, and the old inits are kept as .orig."""
import os

import minroot_test as t
import rootfs

tmp = t.scratch()


def gnu_cpio_gz(tree, archive):
    """find | cpio -o -H newc | gzip: the usual way an initramfs is made
    (the kernel's own initramfs provides /dev/console)."""
    rc, out = t.host("sh", "-c", "cd '%s' && find . | LC_ALL=C sort | cpio -o -H newc --quiet "
                     "| gzip -9n > '%s'" % (tree, archive))
    if rc != 0:
        t.fail("make the archive %s" % os.path.basename(archive), out)
        t.finish()
    return archive


tree = os.path.join(tmp, "blog")
rootfs.busybox_tree(tree)
os.symlink("/bin/busybox", os.path.join(tree, "init"))  # where the kernel looks first
arc = gnu_cpio_gz(tree, os.path.join(tmp, "blog.cpio.gz"))

print("# the blog's content as an initramfs, before --update")
with t.Console(initrd=arc) as c:
    t.busybox_init_session(c)

print("# after mkrootfs --update of the archive")
rc, out = t.host(os.path.join(t.B, "mkrootfs"), "--update", arc, "--init", os.path.join(t.B, "init"))
t.check("mkrootfs --update of the .cpio.gz exits 0", rc == 0, out)
rc, out = t.host(t.RUN, "--accel", "tcg", "--kernel", t.KERNEL, "--initrd", arc,
                 "--timeout", "600", "--", "sh", "-c", "exit 7")
t.check("command mode: run-qemu returns the command's status 7 (got %d)" % rc, rc == 7, out)
with t.Console(initrd=arc) as c:
    t.check("interactive: our prompt, no key pressed", c.wait_prompt(), c.log())
    t.check("... no 'Please press Enter'", "Please press Enter" not in c.log(), c.log())
    # markers on lines of their own: a kernel message may come in between
    out, st = c.run("echo orig=$(readlink /sbin/init.orig),$(readlink /init.orig)=")
    t.check("... the old /sbin/init and /init kept as .orig (%s)" % out,
            st == 0 and out is not None and "orig=/bin/busybox,/bin/busybox=" in out,
            out or c.log())
    out, st = c.run("echo inodes=$(ls -i /init /sbin/init | awk '{print $1}' | uniq | wc -l)=")
    t.check("... /init and /sbin/init are one file (%s)" % out,
            st == 0 and out is not None and "inodes=1=" in out, out or c.log())
    c.p.sendline("poweroff")
    st = c.wait_exit()
    t.check("... poweroff ends QEMU (exit %s)" % st, st == 0, c.log())
t.finish()
