/* Reading depmod's text indexes without copying them: every result points
 * into the buffer the index was read into. */
#include "moddep.h"

#include <string.h>

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

void span_copy(struct span s, char *out, size_t size)
{
	size_t n = s.n < size ? s.n : size - 1;
	memcpy(out, s.p, n);
	out[n] = '\0';
}

bool span_next_word(struct span *s, struct span *word)
{
	while (s->n && is_blank(*s->p))
		s->p++, s->n--;
	word->p = s->p;
	while (s->n && !is_blank(*s->p))
		s->p++, s->n--;
	word->n = (size_t)(s->p - word->p);
	return word->n > 0;
}

static char unify(char c)
{
	return c == '-' ? '_' : c;
}

void module_name(struct span path, char *out, size_t size)
{
	const char *slash = memrchr(path.p, '/', path.n);
	const char *start = slash ? slash + 1 : path.p;
	size_t n = (size_t)(path.p + path.n - start), i;
	const char *dot = memchr(start, '.', n);
	if (dot)
		n = (size_t)(dot - start);
	for (i = 0; i < n && i + 1 < size; i++)
		out[i] = unify(start[i]);
	if (size)
		out[i] = '\0';
}

static bool same_name(struct span word, const char *name)
{
	size_t i;
	for (i = 0; i < word.n && name[i]; i++)
		if (unify(word.p[i]) != unify(name[i]))
			return false;
	return i == word.n && !name[i];
}

/* The next line of text after *cursor, without its newline. */
static bool next_line(const char **cursor, struct span *line)
{
	const char *p = *cursor;
	if (!*p)
		return false;
	const char *end = strchr(p, '\n');
	line->p = p;
	line->n = end ? (size_t)(end - p) : strlen(p);
	*cursor = end ? end + 1 : p + line->n;
	return true;
}

bool moddep_next(const char **cursor, struct span *path, struct span *deps)
{
	struct span line;
	while (next_line(cursor, &line)) {
		const char *colon = memchr(line.p, ':', line.n);
		if (!colon || colon == line.p)
			continue;
		*path = (struct span){ line.p, (size_t)(colon - line.p) };
		*deps = (struct span){ colon + 1, line.n - path->n - 1 };
		return true;
	}
	return false;
}

bool moddep_find(const char *dep, const char *name, struct span *path, struct span *deps)
{
	char found[64];
	while (moddep_next(&dep, path, deps)) {
		module_name(*path, found, sizeof found);
		if (same_name((struct span){ found, strlen(found) }, name))
			return true;
	}
	return false;
}

/* The next line whose first two words are KEYWORD and NAME; *rest is the
 * remainder of the line. */
static bool next_entry(const char **cursor, const char *keyword, const char *name,
		       struct span *rest)
{
	struct span line, word;
	while (next_line(cursor, &line)) {
		if (span_next_word(&line, &word) && same_name(word, keyword) &&
		    span_next_word(&line, &word) && same_name(word, name)) {
			*rest = line;
			return true;
		}
	}
	return false;
}

bool softdep_next_pre(const char **cursor, const char *name, struct span *pre)
{
	struct span rest, word;
	while (next_entry(cursor, "softdep", name, &rest)) {
		bool in_pre = false;
		pre->n = 0;
		while (span_next_word(&rest, &word)) {
			if (word.n > 0 && word.p[word.n - 1] == ':') {
				in_pre = word.n == 4 && !strncmp(word.p, "pre:", 4);
				continue;
			}
			if (in_pre && !pre->n)
				pre->p = word.p;
			if (in_pre)
				pre->n = (size_t)(word.p + word.n - pre->p);
		}
		if (pre->n)
			return true;
	}
	return false;
}

bool alias_next(const char **cursor, const char *alias, struct span *module)
{
	struct span rest;
	/* '-' and '_' alike, as kmod normalises aliases too. */
	while (next_entry(cursor, "alias", alias, &rest))
		if (span_next_word(&rest, module))
			return true;
	return false;
}

/* Greedy, with one point to go back to: enough for '*' alone, in time
 * linear in the pattern times the text (modalias patterns have no '?'). */
bool glob_matches(struct span pattern, const char *s)
{
	const char *p = pattern.p, *end = p + pattern.n, *star = NULL, *retry = s;
	while (*s) {
		if (p < end && *p == '*') {
			star = ++p;
			retry = s;
		} else if (p < end && *p == *s) {
			p++, s++;
		} else if (star) {
			p = star;
			s = ++retry;
		} else {
			return false;
		}
	}
	while (p < end && *p == '*')
		p++;
	return p == end;
}

bool lacks_cpu_features(const char *alias, const char *name, const char *cpu)
{
	struct span line, word, pattern, module;
	bool has_cpu_alias = false;
	while (next_line(&alias, &line)) {
		if (span_next_word(&line, &word) && same_name(word, "alias") &&
		    span_next_word(&line, &pattern) && pattern.n > 4 && !strncmp(pattern.p, "cpu:", 4) &&
		    span_next_word(&line, &module) && same_name(module, name)) {
			if (glob_matches(pattern, cpu))
				return false;
			has_cpu_alias = true;
		}
	}
	return has_cpu_alias;
}
