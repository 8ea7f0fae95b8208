#!/usr/bin/python3
"""The command channel on Debian's cloud kernel under TCG: any argv reaches
the guest's execvp byte for byte, --script, the command's stdin with its
end, raw output when stdout is not a terminal."""
import binascii
import hashlib
import os
import random
import subprocess
import tempfile

import minroot_test as t
from minroot_test import B, RUN

TIMEOUT = 900


def run(args, stdin=subprocess.DEVNULL, input_bytes=None):
    cmd = [RUN, "--accel", "tcg", "--kernel", os.path.join(B, "vmlinuz"),
           "--image", os.path.join(B, "rootfs.img"), "--snapshot", "--timeout", "600"] + args
    r = subprocess.run(cmd, stdin=None if input_bytes is not None else stdin, input=input_bytes,
                       capture_output=True, timeout=TIMEOUT)
    return r.returncode, r.stdout, r.stderr


AWKWARD = ["", "--", "a b", "it's", 'say "hi"', "tab\there", "new\nline", "ünï©ødé ☃", "$HOME `x` \\ ;|&",
           "-", "trailing space ", "\r", "x" * 5000]


def hex_lines(args):
    return [binascii.hexlify(a.encode()).decode() for a in args]


def main():
    print("# argv, byte for byte")
    each_hex = 'for a; do printf %s "$a" | od -An -v -tx1 | tr -d " \\n"; echo; done'
    rc, out, err = run(["--", "sh", "-c", each_hex, "sh"] + AWKWARD)
    t.check("quotes, --, newlines, tabs, UTF-8, empty and long arguments arrive exactly (hex-encoded back)",
            rc == 0 and out.decode().split("\n")[:-1] == hex_lines(AWKWARD),
            err.decode() + out.decode()[-2000:])
    rng = random.Random(7)
    many = ["".join(rng.choice("ab \"'\t\n\\$✓") for _ in range(rng.randint(0, 500))) for _ in range(1000)]
    while sum(len(a.encode()) for a in many) < 256 * 1024:
        many.append("y" * 300)
    want = hashlib.md5(b"".join(a.encode() + b"\0" for a in many)).hexdigest()
    digest = 'echo $#; for a; do printf "%s\\0" "$a"; done | md5sum'
    rc, out, err = run(["--", "sh", "-c", digest, "sh"] + many)
    t.check(f"{len(many)} arguments, {sum(len(a.encode()) for a in many)} bytes: count and md5 agree",
            rc == 0 and out.decode().split() == [str(len(many)), want, "-"],
            err.decode() + out.decode()[-500:])
    rc, out, err = run(["--", "/no/such/program"])
    t.check("a missing program: 127", rc == 127, f"rc={rc}")

    print("# --script")
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "test.sh")
        with open(script, "w") as f:
            f.write('#!/bin/sh\ncat <<EOF\nhere "doc" $1\nEOF\necho "args: $#"\nexit 42\n')
        rc, out, err = run(["--script", script, "--", "one two", "three"])
        t.check("a #! script with a here-document, its arguments and its status 42",
                rc == 42 and out.decode() == 'here "doc" one two\nargs: 2\n', f"rc={rc} out={out!r}")
        plain = os.path.join(tmp, "plain")
        with open(plain, "w") as f:
            f.write('echo "no hash-bang: $0 $1"; exit 5\n')
        rc, out, err = run(["--script", plain, "--", "arg"])
        t.check("a script without #! runs under sh with its argument, status 5",
                rc == 5 and out.decode().startswith("no hash-bang: ") and out.decode().endswith(" arg\n"),
                f"rc={rc} out={out!r}")

    print("# the command's stdin")
    rc, out, err = run(["--", "wc", "-l"], input_bytes=b"a\nb\n")
    t.check("printf 'a\\nb\\n' | run-qemu -- wc -l prints 2 (and no CR)", rc == 0 and out == b"2\n",
            f"rc={rc} out={out!r}")
    rc, out, err = run(["--", "sh"], input_bytes=b'echo "from stdin"\nexit 6\n')
    t.check("run-qemu -- sh < script: output and status 6", rc == 6 and out == b"from stdin\n",
            f"rc={rc} out={out!r}")
    blob = bytes(random.Random(3).getrandbits(8) for _ in range(300000))
    rc, out, err = run(["--", "md5sum"], input_bytes=blob)
    t.check("300 kB of binary stdin arrive exactly (md5)",
            rc == 0 and out.decode().split()[0] == hashlib.md5(blob).hexdigest(), f"rc={rc} out={out!r}")
    rc, out, err = run(["--", "cat"], input_bytes=b"")
    t.check("an empty stdin is end of file at once", rc == 0 and out == b"", f"rc={rc} out={out!r}")
    rc, out, err = run(["--", "true"], stdin=subprocess.DEVNULL)
    t.check("stdin from /dev/null", rc == 0, f"rc={rc}")
    t.finish()


if __name__ == "__main__":
    main()
