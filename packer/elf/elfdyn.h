/* elfdyn.h - what the dynamic loader reads from one ELF file: its machine,
 * its interpreter (PT_INTERP) and its dynamic section (DT_NEEDED,
 * DT_RUNPATH, DT_RPATH, DF_1_NODEFLIB). Read through elfutils' libelf. */
#ifndef MKROOTFS_ELFDYN_H
#define MKROOTFS_ELFDYN_H

#include "elf/elfinfo.h"

#include <stddef.h>

struct elf_dyn {
	struct elf_info info;	/* class, byte order, machine, type */
	char *interp;		/* PT_INTERP, or NULL (static) */
	char **needed;		/* DT_NEEDED, in order */
	size_t nneeded;
	char *runpath, *rpath;	/* as written, or NULL */
	int nodeflib;		/* DF_1_NODEFLIB: no cache, no default paths */
};

enum elf_dyn_result { ELF_DYN_OK, ELF_DYN_UNREADABLE, ELF_DYN_NOT_ELF, ELF_DYN_BAD };

/* Read path. On ELF_DYN_UNREADABLE *err is the errno; on ELF_DYN_BAD (an
 * ELF file libelf cannot read) *why says what went wrong. */
enum elf_dyn_result elf_dyn_read(const char *path, struct elf_dyn *d, int *err,
				 const char **why);
void elf_dyn_free(struct elf_dyn *d);

/* Same class, byte order and machine: the loader accepts it as a library. */
int elf_dyn_compatible(const struct elf_dyn *a, const struct elf_dyn *b);

#endif
