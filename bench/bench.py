#!/usr/bin/python3
"""make bench: boot, pack, size and memory, and the anchors (virtme-ng,
Debian's own initramfs), measured side by side in one run with the order
rotated every round, so that a slow moment of a shared machine falls on
every contender alike. Prints the tables and writes them to
BUILD/bench/results.md. A benchmark never fails on a number; it exits 1
only when a run could not be measured (the console log is kept)."""
import argparse
import os
import platform
import shutil
import subprocess
import sys
import time

# Beside this script, so on Python's path.
import anchors
import arches
import boot
import fanout
import images
import kunit
import largetree
import pack
import report
import runner


def parse_args():
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    a.add_argument("--build", default="build", help="build directory (default build)")
    a.add_argument("--runs", type=int, default=5, help="runs of each measurement (default 5)")
    a.add_argument("--kernel", help="kernel to boot (default BUILD/vmlinuz)")
    a.add_argument("--busybox", default="/bin/busybox",
                   help="static busybox (default /bin/busybox)")
    a.add_argument("--only", choices=["boot", "pack", "runner", "accel", "arch", "kselftest", "anchors", "kunit"],
                   help="run one part only")
    args = a.parse_args()
    if args.runs < 1:
        a.error("--runs must be at least 1")
    b = args.build
    args.kernel = args.kernel or os.path.join(b, "vmlinuz")
    args.mkrootfs = os.path.join(b, "mkrootfs")
    args.init = os.path.join(b, "init")
    args.limit_init = os.path.join(b, "bench", "limit-init")
    args.build = b
    args.out = os.path.join(b, "bench")
    for path in (args.kernel, args.mkrootfs, args.init, args.limit_init, args.busybox):
        if not os.path.isfile(path):
            a.error("%s is missing (run it through `make bench`)" % path)
    if args.only in (None, "arch") and arches.missing(b):
        a.error("%s is missing (run it through `make bench`)" % arches.missing(b)[0])
    if args.only in (None, "kunit") and kunit.missing(b):
        a.error("%s is missing (run it through `make bench`)" % kunit.missing(b)[0])
    return args


class Failures:
    """Runs that went wrong, each with its console log kept in a file:
    lost ones (nothing measured) and retried ones (a fresh boot replaced
    them; listed so that a pattern can be noticed)."""

    def __init__(self, out):
        self.out, self.lost, self.retried, self.count = out, [], [], 0
        for name in os.listdir(out):
            if name.startswith("failed-") and name.endswith(".log"):
                os.unlink(os.path.join(out, name))

    def add(self, what, reason, log="", retried=False):
        self.count += 1
        path = os.path.join(self.out, "failed-%d.log" % self.count)
        with open(path, "w") as f:
            f.write(log)
        (self.retried if retried else self.lost).append(
            "%s: %s (console: %s)" % (what, reason, path))
        print("  %s %s: %s; console log in %s" % ("RETRYING" if retried else "FAILED", what,
                                                 reason, path), flush=True)

    def sections(self):
        out = []
        if self.lost:
            out.append("## Runs that could not be measured\n\n" +
                       "\n".join("- " + f for f in self.lost) + "\n")
        if self.retried:
            out.append("## Boots that failed once and were run again\n\n" +
                       "\n".join("- " + f for f in self.retried) + "\n")
        return out


def rotated(items, r):
    r %= len(items)
    return items[r:] + items[:r]


def boot_once_or_twice(fn, kernel, image, what, failures):
    """A boot that fails is run once more (a fresh boot, timed from its own
    start): on a loaded machine a console can stall once in a long while."""
    for retry in (True, False):
        try:
            return fn(kernel, image)
        except boot.BootFailed as e:
            failures.add(what, e.reason, e.log, retried=retry)
    return None


