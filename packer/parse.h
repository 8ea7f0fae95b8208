/* parse.h - pure parsing of command-line values: sizes, image types,
 * --add specs, image paths, UUIDs and SOURCE_DATE_EPOCH. No system calls. */
#ifndef MKROOTFS_PARSE_H
#define MKROOTFS_PARSE_H

#include <stdint.h>

enum image_kind { KIND_EXT2, KIND_EXT3, KIND_EXT4, KIND_CPIO };

/* Largest image: 2^32 blocks of 4 KiB, the limit without the 64bit feature. */
#define MAX_IMAGE_BYTES ((uint64_t)0xffffffff * 4096)

int parse_kind(const char *s, enum image_kind *kind);
const char *kind_name(enum image_kind kind);

/* "128M", "1G", "4096", "512K": binary units. 0 on success, -1 with *why set. */
int parse_size(const char *s, uint64_t *bytes, const char **why);

/* "/usr//bin/./x" -> "/usr/bin/x" (malloc'd). NULL with *why set when the
 * path is empty, relative, has a ".." component or a name over 255 bytes. */
char *normalize_image_path(const char *path, const char **why);

/* Split "SRC:DEST" at the last ':' that starts an absolute DEST. A DEST that
 * ends in '/' gets SRC's last name appended (like cp into a directory).
 * Returns 0 with *src and *dest malloc'd (dest normalised), or -1 with err. */
int parse_add_spec(const char *arg, char **src, char **dest, char *err);

/* --add-program's "PATH[:DEST]": DEST defaults to /usr/bin/NAME; with a
 * ':' before an absolute DEST it is split like --add's SRC:DEST. */
int parse_program_spec(const char *spec, char **src, char **dest, char *err);

/* dir + rel as the guest's kernel resolves it when every directory on the
 * way is a real one: "/usr/bin" + "../lib/x" -> "/usr/lib/x"; ".." stops
 * at "/"; an absolute rel stands alone. malloc'd. */
char *join_image_path(const char *dir, const char *rel);

/* Last name of a host path, ignoring trailing slashes ("a/b/" -> "b"). */
char *path_basename(const char *path);

int parse_uuid(const char *s, uint8_t uuid[16]);
void format_uuid(const uint8_t uuid[16], char out[37]);

/* SOURCE_DATE_EPOCH: decimal seconds, 1 .. 2^31-1 (the range every ext
 * inode can hold without extra fields). 0 on success, -1 otherwise. */
int parse_epoch(const char *s, uint32_t *epoch);

#endif
