#!/bin/bash
# Debian 13's packages without touching the machine's apt (no VM): a fetch
# into an empty cache by an unprivileged user leaves /etc/apt,
# /var/lib/apt/lists and dpkg's state as they were; the second fetch of
# Debian 13's kernel downloads nothing; make kunit DEBIAN=13's
# configuration comes from linux-source-6.12 (read from its .deb, which the
# first run downloads) and its files go under BUILD/debian13, with no
# kernel built; an unknown release, or a release without the
# architecture, is one line naming the known ones and a non-zero status,
# in the scripts and in make, with nothing written.
. "$(dirname "$0")/../lib/report.sh"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
chmod 755 "$T"
# A copy nobody can run: the clone may be in a directory only root enters
# (mktemp -d makes it 0700).
HELPER=$T/debian-package
cp "$TOP/scripts/debian-package" "$HELPER" && chmod 755 "$HELPER"

# apt_state: what the machine's apt and dpkg hold, file by file (name,
# size, modification time, content digest).
apt_state() {
	find /etc/apt /var/lib/apt/lists /var/lib/dpkg/status /var/lib/dpkg/arch -type f 2>/dev/null |
		sort | while IFS= read -r f; do
			printf '%s %s %s\n' "$f" "$(stat -c '%s %Y' "$f")" "$(sha256sum <"$f" 2>/dev/null | cut -c1-16)"
		done
}

# as_user CMD...: CMD as nobody when the suite runs as root: no root needed.
as_user() {
	if [ "$(id -u)" -eq 0 ]; then setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; else "$@"; fi
}

echo "# a Debian 13 package into an empty cache, as an unprivileged user"
mkdir -p "$T/cache"
[ "$(id -u)" -ne 0 ] || chown 65534:65534 "$T/cache"
apt_state >"$T/before"
as_user env MINROOT_CACHE="$T/cache" HOME="$T" "$HELPER" -r 13 -a riscv64 download busybox-static \
	>"$T/deb" 2>"$T/err"
rc=$?
expect_eq "debian-package -r 13 -a riscv64 download busybox-static: status 0" 0 "$rc"
deb=$(cat "$T/deb")
case $deb in
"$T/cache/debian/trixie-riscv64/debs/busybox-static_"*_riscv64.deb) ok "the .deb is in the cache, named by package and version ($(basename "$deb"))" ;;
*) fail "the .deb is in the cache, named by package and version"; evidence "$T/deb"; evidence "$T/err" ;;
esac
check "... a Debian package for riscv64" sh -c "dpkg-deb -f '$deb' Architecture | grep -qx riscv64"
check "... the lists it read are the cache's own" test -s "$T/cache/debian/trixie-riscv64/lists/deb.debian.org_debian_dists_trixie_InRelease"
apt_state >"$T/after"
if cmp -s "$T/before" "$T/after"; then
	ok "/etc/apt, /var/lib/apt/lists and dpkg's state are unchanged ($(wc -l <"$T/after") files compared)"
else
	fail "/etc/apt, /var/lib/apt/lists and dpkg's state are unchanged"; diff "$T/before" "$T/after" | head -20 | sed 's/^/    | /'
fi
as_user env MINROOT_CACHE="$T/cache" HOME="$T" "$HELPER" -r 13 -a riscv64 download busybox-static \
	>"$T/deb2" 2>"$T/err2"
expect_eq "a second download is the cached .deb, with nothing fetched (status, path, messages)" \
	"0 $deb " "$? $(cat "$T/deb2") $(cat "$T/err2")"

echo "# Debian 13's kernel, the second time"
if [ -s "$B/debian13/vmlinuz" ]; then
	"$TOP/qemu/kernel/fetch-kernel" -r 13 "$T/vmlinuz" >"$T/fetch.out" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && ! grep -qE 'downloading|fetching' "$T/fetch.out" && cmp -s "$T/vmlinuz" "$B/debian13/vmlinuz"; then
		ok "fetch-kernel -r 13: no download, the same kernel ($(tail -n 1 "$T/fetch.out"))"
	else
		fail "fetch-kernel -r 13 from the cache (status $rc)"; evidence "$T/fetch.out"
	fi
	expect_eq "... Debian 13's cloud kernel, 6.12" "6.12" "$(kernel_release "$T/vmlinuz" | cut -d. -f1,2)"
else
	fail "$B/debian13/vmlinuz exists (make kernel DEBIAN=13)"
fi

echo "# make kunit DEBIAN=13, configured only (qemu/kunit/kunit --print-config)"
# A cache of its own, but for the shared .debs: the index of
# linux-source-6.12's kunitconfigs is made again from the .deb each time.
mkdir -p "$T/kcache" && ln -s "${MINROOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/minroot}/debian" "$T/kcache/debian"
MINROOT_CACHE=$T/kcache DEBIAN=13 BUILD="$T/out" "$TOP/qemu/kunit/kunit" --print-config >"$T/k13.config" 2>"$T/k13.err"
expect_eq "DEBIAN=13 kunit --print-config: status 0" 0 $?
index=$T/kcache/kunit/$(sed -n 's|^kunit: source: .*/kunit/\(linux-source-6\.12-[^/]*-index\)$|\1|p' "$T/k13.err")
if [ -f "$index/fs/ext4/.kunitconfig" ] && grep -q "^kunit: extracting some files of \./usr/src/linux-source-6\.12\.tar\.xz from .*/linux-source-6\.12_.*\.deb" "$T/k13.err"; then
	ok "... the kunitconfigs and Kconfig files indexed from Debian 13's linux-source-6.12 .deb ($(basename "$index"))"
