#!/bin/bash
# --update: an image made the blog's way (mke2fs -d, busybox symlinked as
# /sbin/init) gets our init; the old one is kept; nothing else changes.
# Refusals (mounted, unclean, not ext, conflicts, no room) change nothing.
. "$(dirname "$0")/../lib/packer.sh"

BUSYBOX=$(command -v busybox)

# blog_image IMAGE TYPE: the blog recipe's result, without root or mount.
blog_image() {
	local tree=$W/blog
	rm -rf "$tree"
	mkdir -p "$tree"/{bin,sbin,etc,dev,proc,sys,usr/bin}
	cp "$BUSYBOX" "$tree/bin/busybox"
	ln -s busybox "$tree/bin/sh"
	ln -s /bin/busybox "$tree/sbin/init"
	ln -s /bin/busybox "$tree/usr/bin/env"
	echo blog >"$tree/etc/hostname"
	rm -f "$1"
	truncate -s 64M "$1"
	mke2fs -q -F -t "$2" -d "$tree" "$1" >"$W/mke2fs.log" 2>&1 || { fail "mke2fs -t $2 -d made $1"; evidence "$W/mke2fs.log"; }
	[ "$(id -u)" -ne 0 ] || chown "$NOBODY:$NOBODY" "$1"
}

# snapshot IMAGE: debugfs stat of every entry outside /sbin, times included.
snapshot() {
	walk "$1" | awk '$1 != "/sbin" && $1 !~ /^\/sbin\// { print "stat " $1 }' >"$W/snap.cmds"
	debugfs -f "$W/snap.cmds" "$1" 2>/dev/null
}

IMG=$OUT/blog.img
blog_image "$IMG" ext3
# mke2fs -d copies the owner of the tree: whoever runs the suite
OWNER="$(id -u) $(id -g)"
expect_entry "$IMG" "/sbin/init symlink 0777 $OWNER - /bin/busybox"
snapshot "$IMG" >"$W/before"
free_before=$(dumpe2fs -h "$IMG" 2>/dev/null | sed -n 's/^Free inodes: *//p')

check_pack "--update replaces init as an unprivileged user" upd --update "$IMG"
check_fsck "$IMG"
expect_entry "$IMG" "/sbin/init regular 0755 0 0 - -"
same_file "/sbin/init is our init" "$IMG" /sbin/init "$INIT"
expect_entry "$IMG" "/sbin/init.orig symlink 0777 $OWNER - /bin/busybox"
snapshot "$IMG" >"$W/after"
if [ "$(grep -c '^Inode:' "$W/before")" -gt 5 ] && diff "$W/before" "$W/after" >"$W/diff"; then
	ok "every other file is untouched ($(grep -c '^Inode:' "$W/before") inodes compared, times included)"
else fail "every other file is untouched"; evidence "$W/diff"; fi
same_file "/bin/busybox unchanged" "$IMG" /bin/busybox "$BUSYBOX"

echo "# a second update keeps the first original"
cp "$INIT" "$W/bin/init2"; printf 'x' >>"$W/bin/init2"
check_pack "a second --update succeeds" upd2 --update "$IMG" --init "$W/bin/init2"
check_fsck "$IMG"
same_file "/sbin/init is the new init" "$IMG" /sbin/init "$W/bin/init2"
expect_entry "$IMG" "/sbin/init.orig symlink 0777 $OWNER - /bin/busybox"

echo "# --no-backup, --add and --overlay"
blog_image "$OUT/nb.img" ext3
check_pack "--update --no-backup succeeds" nb --update "$OUT/nb.img" --no-backup
check_fsck "$OUT/nb.img"
expect_eq "no /sbin/init.orig" "/sbin/init.orig ? ? ? ? - -" "$(describe "$OUT/nb.img" /sbin/init.orig)"
expect_eq "the old init's inode was freed" "$free_before" "$(dumpe2fs -h "$OUT/nb.img" 2>/dev/null | sed -n 's/^Free inodes: *//p')"
S=$W/src
mkdir -p "$S/tree/sub" "$S/ov/etc"
echo motd >"$S/motd"; echo new >"$S/ov/etc/hostname"; echo deep >"$S/tree/sub/deep"
[ "$(id -u)" -ne 0 ] || chown -R "$NOBODY:$NOBODY" "$S"
blog_image "$OUT/add.img" ext3
check_pack "--update with --add and --overlay succeeds" upadd --update "$OUT/add.img" \
	--add "$S/motd:/etc/motd" --add "$S/tree:/opt/tree" --overlay "$S/ov"
check_fsck "$OUT/add.img"
expect_eq "--add adds /etc/motd" motd "$(cat_file "$OUT/add.img" /etc/motd)"
expect_eq "--overlay replaces /etc/hostname" new "$(cat_file "$OUT/add.img" /etc/hostname)"
expect_eq "--add copies a tree" deep "$(cat_file "$OUT/add.img" /opt/tree/sub/deep)"
expect_entry "$OUT/add.img" "/etc/motd regular 0644 0 0 - -"

