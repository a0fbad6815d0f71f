/*
 * test_commit.c: the group commit (commit.c) with an asynchronous store
 * of depth 3, a mock whose syncs are answered by the test: batches go
 * out while others are in flight, each done() flushes exactly the oldest
 * batch's replies (sent, or dropped when it failed), a full pipeline
 * sends nothing more, and replies held with nothing new recorded still
 * wait for the batches before them; and the loop's policy: a batch after
 * COMMIT_MS, then while it is in flight another only for
 * COMMIT_PIPELINE replies, else right after its done().
 */
#include "config.h"

#include <string.h>

#include "commit.h"
#include "ev.h"
#include "lease.h"
#include "unit.h"

static struct {
	struct leases		L;
	struct lease_store	s;
	struct commit_queue	q;
	bool			pending;	/* records not yet synced */
	int			syncs;
	size_t			sent, dropped;	/* replies flushed */
} M;

static void
mock_record(struct lease_store *s, const struct lease *l)
{
	(void)s;
	(void)l;
}

static bool
mock_pending(const struct lease_store *s)
{
	(void)s;
	return M.pending;
}

static void
mock_sync(struct lease_store *s)
{
	(void)s;
	M.pending = false;
	M.syncs++;
}

static bool
mock_lost(const struct lease_store *s, uint64_t seq)
{
	(void)s;
	(void)seq;
	return false;
}

static const struct lease_store_ops mock_ops = {
	"mock", mock_record, mock_pending, mock_sync, mock_lost
};

static void
mock_flush(struct commit_queue *q, bool synced)
{
	if (synced)
		M.sent += q->batch;
	else
		M.dropped += q->batch;
}

/* The store answers its oldest sync, as lease_pg.c does. */
static void
mock_done(bool ok)
{
	M.s.inflight--;
	M.s.done(&M.s, ok);
}

/* n replies held, each with a record. */
static void
mock_hold(size_t n)
{
	while (n-- > 0) {
		commit_held(&M.q);
		M.pending = true;
	}
}

/* A fresh store and queue, for each case. */
static void
mock_reset(void)
{
	if (M.q.flush != NULL)
		commit_del(&M.q);
	memset(&M, 0, sizeof(M));
	lease_init(&M.L);
	M.s.ops = &mock_ops;
	M.s.depth = 3;
	M.L.store = &M.s;
	commit_leases(&M.L);
	M.q.flush = mock_flush;
	commit_add(&M.q);
}

static int
commit_setup(void)
{
	return ev_init() != 0 ? -1 : 0;
}

static int
commit_teardown(void)
{
	if (M.q.flush != NULL)
		commit_del(&M.q);
	commit_leases(NULL);
	M.L.store = NULL;
	lease_fini(&M.L);
	return 0;
}

static void
test_pipeline(void)
{
	mock_reset();
	mock_hold(2);
	commit_flush();
	CU_ASSERT_EQUAL(M.syncs, 1);
	mock_hold(3);		/* while the first is in flight */
	CU_ASSERT_TRUE(commit_pending());
	commit_flush();
	CU_ASSERT_EQUAL(M.syncs, 2);
	CU_ASSERT_EQUAL(M.s.inflight, 2);
	mock_hold(1);
	commit_flush();
	CU_ASSERT_EQUAL(M.s.inflight, 3);
	/* Depth 3: the fourth batch waits for room. */
	mock_hold(4);
	commit_flush();
	CU_ASSERT_EQUAL(M.syncs, 3);
	CU_ASSERT_EQUAL(M.s.inflight, 3);
	/* Done in order: the first batch's 2 replies, no more. */
	mock_done(true);
	CU_ASSERT_EQUAL(M.sent, 2);
	CU_ASSERT_EQUAL(M.q.n, 8);
	/* The second failed: its 3 are dropped, the third's stay held. */
	mock_done(false);
	CU_ASSERT_EQUAL(M.dropped, 3);
	CU_ASSERT_EQUAL(M.sent, 2);
	CU_ASSERT_EQUAL(M.q.n, 5);
	/* Room again: the 4 held meanwhile are the fourth batch. */
	commit_flush();
	CU_ASSERT_EQUAL(M.syncs, 4);
	mock_done(true);
	CU_ASSERT_EQUAL(M.sent, 3);
	mock_done(true);
	CU_ASSERT_EQUAL(M.sent, 7);
	CU_ASSERT_EQUAL(M.q.n, 0);
	CU_ASSERT_EQUAL(M.s.inflight, 0);
	CU_ASSERT_FALSE(commit_pending());
}

