"""What LAVA looks for on the guest's console, as the regular expressions a
job carries: a KTAP result line (a test case), init's status line, a panic.

LAVA hands them to pexpect, which compiles them with re.DOTALL and searches
the last 4,000 characters of what it has not consumed yet (LAVA's
searchwindowsize), takes the match that starts first (the earlier pattern
of the list on a tie), and consumes everything up to the match's end. So:

  - The job reads the console once, in order: the KTAP monitor first, a
    line at a time as the test prints it; it stops just before init's
    status line (a zero-width end), which the two steps after it read.
  - A judgement can only rest on what one match sees: the kernel's health
    rests on the status line's new taint (a WARN sets W, an oops D, a
    KASAN or KFENCE report B, a soft lockup L) and on a panic. A splat
    that taints nothing (UBSAN, lockdep, a hung task, an RCU stall) fails
    run-qemu's verdict, not this case: its line went by long before.
  - A KTAP line is matched only once its line end has arrived, or a name
    would be cut where the serial port paused.

Pure: no I/O."""
import re

from runqemu.console import PANIC_RE
from runqemu.verdict import MODULE_TAINTS

# The kernel's taint letters, in its order (init/status.c prints them).
TAINT_LETTERS = "PFSRMBUDAWCIOELKXTN"
# Taints that say something went wrong, not what was loaded (as the runner
# judges them: verdict.MODULE_TAINTS are the others).
BAD_TAINTS = "".join(c for c in TAINT_LETTERS if c not in MODULE_TAINTS)

# KTAP's directives that make a result a skip, in the spellings read (the
# KTAP specification writes them upper case; LAVA's fixupdict maps exact
# strings, so each spelling is listed).
SKIP_WORDS = ("SKIP", "Skip", "skip", "TODO", "Todo", "todo")
RESULTS = {"ok": "pass", "not ok": "fail", **{w: "skip" for w in SKIP_WORDS}}

# A line start: the start of the unread text, or after a line feed.
LINE_START = r"(?:\A|(?<=\n))"
# What may precede a result on its line: a kernel timestamp (KUnit's lines
# come through printk), indentation (KUnit's nesting), "# " prefixes
# (kselftest's nesting).
LINE_PREFIX = r"(?:\[ *\d+\.\d+\] )?[ \t]*(?:#[ \t]+)*"
# "ok N - description # directive", the description non-empty (LAVA needs
# a case name) and the line complete. kselftest.h writes its skips as
# "ok N # SKIP description": the name is then after the directive.
LEAD_DIRECTIVE = r"(?:#[ \t]*(?:%s)\b[ \t]*)?" % "|".join(SKIP_WORDS)
RESULT_AHEAD = (r"(?=(?:not )?ok[ \t]+\d+(?:[ \t]+-)?[ \t]+" + LEAD_DIRECTIVE +
                r"(?P<test_case_id>[^#\r\n]*[^#\s])[^\r\n]*[\r\n])")
# A skip's result is its directive: go over the line up to it.
TO_DIRECTIVE = r"(?:(?:not )?ok[^#\r\n]*#[ \t]*(?=(?:%s)\b))?" % "|".join(SKIP_WORDS)
RESULT = r"(?P<result>not ok|ok|%s)" % "|".join(SKIP_WORDS)

KTAP_RESULT = LINE_START + LINE_PREFIX + RESULT_AHEAD + TO_DIRECTIVE + RESULT

STATUS = r"init: exit status \d+"


def line_bound(pattern):
    """A pattern of the runner's (compiled without DOTALL) as pexpect will
    compile it (with): '.' must still stop at a line end."""
    return re.sub(r"(?<!\\)\.", lambda _: r"[^\r\n]", pattern)


def ahead(pattern):
    """Zero-width at the start of the unread console: whether PATTERN
    matches anywhere in it (the status line and the power-off are at most
    a few lines, well inside LAVA's window)."""
    return r"\A(?=[\s\S]*?(?:%s))" % pattern


def panic():
    return line_bound(PANIC_RE.pattern)


def bad_taint():
    """init's status line with a taint that appeared during the command and
    is not a module's."""
    return STATUS + r" taint=[A-Z]+ new=[A-Z]*[%s]" % BAD_TAINTS


# The monitor stops where init's status line or a panic begins, reading
# neither.
MONITOR_END = r"(?=%s|%s)" % (STATUS, panic())


def health_failures():
    return [ahead(bad_taint()), ahead(panic())]


def health_success():
    """The status line and the kernel powering off: the run ended cleanly."""
    return ahead(STATUS + r"[\s\S]*?reboot: Power down")


def status_failures():
    return [ahead(r"init: exit status [1-9]"), ahead(panic())]


def status_success():
    return ahead(r"init: exit status 0\b")


# Never matches: the steps wait for no prompt (LAVA requires the list).
NO_PROMPT = r"(?!)"
