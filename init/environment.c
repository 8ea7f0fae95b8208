/* What every process inherits from PID 1: hostname, environment; and the
 * small facts read from /proc. */
#include "init.h"
#include "format.h"
#include "status.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void set_hostname(void)
{
	char name[65] = "";
	if (read_small_file("/etc/hostname", name, sizeof name))
		name[strcspn(name, " \t\r\n")] = '\0';
	if (!*name)
		strcpy(name, "minroot");
	if (sethostname(name, strlen(name)) < 0)
		complain_errno("sethostname %s", name);
}

#define ENV_MAX 48 /* the kernel passes init at most 32 */

static bool is_var(const char *entry, const char *name)
{
	size_t n = strlen(name);
	return !strncmp(entry, name, n) && entry[n] == '=';
}

unsigned long read_kernel_taint(void)
{
	char text[32];
	return read_small_file("/proc/sys/kernel/tainted", text, sizeof text) ? parse_decimal(text) : 0;
}

/* The kernel starts init with HOME=/ and TERM=linux plus any unknown
 * key=value words of its command line: keep TERM (unless term, from
 * minroot.term, names another) and the user's words, set the rest. A fixed
 * array instead of setenv() keeps malloc out of PID 1. Can be called again
 * before the child starts: it starts from the kernel's environment. */
void set_environment(const char *shell, const char *term)
{
	static char *env[ENV_MAX], **kernel_env;
	static char shell_var[OPT_PATH_MAX + 8], term_var[OPT_NAME_MAX + 8];
	size_t n = 0;
	if (!kernel_env)
		kernel_env = environ;
	env[n++] = "PATH=/sbin:/usr/sbin:/bin:/usr/bin";
	env[n++] = "HOME=/root";
	if (shell) {
		format(shell_var, sizeof shell_var, "SHELL=%s", shell);
		env[n++] = shell_var;
	}
	bool has_term = *term;
	if (has_term) {
		format(term_var, sizeof term_var, "TERM=%s", term);
		env[n++] = term_var;
	}
	for (char **e = kernel_env; e && *e && n < ENV_MAX - 2; e++) {
		bool is_term = is_var(*e, "TERM");
		if (is_var(*e, "PATH") || is_var(*e, "HOME") || is_var(*e, "SHELL") ||
		    (is_term && *term))
			continue;
		has_term |= is_term;
		env[n++] = *e;
	}
	if (!has_term)
		env[n++] = "TERM=linux";
	env[n] = NULL;
	environ = env;
}
