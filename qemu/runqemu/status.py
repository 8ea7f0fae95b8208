"""How a run ends when it cannot go on: the exit-status table, the two
errors that stop a run before the guest reports, and say(), the one-line
voice of run-qemu on standard error."""
import sys

PROG = "run-qemu"

# The exit-status table (run-qemu(1), EXIT STATUS). 0..255 in command mode
# is the command's own status; these are run-qemu's.
EXIT_USAGE = 2          # bad input: an option, a path, a program for another machine
EXIT_KERNEL_TEST = 121  # a kernel test (KUnit, in the kernel log) reported a failure
EXIT_SPLAT = 122        # the kernel warned, oopsed, stalled or was newly tainted
EXIT_TIMEOUT = 124      # --timeout expired
EXIT_NO_STATUS = 125    # the guest stopped without a status (panic, init error)
EXIT_NO_RUN = 125       # ... or the run could not happen (QEMU or mkrootfs failed)
EXIT_SIGNALLED = 128    # + N: run-qemu itself got signal N and stopped QEMU


class RunError(Exception):
    """Stops the run with one line, "run-qemu: error: ...", and its status."""
    status = EXIT_NO_RUN


class Usage(RunError):
    """Bad input: what the user named or asked cannot be used."""
    status = EXIT_USAGE


class ToolFailure(RunError):
    """A tool failed on something that is not the user's input (QEMU does
    not start, mkrootfs cannot write the disk run-qemu asked for): the run
    could not happen."""
    status = EXIT_NO_RUN


def say(msg, stream=None):
    """One line on standard error. On a terminal in raw mode (QEMU's stdio
    leaves it so) a bare LF would not return the carriage."""
    stream = stream or sys.stderr
    end = "\r\n" if stream.isatty() else "\n"
    stream.write(f"{PROG}: {msg}{end}")
    stream.flush()


def refuse(err, stream=None):
    """Report a RunError; returns the exit status it carries."""
    stream = stream or sys.stderr
    print(f"{PROG}: error: {err}", file=stream)
    return err.status
