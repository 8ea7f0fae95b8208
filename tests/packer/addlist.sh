#!/bin/bash
# --add-list FILE: --add for each line of a file, for lists longer than a
# command line takes (run-qemu --host-tools packs thousands of files that
# way); its bad input. And a tree of 20,000 directories, more metadata
# than the packer keeps copies of in memory: every directory is there.
. "$(dirname "$0")/../lib/packer.sh"

S=$W/src
mkdir -p "$S/a/b"
echo one >"$S/one"
echo two >"$S/a/b/two"
ln -s one "$S/link"
printf '%s\n' "$S/one:/usr/bin/one" "" "$S/a:/opt/a" "$S/link:/usr/bin/link" "$S/one:/etc/" >"$S/list"
give -R "$S"

echo "# --add-list: files, a tree, a link, an empty line"
check_pack "--add-list succeeds" list --bare -t ext4 -o "$OUT/list.img" --add-list "$S/list"
check_fsck "$OUT/list.img"
same_file "a file at its place" "$OUT/list.img" /usr/bin/one "$S/one"
same_file "a tree at its place" "$OUT/list.img" /opt/a/b/two "$S/a/b/two"
expect_entry "$OUT/list.img" "/usr/bin/link symlink 0777 0 0 - one"
same_file "DEST ending in / takes SRC's name" "$OUT/list.img" /etc/one "$S/one"
check_pack "--add-list and --add together" both --bare -o "$OUT/both.img" --add-list "$S/list" \
	--add "$S/a/b/two:/two"
same_file "... both are there" "$OUT/both.img" /two "$S/a/b/two"

echo "# bad input: one line naming the list and the line"
printf '%s\n' "$S/one:/x" "no-separator" >"$S/bad"
printf '%s\n' "$S/nope:/x" >"$S/gone"
give "$S/bad" "$S/gone"
# bad WHAT TEXT ARGS...: exit 1, one line holding TEXT, no image.
bad() {
	local what=$1 text=$2; shift 2
	pack bad --bare -o "$OUT/bad.img" "$@"
	if [ "$rc" -eq 1 ] && [ "$(wc -l <"$W/bad.log")" -eq 1 ] && grep -qF -- "$text" "$W/bad.log" &&
		[ ! -e "$OUT/bad.img" ]; then ok "$what: $(cat "$W/bad.log")"
	else fail "$what: want exit 1 and one line with '$text', no image (exit $rc)"; evidence "$W/bad.log"; fi
}
bad "a line without SRC:DEST" "mkrootfs: error: --add-list $S/bad, line 2: no-separator: expected SRC:DEST" \
	--add-list "$S/bad"
bad "a source that does not exist" "$S/nope" --add-list "$S/gone"
bad "a list that does not exist" "mkrootfs: error: --add-list $S/none: No such file or directory" \
	--add-list "$S/none"
pack empty --bare -o "$OUT/bad.img" --add-list ""
expect_eq "an empty file name is a usage error (exit 2)" 2 "$rc"

echo "# 20,000 directories: more metadata than the packer keeps copies of"
mkdir -p "$S/many" && (cd "$S/many" && mkdir -p d{0..199}/e{0..99}) && give -R "$S/many"
check_pack "mkrootfs packs them" many --bare -t ext4 -s 1G -o "$OUT/many.img" --add "$S/many:/many"
check_fsck "$OUT/many.img"
n=$(debugfs -R "ls -p /many/d199" "$OUT/many.img" 2>/dev/null | grep -c '/e[0-9]*/')
expect_eq "the last directory made holds its 100 directories" 100 "$n"
expect_eq "... and so do the first and one in the middle" "100 100" \
	"$(for d in d0 d57; do debugfs -R "ls -p /many/$d" "$OUT/many.img" 2>/dev/null | grep -c '/e[0-9]*/'; done | tr '\n' ' ' | sed 's/ $//')"
finish
