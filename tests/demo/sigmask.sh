#!/bin/bash
# demo: children inherit PID 1's blocked signals, and kill no longer stops them
. "$(dirname "$0")/../lib/demo.sh"
title "a clean signal mask for the child (init/supervise.c, leave_pid1_state)"
# PID 1 blocks every signal to take them one by one; a blocked signal stays
# blocked across fork and exec. (Waiting for a child hangs too: SIGCHLD is
# blocked as well.)
R=$NS_TMP/root
make_root "$R"
for side in with without; do
	use_init "$R" $side
	# shellcheck disable=SC2016 # single quotes: for the init's shell
	run_init "$R" "console=ttyS0" sh -c 'grep SigBlk /proc/self/status
		sleep 30 & pid=$!; kill $pid
		alive() { [ -e /proc/$pid ] && ! grep -q "^State:	Z" /proc/$pid/status 2>/dev/null; }
		n=0; while [ $n -lt 50 ] && alive; do sleep 0.1; n=$((n+1)); done
		if alive; then echo "kill (SIGTERM) did nothing: the sleep still runs"
		else echo "kill (SIGTERM) ended the sleep"; fi
		kill -9 $pid 2>/dev/null; true' </dev/null
	saw $side "$(grep -m1 '^SigBlk' "$NS_TMP/out" | tr '\t' ' '); $(grep -m1 '^kill' "$NS_TMP/out")"
	if [ $side = with ]; then
		judge with "no signal is blocked and kill ends a sleep" \
			eval 'has "SigBlk:	0000000000000000" && has "kill (SIGTERM) ended the sleep"'
	else
		judge without "signals are blocked and a sleep outlives kill" \
			eval '! has "SigBlk:	0000000000000000" && has "kill (SIGTERM) did nothing: the sleep still runs"'
	fi
done
finish
