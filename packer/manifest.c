/* manifest.c - building, sorting and checking the description of an image.
 * Pure: no system calls, so the unit tests link it directly. */
#include "manifest.h"
#include "parse.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define BUILTIN "the built-in tree"
#define APPLETS "busybox --list-full"

void manifest_init(struct manifest *m)
{
	m->e = NULL;
	m->n = m->cap = 0;
}

static void entry_free(struct entry *e)
{
	free(e->path);
	free(e->target);
	free(e->source);
}

void manifest_free(struct manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		entry_free(&m->e[i]);
	free(m->e);
	manifest_init(m);
}

struct entry *manifest_add(struct manifest *m, enum entry_type type,
			   const char *path, unsigned mode, const char *origin)
{
	static size_t next_seq;
	struct entry *e;

	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->e = xrealloc(m->e, m->cap * sizeof(*m->e));
	}
	e = &m->e[m->n++];
	memset(e, 0, sizeof(*e));
	e->path = xstrdup(path);
	e->type = type;
	e->mode = mode & 07777;
	e->origin = origin;
	e->seq = next_seq++;
	return e;
}

struct entry *manifest_add_symlink(struct manifest *m, const char *path,
				   const char *target, const char *origin)
{
	struct entry *e = manifest_add(m, E_SYMLINK, path, 0777, origin);

	e->target = xstrdup(target);
	return e;
}

struct entry *manifest_add_node(struct manifest *m, enum entry_type type,
				const char *path, unsigned mode,
				unsigned major, unsigned minor, const char *origin)
{
	struct entry *e = manifest_add(m, type, path, mode, origin);

	e->major = major;
	e->minor = minor;
	return e;
}

static void add_data(struct manifest *m, const char *path, const char *data)
{
	struct entry *e = manifest_add(m, E_FILE, path, 0644, BUILTIN);

	e->data = data;
	e->size = strlen(data);
}

static const char *const base_dirs[][2] = {
	{ "/", "0755" }, { "/bin", "0755" }, { "/dev", "0755" },
	{ "/dev/pts", "0755" }, { "/etc", "0755" }, { "/proc", "0755" },
	/* where run-qemu --modules mounts a kernel's modules: the image
	 * stays as it is */
	{ "/lib", "0755" }, { "/lib/modules", "0755" },
	{ "/root", "0700" }, { "/run", "0755" }, { "/sbin", "0755" },
	{ "/sys", "0755" }, { "/tmp", "1777" }, { "/usr", "0755" },
	{ "/usr/bin", "0755" }, { "/usr/sbin", "0755" },
};

/* Device nodes every console and shell expects; the kernel opens
 * /dev/console for init's stdio before anything is mounted. */
static const struct {
	const char *path;
	unsigned mode, major, minor;
} base_nodes[] = {
	{ "/dev/console", 0600, 5, 1 }, { "/dev/null", 0666, 1, 3 },
	{ "/dev/zero", 0666, 1, 5 }, { "/dev/full", 0666, 1, 7 },
	{ "/dev/random", 0666, 1, 8 }, { "/dev/urandom", 0666, 1, 9 },
	{ "/dev/kmsg", 0644, 1, 11 }, { "/dev/tty", 0666, 5, 0 },
	{ "/dev/ptmx", 0666, 5, 2 }, { "/dev/ttyS0", 0660, 4, 64 },
	{ "/dev/ttyS1", 0660, 4, 65 }, { "/dev/ttyS2", 0660, 4, 66 },
	{ "/dev/ttyS3", 0660, 4, 67 },
};

static const char etc_passwd[] = "root:x:0:0:root:/root:/bin/sh\n";
static const char etc_group[] = "root:x:0:\n";
static const char etc_hostname[] = "minroot\n";
static const char etc_profile[] =
	"# Login shells read this: a PATH and a prompt showing user@host:cwd.\n"
	"export PATH=/sbin:/usr/sbin:/bin:/usr/bin\n"
	"export HOME=${HOME:-/root}\n"
	"PS1='\\u@\\h:\\w\\$ '\n";
static const char etc_fstab[] =
	"# <source> <mount point> <type> <options> <dump> <pass>\n"
	"proc    /proc     proc    nosuid,nodev,noexec  0 0\n"
	"sysfs   /sys      sysfs   nosuid,nodev,noexec  0 0\n"
	"devpts  /dev/pts  devpts  gid=5,mode=620       0 0\n"
	"tmpfs   /run      tmpfs   mode=0755,nosuid     0 0\n"
	"tmpfs   /tmp      tmpfs   mode=1777,nosuid     0 0\n";

