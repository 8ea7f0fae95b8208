/* minroot init: the duties of PID 1, one file each. */
#ifndef MINROOT_INIT_H
#define MINROOT_INIT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "options.h"
#include "policy.h"

/* log.c: "init: ..." on the console (fd 2), and in the kernel log. */
void log_set_quiet(bool quiet);
void log_open_kmsg(void);
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));      /* unless quiet */
void complain(const char *fmt, ...) __attribute__((format(printf, 1, 2))); /* always */
void complain_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* mounts.c */
void mount_proc(void);
void mount_sys_and_dev(void);
void mount_dev_subdirs(void);
bool is_mount_point(const char *path);

/* devices.c */
void ensure_device_nodes(void);
void ensure_console_fds(void);

/* environment.c */
void set_hostname(void);
void set_environment(const char *shell);
bool read_small_file(const char *path, char *buf, size_t size);

/* console.c */
void find_console_tty(const struct options *o, char *path, size_t size);
int attach_controlling_tty(const char *path);
void device_path(const char *name, char *path, size_t size);

/* supervise.c */
struct program {
	const char *path;     /* for execv, or a name for execvp when search is set */
	char *const *argv;
	bool search;
};
pid_t spawn_child(const char *tty, const struct program *progs, int n, int *errs);
void leave_pid1_state(void);
bool reap_children(pid_t watched, int *wait_status);
long long monotonic_ms(void);

/* rc.c: the image's inittab, /etc/init.d/rcS and rcK, as busybox's init
 * runs them. console is the shell's terminal ("" = init's stdin). */
void run_boot_scripts(const struct options *o, const char *console);
void run_shutdown_scripts(unsigned grace_ms);
void respawn_inittab_process(pid_t pid); /* for any child reaped but the shell */

/* shutdown.c */
_Noreturn void shut_down(enum action a, unsigned grace_ms);

#endif
