/* cpio.c - the archive writer: headers from newc.c, bytes to a file or
 * through zlib. */
#include "cpio.h"
#include "newc.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COPY_BUFFER (256 * 1024)

int cpio_sink_start(struct cpio_sink *s, int fd, const char *path, int gzip)
{
	int zfd;

	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->path = path;
	if (gzip) {
		/* gzclose closes its descriptor; the caller still needs fd */
		zfd = dup(fd);
		if (zfd < 0 || !(s->gz = gzdopen(zfd, "wb"))) {
			errorf("starting gzip on %s: %s", path, strerror(errno ? errno : ENOMEM));
			if (zfd >= 0)
				close(zfd);
			return -1;
		}
	}
	s->buf = xmalloc(COPY_BUFFER);
	return 0;
}

int cpio_sink_write(struct cpio_sink *s, const void *buf, size_t len)
{
	const char *p = buf;

	s->offset += len;
	if (s->gz) {
		if (len && gzwrite(s->gz, buf, (unsigned)len) != (int)len) {
			int zerr;
			const char *msg = gzerror(s->gz, &zerr);

			errorf("compressing into %s: %s", s->path,
			       zerr == Z_ERRNO ? strerror(errno) : msg);
			return -1;
		}
		return 0;
	}
	while (len) {
		ssize_t n = write(s->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			errorf("writing %s: %s", s->path, strerror(errno));
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int cpio_sink_pad(struct cpio_sink *s)
{
	static const char zeros[4];

	return cpio_sink_write(s, zeros, newc_pad((size_t)(s->offset & 3)));
}

int cpio_sink_finish(struct cpio_sink *s)
{
	int rc = 0;

	if (s->gz && gzclose(s->gz) != Z_OK) {
		errorf("finishing gzip on %s: %s", s->path, strerror(errno));
		rc = -1;
	}
	s->gz = NULL;
	free(s->buf);
	s->buf = NULL;
	return rc;
}

static int copy_source(struct cpio_sink *s, const struct entry *e)
{
	uint64_t total = 0;
	ssize_t n;
	int fd = open(e->source, O_RDONLY | O_CLOEXEC | O_NOCTTY), rc = 0;

	if (fd < 0) {
		errorf("reading %s for %s: %s", e->source, e->path, strerror(errno));
		return -1;
	}
	while (rc == 0 && (n = read(fd, s->buf, COPY_BUFFER)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			errorf("reading %s for %s: %s", e->source, e->path, strerror(errno));
			rc = -1;
		} else if ((total += (uint64_t)n) > e->size) {
			break;
		} else {
			rc = cpio_sink_write(s, s->buf, (size_t)n);
		}
	}
	close(fd);
	if (rc == 0 && total != e->size) {
		errorf("reading %s for %s: it changed size while being read", e->source, e->path);
		rc = -1;
	}
	return rc;
}

/* Only the last name of a hard-linked file carries its bytes. */
static int carries_data(const struct manifest *m, const struct entry *e)
{
	return e->type == E_FILE && manifest_last_link(m, e) == e;
}

static int write_entry(struct cpio_sink *s, const struct manifest *m, const struct entry *e,
		       unsigned first_ino, uint32_t epoch)
{
	struct newc_fields f = {
		.ino = first_ino + (unsigned)e->first_link, .mode = newc_mode(e),
		.uid = e->uid, .gid = e->gid, .nlink = e->type == E_DIR ? 2 : e->nlink,
		.mtime = epoch, .rdevmajor = e->major, .rdevminor = e->minor,
	};
	size_t len;

	verbosef("%s", e->path);
	if (e->type == E_FILE && e->size > 0xffffffffULL) {
		errorf("%s (from %s): over 4 GiB, more than a newc archive can hold",
		       e->path, e->origin);
		return -1;
	}
	f.filesize = (uint32_t)(carries_data(m, e) ? e->size
				: e->type == E_SYMLINK ? strlen(e->target) : 0);
	len = newc_header(s->buf, COPY_BUFFER, e->path + 1, &f);
	if (cpio_sink_write(s, s->buf, len) < 0)
		return -1;
	if (e->type == E_SYMLINK && cpio_sink_write(s, e->target, f.filesize) < 0)
		return -1;
	if (carries_data(m, e) && (e->source ? copy_source(s, e)
				   : cpio_sink_write(s, e->data, f.filesize)) < 0)
		return -1;
	return cpio_sink_pad(s);
}

int cpio_write_entries(struct cpio_sink *s, const struct manifest *m, unsigned first_ino,
		       uint32_t epoch, int (*skip)(const struct entry *e, void *ctx), void *ctx)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct entry *e = &m->e[i];

		if (strcmp(e->path, "/") == 0 || (skip && skip(e, ctx)))
			continue;
		if (write_entry(s, m, e, first_ino, epoch) < 0)
			return -1;
	}
	return 0;
}

int cpio_write_trailer(struct cpio_sink *s)
{
	struct newc_fields trailer = { .nlink = 1 };

	return cpio_sink_write(s, s->buf, newc_header(s->buf, COPY_BUFFER, "TRAILER!!!", &trailer));
}

int cpio_write(int fd, const char *path, int gzip, const struct manifest *m,
	       uint32_t epoch)
{
	struct cpio_sink s;
	int rc;

	if (cpio_sink_start(&s, fd, path, gzip) < 0)
		return -1;
	/* entry i gets inode number i: the root, entry 0, is not written */
	rc = cpio_write_entries(&s, m, 0, epoch, NULL, NULL);
	if (rc == 0)
		rc = cpio_write_trailer(&s);
	if (cpio_sink_finish(&s) < 0)
		rc = -1;
	return rc;
}
