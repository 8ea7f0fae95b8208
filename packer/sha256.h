/* sha256.h - plain SHA-256 through libcrypto: the one hash under hash.h,
 * taken here on the caller's thread or on hash_queue's. No system calls. */
#ifndef MKROOTFS_SHA256_H
#define MKROOTFS_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_BYTES 32

struct SHA256state_st;

/* A new context (malloc'd). */
struct SHA256state_st *sha256_start(void);
void sha256_update(struct SHA256state_st *ctx, const void *data, size_t n);
/* The digest; ctx is freed. */
void sha256_final(struct SHA256state_st *ctx, uint8_t out[SHA256_BYTES]);
/* Drop ctx without a digest. */
void sha256_discard(struct SHA256state_st *ctx);

#endif
