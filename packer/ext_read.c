/* ext_read.c - a read-only look into an existing image. */
#include "ext_read.h"
#include "mounted.h"
#include "util.h"

#include <errno.h>
#include <et/com_err.h>
#include <stdlib.h>
#include <string.h>

static int refuse_if_mounted(const char *image, const char *what)
{
	char where[512];
	int r = image_is_mounted(image, where, sizeof(where));

	if (r < 0)
		errorf("%s: %s: %s", what, image, strerror(errno));
	else if (r > 0)
		errorf("%s: %s is mounted (%s); unmount it first", what, image, where);
	return r == 0 ? 0 : -1;
}

ext2_filsys ext_open_readonly(const char *image, const char *what)
{
	ext2_filsys fs = NULL;
	errcode_t rc;

	if (refuse_if_mounted(image, what) < 0)
		return NULL;
	rc = ext2fs_open2(image, NULL, EXT2_FLAG_64BITS, 0, 0, unix_io_manager, &fs);
	if (rc == EXT2_ET_BAD_MAGIC || rc == EXT2_ET_SHORT_READ ||
	    rc == EXT2_ET_CORRUPT_SUPERBLOCK || rc == EXT2_ET_UNEXPECTED_BLOCK_SIZE) {
		errorf("%s: %s is not an ext2/3/4 file system (%s)", what, image,
		       error_message(rc));
		return NULL;
	}
	if (rc) {
		errorf("%s: opening %s: %s", what, image, error_message(rc));
		return NULL;
	}
	if (ext2fs_has_feature_journal_needs_recovery(fs->super)) {
		errorf("%s: the journal of %s needs recovery (the guest did not shut down "
		       "cleanly); if nothing is using it, run e2fsck -fy on it first",
		       what, image);
		ext2fs_close_free(&fs);
	}
	return fs;
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
