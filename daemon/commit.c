/*
 * commit.c: the group commit of the lease journal, in the loop's prepare
 * hook, for every module that holds durable replies (dhcp_io.c,
 * dhcp6_io.c).  A reply leaves only after lease_sync() returned 0.
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
	return C.leases != NULL && lease_pending(C.leases);
}

void
commit_flush(void)
{
	struct commit_queue	*q;
	bool			 synced = true;

	if (commit_pending() && lease_sync(C.leases) == -1)
		synced = false;
	for (q = C.queues; q != NULL; q = q->next) {
		if (q->n == 0)
			continue;
		q->n = 0;
		q->flush(q, synced);
	}
	if (!synced)
		log_warnx("dhcp: leases could not be made durable: replies "
		    "dropped, clients will retry");
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
