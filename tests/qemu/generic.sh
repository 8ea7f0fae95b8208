#!/bin/bash
# Debian's standard kernel (make kernel-generic, qemu/kernel/fetch-kernel -m):
# build/vmlinuz-generic and its modules at build/modules-generic/lib/modules/
# VERSION, the same version, indexed (modprobe resolves the root's drivers
# and their softdeps), and a second fetch that downloads and copies nothing.
# qemu/kernel/install-modules refuses a tree without indexes and replaces a tree
# as a whole. Needs make kernel-generic.
. "$(dirname "$0")/../lib/report.sh"
cd "$TOP" || exit 1
kernel=$B/vmlinuz-generic
mods=$B/modules-generic
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
modprobe() { PATH=$PATH:/usr/sbin:/sbin command modprobe "$@"; }

release=$(kernel_release "$kernel")
if [ -z "$release" ]; then
	fail "$kernel is a bzImage with a version (make kernel-generic)"; finish
fi
ok "$kernel is a bzImage, version $release"
tree=$mods/lib/modules/$release
expect_eq "the modules are those of the same version" "$release" "$(ls "$mods/lib/modules" 2>&1)"
# Debian's ext4 has "softdep pre: crc32c": modprobe loads crc32c first.
deps=$(modprobe -d "$mods" -S "$release" --show-depends -a ext4 nvme 2>&1)
case $deps in
*crc32c*"/ext4.ko "*"/nvme.ko "*) ok "modprobe resolves ext4 (after its softdep crc32c) and nvme from the indexes" ;;
*) fail "modprobe resolves ext4 and nvme in $mods"; echo "$deps" | sed 's/^/    | /' | tail -n 20 ;;
esac
expect_eq "every index depmod writes is there" "" \
	"$(for f in modules.dep modules.dep.bin modules.alias.bin modules.softdep modules.builtin.bin; do
		[ -s "$tree/$f" ] || echo "$f missing"; done)"

inode=$(stat -c %i "$tree/modules.dep")
qemu/kernel/fetch-kernel -p linux-image-amd64 -m "$mods" "$tmp/vmlinuz" >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 0 ] && ! grep -q downloading "$tmp/out" && grep -q "up to date" "$tmp/out" &&
	cmp -s "$tmp/vmlinuz" "$kernel" && [ "$(stat -c %i "$tree/modules.dep")" = "$inode" ]; then
	ok "a second fetch downloads nothing and leaves the modules as they are"
else
	fail "a second fetch downloads nothing and leaves the modules (exit $rc)"; evidence "$tmp/out"
fi

# install-modules on small trees of its own.
mkdir -p "$tmp/a/lib/modules/9.9/kernel" "$tmp/none/lib/modules/9.9"
echo "kernel/x.ko:" >"$tmp/a/lib/modules/9.9/modules.dep"
qemu/kernel/install-modules "$tmp/none" "$tmp/to" >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "no single lib/modules/VERSION with a modules.dep" "$tmp/out" &&
	[ ! -e "$tmp/to" ]; then
	ok "install-modules refuses a tree without modules.dep: $(cat "$tmp/out")"
else
	fail "install-modules refuses a tree without modules.dep (exit $rc)"; evidence "$tmp/out"
fi
mkdir -p "$tmp/to/lib/modules/old"
qemu/kernel/install-modules "$tmp/a" "$tmp/to" >"$tmp/out" 2>&1
expect_eq "install-modules replaces the old tree as a whole" "9.9 kernel/x.ko:" \
	"$(ls "$tmp/to/lib/modules") $(cat "$tmp/to/lib/modules/9.9/modules.dep" 2>&1)"
# shellcheck disable=SC2012 # ls: the names compared, all plain
expect_eq "... and leaves nothing beside it" "a none out to vmlinuz" "$(ls "$tmp" | tr '\n' ' ' | sed 's/ $//')"
finish
