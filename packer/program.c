/* program.c - checking and finding the programs of an image. */
#include "program.h"
#include "arch.h"
#include "elf/elfinfo.h"
#include "fetch.h"
#include "libexec.h"
#include "run.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUSYBOX_FIX "install busybox-static or pass --busybox"

int program_elf_header(const char *path, struct elf_info *info)
{
	unsigned char head[ELF_HEADER_BYTES];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t got = fd < 0 ? -1 : pread(fd, head, sizeof(head), 0);

	if (fd >= 0)
		close(fd);
	return got < 0 ? -1 : elf_parse_header(head, (size_t)got, info);
}

/* Read the program header table and look for an interpreter. */
static int read_has_interp(int fd, const struct elf_info *info, int *has)
{
	size_t len = (size_t)info->phnum * info->phentsize;
	unsigned char *buf;
	ssize_t got;

	if (len == 0 || len > 1 << 20) {
		*has = 0;
		return 0;
	}
	buf = xmalloc(len);
	got = pread(fd, buf, len, (off_t)info->phoff);
	*has = got > 0 && elf_has_interp(buf, (size_t)got, info);
	free(buf);
	return got < 0 ? -1 : 0;
}

enum program_verdict program_check(const char *path, char machine[32], int *err)
{
	unsigned char head[ELF_HEADER_BYTES];
	struct elf_info info;
	struct stat st;
	ssize_t got;
	int fd, has_interp = 0;

	/* O_NONBLOCK: opening a FIFO would otherwise wait for a writer for ever. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0) {
		*err = errno;
		if (fd >= 0)
			close(fd);
		return PROGRAM_UNREADABLE;
	}
	if (S_ISDIR(st.st_mode)) {
		*err = EISDIR;
		close(fd);
		return PROGRAM_UNREADABLE;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return PROGRAM_NOT_REGULAR;
	}
	got = pread(fd, head, sizeof(head), 0);
	if (got < 0 || elf_parse_header(head, (size_t)got, &info) < 0) {
		*err = got < 0 ? errno : 0;
		close(fd);
		return got < 0 ? PROGRAM_UNREADABLE : PROGRAM_NOT_ELF;
	}
	if (read_has_interp(fd, &info, &has_interp) < 0) {
		*err = errno;
		close(fd);
		return PROGRAM_UNREADABLE;
	}
	close(fd);
	if (!elf_is_executable(&info))
		return PROGRAM_NOT_EXECUTABLE;
	if (!elf_is_native(&info)) {
		char buf[32];

		snprintf(machine, 32, "%s", elf_machine_name(&info, buf));
		return PROGRAM_FOREIGN;
	}
	return has_interp ? PROGRAM_DYNAMIC : PROGRAM_OK;
}

int program_require_static(const char *option, const char *path,
			   const char *dynamic_hint)
{
	char machine[32];
	int err = 0;

	switch (program_check(path, machine, &err)) {
	case PROGRAM_OK:
		return 0;
	case PROGRAM_UNREADABLE:
		errorf("%s %s: %s", option, path, strerror(err));
		break;
	case PROGRAM_NOT_REGULAR:
		errorf("%s %s: is not a regular file", option, path);
		break;
	case PROGRAM_NOT_ELF:
		errorf("%s %s: is not an ELF executable", option, path);
		break;
	case PROGRAM_NOT_EXECUTABLE:
		errorf("%s %s: is an ELF file but not an executable", option, path);
		break;
	case PROGRAM_FOREIGN:
		errorf("%s %s: is a program for %s, but this image is for %s",
		       option, path, machine, elf_native_name());
		break;
	case PROGRAM_DYNAMIC:
		errorf("%s %s: is dynamically linked; %s", option, path, dynamic_hint);
		break;
	}
	return -1;
}

char *program_default_init(void)
{
	return libexec_find("init", "build it or pass --init");
}

/* First static, native busybox in PATH; remembers the first other one seen
 * so the error can say what is wrong with it. */
static char *search_path_for_busybox(void)
{
	const char *env = getenv("PATH");
	char *path = xstrdup(env && *env ? env : "/usr/local/bin:/usr/bin:/bin");
	char *found = NULL, *unusable = NULL, *save = NULL;
	char machine[32];
	int err;

	for (char *dir = strtok_r(path, ":", &save); dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		char *cand = xasprintf("%s/busybox", *dir ? dir : ".");

		if (access(cand, X_OK) != 0)
			free(cand);
		else if (program_check(cand, machine, &err) == PROGRAM_OK)
			found = cand;
		else if (!unusable)
			unusable = cand;
		else
			free(cand);
	}
	free(path);
	if (!found && unusable)
		program_require_static("busybox found in PATH at", unusable, BUSYBOX_FIX);
	else if (!found)
		errorf("no busybox found in PATH; " BUSYBOX_FIX);
	free(unusable);
	return found;
}

/* Another architecture's busybox-static, from the cache (fetched first if
 * missing): what is there is checked like any other busybox. */
static char *fetched_busybox(void)
{
	char *path = fetch_busybox(arch_target());

	if (path && program_require_static("the cached busybox", path,
					   "remove it to fetch again") < 0) {
		free(path);
		return NULL;
	}
	return path;
}

char *program_find_busybox(const char *given)
{
	const char *env = getenv("BUSYBOX");

	if (given || (env && *env)) {
		const char *path = given ? given : env;

		if (program_require_static(given ? "--busybox" : "$BUSYBOX", path,
					   BUSYBOX_FIX) < 0)
			return NULL;
		return xstrdup(path);
	}
	if (!elf_target_is_host())
		return fetched_busybox();
	return search_path_for_busybox();
}

int program_in_path(const char *name)
{
	const char *env = getenv("PATH");
	char *path = xstrdup(env && *env ? env : "/usr/local/bin:/usr/bin:/bin");
	char *save = NULL;
	int found = 0;

	for (char *dir = strtok_r(path, ":", &save); dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		char *cand = xasprintf("%s/%s", *dir ? dir : ".", name);

		found = access(cand, X_OK) == 0;
		free(cand);
	}
	free(path);
	return found;
}

/* A busybox for another architecture runs here under QEMU's user mode. */
char *program_list_applets(const char *busybox)
{
	const struct arch *a = arch_target();
	int foreign = !elf_target_is_host();
	char *argv[] = { foreign ? (char *)a->qemu_user : (char *)busybox, (char *)busybox,
			 "--list-full", NULL };
	char *what = xasprintf("%s --list-full", busybox);
	char *out;

	if (foreign && !program_in_path(a->qemu_user)) {
		errorf("listing the applets of %s: %s runs it here; install qemu-user-static",
		       busybox, a->qemu_user);
		free(what);
		return NULL;
	}
	out = run_program(foreign ? argv : argv + 1, what, NULL, NULL);

	free(what);
	return out;
}
