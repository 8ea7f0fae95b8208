/* mounted.h - is an image file in use as a mounted file system? */
#ifndef MKROOTFS_MOUNTED_H
#define MKROOTFS_MOUNTED_H

#include <stddef.h>

/* 1 if image is mounted (directly, by a FUSE driver, or through a loop
 * device), with where in `where`; 0 if not; -1 if it cannot be told
 * (errno set). Only this mount namespace can be seen. */
int image_is_mounted(const char *image, char *where, size_t len);

#endif
