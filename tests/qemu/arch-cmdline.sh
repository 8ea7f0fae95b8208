#!/bin/bash
# run-qemu --arch: the QEMU and kernel command lines of each architecture,
# checked with --print (no boot), and its refusals.
. "$(dirname "$0")/../lib/report.sh"
RUN=$TOP/qemu/run-qemu
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
touch "$T/kernel" "$T/disk.img"
K=$T/kernel I=$T/disk.img

# qprint ARGS...: the --print command line, split into the array Q.
qprint() {
	local out
	out=$("$RUN" --print --kernel "$K" --image "$I" "$@" 2>"$T/err" </dev/null) || return 1
	eval "Q=($out)"
}
# after WORD: the word following WORD in Q.
after() {
	local i
	for ((i = 0; i < ${#Q[@]} - 1; i++)); do [ "${Q[i]}" = "$1" ] && { echo "${Q[i + 1]}"; return; }; done
}
has() { local w; for w in "${Q[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }

# arch NAME PROGRAM MACHINE CPU
for row in "aarch64 qemu-system-aarch64 virt cortex-a57" "armhf qemu-system-arm virt,highmem=off max" \
	"arm64 qemu-system-aarch64 virt cortex-a57" "x86_64 qemu-system-x86_64 - -"; do
	set -- $row
	echo "# --arch $1"
	# auto is TCG for a guest of another architecture: no KVM probe
	if ! qprint --arch "$1" $([ "$1" != x86_64 ] || echo --accel tcg); then
		fail "--arch $1 --print"; evidence "$T/err"; continue
	fi
	expect_eq "--arch $1: the program" "$2" "${Q[0]}"
	expect_eq "--arch $1: machine and CPU" "$3 $4" "$(after -machine || true)$(has -machine || echo -) $(after -cpu)$(has -cpu || echo -)"
	if [ "$2" = qemu-system-x86_64 ]; then
		expect_eq "--arch $1: the console and the channel on the first two serial ports" \
			"console=ttyS0 quiet minroot.channel=ttyS1" "$(after -append | cut -d' ' -f1-3)"
		expect_eq "--arch $1: qboot" /usr/share/qemu/qboot.rom "$(after -bios)"
		continue
	fi
	expect_eq "--arch $1: console ttyAMA0, the channel ttyS0" \
		"console=ttyAMA0 quiet minroot.channel=ttyS0" "$(after -append | cut -d' ' -f1-3)"
	expect_eq "--arch $1: the channel is a PCI 16550" "pci-serial,chardev=chan" \
		"$(printf '%s\n' "${Q[@]}" | grep '^pci-serial')"
	expect_eq "--arch $1: no firmware option, no KVM" "tcg" "$(after -accel)$(after -bios)"
	qprint --arch "$1" -- true
	expect_eq "--arch $1, a command: the kernel console on a second PCI 16550, ttyS1; ttyAMA0 the command's" \
		"console=ttyS1 minroot.tty=ttyAMA0 quiet minroot.channel=ttyS0" "$(after -append | cut -d' ' -f1-4)"
	expect_eq "--arch $1, a command: the channel's port, then the console's" \
		"pci-serial,chardev=chan pci-serial,chardev=klog" "$(printf '%s\n' "${Q[@]}" | grep '^pci-serial' | xargs)"
	qprint --arch "$1"
	expect_eq "--arch $1: NVMe root" "nvme,drive=d0,serial=r0 root=/dev/nvme0n1" \
		"$(after -device) $(after -append | grep -o 'root=[^ ]*')"
done

echo "# defaults: build/ARCH"
(cd "$T" && mkdir -p build/aarch64 && touch build/aarch64/vmlinuz build/aarch64/rootfs.img &&
	MINROOT_KERNEL=/elsewhere "$RUN" --arch aarch64 --print </dev/null) >"$T/out" 2>&1
expect_eq "--arch aarch64: kernel and image from build/aarch64, not MINROOT_KERNEL" "1 1" \
	"$(grep -c -- '-kernel build/aarch64/vmlinuz ' "$T/out") $(grep -c 'file=build/aarch64/rootfs.img,' "$T/out")"
(cd "$T" && "$RUN" --arch armhf --print </dev/null) >"$T/out" 2>&1
expect_eq "no armhf kernel yet: how to get one" \
	"run-qemu: error: no kernel at 'build/armhf/vmlinuz' (run 'make kernel ARCH=armhf', or give --kernel PATH)" \
	"$(cat "$T/out")"

echo "# refusals"
refused() {
	local what=$1 want=$2; shift 2
	"$RUN" --print --kernel "$K" --image "$I" "$@" >"$T/out" 2>"$T/err" </dev/null
	expect_eq "$what" "2 run-qemu: error: $want" "$? $(cat "$T/err" "$T/out")"
}
refused "an unknown architecture" "--arch must be x86_64, aarch64 or armhf, not 'riscv64'" --arch riscv64
refused "no IDE on virt" "--disk ide is not available on aarch64 (only nvme or virtio)" --arch aarch64 --disk ide
refused "no firmware choice on virt" "--bios applies to x86_64 only; armhf boots its kernel directly" \
	--arch armhf --bios qboot
"$RUN" --arch aarch64 --kernel "$K" --image "$I" --program "$(type -P true)" >"$T/out" 2>&1 </dev/null
rc=$?
expect_eq "--program: a host program for an aarch64 guest is refused before QEMU starts" \
	"2 run-qemu: error: --program $(type -P true): --add-program $(type -P true):/usr/bin/true: is a program for x86-64, but this image is for aarch64" \
	"$rc $(cat "$T/out")"
finish
