/* Kernel command line: minroot.* options and the command after " -- ".
 * Pure logic, no system calls: unit tests link it directly. */
#ifndef MINROOT_OPTIONS_H
#define MINROOT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

enum onexit { ONEXIT_POWEROFF, ONEXIT_REBOOT, ONEXIT_HALT, ONEXIT_RESPAWN };

#define OPT_NAME_MAX 64
#define OPT_PATH_MAX 256
#define OPT_PROBLEM_MAX 160
#define GRACE_MS_DEFAULT 2000u
#define GRACE_MS_MAX 600000u
#define TIMEOUT_S_MAX 31536000u /* a year: alarm() takes any unsigned */
#define IFACE_NAME_MAX 16       /* IFNAMSIZ, the NUL included */

/* The kernel's own filesystems, in mount order (minroot.mounts). */
enum kernel_fs { KFS_DEBUGFS, KFS_TRACEFS, KFS_CGROUP2, KFS_BPF, KFS_SECURITYFS, KFS_PSTORE,
		 KFS_CONFIGFS, KFS_COUNT };
#define KFS_ALL ((1u << KFS_COUNT) - 1)
/* Their types, as /proc/filesystems names them: the names minroot.mounts takes. */
extern const char *const kernel_fs_names[KFS_COUNT];

#define ROOTWAIT_S_DEFAULT 10u
#define ROOTWAIT_S_MAX 3600u

/* What stage 1 reads: the kernel's own root options and minroot.rootwait. */
struct root_options {
	char root[OPT_PATH_MAX];     /* root=: "" = no root to switch to */
	char fstype[OPT_NAME_MAX];   /* rootfstype=: "" = try each the kernel has */
	char flags[OPT_PATH_MAX];    /* rootflags=: mount data */
	char init[OPT_PATH_MAX];     /* init=: "" = /sbin/init */
	bool read_only;              /* ro (the kernel's default) unless rw */
	unsigned wait_s;             /* minroot.rootwait: seconds */
};

struct options {
	char tty[OPT_NAME_MAX];      /* minroot.tty: console tty, "" = detect */
	char shell[OPT_PATH_MAX];    /* minroot.shell: "" = search the defaults */
	char status[OPT_NAME_MAX];   /* minroot.status: device for the exit-status line */
	char channel[OPT_NAME_MAX];  /* minroot.channel: run-qemu's command channel */
	enum onexit onexit;          /* minroot.onexit: what to do when the shell ends */
	unsigned grace_ms;           /* minroot.grace: SIGTERM -> SIGKILL wait */
	bool quiet;                  /* quiet: only errors are printed */
	struct root_options root;    /* stage 1 */
	unsigned timeout_s;          /* minroot.timeout: command mode's limit, 0 = none */
	char term[OPT_NAME_MAX];     /* minroot.term: TERM for the child, "" = the kernel's */
	unsigned rows, cols;         /* minroot.size: console window size, 0 = leave it */
	unsigned kernel_fs;          /* minroot.mounts: bits (1 << enum kernel_fs) */
	char net[IFACE_NAME_MAX];    /* minroot.net: interface on QEMU's user network */
	bool rc_none;                /* minroot.rc=none: no inittab, rcS or rcK */
	unsigned problems;           /* how many words were rejected */
	char problem[OPT_PROBLEM_MAX]; /* the first rejected word, explained */
};

void options_init(struct options *o);

/* Parse the words before " -- ". Later words win over earlier ones; a bad
 * word is counted in o->problems and leaves the option unchanged. */
void options_parse(struct options *o, const char *cmdline);

/* Index in argv of the first word of the command to run, argc if none.
 * The kernel passes init both the command line's unrecognised bare words and
 * the words after " -- "; only the latter are a command. When argv is not
 * what this command line would give (init started by hand or in a
 * container), all of argv[1..] is the command. */
int command_start(int argc, char *const argv[], const char *cmdline);

/* The kernel's word splitter: copies the next word of *s into out (quotes
 * removed as the kernel removes them) and advances *s. Returns false at the
 * end; sets *truncated when the word did not fit. */
bool cmdline_next_word(const char **s, char *out, size_t size, bool *truncated);

const char *onexit_name(enum onexit e);

/* What root= names: a UUID ("UUID=..."), or a device (a path, or a name
 * under /dev). */
enum root_kind { ROOT_NONE, ROOT_DEVICE, ROOT_UUID, ROOT_UNSUPPORTED };
enum root_kind root_kind_of(const char *root, const char **what);

#endif
