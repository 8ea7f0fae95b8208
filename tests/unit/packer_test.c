/* packer_test.c - unit tests of mkrootfs's pure parts: parsing, the
 * manifest, hashing, ELF headers, space estimates, options and cpio
 * headers. Prints "ok - ..." / "not ok - ..." lines for tests/run. */
#include "check.h"
#include "newc.h"
#include "arch.h"
#include "elf/elfinfo.h"
#include "ext/ext_plan.h"
#include "hash.h"
#include "manifest.h"
#include "options.h"
#include "parse.h"
#include "util.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_sizes(void)
{
	static const struct { const char *s; uint64_t want; } good[] = {
		{ "128M", 128ULL << 20 }, { "1G", 1ULL << 30 }, { "4096", 4096 },
		{ "512K", 512 << 10 }, { "2m", 2 << 20 }, { "1KiB", 1024 },
		{ "15T", 15ULL << 40 },
	};
	static const char *const bad[] = {
		"", "12Q", "-5M", "0", "M", "1.5G", "99999999999999999999G", "16T",
		"12MB", " 1M", "1M ",
	};
	const char *why;
	char name[64];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		uint64_t got = 0;

		snprintf(name, sizeof(name), "parse_size accepts '%s'", good[i].s);
		CHECK(parse_size(good[i].s, &got, &why) == 0 && got == good[i].want, name);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t got;

		snprintf(name, sizeof(name), "parse_size refuses '%s'", bad[i]);
		CHECK(parse_size(bad[i], &got, &why) < 0 && why && *why, name);
	}
}

static void test_paths(void)
{
	static const char *const cases[][2] = {
		{ "/usr//bin/./x", "/usr/bin/x" }, { "/", "/" }, { "//", "/" },
		{ "/a/", "/a" }, { "/a/./b/.", "/a/b" }, { "/...", "/..." },
		{ "rel", NULL }, { "", NULL }, { "/a/../b", NULL }, { "/..", NULL },
		{ "./a", NULL },
	};
	char longname[300];
	const char *why;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = normalize_image_path(cases[i][0], &why), name[64];

		snprintf(name, sizeof(name), "normalize_image_path '%s'", cases[i][0]);
		CHECK_STR(got, cases[i][1], name);
		free(got);
	}
	memset(longname, 'n', sizeof(longname));
	longname[0] = '/';
	longname[sizeof(longname) - 1] = '\0';
	CHECK(normalize_image_path(longname, &why) == NULL, "a name over 255 bytes is refused");
	CHECK(path_compare("/a", "/a/b") < 0 && path_compare("/a/b", "/a-b") < 0 &&
	      path_compare("/", "/a") < 0 && path_compare("/a", "/a") == 0,
	      "path_compare sorts depth-first: /a, /a/b, /a-b");
	{
		char *p = path_parent("/a/b"), *r = path_parent("/a"), *b = path_basename("x/y/");

		CHECK_STR(p, "/a", "path_parent /a/b");
		CHECK_STR(r, "/", "path_parent /a");
		CHECK_STR(path_name("/a/b"), "b", "path_name /a/b");
		CHECK_STR(b, "y", "path_basename x/y/");
		free(p);
		free(r);
		free(b);
	}
}

/* parser(arg) gives src and dest, or an error holding err_part. */
static void expect_spec(int (*parser)(const char *, char **, char **, char *),
			const char *label, const char *arg, const char *src,
			const char *dest, const char *err_part)
{
	char err[ERRLEN] = "", *s = NULL, *d = NULL, name[128];
	int rc = parser(arg, &s, &d, err);

	snprintf(name, sizeof(name), "%s '%s'", label, arg);
	if (err_part) {
		CHECK(rc < 0 && strstr(err, err_part) != NULL, name);
		if (rc == 0 || !strstr(err, err_part))
			printf("    expected an error with '%s', got '%s'\n", err_part, err);
	} else {
		CHECK(rc == 0 && strcmp(s, src) == 0 && strcmp(d, dest) == 0, name);
	}
	free(s);
	free(d);
}

