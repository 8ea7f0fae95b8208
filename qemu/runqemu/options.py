"""What the user asked: the options, their defaults, their checks and the
--help text. Nothing a run decides is kept here (see plan.py)."""
import os
import re
import stat

from .arches import ARCHES, HOST_ARCH, canonical
from .results import prepare_dir
from .status import Usage

PROG = "run-qemu"
VERSION = "0.2.0"

USAGE = """\
Usage: run-qemu [options] [-- COMMAND [ARG...]]
       run-qemu [options] --script FILE [-- ARG...]
       run-qemu [options] --program PATH [-- ARG...]
Boot a kernel on a minroot root image in QEMU, with the guest's terminal on
this terminal. With no COMMAND: a shell prompt; exit, Ctrl-D or poweroff ends
QEMU. With a COMMAND: run it in the guest, show its output, power off, and exit
with its status.

  --arch x86_64|aarch64|armhf|riscv64
                   the guest's architecture (default x86_64); the others
                   boot QEMU's virt machine, console ttyAMA0 on ARM, ttyS0
                   on riscv64 (OpenSBI; see run-qemu(1)); their kernel and
                   image default to build/ARCH/vmlinuz and build/ARCH/rootfs.img
                   (armhf's and riscv64's kernel with its modules,
                   build/ARCH/modules)
  --kernel PATH    kernel to boot (default $MINROOT_KERNEL, else build/vmlinuz,
                   else Debian's, fetched once into the cache)
  --image PATH     root file system image (default build/rootfs.img, else one
                   mkrootfs makes in the cache from minroot's init and
                   busybox, booted with --snapshot)
  --initrd FILE    boot from this initramfs (its /init); no disk is attached
                   unless --image is also given (then root= names the disk and
                   a minroot stage-1 initramfs switches to it)
  --disk nvme|ide|virtio
                   how the image is attached (default nvme):
                     nvme    -drive file=IMAGE,if=none,id=d0,format=raw
                             -device nvme,drive=d0,serial=r0   root=/dev/nvme0n1
                     ide     -drive format=raw,file=IMAGE      root=/dev/sda
                     virtio  -drive file=IMAGE,format=raw,if=virtio  root=/dev/vda
  --modules DIR    the kernel's modules (lib/modules/VERSION, or a prefix
                   holding one, in lib/modules or usr/lib/modules): a
                   stage-1 initramfs loads the root's drivers
                   when they are modules, and the whole tree is at
                   /lib/modules/VERSION in the guest (a read-only disk of its
                   own; the image is not changed)
  --script FILE    run this host file in the guest (its #! line, else sh),
                   with the words after -- as its arguments
  --program PATH   run this host program in the guest with the words after --
                   as its arguments: a dynamic one comes with its loader and
                   libraries (mkrootfs --add-program) on a disk of its own
  --share HOSTDIR[:GUESTDIR]
                   HOSTDIR read-only in the guest at GUESTDIR (default
                   /mnt/BASENAME); repeatable
  --share-rw HOSTDIR[:GUESTDIR]
                   the same, writable: what the guest leaves there is copied
                   back into HOSTDIR after it powers off
  --share-libs     the dynamic programs in the shares run as they are, on
                   any root: their loader and libraries come on a disk of
                   their own, the loader appears at its path (/lib64/...)
                   for the run and LD_LIBRARY_PATH finds the libraries; the
                   image is not changed
  --kunit          the kernel's built-in KUnit suites alone, as kunit.py runs
                   them: no disk, no init; kunit_shutdown=poweroff powers the
                   kernel off after its tests, the console (at info level,
                   read by run-qemu, not shown) carries their KTAP
  --host-tools PKG[,PKG...]
                   the host's programs of these Debian packages, with
                   all they depend on and the Essential ones, mounted
                   read-only over the guest's /usr (packed once into a
                   cached disk); /bin and /sbin are the host's with the
                   root's own commands the host lacks, PATH puts /usr
                   first, the host's loader is at /lib64; repeatable (see
                   run-qemu(1))
  --net            a NIC on QEMU's user network, configured by init
                   (10.0.2.15/24, gateway 10.0.2.2, DNS 10.0.2.3)
  --accel auto|kvm|tcg
                   accelerator (default $MINROOT_ACCEL, else auto: KVM if a
                   probe guest runs on it quickly, else TCG, saying why in
                   one line; the probe's verdict is kept until the host
                   boots again)
  --mem SIZE       guest memory (default 256M)
  --smp N          number of CPUs (default: QEMU's, 1)
  --append 'ARGS'  extra kernel command-line words, after run-qemu's own
  --snapshot       write changes to a temporary overlay, leave the image untouched
  --timeout SEC    stop the command in the guest after SEC seconds (SIGTERM,
                   then SIGKILL), sync, power off, exit 124; QEMU is killed
                   only if the guest has not stopped some seconds later
  --allow-warn     a kernel warning or oops during the run is reported but
                   the command's own status is kept
  --verbose        show the whole kernel log on the terminal
  --log FILE       keep the kernel console log there (default
                   ${XDG_STATE_HOME:-~/.local/state}/minroot/console.log)
  --results DIR    write what a CI reads of the run in DIR (made if
                   missing): results.ktap (the KTAP the command printed),
                   junit.xml (a test case per test and subtest, the
                   kernel's health as one more), results.json (counts,
                   verdict, exit status, kernel version and taint, first
                   splat, durations, every test); each file whole, by rename
  --expect-suites SUITE[,SUITE...]
                   with --results: suites the command is to report; one
                   with no KTAP document is a failure in the results
  --gdb[=PORT]     QEMU's gdbstub on PORT (default 1234), the CPU stopped
                   before the kernel runs, nokaslr; prints the gdb command
  --bios qboot|seabios
                   firmware (default qboot where installed, else SeaBIOS)
  --no-pvh         boot an x86 bzImage through its own entry, not through
                   its vmlinux's PVH entry (carved out once and cached; with
                   qboot only: SeaBIOS is for suspend to RAM, which PVH breaks)
  --print          print the QEMU command line and exit
  -h, --help       show this help;  --version  show the version

Kernel command line: console=ttyS0 quiet minroot.channel=ttyS1 root=DEV rw
panic=-1, under TCG nohz=off highres=off (a periodic tick: QEMU's TCG can miss
a timer wake-up), watchdog_thresh=60 (a soft lockup after 120 s, not 20: a
guest starved by a loaded host looks stuck) and on x86_64 no_timer_check (no
IO-APIC timer check), on x86_64 edd=off, the host terminal's TERM and size, then --append. With disks
beside the root (--modules, --share, --program) the root is root=UUID= of its
ext file system instead, found by a stage 1 (the init alone as the initrd when
there is none): the kernel names disks in the order their probes finish. A
root= in --append wins. The command travels on the channel, not the kernel
command line: any argv, any size. When run-qemu's standard input is not a
terminal, it is the command's standard input, end of file included.
QEMU runs with -nodefaults -display none -no-reboot; Ctrl-A x quits.

Exit status: in command mode the command's status (128+N if killed by signal
N, 127 not found, 126 not executable), from the channel, which only init
writes to; with no command, 0 when the guest powers off or reboots.
121 when a kernel test (KUnit: the KTAP the kernel prints in its log, built-in
suites at boot, a module's when it loads) failed and the command exited 0
(one "kunit:" line per suite, each failure, a total, come first);
122 when the kernel warned, oopsed, stalled or was newly tainted during the
run (one line names the first splat and the console log; --allow-warn keeps
the command's status); 124 on --timeout; 125 when the guest stops without a
status (kernel panic, init error, QEMU failure), with a one-line reason, or
when the run could not happen (QEMU not found or not starting, mkrootfs not
found or unable to write a disk); 2 for a usage error, a missing kernel,
image, initrd or directory, or (--host-tools) a package not installed on the
host; 129/130/143 when run-qemu gets SIGHUP, SIGINT or SIGTERM (it stops
QEMU). A --share-libs program whose loader or libraries cannot be found, or
that is for another machine, is named in one line and the run goes on.
Environment: MINROOT_KERNEL, MINROOT_ACCEL, MINROOT_CACHE, BUSYBOX, QEMU (the
program), TMPDIR.
"""

