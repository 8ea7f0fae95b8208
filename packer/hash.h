/* hash.h - a fast 128-bit hash of the image's inputs. It is not
 * cryptographic: it only has to give different inputs different UUIDs and
 * directory hash seeds, and the same inputs the same ones. Pure. */
#ifndef MKROOTFS_HASH_H
#define MKROOTFS_HASH_H

#include <stddef.h>
#include <stdint.h>

struct hash128 {
	uint64_t a, b, len;
	unsigned char tail[8];
	size_t ntail;
};

void hash_init(struct hash128 *h, uint64_t seed);
void hash_update(struct hash128 *h, const void *data, size_t n);
/* Hash a string with its terminating NUL, so "ab"+"c" differs from "a"+"bc". */
void hash_string(struct hash128 *h, const char *s);
void hash_u64(struct hash128 *h, uint64_t v);
void hash_final(const struct hash128 *h, uint8_t out[16]);

/* A UUID (RFC 9562 version 8, "custom") derived from a digest and a
 * purpose ("uuid", "hash seed"), so the two never coincide. */
void hash_derive_uuid(const uint8_t digest[16], const char *purpose, uint8_t uuid[16]);

#endif
