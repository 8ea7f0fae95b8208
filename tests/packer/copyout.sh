#!/bin/bash
# --copy-out IMAGE:HOSTDIR: after a "guest" (debugfs -w) changed an image
# packed from HOSTDIR, HOSTDIR matches the image: new, changed and deleted
# files and directories, modes, links; awkward names survive; links are
# made, never followed, so nothing outside HOSTDIR changes; unchanged files
# are not rewritten. The expected tree is built by doing the guest's
# changes with plain shell commands on a copy of HOSTDIR.
. "$(dirname "$0")/../lib/packer.sh"

H=$W/src/share		# HOSTDIR, the builder's
OUTSIDE=$W/src/outside	# a neighbour nothing may touch
mkdir -p "$H/files" "$H/olddir" "$H/keepdir" "$OUTSIDE"
for i in $(seq -w 0 999); do echo "file $i" >"$H/files/f$i"; done
head -c 50M /dev/urandom >"$H/big"
printf 'spaces\n' >"$H/with space"
printf 'newline\n' >"$H/new"$'\n'"line"
printf 'utf8\n' >"$H/ünïcødé ☃"
printf 'dash\n' >"$H/-dash"
echo gone >"$H/gone.txt"; echo x >"$H/olddir/x"
printf '#!/bin/sh\n' >"$H/mode.sh"; chmod 644 "$H/mode.sh"
echo kept >"$H/keepdir/k"
ln -s /etc "$H/hostlink"	# a host link out of HOSTDIR, there before the guest
echo sentinel >"$OUTSIDE/sentinel"
give -R "$W/src"

IMG=$OUT/share.img
if "$MKROOTFS" --help | grep -q -e '--bare'; then
	check_pack "mkrootfs --bare --overlay packs the share" bare --bare -t ext4 -s 256M \
		--overlay "$H" -o "$IMG"
else
	truncate -s 256M "$IMG"
	if mke2fs -q -F -t ext4 -d "$H" "$IMG" >"$W/mke2fs.log" 2>&1; then
		ok "mke2fs -d packs the share"; else fail "mke2fs -d packs the share"; evidence "$W/mke2fs.log"; fi
fi
give "$IMG"

# The guest's changes, on the image ...
head -c 50M /dev/urandom >"$W/big2"
echo "changed 500" >"$W/f500"; echo "new file" >"$W/newfile"; echo evil >"$W/evil"
echo "respaced" >"$W/space2"; : >"$W/empty"
truncate -s 20M "$W/sparse"; echo end >>"$W/sparse"
LONG=/$(printf 'long-target-%.0s' $(seq 8))/end	# over 60 bytes: kept in a block, not the inode
cat >"$W/guest.cmds" <<CMDS
rm /big
write $W/big2 /big
rm /files/f500
write $W/f500 /files/f500
rm /gone.txt
rm /olddir/x
rmdir /olddir
mkdir /newdir
write $W/newfile /newdir/file
rm "/with space"
write $W/space2 "/with space"
set_inode_field /mode.sh mode 0100755
symlink /link /etc
symlink /up ../outside
rm /hostlink
mkdir /hostlink
write $W/evil /hostlink/passwd
mkdir /ro
write $W/newfile /ro/inside
set_inode_field /ro mode 040555
write $W/newfile /suid
set_inode_field /suid mode 0104755
symlink /longlink $LONG
write $W/empty /empty
mkdir /emptydir
write $W/sparse /sparse
cd /
mknod fifo p
CMDS
debugfs -w -f "$W/guest.cmds" "$IMG" >"$W/debugfs.log" 2>&1
# the guest also writes "through" its links: in the guest that lands
# outside the share (its own /etc, its own ../outside), never in the image
if grep -q -i -e 'error' -e 'not found' -e 'usage' "$W/debugfs.log"; then
	fail "debugfs made the guest's changes"; evidence "$W/debugfs.log"
