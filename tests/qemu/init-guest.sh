#!/bin/bash
# shellcheck disable=SC2016 # single quotes: these words are for the guest's shell
# The init's own duties on a real kernel, each judged by the command's exit
# status (it comes back on init's status channel): messages in the kernel
# log, hostname, minroot.tty, mounts and device nodes, the environment.
# No double quotes in the guest commands: the kernel command line cannot
# carry them.
. "$(dirname "$0")/../lib/report.sh"
RUN=$TOP/qemu/run-qemu
K=$B/vmlinuz I=$B/rootfs.img
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
for f in "$K" "$I"; do [ -s "$f" ] || { fail "missing $f (make $f)"; finish; }; done

# guest WHAT WANT [run-qemu options] -- COMMAND...: pass if the guest command
# exits WANT (the check itself is done in the guest).
guest() {
	local what=$1 want=$2; shift 2
	"$RUN" --accel tcg --kernel "$K" --image "$I" --snapshot --timeout 600 "$@" \
		</dev/null >"$T/out" 2>&1
	local got=$?
	if [ "$got" = "$want" ]; then ok "$what"; else
		fail "$what: guest exit $got, want $want"; evidence "$T/out"; fi
}

guest "init's complaints reach the kernel log (dmesg)" 42 --append minroot.bogus=1 -- \
	sh -c 'dmesg | grep -q init:.kernel.command.line:.minroot.bogus=1:.unknown.option && exit 42'
guest "hostname comes from /etc/hostname in the image" 43 -- \
	sh -c 'test $(hostname) = $(cat /etc/hostname) && exit 43'
# In command mode run-qemu's ports are ttyS0 (the terminal, minroot.tty=ttyS0),
# ttyS1 (the channel) and ttyS2 (the console); tty_nr of ttyS0 is 4:64, 1088.
guest "minroot.tty=ttyS2: the command gets that terminal as its controlling tty (4:66)" 44 \
	--append minroot.tty=ttyS2 -- sh -c 'test $(cut -d\  -f7 /proc/$$/stat) = 1090 && test $(readlink /proc/$$/fd/1) = /dev/ttyS2 && exit 44'
guest "the terminal (ttyS0) is the command's controlling tty, its stdin the channel's pipe" 45 -- \
	sh -c 'test $(cut -d\  -f7 /proc/$$/stat) = 1088 && test $(readlink /proc/$$/fd/1) = /dev/ttyS0 && ! tty -s && exit 45'
guest "/proc /sys /dev /dev/pts /dev/shm /run are mounted" 46 -- \
	sh -c 'for m in /proc /sys /dev /dev/pts /dev/shm /run; do cut -d\  -f2 /proc/mounts | grep -qx $m || exit 1; done; exit 46'
guest "device nodes and links a shell needs" 47 -- \
	sh -c 'for d in console null zero full random urandom kmsg tty ttyS0 ttyS1 ttyS2 ttyS3; do [ -c /dev/$d ] || exit 1; done; for l in fd stdin stdout stderr; do [ -L /dev/$l ] || exit 2; done; [ -e /dev/ptmx ] && exit 47'
guest "environment: PATH, HOME, TERM; umask 022" 48 -- \
	sh -c 'test $PATH = /sbin:/usr/sbin:/bin:/usr/bin && test $HOME = /root && test -n $TERM && test $(umask) = 0022 && exit 48'
guest "init is PID 1 and the command is not" 49 -- \
	sh -c 'test $$ != 1 && test $(cat /proc/1/comm) = init && exit 49'
finish
