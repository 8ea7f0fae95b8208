#!/usr/bin/python3
"""README.md and docs/: the README fits on two screens; every make target and
variable, every run-qemu, mkrootfs and init option the README named before it
was split (tests/docs/readme-terms.txt) is still documented, in the README,
docs/ or a man page; every relative link points to a file and an anchor
that exist."""
import glob
import os
import re

from minroot_test import TOP, check, finish, read

MAN_PAGES = ("qemu/run-qemu.1", "packer/mkrootfs.1", "init/init.8")
README_MAX_LINES = 150


def man_text(path):
    """A man page's words as a reader sees them: no font escapes, '\\-' as '-'."""
    text = read(path).replace("\\-", "-").replace("\\(em", "-")
    return re.sub(r"\\f[BIRP]|\\&", "", text)


def anchors(text):
    """GitHub's heading slugs, and explicit <a id> anchors."""
    ids = set(re.findall(r'<a id="([^"]+)"', text))
    plain = re.sub(r"```.*?```", "", text, flags=re.S)
    for title in re.findall(r"^#+ (.*)$", plain, re.M):
        slug = re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")
        ids.add(slug)
    return ids


def check_links(pages):
    bad = []
    for page in pages:
        text = read(page)
        for link in re.findall(r"\]\(([^)\s]+)\)", re.sub(r"```.*?```", "", text, flags=re.S)):
            if re.match(r"[a-z]+:", link):
                continue
            path, _, frag = link.partition("#")
            target = os.path.normpath(os.path.join(os.path.dirname(page), path)) if path else page
            if not os.path.exists(os.path.join(TOP, target)):
                bad.append(f"{page}: {link}: no such file")
            elif frag and target.endswith(".md") and frag not in anchors(read(target)):
                bad.append(f"{page}: {link}: no such anchor in {target}")
    return bad


def main():
    readme_lines = read("README.md").count("\n")
    check(f"README.md fits on two screens ({readme_lines} lines, at most {README_MAX_LINES})",
          readme_lines <= README_MAX_LINES)

    pages = ["README.md"] + sorted(os.path.relpath(p, TOP) for p in glob.glob(os.path.join(TOP, "docs/*.md")))
    corpus = "\n".join(read(p) for p in pages) + "\n".join(man_text(m) for m in MAN_PAGES)
    terms = [t for t in read("tests/docs/readme-terms.txt").splitlines() if t.strip()]
    lost = [t for t in terms if t not in corpus]
    check(f"every make target and option the old README named is still documented ({len(terms)})",
          len(terms) > 50 and not lost,
          "\n".join(lost))

    linked = set(re.findall(r"\]\((docs/[^)#\s]+)", read("README.md")))
    orphans = [p for p in pages[1:] if p not in linked]
    check("the README links every page of docs/", not orphans, "\n".join(orphans))
    bad = check_links(pages)
    check(f"every relative link in README.md and docs/ resolves ({len(pages)} pages)", not bad, "\n".join(bad))
    finish()


if __name__ == "__main__":
    main()
