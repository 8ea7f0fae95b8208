#!/bin/bash
# A new image as an unprivileged user: contents, owners, modes, device
# numbers, applet links, journal, sparseness; ext2/ext4; --add/--overlay.
. "$(dirname "$0")/../lib/packer.sh"

BUSYBOX=$(command -v busybox)
IMG=$OUT/root.img

echo "# default ext3 image, default init and busybox, as uid $(as_builder id -u)"
check_pack "mkrootfs -o root.img succeeds as an unprivileged user" default -o "$IMG"
check_fsck "$IMG"
expect_eq "apparent size is 128 MiB" 134217728 "$(stat -c %s "$IMG")"
alloc=$(( $(stat -c %b "$IMG") * $(stat -c %B "$IMG") ))
if [ "$alloc" -lt $((16 << 20)) ]; then ok "the file is sparse ($alloc bytes allocated)"
else fail "the file is sparse ($alloc bytes allocated, want < 16 MiB)"; fi
dumpe2fs -h "$IMG" >"$W/dumpe2fs" 2>/dev/null
features=$(sed -n 's/^Filesystem features: *//p' "$W/dumpe2fs")
case " $features " in *" has_journal "*) ok "ext3 has a journal ($features)" ;;
	*) fail "ext3 has a journal"; evidence "$W/dumpe2fs" ;; esac
case " $features " in *" extent "*|*" 64bit "*|*" metadata_csum "*)
	fail "ext3 has no extents, 64bit or metadata_csum ($features)" ;;
	*) ok "ext3 has no extents, 64bit or metadata_csum" ;; esac
expect_eq "journal is 4 MiB" "4096k" "$(sed -n 's/^Total journal size: *//p' "$W/dumpe2fs")"
expect_eq "file system state" "clean" "$(sed -n 's/^Filesystem state: *//p' "$W/dumpe2fs")"

echo "# owners: every inode 0:0 although uid $(as_builder id -u) built it"
walk "$IMG" >"$W/walk"
expect_eq "entries found by walking the image" yes "$([ "$(wc -l <"$W/walk")" -gt 250 ] && echo yes || echo no)"
awk '$3 != 0 || $4 != 0' "$W/walk" >"$W/not-root"
if [ ! -s "$W/not-root" ]; then ok "every entry is owned by 0:0"; else fail "every entry is owned by 0:0"; evidence "$W/not-root"; fi
expect_entry "$IMG" "/ directory 0755 0 0 - -"

echo "# /dev nodes"
expect_entry "$IMG" "/dev/console character_special 0600 0 0 05:01 -"
expect_entry "$IMG" "/dev/null character_special 0666 0 0 01:03 -"
expect_entry "$IMG" "/dev/zero character_special 0666 0 0 01:05 -"
expect_entry "$IMG" "/dev/full character_special 0666 0 0 01:07 -"
expect_entry "$IMG" "/dev/random character_special 0666 0 0 01:08 -"
expect_entry "$IMG" "/dev/urandom character_special 0666 0 0 01:09 -"
expect_entry "$IMG" "/dev/tty character_special 0666 0 0 05:00 -"
expect_entry "$IMG" "/dev/ptmx character_special 0666 0 0 05:02 -"
expect_entry "$IMG" "/dev/kmsg character_special 0644 0 0 01:11 -"
for i in 0 1 2 3; do
	expect_entry "$IMG" "/dev/ttyS$i character_special 0660 0 0 04:$((64 + i)) -"
done

echo "# directories and /etc"
for d in /proc /sys /dev/pts /run /etc /bin /sbin /usr/bin /usr/sbin; do
	expect_entry "$IMG" "$d directory 0755 0 0 - -"
done
expect_entry "$IMG" "/tmp directory 01777 0 0 - -"
expect_entry "$IMG" "/root directory 0700 0 0 - -"
expect_entry "$IMG" "/lost+found directory 0700 0 0 - -"
# empty, as on real x86-64 roots: where run-qemu --share-libs shows the host's loader
expect_entry "$IMG" "/lib64 directory 0755 0 0 - -"
for f in passwd group hostname profile fstab; do
	expect_entry "$IMG" "/etc/$f regular 0644 0 0 - -"
done
expect_entry "$IMG" "/etc/mtab symlink 0777 0 0 - /proc/mounts"
expect_eq "/etc/passwd has root" "root:x:0:0:root:/root:/bin/sh" "$(cat_file "$IMG" /etc/passwd)"
expect_eq "/etc/group has root" "root:x:0:" "$(cat_file "$IMG" /etc/group)"
expect_eq "/etc/hostname" "minroot" "$(cat_file "$IMG" /etc/hostname)"
expect_eq "/etc/profile prompt shows user@host:cwd" "PS1='\\u@\\h:\\w\\\$ '" \
	"$(cat_file "$IMG" /etc/profile | grep '^PS1=')"
