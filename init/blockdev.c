/* Devices by name, and block devices found by what is on them: an ext2/3/4
 * file system's UUID, read from its superblock, names the disk whatever
 * order the kernel probed the disks in. Plain reads: no libblkid, no malloc. */
#include "init.h"
#include "format.h"

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define SUPERBLOCK_OFFSET 1024
#define SUPERBLOCK_SIZE 1024
#define MAGIC_AT 0x38 /* little-endian 0xEF53 */
#define UUID_AT 0x68

/* "ttyS1" -> "/dev/ttyS1", "nvme0n1" -> "/dev/nvme0n1"; a path is kept as it is. */
void device_path(const char *name, char *path, size_t size)
{
	format(path, size, "%s%s", name[0] == '/' ? "" : "/dev/", name);
}

static void format_uuid(const unsigned char *u, char out[37])
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*out++ = '-';
		*out++ = hex[u[i] >> 4];
		*out++ = hex[u[i] & 15];
	}
	*out = '\0';
}

bool read_ext_uuid(const char *device, char uuid[37])
{
	unsigned char sb[SUPERBLOCK_SIZE];
	int fd = open(device, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = pread(fd, sb, sizeof sb, SUPERBLOCK_OFFSET);
	close(fd);
	if (n != (ssize_t)sizeof sb || sb[MAGIC_AT] != 0x53 || sb[MAGIC_AT + 1] != 0xEF)
		return false;
	format_uuid(sb + UUID_AT, uuid);
	return true;
}

bool for_each_block_device(entry_fn *fn, void *ctx)
{
	int fd = open("/sys/class/block", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool stopped = for_each_entry(fd, fn, ctx);
	close(fd);
	return stopped;
}

struct uuid_search {
	const char *uuid;
	char *path;
	size_t size;
};

/* Hex digits and '-': setting bit 5 folds only the letters' case. */
static bool same_uuid(const char *a, const char *b)
{
	while (*a && (*a | 0x20) == (*b | 0x20))
		a++, b++;
	return !*a && !*b;
}

static bool has_uuid(int dirfd, const char *name, unsigned char type, void *ctx)
{
	(void)dirfd, (void)type;
	struct uuid_search *s = ctx;
	char found[37];
	device_path(name, s->path, s->size);
	return read_ext_uuid(s->path, found) && same_uuid(found, s->uuid);
}

bool find_block_device_by_uuid(const char *uuid, char *path, size_t size)
{
	struct uuid_search s = { uuid, path, size };
	if (for_each_block_device(has_uuid, &s))
		return true;
	if (size)
		*path = '\0';
	return false;
}
