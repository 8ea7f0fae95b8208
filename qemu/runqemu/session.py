"""The run itself: QEMU started, then one select loop over the channel
(the request out, the kernel log and the status in), the console port,
run-qemu's stdin (the command's) and signals (stop QEMU; a resize goes to
the guest), until QEMU has exited and the guest's ports are closed."""
import os
import select
import signal
import socket
import subprocess
import sys
import time

from .request import KMSG, STATUS, ChannelReader, frame, DATA, EOF, parse_status, winsize_frame
from .status import ToolFailure, say
from .terminal import window_size

HOST_GRACE = 15          # seconds the guest gets after its own timeout
BOOT_GRACE = 60          # ... and to open the channel, with --timeout
STDIN_BUFFER = 1 << 18   # stdin is read only while less than this waits to be sent
SIGNAL_STATUS = {signal.SIGHUP: 1, signal.SIGINT: 2, signal.SIGTERM: 15}


class Session:
    """qemu_argv: the QEMU command; run_dir: where its sockets go;
    request: what to send once init is ready; stream_stdin: run-qemu's
    stdin is the command's; timeout: --timeout (seconds, or None);
    with_console: a command run's console port; stdin_tty: follow
    the terminal's size; watch: called on every turn of the loop (the
    results' reading of the terminal's log), or None."""

    def __init__(self, qemu_argv, run_dir, request, stream_stdin, timeout, with_console, stdin_tty,
                 watch=None):
        self.q, self.run_dir = qemu_argv, run_dir
        self.request = request
        self.stream_stdin = stream_stdin
        self.timeout = timeout
        self.with_console = with_console
        self.stdin_tty = stdin_tty
        self.channel = ChannelReader()
        self.outbuf = b""
        self.ready = False
        self.status = None
        self.taint = self.new_taint = ""
        self.interrupted = 0
        self.host_timeout = False
        self.restarted = False
        self.winch = False
        self.stdin_open = stream_stdin
        self.proc = None
        self.watch = watch
        # When QEMU started, init announced itself, the status came, the
        # loop ended (time.monotonic(); None until then).
        self.t0 = self.ready_at = self.status_at = self.ended_at = None

    @property
    def qemu_status(self):
        return self.proc.returncode if self.proc else None

    def listen(self, name):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(os.path.join(self.run_dir, name))
        s.listen(1)
        return s

    def on_signal(self, sig, _frame):
        if sig == signal.SIGWINCH:
            self.winch = True
            return
        self.interrupted = SIGNAL_STATUS[sig]
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()

    def catch_signals(self):
        """Signals wake the loop through a pipe; returns its read end."""
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_w, False)
        signal.set_wakeup_fd(wake_w)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGWINCH):
            signal.signal(sig, self.on_signal)
        # QEMU's end wakes the loop through the same pipe, instead of
        # the next select timeout (a fifth of a second later).
        signal.signal(signal.SIGCHLD, lambda _sig, _frame: None)
        return wake_r

    def start(self, klog):
        """Start QEMU and run until it has ended; klog: console.KernelLog."""
        self.klog = klog
        chan_l = self.listen("chan.sock")
        con_l = self.listen("console.sock") if self.with_console else None
        stdin = subprocess.DEVNULL if self.stream_stdin else None
        wake_r = self.catch_signals()
        try:
            self.proc = subprocess.Popen(self.q, stdin=stdin)
        except OSError as e:
            raise ToolFailure(f"cannot start {self.q[0]}: {e.strerror}")
        self.t0 = time.monotonic()
        self.loop(chan_l, con_l, wake_r)

    def deadline(self):
        if not self.timeout:
            return None
        t = int(self.timeout)
        return (self.ready_at + t + HOST_GRACE) if self.ready else (self.t0 + t + BOOT_GRACE)

    def loop(self, chan_l, con_l, wake_r):
        conns = {chan_l: "chan-listen"}
        if con_l is not None:
            conns[con_l] = "cons-listen"
        self.chan = None
        while True:
            if self.proc.poll() is not None and not {"chan", "cons"} & set(conns.values()):
                break
            rlist = list(conns) + [wake_r]
            if self.stdin_open and self.ready and len(self.outbuf) < STDIN_BUFFER:
                rlist.append(sys.stdin.fileno())
            wlist = [self.chan] if self.chan is not None and self.outbuf else []
            r, w, _ = select.select(rlist, wlist, [], 0.2)
            self.check_deadline()
            self.send_window_size()
            for fd in r:
                self.readable(fd, conns, wake_r)
            # At once, not at the next turn: the guest waits for the request.
            self.send()
            if self.watch:
                self.watch()
        self.ended_at = time.monotonic()

    def readable(self, fd, conns, wake_r):
        if fd == wake_r:
            os.read(wake_r, 512)
        elif isinstance(fd, int):  # run-qemu's stdin
            self.read_stdin()
        elif conns.get(fd) in ("chan-listen", "cons-listen"):
            c, _ = fd.accept()
            kind = conns.pop(fd)[:4]
            fd.close()
            conns[c] = kind
            if kind == "chan":
                self.chan = c
                self.chan.setblocking(False)
        else:
            data = fd.recv(65536)
            if not data:
                if conns[fd] == "chan":
                    self.chan = None
                del conns[fd]
                fd.close()
            elif conns[fd] == "cons":
                self.klog.console_bytes(data)
            else:
                self.channel_bytes(data)

    def send(self):
        if self.chan is None or not self.outbuf:
            return
        try:
            n = self.chan.send(self.outbuf)
            self.outbuf = self.outbuf[n:]
        except BlockingIOError:
            pass
        except OSError:
            self.outbuf = b""

    def send_window_size(self):
        if self.winch and self.ready:
            self.winch = False
            rows, cols = window_size(sys.stdin.fileno())
            if rows and cols:
                self.outbuf += winsize_frame(rows, cols)

    def check_deadline(self):
        d = self.deadline()
        if d is not None and time.monotonic() > d and self.proc.poll() is None:
            self.host_timeout = True
            self.proc.kill()

    def read_stdin(self):
        data = os.read(sys.stdin.fileno(), 65536)
        if data:
            self.outbuf += frame(DATA, data)
        else:
            self.outbuf += frame(EOF)
            self.stdin_open = False

    def channel_bytes(self, data):
        for kind, body in self.channel.feed(data):
            if kind == "ready":
                self.ready = True
                self.ready_at = time.monotonic()
                self.outbuf += self.request
                self.winch = self.stdin_tty
            elif kind == KMSG:
                self.klog.record(body)
            elif kind == STATUS:
                self.status_line(body)
            elif kind == "junk":
                self.guest_restarted(body)

    def guest_restarted(self, announced):
        """Bytes that are no frame: a new init announcing itself, after a
        reset the firmware made (qboot answers a resume from S3 so). The
        run can only end in a timeout: stop it now."""
        if announced and not self.restarted:
            self.restarted = True
            say("the guest started again from the firmware (a reset, or a resume from "
                "suspend the firmware cannot do: try --bios seabios); QEMU stopped")
            self.proc.terminate()

    def status_line(self, body):
        parsed = parse_status(body)
        if parsed:
            self.status, self.taint, self.new_taint = parsed
            self.status_at = time.monotonic()
