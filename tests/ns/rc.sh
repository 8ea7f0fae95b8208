#!/bin/bash
# The image's own scripts, run by init as PID 1 in namespaces (no VM):
# /etc/init.d/rcS and rcK without an inittab, the inittab's sysinit, wait,
# once, respawn and shutdown lines, failures, hangs past the grace period,
# minroot.rc=none, and the lines init does not run, each named (among them
# lines on the ttys init and its host use: the channel, the status port,
# init's terminal, a kernel console).
. "$(dirname "$0")/../lib/report.sh"
. "$(dirname "$0")/../lib/ns.sh"

R=$NS_TMP/root
make_root "$R"
mkdir -p "$R/etc/init.d"
LOUD="console=ttyS0 minroot.grace=1000"

# script PATH BODY: an executable shell script in the test root.
script() {
	printf '#!/bin/sh\n%s\n' "$2" >"$R$1"
	chmod 755 "$R$1"
}

# in_order WHAT LINE...: the last run printed these lines in this order.
in_order() {
	local what=$1 line n prev=0 bad=
	shift
	for line in "$@"; do
		n=$(grep -nxF -m1 -- "$line" "$NS_TMP/out" | cut -d: -f1)
		if [ -z "$n" ] || [ "$n" -le "$prev" ]; then bad="[$line]"; break; fi
		prev=$n
	done
	if [ -z "$bad" ]; then ok "$what"; else fail "$what (out of order or missing: $bad)"; evidence "$NS_TMP/out"; fi
}

# no_line WHAT TEXT [-x]: no line of the last run's output holds TEXT (is TEXT).
no_line() {
	if grep -qF ${3:+"$3"} -- "$2" "$NS_TMP/out"; then fail "$1"; evidence "$NS_TMP/out"; else ok "$1"; fi
}

echo "# no inittab: /etc/init.d/rcS at boot, rcK at shutdown"
# rcS starts a service the way S??* scripts do: in the background, pid in a
# file. rcK finding it alive shows rcK runs before the TERM/KILL round.
# shellcheck disable=SC2016 # single quotes: the script's text
script /etc/init.d/rcS 'echo "rcS: stdin $(readlink /proc/self/fd/0)"
sleep 1000 </dev/null >/dev/null 2>&1 &
echo $! >/run/service.pid
echo "rcS done"'
# shellcheck disable=SC2016 # single quotes: the script's text
script /etc/init.d/rcK 'kill -0 "$(cat /run/service.pid)" && echo "rcK: the service is still running"
echo "rcK done"'
# shellcheck disable=SC2016 # single quotes: for the init's shell
run_init "$R" "$LOUD" sh -c 'echo "command: service $(cat /run/service.pid)"; cat /proc/self/stat >/dev/null' </dev/null
expect_run "rcS and rcK ran, then the power-off" 130 "rcS done" "rcK: the service is still running" "rcK done"
in_order "rcS ends before the command starts; rcK runs at the power-off" \
	"init: sysinit: /etc/init.d/rcS" "rcS done" "$(status_line 0)" "init: powering off" \
	"init: shutdown: /etc/init.d/rcK" "rcK done"
if grep -q '^command: service [0-9]' "$NS_TMP/out"; then ok "the command sees what rcS started"; else fail "the command sees what rcS started"; evidence "$NS_TMP/out"; fi
if grep -q '^rcS: stdin /dev/null' "$NS_TMP/out"; then ok "rcS has init's stdin"; else fail "rcS has init's stdin"; evidence "$NS_TMP/out"; fi

run_init "$R" "$LOUD" <<<'echo "shell after rcS"; exit 0'
in_order "shell mode: rcS, the shell, rcK" "rcS done" "shell after rcS" "rcK done"

echo "# minroot.rc=none"
run_init "$R" "$LOUD minroot.rc=none" sh -c 'test -e /run/service.pid && echo pid-file; echo command ran' </dev/null
expect_run "minroot.rc=none: the command runs" 130 "command ran"
no_line "minroot.rc=none: neither rcS nor rcK runs" "/etc/init.d/rc"
no_line "minroot.rc=none: nothing of rcS's is there" "pid-file"
run_init "$R" "$LOUD minroot.rc=none minroot.rc=auto" true </dev/null
expect_run "minroot.rc=auto after none: rcS and rcK run again" 130 "rcS done" "rcK done"
run_init "$R" "$LOUD minroot.rc=some" true </dev/null
expect_run "minroot.rc=some: reported, and the scripts still run" 130 \
	"init: kernel command line: minroot.rc=some: not none or auto" "rcS done"

