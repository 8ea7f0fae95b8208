"""The Python suites' library (tests/run puts tests/lib on PYTHONPATH):
report lines for tests/run ("ok - " / "not ok - ", evidence under a failure),
host commands, scratch directories, and one driver for a guest's serial
console through pexpect, whose log is the evidence of a failed boot. Every
timeout is a failure, never a pass; the limits are generous because the
machines are shared and boots under TCG are slow when they are busy.

Suites import it as `import minroot_test as t` and report with t.check(),
t.ok(), t.fail(), and t.finish() at the end."""
import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile

import pexpect
import pexpect.fdpexpect

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
B = os.path.join(TOP, os.environ.get("BUILD", "build"))
RUN = os.path.join(TOP, "qemu", "run-qemu")
KERNEL = os.path.join(B, "vmlinuz")
IMAGE = os.path.join(B, "rootfs.img")
BUSYBOX = os.environ.get("BUSYBOX", "/bin/busybox")
# SOAK=1 (make soak): the reliability suites' full counts.
SOAK = os.environ.get("SOAK", "") not in ("", "0")

BOOT_TIMEOUT = 180   # TCG on a busy shared machine: a boot is seconds, allow minutes
STEP_TIMEOUT = 60
# What run-qemu gives the guest as its own limit (--timeout) by default.
GUEST_TIMEOUT = 600
# The shell prompt: "root@minroot:/# ", busybox's "/ # ", "~ $ "... busybox
# ash follows it with the cursor position query ESC[6n, which nothing here
# answers.
PROMPT = r"[/~][^\s]*\s?[#$] "
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1bc")

failures = 0


# --- report lines ------------------------------------------------------------

def ok(what):
    print("ok - " + what, flush=True)


def fail(what, evidence=None):
    """A failed check, with the last 40 lines of its evidence below it."""
    global failures
    failures += 1
    print("not ok - " + what, flush=True)
    if evidence:
        for line in str(evidence).splitlines()[-40:]:
            print("    | " + line)
        sys.stdout.flush()


def check(what, cond, evidence=None):
    if cond:
        ok(what)
    else:
        fail(what, evidence)
    return cond


def note(text):
    """A comment line for the reader; tests/run does not count it."""
    print("# " + text, flush=True)


def finish():
    sys.exit(1 if failures else 0)


def need_files(*paths):
    """Fails (and returns False) when a file the suite needs is missing."""
    missing = [p for p in paths if not os.path.exists(p)]
    for p in missing:
        fail("%s exists (build it first: make test builds everything)" % p)
    return not missing


# --- host side -----------------------------------------------------------------

def clean(text):
    """Console text without terminal escapes and carriage returns."""
    return ANSI.sub("", text).replace("\r", "")


def read(path):
    """A file of the tree (path relative to its top) as text."""
    with open(os.path.join(TOP, path), encoding="utf-8") as f:
        return f.read()


def scratch():
    """A temporary directory removed when the suite ends."""
    d = tempfile.mkdtemp(prefix="minroot-test-")
    atexit.register(shutil.rmtree, d, True)
    return d


def copy_image(src, dst):
    subprocess.run(["cp", "--sparse=always", src, dst], check=True)
    return dst


def host(*argv, timeout=None, cwd=None):
    """Run a host command, stdin from /dev/null; returns (exit status, output
    with stderr). Status None: it did not end within timeout (it is killed)."""
    try:
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, cwd=cwd, timeout=timeout)
    except OSError as e:
        return 127, "%s: %s" % (argv[0], e.strerror)
    except subprocess.TimeoutExpired as e:
        return None, (e.stdout or b"").decode("utf-8", "replace")
    return r.returncode, r.stdout.decode("utf-8", "replace")


def boot_command(argv, timeout=BOOT_TIMEOUT):
    """A command-mode boot (argv from the top of the tree): (its exit status,
    the printable output). Status None means it did not end in time."""
    status, out = host(*argv, timeout=timeout, cwd=TOP)
    return status, clean(out)


def values(text, key):
    """Every integer after "KEY=" in text (lines like "rss-before=48")."""
    return [int(v) for v in re.findall(r"^%s=(\d+)\s*$" % re.escape(key), text, re.M)]


def kernel_trouble(log):
    """Lines that mean the boot or the shutdown went wrong: the kernel's,
    and init's complaints during an orderly shutdown."""
    bad = re.compile(r"Kernel panic|Attempted to kill init|Oops|BUG:|"
                     r"EXT4-fs error|I/O error|can't run|not syncing|"
                     r"init: .*(error|SIGKILL|did not end|unmount|remount|reboot:)")
    return [line for line in log.splitlines() if bad.search(line)]


