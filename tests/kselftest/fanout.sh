#!/bin/bash
# make kselftest's JOBS= and SHARD= (qemu/kselftest/kselftest-jobs) on the
# cloud kernel with a small set, one test of which fails in this guest
# (exec:execveat wants a shell's 126/127; busybox sh exits 2): one guest,
# two guests at once, and two shards (one chosen by GitLab's CI_NODE_INDEX
# and CI_NODE_TOTAL) merged by merge-results all give the same results as a
# CI reads them (same-results: what the tests print and the times aside),
# the same summary and the same exit status. Then bad input, no VM.
# It works in a build directory of its own (the image and the kernel
# linked in): the tests' tree, logs and results of other suites' runs stay
# untouched.
. "$(dirname "$0")/../lib/report.sh"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
for f in "$B/vmlinuz" "$B/rootfs.img"; do [ -s "$f" ] || { fail "missing $f (make $f)"; finish; }; done
mkdir -p "$T/build" && ln -s "$B/rootfs.img" "$B/vmlinuz" "$B/init" "$B/mkrootfs" "$T/build/"
JOBS_CMD=$TOP/qemu/kselftest/kselftest-jobs
SAME=$TOP/tests/kselftest/same-results
SET=(kcmp size exec:null-argv exec:execveat timers:threadtest)

# jobs NAME ARGS...: kselftest-jobs on the set, its output in $T/NAME.out,
# its results in $T/NAME; its exit status in $T/NAME.rc.
jobs() {
	local name=$1; shift
	BUILD=$T/build "$JOBS_CMD" --kernel "$T/build/vmlinuz" --results "$T/$name" "$@" "${SET[@]}" \
		>"$T/$name.out" 2>&1
	echo $? >"$T/$name.rc"
}

# summary FILE: the summary's lines (ktap-summary's), the same in every run.
summary() { tr -d '\r' <"$1" | grep -E '^kselftest: ([a-z]+ +[0-9]+ ok,|skip |not ok |[0-9]+ suites)'; }

# same WHAT DIR: DIR's results are the one guest's run's.
same() {
	"$SAME" "$1" "$T/one" "$2" >"$T/same.out" 2>&1
	local rc=$?
	cat "$T/same.out"
	[ $rc -eq 0 ] || grep -q '^not ok' "$T/same.out" || fail "$1: same-results exited $rc"
}

echo "# one guest (JOBS=1), then two at once (JOBS=2)"
jobs one --jobs 1
expect_eq "one guest: exit 1 (execveat fails here)" 1 "$(cat "$T/one.rc")"
check "... the failure named" grep -qx "kselftest: not ok exec: execveat (exit=1)" "$T/one.out"
check "... one guest: kselftest itself ran" grep -q "^kselftest: running kcmp size exec:null-argv" "$T/one.out"
jobs two --jobs 2
expect_eq "two guests: the same exit status" 1 "$(cat "$T/two.rc")"
check "... in two guests" grep -q "^kselftest: running 5 of 5 tests in 2 guests on " "$T/two.out"
n=$(grep -cE '^kselftest: guest [12]: (ok|not ok) [0-9]+ selftests: ' "$T/two.out")
expect_eq "... each test's line says which guest ran it" 5 "$n"
if diff -u <(summary "$T/one.out") <(summary "$T/two.out") >"$T/summary.diff"; then
	ok "... the same summary, line for line"
else fail "... the same summary, line for line"; evidence "$T/summary.diff"; fi
same "two guests = one guest" "$T/two"
for g in 1 2; do
	check "guest $g kept its own log and results" test -s "$T/build/kselftest-jobs/guest-$g.log" -a \
		-s "$T/build/kselftest-jobs/guest-$g/junit.xml"
done
n=$(tr -d '\r' <"$T/build/kselftest.log" | grep -cE '^(ok|not ok) [0-9]+ selftests: ')
expect_eq "kselftest.log holds both guests' output" 5 "$n"

