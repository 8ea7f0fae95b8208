/* The kernel's own filesystems, where the tools for kernel testing look for
 * them (LKDTM's triggers and ftrace, cgroup tests, BPF selftests, ...). Each
 * one the kernel has (listed in /proc/filesystems) is mounted; one it lacks
 * is skipped without a word. Their mount points are directories the kernel
 * itself makes in /sys when it has the filesystem. */
#include "init.h"
#include "format.h"

#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/utsname.h>
#include <unistd.h>

#define KFS_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC)

/* Indexed by enum kernel_fs; the types are kernel_fs_names. */
static const char *const kernel_fs_targets[KFS_COUNT] = {
	[KFS_DEBUGFS] = "/sys/kernel/debug",
	[KFS_TRACEFS] = "/sys/kernel/tracing",
	[KFS_CGROUP2] = "/sys/fs/cgroup",
	[KFS_BPF] = "/sys/fs/bpf",
	[KFS_SECURITYFS] = "/sys/kernel/security",
	[KFS_PSTORE] = "/sys/fs/pstore",
	[KFS_CONFIGFS] = "/sys/kernel/config",
};

/* /proc/filesystems lines are "nodev\tTYPE\n" or "\tTYPE\n". */
static bool kernel_has_fs(const char *type)
{
	char line[32];
	format(line, sizeof line, "\t%s\n", type);
	return file_contains("/proc/filesystems", line);
}

#define MODPROBE_SYSCTL "/proc/sys/kernel/modprobe"

static bool have_modules_tree(void)
{
	struct utsname u;
	char dir[128];
	uname(&u);
	format(dir, sizeof dir, "/lib/modules/%s", u.release);
	return access(dir, F_OK) == 0;
}

static void write_sysctl(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, value, strlen(value)) < 0) {
		}
		close(fd);
	}
}

/* The first bpffs mount asks modprobe for bpf_preload (two debug files in
 * it), through a usermode helper: an exec costing 70 ms under TCG, bound
 * to fail when this kernel has no modules tree. Then the kernel is given
 * no modprobe for that one mount (an empty path: it answers ENOENT). */
static int mount_kernel_fs(enum kernel_fs fs, const char *type, const char *target)
{
	char modprobe[256];
	bool blank = fs == KFS_BPF && !have_modules_tree() &&
		     read_small_file(MODPROBE_SYSCTL, modprobe, sizeof modprobe);
	if (blank)
		write_sysctl(MODPROBE_SYSCTL, "\n");
	int rc = mount(type, target, type, KFS_FLAGS, NULL);
	if (blank)
		write_sysctl(MODPROBE_SYSCTL, modprobe);
	return rc;
}

/* which: bits (1 << enum kernel_fs), from minroot.mounts. EPERM is a
 * container's answer (a user namespace may not mount these): not worth a
 * word either. */
void mount_kernel_filesystems(unsigned which)
{
	for (int i = 0; i < KFS_COUNT; i++) {
		const char *type = kernel_fs_names[i], *target = kernel_fs_targets[i];
		if (!(which & (1u << i)) || !kernel_has_fs(type) ||
		    is_mount_point(target))
			continue;
		if (mount_kernel_fs((enum kernel_fs)i, type, target) < 0 && errno != EPERM)
			complain_errno("mount %s (%s)", target, type);
	}
}
