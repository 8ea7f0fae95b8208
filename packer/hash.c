/* hash.c - SHA-256 through libcrypto's EVP interface. */
#include "hash.h"
#include "hash_queue.h"
#include "util.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

/* libcrypto fails here only when out of memory (or without SHA-256 at
 * all): like every allocation of mkrootfs, that ends the program. */
static void require(int ok, const char *what)
{
	if (!ok) {
		errorf("SHA-256 (libcrypto): %s failed", what);
		exit(1);
	}
}

void hash_init(struct hash *h)
{
	EVP_MD_CTX *ctx;

	/* The host's openssl.cnf could swap the providers (FIPS, say): the
	 * digest, and so the image, must not depend on it. Not reading it
	 * also spares a millisecond per run. Repeated calls do nothing. */
	require(OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL), "OPENSSL_init_crypto");
	ctx = EVP_MD_CTX_new();

	require(ctx != NULL, "EVP_MD_CTX_new");
	require(EVP_DigestInit_ex(ctx, EVP_sha256(), NULL), "EVP_DigestInit_ex");
	h->ctx = ctx;
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
		require(EVP_DigestUpdate(h->ctx, data, n), "EVP_DigestUpdate");
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
	unsigned int len = 0;

	if (h->queue) {
		hash_queue_final(h->queue, out);
		h->queue = NULL;
		return;
	}
	require(EVP_DigestFinal_ex(h->ctx, out, &len) && len == HASH_BYTES,
		"EVP_DigestFinal_ex");
	hash_discard(h);
}

void hash_discard(struct hash *h)
{
	if (h->queue)
		hash_queue_discard(h->queue);
	h->queue = NULL;
	EVP_MD_CTX_free(h->ctx);
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
