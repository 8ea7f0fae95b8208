"""Boot timing: one fixed QEMU command line for every image, the serial
console driven with pexpect, each event stamped with the time since QEMU
was started. A boot that does not go as expected raises BootFailed with
the reason and the console log; it is never turned into a number."""
import re
import time

import pexpect

# The same flags for every image (TCG: KVM hangs guests on these machines).
# -snapshot keeps each image as it was made, so every run boots the same bytes.
QEMU = "qemu-system-x86_64"
QEMU_FLAGS = ["-accel", "tcg", "-m", "256M", "-nographic", "-no-reboot", "-nic", "none",
              "-snapshot"]
KERNEL_ARGS = "console=ttyS0 root=/dev/nvme0n1 rw panic=-1"

# Generous: a boot takes seconds, but the machine is shared and noisy.
STEP_TIMEOUT = 120

INIT_STARTED = "Run /sbin/init as init process"   # the kernel, just before exec
PROMPT = r"[/~][^\s]*\s?[#$] "                     # "root@minroot:/# ", "/ # "
PRESS_ENTER = "Please press Enter to activate this console"
POWER_DOWN = "reboot: Power down"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1bc")


class BootFailed(Exception):
    def __init__(self, reason, log):
        super().__init__(reason)
        self.reason = reason
        self.log = log


def qemu_argv(kernel, image, extra_args=""):
    """The one QEMU command line; only a command after " -- " differs."""
    drive = "file=%s,if=none,id=d0,format=raw" % image.replace(",", ",,")
    return QEMU_FLAGS + ["-kernel", kernel, "-append", KERNEL_ARGS + extra_args,
                         "-drive", drive, "-device", "nvme,drive=d0,serial=r0"]


def clean(text):
    return ANSI.sub("", text).replace("\r", "")


class Boot:
    """One QEMU run; stamp(name) records seconds since QEMU was started."""

    def __init__(self, kernel, image, extra_args=""):
        self.log = []
        self.times = {}
        self.start = time.monotonic()
        self.p = pexpect.spawn(QEMU, qemu_argv(kernel, image, extra_args), encoding="utf-8",
                               codec_errors="replace", timeout=STEP_TIMEOUT,
                               dimensions=(40, 200))
        self.p.logfile_read = self

    # pexpect writes everything read from the console here.
    def write(self, text):
        self.log.append(text)

    def flush(self):
        pass

    def console(self):
        return clean("".join(self.log))

    def fail(self, reason):
        self.close()
        raise BootFailed(reason, self.console())

    def expect(self, pattern, what):
        try:
            self.p.expect(pattern)
        except pexpect.TIMEOUT:
            self.fail("no %s within %d s" % (what, STEP_TIMEOUT))
        except pexpect.EOF:
            self.fail("QEMU ended before %s" % what)

    def stamp(self, name):
        self.times[name] = time.monotonic() - self.start

    def wait_init(self):
        self.expect(INIT_STARTED, "'%s'" % INIT_STARTED)
        self.stamp("init")

    def wait_prompt(self):
        self.expect(PROMPT, "shell prompt")

    def memory_of_pid1(self, prefix=""):
        """PID 1's VmRSS (/proc/1/status) and Rss (/proc/1/smaps_rollup), in
        kB, typed at the prompt. The kernel (6.1) updates VmRSS from per-task
        counters only every 64 page faults, so a process as small as our
        init shows a stale figure; smaps_rollup walks the page tables."""
        self.p.sendline(prefix + "grep VmRSS /proc/1/status; grep ^Rss: /proc/1/smaps_rollup")
        self.expect(r"VmRSS:\s+(\d+) kB", "VmRSS line of /proc/1/status")
        vmrss = int(self.p.match.group(1))
        self.expect(r"Rss:\s+(\d+) kB", "Rss line of /proc/1/smaps_rollup")
        rss = int(self.p.match.group(1))
        self.wait_prompt()
        return {"vmrss_kb": vmrss, "rss_kb": rss}

    def wait_exit(self):
        """QEMU's end after a power-off; stamps "exit"."""
        try:
            self.p.expect(pexpect.EOF)
        except pexpect.TIMEOUT:
            self.fail("QEMU still running %d s after the power-off was asked for" % STEP_TIMEOUT)
        self.stamp("exit")
        self.p.close()
        text = self.console()
        if "Kernel panic" in text:
            raise BootFailed("the kernel panicked", text)
        if POWER_DOWN not in text:
            raise BootFailed("no '%s' on the console" % POWER_DOWN, text)
        if self.p.exitstatus != 0:
            raise BootFailed("QEMU exited with status %s" % self.p.exitstatus, text)

    def close(self):
        if self.p.isalive():
            self.p.terminate(force=True)
        self.p.close(force=True)


# Each run returns the times it measured, in seconds since QEMU started,
# the part of them after the kernel ran /sbin/init (what the init and the
# shell cost, without the kernel's own start-up), and PID 1's memory in kB.

def prompt_times(b):
    t = b.times
    return {"init": t["init"], "prompt": t["prompt"], "init_to_prompt": t["prompt"] - t["init"]}


def exit_times(b):
    t = b.times
    return {"exit": t["exit"], "init_to_exit": t["exit"] - t["init"]}


def ours_prompt(kernel, image):
    b = Boot(kernel, image)
    b.wait_init()
    b.wait_prompt()
    b.stamp("prompt")
    memory = b.memory_of_pid1()
    b.p.sendline("poweroff")
    b.wait_exit()
    return dict(prompt_times(b), **memory)


def ours_true(kernel, image):
    """Command mode: the kernel line ends in " -- true"."""
    b = Boot(kernel, image, " -- true")
    b.wait_init()
    b.wait_exit()
    if "init: exit status 0" not in b.console():
        raise BootFailed("no 'init: exit status 0' on the console", b.console())
    return exit_times(b)


# The blog's image has no link for any applet but sh, and nothing mounts
# /proc, where busybox's shell finds its own applets: so /busybox by path.
BLOG_PROC = "/busybox mount -t proc proc /proc; "
BLOG_POWEROFF = "/busybox poweroff -f"


def blog_to_prompt(b):
    b.wait_init()
    b.expect(PRESS_ENTER, "busybox init's '%s'" % PRESS_ENTER)
    b.p.send("\r")
    b.wait_prompt()
    b.stamp("prompt")


def blog_prompt(kernel, image):
    b = Boot(kernel, image)
    blog_to_prompt(b)
    memory = b.memory_of_pid1(BLOG_PROC)
    b.p.sendline(BLOG_POWEROFF)
    b.wait_exit()
    return dict(prompt_times(b), **memory)


def blog_true(kernel, image):
    b = Boot(kernel, image)
    blog_to_prompt(b)
    b.p.sendline("true")
    b.wait_prompt()
    b.p.sendline(BLOG_POWEROFF)
    b.wait_exit()
    return exit_times(b)


def limit(kernel, image):
    """Its natural run: the kernel starts it, it powers off."""
    b = Boot(kernel, image)
    b.wait_init()
    b.wait_exit()
    return dict(init=b.times["init"], **exit_times(b))
