/*
 * commit.c: the group commit of the lease store, in the loop's prepare
 * hook, for every module that holds durable replies (dhcp_io.c,
 * dhcp6_io.c).  A reply leaves only after the store said its batch is
 * durable (the journal: lease_sync() returned 0; PostgreSQL: the
 * transaction committed) and its own record did not lose its address.
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
	return s->busy || s->ops->pending(s);
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

/* The store's batch is durable (or not): its replies leave (or not). */
static void
commit_done(struct lease_store *s, bool synced)
{
	static struct log_rate	 rate;
	struct commit_queue	*q;
	size_t			 b;

	if (s != NULL)
		s->busy = false;
	for (q = C.queues; q != NULL; q = q->next) {
		if ((b = q->batch) == 0)
			continue;
		q->n -= b;
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
	if (s != NULL && s->busy)
		return;		/* its done() flushes; then the next batch */
	for (q = C.queues; q != NULL; q = q->next)
		q->batch = q->n;
	if (s == NULL || !s->ops->pending(s)) {
		commit_done(s, true);
		return;
	}
	s->busy = true;
	s->done = commit_done;
	s->ops->sync(s);
}

static void
commit_prepare(void *arg, fd_set *rd, fd_set *wr, fd_set *ex, int *maxfd,
    uint64_t *timeout_ms)
{
	struct commit_queue	*q;
	size_t			 n = 0;
	uint64_t		 since = UINT64_MAX, left;

	(void)arg;
	(void)rd;
	(void)wr;
	(void)ex;
	(void)maxfd;
	for (q = C.queues; q != NULL; q = q->next)
		if (q->n > 0) {
			n += q->n;
			if (q->since < since)
				since = q->since;
		}
	if (n == 0 && !commit_pending())
		return;
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
	if (q->n++ == 0)
		q->since = ev_now();
}
