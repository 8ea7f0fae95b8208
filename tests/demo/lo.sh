#!/bin/bash
# demo: without lo brought up, even 127.0.0.1 does not answer
. "$(dirname "$0")/../lib/demo.sh"
title "the loopback interface (init/net.c, set_up_network)"
# A new network namespace starts, as a booted kernel does, with lo down.
R=$NS_TMP/root
make_root "$R"
for side in with without; do
	use_init "$R" $side
	# shellcheck disable=SC2016 # single quotes: for the init's shell
	run_init "$R" "console=ttyS0" sh -c 'ip link show lo | grep -o "<[A-Z_,]*>"
		if ping -c1 -W5 127.0.0.1 >/dev/null 2>"/tmp/err"; then echo "127.0.0.1 answers"
		else echo "ping 127.0.0.1 fails: $(head -n1 /tmp/err)"; fi' </dev/null
	saw $side "lo $(grep -m1 '^<' "$NS_TMP/out"), $(grep -m1 '127.0.0.1' "$NS_TMP/out")"
	if [ $side = with ]; then
		judge with "127.0.0.1 answers" has "127.0.0.1 answers"
	else
		judge without "ping 127.0.0.1 fails" grep -q '^ping 127.0.0.1 fails' "$NS_TMP/out"
	fi
done
finish
