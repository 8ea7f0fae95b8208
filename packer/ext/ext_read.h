/* ext_read.h - an ext2/3/4 image that something else wrote (a guest,
 * mke2fs): the checks before reading or changing it, and reading it.
 * `what` starts every message ("--update IMG", "--copy-out IMG:DIR"). */
#ifndef MKROOTFS_EXT_READ_H
#define MKROOTFS_EXT_READ_H

#include <ext2fs/ext2fs.h>
#include <stddef.h>

/* -1 after reporting when the image is mounted (or that cannot be told). */
int ext_refuse_mounted(const char *image, const char *what);

/* ext2fs_open2 with flags (0 or EXT2_FLAG_RW); NULL after reporting, with
 * "is not an ext2/3/4 file system" for what is no ext image at all. */
ext2_filsys ext_open_existing(const char *image, const char *what, int flags);

/* -1 after reporting when the journal needs recovery (its newest writes
 * are only there), it was not cleanly unmounted or has errors recorded. */
int ext_refuse_unclean(ext2_filsys fs, const char *what);

/* All three, read-only. NULL after reporting. */
ext2_filsys ext_open_readonly(const char *image, const char *what);

/* Does the image have path (links followed)? 0 also when it cannot be
 * opened: what is wrong with it is for the caller's own checks to say. */
int ext_image_has(const char *image, const char *path);

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
