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

#endif
