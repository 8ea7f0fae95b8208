/* libexec.h - minroot's own files that mkrootfs packs or runs (the init,
 * scripts/debian-package): beside the running mkrootfs (build/mkrootfs
 * finds build/init), else where `make install` put them (LIBEXECDIR). */
#ifndef MKROOTFS_LIBEXEC_H
#define MKROOTFS_LIBEXEC_H

/* The file NAME (malloc'd path), or NULL after reporting "no NAME found
 * (looked for A and B); HINT". */
char *libexec_find(const char *name, const char *hint);

#endif
