/* ext_plan.h - how many blocks and inodes a manifest takes in an ext2/3/4
 * file system, estimated from above so that "it fits" is never wrong.
 * Pure: sizes come from the manifest, not from the disk. */
#ifndef MKROOTFS_EXT_PLAN_H
#define MKROOTFS_EXT_PLAN_H

#include "manifest.h"

#include <stdint.h>

struct ext_need {
	uint64_t blocks;
	uint64_t inodes;
};

/* Blocks for `bytes` of data plus the blocks that map them: indirect
 * blocks (ext2/3) or extent tree blocks (ext4). */
uint64_t ext_file_blocks(uint64_t bytes, unsigned blocksize, int extents);

/* Blocks of a directory whose entries' records (ext_dirent_size of each
 * name, "." and ".." excluded) add up to record_bytes, mapping included.
 * dir_tail: metadata_csum's 12-byte checksum at the end of each block. */
uint64_t ext_dir_blocks(uint64_t record_bytes, unsigned blocksize, int extents,
			int dir_tail);

/* Size of one directory record for a name of name_len bytes. */
uint64_t ext_dirent_size(size_t name_len);

/* Everything the manifest's entries need, every directory counted as new
 * (the root's own inode is reserved and not counted). */
void ext_estimate(const struct manifest *m, unsigned blocksize, int extents,
		  int dir_tail, struct ext_need *need);

/* What an image whose size was not given must hold: the content's need
 * and room to spare on top, a quarter more blocks and inodes plus
 * EXT_ROOM_BYTES of free space (blocks of blocksize bytes). */
#define EXT_ROOM_BYTES (16ULL << 20)
void ext_with_room(const struct ext_need *need, unsigned blocksize, struct ext_need *roomy);

#endif
