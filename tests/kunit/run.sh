#!/bin/bash
# make kunit: the kernel's own unit tests (KUnit) from Debian's
# linux-source-6.1, lib/kunit + fs/ext4 + fs/fat, built in and run at boot
# (run-qemu --kunit), then as modules loaded in one guest, and in two at
# once (JOBS=2: the same results); the per-suite counts against kunit.py's
# on the same source (its build cached); one test module loaded by hand; a failing KUnit document and where 121 stands; a
# kernel without KUnit under --kunit; and bad input (one line, non-zero,
# nothing written). The kernels are built once into the cache
# (qemu/kernel/build-kernel's): from nothing, three kernel builds.
. "$(dirname "$0")/../lib/report.sh"
BUILD=${BUILD:-build}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
cd "$TOP" || exit 1
for f in "$B/vmlinuz" "$B/rootfs.img" "$B/mkrootfs"; do [ -s "$f" ] || { fail "missing $f (make $f)"; finish; }; done
export RUN_FLAGS='--accel tcg'

# has WHAT FILE LINE: FILE holds exactly this LINE.
has() {
	if tr -d '\r' <"$2" | grep -qxF -- "$3"; then ok "$1"; else fail "$1: no line '$3'"; evidence "$2"; fi
}

# suite_counts FILE: the "kunit: SUITE  N ok, N not ok, N skip" lines as
# "SUITE N N N", sorted: run-qemu's for one guest, kunit-jobs's whole run's
# for several (each guest's own lines, "kunit: guest N: ...", left out).
suite_counts() {
	sed -n 's/^\(run-qemu: \)\{0,1\}kunit: \([^ ]*\) *\([0-9]*\) ok, \([0-9]*\) not ok, \([0-9]*\) skip$/\2 \3 \4 \5/p' "$1" | sort
}

# fingerprint DIR: every file's name, size and content hash under DIR.
fingerprint() { (cd "$1" 2>/dev/null && find . -type f -exec sha256sum {} + | sort); }

echo "# bad input: one line, non-zero, nothing written"
before=$(fingerprint "$B/kunit")
bad() {
	local what=$1 want=$2; shift 2
	make -s kunit BUILD="$BUILD" RESULTS="$T/bad-results" "$@" >"$T/bad.out" 2>&1
	local rc=$?
	local err
	err=$(grep -E '^[a-z-]+: error: ' "$T/bad.out")
	if [ $rc -ne 0 ] && [ "$(printf '%s\n' "$err" | grep -c .)" = 1 ] && grep -qF -- "$want" <<<"$err" &&
		[ ! -e "$T/bad-results" ] && [ "$(fingerprint "$B/kunit")" = "$before" ]; then
		ok "$what: exit $rc, one line ($err), nothing written"
	else
		fail "$what: exit $rc, want non-zero, one error line with '$want', no results, $B/kunit unchanged"
		evidence "$T/bad.out"
	fi
}
bad "a kunitconfig that does not exist" "fs/nosuch: no such kunitconfig" KUNITCONFIG=fs/nosuch
printf '# only comments\n# CONFIG_KUNIT is not set\nCONFIG_EXT4_FS=n\n' >"$T/empty.kunitconfig"
bad "a kunitconfig that enables nothing" "empty.kunitconfig: enables nothing (no CONFIG_...=y or =m line)" \
	KUNITCONFIG="$T/empty.kunitconfig"
printf 'CONFIG_KUNIT=y\nCONFIG_NO_SUCH_KUNIT_TEST=y\n' >"$T/ghost.kunitconfig"
bad "a kunitconfig whose option does not take effect" \
	"options of the fragments did not take effect" KUNITCONFIG="$T/ghost.kunitconfig"
check "... and the option is named" grep -qF "CONFIG_NO_SUCH_KUNIT_TEST=y requested, the kernel has: no CONFIG_NO_SUCH_KUNIT_TEST" "$T/bad.out"
printf 'CONFIG_KUNIT=y\n' >"$T/a.kunitconfig"; printf 'CONFIG_KUNIT=m\n' >"$T/b.kunitconfig"
bad "two kunitconfigs giving one option two values" \
	"CONFIG_KUNIT=y in $T/a.kunitconfig but CONFIG_KUNIT=m in $T/b.kunitconfig" \
	KUNITCONFIG="$T/a.kunitconfig $T/b.kunitconfig"
bad "a KERNEL_SRC that is not a kernel tree" "KERNEL_SRC=$T: not a Linux source tree" KERNEL_SRC="$T"
bad "a KERNEL_SRC that does not exist" "KERNEL_SRC=$T/none: no such directory" KERNEL_SRC="$T/none"
bad "JOBS=0 with MODULES=1" "--jobs must be a number of guests above 0, not '0'" MODULES=1 JOBS=0

