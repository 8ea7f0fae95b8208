"""The command lines the documentation prints, taken from the pages
themselves (--help, qemu/run-qemu.1, docs/runner.md, docs/kernels.md,
docs/architectures.md) and compared with what the code makes: a page
that drifts from the code fails here."""
import os
import re
import shlex

import pytest

from conftest import TOP
from lines import kernel_line, plan_for, qemu_line
from runqemu.drives import drive_args, root_device
from runqemu.options import USAGE
from runqemu.terminal import Terminal

DISKS = ("nvme", "ide", "virtio")
# A terminal, for the lines that show minroot.term= and minroot.size=.
TTY = Terminal(True, True, "xterm", 24, 80)


def page(path):
    with open(os.path.join(TOP, path), encoding="utf-8") as f:
        return f.read()


def man(path):
    """A man page's text as a reader sees it: no font escapes, no requests."""
    text = page(path).replace("\\-", "-").replace("\\(em", "-")
    text = re.sub(r"\\f[BIRP]|\\&", "", text)
    # A font request's quotes only group its words.
    return re.sub(r"^\.(?:B|BR|BI|I|IR|RB) (.*)$", lambda m: m.group(1).replace('"', ""), text, flags=re.M)


def section(text, start, end):
    """The text from the first line matching START up to one matching END."""
    m = re.search(f"^{start}.*?(?={end})", text, re.S | re.M)
    assert m, f"no section {start!r} .. {end!r}"
    return m.group(0)


def words(text):
    """The words of prose, without quotes, backticks and punctuation."""
    return [w.strip("`'\"(),.;:") for w in text.split()]


# Placeholders the pages write for what varies: a word of the page with
# one matches any value there.
PLACEHOLDERS = {"DEV": r"/dev/\S+", "SEC": r"[0-9]+", "ROWSxCOLS": r"[0-9]+x[0-9]+"}


def matches(doc_word, word):
    if doc_word == word or (doc_word.endswith("=") and word.startswith(doc_word)):
        return True
    pattern = re.escape(doc_word)
    for name, value in PLACEHOLDERS.items():
        pattern = pattern.replace(name, value)
    return re.fullmatch(pattern, word) is not None


def in_order(line_words, doc_words):
    """The words of the line the page does not name, or names out of order."""
    missing, at = [], 0
    for word in line_words:
        found = next((i for i in range(at, len(doc_words)) if matches(doc_words[i], word)), None)
        if found is None:
            missing.append(word)
        else:
            at = found + 1
    return missing


def subsequence(doc_args, argv):
    """Whether doc_args appear in argv in order (other words between)."""
    it = iter(argv)
    return all(any(a == b for b in it) for a in doc_args)


def elided(doc_args, argv):
    """Whether argv is doc_args with each "..." standing for any words."""
    pattern = "".join(r"(?:\S+\n)*?" if a == "..." else re.escape(a) + r"\n" for a in doc_args)
    return re.fullmatch(pattern, "".join(a + "\n" for a in argv)) is not None


# ---------------------------------------------------------------- disks

def help_disk_table():
    """--help's --disk rows: {kind: (args, root)} with IMAGE for the image."""
    block = section(USAGE, r"  --disk ", r"  --modules")
    rows = {}
    for kind, body in re.findall(r"^ +(nvme|ide|virtio) +(.*?)(?=^ +(?:nvme|ide|virtio) |\Z)", block, re.S | re.M):
        w = body.split()
        rows[kind] = ([a for a in w if not a.startswith("root=")], [a for a in w if a.startswith("root=")])
    return rows


def man_disk_table():
    block = section(man("qemu/run-qemu.1"), r"--disk +nvme\|ide\|virtio", r"\.TP\n--accel")
    rows = {}
    for kind, body in re.findall(r"^(nvme|ide|virtio)\n(.*?)(?=^\.TP|^\.RE)", block, re.S | re.M):
        w = [x.rstrip(".") for x in body.split() if x not in ("exactly", "and")]
        rows[kind] = ([a for a in w if not a.startswith("root=")], [a for a in w if a.startswith("root=")])
    return rows


