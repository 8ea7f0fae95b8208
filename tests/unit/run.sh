#!/bin/bash
# The test runner itself: tests/run on made-up suites, one passing, one
# failing, one hanging past its time limit (with a child in a session of its
# own, as pexpect starts QEMU, and one that ignores SIGTERM), one reporting
# nothing, one exiting non-zero without a failed check. Checked: the totals,
# the kill (no process of theirs left), the log of each, the list of failed
# suites at the end; SUITE_TIMEOUT over the table; bad input refused.
. "$(dirname "$0")/../lib/report.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/minroot-run.XXXXXX")
trap 'rm -rf "$T"' EXIT
# Every process the runs below start carries this in its environment.
MARK=minroot-run-test-$$-$RANDOM

# suite NAME BODY: an executable bash script $T/NAME.sh.
suite() {
	printf '#!/bin/bash\n%s\n' "$2" >"$T/$1.sh"
	chmod +x "$T/$1.sh"
}
suite pass 'echo "ok - one"; echo "ok - two"'
suite fail 'echo "ok - a"; echo "not ok - b"; exit 1'
suite hang 'echo "ok - before the hang"
setsid sleep 1000 </dev/null >/dev/null 2>&1 &
echo $! >>"$PIDS"
( trap "" TERM; sleep 1000 ) &
echo $! >>"$PIDS"
sleep 1000'
suite silent 'exit 0'
suite crash 'echo "ok - then a crash"; exit 3'
suite slow 'sleep 5; echo "ok - late"'

# runner ARGS...: tests/run with the mark, a log directory of its own, and a
# limit of its own (a runner that never stops a suite is a failure here, not
# a hang); output in $T/out, exit status in $rc.
runner() {
	env RUN_TEST_MARK="$MARK" PIDS="$T/pids" BUILD="$T/build" \
		timeout -k 10 300 "$TOP/tests/run" "$@" >"$T/out" 2>&1
	rc=$?
}
# left: the processes still carrying the mark.
left() { grep -lsxzF "RUN_TEST_MARK=$MARK" /proc/[0-9]*/environ | cut -d/ -f3; }
# log_of NAME: where tests/run keeps that suite's log.
log_of() { echo "$T/build/test-logs/$(echo "$T/$1" | tr '/' '_').log"; }

echo "# five suites, the hanging one limited to 2 s by the table"
SUITE_TIMEOUTS="$T/hang.sh=2 $T/nosuch.sh=5" runner "$T/pass.sh" "$T/fail.sh" "$T/hang.sh" \
	"$T/silent.sh" "$T/crash.sh"
expect_eq "tests/run exits 1" 1 "$rc"
expect_eq "the totals: ok lines (2+1+1+1), failures (fail's check, the hang, silence, the crash)" \
	"5 passed, 4 failed" "$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$T/out")"
check "the suites' own lines are shown as they run" grep -qx "ok - two" "$T/out"
check "the hang is a failure saying so" \
	grep -qxF "not ok - $T/hang.sh did not finish within 2 s" "$T/out"
check "... kept in its log, after what it printed" \
	sh -c 'tail -n 2 "$1" | tr "\n" "|" | grep -qxF "ok - before the hang|not ok - $2 did not finish within 2 s|"' \
	sh "$(log_of hang)" "$T/hang.sh"
check "silence is a failure" grep -qxF "not ok - $T/silent.sh ran no check" "$T/out"
check "a non-zero exit without a failed check is a failure" \
	grep -qxF "not ok - $T/crash.sh exited 3 without reporting a failure" "$T/out"
expect_eq "the children the hang started (one in a session of its own, one ignoring SIGTERM)" \
	2 "$(wc -l <"$T/pids" 2>/dev/null)"
alive=$(left)
expect_eq "no process of the suites is left (the hang's children included)" "" "$alive"
# shellcheck disable=SC2086 # one pid a word
[ -z "$alive" ] || kill -KILL $alive 2>/dev/null
want="4 suites failed:
    $T/fail.sh: 1 not ok ($(log_of fail))
    $T/hang.sh: did not finish within 2 s ($(log_of hang))
    $T/silent.sh: ran no check ($(log_of silent))
    $T/crash.sh: exited 3 without reporting a failure ($(log_of crash))"
expect_eq "the failed suites are listed at the end, each with its log" "$want" \
	"$(sed -n '/^[0-9]* suites failed:$/,$p' "$T/out")"
missing=
for name in pass fail hang silent crash; do [ -s "$(log_of $name)" ] || missing+=" $name"; done
expect_eq "every suite has its log" "" "$missing"

echo "# all passing"
runner "$T/pass.sh"
expect_eq "exit 0, the totals, no list" "0|2 passed, 0 failed|" \
	"$rc|$(tail -n 1 "$T/out")|$(grep 'suites failed' "$T/out")"

echo "# SUITE_TIMEOUT wins over the table"
SUITE_TIMEOUT=1 SUITE_TIMEOUTS="$T/slow.sh=60" runner "$T/slow.sh"
check "a 5 s suite under SUITE_TIMEOUT=1 (its entry says 60) did not finish within 1 s" \
	grep -qxF "not ok - $T/slow.sh did not finish within 1 s" "$T/out"
expect_eq "... and nothing of it is left" "" "$(left)"

echo "# bad input: one line, status 2, no suite run"
SUITE_TIMEOUT=soon runner "$T/pass.sh"
expect_eq "SUITE_TIMEOUT=soon" "2|tests/run: error: SUITE_TIMEOUT must be a number of seconds above 0, not 'soon'" \
	"$rc|$(cat "$T/out")"
SUITE_TIMEOUTS="$T/pass.sh=0" runner "$T/pass.sh"
expect_eq "a table entry of 0 s" \
	"2|tests/run: error: SUITE_TIMEOUTS's $T/pass.sh must be a number of seconds above 0, not '0'" \
	"$rc|$(cat "$T/out")"
runner "$T/pass.sh" "$T/nosuch.sh"
expect_eq "a suite that does not exist" "2|tests/run: error: $T/nosuch.sh is not an executable file" \
	"$rc|$(cat "$T/out")"
finish
