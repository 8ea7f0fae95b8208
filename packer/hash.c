/* hash.c - SHA-256 through libcrypto's SHA256_* functions.
 *
 * Those are deprecated in OpenSSL 3 in favour of EVP, but EVP looks the
 * digest up in its providers first, and that first fetch (0.65 ms), the
 * library's load and its clean-up at exit were a tenth of packing a
 * small tree. These functions are the same code (the CPU's SHA
 * instructions where there are some), need no provider, and cannot be
 * swapped by the host's openssl.cnf (a FIPS provider, say): the digest,
 * and so the image, never depends on it. mkrootfs links them statically
 * (packer.mk): a few KiB, no library to load. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "hash.h"
#include "hash_queue.h"
#include "util.h"

#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

/* SHA256_* fail only on a NULL context: never here. */
static void require(int ok, const char *what)
{
	if (!ok) {
		errorf("SHA-256 (libcrypto): %s failed", what);
		exit(1);
	}
}

void hash_init(struct hash *h)
{
	h->ctx = xmalloc(sizeof(SHA256_CTX));
	require(SHA256_Init(h->ctx), "SHA256_Init");
	h->queue = NULL;
}

void hash_init_threaded(struct hash *h)
{
	h->ctx = NULL;
	h->queue = hash_queue_start();
}

char *hash_reserve(struct hash *h, size_t n)
{
	return h->queue ? hash_queue_reserve(h->queue, n) : NULL;
}

void hash_update(struct hash *h, const void *data, size_t n)
{
	if (h->queue)
		hash_queue_update(h->queue, data, n);
	else if (n)
		require(SHA256_Update(h->ctx, data, n), "SHA256_Update");
}

void hash_string(struct hash *h, const char *s)
{
	hash_update(h, s, strlen(s) + 1);
}

void hash_u64(struct hash *h, uint64_t v)
{
	unsigned char b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	hash_update(h, b, sizeof(b));
}

void hash_final(struct hash *h, uint8_t out[HASH_BYTES])
{
	if (h->queue) {
		hash_queue_final(h->queue, out);
		h->queue = NULL;
		return;
	}
	require(SHA256_Final(out, h->ctx), "SHA256_Final");
	hash_discard(h);
}

void hash_discard(struct hash *h)
{
	if (h->queue)
		hash_queue_discard(h->queue);
	h->queue = NULL;
	free(h->ctx);
	h->ctx = NULL;
}

void hash_derive_uuid(const uint8_t digest[HASH_BYTES], const char *purpose,
		      uint8_t uuid[16])
{
	uint8_t full[HASH_BYTES];
	struct hash h;

	hash_init(&h);
	hash_update(&h, digest, HASH_BYTES);
	hash_string(&h, purpose);
	hash_final(&h, full);
	memcpy(uuid, full, 16);
	uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x80);	/* version 8 */
	uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80);	/* RFC variant */
}
