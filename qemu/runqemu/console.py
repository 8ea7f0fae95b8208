"""The console and the kernel log: what init forwards from /dev/kmsg on
the channel, the console port of a command run, the terminal's
transcript; kept whole in the log file and scanned for splats, panics,
init's errors and its timeout. The console (quiet) already shows errors
and worse; the rest of each splat is added to the terminal here."""
import os
import re
import sys

from .request import parse_status

SPLAT_RE = re.compile(
    r"WARNING:|BUG:|Oops|general protection fault|KASAN:|UBSAN:|KFENCE:|"
    r"possible circular locking dependency|INFO: task .* blocked for more than|"
    r"soft lockup|rcu_sched self-detected stall|rcu: INFO")
SPLAT_END_RE = re.compile(r"---\[ end |Kernel panic - not syncing")
PANIC_RE = re.compile(r"Kernel panic - not syncing: .*")
KERNEL_TIME_RE = re.compile(r"^\[ *\d+\.\d+\] ")
LINUX_VERSION_RE = re.compile(r"^Linux version (\S+)")
# Lines of a splat shown after its first, unless its end comes sooner.
SPLAT_LINES = 80
CONSOLE_HEADER = b"\n--- the console (ttyS2) ---\n"
TERMINAL_HEADER = b"\n--- the terminal (ttyS0) ---\n"


class Scan:
    """What the kernel's lines have said so far: the first splat (its first
    line, and its lines for --results), a panic, init's error, init's
    timeout, the kernel's version."""

    def __init__(self):
        self.first_splat = None
        self.splat_lines = []
        self.splat_whole = False        # the first splat's lines are all in
        self.panic = None
        self.init_error = None
        self.timed_out = False
        self.kernel_version = None
        self.in_splat = 0

    def line(self, text, whole=True):
        """Scan one line (no timestamp); whether it belongs to a splat.
        whole: the line is from the whole log, not a copy of one of its
        lines (the console's): only those make the splat's lines."""
        m = PANIC_RE.search(text)
        if m and not self.panic:
            self.panic = m.group(0)
        if SPLAT_RE.search(text):
            if self.first_splat is None:
                self.first_splat = text
            self.in_splat = max(self.in_splat, SPLAT_LINES)
        if text.startswith("init: error: ") and not self.init_error:
            self.init_error = text[len("init: error: "):]
        if text.startswith("init: timed out"):
            self.timed_out = True
        v = LINUX_VERSION_RE.match(text)
        if v and not self.kernel_version:
            self.kernel_version = v.group(1)
        in_splat = self.in_splat > 0
        if in_splat and whole and not self.splat_whole:
            self.splat_lines.append(text)
        if self.in_splat:
            self.in_splat = 0 if SPLAT_END_RE.search(text) else self.in_splat - 1
            self.splat_whole = self.splat_whole or (not self.in_splat and bool(self.splat_lines))
        return in_splat


def kmsg_record(data):
    """One /dev/kmsg record, "LEVEL,SEQ,USEC,FLAGS;TEXT" and continuation
    lines " KEY=VALUE": (level, usec, text), or None."""
    head, _, rest = data.decode("utf-8", "replace").partition(";")
    fields = head.split(",")
    try:
        level, usec = int(fields[0]) & 7, int(fields[2])
    except (ValueError, IndexError):
        return None
    return level, usec, rest.split("\n")[0]


def terminal_line(raw):
    """A console or terminal line as scanned: no CR, no timestamp."""
    return KERNEL_TIME_RE.sub("", raw.rstrip(b"\r").decode("utf-8", "replace"))


class KernelLog:
    """The kernel's log of a run: kept whole in FILE (binary), scanned
    record by record (.scan), splats and init's lines shown on ERR."""

    def __init__(self, file, verbose, console_is_terminal, err=None):
        self.file = file
        self.verbose = verbose
        self.console_is_terminal = console_is_terminal
        self.err = err or sys.stderr
        self.scan = Scan()
        self.records = 0
        self.console = b""
        self.console_partial = b""

    def show(self, text):
        self.err.write(text + ("\r\n" if self.err.isatty() else "\n"))
        self.err.flush()

    def record(self, data):
        """A /dev/kmsg record from the channel."""
        rec = kmsg_record(data)
        if rec is None:
            return
        level, usec, text = rec
        self.records += 1
        self.file.write(f"[{usec // 1000000:5d}.{usec % 1000000:06d}] {text}".encode() + b"\n")
        in_splat = self.scan.line(text)
        # Levels 0-3 are on the console already (quiet), init writes its
        # own lines there: show the rest of a splat only.
        if not self.verbose and in_splat and (level > 3 or not self.console_is_terminal):
            self.show(text)

    def console_bytes(self, data):
        """The console port of a command run (ttyS2): kernel lines at the
        console's level and init's own lines. init's lines (its complaints,
        the status line) go to stderr; so do panics, and everything with
        --verbose."""
        self.console += data
        *lines, self.console_partial = (self.console_partial + data).split(b"\n")
        for raw in lines:
            text = raw.rstrip(b"\r").decode("utf-8", "replace")
            body = KERNEL_TIME_RE.sub("", text)
            # The records, when init forwards them, hold these lines too.
            self.scan.line(body, whole=self.records == 0)
            if self.verbose or body.startswith("init: ") or self.scan.panic is not None:
                self.show(text)

    def add_terminal(self, data):
        """The terminal's transcript (None: there was none): a panic, and
        everything when our init did not forward the log (another init,
        or none)."""
        if data is None:
            return
        if self.console:
            self.file.write(CONSOLE_HEADER + self.console)
        self.file.write(TERMINAL_HEADER + data)
        for raw in data.split(b"\n"):
            text = terminal_line(raw)
            if self.records == 0 or PANIC_RE.search(text) or text.startswith("init: "):
                self.scan.line(text, whole=self.records == 0)


def replay(saved):
    """A log KernelLog wrote (bytes), scanned again as the run scanned it:
    (Scan, init's status line as parse_status gives it, or None)."""
    records, _, rest = saved.partition(CONSOLE_HEADER)
    if not rest:
        records, _, terminal = saved.partition(TERMINAL_HEADER)
        console = b""
    else:
        console, _, terminal = rest.partition(TERMINAL_HEADER)
    scan = Scan()
    lines = [terminal_line(raw) for raw in records.split(b"\n") if raw]
    for text in lines:
        scan.line(text)
    for raw in console.split(b"\n"):
        scan.line(terminal_line(raw), whole=not lines)
    for raw in terminal.split(b"\n"):
        text = terminal_line(raw)
        if not lines or PANIC_RE.search(text) or text.startswith("init: "):
            scan.line(text, whole=not lines)
    found = list(parse_status_lines(console + b"\n" + terminal))
    return scan, (found[-1] if found else None)


def parse_status_lines(data):
    for raw in data.split(b"\n"):
        status = parse_status(raw.rstrip(b"\r") + b"\n")
        if status:
            yield status


def default_log(env):
    base = env.get("XDG_STATE_HOME") or os.path.join(env.get("HOME", "/tmp"), ".local", "state")
    return os.path.join(base, "minroot", "console.log")
