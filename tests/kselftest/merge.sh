#!/bin/bash
# qemu/kselftest/merge-results on recorded runs, no VM: each of three
# recorded runs cut into N shards as make kselftest SHARD=I/N cuts a run
# (tests/kselftest/sample-shards), the shards merged in any order equal the
# whole run as a CI reads it, every line of results.ktap included
# (same-results --exact); the merged results read by junitparser, xmlschema
# and kunit.py agree with ktap-summary (check-results). Then a missing
# shard, shards of two runs, one shard twice, and bad input.
. "$(dirname "$0")/../lib/report.sh"
MERGE=$TOP/qemu/kselftest/merge-results
SHARDS=$TOP/tests/kselftest/sample-shards
SAME=$TOP/tests/kselftest/same-results
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

# run_check WHAT CMD...: CMD's own ok/not ok lines, and a failure when it
# exits non-zero without one.
run_check() {
	local what=$1 rc; shift
	"$@" >"$T/check.out" 2>&1
	rc=$?
	cat "$T/check.out"
	if [ $rc -ne 0 ] && ! grep -q '^not ok' "$T/check.out"; then fail "$what: exited $rc"; evidence "$T/check.out"; fi
}

# shards_in_reverse DIR N: DIR's shard directories, the last first.
shards_in_reverse() { for ((i = $2; i >= 1; i--)); do echo "$1/shard-$i"; done; }

for sample in full-run pass-run min-kernel; do
	want=1; [ $sample = pass-run ] && want=0
	for n in 2 3 5; do
		d=$T/$sample-$n
		"$SHARDS" "$sample" "$n" "$d" || { fail "sample-shards $sample $n"; continue; }
		mapfile -t dirs < <(shards_in_reverse "$d" "$n")
		"$MERGE" -o "$d/merged" "${dirs[@]}" >"$d/merge.out" 2>"$d/merge.err"
		expect_eq "$sample in $n shards, given last first: merge-results exits $want" "$want" $?
		run_check "$sample/$n" "$SAME" --exact "$sample, $n shards merged = one run" "$d/whole" "$d/merged"
	done
	"$TOP/qemu/kselftest/ktap-summary" --expect "$(python3 -c 'import json,sys; print(",".join(s for s in json.load(open(sys.argv[1]))["counts"]["by_suite"]))' "$d/whole/results.json")" \
		"$d/merged/results.ktap" >"$d/summary"
	run_check "$sample/check" "$TOP/tests/kselftest/check-results" "$sample merged" "$d/merged" "$d/summary"
done
# The merge prints the whole run's summary.
"$TOP/qemu/kselftest/ktap-summary" --expect timers,exec,breakpoints,kcmp,size "$T/pass-run-3/whole/results.ktap" \
	>"$T/whole.summary"
if diff -u "$T/whole.summary" "$T/pass-run-3/merge.out" >"$T/summary.diff"; then
	ok "merge-results prints the whole run's summary"
else fail "merge-results prints the whole run's summary"; evidence "$T/summary.diff"; fi
check "... and says what it wrote" grep -qx "merge-results: 3 results merged into $T/pass-run-3/merged: junit.xml, results.json, results.ktap" \
	"$T/pass-run-3/merge.err"

echo "# ... and same-results can fail"
cp -r "$T/pass-run-3/merged" "$T/tampered"
sed -i 's/^ok 2 selftests: timers: nanosleep$/not ok 2 selftests: timers: nanosleep # exit=1/' "$T/tampered/results.ktap"
sed -i '0,/name="get_size"/s/name="get_size"/name="get_size [2]"/' "$T/tampered/junit.xml"
"$SAME" tampered "$T/pass-run-3/whole" "$T/tampered" >"$T/tampered.out" 2>&1
expect_eq "a result line and a case name changed: same-results exits 1" 1 $?
expect_eq "... naming results.ktap and junit.xml, nothing else" \
	"not ok - tampered: results.ktap, its KTAP lines and headers|not ok - tampered: junit.xml, suites, counts and cases" \
	"$(grep '^not ok' "$T/tampered.out" | paste -sd'|')"