expect_eq "/etc/fstab mounts proc" "proc /proc proc" "$(cat_file "$IMG" /etc/fstab | awk '$2 == "/proc" { print $1, $2, $3 }')"

echo "# programs and applet links"
expect_entry "$IMG" "/sbin/init regular 0755 0 0 - -"
expect_entry "$IMG" "/bin/busybox regular 0755 0 0 - -"
same_file "/sbin/init is the init beside mkrootfs" "$IMG" /sbin/init "$INIT"
same_file "/bin/busybox is the static busybox from PATH ($BUSYBOX)" "$IMG" /bin/busybox "$BUSYBOX"
"$BUSYBOX" --list-full | grep -v -x -e bin/busybox -e sbin/init | sed 's|^|/|' >"$W/applets"
# shellcheck disable=SC2046 # one applet path a line, no blanks
describe "$IMG" $(cat "$W/applets") >"$W/applet-stat"
awk '$2 != "symlink" || $7 != "/bin/busybox"' "$W/applet-stat" >"$W/bad-applets"
expect_eq "applet links checked" "$(wc -l <"$W/applets")" "$(wc -l <"$W/applet-stat")"
if [ ! -s "$W/bad-applets" ]; then ok "every applet of busybox --list-full links to /bin/busybox ($(wc -l <"$W/applets") links)"
else fail "every applet links to /bin/busybox"; evidence "$W/bad-applets"; fi
expect_entry "$IMG" "/bin/sh symlink 0777 0 0 - /bin/busybox"
expect_entry "$IMG" "/sbin/poweroff symlink 0777 0 0 - /bin/busybox"

echo "# ext2 and ext4"
check_pack "-t ext2 succeeds" ext2 -t ext2 -o "$OUT/e2.img"
check_fsck "$OUT/e2.img"
f2=$(dumpe2fs -h "$OUT/e2.img" 2>/dev/null | sed -n 's/^Filesystem features: *//p')
case " $f2 " in *" has_journal "*) fail "ext2 has no journal ($f2)" ;; *) ok "ext2 has no journal" ;; esac
check_pack "-t ext4 succeeds" ext4 -t ext4 -s 256M -o "$OUT/e4.img"
check_fsck "$OUT/e4.img"
f4=$(dumpe2fs -h "$OUT/e4.img" 2>/dev/null | sed -n 's/^Filesystem features: *//p')
case " $f4 " in *" has_journal "*" extent "*) ok "ext4 has a journal and extents" ;;
	*) fail "ext4 has a journal and extents ($f4)" ;; esac
expect_eq "ext4 files use extents" "0x80000" "$(debugfs -R 'stat /bin/busybox' "$OUT/e4.img" 2>/dev/null | sed -n 's/.*Flags: \(0x[0-9a-f]*\).*/\1/p')"
same_file "ext4 /bin/busybox content" "$OUT/e4.img" /bin/busybox "$BUSYBOX"

echo "# choosing init and busybox"
cp "$BUSYBOX" "$W/bin/busybox-copy"
cp "$INIT" "$W/bin/other-init"
printf 'x' >>"$W/bin/other-init"	# a different file that is still a static ELF
check_pack "--init and --busybox are used" pick --init "$W/bin/other-init" --busybox "$W/bin/busybox-copy" -o "$OUT/pick.img"
same_file "--init PATH becomes /sbin/init" "$OUT/pick.img" /sbin/init "$W/bin/other-init"
as_builder env BUSYBOX="$W/bin/busybox-copy" PATH=/nonexistent "$MKROOTFS" -o "$OUT/envbb.img" >"$W/envbb.log" 2>&1
expect_eq "\$BUSYBOX is used when PATH has none" 0 "$?"

echo "# --add and --overlay"
S=$W/src
mkdir -p "$S/tree/sub" "$S/tree/empty" "$S/ov/etc"
echo hello >"$S/hello"; chmod 0640 "$S/hello"
echo a >"$S/tree/a.txt"; chmod 0600 "$S/tree/a.txt"
printf '#!/bin/sh\necho b\n' >"$S/tree/sub/b.sh"; chmod 0750 "$S/tree/sub/b.sh"
chmod 0700 "$S/tree/empty"; chmod 0751 "$S/tree"
ln -s a.txt "$S/tree/link"
mkfifo "$S/tree/fifo"
echo overlaid >"$S/ov/etc/hostname"
echo welcome >"$S/ov/etc/motd"
[ "$(id -u)" -ne 0 ] || chown -R "$NOBODY:$NOBODY" "$S"
check_pack "--add and --overlay succeed" add -o "$OUT/add.img" --add "$S/hello:/opt/hello" \
	--add "$S/tree:/srv/tree" --add "$S/hello:/usr/local/bin/" --add "$S/tree/link:/lnk" --overlay "$S/ov"
