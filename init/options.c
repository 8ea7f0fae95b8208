/* Kernel command line parsing. The kernel hands init a parameter as an
 * argument or environment string only when its key has no dot, so minroot.*
 * options must be read from /proc/cmdline and split here the way the
 * kernel's next_arg() splits them. */
#include "options.h"
#include "format.h"

#include <ctype.h>
#include <string.h>

#define WORD_MAX 4096 /* the kernel's whole command line is at most 2048 bytes (COMMAND_LINE_SIZE) */

const char *const kernel_fs_names[KFS_COUNT] = {
	"debugfs", "tracefs", "cgroup2", "bpf", "securityfs", "pstore", "configfs",
};

void options_init(struct options *o)
{
	memset(o, 0, sizeof *o);
	o->onexit = ONEXIT_POWEROFF;
	o->grace_ms = GRACE_MS_DEFAULT;
	o->root.read_only = true; /* as the kernel mounts the root without rw */
	o->root.wait_s = ROOTWAIT_S_DEFAULT;
	o->kernel_fs = KFS_ALL;
}

const char *onexit_name(enum onexit e)
{
	static const char *const names[] = { "poweroff", "reboot", "halt", "respawn" };
	return names[e];
}

/* Mirrors next_arg() in the kernel's lib/cmdline.c: a leading quote or a
 * quote anywhere toggles quoting; quotes are removed only around the whole
 * word or around the value after the first '='. */
bool cmdline_next_word(const char **s, char *out, size_t size, bool *truncated)
{
	const char *p = *s;
	while (isspace((unsigned char)*p))
		p++;
	if (!*p) {
		*s = p;
		return false;
	}
	bool quoted = *p == '"', in_quote = quoted, stripped = false;
	if (quoted)
		p++;
	size_t n, eq = 0;
	for (n = 0; p[n] && (in_quote || !isspace((unsigned char)p[n])); n++) {
		if (!eq && p[n] == '=')
			eq = n;
		if (p[n] == '"')
			in_quote = !in_quote;
	}
	size_t end = n, vstart = eq ? eq + 1 : n;
	if (eq && p[vstart] == '"') {
		vstart++;
		if (end > vstart && p[end - 1] == '"') {
			end--;
			stripped = true;
		}
	}
	if (quoted && !stripped && end > 0 && p[end - 1] == '"')
		end--;
	size_t keylen = eq ? eq + 1 : end;
	size_t vlen = eq && end > vstart ? end - vstart : 0;
	*truncated = keylen + vlen >= size;
	if (!*truncated) {
		memcpy(out, p, keylen);
		memcpy(out + keylen, p + vstart, vlen);
		out[keylen + vlen] = '\0';
	} else if (size) {
		out[0] = '\0';
	}
	*s = p + n;
	return true;
}

/* Keep the first problem, explained: "KEY[=VALUE]: COMPLAINT". */
static void note_problem(struct options *o, const char *key, const char *val,
			 const char *complaint)
{
	if (!o->problems++)
		format(o->problem, sizeof o->problem, "%s%s%s: %s", key, val ? "=" : "",
		       val ? val : "", complaint);
}

static bool copy_value(struct options *o, char *dst, size_t size, const char *key,
		       const char *val)
{
	if (!*val) {
		note_problem(o, key, val, "empty value, ignored");
		return false;
	}
	if (strlen(val) >= size) {
		note_problem(o, key, NULL, "value too long, ignored");
		return false;
	}
	strcpy(dst, val);
	return true;
}

static void parse_onexit(struct options *o, const char *val)
{
	for (enum onexit e = ONEXIT_POWEROFF; e <= ONEXIT_RESPAWN; e++) {
		if (!strcmp(val, onexit_name(e))) {
			o->onexit = e;
			return;
		}
	}
	note_problem(o, "minroot.onexit", val, "not poweroff, reboot, halt or respawn");
}

/* Decimal digits at p, at most max, into *out. Returns what follows them,
 * or NULL when there is no digit or the number is over max. */
static const char *parse_number(const char *p, unsigned long max, unsigned long *out)
{
	const char *start = p;
	unsigned long n = 0;
	while (isdigit((unsigned char)*p) && n <= max)
		n = n * 10 + (unsigned long)(*p++ - '0');
	*out = n;
	return p != start && n <= max ? p : NULL;
}

