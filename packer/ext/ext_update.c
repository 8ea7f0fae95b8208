/* ext_update.c - installing into an existing image in place. Writes go
 * around the journal, so the image must not be mounted and must be clean;
 * every check runs before the first change. */
#include "ext/ext.h"
#include "ext/ext_plan.h"
#include "ext/ext_read.h"
#include "ext/ext_write.h"
#include "util.h"

#include <errno.h>
#include <et/com_err.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* The checks shared with --copy-out (ext_read.c), worded "--update IMG: ...". */
static int refuse_if_mounted(const char *image)
{
	char *what = xasprintf("--update %s", image);
	int rc = ext_refuse_mounted(image, what);

	free(what);
	return rc;
}

static ext2_filsys open_image(const char *image)
{
	char *what = xasprintf("--update %s", image);
	ext2_filsys fs = ext_open_existing(image, what, EXT2_FLAG_RW);

	free(what);
	return fs;
}

static int refuse_if_unclean(const char *image, ext2_filsys fs)
{
	char *what = xasprintf("--update %s", image);
	int rc = ext_refuse_unclean(fs, what);

	free(what);
	return rc;
}

static int is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

/* One entry, without changing anything: 1 if it creates a new directory
 * (its whole subtree is then new), 0 if fine, -1 on a conflict. */
static int check_entry(struct ext_writer *w, const char *image, const struct entry *e)
{
	char *pp = path_parent(e->path);
	const char *name = path_name(e->path);
	struct ext2_inode inode;
	ext2_ino_t parent, ino;
	errcode_t rc = ext_lookup_dir(w, pp, &parent);

	if (rc) {
		errorf("--update %s: cannot install %s (from %s): %s in the image: %s",
		       image, e->path, e->origin, pp, error_message(rc));
		free(pp);
		return -1;
	}
	free(pp);
	rc = ext2fs_lookup(w->fs, parent, name, (int)strlen(name), NULL, &ino);
	if (rc == EXT2_ET_FILE_NOT_FOUND)
		return e->type == E_DIR;
	if (!rc)
		rc = ext2fs_read_inode(w->fs, ino, &inode);
	if (!rc && e->type == E_DIR)
		rc = ext_lookup_dir(w, e->path, &ino);
	else if (!rc && LINUX_S_ISDIR(inode.i_mode))
		rc = EXT2_ET_DIR_EXISTS;
	if (!rc)
		return 0;
	errorf("--update %s: cannot install %s (from %s): %s", image, e->path, e->origin,
	       rc == EXT2_ET_DIR_EXISTS ? "the image has a directory there"
	       : rc == EXT2_ET_NO_DIRECTORY ? "the image has a non-directory there, where a directory is needed"
	       : error_message(rc));
	return -1;
}

static int check_conflicts(struct ext_writer *w, const char *image,
			   const struct manifest *m)
{
	const char *fresh = NULL;

	for (size_t i = 0; i < m->n; i++) {
		const struct entry *e = &m->e[i];
		int r;

		if (strcmp(e->path, "/") == 0 || (fresh && is_under(e->path, fresh)))
			continue;
		r = check_entry(w, image, e);
		if (r < 0)
			return -1;
		if (r > 0)
			fresh = e->path;
	}
	return 0;
}

static uint64_t mib_up(uint64_t blocks, unsigned blocksize)
{
	return (blocks * blocksize + (1 << 20) - 1) >> 20;
}

static int check_room(ext2_filsys fs, const char *image, const struct manifest *m)
{
	struct ext_need need;
	uint64_t free_blocks = ext2fs_free_blocks_count(fs->super);
	uint64_t free_inodes = fs->super->s_free_inodes_count;

	ext_estimate(m, fs->blocksize, ext2fs_has_feature_extents(fs->super),
		     ext2fs_has_feature_metadata_csum(fs->super), &need);
	if (need.blocks <= free_blocks && need.inodes <= free_inodes)
		return 0;
	errorf("--update %s: not enough room: the new content needs up to %" PRIu64
	       " MiB and %" PRIu64 " inodes, the image has %" PRIu64 " MiB and %" PRIu64
	       " inodes free", image, mib_up(need.blocks, fs->blocksize), need.inodes,
	       (free_blocks * fs->blocksize) >> 20, free_inodes);
	return -1;
}

/* The old /sbin/init (often a symlink to busybox) becomes init.orig, unless
 * an init.orig is already there: that one is the real original. */
static errcode_t keep_old_init(struct ext_writer *w, int no_backup)
{
	struct ext2_inode inode;
	ext2_ino_t sbin, ino, orig;
	errcode_t rc;

	w->doing = "keeping the old init as";
	if (no_backup || ext_lookup_dir(w, "/sbin", &sbin) ||
	    ext2fs_lookup(w->fs, sbin, "init", 4, NULL, &ino) ||
	    ext2fs_lookup(w->fs, sbin, "init.orig", 9, NULL, &orig) == 0)
		return 0;
	rc = ext2fs_read_inode(w->fs, ino, &inode);
	if (!rc)
		rc = ext_link(w->fs, sbin, "init.orig", ino, ext_filetype(inode.i_mode));
	if (!rc)
		rc = ext2fs_unlink(w->fs, sbin, "init", ino, 0);
	if (rc)
		errorf("%s /sbin/init.orig: %s", w->doing, error_message(rc));
	else
		verbosef("kept the old /sbin/init as /sbin/init.orig");
	return rc;
}

static int apply(struct ext_writer *w, const struct manifest *m, int no_backup)
{
	if (manifest_find(m, "/sbin/init") && keep_old_init(w, no_backup))
		return -1;
	for (size_t i = 0; i < m->n; i++)
		if (ext_install(w, &m->e[i]))
			return -1;
	return 0;
}

int ext_update(const char *image, const struct manifest *m,
	       const struct ext_update_options *opt)
{
	struct ext_writer w;
	ext2_filsys fs;
	errcode_t rc;
	int ok = -1;

	if (refuse_if_mounted(image) < 0 || !(fs = open_image(image)))
		return -1;
	ext_writer_init(&w, fs, m, opt->epoch, 1);
	fs->now = opt->epoch;
	if (refuse_if_unclean(image, fs) < 0)
		goto out;
	rc = ext2fs_read_bitmaps(fs);
	if (rc) {
		errorf("--update %s: reading the bitmaps: %s", image, error_message(rc));
		goto out;
	}
	if (check_conflicts(&w, image, m) < 0 || check_room(fs, image, m) < 0)
		goto out;
	if (apply(&w, m, opt->no_backup) < 0) {
		/* Directory blocks are already written: flush the bitmaps too, so
		 * the image stays consistent even though only partly updated. */
		if (ext2fs_close_free(&fs) == 0)
			errorf("--update %s: stopped part way; the image is consistent "
			       "but only partly updated", image);
		goto out;
	}
	rc = ext2fs_close_free(&fs);
	if (rc)
		errorf("--update %s: writing the file system metadata: %s", image,
		       error_message(rc));
	ok = rc ? -1 : 0;
out:
	ext_writer_free(&w);
	if (fs)
		ext2fs_free(fs);	/* not flushed: a refused image stays as it was */
	return ok;
}
