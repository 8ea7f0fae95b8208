/* The kernel's own filesystems, where the tools for kernel testing look for
 * them (LKDTM's triggers and ftrace, cgroup tests, BPF selftests, ...). Each
 * one the kernel has (listed in /proc/filesystems) is mounted; one it lacks
 * is skipped without a word. Their mount points are directories the kernel
 * itself makes in /sys when it has the filesystem. */
#include "init.h"
#include "format.h"

#include <errno.h>
#include <string.h>
#include <sys/mount.h>

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
		if (mount(type, target, type, KFS_FLAGS, NULL) < 0 && errno != EPERM)
			complain_errno("mount %s (%s)", target, type);
	}
}
