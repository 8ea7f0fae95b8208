#!/bin/bash
# demo: without /dev/pts, script (like ssh, tmux, expect) gets no pseudo-terminal
. "$(dirname "$0")/../lib/demo.sh"
title "/dev/pts, /dev/shm and /run (init/mounts.c, mount_dev_subdirs)"
R=$NS_TMP/root
make_root "$R"
# util-linux's script and the libraries it is linked with.
script=$(command -v script) || { fail "$DUTY: util-linux's script is installed"; exit 1; }
for f in "$script" $(ldd "$script" | grep -o '/[^ ]*'); do cp -L --parents "$f" "$R"; done
for side in with without; do
	use_init "$R" $side
	# shellcheck disable=SC2016 # single quotes: for sh, then script's shell
	run_init "$R" "console=ttyS0" sh -c "$script"' -qc "echo inside a pty: \$(tty)" /dev/null' </dev/null
	saw $side "$(grep -m1 -e '^inside' -e '^script' "$NS_TMP/out")"
	if [ $side = with ]; then
		judge with "script runs its command on a pty" grep -q '^inside a pty: /dev/pts/' "$NS_TMP/out"
	else
		judge without "script fails" grep -q '^script: .*pseudo-terminal' "$NS_TMP/out"
	fi
done
finish
