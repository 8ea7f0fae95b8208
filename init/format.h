/* A small snprintf for PID 1: %s, %d, %u and %% only. musl's printf alone
 * (with its floating-point formatting) would nearly double init's size.
 * Pure logic, no system calls: unit tests link it directly. */
#ifndef MINROOT_FORMAT_H
#define MINROOT_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Like vsnprintf, but returns the length actually written: the output is
 * cut at size-1 bytes and always NUL-terminated when size > 0. */
size_t vformat(char *buf, size_t size, const char *fmt, va_list ap);
size_t format(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
