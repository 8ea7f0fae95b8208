/* fresh_io.c - remembering which 4 KiB pages of the new file were written,
 * so that a write of zeros to an untouched page can be dropped, and a read
 * of one (libext2fs reads inode table and other blocks before changing
 * them) is answered with zeros without asking the kernel to zero-fill a
 * page of the file's hole. */
#include "ext/fresh_io.h"
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
static uint64_t unsynced;	/* bytes written there since writeback was started */

/* File data is handed to the disk as it is written, in the background, so
 * the fsync before the image is renamed into place has little left to
 * wait for: from the first MiB, so even a small tree's busybox is on its
 * way while the links are made. */
#define WRITEBACK_EVERY (1u << 20)

/* A copy of every metadata block written (inode tables, directories,
 * indirect blocks...): libext2fs reads them back again and again, and its
 * own cache holds 8 blocks. Reads of blocks all found here are served from
 * memory; the writes still go to the unix manager, so leaving a block out
 * is always correct. */
#define KEPT_MAX_BYTES (64u << 20)
#define KEPT_COUNT 8		/* blocks in one write, at most: metadata, not data */
struct kept {
	uint64_t key;		/* block number + 1; 0: free slot */
	char *data;
};
#define FORGOTTEN UINT64_MAX
static struct kept *kept;
static size_t kept_cap, kept_n;
static unsigned kept_size;	/* the block size of every kept block */

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

static struct kept *kept_slot(uint64_t block)
{
	size_t i = (size_t)(block * 0x9e3779b97f4a7c15ULL >> 20) & (kept_cap - 1);

	while (kept[i].key && kept[i].key != block + 1)
		i = (i + 1) & (kept_cap - 1);
	return &kept[i];
}

static void kept_grow(void)
{
	struct kept *old = kept;
	size_t n = kept_cap;

	kept_cap = n ? 2 * n : 1024;
	kept = xcalloc(kept_cap, sizeof(*kept));
	for (size_t i = 0; i < n; i++)
		if (old[i].key == FORGOTTEN)
			free(old[i].data);
		else if (old[i].key)
			*kept_slot(old[i].key - 1) = old[i];
	free(old);
}

static void keep_blocks(io_channel ch, unsigned long long block, int count, const void *data)
{
	if (count <= 0 || (kept_size && kept_size != (unsigned)ch->block_size))
		return;
	kept_size = ch->block_size;
	for (int i = 0; i < count; i++) {
		struct kept *k = kept_cap ? kept_slot(block + i) : NULL;

		/* A block kept already gets the new bytes even when the copies
		 * take all their room: else reads would serve the old ones
		 * (a directory's new entries lost on an image of 80,000+
		 * files). A new block past the room is not kept: it is read
		 * from the file. */
		if (!k || !k->key) {
			if ((kept_n + 1) * (uint64_t)kept_size > KEPT_MAX_BYTES)
				continue;
			if (2 * (kept_n + 1) > kept_cap)
				kept_grow();
			k = kept_slot(block + i);
		}
		if (!k->key) {
			k->key = block + i + 1;
			k->data = xmalloc(kept_size);
			kept_n++;
		}
		memcpy(k->data, (const char *)data + (size_t)i * kept_size, kept_size);
	}
}

/* Byte writes (the superblock) are not kept: drop what they overlap. */
static void forget_bytes(uint64_t off, uint64_t len)
{
	if (!kept_size || !len)
		return;
	for (uint64_t b = off / kept_size; b <= (off + len - 1) / kept_size; b++) {
		struct kept *k = kept_cap ? kept_slot(b) : NULL;

		if (k && k->key)
			k->key = FORGOTTEN;	/* the slot stays taken: later keys probe past it */
	}
}

static int read_kept(io_channel ch, unsigned long long block, int count, void *data)
{
	if (count <= 0 || !kept_cap || (unsigned)ch->block_size != kept_size)
		return 0;
	for (int i = 0; i < count; i++)
		if (!kept_slot(block + i)->key)
			return 0;
	for (int i = 0; i < count; i++)
		memcpy((char *)data + (size_t)i * kept_size, kept_slot(block + i)->data, kept_size);
	return 1;
}

static void forget_kept(void)
{
	for (size_t i = 0; i < kept_cap; i++)
		free(kept[i].data);
	free(kept);
	kept = NULL;
	kept_cap = kept_n = 0;
	kept_size = 0;
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
	if (read_kept(ch, block, count, data) || read_as_zeros(ch, block, count, data))
		return 0;
	return unix_io_manager->read_blk64(ch, block, count, data);
}

static errcode_t fresh_read_blk(io_channel ch, unsigned long block, int count,
				void *data)
{
	if (read_kept(ch, block, count, data) || read_as_zeros(ch, block, count, data))
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
	if (count > 0 && count <= KEPT_COUNT)
		keep_blocks(ch, block, count, data);
	else
		forget_bytes(off, len);
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
	forget_bytes(offset, (uint64_t)count);
	return unix_io_manager->write_byte(ch, offset, count, data);
}

static errcode_t fresh_zeroout(io_channel ch, unsigned long long block,
			       unsigned long long count)
{
	uint64_t off = block * (uint64_t)ch->block_size;
	uint64_t len = count * (uint64_t)ch->block_size;

	if (off % PAGE == 0 && len % PAGE == 0 && untouched(off, len))
		return 0;
	forget_bytes(off, len);
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
	forget_kept();
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
	forget_kept();
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
	forget_bytes(off, len);
	while (len) {
		ssize_t n = pwrite(direct_fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EXT2_ET_SHORT_WRITE;
		p += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
		unsynced += (uint64_t)n;
	}
	if (unsynced >= WRITEBACK_EVERY) {
		sync_file_range(direct_fd, 0, 0, SYNC_FILE_RANGE_WRITE);	/* a hint: errors come with fsync */
		unsynced = 0;
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
