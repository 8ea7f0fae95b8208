#!/usr/bin/python3
"""Images other than the default one, booted on the Debian cloud kernel:
- an image with our init but no shell: init's error shows on the console and
  QEMU powers off, with no kernel panic;
- an image with no init: the kernel panics, and run-qemu says so;
- an image made the blog's way (busybox symlinked as /sbin/init) boots to
  busybox init's "Please press Enter"; after `mkrootfs --update` the same
  image boots straight to our prompt, keeping /sbin/init.orig.
The images are made rootless with mke2fs -d, and debugfs for /dev/console."""
import os
import subprocess

import minroot_test as t
import rootfs

tmp = t.scratch()
make_ext3 = rootfs.make_ext
skeleton = rootfs.skeleton


print("# an image with our init and no shell")
tree = os.path.join(tmp, "noshell")
skeleton(tree)
subprocess.run(["cp", os.path.join(t.B, "init"), os.path.join(tree, "sbin", "init")], check=True)
img = make_ext3(tree, os.path.join(tmp, "noshell.img"))
with t.Console(img) as c:
    seen = c.expect(r"init: error: [^\r\n]*[\r\n]", t.BOOT_TIMEOUT)
    t.check("init's error is on the console (%s)" % (c.p.after.strip() if seen else "none"), seen, c.log())
    st = c.wait_exit()
    log = c.log()
    t.check("QEMU powers off by itself; run-qemu exits 125 (got %s)" % st, st == 125, log)
    t.check("no kernel panic", "Kernel panic" not in log, log)
    t.check("run-qemu says why in one line",
            len([l for l in log.splitlines() if l.startswith("run-qemu: init failed: ")]) == 1, log)

print("# an image with no init at all")
tree = os.path.join(tmp, "noinit")
skeleton(tree)
img = make_ext3(tree, os.path.join(tmp, "noinit.img"))
rc, out = t.host(t.RUN, "--accel", "tcg", "--kernel", t.KERNEL, "--image", img,
                 "--timeout", "600", "--", "true")
t.check("command mode: run-qemu exits 125 (got %d)" % rc, rc == 125, out)
why = [l for l in t.clean(out).splitlines() if l.startswith("run-qemu: ")]
t.check("... one line naming the kernel panic (%s)" % (why[0] if why else "none"),
        len(why) == 1 and "the kernel panicked" in why[0] and "init" in why[0], out)

print("# an image made the blog's way, then mkrootfs --update")
tree = os.path.join(tmp, "blog")
rootfs.busybox_tree(tree)
img = make_ext3(tree, os.path.join(tmp, "blog.img"))
# --snapshot: busybox init powers off without remounting / read-only, which
# would leave the journal needing recovery, and mkrootfs --update (rightly)
# refuses such an image.
with t.Console(img, extra=["--snapshot"]) as c:
    t.busybox_init_session(c)

rc, out = t.host(os.path.join(t.B, "mkrootfs"), "--update", img)
t.check("mkrootfs --update exits 0", rc == 0, out)
with t.Console(img) as c:
    t.check("after --update: our prompt, no key pressed", c.wait_prompt(), c.log())
    t.check("... no 'Please press Enter'", "Please press Enter" not in c.log(), c.log())
    out, st = c.run("readlink /proc/1/exe")
    t.check("... PID 1 is /sbin/init, not busybox (%s)" % out,
            st == 0 and out and "busybox" not in out and out.endswith("init"), out or c.log())
    out, st = c.run("readlink /sbin/init.orig")
    t.check("... /sbin/init.orig keeps the old init (%s)" % out,
            st == 0 and out and out.endswith("busybox"), out or c.log())
    c.p.sendline("poweroff")
    st = c.wait_exit()
    t.check("... poweroff ends QEMU (exit %s)" % st, st == 0, c.log())
rc, out = t.host("e2fsck", "-fn", img)
t.check("the updated image is clean (e2fsck -fn)", rc == 0, out)
t.finish()
