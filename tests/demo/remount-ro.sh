#!/bin/bash
# demo: powered off without remounting / read-only, the ext3 journal needs recovery (QEMU)
. "$(dirname "$0")/../lib/demo.sh"
title "shutdown: / read-only before reboot(2) (init/shutdown.c, shut_down and remount_root_readonly)"
# While an ext3/ext4 file system is mounted read-write, its superblock
# carries needs_recovery; a clean unmount or remount read-only clears it.
for side in with without; do
	boot $side "$NS_TMP/root.img" -- sh -c 'echo data >/root/file'
	features=$(dumpe2fs -h "$NS_TMP/root.img" 2>/dev/null | sed -n 's/^Filesystem features: *//p')
	echo "$features" >>"$NS_TMP/out"
	case " $features " in
	*" needs_recovery "*) saw $side "run-qemu exits $rc; the image's journal: needs_recovery" ;;
	*) saw $side "run-qemu exits $rc; the image's journal: clean" ;;
	esac
	if [ $side = with ]; then
		# shellcheck disable=SC2016 # single quotes: for eval, later
		judge with "the journal is clean" eval '[ $rc -eq 0 ] && [ -n "$features" ] && [[ " $features " != *" needs_recovery "* ]]'
	else
		# shellcheck disable=SC2016 # single quotes: for eval, later
		judge without "the journal needs recovery" eval '[[ " $features " == *" needs_recovery "* ]]'
	fi
done
finish