echo "# make kunit: built in, the suites run at boot (run-qemu --kunit)"
make -s kunit BUILD="$BUILD" RESULTS="$T/res" >"$T/builtin.out" 2>&1
expect_eq "make kunit exits 0" 0 $?
has "9 suites, 63 tests, 61 ok, 2 skipped" "$T/builtin.out" "run-qemu: kunit: 9 suites, 63 tests: 61 ok, 0 not ok, 2 skip: PASS"
has "ext4's parameterised case counts each timestamp" "$T/builtin.out" \
	"run-qemu: kunit: ext4_inode_test        16 ok, 0 not ok, 0 skip"
has "a skip is named, with its reason" "$T/builtin.out" \
	"run-qemu: kunit: skip example: example_skip_test (SKIP this test should be skipped)"
check "... no disk, no init: the kernel powered itself off after its tests" \
	grep -q "kunit_shutdown=poweroff" <(qemu/run-qemu --kernel "$B/kunit/bzImage" --kunit --accel tcg --print)
for f in results.ktap junit.xml results.json; do
	check "RESULTS=DIR has $f" test -s "$T/res/$f"
done
check "results.json: verdict pass, the kernel's 9 suites" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["verdict"] == "pass" and r["exit_status"] == 0, r["reasons"]
assert r["counts"]["tests"] == {"ok": 9, "not_ok": 0, "skip": 0}, r["counts"]
assert {d["source"] for d in r["documents"]} == {"kernel"}' "$T/res/results.json"
check "junit.xml: a testsuite per KUnit suite" grep -q '<testsuite name="ext4_inode_test"' "$T/res/junit.xml"
make -s kunit BUILD="$BUILD" RESULTS="$T/res" >"$T/again.out" 2>&1
check "a second make kunit builds nothing: the kernel comes from the cache" grep -q "^build-kernel: cached: " "$T/again.out"

echo "# kunit.py on the same source and kunitconfigs (its build cached too)"
qemu/kunit/kunitpy >"$T/kunitpy.out" 2>&1
expect_eq "kunit.py run/exec exits 0" 0 $?
theirs=$(sed -n 's/^kunitpy: kunit.py: \([0-9]*\) tests: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped, \([0-9]*\) crashed$/\1 \2 \3 \4 \5/p' "$T/kunitpy.out")
ours=$(sed -n 's/^run-qemu: kunit: [0-9]* suites, \([0-9]*\) tests: \([0-9]*\) ok, \([0-9]*\) not ok, \([0-9]*\) skip: .*/\1 \2 \3 \4 0/p' "$T/builtin.out")
if [ -n "$ours" ] && [ "$ours" = "$theirs" ]; then
	ok "the same tests, passed, failed, skipped as kunit.py's ($ours)"
else
	fail "ours ($ours) and kunit.py's ($theirs): tests passed failed skipped crashed"; evidence "$T/kunitpy.out"
fi
if grep -q "^kunitpy: cached: " "$T/kunitpy.out"; then
	entry=$(sed -n 's/^kunitpy: cached: //p' "$T/kunitpy.out")
	n=$(find "$entry/build" -name '*.o' | wc -l)
	expect_eq "kunit.py's cached build holds what exec reads, no objects" 0 "$n"
else
	has "kunit.py's build left the source tree unchanged" "$T/kunitpy.out" \
		"kunitpy: kunit.py left the source tree unchanged ($(sed -n 's/^kunitpy: kunit.py run --arch=x86_64 in \([^,]*\),.*/\1/p' "$T/kunitpy.out"))"
fi
for s in ext4_inode_test fat_test example; do
	grep -Eq "\[PASSED\] $s\b" "$T/kunitpy.out"
	expect_eq "kunit.py ran $s too" 0 $?
done

echo "# make kunit MODULES=1 JOBS=1: the tests as modules, each loaded in one guest"
make -s kunit BUILD="$BUILD" MODULES=1 JOBS=1 RESULTS="$T/mres" >"$T/mod.out" 2>&1
expect_eq "make kunit MODULES=1 JOBS=1 exits 0" 0 $?
has "the 4 test modules found in the tree" "$T/mod.out" \
	"kunit: 4 test modules: ext4-inode-test fat_test kunit-test kunit-example-test"
has "... loaded in one guest" "$T/mod.out" "kunit: loading them in one guest"
# Linux 6.1 builds these two suites only into a kernel with KUnit built in:
# lib/kunit/Makefile ("string-stream-test compiles built-in only"), and
# executor.c includes executor_test.c under IS_BUILTIN(CONFIG_KUNIT_TEST).
suite_counts "$T/builtin.out" | grep -vE '^(string-stream-test|kunit_executor_test) ' >"$T/b.counts"
suite_counts "$T/mod.out" >"$T/m.counts"
if [ -s "$T/m.counts" ] && cmp -s "$T/b.counts" "$T/m.counts"; then
	ok "every suite counts as built in ($(wc -l <"$T/m.counts") suites), but the two 6.1 builds in only"
else
	fail "the modules' per-suite counts differ from the built-in run's"; diff "$T/b.counts" "$T/m.counts" | sed 's/^/    | /'
