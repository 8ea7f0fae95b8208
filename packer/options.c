/* options.c - getopt_long and the rules between options. */
#include "options.h"
#include "util.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* A host program with its libraries, and the two modes that write no image. */
enum { OPT_ADD_PROGRAM = 512, OPT_LIST_DEPS, OPT_COPY_OUT, OPT_ADD_LIST };
enum source_kind { SOURCE_ADD, SOURCE_OVERLAY, SOURCE_PROGRAM, SOURCE_LIST };

enum { OPT_INIT = 256, OPT_BUSYBOX, OPT_ADD, OPT_OVERLAY, OPT_UPDATE,
       OPT_NO_BACKUP, OPT_UUID, OPT_VERSION, OPT_MODULES, OPT_DISK, OPT_BARE, OPT_ARCH, OPT_WITH_MODULE };

static const struct option long_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "type", required_argument, NULL, 't' },
	{ "size", required_argument, NULL, 's' },
	{ "init", required_argument, NULL, OPT_INIT },
	{ "busybox", required_argument, NULL, OPT_BUSYBOX },
	{ "arch", required_argument, NULL, OPT_ARCH },
	{ "add", required_argument, NULL, OPT_ADD },
	{ "add-list", required_argument, NULL, OPT_ADD_LIST },
	{ "overlay", required_argument, NULL, OPT_OVERLAY },
	{ "update", required_argument, NULL, OPT_UPDATE },
	{ "no-backup", no_argument, NULL, OPT_NO_BACKUP },
	{ "uuid", required_argument, NULL, OPT_UUID },
	{ "modules", required_argument, NULL, OPT_MODULES },
	{ "disk", required_argument, NULL, OPT_DISK },
	{ "with-module", required_argument, NULL, OPT_WITH_MODULE },
	{ "bare", no_argument, NULL, OPT_BARE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "add-program", required_argument, NULL, OPT_ADD_PROGRAM },
	{ "list-program-deps", required_argument, NULL, OPT_LIST_DEPS },
	{ "copy-out", required_argument, NULL, OPT_COPY_OUT },
	{ NULL, 0, NULL, 0 },
};

const char options_usage[] =
	"Usage: mkrootfs [options] -o IMAGE          make a new image\n"
	"       mkrootfs --update IMAGE [options]    install into an existing ext2/3/4 image\n"
	"                                            or newc cpio archive (plain or gzip)\n"
	"\n"
	"  -o, --output IMAGE     the image to write (replaced atomically)\n"
	"  -t, --type TYPE        ext3 (default), ext2, ext4 or cpio (newc; gzip if IMAGE ends in .gz);\n"
	"                         initrd: a stage-1 initramfs for --modules (gzip newc;\n"
	"                         without --modules: the init alone, to find the root by UUID)\n"
	"  -s, --size SIZE        image size, K/M/G/T suffixes (default 128M, or what the\n"
	"                         content needs with room to spare; the file is sparse)\n"
	"      --init PATH        the static init for /sbin/init (default: init beside mkrootfs,\n"
	"                         else the installed one)\n"
	"      --busybox PATH     static busybox (default: $BUSYBOX, else a static busybox in PATH;\n"
	"                         for another architecture, its Debian busybox-static, cached)\n"
	"      --arch ARCH        x86_64, aarch64, armhf or riscv64 (default: the init's)\n"
	"      --add SRC:DEST     copy a file, symlink or directory tree to DEST (repeatable)\n"
	"      --add-list FILE    --add for each line of FILE (SRC:DEST), for lists too long\n"
	"                         for a command line (repeatable)\n"
	"      --overlay DIR      copy DIR's contents onto the image root (repeatable)\n"
	"      --update IMAGE     replace /sbin/init in IMAGE (old one kept as /sbin/init.orig;\n"
	"                         in an archive /init too)\n"
	"      --no-backup        with --update: do not keep the old init\n"
	"      --uuid UUID        file system UUID (default: derived from the inputs)\n"
	"      --modules DIR      a kernel's modules (lib/modules/VERSION, or a prefix holding\n"
	"                         one in lib/modules or usr/lib/modules) at /lib/modules/VERSION,\n"
	"                         decompressed, with depmod's indexes\n"
	"      --disk BUS         with -t initrd: the root's disk, nvme (default), virtio or ide\n"
	"      --with-module NAMES  with -t initrd: more modules (comma-separated), e.g. a NIC's\n"
	"      --bare             only what --add, --overlay and --modules name: no init,\n"
	"                         no busybox, no skeleton\n"
	"  -q, --quiet            print errors only\n"
	"  -v, --verbose          print every entry written\n"
	"  -h, --help             show this help\n"
	"      --version          show the version\n"
	"\n"
	"Host programs and shared directories:\n"
	"      --add-program PATH[:DEST]  a program at DEST (default /usr/bin/NAME) with its\n"
	"                         ELF interpreter and shared libraries (repeatable)\n"
	"  mkrootfs --list-program-deps PATH[:DEST]   print what --add-program would add\n"
	"                         (repeatable: one closure after another, each from its program)\n"
	"  mkrootfs --copy-out IMAGE:HOSTDIR   make HOSTDIR match the ext image's tree\n"
	"\n"
	"Timestamps are $SOURCE_DATE_EPOCH, else 1 (1970-01-01 00:00:01 UTC) for new images\n"
	"and the current time for --update. Exit status: 0 done, 1 failed, 2 bad usage.\n";

