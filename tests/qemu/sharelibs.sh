#!/bin/bash
# run-qemu --share-libs: a shared directory of dynamic test programs (plain
# gcc, glibc) and a script that execs them directly, on our busybox image
# that has no C library: their loader and libraries come on a disk of their
# own, the loader shows at /lib64 for the run, the image is not changed.
# Refusals before QEMU starts; a root without /lib64 says so in one line.
. "$(dirname "$0")/../lib/report.sh"
. "$(dirname "$0")/../lib/dynprog.sh"
RUN=$TOP/qemu/run-qemu
K=$B/vmlinuz
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

# t/bin/a: libm, libpthread and t/lib/libown.so.1 through RUNPATH
# $ORIGIN/../lib; t/b: libc only; t/run-all.sh execs both with arguments.
dynamic_program_or_stop "$T/p" "$K" "$B/mkrootfs" "$B/rootfs.img"
mkdir -p "$T/t/bin" "$T/t/lib"
cp -a "$T/p/lib/." "$T/t/lib/" && cp "$T/p/bin/prog" "$T/t/bin/a"
cat >"$T/b.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
	printf("b: argc=%d [%s]\n", argc, argc > 1 ? argv[1] : "");
	return argc > 2 ? atoi(argv[2]) : 0;
}
C
gcc -o "$T/t/b" "$T/b.c" || { fail "gcc b.c"; finish; }
cat >"$T/t/run-all.sh" <<'SH'
#!/bin/sh
d=$(dirname "$0")
"$d/bin/a" 5 "x y"; echo "a exited $?"
"$d/b" "hello world" 3; echo "b exited $?"
exit 4
SH
chmod 755 "$T/t/run-all.sh"

# The image's files, modes and links, for a before/after comparison:
# run-qemu runs on it without --snapshot, so the root is mounted
# read-write (its superblock's mount count changes; its files must not).
# The share goes under /run (init's tmpfs): init makes a share's mount
# point when the root lacks it, which would be a change of its own.
image_listing() {
	rm -rf "$T/out.tree" && mkdir "$T/out.tree" && "$B/mkrootfs" --copy-out "$1:$T/out.tree" &&
		(cd "$T/out.tree" && find . -printf '%p %y %m %l\n' | LC_ALL=C sort &&
			find . -type f -exec sha256sum {} + | LC_ALL=C sort -k 2)
}
IMG=$T/rootfs.img
cp "$B/rootfs.img" "$IMG"
image_listing "$IMG" 2>/dev/null >"$T/before" || { fail "mkrootfs --copy-out of the image"; finish; }

echo "# the script execs both programs directly"
mkdir "$T/tmp"
TMPDIR=$T/tmp "$RUN" --accel tcg --kernel "$K" --image "$IMG" --timeout 600 \
	--share "$T/t:/run/t" --share-libs -- /run/t/run-all.sh </dev/null >"$T/out" 2>"$T/err"
got=$?
tr -d '\r' <"$T/out" >"$T/out.txt"
expect_eq "run-all.sh's own status comes back" 4 "$got"
for line in "prog: sqrt=4 own=42 argc=3 [5] [x y]" "a exited 5" "b: argc=3 [hello world]" "b exited 3"; do
	if grep -qxF -- "$line" "$T/out.txt"; then ok "the guest printed '$line'"
	else fail "the guest printed '$line'"; evidence "$T/out.txt"; evidence "$T/err" 5; fi
done
image_listing "$IMG" 2>/dev/null >"$T/after"
if cmp -s "$T/before" "$T/after"; then ok "the image's files are unchanged ($(wc -l <"$T/before") lines of listing and checksums)"
else fail "the image's files are unchanged"; diff "$T/before" "$T/after" | head -20 | sed 's/^/    | /'; fi
expect_eq "nothing left in TMPDIR (the disks, the links staged for them)" "" "$(ls -A "$T/tmp")"

echo "# a root without the loader's directory"
cp "$B/rootfs.img" "$T/old.img"
debugfs -w -R "rmdir /lib64" "$T/old.img" >/dev/null 2>&1
"$RUN" --accel tcg --kernel "$K" --image "$T/old.img" --snapshot --timeout 600 \
	--share "$T/t:/t" --share-libs -- /t/b </dev/null >"$T/out" 2>"$T/err"
