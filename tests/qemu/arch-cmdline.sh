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
	# shellcheck disable=SC2086 # the row's four words
	set -- $row
	echo "# --arch $1"
	# auto is TCG for a guest of another architecture: no KVM probe
	# shellcheck disable=SC2046 # --accel tcg: two words, or none
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

echo "# --arch riscv64 (and riscv)"
for name in riscv64 riscv; do
	if ! qprint --arch "$name"; then fail "--arch $name --print"; evidence "$T/err"; continue; fi
	expect_eq "--arch $name: the program, virt, QEMU's default CPU and firmware (OpenSBI)" \
		"qemu-system-riscv64 virt tcg" "${Q[0]} $(after -machine)$(has -cpu && echo ' -cpu') $(after -accel)$(after -bios)"
	expect_eq "--arch $name: the console the machine's 16550 (ttyS0), the channel a PCI one after it (ttyS1)" \
		"console=ttyS0 quiet minroot.channel=ttyS1 chardev:con pci-serial,chardev=chan" \
		"$(after -append | cut -d' ' -f1-3) $(after -serial) $(printf '%s\n' "${Q[@]}" | grep '^pci-serial' | xargs)"
done
qprint --arch riscv64 -- true
expect_eq "--arch riscv64, a command: OpenSBI's banner on ttyS0, the kernel console; the command's terminal a PCI 16550 after the channel" \
	"console=ttyS0 minroot.tty=ttyS2 quiet minroot.channel=ttyS1 chardev:klog pci-serial,chardev=chan pci-serial,chardev=con" \
	"$(after -append | cut -d' ' -f1-4) $(after -serial) $(printf '%s\n' "${Q[@]}" | grep '^pci-serial' | xargs)"

echo "# defaults: build/ARCH"
(cd "$T" && mkdir -p build/aarch64 && touch build/aarch64/vmlinuz build/aarch64/rootfs.img &&
	MINROOT_KERNEL=/elsewhere "$RUN" --arch aarch64 --print </dev/null) >"$T/out" 2>&1
expect_eq "--arch aarch64: kernel and image from build/aarch64, not MINROOT_KERNEL" "1 1" \
	"$(grep -c -- '-kernel build/aarch64/vmlinuz ' "$T/out") $(grep -c 'file=build/aarch64/rootfs.img,' "$T/out")"
C=$T/cache/default/armhf
(cd "$T" && MINROOT_CACHE=$T/cache "$RUN" --arch armhf --print </dev/null) >"$T/out" 2>&1
expect_eq "no armhf kernel in build/ nor in the cache: --print names the command that fetches it (a run fetches it)" \
	"run-qemu: error: no kernel at 'build/armhf/vmlinuz' nor '$C/vmlinuz': run '$TOP/qemu/kernel/fetch-kernel -r 12 -p linux-image-armmp:armhf -m $C/modules $C/vmlinuz' to fetch Debian's, or give --kernel PATH" \
	"$(cat "$T/out")"
(cd "$T" && mkdir -p build/armhf && touch build/armhf/vmlinuz build/armhf/rootfs.img &&
	MINROOT_CACHE=$T/cache "$RUN" --arch armhf --print </dev/null) >"$T/out" 2>&1
expect_eq "armhf's default kernel without its modules: refused before booting, in one line" \
	"run-qemu: error: the armhf kernel build/armhf/vmlinuz has its disk and ext4 drivers as modules, and they are not at 'build/armhf/modules': run '$TOP/qemu/kernel/fetch-kernel -r 12 -p linux-image-armmp:armhf -m build/armhf/modules build/armhf/vmlinuz', or give --modules DIR" \
	"$(cat "$T/out")"
mkdir -p "$T/build/armhf/modules/lib/modules/6.1.0-9-armmp" && touch "$T/build/armhf/modules/lib/modules/6.1.0-9-armmp/modules.order"
(cd "$T" && MINROOT_CACHE=$T/cache "$RUN" --arch armhf --print </dev/null) >"$T/out" 2>&1
rc=$?
expect_eq "... with them beside it, the run goes on (here: --print, the kernel from build/armhf)" "0 1" \
	"$rc $(grep -c -- '-kernel build/armhf/vmlinuz ' "$T/out")"

echo "# refusals"
refused() {
	local what=$1 want=$2; shift 2
	"$RUN" --print --kernel "$K" --image "$I" "$@" >"$T/out" 2>"$T/err" </dev/null
	expect_eq "$what" "2 run-qemu: error: $want" "$? $(cat "$T/err" "$T/out")"
}
refused "an unknown architecture" "--arch must be x86_64, aarch64, armhf or riscv64, not 'mips64el'" --arch mips64el
refused "no IDE on virt" "--disk ide is not available on aarch64 (only nvme or virtio)" --arch aarch64 --disk ide
refused "no firmware choice on virt" "--bios applies to x86_64 only; armhf boots its kernel directly" \
	--arch armhf --bios qboot
"$RUN" --arch aarch64 --kernel "$K" --image "$I" --program "$(type -P true)" >"$T/out" 2>&1 </dev/null
rc=$?
expect_eq "--program: a host program for an aarch64 guest is refused before QEMU starts" \
	"2 run-qemu: error: --program $(type -P true): --add-program $(type -P true):/usr/bin/true: is a program for x86-64, but this image is for aarch64" \
	"$rc $(cat "$T/out")"
finish
