/* arch.h - the architectures mkrootfs packs images for, as data: how each
 * is named, its ELF machine, its Debian architecture and release (whose
 * busybox-static goes into the image) and the QEMU user-mode program that runs that
 * busybox here to list its applets. Pure: no system calls. */
#ifndef MKROOTFS_ARCH_H
#define MKROOTFS_ARCH_H

struct arch {
	const char *name;	/* "aarch64": --arch, messages */
	const char *alias;	/* "arm64": Debian's name, also accepted */
	unsigned machine;	/* e_machine */
	int class64;
	const char *debian;	/* the Debian architecture */
	const char *release;	/* the Debian release its busybox-static comes from */
	const char *qemu_user;	/* runs its programs on another host */
	/* Where its glibc loader lives, when the skeleton lacks that
	 * directory: an empty one, so that run-qemu --share-libs can mount
	 * the host's loader there for a run without writing the image. */
	const char *loader_dir;
};

/* By name or alias; NULL when unknown. */
const struct arch *arch_by_name(const char *name);
/* By ELF machine and class; NULL when mkrootfs packs no images for it. */
const struct arch *arch_by_machine(unsigned machine, int class64);
/* "x86_64, aarch64, armhf or riscv64", for messages. */
const char *arch_names(void);

/* The image's architecture from now on (see elf_set_target); NULL until set. */
void arch_set_target(const struct arch *a);
const struct arch *arch_target(void);

#endif
