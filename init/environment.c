/* What every process inherits from PID 1: hostname, environment. */
#include "init.h"
#include "format.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Reads at most size-1 bytes, NUL-terminated; false if the file can't be read. */
bool read_small_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	size_t len = 0;
	ssize_t n;
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	return true;
}

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

/* The kernel starts init with HOME=/ and TERM=linux plus any unknown
 * key=value words of its command line: keep TERM and the user's words,
 * set the rest. A fixed array instead of setenv() keeps malloc out of PID 1. */
void set_environment(const char *shell)
{
	static char *env[ENV_MAX];
	static char shell_var[OPT_PATH_MAX + 8];
	size_t n = 0;
	env[n++] = "PATH=/sbin:/usr/sbin:/bin:/usr/bin";
	env[n++] = "HOME=/root";
	if (shell) {
		format(shell_var, sizeof shell_var, "SHELL=%s", shell);
		env[n++] = shell_var;
	}
	if (!getenv("TERM"))
		env[n++] = "TERM=linux";
	for (char **e = environ; e && *e && n < ENV_MAX - 1; e++)
		if (!is_var(*e, "PATH") && !is_var(*e, "HOME") && !is_var(*e, "SHELL"))
			env[n++] = *e;
	env[n] = NULL;
	environ = env;
}
