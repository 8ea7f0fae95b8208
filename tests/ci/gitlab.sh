#!/bin/bash
# The GitLab pipeline (.gitlab-ci.yml) run here by gitlab-ci-local (npm,
# installed into the cache by scripts/npm-tools) with its shell executor:
# its kselftest job is parallel: 3, each instance a shard (SHARD from
# CI_NODE_INDEX/CI_NODE_TOTAL) in a copy of the tree of its own, on a small
# set with one test that fails here (exec:execveat); then its merge job.
# The shards' JUnit reports together hold the cases of one unsharded run,
# and the merge job's results are that run's (same-results). Also: the
# pipeline's jobs as gitlab-ci-local lists them, and a broken copy refused.
# The pipeline runs in a copy of this tree (its files, tracked or new, as
# a git repository): gitlab-ci-local writes its state beside the pipeline.
. "$(dirname "$0")/../lib/report.sh"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
for f in "$B/vmlinuz" "$B/rootfs.img"; do [ -s "$f" ] || { fail "missing $f (make $f)"; finish; }; done
bin=$("$TOP/scripts/npm-tools" 2>"$T/npm.err") || { fail "scripts/npm-tools"; evidence "$T/npm.err"; finish; }
SET='kcmp size exec:null-argv exec:execveat timers:threadtest'
P=$T/minroot

# glci ARGS...: gitlab-ci-local in the copy, shell executor, no user
# settings of this machine's (its own home).
glci() { (cd "$P" && "$bin/gitlab-ci-local" --home "$T/home" --shell-executor-no-image --no-color "$@"); }

# A git repository of the tree's files.
copy() {
	(cd "$TOP" && git ls-files -co --exclude-standard -z | cpio -0pdm --quiet "$P") &&
		git -C "$P" init -q && git -C "$P" add -A &&
		git -C "$P" -c user.name=minroot -c user.email=minroot@invalid commit -qm "the tree under test"
}
if ! copy >"$T/copy.out" 2>&1; then fail "a copy of the tree as a git repository"; evidence "$T/copy.out"; finish; fi

echo "# the pipeline as gitlab-ci-local reads it"
glci --list >"$T/list.out" 2>&1
expect_eq "gitlab-ci-local --list: the file is valid (exit 0)" 0 $?
expect_eq "... kselftest is 3 parallel jobs, then kselftest-merge" \
	"kselftest: [1/3]|kselftest: [2/3]|kselftest: [3/3]|kselftest-merge" \
	"$(grep -oE '^(kselftest: \[[0-9]/[0-9]\]|kselftest-merge)' "$T/list.out" | paste -sd'|')"
cp "$P/.gitlab-ci.yml" "$T/good.yml"
sed -i 's/parallel: 3/parallel: three/' "$P/.gitlab-ci.yml"
glci --list >"$T/broken.out" 2>&1
expect_eq "... a copy with parallel: three is refused (exit 1)" 1 $?
check "... by the schema, naming the key" grep -q "parallel" "$T/broken.out"
cp "$T/good.yml" "$P/.gitlab-ci.yml"

echo "# the kselftest jobs, 3 shards of $SET, then their merge"
glci --shell-isolation --variable "KSELFTEST_TESTS=$SET" --variable JOBS=1 kselftest kselftest-merge \
	>"$T/pipeline.out" 2>&1
expect_eq "gitlab-ci-local exits 1: a shard has the failing test" 1 $?
for i in 1 2 3; do
	r=$P/results/kselftest-$i
	if [ -s "$r/junit.xml" ]; then ok "shard $i/3 published its JUnit report ($(python3 -c 'import json, sys; print(" ".join(json.load(open(sys.argv[1]))["shard"]["tests"]))' "$r/results.json"))"
	else fail "shard $i/3 published its JUnit report"; evidence "$T/pipeline.out"; fi
done
# Each job's end as gitlab-ci-local sums them up: " FAIL  kselftest: [2/3]".
jobs=$(sed -nE 's/^ *(PASS|FAIL) +(\[[^]]*\] +)?(kselftest: \[[0-9]\/3\]|kselftest-merge)$/\3 \1/p' "$T/pipeline.out" |
	sort | paste -sd'|')
failing=$(python3 -c 'import json, sys
for i, f in enumerate(sys.argv[1:], 1):
    if "exec:execveat" in json.load(open(f))["shard"]["tests"]: print(i)' "$P"/results/kselftest-[123]/results.json)
want=$(for i in 1 2 3; do if [ "$i" = "$failing" ]; then echo "kselftest: [$i/3] FAIL"; else echo "kselftest: [$i/3] PASS"; fi; done
	echo "kselftest-merge FAIL")
expect_eq "... the shard with execveat failed, the others passed, the merge ran after them and failed" \
	"$(echo "$want" | sort | paste -sd'|')" "$jobs"

echo "# the same tests in one guest, unsharded"
mkdir -p "$T/build" && ln -s "$B/rootfs.img" "$B/vmlinuz" "$B/init" "$B/mkrootfs" "$T/build/"
# shellcheck disable=SC2086 # the set's words
BUILD=$T/build "$TOP/qemu/kselftest/kselftest-jobs" --jobs 1 --kernel "$T/build/vmlinuz" --results "$T/one" \
	$SET >"$T/one.out" 2>&1
expect_eq "one unsharded run: exit 1 (the same failing test)" 1 $?
python3 - "$T/one/junit.xml" "$P"/results/kselftest-[123]/junit.xml >"$T/cases.out" 2>&1 <<'PY'
import sys
import xml.etree.ElementTree as ET

def cases(path):
    """The test cases of the kselftest suites (the minroot suite is each run's own)."""
    out = []
    for s in ET.parse(path).getroot().findall("testsuite"):
        if s.get("name") == "minroot":
            continue
        for c in s.findall("testcase"):
            out.append((s.get("name"), c.get("classname"), c.get("name"), tuple(r.tag for r in c)))
    return out

one = cases(sys.argv[1])
shards = [c for p in sys.argv[2:] for c in cases(p)]
print("cases", len(one), len(shards), sorted(one) == sorted(shards))
print("failures", sum(1 for c in one if "failure" in c[3]), sum(1 for c in shards if "failure" in c[3]))
PY
read -r _ n_one n_shards same <<<"$(grep '^cases' "$T/cases.out")"
if [ "$same" = True ] && [ "$n_one" -eq "$n_shards" ] && [ "$n_one" -gt 5 ]; then
	ok "the shards' JUnit reports together hold the unsharded run's $n_one cases, each once"
else fail "the shards' JUnit reports together hold the unsharded run's cases, each once"; evidence "$T/cases.out"; fi
read -r _ f_one f_shards <<<"$(grep '^failures' "$T/cases.out")"
if [ "${f_one:-0}" -gt 0 ] && [ "$f_one" = "$f_shards" ]; then ok "... and its $f_one failures"
else fail "... and its failures"; evidence "$T/cases.out"; fi
"$TOP/tests/kselftest/same-results" "the merge job's results = the unsharded run's" "$T/one" "$P/results/kselftest" \
	>"$T/same.out" 2>&1
rc=$?
cat "$T/same.out"
[ $rc -eq 0 ] || grep -q '^not ok' "$T/same.out" || { fail "same-results exited $rc"; evidence "$T/same.out"; }
finish
