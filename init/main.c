/* minroot init: what a Linux PID 1 must do, as a list of steps.
 *
 * PID 1 blocks every signal and takes them one at a time with sigwaitinfo():
 * no handler ever runs in the middle of its work, and the kernel delivers to
 * PID 1 only the signals it handles or waits for. It never exits: the kernel
 * panics if it does. Every failure is reported and, where nothing can go on,
 * ends in an orderly power-off. */
#include "init.h"
#include "format.h"
#include "status.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#ifndef MINROOT_VERSION
#define MINROOT_VERSION "unknown"
#endif

#define NUM_DEFAULT_SHELLS 3

struct init {
	struct options opt;
	char tty[OPT_PATH_MAX];  /* the shell's controlling terminal, "" = inherit */
	char *const *command;    /* command mode: argv to run; NULL = a shell */
	pid_t child;
	int channel;             /* the command channel's fd, -1 = none */
	int stdin_fd;            /* the command's stdin from the channel, -1 = the tty */
	struct request request;  /* what came on the channel */
	struct relay relay;      /* the channel's relay child */
	unsigned long taint_before; /* the kernel's taint when the command started */
	struct throttle throttle;
	sigset_t all;
};

/* busybox's poweroff, halt and reboot applets signal PID 1 these ways. */
static const struct {
	int sig;
	enum action action;
} shutdown_signals[] = {
	{ SIGUSR2, ACTION_POWEROFF }, { SIGPWR, ACTION_POWEROFF }, { SIGUSR1, ACTION_HALT },
	{ SIGTERM, ACTION_REBOOT },   { SIGINT, ACTION_REBOOT }, /* Ctrl-Alt-Del */
};

static const char usage[] =
	"Usage: init [COMMAND [ARG...]]\n"
	"minroot's PID 1, run by the kernel: mounts, a shell on the console as its\n"
	"controlling terminal (or COMMAND, then \"init: exit status N\"), reaping, a\n"
	"clean shutdown. Options from /proc/cmdline: minroot.{tty,shell,onexit,grace,\n"
	"status,channel,timeout,term,size,mounts,net,rc,rootwait} quiet; see init(8).\n";

/* Only meaningful when not PID 1: as PID 1, every argument is the command. */
static int run_by_hand(int argc, char **argv)
{
	static const char version[] = "minroot init " MINROOT_VERSION "\n";
	if (argc == 2 && !strcmp(argv[1], "--help"))
		return write(STDOUT_FILENO, usage, sizeof usage - 1) < 0;
	if (argc == 2 && !strcmp(argv[1], "--version"))
		return write(STDOUT_FILENO, version, sizeof version - 1) < 0;
	char msg[160];
	size_t n = format(msg, sizeof msg, "init: must be run as PID 1 by the kernel "
			  "(this is PID %d); see init --help\n", (int)getpid());
	if (write(STDERR_FILENO, msg, n) < 0) {
	}
	return 1;
}

/* An ignored signal stays ignored across exec: when init is started by
 * something other than the kernel (a container, a test), its children must
 * not inherit that. The raw system call, because musl's signal() brings in
 * its handler trampolines (3 KiB) to set nothing but SIG_DFL. SIGKILL and
 * SIGSTOP refuse, harmlessly. */
static void reset_signal_dispositions(void)
{
	struct {
		void (*handler)(int);
		unsigned long flags;
		void (*restorer)(void);
		unsigned long mask[8 / sizeof(unsigned long)]; /* the kernel's 64 signals, on 32-bit too */
	} dfl = { SIG_DFL, 0, NULL, { 0 } };
	for (int sig = 1; sig < NSIG; sig++)
		syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask);
}

/* Once the kernel log is open, so that dmesg keeps the complaint too. */
static void report_option_problems(const struct options *o)
{
	if (o->problems)
		complain("kernel command line: %s%s", o->problem, o->problems > 1 ? " (and more)" : "");
}

static void read_options(struct init *in, int argc, char **argv)
{
	static char cmdline[4096];
	options_init(&in->opt);
	if (!read_small_file("/proc/cmdline", cmdline, sizeof cmdline))
		*cmdline = '\0';
	options_parse(&in->opt, cmdline);
	log_set_quiet(in->opt.quiet);
	int start = command_start(argc, argv, cmdline);
	in->command = start < argc ? argv + start : NULL;
}

