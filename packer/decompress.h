/* decompress.h - kernel modules compressed the way distributions ship
 * them (.ko.xz, .ko.zst, .ko.gz), decompressed with the real libraries:
 * a kernel without CONFIG_MODULE_DECOMPRESS loads only plain .ko files. */
#ifndef MKROOTFS_DECOMPRESS_H
#define MKROOTFS_DECOMPRESS_H

#include <stddef.h>

/* Length of the compression suffix of a module's file name (".xz" of
 * "a.ko.xz"), 0 when it is no compressed module. Pure. */
size_t module_compression_suffix(const char *name);

/* Decompress src into the new file dst. 0, or -1 with a message in err
 * (ERRLEN). */
int decompress_module(const char *src, const char *dst, char *err);

#endif
