/* addprog.h - --add-program and --list-program-deps: a host program with
 * its interpreter and libraries (deps.c) as manifest entries, or as a list
 * for other tools. */
#ifndef MKROOTFS_ADDPROG_H
#define MKROOTFS_ADDPROG_H

#include "manifest.h"
#include "elf/deps.h"

/* Add the program src at dest with its closure. In update mode,
 * image_has(path, image) says what the existing image has (NULL for a new
 * image: the manifest is asked): a script's interpreter the image already
 * has is not replaced. 0, or -1 after reporting. */
int addprog_add(struct manifest *m, const char *src, const char *dest,
		const char *origin, dep_has_fn image_has, void *image);

/* --list-program-deps SPEC...: print each closure in turn (its first line
 * is the program itself), one line per entry,
 * "file<TAB>HOSTPATH<TAB>IMAGEPATH" or "link<TAB>TARGET<TAB>IMAGEPATH".
 * specs is NULL-terminated. 0, or 1 after reporting the first failure. */
int addprog_list(const char *const *specs);

#endif
