#!/usr/bin/python3
"""The coverage section of a page (docs/kselftest.md), as
kselftest-coverage-report writes it: every row has a name, "BUILT of
LISTED" and, per kernel, "run / ok / not ok / skip" (or "not run") with
run = ok + not ok + skip <= built <= listed; the totals row is the sum of
the rows; each kernel's summary line repeats its totals; every failure
and skip counted has its line in the list below; no excluded collection
is in the table. Prints ok / not ok lines (tests/run's format).

    coverage-table.py PAGE EXCLUDED
"""
import re
import sys

BEGIN = "<!-- kselftest-coverage: begin -->"
END = "<!-- kselftest-coverage: end -->"
failures = 0


def report(good, what, evidence=""):
    global failures
    print(("ok - " if good else "not ok - ") + what)
    if not good:
        failures += 1
        for line in evidence.splitlines()[:20]:
            print("    | " + line)


def cells(line):
    return [c.strip().strip("*").strip() for c in line.strip().strip("|").split("|")]


def counts(cell):
    """[run, ok, not ok, skip] of a cell, None for "not run"."""
    if cell == "not run":
        return None
    nums = [int(n) for n in cell.split(" / ")]
    assert len(nums) == 4, cell
    return nums


def main(page, excluded_path):
    text = open(page, encoding="utf-8").read()
    start, end = text.find(BEGIN), text.find(END)
    report(0 <= start < end, f"{page} has one coverage section")
    if not 0 <= start < end:
        return
    section = text[start:end].splitlines()
    rows = [cells(line) for line in section if line.startswith("| ")]
    header, body = rows[0], rows[1:]
    kernels = [h.split(":")[0] for h in header[2:]]
    report(len(kernels) >= 1 and header[:2] == ["collection", "built"], f"the table's header names {kernels}")
    total, rows = body[-1], body[:-1]
    bad = [r for r in rows + [total] if len(r) != 2 + len(kernels)]
    report(not bad and rows, f"{len(rows)} rows, each with {2 + len(kernels)} cells", "\n".join(map(str, bad)))
    sums = {k: [0, 0, 0, 0] for k in kernels}
    built_sum = listed_sum = 0
    problems = []
    for r in rows:
        built, listed = (int(n) for n in r[1].split(" of "))
        built_sum += built
        listed_sum += listed
        if built > listed:
            problems.append(f"{r[0]}: built {built} > listed {listed}")
        for k, cell in zip(kernels, r[2:]):
            c = counts(cell)
            if c is None:
                continue
            if c[0] != sum(c[1:]) or c[0] > built:
                problems.append(f"{r[0]} on {k}: {cell} (built {built})")
            sums[k] = [a + b for a, b in zip(sums[k], c)]
    report(not problems, "each row: run = ok + not ok + skip <= built <= listed", "\n".join(problems))
    want = [f"{built_sum} of {listed_sum}"] + [" / ".join(map(str, sums[k])) for k in kernels]
    report(total[1:] == want, f"the totals row is the sum of the rows ({want})", f"found {total[1:]}")
    summaries = [line for line in section if line.startswith("- ") and " tests run (" in line]
    for k, line in zip(kernels, summaries):
        m = re.search(r": (\d+) of (\d+) tests run .*?, (\d+) ok, (\d+) not ok, (\d+) skipped", line)
        got = [int(g) for g in m.groups()] if m else None
        report(got == [sums[k][0], listed_sum] + sums[k][1:], f"the {k} summary line repeats its totals", line)
    notes = [line for line in section if line.startswith("- `")]
    for k, (i, word) in ((k, iw) for k in kernels for iw in ((2, "not ok"), (3, "skip"))):
        n = sum(1 for line in notes if re.search(rf"\(([^)]*\b{k}\b[^)]*)\): {word}:", line))
        report(n == sums[k][i], f"every {word} on {k} has its line ({sums[k][i]})", f"{n} lines")
    excluded = {line.split()[0] for line in open(excluded_path, encoding="utf-8")
                if line.strip() and not line.startswith("#")}
    inside = sorted(excluded & {r[0] for r in rows})
    report(not inside, f"no excluded collection in the table ({len(excluded)} excluded)", " ".join(inside))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
    sys.exit(1 if failures else 0)
