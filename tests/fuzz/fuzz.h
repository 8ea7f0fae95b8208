/* Shared by the libFuzzer targets: an input as a C string, and invariant
 * checks that abort with a message (libFuzzer then saves the input). */
#ifndef MINROOT_FUZZ_H
#define MINROOT_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The parsers take C strings: the input up to its first NUL byte. */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#define FUZZ_ASSERT(cond, ...)                                                        \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: invariant broken: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                                 \
			fputc('\n', stderr);                                          \
			abort();                                                      \
		}                                                                     \
	} while (0)

/* A fixed-size string field must hold its terminating NUL. */
#define FUZZ_TERMINATED(field) \
	FUZZ_ASSERT(memchr((field), '\0', sizeof(field)), "%s is not NUL-terminated", #field)

#endif
