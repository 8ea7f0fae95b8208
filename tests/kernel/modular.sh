#!/bin/bash
# The kernel developer's case: the minimal kernel with ext4, NVMe and
# virtio-blk as modules (make kernel-src-mod) boots our image with
# run-qemu --modules on each disk: stage 1 loads the root's drivers, the
# command's status comes back, and the modules tree is in the guest at
# /lib/modules/$(uname -r).
. "$(dirname "$0")/../lib/report.sh"
cd "$TOP" || exit 1
kernel=$B/bzImage-mod
mods=$B/modules-mod
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

if [ ! -s "$kernel" ] || [ ! -d "$mods" ]; then
	fail "$kernel and $mods exist (make kernel-src-mod)"; finish
fi
# The root's device, the loaded modules, and the tree of the running kernel.
# shellcheck disable=SC2016 # single quotes: for the guest's shell
probe='echo "root=$(awk "\$2 == \"/\" {print \$1}" /proc/mounts)"
echo "loaded=$(cut -d " " -f 1 /proc/modules | sort | tr "\n" " ")"
test -f /lib/modules/$(uname -r)/modules.dep && echo tree=yes
exit 7'
for disk in nvme:/dev/nvme0n1:nvme virtio:/dev/vda:virtio_blk ide:/dev/sda:ext4; do
	IFS=: read -r bus dev driver <<<"$disk"
	timeout 600 qemu/run-qemu --accel tcg --kernel "$kernel" --modules "$mods" --disk "$bus" \
		--image "$B/rootfs.img" --snapshot -- sh -c "$probe" >"$tmp/out" 2>&1
	rc=$?
	out=$(tr -d '\r' <"$tmp/out")
	if [ $rc -eq 7 ] && grep -qx "root=$dev" <<<"$out" &&
		grep -q "^loaded=.* $driver " <<<" $out" && grep -q "^loaded=.*ext4 " <<<"$out" &&
		grep -qx "tree=yes" <<<"$out"; then
		ok "--disk $bus: root $dev, $(grep '^loaded=' <<<"$out"), the modules tree in the guest, status 7"
	else
		fail "--disk $bus: the modular kernel boots with --modules (exit $rc, want 7)"; evidence "$tmp/out"
	fi
done
finish
