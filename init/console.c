/* The shell's terminal. /dev/console cannot be a controlling terminal, so
 * job control and Ctrl-C need the real device behind it (what busybox's
 * cttyhack does): the last console in /sys/class/tty/console/active. */
#include "init.h"
#include "format.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static bool is_dev_console(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 5 &&
	       minor(st.st_rdev) == 1;
}

/* The preferred console is the last one listed, e.g. "tty0 ttyS0". */
static bool active_console(char *path, size_t size)
{
	char list[256];
	if (!read_small_file("/sys/class/tty/console/active", list, sizeof list))
		return false;
	char *end = list + strcspn(list, "\n");
	*end = '\0';
	char *last = strrchr(list, ' ');
	last = last ? last + 1 : list;
	if (!*last)
		return false;
	/* tty0 means "the current virtual terminal": at boot, that is tty1. */
	device_path(strcmp(last, "tty0") ? last : "tty1", path, size);
	return access(path, R_OK | W_OK) == 0;
}

/* Leaves path empty when the child should simply inherit init's stdio. */
void find_console_tty(const struct options *o, char *path, size_t size)
{
	*path = '\0';
	if (*o->tty) {
		device_path(o->tty, path, size);
	} else if (is_dev_console(STDIN_FILENO)) {
		if (!active_console(path, size))
			format(path, size, "/dev/console");
	} else if (isatty(STDIN_FILENO)) {
		/* A terminal whose name is not visible here (a pty of another
		 * devpts instance) can still be reopened through /proc. */
		if (ttyname_r(STDIN_FILENO, path, size) != 0)
			format(path, size, "/proc/self/fd/0");
	}
}

/* In the child, after setsid(): a session leader that opens a terminal
 * becomes its controlling process; TIOCSCTTY says so explicitly and takes it
 * from a session that may still hold it (a shell that just died). What is
 * no terminal at all (an inittab line's "null") is only made stdio. */
int attach_controlling_tty(const char *path)
{
	int fd = open(path, O_RDWR);
	if (fd < 0)
		return -1;
	if (ioctl(fd, TIOCSCTTY, 1) < 0 && errno != ENOTTY && !is_dev_console(fd)) {
		int err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	for (int i = 0; i <= 2; i++)
		if (fd != i && dup2(fd, i) < 0)
			return -1;
	if (fd > 2)
		close(fd);
	return 0;
}

/* The console's window size, as a terminal emulator sets its pty's: a serial
 * line has no way to tell it, so full-screen programs would see 0x0. The
 * kernel sends SIGWINCH to the terminal's foreground process group when the
 * size changes, so this also serves a resize while a program runs. tty is
 * what find_console_tty() found ("" = init's standard input); a size of 0
 * (no minroot.size) leaves the terminal as it is. */
/* A serial tty forgets its window size when its last file is closed: PID 1
 * keeps the terminal open, so what it sets is there when the child opens it
 * (the console is another port when run-qemu runs a command). */
void hold_terminal(const char *tty)
{
	if (*tty && open(tty, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC) < 0)
		complain_errno("open %s", tty);
}

bool set_console_size(const char *tty, unsigned rows, unsigned cols)
{
	if (!rows || !cols)
		return true;
	struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
	int fd = *tty ? open(tty, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC) : STDIN_FILENO;
	bool done = fd >= 0 && ioctl(fd, TIOCSWINSZ, &ws) == 0;
	if (!done)
		complain_errno("set the window size of %s to %ux%u", *tty ? tty : "the console",
			       rows, cols);
	if (fd > STDIN_FILENO)
		close(fd);
	return done;
}
