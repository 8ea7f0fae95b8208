/* parse.c - pure parsing of command-line values. */
#include "parse.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {
	[KIND_EXT2] = "ext2", [KIND_EXT3] = "ext3",
	[KIND_EXT4] = "ext4", [KIND_CPIO] = "cpio",
};

int parse_kind(const char *s, enum image_kind *kind)
{
	for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++) {
		if (strcmp(s, kind_names[i]) == 0) {
			*kind = (enum image_kind)i;
			return 0;
		}
	}
	return -1;
}

const char *kind_name(enum image_kind kind)
{
	return kind_names[kind];
}

static int unit_shift(char c)
{
	switch (toupper((unsigned char)c)) {
	case 'K': return 10;
	case 'M': return 20;
	case 'G': return 30;
	case 'T': return 40;
	default: return -1;
	}
}

int parse_size(const char *s, uint64_t *bytes, const char **why)
{
	uint64_t n = 0;
	const char *p = s;
	int shift = 0;

	*why = "not a size (use a number with an optional K, M, G or T suffix)";
	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		if (n > (UINT64_MAX - 9) / 10)
			return *why = "too large", -1;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (*p) {
		shift = unit_shift(*p++);
		if (shift < 0)
			return -1;
		if (strcmp(p, "iB") == 0)
			p += 2;
		if (*p)
			return -1;
	}
	if (n == 0)
		return *why = "must be more than zero", -1;
	if (n > (MAX_IMAGE_BYTES >> shift))
		return *why = "too large (the limit is 16T)", -1;
	*bytes = n << shift;
	return 0;
}

/* Append one checked name to out; *why set on failure. */
static int append_name(char *out, size_t *len, const char *name, size_t n,
		       const char **why)
{
	if (n == 2 && name[0] == '.' && name[1] == '.')
		return *why = "has a '..' component (paths may not leave the image root)", -1;
	if (n > 255)
		return *why = "has a name longer than 255 bytes", -1;
	out[(*len)++] = '/';
	memcpy(out + *len, name, n);
	*len += n;
	out[*len] = '\0';
	return 0;
}

char *normalize_image_path(const char *path, const char **why)
{
	size_t len = 0;
	char *out;

	if (!*path)
		return *why = "is empty", NULL;
	if (*path != '/')
		return *why = "is not an absolute path (it must start with '/')", NULL;
	out = xmalloc(strlen(path) + 2);
	out[0] = '\0';
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, "/");

		if (n && !(n == 1 && *p == '.') && append_name(out, &len, p, n, why) < 0) {
			free(out);
			return NULL;
		}
		p += n;
		p += strspn(p, "/");
	}
	if (len == 0)
		strcpy(out, "/");
	return out;
}

char *path_basename(const char *path)
{
	size_t end = strlen(path), start;

	while (end > 1 && path[end - 1] == '/')
		end--;
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	return xasprintf("%.*s", (int)(end - start), path + start);
}

/* The ':' that separates SRC from DEST: the last one followed by '/',
 * else the last one at all (so a relative DEST gets a precise error). */
static const char *find_separator(const char *arg)
{
	const char *sep = NULL, *any = strrchr(arg, ':');

	for (const char *p = strchr(arg, ':'); p; p = strchr(p + 1, ':'))
		if (p[1] == '/')
			sep = p;
	return sep ? sep : any;
}

int parse_add_spec(const char *arg, char **src, char **dest, char *err)
{
	const char *sep = find_separator(arg), *why;
	char *want, *name;

	if (!sep)
		return seterr(err, "--add %s: expected SRC:DEST", arg);
	if (sep == arg)
		return seterr(err, "--add %s: SRC is empty", arg);
	*src = xasprintf("%.*s", (int)(sep - arg), arg);
	want = xstrdup(sep + 1);
	if (*want && want[strlen(want) - 1] == '/') {
		name = path_basename(*src);
		want = xrealloc(want, strlen(want) + strlen(name) + 1);
		strcat(want, name);
		free(name);
	}
	*dest = normalize_image_path(want, &why);
	if (!*dest) {
		seterr(err, "--add %s: DEST '%s' %s", arg, sep + 1, why);
		free(*src);
		*src = NULL;
	}
	free(want);
	return *dest ? 0 : -1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int parse_uuid(const char *s, uint8_t uuid[16])
{
	int n = 0;

	if (strlen(s) != 36)
		return -1;
	for (int i = 0; i < 36; i++) {
		int hi, lo;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -1;
			continue;
		}
		hi = hexval(s[i]);
		lo = hexval(s[++i]);
		if (hi < 0 || lo < 0)
			return -1;
		uuid[n++] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void format_uuid(const uint8_t u[16], char out[37])
{
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4],
		 u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
		 u[14], u[15]);
}

int parse_epoch(const char *s, uint32_t *epoch)
{
	uint64_t n = 0;

	if (!*s)
		return -1;
	for (const char *p = s; *p; p++) {
		if (!isdigit((unsigned char)*p) || n > 0x7fffffff)
			return -1;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (n < 1 || n > 0x7fffffff)
		return -1;
	*epoch = (uint32_t)n;
	return 0;
}

#define DEFAULT_PROGRAM_DIR "/usr/bin/"

int parse_program_spec(const char *spec, char **src, char **dest, char *err)
{
	const char *why;
	char *name, *want;

	if (strstr(spec, ":/")) {
		char why_add[ERRLEN];

		if (parse_add_spec(spec, src, dest, why_add) == 0)
			return 0;
		/* its message names --add */
		return seterr(err, "--add-program%s", why_add + strlen("--add"));
	}
	if (!*spec)
		return seterr(err, "--add-program: the path is empty");
	*src = xstrdup(spec);
	name = path_basename(spec);
	want = xasprintf(DEFAULT_PROGRAM_DIR "%s", name);
	*dest = normalize_image_path(want, &why);
	free(want);
	free(name);
	if (*dest)
		return 0;
	free(*src);
	*src = NULL;
	return seterr(err, "--add-program %s: the program's name %s", spec, why);
}

char *join_image_path(const char *dir, const char *rel)
{
	char *out = xmalloc(strlen(dir) + strlen(rel) + 3);
	size_t len = 0;
	char *whole = rel[0] == '/' ? xstrdup(rel) : xasprintf("%s/%s", dir, rel);

	for (const char *p = whole; *p;) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (len > 0 && out[--len] != '/')
				;
		} else if (n && !(n == 1 && *p == '.')) {
			out[len++] = '/';
			memcpy(out + len, p, n);
			len += n;
		}
		p += n;
		p += strspn(p, "/");
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	free(whole);
	return out;
}