else ok "debugfs made the guest's changes"; fi
if e2fsck -fn "$IMG" >"$W/fsck.log" 2>&1; then ok "the changed image is clean"; else fail "the changed image is clean"; evidence "$W/fsck.log"; fi

# ... and the same changes with shell commands on a copy: the expectation.
E=$W/expect
cp -a "$H" "$E"
cp "$W/big2" "$E/big"; cp "$W/f500" "$E/files/f500"; rm -r "$E/gone.txt" "$E/olddir"
mkdir "$E/newdir"; cp "$W/newfile" "$E/newdir/file"; cp "$W/space2" "$E/with space"
chmod 755 "$E/mode.sh"; ln -s /etc "$E/link"; ln -s ../outside "$E/up"
rm "$E/hostlink"; mkdir "$E/hostlink"; cp "$W/evil" "$E/hostlink/passwd"
mkdir "$E/ro"; cp "$W/newfile" "$E/ro/inside"; chmod 555 "$E/ro"
cp "$W/newfile" "$E/suid"; chmod 755 "$E/suid"	# set-user-ID is dropped
ln -s "$LONG" "$E/longlink"; : >"$E/empty"; mkdir "$E/emptydir"; cp "$W/sparse" "$E/sparse"

# tree DIR: every entry, name quoted, type, mode, size and link target or hash
tree() {
	python3 - "$1" <<'PY'
import hashlib, os, stat, sys
top = sys.argv[1]
for root, dirs, files in os.walk(top):
    for name in sorted(dirs + files):
        p = os.path.join(root, name)
        st = os.lstat(p)
        what = os.readlink(p) if stat.S_ISLNK(st.st_mode) else (
            hashlib.sha256(open(p, 'rb').read()).hexdigest() if stat.S_ISREG(st.st_mode) else '')
        size = st.st_size if stat.S_ISREG(st.st_mode) else 0
        print(repr(os.path.relpath(p, top)), oct(st.st_mode), size, repr(what))
PY
}
outside_state() { tree "$OUTSIDE"; ls -l --time-style=+%s /etc/passwd; sha256sum /etc/passwd; }

outside_state >"$W/outside.before"
inodes() { stat -c %i "$H/files/f001" "$H/-dash" "$H/files/f500"; }
inodes >"$W/inodes.before"
start=$(date +%s%N)
pack copyout --copy-out "$IMG:$H"
echo "# copy-out took $(( ($(date +%s%N) - start) / 1000000 )) ms"
expect_eq "--copy-out exits 0" 0 "$rc"
expect_eq "the FIFO is skipped in one line" 1 "$(grep -c 'skipped fifo: a FIFO' "$W/copyout.log")"
tree "$H" >"$W/got"; tree "$E" >"$W/want"
if diff "$W/want" "$W/got" >"$W/tree.diff"; then
	ok "HOSTDIR matches the image ($(wc -l <"$W/got") entries: 1,000 files, 50 MiB, deletions, modes, links)"
else fail "HOSTDIR matches the image"; evidence "$W/tree.diff"; fi
outside_state >"$W/outside.after"
if diff "$W/outside.before" "$W/outside.after" >"$W/outside.diff"; then
	ok "nothing outside HOSTDIR changed (the guest's links to /etc and ../outside, the host's link replaced by a directory)"
else fail "nothing outside HOSTDIR changed"; evidence "$W/outside.diff"; fi
expect_eq "link -> /etc is a link, not followed" "/etc" "$(readlink "$H/link")"
expect_eq "the host's link became a real directory" "directory" "$(stat -c %F "$H/hostlink")"
expect_eq "awkward names survive" "newline
spaces
utf8
dash" "$(cat "$H/new"$'\n'"line" "$H/with space" "$H/ünïcødé ☃" "$H/-dash" | sed 's/respaced/spaces/')"
expect_eq "owners stay the builder's" "" "$(find "$H" ! -uid "$(as_builder id -u)" | head -3)"
expect_eq "no temporary file left" "" "$(find "$H" -name '.mkrootfs-copy-out.*')"
inodes >"$W/inodes.after"
expect_eq "unchanged files are not rewritten (same inodes)" \
	"$(sed -n '1,2p' "$W/inodes.before")" "$(sed -n '1,2p' "$W/inodes.after")"
