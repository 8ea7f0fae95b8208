/* newc.h - the "new ASCII" cpio format: 110-byte hex headers, names and
 * data padded to 4 bytes. Pure. */
#ifndef MKROOTFS_NEWC_H
#define MKROOTFS_NEWC_H

#include "manifest.h"

#include <stddef.h>
#include <stdint.h>

#define NEWC_HEADER_LEN 110

struct newc_fields {
	unsigned ino, mode, uid, gid, nlink;
	uint32_t mtime;
	uint32_t filesize;
	unsigned rdevmajor, rdevminor;
};

/* Header, name and padding to 4 bytes into buf; returns the length, or 0
 * if cap is too small. Pure. */
size_t newc_header(char *buf, size_t cap, const char *name, const struct newc_fields *f);

/* The newc mode (type and permission bits) of an entry. */
unsigned newc_mode(const struct entry *e);

/* Whether a path names a gzip-compressed archive ("*.gz"). */
int archive_wants_gzip(const char *path);

/* Offsets of the filesize and namesize fields in a header (8 hex digits). */
#define NEWC_FILESIZE_AT 54
#define NEWC_NAMESIZE_AT 94

/* Read the header at p (avail bytes there): its fields and the size of the
 * name after it (its NUL included). 0, or -1 when it is not one (another
 * magic than 070701 or 070702, a field that is not hex). */
int newc_parse(const char *p, size_t avail, struct newc_fields *f, size_t *namesize);

/* Bytes of padding after n bytes, to the next multiple of 4. */
size_t newc_pad(size_t n);

#endif
