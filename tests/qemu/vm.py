"""Helpers for the QEMU suites: drive qemu/run-qemu on a serial console with
pexpect, report "ok - " / "not ok - " lines, and show the console log of a
failed boot as evidence. Timeouts are generous and a timeout is a failure."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import pexpect

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
B = os.path.join(TOP, os.environ.get("BUILD", "build"))
RUN = os.path.join(TOP, "qemu", "run-qemu")
KERNEL = os.path.join(B, "vmlinuz")
IMAGE = os.path.join(B, "rootfs.img")

BOOT_TIMEOUT = 180   # TCG on a busy shared machine: a boot is seconds, allow minutes
STEP_TIMEOUT = 60
# The shell prompt: "root@minroot:/# ", busybox's "/ # ", "~ $ "...
PROMPT = r"[/~][^\s]*\s?[#$] "
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1bc")

failures = 0


def ok(what):
    print("ok - " + what, flush=True)


def fail(what, evidence=None):
    global failures
    failures += 1
    print("not ok - " + what, flush=True)
    if evidence:
        for line in evidence.splitlines()[-40:]:
            print("    | " + line)
        sys.stdout.flush()


def check(what, cond, evidence=None):
    if cond:
        ok(what)
    else:
        fail(what, evidence)
    return cond


def finish():
    sys.exit(1 if failures else 0)


def clean(text):
    """Console text without terminal escapes and carriage returns."""
    return ANSI.sub("", text).replace("\r", "")


def scratch():
    """A temporary directory removed when the suite ends."""
    d = tempfile.mkdtemp(prefix="minroot-qemu-")
    import atexit
    atexit.register(shutil.rmtree, d, True)
    return d


def copy_image(src, dst):
    subprocess.run(["cp", "--sparse=always", src, dst], check=True)
    return dst


def host(*argv):
    """Run a host command; returns (exit status, output)."""
    try:
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, encoding="utf-8", errors="replace")
    except OSError as e:
        return 127, "%s: %s" % (argv[0], e.strerror)
    return r.returncode, r.stdout


class Console:
    """One interactive boot of run-qemu on a pseudo-terminal."""

    def __init__(self, image=IMAGE, *, kernel=KERNEL, accel="tcg", extra=(), initrd=None,
                 dimensions=(40, 200)):
        """initrd: boot that initramfs instead of the image, with no disk."""
        self.logpath = tempfile.mktemp(prefix="minroot-console-", suffix=".log")
        self.logfile = open(self.logpath, "w", encoding="utf-8", errors="replace")
        argv = ["--kernel", kernel] + (["--initrd", initrd] if initrd else ["--image", image]) + \
            ["--accel", accel, "--timeout", "600"] + list(extra)
        self.p = pexpect.spawn(RUN, argv, encoding="utf-8", codec_errors="replace",
                               dimensions=dimensions, timeout=STEP_TIMEOUT)
        self.p.logfile_read = self.logfile
        self.status = None
        self._seq = 0

    def log(self):
        self.logfile.flush()
        with open(self.logpath, encoding="utf-8", errors="replace") as f:
            return clean(f.read())

    def expect(self, pattern, timeout=STEP_TIMEOUT):
        """True when pattern shows up; False on timeout or end of output."""
        try:
            self.p.expect(pattern, timeout=timeout)
            return True
        except (pexpect.TIMEOUT, pexpect.EOF):
            return False

    def wait_prompt(self, timeout=BOOT_TIMEOUT):
        return self.expect(PROMPT, timeout)

    def run(self, command, timeout=STEP_TIMEOUT):
        """Type command at the prompt; returns (its output, $?) or (None, None).
        The markers are computed by the shell, so the echo of the typed line
        cannot match them."""
        self._seq += 1
        n = self._seq
        self.p.sendline("echo B$((%d+1000))B; %s; echo E$((%d+1000))E $?" % (n, command, n))
        if not self.expect("B%dB" % (n + 1000), timeout):
            return None, None
        # The end of the line too: "E1001E 1" must not match "E1001E 127" early.
        if not self.expect(r"E%dE (\d+)[\r\n]" % (n + 1000), timeout):
            return None, None
        status = int(self.p.match.group(1))
        return clean(self.p.before).strip("\n"), status

    def interrupt_sleep(self):
        """Ctrl-C on a foreground 'sleep 100'; returns (it started, the
        prompt came back, $? after it as a string or None). The marker
        comes from the foreground job itself, just before it becomes sleep:
        so Ctrl-C cannot reach the shell before the job has started."""
        self.p.sendline("sh -c 'echo S$((1+1))S; exec sleep 100'")
        started = self.expect("S2S")
        self.p.sendcontrol("c")
        back = self.wait_prompt(30)
        self.p.sendline("echo A$((1+1))A $?")
        back = back and self.expect(r"A2A (\d+)[\r\n]", 30)
        return started, back, self.p.match.group(1) if back else None

    def wait_exit(self, timeout=BOOT_TIMEOUT):
        """Wait for QEMU and run-qemu to end; returns run-qemu's exit status,
        None if it did not end in time (then it is killed)."""
        if not self.expect(pexpect.EOF, timeout):
            self.kill()
            return None
        self.p.close()
        self.status = self.p.exitstatus if self.p.exitstatus is not None else 128 + self.p.signalstatus
        return self.status

    def kill(self):
        if self.p.isalive():
            self.p.kill(15)
            self.expect(pexpect.EOF, 30)
            self.p.close(force=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
        self.logfile.close()
        os.unlink(self.logpath)


def busybox_init_session(c):
    """busybox init on the console c: it asks for Enter, Enter gives its shell,
    and busybox's poweroff ends QEMU."""
    check("busybox init says 'Please press Enter'",
          c.expect("Please press Enter to activate this console", BOOT_TIMEOUT), c.log())
    c.p.sendline("")
    check("Enter gives busybox's shell", c.wait_prompt(), c.log())
    c.p.sendline("/bin/busybox poweroff")
    st = c.wait_exit()
    check("busybox poweroff ends QEMU (exit %s)" % st, st == 0, c.log())


def xz_modules_tree(tmp, tree, names):
    """The modules the given ones need (modprobe --show-depends on tree, a
    lib/modules/VERSION directory), compressed with xz as Debian 13 and
    Fedora ship them, with the index inputs, depmod'ed: returns the prefix
    holding lib/modules/VERSION, and how many modules are in it."""
    version = os.path.basename(tree)
    prefix = os.path.dirname(os.path.dirname(os.path.dirname(tree)))
    root = os.path.join(tmp, "xz")
    dst_dir = os.path.join(root, "lib", "modules", version)
    paths = set()
    for m in names:
        _, out = host("modprobe", "-d", prefix, "-S", version, "--show-depends", m)
        paths.update(l.split()[1] for l in out.splitlines() if l.startswith("insmod "))
    for p in sorted(paths):
        dst = os.path.join(dst_dir, os.path.relpath(p, tree))
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy(p, dst)
        subprocess.run(["xz", "--check=crc32", dst], check=True)
    for f in ("modules.order", "modules.builtin", "modules.builtin.modinfo"):
        shutil.copy(os.path.join(tree, f), dst_dir)
    rc, out = host("depmod", "-b", root, version)
    return root, len(paths), rc, out