DISKS = ("nvme", "ide", "virtio")
ACCELS = ("auto", "kvm", "tcg")
# Options that take a value (--opt VALUE or --opt=VALUE).
VALUED = {"--arch", "--kernel", "--image", "--initrd", "--disk", "--accel", "--mem", "--smp", "--append",
          "--timeout", "--script", "--share", "--share-rw", "--modules", "--log", "--bios", "--program",
          "--results", "--expect-suites", "--host-tools"}
# Options kept as given, and flags, by the attribute they set.
SIMPLE = {"--arch": "arch", "--kernel": "kernel", "--initrd": "initrd", "--disk": "disk", "--accel": "accel",
          "--mem": "mem", "--smp": "smp", "--append": "append", "--timeout": "timeout",
          "--script": "script", "--modules": "modules", "--log": "log", "--bios": "bios",
          "--program": "program", "--results": "results"}
FLAGS = {"--snapshot": "snapshot", "--print": "print_only", "--net": "net",
         "--allow-warn": "allow_warn", "--verbose": "verbose", "--share-libs": "share_libs",
         "--kunit": "kunit"}


class Options:
    """The command line, as the user gave it (after check_options, the
    architecture's default kernel and image filled in)."""

    def __init__(self):
        self.arch = HOST_ARCH
        self.kernel = None      # default: see fill_defaults
        self.kernel_default = False     # neither --kernel nor $MINROOT_KERNEL
        self.image = None
        self.image_given = False
        self.initrd = None
        self.disk = "nvme"
        self.accel = None       # default: $MINROOT_ACCEL, else auto
        self.mem = "256M"
        self.smp = None
        self.append = ""
        self.snapshot = False
        self.timeout = None
        self.print_only = False
        self.command = []
        self.script = None
        self.program = None
        self.shares = []        # (hostdir, guestdir, writable)
        self.share_libs = False
        self.host_tools = []    # --host-tools values, as given
        self.modules = None
        self.net = False
        self.allow_warn = False
        self.verbose = False
        self.log = None
        self.results = None     # --results DIR
        self.expect_suites = []
        self.gdb = None
        self.bios = None
        self.pvh = True
        self.kunit = False      # the kernel's built-in KUnit suites alone
        self.info = None        # "help" or "version": show it, run nothing

    def command_mode(self):
        """A command runs (and powers off) instead of a shell prompt."""
        return bool(self.command) or self.script is not None or self.program is not None

    def uses_disk(self):
        """The image is attached: always, but for --initrd without --image
        and for --kunit."""
        return not self.kunit and (not self.initrd or self.image_given)

    def console_port(self):
        """The console is a port run-qemu reads, not the terminal: a
        command's output has the terminal alone; --kunit has no terminal use."""
        return self.command_mode() or self.kunit


