#!/bin/bash
# shellcheck disable=SC2016 # single quotes: these words are for the guest's shell
# The runner's QEMU and kernel command lines, checked with --print: no boot.
# What the kernel must receive for each disk, the quoting of a command into
# kernel words, and the clear refusals of what the kernel cannot express.
. "$(dirname "$0")/../lib/report.sh"
RUN=$TOP/qemu/run-qemu
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
touch "$T/kernel" "$T/disk.img" "$T/initrd.cpio" "$T/a,b.img"
K=$T/kernel I=$T/disk.img

# qprint ARGS...: the --print command line of run-qemu, split into the array Q.
qprint() {
	local out
	out=$("$RUN" --print --accel tcg --kernel "$K" --image "$I" "$@" 2>"$T/err") || return 1
	eval "Q=($out)"
}
# after WORD: the word following WORD in Q.
after() {
	local i
	for ((i = 0; i < ${#Q[@]} - 1; i++)); do [ "${Q[i]}" = "$1" ] && { echo "${Q[i + 1]}"; return; }; done
}
# drives: every -drive and -device value in Q, one per line.
drives() {
	local i
	for ((i = 0; i < ${#Q[@]} - 1; i++)); do
		case ${Q[i]} in -drive|-device) echo "${Q[i]} ${Q[i + 1]}" ;; esac
	done
}
# refused WHAT ARGS...: run-qemu exits 2 with one line naming the problem.
refused() {
	local what=$1 want=$2; shift 2
	"$RUN" --print --accel tcg --kernel "$K" --image "$I" "$@" >"$T/out" 2>"$T/err"
	local rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q -- "$want" "$T/err" && [ ! -s "$T/out" ]; then
		ok "$what: exit 2, '$(cat "$T/err")'"
	else
		fail "$what: expected exit 2 and one line with '$want'; got exit $rc"; evidence "$T/err"; evidence "$T/out"
	fi
}

echo "# disks: what a kernel with the driver built in expects"
qprint
expect_eq "nvme (default): drive and device" "-drive file=$I,if=none,id=d0,format=raw
-device nvme,drive=d0,serial=r0" "$(drives)"
expect_eq "nvme: kernel line" "console=ttyS0 quiet minroot.channel=ttyS1 root=/dev/nvme0n1 rw panic=-1 nohz=off highres=off watchdog_thresh=60 no_timer_check edd=off" "$(after -append)"
qprint --disk ide
expect_eq "ide: exactly the blog's -drive" "-drive format=raw,file=$I" "$(drives)"
expect_eq "ide: root=/dev/sda" "console=ttyS0 quiet minroot.channel=ttyS1 root=/dev/sda rw panic=-1 nohz=off highres=off watchdog_thresh=60 no_timer_check edd=off" "$(after -append)"
qprint --disk=virtio
expect_eq "virtio: drive" "-drive file=$I,format=raw,if=virtio" "$(drives)"
expect_eq "virtio: root=/dev/vda" "console=ttyS0 quiet minroot.channel=ttyS1 root=/dev/vda rw panic=-1 nohz=off highres=off watchdog_thresh=60 no_timer_check edd=off" "$(after -append)"
qprint --disk ide --image "$T/a,b.img"
expect_eq "a comma in the image name is doubled for QEMU" "-drive format=raw,file=$T/a,,b.img" "$(drives)"

echo "# initramfs"
Q=(); out=$("$RUN" --print --accel tcg --kernel "$K" --initrd "$T/initrd.cpio" -- true) && eval "Q=($out)"
expect_eq "--initrd: the file is passed" "$T/initrd.cpio" "$(after -initrd)"
expect_eq "--initrd: no disk attached" "" "$(drives)"
expect_eq "--initrd: no root=, and no command on the kernel line (it goes on the channel)" \
	"console=ttyS2 minroot.tty=ttyS0 quiet minroot.channel=ttyS1 panic=-1 nohz=off highres=off watchdog_thresh=60 no_timer_check edd=off" "$(after -append)"
qprint --initrd "$T/initrd.cpio" --disk virtio
expect_eq "--initrd with --image: the disk too" "-drive file=$I,format=raw,if=virtio" "$(drives)"

echo "# the rest of the QEMU command line"
qprint
for w in -nodefaults -no-reboot; do
	if printf '%s\n' "${Q[@]}" | grep -qx -- "$w"; then ok "has $w"; else fail "has $w"; echo "    ${Q[*]}"; fi
done
expect_eq "default memory 256M" "256M" "$(after -m)"
expect_eq "TCG as asked" "tcg" "$(after -accel)"
expect_eq "the kernel" "$K" "$(after -kernel)"
expect_eq "two serial ports: the console and terminal, the channel" \
	"chardev:con chardev:chan" "$(for ((i = 0; i < ${#Q[@]} - 1; i++)); do [ "${Q[i]}" = -serial ] && echo "${Q[i + 1]}"; done | xargs)"
expect_eq "the display is off: nothing but the serial ports" "none none" "$(after -display) $(after -vga)"
expect_eq "interactive: no snapshot by default" "" "$(printf '%s\n' "${Q[@]}" | grep -- snapshot)"
qprint --mem 1G --smp 2 --snapshot
expect_eq "--mem" "1G" "$(after -m)"
expect_eq "--smp" "2" "$(after -smp)"
expect_eq "--snapshot: the root drive alone (a --share-rw disk keeps the guest's writes)" \
	"-drive file=$I,snapshot=on,if=none,id=d0,format=raw" "$(drives | grep snapshot)"
MINROOT_KERNEL=$T/kernel "$RUN" --print --accel tcg --image "$I" >"$T/out" 2>&1
expect_eq "MINROOT_KERNEL is the default kernel" "1" "$(grep -c -- "-kernel $T/kernel " "$T/out")"

mkdir -p "$T/dyn" "$T/static" && cp /bin/true "$T/dyn/" && cp "$B/init" "$T/static/"
qprint --share "$T/dyn" --share "$T/static" --share-libs -- /mnt/dyn/true
expect_eq "--share-libs: a disk for the loader and libraries after the shares'" \
	"share0.img share1.img libs.img" "$(drives | grep -o '[a-z0-9]*\.img,' | tr -d , | tail -n 3 | xargs)"
qprint --share "$T/static" --share-libs -- /mnt/static/init
expect_eq "--share-libs with no dynamic program in the shares: no such disk" "" "$(drives | grep libs.img)"

echo "# disks found by identity: the root by its ext UUID when other disks are attached"
# Their names follow the probe order: libata probes ATA ports asynchronously,
# NVMe its controllers, and Linux 6.12 scans an NVMe controller's namespaces
# in parallel (a share and the modules disk have been mounted as the root).
R=$B/rootfs.img
export MINROOT_CACHE=$T/cache
uuid=$(dumpe2fs -h "$R" 2>/dev/null | awk '/^Filesystem UUID:/ {print $3}')
qprint --image "$R" --share "$T/static" -- true
expect_eq "--share: root=UUID= of the image's ext file system ($uuid), no device name" \
	"root=UUID=$uuid" "$(after -append | tr ' ' '\n' | grep '^root=' | xargs)"
stage1=$(after -initrd)
# shellcheck disable=SC2001 # a regular expression
expect_eq "... found by the stage 1 that holds the init alone, named where the cache keeps it" \
	"$T/cache/modules/stage1-*.cpio.gz" "$(echo "$stage1" | sed 's/-[0-9a-f]*\./-*./')"
expect_eq "... --print makes nothing" "" "$(ls -A "$T/cache/modules" 2>/dev/null)"
expect_eq "... the root first on the bus, the share after it" "$R share0.img" \
	"$(drives | grep -o 'file=[^,]*' | sed 's/file=//; s|.*/share0|share0|' | xargs)"
qprint --image "$R" --share "$T/static" -- true
expect_eq "... the same stage 1 the second time" "$stage1" "$(after -initrd)"
qprint --image "$R" -- true
expect_eq "the root alone: its device name, no stage 1" "root=/dev/nvme0n1 " \
	"$(after -append | tr ' ' '\n' | grep '^root=' | xargs) $(after -initrd)"
qprint --image "$R" --disk ide --share "$T/static" --append root=/dev/sda -- true
expect_eq "a root= in --append wins: no root= of run-qemu's, no stage 1" "root=/dev/sda " \
	"$(after -append | tr ' ' '\n' | grep '^root=' | xargs) $(after -initrd)"
qprint --image "$R" --initrd "$T/initrd.cpio" --share "$T/static" -- true
expect_eq "--initrd with other disks: root=UUID=, found by the user's initramfs (ours, Debian's, dracut's)" \
	"root=UUID=$uuid $T/initrd.cpio" "$(after -append | tr ' ' '\n' | grep '^root=' | xargs) $(after -initrd)"
qprint --disk virtio --share "$T/static" -- true
expect_eq "an image with no ext UUID keeps its device name, no stage 1" "root=/dev/vda " \
	"$(after -append | tr ' ' '\n' | grep '^root=' | xargs) $(after -initrd)"
expect_eq "... and one line says it may name another disk" \
	"run-qemu: $I: no ext2/3/4 UUID to find the root by: root=/dev/vda may name another of the 2 disks (give root= in --append to choose)" \
	"$(cat "$T/err")"
qprint --disk virtio -- true
expect_eq "... no line when it is alone" "" "$(cat "$T/err")"
unset MINROOT_CACHE

echo "# command mode: the command goes on the channel, the console on a port of its own"
qprint -- sh -c 'exit 7'
expect_eq "command: no command words on the kernel line; the console is ttyS2, the terminal ttyS0" \
	'console=ttyS2 minroot.tty=ttyS0 quiet minroot.channel=ttyS1 root=/dev/nvme0n1 rw panic=-1 nohz=off highres=off watchdog_thresh=60 no_timer_check edd=off' "$(after -append)"
expect_eq "command: three serial ports: the terminal, the channel, the console" \
	"chardev:con chardev:chan chardev:klog" "$(for ((i = 0; i < ${#Q[@]} - 1; i++)); do [ "${Q[i]}" = -serial ] && echo "${Q[i + 1]}"; done | xargs)"
qprint --append 'loglevel=7 foo=bar' -- echo hi
expect_eq "--append comes after run-qemu's words" \
	'console=ttyS2 minroot.tty=ttyS0 quiet minroot.channel=ttyS1 root=/dev/nvme0n1 rw panic=-1 nohz=off highres=off watchdog_thresh=60 no_timer_check edd=off loglevel=7 foo=bar' "$(after -append)"
qprint --timeout 30 --verbose -- true
expect_eq "--timeout is init's too; --verbose shows the whole log" \
	'console=ttyS2 minroot.tty=ttyS0 loglevel=7 minroot.channel=ttyS1 root=/dev/nvme0n1 rw panic=-1 nohz=off highres=off watchdog_thresh=60 no_timer_check edd=off minroot.timeout=30' "$(after -append)"
args=(); for i in $(seq 1000); do args+=("a$i"); done
qprint -- "${args[@]}" 'say "hi"' -- '' "$(head -c 3000 /dev/zero | tr '\0' x)"
expect_eq "1,000 words, double quotes, --, empty words and long words are accepted" 0 $?
refused "--append holding --" "must not hold '--'" --append 'a -- b'
qprint --gdb -- true
expect_eq "--gdb: QEMU's gdbstub on port 1234 of loopback, stopped" "tcp:127.0.0.1:1234" "$(after -gdb)"
expect_eq "--gdb: nokaslr" "nokaslr" "$(after -append | grep -o nokaslr)"
qprint --gdb=4321 -- true
expect_eq "--gdb=PORT" "tcp:127.0.0.1:4321" "$(after -gdb)"
if [ -e /usr/share/qemu/qboot.rom ]; then
	qprint
	expect_eq "qboot is the firmware where it is installed" /usr/share/qemu/qboot.rom "$(after -bios)"
fi
qprint --bios seabios
expect_eq "--bios seabios: QEMU's default firmware" "" "$(after -bios)"

echo "# the PVH entry: the bzImage's vmlinux, carved out once"
pvh_print() {	# pvh_print KERNEL ARGS...: the -kernel QEMU gets
	local k=$1; shift
	MINROOT_CACHE=$T/cache "$RUN" --print --accel tcg --kernel "$k" --image "$I" "$@" >"$T/out" 2>"$T/err" &&
		eval "Q=($(cat "$T/out"))" && after -kernel
}
for k in "$B/vmlinuz:lz4 (Debian's cloud kernel)" "$B/vmlinuz-generic:xz (Debian's standard kernel)"; do
	kernel=${k%%:*} what=${k#*:}
	[ -s "$kernel" ] || { fail "$what: missing $kernel"; continue; }
	got=$(pvh_print "$kernel")
	case $got in
	"$T"/cache/pvh/*.vmlinux) ok "$what: QEMU boots the vmlinux from the cache ($(basename "$got"))" ;;
	*) fail "$what: -kernel $got, not a vmlinux in the cache"; evidence "$T/err" ;;
	esac
	expect_eq "$what: it is the kernel's ELF" "ELF 64-bit LSB executable, x86-64" \
		"$(file -b "$got" 2>&1 | cut -d, -f1-2)"
	expect_eq "$what: the same file the second time" "$got" "$(pvh_print "$kernel")"
	expect_eq "$what: --no-pvh boots the bzImage" "$kernel" "$(pvh_print "$kernel" --no-pvh)"
	expect_eq "$what: so does --bios seabios (a PVH guest cannot resume from S3)" "$kernel" \
		"$(pvh_print "$kernel" --bios seabios)"
done
expect_eq "a kernel that is no bzImage boots as given" "$K" "$(pvh_print "$K")"
expect_eq "... and is remembered as such" 1 "$(find "$T/cache/pvh" -name '*.none' | wc -l)"
if [ -s "$B/bzImage-min" ]; then
	expect_eq "the minimal kernel (no CONFIG_PVH) boots as its bzImage" "$B/bzImage-min" "$(pvh_print "$B/bzImage-min")"
fi

echo "# bad input"
refused "missing kernel" "no kernel at '$T/none'" --kernel "$T/none"
refused "missing image" "no image at '$T/none.img'" --image "$T/none.img"
refused "missing initrd" "no initrd at '$T/none.cpio'" --initrd "$T/none.cpio"
refused "a directory as kernel" "not a regular file" --kernel "$T"
refused "unknown option" "unknown option '--bogus'" --bogus
refused "bad --disk" "nvme, ide or virtio" --disk scsi
refused "bad --accel" "auto, kvm or tcg" --accel xen
refused "bad --mem" "size like 256M" --mem lots
refused "bad --smp" "positive number" --smp 0
refused "bad --timeout" "positive number of seconds" --timeout -1
refused "bad --bios" "qboot or seabios" --bios uefi
refused "bad --gdb port" "port number" --gdb=x
refused "--share of a missing directory" "no such directory" --share "$T/none"
refused "--share of a file" "not a directory" --share "$T/kernel"
refused "--share onto a relative guest directory" "must be absolute" --share "$T:mnt"
refused "--share onto /" "guest's root" --share "$T:/"
mkdir -p "$T/d1" "$T/d2"
refused "two shares on one guest directory" "two shares on /mnt/x" --share "$T/d1:/mnt/x" --share-rw "$T/d2:/mnt/x"
refused "--script of a missing file" "no script at" --script "$T/none.sh"
refused "option without its value" "needs a value" --kernel

echo "# documentation"
"$RUN" --help >"$T/help" 2>&1; rc=$?
expect_eq "--help exits 0" 0 $rc
missing=
for o in --arch --kernel --image --initrd --disk --accel --mem --smp --append --snapshot --timeout --print --help \
	--script --program --share --share-rw --share-libs --net --modules --allow-warn --verbose --log --gdb --bios --no-pvh \
	MINROOT_KERNEL 122 124 125; do
	grep -q -- "$o" "$T/help" || missing+=" $o(--help)"
	sed 's/\\//g' "$TOP/qemu/run-qemu.1" | grep -q -- "$o" || missing+=" $o(run-qemu.1)"
done
expect_eq "--help and run-qemu.1 mention every option and exit status" "" "$missing"
if command -v man >/dev/null; then
	check "run-qemu.1 renders without warnings" \
		sh -c "! MANWIDTH=80 man --warnings -l '$TOP/qemu/run-qemu.1' 2>&1 >/dev/null | grep ."
fi

echo "# acceleration: auto probes KVM and says why it falls back"
"$RUN" --print --kernel "$K" --image "$I" >"$T/out" 2>"$T/err"; rc=$?
eval "Q=($(cat "$T/out"))"
a=$(after -accel)
if [ $rc -eq 0 ] && { [ "$a" = kvm ] || { [ "$a" = tcg ] && { [ ! -e /dev/kvm ] || [ "$(wc -l <"$T/err")" -eq 1 ]; }; }; }; then
	ok "auto chose $a${a:+ }$(cat "$T/err")"
else
	fail "auto: expected kvm, or tcg with one line saying why"; evidence "$T/err"; evidence "$T/out"
fi

# Where KVM works the probe exits at once: play that host by running the
# probe under TCG, which checks the probe's boot sector too.
cat >"$T/fake-qemu" <<'EOF'
#!/bin/sh
for a; do shift; [ "$a" = kvm ] && a=tcg; set -- "$@" "$a"; done
exec qemu-system-x86_64 "$@"
EOF
chmod +x "$T/fake-qemu"
MINROOT_CACHE=$T/fcache QEMU=$T/fake-qemu "$RUN" --print --kernel "$K" --image "$I" >"$T/out" 2>"$T/err"; rc=$?
eval "Q=($(cat "$T/out"))"
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	if [ $rc -eq 0 ] && [ "$(after -accel)" = kvm ] && [ ! -s "$T/err" ] &&
		[ "$(after -append)" = "console=ttyS0 quiet minroot.channel=ttyS1 root=/dev/nvme0n1 rw panic=-1 edd=off" ]; then
		ok "auto: a probe that runs (here under TCG) means KVM, silently, and no TCG tick words"
	else
		fail "auto: the probe did not pass on an accelerator that works"; evidence "$T/err"; evidence "$T/out"
	fi
elif [ -e /dev/kvm ]; then
	expect_eq "auto with a /dev/kvm this user may not open: TCG, saying so" \
		"0 tcg run-qemu: cannot use /dev/kvm (Permission denied); using TCG" "$rc $(after -accel) $(cat "$T/err")"
else
	expect_eq "auto without /dev/kvm: TCG, silently" "0 tcg " "$rc $(after -accel) $(cat "$T/err")"
fi

echo "# the probe's verdict is kept until the host boots again, QEMU or /dev/kvm changes"
# A QEMU whose probe fails at once (status 1), counting its probes.
printf '#!/bin/sh\necho probe >>"%s/probes"\nexit 1\n' "$T" >"$T/failing-qemu"
chmod +x "$T/failing-qemu"
# auto_run ARGS...: run-qemu --print under auto with that QEMU and a cache
# of its own: "STATUS PROBES-SO-FAR STDERR".
auto_run() {
	MINROOT_CACHE=$T/acache QEMU=$T/failing-qemu "$RUN" --print --kernel "$K" --image "$I" "$@" \
		>"$T/out" 2>"$T/err"
	local rc=$? n=0
	[ ! -f "$T/probes" ] || n=$(wc -l <"$T/probes")
	echo "$rc $n $(cat "$T/err")"
}
why="a probe guest failed with status 1"
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	expect_eq "the first run probes" "0 1 run-qemu: KVM is unusable here ($why); using TCG" "$(auto_run)"
	expect_eq "the next one takes the kept verdict, and says so" \
		"0 1 run-qemu: KVM is unusable here (cached since boot: $why); using TCG" "$(auto_run)"
	touch -d '1 minute ago' "$T/failing-qemu"
	expect_eq "a changed QEMU (its mtime) probes again" "0 2 run-qemu: KVM is unusable here ($why); using TCG" \
		"$(auto_run)"
	expect_eq "MINROOT_ACCEL=tcg: no probe, not a word" "0 2 " "$(MINROOT_ACCEL=tcg auto_run)"
	expect_eq "--accel auto wins over MINROOT_ACCEL=tcg" \
		"0 2 run-qemu: KVM is unusable here (cached since boot: $why); using TCG" \
		"$(MINROOT_ACCEL=tcg auto_run --accel auto)"
else
	expect_eq "no usable /dev/kvm: no probe at all" "0 0" "$(auto_run | cut -d' ' -f1-2)"
fi
rm -f "$T/probes"
expect_eq "a bad MINROOT_ACCEL is refused in one line" \
	"2 0 run-qemu: error: MINROOT_ACCEL must be auto, kvm or tcg, not 'xen'" "$(MINROOT_ACCEL=xen auto_run)"
expect_eq "... unless --accel is given (and then not read)" "0 0 " "$(MINROOT_ACCEL=xen auto_run --accel tcg)"

echo "# the default kernel comes from the cache the second time"
# The first run may download, if apt knows a newer kernel than the cache holds.
"$TOP/qemu/kernel/fetch-kernel" "$T/vmlinuz.1" >"$T/out1" 2>&1
"$TOP/qemu/kernel/fetch-kernel" "$T/vmlinuz" >"$T/out" 2>&1; rc=$?
if [ $rc -eq 0 ] && ! grep -q downloading "$T/out" && cmp -s "$T/vmlinuz" "$T/vmlinuz.1" &&
	file "$T/vmlinuz" | grep -q 'Linux kernel x86 boot executable'; then
	ok "fetch-kernel: no download, same kernel ($(tail -n 1 "$T/out"))"
else
	fail "fetch-kernel from the cache (exit $rc)"; evidence "$T/out1"; evidence "$T/out"
fi
finish
