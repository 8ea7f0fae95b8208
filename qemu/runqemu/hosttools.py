"""--host-tools PKG,...: the host's programs in the guest, for this run.
The files under /usr of the named Debian packages installed on the host,
of every package they depend on and of the Essential ones (what Debian's
scripts may call without saying so) go on an ext4 disk, made once and
cached by what it holds, that init mounts read-only over the guest's /usr;
the guest shell's prologue then puts the host's loader at /lib64, makes
/bin and /sbin the host's /usr/bin and /usr/sbin with the root's own
commands the host lacks, adds the packages' /etc files the root lacks to
its /etc, and puts /usr first in PATH. The root's own /usr is hidden for
the run; the image is not changed."""
import hashlib
import os
import re
import stat
import subprocess
import uuid
from collections import namedtuple

from . import mkrootfs as packer
from .cache import cache_dir, prune_cache, used_again
from .status import ToolFailure, Usage, say

# Bump when what the disk holds for the same files changes.
RECIPE = 1
# Disks kept in the cache: each list of packages makes its own.
HOST_TOOLS_KEEP = 4
# The host's top directories that usrmerge made links into /usr: a file
# dpkg lists there is the one under /usr.
MERGED = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# Documentation and translations: no test reads them, and they are a
# third of most packages.
LEFT_OUT = ("/share/doc/", "/share/man/", "/share/info/", "/share/locale/", "/share/lintian/",
            "/share/bug/", "/share/doc-base/")
PACKAGE_RE = re.compile(r"[a-z0-9][a-z0-9+.-]+")
QUERY_FORMAT = ("${Package}\t${Architecture}\t${Version}\t${db:Status-Abbrev}\t${Essential}\t"
                "${Provides}\t${Pre-Depends}\t${Depends}\n")

# An installed package: its version, whether it is Essential, and its
# dependencies: a list of clauses, each a list of alternative names.
Package = namedtuple("Package", "version essential depends")
# What goes on the disk: a file, or a link and its target, at its place
# under /usr (the disk's root is the guest's /usr).
Entry = namedtuple("Entry", "kind host image target")
HostTools = namedtuple("HostTools", "disk uuid prologue")


def package_names(values):
    """The packages of --host-tools values (comma- or space-separated),
    each once, in order; Usage for a word that is no package name."""
    names = []
    for value in values:
        for word in value.replace(",", " ").split():
            if not PACKAGE_RE.fullmatch(word):
                raise Usage(f"--host-tools: '{word}' is not a Debian package name")
            if word not in names:
                names.append(word)
    if not names:
        raise Usage("--host-tools needs package names (e.g. bash,python3)")
    return names


def dependency_names(field):
    """A Depends field as clauses of alternative names, without versions
    and architecture qualifiers."""
    clauses = []
    for clause in field.split(","):
        names = [re.sub(r"\(.*?\)|\[.*?\]|<.*?>", "", alt).strip().split(":")[0] for alt in clause.split("|")]
        names = [n for n in names if n]
        if names:
            clauses.append(names)
    return clauses


def parse_installed(text, arch):
    """dpkg-query's QUERY_FORMAT lines: ({name: Package} of the installed
    packages of ARCH or "all", {virtual name: [providers]})."""
    installed, provides = {}, {}
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) != 8:
            continue
        name, pkg_arch, version, status, essential, prov, pre, dep = fields
        if not status.startswith("ii") or pkg_arch not in (arch, "all"):
            continue
        installed[name] = Package(version, essential == "yes", dependency_names(pre + "," + dep))
        for virtual in dependency_names(prov):
            provides.setdefault(virtual[0], []).append(name)
    return installed, provides


def closure(installed, provides, wanted):
    """The named packages, the Essential ones and all they depend on,
    sorted. A named package that is not installed: Usage. A dependency
    none of whose alternatives is installed is left out (dpkg allows it
    only for a broken system; the files present are still packed)."""
    def resolve(name):
        if name in installed:
            return name
        return next((p for p in sorted(provides.get(name, [])) if p in installed), None)
    todo = []
    for name in wanted:
        found = resolve(name)
        if found is None:
            raise Usage(f"--host-tools: the package '{name}' is not installed on the host "
                        f"(apt-get install {name})")
        todo.append(found)
    todo += [name for name, p in installed.items() if p.essential]
    seen = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for clause in installed[name].depends:
            found = next((r for r in map(resolve, clause) if r), None)
            if found:
                todo.append(found)
    return sorted(seen)