/* A whole value of digits, at most max, into *dst. */
static void parse_unsigned(struct options *o, const char *key, const char *val, unsigned long max,
			   const char *complaint, unsigned *dst)
{
	unsigned long n;
	const char *end = parse_number(val, max, &n);
	if (!end || *end) {
		note_problem(o, key, val, complaint);
		return;
	}
	*dst = (unsigned)n;
}

/* ROWSxCOLS, each 1..65535 (struct winsize holds unsigned shorts). */
static void parse_size(struct options *o, const char *val)
{
	unsigned long rows = 0, cols = 0;
	const char *x = parse_number(val, 65535, &rows);
	const char *end = x && *x == 'x' ? parse_number(x + 1, 65535, &cols) : NULL;
	if (!end || *end || !rows || !cols) {
		note_problem(o, "minroot.size", val, "not ROWSxCOLS (e.g. 50x200)");
		return;
	}
	o->rows = (unsigned)rows;
	o->cols = (unsigned)cols;
}

static int kernel_fs_index(const char *name, size_t len)
{
	for (int i = 0; i < KFS_COUNT; i++)
		if (strlen(kernel_fs_names[i]) == len && !strncmp(name, kernel_fs_names[i], len))
			return i;
	return -1;
}

/* all, none, or a comma-separated list of kernel_fs_names. */
static void parse_mounts(struct options *o, const char *val)
{
	unsigned set = 0;
	if (!strcmp(val, "all") || !strcmp(val, "none")) {
		o->kernel_fs = *val == 'a' ? KFS_ALL : 0;
		return;
	}
	for (const char *p = val;; p++) {
		size_t len = strcspn(p, ",");
		int i = kernel_fs_index(p, len);
		if (i < 0) {
			note_problem(o, "minroot.mounts", val, "not all, none or a list of "
				     "debugfs,tracefs,cgroup2,bpf,securityfs,pstore,configfs");
			return;
		}
		set |= 1u << i;
		p += len;
		if (!*p)
			break;
	}
	o->kernel_fs = set;
}

/* "auto", the default, runs what the image has: inittab, rcS, rcK. */
static void parse_rc(struct options *o, const char *val)
{
	if (strcmp(val, "none") && strcmp(val, "auto"))
		note_problem(o, "minroot.rc", val, "not none or auto");
	else
		o->rc_none = !strcmp(val, "none");
}

/* The kernel's own root options (init/do_mounts.c reads them the same
 * way) and minroot.rootwait: what stage 1 needs. */
static bool parse_root_word(struct options *o, const char *word, const char *val)
{
	struct root_options *r = &o->root;
	if (!val) {
		if (strcmp(word, "ro") && strcmp(word, "rw"))
			return false;
		r->read_only = word[1] == 'o';
	} else if (!strcmp(word, "root")) {
		copy_value(o, r->root, sizeof r->root, word, val);
	} else if (!strcmp(word, "rootfstype")) {
		copy_value(o, r->fstype, sizeof r->fstype, word, val);
	} else if (!strcmp(word, "rootflags")) {
		copy_value(o, r->flags, sizeof r->flags, word, val);
	} else if (!strcmp(word, "init")) {
		copy_value(o, r->init, sizeof r->init, word, val);
	} else if (!strcmp(word, "minroot.rootwait")) {
		parse_unsigned(o, word, val, ROOTWAIT_S_MAX, "not a number of seconds (0..3600)",
			       &r->wait_s);
	} else {
		return false;
	}
	return true;
}

