#!/bin/bash
# make install, run from another directory: into a temporary prefix with
# BINDIR and LIBEXECDIR set apart from it, then run-qemu from a directory
# that is no minroot tree: --help, a boot with only --kernel (the default
# image made in the cache from the installed init and busybox), a boot with
# nothing given (Debian's kernel from the cache, through the installed
# fetch-kernel), the default image made again when the init changes, and
# make uninstall leaving nothing. Then the same with DESTDIR (staged files,
# the staged run-qemu finds its package, make uninstall empties the stage).
# Its own BUILD: make install builds mkrootfs for its LIBEXECDIR, and the
# tree's build/ is not touched.
. "$(dirname "$0")/../lib/report.sh"

T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
USER_CACHE=${MINROOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/minroot}
export MINROOT_CACHE=$T/cache MAKEFLAGS=
LIBEXEC=$T/libexec/minroot
VARS=(BUILD="$T/build" PREFIX="$T/usr" BINDIR="$T/bin" LIBEXECDIR="$LIBEXEC")
RUN=$T/bin/run-qemu
mkdir -p "$T/elsewhere" "$MINROOT_CACHE"
tree_mkrootfs=$(sha256sum <"$B/mkrootfs")

echo "# make install PREFIX=... BINDIR=... LIBEXECDIR=... (apart from PREFIX)"
if make -s -C "$TOP" install "${VARS[@]}" >"$T/install.log" 2>&1; then ok "make install succeeds"
else fail "make install succeeds"; evidence "$T/install.log"; finish; fi
missing=
for f in bin/run-qemu bin/mkrootfs libexec/minroot/init libexec/minroot/fetch-kernel \
	libexec/minroot/install-modules libexec/minroot/deps libexec/minroot/runqemu/main.py \
	usr/share/man/man1/run-qemu.1 usr/share/man/man1/mkrootfs.1 usr/share/man/man8/minroot-init.8; do
	[ -f "$T/$f" ] || missing="$missing $f"
done
expect_eq "the programs, the package, the init, fetch-kernel and its helpers, the man pages" "" "$missing"
expect_eq "the installed run-qemu names where its package is" "INSTALLED = '$LIBEXEC'" \
	"$(grep -o "^INSTALLED = '[^']*'" "$RUN")"
expect_eq "the tree's build/mkrootfs is untouched" "$tree_mkrootfs" "$(sha256sum <"$B/mkrootfs")"

cd "$T/elsewhere" || exit 1
echo "# run from $(pwd) (no build/ here)"
"$RUN" --help >"$T/help" 2>&1 </dev/null
expect_eq "--help" "0 Usage: run-qemu [options] [-- COMMAND [ARG...]]" "$? $(head -n 1 "$T/help")"

# The default kernel comes from the cache: Debian's cloud kernel, as make
# kernel left it in the user's cache (fetch-kernel downloads it otherwise).
for k in "$USER_CACHE"/vmlinuz-*-cloud-amd64_*; do
	[ -f "$k" ] && { cp -l "$k" "$MINROOT_CACHE/" 2>/dev/null || cp "$k" "$MINROOT_CACHE/"; }
done

"$RUN" --accel tcg --kernel "$B/vmlinuz" -- sh -c 'echo made here; exit 3' >"$T/k.out" 2>"$T/k.err" </dev/null
rc=$?
expect_eq "only --kernel: a boot on the default image, the command's status (3) and output" "3 made here" \
	"$rc $(cat "$T/k.out")"
[ "$rc" = 3 ] || evidence "$T/k.err"
images=("$MINROOT_CACHE"/default/x86_64/rootfs-*.img)
expect_eq "... the default image is made in the cache" 1 \
	"$(find "$MINROOT_CACHE/default/x86_64" -name 'rootfs-*.img' 2>/dev/null | wc -l)"
debugfs -R "dump /sbin/init $T/image-init" "${images[0]}" >/dev/null 2>&1
if cmp -s "$T/image-init" "$LIBEXEC/init"; then ok "... its /sbin/init is the installed init"
else fail "... its /sbin/init is the installed init"; fi

