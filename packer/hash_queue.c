/* hash_queue.c - the bytes to hash travel in batches: a few MiB of
 * reserved room (file contents, read straight into it) and a list of
 * pieces in hashing order, each pointing into that room or at a copy of
 * a small update (an entry's description, a block's index). The writer
 * fills one batch while the thread hashes the ones before it; a batch
 * goes back to the writer once hashed. A handful of hand-overs per
 * hundred files keeps the locking out of the way. */
#include "hash_queue.h"
#include "sha256.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Two batches fill while a third is hashed. */
#define BATCHES 3
#define BATCH_ROOM (2 * HASH_QUEUE_MAX_RESERVE)

struct piece {
	const char *data;	/* in the room, or NULL: at copy_at in the copies */
	size_t copy_at, len;
};

struct batch {
	char *room;
	size_t room_used;
	char *copies;
	size_t copies_used, copies_cap;
	struct piece *pieces;
	size_t n, cap;
};

struct hash_queue {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct batch b[BATCHES];
	unsigned long handed, hashed;	/* batches so far; b[handed % BATCHES] fills */
	int ending, discarding;
	struct SHA256state_st *ctx;	/* the thread's own */
};

static void hash_batch(struct SHA256state_st *ctx, struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct piece *p = &b->pieces[i];

		sha256_update(ctx, p->data ? p->data : b->copies + p->copy_at, p->len);
	}
	b->n = b->room_used = b->copies_used = 0;
}

static void *hash_thread(void *arg)
{
	struct hash_queue *q = arg;

	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (q->hashed == q->handed && !q->ending)
			pthread_cond_wait(&q->changed, &q->lock);
		if (q->hashed == q->handed)
			break;
		struct batch *b = &q->b[q->hashed % BATCHES];
		int skip = q->discarding;

		pthread_mutex_unlock(&q->lock);
		if (!skip)
			hash_batch(q->ctx, b);
		pthread_mutex_lock(&q->lock);
		q->hashed++;
		pthread_cond_broadcast(&q->changed);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

static struct batch *filling(struct hash_queue *q)
{
	return &q->b[q->handed % BATCHES];
}

/* The batch being filled goes to the thread; the next one is waited for. */
static void hand_over(struct hash_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->handed++;
	pthread_cond_broadcast(&q->changed);
	while (q->handed - q->hashed >= BATCHES)
		pthread_cond_wait(&q->changed, &q->lock);
	pthread_mutex_unlock(&q->lock);
}

struct hash_queue *hash_queue_start(void)
{
	struct hash_queue *q = xcalloc(1, sizeof(*q));
	int err;

	for (int i = 0; i < BATCHES; i++)
		q->b[i].room = xmalloc(BATCH_ROOM);
	q->ctx = sha256_start();
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->changed, NULL);
	err = pthread_create(&q->thread, NULL, hash_thread, q);
	if (err) {
		errorf("starting the thread that hashes the image's content: %s", strerror(err));
		exit(1);
	}
	return q;
}

char *hash_queue_reserve(struct hash_queue *q, size_t n)
{
	struct batch *b = filling(q);
	char *room;

	if (n > HASH_QUEUE_MAX_RESERVE) {
		errorf("internal error: %zu bytes asked of the hash queue", n);
		abort();
	}
	if (b->room_used + n > BATCH_ROOM) {
		hand_over(q);
		b = filling(q);
	}
	room = b->room + b->room_used;
	b->room_used += n;
	return room;
}

static struct piece *new_piece(struct batch *b)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 4096;
		b->pieces = xrealloc(b->pieces, b->cap * sizeof(*b->pieces));
	}
	return &b->pieces[b->n++];
}

void hash_queue_update(struct hash_queue *q, const void *data, size_t n)
{
	struct batch *b = filling(q);
	const char *p = data;
	struct piece *piece;

	if (!n)
		return;
	piece = new_piece(b);
	piece->len = n;
	if (p >= b->room && p + n <= b->room + b->room_used) {
		piece->data = p;
		return;
	}
	if (b->copies_used + n > b->copies_cap) {
		b->copies_cap = 2 * (b->copies_used + n);
		b->copies = xrealloc(b->copies, b->copies_cap);
	}
	memcpy(b->copies + b->copies_used, p, n);
	piece->data = NULL;
	piece->copy_at = b->copies_used;
	b->copies_used += n;
}

static void stop(struct hash_queue *q, int discarding)
{
	pthread_mutex_lock(&q->lock);
	q->handed++;		/* the last batch, maybe empty */
	q->ending = 1;
	q->discarding = discarding;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->thread, NULL);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->changed);
	for (int i = 0; i < BATCHES; i++) {
		free(q->b[i].room);
		free(q->b[i].copies);
		free(q->b[i].pieces);
	}
}

void hash_queue_final(struct hash_queue *q, uint8_t *out)
{
	stop(q, 0);
	sha256_final(q->ctx, out);
	free(q);
}

void hash_queue_discard(struct hash_queue *q)
{
	stop(q, 1);
	sha256_discard(q->ctx);
	free(q);
}
