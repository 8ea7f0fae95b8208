#include "format.h"

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len++] = c;
}

static void put_str(struct out *o, const char *s)
{
	for (s = s ? s : "(null)"; *s; s++)
		put(o, *s);
}

static void put_unsigned(struct out *o, unsigned long long v)
{
	char digits[24];
	int n = 0;
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (n)
		put(o, digits[--n]);
}

static void put_signed(struct out *o, long long v)
{
	if (v < 0) {
		put(o, '-');
		put_unsigned(o, 0ULL - (unsigned long long)v);
	} else {
		put_unsigned(o, (unsigned long long)v);
	}
}

size_t vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	for (; *fmt; fmt++) {
		if (*fmt != '%' || !fmt[1]) {
			put(&o, *fmt);
			continue;
		}
		switch (*++fmt) {
		case 's': put_str(&o, va_arg(ap, const char *)); break;
		case 'd': put_signed(&o, va_arg(ap, int)); break;
		case 'u': put_unsigned(&o, va_arg(ap, unsigned)); break;
		default: put(&o, *fmt); break; /* "%%", and anything unsupported */
		}
	}
	if (size)
		buf[o.len] = '\0';
	return o.len;
}

size_t format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t n = vformat(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
