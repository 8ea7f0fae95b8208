"""The command's output as results see it: QEMU writes what the guest
prints on its terminal port to run-qemu's standard output itself (nothing
run-qemu relays, nothing it could delay) and to a log file beside (-chardev
stdio,logfile=); that file is read here as it grows, and its lines go to a
KTAP parser with the time they came."""
import time

from .ktap import Parser


class TerminalLog:
    """PATH read from where the last poll stopped; whole lines to a
    ktap.Parser (source "stdout"), timed by CLOCK when they are seen."""

    def __init__(self, path, clock=time.monotonic):
        self.path = path
        self.clock = clock
        self.parser = Parser("stdout")
        self.file = None
        self.partial = b""

    def poll(self):
        """Read what QEMU has written since the last call (the session
        calls it on every turn of its loop, at least five times a second)."""
        if self.file is None:
            try:
                self.file = open(self.path, "rb")
            except OSError:
                return          # QEMU has not made it yet
        data = self.file.read()
        if not data:
            return
        now = self.clock()
        *lines, self.partial = (self.partial + data).split(b"\n")
        for line in lines:
            self.parser.feed(line, now)

    def documents(self):
        """The run is over: the last bytes read, a last line without its
        newline too, and the documents."""
        self.poll()
        if self.partial:
            self.parser.feed(self.partial, self.clock())
            self.partial = b""
        if self.file is not None:
            self.file.close()
            self.file = None
        return self.parser.documents()
