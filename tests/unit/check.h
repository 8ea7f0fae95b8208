/* A tiny check library for C unit tests: each check prints "ok - WHAT" or
 * "not ok - WHAT" with the evidence, as tests/run counts them. */
#ifndef MINROOT_CHECK_H
#define MINROOT_CHECK_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int check_failures;

static inline bool check_report(bool ok, const char *file, int line, const char *what)
{
	printf("%s - %s\n", ok ? "ok" : "not ok", what);
	if (!ok) {
		printf("    at %s:%d\n", file, line);
		check_failures++;
	}
	return ok;
}

#define CHECK(cond, what) check_report((cond), __FILE__, __LINE__, (what))

#define CHECK_STR(actual, expected, what)                                              \
	do {                                                                           \
		const char *a_ = (actual), *e_ = (expected);                           \
		if (!check_report(a_ && !strcmp(a_, e_), __FILE__, __LINE__, (what)))  \
			printf("    expected \"%s\"\n    actual   \"%s\"\n", e_,        \
			       a_ ? a_ : "(null)");                                    \
	} while (0)

#define CHECK_INT(actual, expected, what)                                              \
	do {                                                                           \
		long long a_ = (actual), e_ = (expected);                              \
		if (!check_report(a_ == e_, __FILE__, __LINE__, (what)))               \
			printf("    expected %lld\n    actual   %lld\n", e_, a_);      \
	} while (0)

static inline int check_exit(void)
{
	return check_failures != 0;
}

#endif
