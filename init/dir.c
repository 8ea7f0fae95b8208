/* Reading a directory without opendir(), which would bring malloc into PID 1. */
#include "init.h"

#include <dirent.h>
#include <string.h>
#include <unistd.h>

bool for_each_entry(int dirfd, entry_fn *fn, void *ctx)
{
	char buf[2048];
	long n;
	while ((n = getdents(dirfd, (struct dirent *)buf, sizeof buf)) > 0) {
		for (long off = 0; off < n;) {
			const struct dirent *e = (const struct dirent *)(buf + off);
			off += e->d_reclen;
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
			    fn(dirfd, e->d_name, e->d_type, ctx))
				return true;
		}
	}
	return false;
}
