/*
 * commit.c: the group commit of the lease store, in the loop's prepare
 * hook, for every module that holds durable replies (dhcp_io.c,
 * dhcp6_io.c).  A reply leaves only after the store said its batch is
 * durable (the journal: lease_sync() returned 0; PostgreSQL: the
 * transaction committed) and its own record did not lose its address.
 * With a store that takes several syncs in flight, each queue remembers
 * how many of its replies each batch carries, and done() (in the order
 * of the syncs) flushes the oldest.
 */
#include "config.h"

#include <stddef.h>

#include "commit.h"
#include "ev.h"
#include "lease.h"
#include "log.h"

static struct {
	struct leases		*leases;
	struct commit_queue	*queues;
	struct ev_hook		 hook;
	bool			 hooked;
	bool			 was_done;	/* a batch done since the last */
} C;

void
commit_leases(struct leases *L)
{
	C.leases = L;
}

struct leases *
commit_store(void)
{
	return C.leases;
}

bool
commit_pending(void)
{
	struct lease_store	*s;

	if (C.leases == NULL || (s = C.leases->store) == NULL)
		return false;
	return s->inflight > 0 || s->ops->pending(s);
}

/* Whether the store takes another sync now. */
static bool
commit_room(const struct lease_store *s)
{
	unsigned	depth = s->depth == 0 ? 1 : s->depth;

	if (depth > COMMIT_DEPTH)
		depth = COMMIT_DEPTH;
	return s->inflight < depth;
}

uint64_t
commit_seq(void)
{
	return C.leases != NULL && C.leases->store != NULL ?
	    C.leases->store->seq : 0;
}

bool
commit_lost(uint64_t seq)
{
	struct lease_store	*s;

	if (seq == 0 || C.leases == NULL || (s = C.leases->store) == NULL)
		return false;
	return s->ops->lost(s, seq);
}

/* The oldest batch is durable (or not): its replies leave (or not). */
static void
commit_done(struct lease_store *s, bool synced)
{
	static struct log_rate	 rate;
	struct commit_queue	*q;
	size_t			 b;

	(void)s;
	C.was_done = true;
	for (q = C.queues; q != NULL; q = q->next) {
		if (q->nsent == 0)
			continue;
		b = q->sent[q->head];
		q->head = (q->head + 1) % COMMIT_DEPTH;
		q->nsent--;
		q->insent -= b;
		if (b == 0)
			continue;
		q->n -= b;
		q->batch = b;
		q->flush(q, synced);	/* the first q->batch held replies */
		q->batch = 0;
	}
	/* A full disk or a database down fails every turn: a line a second. */
	if (!synced)
		log_rated(&rate, LOG_WARNING, "dhcp: leases could not be made "
		    "durable: replies dropped, clients will retry");
}

void
commit_flush(void)
{
	struct lease_store	*s;
	struct commit_queue	*q;

	s = C.leases != NULL ? C.leases->store : NULL;
	if (s != NULL && !commit_room(s))
		return;		/* a done() makes room; then the next batch */
	/* The replies held since the last batch are this one's. */
	C.was_done = false;
	for (q = C.queues; q != NULL; q = q->next) {
		q->sent[(q->head + q->nsent) % COMMIT_DEPTH] = q->n - q->insent;
		q->nsent++;
		q->insent = q->n;
	}
	if (s == NULL || (!s->ops->pending(s) && s->inflight == 0)) {
		commit_done(s, true);
		return;
	}
	/*
	 * With nothing new recorded but batches in flight, these replies
	 * still wait for them: an empty sync is done after those.
	 */
	s->inflight++;
	s->done = commit_done;
	s->ops->sync(s);
}

static void
commit_prepare(void *arg, fd_set *rd, fd_set *wr, fd_set *ex, int *maxfd,
    uint64_t *timeout_ms)
{
	struct lease_store	*s;
	struct commit_queue	*q;
	size_t			 n = 0;
	uint64_t		 since = UINT64_MAX, left;

	(void)arg;
	(void)rd;
	(void)wr;
	(void)ex;
	(void)maxfd;
	for (q = C.queues; q != NULL; q = q->next)
		if (q->n > q->insent) {
			n += q->n - q->insent;
			if (q->since < since)
				since = q->since;
		}
	s = C.leases != NULL ? C.leases->store : NULL;
	if (n == 0 && (s == NULL || !s->ops->pending(s)))
		return;		/* nothing new: the batches in flight will do */
	if (s != NULL && s->inflight > 0 && n < COMMIT_PIPELINE &&
	    !C.was_done)
		return;		/* the next done() lets them go */
	if (n > 0 && n < COMMIT_MAX && ev_now() - since < COMMIT_MS) {
		/* Let more replies join this commit; wake up in time. */
		left = COMMIT_MS - (ev_now() - since);
		if (*timeout_ms > left)
			*timeout_ms = left;
		return;
	}
	commit_flush();
}

static void
commit_dispatch(void *arg, fd_set *rd, fd_set *wr, fd_set *ex)
{
	(void)arg;
	(void)rd;
	(void)wr;
	(void)ex;
}

void
commit_add(struct commit_queue *q)
{
	q->n = 0;
	q->nsent = q->head = 0;
	q->insent = 0;
	q->next = C.queues;
	C.queues = q;
	if (!C.hooked) {
		C.hook.prepare = commit_prepare;
		C.hook.dispatch = commit_dispatch;
		ev_hook_add(&C.hook);
		C.hooked = true;
	}
}

void
commit_del(struct commit_queue *q)
{
	struct commit_queue	**pp;

	for (pp = &C.queues; *pp != NULL; pp = &(*pp)->next)
		if (*pp == q) {
			*pp = q->next;
			break;
		}
	if (C.queues == NULL && C.hooked) {
		ev_hook_del(&C.hook);
		C.hooked = false;
	}
}

void
commit_held(struct commit_queue *q)
{
	/*
	 * The first of the next batch.  Held while a batch is in flight, it
	 * waited for that one: it leaves with the next sync, no later.
	 */
	if (q->n++ == q->insent)
		q->since = q->nsent > 0 ? 0 : ev_now();
}
