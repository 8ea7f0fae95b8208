#!/bin/bash
# The GitHub Actions workflow (.github/workflows/kselftest.yml), no VM:
# action-validator (npm's @action-validator/cli, installed into the cache by
# scripts/npm-tools) finds it valid against the workflow schema, and finds
# two broken copies invalid; its matrix is shards 1..N, each job passing
# SHARD=I/N with N the matrix's size and keeping its results under a name
# of its own, and the merge job runs merge-results over all of them.
. "$(dirname "$0")/../lib/report.sh"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
WF=$TOP/.github/workflows/kselftest.yml
bin=$("$TOP/scripts/npm-tools" 2>"$T/npm.err") || { fail "scripts/npm-tools"; evidence "$T/npm.err"; finish; }
validate() { "$bin/action-validator" "$1" >"$T/validator.out" 2>&1; }

if validate "$WF"; then ok "action-validator: $(basename "$WF") is a valid workflow"
else fail "action-validator: $(basename "$WF") is a valid workflow"; evidence "$T/validator.out"; fi

sed 's/runs-on:/runs_on:/' "$WF" >"$T/misspelt.yml"
validate "$T/misspelt.yml"
expect_eq "... a copy with runs-on misspelt is not (exit 1)" 1 $?
check "... the error names it" grep -q "Additional property 'runs_on' is not allowed" "$T/validator.out"
sed 's/shard: \[1, 2, 3\]/shard: 3/' "$WF" >"$T/matrix.yml"
validate "$T/matrix.yml"
expect_eq "... nor one whose matrix is a number, not a list (exit 1)" 1 $?
check "... the error names the matrix" grep -q '"path": "/jobs/kselftest/strategy/matrix/shard"' "$T/validator.out"

echo "# the shards"
python3 - "$WF" >"$T/shape.out" 2>&1 <<'PY'
import sys
import yaml
wf = yaml.safe_load(open(sys.argv[1]))
job = wf["jobs"]["kselftest"]
shards = job["strategy"]["matrix"]["shard"]
runs = " ".join(s["run"] for s in job["steps"] if "run" in s)
merge = " ".join(s.get("run", "") for s in wf["jobs"]["merge"]["steps"])
print("matrix", shards == list(range(1, len(shards) + 1)) and len(shards) > 1)
print("shard", "SHARD=${{ matrix.shard }}/${{ strategy.job-total }}" in runs)
print("results", "RESULTS=results/kselftest-${{ matrix.shard }}" in runs)
print("merge", wf["jobs"]["merge"]["needs"] == "kselftest" and wf["jobs"]["merge"]["if"] == "always()"
      and "qemu/kselftest/merge-results -o results/kselftest results/kselftest-*/" in merge)
PY
expect_eq "the matrix is shards 1..N" "matrix True" "$(grep '^matrix' "$T/shape.out")"
expect_eq "... each job runs make kselftest SHARD=I/N, N the matrix's size" "shard True" "$(grep '^shard' "$T/shape.out")"
expect_eq "... its results under a name of its own" "results True" "$(grep '^results' "$T/shape.out")"
expect_eq "the merge job, after every shard, whatever their outcome, runs merge-results over them" \
	"merge True" "$(grep '^merge' "$T/shape.out")"
finish
