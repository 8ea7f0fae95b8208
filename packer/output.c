/* output.c - temporary file, rename into place, cleanup on failure. */
#include "output.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The handler may only use what is async-signal-safe: a fixed buffer and
 * unlink(2). */
static char signal_temp[PATH_MAX];
static const int cleanup_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE };

/* A staging directory (--modules) goes with rm -rf: fork and execve are
 * async-signal-safe, a recursive walk of our own would not be. */
#define SIGNAL_DIRS 2
static char signal_dirs[SIGNAL_DIRS][PATH_MAX];
static char *signal_rm_argv[3 + SIGNAL_DIRS + 1] = { "rm", "-rf", "--" };

static volatile pid_t signal_child;	/* a helper writing into such a directory */

void output_child_on_signal(pid_t pid)
{
	signal_child = pid;
}

static void remove_dir(void)
{
	pid_t pid;

	if (signal_child > 0) {
		kill(signal_child, SIGKILL);
		waitpid(signal_child, NULL, 0);
	}
	if (!signal_rm_argv[3] || (pid = fork()) < 0)
		return;
	if (pid == 0) {
		execve("/bin/rm", signal_rm_argv, environ);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
}

static void remove_temp_and_die(int sig)
{
	if (signal_temp[0])
		unlink(signal_temp);
	remove_dir();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void arm_cleanup(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = remove_temp_and_die;
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(cleanup_signals) / sizeof(cleanup_signals[0]); i++)
		sigaction(cleanup_signals[i], &sa, NULL);
}

static void set_cleanup_signals_blocked(int how)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(cleanup_signals) / sizeof(cleanup_signals[0]); i++)
		sigaddset(&set, cleanup_signals[i]);
	sigprocmask(how, &set, NULL);
}

/* The rm command line of the directories registered now. */
static void set_rm_argv(void)
{
	size_t n = 3;

	for (size_t i = 0; i < SIGNAL_DIRS; i++)
		if (signal_dirs[i][0])
			signal_rm_argv[n++] = signal_dirs[i];
	signal_rm_argv[n] = NULL;
}

void output_remove_dir_on_signal(const char *dir, int remove)
{
	set_cleanup_signals_blocked(SIG_BLOCK);
	for (size_t i = 0; i < SIGNAL_DIRS; i++) {
		if (remove && !strcmp(signal_dirs[i], dir)) {
			signal_dirs[i][0] = '\0';
		} else if (!remove && !signal_dirs[i][0] && strlen(dir) < PATH_MAX) {
			strcpy(signal_dirs[i], dir);
			break;
		}
	}
	set_rm_argv();
	arm_cleanup();
	set_cleanup_signals_blocked(SIG_UNBLOCK);
}

static void disarm_cleanup(void)
{
	signal_temp[0] = '\0';
}

static char *directory_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xasprintf("%.*s", (int)(slash - path), path);
}

static int check_directory(const char *path)
{
	char *dir = directory_of(path);
	struct stat st;
	int rc = -1;

	if (stat(dir, &st) < 0)
		errorf("-o %s: directory %s: %s", path, dir, strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		errorf("-o %s: %s is not a directory", path, dir);
	else if (access(dir, W_OK | X_OK) < 0)
		errorf("-o %s: cannot write in %s: %s", path, dir, strerror(errno));
	else
		rc = 0;
	free(dir);
	return rc;
}

int output_check(const char *path)
{
	struct stat st;

	if (!*path) {
		errorf("-o: the image path is empty");
		return -1;
	}
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			errorf("-o %s: is a directory", path);
			return -1;
		}
		if (!S_ISREG(st.st_mode)) {
			errorf("-o %s: is not a regular file; refusing to replace it", path);
			return -1;
		}
	} else if (errno != ENOENT) {
		errorf("-o %s: %s", path, strerror(errno));
		return -1;
	} else if (lstat(path, &st) == 0) {
		errorf("-o %s: is a symlink to nothing", path);
		return -1;
	}
	return check_directory(path);
}

/* A symlink at PATH is followed, so the image replaces its target. */
static char *resolve_final(const char *path)
{
	struct stat st;
	char *real;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && (real = realpath(path, NULL)))
		return real;
	return xstrdup(path);
}

static mode_t image_mode(const char *final)
{
	struct stat st;
	mode_t mask;

	if (stat(final, &st) == 0)
		return st.st_mode & 07777;
	mask = umask(0);
	umask(mask);
	return 0666 & ~mask;
}

int output_begin(struct output *o, const char *path)
{
	o->final = resolve_final(path);
	o->temp = xasprintf("%s.tmp-XXXXXX", o->final);
	if (strlen(o->temp) >= sizeof(signal_temp)) {
		errorf("-o %s: the path is too long", path);
		free(o->temp);
		free(o->final);
		o->temp = o->final = NULL;
		return -1;
	}
	/* No window where the file exists and a signal would leave it. */
	set_cleanup_signals_blocked(SIG_BLOCK);
	o->fd = mkostemp(o->temp, O_CLOEXEC);
	if (o->fd >= 0) {
		strcpy(signal_temp, o->temp);
		arm_cleanup();
	}
	set_cleanup_signals_blocked(SIG_UNBLOCK);
	if (o->fd < 0) {
		errorf("-o %s: creating %s: %s", path, o->temp, strerror(errno));
		free(o->temp);
		free(o->final);
		o->temp = o->final = NULL;
		return -1;
	}
	if (fchmod(o->fd, image_mode(o->final)) < 0) {
		errorf("setting the mode of %s: %s", o->temp, strerror(errno));
		output_abort(o);
		return -1;
	}
	return 0;
}

int output_commit(struct output *o)
{
	if (fsync(o->fd) < 0) {
		errorf("writing %s: %s", o->temp, strerror(errno));
		output_abort(o);
		return -1;
	}
	if (close(o->fd) < 0) {
		o->fd = -1;
		errorf("writing %s: %s", o->temp, strerror(errno));
		output_abort(o);
		return -1;
	}
	o->fd = -1;
	if (rename(o->temp, o->final) < 0) {
		errorf("renaming %s to %s: %s", o->temp, o->final, strerror(errno));
		output_abort(o);
		return -1;
	}
	disarm_cleanup();
	free(o->temp);
	free(o->final);
	o->temp = o->final = NULL;
	return 0;
}

void output_abort(struct output *o)
{
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	if (o->temp)
		unlink(o->temp);
	disarm_cleanup();
	free(o->temp);
	free(o->final);
	o->temp = o->final = NULL;
}
