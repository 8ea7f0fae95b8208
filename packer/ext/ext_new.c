/* ext_new.c - a new image: check that the manifest fits, format, fill. */
#include "ext/ext.h"
#include "ext/digest.h"
#include "ext/ext_format.h"
#include "ext/ext_plan.h"
#include "ext/ext_write.h"
#include "util.h"

#include <et/com_err.h>
#include <inttypes.h>
#include <stdio.h>

#define MIB ((uint64_t)1024 * 1024)

static void image_needs(const struct manifest *m, enum image_kind kind,
			struct ext_need *need)
{
	ext_estimate(m, EXT_BLOCKSIZE, ext_kind_has_extents(kind),
		     ext_kind_has_csum(kind), need);
}

/* 1 when it fits, 0 when not, -1 on an error other than "too small". */
static int fits(const struct ext_image *img, const struct ext_need *need,
		errcode_t *err)
{
	struct ext_need room;
	errcode_t rc = ext_capacity(img, ext_inode_count(img->bytes, need->inodes), &room);

	if (rc == EXT2_ET_TOOSMALL || rc == EXT2_ET_TOO_MANY_INODES ||
	    rc == EXT2_ET_INVALID_ARGUMENT)
		return 0;
	*err = rc;
	if (rc)
		return -1;
	return room.blocks >= need->blocks && room.inodes >= need->inodes;
}

static int fits_mib(const struct ext_image *img, uint64_t mib,
		    const struct ext_need *need)
{
	struct ext_image try = *img;
	errcode_t err = 0;

	try.bytes = mib * MIB;
	return fits(&try, need, &err) == 1;
}

/* Smallest whole number of MiB that holds the manifest (0 if none does). */
static uint64_t minimum_mib(const struct ext_image *img, const struct ext_need *need)
{
	uint64_t lo = 1, hi = 8, limit = MAX_IMAGE_BYTES / MIB;

	while (hi < limit && !fits_mib(img, hi, need)) {
		lo = hi;
		hi *= 2;
	}
	if (hi >= limit)
		return fits_mib(img, limit, need) ? limit : 0;
	while (lo + 1 < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (fits_mib(img, mid, need))
			hi = mid;
		else
			lo = mid;
	}
	/* capacity is not strictly monotonic at group boundaries */
	while (hi < limit && !fits_mib(img, hi, need))
		hi++;
	return hi;
}

static void human(uint64_t bytes, char buf[32])
{
	if (bytes % (1024 * MIB) == 0)
		snprintf(buf, 32, "%" PRIu64 "G", bytes / (1024 * MIB));
	else if (bytes % MIB == 0)
		snprintf(buf, 32, "%" PRIu64 "M", bytes / MIB);
	else if (bytes % 1024 == 0)
		snprintf(buf, 32, "%" PRIu64 "K", bytes / 1024);
	else
		snprintf(buf, 32, "%" PRIu64, bytes);
}

int ext_choose_size(const struct manifest *m, struct ext_image *img, uint64_t floor)
{
	struct ext_need need, roomy;
	uint64_t mib;

	image_needs(m, img->kind, &need);
	ext_with_room(&need, EXT_BLOCKSIZE, &roomy);
	img->bytes = floor;
	img->room_inodes = roomy.inodes;
	/* The usual case, a small tree, costs one look at the floor's capacity. */
	if (fits_mib(img, floor / MIB, &roomy))
		return 0;
	mib = minimum_mib(img, &roomy);
	if (!mib) {	/* no room to spare in the largest image: as much as there is */
		mib = minimum_mib(img, &need);
		img->room_inodes = 0;
	}
	if (!mib) {
		errorf("the content does not fit in any %s image (%" PRIu64 " blocks, %"
		       PRIu64 " inodes)", kind_name(img->kind), need.blocks, need.inodes);
		return -1;
	}
	img->bytes = mib * MIB;
	return 0;
}

