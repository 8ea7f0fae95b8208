"""hosttools.py (--host-tools) and the tolerant --share-libs listing of
programs.py: the Debian closure, where each host file goes on the /usr
disk, the links rewritten for the guest, alternatives, the disk's key, the
mkrootfs list, and a failing program isolated from the others; no dpkg,
no mkrootfs, no QEMU."""
import types

import pytest

from runqemu import hosttools as ht
from runqemu import programs
from runqemu.options import check_host_tools, fill_defaults, parse_options
from runqemu.status import Usage

# dpkg-query's QUERY_FORMAT lines: a made-up system.
INSTALLED = "\n".join("\t".join(f) for f in [
    ("libc6", "amd64", "2.36-9", "ii ", "", "", "", "libgcc-s1"),
    ("libc6", "arm64", "2.36-9", "ii ", "", "", "", ""),                  # another architecture
    ("libgcc-s1", "amd64", "12.2", "ii ", "", "", "libc6 (>= 2.35)", ""),
    ("dash", "amd64", "0.5.12", "ii ", "yes", "", "libc6 (>= 2.34)", ""),   # Essential
    ("python3", "amd64", "3.11.2", "ii ", "", "", "", "python3.11 (>= 3.11.2-1~), libpython3-stdlib (= 3.11.2-1+b1)"),
    ("python3.11", "amd64", "3.11.2", "ii ", "", "", "", "libexpat1 | libexpat1-udeb, media-types | mime-support"),
    ("libexpat1", "amd64", "2.5.0", "ii ", "", "", "", "libc6:any (>= 2.25)"),
    ("mailcap", "all", "3.70", "ii ", "", "mime-support", "", ""),       # provides a virtual package
    ("libpython3-stdlib", "amd64", "3.11.2", "rc ", "", "", "", ""),      # removed, config left
    ("iproute2", "amd64", "6.1.0", "ii ", "", "", "", "libbpf1 (>= 1:0.6.0) [linux-any]"),  # libbpf1 missing
])


def test_package_names():
    assert ht.package_names(["bash,python3", "perl bash"]) == ["bash", "python3", "perl"]
    for bad in (["Bash"], ["../x"], [""], [","]):
        with pytest.raises(Usage):
            ht.package_names(bad)


def test_dependency_names_drop_versions_and_qualifiers():
    assert ht.dependency_names("libc6:any (>= 2.25), a | b [amd64], c <!nocheck>") == [["libc6"], ["a", "b"], ["c"]]


def test_installed_packages_of_this_architecture():
    installed, provides = ht.parse_installed(INSTALLED, "amd64")
    assert sorted(installed) == ["dash", "iproute2", "libc6", "libexpat1", "libgcc-s1", "mailcap", "python3",
                                 "python3.11"]
    assert installed["python3.11"].depends == [["libexpat1", "libexpat1-udeb"], ["media-types", "mime-support"]]
    assert installed["dash"].essential and provides == {"mime-support": ["mailcap"]}


def test_closure_follows_depends_alternatives_provides_and_essential():
    installed, provides = ht.parse_installed(INSTALLED, "amd64")
    assert ht.closure(installed, provides, ["python3"]) == [
        "dash", "libc6", "libexpat1", "libgcc-s1", "mailcap", "python3", "python3.11"]
    # A dependency nothing installed satisfies is left out, not an error.
    assert "iproute2" in ht.closure(installed, provides, ["iproute2"])
    with pytest.raises(Usage, match=r"the package 'perl' is not installed on the host \(apt-get install perl\)"):
        ht.closure(installed, provides, ["perl"])


@pytest.mark.parametrize("path, image", [
    ("/bin/bash", "/bin/bash"), ("/usr/bin/bash", "/bin/bash"), ("/lib64/ld-linux-x86-64.so.2",
                                                                  "/lib64/ld-linux-x86-64.so.2"),
    ("/usr/lib/python3.11/os.py", "/lib/python3.11/os.py"), ("/etc/bash.bashrc", "/etc/bash.bashrc"),
    ("/etc/alternatives/awk", None), ("/var/lib/x", None),
    ("/usr/share/doc/bash/README", None), ("/usr/share/man/man1/bash.1.gz", None), ("/bin", None),
    ("/usr", None), ("/usr/share/perl5/x.pm", "/share/perl5/x.pm")])
def test_image_path(path, image):
    assert ht.image_path(path) == image


@pytest.mark.parametrize("target, resolved, kept", [
    ("python3.11", None, "python3.11"),                                 # relative: as it is
    ("/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so.1.2",
     "/usr/lib/x86_64-linux-gnu/libz.so.1"),                            # into a merged directory
    ("/etc/alternatives/awk", "/usr/bin/mawk", "/usr/bin/mawk"),        # through an alternative
    ("/etc/foo.conf", "/etc/foo.conf", None), ("/etc/alternatives/gone", None, None)])
def test_links_are_rewritten_for_the_guest(target, resolved, kept):
    e = ht.link_entry("/usr/bin/x", "/bin/x", target, resolved)
    assert (e.target if e else None) == kept


