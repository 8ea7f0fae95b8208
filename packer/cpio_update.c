/* cpio_update.c - an existing newc archive with our init put in. The old
 * archive is read whole into memory (an initramfs is small), its entries
 * checked, then written again: every byte as it was (headers, names, data,
 * the zeros between concatenated archives), except the old /sbin/init and
 * /init, renamed to .orig (or left out), and entries the manifest replaces.
 * The manifest's entries go just before the last trailer, numbered after
 * the archive's highest inode, so the kernel and GNU cpio both see them. */
#include "cpio_update.h"
#include "cpio.h"
#include "newc.h"
#include "output.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* What becomes of an old entry. */
enum fate { KEEP, RENAME, DROP };

struct old_entry {
	size_t at, end;		/* header offset; offset after its padded data */
	const char *name;	/* as stored */
	const char *path;	/* the same without "./" or "/" in front ("" the root) */
	struct newc_fields f;
	int trailer;
	enum fate fate;
	const struct old_entry *data_from;	/* carries the data of a dropped name */
};

struct archive {
	const char *path;
	int gzip;
	char *bytes;		/* uncompressed */
	size_t len;
	struct old_entry *e;
	size_t n;
	size_t *by_path;	/* indexes of e sorted by path */
	unsigned max_ino;
};

static const struct {
	const char *magic;
	size_t len;
	const char *name;
} compressions[] = {
	{ "\xfd" "7zXZ", 5, "xz" }, { "\x28\xb5\x2f\xfd", 4, "zstd" },
	{ "BZh", 3, "bzip2" }, { "\x02\x21\x4c\x18", 4, "lz4" }, { "\x89LZO", 4, "lzo" },
	{ "\x5d\x00\x00", 3, "lzma" },
};

int cpio_archive_detect(const char *path)
{
	unsigned char head[6] = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n = fd < 0 ? -1 : read(fd, head, sizeof(head));

	if (fd >= 0)
		close(fd);
	if (n == 6 && (memcmp(head, "070701", 6) == 0 || memcmp(head, "070702", 6) == 0))
		return 1;
	if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b)
		return 1;
	for (size_t i = 0; n > 0 && i < sizeof(compressions) / sizeof(compressions[0]); i++)
		if ((size_t)n >= compressions[i].len &&
		    memcmp(head, compressions[i].magic, compressions[i].len) == 0) {
			errorf("--update %s: is %s-compressed; only plain and gzip newc cpio "
			       "archives can be updated (decompress it first)", path,
			       compressions[i].name);
			return -1;
		}
	return 0;
}

void cpio_add_rdinit(struct manifest *m)
{
	struct entry *init, *link;
	size_t at = m->n;

	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->e[i].path, "/sbin/init") == 0)
			at = i;
	if (at == m->n)
		return;
	link = manifest_add(m, E_FILE, "/init", 0, "the initramfs layout");
	init = &m->e[at];		/* manifest_add may have moved the array */
	/* any pair of numbers no host file has, the same for both names */
	init->link_dev = UINT64_MAX;
	init->link_id = 1;
	*link = (struct entry){ .path = link->path, .type = E_FILE, .mode = init->mode,
				.source = init->source ? xstrdup(init->source) : NULL,
				.data = init->data, .size = init->size, .origin = link->origin,
				.seq = link->seq, .link_dev = UINT64_MAX, .link_id = 1 };
}

