#!/bin/bash
# qemu/kselftest/ktap-summary on recorded kselftest output: a real run on the cloud
# kernel under TCG (serial console bytes, BIOS escapes, CRLF), the same run
# cut off in the middle of a test, a passing run, one on the minimal kernel
# (a test's checks known only from its Totals line), and a made-up document with
# nested subtests, SKIP, TODO and TIMEOUT directives. Each summary is
# compared whole with the one kept beside the sample, and so is the status.
# Then --results DIR on the four recorded runs, read by what a CI reads
# with (check-results: junitparser, xmlschema, the kernel's kunit.py), and
# bad input.
. "$(dirname "$0")/../lib/report.sh"
S=$TOP/tests/kselftest/samples
SUM=$TOP/qemu/kselftest/ktap-summary
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

# summary_is WHAT SAMPLE STATUS [OPTIONS]: the summary of SAMPLE equals
# SAMPLE's .summary file, and the exit status is STATUS.
summary_is() {
	local what=$1 name=$2 want=$3; shift 3
	"$SUM" "$@" "$S/$name.ktap" >"$T/$name.out" 2>&1
	local rc=$?
	if ! diff -u "$S/$name.summary" "$T/$name.out" >"$T/$name.diff"; then
		fail "$what: the summary differs"; evidence "$T/$name.diff"
	elif [ "$rc" -ne "$want" ]; then
		fail "$what: exit $rc, expected $want"
	else
		ok "$what (exit $rc)"
	fi
}

summary_is "a recorded run of five suites with failures and skips" full-run 1
summary_is "the same run cut off inside exec, three suites never started" truncated 1 \
	--expect timers,exec,kcmp,size,breakpoints
summary_is "a recorded run where every test passed or was skipped" pass-run 0 \
	--expect timers,exec,kcmp,size,breakpoints
summary_is "the minimal kernel: no POSIX timers (a failure), kcmp's checks counted by its Totals line" \
	min-kernel 1 --expect timers,exec,kcmp,size,breakpoints
summary_is "nested subtests, SKIP/TODO/TIMEOUT directives, noise lines" nested 1

echo "# from standard input, and bad input"
"$SUM" <"$S/pass-run.ktap" >"$T/stdin.out"
expect_eq "standard input gives the same summary" "$(cat "$S/pass-run.summary")" "$(cat "$T/stdin.out")"
"$SUM" </dev/null >"$T/empty.out"
expect_eq "no KTAP at all fails (exit 1)" 1 $?
check "... saying so" grep -qx "kselftest: no KTAP results in the output" "$T/empty.out"
"$SUM" --expect timers </dev/null >"$T/none.out"
expect_eq "an expected suite with no results fails (exit 1)" 1 $?
check "... naming it" grep -q "^kselftest: timers .*no results: the run ended before it$" "$T/none.out"
"$SUM" --bogus >"$T/usage.out" 2>&1
expect_eq "an unknown option is a usage error (exit 2)" 2 $?
expect_eq "... told in one line" 1 "$(grep -c '^ktap-summary: error: ' "$T/usage.out")"
"$SUM" "$T/no-such-file" >"$T/nofile.out" 2>&1
expect_eq "an unreadable file (exit 2)" 2 $?
check "... named with the reason" grep -q "^ktap-summary: error: reading $T/no-such-file: No such file or directory$" "$T/nofile.out"

echo "# --results DIR: the same runs as a CI reads them"
# check_results NAME: ktap-summary --results on sample NAME, its summary
# unchanged, the files read by check-results (its own ok/not ok lines).
check_results() {
	local name=$1 rc
	"$SUM" --expect timers,exec,kcmp,size,breakpoints --results "$T/res-$name" "$S/$name.ktap" >"$T/res-$name.sum"
	if diff -u "$S/$name.summary" "$T/res-$name.sum" >"$T/res-$name.diff"; then ok "$name: the summary is the same with --results"
	else fail "$name: the summary changes with --results"; evidence "$T/res-$name.diff"; fi
	"$TOP/tests/kselftest/check-results" "$name" "$T/res-$name" "$T/res-$name.sum" >"$T/check-$name.out" 2>&1
	rc=$?
	cat "$T/check-$name.out"
	if [ $rc -ne 0 ] && ! grep -q '^not ok' "$T/check-$name.out"; then fail "$name: check-results exited $rc"; fi
}
for name in full-run truncated min-kernel pass-run; do check_results "$name"; done

echo "# ... and check-results itself can fail"
cp -r "$T/res-full-run" "$T/tampered"
# One test case fewer, and two with the same name.
sed -i -e '0,/name="nsleep-lat" \/>/{/name="nsleep-lat" \/>/d}' -e 's/name="mqueue-lat"/name="set-timer-lat"/' "$T/tampered/junit.xml"
"$TOP/tests/kselftest/check-results" tampered "$T/tampered" "$T/res-full-run.sum" >"$T/tampered.out" 2>&1
expect_eq "a junit.xml with a test case missing and a name twice fails the check (exit 1)" 1 $?
check "... naming the suite's count" grep -q '^not ok - tampered: junitparser, suite timers: ' "$T/tampered.out"
check "... and the name met twice" grep -q '^not ok - tampered: no two test cases share classname and name' "$T/tampered.out"

echo "# --results: bad input"
: >"$T/a-file"
"$SUM" --results "$T/a-file" "$S/pass-run.ktap" >"$T/resfile.out" 2>&1
expect_eq "a file in the directory's place: exit 2" 2 $?
expect_eq "... told in one line" "ktap-summary: error: --results $T/a-file: Not a directory" "$(cat "$T/resfile.out")"
"$SUM" --results >"$T/resnone.out" 2>&1
expect_eq "--results with no directory: exit 2" 2 $?
finish
