/* source.h - turning host files and trees (--add, --overlay) into manifest
 * entries. Only names, types, permission bits, device numbers and link
 * targets are taken from the host; owners are always 0:0. */
#ifndef MKROOTFS_SOURCE_H
#define MKROOTFS_SOURCE_H

#include "manifest.h"

/* Add SRC at DEST: a file, a symlink (not followed), a device node or a
 * whole directory tree. Every file is checked readable now, so a bad
 * source fails before anything is written. 0, or -1 after reporting. */
int source_add(struct manifest *m, const char *src, const char *dest,
	       const char *origin);

/* Copy DIR's contents onto the image root (DIR itself must be a directory;
 * the root keeps its own mode). */
int source_add_overlay(struct manifest *m, const char *dir, const char *origin);

/* --add for each line of FILE ("SRC:DEST"; empty lines are skipped): a
 * list of thousands of files, too long for a command line. */
int source_add_list(struct manifest *m, const char *file, const char *origin);

#endif
