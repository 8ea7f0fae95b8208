#!/bin/bash
# make kselftest on Debian's cloud kernel under TCG: the kernel's selftests
# (timers, exec, kcmp, size, breakpoints), built static from linux-source-6.1
# where they can be (dynamic ones with run-qemu --share-libs), run in the guest; the per-suite totals the host prints are checked, and so
# is the KTAP they came from, and the results a CI reads (RESULTS=DIR: read
# by junitparser, xmlschema and the kernel's kunit.py, see check-results).
# Also: more collections (static libcap and popt, rseq's librseq.so beside its
# programs, a script for the host's bash, openat2's resolve_test making /tmp
# private), /dev/fuse on the standard kernel
# with its modules (made from modules.devname, fuse loaded when it is
# opened), a run that cannot finish (and its results), a time budget and a
# cap on a test, a suspend to RAM in the guest, the build's cache, and bad
# input.
. "$(dirname "$0")/../lib/report.sh"
BUILD=${BUILD:-build}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
for f in "$B/vmlinuz" "$B/init" "$B/mkrootfs"; do [ -s "$f" ] || { fail "missing $f (make $f)"; finish; }; done

# has WHAT FILE LINE: FILE holds exactly this LINE.
has() {
	if tr -d '\r' <"$2" | grep -qxF -- "$3"; then ok "$1"; else fail "$1: no line '$3'"; evidence "$2"; fi
}

