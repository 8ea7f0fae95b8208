#!/bin/bash
# The init as PID 1 in namespaces: command mode, reaping, signals from
# busybox's applets, shutdown, bad setups. No VM needed.
. "$(dirname "$0")/../lib/ns.sh"

R=$NS_TMP/root
make_root "$R"
LOUD="console=ttyS0 minroot.grace=500"   # a command line without quiet

echo "# the binary"
if file -L "$B/init" | grep -q 'statically linked' && ! readelf -lW "$B/init" | grep -q INTERP; then
	ok "init is statically linked"
else fail "init is statically linked"; file -L "$B/init"; fi
check_init_size "init" "$B/init"

echo "# run by hand, not as PID 1"
out=$("$B/init" 2>&1); r=$?
expect_eq "not PID 1: exit status 1" 1 "$r"
case $out in *"must be run as PID 1"*) ok "not PID 1: says why" ;; *) fail "not PID 1: says why"; echo "    $out" ;; esac
out=$("$B/init" --help); r=$?
if [ $r -eq 0 ] && [[ $out == Usage:* ]]; then ok "--help"; else fail "--help"; echo "    $out"; fi
out=$("$B/init" --version); r=$?
if [ $r -eq 0 ] && [[ $out == "minroot init "* ]]; then ok "--version"; else fail "--version"; echo "    $out"; fi

echo "# command mode"
for code in 0 3 255; do
	run_init "$R" "$LOUD" sh -c "echo running; exit $code" </dev/null
	expect_run "exit $code: status line, then power-off (SIGINT ends the namespace)" 130 \
		running "$(status_line "$code")" "init: powering off"
	expect_eq "exit $code: exactly one status line" 1 "$(count_lines "$(status_line "$code")")"
done
run_init "$R" "$LOUD" sh -c 'kill -9 $$' </dev/null
expect_run "killed by SIGKILL: status 128+9" 130 "$(status_line 137)"
run_init "$R" "$LOUD" no-such-command arg </dev/null
expect_run "missing command: status 127 and the reason" 130 "$(status_line 127)" \
	"init: error: cannot run no-such-command: No such file or directory"
run_init "$R" "$LOUD" /etc </dev/null
expect_run "not executable: status 126" 130 "$(status_line 126)"
run_init "$R" "single $LOUD -- sh -c \"exit 9\"" single sh -c "exit 9" </dev/null
expect_run "bare kernel words before -- are not the command" 130 "$(status_line 9)"
run_init "$R" "quiet" sh -c 'echo out; exit 4' </dev/null
expect_run "quiet: the status line stays" 130 out "$(status_line 4)"
if grep -q 'powering off' "$NS_TMP/out"; then fail "quiet: no progress messages"; evidence "$NS_TMP/out"; else ok "quiet: no progress messages"; fi
: >"$R/tmp/status"
run_init "$R" "$LOUD minroot.status=/tmp/status" sh -c 'exit 5' </dev/null
expect_eq "minroot.status: the status line goes to the device too" "$(status_line 5)" "$(cat "$R/tmp/status")"

echo "# the command's session leader: its parent, which outlives it (the kernel flushes a terminal's unsent output when the session leader exits)"
# shellcheck disable=SC2016 # the guest's shell expands these
run_init "$R" "$LOUD" sh -c 'read -r _ _ _ ppid pgrp sid _ </proc/self/stat; read -r _ _ _ gppid _ </proc/$ppid/stat
[ "$sid" != $$ ] && [ "$sid" = "$ppid" ] && [ "$pgrp" = "$sid" ] && [ "$gppid" = 1 ] && echo led-by-parent' </dev/null
expect_run "the command's session and group are its parent's, a child of PID 1" 130 led-by-parent "$(status_line 0)"
run_init "$R" "$LOUD" sh -c 'trap "echo got TERM; exit 5" TERM; kill -TERM 0; sleep 2; exit 1' </dev/null
expect_run "a signal to the whole group is the command's to handle: its status, not the leader's death" 130 \
	"got TERM" "$(status_line 5)"

