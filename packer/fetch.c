/* fetch.c - a Debian architecture's busybox-static, into the cache. */
#include "fetch.h"
#include "libexec.h"
#include "run.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Run with the cache directory, the architecture, minroot's
 * debian-package (which downloads the release's .deb into the cache: by the
 * machine's apt when it runs that release, through a private apt
 * configuration otherwise) and the release. Unpacks into a directory of its
 * own and renames the result into place, so a fetch running at the same
 * time sees all or nothing. Debian 13's busybox is in /usr/bin (merged
 * /usr), Debian 12's in /bin. */
static const char fetch_script[] =
	"set -e\n"
	"deb=$(\"$3\" -r \"$4\" -a \"$2\" download busybox-static)\n"
	"work=$(mktemp -d \"$1/busybox-fetch.XXXXXX\")\n"
	"trap 'rm -rf \"$work\"' EXIT\n"
	"dpkg-deb --fsys-tarfile \"$deb\" | tar -xO --wildcards '*bin/busybox' > \"$work/busybox\"\n"
	"chmod 0755 \"$work/busybox\"\n"
	"mv \"$work/busybox\" \"$1/busybox-static.$2\"\n";

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

/* The helper's "error: ..." or apt's "E: ..." line, else the last line. */
static const char *fetch_error(char *text)
{
	char *e = strstr(text, "error: "), *end;

	if (e)
		text = e + 7;
	else if ((e = strstr(text, "E: ")))
		text = e + 3;
	else {
		end = text + strlen(text);
		while (end > text && end[-1] == '\n')
			*--end = '\0';
		e = strrchr(text, '\n');
		text = e ? e + 1 : text;
	}
	text[strcspn(text, "\n")] = '\0';
	return *text ? text : "no message";
}

static int download(const char *cache, const struct arch *a)
{
	char *helper = libexec_find("debian-package", "build it (make) or pass --busybox");
	char *argv[] = { "sh", "-c", (char *)fetch_script, "sh", (char *)cache,
			 (char *)a->debian, helper, (char *)a->release, NULL };
	char *what = xasprintf("fetching busybox-static:%s of Debian %s", a->debian, a->release);
	char *err = NULL, *out = NULL;
	int code = 0;

	if (helper && verbosity > 0)
		fprintf(stderr, "mkrootfs: %s into %s\n", what, cache);
	if (helper)
		out = run_program(argv, what, &err, &code);
	if (out && code != 0)
		errorf("%s failed: %s (or pass --busybox)", what, fetch_error(err));
	free(helper);
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
