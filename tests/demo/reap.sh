#!/bin/bash
# demo: without reaping, every orphan that ends stays a zombie
. "$(dirname "$0")/../lib/demo.sh"
title "reaping orphans (init/supervise.c, reap_children)"
# Each (usleep &) leaves an orphan, which the kernel hands to PID 1. Once none
# is running any more, count the zombies left (waiting up to 5 s for them to go).
R=$NS_TMP/root
make_root "$R"
# shellcheck disable=SC2016 # single quotes: for the init's shell
make_orphans='i=0; while [ $i -lt 100 ]; do (usleep 200000 </dev/null &); i=$((i+1)); done
	running() { grep -l "^State:	[^Z]" $(grep -l "^Name:	usleep" /proc/[0-9]*/status) 2>/dev/null | wc -l; }
	zombies() { grep -l "^State:	Z" /proc/[0-9]*/status 2>/dev/null | wc -l; }
	n=0; while [ $n -lt 300 ] && [ "$(running)" -gt 0 ]; do sleep 0.1; n=$((n+1)); done
	n=0; while [ $n -lt 50 ] && [ "$(zombies)" -gt 0 ]; do sleep 0.1; n=$((n+1)); done
	echo "100 orphans ended; zombies left: $(zombies)"'
for side in with without; do
	use_init "$R" $side
	run_init "$R" "console=ttyS0" sh -c "$make_orphans" </dev/null
	saw $side "$(grep -m1 '^100 orphans' "$NS_TMP/out")"
	if [ $side = with ]; then
		judge with "no zombie is left" has "100 orphans ended; zombies left: 0"
	else
		judge without "the 100 orphans stay zombies" has "100 orphans ended; zombies left: 100"
	fi
done
finish