@pytest.mark.parametrize("where, table", [("--help", help_disk_table), ("run-qemu.1", man_disk_table)])
def test_disk_tables(where, table):
    rows = table()
    assert sorted(rows) == sorted(DISKS), f"{where}: the rows"
    for kind in DISKS:
        args, root = rows[kind]
        assert args == drive_args(kind, "IMAGE", False, []), f"{where}: --disk {kind}"
        assert root == [f"root={root_device(kind)}"], f"{where}: --disk {kind}"


def test_runner_md_root_devices():
    line = next(x for x in page("docs/runner.md").splitlines() if x.startswith("  --disk nvme|ide|virtio"))
    assert re.findall(r"/dev/\w+", line) == [root_device(k) for k in DISKS]


def test_blog_line_is_disk_ide():
    """docs/kernels.md: "--disk ide gives exactly that drive and root device"."""
    text = page("docs/kernels.md")
    assert "`--disk ide` gives exactly that drive and root device" in text
    blog = shlex.split(re.search(r"^qemu-system-x86_64 -kernel bzImage -nographic \\\n(.*?)\n```", text,
                                 re.S | re.M).group(1).replace("\\\n", " "))
    drive = blog[blog.index("-drive"):blog.index("-drive") + 2]
    assert drive == drive_args("ide", "a.img", False, [])
    assert f"root={root_device('ide')}" in blog[blog.index("-append") + 1].split()


# ---------------------------------------------------------- kernel line

def help_kernel_words():
    return words(section(USAGE, "Kernel command line:", r"The command\s+travels"))


def man_kernel_words():
    return words(section(man("qemu/run-qemu.1"), r"\.SH KERNEL COMMAND LINE", r"\.PP"))


def runner_md_kernel_words():
    return words(section(page("docs/runner.md"), r"- Kernel line:", r"QEMU gets"))


# Each page, the runs whose kernel line it describes: (argv, accel, terminal).
KERNEL_LINE_PAGES = [
    ("--help", help_kernel_words, [], "tcg", None),
    ("--help", help_kernel_words, [], "kvm", None),
    ("run-qemu.1", man_kernel_words, ["--timeout", "30", "--net", "--gdb", "--append", "x=1"], "tcg", TTY),
    ("run-qemu.1", man_kernel_words, [], "kvm", TTY),
    ("docs/runner.md", runner_md_kernel_words, ["--append", "x=1"], "tcg", TTY),
    ("docs/runner.md", runner_md_kernel_words, ["--", "true"], "tcg", TTY),
]


@pytest.mark.parametrize("where, doc, argv, accel, tty", KERNEL_LINE_PAGES,
                         ids=[f"{p[0]} {' '.join(p[2])} {p[3]}" for p in KERNEL_LINE_PAGES])
def test_kernel_line_is_documented(where, doc, argv, accel, tty):
    kw = {"terminal": tty} if tty else {}
    line = kernel_line(["--kernel", "K", "--image", "I"] + argv, accel=accel, **kw).split()
    if "--append" in argv:
        assert line[-1] == "x=1"        # the pages say "then --append"
        line = line[:-1]
    assert in_order(line, doc()) == [], f"{where}: words missing or out of order"


def test_man_other_architectures():
    text = man("qemu/run-qemu.1")
    arm = section(text, r"\.SS Other architectures", r"\.SH OPTIONS")
    for arch in ("aarch64", "armhf"):
        q = qemu_line(["--arch", arch, "--kernel", "K", "--image", "I"])
        said = words(re.search(rf"^{arch}\n(-machine \S+ -cpu \S+)", arm, re.M).group(1))
        assert subsequence(said, q), f"run-qemu.1: {arch}'s machine"
        assert "-device pci-serial" in arm.replace("\n", " ") and ["-device", "pci-serial,chardev=chan"] == \
            q[q.index("pci-serial,chardev=chan") - 1:q.index("pci-serial,chardev=chan") + 1]
        shell = kernel_line(["--arch", arch, "--kernel", "K", "--image", "I"]).split()
        command = kernel_line(["--arch", arch, "--kernel", "K", "--image", "I", "--", "true"]).split()
        assert f"console={shell[0].split('=')[1]}" in arm and "minroot.channel=ttyS0" in shell
        assert " ".join(command[:2]) in arm.replace("\n", " ")


