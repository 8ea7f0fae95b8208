/* ext_write.c - one manifest entry at a time into libext2fs. */
#include "ext/ext_write.h"
#include "ext/digest.h"
#include "ext/ext_data.h"
#include "util.h"

#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#define LOST_FOUND_BYTES 16384
#define MAX_BLOCK 65536

void ext_writer_init(struct ext_writer *w, ext2_filsys fs, const struct manifest *m,
		     uint32_t epoch, int update)
{
	memset(w, 0, sizeof(*w));
	w->fs = fs;
	w->m = m;
	w->epoch = epoch;
	w->update = update;
	w->buf = xmalloc(EXT_CHUNK + MAX_BLOCK);
	w->bmap_buf = xmalloc(2 * MAX_BLOCK);
	w->inos = xcalloc(m->n ? m->n : 1, sizeof(*w->inos));
	w->src_dirfd = -1;
}

void ext_writer_free(struct ext_writer *w)
{
	free(w->parent_path);
	free(w->buf);
	free(w->bmap_buf);
	free(w->inos);
	free(w->src_dir);
	if (w->src_dirfd >= 0)
		close(w->src_dirfd);
	w->parent_path = w->buf = w->bmap_buf = w->src_dir = NULL;
	w->inos = NULL;
	w->src_dirfd = -1;
}

int ext_filetype(unsigned i_mode)
{
	switch (i_mode & LINUX_S_IFMT) {
	case LINUX_S_IFREG: return EXT2_FT_REG_FILE;
	case LINUX_S_IFDIR: return EXT2_FT_DIR;
	case LINUX_S_IFLNK: return EXT2_FT_SYMLINK;
	case LINUX_S_IFCHR: return EXT2_FT_CHRDEV;
	case LINUX_S_IFBLK: return EXT2_FT_BLKDEV;
	case LINUX_S_IFIFO: return EXT2_FT_FIFO;
	case LINUX_S_IFSOCK: return EXT2_FT_SOCK;
	default: return EXT2_FT_UNKNOWN;
	}
}

static unsigned type_bits(enum entry_type t)
{
	static const unsigned bits[] = {
		[E_DIR] = LINUX_S_IFDIR, [E_FILE] = LINUX_S_IFREG,
		[E_SYMLINK] = LINUX_S_IFLNK, [E_CHAR] = LINUX_S_IFCHR,
		[E_BLOCK] = LINUX_S_IFBLK, [E_FIFO] = LINUX_S_IFIFO,
		[E_SOCKET] = LINUX_S_IFSOCK,
	};
	return bits[t];
}

/* ext2fs_link, ext2fs_mkdir and ext2fs_symlink fail with DIR_NO_SPACE when
 * the directory's blocks are full and do not grow it themselves: grow it by
 * a block and say whether the caller should try once more. */
static int grew_full_dir(ext2_filsys fs, ext2_ino_t dir, errcode_t *rc)
{
	if (*rc != EXT2_ET_DIR_NO_SPACE)
		return 0;
	*rc = ext2fs_expand_dir(fs, dir);
	return *rc == 0;
}

errcode_t ext_link(ext2_filsys fs, ext2_ino_t dir, const char *name,
		   ext2_ino_t ino, int filetype)
{
	errcode_t rc = ext2fs_link(fs, dir, name, ino, filetype);

	if (grew_full_dir(fs, dir, &rc))
		rc = ext2fs_link(fs, dir, name, ino, filetype);
	return rc;
}

errcode_t ext_lookup_dir(struct ext_writer *w, const char *path, ext2_ino_t *ino)
{
	errcode_t rc;

	if (w->parent_path && strcmp(path, w->parent_path) == 0) {
		*ino = w->parent_ino;
		return 0;
	}
	rc = ext2fs_namei_follow(w->fs, EXT2_ROOT_INO, EXT2_ROOT_INO, path, ino);
	if (!rc)
		rc = ext2fs_check_directory(w->fs, *ino);
	if (rc)
		return rc;
	free(w->parent_path);
	w->parent_path = xstrdup(path);
	w->parent_ino = *ino;
	return 0;
}

/* Owner, mode and times of an inode that libext2fs created its own way. */
static errcode_t set_attributes(struct ext_writer *w, ext2_ino_t ino,
				const struct entry *e)
{
	struct ext2_inode inode;
	errcode_t rc;

	w->doing = "setting the attributes of";
	rc = ext2fs_read_inode(w->fs, ino, &inode);
	if (rc)
		return rc;
	inode.i_mode = (__u16)(type_bits(e->type) | e->mode);
	inode.i_uid = (__u16)e->uid;
	inode.i_gid = (__u16)e->gid;
	ext2fs_set_i_uid_high(inode, e->uid >> 16);
	ext2fs_set_i_gid_high(inode, e->gid >> 16);
	inode.i_atime = inode.i_ctime = inode.i_mtime = w->epoch;
	return ext2fs_write_inode(w->fs, ino, &inode);
}

/* lost+found gets room up front, as mke2fs gives it, so e2fsck can
 * reconnect files without allocating. */
