#!/bin/bash
# qemu/kernel/build-kernel's configuration step (-n: configure and check only) on a
# fresh copy of Debian's kernel source: qemu/kernel/minimal.config takes effect as a
# whole, an option whose dependency is missing is named and fails the build,
# and a later fragment (-f) wins over the default one, as in merge_config.sh.
. "$(dirname "$0")/../lib/report.sh"
cd "$TOP" || exit 1
tarball=/usr/src/linux-source-6.1.tar.xz
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export MINROOT_CACHE=$tmp/cache

if [ ! -r "$tarball" ]; then
	fail "$tarball exists (make kernel-src installs linux-source-6.1)"; finish
fi
# Only what the configuration reads: Kconfig files, Makefiles, scripts/,
# the config fragments and headers (100 MB instead of 1.4 GB).
if ! tar -xJf "$tarball" -C "$tmp" --wildcards 'linux-source-6.1/scripts/*' '*Kconfig*' \
	'*Makefile*' '*Kbuild*' '*/configs/*' 'linux-source-6.1/include/*' \
	'linux-source-6.1/arch/x86/include/*' 'linux-source-6.1/arch/x86/tools/*' 2>"$tmp/tar.err"; then
	fail "extract the kernel's configuration files from $tarball"; evidence "$tmp/tar.err"; finish
fi
export KSRC=$tmp/linux-source-6.1

# configure WHAT WANT_STATUS REGEX [-f FRAGMENT]: runs build-kernel -n.
configure() {
	local what=$1 want=$2 re=$3; shift 3
	qemu/kernel/build-kernel -n -o "$tmp/never" "$@" >"$tmp/out" 2>&1
	local rc=$?
	if [ "$rc" = "$want" ] && grep -Eq "$re" "$tmp/out" && [ ! -e "$tmp/never" ]; then
		ok "$what: $(grep -E "$re" "$tmp/out" | head -n 1)"
	else
		fail "$what (exit $rc, wanted $want and /$re/)"; evidence "$tmp/out"
	fi
}

configure "qemu/kernel/minimal.config takes effect on a fresh tree" 0 \
	"every option of the fragments took effect"

printf '%s\n' CONFIG_USB_STORAGE=y >"$tmp/needs-usb.config"
configure "an option whose dependency is missing fails, named" 1 \
	"CONFIG_USB_STORAGE=y requested, the kernel has: no CONFIG_USB_STORAGE" -f "$tmp/needs-usb.config"

printf '%s\n' "# CONFIG_PRINTK_TIME is not set" >"$tmp/no-time.config"
configure "a later fragment wins over qemu/kernel/minimal.config" 0 \
	"every option of the fragments took effect" -f "$tmp/no-time.config"
config=$(sed -n 's/^build-kernel: configuration only: //p' "$tmp/out")
expect_eq "... and the kernel's config has its value" "# CONFIG_PRINTK_TIME is not set" \
	"$(grep PRINTK_TIME "${config:-/dev/null}")"

configure "qemu/kernel/modules.config (the root's drivers as modules) takes effect" 0 \
	"every option of the fragments took effect" -f qemu/kernel/modules.config
config=$(sed -n 's/^build-kernel: configuration only: //p' "$tmp/out")
expect_eq "... and ext4, NVMe and virtio-blk are modules" \
	"CONFIG_BLK_DEV_NVME=m CONFIG_EXT4_FS=m CONFIG_MODULES=y CONFIG_VIRTIO_BLK=m" \
	"$(grep -E '^CONFIG_(MODULES|EXT4_FS|BLK_DEV_NVME|VIRTIO_BLK)=' "${config:-/dev/null}" | sort | tr '\n' ' ' | sed 's/ $//')"

configure "an unreadable fragment is refused" 1 "missing.config: cannot read the fragment" \
	-f "$tmp/missing.config"
finish
