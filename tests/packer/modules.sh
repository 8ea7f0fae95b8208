#!/bin/bash
# --modules DIR, -t initrd and --bare, on a real kernel's modules: Debian's
# standard kernel (build/modules-generic, made by make kernel-generic).
# The checks use a small tree cut from it (the disks' drivers, ext4, loop
# and what they need), plain and compressed with xz, zstd and gzip, and
# judge the results with kmod's own modprobe and depmod, debugfs and cpio.
. "$(dirname "$0")/../lib/packer.sh"

export SOURCE_DATE_EPOCH=1700000000 TZ=UTC
VERSIONS=("$B"/modules-generic/lib/modules/*)
if [ ${#VERSIONS[@]} -ne 1 ] || [ ! -f "${VERSIONS[0]}/modules.dep" ]; then
	fail "$B/modules-generic holds one depmod'ed lib/modules/VERSION (make kernel-generic)"
	finish
fi
# The builder reads the tree from the scratch directory, as it would its own.
GENERIC=$W/src/generic
if ! readable_copy "$B/modules-generic" "$GENERIC" >"$W/copy.log" 2>&1; then
	fail "the modules tree is staged where the builder can read it"; evidence "$W/copy.log"; finish
fi
VERSIONS=("$GENERIC"/lib/modules/*)
FULL=${VERSIONS[0]}
V=$(basename "$FULL")
for tool in depmod modprobe; do
	command -v $tool >/dev/null || PATH=$PATH:/usr/sbin:/sbin
done
for tool in xz zstd gzip debugfs cpio; do
	command -v $tool >/dev/null || { fail "$tool is installed"; finish; }
done
# The builder's temporary files go here: nothing may be left in it.
export TMPDIR=$W/tmp
mkdir -p "$TMPDIR"; give "$TMPDIR"

# tree DIR [COMPRESSOR]: a modules tree in DIR/lib/modules/V with the
# closure of the disks' drivers, ext4 and loop, compressed with COMPRESSOR
# (xz, zstd or gzip) if given, as distributions ship them; depmod'ed.
tree() {
	local dst=$1/lib/modules/$V m p rel
	mkdir -p "$dst"
	for m in nvme virtio_pci virtio_blk ata_piix sd_mod ext4 loop; do
		modprobe -d "$GENERIC" -S "$V" --show-depends $m
	done | awk '$1 == "insmod" { print $2 }' | sort -u | while read -r p; do
		rel=${p#"$FULL"/}
		mkdir -p "$dst/$(dirname "$rel")"
		cp "$p" "$dst/$rel"
		case ${2:-} in
		xz) xz --check=crc32 "$dst/$rel" ;;
		zstd) zstd -q --rm "$dst/$rel" ;;
		gzip) gzip -n "$dst/$rel" ;;
		esac
	done
	cp "$FULL/modules.order" "$FULL/modules.builtin" "$FULL/modules.builtin.modinfo" "$dst/"
	depmod -b "$1" "$V"
	chmod -R a+rX "$1"
}

SMALL=$W/src/plain
tree "$SMALL"
NMODS=$(find "$SMALL" -name '*.ko' | wc -l)
expect_eq "the test tree has modules (>= 20)" yes "$([ "$NMODS" -ge 20 ] && echo yes)"

# indexes_complete WHAT DIR: the indexes kmod's tools need are there, and
# modules.dep lists every module of the tree.
INDEXES="modules.dep modules.dep.bin modules.alias modules.alias.bin modules.softdep
	modules.symbols modules.symbols.bin modules.builtin modules.builtin.bin modules.order"
indexes_complete() {
	local missing="" i
	for i in $INDEXES; do [ -s "$2/$i" ] || [ "$i" = modules.softdep ] || missing+=" $i"; done
	expect_eq "$1: every index is there and not empty" "" "$missing"
	expect_eq "$1: modules.dep lists every module" "$(cd "$2" && find . -name '*.ko' | sed 's|^\./||' | sort)" \
		"$(cut -d: -f1 "$2/modules.dep" | sort)"
}

echo "# --modules in an ext3 image"
IMG=$OUT/mods.img
check_pack "--modules lib/modules/VERSION -o IMAGE" mods --modules "$SMALL/lib/modules/$V" -o "$IMG"
check_fsck "$IMG"
mkdir -p "$W/x1"
debugfs -R "rdump /lib $W/x1" "$IMG" >/dev/null 2>&1
indexes_complete "the image's /lib/modules/$V" "$W/x1/lib/modules/$V"
expect_eq "the image's modules.dep is depmod's for the same tree" \
	"$(sort "$SMALL/lib/modules/$V/modules.dep")" "$(sort "$W/x1/lib/modules/$V/modules.dep")"
expect_eq "modprobe (kmod) finds loop's module in the image's tree" \
	"insmod $W/x1/lib/modules/$V/kernel/drivers/block/loop.ko" \
	"$(modprobe -d "$W/x1" -S "$V" --show-depends loop 2>&1 | sed 's/ *$//')"
expect_entry "$IMG" "/lib/modules/$V/modules.dep regular 0644 0 0 - -"
expect_eq "the image is still a bootable root (/sbin/init, /bin/busybox)" "2" \
	"$(describe "$IMG" /sbin/init /bin/busybox | grep -c regular)"
expect_eq "no build or source links from the host's tree" "" \
	"$(debugfs -R "ls /lib/modules/$V" "$IMG" 2>/dev/null | grep -wo -e build -e source)"

check_pack "--modules P where P/lib/modules holds one version" prefix --modules "$SMALL" -o "$OUT/p.img"
expect_eq "... installs the same modules.dep" "$(cat_file "$IMG" "/lib/modules/$V/modules.dep")" \
	"$(cat_file "$OUT/p.img" "/lib/modules/$V/modules.dep")"

echo "# compressed modules are decompressed with the libraries"
for c in xz zstd gzip; do
	tree "$W/src/$c" $c
	ext=$(case $c in xz) echo xz ;; zstd) echo zst ;; gzip) echo gz ;; esac)
	expect_eq "the $c tree holds .ko.$ext modules only" "$NMODS 0" \
		"$(find "$W/src/$c" -name "*.ko.$ext" | wc -l) $(find "$W/src/$c" -name '*.ko' | wc -l)"
	check_pack "--modules of .ko.$ext modules" $c --modules "$W/src/$c" -o "$OUT/$c.img"
	same_file "ext4.ko from .ko.$ext has the plain module's bytes" "$OUT/$c.img" \
		"/lib/modules/$V/kernel/fs/ext4/ext4.ko" "$SMALL/lib/modules/$V/kernel/fs/ext4/ext4.ko"
	expect_eq "... and modules.dep names .ko files, like the plain tree's" \
		"$(sort "$SMALL/lib/modules/$V/modules.dep")" \
		"$(cat_file "$OUT/$c.img" "/lib/modules/$V/modules.dep" | sort)"
done
cp "$SMALL/lib/modules/$V/kernel/fs/mbcache.ko" "$W/src/bad.ko.xz"
mkdir -p "$W/src/broken/lib/modules/$V/kernel"
cp "$W/src/bad.ko.xz" "$W/src/broken/lib/modules/$V/kernel/"
chmod -R a+rX "$W/src/broken"
pack broken --modules "$W/src/broken" -o "$OUT/broken.img"
expect_eq "a .ko.xz that is not xz: exit 1" 1 "$rc"
expect_eq "... one line naming the file" \
	"1 mkrootfs: error: --modules $W/src/broken: $W/src/broken/lib/modules/$V/kernel/bad.ko.xz: not valid xz data" \
	"$(wc -l <"$W/broken.log") $(sed 's/ (liblzma error [0-9]*)$//' "$W/broken.log")"

echo "# cpio and --update"
check_pack "-t cpio --modules" cpio -t cpio --modules "$SMALL" -o "$OUT/m.cpio.gz"
zcat "$OUT/m.cpio.gz" | cpio -it 2>/dev/null >"$W/mnames"
expect_eq "the archive holds modules.dep and loop.ko" "2" \
	"$(grep -c -x -e "lib/modules/$V/modules.dep" -e "lib/modules/$V/kernel/drivers/block/loop.ko" "$W/mnames")"
check_pack "an image without modules" plainimg -o "$OUT/u.img"
check_pack "--update IMAGE --modules DIR" update --update "$OUT/u.img" --modules "$SMALL"
check_fsck "$OUT/u.img"
expect_eq "... installs modules.dep" "$(sort "$SMALL/lib/modules/$V/modules.dep")" \
	"$(cat_file "$OUT/u.img" "/lib/modules/$V/modules.dep" | sort)"

echo "# -t initrd: only what the root needs"
# initrd_has DISK FILE...: the archive for DISK lists each module file.
for disk in nvme virtio ide; do
	check_pack "-t initrd --disk $disk" initrd-$disk -t initrd --disk $disk --modules "$FULL" \
		-o "$OUT/$disk.cpio.gz"
	zcat "$OUT/$disk.cpio.gz" | cpio -itv --numeric-uid-gid 2>/dev/null >"$W/$disk.list"
	awk '{print $NF}' "$W/$disk.list" | grep '\.ko$' | sed -n "s|^lib/modules/$V/kernel/.*/||p" | sort >"$W/$disk.mods"
	modprobe -d "$GENERIC" -S "$V" --show-depends ext4 >"$W/want"
	case $disk in
	nvme) modprobe -d "$GENERIC" -S "$V" --show-depends nvme >>"$W/want" ;;
	virtio) for m in virtio_pci virtio_blk; do modprobe -d "$GENERIC" -S "$V" --show-depends $m; done >>"$W/want" ;;
	ide) for m in ata_piix sd_mod; do modprobe -d "$GENERIC" -S "$V" --show-depends $m; done >>"$W/want" ;;
	esac
	expect_eq "--disk $disk: exactly the modules of modprobe --show-depends (softdeps included)" \
		"$(awk '$1 == "insmod" {n = $2; sub(/.*\//, "", n); print n}' "$W/want" | sort -u)" \
		"$(cat "$W/$disk.mods")"
	expect_eq "--disk $disk: crc32c_generic is there for ext4's softdep" crc32c_generic.ko \
		"$(grep -x crc32c_generic.ko "$W/$disk.mods")"
	expect_eq "--disk $disk: /init is our init, 0755, and /dev/console is there" \
		"-rwxr-xr-x 0 0 init|crw------- 0 0 5, 1 dev/console" \
		"$(awk '$NF == "init" {print $1, $3, $4, $NF} $NF == "dev/console" {print $1, $3, $4, $5, $6, $NF}' "$W/$disk.list" | LC_ALL=C sort | paste -sd'|')"
	expect_eq "--disk $disk: no busybox, no loop module" "" \
		"$(grep -e busybox -e '/loop\.ko' "$W/$disk.list")"
	mkdir -p "$W/ird-$disk" && (cd "$W/ird-$disk" && zcat "$OUT/$disk.cpio.gz" | cpio -id --quiet 2>/dev/null)
	indexes_complete "--disk $disk initramfs" "$W/ird-$disk/lib/modules/$V" 2>/dev/null
	if cmp -s "$W/ird-$disk/init" "$INIT"; then ok "--disk $disk: /init has build/init's bytes"
	else fail "--disk $disk: /init has build/init's bytes"; fi
