/* Messages: "init: ..." to the console, and to /dev/kmsg so dmesg keeps them.
 * The kmsg copy is logged at debug level: the kernel prints messages below
 * its console log level on the console too, and every line would show twice. */
#include "init.h"
#include "format.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

/* Set once at start-up, read by every message. PID 1's other state that
 * outlives a call: main()'s struct init, rc.c's inittab and the pids of its
 * respawned lines, and set_environment()'s copy of the environment (environ
 * points into it). Every other static is a buffer, static for its size. */
static bool quiet_mode;
static int kmsg_fd = -1;

void log_set_quiet(bool quiet)
{
	quiet_mode = quiet;
}

void log_open_kmsg(void)
{
	if (kmsg_fd < 0)
		kmsg_fd = open("/dev/kmsg", O_WRONLY | O_NOCTTY | O_CLOEXEC);
}

static void emit(const char *fmt, va_list ap, const char *suffix)
{
	/* "<15>" is the kmsg record's level, skipped on the console. */
	char rec[600] = "<15>init: ";
	size_t len = 10;
	len += vformat(rec + len, sizeof rec - len - 1, fmt, ap);
	len += format(rec + len, sizeof rec - len - 1, "%s", suffix);
	rec[len++] = '\n';
	/* Best effort: there is nobody to tell if the console itself fails. */
	if (write(STDERR_FILENO, rec + 4, len - 4) < 0) {
	}
	if (kmsg_fd >= 0 && write(kmsg_fd, rec, len) < 0) {
	}
}

void say(const char *fmt, ...)
{
	if (quiet_mode)
		return;
	va_list ap;
	va_start(ap, fmt);
	emit(fmt, ap, "");
	va_end(ap);
}

void complain(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(fmt, ap, "");
	va_end(ap);
}

void complain_errno(const char *fmt, ...)
{
	char suffix[128];
	format(suffix, sizeof suffix, ": %s", strerror(errno));
	va_list ap;
	va_start(ap, fmt);
	emit(fmt, ap, suffix);
	va_end(ap);
}