static int add_source(struct options *o, enum source_kind kind, const char *arg, char *err)
{
	struct source_arg s = { .overlay = kind == SOURCE_OVERLAY,
				.program = kind == SOURCE_PROGRAM,
				.list = kind == SOURCE_LIST };

	if (s.list) {
		/* read when the image is made: parsing makes no system call */
		if (!*arg)
			return seterr(err, "--add-list: the file name is empty");
		s.src = xstrdup(arg);
		s.origin = xasprintf("--add-list %s", arg);
	} else if (s.program) {
		if (parse_program_spec(arg, &s.src, &s.dest, err) < 0)
			return -1;
		s.origin = xasprintf("--add-program %s", arg);
	} else if (s.overlay) {
		if (!*arg)
			return seterr(err, "--overlay: the directory is empty");
		s.src = xstrdup(arg);
		s.dest = xstrdup("/");
		s.origin = xasprintf("--overlay %s", arg);
	} else {
		if (parse_add_spec(arg, &s.src, &s.dest, err) < 0)
			return -1;
		s.origin = xasprintf("--add %s", arg);
	}
	o->sources = xrealloc(o->sources, (o->nsources + 1) * sizeof(*o->sources));
	o->sources[o->nsources++] = s;
	return 0;
}

static int take_option(struct options *o, int c, const char *arg, char *err)
{
	const char *why;

	switch (c) {
	case 'o': o->output = arg; return 0;
	case 't':
		o->initrd = !strcmp(arg, "initrd");
		if (o->initrd)
			arg = "cpio";
		if (parse_kind(arg, &o->kind) < 0)
			return seterr(err, "--type %s: unknown type (ext3, ext2, ext4, cpio or initrd)", arg);
		return 0;
	case 's':
		if (parse_size(arg, &o->size, &why) < 0)
			return seterr(err, "--size %s: %s", arg, why);
		o->size_given = 1;
		return 0;
	case OPT_INIT: o->init = arg; return 0;
	case OPT_BUSYBOX: o->busybox = arg; return 0;
	case OPT_ARCH: o->arch = arg; return 0;
	case OPT_ADD: return add_source(o, SOURCE_ADD, arg, err);
	case OPT_OVERLAY: return add_source(o, SOURCE_OVERLAY, arg, err);
	case OPT_ADD_PROGRAM: return add_source(o, SOURCE_PROGRAM, arg, err);
	case OPT_ADD_LIST: return add_source(o, SOURCE_LIST, arg, err);
	case OPT_LIST_DEPS:
		o->list_deps = xrealloc(o->list_deps, (o->nlist_deps + 2) * sizeof(*o->list_deps));
		o->list_deps[o->nlist_deps++] = arg;
		o->list_deps[o->nlist_deps] = NULL;
		return 0;
	case OPT_COPY_OUT: o->copy_out = arg; return 0;
	case OPT_UPDATE: o->update = arg; return 0;
	case OPT_NO_BACKUP: o->no_backup = 1; return 0;
	case OPT_UUID:
		if (parse_uuid(arg, o->uuid) < 0)
			return seterr(err, "--uuid %s: not a UUID (like 01234567-89ab-cdef-0123-456789abcdef)", arg);
		o->uuid_given = 1;
		return 0;
	case OPT_MODULES: o->modules = arg; return 0;
	case OPT_DISK:
		if (strcmp(arg, "nvme") && strcmp(arg, "virtio") && strcmp(arg, "ide"))
			return seterr(err, "--disk %s: unknown disk (nvme, virtio or ide)", arg);
		o->disk = arg;
		return 0;
	case OPT_WITH_MODULE:
		if (!*arg || strspn(arg, "abcdefghijklmnopqrstuvwxyz0123456789_-,") != strlen(arg))
			return seterr(err, "--with-module %s: not module names (letters, digits, _ and -, "
				      "comma-separated)", arg);
		o->with_module = arg;
		return 0;
	case OPT_BARE: o->bare = 1; return 0;
	case 'q': o->verbosity = 0; return 0;
	case 'v': o->verbosity = 2; return 0;
	case 'h': o->help = 1; return 0;
	case OPT_VERSION: o->version = 1; return 0;
	}
	return seterr(err, "internal error: option %d", c);
}

