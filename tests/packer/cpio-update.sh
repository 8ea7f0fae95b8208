#!/bin/bash
# --update of an initramfs (newc cpio, plain or gzip): our init at
# /sbin/init and /init, the old ones kept as .orig, every other entry
# identical (names, owners, modes, times, device numbers, hard links,
# bytes), written atomically; bad archives refused with one line.
. "$(dirname "$0")/../lib/packer.sh"

S=$W/src
BUSYBOX=$(command -v busybox)

# An archive made by GNU cpio from a tree, the blog's way: busybox as
# /sbin/init and /init, hard links, an owner that is not root (as root).
mkdir -p "$S/blog/"{bin,sbin,etc,dev,proc,sys}
cp "$BUSYBOX" "$S/blog/busybox"
ln -s /busybox "$S/blog/sbin/init"; ln -s /busybox "$S/blog/init"; ln -s /busybox "$S/blog/bin/sh"
echo blog >"$S/blog/etc/hostname"; ln "$S/blog/etc/hostname" "$S/blog/etc/hostname.link"
head -c 5000 /dev/urandom >"$S/blog/etc/blob"
touch -d @1234567890 "$S/blog/etc/hostname" "$S/blog/etc/blob"
[ "$(id -u)" -ne 0 ] || chown 1000:100 "$S/blog/etc/blob"
(cd "$S/blog" && find . | LC_ALL=C sort | cpio -o -H newc --quiet >"$OUT/blog.cpio") ||
	fail "GNU cpio made the blog archive"