static void expect_add(const char *arg, const char *src, const char *dest, const char *err_part)
{
	expect_spec(parse_add_spec, "--add", arg, src, dest, err_part);
}

static void test_add_specs(void)
{
	expect_add("src:/dest", "src", "/dest", NULL);
	expect_add("a:b:/c", "a:b", "/c", NULL);
	expect_add("dir/file:/opt/", "dir/file", "/opt/file", NULL);
	expect_add("tree:/", "tree", "/tree", NULL);
	expect_add("tree:/.", "tree", "/", NULL);
	expect_add("x://etc//y", "x", "/etc/y", NULL);
	expect_add("foo:bar", NULL, NULL, "not an absolute path");
	expect_add("foo", NULL, NULL, "expected SRC:DEST");
	expect_add(":/x", NULL, NULL, "SRC is empty");
	expect_add("x:/../etc", NULL, NULL, "'..'");
	expect_add("x:/a/../../b", NULL, NULL, "'..'");
	expect_add("x:", NULL, NULL, "is empty");
}

static void test_values(void)
{
	uint8_t u[16];
	char s[37];
	uint32_t e = 0;
	enum image_kind k;

	CHECK(parse_uuid("01234567-89ab-cdef-0123-456789ABCDEF", u) == 0, "parse_uuid accepts a UUID");
	format_uuid(u, s);
	CHECK_STR(s, "01234567-89ab-cdef-0123-456789abcdef", "format_uuid round trip");
	CHECK(parse_uuid("0123456789ab-cdef-0123-456789abcdef", u) < 0, "parse_uuid refuses misplaced dashes");
	CHECK(parse_uuid("01234567-89ab-cdef-0123-456789abcdeg", u) < 0, "parse_uuid refuses non-hex");
	CHECK(parse_epoch("1", &e) == 0 && e == 1, "SOURCE_DATE_EPOCH=1");
	CHECK(parse_epoch("2147483647", &e) == 0 && e == 2147483647u, "SOURCE_DATE_EPOCH=2^31-1");
	CHECK(parse_epoch("0", &e) < 0 && parse_epoch("2147483648", &e) < 0 &&
	      parse_epoch("12a", &e) < 0 && parse_epoch("", &e) < 0 && parse_epoch("-1", &e) < 0,
	      "bad SOURCE_DATE_EPOCH values are refused");
	CHECK(parse_kind("ext4", &k) == 0 && k == KIND_EXT4 && parse_kind("cpio", &k) == 0 &&
	      k == KIND_CPIO && parse_kind("xfs", &k) < 0, "parse_kind");
}

static const struct entry *find(const struct manifest *m, const char *path)
{
	return manifest_find(m, path);
}

static int is_sorted_with_parents_first(const struct manifest *m)
{
	for (size_t i = 1; i < m->n; i++)
		if (path_compare(m->e[i - 1].path, m->e[i].path) >= 0)
			return 0;
	for (size_t i = 0; i < m->n; i++) {
		char *p = path_parent(m->e[i].path);
		const struct entry *pe = find(m, p);
		int ok = pe && pe->type == E_DIR && pe < &m->e[i] + (strcmp(m->e[i].path, "/") == 0);

		free(p);
		if (!ok)
			return 0;
	}
	return 1;
}

