/* Unit tests of the init's pure logic: command-line parsing, the command
 * after " -- ", exit status codes, the respawn throttle, the formatter,
 * the inittab parser. */
#include "check.h"
#include "format.h"
#include "inittab.h"
#include "options.h"
#include "policy.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

static struct options parsed(const char *cmdline)
{
	struct options o;
	options_init(&o);
	options_parse(&o, cmdline);
	return o;
}

static void test_defaults(void)
{
	struct options o = parsed("console=ttyS0 root=/dev/sda rw");
	CHECK_STR(o.tty, "", "no minroot.tty: detect the console");
	CHECK_STR(o.shell, "", "no minroot.shell: default shells");
	CHECK_INT(o.onexit, ONEXIT_POWEROFF, "onexit defaults to poweroff");
	CHECK_INT(o.grace_ms, 2000, "grace defaults to 2000 ms");
	CHECK(!o.quiet, "not quiet by default");
	CHECK(!o.rc_none, "the image's scripts run by default");
	CHECK_INT(o.problems, 0, "ordinary kernel words are no problem");
}

static void test_each_option(void)
{
	struct options o = parsed("quiet minroot.tty=ttyS1 minroot.shell=/bin/bash "
				  "minroot.onexit=respawn minroot.grace=150 minroot.status=ttyS2");
	CHECK(o.quiet, "quiet");
	CHECK_STR(o.tty, "ttyS1", "minroot.tty");
	CHECK_STR(o.shell, "/bin/bash", "minroot.shell");
	CHECK_INT(o.onexit, ONEXIT_RESPAWN, "minroot.onexit=respawn");
	CHECK_INT(o.grace_ms, 150, "minroot.grace=150");
	CHECK_STR(o.status, "ttyS2", "minroot.status");
	CHECK_INT(o.problems, 0, "all valid: no problem");
	CHECK_INT(parsed("minroot.onexit=halt").onexit, ONEXIT_HALT, "minroot.onexit=halt");
	CHECK_INT(parsed("minroot.onexit=reboot").onexit, ONEXIT_REBOOT, "minroot.onexit=reboot");
	CHECK_INT(parsed("minroot.grace=0").grace_ms, 0, "minroot.grace=0 is allowed");
	CHECK(!parsed("quiet=1").quiet, "quiet=1 is not the kernel's quiet");
	CHECK(parsed("minroot.rc=none").rc_none, "minroot.rc=none");
	CHECK(!parsed("minroot.rc=none minroot.rc=auto").rc_none, "minroot.rc=auto after none");
	o = parsed("minroot.rc=off");
	CHECK(!o.rc_none && o.problems == 1, "minroot.rc=off is refused");
	CHECK_STR(o.problem, "minroot.rc=off: not none or auto", "minroot.rc=off explained");
}

static void test_quotes(void)
{
	struct options o = parsed("minroot.shell=\"/opt/my shell/sh\" x=1");
	CHECK_STR(o.shell, "/opt/my shell/sh", "quoted value keeps its blank");
	o = parsed("\"minroot.tty=tty S1\" rw");
	CHECK_STR(o.tty, "tty S1", "a whole quoted word");
	o = parsed("minroot.tty=\"ttyS1");
	CHECK_STR(o.tty, "ttyS1", "unterminated quote runs to the end, as in the kernel");
	o = parsed("a=\"b minroot.tty=ttyS3\" minroot.grace=7");
	CHECK_STR(o.tty, "", "an option inside another word's quotes is not an option");
	CHECK_INT(o.grace_ms, 7, "the word after a quoted one is parsed");
}

