# kernel-source.sh: the cache, and Debian's kernel source of one release,
# its tarball extracted once into the cache. Sourced by
# qemu/kernel/build-kernel and qemu/kselftest/build-kselftest (and any script
# that needs the tree: see debian_source_tree), which define die and step.
#
# The release is DEBIAN (the environment; default 12), as `make ... DEBIAN=13`
# passes it:
#   12  linux-source-6.1, installed (its tarball is /usr/src/linux-source-6.1.tar.xz)
#   13  linux-source-6.12 of Debian 13, downloaded into the cache by
#       scripts/debian-package (never installed); its tarball is read from the .deb
# Sets debian_release and debian_pkg, or fails naming the known releases.
# A message that suggests a tree of one's own names the caller's variable
# for it: tree_variable (default KSRC).
# shellcheck shell=bash # sourced by bash scripts

debian_release=${DEBIAN:-12}
case $debian_release in
12) debian_pkg=linux-source-6.1 ;;
13) debian_pkg=linux-source-6.12 ;;
*) die "DEBIAN=$debian_release: unknown Debian release (known: 12 for linux-source-6.1, 13 for linux-source-6.12)" ;;
esac

minroot_cache_dir() {
	echo "${MINROOT_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/minroot}"
}

# The host packages the source needs: Debian 12's is installed, Debian 13's
# only downloaded (dpkg-deb unpacks it).
debian_source_deps() {
	if [ "$debian_release" = 12 ]; then echo "$debian_pkg"; else echo "dpkg xz-utils"; fi
}

# debian_package ARGS...: the shared helper that fetches Debian packages.
debian_package() {
	"$(dirname "${BASH_SOURCE[0]:-$0}")/../../scripts/debian-package" -r "$debian_release" -a amd64 "$@"
}

# Prints the source package's version, e.g. 6.1.192-3 (12: the installed
# one; 13: the one Debian 13 has, its lists fetched into the cache first).
debian_source_version() {
	if [ "$debian_release" = 12 ]; then
		dpkg-query -W -f='${Version}' "$debian_pkg" 2>/dev/null ||
			die "$debian_pkg is not installed (or set ${tree_variable:-KSRC}=/path/to/linux)"
	else
		debian_package version "$debian_pkg" || die "cannot tell the version of Debian $debian_release's $debian_pkg"
	fi
}

# lock_cache DIR: creates DIR and waits for its lock (held on fd 9 until the
# script ends), so that two builds never work in DIR at once.
lock_cache() {
	mkdir -p "$1" || die "cannot create the cache directory $1"
	exec 9>"$1/lock"
	flock -n 9 || { step "waiting for another build in $1 to finish"; flock 9; }
}

# extract_source_into DIR VERSION [PATTERN...]: the release's tarball
# unpacked in DIR (as DIR/$debian_pkg), or only its members that match a
# PATTERN (tar's wildcards). Debian 12's tarball is the installed one;
# Debian 13's is read from its .deb, downloaded into the cache once (keyed
# by package and version), through a pipe: never written out whole.
extract_source_into() {
	local dir=$1 version=$2 tarball=/usr/src/$debian_pkg.tar.xz deb
	shift 2
	local only=()
	[ $# -eq 0 ] || only=(--wildcards "$@")
	if [ "$debian_release" = 12 ]; then
		[ -r "$tarball" ] || die "$tarball: not found (install $debian_pkg, or set ${tree_variable:-KSRC}=/path/to/linux)"
		step "extracting ${only:+some files of }$tarball (takes some seconds)"
		tar -xJf "$tarball" -C "$dir" "${only[@]}" || die "extracting $tarball failed"
		return
	fi
	deb=$(debian_package download "$debian_pkg=$version") ||
		die "cannot download $debian_pkg $version of Debian $debian_release"
	step "extracting ${only:+some files of }.$tarball from $deb (takes some seconds)"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO ".$tarball" | tar -xJ -C "$dir" "${only[@]}" ||
		die "extracting .$tarball of $deb failed"
}

# debian_source_tree DIR VERSION: prints the kernel tree DIR/$debian_pkg-VERSION,
# extracting the release's tarball there once. The caller holds DIR's lock.
debian_source_tree() {
	local parent=$1 version=$2
	local dir=$parent/$debian_pkg-$version
	if [ ! -f "$dir/Makefile" ]; then
		local tmp=$parent/.extract.$$
		# Left by an interrupted run; the lock says no other run is extracting.
		rm -rf "$parent/.extract."* "$dir" && mkdir -p "$tmp"
		(extract_source_into "$tmp" "$version") || { rm -rf "$tmp"; exit 1; }
		mv "$tmp/$debian_pkg" "$dir" && rmdir "$tmp"
	fi
	echo "$dir"
}

# release_build_dir BUILD: where this release's kernel files go in BUILD,
# as make puts them: BUILD itself for 12, BUILD/debian13 for 13.
release_build_dir() {
	if [ "$debian_release" = 12 ]; then echo "$1"; else echo "$1/debian$debian_release"; fi
}