echo "# what the child inherits"
run_init "$R" "$LOUD" cat /proc/self/status </dev/null
expect_run "child: empty signal mask, no ignored signals" 130 \
	"SigBlk:	0000000000000000" "SigIgn:	0000000000000000"
run_init "$R" "$LOUD TERM=vt100" env </dev/null
expect_run "child: PATH and HOME set" 130 "PATH=/sbin:/usr/sbin:/bin:/usr/bin" "HOME=/root"
run_init "$R" "$LOUD" sh -c 'umask; hostname; ps -o pid,args | grep -q "^ *1 /sbin/init" && echo pid1-is-init' </dev/null
expect_run "umask 022, hostname minroot, init is PID 1" 130 0022 minroot pid1-is-init
echo tester >"$R/etc/hostname"
run_init "$R" "$LOUD" hostname </dev/null
expect_run "hostname from /etc/hostname" 130 tester
rm "$R/etc/hostname"

echo "# mounts and device nodes"
run_init "$R" "" sh -c 'cut -d" " -f2,3 /proc/mounts; ls -l /dev/fd /dev/stdin' </dev/null
expect_run "init mounts /proc itself (host command line)" 130 "/proc proc"
E=$NS_TMP/emptydev
make_root "$E" --empty-dev
# shellcheck disable=SC2016 # single quotes: for the init's shell
run_init "$E" "$LOUD" sh -c 'cut -d" " -f2,3 /proc/mounts; grep -c " /proc " /proc/mounts; for l in fd stdin stdout stderr ptmx; do readlink /dev/$l; done' </dev/null
expect_run "mounts: /sys /dev /dev/pts /dev/shm /run" 130 "/sys sysfs" "/dev tmpfs" \
	"/dev/pts devpts" "/dev/shm tmpfs" "/run tmpfs"
expect_run "an existing /proc mount is not mounted twice" 130 1
expect_run "links /dev/fd, stdin, stdout, stderr, ptmx" 130 /proc/self/fd /proc/self/fd/0 \
	/proc/self/fd/1 /proc/self/fd/2 pts/ptmx
expect_run "no devtmpfs, empty /dev: a tmpfs, and mknod failures in one line" 130 \
	"init: /dev: no devtmpfs (Operation not permitted); using a tmpfs" \
	"init: mknod /dev/console (and 11 more device nodes): Operation not permitted"
run_init "$R" "$LOUD" sh -c 'echo x >/dev/null && echo null-works' </dev/null
expect_run "no devtmpfs, populated /dev: kept as it is" 130 null-works \
	"init: /dev: no devtmpfs (Operation not permitted); keeping the image's device nodes"
run_init "$R" "$LOUD minroot.bogus=1 minroot.grace=x" true </dev/null
expect_run "bad options reported, not fatal" 130 \
	"init: kernel command line: minroot.bogus=1: unknown option, ignored (and more)" "$(status_line 0)"

echo "# no console from the kernel: fds 0-2 closed"
C=$NS_TMP/noconsole
make_root "$C"
touch "$C/dev/console" "$NS_TMP/console.out"
RUN_PRE="mount --bind '$NS_TMP/console.out' '$C/dev/console' &&" RUN_REDIR="0<&- 1>&- 2>&-" \
	run_init "$C" "$LOUD" sh -c 'echo on the console; exit 8'
expect_eq "nothing reaches init's original stdout" "" "$(cat "$NS_TMP/out")"
if grep -qxF "on the console" "$NS_TMP/console.out" && grep -qxF "$(status_line 8)" "$NS_TMP/console.out"; then
	ok "init opens /dev/console itself: the command's output and the status are there"
else fail "init opens /dev/console itself"; evidence "$NS_TMP/console.out"; fi

echo "# reaping"
# Each (sleep &) leaves an orphan that init inherits; wait until only this
# shell is left as init's child, then count zombies anywhere.
# shellcheck disable=SC2016 # single quotes: for the init's shell
run_init "$R" "$LOUD" sh -c '
	orphans() { grep -l "^PPid:	1\$" /proc/[0-9]*/status 2>/dev/null | wc -l; }
	i=0; while [ $i -lt 1000 ]; do (sleep 5 </dev/null &); i=$((i+1)); done
	echo "orphans-seen=$(orphans)"
	n=0; while [ $n -lt 300 ] && [ "$(orphans)" -gt 1 ]; do sleep 0.1; n=$((n+1)); done
	echo "init-children-left=$(orphans)"
	echo "zombies=$(grep -l "^State:.*Z" /proc/[0-9]*/status 2>/dev/null | wc -l)"' </dev/null
