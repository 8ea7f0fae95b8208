#!/bin/bash
# Hard links stay links (one inode, the right link count) in ext images and
# cpio archives, from --add, --overlay and whole trees; reproducible with
# them; sparse and zero-filled files stay holes (a 1 GiB sparse file takes
# a few blocks).
. "$(dirname "$0")/../lib/packer.sh"

export SOURCE_DATE_EPOCH=1700000000 TZ=UTC
S=$W/src
mkdir -p "$S/tree/a" "$S/tree/b" "$S/over/etc" "$S/one"
head -c 100000 /dev/urandom >"$S/tree/a/data"
ln "$S/tree/a/data" "$S/tree/b/data-link"
ln "$S/tree/a/data" "$S/tree/a/data-again"		# three names
echo small >"$S/tree/a/small"; ln "$S/tree/a/small" "$S/tree/b/small"
echo lonely >"$S/tree/lonely"
echo motd >"$S/over/etc/motd"; ln "$S/over/etc/motd" "$S/over/etc/issue"
echo single >"$S/one/file"; ln "$S/one/file" "$S/one/file2"
truncate -s 1G "$S/sparse"
printf 'in the middle' | dd of="$S/sparse" bs=1 seek=$((512 << 20)) conv=notrunc status=none
fallocate -l 8M "$S/zeros"		# allocated on the host, all zeros
[ "$(id -u)" -ne 0 ] || chown -R "$NOBODY:$NOBODY" "$S"

ADDS=(--add "$S/tree:/opt/tree" --overlay "$S/over" --add "$S/one/file:/srv/file"
      --add "$S/one/file2:/srv/file2")

# inode_of IMAGE PATH / links_of IMAGE PATH: from debugfs stat
inode_of() { debugfs -R "stat \"$2\"" "$1" 2>/dev/null | sed -n 's/^Inode: \([0-9]*\).*/\1/p'; }
links_of() { debugfs -R "stat \"$2\"" "$1" 2>/dev/null | sed -n 's/.*Links: \([0-9]*\).*/\1/p'; }

# same_inode WHAT IMAGE COUNT PATH...: every PATH is one inode with COUNT links.
same_inode() {
	local what=$1 img=$2 count=$3 first p ino got=""; shift 3
	first=$(inode_of "$img" "$1")
	for p in "$@"; do
		ino=$(inode_of "$img" "$p")
		got="$got $p=$ino/$(links_of "$img" "$p")"
		[ -n "$first" ] && [ "$ino" = "$first" ] && [ "$(links_of "$img" "$p")" = "$count" ] || first=BAD
	done
	if [ "$first" != BAD ]; then ok "$what (inode $first, $count links)"; else fail "$what:$got"; fi
}

for t in ext3 ext4 ext2; do
	echo "# $t"
	IMG=$OUT/links-$t.img
	check_pack "$t: an image with hard links in --add, --overlay and a tree" $t -t $t -o "$IMG" "${ADDS[@]}"
	check_fsck "$IMG"
	same_inode "$t: a tree's three names of one file" "$IMG" 3 /opt/tree/a/data /opt/tree/b/data-link /opt/tree/a/data-again
	same_inode "$t: a tree's two names of a small file" "$IMG" 2 /opt/tree/a/small /opt/tree/b/small
	same_inode "$t: --overlay's two names" "$IMG" 2 /etc/motd /etc/issue
	same_inode "$t: two --add of two names of one file" "$IMG" 2 /srv/file /srv/file2
	expect_eq "$t: a file with one name has one link" 1 "$(links_of "$IMG" /opt/tree/lonely)"
	same_file "$t: the linked file's bytes" "$IMG" /opt/tree/b/data-link "$S/tree/a/data"
	expect_eq "$t: its data is stored once" "$(debugfs -R 'stat /opt/tree/a/data' "$IMG" 2>/dev/null | grep -c '^Inode:')" 1
done

echo "# reproducible with hard links"
sleep 1.1
check_pack "ext3: a second build" again -o "$OUT/again.img" "${ADDS[@]}"
if cmp -s "$OUT/links-ext3.img" "$OUT/again.img"; then ok "ext3: two builds with hard links are byte-identical"
else fail "ext3: two builds with hard links are byte-identical"; fi
rm -f "$S/one/file2"; cp "$S/one/file" "$S/one/file2"; give "$S/one/file2"
check_pack "the same content, /srv/file2 a copy instead of a link" copy -o "$OUT/copy.img" "${ADDS[@]}"
u1=$(dumpe2fs -h "$OUT/again.img" 2>/dev/null | sed -n 's/^Filesystem UUID: *//p')
u2=$(dumpe2fs -h "$OUT/copy.img" 2>/dev/null | sed -n 's/^Filesystem UUID: *//p')
if [ -n "$u1" ] && [ "$u1" != "$u2" ]; then ok "a link and a copy give different UUIDs"; else fail "a link and a copy give different UUIDs ($u1 / $u2)"; fi
rm -f "$S/one/file2"; ln "$S/one/file" "$S/one/file2"

