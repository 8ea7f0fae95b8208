"""Helpers for the reliability suites that boot the real kernel: the QEMU
suites' console driver (tests/qemu/vm.py) with longer timeouts, as soak runs
are long, and SOAK=1 for the full counts. A timeout is a failure."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "qemu"))
import vm  # noqa: E402
from vm import B, IMAGE, KERNEL, PROMPT, RUN, TOP, check, clean, fail, finish, host, ok, scratch  # noqa: E402,F401

SOAK = os.environ.get("SOAK", "") not in ("", "0")
BOOT_TIMEOUT = 300
STEP_TIMEOUT = 120


def note(text):
    print("# " + text, flush=True)


def values(text, key):
    """Every integer after "KEY=" in text (lines like "rss-before=48")."""
    return [int(v) for v in re.findall(r"^%s=(\d+)\s*$" % re.escape(key), text, re.M)]


class Guest(vm.Console):
    """One boot of run-qemu with the serial console on a pseudo-terminal."""

    def __init__(self, image=IMAGE, append="", snapshot=False):
        extra = ["--timeout", "1200"]  # the last --timeout wins: a soak session is long
        if append:
            extra += ["--append", append]
        if snapshot:
            extra.append("--snapshot")
        super().__init__(image, extra=extra)

    def expect(self, pattern, timeout=STEP_TIMEOUT):
        return super().expect(pattern, timeout)

    def wait_prompt(self, timeout=BOOT_TIMEOUT):
        return super().wait_prompt(timeout)

    def run(self, command, timeout=STEP_TIMEOUT):
        """Type command at the prompt: (its output, $?), or (None, None); then
        wait for the next prompt, so that what is typed next meets the shell."""
        out, status = super().run(command, timeout)
        if status is not None:
            self.wait_prompt(timeout)
        return out, status

    def wait_exit(self, timeout=BOOT_TIMEOUT):
        return super().wait_exit(timeout)