fi
has "7 suites, 56 tests (63 less string-stream-test's 3 and kunit_executor_test's 4)" "$T/mod.out" \
	"run-qemu: kunit: 7 suites, 56 tests: 54 ok, 0 not ok, 2 skip: PASS"
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["documents"]))' "$T/mres/results.json")
expect_eq "one KTAP document per module suite (6.1 prints none around them)" 7 "$n"

echo "# make kunit MODULES=1 JOBS=2: the modules dealt to two guests at once, one guest's results"
make -s kunit BUILD="$BUILD" MODULES=1 JOBS=2 RESULTS="$T/mres2" >"$T/mod2.out" 2>&1
expect_eq "make kunit MODULES=1 JOBS=2 exits 0" 0 $?
has "... two guests, two modules each, in modules.order's order" "$T/mod2.out" \
	"kunit: guest 1: ext4-inode-test fat_test"
has "... the second's" "$T/mod2.out" "kunit: guest 2: kunit-test kunit-example-test"
for g in 1 2; do
	check "... guest $g ended with run-qemu status 0" grep -q "^kunit: guest $g: 2 modules (.*), run-qemu status 0$" "$T/mod2.out"
done
suite_counts "$T/mod2.out" >"$T/m2.counts"
if [ -s "$T/m2.counts" ] && cmp -s "$T/m.counts" "$T/m2.counts"; then
	ok "... the whole run's per-suite lines are one guest's ($(wc -l <"$T/m2.counts") suites)"
else
	fail "... the whole run's per-suite lines are one guest's"; diff "$T/m.counts" "$T/m2.counts" | sed 's/^/    | /'
fi
has "... and its total" "$T/mod2.out" "kunit: 7 suites, 56 tests: 54 ok, 0 not ok, 2 skip: PASS"
"$TOP/tests/kselftest/same-results" --exact "JOBS=2 = JOBS=1" "$T/mres" "$T/mres2" >"$T/same.out" 2>&1
rc=$?
cat "$T/same.out"
[ $rc -eq 0 ] || grep -q '^not ok' "$T/same.out" || fail "same-results exited $rc"

echo "# one test module loaded by hand"
mods=$B/kunit/modules
qemu/run-qemu --accel tcg --kernel "$B/kunit/bzImage-mod" --modules "$mods" --image "$B/rootfs.img" --snapshot \
	--timeout 600 -- modprobe fat_test </dev/null >"$T/one.out" 2>&1
expect_eq "run-qemu --modules DIR -- modprobe fat_test exits 0" 0 $?
has "... and reports its suite" "$T/one.out" "run-qemu: kunit: fat_test   23 ok, 0 not ok, 0 skip"
has "... and the total" "$T/one.out" "run-qemu: kunit: 1 suites, 23 tests: 23 ok, 0 not ok, 0 skip: PASS"

echo "# a failing KUnit document in the kernel log (written to /dev/kmsg, on Debian's cloud kernel)"
cat >"$T/fail.sh" <<'EOF'
k() { echo "$1" >/dev/kmsg; }
k "    KTAP version 1"; k "    # Subtest: demo"; k "    1..2"; k "    ok 1 passes"
k "    # fails: EXPECTATION FAILED at demo.c:7"; k "    not ok 2 fails"; k "not ok 1 demo"
exit "${1:-0}"
EOF
run() { qemu/run-qemu --accel tcg --kernel "$B/vmlinuz" --image "$B/rootfs.img" --snapshot --timeout 300 "$@" </dev/null; }
run --results "$T/fres" --script "$T/fail.sh" >"$T/fail.out" 2>&1
expect_eq "a failed test and a command that exited 0: 121" 121 $?
has "... the failure named with what the test printed" "$T/fail.out" \
	"run-qemu: kunit: not ok demo: fails (fails: EXPECTATION FAILED at demo.c:7)"
has "... and why the status" "$T/fail.out" "run-qemu: a kernel test reported a failure: 1 of 2 not ok (the kunit lines above)"
check "... results.json: verdict fail, the test FAIL" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["verdict"] == "fail" and r["exit_status"] == 121
assert [t["status"] for t in r["tests"] if t["name"] == "fails"] == ["FAIL"]' "$T/fres/results.json"
run --script "$T/fail.sh" -- 3 >"$T/fail3.out" 2>&1
expect_eq "the command's own non-zero status comes first: 3" 3 $?
has "... the failure still said" "$T/fail3.out" "run-qemu: kunit: 1 suites, 2 tests: 1 ok, 1 not ok, 0 skip: FAIL"
run -- true >"$T/clean.out" 2>&1
expect_eq "no KTAP in the kernel log: 0, and no kunit line" "0 0" "$? $(grep -c 'kunit:' "$T/clean.out")"

echo "# --kunit on a kernel without KUnit"
qemu/run-qemu --accel tcg --kernel "$B/vmlinuz" --kunit --timeout 300 </dev/null >"$T/nokunit.out" 2>&1
expect_eq "exit 125" 125 $?
check "... the line asks for KUnit built in" grep -q "^run-qemu: .*is KUnit built in, CONFIG_KUNIT=y?" "$T/nokunit.out"
finish
