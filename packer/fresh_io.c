/* fresh_io.c - remembering which 4 KiB pages of the new file were written,
 * so that a write of zeros to an untouched page can be dropped, and a read
 * of one (libext2fs reads inode table and other blocks before changing
 * them) is answered with zeros without asking the kernel to zero-fill a
 * page of the file's hole. */
#include "fresh_io.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PAGE 4096u
#define CHUNK_PAGES 32768u	/* pages per bitmap chunk (a 4 KiB bitmap) */

static struct struct_io_manager fresh;
static uint8_t **chunks;	/* chunk i covers pages [i*CHUNK_PAGES, ...) */
static size_t nchunks;
static int direct_fd = -1;	/* the same file, for writes around the cache */

static int page_written(uint64_t page)
{
	uint64_t c = page / CHUNK_PAGES, bit = page % CHUNK_PAGES;

	return c < nchunks && chunks[c] && (chunks[c][bit / 8] >> (bit % 8) & 1);
}

static void mark_page(uint64_t page)
{
	uint64_t c = page / CHUNK_PAGES, bit = page % CHUNK_PAGES;

	if (c >= nchunks) {
		chunks = xrealloc(chunks, (size_t)(c + 1) * sizeof(*chunks));
		memset(chunks + nchunks, 0, (size_t)(c + 1 - nchunks) * sizeof(*chunks));
		nchunks = (size_t)c + 1;
	}
	if (!chunks[c])
		chunks[c] = xcalloc(CHUNK_PAGES / 8, 1);
	chunks[c][bit / 8] |= (uint8_t)(1u << (bit % 8));
}

static void mark_bytes(uint64_t off, uint64_t len)
{
	for (uint64_t p = off / PAGE; len && p <= (off + len - 1) / PAGE; p++)
		mark_page(p);
}

/* No page that [off, off + len) overlaps was ever written. */
static int untouched(uint64_t off, uint64_t len)
{
	for (uint64_t p = off / PAGE; len && p <= (off + len - 1) / PAGE; p++)
		if (page_written(p))
			return 0;
	return 1;
}

static uint64_t request_bytes(io_channel ch, int count)
{
	return count < 0 ? (uint64_t)-count : (uint64_t)count * (uint64_t)ch->block_size;
}

/* 1 when the read was answered with zeros: the file is new and sparse, so
 * what was never written reads as zeros anyway. */
static int read_as_zeros(io_channel ch, unsigned long long block, int count, void *data)
{
	uint64_t len = request_bytes(ch, count);

	if (!untouched(block * (uint64_t)ch->block_size, len))
		return 0;
	memset(data, 0, (size_t)len);
	return 1;
}

static errcode_t fresh_read_blk64(io_channel ch, unsigned long long block,
				  int count, void *data)
{
	if (read_as_zeros(ch, block, count, data))
		return 0;
	return unix_io_manager->read_blk64(ch, block, count, data);
}

static errcode_t fresh_read_blk(io_channel ch, unsigned long block, int count,
				void *data)
{
	if (read_as_zeros(ch, block, count, data))
		return 0;
	return unix_io_manager->read_blk(ch, block, count, data);
}

static int all_zero(const unsigned char *p, uint64_t len)
{
	return len == 0 || (p[0] == 0 && memcmp(p, p + 1, (size_t)len - 1) == 0);
}

/* 1 when the write can be dropped; otherwise its pages are marked. */
static int skip_write(io_channel ch, unsigned long long block, int count, const void *data)
{
	uint64_t len = request_bytes(ch, count);
	uint64_t off = block * (uint64_t)ch->block_size;

	if (off % PAGE == 0 && len % PAGE == 0 && untouched(off, len) && all_zero(data, len))
		return 1;
	mark_bytes(off, len);
	return 0;
}

static errcode_t fresh_write_blk64(io_channel ch, unsigned long long block,
				   int count, const void *data)
{
	if (skip_write(ch, block, count, data))
		return 0;
	return unix_io_manager->write_blk64(ch, block, count, data);
}

static errcode_t fresh_write_blk(io_channel ch, unsigned long block, int count,
				 const void *data)
{
	if (skip_write(ch, block, count, data))
		return 0;
	return unix_io_manager->write_blk(ch, block, count, data);
}

static errcode_t fresh_write_byte(io_channel ch, unsigned long offset, int count,
				  const void *data)
{
	mark_bytes(offset, (uint64_t)count);
	return unix_io_manager->write_byte(ch, offset, count, data);
}

static errcode_t fresh_zeroout(io_channel ch, unsigned long long block,
			       unsigned long long count)
{
	uint64_t off = block * (uint64_t)ch->block_size;
	uint64_t len = count * (uint64_t)ch->block_size;

	if (off % PAGE == 0 && len % PAGE == 0 && untouched(off, len))
		return 0;
	return unix_io_manager->zeroout(ch, block, count);
}

static void forget_pages(void)
{
	for (size_t i = 0; i < nchunks; i++)
		free(chunks[i]);
	free(chunks);
	chunks = NULL;
	nchunks = 0;
}

static void close_direct(void)
{
	if (direct_fd >= 0)
		close(direct_fd);
	direct_fd = -1;
}

static errcode_t fresh_open(const char *name, int flags, io_channel *ch)
{
	errcode_t rc = unix_io_manager->open(name, flags, ch);

	forget_pages();
	close_direct();
	if (rc)
		return rc;
	(*ch)->manager = &fresh;
	if ((flags & IO_FLAG_RW) && (direct_fd = open(name, O_WRONLY | O_CLOEXEC)) < 0) {
		rc = errno;
		unix_io_manager->close(*ch);
	}
	return rc;
}

static errcode_t fresh_close(io_channel ch)
{
	forget_pages();
	close_direct();
	return unix_io_manager->close(ch);
}

int fresh_io_owns(io_channel ch)
{
	return ch->manager == &fresh;
}

errcode_t fresh_write_through(io_channel ch, unsigned long long block, unsigned long long count,
			      const void *data)
{
	uint64_t off = block * (uint64_t)ch->block_size;
	uint64_t len = count * (uint64_t)ch->block_size;
	const char *p = data;

	if (direct_fd < 0)
		return EXT2_ET_RO_FILSYS;
	mark_bytes(off, len);
	while (len) {
		ssize_t n = pwrite(direct_fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EXT2_ET_SHORT_WRITE;
		p += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

io_manager fresh_io_manager(void)
{
	if (!fresh.magic) {
		fresh = *unix_io_manager;
		fresh.name = "new sparse image file";
		fresh.open = fresh_open;
		fresh.close = fresh_close;
		fresh.read_blk = fresh_read_blk;
		fresh.read_blk64 = fresh_read_blk64;
		fresh.write_blk = fresh_write_blk;
		fresh.write_blk64 = fresh_write_blk64;
		fresh.write_byte = fresh_write_byte;
		fresh.zeroout = fresh_zeroout;
	}
	return &fresh;
}
