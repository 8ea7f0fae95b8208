/* ext_write.h - installing manifest entries into an open ext2/3/4 file
 * system: directories, files, symlinks and nodes, owned 0:0, with the
 * manifest's modes and one fixed timestamp. */
#ifndef MKROOTFS_EXT_WRITE_H
#define MKROOTFS_EXT_WRITE_H

#include "manifest.h"

#include "hash.h"

#include <ext2fs/ext2fs.h>
#include <stdint.h>

/* Bytes of a file read (and written) at a time; a multiple of any block
 * size. Small enough to be read, hashed and written while still in the
 * core's cache: 1 MiB took 0.6 ms more of a small tree's 8. */
#define EXT_CHUNK (256 * 1024)

struct ext_writer {
	ext2_filsys fs;
	const struct manifest *m;
	uint32_t epoch;
	int update;		/* existing image: keep its directories, replace the rest */
	const char *doing;	/* the step that failed, for the message */
	char *parent_path;	/* the directory looked up last ... */
	ext2_ino_t parent_ino;	/* ... and its inode: entries come sorted */
	char *buf;		/* EXT_CHUNK bytes and a block to pad the last one */
	char *bmap_buf;		/* libext2fs's scratch for mapping (two blocks) */
	blk64_t goal;		/* where the next file data goes */
	ext2_ino_t *inos;	/* the inode of each installed entry (hard links) */
	struct hash *digest;	/* fed every entry and byte written, or NULL */
	char *src_dir;		/* the directory of the last source file ... */
	int src_dirfd;		/* ... open, for the next ones in it (or -1) */
};

void ext_writer_init(struct ext_writer *w, ext2_filsys fs, const struct manifest *m,
		     uint32_t epoch, int update);
void ext_writer_free(struct ext_writer *w);

/* Install one entry; its parent must already be there. Reports errors. */
errcode_t ext_install(struct ext_writer *w, const struct entry *e);

/* Resolve a directory path, following symlinks the way the kernel would
 * inside the image. */
errcode_t ext_lookup_dir(struct ext_writer *w, const char *path, ext2_ino_t *ino);

/* Remove one name of a non-directory; free the inode with its last link. */
errcode_t ext_remove_name(struct ext_writer *w, ext2_ino_t dir, const char *name,
			  ext2_ino_t ino);

/* Link with a retry after growing the directory. */
errcode_t ext_link(ext2_filsys fs, ext2_ino_t dir, const char *name,
		   ext2_ino_t ino, int filetype);

int ext_filetype(unsigned i_mode);

#endif
