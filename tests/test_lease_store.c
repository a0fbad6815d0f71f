/*
 * test_lease_store.c: the lease store interface (lease_store.h), the same
 * cases against both implementations: the journal, and PostgreSQL when
 * PXED_TEST_PG_URL names a database (tests/pg-net.sh starts a cluster
 * of its own and runs this suite with it).  Each case records bindings
 * through lease.c, syncs through the interface, then reads back what is
 * durable into a second store, as a restarted server would.  PostgreSQL
 * also gets what only a shared store does: offers are claimed, a claim
 * that loses to another server's client is reported lost and leaves the
 * database as it was, an expired row is taken over, and a store whose
 * database is down fails every sync.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ev.h"
#include "lease.h"
#include "lease_pg.h"
#include "unit.h"
#include "unit_lease.h"

#ifdef HAVE_LIBPQ
#include <libpq-fe.h>
#endif

#define T0		UNIT_LEASE_T0
#define LOOP_TURNS	500		/* of at most 20 ms each */

static struct leases *const L = &unit_lease.store;

static const char	*store_url;	/* NULL: the journal */
static const char	*store_pg_url;	/* PXED_TEST_PG_URL */
static int		 sync_result;	/* -1: not yet, 0 failed, 1 ok */

static void
store_done(struct lease_store *s, bool ok)
{
	(void)s;
	sync_result = ok ? 1 : 0;
}

/* Run the loop until cond() or LOOP_TURNS turns; cond()'s last value. */
static bool
store_wait(bool (*cond)(void))
{
	int	i;

	for (i = 0; i < LOOP_TURNS && !cond(); i++)
		ev_run_once(20);
	return cond();
}

static bool
store_synced(void)
{
	return sync_result != -1;
}

#ifdef HAVE_LIBPQ
static bool
store_ready(void)
{
	struct lease_pg_info	i;

	lease_pg_info(&i);
	return i.ready;
}
#endif

/* Sync through the interface: true when the batch is durable. */
static bool
store_sync(void)
{
	struct lease_store	*s = L->store;

	sync_result = -1;
	s->done = store_done;
	s->busy = true;
	s->ops->sync(s);
	CU_ASSERT_TRUE(store_wait(store_synced));
	return sync_result == 1;
}

#ifdef HAVE_LIBPQ
static int
store_sql(const char *sql)
{
	PGconn		*c = PQconnectdb(store_url);
	PGresult	*r;
	int		 rc = -1;

	if (PQstatus(c) == CONNECTION_OK) {
		r = PQexec(c, sql);
		if (PQresultStatus(r) == PGRES_COMMAND_OK ||
		    PQresultStatus(r) == PGRES_TUPLES_OK)
			rc = PQresultStatus(r) == PGRES_TUPLES_OK &&
			    PQntuples(r) == 1 ? atoi(PQgetvalue(r, 0, 0)) : 0;
		else
			fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(r));
		PQclear(r);
	}
	PQfinish(c);
	return rc;
}
#endif

/* A fresh store on pools 10.0.0.1-254, of the implementation tested. */
static void
store_new(void)
{
	char	path[300];

	unit_lease_new("  range \"r\" { start = 10.0.0.1 end = 10.0.0.254 "
	    "netmask = 255.255.255.0 }\n", NULL);
	CU_ASSERT_EQUAL_FATAL(ev_init(), 0);
	if (store_url == NULL) {
		snprintf(path, sizeof(path), "%s/leases", unit_lease.dir);
		CU_ASSERT_EQUAL_FATAL(lease_open(L, path, T0), 0);
		CU_ASSERT_STRING_EQUAL(L->store->ops->name, "journal");
		return;
	}
#ifdef HAVE_LIBPQ
	CU_ASSERT_EQUAL_FATAL(lease_pg_db_init(store_url, stderr), 0);
	CU_ASSERT_EQUAL_FATAL(store_sql("DELETE FROM pxed_lease4"), 0);
	CU_ASSERT_EQUAL_FATAL(lease_pg_open(L, store_url), 0);
	CU_ASSERT_STRING_EQUAL(L->store->ops->name, "postgresql");
	CU_ASSERT_TRUE_FATAL(store_wait(store_ready));
#endif
}

