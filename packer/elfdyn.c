/* elfdyn.c - the loader's view of an ELF file, through libelf. */
#include "elfdyn.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* PT_INTERP: the path the kernel maps as the program's loader. */
static int read_interp(Elf *e, struct elf_dyn *d)
{
	size_t phnum, size;
	const char *raw;
	GElf_Phdr ph;

	if (elf_getphdrnum(e, &phnum) < 0)
		return -1;
	for (size_t i = 0; i < phnum; i++) {
		if (!gelf_getphdr(e, (int)i, &ph))
			return -1;
		if (ph.p_type != PT_INTERP)
			continue;
		raw = elf_rawfile(e, &size);
		if (!raw || ph.p_offset >= size || ph.p_filesz > size - ph.p_offset)
			return -1;
		d->interp = xasprintf("%.*s", (int)strnlen(raw + ph.p_offset, ph.p_filesz),
				      raw + ph.p_offset);
	}
	return 0;
}

static void take_dyn(Elf *e, size_t strndx, const GElf_Dyn *dyn, struct elf_dyn *d)
{
	const char *s;

	if (dyn->d_tag == DT_FLAGS_1) {
		d->nodeflib |= (dyn->d_un.d_val & DF_1_NODEFLIB) != 0;
		return;
	}
	if (dyn->d_tag != DT_NEEDED && dyn->d_tag != DT_RUNPATH && dyn->d_tag != DT_RPATH)
		return;
	s = elf_strptr(e, strndx, dyn->d_un.d_val);
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

/* The SHT_DYNAMIC section, its strings in the section it links to. */
static int read_dynamic(Elf *e, struct elf_dyn *d)
{
	for (Elf_Scn *scn = elf_nextscn(e, NULL); scn; scn = elf_nextscn(e, scn)) {
		GElf_Shdr sh;
		Elf_Data *data;
		GElf_Dyn dyn;

		if (!gelf_getshdr(scn, &sh))
			return -1;
		if (sh.sh_type != SHT_DYNAMIC)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || sh.sh_entsize == 0)
			return -1;
		for (int i = 0; (size_t)i < sh.sh_size / sh.sh_entsize; i++) {
			if (!gelf_getdyn(data, i, &dyn))
				return -1;
			if (dyn.d_tag == DT_NULL)
				break;
			take_dyn(e, sh.sh_link, &dyn, d);
		}
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
	if (!gelf_getehdr(e, &eh) || read_interp(e, d) < 0 || read_dynamic(e, d) < 0) {
		*why = elf_errmsg(-1);
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
