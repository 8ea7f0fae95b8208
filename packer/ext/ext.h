/* ext.h - ext2/3/4 images through libext2fs: formatting a new image,
 * installing manifest entries, and updating an existing image in place. */
#ifndef MKROOTFS_EXT_H
#define MKROOTFS_EXT_H

#include "manifest.h"
#include "parse.h"

#include <stdint.h>

#define EXT_BLOCKSIZE 4096

struct ext_image {
	enum image_kind kind;		/* KIND_EXT2, KIND_EXT3 or KIND_EXT4 */
	uint64_t bytes;			/* size of the image file */
	uint64_t room_inodes;		/* inodes at least (ext_choose_size's room), or 0 */
	uint32_t epoch;			/* every timestamp */
	int uuid_given;			/* uuid was chosen by the user ... */
	uint8_t uuid[16];		/* ... or is derived from the digest when written */
	uint8_t hash_seed[16];		/* directory index hashes: from the digest */
	uint32_t csum_seed;		/* ext4 metadata checksums: from the manifest */
};

/* The size of an image whose size was not given, into img->bytes: the
 * smallest whole MiB, but not below floor, that holds the manifest with
 * room to spare (ext_with_room). 0, or -1 after reporting content that
 * fits in no image. */
int ext_choose_size(const struct manifest *m, struct ext_image *img, uint64_t floor);

/* Does the manifest fit in img->bytes? If not, report how much it needs
 * and return -1; nothing is written either way. */
int ext_check_fits(const struct manifest *m, const struct ext_image *img);

/* Format the (empty, already sized) file at path and write the manifest
 * into it, in one pass over every file's bytes; the UUID (unless given)
 * and the hash seed come from the digest of all of it and are stored in
 * img. 0, or -1 after reporting. */
int ext_write_new(const char *path, const struct manifest *m, struct ext_image *img);

struct ext_update_options {
	uint32_t epoch;
	int no_backup;			/* do not keep /sbin/init as init.orig */
};

/* Install the manifest into an existing ext2/3/4 image in place. Every
 * check (not mounted, clean, room, no conflicts) comes before the first
 * change. 0, or -1 after reporting. */
int ext_update(const char *image, const struct manifest *m,
	       const struct ext_update_options *opt);

#endif
