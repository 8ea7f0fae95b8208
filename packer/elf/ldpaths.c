/* ldpaths.c - asking the host's loader and ldconfig where libraries are. */
#include "elf/ldpaths.h"
#include "run.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYSTEM_DIR_MARK " (system search path)"
#define MUSL_DEFAULT_PATH "/lib:/usr/local/lib:/usr/lib"
#define GLIBC_FALLBACK_PATH "/lib64:/usr/lib64:/lib:/usr/lib"

/* Run a host tool for what it prints; NULL when it is missing or fails:
 * the caller then falls back, so nothing is reported. */
static char *quiet_output(char *const argv[])
{
	char *errors = NULL, *out;
	int code = 0;

	out = run_program(argv, argv[0], &errors, &code);
	free(errors);
	if (out && code != 0) {
		free(out);
		out = NULL;
	}
	return out;
}

static void add_dir(struct ld_paths *lp, const char *dir, size_t len)
{
	if (len == 0 || dir[0] != '/')
		return;
	lp->dirs = xrealloc(lp->dirs, (lp->ndirs + 1) * sizeof(*lp->dirs));
	lp->dirs[lp->ndirs++] = xasprintf("%.*s", (int)len, dir);
}

static void add_dir_list(struct ld_paths *lp, const char *list, const char *seps)
{
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, seps);

		add_dir(lp, p, n);
		p += n;
		p += strspn(p, seps);
	}
}

/* glibc's `ld.so --help` ends with "Shared library search path:" and one
 * line per directory, "  /lib/x86_64-linux-gnu (system search path)". */
static void load_glibc_dirs(struct ld_paths *lp, const char *interp)
{
	char *const argv[] = { (char *)interp, "--help", NULL };
	char *out = quiet_output(argv), *save = NULL;

	for (char *line = out ? strtok_r(out, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *mark = strstr(line, SYSTEM_DIR_MARK);

		line += strspn(line, " \t");
		if (mark && mark[strlen(SYSTEM_DIR_MARK)] == '\0')
			add_dir(lp, line, (size_t)(mark - line));
	}
	free(out);
	if (lp->ndirs == 0)
		add_dir_list(lp, GLIBC_FALLBACK_PATH, ":");
}

/* "\tlibc.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libc.so.6".
 * Entries for a CPU level ("hwcap: x86-64-v3") are left out: the guest's
 * CPU may not have what the host's has. */
static void take_cache_line(struct ld_paths *lp, const char *line)
{
	const char *open = strstr(line, " ("), *arrow = strstr(line, ") => ");
	const char *name = line + strspn(line, " \t");

	if (!open || !arrow || arrow < open || strstr(line, "hwcap:") || name > open)
		return;
	lp->cache = xrealloc(lp->cache, (lp->ncache + 1) * sizeof(*lp->cache));
	lp->cache[lp->ncache].name = xasprintf("%.*s", (int)(open - name), name);
	lp->cache[lp->ncache].path = xstrdup(arrow + 5);
	lp->ncache++;
}

static void load_glibc_cache(struct ld_paths *lp)
{
	static const char *const ldconfig[] = { "ldconfig", "/sbin/ldconfig",
						"/usr/sbin/ldconfig" };
	char *out = NULL, *save = NULL;

	for (size_t i = 0; i < sizeof(ldconfig) / sizeof(*ldconfig) && !out; i++) {
		char *const argv[] = { (char *)ldconfig[i], "-p", NULL };

		out = quiet_output(argv);
	}
	for (char *line = out ? strtok_r(out, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save))
		take_cache_line(lp, line);
	free(out);
}

/* /lib/ld-musl-x86_64.so.1 reads /etc/ld-musl-x86_64.path. */
static void load_musl_dirs(struct ld_paths *lp, const char *base)
{
	const char *arch = base + strlen("ld-musl-");
	char *file = xasprintf("/etc/ld-musl-%.*s.path", (int)strcspn(arch, "."), arch);
	char buf[4096];
	FILE *f = fopen(file, "re");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
	add_dir_list(lp, f ? buf : MUSL_DEFAULT_PATH, f ? ":\n" : ":");
	free(file);
}

void ld_paths_load(struct ld_paths *lp, const char *interp)
{
	const char *slash = strrchr(interp, '/');
	const char *base = slash ? slash + 1 : interp;

	memset(lp, 0, sizeof(*lp));
	if (strncmp(base, "ld-musl-", 8) == 0) {
		lp->musl = 1;
		load_musl_dirs(lp, base);
		return;
	}
	load_glibc_dirs(lp, interp);
	load_glibc_cache(lp);
}

void ld_paths_free(struct ld_paths *lp)
{
	for (size_t i = 0; i < lp->ndirs; i++)
		free(lp->dirs[i]);
	for (size_t i = 0; i < lp->ncache; i++) {
		free(lp->cache[i].name);
		free(lp->cache[i].path);
	}
	free(lp->dirs);
	free(lp->cache);
	memset(lp, 0, sizeof(*lp));
}

int ld_paths_is_default(const struct ld_paths *lp, const char *dir)
{
	for (size_t i = 0; i < lp->ndirs; i++)
		if (strcmp(lp->dirs[i], dir) == 0)
			return 1;
	return 0;
}
