/* Disks run-qemu attaches besides the root (a host directory given with
 * --share, the modules tree): each is found by its file system's UUID, not
 * by name, because disk names follow probe order, and mounted where the
 * request says. A missing mount point is created; a failure is reported
 * and the boot goes on. */
#include "init.h"
#include "format.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#define DISK_WAIT_MS 5000 /* they sit on the root's bus: normally there at once */

static bool make_dirs(const char *path)
{
	char p[OPT_PATH_MAX * 2];
	format(p, sizeof p, "%s", path);
	for (char *s = p + 1;; s++) {
		if (*s && *s != '/')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			complain_errno("mkdir %s", p);
			return false;
		}
		if (!(*s = c))
			return true;
	}
}

static bool wait_for_disk(const char *uuid, char *dev, size_t size)
{
	long long deadline = monotonic_ms() + DISK_WAIT_MS;
	while (!find_block_device_by_uuid(uuid, dev, size)) {
		if (monotonic_ms() > deadline)
			return false;
		sleep_ms(20);
	}
	return true;
}

/* The whole disk at dir, or (with a subdir) the disk at a place of its own
 * under /run and the subdir bound at dir. */
static void mount_disk(const struct mount_request *m, int index)
{
	char dev[64], at[OPT_PATH_MAX * 2], sub[OPT_PATH_MAX * 2];
	unsigned long ro = m->readonly ? MS_RDONLY : 0;
	if (!wait_for_disk(m->uuid, dev, sizeof dev)) {
		complain("error: no disk with UUID %s for %s", m->uuid, m->dir);
		return;
	}
	if (*m->subdir)
		format(at, sizeof at, "/run/minroot/disk%d", index);
	else
		format(at, sizeof at, "%s", m->dir);
	if (!make_dirs(at))
		return;
	if (mount(dev, at, "ext4", ro | MS_NOATIME, NULL) < 0) {
		complain_errno("mount %s on %s", dev, at);
		return;
	}
	if (!*m->subdir)
		return;
	format(sub, sizeof sub, "%s/%s", at, m->subdir);
	if (!make_dirs(m->dir))
		return;
	if (mount(sub, m->dir, NULL, MS_BIND, NULL) < 0 ||
	    (ro && mount(NULL, m->dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0))
		complain_errno("bind %s on %s", sub, m->dir);
}

void mount_requested_disks(const struct request *rq)
{
	for (int i = 0; i < rq->nmounts; i++)
		mount_disk(&rq->mounts[i], i);
}

/* A script sent with the request (run-qemu --script), written to a tmpfs. */
void write_requested_file(const char *path, const char *content)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0755);
	size_t len = strlen(content);
	if (fd < 0 || write(fd, content, len) != (ssize_t)len)
		complain_errno("write %s", path);
	if (fd >= 0)
		close(fd);
}