static void test_bad_input(void)
{
	struct options o = parsed("minroot.colour=blue minroot.tty=ttyS1");
	CHECK_INT(o.problems, 1, "unknown key is a problem");
	CHECK_STR(o.problem, "minroot.colour=blue: unknown option, ignored", "unknown key explained");
	CHECK_STR(o.tty, "ttyS1", "unknown key does not stop parsing");

	o = parsed("minroot.tty=ttyS1 minroot.tty=ttyS2");
	CHECK_STR(o.tty, "ttyS2", "repeated key: the last wins");
	CHECK_INT(o.problems, 0, "repeated key is no problem");

	o = parsed("minroot.shell=/bin/sh minroot.shell=");
	CHECK_STR(o.shell, "/bin/sh", "empty value leaves the earlier one");
	CHECK_STR(o.problem, "minroot.shell=: empty value, ignored", "empty value explained");

	o = parsed("minroot.tty");
	CHECK_STR(o.problem, "minroot.tty: needs a value, ignored", "key without value explained");

	o = parsed("minroot.onexit=explode");
	CHECK_INT(o.onexit, ONEXIT_POWEROFF, "bad onexit keeps poweroff");
	CHECK_STR(o.problem, "minroot.onexit=explode: not poweroff, reboot, halt or respawn",
		  "bad onexit explained");

	const char *bad_graces[] = { "minroot.grace=-1", "minroot.grace=1x", "minroot.grace=600001",
				     "minroot.grace=99999999999999999999999", "minroot.grace=" };
	for (size_t i = 0; i < sizeof bad_graces / sizeof *bad_graces; i++) {
		o = parsed(bad_graces[i]);
		CHECK(o.problems == 1 && o.grace_ms == 2000, bad_graces[i]);
	}
	CHECK_INT(parsed("minroot.grace=600000").grace_ms, 600000, "grace at its maximum");

	o = parsed("minroot.a=1 minroot.b=2 minroot.c=3");
	CHECK_INT(o.problems, 3, "every problem counted");
	CHECK_STR(o.problem, "minroot.a=1: unknown option, ignored", "the first one kept");
}

static void test_overlong(void)
{
	char long_value[400], cmd[600], *huge = malloc(20000);
	memset(long_value, 'x', sizeof long_value - 1);
	long_value[sizeof long_value - 1] = '\0';
	snprintf(cmd, sizeof cmd, "minroot.shell=/%s minroot.tty=ttyS1", long_value);
	struct options o = parsed(cmd);
	CHECK_STR(o.shell, "", "overlong value ignored, not truncated");
	CHECK_STR(o.problem, "minroot.shell: value too long, ignored", "overlong value explained");
	CHECK_STR(o.tty, "ttyS1", "parsing goes on after an overlong value");

	memset(huge, 'y', 19999);
	huge[19999] = '\0';
	memcpy(huge + 19981, " minroot.tty=ttyS2", 18);
	o = parsed(huge);
	CHECK_STR(o.tty, "ttyS2", "a 20000-byte word is skipped, the next parsed");
	CHECK_INT(o.problems, 1, "the overlong word is one problem");
	free(huge);
}

static void test_dashes(void)
{
	struct options o = parsed("minroot.tty=ttyS1 -- minroot.tty=ttyS2 quiet");
	CHECK_STR(o.tty, "ttyS1", "words after -- are not options");
	CHECK(!o.quiet, "quiet after -- is an argument");
}

static void test_word_splitting(void)
{
	const char *s = "  a \"b c\" d=\"e f\" \"g=h\" --  ";
	const char *want[] = { "a", "b c", "d=e f", "g=h", "--" };
	char w[64];
	bool trunc;
	size_t n = 0;
	bool same = true;
	while (cmdline_next_word(&s, w, sizeof w, &trunc)) {
		same = same && n < 5 && !trunc && !strcmp(w, want[n]);
		n++;
	}
	CHECK(same && n == 5, "words split and unquoted as the kernel does");
	s = "abcdefgh";
	CHECK(cmdline_next_word(&s, w, 4, &trunc) && trunc, "a word too long is flagged");
}