echo "# ext4 (extents, 64bit, metadata_csum) and ext2 images"
for t in ext4 ext2; do
	blog_image "$OUT/$t.img" $t
	check_pack "--update of an mke2fs $t image succeeds" up$t --update "$OUT/$t.img"
	check_fsck "$OUT/$t.img"
	same_file "$t: /sbin/init is our init" "$OUT/$t.img" /sbin/init "$INIT"
done

echo "# refusals change nothing"
# refused WHAT MESSAGE-PART IMAGE ARGS...: mkrootfs --update fails with exit 1,
# says MESSAGE-PART on one line, and leaves IMAGE byte-for-byte as it was.
refused() {
	local what=$1 part=$2 img=$3; shift 3
	cp "$img" "$W/copy"
	pack refused --update "$img" "$@"
	if [ "$rc" -eq 1 ] && grep -q -- "$part" "$W/refused.log" && [ "$(wc -l <"$W/refused.log")" -eq 1 ] &&
	   cmp -s "$img" "$W/copy"; then
		ok "$what: refused, image unchanged ($(cat "$W/refused.log"))"
	else
		fail "$what (exit $rc, want 1 with '$part' and the image unchanged)"
		evidence "$W/refused.log"
		cmp "$img" "$W/copy" 2>&1 | sed 's/^/    | /'
	fi
}
blog_image "$IMG" ext3
head -c 1M /dev/urandom >"$OUT/random.img"; give "$OUT/random.img"
refused "random bytes" "is not an ext2/3/4 file system" "$OUT/random.img"
pack missing --update "$OUT/missing.img"
if [ "$rc" -eq 1 ] && grep -q "missing.img: No such file or directory" "$W/missing.log" && [ ! -e "$OUT/missing.img" ]; then
	ok "a missing image: refused, nothing created"; else fail "a missing image (exit $rc)"; evidence "$W/missing.log"; fi
cp "$IMG" "$OUT/recover.img"; debugfs -w -R "feature needs_recovery" "$OUT/recover.img" >/dev/null 2>&1
give "$OUT/recover.img"
refused "a journal that needs recovery" "journal needs recovery" "$OUT/recover.img"
cp "$IMG" "$OUT/unclean.img"; debugfs -w -R "ssv state 0" "$OUT/unclean.img" >/dev/null 2>&1
give "$OUT/unclean.img"
refused "a file system not cleanly unmounted" "not cleanly unmounted" "$OUT/unclean.img"
echo x >"$S/x"; give "$S/x"
refused "a file where the image has a directory" "the image has a directory there" "$IMG" --add "$S/x:/bin"
refused "a directory under a file" "the image has a non-directory there" "$IMG" --add "$S/x:/etc/hostname/x"
fallocate -l 200M "$S/huge"; give "$S/huge"	# allocated: counted in full
refused "more than the free space" "not enough room" "$IMG" --add "$S/huge:/huge"
make_foreign "$W/bin/foreign"
refused "an init for another machine" "is a program for s390x" "$IMG" --init "$W/bin/foreign"
chmod 0444 "$IMG"
[ "$(id -u)" -ne 0 ] || chown root "$IMG"
refused "an image the user cannot write" "Permission denied" "$IMG"

# mounted IMAGE-COPY HOW: run the refusal inside a private mount namespace
# so nothing outlives the test.
mounted_refusal() {
	local what=$1 mountcmd=$2 img=$OUT/mounted.img mnt=$W/mnt
	cp "$IMG" "$img"; chmod 0644 "$img"; mkdir -p "$mnt"
	cp "$img" "$W/copy"
	unshare -m ${UNSHARE_USER:+"$UNSHARE_USER"} sh -c "$mountcmd && \"\$1\" --update \"\$2\"; rc=\$?; umount \"\$3\" 2>/dev/null; exit \$rc" \
		sh "$MKROOTFS" "$img" "$mnt" >"$W/mounted.log" 2>&1
	rc=$?
	if [ "$rc" -eq 1 ] && grep -q "is mounted" "$W/mounted.log" && cmp -s "$img" "$W/copy"; then
		ok "$what: refused, image unchanged ($(cat "$W/mounted.log"))"
	else fail "$what (exit $rc)"; evidence "$W/mounted.log"; fi
}
[ "$(id -u)" -eq 0 ] || UNSHARE_USER="-r"
# shellcheck disable=SC2016 # single quotes: for the sh -c that mounts
mounted_refusal "an image named as a mount's source (as FUSE mounts show it)" \
	'mount -t tmpfs "$2" "$3"'
if [ "$(id -u)" -eq 0 ]; then
	# shellcheck disable=SC2016 # single quotes: for the sh -c that mounts
	mounted_refusal "an image mounted through a loop device" 'mount -o loop,ro "$2" "$3"'
fi
no_temp_files "$OUT" "no temporary file is left"
finish
