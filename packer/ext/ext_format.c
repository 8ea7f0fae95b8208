/* ext_format.c - formatting through libext2fs, the way mke2fs does it but
 * with every random or time-dependent field fixed by the caller. */
#include "ext/ext_format.h"
#include "ext/fresh_io.h"
#include "util.h"

#include <string.h>

#define BYTES_PER_INODE 16384
#define SPARE_INODES 64
#define LOST_FOUND_BYTES 16384

int ext_kind_has_extents(enum image_kind kind)
{
	return kind == KIND_EXT4;
}

int ext_kind_has_csum(enum image_kind kind)
{
	return kind == KIND_EXT4;
}

blk_t ext_journal_blocks(enum image_kind kind, blk64_t blocks)
{
	blk64_t j = blocks / 32;

	if (kind == KIND_EXT2)
		return 0;
	if (j < 1024)
		j = 1024;
	if (j > 32768)
		j = 32768;
	return (blk_t)j;
}

uint64_t ext_inode_count(uint64_t bytes, uint64_t needed)
{
	uint64_t n = bytes / BYTES_PER_INODE;

	if (n < needed + SPARE_INODES)
		n = needed + SPARE_INODES;
	return n > 0xffffffffULL ? 0xffffffffULL : n;
}

/* ext2: the classic set. ext3: plus a journal (added later, which sets
 * has_journal). ext4: extents, flex_bg and checksums, as mke2fs does. */
static void fill_params(struct ext2_super_block *p, const struct ext_image *img,
			uint64_t inodes)
{
	memset(p, 0, sizeof(*p));
	ext2fs_blocks_count_set(p, img->bytes / EXT_BLOCKSIZE);
	p->s_log_block_size = 2;	/* 1024 << 2 */
	p->s_rev_level = EXT2_DYNAMIC_REV;
	p->s_inode_size = 256;
	p->s_inodes_count = (__u32)inodes;
	p->s_feature_compat = EXT2_FEATURE_COMPAT_EXT_ATTR | EXT2_FEATURE_COMPAT_DIR_INDEX;
	p->s_feature_incompat = EXT2_FEATURE_INCOMPAT_FILETYPE;
	p->s_feature_ro_compat = EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER |
				 EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
	if (img->kind == KIND_EXT4) {
		p->s_feature_incompat |= EXT3_FEATURE_INCOMPAT_EXTENTS |
					 EXT4_FEATURE_INCOMPAT_FLEX_BG;
		p->s_feature_ro_compat |= EXT4_FEATURE_RO_COMPAT_HUGE_FILE |
					  EXT4_FEATURE_RO_COMPAT_DIR_NLINK |
					  EXT4_FEATURE_RO_COMPAT_EXTRA_ISIZE |
					  EXT4_FEATURE_RO_COMPAT_METADATA_CSUM;
		p->s_log_groups_per_flex = 4;
	}
}

/* What mke2fs would take from the clock, /dev/urandom or mke2fs.conf. */
static void fix_identity(ext2_filsys fs, const struct ext_image *img)
{
	struct ext2_super_block *sb = fs->super;

	fs->now = img->epoch;
	sb->s_mkfs_time = sb->s_lastcheck = sb->s_wtime = img->epoch;
	memcpy(sb->s_uuid, img->uuid, sizeof(sb->s_uuid));
	memcpy(sb->s_hash_seed, img->hash_seed, sizeof(sb->s_hash_seed));
	sb->s_def_hash_version = EXT2_HASH_HALF_MD4;
	sb->s_max_mnt_count = -1;	/* no forced checks: the image is rebuilt, not aged */
	sb->s_checkinterval = 0;
	if (ext2fs_has_feature_metadata_csum(sb)) {
		/* its own seed: the UUID is only known after the last file */
		sb->s_checksum_type = EXT2_CRC32C_CHKSUM;
		ext2fs_set_feature_csum_seed(sb);
		sb->s_checksum_seed = img->csum_seed;
		ext2fs_init_csum_seed(fs);
	}
}

static errcode_t open_fs(const char *path, const struct ext_image *img,
			 uint64_t inodes, ext2_filsys *ret)
{
	struct ext2_super_block param;
	errcode_t rc;

	fill_params(&param, img, inodes);
	rc = ext2fs_initialize(path, EXT2_FLAG_64BITS, &param, fresh_io_manager(), ret);
	if (rc)
		return rc;
	fix_identity(*ret, img);
	rc = ext2fs_allocate_tables(*ret);
	if (rc) {
		ext2fs_free(*ret);
		*ret = NULL;
	}
	return rc;
}

errcode_t ext_capacity(const struct ext_image *img, uint64_t inodes,
		       struct ext_need *room)
{
	ext2_filsys fs;
	blk64_t free_blocks, used;
	errcode_t rc;

