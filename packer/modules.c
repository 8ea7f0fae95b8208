/* modules.c - staging a modules tree and indexing it with depmod. Nothing
 * is written into the user's tree: the staging directory mirrors it with
 * symbolic links, and real files only for what had to be decompressed. */
#include "modules.h"
#include "decompress.h"
#include "output.h"
#include "run.h"
#include "source.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What depmod reads besides the modules; the indexes it writes are not
 * copied, they are made again for what the image holds. */
static int is_index_input(const char *name)
{
	return !strcmp(name, "modules.order") || !strcmp(name, "modules.builtin") ||
	       !strcmp(name, "modules.builtin.modinfo");
}

static int skipped_at_top(const char *name)
{
	/* build and source point at the kernel's build tree, not modules */
	return !strcmp(name, "build") || !strcmp(name, "source") ||
	       (!strncmp(name, "modules.", 8) && !is_index_input(name));
}

static char *join(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static int stage_file(const char *src, const char *dst, const char *name, size_t *nmods,
		      const char *origin)
{
	size_t sfx = module_compression_suffix(name);
	char err[ERRLEN];

	if (sfx) {
		char *plain = xasprintf("%.*s", (int)(strlen(dst) - sfx), dst);
		int rc = decompress_module(src, plain, err);

		free(plain);
		if (rc < 0) {
			errorf("%s: %s", origin, err);
			return -1;
		}
		++*nmods;
		return 0;
	}
	if (strlen(name) > 3 && !strcmp(name + strlen(name) - 3, ".ko"))
		++*nmods;
	if (symlink(src, dst) < 0) {
		errorf("%s: linking %s: %s", origin, dst, strerror(errno));
		return -1;
	}
	return 0;
}

/* What is done with each entry of a directory walked by walk_dir(). */
typedef int visit_fn(const char *src, const char *dst, const char *name, const struct stat *st,
		     void *ctx, const char *origin);

static int walk_dir(const char *src, const char *dst, int top, visit_fn *visit, void *ctx,
		    const char *origin);
static visit_fn stage_entry;

/* Whether a tree holds a compressed module anywhere; one without any is
 * staged as a single link to the directory (depmod follows it). */
static int has_compressed(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int found = 0;

	if (!d)
		return 1;	/* let the staging walk report it */
	while (!found && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (de->d_type == DT_DIR || de->d_type == DT_UNKNOWN || de->d_type == DT_LNK) {
			char *sub = join(dir, de->d_name);
			struct stat st;

			found = stat(sub, &st) == 0 && S_ISDIR(st.st_mode) && has_compressed(sub);
			free(sub);
		}
		found = found || module_compression_suffix(de->d_name);
	}
	closedir(d);
	return found;
}

static size_t count_modules(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	while (d && (de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.')
			continue;
		if (len > 3 && !strcmp(de->d_name + len - 3, ".ko"))
			n++;
		else if (de->d_type == DT_DIR || de->d_type == DT_LNK || de->d_type == DT_UNKNOWN) {
			char *sub = join(dir, de->d_name);

			n += count_modules(sub);
			free(sub);
		}
	}
	if (d)
		closedir(d);
	return n;
}

static int stage_subdir(const char *src, const char *dst, size_t *nmods, const char *origin)
{
	if (!has_compressed(src)) {
		*nmods += count_modules(src);
		if (symlink(src, dst) == 0)
			return 0;
		errorf("%s: linking %s: %s", origin, dst, strerror(errno));
		return -1;
	}
	if (mkdir(dst, 0755) < 0) {
		errorf("%s: creating %s: %s", origin, dst, strerror(errno));
		return -1;
	}
	return walk_dir(src, dst, 0, stage_entry, nmods, origin);
}

/* visit for each entry of src (stat'ed, links followed), with its path and
 * its path under dst; at the top, the names staging leaves out are skipped. */
static int walk_dir(const char *src, const char *dst, int top, visit_fn *visit, void *ctx,
		    const char *origin)
{
	DIR *d = opendir(src);
	struct dirent *de;
	int rc = 0;

	if (!d) {
		errorf("%s: cannot read directory %s: %s", origin, src, strerror(errno));
		return -1;
	}
	while (rc == 0 && (errno = 0, de = readdir(d))) {
		char *s, *t;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    (top && skipped_at_top(de->d_name)))
			continue;
		s = join(src, de->d_name);
		t = join(dst, de->d_name);
		if (stat(s, &st) < 0) {
			errorf("%s: %s: %s", origin, s, strerror(errno));
			rc = -1;
		} else {
			rc = visit(s, t, de->d_name, &st, ctx, origin);
		}
		free(s);
		free(t);
	}
	if (rc == 0 && errno) {
		errorf("%s: reading directory %s: %s", origin, src, strerror(errno));
		rc = -1;
	}
	closedir(d);
	return rc;
}

/* src is absolute, so the links made in dst stay valid. */
static int stage_entry(const char *src, const char *dst, const char *name, const struct stat *st,
		       void *nmods, const char *origin)
{
	if (S_ISDIR(st->st_mode))
		return stage_subdir(src, dst, nmods, origin);
	if (S_ISREG(st->st_mode))
		return stage_file(src, dst, name, nmods, origin);
	return 0;
}

/* The one directory in DIR/lib/modules (or DIR/usr/lib/modules: a
 * merged-/usr root, or a Debian 13 kernel package unpacked), or DIR itself;
 * malloc'd, absolute. */
static char *find_version_dir(const char *dir, const char *origin)
{
	char *lm = join(dir, "lib/modules"), *found = NULL, *real;
	DIR *d = opendir(lm);
	struct dirent *de;
	int count = 0;

	if (!d) {
		free(lm);
		lm = join(dir, "usr/lib/modules");
		d = opendir(lm);
	}
	if (!d) {
		free(lm);
		if (!(real = realpath(dir, NULL)))
			errorf("%s: %s", origin, strerror(errno));
		return real;
	}
	while ((de = readdir(d))) {
		char *sub = join(lm, de->d_name);
		struct stat st;

		if (de->d_name[0] != '.' && stat(sub, &st) == 0 && S_ISDIR(st.st_mode) && !count++)
			found = sub;
		else
			free(sub);
	}
	closedir(d);
	if (count != 1) {
		errorf("%s: %s holds %s kernel version; give %s/VERSION", origin, lm,
		       count ? "more than one" : "no", lm);
		free(found);
		found = NULL;
	}
	free(lm);
	real = found ? realpath(found, NULL) : NULL;
	free(found);
	return real;
}

static int make_staging(const char *version, struct modules_tree *t)
{
	const char *tmp = getenv("TMPDIR");
	char *lib, *mods;
	int rc = 0;

	memset(t, 0, sizeof(*t));
	t->staging = xasprintf("%s/mkrootfs-modules.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(t->staging)) {
		errorf("creating a staging directory %s: %s", t->staging, strerror(errno));
		free(t->staging);
		t->staging = NULL;
		return -1;
	}
	/* real, so a module's realpath can be told inside it or not */
	lib = realpath(t->staging, NULL);
	if (lib) {
		free(t->staging);
		t->staging = lib;
	}
	output_remove_dir_on_signal(t->staging, 0);
	t->version = xstrdup(version);
	lib = join(t->staging, "lib");
	mods = join(lib, "modules");
	t->dir = join(mods, version);
	if (mkdir(lib, 0755) < 0 || mkdir(mods, 0755) < 0 || mkdir(t->dir, 0755) < 0) {
		errorf("creating %s: %s", t->dir, strerror(errno));
		rc = -1;
	}
	free(lib);
	free(mods);
	return rc;
}

int modules_stage_empty(const char *version, struct modules_tree *t)
{
	return make_staging(version, t);
}

char *modules_tool(const char *name)
{
	const char *path = getenv("PATH");
	char *dirs = xasprintf("%s:/usr/sbin:/sbin", path && *path ? path : "/usr/bin:/bin");
	char *save = NULL, *found = NULL;

	for (char *d = strtok_r(dirs, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char *p = join(*d ? d : ".", name);

		if (access(p, X_OK) == 0)
			found = p;
		else
			free(p);
	}
	free(dirs);
	if (!found)
		errorf("%s not found in PATH, /usr/sbin or /sbin (install kmod)", name);
	return found;
}

/* The first line of a tool's complaint, for a one-line message. */
static const char *first_line(char *text)
{
	text[strcspn(text, "\n")] = '\0';
	return *text ? text : "no message";
}

int modules_index(const struct modules_tree *t, const char *origin)
{
	char *depmod = modules_tool("depmod"), *err = NULL, *out;
	int code = 0, rc = 0;

	if (!depmod)
		return -1;
	char *argv[] = { depmod, "-b", t->staging, t->version, NULL };
	out = run_program(argv, "depmod", &err, &code);
	if (!out) {
		rc = -1;
	} else if (code) {
		errorf("%s: depmod -b STAGING %s failed (exit status %d): %s", origin, t->version,
		       code, first_line(err));
		rc = -1;
	}
	free(out);
	free(err);
	free(depmod);
	return rc;
}

int modules_stage(const char *dir, struct modules_tree *t, const char *origin)
{
	struct stat st;
	size_t nmods = 0;
	char *vdir;

	memset(t, 0, sizeof(*t));
	if (stat(dir, &st) < 0) {
		errorf("%s: %s", origin, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		errorf("%s: is not a directory", origin);
		return -1;
	}
	if (!(vdir = find_version_dir(dir, origin)))
		return -1;
	if (make_staging(strrchr(vdir, '/') + 1, t) < 0 ||
	    walk_dir(vdir, t->dir, 1, stage_entry, &nmods, origin) < 0)
		goto fail;
	if (!nmods) {
		errorf("%s: no kernel modules (*.ko, *.ko.xz, *.ko.zst, *.ko.gz) in %s", origin, vdir);
		goto fail;
	}
	if (modules_index(t, origin) < 0)
		goto fail;
	free(vdir);
	return 0;
fail:
	free(vdir);
	modules_free(t);
	return -1;
}

static visit_fn add_entry;

/* Files through the staging links, so the image gets the modules
 * themselves; modes are fixed, the host's are not the image's business. */
static int add_tree(struct manifest *m, const char *src, const char *dest, const char *origin)
{
	manifest_add(m, E_DIR, dest, 0755, origin);
	return walk_dir(src, dest, 0, add_entry, m, origin);
}

static int add_entry(const char *src, const char *dst, const char *name, const struct stat *st,
		     void *m, const char *origin)
{
	struct entry *e;

	(void)name;
	if (S_ISDIR(st->st_mode))
		return add_tree(m, src, dst, origin);
	e = manifest_add(m, E_FILE, dst, 0644, origin);
	e->source = xstrdup(src);
	e->size = (uint64_t)st->st_size;
	return 0;
}

int modules_add(struct manifest *m, const struct modules_tree *t, const char *origin)
{
	char *dest = xasprintf("/lib/modules/%s", t->version);
	int rc = add_tree(m, t->dir, dest, origin);

	free(dest);
	return rc;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

void modules_free(struct modules_tree *t)
{
	if (t->staging) {
		nftw(t->staging, remove_one, 16, FTW_DEPTH | FTW_PHYS);
		output_remove_dir_on_signal(t->staging, 1);
	}
	free(t->staging);
	free(t->version);
	free(t->dir);
	memset(t, 0, sizeof(*t));
}
