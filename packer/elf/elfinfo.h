/* elfinfo.h - what kind of program a file is: ELF at all, for which machine,
 * statically linked or not. Pure: the caller reads the bytes. */
#ifndef MKROOTFS_ELFINFO_H
#define MKROOTFS_ELFINFO_H

#include <stddef.h>
#include <stdint.h>

struct elf_info {
	int class64;		/* 1: ELFCLASS64, 0: ELFCLASS32 */
	int big_endian;
	unsigned machine;	/* e_machine */
	unsigned type;		/* e_type */
	uint64_t phoff;		/* program header table: offset ... */
	unsigned phnum, phentsize;	/* ... count and entry size */
};

/* Bytes to read from the start of a file for elf_parse_header. */
#define ELF_HEADER_BYTES 64

/* 0 when buf holds an ELF header (filling *info), -1 when it is not ELF. */
int elf_parse_header(const unsigned char *buf, size_t len, struct elf_info *info);

/* Whether the program header table (phnum entries read from phoff) has a
 * PT_INTERP entry: then the kernel needs a dynamic loader to run it. */
int elf_has_interp(const unsigned char *phdrs, size_t len, const struct elf_info *info);

/* Is this ELF for the image's machine? That is the one mkrootfs was built
 * for, until elf_set_target names another (an init for aarch64 makes an
 * image for aarch64). */
int elf_is_native(const struct elf_info *info);
void elf_set_target(unsigned machine, int class64);
/* Whether the image's programs run here (busybox is asked for its applets). */
int elf_target_is_host(void);
int elf_is_executable(const struct elf_info *info);

/* "x86-64", "aarch64", ... or "machine 1234". */
const char *elf_machine_name(const struct elf_info *info, char buf[32]);
/* The image's machine, as elf_machine_name says it. */
const char *elf_native_name(void);

#endif