def xz_modules_tree(tmp, tree, names):
    """The modules the given ones need (modprobe --show-depends on tree, a
    lib/modules/VERSION directory), compressed with xz as Debian 13 and
    Fedora ship them, with the index inputs, depmod'ed: returns the prefix
    holding lib/modules/VERSION, how many modules are in it, and depmod's
    exit status and output."""
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


# --- the init as PID 1 in namespaces, on a terminal (no VM) ----------------------

def ns_root(root, init=None):
    """A test root for the init in namespaces: static busybox with its
    applets, init (build/init unless given) as /sbin/init, and placeholders
    in /dev that ns_spawn_init binds the host's nodes onto (mknod is not
    allowed in a user namespace)."""
    for d in ("bin", "sbin", "dev", "etc", "proc", "sys", "tmp", "root", "run"):
        os.makedirs(os.path.join(root, d))
    shutil.copy(init or os.path.join(B, "init"), os.path.join(root, "sbin/init"))
    shutil.copy(BUSYBOX, os.path.join(root, "bin/busybox"))
    applets = subprocess.run([BUSYBOX, "--list"], capture_output=True, text=True).stdout.split()
    for a in applets:
        if a not in ("init", "busybox"):
            os.symlink("busybox", os.path.join(root, "bin", a))
    for node in ("null", "zero", "urandom"):
        open(os.path.join(root, "dev", node), "w").close()


