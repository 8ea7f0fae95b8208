/* Device nodes and links a shell needs, created when missing (devtmpfs
 * already has them; a tmpfs /dev or a bare image does not). */
#include "init.h"
#include "format.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

struct node {
	const char *name;
	mode_t mode;
	unsigned major, minor;
};

static const struct node nodes[] = {
	{ "console", 0600, 5, 1 }, { "null", 0666, 1, 3 },   { "zero", 0666, 1, 5 },
	{ "full", 0666, 1, 7 },    { "random", 0666, 1, 8 }, { "urandom", 0666, 1, 9 },
	{ "kmsg", 0644, 1, 11 },   { "tty", 0666, 5, 0 },    { "ttyS0", 0660, 4, 64 },
	{ "ttyS1", 0660, 4, 65 },  { "ttyS2", 0660, 4, 66 }, { "ttyS3", 0660, 4, 67 },
};

static const struct {
	const char *name, *target;
} links[] = {
	{ "ptmx", "pts/ptmx" },
	{ "fd", "/proc/self/fd" },
	{ "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" },
	{ "stderr", "/proc/self/fd/2" },
};

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* Returns 0, or the errno of the failed mknod. */
static int make_node(const struct node *n)
{
	char path[64];
	format(path, sizeof path, "/dev/%s", n->name);
	if (exists(path))
		return 0;
	if (mknod(path, S_IFCHR | n->mode, makedev(n->major, n->minor)) < 0)
		return errno;
	/* mknod applies the umask; the modes above are meant exactly. */
	if (chmod(path, n->mode) < 0)
		return errno;
	return 0;
}

static void make_link(const char *name, const char *target)
{
	char path[64];
	format(path, sizeof path, "/dev/%s", name);
	if (!exists(path) && symlink(target, path) < 0)
		complain_errno("symlink %s -> %s", path, target);
}

void ensure_device_nodes(void)
{
	const char *first = NULL;
	int first_err = 0, failed = 0;
	for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
		int err = make_node(&nodes[i]);
		if (err && !failed++) {
			first = nodes[i].name;
			first_err = err;
		}
	}
	/* One line, not a dozen: in a container every mknod fails the same way. */
	if (failed) {
		errno = first_err;
		complain_errno("mknod /dev/%s (and %d more device nodes)", first, failed - 1);
	}
	for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
		make_link(links[i].name, links[i].target);
}

/* The kernel opens /dev/console as fds 0-2 only if the root has it; without
 * them nothing init or the shell prints would be seen. */
void ensure_console_fds(void)
{
	int fd = -1;
	for (int want = 0; want <= 2; want++) {
		/* The system call: musl's fcntl() brings 400 bytes of its own. */
		if (syscall(SYS_fcntl, want, F_GETFD) >= 0)
			continue;
		if (fd < 0 && (fd = open("/dev/console", O_RDWR | O_NOCTTY)) < 0)
			return;
		if (fd != want)
			dup2(fd, want);
	}
	if (fd > 2)
		close(fd);
}
