/* cpio.h - the manifest as a newc cpio archive (the kernel's initramfs
 * format), gzip-compressed on request. Written directly: no cpio binary. */
#ifndef MKROOTFS_CPIO_H
#define MKROOTFS_CPIO_H

#include "manifest.h"

#include <stddef.h>
#include <stdint.h>

/* Write the whole archive to fd (path names it in messages), through gzip
 * if asked. 0, or -1 after reporting. */
int cpio_write(int fd, const char *path, int gzip, const struct manifest *m,
	       uint32_t epoch);

#endif