done
expect_eq "an initramfs for NVMe + ext4 is under 1 MiB" yes \
	"$([ "$(stat -c %s "$OUT/nvme.cpio.gz")" -le 1048576 ] && echo yes)"
check_pack "-t initrd --with-module virtio_pci,virtio_net" nic -t initrd --with-module virtio_pci,virtio_net \
	--modules "$FULL" -o "$OUT/nic.cpio.gz"
zcat "$OUT/nic.cpio.gz" | cpio -it 2>/dev/null | sed -n 's|.*/||; /\.ko$/p' | sort >"$W/nic.mods"
{ modprobe -d "$GENERIC" -S "$V" --show-depends nvme; modprobe -d "$GENERIC" -S "$V" --show-depends ext4
  modprobe -d "$GENERIC" -S "$V" --show-depends virtio_pci; modprobe -d "$GENERIC" -S "$V" --show-depends virtio_net; } >"$W/want"
expect_eq "--with-module: the NIC's modules and their dependencies too" \
	"$(awk '$1 == "insmod" {n = $2; sub(/.*\//, "", n); print n}' "$W/want" | sort -u)" "$(cat "$W/nic.mods")"
check_pack "-t initrd again" again -t initrd --modules "$FULL" -o "$OUT/again.cpio.gz"
check "-t initrd is reproducible (byte for byte)" cmp "$OUT/nvme.cpio.gz" "$OUT/again.cpio.gz"

