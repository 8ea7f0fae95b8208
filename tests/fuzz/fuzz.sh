#!/bin/bash
# The libFuzzer targets (built with ASan and UBSan), one per
# tests/fuzz/fuzz_TARGET.c: first each of its seeds (tests/fuzz/seeds/TARGET/)
# and each of its regression inputs (inputs that once crashed it or that
# take a tricky path, in tests/fuzz/regressions/TARGET/ when there are some),
# one run per input; then FUZZ_SECONDS of fuzzing (10 here; `make fuzz` runs
# 60). New corpus entries and crash inputs go to $BUILD/fuzz/. A crash shows
# the input's path and the sanitizer's trace.
. "$(dirname "$0")/../lib/report.sh"
FUZZ=$TOP/tests/fuzz
secs=${FUZZ_SECONDS:-10}
case $secs in
''|*[!0-9]*|0) fail "FUZZ_SECONDS must be a positive number of seconds, not '$secs'"; finish ;;
esac
log=$(mktemp "${TMPDIR:-/tmp}/minroot-fuzz.XXXXXX")
trap 'rm -f "$log" "$log.one"' EXIT

# crash_report LOG: libFuzzer's log from the first error line on (the
# invariant broken, or the sanitizer's report and trace).
crash_report() {
	local from
	from=$(grep -a -n -m1 -E 'invariant broken|ERROR: |runtime error:' "$1" | cut -d: -f1)
	sed -n "${from:-1},\$p" "$1" | sed 's/^/    | /' | head -n 60
}

# replay TARGET DIR: run each input of DIR alone, so that every one is
# checked (libFuzzer stops at the first crash of a list); the first failure's
# report is the evidence.
replay() {
	local t=$1 dir=$2 input n=0 bad=()
	for input in "$dir"/*; do
		[ -f "$input" ] || continue
		n=$((n + 1))
		if ! "$B/fuzz/fuzz_$t" "$input" >"$log.one" 2>&1; then
			[ ${#bad[@]} -gt 0 ] || mv "$log.one" "$log"
			bad+=("${input##*/}")
		fi
	done
	if [ "$n" -eq 0 ]; then
		fail "fuzz_$t: ${dir#"$TOP"/} holds inputs"
	elif [ ${#bad[@]} -eq 0 ]; then
		ok "fuzz_$t: the $n inputs of ${dir#"$TOP"/} pass, each alone"
	else
		fail "fuzz_$t: ${#bad[@]} of the $n inputs of ${dir#"$TOP"/} fail: ${bad[*]}"
		crash_report "$log"
	fi
}

# fuzz TARGET: fuzz for $secs seconds from the seeds and the regression
# inputs, keeping the corpus in $B/fuzz.
fuzz() {
	local t=$1
	local corpus=$B/fuzz/corpus/$t art=$B/fuzz/crashes/$t inputs=("$FUZZ/seeds/$t")
	[ ! -d "$FUZZ/regressions/$t" ] || inputs+=("$FUZZ/regressions/$t")
	rm -rf "$art"
	mkdir -p "$corpus" "$art"
	if "$B/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$art/" "$corpus" "${inputs[@]}" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		ok "fuzz_$t: ${runs:-?} inputs in $secs s, no crash"
	else
		fail "fuzz_$t: crash (input in ${art#"$TOP"/}/; once fixed, keep it in" \
			"tests/fuzz/regressions/$t/)"
		# shellcheck disable=SC2012 # ls: for the reader only
		ls "$art" | sed 's/^/    input: /'
		crash_report "$log"
	fi
}

for src in "$FUZZ"/fuzz_*.c; do
	t=${src##*/fuzz_}
	t=${t%.c}
	if [ ! -x "$B/fuzz/fuzz_$t" ]; then fail "fuzz_$t is built (make $B/fuzz/fuzz_$t)"; continue; fi
	replay "$t" "$FUZZ/seeds/$t"
	# Only the targets that have regression inputs have a folder.
	[ ! -d "$FUZZ/regressions/$t" ] || replay "$t" "$FUZZ/regressions/$t"
	fuzz "$t"
done
finish
