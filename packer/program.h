/* program.h - finding and checking the programs that go into an image:
 * the init and busybox must be readable, ELF, for this machine and static
 * (nothing in the image could load a dynamic one). */
#ifndef MKROOTFS_PROGRAM_H
#define MKROOTFS_PROGRAM_H

#include "elf/elfinfo.h"

#include <stdint.h>

enum program_verdict {
	PROGRAM_OK,
	PROGRAM_UNREADABLE,	/* errno says why */
	PROGRAM_NOT_REGULAR,	/* a FIFO, a device, a directory ... */
	PROGRAM_NOT_ELF,
	PROGRAM_NOT_EXECUTABLE,
	PROGRAM_FOREIGN,	/* another machine */
	PROGRAM_DYNAMIC,
};

/* Judge a file; on PROGRAM_FOREIGN, machine names its architecture. */
enum program_verdict program_check(const char *path, char machine[32], int *err);

/* The ELF header of a file: 0, or -1 when unreadable or not ELF. */
int program_elf_header(const char *path, struct elf_info *info);

/* Check and report "OPTION PATH: problem; hint". 0 when usable.
 * dynamic_hint is what to say when it is dynamically linked. */
int program_require_static(const char *option, const char *path,
			   const char *dynamic_hint);

/* The init to use when --init is not given: "init" beside the running
 * mkrootfs (build/mkrootfs finds build/init), else the installed one.
 * Returns a malloc'd path, or NULL after reporting the error. */
char *program_default_init(void);

/* The busybox to use: --busybox, else $BUSYBOX, else the first static
 * busybox in PATH, or for an image of another architecture its Debian
 * busybox-static (see fetch.h). Checked; malloc'd path, or NULL after
 * reporting. */
char *program_find_busybox(const char *given);

/* Whether a program of that name is in PATH. */
int program_in_path(const char *name);

/* Run `busybox --list-full` and return its output (malloc'd), or NULL
 * after reporting. */
char *program_list_applets(const char *busybox);

#endif
