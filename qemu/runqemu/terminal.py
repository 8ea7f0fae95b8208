"""The host terminal's facts a run needs (is there one, its TERM and
size), read once here so that everything that uses them is pure."""
import fcntl
import os
import re
import struct
import sys
import termios
from dataclasses import dataclass


@dataclass(frozen=True)
class Terminal:
    stdin_tty: bool         # run-qemu's stdin is a terminal (else it is the command's input)
    stdout_tty: bool        # ... and its stdout (else the guest adds no CR)
    term: str = ""          # $TERM, when stdin is a terminal
    rows: int = 0           # its size, 0 when unknown
    cols: int = 0


NO_TERMINAL = Terminal(False, False)


def window_size(fd=0):
    """(rows, cols) of the terminal on fd, (0, 0) when there is none."""
    try:
        packed = fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8)
        rows, cols = struct.unpack("HHHH", packed)[:2]
        return rows, cols
    except OSError:
        return 0, 0


def host_terminal(env=os.environ):
    """The facts of run-qemu's own stdin and stdout."""
    stdin_tty, stdout_tty = sys.stdin.isatty(), sys.stdout.isatty()
    if not stdin_tty:
        return Terminal(False, stdout_tty)
    rows, cols = window_size(sys.stdin.fileno())
    return Terminal(True, stdout_tty, env.get("TERM", ""), rows, cols)


def terminal_words(t):
    """TERM and the window size of run-qemu's terminal, for init."""
    words = []
    if not t.stdin_tty:
        return words
    if re.fullmatch(r"[A-Za-z0-9._+-]{1,60}", t.term):
        words.append(f"minroot.term={t.term}")
    if t.rows and t.cols:
        words.append(f"minroot.size={t.rows}x{t.cols}")
    return words
