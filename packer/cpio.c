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
#include <zlib.h>

#define COPY_BUFFER (256 * 1024)

/* Where the bytes go: the file itself, or zlib's gzip stream over it. */
struct sink {
	int fd;
	gzFile gz;
	const char *path;
	uint64_t offset;	/* of the uncompressed archive, for padding */
};

static int sink_write(struct sink *s, const void *buf, size_t len)
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

static int sink_pad(struct sink *s)
{
	static const char zeros[4];

	return sink_write(s, zeros, newc_pad((size_t)(s->offset & 3)));
}

static int copy_source(struct sink *s, const struct entry *e, char *buf)
{
	uint64_t total = 0;
	ssize_t n;
	int fd = open(e->source, O_RDONLY | O_CLOEXEC | O_NOCTTY), rc = 0;

	if (fd < 0) {
		errorf("reading %s for %s: %s", e->source, e->path, strerror(errno));
		return -1;
	}
	while (rc == 0 && (n = read(fd, buf, COPY_BUFFER)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			errorf("reading %s for %s: %s", e->source, e->path, strerror(errno));
			rc = -1;
		} else if ((total += (uint64_t)n) > e->size) {
			break;
		} else {
			rc = sink_write(s, buf, (size_t)n);
		}
	}
	close(fd);
	if (rc == 0 && total != e->size) {
		errorf("reading %s for %s: it changed size while being read", e->source, e->path);
		rc = -1;
	}
	return rc;
}

static int write_entry(struct sink *s, const struct entry *e, unsigned ino,
		       uint32_t epoch, char *buf)
{
	struct newc_fields f = {
		.ino = ino, .mode = newc_mode(e), .uid = e->uid, .gid = e->gid,
		.nlink = e->type == E_DIR ? 2 : 1, .mtime = epoch,
		.rdevmajor = e->major, .rdevminor = e->minor,
	};
	size_t len;

	verbosef("%s", e->path);
	if (e->type == E_FILE && e->size > 0xffffffffULL) {
		errorf("%s (from %s): over 4 GiB, more than a newc archive can hold",
		       e->path, e->origin);
		return -1;
	}
	f.filesize = (uint32_t)(e->type == E_FILE ? e->size
				: e->type == E_SYMLINK ? strlen(e->target) : 0);
	len = newc_header(buf, COPY_BUFFER, e->path + 1, &f);
	if (sink_write(s, buf, len) < 0)
		return -1;
	if (e->type == E_SYMLINK && sink_write(s, e->target, f.filesize) < 0)
		return -1;
	if (e->type == E_FILE && (e->source ? copy_source(s, e, buf)
				  : sink_write(s, e->data, f.filesize)) < 0)
		return -1;
	return sink_pad(s);
}

static int write_archive(struct sink *s, const struct manifest *m, uint32_t epoch)
{
	struct newc_fields trailer = { .nlink = 1 };
	char *buf = xmalloc(COPY_BUFFER);
	unsigned ino = 1;
	int rc = 0;

	/* the root is the kernel's rootfs itself: no entry for it */
	for (size_t i = 0; i < m->n && rc == 0; i++)
		if (strcmp(m->e[i].path, "/") != 0)
			rc = write_entry(s, &m->e[i], ino++, epoch, buf);
	if (rc == 0)
		rc = sink_write(s, buf, newc_header(buf, COPY_BUFFER, "TRAILER!!!", &trailer));
	free(buf);
	return rc;
}

int cpio_write(int fd, const char *path, int gzip, const struct manifest *m,
	       uint32_t epoch)
{
	struct sink s = { .fd = fd, .gz = NULL, .path = path, .offset = 0 };
	int rc, zfd;

	if (!gzip)
		return write_archive(&s, m, epoch);
	/* gzclose closes its descriptor; the caller still needs fd */
	zfd = dup(fd);
	if (zfd < 0 || !(s.gz = gzdopen(zfd, "wb"))) {
		errorf("starting gzip on %s: %s", path, strerror(errno ? errno : ENOMEM));
		if (zfd >= 0)
			close(zfd);
		return -1;
	}
	rc = write_archive(&s, m, epoch);
	if (gzclose(s.gz) != Z_OK && rc == 0) {
		errorf("finishing gzip on %s: %s", path, strerror(errno));
		rc = -1;
	}
	return rc;
}