static void
store_free(void)
{
#ifdef HAVE_LIBPQ
	if (store_url != NULL)
		lease_pg_close(L);
#endif
	unit_lease_free();
	ev_fini();
}

/* What is durable, read into R as a restarted server would. */
static void
store_reread(struct leases *R)
{
	char	path[300];

	lease_init(R);
	if (store_url == NULL) {
		snprintf(path, sizeof(path), "%s/leases", unit_lease.dir);
		CU_ASSERT_EQUAL(lease_open(R, path, T0), 0);
	} else
		CU_ASSERT_EQUAL(lease_pg_load(store_url, R, T0, stderr), 0);
}

static void
test_store_durable(void)
{
	struct leases	 R;
	struct lease	*l;
	uint8_t		 id[7];

	store_new();
	unit_lease_bind(1, unit_hip("10.0.0.5"), LEASE_ACKED, T0 + 3600);
	CU_ASSERT_TRUE(L->store->ops->pending(L->store));
	CU_ASSERT_TRUE(store_sync());
	CU_ASSERT_FALSE(L->store->ops->pending(L->store));
	CU_ASSERT_FALSE(L->store->ops->lost(L->store, L->store->seq));
	store_reread(&R);
	unit_lease_id(id, 1);
	l = lease_by_id(&R, id, sizeof(id));
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(l->addr, unit_hip("10.0.0.5"));
	CU_ASSERT_EQUAL(l->state, LEASE_ACKED);
	CU_ASSERT_EQUAL(l->expires, T0 + 3600);
	CU_ASSERT_EQUAL(l->chaddr[5], 1);
	lease_fini(&R);
	store_free();
}

/* A client that moves: its old address is free again everywhere. */
static void
test_store_moves(void)
{
	static const uint8_t	other[] = { 9, 9, 9 };
	struct leases		R;

	store_new();
	unit_lease_bind(2, unit_hip("10.0.0.5"), LEASE_ACKED, T0 + 3600);
	CU_ASSERT_TRUE(store_sync());
	unit_lease_bind(2, unit_hip("10.0.0.6"), LEASE_ACKED, T0 + 3600);
	CU_ASSERT_TRUE(store_sync());
	store_reread(&R);
	CU_ASSERT_TRUE(lease_addr_free(&R, unit_hip("10.0.0.5"), other,
	    sizeof(other), false, T0));
	CU_ASSERT_FALSE(lease_addr_free(&R, unit_hip("10.0.0.6"), other,
	    sizeof(other), false, T0));
	lease_fini(&R);
	store_free();
}

static void
test_store_release_decline(void)
{
	static const uint8_t	other[] = { 9, 9, 9 };
	struct leases		R;
	struct lease		*l;

	store_new();
	l = unit_lease_bind(3, unit_hip("10.0.0.8"), LEASE_ACKED, T0 + 3600);
	CU_ASSERT_TRUE(store_sync());
	lease_release(L, l, T0 + 5);
	lease_decline(L, unit_hip("10.0.0.7"), T0 + 600);
	CU_ASSERT_TRUE(store_sync());
	store_reread(&R);
	CU_ASSERT_TRUE(lease_addr_free(&R, unit_hip("10.0.0.8"), other,
	    sizeof(other), false, T0 + 10));
	CU_ASSERT_FALSE(lease_addr_free(&R, unit_hip("10.0.0.7"), other,
	    sizeof(other), false, T0 + 10));
	lease_fini(&R);
	store_free();
}

