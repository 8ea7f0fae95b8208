/* A tiny check library for the C unit tests (tests/unit/NAME_test.c): each
 * check prints "ok - WHAT" or "not ok - WHAT" with the evidence, as tests/run
 * counts them; main returns check_exit(). */
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

/* Equal strings, or both NULL (a refusal where one is expected). */
static inline bool check_same_str(const char *a, const char *e)
{
	return a && e ? strcmp(a, e) == 0 : a == e;
}

#define CHECK_STR(actual, expected, what)                                              \
	do {                                                                           \
		const char *a_ = (actual), *e_ = (expected);                           \
		if (!check_report(check_same_str(a_, e_), __FILE__, __LINE__, (what))) \
			printf("    expected \"%s\"\n    actual   \"%s\"\n",           \
			       e_ ? e_ : "(null)", a_ ? a_ : "(null)");                \
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
