#!/usr/bin/python3
"""Real images, none made by our packer, after `mkrootfs --update`, booted on
the Debian cloud kernel:
- a Debian 12 minbase root from `mmdebstrap --variant=minbase bookworm`
  (tests/qemu/fetch-debian-root caches the tarball), as an ext4 image made
  with mke2fs -d: it boots to dash with job control, and `exit` powers off
  leaving the file system clean with what was written; a gcc-built program
  in a --share-libs share runs there, and so do the root's own programs;
- a Buildroot-style busybox image: an inittab with sysinit, wait, shutdown
  and tty respawn lines, an rcS running the S??* scripts (busybox syslogd and
  a service writing markers), an rcK stopping them. The markers on the image
  show what ran at boot and at shutdown, and that the service was stopped
  while / was still mounted read-write."""
import os
import re
import subprocess

import minroot_test as t
import rootfs

tmp = t.scratch()
MKROOTFS = os.path.join(t.B, "mkrootfs")


def update(img, what):
    rc, out = t.host(MKROOTFS, "--update", img)
    t.check("%s: mkrootfs --update exits 0" % what, rc == 0, out)
    return rc == 0


def in_order(text, lines):
    """True when each of lines is a line of text, in this order."""
    have = text.splitlines()
    at = -1
    for line in lines:
        if line not in have[at + 1:]:
            return False
        at = have.index(line, at + 1)
    return True


def debian_image(img):
    """The minbase tarball unpacked and made into ext4 with mke2fs -d; as a
    user, both in a user namespace where the user is root, so the files stay
    owned by root. /dev is left to init (devtmpfs)."""
    rc, tarball = t.host(os.path.join(t.TOP, "tests", "qemu", "fetch-debian-root"))
    if not t.check("the Debian 12 minbase tarball is there (mmdebstrap, cached)", rc == 0, tarball):
        t.finish()
    tarball = tarball.strip().splitlines()[-1]
    tree = os.path.join(tmp, "debian")
    os.makedirs(tree)
    owner = "--numeric-owner" if os.geteuid() == 0 else "--no-same-owner"
    build = ["tar", "-xf", tarball, "-C", tree, owner, "--exclude=./dev/*", "&&",
             "mke2fs", "-q", "-F", "-t", "ext4", "-d", tree]
    script = " ".join("'%s'" % a if a != "&&" else a for a in build) + ' "$0"'
    argv = ["sh", "-c", script]
    if os.geteuid() != 0:
        argv = ["unshare", "--map-root-user"] + argv
    return rootfs.make_ext(tree, img, size="512M", mke2fs=argv)


def test_debian():
    print("# a Debian 12 minbase root (mmdebstrap), ext4 by mke2fs -d, then --update")
    img = debian_image(os.path.join(tmp, "debian.img"))
    if not update(img, "Debian"):
        return
    data = "written in Debian before exit"
    with t.Console(img) as c:
        # dash's prompt for root is "# ", which t.PROMPT (a path first) does not match.
        up = c.expect(r"(^|\n)# ", t.BOOT_TIMEOUT)
        t.check("Debian: a shell prompt, no key pressed", up, c.log())
        out, st = c.run("readlink /proc/$$/exe; readlink /proc/1/exe; tty")
        # /sbin is a link to usr/sbin there (merged /usr).
        t.check("Debian: the shell is dash, PID 1 our init, on ttyS0 (%s)" % " ".join((out or "").split()),
                st == 0 and out.split() == ["/usr/bin/dash", "/usr/sbin/init", "/dev/ttyS0"],
                out or c.log())
        c.p.sendline("sh -c 'echo S$((1+1))S; exec sleep 100'")
        started = c.expect("S2S")
        c.p.sendcontrol("c")
        c.p.sendline("echo A$((1+1))A $?")
        back = started and c.expect(r"A2A (\d+)[\r\n]", 30)
        status = c.p.match.group(1) if back else None
        t.check("Debian: job control, Ctrl-C ends a foreground sleep ($? = %s)" % status,
                status == "130", c.log())
        out, st = c.run("echo '%s' >/root/data" % data)
        c.p.sendline("exit")
        st = c.wait_exit()
        t.check("Debian: exit powers off, run-qemu exits 0 (got %s)" % st, st == 0, c.log())
        t.check("Debian: no rc line (minbase has no inittab, rcS or rcK)",
                not re.search(r"init: (sysinit|shutdown):", c.log()), c.log())
    rootfs.clean_after_use(img, "Debian")
    got = rootfs.image_file(img, "/root/data")
    t.check("Debian: the file written before exit is on the image (%r)" % got,
            got == data + "\n")
    test_debian_share_libs(img)


