/* busybox's inittab format, as its init reads it: four fields split at the
 * first three colons (the command may hold more), '#' starts a comment
 * anywhere (Buildroot's getty line ends in "# GENERIC_SERIAL"). */
#include "inittab.h"

#include <string.h>

static const char action_names[][11] = {
	"sysinit", "wait", "once", "respawn", "askfirst", "shutdown", "ctrlaltdel", "restart",
	"bad line",
};

const char *rc_action_name(enum rc_action a)
{
	return action_names[a];
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Ends s at its newline and at its comment, drops trailing blanks, and
 * returns where the next line starts. */
static char *cut_line(char *s)
{
	char *end = s + strcspn(s, "\n");
	char *next = *end ? end + 1 : end;
	*end = '\0';
	end = s + strcspn(s, "#");
	while (end > s && is_blank(end[-1]))
		end--;
	*end = '\0';
	return next;
}

static enum rc_action action_named(const char *s, size_t len)
{
	enum rc_action a;
	for (a = RC_SYSINIT; a < RC_BAD; a++)
		if (strlen(action_names[a]) == len && !strncmp(s, action_names[a], len))
			break;
	return a;
}

/* The line is cut into fields only when it is good: a bad one is reported
 * whole. */
static void split_fields(char *s, struct inittab_entry *e)
{
	char *colon[3], *p = s;
	e->action = RC_BAD;
	e->tty = "";
	e->command = s;
	for (int i = 0; i < 3; i++) {
		if (!(p = strchr(p, ':')))
			return;
		colon[i] = p++;
	}
	while (is_blank(*p))
		p++;
	enum rc_action a = action_named(colon[1] + 1, (size_t)(colon[2] - colon[1] - 1));
	if (a == RC_BAD || !*p)
		return;
	*colon[0] = '\0';
	e->action = a;
	e->tty = s;
	e->command = p;
}

bool inittab_next(char **text, unsigned *line, struct inittab_entry *e)
{
	while (**text) {
		char *s = *text;
		*text = cut_line(s);
		++*line;
		while (is_blank(*s))
			s++;
		if (!*s)
			continue;
		split_fields(s, e);
		e->line = *line;
		return true;
	}
	return false;
}

static const char *dev_name(const char *s)
{
	return strncmp(s, "/dev/", 5) ? s : s + 5;
}

bool tty_is(const char *field, const char *name)
{
	return *name && !strcmp(dev_name(field), dev_name(name));
}

/* Whether the blank-separated LIST holds NAME (a tty's name under /dev). */
static bool in_list(const char *name, const char *list)
{
	size_t len = strlen(name), n;
	for (; *list; list += n + !!list[n]) {
		n = strcspn(list, " \n");
		if (n == len && !strncmp(list, name, n))
			return true;
	}
	return false;
}

const char *inittab_refusal(const struct inittab_entry *e, const struct own_ttys *own)
{
	const char *tty = dev_name(e->tty);
	bool console = !*tty || !strcmp(tty, "console");
	if (e->action >= RC_CTRLALTDEL)
		return "not supported";
	if ((e->action == RC_RESPAWN || e->action == RC_ASKFIRST) && (console || tty_is(tty, own->terminal)))
		return "the console has init's shell";
	/* Other lines on the console run on init's stdio, as busybox's do. */
	if (console)
		return NULL;
	if (tty_is(tty, own->channel))
		return "the channel's port";
	if (tty_is(tty, own->status))
		return "the status port";
	if (tty_is(tty, own->terminal))
		return "init's terminal";
	return in_list(tty, own->consoles) ? "a kernel console" : NULL;
}
