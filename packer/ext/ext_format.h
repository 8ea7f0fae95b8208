/* ext_format.h - a new, empty ext2/3/4 file system through libext2fs
 * (no mke2fs, no mke2fs.conf): fixed geometry, given UUID, hash seed and
 * timestamps, so the result depends only on its inputs. */
#ifndef MKROOTFS_EXT_FORMAT_H
#define MKROOTFS_EXT_FORMAT_H

#include "ext/ext.h"
#include "ext/ext_plan.h"

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

/* The file system's final identity, once the digest is known: the UUID
 * (superblock and journal superblock) and the directory hash seed. Safe
 * until the first directory is indexed, which libext2fs never does while
 * the image is written (the kernel does it later, with this seed); ext4's
 * metadata checksums use their own seed (metadata_csum_seed), fixed at
 * format time, so they do not depend on the UUID. */
errcode_t ext_set_identity(ext2_filsys fs, const uint8_t uuid[16], const uint8_t hash_seed[16]);

/* The inode count for an image: one per 16 KiB, but never fewer than
 * the manifest needs plus some room to create files at run time. */
uint64_t ext_inode_count(uint64_t bytes, uint64_t needed);

#endif
