/* ext_plan.c - upper bounds on the space a manifest takes. */
#include "ext/ext_plan.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* A fast symlink keeps its target in the inode's 60-byte block array. */
#define FAST_SYMLINK_MAX 59
/* Longest directory record: 8-byte header + 255-byte name, rounded to 4. */
#define MAX_DIRENT 264
/* Initialised extents cover at most 32768 blocks; an inode holds 4. */
#define EXTENT_MAX_BLOCKS 32768
#define EXTENTS_IN_INODE 4

static uint64_t div_up(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

static uint64_t indirect_blocks(uint64_t n, uint64_t per)
{
	uint64_t extra = 0;

	if (n <= 12)
		return 0;
	n -= 12;
	extra += 1;			/* single indirect */
	if (n <= per)
		return extra;
	n -= per;
	if (n <= per * per)		/* double: one top block + leaves */
		return extra + 1 + div_up(n, per);
	extra += 1 + per;
	n -= per * per;			/* triple */
	return extra + 1 + div_up(n, per * per) + div_up(n, per);
}

static uint64_t extent_blocks(uint64_t n, unsigned blocksize)
{
	/* Twice the minimum: allocation may be cut by metadata of other
	 * groups. Index blocks hold (blocksize - 12) / 12 entries. */
	uint64_t extents = 2 * div_up(n, EXTENT_MAX_BLOCKS) + 1;

	if (n == 0 || extents <= EXTENTS_IN_INODE)
		return 0;
	return div_up(extents, (blocksize - 12) / 12) + 1;
}

uint64_t ext_file_blocks(uint64_t bytes, unsigned blocksize, int extents)
{
	uint64_t n = div_up(bytes, blocksize);

	if (extents)
		return n + extent_blocks(n, blocksize);
	return n + indirect_blocks(n, blocksize / 4);
}

uint64_t ext_dirent_size(size_t name_len)
{
	return (8 + name_len + 3) & ~(uint64_t)3;
}

uint64_t ext_dir_blocks(uint64_t record_bytes, unsigned blocksize, int extents,
			int dir_tail)
{
	uint64_t room = blocksize - (dir_tail ? 12 : 0);
	uint64_t total = 2 * ext_dirent_size(2) + record_bytes;
	uint64_t blocks;

	/* A record never straddles blocks, so a full block may waste up to
	 * one longest record. */
	if (total <= room)
		blocks = 1;
	else
		blocks = div_up(total, room - MAX_DIRENT);
	return ext_file_blocks(blocks * blocksize, blocksize, extents);
}

/* Index of each entry's parent directory; the manifest is sorted
 * depth-first, so the open directories form a stack. */
static size_t *parent_indexes(const struct manifest *m)
{
	size_t *parent = xcalloc(m->n, sizeof(*parent));
	size_t *stack = xcalloc(m->n, sizeof(*stack));
	size_t depth = 0;

	for (size_t i = 0; i < m->n; i++) {
		const char *p = m->e[i].path;

		while (depth) {
			const char *d = m->e[stack[depth - 1]].path;
			size_t dlen = strlen(d);

			if (strcmp(d, "/") == 0 || (strncmp(p, d, dlen) == 0 && p[dlen] == '/'))
				break;
			depth--;
		}
		parent[i] = depth ? stack[depth - 1] : i;
		if (m->e[i].type == E_DIR)
			stack[depth++] = i;
	}
	free(stack);
	return parent;
}

/* A file with holes: at most one block for each 512 bytes it occupies on
 * the host (its zero blocks and holes take none), each with up to three
 * mapping blocks (indirect) or its own extent. */
static uint64_t sparse_file_blocks(const struct entry *e, unsigned blocksize, int extents)
{
	uint64_t full = ext_file_blocks(e->size, blocksize, extents);
	uint64_t k = div_up(e->stored, 512), bound;

	if (k > div_up(e->size, blocksize))
		k = div_up(e->size, blocksize);
	bound = k + (extents ? div_up(2 * k + 1, (blocksize - 12) / 12) + 1 : 3 * k + 3);
	return bound < full ? bound : full;
}

void ext_estimate(const struct manifest *m, unsigned blocksize, int extents,
		  int dir_tail, struct ext_need *need)
{
	size_t *parent = parent_indexes(m);
	uint64_t *records = xcalloc(m->n, sizeof(*records));

	need->blocks = need->inodes = 0;
	for (size_t i = 0; i < m->n; i++) {
		const struct entry *e = &m->e[i];

		if (strcmp(e->path, "/") != 0)
			records[parent[i]] += ext_dirent_size(strlen(path_name(e->path)));
		if (strcmp(e->path, "/") == 0 || manifest_first_link(m, e) != e)
			continue;	/* the root's inode is reserved; hard links share one */
		need->inodes++;
		if (e->type == E_FILE && e->sparse)
			need->blocks += sparse_file_blocks(e, blocksize, extents);
		else if (e->type == E_FILE)
			need->blocks += ext_file_blocks(e->size, blocksize, extents);
		else if (e->type == E_SYMLINK && strlen(e->target) > FAST_SYMLINK_MAX)
			need->blocks += 1;
	}
	for (size_t i = 0; i < m->n; i++)
		if (m->e[i].type == E_DIR)
			need->blocks += ext_dir_blocks(records[i], blocksize, extents, dir_tail);
	free(records);
	free(parent);
}

void ext_with_room(const struct ext_need *need, unsigned blocksize, struct ext_need *roomy)
{
	roomy->blocks = need->blocks + need->blocks / 4 + EXT_ROOM_BYTES / blocksize;
	roomy->inodes = need->inodes + need->inodes / 4;
}
