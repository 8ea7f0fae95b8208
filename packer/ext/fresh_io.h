/* fresh_io.h - a libext2fs I/O manager for a brand-new, sparse image
 * file: the unix manager, except that
 * - writing zeros to a block that was never written is skipped (it reads
 *   as zeros already): libext2fs zeroes every block it allocates before
 *   use, the whole ext3 journal, each file block before its data; without
 *   this the host would store them;
 * - reading a block never written gives zeros without the file, and a
 *   metadata block written before comes from a copy kept in memory
 *   (libext2fs's own cache holds 8 blocks);
 * - file data can go straight to the file (fresh_write_through), and is
 *   handed to the disk in the background as it is written. */
#ifndef MKROOTFS_FRESH_IO_H
#define MKROOTFS_FRESH_IO_H

#include <ext2fs/ext2fs.h>

/* Only for a file that is all holes when opened; one at a time. Reads of
 * blocks never written are answered with zeros, without the file. */
io_manager fresh_io_manager(void);

/* Whether ch was opened by the manager above. */
int fresh_io_owns(io_channel ch);

/* Write count blocks straight to the file, around libext2fs's block cache:
 * only for blocks the cache has never held (blocks newly allocated in the
 * new image, which were never read or written before). */
errcode_t fresh_write_through(io_channel ch, unsigned long long block, unsigned long long count,
			      const void *data);

#endif
