/* Fuzz target: init/moddep.c, the readers of depmod's text indexes that
 * stage 1 runs as PID 1. The input is three texts separated by NUL bytes
 * (modules.dep, modules.softdep, modules.alias), walked the way stage 1
 * walks them. Every span must lie inside its text, every word be blank-free
 * and non-empty, and every loop end. */
#include "fuzz.h"
#include "moddep.h"

static void check_in(struct span s, const char *text, size_t len, const char *what)
{
	FUZZ_ASSERT(s.p >= text && s.p + s.n <= text + len, "%s outside its text", what);
}

static void check_words(struct span s, const char *text, size_t len)
{
	struct span word;
	size_t guard = 0;
	while (span_next_word(&s, &word)) {
		check_in(word, text, len, "a word");
		FUZZ_ASSERT(memchr(word.p, ' ', word.n) == NULL && word.n > 0, "a bad word");
		FUZZ_ASSERT(++guard <= len + 1, "span_next_word does not move on");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *all = fuzz_string(data, size), *texts[3];
	size_t used = 0;
	for (int i = 0; i < 3; i++) {
		texts[i] = all + (used < size ? used : size);
		used += strlen(texts[i]) + 1;
	}
	const char *dep = texts[0], *softdep = texts[1], *alias = texts[2];
	size_t dlen = strlen(dep), slen = strlen(softdep), alen = strlen(alias);
	struct span path, deps, pre, module, found_path, found_deps;
	char name[64], copy[64];
	size_t lines = 0;
	for (const char *c = dep; moddep_next(&c, &path, &deps);) {
		FUZZ_ASSERT(++lines <= dlen + 1, "moddep_next does not move on");
		check_in(path, dep, dlen, "a path");
		check_in(deps, dep, dlen, "a dependency list");
		check_words(deps, dep, dlen);
		module_name(path, name, sizeof name);
		FUZZ_ASSERT(strlen(name) < sizeof name && !strchr(name, '-'), "a bad name '%s'", name);
		span_copy(path, copy, sizeof copy);
		FUZZ_ASSERT(strlen(copy) < sizeof copy, "span_copy overflows");
		if (*name)
			FUZZ_ASSERT(moddep_find(dep, name, &found_path, &found_deps),
				    "moddep_find misses '%s', which moddep_next found", name);
		size_t n = 0;
		for (const char *s = softdep; softdep_next_pre(&s, name, &pre);) {
			FUZZ_ASSERT(++n <= slen + 1, "softdep_next_pre does not move on");
			check_in(pre, softdep, slen, "a pre: list");
			check_words(pre, softdep, slen);
		}
		n = 0;
		for (const char *a = alias; alias_next(&a, name, &module);) {
			FUZZ_ASSERT(++n <= alen + 1, "alias_next does not move on");
			check_in(module, alias, alen, "an alias's module");
		}
	}
	free(all);
	return 0;
}
