#!/bin/bash
# The init as PID 1 in namespaces: command mode, reaping, signals from
# busybox's applets, shutdown, bad setups. No VM needed.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/nslib.sh"

R=$NS_TMP/root
make_root "$R"
LOUD="console=ttyS0 minroot.grace=500"   # a command line without quiet

echo "# the binary"
if file -L "$B/init" | grep -q 'statically linked' && ! readelf -lW "$B/init" | grep -q INTERP; then
	ok "init is statically linked"
else fail "init is statically linked"; file -L "$B/init"; fi
size=$(stat -c %s "$B/init")
if [ "$size" -le 40960 ]; then ok "init is at most 40 KiB ($size bytes)"; else fail "init is at most 40 KiB ($size bytes)"; fi

echo "# run by hand, not as PID 1"
out=$("$B/init" 2>&1); r=$?
expect_eq "not PID 1: exit status 1" 1 "$r"
case $out in *"must be run as PID 1"*) ok "not PID 1: says why" ;; *) fail "not PID 1: says why"; echo "    $out" ;; esac
out=$("$B/init" --help); r=$?
[ $r -eq 0 ] && [[ $out == Usage:* ]] && ok "--help" || { fail "--help"; echo "    $out"; }
out=$("$B/init" --version); r=$?
[ $r -eq 0 ] && [[ $out == "minroot init "* ]] && ok "--version" || { fail "--version"; echo "    $out"; }

echo "# command mode"
for code in 0 3 255; do
	run_init "$R" "$LOUD" sh -c "echo running; exit $code" </dev/null
	expect_run "exit $code: status line, then power-off (SIGINT ends the namespace)" 130 \
		running "init: exit status $code" "init: powering off"
	expect_eq "exit $code: exactly one status line" 1 "$(count_lines "init: exit status $code")"
done
run_init "$R" "$LOUD" sh -c 'kill -9 $$' </dev/null
expect_run "killed by SIGKILL: status 128+9" 130 "init: exit status 137"
run_init "$R" "$LOUD" no-such-command arg </dev/null
expect_run "missing command: status 127 and the reason" 130 "init: exit status 127" \
	"init: error: cannot run no-such-command: No such file or directory"
run_init "$R" "$LOUD" /etc </dev/null
expect_run "not executable: status 126" 130 "init: exit status 126"
run_init "$R" "single $LOUD -- sh -c \"exit 9\"" single sh -c "exit 9" </dev/null
expect_run "bare kernel words before -- are not the command" 130 "init: exit status 9"
run_init "$R" "quiet" sh -c 'echo out; exit 4' </dev/null
expect_run "quiet: the status line stays" 130 out "init: exit status 4"
if grep -q 'powering off' "$NS_TMP/out"; then fail "quiet: no progress messages"; evidence "$NS_TMP/out"; else ok "quiet: no progress messages"; fi
: >"$R/tmp/status"
run_init "$R" "$LOUD minroot.status=/tmp/status" sh -c 'exit 5' </dev/null
expect_eq "minroot.status: the status line goes to the device too" "init: exit status 5" "$(cat "$R/tmp/status")"

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
	"init: kernel command line: minroot.bogus=1: unknown option, ignored (and more)" "init: exit status 0"

echo "# no console from the kernel: fds 0-2 closed"
C=$NS_TMP/noconsole
make_root "$C"
touch "$C/dev/console" "$NS_TMP/console.out"
RUN_PRE="mount --bind '$NS_TMP/console.out' '$C/dev/console' &&" RUN_REDIR="0<&- 1>&- 2>&-" \
	run_init "$C" "$LOUD" sh -c 'echo on the console; exit 8'
expect_eq "nothing reaches init's original stdout" "" "$(cat "$NS_TMP/out")"
if grep -qxF "on the console" "$NS_TMP/console.out" && grep -qxF "init: exit status 8" "$NS_TMP/console.out"; then
	ok "init opens /dev/console itself: the command's output and the status are there"
else fail "init opens /dev/console itself"; evidence "$NS_TMP/console.out"; fi

echo "# reaping"
# Each (sleep &) leaves an orphan that init inherits; wait until only this
# shell is left as init's child, then count zombies anywhere.
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
expect_run "SIGHUP and SIGQUIT to PID 1 are ignored" 130 alive "init: exit status 4"
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
finish
