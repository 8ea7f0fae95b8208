# kernel-source.sh: the cache, and Debian's linux-source-6.1 tarball extracted
# once into it. Sourced by qemu/kernel/build-kernel and qemu/kselftest/build-kselftest, which
# define die and step.

debian_pkg=linux-source-6.1
tarball=/usr/src/$debian_pkg.tar.xz

minroot_cache_dir() {
	echo "${MINROOT_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/minroot}"
}

# Prints the installed package's version, e.g. 6.1.192-3.
debian_source_version() {
	dpkg-query -W -f='${Version}' "$debian_pkg" 2>/dev/null ||
		die "$debian_pkg is not installed (or set KSRC=/path/to/linux)"
}

# lock_cache DIR: creates DIR and waits for its lock (held on fd 9 until the
# script ends), so that two builds never work in DIR at once.
lock_cache() {
	mkdir -p "$1" || die "cannot create the cache directory $1"
	exec 9>"$1/lock"
	flock -n 9 || { step "waiting for another build in $1 to finish"; flock 9; }
}

# debian_source_tree DIR VERSION: prints the kernel tree DIR/linux-source-6.1-VERSION,
# extracting Debian's tarball there once. The caller holds DIR's lock.
debian_source_tree() {
	local parent=$1 version=$2
	local dir=$parent/$debian_pkg-$version
	if [ ! -f "$dir/Makefile" ]; then
		[ -r "$tarball" ] || die "$tarball: not found (install $debian_pkg, or set KSRC=/path/to/linux)"
		step "extracting $tarball (takes some seconds)"
		local tmp=$parent/.extract.$$
		# Left by an interrupted run; the lock says no other run is extracting.
		rm -rf "$parent/.extract."* "$dir" && mkdir -p "$tmp"
		tar -xJf "$tarball" -C "$tmp" || { rm -rf "$tmp"; die "extracting $tarball failed"; }
		mv "$tmp/$debian_pkg" "$dir" && rmdir "$tmp"
	fi
	echo "$dir"
}
