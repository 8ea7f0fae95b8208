/* libFuzzer target: mkrootfs's --add SRC:DEST parsing (parse_add_spec).
 * Either it fails with an "--add ..." message and allocates nothing, or
 * SRC is a non-empty prefix of the argument ending at a ':' and DEST is a
 * normalised absolute path. Leaks are caught by LeakSanitizer. */
#include "fuzz.h"
#include "parse.h"
#include "util.h"

static void check_success(const char *arg, const char *src, const char *dest)
{
	size_t n = strlen(src);
	FUZZ_ASSERT(n > 0, "\"%s\": empty SRC accepted", arg);
	FUZZ_ASSERT(!strncmp(arg, src, n) && arg[n] == ':',
		    "\"%s\": SRC \"%s\" is not the part before a ':'", arg, src);
	FUZZ_ASSERT(dest[0] == '/', "\"%s\": DEST \"%s\" is not absolute", arg, dest);
	const char *why;
	char *again = normalize_image_path(dest, &why);
	FUZZ_ASSERT(again && !strcmp(again, dest), "\"%s\": DEST \"%s\" is not normalised", arg, dest);
	free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *arg = fuzz_string(data, size);
	char *src = NULL, *dest = NULL, err[ERRLEN] = "";

	if (parse_add_spec(arg, &src, &dest, err) == 0) {
		FUZZ_ASSERT(src && dest, "\"%s\": success without SRC and DEST", arg);
		check_success(arg, src, dest);
	} else {
		FUZZ_ASSERT(!src && !dest, "\"%s\": failure left SRC or DEST allocated", arg);
		FUZZ_ASSERT(!strncmp(err, "--add ", 6), "\"%s\": message \"%s\" does not name --add",
			    arg, err);
	}
	free(src);
	free(dest);
	free(arg);
	return 0;
}
