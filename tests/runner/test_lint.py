"""pyflakes over the package, its entry point and these tests: no unused
import, no undefined name; and no call cycle between the modules."""
import ast
import glob
import os
import subprocess

from conftest import TOP

PACKAGE = os.path.join(TOP, "qemu", "runqemu")


def test_pyflakes_is_clean():
    files = sorted(glob.glob(os.path.join(PACKAGE, "*.py")) + glob.glob(os.path.join(TOP, "tests", "runner", "*.py")))
    r = subprocess.run(["pyflakes3", os.path.join(TOP, "qemu", "run-qemu")] + files, capture_output=True, text=True)
    assert (r.returncode, r.stdout + r.stderr) == (0, "")


def imports(path):
    """The package's modules a module imports."""
    tree = ast.parse(open(path).read())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found |= {node.module} if node.module else {a.name for a in node.names}
    return found


def test_no_import_cycle():
    graph = {os.path.basename(p)[:-3]: imports(p) for p in glob.glob(os.path.join(PACKAGE, "*.py"))}
    done, path = set(), []

    def visit(mod):
        assert mod not in path, "a cycle: " + " -> ".join(path[path.index(mod):] + [mod])
        if mod in done:
            return
        path.append(mod)
        for dep in sorted(graph[mod]):
            visit(dep)
        path.pop()
        done.add(mod)
    for mod in sorted(graph):
        visit(mod)
    assert len(done) == len(graph) >= 18
