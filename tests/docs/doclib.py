"""Shared by the documentation suites: the tree's top, reading a file of it,
and "ok - " / "not ok - " lines through tests/qemu/vm.py."""
import os
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests", "qemu"))
from vm import check, finish  # noqa: E402,F401


def report(ok, what, evidence=""):
    check(what, ok, str(evidence))


def read(path):
    with open(os.path.join(TOP, path), encoding="utf-8") as f:
        return f.read()