def image_path(path):
    """Where a path dpkg lists goes on the disk (whose root is the guest's
    /usr): /usr/bin/x and /bin/x both at /bin/x; a package's /etc/x at
    /etc/x (the guest's /usr/etc, grafted into its /etc); None for what
    is elsewhere (/var), made by update-alternatives, or left out
    (documentation)."""
    if path in MERGED:
        return None     # usrmerge's link itself (dpkg lists the directory)
    if path.startswith("/etc/"):
        return None if path.startswith("/etc/alternatives/") else path
    path = usr_path(path)
    if not path.startswith("/usr/"):
        return None
    inside = path[len("/usr"):]
    if any(inside.startswith(d) for d in LEFT_OUT):
        return None
    return inside


def usr_path(path):
    """A host path as the guest sees it: under a merged directory, the
    one under /usr."""
    for top in MERGED:
        if path == top or path.startswith(top + "/"):
            return "/usr" + path
    return path


def link_entry(host, image, target, resolved):
    """The Entry of a link HOST whose text is TARGET and whose final file
    is RESOLVED (None: dangling): kept when it stays under /usr
    (relative, or absolute into /usr or a merged directory, rewritten);
    one through /etc/alternatives, or any other out of /usr, points at
    RESOLVED when that is under /usr; else None. A relative link in /etc
    is made absolute: on the disk /etc is one level deeper."""
    if not target.startswith("/") and host.startswith("/etc/"):
        target = os.path.normpath(os.path.join(os.path.dirname(host), target))
        if target.startswith("/etc/"):
            return Entry("link", host, image, "/usr" + target)
    if not target.startswith("/"):
        return Entry("link", host, image, target)
    if usr_path(target).startswith("/usr/"):
        return Entry("link", host, image, usr_path(target))
    if resolved and usr_path(resolved).startswith("/usr/"):
        return Entry("link", host, image, usr_path(resolved))
    return None


def collect(paths):
    """The Entry of each path dpkg listed, once per place, and how many
    were left out because they were unreadable, gone, or a link out of
    /usr. Directories are made as the files' parents."""
    entries, places = [], set()
    skipped = {"unreadable": 0, "gone": 0, "outside /usr": 0}
    for path in sorted(set(paths)):
        image = image_path(path)
        if image is None or image in places or ":/" in path or "\n" in path:
            continue
        try:
            st = os.lstat(path)
        except OSError:
            skipped["gone"] += 1
            continue
        entry = None
        if stat.S_ISLNK(st.st_mode):
            real = os.path.realpath(path)
            entry = link_entry(path, image, os.readlink(path), real if os.path.exists(real) else None)
            if entry is None:
                skipped["outside /usr"] += 1
        elif stat.S_ISREG(st.st_mode):
            if os.access(path, os.R_OK):
                entry = Entry("file", path, image, f"{st.st_size} {st.st_mtime_ns}")
            else:
                skipped["unreadable"] += 1
        if entry:
            entries.append(entry)
            places.add(image)
    return entries, skipped


def alternative_links(name, text):
    """The links one alternative (/var/lib/dpkg/alternatives/NAME) makes:
    [(link path, name in /etc/alternatives)], its master's and slaves'."""
    lines = text.split("\n")
    if len(lines) < 2 or not lines[1].startswith("/"):
        return []
    found = [(lines[1], name)]
    for at in range(2, len(lines) - 1, 2):
        if not lines[at]:
            break
        found.append((lines[at + 1], lines[at]))
    return found


def alternative_entries(alternatives, places):
    """Entries for the links update-alternatives made (no package lists
    them: /usr/bin/awk): [(link path, the file it leads to)], each kept
    when its file is on the disk and its place is free."""
    entries = []
    for link, resolved in alternatives:
        image, target = image_path(link), image_path(resolved)
        if image and target in places and image not in places:
            entries.append(Entry("link", link, image, "/usr" + target))
            places.add(image)
    return entries


def host_alternatives(admin="/var/lib/dpkg/alternatives", links="/etc/alternatives"):
    """[(link path, the file it leads to)] of the host's alternatives."""
    found = []
    try:
        names = sorted(os.listdir(admin))
    except OSError:
        return found
    for name in names:
        try:
            with open(os.path.join(admin, name), encoding="utf-8", errors="surrogateescape") as f:
                pairs = alternative_links(name, f.read())
        except OSError:
            continue
        found += [(link, os.path.realpath(os.path.join(links, alt))) for link, alt in pairs]
    return found


def disk_key(entries):
    """The digest naming the disk: every entry's place and what it holds."""
    h = hashlib.sha256(f"recipe {RECIPE}\n".encode())
    for e in entries:
        h.update(f"{e.kind}\t{e.image}\t{e.target}\n".encode())
    return h.hexdigest()[:32]