/* One sync makes a whole loop turn's records durable. */
static void
test_store_batch(void)
{
	struct leases	R;
	unsigned	i;
	size_t		n = 0;
	uint8_t		id[7];

	store_new();
	for (i = 0; i < 200; i++)
		unit_lease_bind(100 + i, unit_hip("10.0.0.20") + i,
		    LEASE_ACKED, T0 + 3600);
	CU_ASSERT_TRUE(store_sync());
	store_reread(&R);
	for (i = 0; i < 200; i++) {
		unit_lease_id(id, 100 + i);
		if (lease_by_id(&R, id, sizeof(id)) != NULL)
			n++;
	}
	CU_ASSERT_EQUAL(n, 200);
	lease_fini(&R);
	store_free();
}

/* Servers sharing a pool start allocating at different places. */
static void
test_store_spread(void)
{
	store_new();
	lease_spread(L, (uint64_t)100 << 16);
	CU_ASSERT_EQUAL(lease_alloc(L, 0, T0), unit_hip("10.0.0.101"));
	CU_ASSERT_EQUAL(lease_alloc(L, 0, T0), unit_hip("10.0.0.102"));
	/* Past the end it wraps, as it always did. */
	lease_spread(L, (uint64_t)253 << 16);
	CU_ASSERT_EQUAL(lease_alloc(L, 0, T0), unit_hip("10.0.0.254"));
	CU_ASSERT_EQUAL(lease_alloc(L, 0, T0), unit_hip("10.0.0.1"));
	store_free();
}

#ifdef HAVE_LIBPQ
/* Offers are claims too: the address is taken before the OFFER leaves. */
static void
test_pg_offer_claimed(void)
{
	store_new();
	CU_ASSERT_TRUE(lease_shared(L));
	unit_lease_bind(4, unit_hip("10.0.0.9"), LEASE_OFFERED, T0 + 60);
	CU_ASSERT_TRUE(L->store->ops->pending(L->store));
	CU_ASSERT_TRUE(store_sync());
	CU_ASSERT_EQUAL(store_sql("SELECT count(*) FROM pxed_lease4 WHERE "
	    "addr = '10.0.0.9' AND state = 'offered'"), 1);
	store_free();
}

/*
 * Another server's client holds 10.0.0.10 (a row written by hand): the
 * claim loses, the reply must not leave, the cache marks the address
 * taken and the row is unchanged.  A row that expired is taken over.
 */
static void
test_pg_claim_lost(void)
{
	uint64_t	 seq;
	uint8_t		 id[7];

	store_new();
	CU_ASSERT_EQUAL(store_sql("INSERT INTO pxed_lease4 VALUES "
	    "('10.0.0.10', '\\x01aabbccddeeff', 1, '\\xaabbccddeeff', "
	    "'acked', 9000000000, 'theirs', 'other'), "
	    "('10.0.0.11', '\\x01aabbccddee00', 1, '\\xaabbccddee00', "
	    "'acked', 1000, NULL, 'other')"), 0);
	unit_lease_bind(5, unit_hip("10.0.0.10"), LEASE_ACKED, T0 + 3600);
	seq = L->store->seq;
	unit_lease_bind(6, unit_hip("10.0.0.11"), LEASE_ACKED, T0 + 3600);
	CU_ASSERT_TRUE(store_sync());
	CU_ASSERT_TRUE(L->store->ops->lost(L->store, seq));
	CU_ASSERT_FALSE(L->store->ops->lost(L->store, seq + 1));
	unit_lease_id(id, 5);
	CU_ASSERT_FALSE(lease_addr_free(L, unit_hip("10.0.0.10"), id,
	    sizeof(id), false, T0));
	CU_ASSERT_EQUAL(store_sql("SELECT count(*) FROM pxed_lease4 WHERE "
	    "addr = '10.0.0.10' AND hostname = 'theirs'"), 1);
	CU_ASSERT_EQUAL(store_sql("SELECT count(*) FROM pxed_lease4 WHERE "
	    "addr = '10.0.0.11' AND hwaddr = '\\x525400000006'"), 1);
	store_free();
}

/*
 * Another server's offer to a client that holds a lease (its DISCOVER
 * crossed with its REQUEST) never downgrades the lease in the database.
 */
