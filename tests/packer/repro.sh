#!/bin/bash
# Reproducibility: same inputs (and SOURCE_DATE_EPOCH) give the same bytes,
# whoever builds, whenever, wherever; the UUID follows the inputs.
. "$(dirname "$0")/../lib/packer.sh"

export SOURCE_DATE_EPOCH=1700000000
S=$W/src
mkdir -p "$S/a" "$S/b"
echo one >"$S/a/one"; echo two >"$S/b/two"
[ "$(id -u)" -ne 0 ] || chown -R "$NOBODY:$NOBODY" "$S"

# same_bytes WHAT A B
same_bytes() {
	if cmp -s "$2" "$3"; then ok "$1"; else fail "$1"; cmp "$2" "$3" 2>&1 | sed 's/^/    | /'; fi
}

for t in ext3 ext2 ext4 cpio; do
	ext=img; [ $t = cpio ] && ext=cpio.gz
	check_pack "$t: first build" $t-1 -t $t -o "$OUT/$t-1.$ext"
	sleep 1.1	# a different wall-clock second for the second build
	# another name, another directory, another umask and, as root, another user
	mkdir -p "$OUT/again"
	if [ "$(id -u)" -eq 0 ]; then
		(cd / && umask 077 && "$MKROOTFS" -t $t -o "$OUT/again/$t-2.$ext") >"$W/$t-2.log" 2>&1
	else
		(cd / && umask 077 && as_builder "$MKROOTFS" -t $t -o "$OUT/again/$t-2.$ext") >"$W/$t-2.log" 2>&1
	fi
	expect_eq "$t: second build ($(id -un), umask 077, later) succeeds" 0 $?
	same_bytes "$t: both builds are byte-identical" "$OUT/$t-1.$ext" "$OUT/again/$t-2.$ext"
done

echo "# timestamps and identity"
IMG=$OUT/ext3-1.img
expect_eq "superblock creation time is SOURCE_DATE_EPOCH" "$(date -u -d @1700000000 '+%a %b %e %H:%M:%S %Y')" \
	"$(dumpe2fs -h "$IMG" 2>/dev/null | sed -n 's/^Filesystem created: *//p')"
expect_eq "file mtime is SOURCE_DATE_EPOCH" "0x6553f100" \
	"$(debugfs -R 'stat /bin/busybox' "$IMG" 2>/dev/null | sed -n 's/^ *mtime: \(0x[0-9a-f]*\):.*/\1/p')"
uuid1=$(dumpe2fs -h "$IMG" 2>/dev/null | sed -n 's/^Filesystem UUID: *//p')
seed1=$(dumpe2fs -h "$IMG" 2>/dev/null | sed -n 's/^Directory Hash Seed: *//p')
expect_eq "the UUID is a version 8 UUID" 8 "${uuid1:14:1}"
if [ "$uuid1" != "$seed1" ]; then ok "UUID and hash seed differ"; else fail "UUID and hash seed differ"; fi

SOURCE_DATE_EPOCH=1700000001 pack epoch2 -o "$OUT/epoch2.img"
if ! cmp -s "$IMG" "$OUT/epoch2.img"; then ok "another SOURCE_DATE_EPOCH gives another image"
else fail "another SOURCE_DATE_EPOCH gives another image"; fi

cp "$INIT" "$W/bin/init2"; printf 'x' >>"$W/bin/init2"
pack init2 --init "$W/bin/init2" -o "$OUT/init2.img"
uuid2=$(dumpe2fs -h "$OUT/init2.img" 2>/dev/null | sed -n 's/^Filesystem UUID: *//p')
if [ "$rc" -eq 0 ] && [ -n "$uuid2" ] && [ "$uuid1" != "$uuid2" ]; then ok "one byte more in init gives another UUID"
else fail "one byte more in init gives another UUID ($uuid1 / $uuid2)"; fi

pack uuid --uuid 01234567-89ab-cdef-0123-456789abcdef -o "$OUT/uuid.img"
expect_eq "--uuid sets the UUID" 01234567-89ab-cdef-0123-456789abcdef \
	"$(dumpe2fs -h "$OUT/uuid.img" 2>/dev/null | sed -n 's/^Filesystem UUID: *//p')"