seen=$(sed -n 's/^orphans-seen=//p' "$NS_TMP/out")
if [ "${seen:-0}" -ge 500 ]; then ok "orphans were really made ($seen alive at once)"; else fail "orphans were really made"; evidence "$NS_TMP/out"; fi
expect_run "1,000 orphans reaped: no zombie left" 130 "init-children-left=1" "zombies=0"

echo "# busybox's applets and signals to PID 1"
for t in "poweroff:130:powering off" "halt:130:halting" "reboot:129:rebooting"; do
	IFS=: read -r applet want line <<<"$t"
	set -- "$applet" "$want" "$line"
	run_init "$R" "$LOUD" sh -c "$1; sleep 10" </dev/null
	expect_run "busybox $1 ends the namespace through init's shutdown" "$2" "init: $3"
	if grep -q "exit status" "$NS_TMP/out"; then fail "busybox $1: no status line"; else ok "busybox $1: no status line"; fi
done
run_init "$R" "$LOUD" sh -c 'kill -HUP 1; kill -QUIT 1; kill -USR1 2; sleep 0.3; echo alive; exit 4' </dev/null
expect_run "SIGHUP and SIGQUIT to PID 1 are ignored" 130 alive "$(status_line 4)"
run_init "$R" "$LOUD" sh -c 'kill -PWR 1; sleep 10' </dev/null
expect_run "SIGPWR powers off" 130 "init: powering off"
run_init "$R" "$LOUD" sh -c 'kill -INT 1; sleep 10' </dev/null
expect_run "SIGINT (Ctrl-Alt-Del) reboots" 129 "init: rebooting"
run_init "$R" "console=ttyS0 minroot.grace=300" sh -c '(trap "" TERM HUP; sleep 30) & sleep 0.2; poweroff; sleep 30' </dev/null
expect_run "a process ignoring SIGTERM and SIGHUP is killed after the grace period" 130 \
	"init: sending SIGKILL to processes still running after 300 ms"

echo "# shell mode"
run_init "$R" "$LOUD" <<<'echo "shell pid $$"; exit 6'
expect_run "a shell reads its stdin; default onexit powers off" 130 \
	"init: the shell ended with status 6 (minroot.onexit=poweroff)"
if grep -q '^shell pid [0-9]' "$NS_TMP/out" && ! has "shell pid 1"; then ok "the shell is not PID 1"; else fail "the shell is not PID 1"; evidence "$NS_TMP/out"; fi
run_init "$R" "$LOUD minroot.onexit=reboot" <<<'exit 0'
expect_run "minroot.onexit=reboot" 129 "init: rebooting"
run_init "$R" "$LOUD minroot.onexit=halt" <<<'exit 0'
expect_run "minroot.onexit=halt" 130 "init: halting"
run_init "$R" "$LOUD minroot.shell=/bin/ash" <<<'echo custom; exit 0'
expect_run "minroot.shell" 130 custom
run_init "$R" "$LOUD minroot.onexit=respawn" </dev/null
expect_run "respawn throttle: 5 deaths in 10 s power off" 130 \
	"init: error: the shell ended 5 times within 10 s; powering off instead of respawning it"
expect_eq "respawn throttle: the shell ran 5 times" 5 "$(grep -c 'the shell ended with status' "$NS_TMP/out")"

echo "# bad setup: no shell"
N=$NS_TMP/noshell
make_root "$N" --no-shell
run_init "$N" "$LOUD" </dev/null
expect_run "no shell: every path named, then power-off (no hang, no crash)" 130 \
	"init: error: no shell could be started (/bin/sh: No such file or directory; /bin/busybox: No such file or directory; /busybox: No such file or directory)" \
	"init: powering off"
