#include "request.h"

#include <string.h>

uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

size_t request_count_strings(const char *buf, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += buf[i] == '\0';
	return n;
}

struct cursor {
	char *p, *end;
};

/* The next string, or NULL when the payload ends (or ends unterminated). */
static char *next_string(struct cursor *c)
{
	if (c->p >= c->end)
		return NULL;
	char *s = c->p, *nul = memchr(s, '\0', (size_t)(c->end - s));
	if (!nul)
		return NULL;
	c->p = nul + 1;
	return s;
}

static const char *parse_mount(struct cursor *c, struct request *rq)
{
	char *flags = next_string(c), *uuid = next_string(c), *subdir = next_string(c),
	     *dir = next_string(c);
	if (!dir)
		return "a mount record is cut short";
	if (rq->nmounts == REQUEST_MAX_MOUNTS)
		return "too many disks to mount";
	if (strcmp(flags, "ro") && strcmp(flags, "rw"))
		return "a mount record's flags are neither ro nor rw";
	if (dir[0] != '/' || !*uuid)
		return "a mount record needs a UUID and an absolute directory";
	rq->mounts[rq->nmounts++] = (struct mount_request){ !strcmp(flags, "ro"), uuid, subdir, dir };
	return NULL;
}

const char *request_parse(char *buf, size_t len, struct request *rq, char **slots,
			  size_t nslots)
{
	size_t half = nslots / 2;
	struct cursor c = { buf, buf + len };
	memset(rq, 0, sizeof *rq);
	rq->argv = slots;
	rq->opts = slots + half;
	if (len && buf[len - 1] != '\0')
		return "the payload does not end with a NUL byte";
	for (char *tag; (tag = next_string(&c));) {
		const char *problem = NULL;
		char *word;
		if (!strcmp(tag, "arg") || !strcmp(tag, "opt")) {
			bool is_arg = tag[0] == 'a';
			if (!(word = next_string(&c)))
				return "an arg or opt record has no value";
			int *n = is_arg ? &rq->argc : &rq->nopts;
			if ((size_t)*n + 1 >= half)
				return "more strings than slots";
			(is_arg ? rq->argv : rq->opts)[(*n)++] = word;
		} else if (!strcmp(tag, "mount")) {
			problem = parse_mount(&c, rq);
		} else if (!strcmp(tag, "file")) {
			rq->file = next_string(&c);
			if (!(rq->file_content = next_string(&c)) || rq->file[0] != '/')
				return "a file record needs an absolute path and content";
		} else if (!strcmp(tag, "stdin")) {
			rq->stdin_follows = true;
		} else if (!strcmp(tag, "rawout")) {
			rq->raw_output = true;
		} else {
			return "an unknown record";
		}
		if (problem)
			return problem;
	}
	rq->argv[rq->argc] = NULL;
	rq->opts[rq->nopts] = NULL;
	return NULL;
}
