/* From the initramfs to the real root, as busybox's and toybox's
 * switch_root do it: only from a root that lives in memory, only onto a
 * mount point; /dev, /proc, /sys and /run move along; the initramfs's files
 * are deleted (they are RAM that nothing else would free) without ever
 * crossing into another file system; then chroot and exec the root's init. */
#include "init.h"
#include "format.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#define RAMFS_MAGIC 0x858458f6
#define TMPFS_MAGIC 0x01021994

bool root_is_in_memory(void)
{
	struct statfs s;
	return statfs("/", &s) == 0 &&
	       ((unsigned long)s.f_type == RAMFS_MAGIC || (unsigned long)s.f_type == TMPFS_MAGIC);
}

/* A mount that cannot move (no such directory on a read-only root) is
 * detached: the new init mounts its own. */
static void move_mounts(const char *newroot)
{
	static const char *const moved[] = { "/dev", "/proc", "/sys", "/run" };
	char target[OPT_PATH_MAX];
	for (size_t i = 0; i < sizeof moved / sizeof moved[0]; i++) {
		if (!is_mount_point(moved[i]))
			continue;
		format(target, sizeof target, "%s%s", newroot, moved[i]);
		if (mount(moved[i], target, NULL, MS_MOVE, NULL) < 0) {
			complain_errno("stage 1: move %s to %s", moved[i], target);
			umount2(moved[i], MNT_DETACH);
		}
	}
}

static bool delete_entry(int dirfd, const char *name, unsigned char type, void *ctx);

/* Everything under dirfd that is on the device *root_dev. */
static void delete_tree(int dirfd, dev_t *root_dev)
{
	for_each_entry(dirfd, delete_entry, root_dev);
}

static bool delete_entry(int dirfd, const char *name, unsigned char type, void *ctx)
{
	dev_t *root_dev = ctx;
	struct stat st;
	(void)type;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != *root_dev)
		return false;
	if (S_ISDIR(st.st_mode)) {
		/* The raw call: musl's openat() wrapper costs 150 bytes for a mode
		 * argument never used here. */
		int fd = (int)syscall(SYS_openat, dirfd, name,
				      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0) {
			delete_tree(fd, root_dev);
			close(fd);
		}
	}
	unlinkat(dirfd, name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0);
	return false;
}

/* Nothing to say if it fails: the root switch goes on, the files only
 * keep their memory. */
static void free_initramfs(void)
{
	struct stat st;
	int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &st) == 0)
		delete_tree(fd, &st.st_dev);
	close(fd);
}

/* Returns only on failure, after saying why. */
bool switch_root(const char *newroot, const char *init, char **argv)
{
	if (!root_is_in_memory() || !is_mount_point(newroot)) {
		complain("error: stage 1: / is not an initramfs, or %s is not a mount point",
			 newroot);
		return false;
	}
	move_mounts(newroot);
	if (chdir(newroot) < 0 || (free_initramfs(), mount(".", "/", NULL, MS_MOVE, NULL)) < 0 ||
	    chroot(".") < 0 || chdir("/") < 0) {
		complain_errno("error: stage 1: switch the root to %s", newroot);
		return false;
	}
	argv[0] = (char *)init;
	execv(init, argv);
	complain_errno("error: stage 1: no init on the root: %s", init);
	return false;
}