static void
test_pg_offer_keeps_lease(void)
{
	store_new();
	unit_lease_bind(8, unit_hip("10.0.0.13"), LEASE_ACKED, T0 + 3600);
	CU_ASSERT_TRUE(store_sync());
	unit_lease_bind(8, unit_hip("10.0.0.13"), LEASE_OFFERED, T0 + 60);
	CU_ASSERT_TRUE(store_sync());
	CU_ASSERT_FALSE(L->store->ops->lost(L->store, L->store->seq));
	CU_ASSERT_EQUAL(store_sql("SELECT count(*) FROM pxed_lease4 WHERE "
	    "addr = '10.0.0.13' AND state = 'acked' AND expires = 1800003600"),
	    1);
	store_free();
}

/* The database is down: every sync fails at once, nothing is durable. */
static void
test_pg_down(void)
{
	struct lease_pg_info	i;

	unit_lease_new("  range \"r\" { start = 10.0.0.1 end = 10.0.0.254 "
	    "netmask = 255.255.255.0 }\n", NULL);
	CU_ASSERT_EQUAL_FATAL(ev_init(), 0);
	CU_ASSERT_EQUAL_FATAL(lease_pg_open(L,
	    "postgresql:///pxed?host=/nonexistent&connect_timeout=1"), 0);
	lease_pg_info(&i);
	CU_ASSERT_FALSE(i.ready);
	CU_ASSERT_STRING_EQUAL(i.state, "down");
	unit_lease_bind(7, unit_hip("10.0.0.12"), LEASE_ACKED, T0 + 3600);
	CU_ASSERT_FALSE(store_sync());
	CU_ASSERT_FALSE(L->store->ops->pending(L->store));
	CU_ASSERT_EQUAL(L->st.sync_errors, 1);
	lease_pg_close(L);
	unit_lease_free();
	ev_fini();
}
#endif

static int
store_use_journal(void)
{
	store_url = NULL;
	return 0;
}

#ifdef HAVE_LIBPQ
static int
store_use_pg(void)
{
	store_url = store_pg_url;
	return 0;
}
#endif

void
test_lease_store_register(void)
{
	CU_pSuite	s = CU_add_suite("lease-store", store_use_journal,
			    NULL);
	CU_pSuite	p;

	CU_add_test(s, "journal: an ACKed binding is durable",
	    test_store_durable);
	CU_add_test(s, "journal: a client that moves frees its address",
	    test_store_moves);
	CU_add_test(s, "journal: RELEASE and DECLINE are durable",
	    test_store_release_decline);
	CU_add_test(s, "journal: one sync for a turn's 200 records",
	    test_store_batch);
	CU_add_test(s, "allocation starts where lease_spread() says",
	    test_store_spread);
	store_pg_url = getenv("PXED_TEST_PG_URL");
	if (store_pg_url == NULL || *store_pg_url == '\0') {
		printf("# lease-store: the PostgreSQL cases need "
		    "PXED_TEST_PG_URL (tests/pg-net.sh sets it)\n");
		return;
	}
#ifdef HAVE_LIBPQ
	p = CU_add_suite("lease-store-pg", store_use_pg, NULL);
	CU_add_test(p, "postgresql: an ACKed binding is durable",
	    test_store_durable);
	CU_add_test(p, "postgresql: a client that moves frees its address",
	    test_store_moves);
	CU_add_test(p, "postgresql: RELEASE and DECLINE are durable",
	    test_store_release_decline);
	CU_add_test(p, "postgresql: one sync for a turn's 200 records",
	    test_store_batch);
	CU_add_test(p, "postgresql: offers are claimed",
	    test_pg_offer_claimed);
	CU_add_test(p, "postgresql: a claim lost to another server",
	    test_pg_claim_lost);
	CU_add_test(p, "postgresql: an offer never downgrades a lease",
	    test_pg_offer_keeps_lease);
	CU_add_test(p, "postgresql: down, every sync fails",
	    test_pg_down);
#else
	(void)p;
	printf("# lease-store: built without libpq: no PostgreSQL cases\n");
#endif
}
