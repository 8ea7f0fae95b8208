"""pyflakes over the package, its entry point and these tests: no unused
import, no undefined name; and no call cycle between the modules."""
import glob
import os
import subprocess

from conftest import TOP
from importgraph import assert_acyclic, package_graph

PACKAGE = os.path.join(TOP, "qemu", "runqemu")


def test_pyflakes_is_clean():
    files = sorted(glob.glob(os.path.join(PACKAGE, "*.py")) + glob.glob(os.path.join(TOP, "tests", "runner", "*.py")))
    r = subprocess.run(["pyflakes3", os.path.join(TOP, "qemu", "run-qemu")] + files, capture_output=True, text=True)
    assert (r.returncode, r.stdout + r.stderr) == (0, "")


def test_no_import_cycle():
    graph = package_graph(PACKAGE)
    assert assert_acyclic(graph) == len(graph) >= 18
