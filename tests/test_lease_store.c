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

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ev.h"
#include "lease.h"
#include "lease6.h"
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

static const char	*store_appname;	/* NULL: libpq's default */

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
	CU_ASSERT_EQUAL_FATAL(store_sql("DELETE FROM pxed_lease6"), 0);
	if (store_appname != NULL) {
		/* Its own name, so that a test finds its session. */
		snprintf(path, sizeof(path), "%s%capplication_name=%s",
		    store_url, strchr(store_url, '?') != NULL ? '&' : '?',
		    store_appname);
		CU_ASSERT_EQUAL_FATAL(lease_pg_open(L, path), 0);
	} else
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

/* ---------- DHCPv6 bindings, through record6() ---------- */

static struct in6_addr
store_a6(const char *s)
{
	struct in6_addr	a;

	CU_ASSERT_EQUAL(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

/* DUID-LL of client n (type 3, hardware type 1, a MAC). */
static void
store_duid(uint8_t d[10], unsigned n)
{
	static const uint8_t	ll[] = { 0, 3, 0, 1, 0x52, 0x54, 0 };

	memcpy(d, ll, sizeof(ll));
	d[7] = (uint8_t)(n >> 16);
	d[8] = (uint8_t)(n >> 8);
	d[9] = (uint8_t)n;
}

static struct lease6 *
store_bind6(unsigned n, const char *addr, enum lease_state st, int64_t exp)
{
	struct in6_addr	a = store_a6(addr);
	uint8_t		d[10];

	store_duid(d, n);
	return lease6_bind(L, &a, d, sizeof(d), n, d + 4, st, exp, "h6");
}

static const struct lease6 *
store_by_id6(const struct leases *R, unsigned n)
{
	uint8_t	d[10];

	store_duid(d, n);
	return lease6_by_id(R, d, sizeof(d), n);
}

/* A Reply's binding is durable: a restarted server has it. */
static void
test_store_durable6(void)
{
	struct leases		 R;
	const struct lease6	*l;
	struct in6_addr		 a = store_a6("fd00::15");

	store_new();
	store_bind6(21, "fd00::15", LEASE_ACKED, T0 + 3600);
	CU_ASSERT_TRUE(L->store->ops->pending(L->store));
	CU_ASSERT_TRUE(store_sync());
	CU_ASSERT_FALSE(L->store->ops->lost(L->store, L->store->seq));
	store_reread(&R);
	l = store_by_id6(&R, 21);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(memcmp(&l->addr, &a, sizeof(a)), 0);
	CU_ASSERT_EQUAL(l->state, LEASE_ACKED);
	CU_ASSERT_EQUAL(l->expires, T0 + 3600);
	CU_ASSERT_EQUAL(l->iaid, 21);
	CU_ASSERT_TRUE(l->has_mac);
	CU_ASSERT_EQUAL(l->mac[5], 21);
	CU_ASSERT_STRING_EQUAL(l->hostname, "h6");
	lease_fini(&R);
	store_free();
}

/* Release frees the address everywhere; Decline quarantines it. */
static void
test_store_release_decline6(void)
{
	struct leases	 R;
	struct lease6	*l;
	struct in6_addr	 rel = store_a6("fd00::16"), dec = store_a6("fd00::17");
	uint8_t		 other[10];

	store_duid(other, 99);
	store_new();
	l = store_bind6(22, "fd00::16", LEASE_ACKED, T0 + 3600);
	store_bind6(23, "fd00::17", LEASE_ACKED, T0 + 3600);
	CU_ASSERT_TRUE(store_sync());
	lease6_release(L, l, T0 + 5);
	lease6_decline(L, &dec, T0 + 600);
	CU_ASSERT_TRUE(store_sync());
	store_reread(&R);
	CU_ASSERT_TRUE(lease6_addr_free(&R, &rel, other, sizeof(other), 99,
	    T0 + 10));
	CU_ASSERT_FALSE(lease6_addr_free(&R, &dec, other, sizeof(other), 99,
	    T0 + 10));
	CU_ASSERT_TRUE(store_by_id6(&R, 22) == NULL ||
	    !lease6_is_live(store_by_id6(&R, 22), T0 + 10));
	lease_fini(&R);
	store_free();
}

/* An IA that moves: its old address is free again everywhere. */
static void
test_store_moves6(void)
{
	struct leases	R;
	struct in6_addr	old = store_a6("fd00::18"), now = store_a6("fd00::19");
	uint8_t		other[10];

	store_duid(other, 99);
	store_new();
	store_bind6(24, "fd00::18", LEASE_ACKED, T0 + 3600);
	CU_ASSERT_TRUE(store_sync());
	store_bind6(24, "fd00::19", LEASE_ACKED, T0 + 3600);
	CU_ASSERT_TRUE(store_sync());
	store_reread(&R);
	CU_ASSERT_TRUE(lease6_addr_free(&R, &old, other, sizeof(other), 99,
	    T0));
	CU_ASSERT_FALSE(lease6_addr_free(&R, &now, other, sizeof(other), 99,
	    T0));
	lease_fini(&R);
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

/* An Advertise is a claim in a shared store; a Reply takes its place. */
static void
test_pg_advertise_claimed(void)
{
	store_new();
	store_bind6(31, "fd00::31", LEASE_OFFERED, T0 + 60);
	CU_ASSERT_TRUE(L->store->ops->pending(L->store));
	CU_ASSERT_TRUE(store_sync());
	CU_ASSERT_EQUAL(store_sql("SELECT count(*) FROM pxed_lease6 WHERE "
	    "addr = 'fd00::31' AND state = 'offered' AND iaid = 31"), 1);
	store_bind6(31, "fd00::31", LEASE_ACKED, T0 + 3600);
	CU_ASSERT_TRUE(store_sync());
	CU_ASSERT_EQUAL(store_sql("SELECT count(*) FROM pxed_lease6 WHERE "
	    "addr = 'fd00::31' AND state = 'acked' AND hwaddr = "
	    "'\\x52540000001f' AND duid = '\\x0003000152540000001f'"), 1);
	/* An Advertise to the same IA never downgrades its binding. */
	store_bind6(31, "fd00::31", LEASE_OFFERED, T0 + 60);
	CU_ASSERT_TRUE(store_sync());
	CU_ASSERT_EQUAL(store_sql("SELECT count(*) FROM pxed_lease6 WHERE "
	    "addr = 'fd00::31' AND state = 'acked' AND expires = 1800003600"),
	    1);
	store_free();
}

/*
 * Another server's IA holds fd00::32 (a row written by hand): the claim
 * loses, the Reply must not leave, the cache marks the address taken and
 * the row is unchanged.  An expired row is taken over; a declined one
 * is not.  The lost numbers interleave with IPv4 ones of the same batch.
 */
static void
test_pg_claim_lost6(void)
{
	struct in6_addr	 a = store_a6("fd00::32");
	uint8_t		 d[10];
	uint64_t	 s4, s6, s6b, s4b, s6c;

	store_new();
	CU_ASSERT_EQUAL(store_sql("INSERT INTO pxed_lease6 VALUES "
	    "('fd00::32', '\\x0003000152540000ffff', 7, NULL, 'acked', "
	    "9000000000, 'theirs', 'other'), "
	    "('fd00::33', '\\x0003000152540000fffe', 7, NULL, 'acked', "
	    "1000, NULL, 'other'), "
	    "('fd00::34', '\\x', 0, NULL, 'declined', 9000000000, NULL, "
	    "'other')"), 0);
	CU_ASSERT_EQUAL(store_sql("INSERT INTO pxed_lease4 VALUES "
	    "('10.0.0.40', '\\x01aabbccddeeff', 1, '\\xaabbccddeeff', "
	    "'acked', 9000000000, 'theirs', 'other')"), 0);
	store_bind6(32, "fd00::32", LEASE_ACKED, T0 + 3600);
	s6 = L->store->seq;
	unit_lease_bind(40, unit_hip("10.0.0.40"), LEASE_ACKED, T0 + 3600);
	s4 = L->store->seq;
	store_bind6(33, "fd00::33", LEASE_ACKED, T0 + 3600);
	s6b = L->store->seq;
	unit_lease_bind(41, unit_hip("10.0.0.41"), LEASE_ACKED, T0 + 3600);
	s4b = L->store->seq;
	store_bind6(34, "fd00::34", LEASE_ACKED, T0 + 3600);
	s6c = L->store->seq;
	CU_ASSERT_TRUE(store_sync());
	CU_ASSERT_TRUE(L->store->ops->lost(L->store, s6));
	CU_ASSERT_TRUE(L->store->ops->lost(L->store, s4));
	CU_ASSERT_FALSE(L->store->ops->lost(L->store, s6b));
	CU_ASSERT_FALSE(L->store->ops->lost(L->store, s4b));
	CU_ASSERT_TRUE(L->store->ops->lost(L->store, s6c));
	store_duid(d, 32);
	CU_ASSERT_FALSE(lease6_addr_free(L, &a, d, sizeof(d), 32, T0));
	CU_ASSERT_EQUAL(store_sql("SELECT count(*) FROM pxed_lease6 WHERE "
	    "addr = 'fd00::32' AND hostname = 'theirs'"), 1);
	CU_ASSERT_EQUAL(store_sql("SELECT count(*) FROM pxed_lease6 WHERE "
	    "addr = 'fd00::33' AND iaid = 33 AND state = 'acked'"), 1);
	CU_ASSERT_EQUAL(store_sql("SELECT count(*) FROM pxed_lease6 WHERE "
	    "addr = 'fd00::34' AND state = 'declined'"), 1);
	store_free();
}

static bool
store_not_ready(void)
{
	return !store_ready();
}

/*
 * The connection drops while DHCPv6 claims are queued and not yet sent:
 * they stay pending and their batch fails, never reported durable (the
 * held Replies would otherwise leave with no row behind them).
 */
static void
test_pg_dropped_with_queued6(void)
{
	store_appname = "pxed_unit_dropped";
	store_new();
	store_appname = NULL;
	store_bind6(41, "fd00::41", LEASE_ACKED, T0 + 3600);
	CU_ASSERT_TRUE(L->store->ops->pending(L->store));
	/* The server ends pxed's session (another connection does it). */
	CU_ASSERT_EQUAL(store_sql("SELECT count(pg_terminate_backend(pid)) "
	    "FROM pg_stat_activity WHERE application_name = "
	    "'pxed_unit_dropped'"), 1);
	CU_ASSERT_TRUE(store_wait(store_not_ready));
	CU_ASSERT_TRUE(L->store->ops->pending(L->store));
	CU_ASSERT_FALSE(store_sync());
	CU_ASSERT_FALSE(L->store->ops->pending(L->store));
	CU_ASSERT_EQUAL(store_sql("SELECT count(*) FROM pxed_lease6 WHERE "
	    "addr = 'fd00::41'"), 0);
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
	store_bind6(7, "fd00::12", LEASE_ACKED, T0 + 3600);
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
	CU_add_test(s, "journal: a DHCPv6 binding is durable",
	    test_store_durable6);
	CU_add_test(s, "journal: DHCPv6 Release and Decline are durable",
	    test_store_release_decline6);
	CU_add_test(s, "journal: a DHCPv6 IA that moves frees its address",
	    test_store_moves6);
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
	CU_add_test(p, "postgresql: a DHCPv6 binding is durable",
	    test_store_durable6);
	CU_add_test(p, "postgresql: DHCPv6 Release and Decline are durable",
	    test_store_release_decline6);
	CU_add_test(p, "postgresql: a DHCPv6 IA that moves frees its address",
	    test_store_moves6);
	CU_add_test(p, "postgresql: a DHCPv6 Advertise is claimed",
	    test_pg_advertise_claimed);
	CU_add_test(p, "postgresql: DHCPv6 claims lost to another server",
	    test_pg_claim_lost6);
	CU_add_test(p, "postgresql: connection lost with DHCPv6 claims "
	    "queued: their sync fails", test_pg_dropped_with_queued6);
	CU_add_test(p, "postgresql: down, every sync fails",
	    test_pg_down);
#else
	(void)p;
	printf("# lease-store: built without libpq: no PostgreSQL cases\n");
#endif
}