run_init "$R" "$LOUD minroot.shell=/nope" </dev/null
expect_run "minroot.shell missing: named, then power-off" 130 \
	"init: error: no shell could be started (/nope: No such file or directory)"
echo "# the network: lo always, minroot.net on request"
run_init "$R" "$LOUD" sh -c 'ip link show lo; ping -c1 -W10 127.0.0.1 >/dev/null && echo v4-answers
	grep -q "^0*1 .* lo$" /proc/net/if_inet6 && ping6 -c1 -W10 ::1 >/dev/null && echo v6-answers
	test -e /etc/resolv.conf || echo no-resolv-conf' </dev/null
if grep -q '^1: lo: <LOOPBACK,UP,LOWER_UP>' "$NS_TMP/out"; then ok "lo is up before the command starts"; else fail "lo is up before the command starts"; evidence "$NS_TMP/out"; fi
expect_run "127.0.0.1 answers" 130 v4-answers
if [ -e /proc/net/if_inet6 ]; then
	expect_run "::1 answers (the kernel added it when lo went up)" 130 v6-answers
else fail "the host kernel has no IPv6: ::1 cannot be checked"; fi
expect_run "without minroot.net, /etc/resolv.conf is not written" 130 no-resolv-conf
VETH="ip link add eth0 type veth peer name peer0 && ip link set peer0 up &&"
RUN_PRE=$VETH run_init "$R" "$LOUD minroot.net=eth0" sh -c \
	'ip -4 addr show eth0; ip route; ip link show eth0' </dev/null
if grep -q 'inet 10.0.2.15/24 ' "$NS_TMP/out" && grep -q '^default via 10.0.2.2 dev eth0' "$NS_TMP/out" &&
	grep -q '^10.0.2.0/24 dev eth0' "$NS_TMP/out" && grep -q '^[0-9]*: eth0@[^:]*: <.*,UP' "$NS_TMP/out"; then
	ok "minroot.net=eth0: up, 10.0.2.15/24, default route via 10.0.2.2"
else fail "minroot.net=eth0: up, 10.0.2.15/24, default route via 10.0.2.2"; evidence "$NS_TMP/out"; fi
expect_eq "minroot.net: /etc/resolv.conf names QEMU's DNS proxy" "nameserver 10.0.2.3" "$(cat "$R/etc/resolv.conf")"
printf 'nameserver 192.0.2.1\n' >"$R/etc/resolv.conf"
RUN_PRE=$VETH run_init "$R" "$LOUD minroot.net=eth0" true </dev/null
expect_eq "minroot.net: a resolv.conf naming a nameserver is kept" "nameserver 192.0.2.1" "$(cat "$R/etc/resolv.conf")"
printf 'search example.org\n' >"$R/etc/resolv.conf"
RUN_PRE=$VETH run_init "$R" "$LOUD minroot.net=eth0" true </dev/null
expect_eq "minroot.net: one without a nameserver gets ours appended" \
	"search example.org|nameserver 10.0.2.3" "$(paste -sd'|' "$R/etc/resolv.conf")"
rm "$R/etc/resolv.conf"
RUN_PRE="$VETH mount --bind '$R/etc' '$R/etc' && mount -o remount,bind,ro '$R/etc' &&" \
	run_init "$R" "$LOUD minroot.net=eth0" sh -c 'ip -4 addr show eth0' </dev/null
expect_run "minroot.net on a read-only /etc: one line, the rest still done" 130 \
	"init: write /etc/resolv.conf (name lookups will fail): Read-only file system" "$(status_line 0)"
if grep -q 'inet 10.0.2.15/24 ' "$NS_TMP/out"; then ok "minroot.net on a read-only /etc: the address is set"; else fail "minroot.net on a read-only /etc: the address is set"; evidence "$NS_TMP/out"; fi
run_init "$R" "$LOUD minroot.net=eth9" sh -c 'echo ran' </dev/null
expect_run "minroot.net of a missing interface: one line, the command runs" 130 ran \
	"init: minroot.net=eth9: no such network interface (is the driver of QEMU's NIC, e.g. virtio-net or e1000, built in or loaded?)"
