/* ldpaths.h - where the host's dynamic loader looks for a library when
 * the program itself says nothing: its cache (/etc/ld.so.cache, read with
 * `ldconfig -p`) and its system search path (from `LOADER --help`, the
 * loader's own answer). musl's loader has no cache and reads its path
 * from /etc/ld-musl-ARCH.path. */
#ifndef MKROOTFS_LDPATHS_H
#define MKROOTFS_LDPATHS_H

#include <stddef.h>

struct ld_cache_entry {
	char *name;		/* "libc.so.6" */
	char *path;		/* "/lib/x86_64-linux-gnu/libc.so.6" */
};

struct ld_paths {
	char **dirs;		/* the system search path, in order */
	size_t ndirs;
	struct ld_cache_entry *cache;
	size_t ncache;
	int musl;		/* the loader is musl's: it is libc.so too */
};

/* What the loader at `interp` (a PT_INTERP path) searches. Never fails:
 * without answers it falls back to the usual directories. */
void ld_paths_load(struct ld_paths *lp, const char *interp);
void ld_paths_free(struct ld_paths *lp);

/* Is dir one of the system search directories? */
int ld_paths_is_default(const struct ld_paths *lp, const char *dir);

#endif
