/* output.h - writing a new image atomically: everything goes to a
 * temporary file beside the target, renamed over it only when complete.
 * After any failure (or SIGINT/SIGTERM/SIGHUP) the temporary file is
 * removed and an existing target is left byte-for-byte as it was. */
#ifndef MKROOTFS_OUTPUT_H
#define MKROOTFS_OUTPUT_H

#include <sys/types.h>

struct output {
	char *final;	/* where the image goes (a symlink there is followed) */
	char *temp;	/* the file being written */
	int fd;
};

/* Early checks of -o PATH, before any work: not a directory or other
 * non-regular file, in an existing writable directory. 0, or -1 after
 * reporting. */
int output_check(const char *path);

/* Create the temporary file (O_EXCL) with the mode the image will have. */
int output_begin(struct output *o, const char *path);

/* fsync, close and rename into place. 0, or -1 after reporting (the
 * temporary file is then removed). */
int output_commit(struct output *o);

/* Remove the temporary file; safe to call more than once. */
void output_abort(struct output *o);

/* Also remove this directory (a whole tree) if a signal ends mkrootfs
 * (two at most); with remove set, forget it again. */
void output_remove_dir_on_signal(const char *dir, int remove);

/* A helper process (depmod) that must end first, before the removal;
 * 0 when none is running. */
void output_child_on_signal(pid_t pid);

#endif
