"""Host programs in the guest, for this run only. --program PATH: the
program with its loader and libraries on a disk of its own, run through
that loader. --share-libs: the loaders and libraries of every dynamic
program in the shares on one disk, and the guest shell's prologue that
makes them found."""
import os
import re
import stat
import struct
import uuid
from collections import namedtuple

from . import mkrootfs as packer
from .qemuline import shell_quote
from .status import say

PROGRAM_DIR = "/run/minroot-program"
SHARE_LIBS_DIR = "/run/minroot-libs"
# How many programs one mkrootfs --list-program-deps call takes.
LIST_BATCH = 256

# A disk made for the run (its image and UUID) and what it changes in the
# request: the command's argv (--program) or the shell prologue (--share-libs).
Program = namedtuple("Program", "disk uuid argv")
ShareLibs = namedtuple("ShareLibs", "disk uuid prologue")

# The guest's side of --share-libs and --host-tools, run by sh before the
# command (busybox's or the root's own: the root's is dynamic, so nothing
# it runs may lack its loader at any moment). graft OPT N DIR FIRST THEN
# [NAME TARGET]: DIR shows the entries of the directory FIRST, then those
# of THEN it lacks ("=" stands for DIR's own, "" for none), and NAME, a
# link to TARGET (the loader), with no write to the root: DIR's original
# is bound (with what is mounted below it) at /run/minroot-graftN/orig, a
# directory of links is made in /run's tmpfs, then bound over DIR in one
# step. links FROM TO [-q]: a link in TO to each entry of FROM that TO
# lacks, most by one ln (-q: quietly, as a name TO has already fails).
GRAFT = r"""fail() { echo "run-qemu: $*" >&2; exit 127; }
links() {
	for e in "$1"/*; do
		if [ -e "$e" ] || [ -L "$e" ]; then
			if [ -n "$3" ]; then ln -s "$1"/* "$2/" 2>/dev/null; else ln -s "$1"/* "$2/" || return 1; fi
		fi
		break
	done
	for e in "$1"/.[!.]* "$1"/..?*; do
		{ [ -e "$e" ] || [ -L "$e" ]; } && ! [ -e "$2/${e##*/}" ] && ! [ -L "$2/${e##*/}" ] &&
			{ ln -s "$e" "$2/" || return 1; }
	done
	return 0
}
graft() {
	o=/run/minroot-graft$2/orig n=/run/minroot-graft$2/dir
	[ -d "$3" ] || fail "$1: the guest's root has no directory $3${6:+ for the loader $3/$6}" \
		"(an image made by an older mkrootfs? create $3 in it)"
	mkdir -p "$o" "$n" && mount -o rbind "$3" "$o" || fail "$1: cannot bind $3 at $o"
	f=$4 t=$5
	[ "$f" != = ] || f=$o
	[ "$t" != = ] || t=$o
	[ -z "$f" ] || links "$f" "$n" || fail "$1: cannot link the entries of $f in $3"
	[ -z "$t" ] || links "$t" "$n" -q
	[ -z "$6" ] || ln -sf "$7" "$n/$6" || fail "$1: cannot put $7 at $3/$6"
	mount -o bind "$n" "$3" || fail "$1: cannot bind $n over $3"
}
"""


def elf_interpreter(path):
    """The program's PT_INTERP (its loader), None for a static program or a
    file that is no ELF program (mkrootfs says why). Any class and byte
    order: a program for another machine is found, and mkrootfs refuses it."""
    with open(path, "rb") as f:
        head = f.read(64)
        if len(head) < 52 or head[:4] != b"\x7fELF" or head[4] not in (1, 2) or head[5] not in (1, 2):
            return None
        end = "<" if head[5] == 1 else ">"
        if head[4] == 2:
            phoff, = struct.unpack_from(end + "Q", head, 32)
            phentsize, phnum = struct.unpack_from(end + "HH", head, 54)
            entry = end + "IIQQQQ"
        else:
            phoff, = struct.unpack_from(end + "I", head, 28)
            phentsize, phnum = struct.unpack_from(end + "HH", head, 42)
            entry = end + "IIIIIIII"
        for i in range(phnum):
            f.seek(phoff + i * phentsize)
            fields = struct.unpack(entry, f.read(struct.calcsize(entry)))
            offset, size = (fields[2], fields[5]) if head[4] == 2 else (fields[1], fields[4])
            if fields[0] == 3:
                f.seek(offset)
                return f.read(size).rstrip(b"\0").decode(errors="replace")
    return None


