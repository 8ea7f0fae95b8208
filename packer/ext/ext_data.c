/* ext_data.c - file contents: each run of non-zero blocks goes to
 * contiguous free blocks, mapped there, and reaches the image file in one
 * large write instead of one write per block (libext2fs's ext2fs_file_write
 * allocates, maps and writes a block at a time). */
#include "ext/ext_data.h"
#include "ext/digest.h"
#include "ext/fresh_io.h"
#include "hash_queue.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* A chunk and the block that pads it fit in one of the hash's reservations. */
_Static_assert(EXT_CHUNK + EXT2_MAX_BLOCK_SIZE <= HASH_QUEUE_MAX_RESERVE, "chunk too large");

/* One file being written. */
struct file_out {
	struct ext_writer *w;
	ext2_ino_t ino;
	struct ext2_inode *inode;
	ext2_extent_handle_t extents;	/* ext4: kept open for the whole file */
	unsigned bs;			/* the image's block size */
};

static errcode_t map_block(struct file_out *f, blk64_t lblk, blk64_t pblk)
{
	if (f->extents)
		return ext2fs_extent_set_bmap(f->extents, lblk, pblk, 0);
	if (lblk < EXT2_NDIR_BLOCKS) {	/* written back with the inode at the end */
		f->inode->i_block[lblk] = (__u32)pblk;
		return 0;
	}
	return ext2fs_bmap2(f->w->fs, f->ino, f->inode, f->w->bmap_buf, BMAP_SET | BMAP_ALLOC,
			    lblk, NULL, &pblk);
}

/* A new image's blocks were never cached by libext2fs: they go straight to
 * the file. In an existing image a freed block may still be cached, so the
 * I/O channel (which flushes its cache first) writes them. */
static errcode_t write_blocks(ext2_filsys fs, blk64_t pblk, blk64_t n, const char *data)
{
	if (fresh_io_owns(fs->io))
		return fresh_write_through(fs->io, pblk, n, data);
	return io_channel_write_blk64(fs->io, pblk, (int)n, data);
}

/* Block-mapped files (ext2/3): at this logical block a new indirect
 * block starts (12 direct blocks, then runs of blocksize/4). */
static int starts_indirect(const struct file_out *f, blk64_t lblk)
{
	return !f->extents && lblk >= EXT2_NDIR_BLOCKS &&
	       (lblk - EXT2_NDIR_BLOCKS) % (f->bs / 4) == 0;
}

/* There libext2fs allocates the indirect blocks and the data block
 * together, so the mapping comes before the data it maps, as the kernel
 * and mke2fs lay files out. */
static errcode_t place_first_of_indirect(struct file_out *f, blk64_t lblk, const char *data)
{
	blk64_t pblk = 0;
	errcode_t rc;

	f->w->doing = "allocating blocks for";
	rc = ext2fs_bmap2(f->w->fs, f->ino, f->inode, f->w->bmap_buf, BMAP_ALLOC, lblk, NULL, &pblk);
	if (rc)
		return rc;
	f->w->doing = "writing";
	rc = write_blocks(f->w->fs, pblk, 1, data);
	f->w->goal = pblk + 1;
	return rc;
}

/* n blocks of data for logical blocks lblk.., placed after the last ones. */
static errcode_t place_run(struct file_out *f, blk64_t lblk, blk64_t n, const char *data)
{
	ext2_filsys fs = f->w->fs;
	blk64_t pblk, got, want;
	errcode_t rc;

	while (n) {
		if (starts_indirect(f, lblk)) {
			if ((rc = place_first_of_indirect(f, lblk, data)))
				return rc;
			got = 1;
			goto next;
		}
		/* up to the next indirect block's start */
		want = f->extents || lblk < EXT2_NDIR_BLOCKS ? EXT2_NDIR_BLOCKS - lblk
			: f->bs / 4 - (lblk - EXT2_NDIR_BLOCKS) % (f->bs / 4);
		if (f->extents || want > n)
			want = n;
		f->w->doing = "allocating blocks for";
		rc = ext2fs_new_range(fs, 0, f->w->goal, want, NULL, &pblk, &got);
		if (rc)
			return rc;
		ext2fs_block_alloc_stats_range(fs, pblk, got, +1);
		f->w->doing = "mapping the blocks of";
		for (blk64_t k = 0; k < got; k++)
			if ((rc = map_block(f, lblk + k, pblk + k)))
				return rc;
		f->w->doing = "writing";
		if ((rc = write_blocks(fs, pblk, got, data)))
			return rc;
		ext2fs_iblk_add_blocks(fs, f->inode, got);
		f->w->goal = pblk + got;
next:
		lblk += got;
		n -= got;
		data += got * f->bs;
	}
	return 0;
}

static int all_zero(const char *p, size_t len)
{
	return len == 0 || (p[0] == 0 && memcmp(p, p + 1, len - 1) == 0);
}

/* len bytes of the file from byte offset pos (a block boundary); buf
 * reads as zeros after them up to the end of the last block. Zero blocks
 * are skipped. */
