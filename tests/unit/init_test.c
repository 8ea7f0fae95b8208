/* Unit tests of the init's pure logic: command-line parsing, the command
 * after " -- ", exit status codes, the respawn throttle, the formatter,
 * the inittab parser. */
#include "check.h"
#include "format.h"
#include "moddep.h"
#include "inittab.h"
#include "options.h"
#include "policy.h"
#include "request.h"
#include "status.h"

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

static void test_environment_options(void)
{
	struct options o = parsed("console=ttyS0");
	CHECK_INT(o.timeout_s, 0, "no minroot.timeout: no limit");
	CHECK_STR(o.term, "", "no minroot.term: the kernel's TERM");
	CHECK(o.rows == 0 && o.cols == 0, "no minroot.size: the window size is left alone");
	CHECK_INT(o.kernel_fs, KFS_ALL, "no minroot.mounts: every kernel filesystem");
	CHECK_STR(o.net, "", "no minroot.net: only lo");

	o = parsed("minroot.timeout=30 minroot.term=xterm-256color minroot.size=50x200 "
		   "minroot.mounts=tracefs,debugfs minroot.net=eth0");
	CHECK_INT(o.problems, 0, "all valid: no problem");
	CHECK_INT(o.timeout_s, 30, "minroot.timeout=30");
	CHECK_STR(o.term, "xterm-256color", "minroot.term");
	CHECK(o.rows == 50 && o.cols == 200, "minroot.size=50x200: rows, then columns");
	CHECK_INT(o.kernel_fs, (1u << KFS_TRACEFS) | (1u << KFS_DEBUGFS), "minroot.mounts list");
	CHECK_STR(o.net, "eth0", "minroot.net");

	CHECK_INT(parsed("minroot.mounts=none").kernel_fs, 0, "minroot.mounts=none");
	CHECK_INT(parsed("minroot.mounts=none minroot.mounts=all").kernel_fs, KFS_ALL,
		  "minroot.mounts=all, the last word wins");
	CHECK_INT(parsed("minroot.mounts=debugfs,tracefs,cgroup2,bpf,securityfs,pstore,configfs")
			  .kernel_fs, KFS_ALL, "every name of minroot.mounts");
	CHECK_INT(parsed("minroot.mounts=bpf").kernel_fs, 1u << KFS_BPF, "one name");
	CHECK_INT(parsed("minroot.timeout=0 minroot.timeout=31536000").timeout_s, 31536000,
		  "minroot.timeout at its maximum");
	CHECK_INT(parsed("minroot.timeout=5 minroot.timeout=0").timeout_s, 0,
		  "minroot.timeout=0 turns it off");
	o = parsed("minroot.size=65535x1");
	CHECK(o.rows == 65535 && o.cols == 1, "minroot.size at its limits");
}