static void test_base_manifest(void)
{
	struct manifest m;
	char err[ERRLEN];
	const struct entry *e;
	int owners = 1;

	manifest_init(&m);
	manifest_add_base(&m);
	CHECK(manifest_add_applets(&m, "usr/bin/[\nbin/sh\r\n\nbin/busybox\nsbin/init\n", err) == 0,
	      "applet list parses");
	CHECK(manifest_finish(&m, err) == 0, "base manifest finishes");
	CHECK(is_sorted_with_parents_first(&m), "entries sorted, every parent a directory before its children");
	e = find(&m, "/dev/console");
	CHECK(e && e->type == E_CHAR && e->major == 5 && e->minor == 1 && e->mode == 0600,
	      "/dev/console is c 5 1 0600");
	e = find(&m, "/dev/ttyS3");
	CHECK(e && e->major == 4 && e->minor == 67 && e->mode == 0660, "/dev/ttyS3 is c 4 67 0660");
	e = find(&m, "/tmp");
	CHECK(e && e->type == E_DIR && e->mode == 01777, "/tmp is 1777");
	e = find(&m, "/root");
	CHECK(e && e->mode == 0700, "/root is 0700");
	e = find(&m, "/etc/mtab");
	CHECK(e && e->type == E_SYMLINK && strcmp(e->target, "/proc/mounts") == 0, "/etc/mtab -> /proc/mounts");
	e = find(&m, "/usr/bin/[");
	CHECK(e && e->type == E_SYMLINK && strcmp(e->target, "/bin/busybox") == 0, "applet /usr/bin/[ links to busybox");
	CHECK(find(&m, "/bin/busybox") == NULL, "bin/busybox from the list is not made a link");
	e = find(&m, "/etc/profile");
	CHECK(e && e->data && strstr(e->data, "\\u@\\h:\\w"), "/etc/profile sets a user@host:cwd prompt");
	for (size_t i = 0; i < m.n; i++)
		owners &= m.e[i].uid == 0 && m.e[i].gid == 0;
	CHECK(owners, "every entry is owned 0:0");
	manifest_free(&m);
}

static void test_manifest_rules(void)
{
	struct manifest m;
	char err[ERRLEN];
	struct entry *e;

	manifest_init(&m);
	manifest_add_symlink(&m, "/bin/sh", "/bin/busybox", "applets");
	e = manifest_add(&m, E_FILE, "/bin/sh", 0755, "--add sh:/bin/sh");
	e->data = "#!";
	manifest_add(&m, E_DIR, "/opt/deep/dir", 0700, "--add");
	CHECK(manifest_finish(&m, err) == 0, "a file may replace a symlink");
	CHECK(find(&m, "/bin/sh") && find(&m, "/bin/sh")->type == E_FILE, "the later entry wins");
	CHECK(find(&m, "/opt") && find(&m, "/opt")->mode == 0755 && find(&m, "/opt/deep") &&
	      find(&m, "/") && find(&m, "/bin"), "missing parents are added as 0755 directories");
	CHECK(find(&m, "/opt/deep/dir")->mode == 0700, "explicit directory keeps its mode");
	manifest_free(&m);

	manifest_init(&m);
	manifest_add(&m, E_DIR, "/etc", 0755, "built-in");
	manifest_add(&m, E_FILE, "/etc", 0644, "--add x:/etc")->data = "";
	CHECK(manifest_finish(&m, err) < 0 && strstr(err, "/etc") && strstr(err, "conflicts"),
	      "a file may not replace a directory");
	manifest_free(&m);

	manifest_init(&m);
	manifest_add_symlink(&m, "/lib", "usr/lib", "--add");
	manifest_add(&m, E_FILE, "/lib/x", 0644, "--add")->data = "";
	CHECK(manifest_finish(&m, err) < 0 && strstr(err, "not a directory"),
	      "an entry under a symlink is refused");
	manifest_free(&m);

	manifest_init(&m);
	CHECK(manifest_add_applets(&m, "\n\n", err) < 0, "an empty applet list is refused");
	CHECK(manifest_add_applets(&m, "bin/../../etc/x\n", err) < 0 && strstr(err, "unusable"),
	      "an applet path with .. is refused");
	manifest_free(&m);
}

/* SHA-256 of text, through hash.c. */
static void sha256_of(const void *data, size_t n, size_t piece, uint8_t out[HASH_BYTES])
{
	struct hash h;

	hash_init(&h);
	for (size_t i = 0; i < n; i += piece)
		hash_update(&h, (const char *)data + i, n - i < piece ? n - i : piece);
	hash_final(&h, out);
}

