/* ext_format.h - a new, empty ext2/3/4 file system through libext2fs
 * (no mke2fs, no mke2fs.conf): fixed geometry, given UUID, hash seed and
 * timestamps, so the result depends only on its inputs. */
#ifndef MKROOTFS_EXT_FORMAT_H
#define MKROOTFS_EXT_FORMAT_H

#include "ext.h"
#include "ext_plan.h"

#include <ext2fs/ext2fs.h>

int ext_kind_has_extents(enum image_kind kind);
int ext_kind_has_csum(enum image_kind kind);

/* Journal size for ext3/ext4: 1/32 of the blocks, 1024 .. 32768 blocks
 * (4 MiB .. 128 MiB), growing steadily with the image. 0 for ext2. */
blk_t ext_journal_blocks(enum image_kind kind, blk64_t blocks);

/* Room left for the manifest in an image of img->bytes with at least
 * `inodes` inodes, after metadata, journal and the root directory. */
errcode_t ext_capacity(const struct ext_image *img, uint64_t inodes,
		       struct ext_need *room);

/* Format path as an empty file system with a root directory; on failure
 * *doing names the step for the message. */
errcode_t ext_format(const char *path, const struct ext_image *img,
		     uint64_t inodes, ext2_filsys *ret, const char **doing);

/* The inode count for an image: one per 16 KiB, but never fewer than
 * the manifest needs plus some room to create files at run time. */
uint64_t ext_inode_count(uint64_t bytes, uint64_t needed);

#endif
