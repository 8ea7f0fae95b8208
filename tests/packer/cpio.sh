#!/bin/bash
# -t cpio: a newc archive written by mkrootfs itself (gzip when the name
# ends in .gz), listed with GNU cpio: owners, modes, devices, links, /init.
. "$(dirname "$0")/../lib/packer.sh"

export SOURCE_DATE_EPOCH=1700000000 TZ=UTC
ARC=$OUT/initramfs.cpio.gz
check_pack "-t cpio -o initramfs.cpio.gz succeeds as an unprivileged user" gz -t cpio -o "$ARC"
expect_eq "the archive is gzip (magic 1f8b)" 1f8b "$(head -c 2 "$ARC" | od -An -tx1 | tr -d ' \n')"
check "gzip -t accepts it" gzip -t "$ARC"
zcat "$ARC" | cpio -itv --numeric-uid-gid >"$W/list" 2>"$W/cpio.err"
expect_eq "cpio -itv reads the whole archive" 0 "${PIPESTATUS[1]}"
zcat "$ARC" | cpio -it 2>/dev/null >"$W/names"

# entry NAME: the cpio -itv line of NAME, squeezed: "MODE UID GID [MAJ, MIN] NAME [-> TARGET]"
entry() {
	awk -v n="$1" '{ name = ($0 ~ / -> /) ? $(NF-2) : $NF }
		name == n { if ($1 ~ /^[cb]/) print $1, $3, $4, $5, $6, name; else if ($0 ~ / -> /) print $1, $3, $4, name, "->", $NF; else print $1, $3, $4, name }' "$W/list"
}
expect_entry_line() { expect_eq "cpio entry $1" "$2" "$(entry "$1")"; }

awk '$3 != 0 || $4 != 0' "$W/list" >"$W/not-root"
if [ -s "$W/list" ] && [ ! -s "$W/not-root" ]; then ok "every entry is owned 0:0 ($(wc -l <"$W/list") entries)"
else fail "every entry is owned 0:0"; evidence "$W/not-root"; evidence "$W/cpio.err"; fi
expect_entry_line dev/console "crw------- 0 0 5, 1 dev/console"
expect_entry_line dev/null "crw-rw-rw- 0 0 1, 3 dev/null"
expect_entry_line dev/kmsg "crw-r--r-- 0 0 1, 11 dev/kmsg"
expect_entry_line dev/ttyS2 "crw-rw---- 0 0 4, 66 dev/ttyS2"
expect_entry_line tmp "drwxrwxrwt 0 0 tmp"
expect_entry_line root "drwx------ 0 0 root"
expect_entry_line init "lrwxrwxrwx 0 0 init -> /sbin/init"
expect_entry_line sbin/init "-rwxr-xr-x 0 0 sbin/init"
expect_entry_line bin/sh "lrwxrwxrwx 0 0 bin/sh -> /bin/busybox"
expect_entry_line etc/mtab "lrwxrwxrwx 0 0 etc/mtab -> /proc/mounts"
expect_eq "no lost+found in an archive" "" "$(grep -x lost+found "$W/names")"
expect_eq "mtime is SOURCE_DATE_EPOCH (2023-11-14)" "Nov 14 2023" "$(awk '$NF == "etc/passwd" { print $6, $7, $8 }' "$W/list")"
awk '{ n = $0; sub(/\/[^\/]*$/, "", n); if (n != $0 && !(n in seen)) { print "parent missing before: " $0 } seen[$0] = 1 }' "$W/names" >"$W/order"
if [ ! -s "$W/order" ]; then ok "every directory comes before its contents"; else fail "every directory comes before its contents"; evidence "$W/order"; fi
"$(command -v busybox)" --list-full | grep -v -x -e bin/busybox -e sbin/init | sort >"$W/applets"
grep -F -x -f "$W/applets" "$W/names" | sort >"$W/found"
expect_eq "every applet is in the archive" "$(wc -l <"$W/applets")" "$(wc -l <"$W/found")"
(cd "$W" && zcat "$ARC" | cpio -i --quiet --to-stdout sbin/init >"$W/init.out")
if cmp -s "$W/init.out" "$INIT"; then ok "sbin/init has the init's bytes"; else fail "sbin/init has the init's bytes"; fi
(cd "$W" && zcat "$ARC" | cpio -i --quiet --to-stdout etc/hostname >"$W/hostname.out")
expect_eq "etc/hostname" minroot "$(cat "$W/hostname.out")"

echo "# uncompressed, and reproducible"
check_pack "-t cpio -o plain.cpio succeeds" plain -t cpio -o "$OUT/plain.cpio"
expect_eq "without .gz the archive is plain newc" 070701 "$(head -c 6 "$OUT/plain.cpio")"
zcat "$ARC" >"$W/unzipped"
if cmp -s "$W/unzipped" "$OUT/plain.cpio"; then ok "the .gz holds the same archive"; else fail "the .gz holds the same archive"; fi
expect_eq "archive length is a multiple of 4" 0 $(( $(stat -c %s "$OUT/plain.cpio") % 4 ))
sleep 1.1
check_pack "a second build" gz2 -t cpio -o "$OUT/again.cpio.gz"
if cmp -s "$ARC" "$OUT/again.cpio.gz"; then ok "two builds give identical .cpio.gz bytes"
else fail "two builds give identical .cpio.gz bytes"; fi
pack size -t cpio -s 64M -o "$OUT/size.cpio"
expect_eq "--size with cpio is refused (exit 2)" 2 "$rc"
no_temp_files "$OUT" "no temporary file is left"
finish
