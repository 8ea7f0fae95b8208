/* libFuzzer target: the inittab parser (init/inittab.c). Beyond crashes and
 * undefined behaviour it checks that every entry lies inside the text, that
 * line numbers only grow and never pass the text's line count, that a good
 * entry has a known action, a command with no newline, no comment and no
 * blank at either end and a tty field with no colon, and that a bad one is
 * a whole line. Each entry is also judged against ttys in use taken from
 * the text's first words (inittab_refusal must not read past them). */
#include "fuzz.h"
#include "inittab.h"

#include <stdbool.h>

static bool inside(const char *p, const char *text, size_t size)
{
	return p >= text && p <= text + size && strlen(p) <= size - (size_t)(p - text);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static void check_entry(const struct inittab_entry *e, const char *text, size_t size)
{
	FUZZ_ASSERT(e->action <= RC_BAD, "action %d out of range", (int)e->action);
	FUZZ_ASSERT(inside(e->command, text, size), "command outside the text");
	size_t len = strlen(e->command);
	FUZZ_ASSERT(len > 0, "empty command on line %u", e->line);
	FUZZ_ASSERT(!strpbrk(e->command, "\n#"), "command \"%s\" holds a newline or '#'", e->command);
	FUZZ_ASSERT(!is_blank(e->command[len - 1]), "command \"%s\" ends in a blank", e->command);
	if (e->action == RC_BAD) {
		FUZZ_ASSERT(!*e->tty, "a bad line has tty \"%s\"", e->tty);
		return;
	}
	FUZZ_ASSERT(!is_blank(e->command[0]), "command \"%s\" starts with a blank", e->command);
	FUZZ_ASSERT(inside(e->tty, text, size), "tty outside the text");
	FUZZ_ASSERT(!strpbrk(e->tty, ":\n#"), "tty \"%s\" holds ':', a newline or '#'", e->tty);
	FUZZ_ASSERT(e->tty < e->command, "tty after the command");
	FUZZ_ASSERT(strcmp(rc_action_name(e->action), "bad line"), "good line named bad");
}

/* A refused entry is refused for one of the reasons init names. */
static void check_refusal(const struct inittab_entry *e, const struct own_ttys *own)
{
	static const char *const reasons[] = { "not supported", "the console has init's shell",
		"the channel's port", "the status port", "init's terminal", "a kernel console" };
	const char *why = inittab_refusal(e, own);
	bool known = !why;
	for (size_t i = 0; why && i < sizeof reasons / sizeof reasons[0]; i++)
		known |= !strcmp(why, reasons[i]);
	FUZZ_ASSERT(known, "unknown refusal \"%s\"", why);
	FUZZ_ASSERT(e->action < RC_CTRLALTDEL || why, "an unsupported action was not refused");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	size_t len = strlen(text), lines = 1;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	char *words = fuzz_string(data, size < 64 ? size : 64), *w[4] = { "", "", "", "" };
	for (int i = 0; i < 4; i++) {
		char *t = strtok(i ? NULL : words, ":\n");
		if (t)
			w[i] = t;
	}
	const struct own_ttys own = { w[0], w[1], w[2], w[3] };
	char *rest = text;
	unsigned line = 0, last = 0;
	struct inittab_entry e;
	while (inittab_next(&rest, &line, &e)) {
		FUZZ_ASSERT(e.line > last && e.line <= lines, "line %u after %u (of %zu)", e.line,
			    last, lines);
		FUZZ_ASSERT(inside(rest, text, len), "rest outside the text");
		check_entry(&e, text, len);
		if (e.action != RC_BAD)
			check_refusal(&e, &own);
		last = e.line;
	}
	FUZZ_ASSERT(!*rest, "stopped before the end of the text");
	free(words);
	free(text);
	return 0;
}