/* The result line, on the console and on the status device if one is set:
 * a channel nothing else writes to, so a host can read it reliably. */
static _Noreturn void finish_command(struct init *in, int code)
{
	char line[STATUS_LINE_MAX];
	size_t len = format_status_line(line, sizeof line, code, in->taint_before,
					read_kernel_taint());
	/* The command's last output reached the host before this: its
	 * session leader drained the terminal (leader.c). */
	if (write(STDERR_FILENO, line, len) < 0) {
	}
	if (in->channel >= 0) {
		channel_stop_relay(&in->relay);
		channel_send_status(in->channel, line, len);
	}
	if (*in->opt.status) {
		char path[OPT_PATH_MAX];
		device_path(in->opt.status, path, sizeof path);
		int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (fd < 0 || write(fd, line, len) != (ssize_t)len)
			complain_errno("write the exit status to %s", path);
		if (fd >= 0) {
			tcdrain(fd);
			close(fd);
		}
	}
	if (MINROOT_DEMO_NO_NEVER_EXIT)
		_exit(code);
	shut_down(ACTION_POWEROFF, in->opt.grace_ms);
}

static void start_command(struct init *in)
{
	int err;
	struct program prog = { in->command[0], in->command, true, true };
	in->taint_before = read_kernel_taint();
	in->child = spawn_child(in->tty, in->stdin_fd, &prog, 1, &err);
	if (in->child < 0) {
		errno = err;
		complain_errno("error: cannot run %s", in->command[0]);
		finish_command(in, err == ENOENT ? 127 : 126);
	}
	arm_command_timeout(in->opt.timeout_s);
}

/* minroot.timeout's SIGALRM: the command is stopped, unless it ended just now. */
static void command_timed_out(struct init *in)
{
	int status = 0; /* stop_command sets it when it returns false: gcc -flto cannot see that */
	if (!stop_command(in->child, in->opt.grace_ms, &status))
		finish_command(in, exit_code_of(status));
	complain("timed out after %u s", in->opt.timeout_s);
	finish_command(in, 124);
}

/* Login shells are named "-sh": busybox strips the dash to find the applet. */
static void start_shell(struct init *in)
{
	static char login_name[OPT_PATH_MAX + 1];
	char *const *dash_sh = (char *const[]){ "-sh", NULL };
	char *const *custom = (char *const[]){ login_name, NULL };
	const struct program defaults[NUM_DEFAULT_SHELLS] = {
		{ "/bin/sh", dash_sh, false, false },
		{ "/bin/busybox", dash_sh, false, false },
		{ "/busybox", dash_sh, false, false },
	};
	struct program chosen = { in->opt.shell, custom, false, false };
	const struct program *progs = *in->opt.shell ? &chosen : defaults;
	int n = *in->opt.shell ? 1 : NUM_DEFAULT_SHELLS, errs[NUM_DEFAULT_SHELLS];
	if (*in->opt.shell) {
		const char *base = strrchr(in->opt.shell, '/');
		format(login_name, sizeof login_name, "-%s", base ? base + 1 : in->opt.shell);
	}
	in->child = spawn_child(in->tty, -1, progs, n, errs);
	if (in->child > 0) {
		say("started a shell on %s", *in->tty ? in->tty : "init's stdin");
		return;
	}
	char why[512] = "";
	for (int i = 0; i < n; i++)
		format(why + strlen(why), sizeof why - strlen(why), "%s%s: %s", i ? "; " : "",
			 progs[i].path, strerror(errs[i]));
	complain("error: no shell could be started (%s)", why);
	shut_down(ACTION_POWEROFF, in->opt.grace_ms);
}

/* run-qemu's request: its words count as if on the kernel command line,
 * and its argv, when there is one, is the command. */
static void read_channel_request(struct init *in)
{
	if (!*in->opt.channel || (in->channel = channel_open(in->opt.channel)) < 0)
		return;
	if (!channel_read_request(in->channel, &in->request))
		return;
	for (char **w = in->request.opts; *w; w++)
		options_parse(&in->opt, *w);
	if (in->request.file)
		write_requested_file(in->request.file, in->request.file_content);
	if (in->request.argc > 0)
		in->command = in->request.argv;
}

