/* modules.h - a kernel's modules tree (--modules DIR) for /lib/modules:
 * staged in a temporary directory (compressed modules decompressed, the
 * rest linked), indexed by kmod's depmod, then added to the manifest. */
#ifndef MKROOTFS_MODULES_H
#define MKROOTFS_MODULES_H

#include "manifest.h"

struct modules_tree {
	char *version;		/* the kernel release, e.g. 6.1.0-57-amd64 */
	char *staging;		/* temporary directory, removed by modules_free */
	char *dir;		/* staging/lib/modules/VERSION */
};

/* DIR is lib/modules/VERSION, or a prefix P holding exactly one
 * P/lib/modules/VERSION. 0, or -1 after reporting (origin names the option). */
int modules_stage(const char *dir, struct modules_tree *t, const char *origin);

/* An empty staged tree for the same kernel, filled by the caller, then
 * indexed with modules_index. */
int modules_stage_empty(const char *version, struct modules_tree *t);
int modules_index(const struct modules_tree *t, const char *origin);

/* The whole staged tree at /lib/modules/VERSION in the image. */
int modules_add(struct manifest *m, const struct modules_tree *t, const char *origin);

/* Path of a kmod tool (depmod, modprobe): in PATH, else /usr/sbin or /sbin,
 * which a user's PATH often lacks. malloc'd, or NULL after reporting. */
char *modules_tool(const char *name);

void modules_free(struct modules_tree *t);

#endif
