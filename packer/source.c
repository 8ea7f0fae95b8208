/* source.c - walking host files into the manifest. */
#include "source.h"
#include "parse.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Host files are named twice: by a directory descriptor and a name in
 * it, for the system calls (a path walk of one name, however deep the
 * tree), and by the whole path src, for the manifest and messages. */
static int add_path(struct manifest *m, int dir, const char *name, const char *src,
		    const char *dest, const char *origin);

/* A host inode with more names than this one stays one inode in the
 * image: its names there are hard links of each other. */
static struct entry *note_links(struct entry *e, const struct stat *st)
{
	if (st->st_nlink > 1) {
		e->link_dev = (uint64_t)st->st_dev;
		e->link_id = (uint64_t)st->st_ino;
	}
	return e;
}

/* Whether the permission bits let this process read the file: checked
 * now, so a bad source fails before anything is written, without a system
 * call for each of thousands of files (an ACL that refuses is still
 * reported, when the file is opened to be copied). */
static int readable(const struct stat *st)
{
	static gid_t groups[NGROUPS_MAX];
	static int ngroups = -1;
	static uid_t uid;
	static gid_t gid;

	if (ngroups < 0) {
		uid = geteuid();
		gid = getegid();
		ngroups = getgroups(NGROUPS_MAX, groups);
	}
	if (uid == 0)
		return 1;
	if (st->st_uid == uid)
		return (st->st_mode & S_IRUSR) != 0;
	if (st->st_gid == gid)
		return (st->st_mode & S_IRGRP) != 0;
	for (int i = 0; i < ngroups; i++)
		if (groups[i] == st->st_gid)
			return (st->st_mode & S_IRGRP) != 0;
	return (st->st_mode & S_IROTH) != 0;
}

static int add_regular(struct manifest *m, const char *src, const char *dest,
		       const struct stat *st, const char *origin)
{
	struct entry *e;

	if (!readable(st)) {
		errorf("%s: cannot read %s: %s", origin, src, strerror(EACCES));
		return -1;
	}
	e = note_links(manifest_add(m, E_FILE, dest, st->st_mode, origin), st);
	e->source = xstrdup(src);
	e->size = (uint64_t)st->st_size;
	/* fewer blocks than bytes: it has holes, which are not read */
	e->sparse = (uint64_t)st->st_blocks * 512 < e->size;
	e->stored = (uint64_t)st->st_blocks * 512;
	return 0;
}

static int add_symlink(struct manifest *m, int dir, const char *name, const char *src,
		       const char *dest, const char *origin)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(dir, name, target, sizeof(target) - 1);

	if (n < 0) {
		errorf("%s: cannot read link %s: %s", origin, src, strerror(errno));
		return -1;
	}
	target[n] = '\0';
	manifest_add_symlink(m, dest, target, origin);
	return 0;
}

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir);

	return xasprintf("%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
}

/* The directory's children; the directory entry itself is the caller's. */
static int add_children(struct manifest *m, int dir, const char *name, const char *src,
			const char *dest, const char *origin)
{
	int fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;
	int rc = 0;

	if (!d) {
		errorf("%s: cannot read directory %s: %s", origin, src, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (rc == 0 && (errno = 0, de = readdir(d))) {
		char *csrc, *cdest;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		csrc = join(src, de->d_name);
		cdest = join(dest, de->d_name);
		rc = add_path(m, fd, de->d_name, csrc, cdest, origin);
		free(csrc);
		free(cdest);
	}
	if (rc == 0 && errno) {
		errorf("%s: reading directory %s: %s", origin, src, strerror(errno));
		rc = -1;
	}
	closedir(d);
	return rc;
}

static int add_path(struct manifest *m, int dir, const char *name, const char *src,
		    const char *dest, const char *origin)
{
	struct stat st;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		errorf("%s: %s: %s", origin, src, strerror(errno));
		return -1;
	}
	switch (st.st_mode & S_IFMT) {
	case S_IFREG:
		return add_regular(m, src, dest, &st, origin);
	case S_IFLNK:
		return add_symlink(m, dir, name, src, dest, origin);
	case S_IFDIR:
		/* the image root keeps its own mode */
		if (strcmp(dest, "/") != 0)
			manifest_add(m, E_DIR, dest, st.st_mode, origin);
		return add_children(m, dir, name, src, dest, origin);
	case S_IFCHR:
	case S_IFBLK:
		note_links(manifest_add_node(m, S_ISCHR(st.st_mode) ? E_CHAR : E_BLOCK, dest,
					     st.st_mode, major(st.st_rdev), minor(st.st_rdev),
					     origin), &st);
		return 0;
	case S_IFIFO:
		note_links(manifest_add(m, E_FIFO, dest, st.st_mode, origin), &st);
		return 0;
	case S_IFSOCK:
		note_links(manifest_add(m, E_SOCKET, dest, st.st_mode, origin), &st);
		return 0;
	}
	errorf("%s: %s: unsupported file type", origin, src);
	return -1;
}

int source_add(struct manifest *m, const char *src, const char *dest,
	       const char *origin)
{
	struct stat st;

	if (strcmp(dest, "/") == 0) {
		if (lstat(src, &st) < 0) {
			errorf("%s: %s: %s", origin, src, strerror(errno));
			return -1;
		}
		if (!S_ISDIR(st.st_mode)) {
			errorf("%s: only a directory can be added at /", origin);
			return -1;
		}
	}
	return add_path(m, AT_FDCWD, src, src, dest, origin);
}

int source_add_overlay(struct manifest *m, const char *dir, const char *origin)
{
	struct stat st;

	if (stat(dir, &st) < 0) {
		errorf("%s: %s", origin, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		errorf("%s: is not a directory", origin);
		return -1;
	}
	return add_children(m, AT_FDCWD, dir, dir, "/", origin);
}

/* One line of an --add-list file, as --add takes it. */
static int add_list_line(struct manifest *m, const char *line, const char *file,
			 size_t n, const char *origin)
{
	char err[ERRLEN], *src, *dest;
	int rc;

	if (parse_add_spec(line, &src, &dest, err) < 0) {
		/* its message names --add */
		errorf("--add-list %s, line %zu: %s", file, n, err + strlen("--add "));
		return -1;
	}
	rc = source_add(m, src, dest, origin);
	free(src);
	free(dest);
	return rc;
}

int source_add_list(struct manifest *m, const char *file, const char *origin)
{
	FILE *f = fopen(file, "r");
	char *line = NULL;
	size_t cap = 0, n = 0;
	ssize_t len;
	int rc = 0;

	if (!f) {
		errorf("%s: %s", origin, strerror(errno));
		return -1;
	}
	while (rc == 0 && (len = getline(&line, &cap, f)) >= 0) {
		n++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len > 0)
			rc = add_list_line(m, line, file, n, origin);
	}
	if (rc == 0 && ferror(f)) {
		errorf("%s: reading: %s", origin, strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(f);
	return rc;
}
