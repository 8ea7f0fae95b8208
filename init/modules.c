/* Stage 1's modules: every module the initramfs carries, loaded with
 * finit_module in dependency order (modules.dep), each after the modules
 * its softdeps name first (modules.softdep "pre:", through modules.alias:
 * Debian's ext4 wants "crypto-crc32c"). A module that fails stops stage 1,
 * unless it is only a softdep or says ENODEV: crc32c-intel on a CPU without
 * SSE4.2 does, and the generic module beside it serves. */
#include "init.h"
#include "format.h"
#include "moddep.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#define MAX_MODULES 128
#define NAME_MAX_LEN 64

/* Paths are relative: stage 1 works in /lib/modules/RELEASE. */
struct loader {
	const char *dep, *softdep, *alias, *cpu;
	char seen[MAX_MODULES][NAME_MAX_LEN];
	int nseen;
	char *loaded;                /* "a b c": for the messages of stage 1 */
	size_t loaded_size;
};

static bool load_module(struct loader *l, const char *name, bool soft);

static bool seen_before(struct loader *l, const char *name)
{
	for (int i = 0; i < l->nseen; i++)
		if (!strcmp(l->seen[i], name))
			return true;
	if (l->nseen < MAX_MODULES)
		format(l->seen[l->nseen++], NAME_MAX_LEN, "%s", name);
	return false;
}

/* A softdep names a module or an alias; an alias may stand for several. */
static void load_softdeps(struct loader *l, const char *name)
{
	const char *cursor = l->softdep;
	struct span pre, word, module;
	char target[NAME_MAX_LEN], found[NAME_MAX_LEN];
	while (softdep_next_pre(&cursor, name, &pre)) {
		while (span_next_word(&pre, &word)) {
			span_copy(word, target, sizeof target);
			for (const char *a = l->alias; alias_next(&a, target, &module);) {
				module_name(module, found, sizeof found);
				load_module(l, found, true);
			}
			load_module(l, target, true); /* nothing when it is no module */
		}
	}
}

static bool insert(struct loader *l, const char *name, struct span path, bool soft)
{
	char file[256];
	/* crc32c-intel without SSE 4.2, as under TCG: its load fails, and the
	 * kernel's clean-up after a failed init waits for RCU (40 ms). */
	if (*l->cpu && lacks_cpu_features(l->alias, name, l->cpu))
		return true;
	span_copy(path, file, sizeof file);
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	/* Without async_probe: probes that run on while the next modules load
	 * would name disks (sda, vda) in the order they finish. */
	bool done = fd >= 0 && (syscall(SYS_finit_module, fd, "", 0) == 0 || errno == EEXIST);
	int err = errno;
	close(fd);
	if (done) {
		size_t len = strlen(l->loaded);
		format(l->loaded + len, l->loaded_size - len, "%s%s", len ? " " : "", name);
		return true;
	}
	errno = err;
	/* ENODEV: no hardware (or CPU feature) for it here, which is no reason
	 * to stop; if the root needed it, waiting for the root says so. */
	if (soft || err == ENODEV) {
		say("stage 1: skipping module %s: %s", name, strerror(err));
		return true;
	}
	complain_errno("error: stage 1: loading module %s", name);
	return false;
}

static bool load_module(struct loader *l, const char *name, bool soft)
{
	struct span path, deps, dep;
	char dep_name[NAME_MAX_LEN];
	if (seen_before(l, name) || !moddep_find(l->dep, name, &path, &deps))
		return true;
	load_softdeps(l, name);
	while (span_next_word(&deps, &dep)) {
		module_name(dep, dep_name, sizeof dep_name);
		if (!load_module(l, dep_name, soft))
			return false;
	}
	return insert(l, name, path, soft);
}

bool load_initramfs_modules(char *loaded, size_t size)
{
	static char dep[16384], softdep[8192], alias[65536], cpu[4096];
	static struct loader l;
	struct utsname u;
	char dir[128];
	*loaded = '\0';
	uname(&u);
	format(dir, sizeof dir, "/lib/modules/%s", u.release);
	if (chdir(dir) < 0 || !read_small_file("modules.dep", dep, sizeof dep))
		return true; /* no modules: nothing to load */
	/* Run once: an index that cannot be read stays empty. */
	read_small_file("modules.softdep", softdep, sizeof softdep);
	read_small_file("modules.alias", alias, sizeof alias);
	read_small_file("/sys/devices/system/cpu/modalias", cpu, sizeof cpu);
	l.dep = dep, l.softdep = softdep, l.alias = alias, l.cpu = cpu;
	l.loaded = loaded, l.loaded_size = size;
	struct span path, deps;
	char name[NAME_MAX_LEN];
	for (const char *cursor = dep; moddep_next(&cursor, &path, &deps);) {
		module_name(path, name, sizeof name);
		if (!load_module(&l, name, false))
			return false;
	}
	return true;
}
