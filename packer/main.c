/* main.c - mkrootfs: a bootable ext2/3/4 image or cpio archive from a
 * static init and busybox, rootless. main reads as the list of steps. */
#include "arch.h"
#include "cpio.h"
#include "cpio_update.h"
#include "initrd.h"
#include "manifest.h"
#include "modules.h"
#include "newc.h"
#include "options.h"
#include "output.h"
#include "program.h"
#include "source.h"
#include "util.h"
#include "elf/addprog.h"
#include "ext/copyout.h"
#include "ext/ext.h"
#include "ext/ext_read.h"

#include <errno.h>
#include <inttypes.h>
#include <et/com_err.h>
#include <ext2fs/ext2_err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef MINROOT_VERSION
#define MINROOT_VERSION "unknown"
#endif

/* Without SOURCE_DATE_EPOCH a new image is still reproducible: every
 * timestamp is this second. */
#define DEFAULT_EPOCH 1

#define EXIT_USAGE 2

#define INIT_HINT "PID 1 must be statically linked (build it with -static)"

/* SOURCE_DATE_EPOCH, else `fallback`; -1 after reporting a bad value. */
static int64_t timestamp(uint32_t fallback)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	uint32_t epoch;

	if (!s)
		return fallback;
	if (parse_epoch(s, &epoch) < 0) {
		errorf("SOURCE_DATE_EPOCH=%s: not a number of seconds from 1 to 2147483647", s);
		return -1;
	}
	return epoch;
}

static int add_program(struct manifest *m, const char *src, const char *dest,
		       const char *origin)
{
	struct entry *e;
	struct stat st;

	if (stat(src, &st) < 0) {
		errorf("%s %s: %s", origin, src, strerror(errno));
		return -1;
	}
	/* executable whatever mode the build left on the host file */
	e = manifest_add(m, E_FILE, dest, 0755, origin);
	e->source = xstrdup(src);
	e->size = (uint64_t)st.st_size;
	return 0;
}

/* The image is for --arch's machine, else for the init's when mkrootfs
 * packs images for it: busybox and every program added must match it. */
static void choose_arch(const struct options *o, const char *init)
{
	struct elf_info info;
	const struct arch *a = NULL;

	if (o->arch)
		a = arch_by_name(o->arch);
	else if (init && program_elf_header(init, &info) == 0)
		a = arch_by_machine(info.machine, info.class64);
	if (a)
		arch_set_target(a);
}

static char *checked_init(const struct options *o)
{
	char *init = o->init ? xstrdup(o->init) : program_default_init();

	choose_arch(o, init);
	if (init && program_require_static("--init", init, INIT_HINT) < 0) {
		free(init);
		return NULL;
	}
	return init;
}

/* --add-program in update mode: a script's interpreter that the image
 * has already stays (an archive, no ext image, always answers no). */
static int image_has(const char *path, void *image)
{
	return ext_image_has(image, path);
}

static int add_sources(struct manifest *m, const struct options *o)
{
	for (size_t i = 0; i < o->nsources; i++) {
		const struct source_arg *s = &o->sources[i];
		int rc = s->program ? addprog_add(m, s->src, s->dest, s->origin,
						  o->update ? image_has : NULL, (void *)o->update)
			 : s->list ? source_add_list(m, s->src, s->origin)
			 : s->overlay ? source_add_overlay(m, s->src, s->origin)
				      : source_add(m, s->src, s->dest, s->origin);

		if (rc < 0)
			return -1;
	}
	return 0;
}

static int finish(struct manifest *m)
{
	char err[ERRLEN];

	if (manifest_finish(m, err) < 0) {
		errorf("%s", err);
		return -1;
	}
	return 0;
}

/* busybox, its applets and the init on top of the fixed skeleton. */
static int add_system(struct manifest *m, const struct options *o, const char *init)
{
	char err[ERRLEN], *busybox, *applets;
	int rc = -1;

	busybox = program_find_busybox(o->busybox);
	applets = busybox ? program_list_applets(busybox) : NULL;
	if (!applets)
		goto out;
	manifest_add_base(m);
	if (arch_target() && arch_target()->loader_dir)
		manifest_add(m, E_DIR, arch_target()->loader_dir, 0755, "the loader's directory");
	if (manifest_add_applets(m, applets, err) < 0) {
		errorf("%s", err);
		goto out;
	}
	if (add_program(m, busybox, "/bin/busybox", "--busybox") < 0 ||
	    add_program(m, init, "/sbin/init", "--init") < 0)
		goto out;
	if (o->kind == KIND_CPIO)	/* where the kernel looks first in an initramfs */
		manifest_add_symlink(m, "/init", "/sbin/init", "the initramfs layout");
	rc = 0;
out:
	free(applets);
	free(busybox);
	return rc;
}

/* The stage-1 initramfs: no busybox, our init is /init itself. */
static int add_stage1(struct manifest *m, const char *init)
{
	initrd_add_base(m);
	return add_program(m, init, "/init", "--init");
}

static int build_new_manifest(struct manifest *m, const struct options *o,
			      const char *init, const struct modules_tree *mods)
{
	if (o->initrd ? add_stage1(m, init) < 0 : !o->bare && add_system(m, o, init) < 0)
		return -1;
	if (o->kind != KIND_CPIO)
		manifest_add(m, E_DIR, "/lost+found", 0700, "the ext2/3/4 layout");
	if (mods && modules_add(m, mods, o->initrd ? "-t initrd" : "--modules") < 0)
		return -1;
	return add_sources(m, o) < 0 || finish(m) < 0 ? -1 : 0;
}

static int write_image(const struct options *o, const struct manifest *m,
		       struct ext_image *img)
{
	struct output out;