# json_of FILE EXPR: the value of a Python expression over results.json (r).
json_of() { python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

echo "# make kselftest: the default set"
# One guest (JOBS=1): its log is the KTAP results.ktap is checked against.
make -s -C "$TOP" kselftest BUILD="$BUILD" KERNEL="$B/vmlinuz" RESULTS="$T/results" JOBS=1 >"$T/run.out" 2>&1
rc=$?
if [ $rc -eq 0 ]; then ok "make kselftest exits 0"; else fail "make kselftest exits $rc"; evidence "$T/run.out" 60; fi
has "5 suites, 11 tests, 11 ok, nothing failed or skipped" "$T/run.out" \
	"kselftest: 5 suites, 11 tests: 11 ok, 0 not ok, 0 skip: PASS"
# The subtests passed are counted too; their number depends on the kernel.
line() { tr -d '\r' <"$T/run.out" | grep -E "^kselftest: $1 +$2 ok, 0 not ok, $3 skip +\(subtests: [0-9]+ ok"; }
for want in "timers 4 0" "exec 4 0" "kcmp 1 0" "size 1 0" "breakpoints 1 0"; do
	# shellcheck disable=SC2086 # three words
	set -- $want
	if line "$@" >/dev/null; then ok "suite $1: $2 ok, 0 not ok, $3 skip"
	else fail "suite $1: no line with $2 ok, 0 not ok, $3 skip"; evidence "$T/run.out" 30; fi
done
has "a python3 script runs with the host's python3 (run-qemu --host-tools)" "$B/kselftest.log" \
	"ok 4 selftests: exec: binfmt_script.py"
has "a test that cannot be static is built dynamic, the build says why" "$T/run.out" \
	"build-kselftest: linked without -static: exec/load_address.0x1000: dynamic, its loader and libraries from run-qemu --share-libs (its Makefile links it as a dynamic PIE (-pie), which -static would undo)"
log=$B/kselftest.log
check "... and passes in the guest, with the host's loader and libc (--share-libs)" \
	grep -qE '^ok [0-9]+ selftests: exec: load_address.0x1000$' <(tr -d '\r' <"$log")
has "... its own check that it has a loader" "$log" "# ok 1 Wanted INTERP program header seen"
n=$(tr -d '\r' <"$log" | grep -c '^# ok [0-9]* - binfmt_script')
if [ "$n" -ge 10 ]; then ok "... and its own checks came back ($n of them)"
else fail "binfmt_script.py's checks: $n"; evidence "$log"; fi
has "... and kcmp_test's own result" "$log" "ok 1 selftests: kcmp: kcmp_test"
n=$(tr -d '\r' <"$log" | grep -c '^# ok [0-9]* Test ')
if [ "$n" -ge 100 ]; then ok "breakpoint_test's subtests came back ($n of them)"
else fail "breakpoint_test's subtests: $n"; evidence "$log"; fi

echo "# RESULTS=DIR: the same run as a CI reads it"
"$TOP/qemu/kselftest/ktap-summary" --expect timers,exec,kcmp,size,breakpoints "$log" >"$T/summary"
"$TOP/tests/kselftest/check-results" "the default set" "$T/results" "$T/summary" >"$T/check.out" 2>&1
rc=$?
cat "$T/check.out"
if [ $rc -ne 0 ] && ! grep -q '^not ok' "$T/check.out"; then fail "check-results exited $rc"; fi
has "make says where they are" "$T/run.out" \
	"kselftest: results for CI in $T/results: junit.xml, results.json, results.ktap"
expect_eq "results.json: the verdict, run-qemu's status, how the run ended" "pass 0 status" \
	"$(json_of "$T/results/results.json" '" ".join(map(str, (r["verdict"], r["exit_status"], r["ended"])))')"
expect_eq "... the kernel's version and health" "$(kernel_release "$B/vmlinuz") ok" \
	"$(json_of "$T/results/results.json" 'r["kernel"]["version"] + " " + r["kernel"]["health"]')"
expect_eq "... every test of the default set timed (header to result, as run-qemu saw them)" "11 11" \
	"$(json_of "$T/results/results.json" '"%d %d" % (len([t for t in r["tests"] if t["path"].startswith("kselftest.") and not t["subtest"]]), len([t for t in r["tests"] if t["path"].startswith("kselftest.") and not t["subtest"] and t["duration"] is not None]))')"
# results.ktap is the log's KTAP: the firmware's bytes before it, carriage
# returns and trailing blanks left out.
tr -d '\r' <"$log" | sed -e '/^#/!s/.*\(TAP version 13\)$/\1/' -e 's/[[:space:]]*$//' | sed -n '/^TAP version 13$/,$p' |
	grep -v '^$' >"$T/log.ktap"
if diff -u "$T/log.ktap" "$T/results/results.ktap" >"$T/ktap.diff"; then ok "results.ktap is the KTAP the guest printed"
else fail "results.ktap differs from the log's KTAP"; evidence "$T/ktap.diff"; fi

echo "# timers:valid-adjtimex, dynamic, not in the runner's list (it sets the clock), run by hand"
"$TOP/qemu/run-qemu" --accel tcg --kernel "$B/vmlinuz" --image "$B/rootfs.img" --snapshot --timeout 300 \
	--share "$BUILD/kselftest:/kselftest" --share-libs -- /kselftest/timers/valid-adjtimex \
	</dev/null >"$T/adj.out" 2>"$T/adj.err"
expect_eq "valid-adjtimex exits 0 in the guest" 0 $?
has "... its frequency checks pass" "$T/adj.out" "Testing ADJ_FREQ... [OK]"
has "... and its clock offsets" "$T/adj.out" "Testing ADJ_SETOFFSET... [OK]"

echo "# more collections: static libcap and popt, a library beside its program, the host's bash, /tmp a mount point"
more='clone3:clone3 clone3:clone3_set_tid mqueue:mq_open_tests rseq:basic_test cgroup:test_cpuset_prs.sh sigaltstack openat2:resolve_test'
make -s -C "$TOP" kselftest BUILD="$BUILD" KERNEL="$B/vmlinuz" RESULTS="$T/more-results" TESTS="$more" \
	>"$T/more.out" 2>&1
rc=$?
if [ $rc -eq 0 ]; then ok "make kselftest TESTS='$more' exits 0"; else fail "it exits $rc"; evidence "$T/more.out" 60; fi
has "6 suites, 7 tests, all ok" "$T/more.out" "kselftest: 6 suites, 7 tests: 7 ok, 0 not ok, 0 skip: PASS"
for p in clone3/clone3 clone3/clone3_set_tid mqueue/mq_open_tests; do
	check "$p is a static program (libcap, popt: Debian's archives, installed by scripts/deps)" \
		sh -c "file '$B/kselftest/$p' | grep -q 'statically linked'"
done
has "rseq's tests are dynamic, their Makefile says so" "$T/more.out" \
	"build-kselftest: linked without -static: rseq/basic_test: dynamic, its loader and libraries from run-qemu --share-libs (its Makefile's recipe leaves out -static)"
check "... and basic_test finds librseq.so beside it (-rpath=./)" \
	grep -qE '^ok [0-9]+ selftests: rseq: basic_test$' <(tr -d '\r' <"$B/kselftest.log")
check "a #!/bin/bash script runs with the host's bash" \
	grep -qE '^ok [0-9]+ selftests: cgroup: test_cpuset_prs.sh$' <(tr -d '\r' <"$B/kselftest.log")
expect_eq "the guest had the packages build-kselftest listed" "bash coreutils iproute2 perl python3" \
	"$(grep -xE 'bash|coreutils|iproute2|perl|python3' "$B/kselftest/minroot/host-tools.txt" | tr '\n' ' ' | sed 's/ $//')"

echo "# the standard kernel with its modules: a module's device node there before it is loaded"
# memfd's fuse test opens /dev/fuse and never loads fuse: the guest makes
# the nodes of modules.devname, as udev does, and the open loads it.
make -s -C "$TOP" kselftest BUILD="$BUILD" KERNEL="$B/vmlinuz-generic" MODULES="$B/modules-generic" \
	TESTS='memfd:run_fuse_test.sh' >"$T/fuse.out" 2>&1
rc=$?
if [ $rc -eq 0 ]; then ok "make kselftest MODULES=... TESTS=memfd:run_fuse_test.sh exits 0"; else fail "it exits $rc"; evidence "$T/fuse.out" 60; fi
has "... and the test passes" "$T/fuse.out" "kselftest: 1 suites, 1 tests: 1 ok, 0 not ok, 0 skip: PASS"

echo "# a run that does not finish"
BUILD=$BUILD "$TOP/qemu/kselftest/kselftest" --kernel "$B/vmlinuz" --timeout 40 --log "$T/slow.log" \
	--results "$T/slow-results" timers:raw_skew >"$T/slow.out" 2>&1
expect_eq "raw_skew (sleeps 120 s) with a 40 s limit: exit 1" 1 $?
has "... the test named as running when the run ended" "$T/slow.out" \
	"kselftest: not ok timers: raw_skew (no result: the run ended while it ran)"
has "... and the run said not to have finished" "$T/slow.out" \
	"kselftest: the run did not finish (run-qemu status 124): see $T/slow.log"
expect_eq "... its results: run-qemu's 124, a timeout, raw_skew an error without result" \
	"fail 124 timeout ERROR no result: the run ended while it ran" \
	"$(json_of "$T/slow-results/results.json" '" ".join(map(str, (r["verdict"], r["exit_status"], r["ended"], [t["status"] + " " + t["comment"] for t in r["tests"] if t["path"] == "kselftest.timers.raw_skew"][0])))')"
check "... junit.xml: the run's end is an error of its own" \
	grep -q '<error message="timed out" type="no result">' "$T/slow-results/junit.xml"

echo "# a time budget and a cap on a test"
# raw_skew sleeps 120 s and its collection sets no limit: the cap stops it
# at 30 s; the budget (20 s) is spent by then, so kcmp and size never start.
BUILD=$BUILD "$TOP/qemu/kselftest/kselftest" --kernel "$B/vmlinuz" --budget 20 --test-timeout 30 \
	--log "$T/budget.log" timers:raw_skew kcmp size >"$T/budget.out" 2>&1
expect_eq "a test stopped at the cap is a failure: exit 1" 1 $?
has "... raw_skew ends as a TIMEOUT" "$T/budget.out" "kselftest: not ok timers: raw_skew (TIMEOUT 0 seconds)"
has "... which says why" "$T/budget.log" \
	"# minroot: stopped after 30 s (its collection's own limit: none, times 4, at most 30 s)"
for t in kcmp:kcmp_test size:get_size; do
	has "... $t, past the budget, is not started: a skip saying so" "$T/budget.out" \
		"kselftest: skip ${t%%:*}: ${t#*:} (SKIP not run: the run's time budget was spent)"
done
has "... and the run counts them" "$T/budget.out" "kselftest: 2 tests not started: the time budget of 20 s was spent"

echo "# a suspend to RAM in the guest"
# Its own result varies under QEMU; what matters is that the guest comes
# back (with qboot, a resume from S3 booted it again and the run hung).
BUILD=$BUILD "$TOP/qemu/kselftest/kselftest" --kernel "$B/vmlinuz" --timeout 120 --log "$T/susp.log" \
	breakpoints:step_after_suspend_test >"$T/susp.out" 2>&1
if tr -d '\r' <"$T/susp.log" | grep -qE '^(ok|not ok) 1 selftests: breakpoints: step_after_suspend_test'; then
	ok "step_after_suspend_test suspends the guest, which resumes and reports"
else
	fail "step_after_suspend_test: no result from the guest"; evidence "$T/susp.out"
fi
check "... and the run ends with its totals" grep -q '^kselftest: 1 suites, 1 tests: ' "$T/susp.out"

echo "# the build's cache"
"$TOP/qemu/kselftest/build-kselftest" -o "$T/tree" kcmp size >"$T/build1.out" 2>&1
expect_eq "build-kselftest kcmp size" 0 $?
"$TOP/qemu/kselftest/build-kselftest" -o "$T/tree" size kcmp >"$T/build2.out" 2>&1
check "the same collections in another order come from the cache" grep -q "^build-kselftest: cached: " "$T/build2.out"
has "... the output left alone" "$T/build2.out" "$(sed -n 's/^\(build-kselftest: \).*(\(.*\))$/\1'"${T//\//\\/}"'\/tree: up to date (\2)/p' "$T/build1.out" | tail -n 1)"
expect_eq "the selftests' install wrote the runner's list" "kcmp:kcmp_test size:get_size" \
	"$(sort "$T/tree/kselftest-list.txt" | tr '\n' ' ' | sed 's/ $//')"
check "... and run_kselftest.sh" test -x "$T/tree/run_kselftest.sh"
check "get_size is a static program" sh -c "file '$T/tree/size/get_size' | grep -q 'statically linked'"
# A cache with ten older installed trees besides this one: the eight used
# last stay, this one first.
key=$(cat "$T/tree/minroot/key")
real=${MINROOT_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/minroot}/kselftest/installs/$key
mkdir -p "$T/cache/kselftest/installs" && cp -a "$real" "$T/cache/kselftest/installs/"
for i in 0 1 2 3 4 5 6 7 8 9; do
	mkdir "$T/cache/kselftest/installs/older-$i" && touch -d "@$((1000000000 + i * 60))" "$T/cache/kselftest/installs/older-$i"
done
MINROOT_CACHE=$T/cache "$TOP/qemu/kselftest/build-kselftest" -o "$T/tree3" kcmp size >"$T/build3.out" 2>&1
expect_eq "build-kselftest with ten older trees in its cache" 0 $?
# shellcheck disable=SC2012 # ls: the cache's own names, plain words
expect_eq "... eight trees are left: this one and the seven used last" "$key older-3 older-4 older-5 older-6 older-7 older-8 older-9" \
	"$(cd "$T/cache/kselftest/installs" && ls -d ./*/ | sed 's|^\./||; s|/$||' | sort | sed -n "/^$key$/p; /^older/p" | tr '\n' ' ' | sed 's/ $//')"

echo "# bad input"
"$TOP/qemu/kselftest/build-kselftest" -o "$T/tree" nosuch >"$T/bad1.out" 2>&1
expect_eq "an unknown collection fails (exit 1)" 1 $?
has "... in one line naming it" "$T/bad1.out" \
	"build-kselftest: error: no selftest collection 'nosuch' in linux-source-6.1 (see tools/testing/selftests)"
check "... and the tree built before is untouched" test -x "$T/tree/size/get_size"
"$TOP/qemu/kselftest/kselftest" --kernel "$T/none" kcmp >"$T/bad2.out" 2>&1
expect_eq "no kernel: exit 2" 2 $?
has "... saying so" "$T/bad2.out" "kselftest: error: no kernel at '$T/none' (run 'make kernel', or give KERNEL=PATH)"
"$TOP/qemu/kselftest/kselftest" --kernel "$B/vmlinuz" '../x' >"$T/bad3.out" 2>&1
expect_eq "a test name that is no name: exit 2" 2 $?
BUILD=$BUILD "$TOP/qemu/kselftest/kselftest" --kernel "$B/vmlinuz" size:nosuch >"$T/bad4.out" 2>&1
expect_eq "a test the collection does not have: exit 2, before any boot" 2 $?
has "... naming it" "$T/bad4.out" \
	"kselftest: error: no test 'size:nosuch' among the built ones (see $BUILD/kselftest/kselftest-list.txt)"
: >"$T/a-file"
BUILD=$BUILD "$TOP/qemu/kselftest/kselftest" --kernel "$B/vmlinuz" --results "$T/a-file" size >"$T/bad5.out" 2>&1
expect_eq "--results naming a file: exit 2, before the build" 2 $?
expect_eq "... in one line" "kselftest: error: --results $T/a-file: not a directory" "$(cat "$T/bad5.out")"
finish