static errcode_t put_chunk(struct file_out *f, uint64_t pos, const char *buf, size_t len)
{
	size_t nblocks = (len + f->bs - 1) / f->bs, run = 0;
	blk64_t first = pos / f->bs;
	errcode_t rc;

	for (size_t i = 0; i <= nblocks; i++) {
		const char *b = buf + i * f->bs;
		size_t blen = i == nblocks ? 0 : len - i * f->bs < f->bs ? len - i * f->bs : f->bs;

		if (blen && !all_zero(b, blen)) {
			if (f->w->digest)
				digest_block(f->w->digest, first + i, b, blen);
			run++;
			continue;
		}
		if (run && (rc = place_run(f, first + i - run, run, b - run * f->bs)))
			return rc;
		run = 0;
	}
	return 0;
}

static errcode_t put_memory(struct file_out *f, const struct entry *e)
{
	char *buf = f->w->buf;

	for (uint64_t pos = 0; pos < e->size; pos += EXT_CHUNK) {
		size_t len = e->size - pos < EXT_CHUNK ? (size_t)(e->size - pos) : EXT_CHUNK;
		errcode_t rc;

		memcpy(buf, e->data + pos, len);
		memset(buf + len, 0, f->bs - 1);
		if ((rc = put_chunk(f, pos, buf, len)))
			return rc;
	}
	return 0;
}

/* Where the next data of fd is at or after pos: pos itself where the file
 * system cannot tell, size when only a hole is left. */
static uint64_t next_data(int fd, uint64_t pos, uint64_t size)
{
	off_t at = lseek(fd, (off_t)pos, SEEK_DATA);

	if (at < 0)
		return errno == ENXIO ? size : pos;
	return (uint64_t)at < size ? (uint64_t)at : size;
}

/* At least need bytes at pos (fewer only at the end of the file), and up
 * to want if the read that completes them brings more. */
static errcode_t read_upto(int fd, char *buf, size_t need, size_t want, uint64_t pos,
			   size_t *got)
{
	*got = 0;
	while (*got < need) {
		ssize_t n = pread(fd, buf + *got, want - *got, (off_t)(pos + *got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return 0;
}

static errcode_t put_source(struct file_out *f, const struct entry *e, int fd)
{
	uint64_t pos = 0, at;
	errcode_t rc;

	/* pos stays on a block boundary until the end of the file */
	while ((at = e->sparse ? next_data(fd, pos, e->size) : pos) < e->size) {
		size_t len;

		pos = at - at % f->bs;
		len = e->size - pos < EXT_CHUNK ? (size_t)(e->size - pos) : EXT_CHUNK;

		/* read where the hash's thread takes them from, if it has one */
		char *buf = f->w->digest ? hash_reserve(f->w->digest, len + f->bs) : NULL;

		if (!buf)
			buf = f->w->buf;

		/* a byte more at the end: the file must end where lstat said */
		size_t want = len + (pos + len == e->size), got;

		f->w->doing = "reading the source of";
		if ((rc = read_upto(fd, buf, len, want, pos, &got)))
			return rc;
		if (got != len) {
			f->w->doing = "copying (the source changed size while being read)";
			return EXT2_ET_SHORT_READ;
		}
		memset(buf + len, 0, f->bs - 1);
		if ((rc = put_chunk(f, pos, buf, len)))
			return rc;
		pos += len;
	}
	return 0;
}

/* Sources come directory by directory (the manifest is sorted): each is
 * opened relative to its directory, kept open for the next ones, so the
 * kernel walks one name instead of the whole path. */
static int open_source(struct ext_writer *w, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : 0;

	if (!slash || !slash[1])
		return open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (!w->src_dir || strlen(w->src_dir) != len || memcmp(w->src_dir, path, len) != 0) {
		if (w->src_dirfd >= 0)
			close(w->src_dirfd);
		free(w->src_dir);
		w->src_dir = xasprintf("%.*s", (int)len, path);
		w->src_dirfd = open(len ? w->src_dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (w->src_dirfd < 0)
		return open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	return openat(w->src_dirfd, slash + 1, O_RDONLY | O_CLOEXEC | O_NOCTTY);
}

static errcode_t put_file(struct file_out *f, const struct entry *e)
{
	errcode_t rc;
	int fd;

	f->w->doing = "reading the source of";
	fd = open_source(f->w, e->source);
	if (fd < 0)
		return errno;
	rc = put_source(f, e, fd);
	close(fd);
	return rc;
}

errcode_t ext_write_data(struct ext_writer *w, ext2_ino_t ino, struct ext2_inode *inode,
			 const struct entry *e)
{
	struct file_out f = { .w = w, .ino = ino, .inode = inode, .bs = w->fs->blocksize };
	errcode_t rc = 0;

	if (inode->i_flags & EXT4_EXTENTS_FL) {
		w->doing = "opening the extent tree of";
		rc = ext2fs_extent_open2(w->fs, ino, inode, &f.extents);
	}
	if (!rc)
		rc = e->source ? put_file(&f, e) : put_memory(&f, e);
	if (f.extents)
		ext2fs_extent_free(f.extents);
	if (rc)
		return rc;
	w->doing = "writing the inode of";
	rc = ext2fs_inode_size_set(w->fs, inode, e->size);
	return rc ? rc : ext2fs_write_inode(w->fs, ino, inode);
}