echo "# cpio"
ARC=$OUT/links.cpio
check_pack "cpio: an archive with hard links" cpio -t cpio -o "$ARC" "${ADDS[@]}"
cpio -itv --numeric-uid-gid <"$ARC" >"$W/list" 2>/dev/null
# entry NAME: "LINKS SIZE" from cpio -itv
entry() { awk -v n="$1" '$NF == n { print $2, $5 }' "$W/list"; }
expect_eq "cpio: the first name of three: 3 links, no data" "3 0" "$(entry opt/tree/a/data)"
expect_eq "cpio: the second name: no data" "3 0" "$(entry opt/tree/a/data-again)"
expect_eq "cpio: the last name carries the data" "3 100000" "$(entry opt/tree/b/data-link)"
expect_eq "cpio: --overlay's names" "2 0 2 5" "$(entry etc/issue) $(entry etc/motd)"
mkdir -p "$W/x" && (cd "$W/x" && cpio -id --quiet <"$ARC" 2>"$W/cpio.err")
expect_eq "cpio --extract makes one inode of three names" "3 3 3 1" \
	"$(stat -c %h "$W/x/opt/tree/a/data" "$W/x/opt/tree/b/data-link" "$W/x/opt/tree/a/data-again" | tr '\n' ' ')$(stat -c %i "$W/x/opt/tree/a/data" "$W/x/opt/tree/b/data-link" "$W/x/opt/tree/a/data-again" | sort -u | wc -l)"
if cmp -s "$W/x/opt/tree/a/data" "$S/tree/a/data"; then ok "cpio --extract: the bytes of the linked file"
else fail "cpio --extract: the bytes of the linked file"; evidence "$W/cpio.err"; fi
check_pack "cpio: a second build" cpio2 -t cpio -o "$OUT/links2.cpio" "${ADDS[@]}"
if cmp -s "$ARC" "$OUT/links2.cpio"; then ok "cpio: two builds with hard links are byte-identical"
else fail "cpio: two builds with hard links are byte-identical"; fi

echo "# sparse and zero-filled files"
for t in ext3 ext4; do
	IMG=$OUT/sparse-$t.img
	check_pack "$t: a 1 GiB sparse file and 8 MiB of allocated zeros in a 256 MiB image" sp-$t \
		-t $t -s 256M -o "$IMG" --add "$S/sparse:/big" --add "$S/zeros:/zeros"
	check_fsck "$IMG"
	expect_eq "$t: /big is 1 GiB long" 1073741824 "$(debugfs -R 'stat /big' "$IMG" 2>/dev/null | sed -n 's/.*  Size: \([0-9]*\)$/\1/p' | head -n 1)"
	blocks=$(debugfs -R 'stat /big' "$IMG" 2>/dev/null | sed -n 's/.*Blockcount: \([0-9]*\).*/\1/p')
	if [ -n "$blocks" ] && [ "$blocks" -le 32 ]; then ok "$t: /big takes $blocks sectors (one data block and its mapping)"
	else fail "$t: /big takes at most 32 sectors ($blocks)"; fi
	expect_eq "$t: /zeros takes no block" 0 "$(debugfs -R 'stat /zeros' "$IMG" 2>/dev/null | sed -n 's/.*Blockcount: \([0-9]*\).*/\1/p')"
	alloc=$(( $(stat -c %b "$IMG") * 512 ))
	if [ "$alloc" -lt $((8 << 20)) ]; then ok "$t: the image file allocates $alloc bytes"; else fail "$t: the image file allocates < 8 MiB ($alloc)"; fi
	# the one data block: block 131072 of the file (512 MiB / 4 KiB)
	expect_eq "$t: /big's first block is a hole" 0 "$(debugfs -R 'bmap /big 0' "$IMG" 2>/dev/null)"
	blk=$(debugfs -R 'bmap /big 131072' "$IMG" 2>/dev/null)
	expect_eq "$t: /big's data block has the bytes written at 512 MiB" "in the middle" \
		"$(dd if="$IMG" bs=4096 skip="${blk:-0}" count=1 status=none | head -c 13)"
done
finish
