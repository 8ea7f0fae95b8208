/* Starting PID 1's one child and reaping every process that ends. */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* In a child of PID 1: the signals init blocks must not stay blocked, and
 * the child starts a session of its own. */
void leave_pid1_state(void)
{
	sigset_t none;
	sigemptyset(&none);
	if (!MINROOT_DEMO_NO_SIGMASK)
		sigprocmask(SIG_SETMASK, &none, NULL);
	setsid();
}

/* Runs in the child: it must leave PID 1's state behind (signals blocked,
 * no session) and get the terminal before running the program. Exec
 * failures go back to PID 1 through report_fd, which exec closes. */
static _Noreturn void run_child(const char *tty, int stdin_fd, const struct program *progs,
				int n, int report_fd)
{
	leave_pid1_state();
	if (*tty && !MINROOT_DEMO_NO_CTTY && attach_controlling_tty(tty) < 0)
		complain_errno("%s as controlling terminal, no job control", tty);
	if (stdin_fd >= 0 && dup2(stdin_fd, STDIN_FILENO) < 0)
		complain_errno("the command's stdin from the command channel");
	if (progs[0].led)
		lead_command_session(report_fd);
	int err = ENOENT;
	for (int i = 0; i < n; i++) {
		if (progs[i].search)
			execvp(progs[i].path, progs[i].argv);
		else
			execv(progs[i].path, progs[i].argv);
		err = errno;
		if (write(report_fd, &err, sizeof err) < 0)
			break;
	}
	_exit(err == ENOENT ? 127 : 126);
}

/* No program could even be tried: each failed for the same reason. */
static pid_t fail_all(int *errs, int n)
{
	for (int i = 0; i < n; i++)
		errs[i] = errno;
	return -1;
}

/* Returns the child's pid, or -1 when none of the n programs could be run:
 * then errs[i] says why programs[i] failed and the child is already reaped. */
pid_t spawn_child(const char *tty, int stdin_fd, const struct program *progs, int n, int *errs)
{
	int pipefd[2];
	pid_t pid = -1;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return fail_all(errs, n);
	if ((pid = fork_child()) == 0)
		run_child(tty, stdin_fd, progs, n, pipefd[1]);
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		return fail_all(errs, n);
	}
	/* EOF before n reports: one of the programs is running. */
	int got = 0;
	ssize_t r;
	while (got < n && (r = read(pipefd[0], &errs[got], sizeof errs[got])) > 0)
		got++;
	close(pipefd[0]);
	if (got < n)
		return pid;
	waitpid(pid, NULL, 0);
	return -1;
}

/* The one wait loop (the image's scripts, the timeout, the shutdown): reaps
 * every child that ends, orphans included (daemons the scripts start become
 * init's once their parent is gone), until watched has ended (true, with its
 * wait status in *status unless status is NULL), or, with watched -1, until
 * no child is left (true), or until deadline, a monotonic_ms() time (false).
 * Every user process is init's descendant, so ECHILD means all are gone
 * (kill(-1, 0) would count kernel threads): false for a watched pid then,
 * which was no child. */
bool wait_for_children(pid_t watched, long long deadline, int *status)
{
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	for (;;) {
		pid_t r;
		while ((r = waitpid(-1, status, WNOHANG)) > 0)
			if (r == watched)
				return true;
		if (r < 0 && errno == ECHILD)
			return watched < 0;
		long long left = deadline - monotonic_ms();
		if (left <= 0)
			return false;
		struct timespec ts = { left / 1000, left % 1000 * 1000000 };
		sigtimedwait(&chld, NULL, &ts);
	}
}

/* Reaps every child that has ended, orphans included; true when watched
 * was one of them, with its status. Each other one is handed to other
 * (unless it is NULL): whether it is started again is the caller's choice. */
bool reap_children(pid_t watched, int *wait_status, void (*other)(pid_t pid))
{
	bool found = false;
	int status;
	pid_t pid;
	while ((pid = waitpid(MINROOT_DEMO_NO_REAP ? watched : -1, &status, WNOHANG)) > 0) {
		if (pid == watched) {
			found = true;
			*wait_status = status;
		} else if (other) {
			other(pid);
		}
	}
	return found;
}