	/* Geometry only: nothing is read or written until ext2fs_close,
	 * which is never called here. */
	rc = open_fs("/dev/null", img, inodes, &fs);
	if (rc)
		return rc;
	free_blocks = ext2fs_free_blocks_count(fs->super);
	used = ext_journal_blocks(img->kind, ext2fs_blocks_count(fs->super)) +
	       LOST_FOUND_BYTES / EXT_BLOCKSIZE + 1;	/* and the root directory */
	room->blocks = free_blocks > used ? free_blocks - used : 0;
	room->inodes = fs->super->s_inodes_count - (EXT2_FIRST_INODE(fs->super) - 1);
	ext2fs_free(fs);
	return 0;
}

/* Inodes 1..first_ino-1 are the file system's own; mke2fs marks them. */
static errcode_t reserve_inodes(ext2_filsys fs)
{
	for (ext2_ino_t i = EXT2_ROOT_INO + 1; i < EXT2_FIRST_INODE(fs->super); i++)
		ext2fs_inode_alloc_stats2(fs, i, +1, 0);
	ext2fs_mark_inode_bitmap2(fs->inode_map, EXT2_BAD_INO);
	ext2fs_inode_alloc_stats2(fs, EXT2_BAD_INO, +1, 0);
	ext2fs_mark_ib_dirty(fs);
	return ext2fs_update_bb_inode(fs, NULL);
}

/* The image file is new and sparse, so its inode tables already read as
 * zeros: say so, and the kernel will not zero them again at mount. */
static void mark_tables_zeroed(ext2_filsys fs)
{
	if (!ext2fs_has_group_desc_csum(fs))
		return;
	for (dgrp_t g = 0; g < fs->group_desc_count; g++) {
		ext2fs_bg_flags_set(fs, g, EXT2_BG_INODE_ZEROED);
		ext2fs_group_desc_csum_set(fs, g);
	}
}

static errcode_t add_journal(ext2_filsys fs, const struct ext_image *img)
{
	struct ext2fs_journal_params jp = { 0, 0 };

	jp.num_journal_blocks = ext_journal_blocks(img->kind, ext2fs_blocks_count(fs->super));
	if (!jp.num_journal_blocks)
		return 0;
	/* LAZYINIT: the journal's blocks are holes of a new file, already zero. */
	return ext2fs_add_journal_inode3(fs, &jp, ~0ULL,
					 EXT2_MKJOURNAL_LAZYINIT | EXT2_MKJOURNAL_NO_MNT_CHECK);
}

/* An internal journal's superblock repeats the file system's UUID. */
static errcode_t set_journal_uuid(ext2_filsys fs, const uint8_t uuid[16])
{
	const size_t uuid_offset = 0x30;	/* s_uuid in journal_superblock_t */
	ext2_ino_t journal = fs->super->s_journal_inum;
	blk64_t first = 0;
	char *block;
	errcode_t rc;

	if (!ext2fs_has_feature_journal(fs->super) || !journal)
		return 0;
	rc = ext2fs_bmap2(fs, journal, NULL, NULL, 0, 0, NULL, &first);
	if (rc || !first)
		return rc ? rc : EXT2_ET_BAD_BLOCK_NUM;
	rc = ext2fs_get_mem(fs->blocksize, &block);
	if (rc)
		return rc;
	rc = io_channel_read_blk64(fs->io, first, 1, block);
	if (!rc) {
		memcpy(block + uuid_offset, uuid, 16);
		rc = io_channel_write_blk64(fs->io, first, 1, block);
	}
	ext2fs_free_mem(&block);
	return rc;
}

errcode_t ext_set_identity(ext2_filsys fs, const uint8_t uuid[16], const uint8_t hash_seed[16])
{
	memcpy(fs->super->s_uuid, uuid, 16);
	memcpy(fs->super->s_hash_seed, hash_seed, 16);
	ext2fs_mark_super_dirty(fs);
	return set_journal_uuid(fs, uuid);
}

errcode_t ext_format(const char *path, const struct ext_image *img,
		     uint64_t inodes, ext2_filsys *ret, const char **doing)
{
	ext2_filsys fs = NULL;
	errcode_t rc;

	*doing = "laying out the file system";
	rc = open_fs(path, img, inodes, &fs);
	if (rc)
		goto out;
	mark_tables_zeroed(fs);
	*doing = "creating the root directory";
	rc = ext2fs_mkdir(fs, EXT2_ROOT_INO, EXT2_ROOT_INO, NULL);
	if (rc)
		goto out;
	*doing = "reserving the special inodes";
	rc = reserve_inodes(fs);
	if (rc)
		goto out;
	*doing = "creating the journal";
	rc = add_journal(fs, img);
out:
	if (rc && fs) {
		ext2fs_free(fs);
		fs = NULL;
	}
	*ret = fs;
	return rc;
}
