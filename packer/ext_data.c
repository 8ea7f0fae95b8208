/* ext_data.c - file contents: each run of non-zero blocks goes to
 * contiguous free blocks, mapped there, and reaches the image file in one
 * large write instead of one write per block (libext2fs's ext2fs_file_write
 * allocates, maps and writes a block at a time). */
#include "ext_data.h"
#include "digest.h"
#include "fresh_io.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	/* BMAP_ALLOC: the indirect blocks that map it, when missing */
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

/* n blocks of data for logical blocks lblk.., placed after the last ones. */
static errcode_t place_run(struct file_out *f, blk64_t lblk, blk64_t n, const char *data)
{
	ext2_filsys fs = f->w->fs;
	blk64_t pblk, got;
	errcode_t rc;

	while (n) {
		f->w->doing = "allocating blocks for";
		rc = ext2fs_new_range(fs, 0, f->w->goal, n, NULL, &pblk, &got);
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

static errcode_t read_full(int fd, char *buf, size_t len, uint64_t pos)
{
	while (len) {
		ssize_t n = pread(fd, buf, len, (off_t)pos);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			return EXT2_ET_SHORT_READ;
		buf += n;
		len -= (size_t)n;
		pos += (uint64_t)n;
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

		f->w->doing = "reading the source of";
		if ((rc = read_full(fd, f->w->buf, len, pos)))
			return rc;
		memset(f->w->buf + len, 0, f->bs - 1);
		if ((rc = put_chunk(f, pos, f->w->buf, len)))
			return rc;
		pos += len;
	}
	return 0;
}

static errcode_t put_file(struct file_out *f, const struct entry *e)
{
	struct stat st;
	errcode_t rc;
	int fd;

	f->w->doing = "reading the source of";
	fd = open(e->source, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return errno;
	rc = put_source(f, e, fd);
	if (!rc && (fstat(fd, &st) < 0 || (uint64_t)st.st_size != e->size)) {
		f->w->doing = "copying (the source changed size while being read)";
		rc = EXT2_ET_SHORT_READ;
	}
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
