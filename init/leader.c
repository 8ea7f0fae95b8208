/* A command's session leader. When the session leader of a terminal exits,
 * the kernel hangs the terminal up (disassociate_ctty), and the hang-up
 * throws away what the UART has not sent yet (tty_driver_flush_buffer). A
 * command that writes a line and exits at once, as `uname -m` does, leads
 * its session: on a slow serial port its line could vanish, while init's
 * status line, written after, arrived. So in command mode the session is
 * led by this process instead: it waits for the command, lets the
 * terminal drain, and exits with the command's status, which PID 1 reads
 * as the command's (a signal N as 128 + N, as it would say anyway). */
#include "init.h"
#include "policy.h"

#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

/* Called in the session's first process, with the terminal as its stdio.
 * Returns in the process that is to run the command; the leader does not
 * return. report_fd: the exec-failure pipe, which only the command keeps. */
void lead_command_session(int report_fd)
{
	/* The leader shares the command's process group, so the terminal's
	 * signals (Ctrl-C, a hang-up) and minroot.timeout's reach it too: it
	 * blocks every one and leaves them to the command (blocked, not
	 * ignored: sigaction would cost this static init 4 KiB). A blocked
	 * SIGTTOU also lets tcdrain() work from the background, should the
	 * command move the terminal's foreground. */
	sigset_t all, before;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &before);
	pid_t pid = fork_child();
	if (pid <= 0) {
		/* The command (or, without a fork, the leader itself) runs with
		 * its signals as it would have them. */
		sigprocmask(SIG_SETMASK, &before, NULL);
		return;
	}
	close(report_fd);
	/* Its copy would keep the relay's writes from failing once the
	 * command closes its stdin. */
	close(STDIN_FILENO);
	/* No handler runs here: no EINTR to retry on. */
	int status = 0;
	waitpid(pid, &status, 0);
	tcdrain(STDOUT_FILENO);
	_exit(exit_code_of(status));
}
