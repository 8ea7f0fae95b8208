#!/bin/bash
# demo: started with no stdin, stdout or stderr, nothing anyone prints is seen
. "$(dirname "$0")/../lib/demo.sh"
title "file descriptors 0, 1, 2 on /dev/console (init/devices.c, ensure_console_fds)"
# The kernel opens /dev/console as init's fds 0-2 only when the root has
# that node when it starts init; here they are closed, and /dev/console
# is a file that stands in for the screen.
R=$NS_TMP/root
make_root "$R"
touch "$R/dev/console"
for side in with without; do
	use_init "$R" $side
	: >"$NS_TMP/screen"
	RUN_PRE="mount --bind '$NS_TMP/screen' '$R/dev/console' &&" RUN_REDIR="0<&- 1>&- 2>&-" \
		run_init "$R" "console=ttyS0" sh -c 'echo hello from the command'
	cp "$NS_TMP/screen" "$NS_TMP/out"
	saw $side "the console shows $(wc -l <"$NS_TMP/screen") lines: $(head -n1 "$NS_TMP/screen")"
	if [ $side = with ]; then
		judge with "the command's output is on the console" has "hello from the command"
	else
		judge without "nothing at all reaches the console" test ! -s "$NS_TMP/screen"
	fi
done
finish