echo "# a shard missing"
d=$T/pass-run-3
"$MERGE" -o "$T/partial" "$d/shard-1" "$d/shard-3" >"$T/partial.out" 2>"$T/partial.err"
expect_eq "shards 1 and 3 of 3: exit 1" 1 $?
check "... naming the missing one" grep -qx "merge-results: shard 2/3 is missing: its tests count as never reported" "$T/partial.err"
missing=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["shard"]["tests"]; print(len(t))' "$d/shard-2/results.json")
check "... the verdict fails, its $missing tests never reported (errors in junit.xml)" \
	python3 -c '
import json, sys
r, whole, shard, one, three = (json.load(open(a)) for a in sys.argv[1:6])
c = r["counts"]
mine = {t.split(":")[0] for t in shard["shard"]["tests"]}
others = {t.split(":")[0] for t in one["shard"]["tests"] + three["shard"]["tests"]}
alone = mine - others
# A collection only the missing shard ran has no results (one MISS case);
# the missing tests of the others are MISS cases of their own.
miss = sum(1 for t in shard["shard"]["tests"] if t.split(":")[0] not in alone) + len(alone)
assert r["verdict"] == "fail", r["verdict"]
assert c["testcases"]["MISS"] == miss, (c["testcases"]["MISS"], miss)
assert c["suites"] == whole["counts"]["suites"], (c["suites"], whole["counts"]["suites"])
' "$T/partial/results.json" "$d/whole/results.json" "$d/shard-2/results.json" "$d/shard-1/results.json" "$d/shard-3/results.json"

echo "# what merge-results refuses"
"$MERGE" -o "$T/x" "$T/pass-run-3/shard-1" "$T/full-run-3/shard-2" >"$T/mixed.out" 2>&1
expect_eq "shards of two runs: exit 2" 2 $?
expect_eq "... in one line" "merge-results: error: $T/full-run-3/shard-2 is a shard of another run than $T/pass-run-3/shard-1 (another list of tests, or another count of shards)" "$(cat "$T/mixed.out")"
"$MERGE" -o "$T/x" "$T/pass-run-2/shard-1" "$T/pass-run-3/shard-2" >"$T/mixed2.out" 2>&1
expect_eq "shards of 2 and of 3: exit 2" 2 $?
"$MERGE" -o "$T/x" "$d/shard-2" "$d/shard-2" >"$T/twice.out" 2>&1
expect_eq "one shard twice: exit 2" 2 $?
expect_eq "... in one line" "merge-results: error: $d/shard-2 and $d/shard-2 are both shard 2/3" "$(cat "$T/twice.out")"
"$MERGE" -o "$T/x" "$d/shard-1" "$d/whole" >"$T/notshard.out" 2>&1
expect_eq "a shard and a run that is none: exit 2" 2 $?
check "... saying which" grep -qx "merge-results: error: $d/shard-1 is a shard and $d/whole is not" "$T/notshard.out"
"$MERGE" -o "$T/x" "$T/nosuch" >"$T/nodir.out" 2>&1
expect_eq "a directory without results: exit 2" 2 $?
expect_eq "... naming the file and the reason" "merge-results: error: $T/nosuch: $T/nosuch/results.ktap: No such file or directory" \
	"$(cat "$T/nodir.out")"
: >"$T/a-file"
"$MERGE" -o "$T/a-file" "$d/shard-1" >"$T/ofile.out" 2>&1
expect_eq "-o naming a file: exit 2" 2 $?
expect_eq "... in one line, the file untouched" "merge-results: error: -o $T/a-file: not a directory|0" \
	"$(cat "$T/ofile.out")|$(stat -c %s "$T/a-file")"
"$MERGE" "$d/shard-1" >"$T/noout.out" 2>&1
expect_eq "no -o: exit 2" 2 $?
check "... in one line with the usage" grep -qx "merge-results: error: name the output directory and at least one results directory; usage: merge-results -o OUT DIR..." "$T/noout.out"
check "... and nothing written" test ! -e "$T/x"

echo "# results that are not shards"
"$MERGE" -o "$T/alone" "$T/full-run-2/whole" >/dev/null 2>&1
expect_eq "one run merged alone: its status (1: tests failed)" 1 $?
run_check "alone" "$SAME" --exact "one run merged alone is itself" "$T/full-run-2/whole" "$T/alone"
finish
