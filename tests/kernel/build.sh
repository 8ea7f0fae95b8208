#!/bin/bash
# The minimal kernel from source (qemu/kernel/build-kernel, `make kernel-src`):
# the image is a 64-bit bzImage, every option of qemu/kernel/minimal.config took
# effect, its vmlinux is kept with symbols, a second build comes from the
# cache, bad input is refused clearly; the modular kernel's configuration
# and installed modules. Needs make kernel-src and make kernel-src-mod.
. "$(dirname "$0")/../lib/report.sh"
cd "$TOP" || exit 1
img=$B/bzImage-min
fragment=qemu/kernel/minimal.config
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

if [ ! -s "$img" ]; then
	fail "$img exists (run make kernel-src)"; finish
fi
ok "$img exists: $(stat -c %s "$img") bytes"

# The x86 boot protocol header: "HdrS" at 0x202; xloadflags (0x236) bit 0
# says the kernel has a 64-bit entry point, which a 32-bit tinyconfig lacks.
magic=$(dd if="$img" bs=1 skip=$((0x202)) count=4 2>/dev/null)
expect_eq "bzImage has the x86 boot header" "HdrS" "$magic"
xlf=$(od -An -tu2 -j $((0x236)) -N 2 "$img" | tr -d ' ')
expect_eq "bzImage is a 64-bit kernel (xloadflags bit 0)" 1 $((xlf & 1))

# fragment_in_config FRAGMENT CONFIG: each line of a fragment against the
# kernel's final .config.
fragment_in_config() {
	local fragment=$1 config=$2 line opt missing=
	if [ ! -s "$config" ]; then
		fail "$config exists beside the image"; return
	fi
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) grep -qx -- "$line" "$config" || missing="$missing ${line%%=*}" ;;
		"# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *}
			grep -q "^$opt=" "$config" && missing="$missing $opt(should be off)" ;;
		esac
	done <"$fragment"
	expect_eq "every option of $fragment is in $config" "" "${missing# }"
}
fragment_in_config "$fragment" "$img.config"

# The uncompressed kernel kept for gdb: an x86-64 ELF with its symbols.
vmlinux=$B/vmlinux-min
if file "$vmlinux" 2>/dev/null | grep -q 'ELF 64-bit LSB executable, x86-64' &&
	nm "$vmlinux" | grep -q ' T start_kernel$'; then
	ok "$vmlinux is an x86-64 ELF with symbols: $(nm "$vmlinux" | grep ' T start_kernel$')"
else
	fail "$vmlinux is an x86-64 ELF with start_kernel in its symbols"
	file "$vmlinux"
fi

# The modular kernel: the root's drivers as modules, installed and indexed.
mod=$B/bzImage-mod
release=$(kernel_release "$mod")
fragment_in_config qemu/kernel/modules.config "$mod.config"
tree=$B/modules-mod/lib/modules/$release
if [ -n "$release" ] && [ -f "$tree/modules.dep" ]; then
	ok "$B/modules-mod holds the modules of $mod's version $release"
else
	fail "$B/modules-mod/lib/modules/VERSION for $mod (version '$release')"
	# shellcheck disable=SC2012 # ls: for the reader only
	ls -R "$B/modules-mod" 2>&1 | head -n 20
fi
deps=$(PATH=$PATH:/usr/sbin:/sbin modprobe -d "$B/modules-mod" -S "$release" \
	--show-depends -a ext4 nvme virtio_blk 2>&1 | sed -n 's|^insmod .*/||p' | tr '\n' ' ')
case " $deps" in
*" ext4.ko "*" nvme.ko "*" virtio_blk.ko "*) ok "modprobe resolves ext4, nvme, virtio_blk there: $deps" ;;
*) fail "modprobe resolves ext4, nvme, virtio_blk in $B/modules-mod"; echo "    | $deps" ;;
esac
dangling=$(find "$B/modules-mod" -xtype l)
expect_eq "no dangling links into the kernel build directories" "" "$dangling"
qemu/kernel/build-kernel -o "$mod" -f qemu/kernel/modules.config -m "$B/modules-mod" >"$tmp/again" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q "cached:" "$tmp/again" && grep -q "is up to date" "$tmp/again"; then
	ok "a second modular build comes from the cache, the modules left as they are"
