/* addprog.c - the closure of a program into the manifest or onto stdout. */
#include "elf/addprog.h"
#include "elf/deps.h"
#include "parse.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int manifest_has(const char *path, void *ctx)
{
	const struct manifest *m = ctx;

	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->e[i].path, path) == 0)
			return 1;
	return 0;
}

static int add_item(struct manifest *m, const struct dep_item *it, const char *origin)
{
	char target[PATH_MAX];
	struct entry *e;
	struct stat st;
	ssize_t n;

	if (!it->host) {
		manifest_add_symlink(m, it->image, it->target, origin);
		return 0;
	}
	if ((it->follow ? stat(it->host, &st) : lstat(it->host, &st)) < 0) {
		errorf("%s: %s: %s", origin, it->host, strerror(errno));
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		n = readlink(it->host, target, sizeof(target) - 1);
		if (n < 0) {
			errorf("%s: cannot read link %s: %s", origin, it->host, strerror(errno));
			return -1;
		}
		target[n] = '\0';
		manifest_add_symlink(m, it->image, target, origin);
		return 0;
	}
	e = manifest_add(m, E_FILE, it->image, st.st_mode, origin);
	e->source = xstrdup(it->host);
	e->size = (uint64_t)st.st_size;
	return 0;
}

int addprog_add(struct manifest *m, const char *src, const char *dest,
		const char *origin, dep_has_fn image_has, void *image)
{
	struct dep_list l = { 0 };
	int rc = deps_resolve(src, dest, origin, image_has ? image_has : manifest_has,
			      image_has ? image : (void *)m, &l);

	for (size_t i = 0; rc == 0 && i < l.n; i++)
		rc = add_item(m, &l.v[i], origin);
	dep_list_free(&l);
	return rc;
}

/* One line per entry: names with a tab or a newline cannot be told apart
 * in this format, so they are refused. */
static int print_item(const struct dep_item *it, const char *origin)
{
	char target[PATH_MAX];
	const char *kind = "file", *first = it->host;
	struct stat st;
	ssize_t n;

	if (!it->host) {
		kind = "link";
		first = it->target;
	} else if (!it->follow && lstat(it->host, &st) == 0 && S_ISLNK(st.st_mode)) {
		n = readlink(it->host, target, sizeof(target) - 1);
		if (n < 0) {
			errorf("%s: cannot read link %s: %s", origin, it->host, strerror(errno));
			return -1;
		}
		target[n] = '\0';
		kind = "link";
		first = target;
	}
	if (strpbrk(first, "\t\n") || strpbrk(it->image, "\t\n")) {
		errorf("%s: %s has a tab or a newline in its name", origin, first);
		return -1;
	}
	printf("%s\t%s\t%s\n", kind, first, it->image);
	return 0;
}

static int list_one(const char *spec)
{
	char err[ERRLEN], *src = NULL, *dest = NULL;
	char *origin = xasprintf("--list-program-deps %s", spec);
	struct dep_list l = { 0 };
	int rc = -1;

	if (parse_program_spec(spec, &src, &dest, err) < 0)
		errorf("%s", err);
	else
		rc = deps_resolve(src, dest, origin, NULL, NULL, &l);
	for (size_t i = 0; rc == 0 && i < l.n; i++)
		rc = print_item(&l.v[i], origin);
	if (rc == 0 && fflush(stdout) != 0) {
		errorf("%s: writing the list: %s", origin, strerror(errno));
		rc = -1;
	}
	dep_list_free(&l);
	free(src);
	free(dest);
	free(origin);
	return rc;
}

int addprog_list(const char *const *specs)
{
	for (; *specs; specs++)
		if (list_one(*specs) < 0)
			return 1;
	return 0;
}