(unset SOURCE_DATE_EPOCH; pack noepoch1 -o "$OUT/noepoch1.img"; sleep 1.1; pack noepoch2 -o "$OUT/noepoch2.img"
 same_bytes "without SOURCE_DATE_EPOCH, builds are still identical" "$OUT/noepoch1.img" "$OUT/noepoch2.img"
 expect_eq "without SOURCE_DATE_EPOCH, times are 1" "0x00000001" \
	"$(debugfs -R 'stat /etc/passwd' "$OUT/noepoch1.img" 2>/dev/null | sed -n 's/^ *mtime: \(0x[0-9a-f]*\):.*/\1/p')"
 finish) || _failures=$((_failures + 1))

echo "# a large tree: its bytes are hashed on a thread of their own"
L=$W/large
mkdir -p "$L/d"
# 24 MiB of content (over the 16 MiB from which the hash takes a thread),
# in files of many sizes
head -c $((20 << 20)) /dev/urandom >"$L/big"
for i in $(seq 200); do head -c $((i * 997)) "$L/big" >"$L/d/f$i"; done
pack large1 -o "$OUT/large1.img" --add "$L:/large"
sleep 1.1
pack large2 -o "$OUT/large2.img" --add "$L:/large"
same_bytes "a 24 MiB tree: both builds are byte-identical" "$OUT/large1.img" "$OUT/large2.img"
# One pass over the content, nothing read back from the new image: the
# reads strace sees (-y names each one's file) are the tree's bytes once
# each, and none of the image file (the blocks libext2fs reads back before
# changing them are answered from memory or as zeros).
if "$TOP/scripts/deps" strace >"$W/strace-deps.log" 2>&1; then
	as_builder strace -f -y -qq -e trace=read,pread64,readv,preadv,preadv2 -e signal=none \
		-o "$OUT/reads.txt" "$MKROOTFS" -q -o "$OUT/largeio.img" --add "$L:/large"
	tree=$(find "$L" -type f -printf '%s\n' | awk '{ n += $1 } END { print n }')
	got=$(awk -v l="<$L/" 'index($0, l) && / = [0-9]+$/ { n += $NF } END { print n + 0 }' "$OUT/reads.txt")
	expect_eq "each byte of the tree's files read once ($tree bytes)" "$tree" "$got"
	expect_eq "... and nothing read from the image being written" 0 \
		"$(awk '/largeio\.img\.tmp-/ && / = [0-9]+$/ { n += $NF } END { print n + 0 }' "$OUT/reads.txt")"
else fail "strace is installed (scripts/deps strace)"; evidence "$W/strace-deps.log"; fi
# one byte changed near the end of the big file
printf 'x' | dd of="$L/big" bs=1 seek=$(((20 << 20) - 5)) conv=notrunc status=none
pack large3 -o "$OUT/large3.img" --add "$L:/large"
uuid_l1=$(dumpe2fs -h "$OUT/large1.img" 2>/dev/null | sed -n 's/^Filesystem UUID: *//p')
uuid_l3=$(dumpe2fs -h "$OUT/large3.img" 2>/dev/null | sed -n 's/^Filesystem UUID: *//p')
if [ -n "$uuid_l1" ] && [ -n "$uuid_l3" ] && [ "$uuid_l1" != "$uuid_l3" ]; then
	ok "one byte changed 20 MiB into the tree gives another UUID"
else fail "one byte changed 20 MiB into the tree gives another UUID ($uuid_l1 / $uuid_l3)"; fi
rm -f "$OUT"/large?.img "$OUT/largeio.img" "$OUT/reads.txt"

echo "# inputs: order of options, host timestamps, directory order"
pack ab -o "$OUT/ab.img" --add "$S/a:/a" --add "$S/b:/b"
touch -d @1234567890 "$S/a/one"
pack ba -o "$OUT/ba.img" --add "$S/b:/b" --add "$S/a:/a"
same_bytes "non-overlapping --add in another order, sources touched: same image" "$OUT/ab.img" "$OUT/ba.img"
for d in / /bin /dev /etc /usr/bin; do
	debugfs -R "ls -p $d" "$IMG" 2>/dev/null | awk -F/ '$6 != "." && $6 != ".." && $6 != "" { print $6 }' >"$W/order"
	if LC_ALL=C sort -c "$W/order" 2>/dev/null; then ok "entries of $d are stored in sorted order"
	else fail "entries of $d are stored in sorted order"; evidence "$W/order" 10; fi
done
finish
