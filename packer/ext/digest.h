/* digest.h - one hash over everything that goes into an image: its kind,
 * size and time, every entry of the manifest and every file's bytes. Same
 * inputs, same digest: the UUID and hash seed come from it, so the image
 * is reproducible. The writer feeds it as it writes (one pass over each
 * file's bytes). No system calls. */
#ifndef MKROOTFS_DIGEST_H
#define MKROOTFS_DIGEST_H

#include "hash.h"
#include "manifest.h"
#include "parse.h"

#include <stdint.h>

/* The block size of the content's description below. */
#define DIGEST_BLOCK 4096

/* Start a digest (h from hash_init or hash_init_threaded) with what the
 * whole image depends on. */
void digest_begin(struct hash *h, enum image_kind kind, uint64_t bytes, uint32_t epoch);

/* An entry's description: path, type, mode, owners, device numbers,
 * size, link target, and which earlier entry it is a hard link of. */
void digest_entry(struct hash *h, const struct manifest *m, const struct entry *e);

/* One block of a file's content that is not all zeros, with its index:
 * zero blocks (and holes) are left out, so how sparse the source file is
 * does not matter, only its bytes. */
void digest_block(struct hash *h, uint64_t index, const void *data, size_t len);

/* The manifest alone, without file contents: what is known before any
 * file is read (ext4's checksum seed comes from it). */
void digest_manifest(const struct manifest *m, enum image_kind kind, uint64_t bytes,
		     uint32_t epoch, uint8_t out[HASH_BYTES]);

#endif
