#!/bin/bash
# demo: without /proc, ps shows no process at all, not even itself
. "$(dirname "$0")/../lib/demo.sh"
title "/proc is mounted first (init/mounts.c, mount_proc)"
R=$NS_TMP/root
make_root "$R"
# "" keeps the host's command line: init mounts /proc itself, or does not.
# shellcheck disable=SC2016 # single quotes: for the init's shell
check_ps='echo "ps shows $(($(ps | wc -l) - 1)) processes"
	test -e /proc/self || echo "/proc/self is missing"'
use_init "$R" with
run_init "$R" "" sh -c "$check_ps" </dev/null
saw with "$(grep -m1 '^ps ' "$NS_TMP/out")"
# shellcheck disable=SC2016 # single quotes: for eval, later
judge with "ps shows processes" eval '! has "ps shows 0 processes" && grep -q "^ps shows" "$NS_TMP/out"'
use_init "$R" without
run_init "$R" "" sh -c "$check_ps" </dev/null
saw without "$(grep -m1 '^ps ' "$NS_TMP/out"), $(grep -m1 '^/proc' "$NS_TMP/out")"
judge without "ps shows none and /proc/self is missing" eval 'has "ps shows 0 processes" && has "/proc/self is missing"'
finish
