#!/bin/bash
# Images for other architectures: mkrootfs takes the architecture from the
# init (or --arch), checks everything added against it, and packs that
# architecture's busybox-static from Debian, fetched once into the cache
# (Debian 13's for riscv64, through a private apt configuration there).
. "$(dirname "$0")/../lib/packer.sh"

# machine FILE: the ELF class and machine, as file(1) says them.
machine() { file -b "$1" | cut -d, -f1,2; }

# debian_arch ARCH: Debian's name of the architecture.
debian_arch() { case $1 in aarch64) echo arm64 ;; *) echo "$1" ;; esac; }

# dump IMAGE PATH DEST: a file out of an ext image.
dump() { debugfs -R "dump $2 $3" "$1" >/dev/null 2>&1; }

for arch in aarch64 armhf riscv64; do
	init=$B/$arch/init
	if [ ! -x "$init" ]; then
		fail "$init is built (make ARCH=$arch)"
		continue
	fi
	cp "$init" "$W/bin/init-$arch"
	check_init_size "the $arch init" "$init"
	want=$(machine "$init")
	echo "# an image for $arch from its init: $want"
	cache=$W/cache-$arch
	mkdir -p "$cache" && give "$cache"
	check_pack "an $arch init makes an $arch image, busybox fetched into an empty cache" \
		"$arch" MINROOT_CACHE="$cache" --init "$W/bin/init-$arch" -o "$OUT/$arch.img"
	check_fsck "$OUT/$arch.img"
	rm -f "$W/bb"
	dump "$OUT/$arch.img" /bin/busybox "$W/bb"
	expect_eq "its /bin/busybox is for $arch" "$want" "$(machine "$W/bb")"
	expect_eq "its busybox is the cached one" "" "$(cmp "$W/bb" "$cache/busybox-static."* 2>&1)"
	deb=$(debian_arch "$arch")
	# shellcheck disable=SC2012 # ls -A: the names compared, all plain
	expect_eq "the cache holds the busybox and debian/, nothing else" \
		"busybox-static.$deb debian" "$(ls -A "$cache" | tr '\n' ' ' | sed 's/ $//')"
	# shellcheck disable=SC2012 # ls -A: the names compared, all plain
	expect_eq "  ... debian/ the one .deb it came from" "busybox-static_ $deb.deb" \
		"$(ls -A "$cache"/debian/*-"$deb"/debs 2>&1 | sed 's/_.*_/_ /')"
	links=$(debugfs -R 'stat /bin/sh' "$OUT/$arch.img" 2>/dev/null | grep -c 'Fast link dest: "/bin/busybox"')
	expect_eq "the applet links are there (/bin/sh -> /bin/busybox)" "1" "$links"
	pack "$arch-again" MINROOT_CACHE="$cache" --init "$W/bin/init-$arch" -o "$OUT/$arch-2.img"
	expect_eq "a second image comes from the cache, byte for byte the same" "0 " \
		"$rc $(cmp "$OUT/$arch.img" "$OUT/$arch-2.img" 2>&1)"
done

echo "# the architecture is checked"
pack x86-for-arm --arch aarch64 --init "$INIT" -o "$OUT/bad.img"
expect_eq "--arch aarch64 refuses an x86-64 init" \
	"1 mkrootfs: error: --init $INIT: is a program for x86-64, but this image is for aarch64" \
	"$rc $(cat "$W/x86-for-arm.log")"
pack unknown --arch mips64el -o "$OUT/bad.img"
expect_eq "an unknown --arch is a usage error" \
	"2 mkrootfs: error: --arch mips64el: unknown architecture (x86_64, aarch64, armhf or riscv64)" \
	"$rc $(cat "$W/unknown.log")"
pack bare-prog --bare --arch arm --add-program "$(type -P true)" -o "$OUT/bad.img"
expect_eq "--arch arm (armhf) refuses a host program" "1" "$rc"
check "  ... naming both machines" grep -q 'is a program for x86-64, but this image is for arm$' "$W/bare-prog.log"
if [ -x "$B/aarch64/init" ]; then
	pack arm-busybox-x86 --init "$W/bin/init-aarch64" --busybox "$(type -P busybox)" -o "$OUT/bad.img"
	expect_eq "an aarch64 image refuses the host's busybox" "1" "$rc"
	mkdir -p "$W/badcache" && echo 'not a program' >"$W/badcache/busybox-static.arm64" && give "$W/badcache" "$W/badcache/busybox-static.arm64"
	pack bad-cache MINROOT_CACHE="$W/badcache" --init "$W/bin/init-aarch64" -o "$OUT/bad.img"
	expect_eq "a damaged cached busybox is named" \
		"1 mkrootfs: error: the cached busybox $W/badcache/busybox-static.arm64: is not an ELF executable" \
		"$rc $(cat "$W/bad-cache.log")"
fi
if [ ! -e "$OUT/bad.img" ]; then ok "no image was written by a refused run"; else fail "no image was written by a refused run"; fi
finish
