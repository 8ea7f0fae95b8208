/* newc.c - newc cpio headers, the format of the kernel's initramfs.
 * Pure: the unit tests link it directly. */
#include "newc.h"

#include <stdio.h>
#include <string.h>

size_t newc_pad(size_t n)
{
	return (4 - (n & 3)) & 3;
}

size_t newc_header(char *buf, size_t cap, const char *name, const struct newc_fields *f)
{
	size_t namesize = strlen(name) + 1;
	size_t len = NEWC_HEADER_LEN + namesize;
	size_t total = len + newc_pad(len);

	if (cap < total + 1)
		return 0;
	/* magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor,
	 * devminor, rdevmajor, rdevminor, namesize, check */
	snprintf(buf, cap, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08zX%08X",
		 f->ino, f->mode, f->uid, f->gid, f->nlink, (unsigned)f->mtime,
		 (unsigned)f->filesize, 0u, 0u, f->rdevmajor, f->rdevminor, namesize, 0u);
	memcpy(buf + NEWC_HEADER_LEN, name, namesize);
	memset(buf + len, 0, newc_pad(len));
	return total;
}

unsigned newc_mode(const struct entry *e)
{
	static const unsigned type[] = {
		[E_DIR] = 0040000, [E_FILE] = 0100000, [E_SYMLINK] = 0120000,
		[E_CHAR] = 0020000, [E_BLOCK] = 0060000, [E_FIFO] = 0010000,
		[E_SOCKET] = 0140000,
	};
	return type[e->type] | e->mode;
}

int archive_wants_gzip(const char *path)
{
	size_t n = strlen(path);

	return n > 3 && strcmp(path + n - 3, ".gz") == 0;
}

static int hex8(const char *p, uint32_t *v)
{
	*v = 0;
	for (int i = 0; i < 8; i++) {
		int c = p[i], d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (d < 0)
			return -1;
		*v = *v << 4 | (uint32_t)d;
	}
	return 0;
}

int newc_parse(const char *p, size_t avail, struct newc_fields *f, size_t *namesize)
{
	uint32_t v[13];

	if (avail < NEWC_HEADER_LEN ||
	    (memcmp(p, "070701", 6) != 0 && memcmp(p, "070702", 6) != 0))
		return -1;
	for (int i = 0; i < 13; i++)
		if (hex8(p + 6 + 8 * i, &v[i]) < 0)
			return -1;
	/* ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor,
	 * rdevmajor, rdevminor, namesize, check */
	*f = (struct newc_fields){ .ino = v[0], .mode = v[1], .uid = v[2], .gid = v[3],
				   .nlink = v[4], .mtime = v[5], .filesize = v[6],
				   .rdevmajor = v[9], .rdevminor = v[10] };
	*namesize = v[11];
	return 0;
}
