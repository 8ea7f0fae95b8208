#include "status.h"
#include "format.h"

static const char taint_letters[] = "PFSRMBUDAWCIOELKXTN";

unsigned long parse_taint(const char *text)
{
	unsigned long n = 0;
	while (*text >= '0' && *text <= '9')
		n = n * 10 + (unsigned long)(*text++ - '0');
	return n;
}

/* " NAME=LETTERS", or nothing when no flag with a letter is set. */
static size_t append_flags(char *buf, size_t size, const char *name, unsigned long flags)
{
	char letters[sizeof taint_letters];
	size_t n = 0;
	for (size_t bit = 0; bit < sizeof taint_letters - 1; bit++)
		if (flags & (1ul << bit))
			letters[n++] = taint_letters[bit];
	letters[n] = '\0';
	return n ? format(buf, size, " %s=%s", name, letters) : 0;
}

size_t format_status_line(char *buf, size_t size, int code, unsigned long before,
			  unsigned long after)
{
	size_t len = format(buf, size, "init: exit status %d", code);
	len += append_flags(buf + len, size - len, "taint", after);
	len += append_flags(buf + len, size - len, "new", after & ~before);
	return len + format(buf + len, size - len, "\n");
}
