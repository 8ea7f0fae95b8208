# kunit-source.sh: where qemu/kunit/kunit and qemu/kunit/kunitpy read the
# kunitconfigs and Kconfig files from. Sourced after
# qemu/kernel/kernel-source.sh; the caller defines die, bad_input and step.
# shellcheck shell=bash # sourced by bash scripts

# Their own tree is KERNEL_SRC (kernel-source.sh's messages name it).
# shellcheck disable=SC2034 # read by kernel-source.sh's messages
tree_variable=KERNEL_SRC

# check_kernel_src: KERNEL_SRC, when set, names a kernel tree (made
# absolute); bad input otherwise.
check_kernel_src() {
	[ -n "${KERNEL_SRC:-}" ] || return 0
	local dir
	dir=$(cd "$KERNEL_SRC" 2>/dev/null && pwd) || bad_input "KERNEL_SRC=$KERNEL_SRC: no such directory"
	# shellcheck disable=SC2015 # both files must be there
	[ -f "$dir/Makefile" ] && [ -f "$dir/arch/x86/Kconfig" ] ||
		bad_input "KERNEL_SRC=$KERNEL_SRC: not a Linux source tree (no Makefile or arch/x86/Kconfig)"
	[ ! -e "$dir/.config" ] ||
		bad_input "KERNEL_SRC=$KERNEL_SRC: the tree has its own .config; out-of-tree builds need a clean tree ('make mrproper' there)"
	KERNEL_SRC=$dir
}

# kunit_tree: prints the tree the kunitconfigs and Kconfig files are read
# from: KERNEL_SRC, or, for Debian's source of the release (DEBIAN), an
# index of it in the cache, keyed by package and version (its .kunitconfig
# files, tools/testing/kunit/configs and every Kconfig file: about 20 MB,
# extracted once from the release's tarball by extract_source_into). The
# index needs no lock: build-kernel removes the extracted tree after each
# build it makes, and waiting for another build (minutes) only to read a
# kunitconfig, or to refuse one, would be absurd.
kunit_tree() {
	if [ -n "${KERNEL_SRC:-}" ]; then
		echo "$KERNEL_SRC"
		return
	fi
	local version index tmp
	version=$(debian_source_version) || exit 1
	# shellcheck disable=SC2154 # debian_pkg: set by kernel-source.sh, sourced first
	index=$(minroot_cache_dir)/kunit/$debian_pkg-$version-index
	if [ ! -d "$index" ]; then
		step "indexing the kunitconfigs and Kconfig files of $debian_pkg $version (once)"
		tmp=$index.tmp.$$
		# shellcheck disable=SC2015 # die if either fails
		rm -rf "$tmp" && mkdir -p "$tmp" || die "cannot create $tmp"
		(extract_source_into "$tmp" "$version" '*/.kunitconfig' '*/Kconfig*' \
			"$debian_pkg/tools/testing/kunit/configs/*") || { rm -rf "$tmp"; exit 1; }
		# Another run may have made it meanwhile: theirs is as good.
		mv -T "$tmp/$debian_pkg" "$index" 2>/dev/null || [ -d "$index" ] || die "cannot write $index"
		rm -rf "$tmp"
	fi
	echo "$index"
}