echo "# failures and hangs: reported, the boot and the shutdown go on"
script /etc/init.d/rcS 'echo "rcS failing"; exit 3'
script /etc/init.d/rcK 'exit 4'
run_init "$R" "$LOUD" sh -c 'echo command ran' </dev/null
expect_run "rcS failing: reported, the command runs" 130 "rcS failing" \
	"init: /etc/init.d/rcS: exit status 3; going on" "command ran" \
	"init: /etc/init.d/rcK: exit status 4; going on"
script /etc/init.d/rcS 'echo "rcS hanging"; exec sleep 1000'
script /etc/init.d/rcK 'echo "rcK hanging"; trap "" TERM HUP; sleep 1000'
run_init "$R" "console=ttyS0 minroot.grace=500" sh -c 'echo command ran' </dev/null
expect_run "rcS hanging: reported after the grace period, the command runs" 130 "rcS hanging" \
	"init: /etc/init.d/rcS: still running after 500 ms; going on" "command ran"
expect_run "rcK hanging: reported after the grace period, then killed; power-off" 130 "rcK hanging" \
	"init: /etc/init.d/rcK: still running after 500 ms; going on" \
	"init: sending SIGKILL to processes still running after 500 ms" "init: powering off"
chmod 644 "$R/etc/init.d/rcS"
rm "$R/etc/init.d/rcK"
run_init "$R" "$LOUD" sh -c 'echo command ran' </dev/null
expect_run "rcS not executable: the shell's complaint and status, the command runs" 130 \
	"init: /etc/init.d/rcS: exit status 126; going on" "command ran"
no_line "no rcK: nothing tried at shutdown" "rcK"
rm "$R/etc/init.d/rcS"
run_init "$R" "$LOUD" sh -c 'echo command ran' </dev/null
expect_run "no rcS, no rcK, no inittab: the command alone" 130 "command ran"
no_line "... and nothing said about them" "init.d"

echo "# /etc/inittab"
script /etc/init.d/rcS 'echo "rcS must not run when there is an inittab"'
cat >"$R/etc/inittab" <<'EOF'
# A Buildroot-style inittab, with every action busybox knows.
::wait:echo "wait line 1"
::sysinit:echo "sysinit line 1"
  # an indented comment
::sysinit:/bin/echo sysinit line 2 # a trailing comment
null::sysinit:echo "sysinit to /dev/null"
::sysinit:exit 5
::wait:echo "wait line 2"
::once:echo "once line"
/tmp/respawn.out::respawn:echo "respawned on $(readlink /proc/self/fd/0)" >>/tmp/respawns
console::respawn:/sbin/getty -L console 0 vt100 # GENERIC_SERIAL
::askfirst:-/bin/sh
::ctrlaltdel:/sbin/reboot
::restart:/sbin/init
tty1::bogus:/bin/true
::shutdown:echo "shutdown line 1"
::shutdown:echo "shutdown line 2"
/tmp/ask.out::askfirst:echo "asked on $(readlink /proc/self/fd/0)"
EOF
touch "$R/tmp/respawn.out" "$R/tmp/ask.out"
# The command waits (at most 10 s) for the respawns before it ends.
# shellcheck disable=SC2016 # single quotes: for the init's shell
run_init "$R" "$LOUD" sh -c 'i=0
	while [ $i -lt 100 ] && [ "$(cat /tmp/respawns 2>/dev/null | wc -l)" -lt 5 ]; do sleep 0.1; i=$((i+1)); done
	sleep 0.5; echo "command ran"' </dev/null
in_order "sysinit lines in order, then wait lines, then the command, then shutdown lines" \
	"sysinit line 1" "sysinit line 2" "wait line 1" "wait line 2" "command ran" \
	"init: powering off" "shutdown line 1" "shutdown line 2"
expect_run "a failing sysinit line is reported" 130 "init: exit 5: exit status 5; going on"
expect_run "a once line runs" 130 "once line"
no_line "with an inittab, rcS is not run" "rcS must not run"
no_line "a null:: line's output goes to /dev/null" "sysinit to /dev/null" -x
expect_run "each line init does not run is named in one line" 130 \
	"init: /etc/inittab line 11 not run (respawn: the console has init's shell): /sbin/getty -L console 0 vt100" \
	"init: /etc/inittab line 12 not run (askfirst: the console has init's shell): -/bin/sh" \
	"init: /etc/inittab line 13 not run (ctrlaltdel: not supported): /sbin/reboot" \
	"init: /etc/inittab line 14 not run (restart: not supported): /sbin/init" \
	"init: /etc/inittab line 15 ignored: tty1::bogus:/bin/true"