static int read_all(struct archive *a)
{
	size_t cap = 1 << 20;
	int fd = open(a->path, O_RDONLY | O_CLOEXEC | O_NOCTTY), n, zrc;
	gzFile gz = fd < 0 ? NULL : gzdopen(fd, "rb");	/* plain files are read as they are */

	if (!gz) {
		errorf("--update %s: %s", a->path, strerror(errno ? errno : ENOMEM));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	a->bytes = xmalloc(cap);
	while ((n = gzread(gz, a->bytes + a->len, (unsigned)(cap - a->len))) > 0) {
		a->len += (size_t)n;
		if (a->len == cap)
			a->bytes = xrealloc(a->bytes, cap *= 2);
	}
	if (n < 0) {
		int zerr;
		const char *msg = gzerror(gz, &zerr);

		errorf("--update %s: reading it: %s", a->path, zerr == Z_ERRNO ? strerror(errno) : msg);
	}
	a->gzip = !gzdirect(gz);
	zrc = gzclose(gz);
	if (n >= 0 && zrc == Z_BUF_ERROR) {
		errorf("--update %s: its gzip stream ends early (the file is cut short)", a->path);
		n = -1;
	}
	return n < 0 ? -1 : 0;
}

static int bad(const struct archive *a, size_t at, const char *what)
{
	errorf("--update %s: is not a newc cpio archive (%s at byte %zu%s)", a->path, what, at,
	       a->gzip ? " of its uncompressed content" : "");
	return -1;
}

static const char *image_relative(const char *name)
{
	for (;;) {
		if (name[0] == '.' && name[1] == '/')
			name += 2;
		else if (name[0] == '/')
			name++;
		else
			return strcmp(name, ".") == 0 ? "" : name;
	}
}

/* One entry at pos; *end is where the next one may start. */
static int parse_entry(struct archive *a, size_t pos, size_t *end)
{
	struct old_entry e = { .at = pos };
	size_t namesize, data;

	if (newc_parse(a->bytes + pos, a->len - pos, &e.f, &namesize) < 0)
		return bad(a, pos, "no newc header");
	if (namesize == 0 || namesize > a->len - pos - NEWC_HEADER_LEN ||
	    a->bytes[pos + NEWC_HEADER_LEN + namesize - 1] != '\0')
		return bad(a, pos, "a name past the end");
	e.name = a->bytes + pos + NEWC_HEADER_LEN;
	e.path = image_relative(e.name);
	e.trailer = strcmp(e.name, "TRAILER!!!") == 0;
	data = pos + NEWC_HEADER_LEN + namesize;
	data += newc_pad(data);
	if (data > a->len || e.f.filesize > a->len - data)
		return bad(a, pos, "an entry cut short");
	e.end = data + e.f.filesize + newc_pad(e.f.filesize);
	if (e.end > a->len)
		e.end = a->len;
	if (a->n % 64 == 0)
		a->e = xrealloc(a->e, (a->n + 64) * sizeof(*a->e));
	a->e[a->n++] = e;
	if (e.f.ino > a->max_ino)
		a->max_ino = e.f.ino;
	*end = e.end;
	return 0;
}

/* Entries one after another; zeros only after a trailer (the padding of
 * an archive, before the next one concatenated to it). */
static int parse(struct archive *a)
{
	size_t pos = 0;

	while (pos < a->len) {
		int after_trailer = a->n && a->e[a->n - 1].trailer;

		if (after_trailer && a->bytes[pos] == 0) {
			pos++;
			continue;
		}
		if (parse_entry(a, pos, &pos) < 0)
			return -1;
	}
	if (!a->n || !a->e[a->n - 1].trailer)
		return bad(a, a->len, "no TRAILER!!! at the end");
	return 0;
}

static int by_path(const void *pa, const void *pb, void *entries)
{
	const struct old_entry *e = entries;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c = strcmp(e[a].path, e[b].path);

	return c ? c : a < b ? -1 : a > b;
}

static void index_paths(struct archive *a)
{
	a->by_path = xmalloc((a->n + 1) * sizeof(*a->by_path));
	for (size_t i = 0; i < a->n; i++)
		a->by_path[i] = i;
	qsort_r(a->by_path, a->n, sizeof(*a->by_path), by_path, a->e);
}

/* The last entry with this image-relative path, or NULL. */
static const struct old_entry *find_old(const struct archive *a, const char *path)
{
	size_t lo = 0, hi = a->n;
	const struct old_entry *found = NULL;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(path, a->e[a->by_path[mid]].path);

		if (c == 0) {
			found = &a->e[a->by_path[mid]];
			lo = mid + 1;	/* equal paths keep archive order: look right */
		} else if (c < 0) {
			hi = mid;
		} else {
			lo = mid + 1;
		}
	}
	return found;
}

