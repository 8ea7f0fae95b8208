/* deps.c - the closure of a program: interpreter, libraries, their links.
 * The search order is glibc's (ld.so(8)): DT_RPATH of the object and of
 * the objects that loaded it (only when it has no DT_RUNPATH), then its
 * DT_RUNPATH, then the cache and the system search path (unless
 * DF_1_NODEFLIB). LD_LIBRARY_PATH is left out on purpose: the guest's
 * loader does not have it, so a library found through it would not be
 * found there. */
#include "elf/deps.h"
#include "elf/elfdyn.h"
#include "elf/ldpaths.h"
#include "parse.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NO_LOADER SIZE_MAX
#define MAX_LINKS 40		/* the kernel's own limit on a chain of links */

struct object {
	char *host, *image;	/* the path the loader opens it by */
	struct elf_dyn dyn;
	size_t loader;		/* the object that needed it, or NO_LOADER */
};

struct dir_pair {
	char *host, *image;	/* the same directory, seen from each side */
};

struct closure {
	const char *origin, *program;
	struct dep_list *out;
	struct object *obj;
	size_t nobj;
	char **names;		/* DT_NEEDED names resolved so far */
	size_t nnames;
	struct ld_paths lp;
};

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	return slash == path ? xstrdup("/") : xasprintf("%.*s", (int)(slash - path), path);
}

static int has_image_path(const struct closure *c, const char *image)
{
	for (size_t i = 0; i < c->out->n; i++)
		if (strcmp(c->out->v[i].image, image) == 0)
			return 1;
	return 0;
}

static void add_item(struct closure *c, const char *host, const char *image,
		     const char *target, int follow)
{
	struct dep_list *l = c->out;

	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n].host = host ? xstrdup(host) : NULL;
	l->v[l->n].image = xstrdup(image);
	l->v[l->n].target = target ? xstrdup(target) : NULL;
	l->v[l->n].follow = follow;
	l->n++;
}

/* Step from the link at (*h, *i) to its target, on both sides. */
static int step_through_link(const struct closure *c, char **h, char **i)
{
	char target[PATH_MAX], *hd, *id;
	ssize_t n = readlink(*h, target, sizeof(target) - 1);

	if (n < 0) {
		errorf("%s: following the link %s: %s", c->origin, *h, strerror(errno));
		return -1;
	}
	target[n] = '\0';
	hd = dir_of(*h);
	id = dir_of(*i);
	free(*h);
	free(*i);
	*h = target[0] == '/' ? xstrdup(target) : xasprintf("%s/%s", hd, target);
	*i = join_image_path(id, target);
	free(hd);
	free(id);
	return 0;
}

/* Put host at image, and when it is a symbolic link, its target too, the
 * same way, until a regular file: links are kept as links. Directories on
 * the way become real directories in the image, so a relative target
 * means the same in the image as it does lexically. The last (host,
 * image) pair is left in *host_end and *image_end (malloc'd). */
static int place(struct closure *c, const char *host, const char *image,
		 char **host_end, char **image_end)
{
	char *h = xstrdup(host), *i = xstrdup(image);
	struct stat st;

	for (int hops = 0;; hops++) {
		if (lstat(h, &st) < 0) {
			errorf("%s: %s: %s", c->origin, h, strerror(errno));
			goto fail;
		}
		if (!has_image_path(c, i))
			add_item(c, h, i, NULL, 0);
		if (!S_ISLNK(st.st_mode))
			break;
		if (hops == MAX_LINKS) {
			errorf("%s: following the link %s: %s", c->origin, h, strerror(ELOOP));
			goto fail;
		}
		if (step_through_link(c, &h, &i) < 0)
			goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		errorf("%s: %s: is not a regular file", c->origin, h);
		goto fail;
	}
	*host_end = h;
	*image_end = i;
	return 0;
fail:
	free(h);
	free(i);
	return -1;
}

/* One element of a DT_RPATH/DT_RUNPATH list, with $ORIGIN expanded for
 * each side. An element the loader takes relative to the working
 * directory (rseq's selftests link with -rpath=./) is taken relative to
 * the program's directory PROG: test suites run their programs from
 * there. Elements with $LIB or $PLATFORM are not searched. */