static void test_command_start(void)
{
	char *cmd[] = { "/sbin/init", "sh", "-c", "exit 7", NULL };
	const char *k = "console=ttyS0 rw -- sh -c \"exit 7\"";
	CHECK_INT(command_start(4, cmd, k), 1, "words after -- are the command");

	char *with_bare[] = { "/sbin/init", "single", "sh", "-c", "exit 7", NULL };
	CHECK_INT(command_start(5, with_bare, "single rw -- sh -c \"exit 7\""), 2,
		  "a bare kernel word before -- is not part of the command");

	char *bare_only[] = { "/sbin/init", "single", "emergency", NULL };
	CHECK_INT(command_start(3, bare_only, "console=ttyS0 single nokaslr emergency"), 3,
		  "bare kernel words alone are no command");

	char *none[] = { "/sbin/init", NULL };
	CHECK_INT(command_start(1, none, "rw -- x"), 1, "no arguments: no command");

	char *by_hand[] = { "/sbin/init", "true", NULL };
	CHECK_INT(command_start(2, by_hand, "quiet -- --firecracker-init --addr x"), 1,
		  "argv unlike the command line: all of it is the command");

	char *kv[] = { "/sbin/init", "env", "A=b c", NULL };
	CHECK_INT(command_start(3, kv, "-- env A=\"b c\""), 1, "key=\"value\" after -- matches");
}

static void test_exit_codes(void)
{
	CHECK_INT(exit_code_of(0), 0, "exit 0");
	CHECK_INT(exit_code_of(7 << 8), 7, "exit 7");
	CHECK_INT(exit_code_of(255 << 8), 255, "exit 255");
	CHECK_INT(exit_code_of(SIGKILL), 137, "killed by SIGKILL: 128+9");
	CHECK_INT(exit_code_of(SIGSEGV | 0x80), 139, "SIGSEGV with core dump: 128+11");
}

static void test_throttle(void)
{
	struct throttle t = { 0 };
	bool all = true;
	for (int i = 0; i < 4; i++)
		all = all && respawn_allowed(&t, 1000 + i * 100);
	CHECK(all, "four quick deaths: respawn");
	CHECK(!respawn_allowed(&t, 1500), "fifth death within 10 s: stop");

	struct throttle slow = { 0 };
	all = true;
	for (int i = 0; i < 50; i++)
		all = all && respawn_allowed(&slow, i * 2600LL);
	CHECK(all, "deaths 2.6 s apart never stop respawning");

	struct throttle edge = { 0 };
	for (int i = 0; i < 4; i++)
		respawn_allowed(&edge, i * 2500LL);
	CHECK(respawn_allowed(&edge, 10000), "five deaths spanning exactly 10 s: respawn");
}

static void test_format(void)
{
	char buf[32];
	CHECK_INT(format(buf, sizeof buf, "%s=%d/%u%%", "a", -42, 4000000000u), 17, "length");
	CHECK_STR(buf, "a=-42/4000000000%", "%s %d %u %%");
	format(buf, sizeof buf, "%d", -2147483647 - 1);
	CHECK_STR(buf, "-2147483648", "INT_MIN");
	CHECK_INT(format(buf, 6, "%s", "truncated"), 5, "cut at size-1");
	CHECK_STR(buf, "trunc", "cut output is NUL-terminated");
	const char *volatile missing = NULL; /* volatile: hide the NULL from the compiler */
	format(buf, sizeof buf, "%s", missing);
	CHECK_STR(buf, "(null)", "NULL string");
}


/* Parses text (copied: the parser cuts it) into at most 8 entries. */
struct parsed_inittab {
	char text[1024];
	struct inittab_entry e[8];
	int n;
};

static void parse_inittab(struct parsed_inittab *p, const char *text)
{
	char *rest = p->text;
	unsigned line = 0;
	snprintf(p->text, sizeof p->text, "%s", text);
	p->n = 0;
	while (p->n < 8 && inittab_next(&rest, &line, &p->e[p->n]))
		p->n++;
}

