#!/bin/bash
# Every bad input: a clear one-line error naming the problem, a non-zero
# exit (2 for usage, 1 otherwise), the existing image byte-for-byte as it
# was, and no temporary file left.
. "$(dirname "$0")/../lib/packer.sh"

KEEP=$OUT/keep.img
echo "precious bytes the user keeps" >"$KEEP"; give "$KEEP"
cp "$KEEP" "$W/keep.orig"
S=$W/src
BUSYBOX=$(command -v busybox)
DYNAMIC=$(type -P true)	# Debian's coreutils: dynamically linked

# bad WHAT STATUS MESSAGE-PART ARGS...
bad() {
	local what=$1 want=$2 part=$3 why=""; shift 3
	pack bad "$@"
	[ "$rc" -eq "$want" ] || why="exit $rc, want $want;"
	grep -q -F -- "$part" "$W/bad.log" || why="$why message lacks '$part';"
	[ "$(wc -l <"$W/bad.log")" -eq 1 ] || why="$why not one line;"
	grep -q '^mkrootfs: error: ' "$W/bad.log" || why="$why no 'mkrootfs: error:';"
	cmp -s "$KEEP" "$W/keep.orig" || why="$why keep.img changed;"
	[ -z "$(find "$OUT" "$W/ro" -name '*.tmp-*' 2>/dev/null)" ] || why="$why temporary file left;"
	if [ -z "$why" ]; then ok "$what: $(cat "$W/bad.log")"
	else fail "$what: $why"; evidence "$W/bad.log"; cp "$W/keep.orig" "$KEEP"; fi
}

# Inputs: unreadable copies, a script, a foreign ELF, trees with holes in them.
mkdir -p "$S/tree/locked" "$S/tree2" "$S/pathbb" "$S/empty" "$W/ro"
cp "$INIT" "$S/init.noread"; chmod 000 "$S/init.noread"
cp "$BUSYBOX" "$S/busybox.noread"; chmod 000 "$S/busybox.noread"
printf '#!/bin/sh\nexec /bin/sh\n' >"$S/script"; chmod 755 "$S/script"
make_foreign "$S/foreign"
cp "$DYNAMIC" "$S/pathbb/busybox"
echo secret >"$S/secret"; chmod 000 "$S/secret"
echo ok >"$S/tree/fine"; echo no >"$S/tree/locked/x"; chmod 000 "$S/tree/locked"
echo ok >"$S/tree2/fine"; echo no >"$S/tree2/noread"; chmod 000 "$S/tree2/noread"
# allocated (not sparse) but all zeros: counted in full, written as holes
echo x >"$S/x"; fallocate -l 200M "$S/huge"
mkfifo "$S/fifo"	# opening it for reading would wait for a writer
give -R "$S"
[ "$(id -u)" -eq 0 ] || chmod 555 "$W/ro"	# as root, root owns it and nobody cannot write

echo "# the init"
bad "--init missing" 1 "--init $S/nope: No such file or directory" --init "$S/nope" -o "$KEEP"
bad "--init unreadable" 1 "--init $S/init.noread: Permission denied" --init "$S/init.noread" -o "$KEEP"
bad "--init a directory" 1 "Is a directory" --init "$S" -o "$KEEP"
bad "--init a FIFO" 1 "--init $S/fifo: is not a regular file" --init "$S/fifo" -o "$KEEP"
bad "--busybox a FIFO" 1 "--busybox $S/fifo: is not a regular file" --busybox "$S/fifo" -o "$KEEP"
bad "--init dynamically linked" 1 "is dynamically linked; PID 1 must be statically linked" --init "$DYNAMIC" -o "$KEEP"
bad "--init not an ELF" 1 "--init $S/script: is not an ELF executable" --init "$S/script" -o "$KEEP"
bad "--init for another machine" 1 "is a program for s390x, but this image is for x86-64" --init "$S/foreign" -o "$KEEP"

echo "# busybox"
bad "--busybox missing" 1 "--busybox $S/nope: No such file or directory" --busybox "$S/nope" -o "$KEEP"
bad "--busybox unreadable" 1 "Permission denied" --busybox "$S/busybox.noread" -o "$KEEP"
bad "--busybox dynamically linked" 1 "is dynamically linked; install busybox-static or pass --busybox" --busybox "$DYNAMIC" -o "$KEEP"
bad "--busybox not an ELF" 1 "is not an ELF executable" --busybox "$S/script" -o "$KEEP"
bad "--busybox for another machine (it cannot be run for its applet list)" 1 "is a program for s390x" --busybox "$S/foreign" -o "$KEEP"
bad "\$BUSYBOX dynamically linked" 1 "\$BUSYBOX $DYNAMIC: is dynamically linked; install busybox-static" BUSYBOX="$DYNAMIC" -o "$KEEP"
bad "only a dynamic busybox in PATH" 1 "busybox found in PATH at $S/pathbb/busybox: is dynamically linked; install busybox-static or pass --busybox" \
	PATH="$S/pathbb" -o "$KEEP"
bad "no busybox in PATH" 1 "no busybox found in PATH; install busybox-static or pass --busybox" PATH="$S/empty" -o "$KEEP"