def parse_options(argv):
    """The Options of argv; raises Usage. --help and --version stop the
    parsing where they stand (o.info), as a command would."""
    o = Options()
    i = 0
    while i < len(argv):
        opt, val = argv[i], None
        if opt.startswith("--") and "=" in opt:
            opt, val = opt.split("=", 1)
        if opt == "--":
            o.command = argv[i + 1:]
            return o
        if opt in VALUED and val is None:
            if i + 1 >= len(argv):
                raise Usage(f"{opt} needs a value (see --help)")
            val = argv[i + 1]
            i += 1
        i += 1
        take_option(o, opt, val)
        if o.info:
            return o
        if opt == "--gdb" and val is None and i < len(argv) and argv[i].isdigit():
            o.gdb = int(argv[i])
            i += 1
    return o


def take_option(o, opt, val):
    if opt == "--no-pvh":
        o.pvh = False
    elif opt in SIMPLE:
        setattr(o, SIMPLE[opt], val)
    elif opt == "--image":
        o.image, o.image_given = val, True
    elif opt in ("--share", "--share-rw"):
        o.shares.append(parse_share(opt, val))
    elif opt == "--host-tools":
        o.host_tools.append(val)
    elif opt in FLAGS:
        setattr(o, FLAGS[opt], True)
    elif opt == "--expect-suites":
        o.expect_suites += [w for w in val.replace(",", " ").split() if w]
    elif opt == "--gdb":
        if val is not None and not val.isdigit():
            raise Usage(f"--gdb takes a port number, not '{val}'")
        o.gdb = int(val) if val is not None else 1234
    elif opt in ("-h", "--help"):
        o.info = "help"
    elif opt == "--version":
        o.info = "version"
    else:
        raise Usage(f"unknown option '{opt}' (see --help; a command goes after --)")


