/* The root's options, read the way the kernel reads them (init/do_mounts.c):
 * root=, rootfstype=, rootflags=, ro, rw, init=, plus minroot.rootwait.
 * Pure logic, no system calls: unit tests link it directly. */
#include "options.h"

#include <stddef.h>
#include <string.h>

void root_options_init(struct root_options *r)
{
	memset(r, 0, sizeof *r);
	r->read_only = true;
	r->wait_s = ROOTWAIT_S_DEFAULT;
}

static bool parse_seconds(const char *val, unsigned *out)
{
	unsigned long n = 0;
	const char *p = val;
	while (*p >= '0' && *p <= '9' && n <= ROOTWAIT_S_MAX)
		n = n * 10 + (unsigned long)(*p++ - '0');
	if (!*val || *p || n > ROOTWAIT_S_MAX)
		return false;
	*out = (unsigned)n;
	return true;
}

static void copy_text(char *dst, size_t size, const char *val, const char **why)
{
	if (strlen(val) >= size)
		*why = "value too long, ignored";
	else
		strcpy(dst, val);
}

bool root_options_word(struct root_options *r, const char *key, const char *val,
		       const char **why)
{
	static const struct {
		const char *key;
		size_t offset, size;
	} texts[] = {
		{ "root", offsetof(struct root_options, root), OPT_PATH_MAX },
		{ "rootfstype", offsetof(struct root_options, fstype), OPT_NAME_MAX },
		{ "rootflags", offsetof(struct root_options, flags), OPT_PATH_MAX },
		{ "init", offsetof(struct root_options, init), OPT_PATH_MAX },
	};
	*why = NULL;
	if (!val && (!strcmp(key, "ro") || !strcmp(key, "rw"))) {
		r->read_only = key[1] == 'o';
		return true;
	}
	if (!val)
		return false;
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		if (!strcmp(key, texts[i].key)) {
			copy_text((char *)r + texts[i].offset, texts[i].size, val, why);
			return true;
		}
	}
	if (strcmp(key, "minroot.rootwait"))
		return false;
	if (!parse_seconds(val, &r->wait_s))
		*why = "not a number of seconds (0..3600)";
	return true;
}

enum root_kind root_kind_of(const char *root, const char **what)
{
	*what = root;
	if (!*root)
		return ROOT_NONE;
	if (!strncmp(root, "UUID=", 5)) {
		*what = root + 5;
		return strlen(*what) == 36 ? ROOT_UUID : ROOT_UNSUPPORTED;
	}
	/* PARTUUID=, PARTLABEL=, LABEL=, major:minor: not read here. */
	if (strchr(root, '=') || strchr(root, ':'))
		return ROOT_UNSUPPORTED;
	return ROOT_DEVICE;
}
