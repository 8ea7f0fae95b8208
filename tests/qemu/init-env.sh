#!/bin/bash
# shellcheck disable=SC2016 # single quotes: these words are for the guest's shell
# What a kernel tester finds in the guest, on real kernels: lo up, the
# kernel's own filesystems, TERM and the window size from the options,
# minroot.timeout ending cleanly, the kernel's taint in the status line.
# Checks run in the guest and answer with the command's exit status; no
# double quotes (the kernel command line cannot carry them).
. "$(dirname "$0")/../lib/report.sh"
RUN=$TOP/qemu/run-qemu
K=$B/vmlinuz MIN=$B/bzImage-min I=$B/rootfs.img
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
for f in "$K" "$MIN" "$I"; do [ -s "$f" ] || { fail "missing $f (make $f)"; finish; }; done

# console OUT: run-qemu's output on stdin, into OUT without carriage returns
# and without what the firmware printed before the guest's first line: it
# ends with escape sequences (and, depending on timing, dots), not a newline.
console() { tr -d '\r' | sed 's/^.*\x1b\[[0-9;?]*[A-Za-z]\.*//' >"$1"; }

# boot [run-qemu options] -- COMMAND...: output in $T/out, run-qemu's
# status in $got.
boot() {
	"$RUN" --accel tcg --kernel "$K" --image "$I" --snapshot --timeout 600 "$@" \
		</dev/null 2>&1 | console "$T/out"
	got=${PIPESTATUS[0]}
}

# guest WHAT WANT [run-qemu options] -- COMMAND...: pass if the guest command
# exits WANT.
guest() {
	local what=$1 want=$2; shift 2
	boot "$@"
	if [ "$got" = "$want" ]; then ok "$what"; else
		fail "$what: guest exit $got, want $want"; evidence "$T/out"; fi
}

# has_line WHAT LINE: the last boot's output has exactly this line.
has_line() {
	if grep -qxF -- "$2" "$T/out"; then ok "$1"; else fail "$1"; evidence "$T/out"; fi
}

echo "# the network (cloud kernel)"
guest "lo is up, 127.0.0.1 and ::1 answer" 50 -- \
	sh -c 'ip link show lo | grep -q LOOPBACK,UP && ping -c1 -W10 127.0.0.1 && ping6 -c1 -W10 ::1 && exit 50'
guest "without minroot.net, /etc/resolv.conf is left alone" 51 -- \
	sh -c 'test -e /etc/resolv.conf || exit 51'
boot --append minroot.net=eth0 -- sh -c 'exit 52'
has_line "minroot.net=eth0 without a NIC driver: one line" \
	"init: minroot.net=eth0: no such network interface (is the driver of QEMU's NIC, e.g. virtio-net or e1000, built in or loaded?)"
expect_eq "minroot.net=eth0 without a NIC driver: the command still runs" 52 "$got"

echo "# the kernel's own filesystems"
# TYPE:PATH; the cloud kernel has all of them but configfs (a module there).
ALL='debugfs:/sys/kernel/debug tracefs:/sys/kernel/tracing cgroup2:/sys/fs/cgroup bpf:/sys/fs/bpf securityfs:/sys/kernel/security pstore:/sys/fs/pstore configfs:/sys/kernel/config'
MOUNTED='for m in $0; do t=${m%%:*}; p=${m#*:}; grep -q ^$t.$p.$t. /proc/mounts && echo mounted-$t; done'
guest "cloud kernel: debugfs, tracefs, cgroup2, bpf, securityfs, pstore are listed" 53 -- \
	sh -c 'for t in debugfs tracefs cgroup2 bpf securityfs pstore; do grep -q .$t\$ /proc/filesystems || exit 1; done; exit 53'
boot -- sh -c "$MOUNTED" "$ALL"
for t in debugfs tracefs cgroup2 bpf securityfs pstore; do
	has_line "cloud kernel: $t is mounted at its place" "mounted-$t"
done
# bpffs asks modprobe for bpf_preload; with no modules tree init gives
# the kernel no modprobe for that mount, and puts it back after.
guest "after bpffs, the kernel's modprobe is /sbin/modprobe again" 57 -- \
	sh -c 'grep -q " /sys/fs/bpf bpf " /proc/mounts && test "$(cat /proc/sys/kernel/modprobe)" = /sbin/modprobe && exit 57'
guest "each one the kernel lists is mounted, none twice" 54 -- \
	sh -c 'for m in $0; do t=${m%%:*}; p=${m#*:}; n=$(grep -c ^$t.$p.$t. /proc/mounts); if grep -q .$t\$ /proc/filesystems; then test $n = 1 || exit 1; else test $n = 0 || exit 2; fi; done; exit 54' "$ALL"
boot --append minroot.mounts=none -- sh -c "$MOUNTED; exit 55" "$ALL"
if [ "$got" = 55 ] && ! grep -q '^mounted-' "$T/out"; then ok "minroot.mounts=none: none mounted"
else fail "minroot.mounts=none: none mounted"; evidence "$T/out"; fi
boot --append minroot.mounts=tracefs,bpf -- sh -c "$MOUNTED; exit 56" "$ALL"
expect_eq "minroot.mounts=tracefs,bpf: exactly those" "mounted-tracefs mounted-bpf" \
	"$(grep '^mounted-' "$T/out" | paste -sd' ')"

echo "# the minimal kernel: no network, hardly any of those filesystems"
boot --kernel "$MIN" -- sh -c 'exit 57'
expect_eq "bzImage-min: the command's status" 57 "$got"
expect_eq "bzImage-min: init says nothing but the status line" "init: exit status 57" \
	"$(grep '^init:' "$T/out" | paste -sd'|')"

echo "# the terminal (the command's stdin may be run-qemu's: ask the controlling terminal)"
guest "minroot.size=50x200: stty size says 50 200" 58 --append minroot.size=50x200 -- \
	sh -c 'set -- $(stty size </dev/tty); test $1 = 50 && test $2 = 200 && exit 58'
guest "minroot.term=xterm-256color: TERM" 59 --append minroot.term=xterm-256color -- \
	sh -c 'test $TERM = xterm-256color && exit 59'

echo "# minroot.timeout: stopped, synced, powered off"
cp --sparse=always "$I" "$T/img"
"$RUN" --accel tcg --kernel "$K" --image "$T/img" --timeout 600 --append minroot.timeout=5 -- \
	sh -c 'echo persisted >/root/after-timeout; echo written; sleep 600' </dev/null 2>&1 | console "$T/out"
got=${PIPESTATUS[0]}
has_line "minroot.timeout=5: the line saying so" "init: timed out after 5 s"
has_line "minroot.timeout=5: status 124 from init" "init: exit status 124"
expect_eq "minroot.timeout=5: run-qemu's status" 124 "$got"
expect_eq "minroot.timeout=5: the file written without sync is on the image" persisted \
	"$(debugfs -R 'cat /root/after-timeout' "$T/img" 2>/dev/null)"
check "minroot.timeout=5: e2fsck finds the image clean" e2fsck -fn "$T/img"

echo "# the kernel's taint in the status line"
boot -- sh -c 'echo 512 >/proc/sys/kernel/tainted; exit 3'
has_line "a taint during the command: taint=W new=W" "init: exit status 3 taint=W new=W"
guest "untainted: the status line as it always was" 60 -- sh -c 'exit 60'
has_line "untainted: exactly init: exit status 60" "init: exit status 60"
finish