check_fsck "$OUT/add.img"
expect_entry "$OUT/add.img" "/opt directory 0755 0 0 - -"
expect_entry "$OUT/add.img" "/opt/hello regular 0640 0 0 - -"
same_file "--add copies a file's bytes" "$OUT/add.img" /opt/hello "$S/hello"
expect_entry "$OUT/add.img" "/usr/local/bin/hello regular 0640 0 0 - -"
expect_entry "$OUT/add.img" "/srv/tree directory 0751 0 0 - -"
expect_entry "$OUT/add.img" "/srv/tree/a.txt regular 0600 0 0 - -"
expect_entry "$OUT/add.img" "/srv/tree/sub/b.sh regular 0750 0 0 - -"
expect_entry "$OUT/add.img" "/srv/tree/empty directory 0700 0 0 - -"
expect_entry "$OUT/add.img" "/srv/tree/link symlink 0777 0 0 - a.txt"
expect_entry "$OUT/add.img" "/srv/tree/fifo FIFO 0644 0 0 - -"
expect_entry "$OUT/add.img" "/lnk symlink 0777 0 0 - a.txt"
expect_eq "--overlay replaces /etc/hostname" overlaid "$(cat_file "$OUT/add.img" /etc/hostname)"
expect_eq "--overlay adds /etc/motd" welcome "$(cat_file "$OUT/add.img" /etc/motd)"
walk "$OUT/add.img" | awk '$3 != 0 || $4 != 0' >"$W/not-root"
if [ ! -s "$W/not-root" ]; then ok "added files are 0:0 although the sources belong to the builder"
else fail "added files are 0:0"; evidence "$W/not-root"; fi

echo "# replacing an existing image, sizes"
echo "old contents" >"$OUT/existing.img"
check_pack "-o over an existing file succeeds" replace -o "$OUT/existing.img"
check_fsck "$OUT/existing.img"
check_pack "--size 1G succeeds" big -s 1G -o "$OUT/big.img"
expect_eq "apparent size is 1 GiB" 1073741824 "$(stat -c %s "$OUT/big.img")"
alloc=$(( $(stat -c %b "$OUT/big.img") * $(stat -c %B "$OUT/big.img") ))
if [ "$alloc" -lt $((16 << 20)) ]; then ok "1 GiB ext3 stays sparse, journal included ($alloc bytes)"
else fail "1 GiB ext3 stays sparse ($alloc bytes allocated)"; fi
check_fsck "$OUT/big.img"

echo "# no --size: an image that fits its content, with room to spare"
# 120 MiB of written (not zero) blocks: more than the default 128 MiB holds
# with a quarter to spare. The room: a quarter of the content plus 16 MiB.
mkdir -p "$W/bigsrc" && yes minroot | head -c 120M >"$W/bigsrc/content"
give "$W/bigsrc" "$W/bigsrc/content"
check_pack "120 MiB of content without --size" sized --add "$W/bigsrc/content:/content" -o "$OUT/sized.img"
check_fsck "$OUT/sized.img"
mib=$(( $(stat -c %s "$OUT/sized.img" 2>/dev/null || echo 0) >> 20 ))
free=$(( $(dumpe2fs -h "$OUT/sized.img" 2>/dev/null | sed -n 's/^Free blocks: *//p') * 4 / 1024 ))
if [ "$mib" -gt 128 ] && [ "$mib" -le $((120 * 5 / 4 + 16 + 32)) ]; then
	ok "the image is sized for the content: ${mib}M (over the 128M floor, under content x 1.25 + 48M)"
else fail "the image is sized for the content: ${mib}M"; evidence "$W/sized.log"; fi
if [ "$free" -ge $((120 / 4 + 16)) ]; then ok "room to spare: ${free} MiB free (a quarter of the content + 16 MiB)"
else fail "room to spare: ${free} MiB free, want >= $((120 / 4 + 16))"; fi
expect_eq "the line says the size it chose" ", ${mib}M to fit its content)" \
	"$(grep -o ", [0-9]*M to fit its content)" "$W/sized.log")"
rm -rf "$OUT/sized.img" "$W/bigsrc"
check_pack "-q prints nothing" quiet -q -o "$OUT/q.img"
expect_eq "-q output" "" "$(cat "$W/quiet.log")"
check_pack "-v lists every entry" verbose -v -o "$OUT/v.img"
expect_eq "-v mentions /bin/sh" "mkrootfs: /bin/sh -> /bin/busybox" "$(grep -x 'mkrootfs: /bin/sh -> /bin/busybox' "$W/verbose.log")"
no_temp_files "$OUT" "no temporary file is left in the output directory"
finish