def test_debian_share_libs(img):
    """The host's loader grafted over the root's /lib64 (a link into /usr
    there): the shared program and dash, ls and wc of the root all run."""
    share = os.path.join(tmp, "t")
    os.makedirs(share)
    src = os.path.join(tmp, "cube.c")
    with open(src, "w") as f:
        f.write('#include <math.h>\n#include <stdio.h>\n#include <stdlib.h>\n'
                'int main(int c, char **v) { printf("cube: %g\\n", pow(atof(v[1]), 3)); return 6; }\n')
    rc, out = t.host("gcc", "-o", os.path.join(share, "cube"), src, "-lm")
    if not t.check("gcc builds a program with libm", rc == 0, out):
        return
    with open(os.path.join(share, "run.sh"), "w") as f:
        f.write('#!/bin/sh\n/t/cube 3; echo "cube exited $?"\nls /lib64 | wc -l\n')
    os.chmod(os.path.join(share, "run.sh"), 0o755)
    r = subprocess.run([t.RUN, "--accel", "tcg", "--kernel", t.KERNEL, "--image", img, "--snapshot",
                        "--timeout", "600", "--share", share + ":/t", "--share-libs", "--", "/t/run.sh"],
                       stdin=subprocess.DEVNULL, capture_output=True, encoding="utf-8", errors="replace")
    lines = t.clean(r.stdout).split()
    t.check("Debian --share-libs: the shared program ran with the host's libm, then the "
            "root's own ls and wc (%s, exit %d)" % (" ".join(lines), r.returncode),
            r.returncode == 0 and lines == ["cube:", "27", "cube", "exited", "6", "1"],
            r.stdout + r.stderr)


INITTAB = """\
# A Buildroot-style inittab: the system's start-up, then its rc scripts.
::sysinit:/bin/mount -t proc proc /proc
::sysinit:/bin/mount -o remount,rw /
::sysinit:/bin/mkdir -p /dev/pts /dev/shm
::sysinit:/bin/mount -a
null::sysinit:/bin/ln -sf /proc/self/fd /dev/fd
::sysinit:/bin/hostname -F /etc/hostname
::sysinit:/etc/init.d/rcS
::wait:/bin/echo wait line >>/var/log/markers

# A getty on the first virtual terminal, and the serial one (the console)
tty1::respawn:/sbin/getty 38400 tty1
console::respawn:/sbin/getty -L  console 0 vt100 # GENERIC_SERIAL

# Stuff to do before rebooting
::shutdown:/etc/init.d/rcK
::shutdown:/bin/echo shutdown line >>/var/log/markers
::shutdown:/bin/umount -a -r
"""

RCS = """\
#!/bin/sh
# Start every init script in /etc/init.d, in numerical order.
echo "rcS start" >>/var/log/markers
# Its terminal: none controlling (field 7 of stat is 0), output on the console.
echo "rcS tty_nr=$(cut -d' ' -f7 /proc/$$/stat) stdout=$(readlink /proc/$$/fd/1)" >>/var/log/markers
for i in /etc/init.d/S??*; do
	[ -x "$i" ] || continue
	"$i" start
done
"""

RCK = """\
#!/bin/sh
# Stop every init script in /etc/init.d, in reverse numerical order.
echo "rcK start" >>/var/log/markers
for i in $(ls -r /etc/init.d/S??*); do
	[ -x "$i" ] || continue
	"$i" stop
done
echo "rcK done" >>/var/log/markers
"""

SYSLOGD = """\
#!/bin/sh
# busybox's syslogd, into /var/log/messages.
case "$1" in
start)
	echo "S01syslogd start" >>/var/log/markers
	start-stop-daemon -S -q -p /var/run/syslogd.pid -x /sbin/syslogd ;;
stop)
	echo "S01syslogd stop" >>/var/log/markers
	start-stop-daemon -K -q -p /var/run/syslogd.pid ;;
esac
"""

MARKERD = """\
#!/bin/sh
# A service that says on the disk when it runs and when it is stopped.
stopped() {
	if grep -q '^[^ ]* / [^ ]* rw' /proc/mounts; then root=rw; else root=ro; fi
	echo "markerd stopped, / $root" >>/var/log/markers
	exit 0
}
trap stopped TERM
echo "markerd running" >>/var/log/markers
while :; do sleep 1 & wait $!; done
"""

S50MARKER = """\
#!/bin/sh
case "$1" in
start)
	echo "S50marker start" >>/var/log/markers
	start-stop-daemon -S -b -m -p /var/run/markerd.pid -x /usr/sbin/markerd ;;
stop)
	echo "S50marker stop" >>/var/log/markers
	pid=$(cat /var/run/markerd.pid)
	start-stop-daemon -K -q -p /var/run/markerd.pid
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done ;;
esac
"""

FSTAB = """\
proc      /proc     proc   defaults             0 0
devpts    /dev/pts  devpts defaults,gid=5,mode=620 0 0
tmpfs     /dev/shm  tmpfs  mode=0777            0 0
tmpfs     /tmp      tmpfs  mode=1777            0 0
sysfs     /sys      sysfs  defaults             0 0
"""


