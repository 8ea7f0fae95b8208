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
