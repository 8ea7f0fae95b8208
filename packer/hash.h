/* hash.h - SHA-256 (OpenSSL's libcrypto, which uses the CPU's SHA
 * instructions where there are some) of the image's inputs. It gives
 * different inputs different UUIDs and directory hash seeds, and the same
 * inputs the same ones. No system calls, but those of the threaded hash's
 * thread. */
#ifndef MKROOTFS_HASH_H
#define MKROOTFS_HASH_H

#include "sha256.h"

#include <stddef.h>
#include <stdint.h>

#define HASH_BYTES SHA256_BYTES

struct hash_queue;

struct hash {
	struct SHA256state_st *ctx;	/* sha256.h's */
	struct hash_queue *queue;	/* or the thread that hashes (hash_queue.h) */
};

void hash_init(struct hash *h);
/* The same digest, taken on a thread of its own while the caller goes on. */
void hash_init_threaded(struct hash *h);
/* n bytes to fill with what will be hashed next, hashed from there without
 * a copy (see hash_queue_reserve); NULL for an unthreaded hash. */
char *hash_reserve(struct hash *h, size_t n);
void hash_update(struct hash *h, const void *data, size_t n);
/* Hash a string with its terminating NUL, so "ab"+"c" differs from "a"+"bc". */
void hash_string(struct hash *h, const char *s);
/* Eight bytes, little-endian whatever the host: digests (and so images) do
 * not depend on where mkrootfs runs. */
void hash_u64(struct hash *h, uint64_t v);
/* The digest; the hash is finished (and freed) by it. */
void hash_final(struct hash *h, uint8_t out[HASH_BYTES]);
/* Drop a hash without a digest (after an error). */
void hash_discard(struct hash *h);

/* A UUID (RFC 9562 version 8, "custom"): the first 16 bytes of the SHA-256
 * of a digest and a purpose ("uuid", "hash seed"), so the two never
 * coincide. */
void hash_derive_uuid(const uint8_t digest[HASH_BYTES], const char *purpose,
		      uint8_t uuid[16]);

#endif