def boot_bench(args, imgs, failures):
    runs = [("ours", "prompt", boot.ours_prompt), ("blog", "prompt", boot.blog_prompt),
            ("limit", "run", boot.limit), ("ours", "true", boot.ours_true),
            ("blog", "true", boot.blog_true)]
    m = {img: {} for img in ("ours", "blog", "limit")}
    for r in range(args.runs):
        for img, kind, fn in rotated(runs, r):
            what = "boot %d/%d %s %s" % (r + 1, args.runs, img, kind)
            got = boot_once_or_twice(fn, args.kernel, imgs[img], what, failures)
            if not got:
                continue
            for k, v in got.items():
                m[img].setdefault(k, []).append(v)
            print("  %s: %s" % (what, ", ".join(
                ("%s %d" if k.endswith("_kb") else "%s %.2f s") % (k, v) for k, v in got.items())),
                flush=True)
    return m


def pack_bench(args, packers, failures):
    """results for report.pack_section: the times of each packer, and the
    allocated size, inodes and e2fsck verdict of the image it made last."""
    work = os.path.join(args.out, "work")
    times = {name: [] for name, _ in packers}
    made, notes = {}, {}
    image = os.path.join(work, "pack.img")
    for r in range(args.runs):
        for name, fn in rotated(packers, r):
            if name in notes:
                continue
            try:
                t = pack.time_one(fn, image)
            except pack.Unavailable as e:
                notes[name] = str(e)
                print("  pack %s: %s" % (name, e), flush=True)
                continue
            except (pack.PackFailed, images.SetupFailed) as e:
                failures.add("pack %d/%d %s" % (r + 1, args.runs, name), str(e))
                continue
            times[name].append(t)
            print("  pack %d/%d %s: %.3f s" % (r + 1, args.runs, name, t), flush=True)
            made[name] = (pack.allocated_kb(image),) + images.used_inodes(image)
            os.unlink(image)
    return [(name, times[name]) + made.get(name, (None, None, False)) + (notes.get(name),)
            for name, _ in packers]


def large_tree(work, tree):
    """The small tree plus bench/largetree.py's files at /usr/lib/large
    (cp -a keeps its hard links); returns (the whole tree, the added part)."""
    added = largetree.make(os.path.join(work, "large-added"))
    whole = os.path.join(work, "large-tree")
    images.run(["cp", "-a", tree, whole], "copy the small tree")
    os.makedirs(os.path.join(whole, "usr", "lib"), exist_ok=True)
    images.run(["cp", "-a", added, os.path.join(whole, "usr", "lib", "large")],
               "copy the large tree's files")
    return whole, added