got=$?
want="run-qemu: --share-libs: the guest's root has no directory /lib64 for the loader /lib64/ld-linux-x86-64.so.2 (an image made by an older mkrootfs? create /lib64 in it)"
if [ $got = 127 ] && cat "$T/out" "$T/err" | tr -d '\r' | grep -qxF -- "$want"; then
	ok "no /lib64 in the root: exit 127 and one line saying so"
else fail "no /lib64 in the root: expected exit 127 and '$want', got $got"; evidence "$T/out"; evidence "$T/err" 5; fi

# refused WHAT TEXT ARGS...: exit 2, one line holding TEXT.
refused() {
	local what=$1 text=$2 got; shift 2
	"$RUN" --accel tcg --kernel "$K" --image "$B/rootfs.img" --snapshot "$@" </dev/null >"$T/out" 2>&1
	got=$?
	if [ $got = 2 ] && [ "$(wc -l <"$T/out")" = 1 ] && grep -qF -- "$text" "$T/out"; then
		ok "$what: $(cat "$T/out")"
	else fail "$what: expected exit 2 and one line with '$text', got $got"; evidence "$T/out"; fi
}
mkdir -p "$T/gone/bin" "$T/gone/lib"
# shellcheck disable=SC2015,SC2016 # fail if either build fails; $ORIGIN is for the dynamic linker
gcc -shared -fPIC -Wl,-soname,libgone.so.1 -o "$T/gone/lib/libgone.so.1" "$T/p/src/own.c" &&
	gcc -o "$T/gone/bin/prog" "$T/p/src/prog.c" -L"$T/gone/lib" -l:libgone.so.1 -lm \
		-Wl,--enable-new-dtags,-rpath,'$ORIGIN/../lib' || fail "gcc of the program with libgone"
rm -f "$T/gone/lib/libgone.so.1"
mkdir -p "$T/foreign"
cp "$T/t/b" "$T/foreign/b"
printf '\267\000' | dd of="$T/foreign/b" bs=1 seek=18 conv=notrunc status=none	# e_machine 183: aarch64

echo "# programs that cannot be placed are named, and the others run"
mkdir -p "$T/mixed"
cp "$T/gone/bin/prog" "$T/mixed/gone" && cp "$T/foreign/b" "$T/mixed/foreign" && cp "$T/t/b" "$T/mixed/b"
"$RUN" --accel tcg --kernel "$K" --image "$B/rootfs.img" --snapshot --timeout 600 --share "$T/mixed:/m" \
	--share-libs -- sh -c '/m/b fine 0; /m/gone; echo "gone exited $?"' </dev/null >"$T/out" 2>"$T/err"
got=$?
tr -d '\r' <"$T/out" >"$T/out.txt"
expect_eq "the command's own status comes back" 0 "$got"
left_out="(left out: it cannot start in the guest)"
for line in "$T/mixed/gone: library libgone.so.1 (needed by $T/mixed/gone) not found; searched $T/mixed/../lib, " \
	"$T/mixed/foreign: is a program for aarch64, but this image is for x86-64 "; do
	if tr -d '\r' <"$T/err" | grep -F -- "run-qemu: --share-libs: $line" | grep -qF -- "$left_out"; then
		ok "named in one line: $line... $left_out"
	else fail "no line 'run-qemu: --share-libs: $line... $left_out'"; evidence "$T/err" 10; fi
done
expect_eq "... one line each" 2 "$(grep -c '^run-qemu: --share-libs: ' "$T/err")"
check "the placeable program ran" grep -qxF "b: argc=3 [fine]" "$T/out.txt"
check "the one left out fails to start in the guest, with the loader's reason" \
	grep -qE "libgone.so.1: cannot open shared object file" "$T/out.txt"
check "... and its status, 127" grep -qxF "gone exited 127" "$T/out.txt"

echo "# refusals, before QEMU starts"
refused "--share-libs without a share" "--share-libs brings the libraries of shared programs" \
	--share-libs -- true
refused "--share-libs for another architecture's guest" "x86_64 guests only" \
	--arch aarch64 --share "$T/t" --share-libs -- /mnt/t/b
refused "--share-libs without a command" "--share-libs prepares a command's run" --share "$T/t" --share-libs
finish
