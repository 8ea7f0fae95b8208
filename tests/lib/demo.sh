# demo.sh - sourced by each demo, tests/demo/NAME.sh (not a suite): the init
# as built (the duty in) and the init `make demo DUTY=NAME` builds without
# it, run the same way. Each demo prints what it saw both times, and passes
# when the real init did its duty and the other one showed the breakage.
# shellcheck shell=bash # sourced by bash scripts
. "$(dirname "${BASH_SOURCE[0]}")/ns.sh"

DUTY=$(basename "$0" .sh)
DEMO_INIT=$B/demo/init-$DUTY
for f in "$B/init" "$DEMO_INIT"; do
	if [ ! -x "$f" ]; then
		fail "$DUTY: ${f#"$TOP"/} is built (make demo DUTY=$DUTY builds it)"
		exit 1
	fi
done

# title TEXT: what the duty is and where its code is.
title() { echo "# $DUTY: $*"; }

# use_init ROOT with|without: the init ROOT boots.
use_init() {
	if [ "$2" = with ]; then cp "$B/init" "$1/sbin/init"; else cp "$DEMO_INIT" "$1/sbin/init"; fi
}

# saw with|without TEXT: one line of what was observed.
saw() { printf '    %-8s the duty: %s\n' "$1" "$2"; }

# judge with|without WHAT CMD...: the verdict, with the run's output as
# evidence when CMD fails.
judge() {
	local side=$1 what=$2
	shift 2
	if "$@"; then
		ok "$DUTY: $side the duty, $what"
	else
		fail "$DUTY: $side the duty, $what"
		evidence "$NS_TMP/out"
	fi
}

# boot with|without IMAGE RUN-QEMU-OPTION... -- COMMAND: run-qemu with the
# kernel the tests use, on IMAGE packed with that side's init; the kernel's
# log in $NS_TMP/log, what the terminal showed in $NS_TMP/out, the exit
# status in $rc. A hang is a failure: run-qemu is stopped after 5 minutes.
boot() {
	local side=$1 image=$2 init=$DEMO_INIT
	shift 2
	[ "$side" = with ] && init=$B/init
	"$B/mkrootfs" --init "$init" -o "$image" >/dev/null || { rc=1; return; }
	timeout -k 10 300 "$TOP/qemu/run-qemu" --kernel "$B/vmlinuz" --image "$image" --accel tcg \
		--log "$NS_TMP/log" "$@" </dev/null >"$NS_TMP/out" 2>&1
	rc=$?
	cat "$NS_TMP/log" >>"$NS_TMP/out"
}
