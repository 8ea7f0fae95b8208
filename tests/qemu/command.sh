#!/bin/bash
# shellcheck disable=SC2016 # single quotes: these words are for the guest's shell
# Command mode on the Debian cloud kernel under TCG: run-qemu -- COMMAND boots,
# runs it through init, powers off and exits with its status, which comes on
# ttyS1 and so survives floods of console output and a missing final newline.
# Also: failures to get there (kernel panic, timeout, signal), --initrd,
# --snapshot, and --accel auto on this machine. Standard input is /dev/null.
. "$(dirname "$0")/../lib/report.sh"
RUN=$TOP/qemu/run-qemu
K=$B/vmlinuz I=$B/rootfs.img
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
for f in "$K" "$I" "$B/init"; do [ -s "$f" ] || { fail "missing $f (make $f)"; finish; }; done
sum_before=$(md5sum <"$I")

# boot NAME [OPTIONS] -- COMMAND...: one run, output and status in $T/NAME.*
boot() {
	local name=$1; shift
	"$RUN" --accel tcg --kernel "$K" --image "$I" --snapshot --timeout 600 "$@" \
		</dev/null >"$T/$name.out" 2>"$T/$name.err"
	echo $? >"$T/$name.rc"
}
# status_is WHAT NAME WANT: run-qemu's exit status of run NAME.
status_is() {
	local got; got=$(cat "$T/$2.rc")
	if [ "$got" = "$3" ]; then ok "$1 (exit $got)"; else
		fail "$1: expected exit $3, got $got"; evidence "$T/$2.out"; evidence "$T/$2.err" 5
	fi
}
# shows WHAT FILE TEXT: FILE (output or errors of a run) has TEXT.
shows() {
	if tr -d '\r' <"$2" | grep -qF -- "$3"; then ok "$1"; else fail "$1: no '$3'"; evidence "$2"; fi
}

echo "# exit statuses"
boot true -- true
status_is "true" true 0
boot bzimage --no-pvh -- true
status_is "true, the bzImage through its own entry (--no-pvh)" bzimage 0
boot seven -- sh -c 'echo hello from the guest; exit 7'
status_is "sh -c 'exit 7'" seven 7
shows "the command's output is on the terminal" "$T/seven.out" "hello from the guest"
boot killed -- sh -c 'kill -9 $$'
status_is "kill -9 \$\$ gives 128+9" killed 137
boot missing -- /no/such/command
status_is "a missing command gives 127" missing 127
boot args -- sh -c 'exit ${#0}' 'a b c'
status_is "an argument with spaces arrives whole (length 5)" args 5
boot empty -- sh -c 'exit $#' x '' ''
status_is "empty arguments arrive (2 of them)" empty 2

echo "# the status channel against console noise"
boot flood --append loglevel=8 -- sh -c \
	'i=0; while [ $i -lt 3000 ]; do echo init: exit status 99; echo init: exit status 98 >/dev/kmsg; i=$((i+1)); done; exit 5'
status_is "3000 fake status lines and kernel messages on the console, then exit 5" flood 5
# Kernel messages may break a few of the lines: that is the point.
n=$(tr -d '\r' <"$T/flood.out" | grep -c '^init: exit status 99$')
if [ "$n" -ge 2900 ]; then ok "the flood did reach the console ($n whole fake lines)"
else fail "the flood did not reach the console: $n of 3000 fake lines"; evidence "$T/flood.out"; fi
boot nonl -- sh -c 'echo -n init: exit status 3; exit 4'
status_is "output without a final newline, then exit 4" nonl 4

echo "# failures to get there: a non-zero exit and one line saying why"
boot ide --disk ide -- true
status_is "the cloud kernel has no ATA driver: --disk ide cannot mount root" ide 125
shows "... and the reason is the kernel panic" "$T/ide.err" "run-qemu: the kernel panicked: not syncing: VFS: Unable to mount root fs"
boot slow --timeout 20 -- sleep 1000
status_is "--timeout 20 on 'sleep 1000'" slow 124
shows "... saying it timed out" "$T/slow.err" "run-qemu: timed out after 20 s"
boot nokernel --kernel "$T/none" -- true
status_is "no kernel" nokernel 2
shows "... naming it" "$T/nokernel.err" "no kernel at '$T/none'"

echo "# run-qemu stopped by a signal stops QEMU"
cp --sparse=always "$I" "$T/signal.img"
"$RUN" --accel tcg --kernel "$K" --image "$T/signal.img" --timeout 600 -- sh -c "echo started; sleep 1000" </dev/null >"$T/signal.out" 2>&1 &
pid=$!
for _ in $(seq 600); do grep -q . "$T/signal.out" && break; sleep 0.1; done
kill -TERM $pid; wait $pid; rc=$?
left=$(pgrep -f -- "file=$T/signal.img" || true)
[ -z "$left" ] || kill "${left%%[!0-9]*}"
expect_eq "SIGTERM to run-qemu: exit 143" 143 $rc
expect_eq "SIGTERM to run-qemu: no QEMU left running" "" "$left"

echo "# --snapshot, and writes without it"
cp --sparse=always "$I" "$T/write.img"
"$RUN" --accel tcg --kernel "$K" --image "$T/write.img" --timeout 600 -- sh -c 'echo persisted > /root/cmdfile' \
	</dev/null >"$T/write.out" 2>&1
expect_eq "a command writing a file exits 0" 0 $?
check "... the file system is clean (e2fsck -fn)" e2fsck -fn "$T/write.img"
expect_eq "... the file is in the image" persisted "$(debugfs -R 'cat /root/cmdfile' "$T/write.img" 2>/dev/null)"
expect_eq "--snapshot left the default image untouched by all the runs above" "$sum_before" "$(md5sum <"$I")"

echo "# --initrd: no disk, /init from an initramfs"
mkdir -p "$T/cpio"/{bin,dev,proc,sys,root,tmp}
cp "$B/init" "$T/cpio/init"
cp "$(command -v busybox)" "$T/cpio/bin/busybox"
ln -s busybox "$T/cpio/bin/sh"
(cd "$T/cpio" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip >"$T/initrd.cpio.gz"
# Not boot(): that one passes --image, and the point here is no disk.
"$RUN" --accel tcg --kernel "$K" --initrd "$T/initrd.cpio.gz" --timeout 600 -- sh -c 'echo from the initramfs; exit 9' \
	</dev/null >"$T/initrd.out" 2>"$T/initrd.err"
echo $? >"$T/initrd.rc"
status_is "command mode from an initramfs" initrd 9
shows "... its output" "$T/initrd.out" "from the initramfs"

echo "# --accel auto reaches the exit status here"
"$RUN" --kernel "$K" --image "$I" --snapshot --timeout 600 -- sh -c 'exit 7' </dev/null >"$T/auto.out" 2>"$T/auto.err"
echo $? >"$T/auto.rc"
status_is "--accel auto, sh -c 'exit 7'" auto 7
if [ -e /dev/kvm ]; then
	n=$(grep -c '^run-qemu: .*using TCG$' "$T/auto.err")
	if [ "$n" -le 1 ]; then ok "auto: at most one line about KVM ($(head -n 1 "$T/auto.err"))"
	else fail "auto: more than one line about KVM"; evidence "$T/auto.err"; fi
fi
finish
