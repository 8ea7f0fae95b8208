/* mounted.c - mount checks from /proc/self/mountinfo, /sys/block/loop*
 * and libext2fs's own test. */
#include "ext/mounted.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <ext2fs/ext2fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#define MAX_LOOPS 64

struct loop_set {
	dev_t dev[MAX_LOOPS];
	size_t n;
};

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

static int same_file(const char *path, const struct stat *img)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       st.st_dev == img->st_dev && st.st_ino == img->st_ino;
}

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int ok;

	if (!f)
		return -1;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Loop devices whose backing file is the image. */
static void find_loops(const struct stat *img, struct loop_set *loops)
{
	DIR *d = opendir("/sys/block");
	struct dirent *de;

	loops->n = 0;
	if (!d)
		return;
	while ((de = readdir(d)) && loops->n < MAX_LOOPS) {
		char path[300], backing[4096];
		unsigned maj, min;

		if (strncmp(de->d_name, "loop", 4) != 0)
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/loop/backing_file", de->d_name);
		if (read_line(path, backing, sizeof(backing)) < 0 || !same_file(backing, img))
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/dev", de->d_name);
		if (read_line(path, backing, sizeof(backing)) == 0 &&
		    sscanf(backing, "%u:%u", &maj, &min) == 2)
			loops->dev[loops->n++] = makedev(maj, min);
	}
	closedir(d);
}

/* One mountinfo line: "id parent maj:min root mountpoint opts [tags] - type source super". */
static int line_mounts_image(char *line, const struct stat *img,
			     const struct loop_set *loops, char *where, size_t len)
{
	char *fields[6], *save = NULL, *dash = strstr(line, " - ");
	char *source, *tok = strtok_r(line, " ", &save);
	unsigned maj, min;
	int n = 0;

	if (!dash)
		return 0;
	for (; tok && n < 6 && tok < dash; tok = strtok_r(NULL, " ", &save))
		fields[n++] = tok;
	if (n < 5 || sscanf(fields[2], "%u:%u", &maj, &min) != 2)
		return 0;
	unescape(fields[4]);
	for (size_t i = 0; i < loops->n; i++) {
		if (loops->dev[i] == makedev(maj, min)) {
			snprintf(where, len, "at %s through a loop device", fields[4]);
			return 1;
		}
	}
	strtok_r(dash + 3, " ", &save);		/* file system type */
	source = strtok_r(NULL, " \n", &save);
	if (source && *source == '/') {
		unescape(source);
		if (same_file(source, img)) {
			snprintf(where, len, "at %s", fields[4]);
			return 1;
		}
	}
	return 0;
}

static int mountinfo_mentions(const struct stat *img, const struct loop_set *loops,
			      char *where, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	int found = 0;

	if (!f)
		return -1;
	while (!found && getline(&line, &cap, f) > 0)
		found = line_mounts_image(line, img, loops, where, len);
	free(line);
	fclose(f);
	return found;
}

int image_is_mounted(const char *image, char *where, size_t len)
{
	struct loop_set loops;
	struct stat img;
	int flags = 0, found;

	if (stat(image, &img) < 0)
		return -1;
	find_loops(&img, &loops);
	found = mountinfo_mentions(&img, &loops, where, len);
	if (found == 1)
		return 1;
	if (ext2fs_check_if_mounted(image, &flags) == 0 && (flags & EXT2_MF_MOUNTED)) {
		snprintf(where, len, "according to libext2fs");
		return 1;
	}
	return 0;
}
