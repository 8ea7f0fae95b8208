/* busybox's /etc/inittab: "TTY:RUNLEVELS:ACTION:COMMAND" lines.
 * Pure logic, no system calls: unit tests link it directly. */
#ifndef MINROOT_INITTAB_H
#define MINROOT_INITTAB_H

#include <stdbool.h>

/* busybox's actions, in the order its init runs the boot ones. */
enum rc_action {
	RC_SYSINIT, RC_WAIT, RC_ONCE, RC_RESPAWN, RC_ASKFIRST, RC_SHUTDOWN, RC_CTRLALTDEL,
	RC_RESTART, RC_BAD
};

struct inittab_entry {
	const char *tty;      /* the TTY field as written; "" = the console */
	const char *command;  /* for RC_BAD: the whole line, to report it */
	enum rc_action action;
	unsigned line;        /* 1-based line number in the file */
};

/* Takes the next entry from *text, a NUL-terminated inittab that is cut in
 * place (fields end in NULs); *line counts lines and starts at 0. Blank
 * lines and comments (from '#' to the end of the line) are skipped; the
 * RUNLEVELS field is ignored, as busybox ignores it. A line that is not four
 * fields with a known action and a command comes back as RC_BAD. Returns
 * false at the end of the text. */
bool inittab_next(char **text, unsigned *line, struct inittab_entry *e);

const char *rc_action_name(enum rc_action a);

/* Whether a TTY field names the tty NAME ("ttyS1" and "/dev/ttyS1" alike);
 * an empty NAME names none. */
bool tty_is(const char *field, const char *name);

/* The ttys init and the host use for themselves: a line that opens one
 * takes it over (a getty resets and hangs up its tty: the channel would
 * lose the command's status, the terminal its shell). */
struct own_ttys {
	const char *terminal; /* the shell's or command's tty, "" = init's stdin */
	const char *channel;  /* minroot.channel */
	const char *status;   /* minroot.status */
	const char *consoles; /* the kernel's, blank-separated (/sys/class/tty/console/active) */
};

/* Why init does not run the line, or NULL: an action it does not support,
 * a respawn or askfirst line on the console, any line on one of OWN's ttys. */
const char *inittab_refusal(const struct inittab_entry *e, const struct own_ttys *own);

#endif