def parse_share(opt, val):
    host, sep, guest = val.partition(":")
    if not host:
        raise Usage(f"{opt} {val}: no host directory")
    host = host.rstrip("/") or "/"
    if not sep:
        guest = "/mnt/" + os.path.basename(os.path.abspath(host))
    return (host, os.path.normpath(guest) if guest.startswith("/") else guest, opt == "--share-rw")


def info_text(o):
    """What --help or --version prints."""
    return USAGE if o.info == "help" else f"{PROG} {VERSION}\n"


def fill_defaults(o, env):
    """The architecture's own name; the accelerator ($MINROOT_ACCEL, else
    auto: --accel wins); the kernel and image default to its build
    directory ($MINROOT_KERNEL is the host architecture's)."""
    o.arch = canonical(o.arch)
    if o.arch not in ARCHES:
        raise Usage(f"--arch must be x86_64, aarch64, armhf or riscv64, not '{o.arch}'")
    if o.accel is None:
        o.accel = env.get("MINROOT_ACCEL") or "auto"
        if o.accel not in ACCELS:
            raise Usage(f"MINROOT_ACCEL must be auto, kvm or tcg, not '{o.accel}'")
    build = ARCHES[o.arch].build
    if o.kernel is None:
        given = env.get("MINROOT_KERNEL") if o.arch == HOST_ARCH else None
        o.kernel = given or os.path.join(build, "vmlinuz")
        o.kernel_default = not given
    if o.image is None:
        o.image = os.path.join(build, "rootfs.img")


def check_options(o, env=os.environ):
    """Every check of the user's input that needs no tool: raises Usage.
    A default kernel or image missing from build/ is not checked here: the
    cache's takes its place (see defaults.py)."""
    fill_defaults(o, env)
    check_values(o)
    check_kunit(o)
    if not o.kernel_default or os.path.exists(o.kernel):
        readable_file("kernel", o.kernel)
    if o.initrd:
        readable_file("initrd", o.initrd)
    if o.uses_disk() and (o.image_given or os.path.exists(o.image)):
        readable_file("image", o.image)
    if o.script is not None and o.program is not None:
        raise Usage("--script and --program cannot be used together")
    if o.script is not None:
        check_script(o.script)
    if o.program is not None:
        readable_file("program", o.program)
    check_shares(o)
    if o.modules is not None:
        modules_tree(o.modules)
    if o.command and o.script is None and not o.command[0]:
        raise Usage("the command is an empty word")
    check_results_dir(o)


def check_kunit(o):
    """--kunit boots the kernel alone: nothing that needs init or a disk."""
    if not o.kunit:
        return
    asked = [name for name, given in (("a command", o.command_mode()), ("--image", o.image_given),
                                      ("--initrd", o.initrd), ("--modules", o.modules is not None),
                                      ("--share", o.shares), ("--net", o.net)) if given]
    if asked:
        raise Usage(f"--kunit boots the kernel alone (no disk, no init): not with {', '.join(asked)}")


def check_values(o):
    """The option values' forms, and what the architecture offers."""
    arch = ARCHES[o.arch]
    if o.disk not in DISKS:
        raise Usage(f"--disk must be nvme, ide or virtio, not '{o.disk}'")
    if o.disk not in arch.disks:
        raise Usage(f"--disk {o.disk} is not available on {o.arch} (only {' or '.join(arch.disks)})")
    if o.bios is not None and not arch.firmware:
        raise Usage(f"--bios applies to x86_64 only; {o.arch} boots its kernel directly")
    if o.accel not in ACCELS:
        raise Usage(f"--accel must be auto, kvm or tcg, not '{o.accel}'")
    if not re.fullmatch(r"[0-9]+[KMGT]?", o.mem):
        raise Usage(f"--mem must be a size like 256M, not '{o.mem}'")
    if o.smp is not None and not re.fullmatch(r"[1-9][0-9]*", o.smp):
        raise Usage(f"--smp must be a positive number, not '{o.smp}'")
    if o.timeout is not None and not re.fullmatch(r"[1-9][0-9]*", o.timeout):
        raise Usage(f"--timeout must be a positive number of seconds, not '{o.timeout}'")
    if o.bios not in (None, "qboot", "seabios"):
        raise Usage(f"--bios must be qboot or seabios, not '{o.bios}'")
    if " -- " in f" {o.append} ":
        raise Usage("--append must not hold '--': give a command after run-qemu's own --")


