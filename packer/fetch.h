/* fetch.h - busybox for an image of another architecture: the static
 * busybox of that architecture's Debian package busybox-static (of the
 * release the architecture table names: 12, or 13 for riscv64), fetched by
 * minroot's debian-package with `apt-get download` (apt checks its
 * signature; no root needed, and no change to the machine's apt) and kept
 * in ${MINROOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/minroot}, so later
 * images need no network. */
#ifndef MKROOTFS_FETCH_H
#define MKROOTFS_FETCH_H

#include "arch.h"

/* The cached busybox's path (malloc'd), fetched first if missing; NULL
 * after reporting. Not checked here: the caller judges the file as it
 * judges any busybox (program.c). */
char *fetch_busybox(const struct arch *a);

#endif