void manifest_add_base(struct manifest *m)
{
	for (size_t i = 0; i < sizeof(base_dirs) / sizeof(base_dirs[0]); i++)
		manifest_add(m, E_DIR, base_dirs[i][0],
			     (unsigned)strtoul(base_dirs[i][1], NULL, 8), BUILTIN);
	for (size_t i = 0; i < sizeof(base_nodes) / sizeof(base_nodes[0]); i++)
		manifest_add_node(m, E_CHAR, base_nodes[i].path, base_nodes[i].mode,
				  base_nodes[i].major, base_nodes[i].minor, BUILTIN);
	add_data(m, "/etc/passwd", etc_passwd);
	add_data(m, "/etc/group", etc_group);
	add_data(m, "/etc/hostname", etc_hostname);
	add_data(m, "/etc/profile", etc_profile);
	add_data(m, "/etc/fstab", etc_fstab);
	manifest_add_symlink(m, "/etc/mtab", "/proc/mounts", BUILTIN);
}

/* One line of --list-full ("usr/bin/env") as a link; bin/busybox itself is
 * where the binary goes, so it is not a link. */
static int add_applet(struct manifest *m, const char *line, size_t len, char *err)
{
	char *rel = xasprintf("/%.*s", (int)len, line);
	const char *why;
	char *path = normalize_image_path(rel, &why);

	free(rel);
	if (!path || strcmp(path, "/") == 0) {
		free(path);
		return seterr(err, "%s printed an unusable path '%.*s'", APPLETS,
			      (int)len, line);
	}
	if (strcmp(path, "/bin/busybox") != 0)
		manifest_add_symlink(m, path, "/bin/busybox", APPLETS);
	free(path);
	return 0;
}

int manifest_add_applets(struct manifest *m, const char *list, char *err)
{
	size_t count = 0;

	for (const char *p = list; *p;) {
		size_t len = strcspn(p, "\n");
		size_t trimmed = len;

		while (trimmed && (p[trimmed - 1] == '\r' || p[trimmed - 1] == ' '))
			trimmed--;
		if (trimmed) {
			if (add_applet(m, p, trimmed, err) < 0)
				return -1;
			count++;
		}
		p += len;
		p += *p == '\n';
	}
	if (count == 0)
		return seterr(err, "%s printed no applet", APPLETS);
	return 0;
}

/* '/' sorts before every other byte, so a directory's whole subtree comes
 * right after it and before any sibling whose name merely extends its own. */
int path_compare(const char *a, const char *b)
{
	int ca, cb;

	while (*a && *a == *b)	/* the common prefix, the most of the work */
		a++, b++;
	ca = *a == '/' ? 1 : *a ? (unsigned char)*a + 1 : 0;
	cb = *b == '/' ? 1 : *b ? (unsigned char)*b + 1 : 0;
	return ca - cb;
}

static int entry_compare(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	int c = path_compare(a->path, b->path);

	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

char *path_parent(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash || slash == path)
		return xstrdup("/");
	return xasprintf("%.*s", (int)(slash - path), path);
}

const char *path_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static const char *type_word(enum entry_type t)
{
	static const char *const words[] = {
		[E_DIR] = "a directory", [E_FILE] = "a file",
		[E_SYMLINK] = "a symlink", [E_CHAR] = "a character device",
		[E_BLOCK] = "a block device", [E_FIFO] = "a fifo",
		[E_SOCKET] = "a socket",
	};
	return words[t];
}

/* Keep the last of each run of equal paths. Replacing a directory by a
 * non-directory (or the reverse) would orphan or hide a subtree: refuse. */
static int drop_duplicates(struct manifest *m, char *err)
{
	size_t out = 0;

	for (size_t i = 0; i < m->n; i++) {
		struct entry *e = &m->e[i];

		if (out && strcmp(m->e[out - 1].path, e->path) == 0) {
			struct entry *old = &m->e[out - 1];

			if ((old->type == E_DIR) != (e->type == E_DIR))
				return seterr(err, "%s: %s from %s conflicts with %s from %s",
					      e->path, type_word(e->type), e->origin,
					      type_word(old->type), old->origin);
			entry_free(old);
			*old = *e;
			continue;
		}
		m->e[out++] = *e;
	}
	m->n = out;
	return 0;
}