static int expand_element(const char *elem, size_t len, const struct object *o,
			  const struct object *prog, struct dir_pair *d)
{
	char *e = xasprintf("%.*s", (int)len, elem), *rest = e;
	char *ho = dir_of(o->host), *io = dir_of(o->image);
	int ok = 0;

	if (strncmp(e, "$ORIGIN", 7) == 0)
		rest = e + 7;
	else if (strncmp(e, "${ORIGIN}", 9) == 0)
		rest = e + 9;
	if (rest != e && (*rest == '/' || !*rest) && !strchr(rest, '$')) {
		d->host = xasprintf("%s%s", ho, rest);
		d->image = join_image_path(io, *rest ? rest + 1 : ".");
		ok = 1;
	} else if (e[0] == '/' && !strchr(e, '$')) {
		d->host = xstrdup(e);
		d->image = join_image_path("/", e);
		ok = 1;
	} else if (e[0] && e[0] != '$' && !strchr(e, '$')) {
		char *hp = dir_of(prog->host), *ip = dir_of(prog->image);
		size_t l = strlen(e);

		while (l > 1 && e[l - 1] == '/')	/* "./" is "." */
			e[--l] = '\0';

		d->host = xasprintf("%s/%s", hp, e);
		d->image = join_image_path(ip, e);
		free(hp);
		free(ip);
		ok = 1;
	}
	free(e);
	free(ho);
	free(io);
	return ok;
}

static void add_path_list(struct dir_pair **dirs, size_t *n, const char *list,
			  const struct object *o, const struct object *prog)
{
	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ":");
		struct dir_pair d;

		if (expand_element(p, len, o, prog, &d)) {
			*dirs = xrealloc(*dirs, (*n + 1) * sizeof(**dirs));
			(*dirs)[(*n)++] = d;
		}
		p += len;
		p += strspn(p, ":");
	}
}

/* The directories the program's own dynamic sections name for object i. */
static void own_dirs(const struct closure *c, size_t i, struct dir_pair **dirs, size_t *n)
{
	const struct object *o = &c->obj[i];

	if (!o->dyn.runpath)
		for (size_t j = i; j != NO_LOADER; j = c->obj[j].loader)
			add_path_list(dirs, n, c->obj[j].dyn.rpath, &c->obj[j], &c->obj[0]);
	add_path_list(dirs, n, o->dyn.runpath, o, &c->obj[0]);
}

static void free_dirs(struct dir_pair *dirs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(dirs[i].host);
		free(dirs[i].image);
	}
	free(dirs);
}

/* A file the loader would take: readable ELF of the program's kind. */
static int acceptable(const struct closure *c, const char *host, struct elf_dyn *d)
{
	const char *why = NULL;
	int err;

	if (elf_dyn_read(host, d, &err, &why) != ELF_DYN_OK)
		return 0;
	if (elf_dyn_compatible(d, &c->obj[0].dyn))
		return 1;
	elf_dyn_free(d);
	return 0;
}

struct found {
	char *host, *image;
	struct elf_dyn dyn;
	int via_cache;
};

static int search_dirs(const struct closure *c, const struct dir_pair *dirs,
		       size_t n, const char *name, struct found *f)
{
	for (size_t i = 0; i < n; i++) {
		char *h = xasprintf("%s/%s", dirs[i].host, name);

		if (acceptable(c, h, &f->dyn)) {
			f->host = h;
			f->image = join_image_path(dirs[i].image, name);
			return 1;
		}
		free(h);
	}
	return 0;
}

static int search_cache(const struct closure *c, const char *name, struct found *f)
{
	for (size_t i = 0; i < c->lp.ncache; i++) {
		const char *p = c->lp.cache[i].path;

		if (strcmp(c->lp.cache[i].name, name) == 0 && p[0] == '/' &&
		    acceptable(c, p, &f->dyn)) {
			f->host = xstrdup(p);
			f->image = join_image_path("/", p);
			f->via_cache = 1;
			return 1;
		}
	}
	return 0;
}

static void report_not_found(const struct closure *c, size_t i, const char *name,
			     const struct dir_pair *dirs, size_t n)
{
	char *where = xstrdup("");

	for (size_t k = 0; k < n; k++) {
		char *more = xasprintf("%s%s, ", where, dirs[k].host);

		free(where);
		where = more;
	}
	if (!c->obj[i].dyn.nodeflib) {
		char *more = xasprintf("%s%s", where, c->lp.musl ? "" : "the loader's cache, ");

		free(where);
		where = more;
		for (size_t k = 0; k < c->lp.ndirs; k++) {
			more = xasprintf("%s%s, ", where, c->lp.dirs[k]);
			free(where);
			where = more;
		}
	}
	if (*where)
		where[strlen(where) - 2] = '\0';
	errorf("%s: library %s (needed by %s) not found; searched %s", c->origin, name,
	       c->obj[i].host, *where ? where : "nowhere");
	free(where);
}

