/* The filesystems a shell expects: /proc, /sys, /dev, /dev/pts, /dev/shm, /run.
 * Each mount point is created if missing and skipped if already mounted (the
 * kernel may have mounted devtmpfs itself); a failure is reported, not fatal. */
#include "init.h"
#include "format.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

struct early_mount {
	const char *target, *fstype, *data;
	unsigned long flags;
	mode_t mode;
};

static const struct early_mount proc_sys[] = {
	{ "/proc", "proc", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC, 0555 },
	{ "/sys", "sysfs", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC, 0555 },
};

static const struct early_mount dev_subdirs[] = {
	/* newinstance: a private set of ptys, as a container needs; ptmxmode
	 * lets /dev/ptmx -> pts/ptmx open for everyone. */
	{ "/dev/pts", "devpts", "newinstance,ptmxmode=0666,mode=0620", MS_NOSUID | MS_NOEXEC, 0755 },
	{ "/dev/shm", "tmpfs", "mode=1777", MS_NOSUID | MS_NODEV, 01777 },
	{ "/run", "tmpfs", "mode=0755", MS_NOSUID | MS_NODEV, 0755 },
};

/* A mount point sits on another device than its parent (or is the root). */
bool is_mount_point(const char *path)
{
	char parent[256];
	struct stat self, up;
	format(parent, sizeof parent, "%s/..", path);
	if (stat(path, &self) < 0 || stat(parent, &up) < 0)
		return false;
	return self.st_dev != up.st_dev || self.st_ino == up.st_ino;
}

static bool make_mount_point(const char *path, mode_t mode)
{
	if (mkdir(path, mode) == 0 || errno == EEXIST)
		return true;
	complain_errno("mkdir %s", path);
	return false;
}

/* Returns true when target is mounted afterwards, whoever mounted it. */
static bool mount_one(const struct early_mount *m, bool report)
{
	if (!make_mount_point(m->target, m->mode))
		return false;
	if (is_mount_point(m->target))
		return true;
	if (mount(m->fstype, m->target, m->fstype, m->flags, m->data) == 0)
		return true;
	if (report)
		complain_errno("mount %s (%s)", m->target, m->fstype);
	return false;
}

static bool any_entry(int dirfd, const char *name, unsigned char type, void *ctx)
{
	(void)dirfd, (void)name, (void)type, (void)ctx;
	return true;
}

static bool dir_has_entries(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool found = fd >= 0 && for_each_entry(fd, any_entry, NULL);
	if (fd >= 0)
		close(fd);
	return found;
}

/* devtmpfs when the kernel has it; otherwise keep a /dev the image already
 * populated, or mount an empty tmpfs that ensure_device_nodes() fills. */
static void mount_dev(void)
{
	static const struct early_mount devtmpfs = { "/dev", "devtmpfs", "mode=0755", MS_NOSUID, 0755 };
	static const struct early_mount tmpfs = { "/dev", "tmpfs", "mode=0755", MS_NOSUID, 0755 };
	if (mount_one(&devtmpfs, false))
		return;
	int why = errno;
	if (dir_has_entries("/dev")) {
		say("/dev: no devtmpfs (%s); keeping the image's device nodes", strerror(why));
		return;
	}
	say("/dev: no devtmpfs (%s); using a tmpfs", strerror(why));
	mount_one(&tmpfs, true);
}

/* First of all: the options (quiet, ...) are read from /proc/cmdline. */
void mount_proc(void)
{
	mount_one(&proc_sys[0], true);
}

void mount_sys_and_dev(void)
{
	mount_one(&proc_sys[1], true);
	mount_dev();
}

void mount_dev_subdirs(void)
{
	for (size_t i = 0; i < sizeof dev_subdirs / sizeof dev_subdirs[0]; i++)
		mount_one(&dev_subdirs[i], true);
}