/* After the terminal is known: the relay of stdin and window sizes. */
static void connect_channel_to_terminal(struct init *in)
{
	if (in->channel < 0)
		return;
	if (in->request.raw_output && *in->tty)
		disable_output_crlf(in->tty);
	in->stdin_fd = channel_start_relay(in->channel, in->tty, in->request.stdin_follows, &in->relay);
}

static void start_child(struct init *in)
{
	if (in->command)
		start_command(in);
	else
		start_shell(in);
}

static enum action action_for(enum onexit e)
{
	return e == ONEXIT_REBOOT ? ACTION_REBOOT : e == ONEXIT_HALT ? ACTION_HALT : ACTION_POWEROFF;
}

static void child_ended(struct init *in, int wait_status)
{
	int code = exit_code_of(wait_status);
	if (in->command)
		finish_command(in, code);
	say("the shell ended with status %d (minroot.onexit=%s)", code, onexit_name(in->opt.onexit));
	if (in->opt.onexit != ONEXIT_RESPAWN)
		shut_down(action_for(in->opt.onexit), in->opt.grace_ms);
	if (!respawn_allowed(&in->throttle, monotonic_ms())) {
		complain("error: the shell ended %d times within %d s; powering off instead of "
			 "respawning it", RESPAWN_LIMIT, RESPAWN_WINDOW_MS / 1000);
		shut_down(ACTION_POWEROFF, in->opt.grace_ms);
	}
	start_child(in);
}

static void handle_signal(struct init *in, int sig)
{
	int status;
	if (sig == SIGCHLD) {
		if (reap_children(in->child, &status, respawn_inittab_process))
			child_ended(in, status);
		return;
	}
	if (sig == SIGALRM && in->command)
		command_timed_out(in);
	for (size_t i = 0; !MINROOT_DEMO_NO_SIGNALS && i < sizeof shutdown_signals / sizeof shutdown_signals[0]; i++) {
		if (shutdown_signals[i].sig == sig) {
			say("signal %d received", sig);
			shut_down(shutdown_signals[i].action, in->opt.grace_ms);
		}
	}
	/* Any other signal is deliberately ignored. */
}

int main(int argc, char **argv)
{
	if (getpid() != 1)
		return run_by_hand(argc, argv);

	struct init in = { .child = -1, .channel = -1, .stdin_fd = -1 };
	sigfillset(&in.all);
	sigprocmask(SIG_BLOCK, &in.all, NULL);
	reset_signal_dispositions();
	/* Ctrl-Alt-Del then arrives as SIGINT instead of an instant reboot. */
	reboot(RB_DISABLE_CAD);

	if (!MINROOT_DEMO_NO_PROC)
		mount_proc();
	read_options(&in, argc, argv);
	mount_sys_and_dev();
	ensure_device_nodes();
	if (!MINROOT_DEMO_NO_CONSOLE)
		ensure_console_fds();
	log_open_kmsg();
	report_option_problems(&in.opt);
	if (is_stage1(&in.opt))
		run_stage1(&in.opt, argv);
	if (!MINROOT_DEMO_NO_DEVPTS)
		mount_dev_subdirs();
	umask(022);
	set_hostname();
	read_channel_request(&in);
	mount_requested_disks(&in.request);
	mount_kernel_filesystems(in.opt.kernel_fs);
	if (!MINROOT_DEMO_NO_LO)
		set_up_network(in.opt.net);
	if (!MINROOT_DEMO_NO_ENVIRONMENT)
		set_environment(in.command ? NULL : *in.opt.shell ? in.opt.shell : "/bin/sh", in.opt.term);
	find_console_tty(&in.opt, in.tty, sizeof in.tty);
	hold_terminal(in.tty);
	set_console_size(in.tty, in.opt.rows, in.opt.cols);
	connect_channel_to_terminal(&in);
	run_boot_scripts(&in.opt, in.tty);
	start_child(&in);

	for (;;) {
		int sig = sigwaitinfo(&in.all, NULL);
		if (sig > 0)
			handle_signal(&in, sig);
	}
}
