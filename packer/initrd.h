/* initrd.h - the stage-1 initramfs (-t initrd): our init as /init and only
 * the modules the root needs: the disk's driver, ext4, their dependencies
 * and softdeps, as kmod's modprobe --show-depends lists them. */
#ifndef MKROOTFS_INITRD_H
#define MKROOTFS_INITRD_H

#include "manifest.h"
#include "modules.h"

/* The driver modules of a disk bus (--disk), or NULL for an unknown one.
 * Pure. */
const char *const *initrd_disk_modules(const char *disk);

/* From the full staged tree, a tree of only what the root needs (indexed).
 * Returns 1 when it all is built into the kernel (nothing staged, a line
 * printed), 0 when staged, -1 after reporting. */
int initrd_select(const struct modules_tree *full, const char *disk, const char *more,
		  struct modules_tree *small, const char *origin);

/* /dev/console and the mount points stage 1 uses. */
void initrd_add_base(struct manifest *m);

#endif
