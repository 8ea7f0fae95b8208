#!/bin/bash
# demo: with only the kernel's environment (no PATH), programs in /sbin are "not found"
. "$(dirname "$0")/../lib/demo.sh"
title "the environment every process inherits (init/environment.c, set_environment)"
# The kernel starts init with HOME=/ and TERM=linux, and no PATH; so does
# this run. In the image, as in mkrootfs's, ip is in /sbin.
R=$NS_TMP/root
make_root "$R"
rm "$R/bin/ip" && ln -s ../bin/busybox "$R/sbin/ip"
# As the kernel would: /sbin/init execs, still as PID 1, the init under test
# with nothing but the kernel's two variables.
kernel_env() {
	mv "$R/sbin/init" "$R/sbin/init.real"
	printf '#!/bin/busybox sh\nexec /bin/busybox env -i HOME=/ TERM=linux /sbin/init.real "$@"\n' >"$R/sbin/init"
	chmod +x "$R/sbin/init"
}
for side in with without; do
	use_init "$R" $side
	kernel_env
	run_init "$R" "console=ttyS0" ip link show lo </dev/null
	saw $side "$(grep -m1 -e '^1: lo' -e '^init: error' "$NS_TMP/out")"
	if [ $side = with ]; then
		judge with "ip, in /sbin, runs" grep -q '^1: lo:' "$NS_TMP/out"
	else
		judge without "ip is not found" has "init: error: cannot run ip: No such file or directory"
	fi
done
finish
