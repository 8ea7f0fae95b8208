#!/bin/bash
# qemu/kselftest/kselftest-timeout, the guest's /usr/bin/timeout, installed
# as in the tree (GNU timeout beside it). The runner's exact call: statuses
# passed through, 124 for a test stopped at its limit (also one that
# ignores SIGTERM), the test's children stopped with it, the scale and the
# cap, the budget, no limit for 0. Every other call is GNU timeout's.
. "$(dirname "$0")/../lib/report.sh"
. "$(dirname "$0")/../lib/procs.sh"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
mkdir "$T/minroot"
install -m 755 "$TOP/qemu/kselftest/kselftest-timeout" "$T/minroot/timeout"
install -m 755 "$(command -v timeout)" "$T/minroot/gnu-timeout"
TO=$T/minroot/timeout
unset KSELFTEST_DEADLINE KSELFTEST_TIMEOUT_SCALE KSELFTEST_MAX_TIMEOUT KSELFTEST_GNU_TIMEOUT

# runner SECS CMD...: the kselftest runner's call (kselftest/runner.sh).
runner() { local secs=$1; shift; "$TO" --foreground "$secs" /usr/bin/timeout "$secs" "$@"; }
export TO; export -f runner
# status_of WANT WHAT CMD...: CMD's exit status.
status_of() {
	local want=$1 what=$2; shift 2
	local rc
	# (status by another bash: its "Killed" line for a SIGKILL goes too)
	# shellcheck disable=SC2016 # single quotes: for that bash
	rc=$(bash -c '"$@" >/dev/null 2>&1; echo $?' status_of "$@" 2>/dev/null)
	expect_eq "$what" "$want" "$rc"
}
status_of 0 "the runner's call (--foreground 5 /usr/bin/timeout 5 true)" runner 5 true
status_of 7 "a test's own status comes through" runner 5 sh -c 'exit 7'
status_of 124 "a test still running at its limit: 124" runner 1 sleep 30
status_of 124 "... also when it ignores SIGTERM (killed as long again later)" runner 1 sh -c 'trap "" TERM; sleep 30'
status_of 143 "a test that kills itself with SIGTERM before its limit: 143, no timeout" runner 20 sh -c 'kill -TERM $$'
status_of 0 "0 means no limit, as in GNU timeout" runner 0 sleep 1
# shellcheck disable=SC2016 # single quotes: for the test's sh
runner 0 sh -c 'echo "$0 $1"' 'an arg' 'with spaces' >"$T/args"
expect_eq "arguments reach the test whole" "an arg with spaces" "$(cat "$T/args")"

# A child the test leaves behind is stopped with it (GNU timeout stops the
# test's process group): left running, it would hold the runner's output
# pipe open, and the runner would wait for it (net/af_unix's test_unix_oob).
# shellcheck disable=SC2016 # single quotes: for the test's sh
runner 1 sh -c 'sleep 300 & echo $! >"$0"; wait' "$T/child" >/dev/null 2>&1
expect_eq "a test with a child, at its limit: 124" 124 $?
if ended "$(cat "$T/child")" >/dev/null; then ok "the test's child was stopped with it"
else fail "the test's child (pid $(cat "$T/child")) still runs after the test's limit"; kill "$(cat "$T/child")"; fi
# The test's EXIT trap (its cleanup) runs on SIGTERM and may take its time:
# net/forwarding's, cut by SIGKILL at 5 s under TCG, left its interfaces
# behind. The grace is as long as the limit, at most 60 s.
# shellcheck disable=SC2016 # single quotes: for the test's bash
# (a cleanup longer than the old 5 s, well within the grace: a busy host
# may start it late)
runner 15 bash -c 'trap "sleep 6; echo cleaned >\"\$0\"" EXIT; sleep 300' "$T/cleanup" >/dev/null 2>&1
expect_eq "a test stopped at its limit: its EXIT trap ends a cleanup of 6 s (15 s of grace)" cleaned "$(cat "$T/cleanup" 2>/dev/null)"

# The limit: the collection's times the scale, at most the cap (said when
# the test is stopped).
KSELFTEST_TIMEOUT_SCALE=2 runner 1 sleep 30 2>"$T/err"
expect_eq "scaled: stopped at 1 s times 2" \
	"minroot: stopped after 2 s (its collection's own limit: 1 s, times 2)" "$(tail -n 1 "$T/err")"
KSELFTEST_TIMEOUT_SCALE=4 KSELFTEST_MAX_TIMEOUT=2 runner 1 sleep 30 2>"$T/err"
expect_eq "capped: 1 s times 4 is past the cap of 2 s" \
	"minroot: stopped after 2 s (its collection's own limit: 1 s, times 4, at most 2 s)" "$(tail -n 1 "$T/err")"
KSELFTEST_MAX_TIMEOUT=1 runner 0 sleep 30 2>"$T/err"
expect_eq "no limit of its own (0): the cap" \
	"minroot: stopped after 1 s (its collection's own limit: none, times 1, at most 1 s)" "$(tail -n 1 "$T/err")"
# shellcheck disable=SC2016 # single quotes: for the test's sh
KSELFTEST_MAX_TIMEOUT=1 runner 0 sh -c 'printf "mid-line: "; sleep 30' >"$T/out" 2>&1
expect_eq "... on a line of its own after a test stopped mid-line" \
	"minroot: stopped after 1 s (its collection's own limit: none, times 1, at most 1 s)" "$(tail -n 1 "$T/out")"

# The budget spent: the test is not started, and says why.
KSELFTEST_DEADLINE=0 runner 5 touch "$T/started" >"$T/out"
expect_eq "budget spent: status 4 (skip)" 4 $?
expect_eq "... with the reason" "1..0 # SKIP not run: the run's time budget was spent" "$(cat "$T/out")"
if [ ! -e "$T/started" ]; then ok "... and the test not started"; else fail "the test started after the budget"; fi

# The tests' own calls are GNU timeout's: its options and units, no scale
# (mptcp's "timeout 30 ip netns exec ...", fib_nexthops' "timeout -s KILL 5 ...").
status_of 137 "a test's own 'timeout -s KILL 1 sleep 30': GNU's 137" env KSELFTEST_TIMEOUT_SCALE=100 "$TO" -s KILL 1 sleep 30
status_of 0 "a test's own 'timeout 2s true' (a unit)" "$TO" 2s true
status_of 124 "a test's own 'timeout -k 2 1 sleep 30', not scaled" env KSELFTEST_TIMEOUT_SCALE=100 "$TO" -k 2 1 sleep 30
# ... and what it runs is found on PATH (busybox's timeout runs its own
# applets first: busybox's ip in place of iproute2's).
mkdir "$T/bin" && printf '#!/bin/sh\necho the one on PATH\n' >"$T/bin/ip" && chmod 755 "$T/bin/ip"
expect_eq "a test's own 'timeout 5 ip': the ip on PATH" "the one on PATH" "$(PATH=$T/bin:$PATH "$TO" 5 ip)"

KSELFTEST_GNU_TIMEOUT=$T/none "$TO" 5 true 2>"$T/err"
expect_eq "no GNU timeout: status 125" 125 $?
expect_eq "... and one line saying so" "timeout: error: $T/none is missing (build-kselftest installs it)" "$(cat "$T/err")"
finish
