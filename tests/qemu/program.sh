#!/bin/bash
# A dynamically linked host program in the guest: packed with
# mkrootfs --add-program (loader, libc, libm, libpthread and a library of
# our own found through RUNPATH $ORIGIN/../lib), run by run-qemu with
# arguments, its exit status back on the host; a #!/bin/bash script too.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/packer/dynprog.sh"
RUN=$TOP/qemu/run-qemu
K=$B/vmlinuz
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
for f in "$K" "$B/mkrootfs" "$B/init"; do [ -s "$f" ] || { fail "missing $f (make $f)"; finish; }; done

if build_dynamic_program "$T/p"; then ok "the dynamic test program builds and runs on the host"
else fail "the dynamic test program builds and runs on the host"; finish; fi
printf '#!/bin/bash\necho "bash in the guest: ${BASH_VERSINFO[0]} $*"; exit $(( $# + 20 ))\n' >"$T/hello.sh"
chmod 755 "$T/hello.sh"
IMG=$T/prog.img
if "$B/mkrootfs" -q -o "$IMG" --add-program "$T/p/bin/prog" --add-program "$T/hello.sh" \
	>"$T/pack.log" 2>&1; then ok "mkrootfs --add-program packs them"
else fail "mkrootfs --add-program packs them"; evidence "$T/pack.log"; finish; fi

# boot NAME -- COMMAND...: one run, output and status in $T/NAME.*
boot() {
	local name=$1; shift
	"$RUN" --accel tcg --kernel "$K" --image "$IMG" --snapshot --timeout 600 "$@" \
		</dev/null >"$T/$name.out" 2>"$T/$name.err"
	echo $? >"$T/$name.rc"
}
status_is() {
	local got; got=$(cat "$T/$2.rc")
	if [ "$got" = "$3" ]; then ok "$1 (exit $got)"; else
		fail "$1: expected exit $3, got $got"; evidence "$T/$2.out"; evidence "$T/$2.err" 5
	fi
}
shows() {
	if tr -d '\r' <"$2" | grep -qF -- "$3"; then ok "$1"; else fail "$1: no '$3'"; evidence "$2"; fi
}

boot prog -- /usr/bin/prog 7 'b c'
status_is "/usr/bin/prog 7 'b c' runs in the guest and returns its status" prog 7
shows "its output: libm, libpthread and libown worked, arguments whole" "$T/prog.out" \
	"prog: sqrt=4 own=42 argc=3 [7] [b c]"
boot script -- /usr/bin/hello.sh x y
status_is "a #!/bin/bash script runs with the host's bash" script 22
shows "bash printed its arguments" "$T/script.out" "bash in the guest: ${BASH_VERSINFO[0]} x y"
finish
