/* libexec.c - finding minroot's own files beside mkrootfs or installed. */
#include "libexec.h"
#include "util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef MINROOT_LIBEXECDIR
#define MINROOT_LIBEXECDIR "/usr/local/lib/minroot"
#endif

static char *self_directory(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	return xstrdup(*self ? self : "/");
}

char *libexec_find(const char *name, const char *hint)
{
	char *dir = self_directory();
	char *beside = dir ? xasprintf("%s/%s", dir, name) : NULL;
	char *installed = xasprintf("%s/%s", MINROOT_LIBEXECDIR, name);

	free(dir);
	if (beside && access(beside, F_OK) == 0) {
		free(installed);
		return beside;
	}
	if (access(installed, F_OK) == 0) {
		free(beside);
		return installed;
	}
	errorf("no %s found (looked for %s and %s); %s", name,
	       beside ? beside : "one beside mkrootfs", installed, hint);
	free(beside);
	free(installed);
	return NULL;
}
