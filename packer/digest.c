/* digest.c - hashing the manifest and the contents of its files. */
#include "digest.h"
#include "hash.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READ_BUFFER (256 * 1024)

static int hash_file(struct hash128 *h, const struct entry *e, char *buf)
{
	int fd = open(e->source, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n;

	if (fd < 0) {
		errorf("%s: cannot read %s: %s", e->origin, e->source, strerror(errno));
		return -1;
	}
	while ((n = read(fd, buf, READ_BUFFER)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			errorf("%s: reading %s: %s", e->origin, e->source, strerror(errno));
			close(fd);
			return -1;
		}
		hash_update(h, buf, (size_t)n);
	}
	close(fd);
	return 0;
}

static int hash_entry(struct hash128 *h, const struct entry *e, char *buf)
{
	hash_string(h, e->path);
	hash_u64(h, e->type);
	hash_u64(h, e->mode);
	hash_u64(h, (uint64_t)e->uid << 32 | e->gid);
	hash_u64(h, (uint64_t)e->major << 32 | e->minor);
	hash_u64(h, e->size);
	if (e->type == E_SYMLINK)
		hash_string(h, e->target);
	if (e->type != E_FILE)
		return 0;
	if (e->source)
		return hash_file(h, e, buf);
	hash_update(h, e->data, (size_t)e->size);
	return 0;
}

int image_digest(const struct manifest *m, enum image_kind kind, uint64_t bytes,
		 uint32_t epoch, uint8_t digest[16])
{
	char *buf = xmalloc(READ_BUFFER);
	struct hash128 h;
	int rc = 0;

	hash_init(&h, 0);
	hash_string(&h, kind_name(kind));
	hash_u64(&h, bytes);
	hash_u64(&h, epoch);
	for (size_t i = 0; i < m->n && rc == 0; i++)
		rc = hash_entry(&h, &m->e[i], buf);
	hash_final(&h, digest);
	free(buf);
	return rc;
}
