"""pyflakes over lava-job's package, its entry points and these tests; no
call cycle between the package's modules."""
import glob
import os
import subprocess

from conftest import TOP
from importgraph import assert_acyclic, package_graph

LAVA = os.path.join(TOP, "qemu", "lava")
PACKAGE = os.path.join(LAVA, "lavajob")


def test_pyflakes_is_clean():
    files = [os.path.join(LAVA, "lava-job"), os.path.join(LAVA, "lava-local"), os.path.join(LAVA, "stub", "guestfs.py")]
    files += sorted(glob.glob(os.path.join(PACKAGE, "*.py")) + glob.glob(os.path.join(TOP, "tests", "lava", "*.py")))
    r = subprocess.run(["pyflakes3"] + files, capture_output=True, text=True)
    assert (r.returncode, r.stdout + r.stderr) == (0, "")


def test_no_import_cycle():
    graph = package_graph(PACKAGE)
    assert assert_acyclic(graph) == len(graph) >= 8
