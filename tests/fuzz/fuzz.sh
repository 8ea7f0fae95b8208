#!/bin/bash
# The libFuzzer targets (built with ASan and UBSan): first every seed and
# every regression input (inputs that once crashed a target, kept in
# tests/fuzz/regressions/TARGET/), then FUZZ_SECONDS of fuzzing per target
# (10 here; `make fuzz` runs 60). New corpus entries and crash inputs go to
# $BUILD/fuzz/. A crash shows the input's path and the sanitizer's trace.
. "$(dirname "$0")/../lib/report.sh"
FUZZ=$TOP/tests/fuzz
secs=${FUZZ_SECONDS:-10}
case $secs in
''|*[!0-9]*|0) fail "FUZZ_SECONDS must be a positive number of seconds, not '$secs'"; finish ;;
esac
log=$(mktemp "${TMPDIR:-/tmp}/minroot-fuzz.XXXXXX")
trap 'rm -f "$log"' EXIT

# replay TARGET DIR: run every input in DIR once.
replay() {
	local t=$1 dir=$2 inputs
	inputs=("$dir"/*)
	[ -e "${inputs[0]}" ] || { echo "# $t: no inputs in ${dir#"$TOP"/}"; return; }
	if "$B/fuzz/fuzz_$t" "${inputs[@]}" >"$log" 2>&1; then
		ok "fuzz_$t: ${#inputs[@]} inputs of ${dir#"$TOP"/} pass"
	else
		fail "fuzz_$t: an input of ${dir#"$TOP"/} fails"
		grep -a -m1 '^Running: ' "$log" | tail -n1
		evidence "$log" 60
	fi
}

# crash_report LOG: libFuzzer's log from the first error line on (the
# invariant broken, or the sanitizer's report and trace).
crash_report() {
	local from
	from=$(grep -a -n -m1 -E 'invariant broken|ERROR: |runtime error:' "$1" | cut -d: -f1)
	sed -n "${from:-1},\$p" "$1" | sed 's/^/    | /' | head -n 60
}

# fuzz TARGET: fuzz for $secs seconds, keeping the corpus in $B/fuzz.
fuzz() {
	local t=$1
	local corpus=$B/fuzz/corpus/$t art=$B/fuzz/crashes/$t
	rm -rf "$art"
	mkdir -p "$corpus" "$art"
	if "$B/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$art/" "$corpus" "$FUZZ/seeds/$t" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		ok "fuzz_$t: ${runs:-?} inputs in $secs s, no crash"
	else
		fail "fuzz_$t: crash (input in ${art#"$TOP"/}/; once fixed, keep it in" \
			"tests/fuzz/regressions/$t/)"
		ls "$art" | sed 's/^/    input: /'
		crash_report "$log"
	fi
}

for t in cmdline size add options inittab moddep newc; do
	if [ ! -x "$B/fuzz/fuzz_$t" ]; then fail "fuzz_$t is built (make $B/fuzz/fuzz_$t)"; continue; fi
	replay "$t" "$FUZZ/seeds/$t"
	replay "$t" "$FUZZ/regressions/$t"
	fuzz "$t"
done
finish
