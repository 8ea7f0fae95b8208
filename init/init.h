/* minroot init: the duties of PID 1, one file each. */
#ifndef MINROOT_INIT_H
#define MINROOT_INIT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "demo.h"
#include "options.h"
#include "policy.h"
#include "request.h"

/* log.c: "init: ..." on the console (fd 2), and in the kernel log. */
void log_set_quiet(bool quiet);
void log_open_kmsg(void);
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));      /* unless quiet */
void complain(const char *fmt, ...) __attribute__((format(printf, 1, 2))); /* always */
void complain_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* sys.c: the clock, a sleep, fork, small text files */
long long monotonic_ms(void);
void sleep_ms(long ms); /* every signal blocked, as in PID 1 */
pid_t fork_child(void);
/* At most size-1 bytes, NUL-terminated; false if the file can't be read. */
bool read_small_file(const char *path, char *buf, size_t size);
char *next_line(char **cursor); /* cuts the line at its '\n'; NULL at the end */
bool file_contains(const char *path, const char *text);

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
unsigned long read_kernel_taint(void); /* /proc/sys/kernel/tainted, 0 if unreadable */

/* console.c */
void find_console_tty(const struct options *o, char *path, size_t size);
int attach_controlling_tty(const char *path);
bool set_console_size(const char *tty, unsigned rows, unsigned cols);
void hold_terminal(const char *tty);

/* supervise.c */
struct program {
	const char *path;     /* for execv, or a name for execvp when search is set */
	char *const *argv;
	bool search;
	bool led;             /* a session leader outlives it (leader.c) */
};
pid_t spawn_child(const char *tty, int stdin_fd, const struct program *progs, int n, int *errs);
void leave_pid1_state(void);

/* leader.c */
void lead_command_session(int report_fd);
/* other gets each reaped child but watched; NULL: only reaped. */
bool reap_children(pid_t watched, int *wait_status, void (*other)(pid_t pid));
/* deadline: a monotonic_ms() time; status may be NULL. */
bool wait_for_children(pid_t watched, long long deadline, int *status);

/* channel.c: run-qemu's command channel (minroot.channel) */
#define CHANNEL_READY "\nminroot-channel-ready\n"
int channel_open(const char *name);
bool channel_read_request(int fd, struct request *rq);
struct relay {
	pid_t pid;
	int stop;
};
int channel_start_relay(int chan, const char *tty, bool stdin_follows, struct relay *r);
void channel_stop_relay(struct relay *r);
void channel_send_status(int chan, const char *line, size_t len);
void disable_output_crlf(const char *tty);

/* disks.c: disks found by UUID and mounted as the request says */
void mount_requested_disks(const struct request *rq);
void write_requested_file(const char *path, const char *content);

/* dir.c: fn is called for each name but "." and ".."; a true return stops
 * the walk, and for_each_entry returns true then. */
typedef bool entry_fn(int dirfd, const char *name, unsigned char type, void *ctx);
bool for_each_entry(int dirfd, entry_fn *fn, void *ctx);

/* blockdev.c */
/* "ttyS1" -> "/dev/ttyS1"; a path is kept as it is. */
void device_path(const char *name, char *path, size_t size);
/* Path of the block device whose ext2/3/4 superblock has this UUID
 * ("01234567-89ab-cdef-0123-456789abcdef"); false when none is there now. */
bool find_block_device_by_uuid(const char *uuid, char *path, size_t size);
/* The ext2/3/4 UUID of a device, lower case; false when it has none. */
bool read_ext_uuid(const char *device, char uuid[37]);
/* fn for each name in /sys/class/block (dirfd is that directory). */
bool for_each_block_device(entry_fn *fn, void *ctx);

/* modules.c: loaded gets the names of the modules loaded, blank-separated. */
bool load_initramfs_modules(char *loaded, size_t size);

/* rootdev.c */
bool wait_for_root(const struct root_options *r, const char *loaded, char *dev, size_t size);
bool mount_root(const struct root_options *r, const char *dev, const char *target);

/* switch_root.c */
bool root_is_in_memory(void);
bool switch_root(const char *newroot, const char *init, char **argv);

/* stage1.c */
bool is_stage1(const struct options *o);
_Noreturn void run_stage1(const struct options *o, char **argv);

/* kernelfs.c */
void mount_kernel_filesystems(unsigned which);

/* net.c */
void set_up_network(char *iface);

/* timeout.c */
void arm_command_timeout(unsigned seconds);
bool stop_command(pid_t child, unsigned grace_ms, int *status);

/* rc.c: the image's inittab, /etc/init.d/rcS and rcK, as busybox's init
 * runs them. console is the shell's terminal ("" = init's stdin). */
void run_boot_scripts(const struct options *o, const char *console);
void run_shutdown_scripts(unsigned grace_ms);
/* Starts an inittab respawn line again if pid was its process (for
 * reap_children's other). */
void respawn_inittab_process(pid_t pid);

/* shutdown.c */
_Noreturn void shut_down(enum action a, unsigned grace_ms);

#endif
