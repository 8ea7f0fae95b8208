#!/bin/bash
# demo: without the signal table, busybox's poweroff does nothing
. "$(dirname "$0")/../lib/demo.sh"
title "signals to PID 1 (init/main.c, shutdown_signals and handle_signal)"
# busybox poweroff only sends SIGUSR2 to PID 1; the kernel delivers to
# PID 1 no signal it has not asked for.
R=$NS_TMP/root
make_root "$R"
for side in with without; do
	use_init "$R" $side
	run_init "$R" "console=ttyS0" sh -c 'poweroff; sleep 5; echo "still running 5 s after poweroff"' </dev/null
	saw $side "$(grep -m1 -e '^init: powering' -e '^still' "$NS_TMP/out")"
	if [ $side = with ]; then
		judge with "poweroff powers off at once" \
			eval 'has "init: powering off" && ! has "still running 5 s after poweroff"'
	else
		judge without "poweroff is ignored" has "still running 5 s after poweroff"
	fi
done
finish
