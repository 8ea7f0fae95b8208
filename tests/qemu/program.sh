#!/bin/bash
# A dynamically linked host program in the guest: packed with
# mkrootfs --add-program (loader, libc, libm, libpthread and a library of
# our own found through RUNPATH $ORIGIN/../lib), run by run-qemu with
# arguments, its exit status back on the host; a #!/bin/bash script too.
. "$(dirname "$0")/../lib/report.sh"
. "$(dirname "$0")/../lib/dynprog.sh"
RUN=$TOP/qemu/run-qemu
K=$B/vmlinuz
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

dynamic_program_or_stop "$T/p" "$K" "$B/mkrootfs" "$B/init"
# shellcheck disable=SC2016 # single quotes: the script's text
printf '#!/bin/bash\necho "bash in the guest: ${BASH_VERSINFO[0]} $*"; exit $(( $# + 20 ))\n' >"$T/hello.sh"
chmod 755 "$T/hello.sh"
IMG=$T/prog.img
if "$B/mkrootfs" -q -o "$IMG" --add-program "$T/p/bin/prog" --add-program "$T/hello.sh" \
	>"$T/pack.log" 2>&1; then ok "mkrootfs --add-program packs them"
else fail "mkrootfs --add-program packs them"; evidence "$T/pack.log"; finish; fi

# expect_run WHAT STATUS TEXT -- COMMAND...: one boot of the image running
# COMMAND; run-qemu must exit with STATUS and the console show TEXT.
expect_run() {
	local what=$1 want=$2 text=$3 got; shift 4
	"$RUN" --accel tcg --kernel "$K" --image "$IMG" --snapshot --timeout 600 -- "$@" \
		</dev/null >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" != "$want" ]; then
		fail "$what: expected exit $want, got $got"; evidence "$T/out"; evidence "$T/err" 5
	elif ! tr -d '\r' <"$T/out" | grep -qF -- "$text"; then
		fail "$what (exit $got): no '$text' on the console"; evidence "$T/out"
	else ok "$what (exit $got, '$text')"; fi
}

expect_run "/usr/bin/prog 7 'b c' runs with libm, libpthread and libown, arguments whole" 7 \
	"prog: sqrt=4 own=42 argc=3 [7] [b c]" -- /usr/bin/prog 7 'b c'
expect_run "a #!/bin/bash script runs with the host's bash" 22 \
	"bash in the guest: ${BASH_VERSINFO[0]} x y" -- /usr/bin/hello.sh x y

echo "# run-qemu --program: the same program for one run, the image untouched"
"$RUN" --accel tcg --kernel "$K" --image "$B/rootfs.img" --snapshot --timeout 600 \
	--program "$T/p/bin/prog" -- 9 'd e' </dev/null >"$T/out" 2>"$T/err"
got=$?
if [ $got = 9 ] && grep -qF "prog: sqrt=4 own=42 argc=3 [9] [d e]" "$T/out"; then
	ok "--program prog 9 'd e': its loader and libraries from a disk of its own, exit 9"
else fail "--program prog 9 'd e': expected exit 9, got $got"; evidence "$T/out"; evidence "$T/err" 5; fi
"$RUN" --accel tcg --kernel "$K" --image "$B/rootfs.img" --program "$T/none" -- x >"$T/out" 2>&1 </dev/null
got=$?
if [ $got = 2 ] && [ "$(wc -l <"$T/out")" = 1 ] && grep -q "no program at" "$T/out"; then
	ok "--program of a missing file: exit 2, one line"
else fail "--program of a missing file: exit 2, one line (got $got)"; evidence "$T/out"; fi
finish
