#include "policy.h"

#include <sys/wait.h>

int exit_code_of(int wait_status)
{
	if (WIFEXITED(wait_status))
		return WEXITSTATUS(wait_status);
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return 255;
}

bool respawn_allowed(struct throttle *t, long long now_ms)
{
	unsigned slot = t->count % RESPAWN_LIMIT;
	t->death_ms[slot] = now_ms;
	t->count++;
	if (t->count < RESPAWN_LIMIT)
		return true;
	/* The oldest of the last RESPAWN_LIMIT deaths sits in the next slot. */
	long long oldest = t->death_ms[t->count % RESPAWN_LIMIT];
	return now_ms - oldest >= RESPAWN_WINDOW_MS;
}

const char *action_name(enum action a)
{
	static const char *const names[] = { "powering off", "rebooting", "halting" };
	return names[a];
}
