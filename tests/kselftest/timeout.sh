#!/bin/bash
# qemu/kselftest/kselftest-timeout, the guest's /usr/bin/timeout for the kselftest
# runner, on the host's busybox: the runner's exact call, statuses passed
# through, 124 for a test stopped at its limit (also one that ignores
# SIGTERM), and no limit for 0.
. "$(dirname "$0")/../lib/report.sh"
TO=$TOP/qemu/kselftest/kselftest-timeout
command -v busybox >/dev/null || { fail "busybox is not installed (Debian: busybox-static)"; finish; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

# status_of WANT WHAT ARGS...: the shim's exit status.
status_of() {
	local want=$1 what=$2; shift 2
	"$TO" "$@" >/dev/null 2>&1
	expect_eq "$what" "$want" $?
}
status_of 0 "the runner's call (--foreground 5 ... 5 true)" --foreground 5 "$TO" 5 true
status_of 7 "a test's own status comes through" --foreground 5 "$TO" 5 sh -c 'exit 7'
status_of 124 "a test still running at its limit: 124" --foreground 2 "$TO" 2 sleep 30
status_of 124 "... also when it ignores SIGTERM (killed 5 s later)" 1 sh -c 'trap "" TERM; sleep 30'
status_of 143 "a test that kills itself with SIGTERM before its limit: 143, no timeout" 20 sh -c 'kill -TERM $$'
status_of 0 "0 means no limit, as in GNU timeout" 0 sleep 1
# shellcheck disable=SC2016 # single quotes: for the test's sh
"$TO" 0 sh -c 'echo "$0 $1"' 'an arg' 'with spaces' >"$T/args"
expect_eq "arguments reach the test whole" "an arg with spaces" "$(cat "$T/args")"
finish