if [ "$(sed -n 3p "$W/inodes.before")" != "$(sed -n 3p "$W/inodes.after")" ]; then
	ok "the changed file was replaced"; else fail "the changed file was replaced"; fi
sparse_kib=$(du -k "$H/sparse" | cut -f1)
if [ "$sparse_kib" -lt 1024 ]; then ok "20 MiB of zeros stay a hole on the host ($sparse_kib KiB allocated)"
else fail "20 MiB of zeros stay a hole on the host ($sparse_kib KiB allocated)"; fi
expect_eq "the 50 MiB file is the guest's" "$(sha256sum <"$W/big2")" "$(sha256sum <"$H/big")"

echo "# a second copy-out changes nothing"
ls -i -R "$H" >"$W/all.before"
pack again --copy-out "$IMG:$H"
ls -i -R "$H" >"$W/all.after"
tree "$H" >"$W/got2"
expect_eq "the second run exits 0" 0 "$rc"
if cmp -s "$W/all.before" "$W/all.after" && cmp -s "$W/got" "$W/got2"; then
	ok "the second run rewrote nothing"; else fail "the second run rewrote nothing"; fi

echo "# refusals"
# bad WHAT MESSAGE-PART ARGS...
bad() {
	local what=$1 part=$2 why=""; shift 2
	tree "$H" >"$W/bad.before"
	pack bad "$@"
	[ "$rc" -ne 0 ] || why="exit 0;"
	grep -q -F -- "$part" "$W/bad.log" || why="$why message lacks '$part';"
	[ "$(wc -l <"$W/bad.log")" -eq 1 ] || why="$why not one line;"
	tree "$H" | cmp -s - "$W/bad.before" || why="$why HOSTDIR changed;"
	if [ -z "$why" ]; then ok "$what: $(cat "$W/bad.log")"; else fail "$what: $why"; evidence "$W/bad.log"; fi
}
echo "not an image" >"$W/src/junk.img"; give "$W/src/junk.img"
bad "HOSTDIR missing" "$W/src/nope: No such file or directory" --copy-out "$IMG:$W/src/nope"
bad "HOSTDIR a file" "Not a directory" --copy-out "$IMG:$H/mode.sh"
bad "not an ext image" "is not an ext2/3/4 file system" --copy-out "$W/src/junk.img:$H"
bad "no HOSTDIR" "expected IMAGE:HOSTDIR" --copy-out "$IMG"
cp "$IMG" "$H/inside.img"; give "$H/inside.img"
bad "the image inside HOSTDIR" "the image is inside" --copy-out "$H/inside.img:$H"
rm -f "$H/inside.img"
cp --sparse=always "$IMG" "$OUT/dirty.img"; give "$OUT/dirty.img"
debugfs -w -R "feature needs_recovery" "$OUT/dirty.img" >/dev/null 2>&1
bad "a journal that needs recovery" "needs recovery" --copy-out "$OUT/dirty.img:$H"
cp --sparse=always "$IMG" "$OUT/errors.img"; give "$OUT/errors.img"
debugfs -w -R "ssv state 3" "$OUT/errors.img" >/dev/null 2>&1	# valid, errors found
bad "errors recorded by the guest's kernel" "has file system errors recorded" --copy-out "$OUT/errors.img:$H"
debugfs -w -R "ssv state 0" "$OUT/errors.img" >/dev/null 2>&1	# mounted, never unmounted
bad "not cleanly unmounted" "was not cleanly unmounted" --copy-out "$OUT/errors.img:$H"
pack usage --copy-out "$IMG:$H" -o "$OUT/x.img"
expect_eq "--copy-out with -o is a usage error" 2 "$rc"
finish