static int check_modules_options(const struct options *o, char *err)
{
	if (o->initrd && !o->modules && (o->disk || o->with_module))
		return seterr(err, "%s chooses modules: give --modules DIR (-t initrd without it holds the init alone)",
			      o->disk ? "--disk" : "--with-module");
	if (o->disk && !o->initrd)
		return seterr(err, "--disk only applies to -t initrd");
	if (o->with_module && !o->initrd)
		return seterr(err, "--with-module only applies to -t initrd");
	if (o->bare && (o->initrd || o->update))
		return seterr(err, "--bare only applies to new ext2/3/4 images and cpio archives");
	if (o->bare && (o->init || o->busybox))
		return seterr(err, "--bare writes no init and no busybox; drop --init and --busybox");
	if (o->initrd && o->busybox)
		return seterr(err, "-t initrd holds no busybox; drop --busybox");
	return 0;
}

/* Options that make no sense together are refused, never ignored. */
static int check_combination(const struct options *o, char *err)
{
	if (o->list_deps || o->copy_out)
		return o->output || o->update || o->nsources || o->init || o->busybox ||
		       o->size_given || o->uuid_given || o->no_backup || o->modules || o->bare ||
		       o->disk || o->with_module || (o->list_deps && o->copy_out)
			? seterr(err, "--%s works alone", o->list_deps ? "list-program-deps" : "copy-out")
			: 0;
	if (o->output && o->update)
		return seterr(err, "-o and --update cannot be used together");
	if (!o->output && !o->update)
		return seterr(err, "no image given: use -o IMAGE, or --update IMAGE");
	if (o->update && o->kind == KIND_CPIO)
		return seterr(err, "--type cannot be used with --update (the type is read from the image)");
	if (o->update && o->size_given)
		return seterr(err, "--size cannot change the size of an existing image (--update)");
	if (o->update && o->busybox)
		return seterr(err, "--update does not install busybox; use --add BUSYBOX:/bin/busybox");
	if (o->update && o->uuid_given)
		return seterr(err, "--uuid cannot be used with --update");
	if (!o->update && o->no_backup)
		return seterr(err, "--no-backup only applies to --update");
	if (o->kind == KIND_CPIO && o->size_given)
		return seterr(err, "--size does not apply to cpio archives");
	return check_modules_options(o, err);
}

/* getopt_long returns ':' for a missing value and '?' for an unknown
 * option; argv[optind - 1] is then the option as typed. */
static int bad_option(int c, int argc, char **argv, char *err)
{
	const char *arg = optind - 1 < argc ? argv[optind - 1] : "?";

	if (c == ':')
		return seterr(err, "option %s needs a value", arg);
	if (optopt > 0 && optopt < 256)
		return seterr(err, "unknown option -%c", optopt);
	return seterr(err, "unknown option %s", arg);
}

int options_parse(int argc, char **argv, struct options *o, char *err)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->kind = KIND_EXT3;
	o->size = DEFAULT_SIZE;
	o->verbosity = 1;
	optind = 0;		/* a full reset, so tests can parse many times */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:o:t:s:qvh", long_options, NULL)) != -1) {
		if (c == '?' || c == ':')
			return bad_option(c, argc, argv, err);
		if (take_option(o, c, optarg, err) < 0)
			return -1;
	}
	if (optind < argc)
		return seterr(err, "unexpected argument '%s'", argv[optind]);
	if (o->help || o->version)
		return 0;
	return check_combination(o, err);
}

void options_free(struct options *o)
{
	for (size_t i = 0; i < o->nsources; i++) {
		free(o->sources[i].src);
		free(o->sources[i].dest);
		free(o->sources[i].origin);
	}
	free(o->sources);
	o->sources = NULL;
	o->nsources = 0;
	free(o->list_deps);
	o->list_deps = NULL;
	o->nlist_deps = 0;
}