static void test_bad_environment_options(void)
{
	static const struct {
		const char *word, *problem;
	} bad[] = {
		{ "minroot.timeout=-1", "minroot.timeout=-1: not a number of seconds (0 = none)" },
		{ "minroot.timeout=10s", "minroot.timeout=10s: not a number of seconds (0 = none)" },
		{ "minroot.timeout=31536001",
		  "minroot.timeout=31536001: not a number of seconds (0 = none)" },
		{ "minroot.timeout=", "minroot.timeout=: not a number of seconds (0 = none)" },
		{ "minroot.size=50", "minroot.size=50: not ROWSxCOLS (e.g. 50x200)" },
		{ "minroot.size=50x", "minroot.size=50x: not ROWSxCOLS (e.g. 50x200)" },
		{ "minroot.size=x200", "minroot.size=x200: not ROWSxCOLS (e.g. 50x200)" },
		{ "minroot.size=0x200", "minroot.size=0x200: not ROWSxCOLS (e.g. 50x200)" },
		{ "minroot.size=50x0", "minroot.size=50x0: not ROWSxCOLS (e.g. 50x200)" },
		{ "minroot.size=50X200", "minroot.size=50X200: not ROWSxCOLS (e.g. 50x200)" },
		{ "minroot.size=50x200x3", "minroot.size=50x200x3: not ROWSxCOLS (e.g. 50x200)" },
		{ "minroot.size=65536x80", "minroot.size=65536x80: not ROWSxCOLS (e.g. 50x200)" },
		{ "minroot.mounts=sysfs", "minroot.mounts=sysfs: not all, none or a list of "
		  "debugfs,tracefs,cgroup2,bpf,securityfs,pstore,configfs" },
		{ "minroot.mounts=debugfs,", "minroot.mounts=debugfs,: not all, none or a list of "
		  "debugfs,tracefs,cgroup2,bpf,securityfs,pstore,configfs" },
		{ "minroot.mounts=debugfs,,bpf", "minroot.mounts=debugfs,,bpf: not all, none or a "
		  "list of debugfs,tracefs,cgroup2,bpf,securityfs,pstore,configfs" },
		{ "minroot.mounts=debug", "minroot.mounts=debug: not all, none or a list of "
		  "debugfs,tracefs,cgroup2,bpf,securityfs,pstore,configfs" },
		{ "minroot.mounts=", "minroot.mounts=: not all, none or a list of "
		  "debugfs,tracefs,cgroup2,bpf,securityfs,pstore,configfs" },
		{ "minroot.term=", "minroot.term=: empty value, ignored" },
		{ "minroot.net=", "minroot.net=: empty value, ignored" },
		{ "minroot.net=a-name-of-16chars", "minroot.net: value too long, ignored" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char cmd[200];
		snprintf(cmd, sizeof cmd, "minroot.timeout=7 minroot.size=24x80 minroot.term=vt100 "
			 "minroot.mounts=bpf minroot.net=eth1 %s", bad[i].word);
		struct options o = parsed(cmd);
		CHECK_STR(o.problem, bad[i].problem, bad[i].word);
		CHECK(o.problems == 1 && o.timeout_s == 7 && o.rows == 24 && o.cols == 80 &&
			      !strcmp(o.term, "vt100") && o.kernel_fs == 1u << KFS_BPF &&
			      !strcmp(o.net, "eth1"),
		      "a bad value leaves the earlier one");
	}
	CHECK_STR(parsed("minroot.net=fifteen-chars-x").net, "fifteen-chars-x",
		  "an interface name of 15 characters (IFNAMSIZ - 1)");
}

static void test_status_line(void)
{
	char line[STATUS_LINE_MAX];
	CHECK_INT(format_status_line(line, sizeof line, 0, 0, 0), 20, "untainted: length");
	CHECK_STR(line, "init: exit status 0\n", "untainted: the line as it always was");
	format_status_line(line, sizeof line, 137, 0, 1u << 9);
	CHECK_STR(line, "init: exit status 137 taint=W new=W\n", "a warning during the command");
	format_status_line(line, sizeof line, 3, 1u << 12 | 1u << 13, 1u << 12 | 1u << 13);
	CHECK_STR(line, "init: exit status 3 taint=OE\n", "tainted before, nothing new");
	format_status_line(line, sizeof line, 1, 1u << 12 | 1u << 13, 1u << 7 | 1u << 9 | 1u << 12 | 1u << 13);
	CHECK_STR(line, "init: exit status 1 taint=DWOE new=DW\n", "letters in the kernel's order");
	format_status_line(line, sizeof line, 0, 0, (1ul << 19) - 1);
	CHECK_STR(line, "init: exit status 0 taint=PFSRMBUDAWCIOELKXTN new=PFSRMBUDAWCIOELKXTN\n",
		  "every flag: bit 0 is P, bit 18 is N");
	format_status_line(line, sizeof line, 0, 0, 1ul << 19 | 1ul << 30);
	CHECK_STR(line, "init: exit status 0\n", "flags without a letter are left out");
	CHECK_INT(format_status_line(line, 10, 0, 0, 1), 9, "a short buffer: cut, NUL-terminated");
	CHECK_INT(parse_decimal("4608\n"), 4608, "parse /proc/sys/kernel/tainted");
	CHECK_INT(parse_decimal(""), 0, "empty: untainted");
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

static void test_root_options(void)
{
	struct options o = parsed("console=ttyS0 root=/dev/nvme0n1 rw quiet");
	CHECK_STR(o.root.root, "/dev/nvme0n1", "root=");
	CHECK(!o.root.read_only, "rw");
	CHECK_INT(o.root.wait_s, 10, "minroot.rootwait defaults to 10 s");
	CHECK_STR(o.root.init, "", "no init=: the default");
	CHECK(parsed("root=/dev/sda").root.read_only, "neither ro nor rw: read-only, as the kernel");
	CHECK(parsed("rw ro").root.read_only, "the last of ro and rw wins");
	o = parsed("root=UUID=0123abcd-89ab-cdef-0123-456789abcdef rootfstype=ext4 "
		   "rootflags=data=journal init=/bin/sh minroot.rootwait=3");
	CHECK_STR(o.root.fstype, "ext4", "rootfstype=");
	CHECK_STR(o.root.flags, "data=journal", "rootflags= keeps the '=' of its value");
	CHECK_STR(o.root.init, "/bin/sh", "init=");
	CHECK_INT(o.root.wait_s, 3, "minroot.rootwait=3");
	CHECK_INT(o.problems, 0, "all root options valid: no problem");
	o = parsed("minroot.rootwait=soon");
	CHECK_INT(o.root.wait_s, 10, "a bad minroot.rootwait keeps the default");
	CHECK_STR(o.problem, "minroot.rootwait=soon: not a number of seconds (0..3600)",
		  "... and says why");
	CHECK_INT(parsed("minroot.rootwait=3601").problems, 1, "minroot.rootwait over an hour is refused");
	CHECK_INT(parsed("minroot.rootwait=0").root.wait_s, 0, "minroot.rootwait=0: look once");
	CHECK_STR(parsed("root=/dev/sda -- root=/dev/vda").root.root, "/dev/sda",
		  "root= after \" -- \" belongs to the command");

	const char *what;
	CHECK_INT(root_kind_of("", &what), ROOT_NONE, "no root=");
	CHECK_INT(root_kind_of("/dev/vda", &what), ROOT_DEVICE, "root=/dev/vda is a device");
	CHECK_STR(what, "/dev/vda", "... named by its path");
	CHECK_INT(root_kind_of("nvme0n1", &what), ROOT_DEVICE, "root=nvme0n1 is a device under /dev");
	CHECK_INT(root_kind_of("UUID=0123abcd-89ab-cdef-0123-456789abcdef", &what), ROOT_UUID,
		  "root=UUID=...");
	CHECK_STR(what, "0123abcd-89ab-cdef-0123-456789abcdef", "... the UUID itself");
	CHECK_INT(root_kind_of("UUID=0123", &what), ROOT_UNSUPPORTED, "a short UUID is refused");
	CHECK_INT(root_kind_of("PARTUUID=00-01", &what), ROOT_UNSUPPORTED, "PARTUUID= is not read");
	CHECK_INT(root_kind_of("8:0", &what), ROOT_UNSUPPORTED, "major:minor is not read");
}

static const char dep_text[] =
	"kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/mbcache.ko kernel/fs/jbd2/jbd2.ko\n"
	"kernel/fs/jbd2/jbd2.ko:\n"
	"kernel/arch/x86/crypto/crc32c-intel.ko:\n"
	"kernel/crypto/crc32c_generic.ko:\n"
	"bogus line without a colon\n"
	"kernel/lib/crc16.ko:";
static const char softdep_text[] =
	"# Soft dependencies extracted from modules themselves.\n"
	"softdep cifs gcm\n"
	"softdep crc_t10dif pre: crct10dif\n"
	"softdep ext4 pre: crypto-crc32c post: crc16\n"
	"softdep ext4 pre: mbcache\n";
static const char alias_text[] =
	"alias crypto-crc32c-intel crc32c_intel\n"
	"alias crypto-crc32c crc32c_intel\n"
	"alias crypto-crc32c crc32c_generic\n"
	"alias crc32c crc32c_generic\n";

static void test_moddep(void)
{
	struct span path, deps, word;
	char name[64], buf[64];

	module_name((struct span){ "kernel/arch/x86/crypto/crc32c-intel.ko", 38 }, name, sizeof name);
	CHECK_STR(name, "crc32c_intel", "a module's name: its file's, '-' read as '_'");
	module_name((struct span){ "ext4.ko", 7 }, name, sizeof name);
	CHECK_STR(name, "ext4", "a name without a directory");

	CHECK(moddep_find(dep_text, "ext4", &path, &deps), "modules.dep: ext4 found");
	span_copy(path, buf, sizeof buf);
	CHECK_STR(buf, "kernel/fs/ext4/ext4.ko", "... its path");
	int n = 0;
	while (span_next_word(&deps, &word))
		n++;
	CHECK_INT(n, 3, "... its three dependencies");
	CHECK(moddep_find(dep_text, "crc32c-intel", &path, &deps), "'-' and '_' alike in names");
	CHECK(moddep_find(dep_text, "crc16", &path, &deps), "the last line, without a newline");
	CHECK(!moddep_find(dep_text, "ext", &path, &deps), "no match on a prefix of a name");
	CHECK(!moddep_find(dep_text, "bogus", &path, &deps), "a line without ':' is skipped");
	const char *cursor = dep_text;
	n = 0;
	while (moddep_next(&cursor, &path, &deps))
		n++;
	CHECK_INT(n, 5, "modules.dep: every module line in turn");
	CHECK(!moddep_find("", "ext4", &path, &deps), "an empty modules.dep");

	cursor = softdep_text;
	CHECK(softdep_next_pre(&cursor, "ext4", &word), "softdep: ext4 has pre: names");
	span_copy(word, buf, sizeof buf);
	CHECK_STR(buf, "crypto-crc32c", "... only those before post:");
	CHECK(softdep_next_pre(&cursor, "ext4", &word), "... and a second line for ext4");
	span_copy(word, buf, sizeof buf);
	CHECK_STR(buf, "mbcache", "... read too");
	CHECK(!softdep_next_pre(&cursor, "ext4", &word), "... then no more");
	cursor = softdep_text;
	CHECK(!softdep_next_pre(&cursor, "cifs", &word), "a softdep line without pre: gives none");
	cursor = softdep_text;
	CHECK(softdep_next_pre(&cursor, "crc-t10dif", &word), "softdep names: '-' and '_' alike");

	cursor = alias_text;
	CHECK(alias_next(&cursor, "crypto-crc32c", &word), "alias: the first module");
	span_copy(word, buf, sizeof buf);
	CHECK_STR(buf, "crc32c_intel", "... crc32c_intel");
	CHECK(alias_next(&cursor, "crypto-crc32c", &word), "alias: the second module");
	span_copy(word, buf, sizeof buf);
	CHECK_STR(buf, "crc32c_generic", "... crc32c_generic");
	CHECK(!alias_next(&cursor, "crypto-crc32c", &word), "... and no third");
	cursor = alias_text;
	CHECK(!alias_next(&cursor, "crypto", &word), "an alias matches whole, not by prefix");

	/* CPU features: the modalias of a CPU with SSE 4.2 (0094) and one without. */
	const char *cpu_aliases = "alias cpu:type:x86,ven*fam*mod*:feature:*0094* crc32c_intel\n"
				  "alias crypto-crc32c crc32c_intel\n"
				  "alias cpu:type:x86,ven*fam*mod*:feature:*0099* crct10dif_pclmul\n"
				  "alias cpu:type:x86,ven*fam*mod*:feature:*0020* crct10dif_pclmul\n";
	const char *sse42 = "cpu:type:x86,ven0000fam0006mod003F:feature:,0000,0001,0094,00A0\n";
	const char *plain = "cpu:type:x86,ven0000fam0006mod0006:feature:,0000,0001,0020,0065\n";
	CHECK(!lacks_cpu_features(cpu_aliases, "crc32c_intel", sse42), "a CPU with the feature loads the module");
	CHECK(lacks_cpu_features(cpu_aliases, "crc32c_intel", plain), "a CPU without it does not");
	CHECK(!lacks_cpu_features(cpu_aliases, "crct10dif_pclmul", plain), "one of two cpu aliases is enough");
	CHECK(lacks_cpu_features(cpu_aliases, "crct10dif-pclmul", sse42), "... names with '-' or '_' alike");
	CHECK(!lacks_cpu_features(cpu_aliases, "crc32c_generic", plain), "a module without cpu aliases is for every CPU");
	CHECK(glob_matches((struct span){ "a*b*c", 5 }, "axxbyyc"), "glob: stars");
	CHECK(glob_matches((struct span){ "*ab", 3 }, "aab"), "glob: a star takes back what it must");
	CHECK(!glob_matches((struct span){ "a*b", 3 }, "axxbc"), "glob: the end must match");
	CHECK(glob_matches((struct span){ "**", 2 }, ""), "glob: stars match nothing too");
	CHECK(!glob_matches((struct span){ "abc", 3 }, "ab"), "glob: a shorter text");
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

/* parse_request: a payload as run-qemu writes it (strings, each ending in NUL). */
static const char *parse_request(char *buf, size_t len, struct request *rq)
{
	static char *slots[64];
	return request_parse(buf, len, rq, slots, 64);
}

static void test_request(void)
{
	struct request rq;
	char ok_payload[] = "arg\0sh\0arg\0-c\0arg\0echo \"a b\"\0arg\0\0opt\0minroot.timeout=5\0"
			    "mount\0ro\0u-1\0lib/modules\0/lib/modules\0file\0/run/x\0#!/bin/sh\n\0stdin\0rawout";
	CHECK(parse_request(ok_payload, sizeof ok_payload, &rq) == NULL, "request: a full payload parses");
	CHECK_INT(rq.argc, 4, "... four arguments, the empty one included");
	CHECK_STR(rq.argv[2], "echo \"a b\"", "... quotes and blanks kept");
	CHECK_STR(rq.argv[3], "", "... the empty argument kept");
	CHECK(rq.argv[4] == NULL, "... argv ends with NULL");
	CHECK_STR(rq.opts[0], "minroot.timeout=5", "... the option word");
	CHECK(rq.opts[1] == NULL, "... opts end with NULL");
	CHECK_INT(rq.nmounts, 1, "... one mount");
	CHECK(rq.mounts[0].readonly, "... read-only");
	CHECK_STR(rq.mounts[0].subdir, "lib/modules", "... its subdir");
	CHECK_STR(rq.mounts[0].dir, "/lib/modules", "... its directory");
	CHECK_STR(rq.file, "/run/x", "... the file's path");
	CHECK_STR(rq.file_content, "#!/bin/sh\n", "... and content");
	CHECK(rq.stdin_follows && rq.raw_output, "... stdin follows, output raw");

	char empty[] = "";
	CHECK(parse_request(empty, 0, &rq) == NULL && rq.argc == 0 && rq.argv[0] == NULL,
	      "request: an empty payload is a shell, no command");
	/* Payloads the parser refuses (it cuts them, so each is copied first);
	 * the length leaves out the literal's own final NUL. */
	static const struct {
		const char *payload;
		size_t len;
		const char *what;
	} refused[] = {
		{ "arg\0x", 5, "request: a payload not ending in NUL is refused" },
		{ "bogus\0", 6, "request: an unknown record is refused" },
		{ "mount\0ro\0u\0", 11, "request: a mount record cut short is refused" },
		{ "mount\0rx\0u\0\0/d\0", 15, "request: mount flags other than ro/rw are refused" },
		{ "mount\0rw\0u\0\0d\0", 14, "request: a relative mount directory is refused" },
		{ "arg\0", 4, "request: an arg record without its value is refused" },
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		char copy[32];
		memcpy(copy, refused[i].payload, refused[i].len);
		CHECK(parse_request(copy, refused[i].len, &rq) != NULL, refused[i].what);
	}
	static char many[64 * 8];
	size_t n = 0;
	for (int i = 0; i < 40; i++) {
		memcpy(many + n, "arg\0x", 6);
		n += 6;
	}
	CHECK(parse_request(many, n, &rq) != NULL, "request: more arguments than slots are refused, not overrun");
	unsigned char le[] = { 0x78, 0x56, 0x34, 0x12 };
	CHECK(le32(le) == 0x12345678u, "le32 reads little-endian");
}

int main(void)
{
	test_request();
	test_root_options();
	test_moddep();
	test_defaults();
	test_each_option();
	test_quotes();
	test_bad_input();
	test_overlong();
	test_dashes();
	test_word_splitting();
	test_command_start();
	test_environment_options();
	test_bad_environment_options();
	test_status_line();
	test_exit_codes();
	test_throttle();
	test_format();
	test_inittab_buildroot();
	test_inittab_actions();
	test_inittab_odd_lines();
	return check_exit();
}
