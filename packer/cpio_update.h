/* cpio_update.h - --update of an initramfs: a newc archive, plain or gzip,
 * gets our init at /sbin/init and /init (the old ones kept as .orig);
 * every other entry is copied byte for byte (names, owners, modes, times,
 * device and inode numbers, hard links); written atomically. */
#ifndef MKROOTFS_CPIO_UPDATE_H
#define MKROOTFS_CPIO_UPDATE_H

#include "manifest.h"

#include <stddef.h>
#include <stdint.h>

/* Is the file a newc archive (magic 070701 or 070702), plain or gzip? 1
 * yes, 0 no (or unreadable: the ext2/3/4 path reports it), -1 after
 * reporting a compression that cannot be updated (xz, zstd, ...). */
int cpio_archive_detect(const char *path);

/* Before manifest_finish: /init as another name of the /sbin/init entry
 * (where the kernel looks first in an initramfs). */
void cpio_add_rdinit(struct manifest *m);

/* Put the manifest (finished) into the archive at path, replacing it;
 * epoch is the new entries' time, no_backup drops the old init. Every
 * check comes before the first byte written. 0, or -1 after reporting. */
int cpio_update(const char *path, const struct manifest *m, uint32_t epoch,
		int no_backup);

/* What --update does with an archive already read (len bytes, not
 * compressed), without a file: the checks, then the new archive written to
 * out_fd. For the fuzz target. 0, or -1 after reporting. */
int cpio_update_bytes(const char *bytes, size_t len, const struct manifest *m,
		      int no_backup, int out_fd);

#endif