def check_results_dir(o):
    """--results DIR: made if missing, writable, and without the files of
    an earlier run (it holds this run's or none), before QEMU starts. Last
    of the checks: a refusal for another reason leaves DIR as it was."""
    if o.expect_suites and o.results is None:
        raise Usage("--expect-suites says what --results is to show: give --results DIR too")
    if o.results is None or o.print_only:
        return
    if os.path.lexists(o.results) and not os.path.isdir(o.results):
        raise Usage(f"--results {o.results}: not a directory")
    try:
        prepare_dir(o.results)
    except OSError as e:
        raise Usage(f"--results {o.results}: cannot write there: {e.strerror}")


def readable_file(what, path):
    if not os.path.exists(path):
        raise Usage(f"no {what} at '{path}'")
    st = os.stat(path)
    if not (stat.S_ISREG(st.st_mode) or (what == "image" and stat.S_ISBLK(st.st_mode))):
        raise Usage(f"the {what} '{path}' is not a regular file")
    if not os.access(path, os.R_OK):
        raise Usage(f"cannot read the {what} '{path}': Permission denied")


def check_script(path):
    readable_file("script", path)
    with open(path, "rb") as f:
        body = f.read()
    if b"\0" in body:
        raise Usage(f"--script {path}: holds NUL bytes (a binary?); use --share for programs")


def check_shares(o):
    seen = set()
    for host, guest, _ in o.shares:
        if not os.path.exists(host):
            raise Usage(f"--share {host}: no such directory")
        if not os.path.isdir(host):
            raise Usage(f"--share {host}: not a directory")
        if not guest.startswith("/"):
            raise Usage(f"--share {host}:{guest}: the guest directory must be absolute")
        if guest == "/":
            raise Usage(f"--share {host}:{guest}: cannot share onto the guest's root")
        if guest in seen:
            raise Usage(f"--share: two shares on {guest}")
        seen.add(guest)
    if o.share_libs and not o.shares:
        raise Usage("--share-libs brings the libraries of shared programs: give --share or --share-rw")
    if o.share_libs and o.arch != HOST_ARCH:
        raise Usage(f"--share-libs brings the host's own loader and libraries: {HOST_ARCH} guests only")
    if o.share_libs and not o.command_mode():
        raise Usage("--share-libs prepares a command's run: give -- COMMAND, --script or --program")
    check_host_tools(o)


def check_host_tools(o):
    if not o.host_tools:
        return
    if o.arch != HOST_ARCH:
        raise Usage(f"--host-tools brings the host's own programs: {HOST_ARCH} guests only")
    if not o.command_mode():
        raise Usage("--host-tools prepares a command's run: give -- COMMAND (-- bash for a shell), "
                    "--script or --program")


def modules_tree(path):
    """(lib/modules/VERSION tree, VERSION) from --modules DIR: the tree
    itself, or a prefix holding exactly one (make modules_install's), in
    lib/modules or, in a merged-/usr tree (a Debian 13 kernel package
    unpacked), usr/lib/modules."""
    d = os.path.abspath(path)
    if not os.path.isdir(d):
        raise Usage(f"--modules {path}: no such directory")
    if any(os.path.exists(os.path.join(d, n)) for n in ("modules.order", "modules.builtin", "kernel")):
        return d, os.path.basename(d)
    base = os.path.join(d, "lib", "modules")
    if not os.path.isdir(base):
        base = os.path.join(d, "usr", "lib", "modules")
    versions = sorted(os.listdir(base)) if os.path.isdir(base) else []
    if len(versions) != 1:
        raise Usage(f"--modules {path}: not a lib/modules/VERSION tree, nor a prefix holding exactly one "
                    f"({len(versions)} found)")
    return os.path.join(base, versions[0]), versions[0]
