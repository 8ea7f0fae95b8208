"""Helpers for the boot suites: report lines for tests/run, and a guest's
serial console driven through pexpect with its whole log kept as evidence.

Not a suite itself (not executable); the suites import it."""

import os
import re
import subprocess
import sys
import tempfile

import pexpect

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
B = os.path.join(TOP, os.environ.get("BUILD", "build"))

# Boots under TCG take seconds; these limits only turn a hung guest into a
# failure (with its console log) instead of a hung test run.
BOOT_TIMEOUT = 180
STEP_TIMEOUT = 60

# busybox ash's prompt ends in "# " (root) or "$ "; it is followed by the
# cursor position query ESC[6n, which nothing here answers.
PROMPT = r"[#$] (\x1b\[6n)?"


class Suite:
    """Prints "ok - ..." / "not ok - ..." lines; evidence goes under a failure."""

    def __init__(self):
        self.failures = 0

    def ok(self, what):
        print("ok - " + what, flush=True)

    def fail(self, what, evidence=""):
        self.failures += 1
        print("not ok - " + what)
        lines = evidence.splitlines()[-40:]
        for line in lines:
            print("    | " + line)
        sys.stdout.flush()

    def check(self, what, passed, evidence=""):
        if passed:
            self.ok(what)
        else:
            self.fail(what, evidence)
        return passed

    def finish(self):
        sys.exit(1 if self.failures else 0)


def need_files(suite, *paths):
    """Fails (and returns False) when a file the suite boots is missing."""
    missing = [p for p in paths if not os.path.isfile(p)]
    for p in missing:
        suite.fail("%s exists (build it first: make test builds everything)" % p)
    return not missing


def printable(text):
    """A console log without the escape sequences that garble a terminal."""
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)
    return text.replace("\r", "")


class Console:
    """A guest whose serial console is the pseudo-terminal of `argv`."""

    def __init__(self, argv, cwd=TOP):
        self.logfile = tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="")
        self.child = pexpect.spawn(argv[0], argv[1:], cwd=cwd, encoding="utf-8",
                                   codec_errors="replace", timeout=STEP_TIMEOUT,
                                   dimensions=(24, 200))
        self.child.logfile_read = self.logfile
        self.marker = 0

    def log(self):
        self.logfile.flush()
        self.logfile.seek(0)
        text = self.logfile.read()
        self.logfile.seek(0, os.SEEK_END)
        return printable(text)

    def expect(self, pattern, timeout=STEP_TIMEOUT):
        """True when pattern came; False on a timeout or the guest's end."""
        try:
            self.child.expect(pattern, timeout=timeout)
            return True
        except (pexpect.TIMEOUT, pexpect.EOF):
            return False

    def send(self, text):
        self.child.send(text)

    def command(self, line, answer, timeout=STEP_TIMEOUT):
        """Types line; returns the match of the regex answer, or None.
        The answer must not match the echo of the line itself: compute it in
        the guest, e.g. `echo x$((1+1))` answered by `x2`."""
        self.send(line + "\r")
        if not self.expect(answer, timeout):
            return None
        return self.child.match

    def sync(self):
        """Waits until the shell has read everything typed so far: a fresh
        marker computed by the guest comes back."""
        self.marker += 1
        n = self.marker
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

    def wait_end(self, timeout=STEP_TIMEOUT):
        """Waits for the emulator to exit; returns its exit status or None.
        QEMU 7.2's TCG now and then leaves a halted CPU asleep with its timer
        interrupt pending (run-qemu avoids it with nohz=off highres=off, but
        the blog's line is run unchanged); any input wakes it, so after 20 s
        without an end a carriage return is sent once."""
        if not self.expect(pexpect.EOF, min(20, timeout)):
            self.send("\r")
            if not self.expect(pexpect.EOF, timeout):
                self.kill()
                return None
        self.child.close()
        return self.child.exitstatus

    def kill(self):
        if self.child.isalive():
            self.child.terminate(force=True)


def run(argv, cwd=TOP, timeout=BOOT_TIMEOUT):
    """Runs a command-mode boot; returns (exit status, printable output).
    Status None means it did not end within timeout (a failure)."""
    try:
        p = subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout)
    except subprocess.TimeoutExpired as e:
        out = e.stdout or b""
        return None, printable(out.decode("utf-8", "replace"))
    return p.returncode, printable(p.stdout.decode("utf-8", "replace"))


def kernel_trouble(log):
    """Lines that mean the boot or the shutdown went wrong: the kernel's,
    and init's complaints during an orderly shutdown."""
    bad = re.compile(r"Kernel panic|Attempted to kill init|Oops|BUG:|"
                     r"EXT4-fs error|I/O error|can't run|not syncing|"
                     r"init: .*(error|SIGKILL|did not end|unmount|remount|reboot:)")
    return [line for line in log.splitlines() if bad.search(line)]


def interactive_boot(t, label, argv, check_shell=None):
    """Boots argv to the prompt (no Enter sent), runs one command, optionally
    check_shell(t, console, label), then `poweroff`: init must shut down in order
    and the emulator end with status 0 (run-qemu's console is quiet: the
    kernel's "Power down" is what shows the shutdown then)."""
    con = Console(argv)
    try:
        if not t.check("%s: the prompt comes without pressing Enter" % label,
                       con.expect(PROMPT, BOOT_TIMEOUT), con.log()):
            return
        m = con.command("echo answer$((6*7))", r"answer(\d+)\s")
        t.check("%s: the shell answers a command" % label, bool(m) and m.group(1) == "42",
                con.log())
        if check_shell:
            check_shell(t, con, label)
        con.send("poweroff\r")
        status = con.wait_end()
        log = con.log()
        t.check("%s: poweroff: init shuts down and QEMU exits 0 (status %s)" % (label, status),
                status == 0 and ("init: powering off" in log or "reboot: Power down" in log), log)
        trouble = kernel_trouble(log)
        t.check("%s: no panic, no kernel or init error on the console" % label,
                not trouble, "\n".join(trouble))
    finally:
        con.kill()
