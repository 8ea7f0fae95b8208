/* manifest.h - the image described as data: every entry with its type,
 * path, mode, owner (always 0:0), device numbers, symlink target and the
 * source of its content. Built by pure code; the writers only follow it. */
#ifndef MKROOTFS_MANIFEST_H
#define MKROOTFS_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

enum entry_type { E_DIR, E_FILE, E_SYMLINK, E_CHAR, E_BLOCK, E_FIFO, E_SOCKET };

struct entry {
	char *path;		/* absolute and normalised; "/" is the root */
	enum entry_type type;
	unsigned mode;		/* permission bits only (07777) */
	unsigned uid, gid;	/* 0: the image never inherits the builder's ids */
	unsigned major, minor;	/* E_CHAR, E_BLOCK */
	char *target;		/* E_SYMLINK */
	char *source;		/* E_FILE: host file to copy ... */
	const char *data;	/* ... or built-in content when source is NULL */
	uint64_t size;		/* E_FILE: bytes, from lstat or strlen(data) */
	int sparse;		/* E_FILE: the source has holes (look for its data) ... */
	uint64_t stored;	/* ... and occupies these bytes on the host */
	const char *origin;	/* what put it here, for messages */
	size_t seq;		/* order of addition: later entries win */
	/* Hard links: entries (never directories) with the same non-zero
	 * link_id are names of one inode ("same inode as"); the source's
	 * device and inode numbers, or any other pair that says so. */
	uint64_t link_dev, link_id;
	/* Set by manifest_finish: the inode's number of names in the image
	 * (1 without hard links) and its first and last names' indexes. */
	unsigned nlink;
	size_t first_link, last_link;
};

struct manifest {
	struct entry *e;
	size_t n, cap;
};

void manifest_init(struct manifest *m);
void manifest_free(struct manifest *m);

/* Append an entry (path copied) and return it for the caller to complete. */
struct entry *manifest_add(struct manifest *m, enum entry_type type,
			   const char *path, unsigned mode, const char *origin);
struct entry *manifest_add_symlink(struct manifest *m, const char *path,
				   const char *target, const char *origin);
struct entry *manifest_add_node(struct manifest *m, enum entry_type type,
				const char *path, unsigned mode,
				unsigned major, unsigned minor, const char *origin);

/* The fixed skeleton of a new image: directories, /dev nodes, /etc files. */
void manifest_add_base(struct manifest *m);

/* One symlink to /bin/busybox per line of `busybox --list-full`. */
int manifest_add_applets(struct manifest *m, const char *list, char *err);

/* Sort depth-first by name, let later entries replace earlier ones (a
 * directory never silently becomes something else), add missing parent
 * directories (0755) and check that every parent is a directory. */
int manifest_finish(struct manifest *m, char *err);

/* After manifest_finish: the first and last entries naming e's inode (e
 * itself when it has no other name). Writers put the content with the
 * first (ext) or the last (cpio newc, as the kernel and GNU cpio expect). */
const struct entry *manifest_first_link(const struct manifest *m, const struct entry *e);
const struct entry *manifest_last_link(const struct manifest *m, const struct entry *e);

/* After manifest_finish: the entry at path, or NULL. */
const struct entry *manifest_find(const struct manifest *m, const char *path);

/* Order of paths in the image: depth-first, names compared bytewise. */
int path_compare(const char *a, const char *b);

/* Parent of a normalised path, malloc'd ("/a/b" -> "/a", "/a" -> "/"). */
char *path_parent(const char *path);
/* Last name of a normalised path (points into path). */
const char *path_name(const char *path);

#endif
