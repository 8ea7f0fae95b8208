/* sha256.c - SHA-256 through libcrypto's SHA256_* functions.
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
#include "sha256.h"
#include "util.h"

#include <openssl/sha.h>
#include <stdlib.h>

/* SHA256_* fail only on a NULL context: never here. */
static void require(int ok, const char *what)
{
	if (!ok) {
		errorf("SHA-256 (libcrypto): %s failed", what);
		exit(1);
	}
}

SHA256_CTX *sha256_start(void)
{
	SHA256_CTX *ctx = xmalloc(sizeof(*ctx));

	require(SHA256_Init(ctx), "SHA256_Init");
	return ctx;
}

void sha256_update(SHA256_CTX *ctx, const void *data, size_t n)
{
	if (n)
		require(SHA256_Update(ctx, data, n), "SHA256_Update");
}

void sha256_final(SHA256_CTX *ctx, uint8_t out[SHA256_BYTES])
{
	require(SHA256_Final(out, ctx), "SHA256_Final");
	free(ctx);
}

void sha256_discard(SHA256_CTX *ctx)
{
	free(ctx);
}
