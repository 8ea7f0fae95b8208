"""request.py: the request frame init reads (init/request.h) and the
channel's frames both ways."""
import struct

import pytest

from runqemu.request import (READY, ChannelReader, command_argv, frame, parse_status, request_payload,
                             winsize_frame)
from runqemu.status import Usage

UUID = "0d9ad3e8-0b8e-4d8a-9a4c-2f1f6f0f0001"


def strings(request):
    """The payload's strings, after checking the magic and the length."""
    assert request[:4] == b"MRQ1"
    size, = struct.unpack("<I", request[4:8])
    payload = request[8:]
    assert len(payload) == size and payload.endswith(b"\0")
    return payload[:-1].split(b"\0")


def test_argv_exactly():
    argv = command_argv(["sh", "-c", 'echo "a b"\n\t', "", "é"], None, None)
    got = strings(request_payload(argv, None, [], True, True))
    assert got == [b"arg", b"sh", b"arg", b"-c", b"arg", b'echo "a b"\n\t', b"arg", b"", b"arg", "é".encode()]


def test_bytes_that_are_no_utf8_arrive_as_they_were():
    argv = command_argv([b"\xff".decode("utf-8", "surrogateescape")], None, None)
    assert argv == [b"\xff"]


def test_a_nul_is_refused():
    with pytest.raises(Usage, match="cannot hold a NUL byte"):
        request_payload([b"a\0b"], None, [], True, True)


def test_a_script_with_its_interpreter():
    body = b"#!/bin/sh\necho $1\n"
    argv = command_argv(["one"], body, None)
    assert argv == [b"/run/minroot-script", b"one"]
    got = strings(request_payload(argv, body, [], True, True))
    assert got == [b"file", b"/run/minroot-script", body, b"arg", b"/run/minroot-script", b"arg", b"one"]


def test_a_script_without_one_runs_under_sh():
    assert command_argv([], b"echo hi\n", None) == [b"sh", b"/run/minroot-script"]


def test_the_share_libs_prologue_comes_first():
    argv = command_argv(["/t/prog", "-v"], None, "graft 0\n")
    assert argv == [b"sh", b"-c", b"graft 0\n", b"run-qemu", b"/t/prog", b"-v"]


@pytest.mark.parametrize("stdin_tty, stdout_tty, flags", [
    (True, True, []), (False, True, [b"stdin"]), (True, False, [b"rawout"]), (False, False, [b"stdin", b"rawout"])])
def test_stdin_and_rawout_flags(stdin_tty, stdout_tty, flags):
    assert strings(request_payload([b"true"], None, [], stdin_tty, stdout_tty)) == [b"arg", b"true"] + flags


def test_a_shell_has_no_flags():
    """No command: init starts a shell on the terminal; stdin is not streamed."""
    assert request_payload([], None, [], False, False) == b"MRQ1" + struct.pack("<I", 0)


def test_mounts():
    mounts = [(True, UUID, "lib/modules", "/lib/modules"), (False, UUID, "", "/mnt/data dir")]
    got = strings(request_payload([b"true"], None, mounts, True, True))
    assert got == [b"arg", b"true",
                   b"mount", b"ro", UUID.encode(), b"lib/modules", b"/lib/modules",
                   b"mount", b"rw", UUID.encode(), b"", b"/mnt/data dir"]


def test_frames_to_init():
    assert frame(b"d", b"abc") == b"d\x03\0\0\0abc"
    assert frame(b"e") == b"e\0\0\0\0"
    assert winsize_frame(50, 200) == b"w\x04\0\0\0" + struct.pack("<HH", 50, 200)


def test_channel_waits_for_init_to_be_ready():
    ch = ChannelReader()
    noise = b"x" * 100 + READY[:10]
    assert ch.feed(noise) == [] and not ch.ready
    kmsg = frame(b"k", b"6,1,100,-;hello")
    assert ch.feed(READY[10:] + kmsg[:3]) == [("ready", b"")]
    assert ch.feed(kmsg[3:] + frame(b"s", b"init: exit status 0\n")) == [
        (b"k", b"6,1,100,-;hello"), (b"s", b"init: exit status 0\n")]


def test_bytes_that_are_no_frame_after_ready():
    ch = ChannelReader()
    ch.feed(READY)
    assert ch.feed(b"garbage") == [("junk", False)]
    assert ch.feed(b"firmware again" + READY) == [("junk", True)]


@pytest.mark.parametrize("line, parsed", [
    (b"init: exit status 0\n", (0, "", "")),
    (b"init: exit status 137 taint=WOE new=W\r\n", (137, "WOE", "W")),
    (b"init: exit status 0 taint=N new=N\n", (0, "N", "N")),
    (b"init: exit status\n", None), (b"init: exit status 7", None)])
def test_status_line(line, parsed):
    assert parse_status(line) == parsed