def test_a_relative_link_in_etc_is_made_absolute():
    """On the disk, /etc is /usr/etc: one level deeper than on the host."""
    e = ht.link_entry("/etc/ssl/certs/x.pem", "/etc/ssl/certs/x.pem", "../private/x.pem", None)
    assert e.target == "/usr/etc/ssl/private/x.pem"
    e = ht.link_entry("/etc/os-release", "/etc/os-release", "../usr/lib/os-release", "/usr/lib/os-release")
    assert e.target == "/usr/lib/os-release"


def test_collect(tmp_path, monkeypatch):
    (tmp_path / "f").write_text("data")
    (tmp_path / "secret").write_text("x")
    (tmp_path / "secret").chmod(0)
    (tmp_path / "l").symlink_to("/etc/hostname")
    monkeypatch.setattr(ht, "image_path", lambda p: "/x" + p if p.startswith(str(tmp_path)) else None)
    monkeypatch.setattr(ht.os, "access", lambda p, mode: not p.endswith("secret"))
    entries, skipped = ht.collect([str(tmp_path / n) for n in ("f", "f", "secret", "l", "gone")] + ["/etc/x"])
    assert [(e.kind, e.image) for e in entries] == [("file", f"/x{tmp_path}/f")]
    assert skipped == {"unreadable": 1, "gone": 1, "outside /usr": 1}


def test_alternatives():
    text = "auto\n/usr/bin/awk\nawk.1.gz\n/usr/share/man/man1/awk.1.gz\nnawk\n/usr/bin/nawk\n\n/usr/bin/mawk\n5\n"
    assert ht.alternative_links("awk", text) == [("/usr/bin/awk", "awk"), ("/usr/share/man/man1/awk.1.gz",
                                                                             "awk.1.gz"), ("/usr/bin/nawk", "nawk")]
    places = {"/bin/mawk"}
    got = ht.alternative_entries([("/usr/bin/awk", "/usr/bin/mawk"), ("/usr/bin/nc", "/bin/nc.openbsd")], places)
    assert got == [ht.Entry("link", "/usr/bin/awk", "/bin/awk", "/usr/bin/mawk")] and "/bin/awk" in places


def test_the_key_changes_with_what_the_disk_holds():
    a = [ht.Entry("file", "/usr/bin/x", "/bin/x", "10 1")]
    assert ht.disk_key(a) == ht.disk_key(list(a))
    assert ht.disk_key(a) != ht.disk_key([ht.Entry("file", "/usr/bin/x", "/bin/x", "10 2")])


def test_add_list_makes_links_in_a_directory_of_its_own(tmp_path):
    entries = [ht.Entry("file", "/usr/bin/x", "/bin/x", "1 1"), ht.Entry("link", "/usr/bin/y", "/bin/y", "x")]
    text = ht.add_list(entries, str(tmp_path))
    assert text == f"/usr/bin/x:/bin/x\n{tmp_path}/1:/bin/y\n"
    assert (tmp_path / "1").readlink().as_posix() == "x"


def test_host_tools_options():
    o = parse_options(["--host-tools", "bash", "--host-tools=perl,python3", "--", "true"])
    fill_defaults(o, {})
    check_host_tools(o)
    assert o.host_tools == ["bash", "perl,python3"]
    for argv, why in ((["--host-tools", "bash"], "prepares a command's run"),
                      (["--arch", "aarch64", "--host-tools", "bash", "--", "true"], "guests only")):
        o = parse_options(argv)
        fill_defaults(o, {})
        with pytest.raises(Usage, match=why):
            check_host_tools(o)


def test_a_program_that_cannot_be_placed_is_isolated(monkeypatch):
    """A batch that fails is halved until the failing programs are alone;
    the others' closures are kept."""
    calls = []

    def run(args, what):
        specs = args[2::2]
        calls.append(len(specs))
        bad = [s for s in specs if "bad" in s]
        if bad:
            return types.SimpleNamespace(returncode=1, stdout="", stderr=(
                f"mkrootfs: error: --list-program-deps {bad[0]}: library libx.so.1 (needed by p) not found"))
        return types.SimpleNamespace(returncode=0, stderr="",
                                     stdout="".join(f"file\t/lib/{s[3:4]}.so\t/lib/{s[3:4]}.so\n" for s in specs))
    monkeypatch.setattr(programs.packer, "run", run)
    specs = ["/t/a:/g/a", "/t/bad1:/g/bad1", "/t/c:/g/c", "/t/d:/g/d", "/t/bad2:/g/bad2"]
    entries, failed = programs.list_specs(specs)
    assert sorted(e[1] for e in entries) == ["/lib/a.so", "/lib/c.so", "/lib/d.so"]
    assert failed == {"/t/bad1:/g/bad1": "/t/bad1: library libx.so.1 (needed by p) not found",
                      "/t/bad2:/g/bad2": "/t/bad2: library libx.so.1 (needed by p) not found"}
    assert calls[0] == 5 and len(calls) < 2 * len(specs)