	if (output_begin(&out, o->output) < 0)
		return -1;
	if (o->kind == KIND_CPIO) {
		if (cpio_write(out.fd, out.temp, o->initrd || archive_wants_gzip(o->output), m,
			       img->epoch) < 0)
			goto fail;
	} else {
		if (ftruncate(out.fd, (off_t)img->bytes) < 0) {
			errorf("sizing %s: %s", out.temp, strerror(errno));
			goto fail;
		}
		if (ext_write_new(out.temp, m, img) < 0)
			goto fail;
	}
	return output_commit(&out);
fail:
	output_abort(&out);
	return -1;
}

/* --modules staged (for -t initrd: only what the root needs, in *mods);
 * 1 when -t initrd finds it all built in and nothing is to be written. */
static int stage_modules(const struct options *o, struct modules_tree *mods)
{
	struct modules_tree full;
	char *origin;
	int rc;

	memset(mods, 0, sizeof(*mods));
	if (!o->modules)
		return 0;
	origin = xasprintf("--modules %s", o->modules);
	rc = modules_stage(o->modules, o->initrd ? &full : mods, origin);
	if (rc == 0 && o->initrd) {
		rc = initrd_select(&full, o->disk ? o->disk : "nvme", o->with_module, mods, origin);
		modules_free(&full);
	}
	free(origin);
	return rc;
}

/* What the verbose line says of a size mkrootfs chose above the default. */
static const char *sized_for_content(const struct options *o, const struct ext_image *img)
{
	static char text[64];

	if (o->kind == KIND_CPIO || o->size_given || img->bytes <= o->size)
		return "";
	snprintf(text, sizeof(text), ", %" PRIu64 "M to fit its content", img->bytes >> 20);
	return text;
}

static int run_new(const struct options *o)
{
	struct ext_image img = { .kind = o->kind, .bytes = o->size };
	struct modules_tree mods = { 0 };
	struct manifest m;
	int64_t epoch = timestamp(DEFAULT_EPOCH);
	char *init = NULL, uuid[37];
	int rc = 1, staged;

	manifest_init(&m);
	if (o->bare)
		choose_arch(o, NULL);
	if (epoch < 0 || output_check(o->output) < 0 || (!o->bare && !(init = checked_init(o))))
		goto out;
	staged = stage_modules(o, &mods);
	if (staged != 0) {
		rc = staged > 0 ? 0 : 1;
		goto out;
	}
	if (build_new_manifest(&m, o, init, o->modules ? &mods : NULL) < 0)
		goto out;
	img.epoch = (uint32_t)epoch;
	/* before reading any file: a misfit is told at once */
	if (o->kind != KIND_CPIO && !o->size_given && ext_choose_size(&m, &img, o->size) < 0)
		goto out;
	if (o->kind != KIND_CPIO && ext_check_fits(&m, &img) < 0)
		goto out;
	img.uuid_given = o->uuid_given;
	memcpy(img.uuid, o->uuid, 16);
	if (write_image(o, &m, &img) < 0)
		goto out;
	format_uuid(img.uuid, uuid);
	if (verbosity > 0)
		printf("mkrootfs: wrote %s (%s, %zu entries%s%s%s)\n", o->output,
		       kind_name(o->kind), m.n, o->kind == KIND_CPIO ? "" : ", UUID ",
		       o->kind == KIND_CPIO ? "" : uuid, sized_for_content(o, &img));
	rc = 0;
out:
	free(init);
	manifest_free(&m);
	modules_free(&mods);
	return rc;
}

static int run_update(const struct options *o)
{
	struct ext_update_options uo = { .no_backup = o->no_backup };
	int64_t epoch = timestamp((uint32_t)time(NULL));
	struct modules_tree mods = { 0 };
	int archive = cpio_archive_detect(o->update);
	struct manifest m;
	char *init = NULL;
	int rc = 1;

	manifest_init(&m);
	if (archive < 0 || epoch < 0 || !(init = checked_init(o)) ||
	    add_program(&m, init, "/sbin/init", "--init") < 0 || stage_modules(o, &mods) < 0 ||
	    (o->modules && modules_add(&m, &mods, "--modules") < 0))
		goto out;
	if (archive)
		cpio_add_rdinit(&m);
	if (add_sources(&m, o) < 0 || finish(&m) < 0)
		goto out;
	uo.epoch = (uint32_t)epoch;
	if ((archive ? cpio_update(o->update, &m, uo.epoch, uo.no_backup)
		     : ext_update(o->update, &m, &uo)) < 0)
		goto out;
	if (verbosity > 0)
		printf("mkrootfs: updated %s\n", o->update);
	rc = 0;
out:
	free(init);
	manifest_free(&m);
	modules_free(&mods);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;
	char err[ERRLEN];
	int rc;

	if (options_parse(argc, argv, &o, err) < 0) {
		errorf("%s", err);
		options_free(&o);
		return EXIT_USAGE;
	}
	if (o.help || o.version) {
		fputs(o.help ? options_usage : "mkrootfs " MINROOT_VERSION "\n", stdout);
		options_free(&o);
		return 0;
	}
	if (o.arch && !arch_by_name(o.arch)) {
		errorf("--arch %s: unknown architecture (%s)", o.arch, arch_names());
		options_free(&o);
		return EXIT_USAGE;
	}
	verbosity = o.verbosity;
	initialize_ext2_error_table();
	rc = o.list_deps ? addprog_list(o.list_deps)
	     : o.copy_out ? copyout_run(o.copy_out)
	     : o.update ? run_update(&o) : run_new(&o);
	options_free(&o);
	return rc;
}