else
	fail "a second modular build comes from the cache (exit $rc)"; evidence "$tmp/again"
fi

# A second build does no work: from Debian's source it comes from the cache
# and leaves the image as it is; from a tree of one's own (KSRC) the
# out-of-tree build is up to date and compiles nothing.
before=$(stat -c %Y.%s "$img")
vmlinux_before=$(stat -c %Y.%s "$vmlinux")
qemu/kernel/build-kernel -o "$img" -k "$vmlinux" >"$tmp/again" 2>&1
rc=$?
if [ -z "${KSRC:-}" ]; then
	what="a second build comes from the cache"
	done_line=$(grep "cached:" "$tmp/again")
else
	what="a second build of KSRC compiles nothing"
	done_line=$(grep -x "build-kernel: 0 files compiled" "$tmp/again")
fi
if [ "$rc" -eq 0 ] && [ -n "$done_line" ]; then
	ok "$what: $done_line"
else
	fail "$what (exit $rc)"; evidence "$tmp/again"
fi
expect_eq "the second build leaves $img and $vmlinux unchanged" "$before $vmlinux_before" \
	"$(stat -c %Y.%s "$img") $(stat -c %Y.%s "$vmlinux")"

# refused WHAT WANT_STATUS MESSAGE_REGEX CMD...: a one-line error naming the
# problem, the given exit status, and no image written.
refused() {
	local what=$1 want=$2 re=$3; shift 3
	"$@" >"$tmp/out" 2>&1
	local rc=$?
	if [ "$rc" = "$want" ] && grep -Eq "$re" "$tmp/out" && [ ! -e "$tmp/never" ]; then
		ok "$what: exit $rc, $(head -n 1 "$tmp/out")"
	else
		fail "$what (exit $rc, wanted $want and /$re/)"; evidence "$tmp/out"
	fi
}
mkdir -p "$tmp/notlinux" "$tmp/configured/arch/x86"
touch "$tmp/configured/Makefile" "$tmp/configured/arch/x86/Kconfig" "$tmp/configured/.config"
refused "unknown option refused" 2 "unknown argument: --bogus" \
	qemu/kernel/build-kernel --bogus -o "$tmp/never"
refused "-o without a value refused" 2 "usage:" qemu/kernel/build-kernel -o
refused "KSRC that does not exist refused" 1 "KSRC.*no such directory" \
	env KSRC="$tmp/nonexistent" qemu/kernel/build-kernel -o "$tmp/never"
refused "KSRC that is not a kernel tree refused" 1 "not a Linux source tree" \
	env KSRC="$tmp/notlinux" qemu/kernel/build-kernel -o "$tmp/never"
refused "KSRC with its own .config refused (out-of-tree builds need a clean tree)" 1 \
	"KSRC=.*has its own .config.*mrproper" \
	env KSRC="$tmp/configured" qemu/kernel/build-kernel -o "$tmp/never"
# A build tool missing from PATH (bison here) is named before any work.
mkdir "$tmp/bin"
for c in bash sh dirname dpkg-query id make gcc bc flex perl xz tar flock; do
	ln -s "$(command -v "$c")" "$tmp/bin/$c"
done
refused "a missing build tool is named" 1 "needs 'bison'" \
	env PATH="$tmp/bin" qemu/kernel/build-kernel -o "$tmp/never"
refused "-m for a kernel without modules refused, nothing written" 1 \
	"error: -m $tmp/mods: this kernel has no modules" qemu/kernel/build-kernel -o "$tmp/never" -m "$tmp/mods"
refused "JOBS that is not a number refused" 1 "JOBS must be a number" \
	env JOBS=lots qemu/kernel/build-kernel -o "$tmp/never"

finish
