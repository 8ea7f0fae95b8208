"""Helpers for the reliability suites that boot the real kernel: qemu/run-qemu
on a pseudo-terminal driven with pexpect, "ok - " / "not ok - " lines, and the
console log of a failed boot as evidence. SOAK=1 selects the full counts.
Timeouts are generous (TCG on a shared machine) and a timeout is a failure."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import atexit

import pexpect

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
B = os.path.join(TOP, os.environ.get("BUILD", "build"))
RUN = os.path.join(TOP, "qemu", "run-qemu")
KERNEL = os.path.join(B, "vmlinuz")
IMAGE = os.path.join(B, "rootfs.img")
SOAK = os.environ.get("SOAK", "") not in ("", "0")

BOOT_TIMEOUT = 300
STEP_TIMEOUT = 120
PROMPT = r"[/~][^\s]*\s?[#$] "
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1bc")

failures = 0


def ok(what):
    print("ok - " + what, flush=True)


def fail(what, evidence=None, lines=40):
    global failures
    failures += 1
    print("not ok - " + what, flush=True)
    for line in (evidence or "").splitlines()[-lines:]:
        print("    | " + line)
    sys.stdout.flush()


def check(what, cond, evidence=None):
    if cond:
        ok(what)
    else:
        fail(what, evidence)
    return cond


def note(text):
    print("# " + text, flush=True)


def finish():
    sys.exit(1 if failures else 0)


def clean(text):
    return ANSI.sub("", text).replace("\r", "")


def scratch():
    d = tempfile.mkdtemp(prefix="minroot-reliability-")
    atexit.register(shutil.rmtree, d, True)
    return d


def host(*argv):
    """(exit status, output) of a host command."""
    r = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, encoding="utf-8", errors="replace")
    return r.returncode, r.stdout


class Guest:
    """One boot of run-qemu with the serial console on a pseudo-terminal."""

    def __init__(self, image=IMAGE, append="", snapshot=False):
        argv = ["--kernel", KERNEL, "--image", image, "--accel", "tcg", "--timeout", "1200"]
        if append:
            argv += ["--append", append]
        if snapshot:
            argv.append("--snapshot")
        self.chunks = []
        self.p = pexpect.spawn(RUN, argv, encoding="utf-8", codec_errors="replace",
                               dimensions=(40, 200), timeout=STEP_TIMEOUT)
        self.p.logfile_read = self
        self.status = None
        self._seq = 0

    def write(self, text):
        self.chunks.append(text)

    def flush(self):
        pass

    def log(self):
        return clean("".join(self.chunks))

    def expect(self, pattern, timeout=STEP_TIMEOUT):
        try:
            self.p.expect(pattern, timeout=timeout)
            return True
        except (pexpect.TIMEOUT, pexpect.EOF):
            return False

    def wait_prompt(self, timeout=BOOT_TIMEOUT):
        return self.expect(PROMPT, timeout)

    def run(self, command, timeout=STEP_TIMEOUT):
        """Type command at the prompt: (its output, $?), or (None, None).
        The markers are computed by the shell, so the echo of the typed line
        cannot match them."""
        self._seq += 1
        n = self._seq + 1000
        self.p.sendline("echo B$((%d+1))B; %s; echo E$((%d+1))E $?" % (n, command, n))
        if not self.expect("B%dB" % (n + 1), timeout):
            return None, None
        if not self.expect(r"E%dE (\d+)\s" % (n + 1), timeout):
            return None, None
        out = clean(self.p.before).strip("\n")
        status = int(self.p.match.group(1))
        self.wait_prompt(timeout)
        return out, status

    def wait_exit(self, timeout=BOOT_TIMEOUT):
        """run-qemu's exit status once QEMU has ended; None if it had not
        ended in time (it is then killed)."""
        if not self.expect(pexpect.EOF, timeout):
            self.kill()
            return None
        self.p.close()
        p = self.p
        self.status = p.exitstatus if p.exitstatus is not None else 128 + p.signalstatus
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


def values(text, key):
    """Every integer after "KEY=" in text (lines like "rss-before=48")."""
    return [int(v) for v in re.findall(r"^%s=(\d+)\s*$" % re.escape(key), text, re.M)]