static void
test_wait_for_earlier(void)
{
	mock_reset();
	mock_hold(2);
	commit_flush();
	CU_ASSERT_EQUAL(M.syncs, 1);
	/*
	 * A reply held with nothing new recorded (its record is in the
	 * batch in flight): it is not sent at once but after that batch.
	 */
	commit_held(&M.q);
	commit_flush();
	CU_ASSERT_EQUAL(M.sent, 0);
	CU_ASSERT_EQUAL(M.s.inflight, 2);
	mock_done(true);
	CU_ASSERT_EQUAL(M.sent, 2);
	mock_done(true);
	CU_ASSERT_EQUAL(M.sent, 3);
	/* Nothing in flight, nothing recorded: sent at once. */
	commit_held(&M.q);
	commit_flush();
	CU_ASSERT_EQUAL(M.sent, 4);
	CU_ASSERT_EQUAL(M.syncs, 2);
	CU_ASSERT_EQUAL(M.q.n, 0);
}

static void
test_depth_one(void)
{
	/* A store of depth 0 (the journal's default) takes one at a time. */
	mock_reset();
	M.s.depth = 0;
	mock_hold(1);
	commit_flush();
	mock_hold(1);
	commit_flush();
	CU_ASSERT_EQUAL(M.syncs, 1);
	mock_done(true);
	CU_ASSERT_EQUAL(M.sent, 1);
	commit_flush();
	CU_ASSERT_EQUAL(M.syncs, 2);
	mock_done(true);
	CU_ASSERT_EQUAL(M.sent, 2);
}

/* The loop's policy (commit_prepare): when a batch goes out by itself. */
static void
test_loop_policy(void)
{
	int	i;

	mock_reset();
	mock_hold(2);
	/* COMMIT_MS after the first reply, a turn of the loop sends it. */
	for (i = 0; i < 50 && M.syncs == 0; i++)
		ev_run_once(5);
	CU_ASSERT_EQUAL(M.syncs, 1);
	/* In flight: a few more wait for it, however long. */
	mock_hold(COMMIT_PIPELINE - 1);
	for (i = 0; i < 3; i++)
		ev_run_once(5);
	CU_ASSERT_EQUAL(M.syncs, 1);
	/* COMMIT_PIPELINE of them: one more batch, without waiting. */
	mock_hold(1);
	ev_run_once(0);
	CU_ASSERT_EQUAL(M.syncs, 2);
	CU_ASSERT_EQUAL(M.s.inflight, 2);
	/* Held while those are in flight: sent at the turn after a done. */
	mock_hold(3);
	mock_done(true);
	CU_ASSERT_EQUAL(M.sent, 2);
	ev_run_once(0);
	CU_ASSERT_EQUAL(M.syncs, 3);
	mock_done(true);
	mock_done(true);
	CU_ASSERT_EQUAL(M.sent, 2 + COMMIT_PIPELINE + 3);
	CU_ASSERT_EQUAL(M.q.n, 0);
}

void
test_commit_register(void)
{
	CU_pSuite	s = CU_add_suite("commit", commit_setup,
	    commit_teardown);

	CU_add_test(s, "batches in flight, done in order", test_pipeline);
	CU_add_test(s, "replies wait for the batches before them",
	    test_wait_for_earlier);
	CU_add_test(s, "one batch at a time at depth 1", test_depth_one);
	CU_add_test(s, "the loop sends a batch in time, or COMMIT_PIPELINE",
	    test_loop_policy);
}
