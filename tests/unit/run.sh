#!/bin/bash
# shellcheck disable=SC2016 # single quotes: these words are for the made-up suites and sh -c
# The test runner itself: tests/run on made-up suites, one passing, one
# failing, one hanging past its time limit (with a child in a session of its
# own, as pexpect starts QEMU, and one that ignores SIGTERM), one reporting
# nothing, one exiting non-zero without a failed check. Checked: the totals,
# the kill (no process of theirs left), the log of each, the list of failed
# suites at the end, one at a time (TEST_JOBS=1) and several at once
# (TEST_JOBS=3: the same totals and list); SUITE_TIMEOUT over the table.
# At once: two suites meet while both run, each one's output comes whole,
# a suite weighing 2 CPUs or "all" runs with nothing beside it, the longest
# of the last run starts first, SIGTERM stops every suite running. Bad
# input refused.
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

for jobs in 1 3; do
rm -f "$T/pids"
echo "# five suites, the hanging one limited to 2 s by the table, TEST_JOBS=$jobs"
TEST_JOBS=$jobs SUITE_TIMEOUTS="$T/hang.sh=2 $T/nosuch.sh=5" runner "$T/pass.sh" "$T/fail.sh" "$T/hang.sh" \
	"$T/silent.sh" "$T/crash.sh"
expect_eq "tests/run exits 1" 1 "$rc"
expect_eq "the totals: ok lines (2+1+1+1), failures (fail's check, the hang, silence, the crash)" \
	"5 passed, 4 failed" "$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$T/out")"
check "the suites' own lines are shown" grep -qx "ok - two" "$T/out"
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
done

echo "# all passing"
runner "$T/pass.sh"
expect_eq "exit 0, the totals, no list" "0|2 passed, 0 failed|" \
	"$rc|$(tail -n 1 "$T/out")|$(grep 'suites failed' "$T/out")"

echo "# SUITE_TIMEOUT wins over the table"
SUITE_TIMEOUT=1 SUITE_TIMEOUTS="$T/slow.sh=60" runner "$T/slow.sh"
check "a 5 s suite under SUITE_TIMEOUT=1 (its entry says 60) did not finish within 1 s" \
	grep -qxF "not ok - $T/slow.sh did not finish within 1 s" "$T/out"
expect_eq "... and nothing of it is left" "" "$(left)"

echo "# at once: two suites meet, each one's output whole"
# meet NAME OTHER: says it runs, waits (20 s at most) until OTHER does too.
meet() {
	suite "$1" 'touch "$MEET/'"$1"'"; echo "ok - '"$1"' one"
for i in $(seq 200); do [ -e "$MEET/'"$2"'" ] && break; sleep 0.1; done
[ -e "$MEET/'"$2"'" ] && echo "ok - '"$1"' saw '"$2"' running" || echo "not ok - '"$1"' never saw '"$2"' running"
echo "ok - '"$1"' three"'
}
meet left right
meet right left
mkdir -p "$T/meet"
MEET=$T/meet TEST_JOBS=2 runner "$T/left.sh" "$T/right.sh"
expect_eq "TEST_JOBS=2: both pass, each saw the other running" "0|6 passed, 0 failed" \
	"$rc|$(tail -n 1 "$T/out")"
expect_eq "... each one's lines whole, under its name" "== $T/left.sh|ok - left one|ok - left saw right running|ok - left three|== $T/right.sh|ok - right one|ok - right saw left running|ok - right three" \
	"$(grep -E '^(== |ok - )' "$T/out" | sed 's/ ([0-9]* s)$//' | awk '/^== /{ name = $0 } { lines[name] = lines[name] "|" $0 } END { print substr(lines["== '"$T"'/left.sh"], 2) "|" substr(lines["== '"$T"'/right.sh"], 2) }')"

