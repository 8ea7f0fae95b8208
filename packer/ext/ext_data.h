/* ext_data.h - a regular file's bytes into an ext2/3/4 image, in one pass
 * over them: the image's digest is fed from the same buffer. */
#ifndef MKROOTFS_EXT_DATA_H
#define MKROOTFS_EXT_DATA_H

#include "ext/ext_write.h"

/* Write e's content (its source file or built-in data) as the blocks of
 * inode ino, whose in-memory copy is *inode (written back here, with the
 * size and block count). Holes of the source are not read; blocks of
 * zeros stay holes. w->doing says what failed. */
errcode_t ext_write_data(struct ext_writer *w, ext2_ino_t ino, struct ext2_inode *inode,
			 const struct entry *e);

#endif
