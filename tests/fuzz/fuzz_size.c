/* libFuzzer target: mkrootfs's --size parsing (parse_size) and the image
 * path checks every DEST goes through (normalize_image_path). parse_size is
 * compared with a plain reference reading of the documented syntax:
 * digits, then optionally K, M, G or T (either case) and optionally "iB". */
#include "fuzz.h"
#include "parse.h"

#include <ctype.h>
#include <stdbool.h>

/* The reference: true and *bytes when s is a valid size. */
static bool reference_size(const char *s, uint64_t *bytes)
{
	unsigned __int128 n = 0;
	const char *p = s;
	int shift = 0;
	if (!isdigit((unsigned char)*p))
		return false;
	for (; isdigit((unsigned char)*p); p++) {
		n = n * 10 + (unsigned)(*p - '0');
		if (n > MAX_IMAGE_BYTES)
			n = (unsigned __int128)MAX_IMAGE_BYTES + 1; /* saturate: too large anyway */
	}
	const char *units = "KMGT", *u = *p ? strchr(units, toupper((unsigned char)*p)) : NULL;
	if (u) {
		shift = 10 * (int)(u - units + 1);
		p++;
		if (!strcmp(p, "iB"))
			p += 2;
	}
	if (*p || n == 0 || (n << shift) > MAX_IMAGE_BYTES)
		return false;
	*bytes = (uint64_t)(n << shift);
	return true;
}

static void check_size(const char *s)
{
	uint64_t got = 0, want = 0;
	const char *why = NULL;
	bool ok = parse_size(s, &got, &why) == 0, valid = reference_size(s, &want);
	FUZZ_ASSERT(ok == valid, "parse_size(\"%s\") %s, the reference %s", s,
		    ok ? "accepts" : "refuses", valid ? "accepts" : "refuses");
	if (ok)
		FUZZ_ASSERT(got == want, "parse_size(\"%s\") = %llu, want %llu", s,
			    (unsigned long long)got, (unsigned long long)want);
	else
		FUZZ_ASSERT(why && *why, "parse_size(\"%s\") refused without a reason", s);
}

/* A normalised path: absolute, no empty, "." or ".." component, no name
 * over 255 bytes, no trailing '/' (but "/"). */
static void check_normal_form(const char *in, const char *out)
{
	FUZZ_ASSERT(out[0] == '/', "\"%s\" -> \"%s\" is not absolute", in, out);
	if (!strcmp(out, "/"))
		return;
	for (const char *p = out; *p == '/'; ) {
		size_t n = strcspn(p + 1, "/");
		FUZZ_ASSERT(n > 0, "\"%s\" -> \"%s\" has an empty component", in, out);
		FUZZ_ASSERT(n <= 255, "\"%s\" -> \"%s\" has a name over 255 bytes", in, out);
		FUZZ_ASSERT(!(n == 1 && p[1] == '.') && !(n == 2 && p[1] == '.' && p[2] == '.'),
			    "\"%s\" -> \"%s\" has a . or .. component", in, out);
		p += 1 + n;
		FUZZ_ASSERT(*p == '/' || *p == '\0', "bad character after a component");
	}
}

static void check_path(const char *s)
{
	const char *why = NULL;
	char *out = normalize_image_path(s, &why);
	if (!out) {
		FUZZ_ASSERT(why && *why, "normalize_image_path(\"%s\") refused without a reason", s);
		return;
	}
	check_normal_form(s, out);
	char *again = normalize_image_path(out, &why);
	FUZZ_ASSERT(again && !strcmp(again, out), "normalising \"%s\" twice changes it", s);
	free(again);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	check_size(s);
	check_path(s);
	free(s);
	return 0;
}