static errcode_t grow_lost_found(struct ext_writer *w, ext2_ino_t ino)
{
	struct ext2_inode inode;
	errcode_t rc;

	w->doing = "growing";
	for (;;) {
		rc = ext2fs_read_inode(w->fs, ino, &inode);
		if (rc || EXT2_I_SIZE(&inode) >= LOST_FOUND_BYTES)
			return rc;
		rc = ext2fs_expand_dir(w->fs, ino);
		if (rc)
			return rc;
	}
}

static errcode_t make_dir(struct ext_writer *w, ext2_ino_t parent, const char *name,
			  const struct entry *e)
{
	ext2_ino_t ino;
	errcode_t rc;

	w->doing = "allocating an inode for";
	rc = ext2fs_new_inode(w->fs, parent, LINUX_S_IFDIR | 0755, 0, &ino);
	if (rc)
		return rc;
	w->doing = "creating directory";
	rc = ext2fs_mkdir(w->fs, parent, ino, name);
	if (grew_full_dir(w->fs, parent, &rc))
		rc = ext2fs_mkdir(w->fs, parent, ino, name);
	if (!rc && parent == EXT2_ROOT_INO && strcmp(name, "lost+found") == 0)
		rc = grow_lost_found(w, ino);
	return rc ? rc : set_attributes(w, ino, e);
}

static errcode_t make_symlink(struct ext_writer *w, ext2_ino_t parent, const char *name,
			      const struct entry *e)
{
	ext2_ino_t ino;
	errcode_t rc;

	w->doing = "allocating an inode for";
	rc = ext2fs_new_inode(w->fs, parent, LINUX_S_IFLNK | 0777, 0, &ino);
	if (rc)
		return rc;
	/* ext2fs_symlink writes 0:0, 0777 and fs->now (our epoch) itself.
	 * Given no name it does not link it: with one, it would first look
	 * the name up, a scan of the directory that cannot find anything in
	 * a new image (the manifest has no duplicates) or after
	 * clear_existing in an updated one. */
	w->doing = "creating symlink";
	rc = ext2fs_symlink(w->fs, parent, ino, NULL, e->target);
	if (rc)
		return rc;
	w->doing = "linking";
	return ext_link(w->fs, parent, name, ino, EXT2_FT_SYMLINK);
}

/* The kernel's encoding: old 8:8 when both numbers fit, else the new one. */
static void encode_device(struct ext2_inode *inode, unsigned major, unsigned minor)
{
	if (major < 256 && minor < 256) {
		inode->i_block[0] = major << 8 | minor;
		inode->i_block[1] = 0;
	} else {
		inode->i_block[0] = 0;
		inode->i_block[1] = (minor & 0xff) | major << 8 | (minor & ~0xffu) << 12;
	}
}

static void fill_inode(struct ext_writer *w, struct ext2_inode *inode,
		       const struct entry *e)
{
	memset(inode, 0, sizeof(*inode));
	inode->i_mode = (__u16)(type_bits(e->type) | e->mode);
	inode->i_uid = (__u16)e->uid;
	inode->i_gid = (__u16)e->gid;
	ext2fs_set_i_uid_high(*inode, e->uid >> 16);
	ext2fs_set_i_gid_high(*inode, e->gid >> 16);
	inode->i_links_count = (__u16)e->nlink;
	inode->i_atime = inode->i_ctime = inode->i_mtime = w->epoch;
	if (e->type == E_CHAR || e->type == E_BLOCK)
		encode_device(inode, e->major, e->minor);
}

/* New inode, name, accounting, inode itself: the order libext2fs needs. */
static errcode_t make_inode(struct ext_writer *w, ext2_ino_t parent, const char *name,
			    const struct entry *e, ext2_ino_t *ino, struct ext2_inode *inode)
{
	errcode_t rc;

	fill_inode(w, inode, e);
	w->doing = "allocating an inode for";
	rc = ext2fs_new_inode(w->fs, parent, inode->i_mode, 0, ino);
	if (rc)
		return rc;
	if (e->type == E_FILE && ext2fs_has_feature_extents(w->fs->super)) {
		ext2_extent_handle_t handle;

		/* opening an extent-less inode writes an empty extent header */
		w->doing = "starting the extent tree of";
		rc = ext2fs_extent_open2(w->fs, *ino, inode, &handle);
		if (rc)
			return rc;
		ext2fs_extent_free(handle);
	}
	w->doing = "linking";
	rc = ext_link(w->fs, parent, name, *ino, ext_filetype(inode->i_mode));
	if (rc)
		return rc;
	ext2fs_inode_alloc_stats2(w->fs, *ino, +1, 0);
	w->doing = "writing the inode of";
	return ext2fs_write_new_inode(w->fs, *ino, inode);
}

/* Another name of an inode installed before (it counted all its names). */
static errcode_t link_again(struct ext_writer *w, ext2_ino_t parent, const char *name,
			    const struct entry *e)
{
	const struct entry *first = manifest_first_link(w->m, e);

	w->doing = "hard-linking";
	return ext_link(w->fs, parent, name, w->inos[first - w->m->e],
			ext_filetype(type_bits(e->type)));
}

