/* command.c - fork, exec, read the pipe, wait. */
#include "command.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
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

/* "busybox --list-full", for messages. */
static char *command_line(char *const argv[])
{
	char *line = xstrdup(argv[0]);

	for (int i = 1; argv[i]; i++) {
		char *longer = xasprintf("%s %s", line, argv[i]);

		free(line);
		line = longer;
	}
	return line;
}

/* 0 when the child exited 0; otherwise why not, in why. */
static int wait_for(pid_t pid, char *why, size_t len)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			snprintf(why, len, "waiting for it: %s", strerror(errno));
			return -1;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		snprintf(why, len, "it failed with exit status %d", WEXITSTATUS(status));
	else
		snprintf(why, len, "it was killed by signal %d", WTERMSIG(status));
	return -1;
}

static void run_child(char *const argv[], int out, int quiet)
{
	int null = quiet ? open("/dev/null", O_WRONLY | O_CLOEXEC) : -1;

	dup2(out, STDOUT_FILENO);
	if (null >= 0)
		dup2(null, STDERR_FILENO);
	execvp(argv[0], argv);
	if (!quiet)
		fprintf(stderr, "mkrootfs: error: running %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

char *command_output(char *const argv[], int quiet)
{
	char why[256], *out = NULL, *line;
	int pipefd[2];
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		snprintf(why, sizeof(why), "pipe: %s", strerror(errno));
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(why, sizeof(why), "fork: %s", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		goto fail;
	}
	if (pid == 0)
		run_child(argv, pipefd[1], quiet);
	close(pipefd[1]);
	out = read_all(pipefd[0]);
	close(pipefd[0]);
	if (wait_for(pid, why, sizeof(why)) == 0 && out)
		return out;
	if (!out)
		snprintf(why, sizeof(why), "reading its output: %s", strerror(errno));
	free(out);
fail:
	if (!quiet) {
		line = command_line(argv);
		errorf("running %s: %s", line, why);
		free(line);
	}
	return NULL;
}
