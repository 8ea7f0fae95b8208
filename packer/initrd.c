/* initrd.c - choosing the stage-1 modules with kmod itself: no resolver
 * of our own. `modprobe -d STAGING -S VERSION --show-depends NAME` prints
 * "insmod PATH" for each module to load (softdeps included) and
 * "builtin NAME" for what the kernel has built in. */
#include "initrd.h"
#include "run.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const nvme[] = { "nvme", "ext4", NULL };
static const char *const virtio[] = { "virtio_pci", "virtio_blk", "ext4", NULL };
static const char *const ide[] = { "ata_piix", "sd_mod", "ext4", NULL };

const char *const *initrd_disk_modules(const char *disk)
{
	if (!strcmp(disk, "nvme"))
		return nvme;
	if (!strcmp(disk, "virtio"))
		return virtio;
	if (!strcmp(disk, "ide"))
		return ide;
	return NULL;
}

/* The module at src in full's tree, moved into small's (the full tree is
 * removed first): a file decompressed into the staging directory is
 * renamed, the user's own file (behind the staging links) is linked. */
static int move_module(const struct modules_tree *full, const char *src, const char *dst)
{
	char *real = realpath(src, NULL);
	size_t n = strlen(full->staging);
	int rc;

	if (!real)
		return -1;
	if (!strncmp(real, full->staging, n) && real[n] == '/')
		rc = rename(src, dst);
	else
		rc = symlink(real, dst);
	free(real);
	return rc;
}

static int link_module(const struct modules_tree *full, const struct modules_tree *small,
		       const char *rel)
{
	char *src = xasprintf("%s/%s", full->dir, rel);
	char *dst = xasprintf("%s/%s", small->dir, rel);
	int rc = 0;

	for (char *p = dst + strlen(small->dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(dst, 0755) < 0 && errno != EEXIST)
			rc = -1;
		*p = '/';
	}
	if (rc == 0 && access(dst, F_OK) < 0 && move_module(full, src, dst) < 0)
		rc = -1;
	if (rc < 0)
		errorf("staging %s: %s", dst, strerror(errno));
	free(src);
	free(dst);
	return rc;
}

/* Each "insmod PATH" line of modprobe's output; *count of them. */
static int link_listed(const struct modules_tree *full, const struct modules_tree *small,
		       char *out, size_t *count)
{
	size_t prefix = strlen(full->dir) + 1;

	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		char *path = line + 7;

		if (strncmp(line, "insmod ", 7))
			continue;
		path[strcspn(path, " ")] = '\0';
		if (strncmp(path, full->dir, prefix - 1) || path[prefix - 1] != '/') {
			errorf("modprobe listed %s, outside the staged tree", path);
			return -1;
		}
		if (link_module(full, small, path + prefix) < 0)
			return -1;
		++*count;
	}
	return 0;
}

static int show_depends(const char *modprobe, const struct modules_tree *full,
			const struct modules_tree *small, const char *name, const char *disk,
			size_t *count, const char *origin)
{
	char *argv[] = { (char *)modprobe, "-d", full->staging, "-S", full->version,
			 "--show-depends", (char *)name, NULL };
	char *err = NULL, *out;
	int code = 0, rc = 0;

	out = run_program(argv, "modprobe --show-depends", &err, &code);
	if (!out)
		return -1;
	if (code) {
		if (!disk)
			errorf("%s: kernel %s has no module %s (--with-module) and modules.builtin "
			       "does not list it", origin, full->version, name);
		else
			errorf("%s: kernel %s has no module %s (needed for the root%s%s%s) and "
			       "modules.builtin does not list it", origin, full->version, name,
			       strcmp(name, "ext4") ? " on --disk " : "",
			       strcmp(name, "ext4") ? disk : "", strcmp(name, "ext4") ? "" : "'s file system");
		rc = -1;
	} else {
		rc = link_listed(full, small, out, count);
	}
	free(out);
	free(err);
	return rc;
}

/* modules.builtin (and .modinfo) as they are, modules.order cut to the
 * modules chosen: the indexes depmod makes from them are then complete. */
static int add_index_inputs(const struct modules_tree *full, const struct modules_tree *small)
{
	static const char *const whole[] = { "modules.builtin", "modules.builtin.modinfo" };
	char *src = xasprintf("%s/modules.order", full->dir), *dst = NULL, line[4096];
	FILE *in = fopen(src, "r"), *out = NULL;
	int rc = 0;

	for (size_t i = 0; i < sizeof(whole) / sizeof(whole[0]) && rc == 0; i++) {
		char *path = xasprintf("%s/%s", full->dir, whole[i]);

		if (access(path, F_OK) == 0)
			rc = link_module(full, small, whole[i]);
		free(path);
	}
	if (in && rc == 0) {
		dst = xasprintf("%s/modules.order", small->dir);
		if (!(out = fopen(dst, "w")))
			rc = -1;
		while (out && fgets(line, sizeof(line), in)) {
			char *mod = xasprintf("%s/%.*s", small->dir, (int)strcspn(line, "\n"), line);

			if (access(mod, F_OK) == 0)
				fputs(line, out);
			free(mod);
		}
		if (out && fclose(out) != 0)
			rc = -1;
		if (rc < 0)
			errorf("writing %s: %s", dst, strerror(errno));
	}
	if (in)
		fclose(in);
	free(src);
	free(dst);
	return rc;
}

/* --with-module's comma-separated names, each with its dependencies. */
static int select_more(const char *modprobe, const struct modules_tree *full,
		       const struct modules_tree *small, const char *more, size_t *count,
		       const char *origin)
{
	char *names = xstrdup(more), *rest = names, *name;
	int rc = 0;

	while (rc == 0 && (name = strsep(&rest, ",")))
		if (*name)
			rc = show_depends(modprobe, full, small, name, NULL, count, origin);
	free(names);
	return rc;
}

int initrd_select(const struct modules_tree *full, const char *disk, const char *more,
		  struct modules_tree *small, const char *origin)
{
	const char *const *names = initrd_disk_modules(disk);
	char *modprobe = modules_tool("modprobe");
	size_t count = 0;
	int rc = -1;

	if (!modprobe || modules_stage_empty(full->version, small) < 0)
		goto out;
	for (size_t i = 0; names[i]; i++)
		if (show_depends(modprobe, full, small, names[i], disk, &count, origin) < 0)
			goto out;
	if (more && select_more(modprobe, full, small, more, &count, origin) < 0)
		goto out;
	if (!count) {
		if (verbosity > 0)
			printf("mkrootfs: kernel %s has the root's drivers built in (--disk %s and "
			       "ext4): it needs no initramfs, none written\n", full->version, disk);
		rc = 1;
		goto out;
	}
	rc = add_index_inputs(full, small) < 0 ? -1 : modules_index(small, origin);
out:
	free(modprobe);
	return rc;
}

void initrd_add_base(struct manifest *m)
{
	static const char *const dirs[] = { "/dev", "/proc", "/sys", "/run" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		manifest_add(m, E_DIR, dirs[i], 0755, "the initramfs layout");
	/* the kernel opens it as init's stdin, stdout and stderr */
	manifest_add_node(m, E_CHAR, "/dev/console", 0600, 5, 1, "the initramfs layout");
}
