/* ext_read.h - reading an ext2/3/4 image that something else wrote (a
 * guest): opened read-only, after the same checks as --update. */
#ifndef MKROOTFS_EXT_READ_H
#define MKROOTFS_EXT_READ_H

#include <ext2fs/ext2fs.h>
#include <stddef.h>

/* Open image read-only; refuse one that is mounted, not ext2/3/4, or
 * whose journal needs recovery (its newest writes would be missed).
 * `what` starts every message ("--copy-out IMG:DIR"). NULL after
 * reporting. */
ext2_filsys ext_open_readonly(const char *image, const char *what);

struct ext_dirent {
	char *name;
	ext2_ino_t ino;
};

/* The entries of directory dir, without "." and "..". */
errcode_t ext_read_dir(ext2_filsys fs, ext2_ino_t dir, struct ext_dirent **v, size_t *n);
void ext_dirents_free(struct ext_dirent *v, size_t n);

/* A symbolic link's target, NUL-terminated (fast links live in i_block,
 * longer ones in a data block). */
errcode_t ext_read_symlink(ext2_filsys fs, ext2_ino_t ino, struct ext2_inode *inode,
			   char *buf, size_t size);

#endif
