/* What every duty needs from the system: the clock, a sleep, a child, a small
 * text file and its lines. Each is a few lines of our own where libc's
 * version would bring PID 1 more code than it uses (the reason is given
 * with each). */
#include "init.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

long long monotonic_ms(void)
{
	struct timespec ts;
	/* The system call itself: musl's clock_gettime() brings in its vDSO
	 * lookup (nearly 1 KiB), and PID 1 asks the time only now and then. */
#ifdef SYS_clock_gettime64
	/* A 32-bit system: musl's time_t is 64-bit, so is the call that fills it. */
	syscall(SYS_clock_gettime64, CLOCK_MONOTONIC, &ts);
#else
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
#endif
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* With every signal blocked, sigtimedwait on none is a plain sleep. */
void sleep_ms(long ms)
{
	sigset_t none;
	sigemptyset(&none);
	sigtimedwait(&none, NULL, &(struct timespec){ ms / 1000, ms % 1000 * 1000000 });
}

/* fork(2) as the kernel gives it. musl's fork() takes its thread locks
 * around the call (2 KiB of rwlocks, timed waits and the vDSO for a program
 * with one thread). Its one cost: the child's cached thread id is the
 * parent's, so a child must not raise() before it execs; none does. clone
 * with nothing but SIGCHLD is fork on every architecture, whatever order
 * its other (zero) arguments take. */
pid_t fork_child(void)
{
	return (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
}

/* Reads at most size-1 bytes, NUL-terminated; false if the file can't be read.
 * A plain read loop: fopen() would bring malloc into PID 1. */
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

/* The next line of a text being walked (cut at its '\n'), NULL at the end:
 * strtok without its 400 bytes of strspn and strcspn, and without state. */
char *next_line(char **cursor)
{
	char *line = *cursor;
	if (!line || !*line)
		return NULL;
	char *nl = strchr(line, '\n');
	*cursor = nl ? nl + 1 : NULL;
	if (nl)
		*nl = '\0';
	return line;
}

/* Whether the file's first 4 KiB hold text; false when it can't be read.
 * A plain loop: musl's strstr() would add more than 1 KiB to PID 1. */
bool file_contains(const char *path, const char *text)
{
	static char buf[4096];
	if (!read_small_file(path, buf, sizeof buf))
		return false;
	size_t n = strlen(text);
	for (const char *p = buf; *p; p++)
		if (!strncmp(p, text, n))
			return true;
	return false;
}
