/* The image's own start-up and shut-down scripts, run the way busybox's init
 * runs them, so that an image made for busybox (Buildroot's, most embedded
 * ones) still starts and stops its services under this init.
 *
 *   boot:     /etc/inittab's sysinit lines in order, then its wait lines,
 *             each run to its end; then its once lines, not waited for; then
 *             its respawn and askfirst lines on a tty other than the console.
 *             With no inittab, /etc/init.d/rcS if it exists.
 *   shutdown: the inittab's shutdown lines, or with no inittab
 *             /etc/init.d/rcK if it exists, before the TERM/KILL round.
 *
 * Every command runs as "/bin/sh -c COMMAND" in a session of its own, with
 * init's stdio (the console) and no controlling terminal, or on the line's
 * tty. A command that fails or outlasts the grace period is reported and the
 * boot or shutdown goes on. Lines this init does not run are named, one line
 * each, never skipped silently: among them any line on a tty that init or
 * its host uses (the channel, the status port, init's terminal, a kernel
 * console), where a getty would reset and hang up the tty under them. */
#include "init.h"
#include "inittab.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define INITTAB "/etc/inittab"
#define MAX_ENTRIES 64

struct respawner {
	const struct inittab_entry *entry;
	pid_t pid;
	struct throttle throttle;
};

/* Set once at boot, read again at shutdown. The entries point into text. */
static char text[8192];
static struct inittab_entry entries[MAX_ENTRIES];
static unsigned n_entries;
static struct respawner respawners[MAX_ENTRIES];
static unsigned n_respawners;

/* Reads the inittab into entries; false when there is none to read. */
static bool load_inittab(void)
{
	if (!read_small_file(INITTAB, text, sizeof text)) {
		if (errno != ENOENT)
			complain_errno("read " INITTAB);
		return false;
	}
	if (strlen(text) == sizeof text - 1)
		complain(INITTAB ": cut at 8 KiB");
	char *rest = text;
	unsigned line = 0;
	struct inittab_entry e;
	while (inittab_next(&rest, &line, &e)) {
		if (e.action == RC_BAD || n_entries == MAX_ENTRIES)
			complain(INITTAB " line %u ignored: %s", e.line, e.command);
		else
			entries[n_entries++] = e;
	}
	return true;
}

/* busybox's askfirst: a prompt on the line's tty, then the command. */
static const char ask_first[] =
	"printf '\\nPlease press Enter to activate this console. '; read a; eval \"$1\"";

/* On the line's tty (a terminal becomes the controlling one, as a getty
 * needs), else on init's stdio. busybox's "-" (a login shell) has no
 * meaning through sh -c. */
static pid_t start_entry(const struct inittab_entry *e)
{
	char path[OPT_PATH_MAX];
	char *cmd = (char *)e->command + (e->command[0] == '-');
	char *argv[] = { "sh", "-c", cmd, NULL, cmd, NULL };
	struct program sh = { "/bin/sh", argv, false, false };
	int err;
	if (e->action == RC_ASKFIRST) {
		argv[2] = (char *)ask_first;
		argv[3] = "sh";
	}
	*path = '\0';
	if (*e->tty)
		device_path(e->tty, path, sizeof path);
	say("%s: %s", rc_action_name(e->action), e->command);
	pid_t pid = spawn_child(path, -1, &sh, 1, &err);
	if (pid < 0) {
		errno = err;
		complain_errno("run /bin/sh for %s", e->command);
	}
	return pid;
}

/* Runs every line of this action in turn, each waited for until deadline,
 * or each for the grace period when deadline is 0. A command outlasting it
 * is left running: at boot it carries on beside the shell, at shutdown the
 * TERM/KILL round ends it. rcS and rcK (line 0) only when they exist. */
static void run_in_turn(enum rc_action a, long long deadline, unsigned grace_ms)
{
	for (unsigned i = 0; i < n_entries; i++) {
		const struct inittab_entry *e = &entries[i];
		int status;
		pid_t pid;
		if (e->action != a || (!e->line && access(e->command, F_OK)))
			continue;
		if (deadline && monotonic_ms() >= deadline) {
			complain("%s not run: the grace period is over", e->command);
			continue;
		}
		if ((pid = start_entry(e)) < 0)
			continue;
		if (!wait_for_children(pid, deadline ? deadline : monotonic_ms() + grace_ms, &status))
			complain("%s: still running after %u ms; going on", e->command, grace_ms);
		else if (status)
			complain("%s: exit status %d; going on", e->command, exit_code_of(status));
	}
}

/* Each line init does not run is named once, at boot, and left out. */
static void refuse_lines(const struct options *o, const char *terminal)
{
	static char consoles[256];
	if (!read_small_file("/sys/class/tty/console/active", consoles, sizeof consoles))
		*consoles = '\0';
	struct own_ttys own = { terminal, o->channel, o->status, consoles };
	for (unsigned i = 0; i < n_entries; i++) {
		struct inittab_entry *e = &entries[i];
		const char *why = inittab_refusal(e, &own);
		if (!why)
			continue;
		complain(INITTAB " line %u not run (%s: %s): %s", e->line, rc_action_name(e->action),
			 why, e->command);
		e->action = RC_BAD;
	}
}

/* After sysinit and wait: once lines, then, as busybox starts them, respawn
 * and askfirst lines (those left: on a tty of their own). */
static void start_the_rest(void)
{
	for (unsigned i = 0; i < n_entries; i++) {
		const struct inittab_entry *e = &entries[i];
		if (e->action == RC_ONCE) {
			start_entry(e);
		} else if (e->action == RC_RESPAWN || e->action == RC_ASKFIRST) {
			respawners[n_respawners].entry = e;
			respawners[n_respawners++].pid = start_entry(e);
		}
	}
}

/* Without an inittab busybox's init runs rcS but not rcK; Buildroot's
 * inittab runs both, and so does this init. */
static const struct inittab_entry rc_scripts[] = {
	{ "", "/etc/init.d/rcS", RC_SYSINIT, 0 },
	{ "", "/etc/init.d/rcK", RC_SHUTDOWN, 0 },
};

void run_boot_scripts(const struct options *o, const char *console)
{
	if (o->rc_none)
		return;
	if (!load_inittab()) {
		memcpy(entries, rc_scripts, sizeof rc_scripts);
		n_entries = 2;
	}
	refuse_lines(o, console);
	run_in_turn(RC_SYSINIT, 0, o->grace_ms);
	run_in_turn(RC_WAIT, 0, o->grace_ms);
	start_the_rest();
}

/* All of them within one grace period. Buildroot's last shutdown line,
 * "umount -a -r", takes /proc away: the unmounting that follows needs it. */
void run_shutdown_scripts(unsigned grace_ms)
{
	run_in_turn(RC_SHUTDOWN, monotonic_ms() + grace_ms, grace_ms);
	mount_proc();
}

void respawn_inittab_process(pid_t pid)
{
	for (unsigned i = 0; i < n_respawners; i++) {
		struct respawner *r = &respawners[i];
		if (r->pid != pid)
			continue;
		r->pid = -1;
		if (respawn_allowed(&r->throttle, monotonic_ms()))
			r->pid = start_entry(r->entry);
		else
			complain(INITTAB " line %u ended %d times within %d s; not started again",
				 r->entry->line, RESPAWN_LIMIT, RESPAWN_WINDOW_MS / 1000);
		return;
	}
}