echo "# -t initrd when the kernel has the drivers built in"
BI=$W/src/builtin/lib/modules/$V
mkdir -p "$BI/kernel/drivers/block"
cp "$FULL/kernel/drivers/block/loop.ko" "$BI/kernel/drivers/block/"
printf 'kernel/drivers/nvme/host/nvme.ko\nkernel/fs/ext4/ext4.ko\nkernel/fs/jbd2/jbd2.ko\n' >"$BI/modules.builtin"
chmod -R a+rX "$W/src/builtin"
pack builtin -t initrd --modules "$BI" -o "$OUT/builtin.cpio.gz"
expect_eq "built in: exit 0" 0 "$rc"
expect_eq "... one line saying so" 1 "$(grep -c "built in" "$W/builtin.log")$(grep -vc "built in" "$W/builtin.log" | sed 's/^0$//')"
expect_eq "... and no file written" no "$([ -e "$OUT/builtin.cpio.gz" ] && echo yes || echo no)"
pack builtin-virtio -t initrd --disk virtio --modules "$BI" -o "$OUT/bv.cpio.gz"
expect_eq "a driver neither built in nor a module: exit 1, one line naming it" \
	"1 1 mkrootfs: error: --modules $BI: kernel $V has no module virtio_pci (needed for the root on --disk virtio) and modules.builtin does not list it" \
	"$rc $(wc -l <"$W/builtin-virtio.log") $(cat "$W/builtin-virtio.log")"

