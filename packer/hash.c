/* hash.c - the image's hash: SHA-256 (sha256.c) on this thread, or on a
 * thread of its own (hash_queue.c). */
#include "hash.h"
#include "hash_queue.h"
#include "sha256.h"

#include <string.h>

void hash_init(struct hash *h)
{
	h->ctx = sha256_start();
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
	else
		sha256_update(h->ctx, data, n);
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
	sha256_final(h->ctx, out);
	h->ctx = NULL;
}

void hash_discard(struct hash *h)
{
	if (h->queue)
		hash_queue_discard(h->queue);
	else if (h->ctx)
		sha256_discard(h->ctx);
	h->queue = NULL;
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