/* The same stream of updates through a plain and a threaded hash: small
 * copied updates between reserved chunks, enough of them (24 MiB) to pass
 * through every batch several times; a reserved chunk is overwritten once
 * hashed-from, to show it is not copied too early or read too late. */
static void threaded_and_plain(size_t chunk, size_t total, uint8_t plain[HASH_BYTES],
			       uint8_t threaded[HASH_BYTES])
{
	struct hash p, t;
	char *scratch = xmalloc(chunk);

	hash_init(&p);
	hash_init_threaded(&t);
	for (size_t done = 0, i = 0; done < total; done += chunk, i++) {
		char *room = hash_reserve(&t, chunk);

		for (size_t k = 0; k < chunk; k++)
			room[k] = scratch[k] = (char)(k * 7 + i * 13);
		hash_u64(&p, i);
		hash_u64(&t, i);
		hash_update(&p, scratch, chunk / 2);
		hash_update(&t, room, chunk / 2);		/* from the room */
		hash_string(&p, "between");
		hash_string(&t, "between");
		hash_update(&p, scratch + chunk / 2, chunk - chunk / 2);
		hash_update(&t, room + chunk / 2, chunk - chunk / 2);
	}
	free(scratch);
	hash_final(&p, plain);
	hash_final(&t, threaded);
}

static void test_hash(void)
{
	/* FIPS 180-2's first example */
	static const uint8_t abc[HASH_BYTES] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde,
		0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
		0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
	};
	const char *text = "the quick brown fox jumps over the lazy dog";
	uint8_t da[HASH_BYTES], db[HASH_BYTES], u[16], s[16];
	struct hash h;

	sha256_of("abc", 3, 3, da);
	CHECK(memcmp(da, abc, HASH_BYTES) == 0, "hash: SHA-256(\"abc\") is the FIPS 180-2 value");
	sha256_of(text, strlen(text), strlen(text), da);
	sha256_of(text, strlen(text), 3, db);
	CHECK(memcmp(da, db, HASH_BYTES) == 0, "hash: pieces give the same digest as the whole");
	sha256_of(text, strlen(text) - 1, 64, db);
	CHECK(memcmp(da, db, HASH_BYTES) != 0, "hash: one byte less, another digest");
	sha256_of("", 0, 1, db);
	sha256_of("\0", 1, 1, da);
	CHECK(memcmp(da, db, HASH_BYTES) != 0, "hash: length counts (empty vs one NUL)");
	hash_derive_uuid(da, "uuid", u);
	CHECK((u[6] & 0xf0) == 0x80 && (u[8] & 0xc0) == 0x80, "derived UUID is version 8, RFC variant");
	hash_derive_uuid(da, "hash seed", s);
	CHECK(memcmp(u, s, 16) != 0, "UUID and hash seed differ");
	hash_derive_uuid(da, "uuid", s);
	CHECK(memcmp(u, s, 16) == 0, "the same digest gives the same UUID");
	hash_init(&h);
	CHECK(hash_reserve(&h, 16) == NULL, "hash: an unthreaded hash reserves nothing");
	hash_discard(&h);
	threaded_and_plain(1 << 20, 24 << 20, da, db);
	CHECK(memcmp(da, db, HASH_BYTES) == 0, "hash: the threaded digest of 1 MiB chunks is the plain one");
	threaded_and_plain(4097, 3 << 20, da, db);
	CHECK(memcmp(da, db, HASH_BYTES) == 0, "hash: and of odd-sized chunks");
	hash_init_threaded(&h);
	hash_update(&h, "x", 1);
	hash_discard(&h);
	CHECK(h.queue == NULL, "hash: a threaded hash can be dropped");
}

static void put16(unsigned char *p, unsigned v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); }

