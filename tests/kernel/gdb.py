#!/usr/bin/python3
"""A debugger on the minimal kernel: QEMU's gdbstub holds the CPU before the
first instruction (-S, nokaslr on the kernel line), Debian's gdb attaches
with build/vmlinux-min's symbols, reads rip (the reset vector), stops at a
breakpoint on start_kernel, detaches, and the boot goes on to the end of a
command whose status comes back on the second serial port."""

import os
import re
import socket
import subprocess

import minroot_test as t
from minroot_test import B, BOOT_TIMEOUT, RUN

KERNEL = os.path.join(B, "bzImage-min")
VMLINUX = os.path.join(B, "vmlinux-min")
IMAGE = os.path.join(B, "rootfs.img")
# The x86 reset vector: CS base 0xffff0000, IP 0xfff0. gdb shows rip alone.
RESET_RIP = 0xfff0


def free_port():
    """A TCP port nothing listens on now (QEMU binds it right after)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_qemu_command(port):
    return [RUN, "--accel", "tcg", "--kernel", KERNEL, "--image", IMAGE, "--snapshot",
            "--gdb", str(port), "--", "sh", "-c", "exit 3"]


# A breakpoint in kernel space must be a hardware one: at the reset vector
# paging is off, so gdb could not write a software breakpoint's int3 there.
GDB_SCRIPT = [
    "set confirm off",
    "set pagination off",
    "target remote 127.0.0.1:{port}",
    'printf "reset rip=%#lx\\n", $rip',
    "hbreak start_kernel",
    "continue",
    'printf "stopped rip=%#lx start_kernel=%#lx\\n", $rip, (long)&start_kernel',
    "delete",
    "detach",
]


def run_gdb(port):
    argv = ["gdb", "-q", "-nx", "-batch", VMLINUX]
    for line in GDB_SCRIPT:
        argv += ["-ex", line.format(port=port)]
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=BOOT_TIMEOUT)
        return p.returncode, p.stdout
    except subprocess.TimeoutExpired as e:
        return None, (e.stdout or b"").decode("utf-8", "replace") + "\n(gdb timed out)"


def numbers(text, line_start):
    """The hex numbers of the "NAME=0x..." words on the line of gdb's output
    that begins with line_start, as a dict; empty if there is no such line."""
    for line in text.splitlines():
        if line.startswith(line_start):
            words = re.findall(r"([a-z_]+)=(0x[0-9a-f]+)", line)
            return {name: int(value, 16) for name, value in words}
    return {}


def check_debugging(gdb_out):
    rip = numbers(gdb_out, "reset ").get("rip")
    t.check("gdb reads rip before the first instruction: %s (the reset vector is %#x)"
            % (hex(rip) if rip is not None else None, RESET_RIP), rip == RESET_RIP, gdb_out)
    stop = numbers(gdb_out, "stopped ")
    rip, start = stop.get("rip"), stop.get("start_kernel")
    t.check("the breakpoint on start_kernel stops the CPU there (rip %s, start_kernel %s)"
            % (hex(rip) if rip else None, hex(start) if start else None),
            rip is not None and rip == start and "in start_kernel" in gdb_out, gdb_out)
    t.check("gdb detaches and the kernel runs on", "detached]" in gdb_out, gdb_out)


def wait_for_line(stream, text, limit=200):
    """The first line of stream holding text (reading at most limit lines)."""
    for _ in range(limit):
        line = stream.readline()
        if not line or text in line:
            return line
    return ""


def main():
    if not t.need_files(KERNEL, VMLINUX, IMAGE):
        t.finish()
    port = free_port()
    argv = run_qemu_command(port)
    print("# " + " ".join(argv), flush=True)
    qemu = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        hint = wait_for_line(qemu.stderr, "QEMU waits for gdb")
        t.check("run-qemu --gdb says how to attach: %r" % hint.strip(),
                "gdb -ex 'target remote 127.0.0.1:%d' %s" % (port, VMLINUX) in hint, hint)
        rc, gdb_out = run_gdb(port)
        t.check("gdb -batch ends with status 0 (%s)" % rc, rc == 0, gdb_out)
        check_debugging(gdb_out)
        try:
            qemu_rc = qemu.wait(BOOT_TIMEOUT)
        except subprocess.TimeoutExpired:
            qemu_rc = None
    finally:
        if qemu.poll() is None:
            qemu.kill()
            qemu.wait()
    rest = qemu.stderr.read() + qemu.stdout.read()
    t.check("the boot reaches the end of `sh -c \"exit 3\"`: run-qemu exits 3 (%s)" % qemu_rc,
            qemu_rc == 3, rest)
    t.finish()


main()
