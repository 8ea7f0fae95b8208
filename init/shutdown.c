/* Shutdown, the same on every path: stop every process, flush, unmount,
 * leave the root read-only, then ask the kernel to power off, halt or reboot.
 * An ext3 root left this way needs no journal recovery at the next mount. */
#include "init.h"
#include "format.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <termios.h>
#include <unistd.h>

#define KILL_WAIT_MS 2000 /* after SIGKILL, for processes still in the kernel */
#define MAX_MOUNTS 128

/* SIGHUP with SIGTERM: an interactive busybox ash ignores SIGTERM but ends at
 * once on a hang-up, which saves the whole grace period on every power-off. */
static void stop_all_processes(unsigned grace_ms)
{
	kill(-1, SIGTERM);
	kill(-1, SIGHUP);
	kill(-1, SIGCONT);
	if (wait_for_children(-1, monotonic_ms() + grace_ms, NULL))
		return;
	say("sending SIGKILL to processes still running after %u ms", grace_ms);
	kill(-1, SIGKILL);
	if (!wait_for_children(-1, monotonic_ms() + KILL_WAIT_MS, NULL))
		complain("some processes did not end; going on");
}

/* /proc/self/mounts escapes blanks in paths as octal: "\040". */
static void unescape_octal(char *s)
{
	char *out = s;
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* Splits the mount table (in buf) into mount points, in mount order; the
 * root's filesystem type goes to root_type. Returns how many there are. */
static int parse_mounts(char *buf, char *points[], int max, char *root_type, size_t size)
{
	int n = 0;
	for (char *rest = buf, *line; (line = next_line(&rest));) {
		char *sp1 = strchr(line, ' ');
		char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
		char *sp3 = sp2 ? strchr(sp2 + 1, ' ') : NULL;
		if (!sp3)
			continue;
		*sp2 = *sp3 = '\0';
		char *point = sp1 + 1;
		unescape_octal(point);
		if (!strcmp(point, "/"))
			format(root_type, size, "%s", sp2 + 1);
		else if (n < max)
			points[n++] = point;
	}
	return n;
}

/* Newest first, so nothing is unmounted from under another mount; a busy
 * one is detached and goes when its last user does. */
static void unmount_all(char *root_type, size_t size)
{
	static char table[65536];
	char *points[MAX_MOUNTS];
	*root_type = '\0';
	if (!read_small_file("/proc/self/mounts", table, sizeof table)) {
		complain_errno("read /proc/self/mounts");
		return;
	}
	int n = parse_mounts(table, points, MAX_MOUNTS, root_type, size);
	for (int i = n - 1; i >= 0; i--) {
		if (umount2(points[i], 0) == 0)
			continue;
		if (errno == EBUSY && umount2(points[i], MNT_DETACH) == 0)
			continue;
		if (errno != EINVAL && errno != ENOENT)
			complain_errno("unmount %s", points[i]);
	}
}

/* An initramfs root lives in memory: nothing to protect, nothing to remount. */
static void remount_root_readonly(const char *root_type)
{
	if (!strcmp(root_type, "rootfs") || !strcmp(root_type, "ramfs") ||
	    !strcmp(root_type, "tmpfs"))
		return;
	/* EINVAL: / is no mount point (init runs in a chroot); nothing to do. */
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY, NULL) < 0 && errno != EINVAL)
		complain_errno("remount / read-only");
}

static int reboot_command(enum action a)
{
	static const int cmd[] = { RB_POWER_OFF, RB_AUTOBOOT, RB_HALT_SYSTEM };
	return cmd[a];
}

_Noreturn void shut_down(enum action a, unsigned grace_ms)
{
	char root_type[32];
	say("%s", action_name(a));
	run_shutdown_scripts(grace_ms);
	stop_all_processes(grace_ms);
	sync();
	unmount_all(root_type, sizeof root_type);
	if (!MINROOT_DEMO_NO_REMOUNT_RO)
		remount_root_readonly(root_type);
	sync();
	/* The kernel does not wait for a serial port to send what is queued. */
	tcdrain(STDERR_FILENO);
	reboot(reboot_command(a));
	complain_errno("reboot");
	for (;;)
		pause();
}
