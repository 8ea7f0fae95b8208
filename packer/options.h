/* options.h - the command line, parsed and cross-checked. Pure: no
 * system calls, so the unit tests run it on made-up argument lists. */
#ifndef MKROOTFS_OPTIONS_H
#define MKROOTFS_OPTIONS_H

#include "parse.h"

#include <stddef.h>
#include <stdint.h>

struct source_arg {
	int overlay;		/* --overlay DIR (dest "/") or --add SRC:DEST */
	int program;		/* --add-program PATH[:DEST] */
	int list;		/* --add-list FILE: src is FILE, dest NULL */
	char *src, *dest;
	char *origin;		/* the option as given, for messages */
};

struct options {
	const char *output;	/* -o IMAGE */
	const char *update;	/* --update IMAGE */
	enum image_kind kind;
	uint64_t size;
	int size_given;
	const char *init, *busybox;
	const char *arch;	/* --arch NAME; default: the init's */
	struct source_arg *sources;
	size_t nsources;
	int no_backup;
	int uuid_given;
	uint8_t uuid[16];
	const char *modules;	/* --modules DIR */
	const char *disk;	/* --disk BUS: the root's disk, for -t initrd */
	const char *with_module; /* --with-module NAMES: more for -t initrd (a NIC's driver) */
	int initrd;		/* -t initrd: a stage-1 initramfs (kind is cpio) */
	int bare;		/* --bare: only what --add, --overlay, --modules name */
	int verbosity;		/* 0 -q, 1 default, 2 -v */
	int help, version;
	const char **list_deps;	/* --list-program-deps PATH[:DEST], repeatable:
				 * NULL-terminated, NULL when not given */
	size_t nlist_deps;
	const char *copy_out;	/* --copy-out IMAGE:HOSTDIR */
};

#define DEFAULT_SIZE (128ULL << 20)

/* 0, or -1 with a one-line message in err (a usage error: exit 2). */
int options_parse(int argc, char **argv, struct options *o, char *err);
void options_free(struct options *o);

extern const char options_usage[];

#endif