def ns_spawn_init(root, cmdline):
    """Starts root's init as PID 1 in user, PID, mount, network, UTS and IPC
    namespaces, with cmdline as its /proc/cmdline, on a new pty that is
    nobody's controlling terminal yet, as the kernel's console is (a pty from
    pexpect.spawn already belongs to a session, and only CAP_SYS_ADMIN in the
    first user namespace may steal it). Returns (the process, its pexpect
    end of the terminal, a function giving what the terminal showed)."""
    with open(os.path.join(root, "..", "cmdline"), "w") as f:
        f.write(cmdline + "\n")
    binds = " && ".join(f"mount --bind /dev/{n} {root}/dev/{n}" for n in ("null", "zero", "urandom"))
    script = (f"mount -t proc proc {root}/proc && mount --bind {root}/../cmdline {root}/proc/cmdline"
              f" && {binds} && exec chroot {root} /sbin/init")
    master, slave = os.openpty()
    proc = subprocess.Popen(["unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount",
                             "--net", "--uts", "--ipc", "sh", "-c", script],
                            stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    p = pexpect.fdpexpect.fdspawn(master, encoding="utf-8", timeout=20)
    log = []
    p.logfile_read = type("Log", (), {"write": lambda s, x: log.append(x), "flush": lambda s: None})()
    return proc, p, lambda: "".join(log)


# --- a guest's serial console ------------------------------------------------------

def run_qemu_args(image=IMAGE, kernel=KERNEL, accel="tcg", initrd=None, guest_timeout=GUEST_TIMEOUT,
                  extra=()):
    """run-qemu's arguments for one boot of image (or of initrd alone, with
    no disk)."""
    return ["--kernel", kernel] + (["--initrd", initrd] if initrd else ["--image", image]) + \
        ["--accel", accel, "--timeout", str(guest_timeout)] + list(extra)


class Console:
    """One guest on a pseudo-terminal: run-qemu booting image (or initrd)
    with kernel, or any argv given (the blog's QEMU line, `make run`). The
    pexpect child is self.p; everything the guest printed is kept in a log
    file (self.logpath), the evidence of a failure.

    boot_timeout and step_timeout bound the waits for a boot (or an end) and
    for one command; guest_timeout is run-qemu's own --timeout. After each
    run(), prompt_after_run waits for the next prompt, so that what is typed
    next meets the shell and not the line editor's end of line."""

    def __init__(self, image=IMAGE, *, kernel=KERNEL, accel="tcg", extra=(), initrd=None,
                 argv=None, cwd=TOP, env=None, dimensions=(40, 200), boot_timeout=BOOT_TIMEOUT,
                 step_timeout=STEP_TIMEOUT, guest_timeout=GUEST_TIMEOUT, prompt_after_run=False):
        if argv is None:
            argv = [RUN] + run_qemu_args(image, kernel, accel, initrd, guest_timeout, extra)
        self.boot_timeout, self.step_timeout = boot_timeout, step_timeout
        self.prompt_after_run = prompt_after_run
        self.logpath = os.path.join(scratch(), "console.log")
        self.logfile = open(self.logpath, "w", encoding="utf-8", errors="replace")
        self.p = pexpect.spawn(argv[0], list(argv[1:]), cwd=cwd, env=env, encoding="utf-8",
                               codec_errors="replace", dimensions=dimensions, timeout=step_timeout)
        self.p.logfile_read = self.logfile
        self.status = None
        self._seq = 0

    def log(self):
        """Everything the guest printed so far, without terminal escapes."""
        self.logfile.flush()
        with open(self.logpath, encoding="utf-8", errors="replace") as f:
            return clean(f.read())

    def expect(self, pattern, timeout=None):
        """True when pattern shows up; False on timeout or end of output."""
        try:
            self.p.expect(pattern, timeout=self.step_timeout if timeout is None else timeout)
            return True
        except (pexpect.TIMEOUT, pexpect.EOF):
            return False

    def send(self, text):
        self.p.send(text)

    def wait_prompt(self, timeout=None):
        return self.expect(PROMPT, self.boot_timeout if timeout is None else timeout)

    def run(self, command, timeout=None):
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
        out = clean(self.p.before).strip("\n")
        if self.prompt_after_run:
            self.wait_prompt(self.step_timeout if timeout is None else timeout)
        return out, status

    def command(self, line, answer, timeout=None):
        """Types line; returns the match of the regex answer, or None.
        The answer must not match the echo of the line itself: compute it in
        the guest, e.g. `echo x$((1+1))` answered by `x2`."""
        self.send(line + "\r")
        if not self.expect(answer, timeout):
            return None
        return self.p.match

    def sync(self):
        """Waits until the shell has read everything typed so far: a fresh
        marker computed by the guest comes back."""
        self._seq += 1
        n = self._seq
        return self.command("echo sync$((%d+1000))" % n, "sync%d" % (n + 1000)) is not None

    def interrupt(self, key, answer, tries=5):
        """Sends a control key to the foreground job until answer comes.
        A key typed while the shell still has the line editor's raw mode
        stays in the input queue unread; sending it again once the job runs
        reaches it. Returns how many presses it took, 0 if none worked."""
        for n in range(1, tries + 1):
            self.send(key)
            if self.expect(answer, timeout=10):
                return n
        return 0

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

    def wait_exit(self, timeout=None, nudge=False):
        """Wait for the guest's end; returns the exit status (128 + the
        signal for a killed one), None if it did not end in time (then it is
        killed). nudge: QEMU 7.2's TCG now and then leaves a halted CPU asleep
        with its timer interrupt pending (run-qemu avoids it with nohz=off
        highres=off, but the blog's line is run unchanged); any input wakes
        it, so after 20 s without an end a carriage return is sent once."""
        timeout = self.boot_timeout if timeout is None else timeout
        ended = self.expect(pexpect.EOF, min(20, timeout) if nudge else timeout)
        if not ended and nudge:
            self.send("\r")
            ended = self.expect(pexpect.EOF, timeout)
        if not ended:
            self.kill()
            return None
        self.p.close()
        self.status = self.p.exitstatus if self.p.exitstatus is not None else 128 + self.p.signalstatus
        return self.status

    def kill(self):
        """SIGTERM (run-qemu then stops QEMU), SIGKILL if that is not enough."""
        if self.p.isalive():
            self.p.kill(15)
            self.expect(pexpect.EOF, 30)
            self.p.close(force=True)

    def close(self):
        self.kill()
        self.logfile.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def long_console(image=IMAGE, append="", snapshot=False):
    """A Console for the reliability suites' long sessions: longer limits
    (soak runs are long) and the prompt awaited after each command."""
    extra = (["--append", append] if append else []) + (["--snapshot"] if snapshot else [])
    return Console(image, extra=extra, boot_timeout=300, step_timeout=120, guest_timeout=1200,
                   prompt_after_run=True)


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


def interactive_boot(label, argv, check_shell=None):
    """Boots argv to the prompt (no Enter sent), runs one command, optionally
    check_shell(console, label), then `poweroff`: init must shut down in order
    and the emulator end with status 0 (run-qemu's console is quiet: the
    kernel's "Power down" is what shows the shutdown then)."""
    with Console(argv=argv) as con:
        if not check("%s: the prompt comes without pressing Enter" % label,
                     con.wait_prompt(), con.log()):
            return
        m = con.command("echo answer$((6*7))", r"answer(\d+)\s")
        check("%s: the shell answers a command" % label, bool(m) and m.group(1) == "42", con.log())
        if check_shell:
            check_shell(con, label)
        con.send("poweroff\r")
        status = con.wait_exit(STEP_TIMEOUT, nudge=True)
        log = con.log()
        check("%s: poweroff: init shuts down and QEMU exits 0 (status %s)" % (label, status),
              status == 0 and ("init: powering off" in log or "reboot: Power down" in log), log)
        trouble = kernel_trouble(log)
        check("%s: no panic, no kernel or init error on the console" % label,
              not trouble, "\n".join(trouble))
