#!/usr/bin/python3
"""docs/pid1.md and docs/pid1.zh-TW.md against each other and the tree:
the same sections (anchors, headings) and the same demos, every demo of
`make demo` in both, every function named under "Code" defined in the file
named with it, every link pointing somewhere, every duty's switch used."""
import os
import re

from minroot_test import TOP, check, finish, read



def unique(items):
    return list(dict.fromkeys(items))


def demo_duties():
    m = re.search(r"^DEMO_DUTIES\s*:=\s*(.*)$", read("tests/demo/demo.mk"), re.M)
    return m.group(1).split()


def code_refs(text):
    """(file, function) pairs of the "Code" paragraphs: each function is
    taken with the init/*.c named last before it."""
    refs = []
    for para in re.findall(r"^\*\*(?:Code\.|程式碼。)\*\*(.*?)(?:\n\n|\Z)", text, re.M | re.S):
        current = None
        for tok in re.finditer(r"`(init/[a-z0-9_]+\.c)`|`([a-z_0-9]+)(?:\(\)|\[\])`", para):
            if tok.group(1):
                current = tok.group(1)
            elif current:
                refs.append((current, tok.group(2)))
    return refs


def defined_in(path, name):
    src = read(path)
    return re.search(r"^[a-z_}][^;=]*\b%s\s*(\(|\[)" % re.escape(name), src, re.M) is not None


def links(text):
    return re.findall(r"\]\(([^)\s]+)\)", text)


def main():
    docs = {lang: read(path) for lang, path in (("en", "docs/pid1.md"), ("zh-TW", "docs/pid1.zh-TW.md"))}
    en = docs["en"]
    duties = demo_duties()
    # In the sections' order: what comes before the first section is an example.
    body = {lang: t[t.index('<a id="'):] for lang, t in docs.items()}
    demos = {lang: unique(re.findall(r"make demo DUTY=([a-z0-9-]+)", t)) for lang, t in body.items()}
    check(f"pid1.md names every demo of make demo, in its order ({len(duties)})", demos["en"] == duties,
          f"guide: {demos['en']}\nmake:  {duties}")
    check("pid1.zh-TW.md names the same demos in the same order", demos["zh-TW"] == demos["en"],
          f"zh-TW: {demos['zh-TW']}\nen:    {demos['en']}")
    named = {lang: re.findall(r"make demo DUTY=([a-z0-9-]+)", t) for lang, t in docs.items()}
    check("both name each demo as often, and only demos that exist (the table included)",
          sorted(named["en"]) == sorted(named["zh-TW"]) and set(named["en"]) == set(duties),
          "\n".join(sorted(set(named["en"]) ^ set(named["zh-TW"]) | set(named["en"]) ^ set(duties))))
    cmds = {lang: sorted(set(re.findall(r"^(?:make|qemu/run-qemu) [^#\n]*?(?=\s*(?:#|$))", t, re.M)))
            for lang, t in docs.items()}
    check("both give the same commands to run", cmds["en"] == cmds["zh-TW"],
          "\n".join(sorted(set(cmds["en"]) ^ set(cmds["zh-TW"]))))

    anchors = {lang: re.findall(r'<a id="([a-z0-9-]+)"></a>\n## ', t) for lang, t in docs.items()}
    check(f"the same sections, each anchored, in the same order ({len(anchors['en'])})",
          len(anchors["en"]) >= 13 and anchors["en"] == anchors["zh-TW"],
          f"en:    {anchors['en']}\nzh-TW: {anchors['zh-TW']}")
    heads = {lang: [len(h) for h in re.findall(r"^(#+) ", re.sub(r"```.*?```", "", t, flags=re.S), re.M)]
             for lang, t in docs.items()}
    check(f"the same headings at the same levels ({len(heads['en'])})", heads["en"] == heads["zh-TW"],
          f"en: {heads['en']}\nzh-TW: {heads['zh-TW']}")
    numbered = [int(n) for n in re.findall(r"^## (\d+)\. ", en, re.M)]
    check("the duties are numbered in order", numbered == list(range(1, len(numbered) + 1)), numbered)

    refs = {lang: code_refs(t) for lang, t in docs.items()}
    check(f"both name the same code ({len(refs['en'])} functions and tables)",
          len(refs["en"]) >= 40 and sorted(refs["en"]) == sorted(refs["zh-TW"]),
          "\n".join(map(str, sorted(set(refs["en"]) ^ set(refs["zh-TW"])))))
    missing = [f"{f}: {n}" for f, n in unique(refs["en"] + refs["zh-TW"])
               if not os.path.exists(os.path.join(TOP, f)) or not defined_in(f, n)]
    check("every function named under Code is defined in its file", not missing, "\n".join(missing))

    bad = []
    for lang, t in docs.items():
        ids = set(re.findall(r'<a id="([a-z0-9-]+)">', t))
        for link in links(t):
            if link.startswith("http"):
                continue
            path, _, frag = link.partition("#")
            target = read(os.path.join("docs", path)) if path and os.path.exists(
                os.path.join(TOP, "docs", path)) else (t if not path else None)
            if target is None:
                bad.append(f"{lang}: {link}: no such file")
            elif frag and path in ("", "pid1.md", "pid1.zh-TW.md") and frag not in set(
                    re.findall(r'<a id="([a-z0-9-]+)">', target)) | ids:
                bad.append(f"{lang}: {link}: no such anchor")
    check("every link points to a file and anchor that exist", not bad, "\n".join(bad))

    demo_h = read("init/demo.h")
    sources = "".join(read(os.path.join("init", f)) for f in sorted(os.listdir(os.path.join(TOP, "init")))
                      if f.endswith(".c"))
    unused = [d for d in duties
              if "MINROOT_DEMO_NO_" + d.upper().replace("-", "_") not in demo_h
              or "MINROOT_DEMO_NO_" + d.upper().replace("-", "_") not in sources]
    check("every duty's switch is in init/demo.h and used at its call site", not unused, unused)
    scripts = [d for d in duties if not any(os.path.exists(os.path.join(TOP, "tests/demo", d + ext))
                                            for ext in (".sh", ".py"))]
    check("every duty has its demo in tests/demo/", not scripts, scripts)
    finish()


if __name__ == "__main__":
    main()