"$RUN" --accel tcg -- uname -r >"$T/n.out" 2>"$T/n.err" </dev/null
rc=$?
kernel=$MINROOT_CACHE/default/x86_64/vmlinuz
expect_eq "nothing given: Debian's kernel, fetched into the cache, boots the default image" \
	"0 $(kernel_release "$kernel")" "$rc $(cat "$T/n.out")"
[ "$rc" = 0 ] || evidence "$T/n.err"
expect_eq "... saying so in one line" "run-qemu: no kernel given: fetching Debian's linux-image-cloud-amd64 into $MINROOT_CACHE/default/x86_64 (once)" \
	"$(grep '^run-qemu: no kernel given' "$T/n.err")"
"$RUN" --accel tcg -- true >/dev/null 2>"$T/n2.err" </dev/null
expect_eq "... once: the next run boots it without a word of fetching" "0 0" \
	"$? $(grep -c 'fetch' "$T/n2.err")"
"$RUN" --print --no-pvh >"$T/print" 2>&1 </dev/null
expect_eq "--print: the cached kernel, the default image with snapshot=on" "1 1" \
	"$(grep -c -- "-kernel $kernel " "$T/print") $(grep -c "file=${images[0]},snapshot=on," "$T/print")"

echo "# the default image follows the installed init"
printf '\0' >>"$LIBEXEC/init"    # a byte after the ELF's last segment: it still runs
"$RUN" --accel tcg --kernel "$B/vmlinuz" -- true >"$T/r.out" 2>"$T/r.err" </dev/null
rc=$?
again=("$MINROOT_CACHE"/default/x86_64/rootfs-*.img)
now=$(grep -o "file=[^,]*rootfs-[^,]*\.img" <("$RUN" --print </dev/null 2>&1))
expect_eq "a changed init: a new image is made and booted" "0 2 yes" \
	"$rc ${#again[@]} $([ "${now#file=}" != "${images[0]}" ] && [ -f "${now#file=}" ] && echo yes)"
[ "$rc" = 0 ] || evidence "$T/r.err"
debugfs -R "dump /sbin/init $T/image-init" "${now#file=}" >/dev/null 2>&1
if cmp -s "$T/image-init" "$LIBEXEC/init"; then ok "... holding the changed init"
else fail "... holding the changed init"; fi
cd "$TOP" || exit 1

echo "# make uninstall"
if make -s -C "$TOP" uninstall "${VARS[@]}" >"$T/uninstall.log" 2>&1; then ok "make uninstall succeeds"
else fail "make uninstall succeeds"; evidence "$T/uninstall.log"; fi
expect_eq "make uninstall leaves no file, and no LIBEXECDIR" "" \
	"$(find "$T/usr" "$T/bin" "$T/libexec" -type f 2>/dev/null; ls -d "$LIBEXEC" 2>/dev/null)"

echo "# make install DESTDIR=... PREFIX=/opt/minroot"
S=$T/stage
STAGED=(BUILD="$T/build" DESTDIR="$S" PREFIX=/opt/minroot)
if make -s -C "$TOP" install "${STAGED[@]}" >"$T/staged.log" 2>&1; then ok "make install DESTDIR succeeds"
else fail "make install DESTDIR succeeds"; evidence "$T/staged.log"; fi
expect_eq "every file is under DESTDIR/opt/minroot" "" "$(find "$S" -type f ! -path "$S/opt/minroot/*")"
expect_eq "the staged run-qemu names the final place" "INSTALLED = '/opt/minroot/lib/minroot'" \
	"$(grep -o "^INSTALLED = '[^']*'" "$S/opt/minroot/bin/run-qemu")"
(cd "$T/elsewhere" && "$S/opt/minroot/bin/run-qemu" --version </dev/null) >"$T/v" 2>&1
expect_eq "... and runs from the stage (its package found beside it, in ../lib/minroot)" "0 run-qemu" \
	"$? $(cut -d' ' -f1 "$T/v")"
make -s -C "$TOP" uninstall "${STAGED[@]}" >"$T/unstaged.log" 2>&1
expect_eq "make uninstall DESTDIR leaves no file" "" "$(find "$S" -type f)"
finish
