#!/bin/bash
# demo: when PID 1 exits, the kernel panics (QEMU)
. "$(dirname "$0")/../lib/demo.sh"
title "PID 1 never exits (init/main.c, finish_command and the loop in main)"
# The init without the duty returns its command's status by exiting, as
# any other program would.
for side in with without; do
	boot $side "$NS_TMP/root.img" -- sh -c 'exit 3'
	saw $side "run-qemu exits $rc; $(grep -m1 -o 'Kernel panic.*' "$NS_TMP/log" || echo 'no panic')"
	if [ $side = with ]; then
		# shellcheck disable=SC2016 # single quotes: for eval, later
		judge with "the command's status comes back (3), no panic" \
			eval '[ $rc -eq 3 ] && ! grep -q "Kernel panic" "$NS_TMP/log"'
	else
		judge without "the kernel panics" grep -q 'Kernel panic - not syncing: Attempted to kill init!' "$NS_TMP/log"
	fi
done
finish
