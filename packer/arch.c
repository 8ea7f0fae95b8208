/* arch.c - the architectures images are packed for: a table. */
#include "arch.h"
#include "elf/elfinfo.h"

#include <elf.h>
#include <stddef.h>
#include <string.h>

static const struct arch arches[] = {
	{ "x86_64", "amd64", EM_X86_64, 1, "amd64", "12", "qemu-x86_64-static", "/lib64" },
	/* /lib/ld-linux-aarch64.so.1 and /lib/ld-linux-armhf.so.3: /lib is there */
	{ "aarch64", "arm64", EM_AARCH64, 1, "arm64", "12", "qemu-aarch64-static", NULL },
	/* 32-bit ARM images are armhf's (ARMv7, hard float), as Debian's are. */
	{ "armhf", "arm", EM_ARM, 0, "armhf", "12", "qemu-arm-static", NULL },
	/* An official Debian architecture from Debian 13 on; /lib/ld-linux-riscv64-lp64d.so.1. */
	{ "riscv64", "riscv", EM_RISCV, 1, "riscv64", "13", "qemu-riscv64-static", NULL },
};
#define N_ARCHES (sizeof(arches) / sizeof(arches[0]))

static const struct arch *target;

const struct arch *arch_by_name(const char *name)
{
	for (size_t i = 0; i < N_ARCHES; i++)
		if (!strcmp(name, arches[i].name) || !strcmp(name, arches[i].alias))
			return &arches[i];
	return NULL;
}

const struct arch *arch_by_machine(unsigned machine, int class64)
{
	for (size_t i = 0; i < N_ARCHES; i++)
		if (arches[i].machine == machine && arches[i].class64 == class64)
			return &arches[i];
	return NULL;
}

const char *arch_names(void)
{
	return "x86_64, aarch64, armhf or riscv64";
}

void arch_set_target(const struct arch *a)
{
	target = a;
	elf_set_target(a->machine, a->class64);
}

const struct arch *arch_target(void)
{
	return target;
}
