/* elfdyn.c - the loader's view of an ELF file, through libelf. */
#include "elf/elfdyn.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The bytes of a segment, checked to lie inside the file. */
static const char *segment_bytes(Elf *e, GElf_Off off, GElf_Xword len)
{
	size_t size;
	const char *raw = elf_rawfile(e, &size);

	if (!raw || off > size || len > size - off)
		return NULL;
	return raw + off;
}

/* PT_INTERP: the path the kernel maps as the program's loader. */
static int read_interp(Elf *e, const GElf_Phdr *ph, struct elf_dyn *d)
{
	const char *p = segment_bytes(e, ph->p_offset, ph->p_filesz);

	if (!p)
		return -1;
	d->interp = xasprintf("%.*s", (int)strnlen(p, ph->p_filesz), p);
	return 0;
}

/* The file offset of a virtual address, through the PT_LOAD mapping it. */
static int file_offset(Elf *e, size_t phnum, GElf_Addr addr, GElf_Off *off)
{
	GElf_Phdr ph;

	for (size_t i = 0; i < phnum; i++) {
		if (!gelf_getphdr(e, (int)i, &ph))
			return -1;
		if (ph.p_type == PT_LOAD && addr >= ph.p_vaddr &&
		    addr - ph.p_vaddr < ph.p_filesz) {
			*off = ph.p_offset + (addr - ph.p_vaddr);
			return 0;
		}
	}
	return -1;
}

struct strtab {
	const char *s;
	size_t len;
};

/* A NUL-terminated string inside the table, or NULL. */
static const char *string_at(const struct strtab *t, GElf_Xword off)
{
	if (off >= t->len || !memchr(t->s + off, '\0', t->len - off))
		return NULL;
	return t->s + off;
}

static void take_dyn(const struct strtab *t, const GElf_Dyn *dyn, struct elf_dyn *d)
{
	const char *s;

	if (dyn->d_tag == DT_FLAGS_1) {
		d->nodeflib |= (dyn->d_un.d_val & DF_1_NODEFLIB) != 0;
		return;
	}
	if (dyn->d_tag != DT_NEEDED && dyn->d_tag != DT_RUNPATH && dyn->d_tag != DT_RPATH)
		return;
	s = string_at(t, dyn->d_un.d_val);
	if (!s)
		return;
	if (dyn->d_tag == DT_NEEDED) {
		d->needed = xrealloc(d->needed, (d->nneeded + 1) * sizeof(*d->needed));
		d->needed[d->nneeded++] = xstrdup(s);
	} else if (dyn->d_tag == DT_RUNPATH && !d->runpath) {
		d->runpath = xstrdup(s);
	} else if (dyn->d_tag == DT_RPATH && !d->rpath) {
		d->rpath = xstrdup(s);
	}
}

/* PT_DYNAMIC, read the way the loader reads it (section headers may be
 * stripped): its entries, their strings in DT_STRTAB/DT_STRSZ. */
static int read_dynamic(Elf *e, size_t phnum, const GElf_Phdr *ph, struct elf_dyn *d)
{
	Elf_Data *data = elf_getdata_rawchunk(e, ph->p_offset, ph->p_filesz, ELF_T_DYN);
	size_t entsize = gelf_fsize(e, ELF_T_DYN, 1, EV_CURRENT), n;
	GElf_Addr strtab = 0;
	struct strtab t = { NULL, 0 };
	GElf_Off off;
	GElf_Dyn dyn;

	if (!data || entsize == 0)
		return -1;
	n = data->d_size / entsize;
	for (size_t i = 0; i < n && gelf_getdyn(data, (int)i, &dyn) && dyn.d_tag != DT_NULL; i++) {
		if (dyn.d_tag == DT_STRTAB)
			strtab = dyn.d_un.d_ptr;
		else if (dyn.d_tag == DT_STRSZ)
			t.len = dyn.d_un.d_val;
	}
	if (!strtab || file_offset(e, phnum, strtab, &off) < 0 ||
	    !(t.s = segment_bytes(e, off, t.len)))
		return -1;
	for (size_t i = 0; i < n && gelf_getdyn(data, (int)i, &dyn) && dyn.d_tag != DT_NULL; i++)
		take_dyn(&t, &dyn, d);
	return 0;
}

static int read_segments(Elf *e, struct elf_dyn *d)
{
	size_t phnum;
	GElf_Phdr ph;

	if (elf_getphdrnum(e, &phnum) < 0)
		return -1;
	for (size_t i = 0; i < phnum; i++) {
		if (!gelf_getphdr(e, (int)i, &ph))
			return -1;
		if ((ph.p_type == PT_INTERP && read_interp(e, &ph, d) < 0) ||
		    (ph.p_type == PT_DYNAMIC && read_dynamic(e, phnum, &ph, d) < 0))
			return -1;
	}
	return 0;
}

static void fill_info(Elf *e, const GElf_Ehdr *eh, struct elf_info *info)
{
	const char *ident = elf_getident(e, NULL);

	info->class64 = gelf_getclass(e) == ELFCLASS64;
	info->big_endian = ident && ident[EI_DATA] == ELFDATA2MSB;
	info->machine = eh->e_machine;
	info->type = eh->e_type;
}

enum elf_dyn_result elf_dyn_read(const char *path, struct elf_dyn *d, int *err,
				 const char **why)
{
	enum elf_dyn_result r = ELF_DYN_BAD;
	GElf_Ehdr eh;
	Elf *e = NULL;
	int fd;

	memset(d, 0, sizeof(*d));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return *why = "libelf is too old", ELF_DYN_BAD;
	/* O_NONBLOCK: a FIFO must not wait for a writer */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return *err = errno, ELF_DYN_UNREADABLE;
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF) {
		r = ELF_DYN_NOT_ELF;
		goto out;
	}
	if (!gelf_getehdr(e, &eh) || read_segments(e, d) < 0) {
		int err = elf_errno();

		*why = err ? elf_errmsg(err) : "its program headers point outside the file";
		goto out;
	}
	fill_info(e, &eh, &d->info);
	r = ELF_DYN_OK;
out:
	if (e)
		elf_end(e);
	close(fd);
	if (r != ELF_DYN_OK)
		elf_dyn_free(d);
	return r;
}

void elf_dyn_free(struct elf_dyn *d)
{
	for (size_t i = 0; i < d->nneeded; i++)
		free(d->needed[i]);
	free(d->needed);
	free(d->interp);
	free(d->runpath);
	free(d->rpath);
	memset(d, 0, sizeof(*d));
}

int elf_dyn_compatible(const struct elf_dyn *a, const struct elf_dyn *b)
{
	return a->info.class64 == b->info.class64 &&
	       a->info.big_endian == b->info.big_endian &&
	       a->info.machine == b->info.machine;
}
