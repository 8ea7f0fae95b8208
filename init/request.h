/* What run-qemu asks of init over the command channel: the command's argv,
 * option words, disks to mount, whether its stdin follows.
 * Pure logic, no system calls: unit tests link it directly.
 *
 * The payload is a list of NUL-terminated strings. Each record is a tag
 * string followed by a fixed number of argument strings:
 *   "arg" WORD                      one argument of the command, in order
 *   "opt" WORD                      a kernel command-line option word
 *   "mount" FLAGS UUID SUBDIR DIR   mount the ext disk with this UUID (FLAGS
 *                                   "ro" or "rw"), SUBDIR of it ("" = all) at DIR
 *   "file" PATH CONTENT             write an executable file (--script)
 *   "stdin"                         the command's stdin follows as frames
 *   "rawout"                        no CR before LF on the terminal's output
 * Unknown tags are a problem: the two sides come from one source tree. */
#ifndef MINROOT_REQUEST_H
#define MINROOT_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REQUEST_MAGIC "MRQ1"
#define REQUEST_MAX_BYTES (64u << 20)
#define REQUEST_MAX_MOUNTS 16

/* Frames after the request (and, from init, after its announcement), each:
 * type byte, 32-bit little-endian length, that many bytes. */
enum frame_type {
	FRAME_DATA = 'd',   /* bytes for the command's stdin */
	FRAME_EOF = 'e',    /* end of the command's stdin */
	FRAME_WINSIZE = 'w', /* rows, cols: two 16-bit little-endian numbers */
	/* from init to the host */
	FRAME_KMSG = 'k',    /* one record of /dev/kmsg */
	FRAME_STATUS = 's'   /* "init: exit status N...\n", the last frame */
};

struct mount_request {
	bool readonly;
	const char *uuid, *subdir, *dir;
};

struct request {
	char **argv; /* NULL-terminated; argc 0 means "no command: a shell" */
	int argc;
	char **opts; /* option words, NULL-terminated */
	int nopts;
	struct mount_request mounts[REQUEST_MAX_MOUNTS];
	int nmounts;
	const char *file, *file_content; /* NULL when none */
	bool stdin_follows, raw_output;
};

/* How many strings the payload holds: the caller gives request_parse
 * 2 * (that + 1) pointer slots. */
size_t request_count_strings(const char *buf, size_t len);

/* Splits buf (len bytes, its strings NUL-terminated) into rq. Returns NULL,
 * or a short description of what is wrong with the payload. */
const char *request_parse(char *buf, size_t len, struct request *rq, char **slots,
			  size_t nslots);

uint32_t le32(const unsigned char *p);

#endif