static void test_inittab_buildroot(void)
{
	static struct parsed_inittab p;
	parse_inittab(&p, "# Startup the system\n"
			  "::sysinit:/bin/mount -t proc proc /proc\n"
			  "null::sysinit:/bin/ln -sf /proc/self/fd /dev/fd\n"
			  "\n"
			  "console::respawn:/sbin/getty -L  console 0 vt100 # GENERIC_SERIAL\n"
			  "::shutdown:/etc/init.d/rcK");
	CHECK_INT(p.n, 4, "Buildroot's inittab: 4 entries, comments and blank lines skipped");
	CHECK_INT(p.e[0].action, RC_SYSINIT, "sysinit");
	CHECK_STR(p.e[0].tty, "", "an empty tty field is the console");
	CHECK_STR(p.e[0].command, "/bin/mount -t proc proc /proc", "the command, blanks kept");
	CHECK_INT(p.e[0].line, 2, "line numbers count comments");
	CHECK_STR(p.e[1].tty, "null", "a tty field");
	CHECK_INT(p.e[2].action, RC_RESPAWN, "respawn");
	CHECK_STR(p.e[2].command, "/sbin/getty -L  console 0 vt100",
		  "a trailing comment and the blanks before it are dropped");
	CHECK_INT(p.e[2].line, 5, "line numbers count blank lines");
	CHECK_INT(p.e[3].action, RC_SHUTDOWN, "shutdown");
	CHECK_STR(p.e[3].command, "/etc/init.d/rcK", "the last line without a newline");
}

static void test_inittab_actions(void)
{
	static const char *const names[] = { "sysinit", "wait", "once", "respawn", "askfirst",
					     "shutdown", "ctrlaltdel", "restart" };
	for (enum rc_action a = RC_SYSINIT; a < RC_BAD; a++) {
		static struct parsed_inittab p;
		char line[64];
		snprintf(line, sizeof line, "tty2:345:%s:cmd", names[a]);
		parse_inittab(&p, line);
		CHECK(p.n == 1 && p.e[0].action == a && !strcmp(p.e[0].command, "cmd") &&
			      !strcmp(p.e[0].tty, "tty2"),
		      names[a]);
		CHECK_STR(rc_action_name(a), names[a], "rc_action_name");
	}
}

static void test_inittab_odd_lines(void)
{
	static struct parsed_inittab p;
	parse_inittab(&p, "  \t::wait:echo a:b:c  \r\n"
			  "::sysinit:   \n"
			  "::sysinit\n"
			  "tty1::bogus:/bin/true\n"
			  "::SYSINIT:x\n"
			  "::sysinit :x\n"
			  "::once:-/bin/sh\n"
			  "#::sysinit:commented out\n"
			  "   # indented comment\n");
	CHECK_INT(p.n, 7, "7 lines that are not comments or blank");
	CHECK_INT(p.e[0].action, RC_WAIT, "leading blanks are skipped");
	CHECK_STR(p.e[0].command, "echo a:b:c", "colons in the command; trailing blanks and CR dropped");
	CHECK_INT(p.e[1].action, RC_BAD, "an empty command is a bad line");
	CHECK_STR(p.e[1].command, "::sysinit:", "a bad line comes back whole, for the report");
	CHECK_INT(p.e[2].action, RC_BAD, "three fields are a bad line");
	CHECK_STR(p.e[2].command, "::sysinit", "... whole");
	CHECK_INT(p.e[3].action, RC_BAD, "an unknown action is a bad line");
	CHECK_STR(p.e[3].command, "tty1::bogus:/bin/true", "... whole, colons kept");
	CHECK_INT(p.e[4].action, RC_BAD, "actions are lower case");
	CHECK_INT(p.e[5].action, RC_BAD, "no blanks around the action");
	CHECK_STR(p.e[6].command, "-/bin/sh", "busybox's '-' is kept for the caller");
	CHECK_INT(p.e[6].line, 7, "line 7");
	parse_inittab(&p, "");
	CHECK_INT(p.n, 0, "an empty inittab");
	parse_inittab(&p, "\n\n# only comments\n");
	CHECK_INT(p.n, 0, "only comments");
}

int main(void)
{
	test_defaults();
	test_each_option();
	test_quotes();
	test_bad_input();
	test_overlong();
	test_dashes();
	test_word_splitting();
	test_command_start();
	test_exit_codes();
	test_throttle();
	test_format();
	test_inittab_buildroot();
	test_inittab_actions();
	test_inittab_odd_lines();
	return check_exit();
}