def add_list(entries, links_dir):
    """mkrootfs --add-list lines: a file from the host, a link from a link
    made in LINKS_DIR (its target rewritten for the guest)."""
    lines = []
    for n, e in enumerate(entries):
        src = e.host
        if e.kind == "link":
            src = os.path.join(links_dir, str(n))
            os.symlink(e.target, src)
        lines.append(f"{src}:{e.image}\n")
    return "".join(lines)


def run_dpkg_query(args):
    try:
        r = subprocess.run(["dpkg-query"] + args, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    except OSError as e:
        raise Usage(f"--host-tools needs dpkg-query (a Debian host): {e.strerror}")
    if r.returncode not in (0, 1):
        raise ToolFailure(f"--host-tools: dpkg-query {args[0]} failed: {r.stderr.strip()}")
    return r.stdout


def host_architecture():
    try:
        return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as e:
        raise Usage(f"--host-tools needs dpkg (a Debian host): {getattr(e, 'strerror', None) or e}")


def host_entries(names):
    """The entries of the named packages' closure, and what was skipped."""
    installed, provides = parse_installed(run_dpkg_query(["-W", "-f=" + QUERY_FORMAT]), host_architecture())
    packages = closure(installed, provides, names)
    entries, skipped = collect(run_dpkg_query(["-L"] + packages).splitlines())
    entries += alternative_entries(host_alternatives(), {e.image for e in entries})
    return sorted(entries, key=lambda e: e.image), skipped


def pack(entries, disk, disk_uuid, tmp):
    """The disk of ENTRIES at DISK (mkrootfs writes it under a temporary
    name and renames it)."""
    links = os.path.join(tmp, "host-tools-links")
    os.makedirs(links, exist_ok=True)
    listing = os.path.join(tmp, "host-tools.list")
    with open(listing, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write(add_list(entries, links))
    size = sum(int(e.target.split()[0]) for e in entries if e.kind == "file")
    mb = ((size * 5 // 4 + len(entries) * 4096 + (64 << 20)) >> 20) + 1
    packer.mkrootfs(["--bare", "-t", "ext4", "-s", f"{mb}M", "--uuid", disk_uuid, "--add-list", listing,
                     "-o", disk], "--host-tools", disk)


def host_tools_disk(names, tmp, print_only=False):
    """The cached disk for the packages NAMES: (path, UUID). Made when
    missing, unless PRINT_ONLY."""
    entries, skipped = host_entries(names)
    key = disk_key(entries)
    cache = os.path.join(cache_dir(), "host-tools")
    disk = os.path.join(cache, f"usr-{key}.img")
    disk_uuid = str(uuid.UUID(hex=key))
    if print_only or used_again(disk):
        return disk, disk_uuid
    left = ", ".join(f"{n} {why}" for why, n in skipped.items() if n)
    say(f"--host-tools: packing {len(entries)} files of the host's /usr once"
        + (f" ({left} left out)" if left else ""))
    os.makedirs(cache, exist_ok=True)
    pack(entries, disk, disk_uuid, tmp)
    prune_cache(cache, "usr-", ".img", HOST_TOOLS_KEEP)
    return disk, disk_uuid


# The guest's side, run by sh before the command (see programs.GRAFT):
# the host's loader at /lib64 unless the root has one there already (a
# root whose /lib64 leads into /usr has the host's now); /bin and /sbin
# the host's /usr/bin and /usr/sbin, with the root's own commands the host
# lacks (the host's first: busybox's sh runs its own applets before any
# program of PATH, and tests call /sbin/modprobe by its path); /etc the
# root's own, with the packages' files it lacks (protocols, services,
# iproute2/).
HOST_TOOLS_PROLOGUE = """\
[ -e /lib64/ld-linux-x86-64.so.2 ] ||
	graft --host-tools h0 /lib64 = "" ld-linux-x86-64.so.2 /usr/lib64/ld-linux-x86-64.so.2
[ -L /bin ] || graft --host-tools h1 /bin /usr/bin =
[ -L /sbin ] || graft --host-tools h2 /sbin /usr/sbin =
[ ! -d /usr/etc ] || graft --host-tools h3 /etc = /usr/etc
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
"""


def prepare_host_tools(o, tmp):
    """--host-tools: the disk (cached) and the prologue. Returns HostTools."""
    disk, disk_uuid = host_tools_disk(package_names(o.host_tools), tmp)
    return HostTools(disk, disk_uuid, HOST_TOOLS_PROLOGUE)


def placeholder_host_tools(o):
    """--print: where the disk is or would be."""
    return host_tools_disk(package_names(o.host_tools), None, print_only=True)[0]

