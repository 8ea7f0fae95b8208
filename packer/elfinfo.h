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

/* Does this ELF run on the machine mkrootfs was built for? */
int elf_is_native(const struct elf_info *info);
int elf_is_executable(const struct elf_info *info);

/* "x86-64", "aarch64", ... or "machine 1234". */
const char *elf_machine_name(const struct elf_info *info, char buf[32]);
const char *elf_native_name(void);

#endif
