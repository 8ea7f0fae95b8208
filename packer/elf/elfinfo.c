/* elfinfo.c - reading just enough of an ELF header to judge a PID 1 or busybox. */
#include "elf/elfinfo.h"

#include <elf.h>
#include <stdio.h>
#include <string.h>

#if defined(__x86_64__)
#define NATIVE_MACHINE EM_X86_64
#define NATIVE_CLASS64 1
#elif defined(__aarch64__)
#define NATIVE_MACHINE EM_AARCH64
#define NATIVE_CLASS64 1
#elif defined(__i386__)
#define NATIVE_MACHINE EM_386
#define NATIVE_CLASS64 0
#elif defined(__arm__)
#define NATIVE_MACHINE EM_ARM
#define NATIVE_CLASS64 0
#elif defined(__riscv) && __riscv_xlen == 64
#define NATIVE_MACHINE EM_RISCV
#define NATIVE_CLASS64 1
#elif defined(__powerpc64__)
#define NATIVE_MACHINE EM_PPC64
#define NATIVE_CLASS64 1
#elif defined(__s390x__)
#define NATIVE_MACHINE EM_S390
#define NATIVE_CLASS64 1
#else
#error "mkrootfs: unknown machine; add it to packer/elf/elfinfo.c"
#endif

#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define NATIVE_BIG_ENDIAN 1
#else
#define NATIVE_BIG_ENDIAN 0
#endif

static uint64_t get(const unsigned char *p, int n, int big)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[big ? i : n - 1 - i];
	return v;
}

int elf_parse_header(const unsigned char *buf, size_t len, struct elf_info *info)
{
	int big;

	if (len < EI_NIDENT || memcmp(buf, ELFMAG, SELFMAG) != 0)
		return -1;
	if ((buf[EI_CLASS] != ELFCLASS32 && buf[EI_CLASS] != ELFCLASS64) ||
	    (buf[EI_DATA] != ELFDATA2LSB && buf[EI_DATA] != ELFDATA2MSB))
		return -1;
	info->class64 = buf[EI_CLASS] == ELFCLASS64;
	info->big_endian = big = buf[EI_DATA] == ELFDATA2MSB;
	if (len < (info->class64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return -1;
	info->type = (unsigned)get(buf + 16, 2, big);
	info->machine = (unsigned)get(buf + 18, 2, big);
	if (info->class64) {
		info->phoff = get(buf + 32, 8, big);
		info->phentsize = (unsigned)get(buf + 54, 2, big);
		info->phnum = (unsigned)get(buf + 56, 2, big);
	} else {
		info->phoff = get(buf + 28, 4, big);
		info->phentsize = (unsigned)get(buf + 42, 2, big);
		info->phnum = (unsigned)get(buf + 44, 2, big);
	}
	return 0;
}

int elf_has_interp(const unsigned char *phdrs, size_t len, const struct elf_info *info)
{
	for (unsigned i = 0; i < info->phnum; i++) {
		size_t off = (size_t)i * info->phentsize;

		if (info->phentsize < 4 || off + 4 > len)
			break;
		if (get(phdrs + off, 4, info->big_endian) == PT_INTERP)
			return 1;
	}
	return 0;
}

/* The image's machine: the build machine's until the init (or --arch)
 * names another. */
static struct elf_info target = {
	.class64 = NATIVE_CLASS64, .big_endian = NATIVE_BIG_ENDIAN, .machine = NATIVE_MACHINE,
};

void elf_set_target(unsigned machine, int class64)
{
	target.machine = machine;
	target.class64 = class64;
}

static int same_machine(const struct elf_info *a, const struct elf_info *b)
{
	return a->machine == b->machine && a->class64 == b->class64 &&
	       a->big_endian == b->big_endian;
}

int elf_is_native(const struct elf_info *info)
{
	return same_machine(info, &target);
}

int elf_target_is_host(void)
{
	struct elf_info host = { .class64 = NATIVE_CLASS64, .big_endian = NATIVE_BIG_ENDIAN,
				 .machine = NATIVE_MACHINE };

	return same_machine(&host, &target);
}

int elf_is_executable(const struct elf_info *info)
{
	/* ET_DYN covers static-pie programs as well as shared libraries */
	return info->type == ET_EXEC || info->type == ET_DYN;
}

static const struct {
	unsigned machine;
	int class64;
	const char *name;
} machines[] = {
	{ EM_X86_64, 1, "x86-64" }, { EM_386, 0, "i386" },
	{ EM_AARCH64, 1, "aarch64" }, { EM_ARM, 0, "arm" },
	{ EM_RISCV, 1, "riscv64" }, { EM_RISCV, 0, "riscv32" },
	{ EM_PPC64, 1, "ppc64" }, { EM_PPC, 0, "ppc" },
	{ EM_S390, 1, "s390x" }, { EM_MIPS, 0, "mips" }, { EM_MIPS, 1, "mips64" },
	{ EM_X86_64, 0, "x32" }, { 258 /* EM_LOONGARCH */, 1, "loongarch64" },
};

const char *elf_machine_name(const struct elf_info *info, char buf[32])
{
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++)
		if (machines[i].machine == info->machine &&
		    machines[i].class64 == info->class64)
			return machines[i].name;
	snprintf(buf, 32, "machine %u", info->machine);
	return buf;
}

const char *elf_native_name(void)
{
	static char buf[32];

	return elf_machine_name(&target, buf);
}