static int search(struct closure *c, size_t i, const char *name, struct found *f)
{
	struct dir_pair *dirs = NULL;
	size_t n = 0;
	int hit;

	memset(f, 0, sizeof(*f));
	own_dirs(c, i, &dirs, &n);
	hit = search_dirs(c, dirs, n, name, f);
	if (!hit && !c->obj[i].dyn.nodeflib) {
		hit = search_cache(c, name, f);
		for (size_t k = 0; !hit && k < c->lp.ndirs; k++) {
			struct dir_pair d = { c->lp.dirs[k], c->lp.dirs[k] };

			hit = search_dirs(c, &d, 1, name, f);
		}
	}
	if (!hit)
		report_not_found(c, i, name, dirs, n);
	free_dirs(dirs, n);
	return hit ? 0 : -1;
}

static void add_object(struct closure *c, const char *host, const char *image,
		       const struct elf_dyn *dyn, size_t loader)
{
	struct object *o;

	c->obj = xrealloc(c->obj, (c->nobj + 1) * sizeof(*c->obj));
	o = &c->obj[c->nobj++];
	o->host = xstrdup(host);
	o->image = xstrdup(image);
	o->dyn = *dyn;
	o->loader = loader;
}

static int seen_name(struct closure *c, const char *name)
{
	for (size_t i = 0; i < c->nnames; i++)
		if (strcmp(c->names[i], name) == 0)
			return 1;
	c->names = xrealloc(c->names, (c->nnames + 1) * sizeof(*c->names));
	c->names[c->nnames++] = xstrdup(name);
	return 0;
}

/* Found only through the host's cache, in a directory the guest's loader
 * does not search by itself (e.g. /usr/local/lib): the image has no such
 * cache, so a link in the first system directory leads there. */
static void link_from_default_dir(struct closure *c, const struct found *f,
				  const char *name)
{
	char *dir = dir_of(f->image), *link;

	if (!f->via_cache || c->lp.ndirs == 0 || ld_paths_is_default(&c->lp, dir)) {
		free(dir);
		return;
	}
	link = join_image_path(c->lp.dirs[0], name);
	if (!has_image_path(c, link))
		add_item(c, NULL, link, f->image, 0);
	free(link);
	free(dir);
}

static int resolve_name(struct closure *c, size_t i, const char *name)
{
	char *he = NULL, *ie = NULL;
	struct found f;

	if (seen_name(c, name) || (c->lp.musl && strcmp(name, "libc.so") == 0))
		return 0;
	if (strchr(name, '/')) {
		errorf("%s: %s needs %s by a path, which mkrootfs does not follow",
		       c->origin, c->obj[i].host, name);
		return -1;
	}
	if (search(c, i, name, &f) < 0)
		return -1;
	if (place(c, f.host, f.image, &he, &ie) == 0) {
		link_from_default_dir(c, &f, name);
		add_object(c, f.host, f.image, &f.dyn, i);
		memset(&f.dyn, 0, sizeof(f.dyn));
	}
	elf_dyn_free(&f.dyn);
	free(f.host);
	free(f.image);
	if (!he)
		return -1;
	free(he);
	free(ie);
	return 0;
}

/* Breadth first, as the loader loads them. */
static int resolve_libraries(struct closure *c)
{
	for (size_t i = 0; i < c->nobj; i++)
		for (size_t k = 0; k < c->obj[i].dyn.nneeded; k++)
			if (resolve_name(c, i, c->obj[i].dyn.needed[k]) < 0)
				return -1;
	return 0;
}

/* "" for the program itself (the option names it), else "PATH " (a
 * script's interpreter). */
static char *subject(const struct closure *c, const char *path)
{
	return strcmp(path, c->program) == 0 ? xstrdup("") : xasprintf("%s ", path);
}

static int refuse_elf(const struct closure *c, const char *path, const struct elf_dyn *d)
{
	char machine[32], *who = subject(c, path);
	int rc = -1;

	if (!elf_is_native(&d->info))
		errorf("%s: %sis a program for %s, but this image is for %s", c->origin,
		       who, elf_machine_name(&d->info, machine), elf_native_name());
	else if (!elf_is_executable(&d->info))
		errorf("%s: %sis an ELF file but not a program", c->origin, who);
	else
		rc = 0;
	free(who);
	return rc;
}

/* The ELF program (already read into d) as object 0, its interpreter and
 * libraries. host_origin is the program's real location on the host,
 * image its path in the image. */
