#!/usr/bin/python3
"""Debian 13's 6.12 kernels under TCG, each booted only for what no other
suite shows (they all run on Debian 12's 6.1):
- the cloud kernel as it is: a command's status and `uname -r`; --share and
  --share-libs (a dynamic host program) with three disks, the root found by
  its UUID because 6.12 names an NVMe controller's namespaces in the order
  its parallel scan finds them; a new taint during the run is status 122
  with one line (no splat.ko for 6.12: see docs/kernels.md);
- the standard kernel from a merged-/usr tree (usr/lib/modules/VERSION, as
  the package ships it), every module .ko.xz: stage 1 loads NVMe and ext4,
  the modules disk is /lib/modules/VERSION, `modprobe loop` works in the
  guest, and what it holds is decompressed."""
import os
import re
import shutil

import minroot_test as t

D13 = os.path.join(t.B, "debian13")
CLOUD = os.path.join(D13, "vmlinuz")
GENERIC = os.path.join(D13, "vmlinuz-generic")
MODULES = os.path.join(D13, "modules-generic")


def run(kernel, args):
    """run-qemu on kernel, the image snapshotted: (status, the output with
    run-qemu's own lines)."""
    argv = [t.RUN] + t.run_qemu_args(kernel=kernel, extra=["--snapshot"] + args)
    status, out = t.boot_command(argv)
    return status, out


def cloud_kernel(tmp):
    t.note("the cloud kernel as it is: a status; --share and --share-libs with three disks")
    share = os.path.join(tmp, "share")
    os.makedirs(share)
    shutil.copy("/usr/bin/printf", share)
    with open(os.path.join(share, "in"), "w") as f:
        f.write("from the host\n")
    status, out = run(CLOUD, ["--share", f"{share}:/data", "--share-libs", "--", "sh", "-c",
                              "uname -r; /data/printf 'dynamic %s\\n' printf; cat /data/in; "
                              "ls /sys/block | grep -c nvme; grep -o 'root=[^ ]*' /proc/cmdline; exit 5"])
    lines = out.splitlines()
    t.check(f"exit 5 is status 5 (got {status})", status == 5, out)
    t.check("uname -r: Debian 13's cloud kernel, 6.12",
            any(re.fullmatch(r"6\.12\.\S+-cloud-amd64", l) for l in lines), out)
    t.check("--share-libs: the host's dynamic printf runs with the host's loader and libc",
            "dynamic printf" in lines, out)
    t.check("--share: the host's file is read", "from the host" in lines, out)
    t.check("three NVMe disks (the root, the share, the libraries), the root named by its UUID",
            "3" in lines and any(l.startswith("root=UUID=") for l in lines), out)

    t.note("the verdict: a new taint during the run")
    status, out = run(CLOUD, ["--", "sh", "-c", "echo 512 > /proc/sys/kernel/tainted"])
    bad = [l for l in out.splitlines() if l.startswith("run-qemu: ") and "tainted" in l]
    t.check(f"taint W (set through /proc/sys/kernel/tainted): status 122 (got {status})", status == 122, out)
    t.check("... one line naming it", len(bad) == 1 and "(W)" in bad[0], out)


def merged_usr_tree(tmp):
    """A prefix holding usr/lib/modules/VERSION, linked to make's tree."""
    (version,) = os.listdir(os.path.join(MODULES, "lib", "modules"))
    prefix = os.path.join(tmp, "usr-root")
    os.makedirs(os.path.join(prefix, "usr", "lib", "modules"))
    rc, out = t.host("cp", "-al", os.path.join(MODULES, "lib", "modules", version),
                     os.path.join(prefix, "usr", "lib", "modules"))
    return (prefix, version) if rc == 0 else (None, out)


def standard_kernel(tmp):
    t.note("the standard kernel: .ko.xz modules from usr/lib/modules through stage 1")
    prefix, version = merged_usr_tree(tmp)
    if not t.check("a merged-/usr copy of the tree (usr/lib/modules/VERSION)", prefix, version):
        return
    xz = sum(n.endswith(".ko.xz") for _, _, names in os.walk(prefix) for n in names)
    t.check(f"every module of the package is .ko.xz ({xz} of them)", xz > 4000, str(xz))
    status, out = run(GENERIC, ["--modules", prefix, "--", "sh", "-c",
                                "grep -oE '^(nvme|ext4) ' /proc/modules | sort | xargs; ls /lib/modules; "
                                "modprobe loop && grep -o '^loop ' /proc/modules; "
                                "echo xz=$(find /lib/modules -name '*.ko.xz' | wc -l) "
                                "ko=$(find /lib/modules -name '*.ko' | wc -l)"])
    lines = [l.strip() for l in out.splitlines()]
    t.check(f"the command ran, status 0 (got {status})", status == 0, out)
    t.check("stage 1 loaded nvme and ext4 (decompressed by mkrootfs)", "ext4 nvme" in lines, out)
    t.check(f"the tree is /lib/modules/{version} in the guest", version in lines, out)
    t.check("modprobe loop from the guest loads it", "loop" in lines, out)
    m = re.search(r"^xz=(\d+) ko=(\d+)$", out, re.M)
    t.check("the modules disk holds them decompressed", m and m.group(1) == "0" and int(m.group(2)) > 4000, out)


def main():
    if not t.need_files(CLOUD, GENERIC, MODULES, t.IMAGE):
        t.finish()
    tmp = t.scratch()
    cloud_kernel(tmp)
    standard_kernel(tmp)
    t.finish()


main()