echo "# at once: a suite weighing 2 CPUs, or all of them, runs alone"
# alone NAME: passes if no other suite of these runs while it does.
alone() {
	suite "$1" 'touch "$MEET/'"$1"'.running"
sleep 1
others=$(ls "$MEET" | grep -v "^'"$1"'.running$" | grep "\.running$")
rm -f "$MEET/'"$1"'.running"
[ -z "$others" ] && echo "ok - '"$1"' ran alone" || echo "not ok - '"$1"' ran beside $others"'
}
for n in a b c heavy whole; do alone $n; done
rm -rf "$T/meet" && mkdir -p "$T/meet"
MEET=$T/meet TEST_JOBS=2 SUITE_WEIGHTS="$T/heavy.sh=2 $T/whole.sh=all" runner "$T/a.sh" "$T/heavy.sh" \
	"$T/b.sh" "$T/whole.sh" "$T/c.sh"
for n in heavy whole; do check "$n ran alone" grep -qx "ok - $n ran alone" "$T/out"; done
expect_eq "... and the light ones passed their checks too" 0 "$(grep -c '^not ok - [abc] ' "$T/out")"

echo "# at once: the longest of the last run first"
suite first 'echo "$0" >>"$STARTS"; echo "ok - first"'
suite second 'echo "$0" >>"$STARTS"; echo "ok - second"'
suite longest 'echo "$0" >>"$STARTS"; echo "ok - longest"'
suite new 'echo "$0" >>"$STARTS"; echo "ok - new"'
mkdir -p "$T/build/test-logs"
printf '%s 3\n%s 2\n%s 90\n' "$T/first.sh" "$T/second.sh" "$T/longest.sh" >"$T/build/test-logs/durations"
rm -f "$T/starts"
STARTS=$T/starts TEST_JOBS=2 SUITE_WEIGHTS="$T/first.sh=all $T/second.sh=all $T/longest.sh=all $T/new.sh=all" \
	runner "$T/first.sh" "$T/second.sh" "$T/longest.sh" "$T/new.sh"
expect_eq "a suite not timed yet, then the longest, then the rest by time" \
	"$T/new.sh $T/longest.sh $T/first.sh $T/second.sh" "$(tr '\n' ' ' <"$T/starts" | sed 's/ $//')"
check "... this run's times kept for the next, seconds and CPU seconds" \
	grep -qE "^$T/new.sh [0-9]+ [0-9]+$" "$T/build/test-logs/durations"

echo "# a suite's CPU seconds: its processes', those in a session of their own too"
# The child spins until its own CPU time (user and system, in clock ticks
# from /proc) is 2 s, however long that takes on a busy machine.
suite busy 'setsid bash -c "tick=\$(getconf CLK_TCK)
while read -r -a st </proc/\$BASHPID/stat && [ \$((st[13] + st[14])) -lt \$((2 * tick)) ]; do :; done" </dev/null &
wait; echo "ok - busy"'
for jobs in 1 2; do
	TEST_JOBS=$jobs runner "$T/busy.sh"
	expect_eq "TEST_JOBS=$jobs: the 2 CPU seconds kept (2 to 3: the rest is the suite's own)" "0|yes" \
		"$rc|$(awk -v s="$T/busy.sh" '$1 == s { print ($3 >= 2 && $3 <= 3 ? "yes" : $0) }' "$T/build/test-logs/durations")"
done

echo "# the load table (a one-at-a-time run's durations): a suite weighs its CPU seconds"
echo "# over its seconds, at least a quarter of a CPU; its seconds order the start"
for n in 1 2 3 4; do meet "q$n" "q$((n % 4 + 1))"; done
# Each waits for the next: only all four at once pass. A quarter each,
# two of them by the floor.
printf '%s 100 20\n' "$T/q1.sh" "$T/q2.sh" >"$T/load"
printf '%s 100 1\n' "$T/q3.sh" "$T/q4.sh" >>"$T/load"
rm -rf "$T/meet" "$T/build/test-logs/durations" && mkdir -p "$T/meet"
# shellcheck disable=SC2030,SC2031 # the subshell's cd is its own
( cd "$T" && MEET=$T/meet SUITE_LOAD=load TEST_JOBS=2 runner "$T/q1.sh" "$T/q2.sh" "$T/q3.sh" "$T/q4.sh"
	echo "$rc" >"$T/rc" )
expect_eq "TEST_JOBS=2, four suites of a quarter CPU: all four at once (SUITE_LOAD relative to where tests/run started)" \
	"0|12 passed, 0 failed" "$(cat "$T/rc")|$(tail -n 1 "$T/out")"
