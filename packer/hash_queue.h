/* hash_queue.h - a hash taken on a thread of its own. The writer hands it
 * the bytes in the order they are to be hashed and goes on writing; the
 * thread hashes them meanwhile, on the other core, and the digest is the
 * same as hash_update's in that order. File contents are not copied: the
 * writer reads them into room reserved here, which stays untouched until
 * hashed. Used through hash.h (hash_init_threaded). */
#ifndef MKROOTFS_HASH_QUEUE_H
#define MKROOTFS_HASH_QUEUE_H

#include <stddef.h>
#include <stdint.h>

/* The most one reservation may ask for. */
#define HASH_QUEUE_MAX_RESERVE (2 * 1024 * 1024)

struct hash_queue;

struct hash_queue *hash_queue_start(void);

/* n bytes (at most HASH_QUEUE_MAX_RESERVE) that stay as the caller leaves
 * them until hashed: they are valid until the next reservation (or the
 * end), and updates of bytes inside them are taken without a copy. */
char *hash_queue_reserve(struct hash_queue *q, size_t n);

/* As hash_update: bytes of the last reservation are referred to, others
 * are copied (so they may change once this returns). */
void hash_queue_update(struct hash_queue *q, const void *data, size_t n);

/* Waits for the thread; q is freed. */
void hash_queue_final(struct hash_queue *q, uint8_t *out);
void hash_queue_discard(struct hash_queue *q);

#endif