echo "# -t initrd without --modules: the init alone (a stage 1 that finds the root by UUID)"
check_pack "-t initrd alone" alone -t initrd -o "$OUT/alone.cpio.gz"
expect_eq "... /init, /dev/console and stage 1's mount points, nothing else" "dev dev/console init proc run sys" \
	"$(gzip -dc "$OUT/alone.cpio.gz" | cpio -it --quiet 2>/dev/null | sort | paste -sd' ')"
check "... /init is the init" cmp "$INIT" <(gzip -dc "$OUT/alone.cpio.gz" | cpio -i --quiet --to-stdout init)

echo "# --bare"
echo data >"$W/src/data.txt"; chmod a+r "$W/src/data.txt"
check_pack "--bare --add" bare --bare --add "$W/src/data.txt:/data.txt" -o "$OUT/bare.img"
check_fsck "$OUT/bare.img"
expect_eq "--bare: only lost+found and the added file at /" "data.txt lost+found" \
	"$(walk "$OUT/bare.img" | awk '{print $1}' | sed 's|^/||' | sort | paste -sd' ')"
check_pack "--bare --modules" baremods --bare --modules "$SMALL" -o "$OUT/baremods.img"
expect_eq "--bare --modules: only /lib and lost+found at /" "lib lost+found" \
	"$(debugfs -R 'ls -p /' "$OUT/baremods.img" 2>/dev/null | awk -F/ '$6 != "." && $6 != ".." && $6 != "" {print $6}' | sort | paste -sd' ')"