echo "# --add and --overlay sources"
bad "--add source missing" 1 "$S/nope: No such file or directory" --add "$S/nope:/x" -o "$KEEP"
bad "--add source unreadable" 1 "cannot read $S/secret: Permission denied" --add "$S/secret:/x" -o "$KEEP"
bad "--add tree with an unreadable directory" 1 "cannot read directory $S/tree/locked: Permission denied" --add "$S/tree:/t" -o "$KEEP"
bad "--add tree with an unreadable file" 1 "cannot read $S/tree2/noread: Permission denied" --add "$S/tree2:/t" -o "$KEEP"
bad "--overlay not a directory" 1 "--overlay $S/x: is not a directory" --overlay "$S/x" -o "$KEEP"
bad "--overlay missing" 1 "No such file or directory" --overlay "$S/nope" -o "$KEEP"
bad "DEST not absolute" 2 "DEST 'etc/x' is not an absolute path" --add "$S/x:etc/x" -o "$KEEP"
bad "DEST escaping the root" 2 "has a '..' component" --add "$S/x:/../x" -o "$KEEP"
bad "DEST escaping the root, deeper" 2 "has a '..' component" --add "$S/x:/a/../../x" -o "$KEEP"
bad "--add without DEST" 2 "expected SRC:DEST" --add "$S/x" -o "$KEEP"
bad "a file where the image has a directory" 1 "/bin: a file from --add $S/x:/bin conflicts with a directory" --add "$S/x:/bin" -o "$KEEP"
bad "a file under a file" 1 "/etc/passwd is a file" --add "$S/x:/etc/passwd/x" -o "$KEEP"

echo "# size"
bad "content larger than --size" 1 "does not fit in --size 4M: it needs at least" -s 4M -o "$KEEP"
bad "a big --add in --size 128M" 1 "does not fit in --size 128M: it needs at least" --add "$S/huge:/huge" -s 128M -o "$KEEP"
needed=$(sed -n 's/.*use --size \([0-9]*M\) or more.*/\1/p' "$W/bad.log")
check_pack "the size it asked for is enough (--size $needed)" fits --add "$S/huge:/huge" -s "${needed:-0}" -o "$OUT/fits.img"
check_fsck "$OUT/fits.img"
rm -f "$OUT/fits.img"
for s in 12Q abc -5M 0 1.5G 99999999999999999999G 17T ''; do
	bad "--size '$s'" 2 "--size $s: " -s "$s" -o "$KEEP"
done

echo "# the output"
bad "-o a directory" 1 "-o $OUT: is a directory" -o "$OUT"
bad "-o in a directory the user cannot write" 1 "cannot write in $W/ro: Permission denied" -o "$W/ro/x.img"
bad "-o in a missing directory" 1 "No such file or directory" -o "$W/nodir/x.img"
bad "-o a device" 1 "-o /dev/null: is not a regular file; refusing to replace it" -o /dev/null
bad "-o empty" 1 "-o: the image path is empty" -o ""

echo "# usage"
bad "no image" 2 "no image given" --add "$S/x:/x"
bad "-o and --update" 2 "cannot be used together" -o "$KEEP" --update "$KEEP"
bad "unknown option" 2 "unknown option --bogus" --bogus -o "$KEEP"
bad "unknown type" 2 "--type xfs: unknown type" -t xfs -o "$KEEP"
bad "stray argument" 2 "unexpected argument 'stray'" -o "$KEEP" stray
bad "bad --uuid" 2 "--uuid nope: not a UUID" --uuid nope -o "$KEEP"
bad "SOURCE_DATE_EPOCH not a number" 1 "SOURCE_DATE_EPOCH=soon: not a number" SOURCE_DATE_EPOCH=soon -o "$KEEP"
bad "SOURCE_DATE_EPOCH=0" 1 "SOURCE_DATE_EPOCH=0: not a number of seconds from 1" SOURCE_DATE_EPOCH=0 -o "$KEEP"

echo "# interrupted: SIGTERM while writing removes the temporary file"
# -v prints every entry while the image is written; with stderr a pipe
# nobody reads, mkrootfs blocks there once the pipe is full, mid-image.
mkdir -p "$S/many"
for i in $(seq 4000); do : >"$S/many/an-entry-with-a-long-name-to-fill-the-pipe-$i"; done
give -R "$S/many"
mkfifo "$W/stderr"
exec 3<>"$W/stderr"
"${BUILDER[@]}" "$MKROOTFS" -v --add "$S/many:/many" -o "$KEEP" 2>"$W/stderr" >/dev/null &
pid=$!	# mkrootfs itself: setpriv execs it
for i in $(seq 300); do
	[ -n "$(find "$OUT" -name '*.tmp-*')" ] && break
	sleep 0.1
done
temp=$(find "$OUT" -name '*.tmp-*')
expect_eq "a temporary file exists while writing" yes "$([ -n "$temp" ] && echo yes || echo no)"
kill -TERM "$pid"
wait "$pid"
expect_eq "mkrootfs died of SIGTERM (status 143)" 143 "$?"
exec 3<&-
no_temp_files "$OUT" "the temporary file is gone after SIGTERM"
expect_eq "keep.img is still the user's file" "precious bytes the user keeps" "$(cat "$KEEP")"
finish
