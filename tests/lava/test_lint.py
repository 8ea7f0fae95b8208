"""pyflakes over lava-job's package, its entry points and these tests; no
call cycle between the package's modules."""
import ast
import glob
import os
import subprocess

from conftest import TOP

LAVA = os.path.join(TOP, "qemu", "lava")
PACKAGE = os.path.join(LAVA, "lavajob")


def test_pyflakes_is_clean():
    files = [os.path.join(LAVA, "lava-job"), os.path.join(LAVA, "lava-local"), os.path.join(LAVA, "stub", "guestfs.py")]
    files += sorted(glob.glob(os.path.join(PACKAGE, "*.py")) + glob.glob(os.path.join(TOP, "tests", "lava", "*.py")))
    r = subprocess.run(["pyflakes3"] + files, capture_output=True, text=True)
    assert (r.returncode, r.stdout + r.stderr) == (0, "")


def test_no_import_cycle():
    graph = {}
    for path in glob.glob(os.path.join(PACKAGE, "*.py")):
        found = set()
        for node in ast.walk(ast.parse(open(path).read())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                found |= {node.module} if node.module else {a.name for a in node.names}
        graph[os.path.basename(path)[:-3]] = found
    done, path = set(), []

    def visit(mod):
        assert mod not in path, "a cycle: " + " -> ".join(path[path.index(mod):] + [mod])
        if mod not in done:
            path.append(mod)
            for dep in sorted(graph[mod]):
                visit(dep)
            path.pop()
            done.add(mod)
    for mod in sorted(graph):
        visit(mod)
    assert len(done) == len(graph) >= 8
