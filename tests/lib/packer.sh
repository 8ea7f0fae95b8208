# packer.sh - setup shared by the packer suites (sourced, not a suite).
# Images are built by an unprivileged user (nobody when the suites run as
# root, as in CI) in a scratch directory, then checked with e2fsprogs' own
# tools: e2fsck, debugfs, dumpe2fs.
# shellcheck shell=bash # sourced by bash scripts
. "$(dirname "${BASH_SOURCE[0]}")/report.sh"

NOBODY=65534
W=$(mktemp -d "${TMPDIR:-/tmp}/minroot-packer.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
chmod 755 "$W"
mkdir -p "$W/bin" "$W/out" "$W/src"
# The packer, its default init and its package fetcher side by side,
# readable by the builder (build/ may not be: a clone in a 0700 directory).
cp "$B/mkrootfs" "$B/init" "$B/debian-package" "$W/bin/" || exit 1
MKROOTFS=$W/bin/mkrootfs
INIT=$W/bin/init
OUT=$W/out
[ "$(id -u)" -ne 0 ] || chown "$NOBODY:$NOBODY" "$OUT" "$W/src"

# The packages the checks use; scripts/deps installs them as root.
need_tools() {
	if ! "$TOP/scripts/deps" e2fsprogs util-linux cpio gzip busybox-static >"$W/deps.log" 2>&1; then
		fail "the test tools are installed (e2fsprogs util-linux cpio gzip busybox-static)"
		evidence "$W/deps.log"
		finish
	fi
}
need_tools

# as_builder CMD...: run CMD as an unprivileged user. ${BUILDER[@]} is the
# bare prefix, for commands that must be the direct child of the suite.
BUILDER=()
[ "$(id -u)" -ne 0 ] || BUILDER=(setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups --)
as_builder() { "${BUILDER[@]}" "$@"; }

# pack NAME [VAR=VALUE...] ARGS...: run mkrootfs as the builder, with those
# environment variables; output in $W/NAME.log, exit status in $rc.
pack() {
	local name=$1 vars=(); shift
	while [[ ${1:-} =~ ^[A-Z_]+= ]]; do vars+=("$1"); shift; done
	# A hang is a failure, not a stuck suite (exit 124).
	as_builder timeout -k 5 120 env "${vars[@]}" "$MKROOTFS" "$@" >"$W/$name.log" 2>&1
	rc=$?
}

# check_pack WHAT NAME ARGS...: pack, and pass if mkrootfs succeeded.
check_pack() {
	local what=$1; shift
	pack "$@"
	if [ "$rc" -eq 0 ]; then ok "$what"; else fail "$what (exit $rc)"; evidence "$W/$1.log"; fi
}

# check_fsck IMAGE: e2fsck -fn finds nothing to fix.
check_fsck() {
	if e2fsck -fn "$1" >"$W/fsck.log" 2>&1; then
		ok "e2fsck -fn $(basename "$1") is clean"
	else
		fail "e2fsck -fn $(basename "$1") is clean"
		evidence "$W/fsck.log"
	fi
}

# describe IMAGE PATH...: one line per path from debugfs stat:
# "PATH TYPE MODE UID GID MAJOR:MINOR LINK-TARGET" ("-" where none).
describe() {
	local img=$1 p; shift
	: >"$W/stat.cmds"
	for p in "$@"; do echo "stat $p" >>"$W/stat.cmds"; done
	debugfs -f "$W/stat.cmds" "$img" 2>/dev/null | awk '
		function flush() { if (p != "") print p, t, m, u, g, d, l; p = "" }
		/^debugfs: stat / { flush(); p = substr($0, 15); t = m = u = g = "?"; d = l = "-"; next }
		/^Inode:/ { t = $0; sub(/.*Type: /, "", t); sub(/ +Mode:.*/, "", t); gsub(/ /, "_", t)
			m = $0; sub(/.*Mode: +/, "", m); sub(/ .*/, "", m) }
		/^User:/ { u = $2; g = $4 }
		/^Device major\/minor number:/ { d = $4 }
		/^Fast link dest:/ { l = $0; sub(/^Fast link dest: "/, "", l); sub(/"$/, "", l) }
		END { flush() }'
}

# expect_entry IMAGE "PATH TYPE MODE UID GID DEV TARGET"
expect_entry() {
	local path=${2%% *}
	expect_eq "$path in $(basename "$1")" "$2" "$(describe "$1" "$path")"
}

# walk IMAGE: "PATH MODE UID GID" for every entry, from debugfs ls -p.
walk() {
	local img=$1 dir path queue=(/)
	while [ ${#queue[@]} -gt 0 ]; do
		dir=${queue[0]}; queue=("${queue[@]:1}")
		while IFS=/ read -r _ _ mode uid gid name _; do
			case $name in ''|.|..) continue ;; esac
			path=${dir%/}/$name
			echo "$path $mode $uid $gid"
			case $mode in 040*) queue+=("$path") ;; esac
		done < <(debugfs -R "ls -p \"$dir\"" "$img" 2>/dev/null)
	done
}

# cat_file IMAGE PATH: a file's contents from the image.
cat_file() { debugfs -R "cat \"$2\"" "$1" 2>/dev/null; }

# same_file WHAT IMAGE PATH HOSTFILE: the image's file has the host file's bytes.
same_file() {
	debugfs -R "dump \"$3\" $W/dumped" "$2" >/dev/null 2>&1
	if cmp -s "$W/dumped" "$4"; then ok "$1"; else fail "$1"; cmp "$W/dumped" "$4" 2>&1 | sed 's/^/    | /'; fi
	rm -f "$W/dumped"
}

# no_temp_files DIR WHAT: nothing like IMAGE.tmp-XXXXXX was left behind.
no_temp_files() {
	local left; left=$(find "$1" -name '*.tmp-*' 2>/dev/null)
	# shellcheck disable=SC2001 # sed puts a prefix on each line
	if [ -z "$left" ]; then ok "$2"; else fail "$2"; echo "$left" | sed 's/^/    | /'; fi
}

# give FILE...: hand files made here to the builder (when we are root).
give() { [ "$(id -u)" -ne 0 ] || chown "$NOBODY:$NOBODY" "$@"; }

# readable_copy SRC DEST: SRC's tree at DEST in the scratch directory, for
# the builder to read: build/ may be out of its reach (a clone in a 0700
# directory, as mktemp -d makes). Hard links where both are on one file
# system (nothing is copied; modes are the same inodes'), a copy otherwise.
readable_copy() {
	cp -al "$1" "$2" 2>/dev/null && return 0
	rm -rf "$2"
	cp -a "$1" "$2"
}

# make_foreign DEST: a copy of the init claiming to be for s390x (e_machine
# 22), an architecture mkrootfs packs no images for (riscv64, once used
# here, is one it packs for since Debian 13).
make_foreign() {
	cp "$INIT" "$1"
	printf '\026\000' | dd of="$1" bs=1 seek=18 conv=notrunc status=none
}
