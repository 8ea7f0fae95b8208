/* deps.h - a program and everything the kernel and the dynamic loader need
 * to start it in the image: its ELF interpreter and its shared libraries,
 * transitively, found the way the host's loader finds them (DT_RPATH,
 * DT_RUNPATH with $ORIGIN, the loader's cache, its system search path),
 * with the symbolic links on the way (libc.so.6 -> libc-2.36.so). */
#ifndef MKROOTFS_DEPS_H
#define MKROOTFS_DEPS_H

#include <stddef.h>

/* One file of the closure: copy host to image. */
struct dep_item {
	char *host;		/* host path; NULL for a link made up here */
	char *image;		/* absolute, normalised path in the image */
	char *target;		/* host == NULL: the link's target */
	int follow;		/* the program itself: its content, never a link */
};

struct dep_list {
	struct dep_item *v;
	size_t n;
};

/* Whether the image already has path (then a script's interpreter is
 * not replaced: `#!/bin/sh` keeps the image's own shell). */
typedef int (*dep_has_fn)(const char *path, void *ctx);

/* Resolve the program at host path `path`, to be installed at `dest`.
 * `origin` names the option in messages. Items are appended to out, the
 * program first. 0, or -1 after reporting in one line. */
int deps_resolve(const char *path, const char *dest, const char *origin,
		 dep_has_fn has, void *ctx, struct dep_list *out);

void dep_list_free(struct dep_list *l);

#endif