expect_eq "minroot.net of a missing interface: said once" 1 "$(grep -c '^init: .*eth9' "$NS_TMP/out")"

echo "# the kernel's filesystems: a user namespace may not mount them, and init says nothing"
run_init "$R" "$LOUD" sh -c 'echo ran' </dev/null
if grep -q '^init: mount /sys' "$NS_TMP/out"; then fail "no complaint about the kernel's filesystems in a container"; evidence "$NS_TMP/out"
else ok "no complaint about the kernel's filesystems in a container"; fi

echo "# TERM"
# In a namespace the kernel's environment is the one init is started with.
TERM=vt100 run_init "$R" "$LOUD minroot.term=xterm-256color" sh -c 'env | grep ^TERM=' </dev/null
expect_run "minroot.term replaces the kernel's TERM" 130 "TERM=xterm-256color"
expect_eq "minroot.term: one TERM in the environment" 1 "$(grep -c '^TERM=' "$NS_TMP/out")"
TERM=vt100 run_init "$R" "$LOUD" sh -c 'env | grep ^TERM=' </dev/null
expect_run "without minroot.term the kernel's TERM stays" 130 "TERM=vt100"

echo "# minroot.timeout"
rm -f "$R/tmp/written"
run_init "$R" "$LOUD minroot.timeout=2" sh -c 'echo data >/tmp/written; echo started; sleep 100' </dev/null
expect_run "minroot.timeout: the command is stopped, status 124" 130 started \
	"init: timed out after 2 s" "$(status_line 124)" "init: powering off"
expect_eq "minroot.timeout: what the command wrote is there" data "$(cat "$R/tmp/written" 2>/dev/null)"
run_init "$R" "$LOUD minroot.timeout=1" sh -c 'trap "echo got SIGTERM; exit 3" TERM; sleep 100 & wait' </dev/null
expect_run "minroot.timeout: SIGTERM first, the command's last words before the status line" 130 \
	"got SIGTERM" "$(status_line 124)"
if [ "$(grep -n -e '^got SIGTERM' -e '^init: exit status' "$NS_TMP/out" | cut -d: -f2 | paste -sd,)" = "got SIGTERM,init" ]; then
	ok "minroot.timeout: the last words come first"; else fail "minroot.timeout: the last words come first"; evidence "$NS_TMP/out"; fi
run_init "$R" "console=ttyS0 minroot.grace=300 minroot.timeout=1" sh -c 'trap "" TERM; sleep 100' </dev/null
expect_run "minroot.timeout: a command ignoring SIGTERM is killed after the grace" 130 \
	"init: timed out after 1 s" "$(status_line 124)"
run_init "$R" "$LOUD minroot.timeout=60" sh -c 'exit 3' </dev/null
expect_run "minroot.timeout: a command that ends in time keeps its status" 130 "$(status_line 3)"
if has "init: timed out after 60 s"; then fail "minroot.timeout: no time-out line when in time"; else ok "minroot.timeout: no time-out line when in time"; fi

echo "# the kernel's taint in the status line"
echo 4096 >"$NS_TMP/tainted"
RUN_PRE="mount --bind '$NS_TMP/tainted' '$R/proc/sys/kernel/tainted' &&" \
	run_init "$R" "$LOUD" sh -c 'echo 4608 >/proc/sys/kernel/tainted; exit 2' </dev/null
expect_run "taint read before and after the command: taint=WO new=W" 130 "init: exit status 2 taint=WO new=W"
echo 4096 >"$NS_TMP/tainted"
RUN_PRE="mount --bind '$NS_TMP/tainted' '$R/proc/sys/kernel/tainted' &&" \
	run_init "$R" "$LOUD" true </dev/null
expect_run "tainted before, nothing new: taint=O alone" 130 "init: exit status 0 taint=O"
echo 0 >"$NS_TMP/tainted"
RUN_PRE="mount --bind '$NS_TMP/tainted' '$R/proc/sys/kernel/tainted' &&" \
	run_init "$R" "$LOUD" true </dev/null
expect_run "untainted: the status line as it always was" 130 "init: exit status 0"
finish