gzip -9n <"$OUT/blog.cpio" >"$OUT/blog.cpio.gz"
# Another made by mkrootfs: device nodes, directories, applet links.
pack ours -t cpio -o "$OUT/ours.cpio"
give "$OUT"/*.cpio "$OUT"/*.cpio.gz

# listing ARCHIVE: cpio -itv with numeric owners, one entry a line
listing() { zcat -f "$1" | cpio -itv --numeric-uid-gid 2>/dev/null; }
# others LISTING: the lines of every entry that is not an init
others() { grep -v -E ' (\./)?(sbin/)?init(\.orig)?( ->.*)?$' "$1"; }
# line NAME LISTING: "MODE LINKS SIZE [-> TARGET]" of one entry
line() { awk -v n="$1" '{ name = ($0 ~ / -> /) ? $(NF-2) : $NF; sub(/^\.\//, "", name) }
	name == n { print $1, $2, ($0 ~ /^[cb]/) ? $5 $6 : $5, ($0 ~ / -> /) ? "-> " $NF : "" }' "$2"; }

# extracted ARCHIVE DIR: cpio --extract into DIR (no device nodes without root)
extracted() { rm -rf "$2"; mkdir -p "$2"; (cd "$2" && zcat -f "$1" | cpio -idm --quiet --no-absolute-filenames 2>/dev/null); }

for arc in blog.cpio blog.cpio.gz ours.cpio; do
	echo "# $arc"
	A=$OUT/$arc
	cp "$A" "$W/before"
	listing "$W/before" >"$W/before.list"
	SOURCE_DATE_EPOCH=1700000000 pack upd-$arc --update "$A"
	if [ "$rc" -eq 0 ]; then ok "$arc: --update succeeds"; else fail "$arc: --update succeeds (exit $rc)"; evidence "$W/upd-$arc.log"; continue; fi
	no_temp_files "$OUT" "$arc: no temporary file is left"
	case $arc in *.gz) expect_eq "$arc: still gzip" 1f8b "$(head -c 2 "$A" | od -An -tx1 | tr -d ' \n')" ;;
		*) expect_eq "$arc: still plain newc" 070701 "$(head -c 6 "$A")" ;; esac
	listing "$A" >"$W/after.list"
	zcat -f "$A" | cpio -it >/dev/null 2>"$W/cpio.err"
	expect_eq "$arc: GNU cpio reads it without complaint" "" "$(grep -v blocks "$W/cpio.err")"
	others "$W/before.list" >"$W/before.others"; others "$W/after.list" >"$W/after.others"
	if [ "$(wc -l <"$W/before.others")" -gt 5 ] && diff "$W/before.others" "$W/after.others" >"$W/diff"; then
		ok "$arc: every other entry is listed as before ($(wc -l <"$W/before.others") entries: names, modes, owners, links, sizes, times, devices)"
	else fail "$arc: every other entry is listed as before"; evidence "$W/diff"; fi
	expect_eq "$arc: /sbin/init is ours, two names" "-rwxr-xr-x 2 $(stat -c %s "$INIT") " "$(line sbin/init "$W/after.list")"
	expect_eq "$arc: /init is its other name, no data of its own" "-rwxr-xr-x 2 0 " "$(line init "$W/after.list")"
	expect_eq "$arc: the old /sbin/init kept as sbin/init.orig" "$(line sbin/init "$W/before.list")" "$(line sbin/init.orig "$W/after.list")"
	extracted "$A" "$W/x"
	if cmp -s "$W/x/sbin/init" "$INIT" && [ "$(stat -c %i "$W/x/init")" = "$(stat -c %i "$W/x/sbin/init")" ]; then
		ok "$arc: cpio --extract gives our init, /init the same inode"
	else fail "$arc: cpio --extract gives our init, /init the same inode"; fi
	extracted "$W/before" "$W/y"
	# ours out, the .orig back to their names: then all is as it was
	rm -f "$W/x/init" "$W/x/sbin/init"
	for f in init sbin/init; do
		# shellcheck disable=SC2015 # mv when a link or a file is there
		[ ! -L "$W/x/$f.orig" ] && [ ! -e "$W/x/$f.orig" ] || mv "$W/x/$f.orig" "$W/x/$f"
	done
	# times of files only: cpio -m cannot set a symlink's, and a directory's
	# changes as its entries are made (the listings above compare them all);
	# device numbers listed here, the nodes then left out of diff -r, which
	# calls two nodes different when their ctimes (the extractions') fall
	# in different seconds
	for t in y x; do
		(cd "$W/$t" && { find . -printf '%p %y %m %U %G %n %s %l\n' -type f -printf '%p %T@\n'
			find . \( -type c -o -type b \) -exec stat -c '%n %t:%T' {} +; } | sort) >"$W/$t.find"
		find "$W/$t" \( -type c -o -type b \) -delete
	done
	if diff "$W/y.find" "$W/x.find" >"$W/diff" && diff -r --no-dereference "$W/y" "$W/x" >>"$W/diff"; then
		ok "$arc: extracted, everything else is as before (bytes, modes, owners, file times, link counts)"
	else fail "$arc: extracted, everything else is as before"; evidence "$W/diff"; fi
done

echo "# what the blog archive's entries became"
L=$(listing "$OUT/blog.cpio")
echo "$L" >"$W/blog.list"
expect_eq "hard links kept: etc/hostname and its link, data on the last" "-rw-r--r-- 2 0  -rw-r--r-- 2 5 " \
	"$(line etc/hostname "$W/blog.list") $(line etc/hostname.link "$W/blog.list")"
expect_eq "the old /init kept as init.orig" "lrwxrwxrwx 1 8 -> /busybox" "$(line init.orig "$W/blog.list")"
if [ "$(id -u)" -eq 0 ]; then
	expect_eq "etc/blob keeps its owner 1000:100" "1000 100" "$(echo "$L" | awk '$NF == "etc/blob" { print $3, $4 }')"
fi
expect_eq "etc/blob keeps its time (2009-02-13)" "Feb 13 2009" "$(echo "$L" | awk '$NF == "etc/blob" { print $6, $7, $8 }')"

echo "# a second update, --no-backup, reproducibility"
cp "$OUT/blog.cpio" "$W/once.cpio"
cp "$INIT" "$W/bin/init2"; printf 'x' >>"$W/bin/init2"
pack again --update "$OUT/blog.cpio" --init "$W/bin/init2"
expect_eq "a second --update succeeds" 0 "$rc"
listing "$OUT/blog.cpio" >"$W/twice.list"
expect_eq "the first original is kept" "lrwxrwxrwx 1 8 -> /busybox" "$(line sbin/init.orig "$W/twice.list")"
expect_eq "one sbin/init, the new one" "-rwxr-xr-x 2 $(stat -c %s "$W/bin/init2") " "$(line sbin/init "$W/twice.list")"
expect_eq "one entry per name" "" "$(cpio -it <"$OUT/blog.cpio" 2>/dev/null | sort | uniq -d)"
(cd "$S/blog" && find . | LC_ALL=C sort | cpio -o -H newc --quiet >"$OUT/nb.cpio"); give "$OUT/nb.cpio"
pack nb --update "$OUT/nb.cpio" --no-backup
listing "$OUT/nb.cpio" >"$W/nb.list"
expect_eq "--no-backup: no .orig" "" "$(grep -E 'init\.orig' "$W/nb.list")"
cp "$W/before" "$OUT/r1.cpio"; cp "$W/before" "$OUT/r2.cpio"; give "$OUT/r1.cpio" "$OUT/r2.cpio"
SOURCE_DATE_EPOCH=1700000000 pack r1 --update "$OUT/r1.cpio"
sleep 1.1
SOURCE_DATE_EPOCH=1700000000 pack r2 --update "$OUT/r2.cpio"
if cmp -s "$OUT/r1.cpio" "$OUT/r2.cpio"; then ok "the same archive updated twice gives the same bytes"
else fail "the same archive updated twice gives the same bytes"; fi

echo "# --add into an archive"
echo added >"$S/added"; give "$S/added"
cp "$W/once.cpio" "$OUT/add.cpio"; give "$OUT/add.cpio"
pack add --update "$OUT/add.cpio" --add "$S/added:/etc/hostname.link"
listing "$OUT/add.cpio" >"$W/add.list"
expect_eq "--add replaces an entry" "-rw-r--r-- 1 6 " "$(line etc/hostname.link "$W/add.list")"
expect_eq "its old name, a link no more, keeps the data" "-rw-r--r-- 2 5 " "$(line etc/hostname "$W/add.list")"

echo "# refusals leave the archive as it was"
refused() {	# refused WHAT EXPECTED-MESSAGE ARCHIVE [ARGS...]
	local what=$1 msg=$2 arc=$3; shift 3
	cp "$arc" "$W/copy"
	pack refused --update "$arc" "$@"
	local lines; lines=$(wc -l <"$W/refused.log")
	if [ "$rc" -eq 1 ] && grep -q "^mkrootfs: error: .*$msg" "$W/refused.log" && [ "$lines" -eq 1 ] &&
	   cmp -s "$arc" "$W/copy"; then ok "$what: $(cat "$W/refused.log")"
	else fail "$what (exit $rc, want 1, one line with '$msg', archive unchanged)"; evidence "$W/refused.log"; fi
	no_temp_files "$OUT" "$what: no temporary file is left"
}
head -c 4000 "$W/once.cpio" >"$OUT/cut.cpio"; give "$OUT/cut.cpio"
refused "a truncated archive" "is not a newc cpio archive (an entry cut short at byte" "$OUT/cut.cpio"
head -c 20000 "$W/once.cpio" | gzip >"$OUT/cut.cpio.gz"; give "$OUT/cut.cpio.gz"
refused "a gzip of a truncated archive" "is not a newc cpio archive" "$OUT/cut.cpio.gz"
gzip <"$W/once.cpio" | head -c 30000 >"$OUT/cutgz.cpio.gz"; give "$OUT/cutgz.cpio.gz"
refused "a truncated gzip file" "its gzip stream ends early (the file is cut short)" "$OUT/cutgz.cpio.gz"
{ cat "$W/once.cpio"; printf 'garbage!'; } >"$OUT/junk.cpio"; give "$OUT/junk.cpio"
refused "bytes after the trailer that are no archive" "no newc header at byte" "$OUT/junk.cpio"
if command -v xz >/dev/null; then
	xz <"$W/once.cpio" >"$OUT/x.cpio.xz"; give "$OUT/x.cpio.xz"
	refused "an xz archive" "is xz-compressed; only plain and gzip newc cpio archives can be updated" "$OUT/x.cpio.xz"
fi
mkdir -p "$S/merged/usr/sbin"; ln -s usr/sbin "$S/merged/sbin"; cp "$BUSYBOX" "$S/merged/usr/sbin/init"
(cd "$S/merged" && find . | LC_ALL=C sort | cpio -o -H newc --quiet >"$OUT/merged.cpio"); give "$OUT/merged.cpio"
refused "sbin a symlink in the archive" "cannot install /sbin: the archive has something else than a directory there" "$OUT/merged.cpio"
cp "$W/once.cpio" "$OUT/dir.cpio"; give "$OUT/dir.cpio"
refused "--add of a file where the archive has a directory" "the archive has a directory there" "$OUT/dir.cpio" --add "$S/added:/etc"
pack typed --update "$OUT/ours.cpio" -t cpio
expect_eq "-t with --update is a usage error (exit 2)" 2 "$rc"
finish