static int old_is_dir(const struct old_entry *e)
{
	return (e->f.mode & 0170000) == 0040000;
}

static int refuse(const struct archive *a, const struct old_entry *e, const char *why)
{
	errorf("--update %s: cannot install /%s: %s", a->path, e->path, why);
	return -1;
}

/* The old init at path: kept as path.orig, unless asked not to or an
 * .orig is there already (that one is the real original). */
static enum fate old_init_fate(const struct archive *a, const char *path, int no_backup)
{
	char *orig = xasprintf("%s.orig", path);
	int has_orig = find_old(a, orig) != NULL;

	free(orig);
	return no_backup || has_orig ? DROP : RENAME;
}

static int same_inode(const struct old_entry *a, const struct old_entry *b)
{
	return a->f.ino == b->f.ino && a->f.mode == b->f.mode && a->f.nlink > 1 && b->f.nlink > 1;
}

/* A dropped name carried the data of a hard-linked file (newc puts it on
 * the last name): the last name kept gets it, so the others keep it. */
static void hand_data_on(struct archive *a, const struct old_entry *dropped)
{
	struct old_entry *heir = NULL;

	for (size_t i = 0; i < a->n; i++)
		if (&a->e[i] != dropped && a->e[i].fate != DROP && same_inode(&a->e[i], dropped))
			heir = &a->e[i];
	if (heir && heir->f.filesize == 0)
		heir->data_from = dropped;
}

static int decide(struct archive *a, const struct manifest *m, int no_backup)
{
	for (size_t i = 0; i < a->n; i++) {
		struct old_entry *e = &a->e[i];
		char *abs = xasprintf("/%s", e->path);
		const struct entry *mine = e->trailer || !*e->path ? NULL : manifest_find(m, abs);

		free(abs);
		e->fate = KEEP;
		if (mine && (strcmp(e->path, "sbin/init") == 0 || strcmp(e->path, "init") == 0))
			e->fate = old_init_fate(a, e->path, no_backup);
		else if (mine && old_is_dir(e) != (mine->type == E_DIR))
			return refuse(a, e, old_is_dir(e) ? "the archive has a directory there"
				      : "the archive has something else than a directory there");
		else if (mine && mine->type != E_DIR)
			e->fate = DROP;
	}
	for (size_t i = 0; i < a->n; i++)
		if (a->e[i].fate == DROP && a->e[i].f.nlink > 1 && a->e[i].f.filesize > 0)
			hand_data_on(a, &a->e[i]);
	return 0;
}

/* Directories the archive has already are not written again. */
static int in_archive(const struct entry *e, void *ctx)
{
	const struct old_entry *old = find_old(ctx, e->path + 1);

	return e->type == E_DIR && old && old_is_dir(old);
}

static int write_renamed(struct cpio_sink *s, const struct archive *a, const struct old_entry *e)
{
	char *name = xasprintf("%s.orig", e->name), size[9];
	size_t namesize = strlen(name) + 1, data = e->end - e->f.filesize - newc_pad(e->f.filesize);
	char header[NEWC_HEADER_LEN];
	int rc;

	verbosef("kept the old /%s as /%s.orig", e->path, e->path);
	memcpy(header, a->bytes + e->at, NEWC_HEADER_LEN);
	snprintf(size, sizeof(size), "%08X", (unsigned)namesize);
	memcpy(header + NEWC_NAMESIZE_AT, size, 8);
	rc = cpio_sink_write(s, header, NEWC_HEADER_LEN) < 0 || cpio_sink_write(s, name, namesize) < 0 ||
	     cpio_sink_pad(s) < 0 || cpio_sink_write(s, a->bytes + data, e->f.filesize) < 0 ||
	     cpio_sink_pad(s) < 0 ? -1 : 0;
	free(name);
	return rc;
}

