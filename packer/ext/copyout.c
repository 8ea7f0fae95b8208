/* copyout.c - HOSTDIR made to match an image's tree.
 *
 * The guest had root in the image and may have left anything there: links
 * to /etc, links to "..", a directory where the host has a link. So every
 * host operation is relative to a directory descriptor opened with
 * O_NOFOLLOW, on one name at a time: openat/fstatat/unlinkat/mkdirat/
 * symlinkat/renameat never resolve a link in HOSTDIR, and a link from the
 * image is created as a link, never followed. A file is replaced by
 * writing a temporary file beside it and renaming it over the old name,
 * which replaces a link or file without touching what it pointed to.
 * Files whose content and mode match are not rewritten. */
#include "ext/copyout.h"
#include "ext/ext_read.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <et/com_err.h>
#include <ext2fs/ext2_err.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK (1 << 20)
#define TEMP_PREFIX ".mkrootfs-copy-out."

struct copyout {
	ext2_filsys fs;
	const char *what;	/* "--copy-out IMAGE:HOSTDIR" for messages */
	char *img_buf, *host_buf;
	unsigned serial;	/* temporary names */
};

/* "a/b" + "c" -> "a/b/c": the path in messages, relative to HOSTDIR. */
static char *child_path(const char *path, const char *name)
{
	return *path ? xasprintf("%s/%s", path, name) : xstrdup(name);
}

static int fail_errno(const struct copyout *co, const char *doing, const char *path)
{
	errorf("%s: %s %s: %s", co->what, doing, *path ? path : ".", strerror(errno));
	return -1;
}

static int fail_ext(const struct copyout *co, const char *doing, const char *path,
		    errcode_t rc)
{
	errorf("%s: %s %s in the image: %s", co->what, doing, *path ? path : "/",
	       error_message(rc));
	return -1;
}

static int remove_tree(struct copyout *co, int dirfd, const char *name, const char *path);

/* Empty the directory open at fd (its entries, never what links point to). */
static int empty_dir(struct copyout *co, int fd, const char *path)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;
	int rc = 0;

	if (!d) {
		close(fd);
		return fail_errno(co, "reading", path);
	}
	while (rc == 0 && (errno = 0, de = readdir(d))) {
		char *sub;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sub = child_path(path, de->d_name);
		rc = remove_tree(co, dirfd(d), de->d_name, sub);
		free(sub);
	}
	if (rc == 0 && errno)
		rc = fail_errno(co, "reading", path);
	closedir(d);
	return rc;
}

static int remove_tree(struct copyout *co, int dirfd, const char *name, const char *path)
{
	struct stat st;
	int fd;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : fail_errno(co, "looking at", path);
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dirfd, name, 0) < 0 ? fail_errno(co, "removing", path) : 0;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fail_errno(co, "opening", path);
	/* a read-only directory's entries cannot be removed until it is writable */
	if ((st.st_mode & 0700) != 0700 && fchmod(fd, st.st_mode | 0700) < 0) {
		close(fd);
		return fail_errno(co, "making writable", path);
	}
	if (empty_dir(co, fd, path) < 0)
		return -1;
	return unlinkat(dirfd, name, AT_REMOVEDIR) < 0 ? fail_errno(co, "removing", path) : 0;
}

