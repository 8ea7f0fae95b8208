/* minroot.timeout in command mode: a command that runs too long is stopped
 * the way a shutdown stops everything (SIGTERM, then SIGKILL after the
 * grace), but first and alone, so that its last words come before the
 * status line; then the usual power-off syncs what it wrote. */
#include "init.h"

#include <signal.h>
#include <sys/time.h>

#define KILLED_WAIT_MS 2000 /* after SIGKILL, for a process still in the kernel */

/* SIGALRM then reaches PID 1's signal loop. setitimer(): musl's alarm() is
 * a wrapper around it that costs more than the call. */
void arm_command_timeout(unsigned seconds)
{
	struct itimerval t = { .it_value = { .tv_sec = seconds } };
	if (seconds)
		setitimer(ITIMER_REAL, &t, NULL);
}

/* The command's session and process group (spawn_child's setsid) are its
 * leader's (leader.c), whose pid names the whole group; SIGCONT wakes a
 * stopped one.
 * Returns false when the command had already ended on its own: *status is
 * its wait status then. Other children that end meanwhile are only reaped:
 * the power-off follows, nothing is started again. */
bool stop_command(pid_t child, unsigned grace_ms, int *status)
{
	if (reap_children(child, status, NULL))
		return false;
	kill(-child, SIGTERM);
	kill(-child, SIGCONT);
	if (!wait_for_children(child, monotonic_ms() + grace_ms, NULL)) {
		kill(-child, SIGKILL);
		wait_for_children(child, monotonic_ms() + KILLED_WAIT_MS, NULL);
	}
	return true;
}
