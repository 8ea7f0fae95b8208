/* fetch.c - a Debian architecture's busybox-static, into the cache. */
#include "fetch.h"
#include "run.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Run with the cache directory and the architecture. Downloads into a
 * directory of its own and renames the result into place, so a fetch
 * running at the same time sees all or nothing. As root, apt drops to the
 * _apt user to download, which could not write there: it stays the user. */
static const char fetch_script[] =
	"set -e\n"
	"work=$(mktemp -d \"$1/busybox-fetch.XXXXXX\")\n"
	"trap 'rm -rf \"$work\"' EXIT\n"
	"cd \"$work\"\n"
	"apt-get -q -o APT::Sandbox::User=\"$(id -un)\" download busybox-static:\"$2\" >&2\n"
	"dpkg-deb --fsys-tarfile busybox-static_*.deb | tar -xO ./bin/busybox > busybox\n"
	"chmod 0755 busybox\n"
	"mv busybox \"$1/busybox-static.$2\"\n";

static char *cache_directory(void)
{
	const char *cache = getenv("MINROOT_CACHE"), *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	if (cache && *cache)
		return xstrdup(cache);
	if (xdg && *xdg)
		return xasprintf("%s/minroot", xdg);
	return xasprintf("%s/.cache/minroot", home && *home ? home : "/tmp");
}

static int make_directories(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return mkdir(path, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

/* apt's "E: ..." line, else the first line. */
static const char *apt_error(char *text)
{
	char *e = strstr(text, "E: ");

	if (e)
		text = e + 3;
	text[strcspn(text, "\n")] = '\0';
	return *text ? text : "no message";
}

static int download(const char *cache, const struct arch *a)
{
	char *argv[] = { "sh", "-c", (char *)fetch_script, "sh", (char *)cache,
			 (char *)a->debian, NULL };
	char *what = xasprintf("fetching busybox-static:%s", a->debian);
	char *err = NULL, *out;
	int code = 0;

	if (verbosity > 0)
		fprintf(stderr, "mkrootfs: %s into %s\n", what, cache);
	out = run_program(argv, what, &err, &code);
	if (out && code != 0)
		errorf("%s failed: %s (is %s among dpkg --print-foreign-architectures, and apt-get"
		       " update done? or pass --busybox)", what, apt_error(err), a->debian);
	free(what);
	free(err);
	free(out);
	return out && code == 0 ? 0 : -1;
}

char *fetch_busybox(const struct arch *a)
{
	char *cache = cache_directory();
	char *path = xasprintf("%s/busybox-static.%s", cache, a->debian);

	if (access(path, F_OK) < 0) {
		if (make_directories(cache) < 0) {
			errorf("creating the cache directory %s: %s", cache, strerror(errno));
			goto fail;
		}
		if (download(cache, a) < 0)
			goto fail;
	}
	free(cache);
	return path;
fail:
	free(cache);
	free(path);
	return NULL;
}
