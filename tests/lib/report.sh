# report.sh - the report lines of every shell suite (sourced, not a suite).
# Every check prints "ok - WHAT" or "not ok - WHAT" (tests/run counts these)
# and a failure shows its evidence indented below it. The other files of
# tests/lib/ source this one first.
# shellcheck shell=bash # sourced by bash scripts
[ -z "${MINROOT_REPORT_SH:-}" ] || return 0
MINROOT_REPORT_SH=1
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck disable=SC2034 # B: for the suites that source this
B=$TOP/${BUILD:-build}
_failures=0

ok()   { echo "ok - $*"; }
fail() { echo "not ok - $*"; _failures=$((_failures + 1)); }

# evidence FILE [LINES]: show a file's last lines under a failed check.
evidence() { sed -e 's/^/    | /' "$1" | tail -n "${2:-40}"; }

# check WHAT CMD...: run CMD, pass if it exits 0.
check() {
	local what=$1; shift
	local out
	if out=$("$@" 2>&1); then ok "$what"; else fail "$what"; printf '%s\n' "$out" | sed 's/^/    | /' | tail -n 40; fi
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	if [ "$2" == "$3" ]; then ok "$1"; else fail "$1"; echo "    expected: $2"; echo "    actual:   $3"; fi
}

# kernel_release BZIMAGE: the version its boot header carries (uname -r).
kernel_release() { file -b "$1" 2>/dev/null | sed -n 's/.*, version \([^ ]*\) .*/\1/p'; }

# check_init_size WHAT FILE: FILE (an init) is at most INIT_MAX_BYTES long,
# the limit of init/init.mk that make test passes. Unset, the check fails
# naming the cause: no limit is made up here.
check_init_size() {
	local what=$1 size
	size=$(stat -c %s "$2") || { fail "$what: $2 exists"; return; }
	case ${INIT_MAX_BYTES:-} in
	'' | *[!0-9]*)
		fail "$what: INIT_MAX_BYTES is '${INIT_MAX_BYTES:-}', not a number of bytes" \
			"(make test passes init/init.mk's limit)"
		return ;;
	esac
	if [ "$size" -le "$INIT_MAX_BYTES" ]; then ok "$what is at most $INIT_MAX_BYTES bytes ($size)"
	else fail "$what is at most $INIT_MAX_BYTES bytes ($size)"; fi
}

# Exit status of a suite: non-zero when any check failed.
finish() { exit $((_failures > 0)); }
