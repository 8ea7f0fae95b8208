/* decompress.c - xz through liblzma, zstd through libzstd, gzip through
 * zlib; each a streaming loop from one file descriptor to another. */
#include "decompress.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define CHUNK 65536

static const char *const suffixes[] = { ".ko.xz", ".ko.zst", ".ko.gz" };

size_t module_compression_suffix(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t s = strlen(suffixes[i]);

		if (n > s && !strcmp(name + n - s, suffixes[i]))
			return s - 3;	/* keep the ".ko" */
	}
	return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Each returns 0, or -1 with err set (errno-based write errors included). */
static int unxz(int in, int out, const char *src, char *err)
{
	static uint8_t ibuf[CHUNK], obuf[CHUNK];
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret r = lzma_stream_decoder(&s, UINT64_MAX, LZMA_CONCATENATED);
	lzma_action action = LZMA_RUN;

	if (r != LZMA_OK)
		return seterr(err, "%s: cannot start the xz decoder (%d)", src, (int)r);
	do {
		if (!s.avail_in && action == LZMA_RUN) {
			ssize_t n = read(in, ibuf, sizeof(ibuf));

			if (n < 0) {
				lzma_end(&s);
				return seterr(err, "reading %s: %s", src, strerror(errno));
			}
			s.next_in = ibuf;
			s.avail_in = (size_t)n;
			if (!n)
				action = LZMA_FINISH;
		}
		s.next_out = obuf;
		s.avail_out = sizeof(obuf);
		r = lzma_code(&s, action);
		if (write_all(out, obuf, sizeof(obuf) - s.avail_out) < 0) {
			lzma_end(&s);
			return seterr(err, "writing %s decompressed: %s", src, strerror(errno));
		}
	} while (r == LZMA_OK);
	lzma_end(&s);
	if (r != LZMA_STREAM_END)
		return seterr(err, "%s: not valid xz data (liblzma error %d)", src, (int)r);
	return 0;
}

static int unzstd(int in, int out, const char *src, char *err)
{
	static uint8_t ibuf[CHUNK], obuf[CHUNK];
	ZSTD_DStream *z = ZSTD_createDStream();
	size_t r = 1;
	ssize_t n;

	if (!z)
		return seterr(err, "%s: cannot start the zstd decoder", src);
	ZSTD_initDStream(z);
	while ((n = read(in, ibuf, sizeof(ibuf))) > 0) {
		ZSTD_inBuffer ib = { ibuf, (size_t)n, 0 };

		while (ib.pos < ib.size) {
			ZSTD_outBuffer ob = { obuf, sizeof(obuf), 0 };

			r = ZSTD_decompressStream(z, &ob, &ib);
			if (ZSTD_isError(r))
				goto bad;
			if (write_all(out, obuf, ob.pos) < 0) {
				ZSTD_freeDStream(z);
				return seterr(err, "writing %s decompressed: %s", src, strerror(errno));
			}
		}
	}
	ZSTD_freeDStream(z);
	if (n < 0)
		return seterr(err, "reading %s: %s", src, strerror(errno));
	if (r != 0)
		return seterr(err, "%s: not valid zstd data (truncated)", src);
	return 0;
bad:
	ZSTD_freeDStream(z);
	return seterr(err, "%s: not valid zstd data (%s)", src, ZSTD_getErrorName(r));
}

static int ungzip(int in, int out, const char *src, char *err)
{
	static uint8_t obuf[CHUNK];
	gzFile g = gzdopen(dup(in), "rb");
	int n, code = Z_OK;

	if (!g)
		return seterr(err, "%s: cannot start the gzip decoder", src);
	while ((n = gzread(g, obuf, sizeof(obuf))) > 0) {
		if (gzdirect(g)) {
			gzclose(g);
			return seterr(err, "%s: not gzip data", src);
		}
		if (write_all(out, obuf, (size_t)n) < 0) {
			gzclose(g);
			return seterr(err, "writing %s decompressed: %s", src, strerror(errno));
		}
	}
	if (n < 0) {
		const char *why = gzerror(g, &code);

		seterr(err, "%s: not valid gzip data (%s)", src, why);
		gzclose(g);
		return -1;
	}
	gzclose(g);
	return 0;
}

int decompress_module(const char *src, const char *dst, char *err)
{
	size_t n = strlen(src);
	int in, out, rc;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return seterr(err, "cannot read %s: %s", src, strerror(errno));
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0) {
		close(in);
		return seterr(err, "creating %s: %s", dst, strerror(errno));
	}
	if (n > 3 && !strcmp(src + n - 3, ".xz"))
		rc = unxz(in, out, src, err);
	else if (n > 4 && !strcmp(src + n - 4, ".zst"))
		rc = unzstd(in, out, src, err);
	else
		rc = ungzip(in, out, src, err);
	close(in);
	if (close(out) < 0 && rc == 0)
		rc = seterr(err, "writing %s: %s", dst, strerror(errno));
	return rc;
}