rm -rf "$T/meet" "$T/build/test-logs/durations" && mkdir -p "$T/meet"
printf '%s 100 200\n' "$T/c.sh" >"$T/load"
MEET=$T/meet SUITE_LOAD=$T/load TEST_JOBS=2 runner "$T/a.sh" "$T/c.sh"
for n in a c; do check "TEST_JOBS=2, one suite of 2 CPUs by the table: $n ran alone" grep -qx "ok - $n ran alone" "$T/out"; done
printf '%s 3 1\n%s 2 1\n%s 90 1\n' "$T/first.sh" "$T/second.sh" "$T/longest.sh" >"$T/load"
rm -f "$T/starts" "$T/build/test-logs/durations"
STARTS=$T/starts SUITE_LOAD=$T/load TEST_JOBS=2 \
	SUITE_WEIGHTS="$T/first.sh=all $T/second.sh=all $T/longest.sh=all $T/new.sh=all" \
	runner "$T/first.sh" "$T/second.sh" "$T/longest.sh" "$T/new.sh"
expect_eq "no last run: the table's seconds order the start, a suite not in it first" \
	"$T/new.sh $T/longest.sh $T/first.sh $T/second.sh" "$(tr '\n' ' ' <"$T/starts" | sed 's/ $//')"

echo "# at once: SIGTERM stops every suite running"
suite idle1 'echo "ok - up"; sleep 1000'
suite idle2 'echo "ok - up"; setsid sleep 1000 </dev/null >/dev/null 2>&1 & sleep 1000'
env RUN_TEST_MARK="$MARK" BUILD="$T/build" TEST_JOBS=2 "$TOP/tests/run" "$T/idle1.sh" "$T/idle2.sh" \
	>"$T/out" 2>&1 &
runner_pid=$!
for _ in $(seq 300); do [ "$(left | wc -l)" -ge 3 ] && break; sleep 0.1; done
kill -TERM "$runner_pid"
wait "$runner_pid"
expect_eq "tests/run exits 130, saying so" "130|tests/run: interrupted: stopping 2 suites" "$?|$(tail -n 1 "$T/out")"
alive=$(left)
expect_eq "... nothing of the suites is left" "" "$alive"
# shellcheck disable=SC2086 # one pid a word
[ -z "$alive" ] || kill -KILL $alive 2>/dev/null

echo "# bad input: one line, status 2, no suite run"
SUITE_TIMEOUT=soon runner "$T/pass.sh"
expect_eq "SUITE_TIMEOUT=soon" "2|tests/run: error: SUITE_TIMEOUT must be a number of seconds above 0, not 'soon'" \
	"$rc|$(cat "$T/out")"
SUITE_TIMEOUTS="$T/pass.sh=0" runner "$T/pass.sh"
expect_eq "a table entry of 0 s" \
	"2|tests/run: error: SUITE_TIMEOUTS's $T/pass.sh must be a number of seconds above 0, not '0'" \
	"$rc|$(cat "$T/out")"
TEST_JOBS=none runner "$T/pass.sh"
expect_eq "TEST_JOBS=none" "2|tests/run: error: TEST_JOBS must be a number of CPUs above 0, not 'none'" \
	"$rc|$(cat "$T/out")"
SUITE_WEIGHTS="$T/pass.sh=half" runner "$T/pass.sh"
expect_eq "a weight that is no number" \
	"2|tests/run: error: SUITE_WEIGHTS's $T/pass.sh must be a number of CPUs above 0 or 'all', not 'half'" \
	"$rc|$(cat "$T/out")"
SUITE_LOAD=$T/noload runner "$T/pass.sh"
expect_eq "a load table that is not there" "2|tests/run: error: SUITE_LOAD: $T/noload is not a readable file" \
	"$rc|$(cat "$T/out")"
runner "$T/pass.sh" "$T/nosuch.sh"
expect_eq "a suite that does not exist" "2|tests/run: error: $T/nosuch.sh is not an executable file" \
	"$rc|$(cat "$T/out")"
finish