static int resolve_elf(struct closure *c, const char *host_origin, const char *image,
		       struct elf_dyn *d)
{
	const char *interp;
	char *he = NULL, *ie = NULL, *at;
	int rc;

	add_object(c, host_origin, image, d, NO_LOADER);
	memset(d, 0, sizeof(*d));
	interp = c->obj[0].dyn.interp;
	if (!interp)
		return 0;		/* static: nothing else to load */
	if (interp[0] != '/') {
		errorf("%s: %s asks for the interpreter %s, which is not an absolute path",
		       c->origin, host_origin, interp);
		return -1;
	}
	ld_paths_load(&c->lp, interp);
	at = join_image_path("/", interp);
	rc = place(c, interp, at, &he, &ie);
	free(at);
	free(he);
	free(ie);
	return rc < 0 ? -1 : resolve_libraries(c);
}

static void closure_free(struct closure *c)
{
	for (size_t i = 0; i < c->nobj; i++) {
		free(c->obj[i].host);
		free(c->obj[i].image);
		elf_dyn_free(&c->obj[i].dyn);
	}
	for (size_t i = 0; i < c->nnames; i++)
		free(c->names[i]);
	free(c->obj);
	free(c->names);
	ld_paths_free(&c->lp);
}

void dep_list_free(struct dep_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].host);
		free(l->v[i].image);
		free(l->v[i].target);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* "#!/bin/bash -e" -> "/bin/bash"; NULL when the file is no script. */
static char *script_interpreter(const char *path)
{
	char line[256];
	FILE *f = fopen(path, "re");
	size_t n = f ? fread(line, 1, sizeof(line) - 1, f) : 0;
	char *start;

	if (f)
		fclose(f);
	line[n] = '\0';
	if (n < 3 || line[0] != '#' || line[1] != '!')
		return NULL;
	start = line + 2 + strspn(line + 2, " \t");
	start[strcspn(start, " \t\n")] = '\0';
	return *start == '/' ? xstrdup(start) : NULL;
}

/* A script: its interpreter joins the image when it is an ELF program on
 * the host and the image does not have that path already. */
static int resolve_script(struct closure *c, const char *path, dep_has_fn has, void *ctx)
{
	char *interp = script_interpreter(path), *he = NULL, *ie = NULL, *real = NULL;
	const char *why = NULL;
	struct elf_dyn d;
	int err, rc = -1;

	if (!interp) {
		errorf("%s: is neither an ELF program nor a #! script", c->origin);
		return -1;
	}
	if ((has && has(interp, ctx)) || elf_dyn_read(interp, &d, &err, &why) != ELF_DYN_OK) {
		verbosef("%s: the interpreter %s is not added (the image has it, or it is "
			 "no ELF program here)", c->origin, interp);
		free(interp);
		return 0;
	}
	if (refuse_elf(c, interp, &d) == 0 && place(c, interp, interp, &he, &ie) == 0) {
		real = realpath(he, NULL);
		rc = resolve_elf(c, real ? real : he, ie, &d);
	}
	elf_dyn_free(&d);
	free(real);
	free(he);
	free(ie);
	free(interp);
	return rc;
}

int deps_resolve(const char *path, const char *dest, const char *origin,
		 dep_has_fn has, void *ctx, struct dep_list *out)
{
	struct closure c = { .origin = origin, .program = path, .out = out };
	enum elf_dyn_result r;
	const char *why = "?";
	char *real = NULL;
	struct elf_dyn d;
	struct stat st;
	int err = 0, rc = -1;

	if (stat(path, &st) < 0) {
		errorf("%s: %s", origin, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		errorf("%s: %s", origin, S_ISDIR(st.st_mode) ? strerror(EISDIR)
		       : "is not a regular file");
		return -1;
	}
	add_item(&c, path, dest, NULL, 1);
	r = elf_dyn_read(path, &d, &err, &why);
	if (r == ELF_DYN_NOT_ELF)
		rc = resolve_script(&c, path, has, ctx);
	else if (r == ELF_DYN_UNREADABLE)
		errorf("%s: %s", origin, strerror(err));
	else if (r == ELF_DYN_BAD)
		errorf("%s: reading %s as ELF: %s", origin, path, why ? why : "?");
	else if (refuse_elf(&c, path, &d) == 0 && !(real = realpath(path, NULL)))
		errorf("%s: resolving %s: %s", origin, path, strerror(errno));
	else if (real)
		rc = resolve_elf(&c, real, dest, &d);
	if (r == ELF_DYN_OK)
		elf_dyn_free(&d);
	free(real);
	closure_free(&c);
	return rc;
}