static void sort_entries(struct manifest *m)
{
	qsort(m->e, m->n, sizeof(*m->e), entry_compare);
}

/* Binary search in the first n entries, which are sorted. */
static const struct entry *find_sorted(const struct entry *v, size_t n,
				       const char *path)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = path_compare(path, v[mid].path);

		if (c == 0)
			return &v[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const struct entry *manifest_find(const struct manifest *m, const char *path)
{
	return find_sorted(m->e, m->n, path);
}

static int added_already(const struct manifest *m, size_t sorted, const char *path)
{
	for (size_t i = sorted; i < m->n; i++)
		if (strcmp(m->e[i].path, path) == 0)
			return 1;
	return 0;
}

/* Append a 0755 directory for every missing ancestor; returns how many.
 * The first `sorted` entries stay sorted; new ones go after them. */
static size_t add_missing_parents(struct manifest *m)
{
	size_t sorted = m->n;

	for (size_t i = 0; i < sorted; i++) {
		char *p = path_parent(m->e[i].path);

		while (!find_sorted(m->e, sorted, p) && !added_already(m, sorted, p)) {
			char *up = path_parent(p);

			manifest_add(m, E_DIR, p, 0755, "a parent of an added path");
			free(p);
			p = up;
		}
		free(p);
	}
	return m->n - sorted;
}

static int check_parents(const struct manifest *m, char *err)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct entry *e = &m->e[i], *parent;
		char *pp;

		if (strcmp(e->path, "/") == 0) {
			if (e->type != E_DIR)
				return seterr(err, "/: the root must be a directory (from %s)",
					      e->origin);
			continue;
		}
		pp = path_parent(e->path);
		parent = manifest_find(m, pp);
		if (!parent || parent->type != E_DIR) {
			seterr(err, "%s (from %s): %s is %s (from %s), not a directory",
			       e->path, e->origin, pp, parent ? type_word(parent->type) : "missing",
			       parent ? parent->origin : "nowhere");
			free(pp);
			return -1;
		}
		free(pp);
	}
	return 0;
}

/* Order of an index array: by inode identity, then by place in the image. */
static int link_compare(const void *pa, const void *pb, void *entries)
{
	const struct entry *v = entries;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;

	if (v[a].link_dev != v[b].link_dev)
		return v[a].link_dev < v[b].link_dev ? -1 : 1;
	if (v[a].link_id != v[b].link_id)
		return v[a].link_id < v[b].link_id ? -1 : 1;
	return a < b ? -1 : a > b;
}

static int same_inode(const struct entry *a, const struct entry *b)
{
	return a->link_dev == b->link_dev && a->link_id == b->link_id;
}

/* Every entry's number of names and its first and last name. */
static void count_links(struct manifest *m)
{
	size_t *order = xmalloc((m->n + 1) * sizeof(*order)), k = 0;

	for (size_t i = 0; i < m->n; i++) {
		struct entry *e = &m->e[i];

		e->nlink = 1;
		e->first_link = e->last_link = i;
		if (e->type == E_DIR)
			e->link_dev = e->link_id = 0;
		else if (e->link_id)
			order[k++] = i;
	}
	qsort_r(order, k, sizeof(*order), link_compare, m->e);
	for (size_t start = 0, end; start < k; start = end) {
		for (end = start + 1; end < k && same_inode(&m->e[order[start]], &m->e[order[end]]);)
			end++;
		for (size_t j = start; j < end; j++) {
			m->e[order[j]].nlink = (unsigned)(end - start);
			m->e[order[j]].first_link = order[start];
			m->e[order[j]].last_link = order[end - 1];
		}
	}
	free(order);
}

const struct entry *manifest_first_link(const struct manifest *m, const struct entry *e)
{
	return &m->e[e->first_link];
}

const struct entry *manifest_last_link(const struct manifest *m, const struct entry *e)
{
	return &m->e[e->last_link];
}

int manifest_finish(struct manifest *m, char *err)
{
	sort_entries(m);
	if (drop_duplicates(m, err) < 0)
		return -1;
	if (add_missing_parents(m)) {
		sort_entries(m);
		if (drop_duplicates(m, err) < 0)
			return -1;
	}
	if (check_parents(m, err) < 0)
		return -1;
	count_links(m);
	return 0;
}
