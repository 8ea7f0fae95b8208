/* digest.h - one hash over everything that goes into an image: the
 * manifest and every file's bytes. Same inputs, same digest: the UUID and
 * hash seed come from it, so the image is reproducible. */
#ifndef MKROOTFS_DIGEST_H
#define MKROOTFS_DIGEST_H

#include "manifest.h"
#include "parse.h"

#include <stdint.h>

/* 0, or -1 after reporting (a source could not be read). */
int image_digest(const struct manifest *m, enum image_kind kind, uint64_t bytes,
		 uint32_t epoch, uint8_t digest[16]);

#endif