def test_architectures_md_qemu_row():
    row = next(x for x in page("docs/architectures.md").splitlines() if x.startswith("| QEMU |"))
    cells = re.findall(r"`([^`]+)`", row)
    for arch, said in zip(("aarch64", "armhf"), cells):
        assert subsequence(said.split(), qemu_line(["--arch", arch, "--kernel", "K", "--image", "I"])), arch


# ------------------------------------------------------------ QEMU line

@pytest.mark.parametrize("where, text, pattern", [
    ("--help", lambda: USAGE, r"QEMU runs with (.*?);"),
    ("run-qemu.1", lambda: man("qemu/run-qemu.1"), r"QEMU runs with (.*?)\.\n\.PP"),
    ("docs/runner.md", lambda: page("docs/runner.md"), r"QEMU gets `(.*?)`")])
def test_qemu_words(where, text, pattern):
    said = re.search(pattern, text(), re.S).group(1).split()
    assert len(said) >= 4 and subsequence(said, qemu_line(["--kernel", "K", "--image", "I"])), where


def test_kernels_md_print():
    """The --print output docs/kernels.md shows, "..." for what it leaves out."""
    text = page("docs/kernels.md")
    m = re.search(r"^(qemu/run-qemu .*--print)\n((?:# .*\n)+)", text, re.M)
    assert m, "docs/kernels.md: no --print example"
    argv = shlex.split(m.group(1))[1:]
    shown = shlex.split(" ".join(line[2:] for line in m.group(2).splitlines()))
    o, plan = plan_for([a for a in argv if a != "--print"])
    assert elided(shown, plan.qemu_argv), f"{shown}\n{plan.qemu_argv}"


# ------------------------------------------------------------ --results

def results_section():
    return section(page("docs/runner.md"), r"## Results for CI", r"## How run-qemu is built")


def json_keys(value, prefix=""):
    """Every key of results.json, but the suites' names of counts.by_suite."""
    keys = set()
    if isinstance(value, dict):
        for k, v in value.items():
            if prefix.endswith("by_suite."):
                keys |= json_keys(v, prefix)
                continue
            keys.add(k)
            keys |= json_keys(v, prefix + k + ".")
    elif isinstance(value, list):
        for v in value:
            keys |= json_keys(v, prefix)
    return keys


def test_every_results_json_field_is_documented():
    from runqemu import results
    from test_ktap import sample
    facts = results.Facts(command_line=["run-qemu"], kernel_trouble="x", first_splat=["WARNING: x"],
                          panic="Kernel panic - not syncing: y", durations={"boot": 1.0, "run": 2.0, "whole": 3.0},
                          expected_suites=["timers", "nosuch"])
    keys = json_keys(results.results_json(sample("truncated"), facts))
    said = set(re.findall(r"`([A-Za-z_]+)`", results_section().split("**results.json**")[1]))
    assert len(keys) > 40 and keys - said == set()


def test_ci_snippets():
    """The GitLab job reports the junit.xml that RESULTS= writes; the GitHub
    step uploads its directory whatever the outcome."""
    import yaml
    gitlab, github = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", results_section(), re.S)]
    job = gitlab["kselftest"]
    out = re.search(r"RESULTS=(\S+)", job["script"][0]).group(1)
    assert job["artifacts"]["reports"]["junit"] == out + "/junit.xml" and job["artifacts"]["when"] == "always"
    run, upload = github["steps"]
    assert out in run["run"] and upload["if"] == "always()" and upload["with"]["path"].rstrip("/") == out
    assert upload["uses"].startswith("actions/upload-artifact@")