check_pack "--bare -t cpio" barecpio --bare -t cpio --add "$W/src/data.txt:/d/data.txt" -o "$OUT/bare.cpio"
expect_eq "--bare cpio: only d and d/data.txt" "d d/data.txt" "$(cpio -it <"$OUT/bare.cpio" 2>/dev/null | paste -sd' ')"

echo "# bad input: one line, nothing written, nothing left behind"
echo keep >"$OUT/keep.img"; give "$OUT/keep.img"
bad() { # bad WHAT STATUS MESSAGE ARGS...
	local what=$1 want=$2 msg=$3; shift 3
	pack bad "$@"
	expect_eq "$what: exit $want, one line" "$want 1 $msg" "$rc $(wc -l <"$W/bad.log") $(cat "$W/bad.log")"
}
bad "--modules of a missing directory" 1 "mkrootfs: error: --modules $W/nope: No such file or directory" \
	--modules "$W/nope" -o "$OUT/keep.img"
bad "--modules of a file" 1 "mkrootfs: error: --modules $W/src/data.txt: is not a directory" \
	--modules "$W/src/data.txt" -o "$OUT/keep.img"
mkdir -p "$W/src/empty"
bad "--modules of a directory without modules" 1 \
	"mkrootfs: error: --modules $W/src/empty: no kernel modules (*.ko, *.ko.xz, *.ko.zst, *.ko.gz) in $W/src/empty" \
	--modules "$W/src/empty" -o "$OUT/keep.img"
mkdir -p "$W/src/two/lib/modules/6.1.0-1-amd64" "$W/src/two/lib/modules/6.1.0-2-amd64"
bad "--modules P with two versions" 1 \
	"mkrootfs: error: --modules $W/src/two: $W/src/two/lib/modules holds more than one kernel version; give $W/src/two/lib/modules/VERSION" \
	--modules "$W/src/two" -o "$OUT/keep.img"
bad "-t initrd --disk without --modules" 2 \
	"mkrootfs: error: --disk chooses modules: give --modules DIR (-t initrd without it holds the init alone)" \
	-t initrd --disk virtio -o "$OUT/keep.img"
bad "--disk without -t initrd" 2 "mkrootfs: error: --disk only applies to -t initrd" \
	--disk nvme --modules "$SMALL" -o "$OUT/keep.img"
bad "--with-module without -t initrd" 2 "mkrootfs: error: --with-module only applies to -t initrd" \
	--with-module virtio_net --modules "$SMALL" -o "$OUT/keep.img"
bad "--with-module of a module the kernel does not have" 1 \
	"mkrootfs: error: --modules $FULL: kernel $V has no module nosuch (--with-module) and modules.builtin does not list it" \
	-t initrd --with-module nosuch --modules "$FULL" -o "$OUT/keep.img"
bad "--disk of an unknown bus" 2 "mkrootfs: error: --disk scsi: unknown disk (nvme, virtio or ide)" \
	-t initrd --disk scsi --modules "$SMALL" -o "$OUT/keep.img"
bad "--bare with --init" 2 "mkrootfs: error: --bare writes no init and no busybox; drop --init and --busybox" \
	--bare --init "$INIT" -o "$OUT/keep.img"
"${BUILDER[@]}" "$MKROOTFS" -q -s 700M --modules "$GENERIC" -o "$OUT/keep.img" &
pid=$!
# As soon as it stages (a directory in TMPDIR) or writes (a temporary file
# beside -o): a fixed sleep loses the race once packing gets faster.
for _ in $(seq 1000); do
	[ -n "$(ls -A "$TMPDIR")" ] || compgen -G "$OUT/keep.img?*" >/dev/null && break
	sleep 0.01
done
kill -INT $pid
wait $pid
expect_eq "SIGINT while staging the whole tree: killed by SIGINT (130)" 130 "$?"
expect_eq "the existing -o file is untouched" keep "$(cat "$OUT/keep.img")"
no_temp_files "$OUT" "no temporary image left beside -o"
expect_eq "no staging directory left in TMPDIR" "" "$(ls -A "$TMPDIR")"
finish