def pack_benches(args, work, tree, nodes, failures):
    """The pack sections: the small tree, then the large one."""
    small = pack.Packers(args.mkrootfs, args.init, args.busybox, tree, nodes, work)
    print("pack, small tree: %d rounds" % args.runs, flush=True)
    sections = [report.pack_section(pack_bench(args, small.all(), failures), args.runs,
                                    "small tree: our default image's content, 128 MiB ext3")]
    print("making the large tree", flush=True)
    whole, added = large_tree(work, tree)
    large = pack.Packers(args.mkrootfs, args.init, args.busybox, whole, nodes, work,
                         size=largetree.SIZE, adds=[added + ":/usr/lib/large"])
    print("pack, large tree: %d rounds" % args.runs, flush=True)
    sections.append(report.pack_section(
        pack_bench(args, large.large(), failures), args.runs,
        "large tree: the small one plus %d generated files, about %d MB, %s ext3"
        % (largetree.FILES, largetree.TARGET_BYTES // 10**6, largetree.SIZE.replace("M", " MiB"))))
    shutil.rmtree(whole, ignore_errors=True)
    shutil.rmtree(added, ignore_errors=True)
    return sections


def output_of(argv):
    return subprocess.run(argv, stdout=subprocess.PIPE, encoding="utf-8",
                          errors="replace").stdout.strip()


def cpu_model():
    with open("/proc/cpuinfo") as f:
        return next((line.split(":", 1)[1].strip() for line in f
                     if line.startswith("model name")), platform.processor())


def environment(args):
    """The first lines of results.md: what the figures were measured on."""
    qemu = output_of([boot.QEMU, "--version"]).splitlines()[0]
    kernel = output_of(["file", "-bL", args.kernel]).split("version ", 1)[-1].split(" ")[0]
    user = "as root" if os.geteuid() == 0 else (
        "as uid %d (no device nodes in the tree: mke2fs -d gets them from debugfs; "
        "the tree's files are owned by that uid)" % os.geteuid())
    argv = boot.qemu_argv(os.path.basename(args.kernel), "IMAGE")
    command = " ".join([boot.QEMU] + [a if " " not in a else "'%s'" % a for a in argv])
    return ("# minroot benchmarks\n\n"
            "%s; kernel %s; %s; %s, %d CPUs; %s; load average at start %.2f.\n\n"
            "Every boot: `%s` (ours adds ` -- true` to the kernel line for the command-mode"
            " run).\n" % (time.strftime("%Y-%m-%d %H:%M"), kernel, qemu, cpu_model(),
                          os.cpu_count(), user, os.getloadavg()[0], command))


def make_images(args, work):
    """The three boot images, and the content of ours as a tree."""
    print("making the images", flush=True)
    ours = images.ours_image(work, args.mkrootfs, args.init, args.busybox)
    imgs = {"ours": ours, "blog": images.blog_image(work, args.busybox),
            "limit": images.limit_image(work, args.limit_init)}
    return imgs, images.tree_of_image(work, ours)


def size_and_memory(args, m):
    mem = {img: {k: report.median(m[img].get(k, [])) for k in ("vmrss_kb", "rss_kb")}
           for img in ("ours", "blog")}
    return report.size_section(os.path.getsize(args.init), os.path.getsize(args.busybox), mem)


def write_results(args, sections):
    text = "\n".join(sections)
    path = os.path.join(args.out, "results.md")
    with open(path, "w") as f:
        f.write(text)
    print("\n" + text + "\n(written to %s)" % path)


def main():
    args = parse_args()
    work = images.fresh_dir(os.path.join(args.out, "work"))
    failures = Failures(args.out)
    sections = [environment(args)]
    imgs, (tree, nodes) = make_images(args, work)
    if args.only in (None, "pack"):
        sections += pack_benches(args, work, tree, nodes, failures)
    if args.only in (None, "boot"):
        print("boot: %d rounds" % args.runs, flush=True)
        m = boot_bench(args, imgs, failures)
        sections += [report.boot_section(m, args.runs), size_and_memory(args, m)]
    if args.only in (None, "runner"):
        sections += runner.sections(args, imgs, failures, work)
    if args.only == "accel":
        print("run-qemu: the accelerator, %d rounds" % args.runs, flush=True)
        sections.append(runner.accel_section(args, imgs, failures))
    if args.only in (None, "arch"):
        print("boot per architecture: %d rounds" % args.runs, flush=True)
        sections.append(arches.section(args.build, args.runs, failures))
    if args.only in (None, "kselftest"):
        print("the kernel's selftests, JOBS=2 against JOBS=1: %d rounds" % min(args.runs, fanout.MAX_ROUNDS),
              flush=True)
        sections.append(fanout.section(args, imgs, failures, work))
    if args.only in (None, "anchors"):
        sections += anchors.sections(args, imgs, failures, work)
    if args.only in (None, "kunit"):
        print("KUnit, run-qemu against kunit.py: %d rounds" % args.runs, flush=True)
        sections.append(kunit.section(args.build, args.runs, failures))
    sections.append("Load average at the end: %.2f.\n" % os.getloadavg()[0])
    write_results(args, sections + failures.sections())
    shutil.rmtree(work, ignore_errors=True)
    return 1 if failures.lost else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (images.SetupFailed, OSError) as e:
        sys.exit("bench: error: %s" % e)
