/* The text indexes kmod's depmod writes: modules.dep, modules.softdep and
 * modules.alias, read in place from NUL-terminated buffers.
 * Pure logic, no system calls: unit tests link it directly. */
#ifndef MINROOT_MODDEP_H
#define MINROOT_MODDEP_H

#include <stdbool.h>
#include <stddef.h>

struct span {
	const char *p;
	size_t n;
};

/* The span as a NUL-terminated string, cut to fit size. */
void span_copy(struct span s, char *out, size_t size);

/* The next blank-separated word of *s, which moves past it; false at the end. */
bool span_next_word(struct span *s, struct span *word);

/* A module's name from its path: "kernel/fs/ext4/ext4.ko" -> "ext4", with
 * '-' read as '_' as the kernel does ("crc32c-intel" -> "crc32c_intel"). */
void module_name(struct span path, char *out, size_t size);

/* modules.dep: "PATH: DEP DEP...". The line of the module called name:
 * its path and its dependencies' paths (blank-separated). */
bool moddep_find(const char *dep, const char *name, struct span *path, struct span *deps);

/* The next line of modules.dep after *cursor (start with the text itself). */
bool moddep_next(const char **cursor, struct span *path, struct span *deps);

/* modules.softdep: "softdep NAME pre: A B post: C". The names to load before
 * name, from the next line for it after *cursor; false when none is left. */
bool softdep_next_pre(const char **cursor, const char *name, struct span *pre);

/* modules.alias: "alias ALIAS MODULE". The next module that the exact alias
 * (no wildcards) stands for, after *cursor. */
bool alias_next(const char **cursor, const char *alias, struct span *module);

/* Whether text matches pattern, whose '*' stand for any characters. */
bool glob_matches(struct span pattern, const char *text);

/* modules.alias: whether the module called name is for CPU features (it
 * has "cpu:" aliases) none of which the CPU has (its modalias, cpu, as
 * /sys/devices/system/cpu/modalias says, matches none of them). */
bool lacks_cpu_features(const char *alias, const char *name, const char *cpu);

#endif