static void test_elf(void)
{
	unsigned char h[64] = { 0x7f, 'E', 'L', 'F', ELFCLASS64, ELFDATA2LSB, 1 };
	unsigned char ph[2 * 56] = { 0 };
	struct elf_info info;
	char buf[32];

	put16(h + 16, ET_EXEC);
	put16(h + 18, EM_AARCH64);
	h[32] = 64;		/* phoff */
	put16(h + 54, 56);
	put16(h + 56, 2);
	CHECK(elf_parse_header(h, sizeof(h), &info) == 0 && info.class64 && info.phnum == 2 &&
	      info.phoff == 64 && info.machine == EM_AARCH64, "elf header parsed");
	CHECK_STR(elf_machine_name(&info, buf), "aarch64", "machine name aarch64");
	CHECK(elf_is_executable(&info), "ET_EXEC is executable");
	ph[56] = PT_INTERP;
	CHECK(elf_has_interp(ph, sizeof(ph), &info), "PT_INTERP means dynamically linked");
	ph[56] = PT_LOAD;
	CHECK(!elf_has_interp(ph, sizeof(ph), &info), "no PT_INTERP means static");
	CHECK(elf_parse_header((const unsigned char *)"#!/bin/sh\n", 10, &info) < 0,
	      "a script is not ELF");
	h[EI_CLASS] = 7;
	CHECK(elf_parse_header(h, sizeof(h), &info) < 0, "a bad ELF class is not ELF");
	h[EI_CLASS] = ELFCLASS64;
	put16(h + 18, EM_X86_64);
	elf_parse_header(h, sizeof(h), &info);
#if defined(__x86_64__)
	CHECK(elf_is_native(&info) && strcmp(elf_native_name(), "x86-64") == 0, "x86-64 is native here");
#endif
	put16(h + 16, ET_REL);
	elf_parse_header(h, sizeof(h), &info);
	CHECK(!elf_is_executable(&info), "an object file is not executable");
}

static void test_plan(void)
{
	struct manifest m;
	struct ext_need need;
	char err[ERRLEN];
	struct entry *e;

	CHECK(ext_file_blocks(0, 4096, 0) == 0, "empty file: no block");
	CHECK(ext_file_blocks(1, 4096, 0) == 1, "1 byte: one block");
	CHECK(ext_file_blocks(12 * 4096, 4096, 0) == 12, "12 blocks: no indirect block");
	CHECK(ext_file_blocks(13 * 4096, 4096, 0) == 14, "13 blocks: one indirect block");
	CHECK(ext_file_blocks((12 + 1024 + 1) * 4096ULL, 4096, 0) == 12 + 1024 + 1 + 1 + 2,
	      "past the single indirect: double indirect top and leaf");
	CHECK(ext_file_blocks(100 * 4096, 4096, 1) == 100, "ext4: a small file needs no extent block");
	CHECK(ext_dir_blocks(0, 4096, 0, 0) == 1, "an empty directory takes one block");
	CHECK(ext_dir_blocks(20000, 4096, 0, 0) >= 20000 / 4096 + 1, "a big directory takes enough blocks");
	manifest_init(&m);
	manifest_add(&m, E_DIR, "/", 0755, "t");
	e = manifest_add(&m, E_FILE, "/big", 0644, "t");
	e->data = "";
	e->size = 10 * 4096;
	manifest_add_symlink(&m, "/short", "/bin/busybox", "t");
	manifest_add_symlink(&m, "/long", "/a/very/long/target/that/does/not/fit/in/the/inode/block/array/xx", "t");
	manifest_finish(&m, err);
	ext_estimate(&m, 4096, 0, 0, &need);
	CHECK(need.inodes == 3, "estimate: one inode per entry, the root's is reserved");
	CHECK(need.blocks == 10 + 1 + 1, "estimate: file blocks, a slow symlink's block, the root's block");
	manifest_free(&m);
}

