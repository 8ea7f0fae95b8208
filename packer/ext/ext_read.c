/* ext_read.c - opening an existing image after the checks that make it
 * safe to read or change, and a read-only look into it. */
#include "ext/ext_read.h"
#include "ext/mounted.h"
#include "util.h"

#include <errno.h>
#include <et/com_err.h>
#include <stdlib.h>
#include <string.h>

int ext_refuse_mounted(const char *image, const char *what)
{
	char where[512];
	int r = image_is_mounted(image, where, sizeof(where));

	if (r < 0)
		errorf("%s: %s", what, strerror(errno));
	else if (r > 0)
		errorf("%s: is mounted (%s); unmount it first", what, where);
	return r == 0 ? 0 : -1;
}

ext2_filsys ext_open_existing(const char *image, const char *what, int flags)
{
	ext2_filsys fs = NULL;
	errcode_t rc = ext2fs_open2(image, NULL, flags | EXT2_FLAG_64BITS, 0, 0,
				    unix_io_manager, &fs);

	if (rc == EXT2_ET_BAD_MAGIC || rc == EXT2_ET_SHORT_READ ||
	    rc == EXT2_ET_CORRUPT_SUPERBLOCK || rc == EXT2_ET_UNEXPECTED_BLOCK_SIZE)
		errorf("%s: is not an ext2/3/4 file system (%s)", what, error_message(rc));
	else if (rc == EXT2_ET_UNSUPP_FEATURE || rc == EXT2_ET_RO_UNSUPP_FEATURE)
		errorf("%s: uses ext4 features this libext2fs cannot %s (%s)", what,
		       flags & EXT2_FLAG_RW ? "write" : "read", error_message(rc));
	else if (rc)
		errorf("%s: opening it: %s", what, error_message(rc));
	return rc ? NULL : fs;
}

int ext_refuse_unclean(ext2_filsys fs, const char *what)
{
	const char *fix = "if nothing is using it, run e2fsck -fy on it first";

	if (ext2fs_has_feature_journal_needs_recovery(fs->super))
		errorf("%s: its journal needs recovery: it is in use or was not "
		       "cleanly unmounted; %s", what, fix);
	else if (!(fs->super->s_state & EXT2_VALID_FS))
		errorf("%s: it is in use or was not cleanly unmounted; %s", what, fix);
	else if (fs->super->s_state & EXT2_ERROR_FS)
		errorf("%s: it has file system errors recorded; %s", what, fix);
	else
		return 0;
	return -1;
}

ext2_filsys ext_open_readonly(const char *image, const char *what)
{
	ext2_filsys fs;

	if (ext_refuse_mounted(image, what) < 0 || !(fs = ext_open_existing(image, what, 0)))
		return NULL;
	if (ext_refuse_unclean(fs, what) < 0)
		ext2fs_close_free(&fs);
	return fs;
}

int ext_image_has(const char *image, const char *path)
{
	ext2_filsys fs = NULL;
	ext2_ino_t ino;
	int found;

	if (ext2fs_open2(image, NULL, EXT2_FLAG_64BITS, 0, 0, unix_io_manager, &fs))
		return 0;
	found = ext2fs_namei_follow(fs, EXT2_ROOT_INO, EXT2_ROOT_INO, path, &ino) == 0;
	ext2fs_close_free(&fs);
	return found;
}

struct dir_list {
	struct ext_dirent *v;
	size_t n;
};

static int take_dirent(ext2_ino_t dir, int entry, struct ext2_dir_entry *de,
		       int offset, int blocksize, char *buf, void *priv)
{
	struct dir_list *l = priv;
	int len = ext2fs_dirent_name_len(de);

	(void)dir, (void)entry, (void)offset, (void)blocksize, (void)buf;
	if ((len == 1 && de->name[0] == '.') ||
	    (len == 2 && de->name[0] == '.' && de->name[1] == '.'))
		return 0;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n].name = xasprintf("%.*s", len, de->name);
	l->v[l->n].ino = de->inode;
	l->n++;
	return 0;
}

errcode_t ext_read_dir(ext2_filsys fs, ext2_ino_t dir, struct ext_dirent **v, size_t *n)
{
	struct dir_list l = { NULL, 0 };
	errcode_t rc = ext2fs_dir_iterate2(fs, dir, 0, NULL, take_dirent, &l);

	if (rc) {
		ext_dirents_free(l.v, l.n);
		return rc;
	}
	*v = l.v;
	*n = l.n;
	return 0;
}

void ext_dirents_free(struct ext_dirent *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

errcode_t ext_read_symlink(ext2_filsys fs, ext2_ino_t ino, struct ext2_inode *inode,
			   char *buf, size_t size)
{
	unsigned got = 0;
	ext2_file_t f;
	errcode_t rc;

	if (inode->i_size >= size)
		return EXT2_ET_FILE_TOO_BIG;
	if (ext2fs_is_fast_symlink(inode)) {
		memcpy(buf, (char *)inode->i_block, inode->i_size);
		buf[inode->i_size] = '\0';
		return 0;
	}
	rc = ext2fs_file_open(fs, ino, 0, &f);
	if (rc)
		return rc;
	rc = ext2fs_file_read(f, buf, inode->i_size, &got);
	ext2fs_file_close(f);
	buf[got] = '\0';
	return rc;
}
