/* cpio.h - newc cpio archives (the kernel's initramfs format), plain or
 * gzip-compressed, written directly: no cpio binary. A new archive from a
 * manifest, or (cpio_update.c) an existing one with our init put in. */
#ifndef MKROOTFS_CPIO_H
#define MKROOTFS_CPIO_H

#include "manifest.h"

#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

/* Where the bytes go: the file itself, or zlib's gzip stream over it. */
struct cpio_sink {
	int fd;
	gzFile gz;
	const char *path;	/* for messages */
	uint64_t offset;	/* in the uncompressed archive, for padding */
	char *buf;		/* headers and copies */
};

/* 0, or -1 after reporting. */
int cpio_sink_start(struct cpio_sink *s, int fd, const char *path, int gzip);
int cpio_sink_write(struct cpio_sink *s, const void *buf, size_t len);
/* Zeros up to the next multiple of 4 bytes. */
int cpio_sink_pad(struct cpio_sink *s);
/* Ends the gzip stream (the fd stays open); frees the buffer. */
int cpio_sink_finish(struct cpio_sink *s);

/* Write the manifest's entries (never the root, which is the kernel's
 * rootfs itself) for which skip() is false, inode numbers from first_ino
 * on; hard links share one number and the last of them carries the data,
 * as the kernel and GNU cpio expect. 0, or -1 after reporting. */
int cpio_write_entries(struct cpio_sink *s, const struct manifest *m, unsigned first_ino,
		       uint32_t epoch, int (*skip)(const struct entry *e, void *ctx), void *ctx);
/* The "TRAILER!!!" entry that ends an archive. */
int cpio_write_trailer(struct cpio_sink *s);

/* Write the whole archive to fd (path names it in messages), through gzip
 * if asked. 0, or -1 after reporting. */
int cpio_write(int fd, const char *path, int gzip, const struct manifest *m,
	       uint32_t epoch);

#endif