/* One "key" or "key=value" word before " -- ". */
static void parse_word(struct options *o, char *word)
{
	char *val = strchr(word, '=');
	if (val)
		*val++ = '\0';
	if (parse_root_word(o, word, val))
		return;
	if (!strcmp(word, "quiet")) {
		o->quiet = !val;
		return;
	}
	if (strncmp(word, "minroot.", 8))
		return;
	if (!val)
		note_problem(o, word, NULL, "needs a value, ignored");
	else if (!strcmp(word, "minroot.tty"))
		copy_value(o, o->tty, sizeof o->tty, word, val);
	else if (!strcmp(word, "minroot.shell"))
		copy_value(o, o->shell, sizeof o->shell, word, val);
	else if (!strcmp(word, "minroot.status"))
		copy_value(o, o->status, sizeof o->status, word, val);
	else if (!strcmp(word, "minroot.channel"))
		copy_value(o, o->channel, sizeof o->channel, word, val);
	else if (!strcmp(word, "minroot.onexit"))
		parse_onexit(o, val);
	else if (!strcmp(word, "minroot.grace"))
		parse_unsigned(o, word, val, GRACE_MS_MAX, "not a number of milliseconds (0..600000)",
			       &o->grace_ms);
	else if (!strcmp(word, "minroot.timeout"))
		parse_unsigned(o, word, val, TIMEOUT_S_MAX, "not a number of seconds (0 = none)",
			       &o->timeout_s);
	else if (!strcmp(word, "minroot.term"))
		copy_value(o, o->term, sizeof o->term, word, val);
	else if (!strcmp(word, "minroot.size"))
		parse_size(o, val);
	else if (!strcmp(word, "minroot.mounts"))
		parse_mounts(o, val);
	else if (!strcmp(word, "minroot.net"))
		copy_value(o, o->net, sizeof o->net, word, val);
	else if (!strcmp(word, "minroot.rc"))
		parse_rc(o, val);
	else
		note_problem(o, word, val, "unknown option, ignored");
}

void options_parse(struct options *o, const char *cmdline)
{
	char word[WORD_MAX];
	bool truncated;
	while (cmdline_next_word(&cmdline, word, sizeof word, &truncated)) {
		if (truncated) {
			note_problem(o, "command line", NULL, "overlong word ignored");
			continue;
		}
		if (!strcmp(word, "--"))
			break;
		parse_word(o, word);
	}
}

enum root_kind root_kind_of(const char *root, const char **what)
{
	*what = root;
	if (!*root)
		return ROOT_NONE;
	if (!strncmp(root, "UUID=", 5)) {
		*what = root + 5;
		return strlen(*what) == 36 ? ROOT_UUID : ROOT_UNSUPPORTED;
	}
	/* PARTUUID=, LABEL=, major:minor: not read here. */
	return strchr(root, '=') || strchr(root, ':') ? ROOT_UNSUPPORTED : ROOT_DEVICE;
}

/* Number of words after " -- "; *rest points at the first of them. */
static int count_after_dashes(const char *cmdline, const char **rest)
{
	char word[WORD_MAX];
	bool truncated, seen = false;
	int n = 0;
	*rest = NULL;
	while (cmdline_next_word(&cmdline, word, sizeof word, &truncated)) {
		if (seen)
			n++;
		else if (!truncated && !strcmp(word, "--")) {
			seen = true;
			*rest = cmdline;
		}
	}
	return n;
}

static bool argv_matches_words(char *const argv[], int n, const char *words)
{
	char word[WORD_MAX];
	bool truncated;
	for (int i = 0; i < n; i++) {
		if (!cmdline_next_word(&words, word, sizeof word, &truncated) || truncated ||
		    strcmp(word, argv[i]))
			return false;
	}
	return true;
}

/* Are argv[1..] the bare words (no '=') before " -- ", in order? Known kernel
 * parameters among them are not passed, so a subsequence is enough. */
static bool argv_is_leftover_words(int argc, char *const argv[], const char *cmdline)
{
	char word[WORD_MAX];
	bool truncated;
	int i = 1;
	while (i < argc && cmdline_next_word(&cmdline, word, sizeof word, &truncated)) {
		if (truncated || !strcmp(word, "--"))
			break;
		if (!strchr(word, '=') && !strcmp(word, argv[i]))
			i++;
	}
	return i == argc;
}

int command_start(int argc, char *const argv[], const char *cmdline)
{
	if (argc <= 1)
		return argc;
	const char *rest;
	int n = count_after_dashes(cmdline, &rest);
	if (n > 0 && n <= argc - 1 && argv_matches_words(argv + argc - n, n, rest))
		return argc - n;
	if (argv_is_leftover_words(argc, argv, cmdline))
		return argc;
	return 1;
}