def loader_on_disk(interp, entries):
    """Where the loader INTERP is among mkrootfs's entries: its links point
    into the guest's root, so the file they end at."""
    real = os.path.realpath(interp)
    return next((where for kind, host, where in entries
                 if kind == "file" and os.path.realpath(host) == real), interp)


def library_dirs(prefix, paths):
    """PREFIX + each path's directory, once each, in order."""
    dirs = []
    for where in paths:
        d = prefix + os.path.dirname(where)
        if d not in dirs:
            dirs.append(d)
    return dirs


def program_argv(name, dest, interp, libdirs, args):
    """The command that runs the program at PROGRAM_DIR + DEST through its
    loader (a static program runs as it is), with ARGS."""
    prog = PROGRAM_DIR + dest
    if not interp:
        return [prog] + list(args)
    return [PROGRAM_DIR + interp, "--library-path", ":".join(libdirs), "--argv0", name, prog] + list(args)


def prepare_program(o, tmp):
    """--program PATH: a disk with the program, its loader and libraries at
    their host paths (mkrootfs --add-program), mounted at PROGRAM_DIR; the
    command runs the program through that loader, so nothing needs to be
    in the image. Returns Program."""
    name = os.path.basename(o.program)
    dest = f"/usr/bin/{name}"
    spec = f"{os.path.abspath(o.program)}:{dest}"
    listing = packer.mkrootfs(["--list-program-deps", spec], f"--program {o.program}")
    disk, disk_uuid = os.path.join(tmp, "program.img"), str(uuid.uuid4())
    # --arch: a program for another machine than the guest's is refused.
    packer.mkrootfs(["--bare", "--arch", o.arch, "-t", "ext4", "--uuid", disk_uuid, "--add-program", spec,
                     "-o", disk], f"--program {o.program}", disk)
    entries = [line.split("\t") for line in listing.splitlines()[1:]]
    libdirs = library_dirs(PROGRAM_DIR, [where for _, _, where in entries])
    interp = elf_interpreter(o.program)
    if interp:
        interp = loader_on_disk(interp, entries)
    return Program(disk, disk_uuid, program_argv(name, dest, interp, libdirs, o.command))


def dynamic_programs(host):
    """The ELF programs with an interpreter in the tree HOST (regular files,
    links not followed): (path, path relative to HOST), in a stable order."""
    found = []
    for root, dirs, files in os.walk(host):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            try:
                if stat.S_ISREG(os.lstat(path).st_mode) and elf_interpreter(path):
                    found.append((path, os.path.relpath(path, host)))
            except OSError:
                pass    # pack_share names what it cannot read
    return found


def list_specs(specs):
    """mkrootfs's closures of the --list-program-deps SPECS: (entries,
    {spec: why} for each program it cannot place). A failing batch is
    halved until the programs that fail are alone."""
    args = [w for spec in specs for w in ("--list-program-deps", spec)]
    r = packer.run(["-q"] + args, "--share-libs")
    if r.returncode == 0:
        return [tuple(line.split("\t")) for line in r.stdout.splitlines()], {}
    if r.returncode < 0:
        raise packer.refuse(r, "--share-libs", "mkrootfs was killed")
    if len(specs) == 1:
        why = re.sub(r"^mkrootfs: error: --list-program-deps (.*?):/\S*: ", r"\1: ", r.stderr.strip())
        return [], {specs[0]: why.splitlines()[0] if why else f"mkrootfs exited {r.returncode}"}
    half = len(specs) // 2
    entries, failed = list_specs(specs[:half])
    more, failed_more = list_specs(specs[half:])
    return entries + more, {**failed, **failed_more}


