"""A Python package's modules and their relative imports, and the check
that they form no cycle: for the tests of qemu/runqemu and qemu/lava."""
import ast
import glob
import os


def relative_imports(path):
    """The package modules one file imports by `from .x import` or `from . import x`."""
    found = set()
    for node in ast.walk(ast.parse(open(path).read())):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found |= {node.module} if node.module else {a.name for a in node.names}
    return found


def package_graph(package):
    return {os.path.basename(p)[:-3]: relative_imports(p) for p in glob.glob(os.path.join(package, "*.py"))}


def assert_acyclic(graph):
    """Fails naming the first cycle found; returns how many modules were visited."""
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
    return len(done)