static errcode_t remove_inode(struct ext_writer *w, ext2_ino_t ino)
{
	struct ext2_inode inode;
	blk64_t acl;
	errcode_t rc;

	rc = ext2fs_read_inode(w->fs, ino, &inode);
	if (rc)
		return rc;
	if (inode.i_links_count > 1) {
		inode.i_links_count--;
		return ext2fs_write_inode(w->fs, ino, &inode);
	}
	if (ext2fs_inode_has_valid_blocks2(w->fs, &inode)) {
		rc = ext2fs_punch(w->fs, ino, &inode, NULL, 0, ~0ULL);
		if (rc)
			return rc;
	}
	acl = ext2fs_file_acl_block(w->fs, &inode);
	if (acl) {
		__u32 count = 0;

		rc = ext2fs_adjust_ea_refcount3(w->fs, acl, NULL, -1, &count, ino);
		if (rc)
			return rc;
		if (count == 0)
			ext2fs_block_alloc_stats2(w->fs, acl, -1);
		ext2fs_file_acl_block_set(w->fs, &inode, 0);
	}
	inode.i_links_count = 0;
	inode.i_dtime = w->epoch;
	rc = ext2fs_write_inode(w->fs, ino, &inode);
	if (!rc)
		ext2fs_inode_alloc_stats2(w->fs, ino, -1, 0);
	return rc;
}

errcode_t ext_remove_name(struct ext_writer *w, ext2_ino_t dir, const char *name,
			  ext2_ino_t ino)
{
	errcode_t rc;

	w->doing = "removing the old";
	rc = ext2fs_unlink(w->fs, dir, name, ino, 0);
	return rc ? rc : remove_inode(w, ino);
}

/* Update mode: what is already at the name. Directories stay (with their
 * contents and attributes); anything else makes way for the new entry. */
static errcode_t clear_existing(struct ext_writer *w, ext2_ino_t parent,
				const char *name, const struct entry *e, int *keep)
{
	struct ext2_inode inode;
	ext2_ino_t ino;
	errcode_t rc;

	*keep = 0;
	w->doing = "looking up";
	rc = ext2fs_lookup(w->fs, parent, name, (int)strlen(name), NULL, &ino);
	if (rc == EXT2_ET_FILE_NOT_FOUND)
		return 0;
	if (!rc)
		rc = ext2fs_read_inode(w->fs, ino, &inode);
	if (rc)
		return rc;
	if (e->type == E_DIR) {
		ext2_ino_t dir;

		*keep = 1;
		w->doing = "following (it must be a directory)";
		return ext_lookup_dir(w, e->path, &dir);
	}
	if (LINUX_S_ISDIR(inode.i_mode)) {
		w->doing = "replacing (the image has a directory there)";
		return EXT2_ET_DIR_EXISTS;
	}
	return ext_remove_name(w, parent, name, ino);
}

static errcode_t install(struct ext_writer *w, const struct entry *e)
{
	char *parent_path = path_parent(e->path);
	const char *name = path_name(e->path);
	struct ext2_inode inode;
	ext2_ino_t parent, *ino = &w->inos[e - w->m->e];
	errcode_t rc;
	int keep = 0;

	w->doing = "finding the directory of";
	rc = ext_lookup_dir(w, parent_path, &parent);
	free(parent_path);
	if (!rc && w->update)
		rc = clear_existing(w, parent, name, e, &keep);
	if (rc || keep)
		return rc;
	if (manifest_first_link(w->m, e) != e)
		return link_again(w, parent, name, e);
	switch (e->type) {
	case E_DIR:
		return make_dir(w, parent, name, e);
	case E_SYMLINK:
		return make_symlink(w, parent, name, e);
	case E_FILE:
		rc = make_inode(w, parent, name, e, ino, &inode);
		return rc || !e->size ? rc : ext_write_data(w, *ino, &inode, e);
	default:
		return make_inode(w, parent, name, e, ino, &inode);
	}
}

/* Only libext2fs's own codes mean the image is full: a plain ENOSPC comes
 * from the host's disk, which a larger --size would only make worse. */
static int is_full(errcode_t rc)
{
	return rc == EXT2_ET_BLOCK_ALLOC_FAIL || rc == EXT2_ET_INODE_ALLOC_FAIL ||
	       rc == EXT2_ET_DIR_NO_SPACE;
}

errcode_t ext_install(struct ext_writer *w, const struct entry *e)
{
	errcode_t rc;

	if (e->type == E_SYMLINK)
		verbosef("%s -> %s", e->path, e->target);
	else
		verbosef("%s", e->path);
	if (w->digest)
		digest_entry(w->digest, w->m, e);
	if (strcmp(e->path, "/") == 0)
		rc = w->update ? 0 : set_attributes(w, EXT2_ROOT_INO, e);
	else
		rc = install(w, e);
	if (rc && is_full(rc))
		errorf("%s %s (from %s): %s: the image is full; use a larger --size",
		       w->doing, e->path, e->origin, error_message(rc));
	else if (rc)
		errorf("%s %s (from %s): %s", w->doing, e->path, e->origin,
		       error_message(rc));
	return rc;
}