def list_share_programs(shares):
    """mkrootfs's closure of every dynamic program of every share, at its
    guest path: [(kind, host or link target, guest path)], the
    interpreters of the programs placed, and why each program left out
    could not be placed (its loader or a library not found, another
    machine's program): {host path: why}."""
    specs, interps = {}, {}
    for host, guest, _ in shares:
        for path, rel in dynamic_programs(host):
            spec = f"{os.path.abspath(path)}:{guest}/{rel}"
            specs[spec] = path
            interps[spec] = elf_interpreter(path)
    entries, failed = [], {}
    order = list(specs)
    for at in range(0, len(order), LIST_BATCH):
        more, failed_more = list_specs(order[at:at + LIST_BATCH])
        entries += more
        failed.update(failed_more)
    placed = {interps[spec] for spec in order if spec not in failed}
    return entries, placed, {specs[spec]: why for spec, why in failed.items()}


def share_libs_stage(shares, entries, tmp):
    """What goes on the libraries' disk: mkrootfs --add arguments, one per
    file or link outside the shares (a program and what its $ORIGIN finds
    are in its share already), each once, and the bytes they take."""
    inside = tuple(guest.rstrip("/") + "/" for _, guest, _ in shares)
    links = os.path.join(tmp, "libs-links")
    os.makedirs(links, exist_ok=True)
    adds, seen, size = [], set(), 0
    for kind, first, where in entries:
        if where.startswith(inside) or where in seen:
            continue
        seen.add(where)
        if kind == "link":
            first, target = os.path.join(links, str(len(adds))), first
            os.symlink(target, first)
        else:
            size += os.path.getsize(first)
        adds += ["--add", f"{first}:{where}"]
    return adds, seen, size


def share_libs_prologue(interps, entries, paths):
    """The guest shell's code before the command (after GRAFT): each
    loader grafted at its path, LD_LIBRARY_PATH naming the disk's library
    directories."""
    lines = []
    for n, interp in enumerate(sorted(interps)):
        at = loader_on_disk(interp, entries)
        lines.append(shell_quote(["graft", "--share-libs", str(n), os.path.dirname(interp), "=", "",
                                  os.path.basename(interp), SHARE_LIBS_DIR + at]))
    dirs = library_dirs(SHARE_LIBS_DIR, sorted(paths))
    lines.append(f"export LD_LIBRARY_PATH={shell_quote([':'.join(dirs)])}"
                 "${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")
    return "\n".join(lines) + "\n"


def prepare_share_libs(o, tmp):
    """--share-libs: the loaders and libraries of the shares' dynamic
    programs, at their host paths on a disk mounted at SHARE_LIBS_DIR, and
    the guest shell's prologue that makes them found. A program whose
    loader or libraries cannot be placed is named in one line and left
    as it is (in the guest it fails to start, with the loader's reason);
    the others run. None when no dynamic program can be placed. Returns
    ShareLibs."""
    entries, interps, failed = list_share_programs(o.shares)
    for _, why in sorted(failed.items()):
        say(f"--share-libs: {why} (left out: it cannot start in the guest)")
    if not entries:
        return None
    adds, paths, size = share_libs_stage(o.shares, entries, tmp)
    disk, disk_uuid = os.path.join(tmp, "libs.img"), str(uuid.uuid4())
    mb = ((size * 2 + (32 << 20)) >> 20) + 1
    # --arch: a library for another machine than the guest's is refused.
    packer.mkrootfs(["--bare", "--arch", o.arch, "-t", "ext4", "-s", f"{mb}M", "--uuid", disk_uuid, "-o", disk]
                    + adds, "--share-libs", disk)
    return ShareLibs(disk, disk_uuid, share_libs_prologue(interps, entries, paths))


def shares_have_programs(shares):
    """Whether --share-libs will bring a disk (--print shows its place)."""
    return any(dynamic_programs(host) for host, _, _ in shares)
