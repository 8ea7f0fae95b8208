/* digest.c - what of each entry goes into the image's digest. */
#include "ext/digest.h"

void digest_begin(struct hash *h, enum image_kind kind, uint64_t bytes, uint32_t epoch)
{
	hash_string(h, kind_name(kind));
	hash_u64(h, bytes);
	hash_u64(h, epoch);
}

void digest_entry(struct hash *h, const struct manifest *m, const struct entry *e)
{
	const struct entry *first = manifest_first_link(m, e);

	hash_string(h, e->path);
	hash_u64(h, e->type);
	hash_u64(h, e->mode);
	hash_u64(h, (uint64_t)e->uid << 32 | e->gid);
	hash_u64(h, (uint64_t)e->major << 32 | e->minor);
	hash_u64(h, e->size);
	if (e->type == E_SYMLINK)
		hash_string(h, e->target);
	hash_string(h, first != e ? first->path : "");
}

void digest_block(struct hash *h, uint64_t index, const void *data, size_t len)
{
	hash_u64(h, index);
	hash_update(h, data, len);
}

void digest_manifest(const struct manifest *m, enum image_kind kind, uint64_t bytes,
		     uint32_t epoch, uint8_t out[HASH_BYTES])
{
	struct hash h;

	hash_init(&h);
	digest_begin(&h, kind, bytes, epoch);
	for (size_t i = 0; i < m->n; i++)
		digest_entry(&h, m, &m->e[i]);
	hash_final(&h, out);
}
