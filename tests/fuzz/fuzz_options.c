/* libFuzzer target: mkrootfs's whole command line (packer/options.c), so
 * -s/--size and --add go through getopt_long as a user types them. The
 * input is the argument list, arguments separated by NUL bytes. Either the
 * parse fails with a message, or the options obey the documented rules. */
#include "fuzz.h"
#include "options.h"
#include "util.h"

#define MAX_ARGS 64

static void check_sources(const struct options *o)
{
	for (size_t i = 0; i < o->nsources; i++) {
		const struct source_arg *s = &o->sources[i];
		FUZZ_ASSERT(s->src && *s->src, "source %zu has an empty SRC", i);
		/* --add-list FILE: its lines' destinations are read when the image
		 * is made; the option itself has none. */
		if (s->list)
			FUZZ_ASSERT(!s->dest, "source %zu: --add-list with a DEST", i);
		else
			FUZZ_ASSERT(s->dest && s->dest[0] == '/', "source %zu: DEST \"%s\" not absolute", i,
				    s->dest ? s->dest : "(null)");
		const char *opt = s->list ? "--add-list " : s->overlay ? "--overlay "
				  : s->program ? "--add-program " : "--add ";

		FUZZ_ASSERT(!strncmp(s->origin, opt, strlen(opt)) &&
			    s->overlay + s->program + s->list <= 1,
			    "source %zu: origin \"%s\"", i, s->origin);
	}
}

static void check_accepted(const struct options *o)
{
	if (o->help || o->version)
		return;
	if (o->list_deps || o->copy_out) {
		FUZZ_ASSERT(!o->output && !o->update && !o->nsources && !(o->list_deps && o->copy_out),
			    "--list-program-deps or --copy-out accepted with image options");
		return;
	}
	FUZZ_ASSERT(!o->output != !o->update, "accepted with both or neither of -o and --update");
	FUZZ_ASSERT(o->size > 0 && o->size <= MAX_IMAGE_BYTES, "size %llu out of range",
		    (unsigned long long)o->size);
	FUZZ_ASSERT(!(o->kind == KIND_CPIO && o->size_given), "--size accepted for cpio");
	FUZZ_ASSERT(!(o->update && o->size_given), "--size accepted with --update");
	check_sources(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *argv[MAX_ARGS + 2], err[ERRLEN] = "";
	int argc = 0;
	struct options o;

	if (!buf)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[argc++] = "mkrootfs";
	for (char *p = buf; p <= buf + size && argc <= MAX_ARGS; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;

	if (options_parse(argc, argv, &o, err) == 0)
		check_accepted(&o);
	else
		FUZZ_ASSERT(err[0], "refused without a message");
	options_free(&o);
	free(buf);
	return 0;
}