echo "# two shards, one of them chosen by GitLab's variables"
jobs shard2 --jobs 1 --shard 2/2
CI_NODE_INDEX=1 CI_NODE_TOTAL=2 jobs shard1 --jobs 1
for i in 1 2; do
	check "shard $i/2 says which shard it is" grep -q "^kselftest: shard $i/2: running " "$T/shard$i.out"
done
expect_eq "... results.json names the shard and the whole run" "1 2 5|2 2 5" \
	"$(for i in 1 2; do python3 -c 'import json, sys; s = json.load(open(sys.argv[1]))["shard"]; print(s["index"], s["total"], len(s["run"]))' "$T/shard$i/results.json"; done | paste -sd'|')"
expect_eq "... the two shards hold every test once" "5 5" \
	"$(python3 -c 'import json, sys
tests = [t for f in sys.argv[1:] for t in json.load(open(f))["shard"]["tests"]]
print(len(tests), len(set(tests)))' "$T/shard1/results.json" "$T/shard2/results.json")"
for i in 1 2; do
	BUILD=$T/build "$JOBS_CMD" --shard "$i/2" --plan "${SET[@]}" >"$T/plan$i" 2>/dev/null
	expect_eq "--shard $i/2 --plan prints the tests the shard ran" \
		"$(python3 -c 'import json, sys; print("\n".join(json.load(open(sys.argv[1]))["shard"]["tests"]))' "$T/shard$i/results.json")" \
		"$(cat "$T/plan$i")"
done
"$TOP/qemu/kselftest/merge-results" -o "$T/merged" "$T/shard2" "$T/shard1" >"$T/merged.out" 2>&1
expect_eq "merge-results of the two: the same exit status" 1 $?
if diff -u <(summary "$T/one.out") <(summary "$T/merged.out") >"$T/msummary.diff"; then
	ok "... the same summary, line for line"
else fail "... the same summary, line for line"; evidence "$T/msummary.diff"; fi
same "two shards merged = one guest" "$T/merged"

echo "# bad input (no VM)"
BUILD=$T/build "$JOBS_CMD" --jobs 0 kcmp >"$T/bad1.out" 2>&1
expect_eq "--jobs 0: exit 2, in one line" "2|kselftest: error: --jobs must be a number of guests above 0, not '0'" \
	"$?|$(cat "$T/bad1.out")"
BUILD=$T/build "$JOBS_CMD" --shard 3/2 kcmp >"$T/bad2.out" 2>&1
expect_eq "--shard 3/2: exit 2, in one line" "2|kselftest: error: --shard: '3/2' is not I/N with 1 <= I <= N" \
	"$?|$(cat "$T/bad2.out")"
CI_NODE_INDEX=2 BUILD=$T/build "$JOBS_CMD" kcmp >"$T/bad3.out" 2>&1
expect_eq "CI_NODE_INDEX without CI_NODE_TOTAL: exit 2" \
	"2|kselftest: error: --shard: CI_NODE_INDEX=2 CI_NODE_TOTAL= is not a shard I of N" "$?|$(cat "$T/bad3.out")"
BUILD=$T/build "$JOBS_CMD" --jobs 2 --durations "$T/none" kcmp >"$T/bad4.out" 2>&1
expect_eq "--durations naming no file: exit 2, in one line" \
	"2|kselftest: error: --durations $T/none: No such file or directory" "$?|$(cat "$T/bad4.out")"
BUILD=$T/build "$JOBS_CMD" --jobs 2 '../x' >"$T/bad5.out" 2>&1
expect_eq "a test name that is no name: exit 2 (kselftest's own check)" 2 $?
: >"$T/a-file"
BUILD=$T/build "$JOBS_CMD" --jobs 2 --results "$T/a-file" kcmp >"$T/bad6.out" 2>&1
expect_eq "--results naming a file: exit 2, before the build" \
	"2|kselftest: error: --results $T/a-file: not a directory" "$?|$(cat "$T/bad6.out")"
finish
