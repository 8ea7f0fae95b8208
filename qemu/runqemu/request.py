"""The command channel's bytes (see init/request.h): the request run-qemu
sends once init is ready (argv, a --script, disks to mount, stdin and
output flags), the frames that follow it both ways, and the status line."""
import re
import struct

from .status import Usage

MAGIC = b"MRQ1"
# What init writes on the channel when it is ready to read the request.
READY = b"\nminroot-channel-ready\n"
SCRIPT_PATH = b"/run/minroot-script"
# Frames: a type byte, a 32-bit little-endian length, that many bytes.
DATA, EOF, WINSIZE = b"d", b"e", b"w"       # to init
KMSG, STATUS = b"k", b"s"                   # from init
STATUS_RE = re.compile(rb"init: exit status (\d{1,3})(?: taint=([A-Z]+))?(?: new=([A-Z]+))?\r?\n")


def encode(word):
    return word.encode("utf-8", "surrogateescape")


def command_argv(command, script_body, prologue):
    """The argv init runs, as bytes: the command, or the script (by its #!,
    else through sh) with the command's words as its arguments; behind a
    --share-libs prologue run by sh -c."""
    argv = [encode(a) for a in command]
    if script_body is not None:
        argv = ([SCRIPT_PATH] if script_body.startswith(b"#!") else [b"sh", SCRIPT_PATH]) + argv
    if prologue:
        argv = [b"sh", b"-c", prologue.encode(), b"run-qemu"] + argv
    return argv


def request_payload(argv, script_body, mounts, stdin_tty, stdout_tty):
    """The request: MAGIC, the payload's length, then NUL-terminated
    strings. mounts: (readonly, uuid, subdir, guest dir). An argument
    holding a NUL byte cannot be sent: Usage."""
    strings = []
    if script_body is not None:
        strings += [b"file", SCRIPT_PATH, script_body]
    for a in argv:
        if b"\0" in a:
            raise Usage("a command argument cannot hold a NUL byte")
        strings += [b"arg", a]
    for readonly, disk_uuid, subdir, guest in mounts:
        strings += [b"mount", b"ro" if readonly else b"rw", disk_uuid.encode(), subdir.encode(), encode(guest)]
    if argv and not stdin_tty:
        strings.append(b"stdin")
    if argv and not stdout_tty:
        strings.append(b"rawout")
    payload = b"".join(s + b"\0" for s in strings)
    return MAGIC + struct.pack("<I", len(payload)) + payload


def frame(kind, data=b""):
    return kind + struct.pack("<I", len(data)) + data


def winsize_frame(rows, cols):
    return frame(WINSIZE, struct.pack("<HH", rows, cols))


class ChannelReader:
    """Init's side of the channel, as it arrives: feed() returns events,
    ("ready", b"") once init has announced itself, then (KMSG, record) and
    (STATUS, line) frames, or ("junk", seen_ready) for bytes that are no
    frame (seen_ready: a new init announced itself in them)."""

    def __init__(self):
        self.buf = b""
        self.ready = False

    def feed(self, data):
        self.buf += data
        events = []
        if not self.ready:
            at = self.buf.find(READY)
            if at < 0:
                self.buf = self.buf[-len(READY):]
                return events
            self.buf = self.buf[at + len(READY):]
            self.ready = True
            events.append(("ready", b""))
        while len(self.buf) >= 5:
            kind, size = self.buf[:1], struct.unpack("<I", self.buf[1:5])[0]
            if kind not in (KMSG, STATUS):
                events.append(("junk", READY in self.buf))
                self.buf = b""
                break
            if len(self.buf) < 5 + size:
                break
            events.append((kind, self.buf[5:5 + size]))
            self.buf = self.buf[5 + size:]
        return events


def parse_status(body):
    """init's status line: (status, taint letters, new taint letters), or None."""
    m = STATUS_RE.search(body)
    if not m:
        return None
    return int(m.group(1)), (m.group(2) or b"").decode(), (m.group(3) or b"").decode()
