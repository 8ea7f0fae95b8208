#!/usr/bin/python3
"""The blog's image content as an initramfs (busybox symlinked as
/sbin/init and /init, packed by GNU cpio, gzip), booted with no disk
through `run-qemu --initrd` on the Debian cloud kernel: busybox init asks
"Please press Enter". After `mkrootfs --update` of the archive our init runs
instead: command mode returns the command's status, an interactive boot
gives the prompt at once, and the old inits are kept as .orig."""
import os
import subprocess

import vm

tmp = vm.scratch()
BUSYBOX = "/bin/busybox"


def blog_tree(tree):
    """The blog's content: busybox, a link for each applet, /sbin/init and
    /init (where the kernel looks in an initramfs) linked to it."""
    for d in ("bin", "sbin", "dev", "proc", "sys", "etc", "root", "tmp"):
        os.makedirs(os.path.join(tree, d), exist_ok=True)
    subprocess.run(["cp", BUSYBOX, os.path.join(tree, "bin", "busybox")], check=True)
    applets = subprocess.run([BUSYBOX, "--list-full"], stdout=subprocess.PIPE,
                             encoding="utf-8", check=True).stdout.split()
    for path in applets + ["init"]:
        link = os.path.join(tree, path)
        if path != "bin/busybox" and not os.path.lexists(link):
            os.makedirs(os.path.dirname(link), exist_ok=True)
            os.symlink("/bin/busybox", link)


def gnu_cpio_gz(tree, archive):
    """find | cpio -o -H newc | gzip: the usual way an initramfs is made
    (the kernel's own initramfs provides /dev/console)."""
    rc, out = vm.host("sh", "-c", "cd '%s' && find . | LC_ALL=C sort | cpio -o -H newc --quiet "
                      "| gzip -9n > '%s'" % (tree, archive))
    if rc != 0:
        vm.fail("make the archive %s" % os.path.basename(archive), out)
        vm.finish()
    return archive


tree = os.path.join(tmp, "blog")
blog_tree(tree)
arc = gnu_cpio_gz(tree, os.path.join(tmp, "blog.cpio.gz"))

print("# the blog's content as an initramfs, before --update")
with vm.Console(initrd=arc) as c:
    vm.check("busybox init says 'Please press Enter'",
             c.expect("Please press Enter to activate this console", vm.BOOT_TIMEOUT), c.log())
    c.p.sendline("")
    vm.check("Enter gives busybox's shell", c.wait_prompt(), c.log())
    c.p.sendline("poweroff")
    st = c.wait_exit()
    vm.check("busybox poweroff ends QEMU (exit %s)" % st, st == 0, c.log())

print("# after mkrootfs --update of the archive")
rc, out = vm.host(os.path.join(vm.B, "mkrootfs"), "--update", arc, "--init", os.path.join(vm.B, "init"))
vm.check("mkrootfs --update of the .cpio.gz exits 0", rc == 0, out)
rc, out = vm.host(vm.RUN, "--accel", "tcg", "--kernel", vm.KERNEL, "--initrd", arc,
                  "--timeout", "600", "--", "sh", "-c", "exit 7")
vm.check("command mode: run-qemu returns the command's status 7 (got %d)" % rc, rc == 7, out)
with vm.Console(initrd=arc) as c:
    vm.check("interactive: our prompt, no key pressed", c.wait_prompt(), c.log())
    vm.check("... no 'Please press Enter'", "Please press Enter" not in c.log(), c.log())
    out, st = c.run("readlink /sbin/init.orig; readlink /init.orig")
    vm.check("... the old /sbin/init and /init kept as .orig (%s)" % out,
             st == 0 and out is not None and out.split() == ["/bin/busybox", "/bin/busybox"],
             out or c.log())
    out, st = c.run("ls -i /init /sbin/init | awk '{print $1}' | uniq | wc -l")
    vm.check("... /init and /sbin/init are one file (%s)" % out, st == 0 and out == "1", out or c.log())
    c.p.sendline("poweroff")
    st = c.wait_exit()
    vm.check("... poweroff ends QEMU (exit %s)" % st, st == 0, c.log())
vm.finish()
