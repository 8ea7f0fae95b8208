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
void set_environment(const char *shell, const char *term);
bool read_small_file(const char *path, char *buf, size_t size);
bool file_contains(const char *path, const char *text);
unsigned long read_kernel_taint(void); /* /proc/sys/kernel/tainted, 0 if unreadable */

/* console.c */
void find_console_tty(const struct options *o, char *path, size_t size);
int attach_controlling_tty(const char *path);
void device_path(const char *name, char *path, size_t size);
bool set_console_size(const char *tty, unsigned rows, unsigned cols);

/* supervise.c */
struct program {
	const char *path;     /* for execv, or a name for execvp when search is set */
	char *const *argv;
	bool search;
};
pid_t spawn_child(const char *tty, const struct program *progs, int n, int *errs);
bool reap_children(pid_t watched, int *wait_status);
bool wait_for_children(pid_t watched, unsigned timeout_ms);
long long monotonic_ms(void);

/* kernelfs.c */
void mount_kernel_filesystems(unsigned which);

/* net.c */
void set_up_network(char *iface);

/* timeout.c */
void arm_command_timeout(unsigned seconds);
bool stop_command(pid_t child, unsigned grace_ms, int *status);

/* shutdown.c */
_Noreturn void shut_down(enum action a, unsigned grace_ms);

#endif