/* options_parse keeps pointers into argv: the words live until the next call. */
static int parse(const char *line, struct options *o, char *err)
{
	static char *words;
	char *argv[32], *save = NULL;
	int argc = 0;

	free(words);
	words = xstrdup(line);
	for (char *t = strtok_r(words, " ", &save); t && argc < 31; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	argv[argc] = NULL;
	return options_parse(argc, argv, o, err);
}

static void expect_usage_error(const char *line, const char *part)
{
	struct options o;
	char err[ERRLEN] = "", name[160];
	int rc = parse(line, &o, err);

	snprintf(name, sizeof(name), "usage error: %s", line);
	CHECK(rc < 0 && strstr(err, part), name);
	if (rc == 0 || !strstr(err, part))
		printf("    expected '%s' in '%s'\n", part, err);
	options_free(&o);
}

static void test_options(void)
{
	struct options o;
	char err[ERRLEN];

	CHECK(parse("mkrootfs -t ext4 -s 1G -o x.img --add a:/b --overlay d -v", &o, err) == 0 &&
	      o.kind == KIND_EXT4 && o.size == 1ULL << 30 && o.nsources == 2 &&
	      strcmp(o.sources[1].dest, "/") == 0 && o.sources[1].overlay &&
	      strcmp(o.output, "x.img") == 0 && o.verbosity == 2, "a full command line parses");
	options_free(&o);
	CHECK(parse("mkrootfs -o x", &o, err) == 0 && o.kind == KIND_EXT3 && o.size == 128ULL << 20,
	      "defaults: ext3, 128M");
	options_free(&o);
	CHECK(parse("mkrootfs --update x --no-backup -q", &o, err) == 0 && o.update && o.no_backup &&
	      o.verbosity == 0, "--update parses");
	options_free(&o);
	CHECK(parse("mkrootfs --help", &o, err) == 0 && o.help, "--help needs no image");
	options_free(&o);
	expect_usage_error("mkrootfs", "no image given");
	expect_usage_error("mkrootfs -o a --update b", "cannot be used together");
	expect_usage_error("mkrootfs --update b -t cpio", "--type cannot be used with --update");
	expect_usage_error("mkrootfs --update b -s 1G", "--size");
	expect_usage_error("mkrootfs -t cpio -s 1G -o x", "--size does not apply");
	expect_usage_error("mkrootfs -o x --no-backup", "--no-backup");
	expect_usage_error("mkrootfs -o x -s 12Q", "--size 12Q: not a size");
	expect_usage_error("mkrootfs -o x -t xfs", "unknown type");
	expect_usage_error("mkrootfs -o x --frobnicate", "unknown option --frobnicate");
	expect_usage_error("mkrootfs -o x -Z", "unknown option -Z");
	expect_usage_error("mkrootfs -o x --init", "needs a value");
	expect_usage_error("mkrootfs -o", "needs a value");
	expect_usage_error("mkrootfs -o x extra", "unexpected argument 'extra'");
	expect_usage_error("mkrootfs -o x --add nodest", "expected SRC:DEST");
	expect_usage_error("mkrootfs -o x --uuid nope", "not a UUID");
}

static void test_cpio(void)
{
	struct newc_fields f = { .ino = 1, .mode = 0100755, .nlink = 1, .mtime = 1, .filesize = 5 };
	struct entry dev = { .type = E_CHAR, .mode = 0600 };
	char buf[256];
	size_t n = newc_header(buf, sizeof(buf), "bin/x", &f);

	CHECK(n == 116 && memcmp(buf, "070701", 6) == 0, "newc header is 110 bytes + name, 4-aligned");
	CHECK(memcmp(buf + 6, "00000001000081ED", 16) == 0, "ino and mode in 8 hex digits");
	CHECK(memcmp(buf + 94, "00000006", 8) == 0 && strcmp(buf + 110, "bin/x") == 0,
	      "namesize counts the NUL");
	CHECK(newc_header(buf, 100, "bin/x", &f) == 0, "a short buffer is refused");
	CHECK(newc_mode(&dev) == 020600, "character device mode");
	CHECK(archive_wants_gzip("a.cpio.gz") && !archive_wants_gzip("a.cpio") && !archive_wants_gzip(".gz"),
	      "gzip chosen by the .gz suffix");
	{
		struct newc_fields g;
		size_t namesize = 0;

		CHECK(newc_parse(buf, n, &g, &namesize) == 0 && g.ino == 1 && g.mode == 0100755 &&
		      g.filesize == 5 && g.nlink == 1 && namesize == 6, "newc_parse reads what newc_header wrote");
		buf[1] = '8';
		CHECK(newc_parse(buf, n, &g, &namesize) < 0, "newc_parse: another magic is refused");
		buf[1] = '7';
		buf[20] = 'x';
		CHECK(newc_parse(buf, n, &g, &namesize) < 0, "newc_parse: a field that is not hex is refused");
		CHECK(newc_parse(buf, 100, &g, &namesize) < 0, "newc_parse: a short header is refused");
	}
}

static void test_hard_links(void)
{
	struct manifest m;
	char err[ERRLEN];
	const struct entry *a, *b, *c, *d;

	manifest_init(&m);
	manifest_add(&m, E_DIR, "/", 0755, "t");
	struct entry *e = manifest_add(&m, E_FILE, "/z/late", 0644, "t");
	e->link_dev = 1, e->link_id = 7, e->data = "x", e->size = 1;
	e = manifest_add(&m, E_FILE, "/a/early", 0644, "t");
	e->link_dev = 1, e->link_id = 7, e->data = "x", e->size = 1;
	e = manifest_add(&m, E_FILE, "/m/middle", 0644, "t");
	e->link_dev = 1, e->link_id = 7, e->data = "x", e->size = 1;
	e = manifest_add(&m, E_FILE, "/m/other", 0644, "t");
	e->link_dev = 2, e->link_id = 7, e->data = "y", e->size = 1;
	e = manifest_add(&m, E_FILE, "/m/middle", 0600, "t");	/* replaces a name */
	e->data = "z", e->size = 1;
	CHECK(manifest_finish(&m, err) == 0, "a manifest with hard links is finished");
	a = manifest_find(&m, "/a/early");
	b = manifest_find(&m, "/m/middle");
	c = manifest_find(&m, "/z/late");
	d = manifest_find(&m, "/m/other");
	CHECK(a && b && c && d, "hard-linked entries found");
	CHECK(a->nlink == 2 && c->nlink == 2, "a replaced name no longer counts as a link");
	CHECK(manifest_first_link(&m, c) == a && manifest_last_link(&m, a) == c,
	      "first and last names in image order");
	CHECK(b->nlink == 1 && manifest_first_link(&m, b) == b, "the replacing entry is on its own");
	CHECK(d->nlink == 1, "same inode number on another device: another file");
	manifest_free(&m);
}

static void expect_program(const char *arg, const char *src, const char *dest,
			   const char *err_part)
{
	expect_spec(parse_program_spec, "--add-program", arg, src, dest, err_part);
}

static void expect_join(const char *dir, const char *rel, const char *want)
{
	char *got = join_image_path(dir, rel), name[128];

	snprintf(name, sizeof(name), "join_image_path %s + %s", dir, rel);
	CHECK_STR(got, want, name);
	free(got);
}

static void test_programs(void)
{
	struct options o;
	char err[ERRLEN];

	expect_program("build/prog", "build/prog", "/usr/bin/prog", NULL);
	expect_program("/usr/bin/python3", "/usr/bin/python3", "/usr/bin/python3", NULL);
	expect_program("prog:/opt/bin/p", "prog", "/opt/bin/p", NULL);
	expect_program("prog:/opt/bin/", "prog", "/opt/bin/prog", NULL);
	expect_program("a:b", "a:b", "/usr/bin/a:b", NULL);
	expect_program("", NULL, NULL, "the path is empty");
	expect_program("x:/../y", NULL, NULL, "--add-program x:/../y: DEST");
	expect_join("/usr/bin", "../lib", "/usr/lib");
	expect_join("/usr/bin", "../lib/x86_64/./libz.so", "/usr/lib/x86_64/libz.so");
	expect_join("/", "../../etc", "/etc");
	expect_join("/a/b", "/abs//c", "/abs/c");
	expect_join("/a", ".", "/a");
	expect_join("/a", "..", "/");
	CHECK(parse("mkrootfs -o x --add-program p --add-program q:/bin/q", &o, err) == 0 &&
	      o.nsources == 2 && o.sources[0].program && !o.sources[0].overlay &&
	      strcmp(o.sources[0].dest, "/usr/bin/p") == 0 &&
	      strcmp(o.sources[1].dest, "/bin/q") == 0, "--add-program is repeatable");
	options_free(&o);
	CHECK(parse("mkrootfs --list-program-deps p", &o, err) == 0 && o.list_deps,
	      "--list-program-deps needs no image");
	options_free(&o);
	CHECK(parse("mkrootfs --list-program-deps p --list-program-deps q:/t/q", &o, err) == 0 &&
	      o.nlist_deps == 2 && strcmp(o.list_deps[1], "q:/t/q") == 0 && !o.list_deps[2],
	      "--list-program-deps is repeatable, the list NULL-terminated");
	options_free(&o);
	CHECK(parse("mkrootfs --copy-out a.img:dir -q", &o, err) == 0 && o.copy_out,
	      "--copy-out needs no -o");
	options_free(&o);
	expect_usage_error("mkrootfs --copy-out a:b -o x", "--copy-out works alone");
	expect_usage_error("mkrootfs --list-program-deps p --add x:/y", "works alone");
	expect_usage_error("mkrootfs --list-program-deps p --copy-out a:b", "works alone");
	expect_usage_error("mkrootfs --copy-out a:b -s 1G", "--copy-out works alone");
	expect_usage_error("mkrootfs --list-program-deps p --bare", "works alone");
}

/* The image's architecture: named, or taken from an ELF machine; the
 * programs added are then judged against it. */
static void test_arches(void)
{
	struct elf_info arm64 = { .class64 = 1, .machine = EM_AARCH64, .type = ET_EXEC };
	struct elf_info arm32 = { .class64 = 0, .machine = EM_ARM, .type = ET_EXEC };
	struct elf_info amd64 = { .class64 = 1, .machine = EM_X86_64, .type = ET_EXEC };
	char buf[32];

	CHECK(arch_by_name("aarch64") && arch_by_name("aarch64") == arch_by_name("arm64"),
	      "aarch64 is also called arm64");
	CHECK_STR(arch_by_name("arm")->debian, "armhf", "32-bit ARM images are armhf's");
	CHECK(arch_by_name("riscv64") == NULL && arch_by_name("") == NULL, "unknown architectures");
	CHECK(arch_by_machine(EM_ARM, 0) == arch_by_name("armhf"), "EM_ARM, 32-bit: armhf");
	CHECK(arch_by_machine(EM_ARM, 1) == NULL && arch_by_machine(EM_RISCV, 1) == NULL,
	      "no images for a 64-bit EM_ARM or riscv64");
	CHECK(arch_target() == NULL, "no target before one is chosen");
	arch_set_target(arch_by_name("aarch64"));
	CHECK(elf_is_native(&arm64) && !elf_is_native(&amd64) && !elf_is_native(&arm32),
	      "an aarch64 image takes aarch64 programs only");
	CHECK_STR(elf_native_name(), "aarch64", "the image's machine is named");
	CHECK_STR(arch_target()->qemu_user, "qemu-aarch64-static", "its busybox runs under qemu");
	arch_set_target(arch_by_name("armhf"));
	CHECK(elf_is_native(&arm32) && !elf_is_native(&arm64), "an armhf image takes 32-bit ARM");
	CHECK_STR(elf_machine_name(&arm32, buf), "arm", "machine name arm");
	arch_set_target(arch_by_name("x86_64"));
#if defined(__x86_64__)
	CHECK(elf_target_is_host(), "x86-64 runs here");
#endif
}

int main(void)
{
	test_sizes();
	test_paths();
	test_add_specs();
	test_values();
	test_base_manifest();
	test_manifest_rules();
	test_hash();
	test_elf();
	test_plan();
	test_options();
	test_cpio();
	test_programs();
	test_hard_links();
	test_arches();
	return check_exit();
}