/* A fresh name beside the target, created with O_EXCL. */
static int open_temp(struct copyout *co, int dirfd, unsigned mode, char *name, size_t size)
{
	for (int tries = 0; tries < 100; tries++) {
		int fd;

		snprintf(name, size, TEMP_PREFIX "%ld.%u", (long)getpid(), co->serial++);
		fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    mode & 0700);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

static int read_full(int fd, char *buf, size_t len, off_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, buf + done, len - done, off + (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

static int write_full(int fd, const char *buf, size_t len, off_t off)
{
	for (size_t done = 0; done < len;) {
		ssize_t n = pwrite(fd, buf + done, len - done, off + (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			errno = n == 0 ? ENOSPC : errno;
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

static int read_image(struct copyout *co, ext2_file_t f, unsigned len)
{
	unsigned got = 0;

	return ext2fs_file_read(f, co->img_buf, len, &got) || got != len ? -1 : 0;
}

/* 1 when the host file at fd has the image file's bytes, 0 when not. */
static int same_content(struct copyout *co, ext2_file_t f, int fd, uint64_t size)
{
	for (uint64_t done = 0; done < size;) {
		unsigned len = size - done > CHUNK ? CHUNK : (unsigned)(size - done);

		if (read_image(co, f, len) < 0 || read_full(fd, co->host_buf, len, (off_t)done) < 0 ||
		    memcmp(co->img_buf, co->host_buf, len) != 0)
			return 0;
		done += len;
	}
	return 1;
}

static int all_zero(const char *buf, size_t len)
{
	return buf[0] == 0 && memcmp(buf, buf + 1, len - 1) == 0;
}

/* The image file's bytes into fd; blocks of zeros stay holes. */
static int copy_content(struct copyout *co, ext2_file_t f, int fd, uint64_t size,
			const char *path)
{
	errcode_t rc = ext2fs_file_llseek(f, 0, EXT2_SEEK_SET, NULL);

	if (rc)
		return fail_ext(co, "reading", path, rc);
	for (uint64_t done = 0; done < size;) {
		unsigned len = size - done > CHUNK ? CHUNK : (unsigned)(size - done);

		if (read_image(co, f, len) < 0)
			return fail_ext(co, "reading", path, EXT2_ET_SHORT_READ);
		if (!all_zero(co->img_buf, len) && write_full(fd, co->img_buf, len, (off_t)done) < 0)
			return fail_errno(co, "writing", path);
		done += len;
	}
	if (ftruncate(fd, (off_t)size) < 0)
		return fail_errno(co, "writing", path);
	return 0;
}

/* What the host has at a name: *exists 0 when nothing. */
static int look(struct copyout *co, int dirfd, const char *name, const char *path,
		struct stat *st, int *exists)
{
	*exists = fstatat(dirfd, name, st, AT_SYMLINK_NOFOLLOW) == 0;
	if (!*exists && errno != ENOENT)
		return fail_errno(co, "looking at", path);
	return 0;
}

/* Put the temporary `temp` at name; a directory there is removed first
 * (renameat cannot replace a directory with a file). */
static int replace_with(struct copyout *co, int dirfd, const char *temp, const char *name,
			const char *path, const struct stat *st, int exists)
{
	int rc = 0;

	if (exists && S_ISDIR(st->st_mode))
		rc = remove_tree(co, dirfd, name, path);
	if (rc == 0 && renameat(dirfd, temp, dirfd, name) < 0)
		rc = fail_errno(co, "replacing", path);
	if (rc < 0)
		unlinkat(dirfd, temp, 0);
	return rc;
}

/* Set-user-ID and set-group-ID bits are dropped: the host file belongs to
 * whoever runs mkrootfs, not to the guest's root. */
static mode_t host_file_mode(const struct ext2_inode *inode)
{
	return inode->i_mode & 07777 & ~(mode_t)(S_ISUID | S_ISGID);
}

static int unchanged_file(struct copyout *co, ext2_file_t f, int dirfd, const char *name,
			  const struct stat *st, uint64_t size, mode_t mode)
{
	int fd, same;

	if (!S_ISREG(st->st_mode) || (uint64_t)st->st_size != size)
		return 0;
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return 0;
	same = same_content(co, f, fd, size) &&
	       ((st->st_mode & 07777) == mode || fchmod(fd, mode) == 0);
	close(fd);
	return same;
}

static int write_file(struct copyout *co, ext2_file_t f, int dirfd, const char *name,
		      const char *path, const struct ext2_inode *inode,
		      const struct stat *st, int exists)
{
	struct timespec times[2] = { { (time_t)inode->i_atime, 0 },
				     { (time_t)inode->i_mtime, 0 } };
	mode_t mode = host_file_mode(inode);
	char temp[64];
	int fd = open_temp(co, dirfd, 0600, temp, sizeof(temp)), rc;

	if (fd < 0)
		return fail_errno(co, "creating a file beside", path);
	rc = copy_content(co, f, fd, EXT2_I_SIZE(inode), path);

	if (rc == 0 && (fchmod(fd, mode) < 0 || futimens(fd, times) < 0))
		rc = fail_errno(co, "writing", path);
	if (close(fd) < 0 && rc == 0)
		rc = fail_errno(co, "writing", path);
	if (rc < 0) {
		unlinkat(dirfd, temp, 0);
		return -1;
	}
	return replace_with(co, dirfd, temp, name, path, st, exists);
}

static int sync_file(struct copyout *co, int dirfd, const char *name, const char *path,
		     ext2_ino_t ino, const struct ext2_inode *inode)
{
	ext2_file_t f;
	struct stat st;
	errcode_t rc;
	int exists, r;

	if (look(co, dirfd, name, path, &st, &exists) < 0)
		return -1;
	rc = ext2fs_file_open(co->fs, ino, 0, &f);
	if (rc)
		return fail_ext(co, "opening", path, rc);
	r = exists && unchanged_file(co, f, dirfd, name, &st, EXT2_I_SIZE(inode),
				      host_file_mode(inode));
	if (!r)
		r = write_file(co, f, dirfd, name, path, inode, &st, exists) < 0 ? -1 : 0;
	else
		r = 0;
	ext2fs_file_close(f);
	return r;
}

static int sync_symlink(struct copyout *co, int dirfd, const char *name, const char *path,
			ext2_ino_t ino, struct ext2_inode *inode)
{
	char target[PATH_MAX], now[PATH_MAX], temp[64];
	errcode_t rc = ext_read_symlink(co->fs, ino, inode, target, sizeof(target));
	struct stat st;
	ssize_t n;
	int exists;

	if (rc)
		return fail_ext(co, "reading the link", path, rc);
	if (look(co, dirfd, name, path, &st, &exists) < 0)
		return -1;
	if (exists && S_ISLNK(st.st_mode) &&
	    (n = readlinkat(dirfd, name, now, sizeof(now) - 1)) >= 0 &&
	    (now[n] = '\0', strcmp(now, target) == 0))
		return 0;
	for (int tries = 0;; tries++) {
		snprintf(temp, sizeof(temp), TEMP_PREFIX "%ld.%u", (long)getpid(), co->serial++);
		if (symlinkat(target, dirfd, temp) == 0)
			break;
		if (errno != EEXIST || tries == 100)
			return fail_errno(co, "creating a link beside", path);
	}
	return replace_with(co, dirfd, temp, name, path, &st, exists);
}

static int sync_dir(struct copyout *co, ext2_ino_t ino, int fd, const char *path);

static int sync_subdir(struct copyout *co, int dirfd, const char *name, const char *path,
		       ext2_ino_t ino, const struct ext2_inode *inode)
{
	mode_t mode = inode->i_mode & 07777;
	struct stat st;
	int exists, fd, rc;

	if (look(co, dirfd, name, path, &st, &exists) < 0)
		return -1;
	if (exists && !S_ISDIR(st.st_mode) && unlinkat(dirfd, name, 0) < 0)
		return fail_errno(co, "removing", path);
	if ((!exists || !S_ISDIR(st.st_mode)) && mkdirat(dirfd, name, 0700) < 0)
		return fail_errno(co, "creating the directory", path);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return fail_errno(co, "opening", path);
	/* writable while its entries change; its own mode at the end */
	rc = (st.st_mode & 0700) == 0700 || fchmod(fd, st.st_mode | 0700) == 0 ? 0
	     : fail_errno(co, "making writable", path);
	if (rc == 0)
		rc = sync_dir(co, ino, fd, path);
	if (rc == 0 && fchmod(fd, mode) < 0)
		rc = fail_errno(co, "setting the mode of", path);
	close(fd);
	return rc;
}

/* Devices, FIFOs and sockets cannot be made by an ordinary user and mean
 * nothing in a shared directory: each is named in one line and skipped. */
static const char *skipped_kind(unsigned mode)
{
	return LINUX_S_ISCHR(mode) ? "a character device" : LINUX_S_ISBLK(mode) ? "a block device"
	       : LINUX_S_ISFIFO(mode) ? "a FIFO" : LINUX_S_ISSOCK(mode) ? "a socket" : "of unknown type";
}

static int sync_entry(struct copyout *co, int dirfd, const char *path,
		      const struct ext_dirent *de)
{
	struct ext2_inode inode;
	errcode_t rc = ext2fs_read_inode(co->fs, de->ino, &inode);

	if (rc)
		return fail_ext(co, "reading", path, rc);
	if (LINUX_S_ISREG(inode.i_mode))
		return sync_file(co, dirfd, de->name, path, de->ino, &inode);
	if (LINUX_S_ISLNK(inode.i_mode))
		return sync_symlink(co, dirfd, de->name, path, de->ino, &inode);
	if (LINUX_S_ISDIR(inode.i_mode))
		return sync_subdir(co, dirfd, de->name, path, de->ino, &inode);
	fprintf(stderr, "mkrootfs: %s: skipped %s: %s (only files, directories and links "
		"are copied out)\n", co->what, path, skipped_kind(inode.i_mode));
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct ext_dirent *)a)->name, ((const struct ext_dirent *)b)->name);
}

/* lost+found at the top belongs to the file system, not to the tree. */
static int ignored(const char *path)
{
	return strcmp(path, "lost+found") == 0;
}

/* Every host entry the image does not have is removed. */
static int remove_extra(struct copyout *co, int fd, const char *path,
			const struct ext_dirent *v, size_t n)
{
	int dup_fd = dup(fd), rc = 0;
	DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
	struct dirent *de;

	if (!d) {
		if (dup_fd >= 0)
			close(dup_fd);
		return fail_errno(co, "reading", path);
	}
	while (rc == 0 && (errno = 0, de = readdir(d))) {
		struct ext_dirent key = { de->d_name, 0 };
		char *sub;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    (n && bsearch(&key, v, n, sizeof(*v), by_name)))
			continue;
		sub = child_path(path, de->d_name);
		rc = ignored(sub) ? 0 : remove_tree(co, fd, de->d_name, sub);
		free(sub);
	}
	if (rc == 0 && errno)
		rc = fail_errno(co, "reading", path);
	closedir(d);
	return rc;
}

static int sync_dir(struct copyout *co, ext2_ino_t ino, int fd, const char *path)
{
	struct ext_dirent *v = NULL;
	size_t n = 0;
	errcode_t err = ext_read_dir(co->fs, ino, &v, &n);
	int rc;

	if (err)
		return fail_ext(co, "reading the directory", path, err);
	if (n)		/* an empty directory has no array at all */
		qsort(v, n, sizeof(*v), by_name);
	rc = remove_extra(co, fd, path, v, n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char *sub = child_path(path, v[i].name);

		/* a name no kernel would make: a damaged image, not a path to follow */
		if (!*v[i].name || strchr(v[i].name, '/'))
			fprintf(stderr, "mkrootfs: %s: skipped a bad name in %s\n", co->what,
				*path ? path : "/");
		else if (!ignored(sub))
			rc = sync_entry(co, fd, sub, &v[i]);
		free(sub);
	}
	ext_dirents_free(v, n);
	return rc;
}

/* HOSTDIR must not hold the image: the image is not in its own tree, so
 * the copy would remove it while reading it. */
static int image_inside(const char *image, const char *hostdir)
{
	char *ri = realpath(image, NULL), *rd = realpath(hostdir, NULL);
	size_t n = rd ? strlen(rd) : 0;
	int inside = ri && rd && strncmp(ri, rd, n) == 0 && (ri[n] == '/' || n == 1);

	free(ri);
	free(rd);
	return inside;
}

static int split_spec(const char *spec, char **image, char **hostdir)
{
	const char *colon = strchr(spec, ':');

	if (!colon || colon == spec || !colon[1]) {
		errorf("--copy-out %s: expected IMAGE:HOSTDIR", spec);
		return -1;
	}
	*image = xasprintf("%.*s", (int)(colon - spec), spec);
	*hostdir = xstrdup(colon + 1);
	return 0;
}

int copyout_run(const char *spec)
{
	struct copyout co = { .what = NULL };
	char *image = NULL, *hostdir = NULL, *what = xasprintf("--copy-out %s", spec);
	int fd = -1, rc = -1;

	co.what = what;
	if (split_spec(spec, &image, &hostdir) < 0)
		goto out;
	fd = open(hostdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		errorf("%s: %s: %s", what, hostdir, strerror(errno));
		goto out;
	}
	if (image_inside(image, hostdir)) {
		errorf("%s: the image is inside %s; keep it elsewhere", what, hostdir);
		goto out;
	}
	co.fs = ext_open_readonly(image, what);
	if (!co.fs)
		goto out;
	co.img_buf = xmalloc(CHUNK);
	co.host_buf = xmalloc(CHUNK);
	rc = sync_dir(&co, EXT2_ROOT_INO, fd, "");
	if (rc == 0 && verbosity > 0)
		printf("mkrootfs: %s now matches %s\n", hostdir, image);
out:
	if (co.fs)
		ext2fs_close_free(&co.fs);
	if (fd >= 0)
		close(fd);
	free(co.img_buf);
	free(co.host_buf);
	free(image);
	free(hostdir);
	free(what);
	return rc == 0 ? 0 : 1;
}
