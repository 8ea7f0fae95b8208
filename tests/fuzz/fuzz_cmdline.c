/* libFuzzer target: the init's kernel command line parser (init/options.c).
 * Beyond crashes and undefined behaviour it checks that parsing leaves
 * every option in range, that the word splitter always moves forward and
 * respects its buffer, and that command_start finds the command in an argv
 * built the way the kernel builds it. */
#include "fuzz.h"
#include "options.h"

#include <stdbool.h>

#define KERNEL_CMDLINE_MAX 2047 /* x86's COMMAND_LINE_SIZE - 1 */
#define KERNEL_ARGV_MAX 32      /* the kernel's MAX_INIT_ARGS, argv[0] included */
#define WORD_BYTES 4096

static void check_options(const struct options *o)
{
	FUZZ_TERMINATED(o->tty);
	FUZZ_TERMINATED(o->shell);
	FUZZ_TERMINATED(o->status);
	FUZZ_TERMINATED(o->problem);
	FUZZ_ASSERT(o->onexit <= ONEXIT_RESPAWN, "onexit %d out of range", (int)o->onexit);
	FUZZ_ASSERT(o->grace_ms <= GRACE_MS_MAX, "grace %u over the maximum", o->grace_ms);
	FUZZ_TERMINATED(o->term);
	FUZZ_TERMINATED(o->net);
	FUZZ_ASSERT(o->timeout_s <= TIMEOUT_S_MAX, "timeout %u over the maximum", o->timeout_s);
	FUZZ_ASSERT(o->kernel_fs <= KFS_ALL, "kernel_fs %#x names no filesystem", o->kernel_fs);
	FUZZ_ASSERT((o->rows && o->cols && o->rows <= 65535 && o->cols <= 65535) ||
			    (!o->rows && !o->cols),
		    "window size %ux%u", o->rows, o->cols);
	FUZZ_ASSERT((o->problems == 0) == (o->problem[0] == '\0'),
		    "%u problems but problem text \"%s\"", o->problems, o->problem);
}

/* Split with a deliberately small buffer: words that do not fit must be
 * flagged, never overflow, and every call must consume input. */
static void check_splitter(const char *cmdline, size_t size)
{
	char word[16];
	bool truncated;
	const char *s = cmdline, *before;
	for (before = s; cmdline_next_word(&s, word, size, &truncated); before = s) {
		FUZZ_ASSERT(s > before, "the splitter did not move forward");
		if (!truncated)
			FUZZ_ASSERT(strlen(word) < size, "a word longer than its buffer");
	}
	FUZZ_ASSERT(*s == '\0', "the splitter stopped before the end");
}

struct kernel_argv {
	char *argv[KERNEL_ARGV_MAX + 1];
	int argc, after_dashes;
	bool usable; /* false when the kernel would not pass this as it is */
};

/* init's argv as the kernel gives it: bare words (no '=', no '.') before
 * " -- ", then every word after it. */
static void kernel_argv(const char *cmdline, struct kernel_argv *k)
{
	static char words[KERNEL_ARGV_MAX][WORD_BYTES];
	char word[WORD_BYTES];
	bool truncated, seen = false;
	k->argv[0] = "init";
	k->argc = 1;
	k->after_dashes = 0;
	k->usable = true;
	while (cmdline_next_word(&cmdline, word, sizeof word, &truncated)) {
		if (truncated || !*word) {
			k->usable = false;
			return;
		}
		if (!seen && !strcmp(word, "--")) {
			seen = true;
			continue;
		}
		if (!seen && (strchr(word, '=') || strchr(word, '.')))
			continue;
		if (k->argc == KERNEL_ARGV_MAX) {
			k->usable = false;
			return;
		}
		strcpy(words[k->argc], word);
		k->argv[k->argc] = words[k->argc];
		k->argc++;
		k->after_dashes += seen;
	}
	k->argv[k->argc] = NULL;
}

static void check_command_start(const char *cmdline, size_t len)
{
	struct kernel_argv k;
	kernel_argv(cmdline, &k);
	if (!k.usable)
		return;
	int start = command_start(k.argc, k.argv, cmdline);
	FUZZ_ASSERT(start >= 1 && start <= k.argc, "command_start %d for argc %d", start, k.argc);
	if (len > KERNEL_CMDLINE_MAX)
		return;
	int want = k.after_dashes ? k.argc - k.after_dashes : k.argc;
	FUZZ_ASSERT(start == want, "command starts at argv[%d], expected argv[%d] (argc %d)",
		    start, want, k.argc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *cmdline = fuzz_string(data, size);
	struct options a, b;

	options_init(&a);
	options_parse(&a, cmdline);
	check_options(&a);
	options_init(&b);
	options_parse(&b, cmdline);
	FUZZ_ASSERT(!memcmp(&a, &b, sizeof a), "two parses of one command line differ");

	for (size_t n = 0; n <= 16; n += 4)
		check_splitter(cmdline, n);
	check_command_start(cmdline, strlen(cmdline));
	free(cmdline);
	return 0;
}