/* An entry that takes over the data of a dropped name: its header with
 * that size, its name, then the data. */
static int write_heir(struct cpio_sink *s, const struct archive *a, const struct old_entry *e)
{
	const struct old_entry *from = e->data_from;
	size_t data = from->end - from->f.filesize - newc_pad(from->f.filesize);
	size_t head = e->end - e->at;	/* header, name and padding: no data */
	char header[NEWC_HEADER_LEN], size[9];

	memcpy(header, a->bytes + e->at, NEWC_HEADER_LEN);
	snprintf(size, sizeof(size), "%08X", (unsigned)from->f.filesize);
	memcpy(header + NEWC_FILESIZE_AT, size, 8);
	return cpio_sink_write(s, header, NEWC_HEADER_LEN) < 0 ||
	       cpio_sink_write(s, a->bytes + e->at + NEWC_HEADER_LEN, head - NEWC_HEADER_LEN) < 0 ||
	       cpio_sink_write(s, a->bytes + data, from->f.filesize) < 0 || cpio_sink_pad(s) < 0 ? -1 : 0;
}

static int write_archive(struct cpio_sink *s, const struct archive *a, const struct manifest *m,
			 uint32_t epoch)
{
	size_t prev = 0;

	for (size_t i = 0; i < a->n; i++) {
		const struct old_entry *e = &a->e[i];
		int rc = 0;

		/* the zeros between concatenated archives, as they were */
		if (cpio_sink_write(s, a->bytes + prev, e->at - prev) < 0)
			return -1;
		if (i == a->n - 1)
			rc = cpio_write_entries(s, m, a->max_ino + 1, epoch, in_archive, (void *)a);
		if (rc == 0 && e->fate == KEEP && e->data_from)
			rc = write_heir(s, a, e);
		else if (rc == 0 && e->fate == KEEP)
			rc = cpio_sink_write(s, a->bytes + e->at, e->end - e->at);
		else if (rc == 0 && e->fate == RENAME)
			rc = write_renamed(s, a, e);
		if (rc < 0)
			return -1;
		prev = e->end;
	}
	return cpio_sink_write(s, a->bytes + prev, a->len - prev);
}

static void archive_free(struct archive *a)
{
	free(a->bytes);
	free(a->e);
	free(a->by_path);
}

int cpio_update_bytes(const char *bytes, size_t len, const struct manifest *m,
		      int no_backup, int out_fd)
{
	struct archive a = { .path = "(in memory)", .bytes = xmalloc(len + 1), .len = len };
	struct cpio_sink s;
	int rc = -1;

	memcpy(a.bytes, bytes, len);
	if (parse(&a) == 0) {
		index_paths(&a);
		if (decide(&a, m, no_backup) == 0 && cpio_sink_start(&s, out_fd, "(out)", 0) == 0) {
			rc = write_archive(&s, &a, m, 1);
			if (cpio_sink_finish(&s) < 0)
				rc = -1;
		}
	}
	archive_free(&a);
	return rc;
}

int cpio_update(const char *path, const struct manifest *m,
		uint32_t epoch, int no_backup)
{
	struct archive a = { .path = path };
	struct cpio_sink s;
	struct output out;
	int rc = -1;

	if (read_all(&a) < 0 || parse(&a) < 0)
		goto out;
	index_paths(&a);
	if (decide(&a, m, no_backup) < 0 || output_begin(&out, path) < 0)
		goto out;
	if (cpio_sink_start(&s, out.fd, out.temp, a.gzip) < 0) {
		output_abort(&out);
		goto out;
	}
	rc = write_archive(&s, &a, m, epoch);
	if (cpio_sink_finish(&s) < 0)
		rc = -1;
	if (rc == 0)
		rc = output_commit(&out);
	else
		output_abort(&out);
out:
	archive_free(&a);
	return rc;
}