expect_eq "a respawn line on another tty (here a file) runs there, respawned until the throttle" \
	"5 respawned on /tmp/respawn.out" "$(sort "$R/tmp/respawns" | uniq -c | sed 's/^ *//')"
expect_run "... which then says so" 130 \
	"init: /etc/inittab line 10 ended 5 times within 10 s; not started again"
# Each run opens the file at its start: the prompt overwrites the prompt, and
# "read" takes the line after it that the last run wrote.
expect_eq "an askfirst line on another tty: busybox's prompt there, then the command" \
	"|Please press Enter to activate this console. asked on /tmp/ask.out|" \
	"$(head -n 2 "$R/tmp/ask.out" | tr '\n' '|')"
expect_run "... respawned until the throttle too" 130 \
	"init: /etc/inittab line 18 ended 5 times within 10 s; not started again"
rm -f "$R/tmp/respawns"

cat >"$R/etc/inittab" <<'EOF'
::sysinit:echo "sysinit ran"
::shutdown:echo "shutdown 1 hangs"; trap "" TERM HUP; sleep 1000
::shutdown:/bin/echo shutdown 2
EOF
run_init "$R" "console=ttyS0 minroot.grace=500" true </dev/null
expect_run "a hanging shutdown line: the next is not run, power-off" 130 "sysinit ran" \
	"shutdown 1 hangs" "init: /bin/echo shutdown 2 not run: the grace period is over" \
	"init: powering off"
if grep -q 'shutdown 1 hangs.*still running after 500 ms; going on' "$NS_TMP/out"; then
	ok "... reported after the grace period"
else fail "... reported after the grace period"; evidence "$NS_TMP/out"; fi
run_init "$R" "$LOUD minroot.rc=none" true </dev/null
no_line "minroot.rc=none: no inittab line runs" "sysinit ran"
no_line "minroot.rc=none: no shutdown line runs" "shutdown 2"

echo "# lines on the ttys init and its host use: named, not run"
# The kernel's consoles are the host's here (sysfs is the host's): a line on
# the last one it lists, when it lists one.
active=$(tr ' ' '\n' </sys/class/tty/console/active 2>/dev/null | grep . | tail -n 1)
cat >"$R/etc/inittab" <<EOF
ttyS1::respawn:/sbin/getty -L ttyS1 115200 vt100
/dev/ttyS1::once:echo once on the channel
ttyS7::respawn:echo on the status port
/tmp/term.out::respawn:echo respawn on the terminal
/tmp/term.out::sysinit:echo sysinit on the terminal
${active:-unlisted}::respawn:echo on a kernel console
::sysinit:echo sysinit on the console
/tmp/free.out::once:echo once on a tty nobody uses
EOF
: >"$R/tmp/term.out"
: >"$R/tmp/free.out"
run_init "$R" "$LOUD minroot.channel=ttyS1 minroot.status=ttyS7 minroot.tty=/tmp/term.out" \
	sh -c 'sleep 0.5; echo command ran' </dev/null
expect_run "each line on a tty in use is named" 130 \
	"init: /etc/inittab line 1 not run (respawn: the channel's port): /sbin/getty -L ttyS1 115200 vt100" \
	"init: /etc/inittab line 2 not run (once: the channel's port): echo once on the channel" \
	"init: /etc/inittab line 3 not run (respawn: the status port): echo on the status port" \
	"init: /etc/inittab line 4 not run (respawn: the console has init's shell): echo respawn on the terminal" \
	"init: /etc/inittab line 5 not run (sysinit: init's terminal): echo sysinit on the terminal" \
	"sysinit on the console"
for n in 1 2 3 4 5; do
	expect_eq "... line $n named exactly once" 1 "$(grep -c "^init: /etc/inittab line $n not run" "$NS_TMP/out")"
done
if [ -n "$active" ]; then
	expect_run "a line on the kernel's console ($active) is named, not run" 130 \
		"init: /etc/inittab line 6 not run (respawn: a kernel console): echo on a kernel console"
else
	echo "# (the host lists no kernel console: that check is the boot tests')"
fi
expect_eq "the terminal (minroot.tty) has the command's output alone" "command ran" "$(cat "$R/tmp/term.out")"
expect_eq "a once line on a tty nobody uses runs there" "once on a tty nobody uses" "$(cat "$R/tmp/free.out")"
rm -f "$R/tmp/term.out" "$R/tmp/free.out"
rm "$R/etc/inittab" "$R/etc/init.d/rcS"
finish