def busybox_image(img):
    tree = os.path.join(tmp, "buildroot")
    rootfs.busybox_tree(tree)
    files = (("/etc/inittab", INITTAB, 0o644), ("/etc/init.d/rcS", RCS, 0o755),
             ("/etc/init.d/rcK", RCK, 0o755), ("/etc/init.d/S01syslogd", SYSLOGD, 0o755),
             ("/etc/init.d/S50marker", S50MARKER, 0o755), ("/usr/sbin/markerd", MARKERD, 0o755),
             ("/etc/fstab", FSTAB, 0o644), ("/etc/hostname", "buildroot\n", 0o644),
             ("/var/log/markers", "", 0o644))
    for path, text, mode in files:
        rootfs.write(tree, path, text, mode)
    os.makedirs(os.path.join(tree, "run"))
    os.symlink("../run", os.path.join(tree, "var", "run"))
    return rootfs.make_ext(tree, img, fstype="ext4")


# What the markers file must hold, in this order, after one boot and poweroff.
BOOT_MARKERS = ["rcS start", "S01syslogd start", "S50marker start", "wait line"]
SHUTDOWN_MARKERS = ["rcK start", "S50marker stop", "markerd stopped, / rw", "S01syslogd stop",
                    "rcK done", "shutdown line"]


def test_buildroot_style():
    print("# a Buildroot-style busybox image (inittab, rcS, rcK), then --update")
    img = busybox_image(os.path.join(tmp, "buildroot.img"))
    if not update(img, "busybox image"):
        return
    with t.Console(img) as c:
        t.check("busybox image: our prompt after the boot scripts", c.wait_prompt(), c.log())
        out, st = c.run("cat /var/log/markers; hostname")
        lines = (out or "").splitlines()
        t.check("the boot lines and rcS's S??* scripts ran, in order, the service runs (%s)"
                % "; ".join(lines),
                st == 0 and in_order(out, BOOT_MARKERS) and "markerd running" in lines,
                out or c.log())
        t.check("rcS has no controlling terminal and writes to the console",
                "rcS tty_nr=0 stdout=/dev/console" in lines, out or c.log())
        t.check("the sysinit line 'hostname -F /etc/hostname' ran (%s)" % lines[-1:],
                lines[-1:] == ["buildroot"], out or c.log())
        out, st = c.run("pidof syslogd && logger -t rc-test hello-from-the-test")
        t.check("busybox syslogd runs (%s)" % out, st == 0, out or c.log())
        out, st = c.run("p=$(pidof getty); echo $p $(readlink /proc/$p/fd/0) $(cat /proc/$p/stat | cut -d' ' -f7)")
        words = (out or "").split()
        t.check("the tty1 respawn line runs getty on /dev/tty1, its controlling tty (%s)" % out,
                st == 0 and len(words) == 3 and words[1] == "/dev/tty1" and words[2] == str(4 << 8 | 1),
                out or c.log())
        out, st = c.run("kill %s; i=0; while [ $i -lt 100 ]; do p=$(pidof getty) && [ \"$p\" != %s ] && break;"
                        " sleep 0.1; i=$((i+1)); done; echo new $p" % (words[0], words[0]) if words else "false")
        t.check("killed, the getty is respawned (%s)" % (out or "").splitlines()[-1:],
                st == 0 and re.search(r"^new \d+$", out or "", re.M) is not None, out or c.log())
        c.p.sendline("poweroff")
        st = c.wait_exit()
        log = c.log()
        t.check("busybox image: poweroff ends QEMU (exit %s)" % st, st == 0, log)
        t.check("the console getty line is named as not run, in one line",
                len(re.findall(r"^init: /etc/inittab line 13 not run \(respawn: the console has "
                                r"init's shell\): /sbin/getty -L  console 0 vt100$", log, re.M)) == 1, log)
        # Buildroot's "ln -sf /proc/self/fd /dev/fd" expects no /dev/fd yet; our
        # init made that link before, so ln puts "fd" inside /proc/self/fd and fails.
        bad = [l for l in log.splitlines()
               if re.match(r"init: .*(exit status \d+|still running|not run:|ignored)", l)]
        t.check("every boot and shutdown command succeeded but Buildroot's /dev/fd link (%s)"
                % bad, bad == ["init: /bin/ln -sf /proc/self/fd /dev/fd: exit status 1; going on"],
                log)
        t.check("after 'umount -a -r', init still unmounts and remounts / read-only",
                "read /proc/self/mounts" not in log and "remount / read-only" not in log, log)
    rootfs.clean_after_use(img, "busybox image")
    markers = rootfs.image_file(img, "/var/log/markers") or ""
    t.check("rcK stopped the service while / was read-write, then the shutdown lines ran",
            in_order(markers, BOOT_MARKERS + SHUTDOWN_MARKERS), markers)
    messages = rootfs.image_file(img, "/var/log/messages") or ""
    t.check("syslogd wrote the test's message to /var/log/messages",
            "rc-test: hello-from-the-test" in messages, messages)


test_buildroot_style()
test_debian()
t.finish()
