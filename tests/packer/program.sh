#!/bin/bash
# --add-program: a dynamically linked program with its ELF interpreter and
# every shared library, transitively, at the paths the guest's loader will
# look at (RUNPATH with $ORIGIN, the loader's cache, its system paths),
# links kept; scripts bring their ELF interpreter; refusals in one line.
. "$(dirname "$0")/../lib/packer.sh"

S=$W/src
T=$S/t
LIBDIR=$(dirname "$(ldd /bin/sh | awk '$1 == "libc.so.6" { print $3 }')")
. "$(dirname "$0")/../lib/dynprog.sh"
if build_dynamic_program "$T"; then
	ok "the test program builds with RUNPATH \$ORIGIN/../lib and runs on the host"
else fail "the test program builds with RUNPATH \$ORIGIN/../lib and runs on the host"; fi
give -R "$S"

INTERP=$(readelf -l "$T/bin/prog" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
# The libraries the host's own loader picks (ldd), by name => path.
ldd "$T/bin/prog" >"$W/ldd" 2>&1

IMG=$OUT/prog.img
check_pack "--add-program packs a dynamic program" prog -o "$IMG" --add-program "$T/bin/prog"
check_fsck "$IMG"
expect_entry "$IMG" "/usr/bin/prog regular 0755 0 0 - -"
same_file "/usr/bin/prog is the program" "$IMG" /usr/bin/prog "$T/bin/prog"
# The interpreter at its PT_INTERP path, links kept as links.
LOADER=$INTERP
if [ -L "$INTERP" ]; then
	LOADER=$(readlink "$INTERP")
	case $LOADER in /*) ;; *) LOADER=$(dirname "$INTERP")/$LOADER ;; esac
	expect_entry "$IMG" "$INTERP symlink 0777 0 0 - $(readlink "$INTERP")"
fi
same_file "the loader at $LOADER is the host's" "$IMG" "$LOADER" "$(readlink -f "$INTERP")"
for lib in libc.so.6 libm.so.6 libpthread.so.0; do
	host=$(awk -v n="$lib" '$1 == n { print $3 }' "$W/ldd")
	if [ -n "$host" ]; then
		same_file "$lib at $host, as the host's loader finds it" "$IMG" "$host" "$(readlink -f "$host")"
	else fail "ldd names $lib"; evidence "$W/ldd"; fi
done
expect_entry "$IMG" "/usr/lib/libown.so.1 symlink 0777 0 0 - libown.so.1.0"
same_file "libown.so.1.0 at \$ORIGIN/../lib of /usr/bin/prog" "$IMG" /usr/lib/libown.so.1.0 "$T/lib/libown.so.1.0"
expect_eq "nothing else in /usr/lib" "/usr/lib/libown.so.1
/usr/lib/libown.so.1.0" "$(walk "$IMG" | awk '$1 ~ /^\/usr\/lib\// { print $1 }' | sort)"
expect_eq "no host-only hwcaps variant" "" "$(walk "$IMG" | grep glibc-hwcaps)"
expect_entry "$IMG" "/bin/sh symlink 0777 0 0 - /bin/busybox"

echo "# DEST elsewhere: \$ORIGIN follows the program"
check_pack "--add-program PATH:DEST" dest -o "$OUT/dest.img" --add-program "$T/bin/prog:/opt/p/bin/tool"
check_fsck "$OUT/dest.img"
expect_entry "$OUT/dest.img" "/opt/p/bin/tool regular 0755 0 0 - -"
expect_entry "$OUT/dest.img" "/opt/p/lib/libown.so.1 symlink 0777 0 0 - libown.so.1.0"
same_file "libown.so.1.0 at /opt/p/lib" "$OUT/dest.img" /opt/p/lib/libown.so.1.0 "$T/lib/libown.so.1.0"

echo "# --list-program-deps: the same closure for other tools"
pack list --list-program-deps "$T/bin/prog"
expect_eq "--list-program-deps exits 0" 0 "$rc"
expect_eq "the program comes first" "file	$T/bin/prog	/usr/bin/prog" "$(head -n 1 "$W/list.log")"
expect_eq "libown's link and file" "link	libown.so.1.0	/usr/lib/libown.so.1
file	$T/bin/../lib/libown.so.1.0	/usr/lib/libown.so.1.0" "$(grep libown "$W/list.log")"
if awk -F '\t' 'NF != 3 || ($1 != "file" && $1 != "link") || $3 !~ /^\// { bad = 1 } END { exit bad }' "$W/list.log"; then
	ok "every line is file|link, TAB, source, TAB, image path"; else fail "every line is file|link TAB source TAB image path"; evidence "$W/list.log"; fi
lines=$(awk -F '\t' '{ print $3 }' "$W/list.log" | sort)
in_image=$(walk "$IMG" | awk '{ print $1 }' | grep -x -F -f <(printf '%s\n' "$lines") | sort)
expect_eq "the list names exactly what --add-program put in the image" "$lines" "$in_image"

echo "# the host's own programs: everything ldd loads is in the closure"
for p in "$(command -v debugfs)" "$(command -v e2fsck)" "$(command -v objdump)"; do
	pack real --list-program-deps "$p"
	ldd "$p" | awk '$2 == "=>" { print $3 } $2 != "=>" && $1 ~ /^\// { print $1 }' | sort -u >"$W/ldd.paths"
	awk -F '\t' 'NR > 1 { print $3 }' "$W/real.log" | sort -u >"$W/our.paths"
	missing=$(comm -13 "$W/our.paths" "$W/ldd.paths")
	if [ "$rc" -eq 0 ] && [ -s "$W/ldd.paths" ] && [ -z "$missing" ]; then
		ok "$(basename "$p"): all $(wc -l <"$W/ldd.paths") paths of ldd are in the closure ($(wc -l <"$W/our.paths") entries with links)"
	else fail "$(basename "$p"): the closure has everything ldd loads (exit $rc; missing: $missing)"; evidence "$W/real.log"; fi
done

echo "# cpio and --update"
check_pack "--add-program into a cpio archive" cpio -t cpio -o "$OUT/prog.cpio" --add-program "$T/bin/prog"
cpio -it <"$OUT/prog.cpio" 2>/dev/null | sort >"$W/cpio.names"
want=$(awk -F '\t' '{ print substr($3, 2) }' "$W/list.log" | sort)
expect_eq "the archive has the whole closure" "$want" "$(grep -x -F -f <(printf '%s\n' "$want") "$W/cpio.names")"
check_pack "a plain image" plain -o "$OUT/upd.img"
check_pack "--update --add-program" upd --update "$OUT/upd.img" --add-program "$T/bin/prog"
check_fsck "$OUT/upd.img"
same_file "--update added libown" "$OUT/upd.img" /usr/lib/libown.so.1.0 "$T/lib/libown.so.1.0"
same_file "--update added the loader" "$OUT/upd.img" "$LOADER" "$(readlink -f "$INTERP")"

echo "# scripts"
# shellcheck disable=SC2016 # single quotes: the script's text
printf '#!/bin/bash\necho "bash $BASH_VERSION: $*"\n' >"$S/hello.sh"
printf '#!/bin/sh\necho sh\n' >"$S/plain.sh"
chmod 755 "$S/hello.sh" "$S/plain.sh"; give "$S/hello.sh" "$S/plain.sh"
check_pack "a #!/bin/bash script brings bash" script -o "$OUT/script.img" \
	--add-program "$S/hello.sh" --add-program "$S/plain.sh"
check_fsck "$OUT/script.img"
expect_entry "$OUT/script.img" "/usr/bin/hello.sh regular 0755 0 0 - -"
same_file "/bin/bash is the host's bash" "$OUT/script.img" /bin/bash "$(readlink -f /bin/bash)"
bashlibs=$(ldd /bin/bash | awk '$3 ~ /^\// { print $3 }')
missing=""
for l in $bashlibs; do
	[ "$(describe "$OUT/script.img" "$l" | awk '{ print $2 }')" != "?" ] || missing="$missing $l"
done
# shellcheck disable=SC2086,SC2116 # echo puts the list on one line
expect_eq "bash's libraries are there ($(echo $bashlibs))" "" "$missing"
expect_entry "$OUT/script.img" "/bin/sh symlink 0777 0 0 - /bin/busybox"

echo "# a static program, DT_RPATH inherited by libraries, the loader's cache"
check_pack "--add-program of a static program" static -o "$OUT/static.img" --add-program "$INIT:/bin/st"
pack static-list --list-program-deps "$INIT"
expect_eq "a static program is its only file" "file	$INIT	/usr/bin/init" "$(cat "$W/static-list.log")"
R=$S/r
mkdir -p "$R/bin" "$R/lib2" "$R/cache" "$R/v3" "$R/fakebin"
echo 'int deep(void) { return 5; }' >"$R/deep.c"
echo 'int deep(void); int mid(void) { return deep(); }' >"$R/mid.c"
echo 'int mid(void); int main(void) { return mid(); }' >"$R/main.c"
echo 'int cached(void) { return 6; }' >"$R/cached.c"
echo 'int cached(void); int main(void) { return cached(); }' >"$R/usecache.c"
# shellcheck disable=SC2015,SC2016 # fail if any build fails; $ORIGIN is for the dynamic linker
gcc -shared -fPIC -o "$R/lib2/libdeep.so" "$R/deep.c" &&
gcc -shared -fPIC -o "$R/lib2/libmid.so" "$R/mid.c" -L"$R/lib2" -ldeep &&
gcc -o "$R/bin/rpath" "$R/main.c" -L"$R/lib2" -lmid -Wl,--disable-new-dtags,-rpath,'$ORIGIN/../lib2' &&
gcc -o "$R/bin/runpath" "$R/main.c" -L"$R/lib2" -lmid -Wl,-rpath-link,"$R/lib2" \
	-Wl,--enable-new-dtags,-rpath,'$ORIGIN/../lib2' &&
gcc -shared -fPIC -Wl,-soname,libcached.so.1 -o "$R/cache/libcached.so.1" "$R/cached.c" &&
cp "$R/cache/libcached.so.1" "$R/v3/libcached.so.1" &&
gcc -o "$R/bin/usecache" "$R/usecache.c" "$R/cache/libcached.so.1" || fail "the DT_RPATH and cache programs build"
# the host's cache as ldconfig -p shows it, with a CPU-level entry first
printf '#!/bin/sh\nprintf "2 libs found\\n\\tlibcached.so.1 (libc6,x86-64, hwcap: \\"x86-64-v3\\") => %s\\n\\tlibcached.so.1 (libc6,x86-64) => %s\\n"\n' \
	"$R/v3/libcached.so.1" "$R/cache/libcached.so.1" >"$R/fakebin/ldconfig"
chmod 755 "$R/fakebin/ldconfig"
give -R "$R"
check_pack "DT_RPATH of the program serves its libraries" rpath -o "$OUT/rpath.img" --add-program "$R/bin/rpath"
same_file "libdeep found through the program's DT_RPATH" "$OUT/rpath.img" /usr/lib2/libdeep.so "$R/lib2/libdeep.so"
pack runpath -o "$OUT/runpath.img" --add-program "$R/bin/runpath"
if [ "$rc" -eq 1 ] && grep -q "library libdeep.so (needed by $R/bin/../lib2/libmid.so) not found" "$W/runpath.log"; then
	ok "DT_RUNPATH does not serve the libraries' own needs (as ld.so(8) says; ldd: $(ldd "$R/bin/runpath" | grep -c 'not found') not found)"
else fail "DT_RUNPATH does not serve the libraries' own needs"; evidence "$W/runpath.log"; fi
check_pack "a library found through the loader's cache" cache PATH="$R/fakebin:$PATH" \
	-o "$OUT/cache.img" --add-program "$R/bin/usecache"
same_file "it is at the cache's path" "$OUT/cache.img" "$R/cache/libcached.so.1" "$R/cache/libcached.so.1"
expect_entry "$OUT/cache.img" "$LIBDIR/libcached.so.1 symlink 0777 0 0 - $R/cache/libcached.so.1"
expect_eq "the CPU-level variant is left out" "? ? ? ? - -" "$(describe "$OUT/cache.img" "$R/v3/libcached.so.1" | cut -d' ' -f2-)"

echo "# a run path relative to the working directory (rseq's selftests: -rpath=./)"
mkdir -p "$R/dot"
echo 'int deep(void); int main(void) { return deep(); }' >"$R/dot.c"
# shellcheck disable=SC2015 # fail if either build fails
gcc -shared -fPIC -o "$R/dot/libdot.so" "$R/deep.c" &&
	gcc -o "$R/dot/prog" "$R/dot.c" -L"$R/dot" -ldot -Wl,-rpath=./ ||
	fail "the program with -rpath=./ builds"
give -R "$R"
pack dotlist --list-program-deps "$R/dot/prog:/t/dot/prog"
if [ "$rc" -eq 0 ] && grep -qxF "file	$R/dot/./libdot.so	/t/dot/libdot.so" "$W/dotlist.log"; then
	ok "the library is found beside the program, where it runs from"
else fail "the library is found beside the program (exit $rc)"; evidence "$W/dotlist.log"; fi

echo "# refusals"
mkdir -p "$S/broken/bin"
cp "$T/bin/prog" "$S/broken/bin/prog"
make_foreign "$S/foreign"
echo "just text" >"$S/text"
give -R "$S"
# bad WHAT MESSAGE-PART ARGS...: exit 1, one line, no image written.
bad() {
	local what=$1 part=$2 why=""; shift 2
	rm -f "$OUT/bad.img"
	pack bad "$@"
	[ "$rc" -eq 1 ] || why="exit $rc, want 1;"
	grep -q -F -- "$part" "$W/bad.log" || why="$why message lacks '$part';"
	[ "$(wc -l <"$W/bad.log")" -eq 1 ] || why="$why not one line;"
	[ ! -e "$OUT/bad.img" ] || why="$why an image was written;"
	if [ -z "$why" ]; then ok "$what: $(cat "$W/bad.log")"; else fail "$what: $why"; evidence "$W/bad.log"; fi
}
bad "a missing library is named, with the paths searched" \
	"library libown.so.1 (needed by $S/broken/bin/prog) not found; searched $S/broken/bin/../lib, the loader's cache, " \
	-o "$OUT/bad.img" --add-program "$S/broken/bin/prog"
if grep -q -F "$LIBDIR" "$W/bad.log"; then ok "the searched paths include the system's $LIBDIR"; else fail "the searched paths include $LIBDIR"; fi
bad "a program for another architecture" "--add-program $S/foreign: is a program for s390x, but this image is for x86-64" \
	-o "$OUT/bad.img" --add-program "$S/foreign"
bad "not ELF and not a script" "--add-program $S/text: is neither an ELF program nor a #! script" \
	-o "$OUT/bad.img" --add-program "$S/text"
bad "a missing program" "--add-program $S/nope: No such file or directory" -o "$OUT/bad.img" --add-program "$S/nope"
bad "a directory" "Is a directory" -o "$OUT/bad.img" --add-program "$S"
echo "# --list-program-deps, repeated: one closure after another"
pack list-one --list-program-deps "$T/bin/prog:/t/prog" && cat "$W/list-one.log" >"$W/list-two.want"
pack list-sh --list-program-deps /bin/sh && cat "$W/list-sh.log" >>"$W/list-two.want"
pack list-two --list-program-deps "$T/bin/prog:/t/prog" --list-program-deps /bin/sh
if [ "$rc" -eq 0 ] && [ -s "$W/list-one.log" ] && cmp -s "$W/list-two.want" "$W/list-two.log"; then
	ok "two programs in one call list the same as two calls ($(wc -l <"$W/list-two.log") lines)"
else fail "two programs in one call list the same as two calls (exit $rc)"; evidence "$W/list-two.log"; fi
pack list-bad --list-program-deps "$S/broken/bin/prog"
expect_eq "--list-program-deps refuses it too (exit 1, one line)" "1 1" "$rc $(wc -l <"$W/list-bad.log")"
pack usage --list-program-deps "$T/bin/prog" -o "$OUT/x.img"
expect_eq "--list-program-deps with -o is a usage error" 2 "$rc"
finish
