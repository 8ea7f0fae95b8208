/* util.h - messages and allocation helpers shared by every part of mkrootfs. */
#ifndef MKROOTFS_UTIL_H
#define MKROOTFS_UTIL_H

#include <stddef.h>

/* Room for one error message built by a pure function for its caller. */
#define ERRLEN 512

/* 0: errors only (-q), 1: a summary line (default), 2: every entry (-v). */
extern int verbosity;

/* "mkrootfs: error: ..." on stderr. */
void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "mkrootfs: ..." on stderr, only with -v. */
void verbosef(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Allocation that cannot fail: out of memory ends the program with a message. */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* snprintf into a caller's ERRLEN buffer; returns -1 so callers can "return seterr(...)". */
int seterr(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