else fail "... the kunitconfigs and Kconfig files indexed from Debian 13's linux-source-6.12 .deb"; evidence "$T/k13.err"; fi
n=$(find "$T/kcache/kunit" -name '*.c' | wc -l)
expect_eq "... only those: no C file in the index" 0 "$n"
check "... the kernel in BUILD/debian13/kunit" \
	grep -qx "kunit: kernel: $T/out/debian13/kunit/bzImage (its fragment: $T/out/debian13/kunit/kunit.config)" "$T/k13.err"
check "... the results in BUILD/debian13/results/kunit" grep -qx "kunit: results: $T/out/debian13/results/kunit" "$T/k13.err"
for opt in CONFIG_KUNIT_TEST CONFIG_EXT4_KUNIT_TESTS CONFIG_FAT_KUNIT_TEST; do
	check "... the default kunitconfigs (lib/kunit, fs/ext4, fs/fat) exist on 6.12: $opt=y" grep -qx "$opt=y" "$T/k13.config"
done
check "... nothing written in BUILD" test ! -e "$T/out"
# make -n: the recipe's two lines, joined.
make -s -C "$TOP" -n kunit DEBIAN=13 BUILD="$T/out" 2>&1 | grep -A1 'qemu/kunit/kunit' | paste -sd' ' >"$T/k13.make"
check "make kunit DEBIAN=13: the script gets DEBIAN=13, the results go to BUILD/debian13/results/kunit" \
	grep -q "^DEBIAN=13 BUILD=$T/out .*qemu/kunit/kunit .*--results $T/out/debian13/results/kunit " "$T/k13.make"

# refused WHAT WANT CMD...: CMD fails with one line holding WANT and
# writes nothing in $T/out.
refused() {
	local what=$1 want=$2; shift 2
	rm -rf "$T/out"
	"$@" >"$T/r.out" 2>"$T/r.err"
	local rc=$? lines
	lines=$(grep -vc '^make.*Leaving\|^make.*Entering' "$T/r.err")
	if [ $rc -ne 0 ] && [ "$lines" -eq 1 ] && grep -qF -- "$want" "$T/r.err" && [ ! -e "$T/out" ]; then
		ok "$what: status $rc, one line: $(cat "$T/r.err")"
	else
		fail "$what (status $rc, $lines lines, wanted '$want')"; evidence "$T/r.err"
	fi
}

echo "# bad input"
refused "fetch-kernel -r 11" "known: 12 (bookworm), 13 (trixie)" "$TOP/qemu/kernel/fetch-kernel" -r 11 "$T/out"
refused "fetch-kernel -r 12 of a riscv64 kernel" "Debian 12 (bookworm) has no riscv64 packages" \
	"$TOP/qemu/kernel/fetch-kernel" -r 12 -p linux-image-riscv64:riscv64 "$T/out"
refused "musl-cross -r 12 riscv64" "has no riscv64 packages" "$TOP/scripts/musl-cross" -r 12 riscv64 "$T/out"
refused "DEBIAN=11 build-kernel" "known: 12 for linux-source-6.1, 13 for linux-source-6.12" \
	env DEBIAN=11 "$TOP/qemu/kernel/build-kernel" -n -o "$T/out"
refused "DEBIAN=11 kselftest" "known: 12 for linux-source-6.1, 13 for linux-source-6.12" \
	env DEBIAN=11 BUILD="$T/out" "$TOP/qemu/kselftest/kselftest" kcmp
refused "DEBIAN=11 kunit" "known: 12 for linux-source-6.1, 13 for linux-source-6.12" \
	env DEBIAN=11 BUILD="$T/out" "$TOP/qemu/kunit/kunit"
refused "DEBIAN=11 kunitpy" "known: 12 for linux-source-6.1, 13 for linux-source-6.12" \
	env DEBIAN=11 "$TOP/qemu/kunit/kunitpy"
refused "DEBIAN=11 make kunit" "DEBIAN=11: unknown Debian release (known: 12 for bookworm, 13 for trixie)" \
	env DEBIAN=11 make -s -C "$TOP" kunit BUILD="$T/out"
refused "make kernel DEBIAN=11" "DEBIAN=11: unknown Debian release (known: 12 for bookworm, 13 for trixie)" \
	make -s -C "$TOP" kernel DEBIAN=11 BUILD="$T/out"
refused "make ARCH=riscv64 DEBIAN=12" "Debian 12's packages for x86_64 aarch64 armhf, Debian 13's for x86_64 riscv64" \
	make -s -C "$TOP" ARCH=riscv64 DEBIAN=12 BUILD="$T/out"
refused "make kernel ARCH=aarch64 DEBIAN=13" "Debian 13's for x86_64 riscv64" \
	make -s -C "$TOP" kernel ARCH=aarch64 DEBIAN=13 BUILD="$T/out"
finish
