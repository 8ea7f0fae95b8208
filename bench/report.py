"""Medians, ratios and the Markdown tables of build/bench/results.md."""
import statistics


def median(values):
    return statistics.median(values) if values else None


def seconds(v):
    return "—" if v is None else "%.2f s" % v


def ratio(a, b):
    return "—" if a is None or b is None or b == 0 else "%.2f" % (a / b)


def kib(v):
    return "—" if v is None else "%d KiB" % v


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


BOOT_COLUMNS = [("init", "QEMU start → kernel runs /sbin/init"),
                ("prompt", "→ first shell prompt"),
                ("exit", "boot, `true`, power off → QEMU exit"),
                ("init_to_prompt", "/sbin/init runs → prompt"),
                ("init_to_exit", "/sbin/init runs → QEMU exit")]


def boot_section(m, runs):
    """m[image][measure]: list of values from the runs that succeeded."""
    med = {img: {k: median(v) for k, v in d.items()} for img, d in m.items()}
    o, b, lim = med["ours"], med["blog"], med["limit"]
    names = {"ours": "ours (mkrootfs image, our init)",
             "blog": "blog (busybox init, Enter pressed)",
             "limit": "limit (init powers off at once)"}
    rows = [[names[img]] + [seconds(med[img].get(k)) for k, _ in BOOT_COLUMNS] + [count(m[img])]
            for img in ("ours", "blog", "limit")]
    # The limit has no prompt: the moment its init runs is the floor for one.
    floor = dict(lim, prompt=lim.get("init"))
    rows.append(["**ours / limit**", "", ratio(o.get("prompt"), floor.get("prompt")) + " ¹",
                 ratio(o.get("exit"), lim.get("exit")), "",
                 ratio(o.get("init_to_exit"), lim.get("init_to_exit")), ""])
    rows.append(["**ours / blog**", ""] +
                [ratio(o.get(k), b.get(k)) for k, _ in BOOT_COLUMNS[1:]] + [""])
    header = ["image"] + [title for _, title in BOOT_COLUMNS] + ["runs"]
    return ("## Boot (TCG, medians of %d alternating runs)\n\n" % runs + table(header, rows) +
            "\n\n¹ The limit has no prompt: the moment the kernel runs its /sbin/init is the"
            " floor for any prompt on this kernel and QEMU.\n")


def count(d):
    return max((len(v) for v in d.values()), default=0)


def pack_section(results, runs, what):
    """results: list of (name, times, allocated KiB, inodes, clean, note)."""
    base = next((median(t) for n, t, *_ in results if n.startswith("mke2fs")), None)
    base_alloc = next((a for n, t, a, *_ in results if n.startswith("mke2fs")), None)
    rows = []
    for name, times, alloc, inodes, clean, note in results:
        if note:
            rows.append([name, note, "—", "—", "—", "—"])
            continue
        med = median(times)
        rows.append([name, seconds(med) if med is None else "%.3f s" % med, ratio(med, base),
                     kib(alloc), ratio(alloc, base_alloc),
                     "%s%s" % (inodes if inodes is not None else "?",
                               "" if clean else " (e2fsck -fn NOT clean)")])
    header = ["packer", "median time", "ratio to mke2fs -d", "allocated (du)",
              "allocated / mke2fs -d", "inodes used (e2fsck -fn clean)"]
    return ("## Pack, %s (same content, medians of %d alternating runs)\n\n" % (what, runs) +
            table(header, rows) + "\n")


def size_section(init_bytes, busybox_bytes, mem):
    """mem[image][measure]: medians of vmrss_kb and rss_kb."""
    o, b = mem["ours"], mem["blog"]
    rows = [["PID 1 program size", "%d bytes" % init_bytes, "%d bytes" % busybox_bytes,
             ratio(init_bytes, busybox_bytes)],
            ["PID 1 VmRSS (/proc/1/status) at the prompt ²", kib(o.get("vmrss_kb")),
             kib(b.get("vmrss_kb")), ratio(o.get("vmrss_kb"), b.get("vmrss_kb"))],
            ["PID 1 Rss (/proc/1/smaps_rollup) at the prompt", kib(o.get("rss_kb")),
             kib(b.get("rss_kb")), ratio(o.get("rss_kb"), b.get("rss_kb"))]]
    return ("## Size and memory (medians)\n\n" +
            table(["", "ours (build/init)", "busybox init", "ours / busybox"], rows) +
            "\n\n² Linux 6.1 folds a task's page-fault counts into VmRSS only every 64"
            " faults: for a process as small as our init it lags behind. smaps_rollup"
            " counts the pages mapped.\n")
