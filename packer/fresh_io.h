/* fresh_io.h - a libext2fs I/O manager for a brand-new, sparse image
 * file: the unix manager, except that writing zeros to a block that was
 * never written is skipped (it reads as zeros already). libext2fs zeroes
 * every block it allocates before use: the whole ext3 journal, and each
 * file block before its data. Without this the host would store them. */
#ifndef MKROOTFS_FRESH_IO_H
#define MKROOTFS_FRESH_IO_H

#include <ext2fs/ext2fs.h>

/* Only for a file that is all holes when opened; one at a time. */
io_manager fresh_io_manager(void);

#endif
