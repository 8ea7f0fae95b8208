/* hash.c - two 64-bit multiply-xorshift lanes over 8-byte words. */
#include "hash.h"

#include <string.h>

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static uint64_t rotl(uint64_t x, int r)
{
	return x << r | x >> (64 - r);
}

/* Bytes are read little-endian whatever the host, so digests (and thus
 * images) do not depend on where mkrootfs runs. */
static uint64_t load64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void eat_word(struct hash128 *h, uint64_t w)
{
	h->a = rotl(h->a ^ mix(w + 0x9e3779b97f4a7c15ULL), 27) * 5 + 0x52dce729;
	h->b = rotl(h->b + mix(w ^ 0x6a09e667f3bcc909ULL), 31) * 9 + h->a;
}

void hash_init(struct hash128 *h, uint64_t seed)
{
	h->a = mix(seed ^ 0x243f6a8885a308d3ULL);
	h->b = mix(seed + 0x13198a2e03707344ULL);
	h->len = 0;
	h->ntail = 0;
}

void hash_update(struct hash128 *h, const void *data, size_t n)
{
	const unsigned char *p = data;

	h->len += n;
	while (n && h->ntail) {
		h->tail[h->ntail++] = *p++;
		n--;
		if (h->ntail == 8) {
			eat_word(h, load64(h->tail));
			h->ntail = 0;
		}
	}
	for (; n >= 8; p += 8, n -= 8)
		eat_word(h, load64(p));
	memcpy(h->tail, p, n);
	h->ntail += n;
}

void hash_string(struct hash128 *h, const char *s)
{
	hash_update(h, s, strlen(s) + 1);
}

void hash_u64(struct hash128 *h, uint64_t v)
{
	unsigned char b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	hash_update(h, b, sizeof(b));
}

void hash_final(const struct hash128 *h, uint8_t out[16])
{
	struct hash128 c = *h;
	unsigned char last[8] = { 0 };
	uint64_t a, b;

	memcpy(last, c.tail, c.ntail);
	eat_word(&c, load64(last));
	eat_word(&c, c.len);
	a = mix(c.a ^ c.b);
	b = mix(c.b + a);
	for (int i = 0; i < 8; i++) {
		out[i] = (uint8_t)(a >> (8 * i));
		out[8 + i] = (uint8_t)(b >> (8 * i));
	}
}

void hash_derive_uuid(const uint8_t digest[16], const char *purpose, uint8_t uuid[16])
{
	struct hash128 h;

	hash_init(&h, 0);
	hash_update(&h, digest, 16);
	hash_string(&h, purpose);
	hash_final(&h, uuid);
	uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x80);	/* version 8 */
	uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80);	/* RFC variant */
}
