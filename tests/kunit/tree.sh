#!/bin/bash
# make kunit KERNEL_SRC=DIR on a kernel tree of its own (Debian's
# linux-source-6.1, extracted once into the cache as a user's clean tree):
# built out of tree, the tree left exactly as it was (every file's content,
# name, size, time and mode, before and after), the same counts as the
# cached source gives; and kunit.py run in that tree (its build cached too)
# leaves it alone as well. Two more kernel builds from nothing: make soak.
. "$(dirname "$0")/../lib/report.sh"
BUILD=${BUILD:-build}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
cd "$TOP" || exit 1
export RUN_FLAGS='--accel tcg'
cache=${MINROOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/minroot}
version=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null)
[ -n "$version" ] || { fail "linux-source-6.1 is installed (make deps)"; finish; }
tree=$cache/kunit/tree-linux-source-6.1-$version

# has WHAT FILE LINE: FILE holds exactly this LINE.
has() {
	if tr -d '\r' <"$2" | grep -qxF -- "$3"; then ok "$1"; else fail "$1: no line '$3'"; evidence "$2"; fi
}

# fingerprint DIR: one hash of every file's content, and of every entry's
# name, type, size, time and mode.
fingerprint() {
	(cd "$1" && { find . -printf '%p %y %s %T@ %m\n' | LC_ALL=C sort
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum; } | sha256sum | cut -c1-16)
}

if [ ! -f "$tree/Makefile" ]; then
	echo "# extracting the tree once: $tree"
	# shellcheck disable=SC2015 # fail if any step fails
	rm -rf "$tree.tmp" && mkdir -p "$tree.tmp" &&
		tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$tree.tmp" &&
		rm -rf "$tree" && mv "$tree.tmp/linux-source-6.1" "$tree" && rmdir "$tree.tmp" ||
		{ fail "extracting /usr/src/linux-source-6.1.tar.xz into $tree"; finish; }
fi

echo "# a tree with its own .config is refused before anything is built"
cp "$tree/arch/x86/configs/x86_64_defconfig" "$tree/.config"
make -s kunit BUILD="$BUILD" KERNEL_SRC="$tree" RESULTS="$T/res2" >"$T/dirty.out" 2>&1
rc=$?
rm -f "$tree/.config"
if [ $rc = 2 ] && grep -qx "kunit: error: KERNEL_SRC=$tree: the tree has its own .config; out-of-tree builds need a clean tree ('make mrproper' there)" "$T/dirty.out" && [ ! -e "$T/res2" ]; then
	ok "a tree with a .config: exit 2, one line, nothing written"
else
	fail "a tree with a .config: exit $rc, want 2 and the line"; evidence "$T/dirty.out"
fi

echo "# make kunit KERNEL_SRC=$tree"
before=$(fingerprint "$tree")
make -s kunit BUILD="$BUILD" KERNEL_SRC="$tree" RESULTS="$T/res" >"$T/ksrc.out" 2>&1
expect_eq "make kunit KERNEL_SRC=DIR exits 0" 0 $?
has "the same tests as from the cached source" "$T/ksrc.out" \
	"run-qemu: kunit: 9 suites, 63 tests: 61 ok, 0 not ok, 2 skip: PASS"
check "built out of tree, in the cache" grep -q "^build-kernel: kernel tree $tree (version .*), build directory $cache/kernel/ksrc/" "$T/ksrc.out"
expect_eq "the tree is exactly as it was (content, names, sizes, times, modes)" "$before" "$(fingerprint "$tree")"

echo "# kunit.py in the same tree"
KERNEL_SRC=$tree qemu/kunit/kunitpy >"$T/kunitpy.out" 2>&1
expect_eq "kunit.py exits 0" 0 $?
has "kunit.py counts the same" "$T/kunitpy.out" "kunitpy: kunit.py: 63 tests: 61 passed, 0 failed, 2 skipped, 0 crashed"
expect_eq "kunit.py left the tree exactly as it was" "$before" "$(fingerprint "$tree")"

finish