int ext_check_fits(const struct manifest *m, const struct ext_image *img)
{
	struct ext_need need;
	errcode_t err = 0;
	char given[32];
	uint64_t mib;
	int ok;

	image_needs(m, img->kind, &need);
	ok = fits(img, &need, &err);
	if (ok == 1)
		return 0;
	if (ok < 0) {
		errorf("planning the %s layout: %s", kind_name(img->kind), error_message(err));
		return -1;
	}
	human(img->bytes, given);
	mib = minimum_mib(img, &need);
	if (mib)
		errorf("the content does not fit in --size %s: it needs at least %" PRIu64
		       "M (%" PRIu64 " blocks of data and %" PRIu64 " inodes, plus the "
		       "%s metadata); use --size %" PRIu64 "M or more", given, mib,
		       need.blocks, need.inodes, kind_name(img->kind), mib);
	else
		errorf("the content does not fit in any %s image (%" PRIu64 " blocks, %"
		       PRIu64 " inodes)", kind_name(img->kind), need.blocks, need.inodes);
	return -1;
}

/* Below this much content the hash's thread costs more (its start, its
 * buffers' first touch) than it saves. */
#define THREADED_HASH_FROM (16 << 20)

/* The bytes of file content the digest will take. */
static uint64_t content_bytes(const struct manifest *m)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < m->n; i++)
		if (m->e[i].type == E_FILE)
			sum += m->e[i].sparse ? m->e[i].stored : m->e[i].size;
	return sum;
}

/* Every entry, each file's bytes read once: they feed the digest too. */
static errcode_t install_all(ext2_filsys fs, const struct manifest *m,
			     struct ext_image *img)
{
	uint8_t digest[HASH_BYTES];
	struct ext_writer w;
	struct hash h;
	errcode_t rc = 0;

	ext_writer_init(&w, fs, m, img->epoch, 0);
	/* SHA-256 of every byte is a third of the CPU time of a large tree:
	 * another core takes it while this one writes. */
	if (content_bytes(m) >= THREADED_HASH_FROM)
		hash_init_threaded(&h);
	else
		hash_init(&h);
	digest_begin(&h, img->kind, img->bytes, img->epoch);
	w.digest = &h;
	for (size_t i = 0; i < m->n && !rc; i++)
		rc = ext_install(&w, &m->e[i]);
	ext_writer_free(&w);
	if (rc) {
		hash_discard(&h);
		return rc;
	}
	hash_final(&h, digest);
	if (!img->uuid_given)
		hash_derive_uuid(digest, "uuid", img->uuid);
	hash_derive_uuid(digest, "hash seed", img->hash_seed);
	rc = ext_set_identity(fs, img->uuid, img->hash_seed);
	if (rc)
		errorf("setting the UUID of the image: %s", error_message(rc));
	return rc;
}

/* ext4's metadata checksums are written from the first block on: their
 * seed comes from what is known before any file is read. */
static uint32_t checksum_seed(const struct manifest *m, const struct ext_image *img)
{
	uint8_t digest[HASH_BYTES], seed[16];

	digest_manifest(m, img->kind, img->bytes, img->epoch, digest);
	hash_derive_uuid(digest, "checksum seed", seed);
	return (uint32_t)seed[0] | (uint32_t)seed[1] << 8 | (uint32_t)seed[2] << 16 |
	       (uint32_t)seed[3] << 24;
}

int ext_write_new(const char *path, const struct manifest *m, struct ext_image *img)
{
	struct ext_need need;
	const char *doing = "";
	ext2_filsys fs;
	errcode_t rc;

	image_needs(m, img->kind, &need);
	if (ext_kind_has_csum(img->kind))
		img->csum_seed = checksum_seed(m, img);
	if (need.inodes < img->room_inodes)
		need.inodes = img->room_inodes;
	rc = ext_format(path, img, ext_inode_count(img->bytes, need.inodes), &fs, &doing);
	if (rc) {
		errorf("%s in %s: %s", doing, path, error_message(rc));
		return -1;
	}
	rc = install_all(fs, m, img);
	if (rc) {
		ext2fs_free(fs);	/* no flush: the temporary file is dropped anyway */
		return -1;
	}
	/* No fsync of its own: the caller syncs the whole file once, before
	 * renaming it into place (libext2fs would sync three times). */
	rc = ext2fs_close2(fs, EXT2_FLAG_FLUSH_NO_SYNC);
	if (rc) {
		ext2fs_free(fs);
		errorf("writing the file system metadata of %s: %s", path, error_message(rc));
		return -1;
	}
	return 0;
}
