#!/bin/bash
# shellcheck disable=SC2016 # single quotes: these words are for sh -c and eval, or Markdown
# mkrootfs against a hostile host and damaged images (the packer's own suite,
# tests/packer/badinput.sh, covers bad options and sources). Every case must
# end within a minute (a hang is a failure) with one line
# "mkrootfs: error: ...", exit status 1, the user's file byte-for-byte as it
# was and no temporary file left. What the user saw in each case is written
# as a Markdown table to $BUILD/bench/mkrootfs-input.md.
. "$(dirname "$0")/../lib/report.sh"

W=$(mktemp -d "${TMPDIR:-/tmp}/minroot-input.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
chmod 755 "$W"
M=$B/mkrootfs
TABLE=$B/bench/mkrootfs-input.md
mkdir -p "$B/bench"
printf '| case | what the user sees (exit status) |\n|---|---|\n' >"$TABLE"
"$M" --init "$B/init" -o "$W/good.img" >"$W/good.log" 2>&1 ||
	{ fail "a good image to damage"; evidence "$W/good.log"; finish; }

# verdict WHAT WANT_RC [PART]: judge the last run from $W/rc, $W/err (which
# names PART, if given), $W/keep
# (the user's file after the run, to compare with $W/orig; absent when there
# is none) and $W/left (names of temporary files left).
verdict() {
	local what=$1 want=$2 part=${3:-} rc why=
	rc=$(cat "$W/rc")
	[ "$rc" = "$want" ] || why="exit $rc, want $want;"
	[ -z "$part" ] || grep -q -F -- "$part" "$W/err" || why="$why the message does not name $part;"
	[ "$(wc -l <"$W/err")" -eq 1 ] || why="$why not one line;"
	grep -q '^mkrootfs: error: ' "$W/err" || why="$why no 'mkrootfs: error: ';"
	[ ! -e "$W/keep" ] || cmp -s "$W/keep" "$W/orig" || why="$why the user's file changed;"
	[ ! -s "$W/left" ] || why="$why temporary file left: $(cat "$W/left");"
	local msg; msg=$(head -n 1 "$W/err" | sed -E "s|$W/||g; s/x{20,}/xxx…/g")
	printf '| %s | `%s` (%s) |\n' "$what" "${msg//|/\\|}" "$rc" >>"$TABLE"
	if [ -z "$why" ]; then ok "$what: $msg"; else fail "$what: $why"; evidence "$W/err"; fi
}

# run_mkrootfs KEEP ARGS...: mkrootfs with a one-minute limit; KEEP is the
# user's file to compare afterwards ("-" for none).
run_mkrootfs() {
	local keep=$1; shift
	timeout -k 5 60 "$@" 2>"$W/err" >/dev/null
	echo $? >"$W/rc"
	rm -f "$W/keep"
	[ "$keep" = - ] || cp "$keep" "$W/keep" 2>/dev/null || : >"$W/keep"
	find "$W" -name '*.tmp-*' >"$W/left"
}

# in_tmpfs WHAT OPTS SETUP ARGS...: in a private mount namespace, a tmpfs
# mounted with OPTS at $W/fs; SETUP (shell) runs there, then mkrootfs ARGS
# (names relative to the tmpfs). keep.img is the user's file.
in_tmpfs() {
	local what=$1 opts=$2 setup=$3; shift 3
	mkdir -p "$W/fs"
	rm -f "$W/orig"
	unshare --user --map-root-user --mount -- sh -c '
		W=$1 M=$2 opts=$3 setup=$4; shift 4
		mount -t tmpfs -o "$opts" tmpfs "$W/fs" && cd "$W/fs" && eval "$setup" || exit 99
		cp keep.img "$W/orig" 2>/dev/null
		timeout -k 5 60 "$M" "$@" 2>"$W/err" >/dev/null
		echo $? >"$W/rc"
		rm -f "$W/keep"
		[ ! -e "$W/orig" ] || cp keep.img "$W/keep" 2>/dev/null || : >"$W/keep"
		find . -name "*.tmp-*" >"$W/left"' sh "$W" "$M" "$opts" "$setup" "$@" >"$W/ns.log" 2>&1
	if [ $? -eq 99 ]; then fail "$what: setting up the tmpfs"; evidence "$W/ns.log"; return; fi
	verdict "$what" 1
}

echo "# the host's file system"
in_tmpfs "-o on a full file system (a 1 MiB tmpfs)" size=1m \
	'echo precious >keep.img' --init "$B/init" -o keep.img
in_tmpfs "-o on a read-only file system" size=1m,ro ':' --init "$B/init" -o new.img
in_tmpfs "--update of an image on a read-only file system" size=200m \
	"cp '$W/good.img' keep.img && mount -o remount,ro ." --init "$B/init" --update keep.img
long=$(printf 'x%.0s' $(seq 248)).img   # 252 bytes: room for no temporary name beside it
(cd "$W" && run_mkrootfs - "$M" --init "$B/init" -o "$long")
verdict "-o a 252-byte name (the temporary name beside it is too long)" 1

echo "# permissions (as an unprivileged user)"
NOBODY=()
[ "$(id -u)" -ne 0 ] || NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
cp "$W/good.img" "$W/ro.img"; chmod 444 "$W/ro.img"; cp "$W/ro.img" "$W/orig"
# mkrootfs and its init from here: build/ may be out of nobody's reach (a
# clone in a 0700 directory).
cp "$M" "$B/init" "$W/" && chmod 755 "$W/mkrootfs" "$W/init"
run_mkrootfs "$W/ro.img" "${NOBODY[@]}" "$W/mkrootfs" --init "$W/init" --update "$W/ro.img"
verdict "--update of an image the user may not write" 1 "ro.img"

echo "# damaged or foreign images for --update"
# damaged WHAT SETUP: SETUP makes $W/d.img from $W/good.img, then --update.
damaged() {
	cp "$W/good.img" "$W/d.img"
	eval "$2" >/dev/null 2>&1
	cp "$W/d.img" "$W/orig"
	run_mkrootfs "$W/d.img" "$M" --init "$B/init" --update "$W/d.img"
	verdict "--update of $1" 1
}
damaged "an empty file" ': >"$W/d.img"'
damaged "1 MiB of random bytes" 'head -c 1M /dev/urandom >"$W/d.img"'
damaged "an image cut to its first MiB" 'truncate -s 1M "$W/d.img"'
damaged "an image whose superblock magic is zeroed" \
	'printf "\0\0" | dd of="$W/d.img" bs=1 seek=1080 conv=notrunc status=none'
damaged "an image whose root directory inode is cleared" 'debugfs -w -R "clri <2>" "$W/d.img"'
damaged "an image whose /sbin inode is cleared" 'debugfs -w -R "clri /sbin" "$W/d.img"'
mkdir "$W/dir"
run_mkrootfs - "$M" --init "$B/init" --update "$W/dir"
verdict "--update of a directory" 1
run_mkrootfs - "$M" --init "$B/init" --update /dev/null
verdict "--update of /dev/null" 1

echo "# the table of what the user sees: ${TABLE#"$TOP"/}"
finish
