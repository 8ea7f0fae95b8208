/* Decisions PID 1 makes from facts: exit status codes, the respawn throttle.
 * Pure logic, no system calls: unit tests link it directly. */
#ifndef MINROOT_POLICY_H
#define MINROOT_POLICY_H

#include <stdbool.h>

enum action { ACTION_POWEROFF, ACTION_REBOOT, ACTION_HALT };

#define RESPAWN_LIMIT 5          /* deaths ...                */
#define RESPAWN_WINDOW_MS 10000  /* ... within this many ms stop the respawning */

struct throttle {
	long long death_ms[RESPAWN_LIMIT]; /* ring of the latest deaths */
	unsigned count;
};

/* A shell's exit status as shells report it: the code, or 128+signal. */
int exit_code_of(int wait_status);

/* Record a death at now_ms; false when it is the RESPAWN_LIMIT-th within
 * RESPAWN_WINDOW_MS, i.e. respawning again would only loop. */
bool respawn_allowed(struct throttle *t, long long now_ms);

const char *action_name(enum action a);

#endif
