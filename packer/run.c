/* run.c - running a host program for its output (busybox --list-full,
 * depmod, modprobe, ldconfig, apt-get). */
#include "run.h"
#include "output.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *read_all(int fd)
{
	size_t len = 0, cap = 16384;
	char *buf = xmalloc(cap);
	ssize_t n;

	for (;;) {
		if (len + 1 >= cap)
			buf = xrealloc(buf, cap *= 2);
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (n < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* 0 when it exited 0; with code, any end is left to the caller there
 * (the exit status, or 128 + the signal). */
static int wait_for(pid_t pid, const char *what, int *code)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			errorf("waiting for %s: %s", what, strerror(errno));
			return -1;
		}
	}
	if (code) {
		*code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		return 0;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		errorf("%s failed with exit status %d", what, WEXITSTATUS(status));
	else
		errorf("%s was killed by signal %d", what, WTERMSIG(status));
	return -1;
}

/* stderr goes to a file, read only at the end: two pipes could deadlock. */
static char *read_stderr_file(FILE *f)
{
	char *text;

	fflush(f);
	lseek(fileno(f), 0, SEEK_SET);
	text = read_all(fileno(f));
	fclose(f);
	return text ? text : xstrdup("");
}

/* posix_spawn, not fork: no copy of this process for a child that only
 * execs (a millisecond of the 8 that packing a small tree takes, since
 * mkrootfs runs busybox --list-full at every pack). */
static pid_t spawn(char *const argv[], const char *what, int out_fd, FILE *errf)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int err;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
	if (errf)
		posix_spawn_file_actions_adddup2(&fa, fileno(errf), STDERR_FILENO);
	err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err) {
		errorf("%s: cannot run %s: %s", what, argv[0], strerror(err));
		return -1;
	}
	return pid;
}

char *run_program(char *const argv[], const char *what, char **err_text, int *code)
{
	FILE *errf = err_text ? tmpfile() : NULL;
	int pipefd[2], rc;
	char *out;
	pid_t pid;

	if ((err_text && !errf) || pipe2(pipefd, O_CLOEXEC) < 0) {
		errorf("pipe for %s: %s", what, strerror(errno));
		if (errf)
			fclose(errf);
		return NULL;
	}
	pid = spawn(argv, what, pipefd[1], errf);
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		if (errf)
			fclose(errf);
		return NULL;
	}
	output_child_on_signal(pid);
	out = read_all(pipefd[0]);
	close(pipefd[0]);
	if (err_text)
		*err_text = read_stderr_file(errf);
	if (!out && err_text) {
		free(*err_text);
		*err_text = NULL;
	}
	rc = wait_for(pid, what, err_text ? code : NULL);
	output_child_on_signal(0);
	if (rc < 0 || !out) {
		free(out);
		return NULL;
	}
	return out;
}
