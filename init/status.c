#include "status.h"
#include "format.h"

static const char taint_letters[] = "PFSRMBUDAWCIOELKXTN";

unsigned long parse_decimal(const char *text)
{
	unsigned long n = 0;
	while (*text >= '0' && *text <= '9')
		n = n * 10 + (unsigned long)(*text++ - '0');
	return n;
}

/* The letters of the flags set, in bit order; "" for none. */
static void taint_letters_of(unsigned long flags, char *out)
{
	for (size_t bit = 0; bit < sizeof taint_letters - 1; bit++)
		if (flags & (1ul << bit))
			*out++ = taint_letters[bit];
	*out = '\0';
}

size_t format_status_line(char *buf, size_t size, int code, unsigned long before,
			  unsigned long after)
{
	char set[sizeof taint_letters], new[sizeof taint_letters];
	taint_letters_of(after, set);
	taint_letters_of(after & ~before, new);
	return format(buf, size, "init: exit status %d%s%s%s%s\n", code, *set ? " taint=" : "", set,
		      *new ? " new=" : "", new);
}
