/*
 * lease_pg.c: the PostgreSQL lease store (lease-database); see
 * lease_pg.h.  Compiled without libpq, only the offline entry points are
 * here, and they say pxed was built without it.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "lease.h"
#include "lease6.h"
#include "lease_pg.h"
#include "lease_pg6.h"
#include "log.h"

#ifdef HAVE_LIBPQ
#include <libpq-fe.h>

#include "pg.h"

/* share/pxed.sql, compiled in (pxed --db-init). */
static const unsigned char lease_pg_schema[] = {
#include "pxed_sql.inc"
	0
};

/*
 * The claim.  $1 address, $2 client id, $3 htype, $4 hardware address,
 * $5 state, $6 expiry, $7 host name, $8 now, $9 this server.  The row is
 * taken over only when it is this client's, no longer live or released
 * (a DECLINE always quarantines).  The client's other offers go, and
 * with an ACK its other lease too (an offer never revokes a lease).  The
 * result is (claimed 0 or 1, the expiry of the row that won).
 */
/* An offer never downgrades the client's own live lease (row l). */
#define LEASE_PG_KEEP \
	"(excluded.state = 'offered' AND l.state = 'acked' AND " \
	"l.client_id = excluded.client_id AND l.expires > $8::bigint)"
#define LEASE_PG_CLAIM \
	"WITH c AS (INSERT INTO pxed_lease4 AS l (addr, client_id, htype, " \
	"hwaddr, state, expires, hostname, server) " \
	"VALUES ($1::inet, $2::bytea, $3::smallint, $4::bytea, $5::text, " \
	"$6::bigint, $7::text, $9::text) " \
	"ON CONFLICT (addr) DO UPDATE SET client_id = excluded.client_id, " \
	"htype = excluded.htype, hwaddr = excluded.hwaddr, " \
	"state = CASE WHEN " LEASE_PG_KEEP " THEN l.state ELSE " \
	"excluded.state END, " \
	"expires = CASE WHEN " LEASE_PG_KEEP " THEN l.expires ELSE " \
	"excluded.expires END, " \
	"hostname = coalesce(excluded.hostname, l.hostname), " \
	"server = excluded.server, updated = now() " \
	"WHERE l.client_id = excluded.client_id OR l.expires <= $8::bigint " \
	"OR l.state = 'released' OR excluded.state = 'declined' " \
	"RETURNING 1), " \
	"d AS (DELETE FROM pxed_lease4 x WHERE x.client_id = $2::bytea " \
	"AND x.addr <> $1::inet AND (x.state = 'offered' OR (x.state = " \
	"'acked' AND $5::text = 'acked')) AND $5::text IN ('offered', " \
	"'acked') AND EXISTS (SELECT 1 FROM c)) " \
	"SELECT (SELECT count(*) FROM c), " \
	"(SELECT expires FROM pxed_lease4 WHERE addr = $1::inet)"

#define LEASE_PG_LOAD \
	"SELECT host(addr), client_id, htype, hwaddr, state, expires, " \
	"hostname FROM pxed_lease4 WHERE expires > $1::bigint AND state <> " \
	"'released'"

#define LEASE_PG_VERSION	"SELECT max(version) FROM pxed_schema"

#define LEASE_PG_LOST		1024	/* lost claims remembered */

enum lease_pg_kind {
	PGK_VERSION, PGK_PREPARE, PGK_LOAD, PGK_SETUP,	/* at connect */
	PGK_CLAIM, PGK_BATCH,
	PGK_LOAD6, PGK_CLAIM6,				/* lease_pg6.c */
};

struct lease_pg_exp {			/* a result to come */
	uint8_t		 kind;
	uint32_t	 addr;
	uint64_t	 seq;		/* PGK_BATCH: monotonic us it was sent */
};

struct lease_pg_rec {
	uint64_t	 seq;
	uint32_t	 addr;
	const char	*state;
	bool		 has_host;
	char		 addr_s[INET_ADDRSTRLEN];
	char		 id[2 * LEASE_ID_MAX + 3];
	char		 hw[2 * 16 + 3];
	char		 htype[4];
	char		 exp[24];
	char		 host[64];
};

static struct {
	struct lease_store	 store;
	struct pg_conn		 pg;
	struct leases		*L;
	bool			 open, ready, batch_ok;
	char			 server[72];
	struct lease_pg_rec	*q;		/* recorded, not yet sent */
	size_t			 nq, capq;
	struct lease_pg_exp	*exp;		/* ring of results to come */
	size_t			 ehead, en, ecap;
	uint64_t		 lost[LEASE_PG_LOST];	/* increasing */
	size_t			 nlost;		/* ever; the ring's next */
	struct lease_pg_info	 info;
} P;

static struct log_rate	lease_pg_rate;

/* ---------- results expected, in order ---------- */

static void
lease_pg_expect(enum lease_pg_kind kind, uint32_t addr, uint64_t seq)
{
	struct lease_pg_exp	*n;
	size_t			 i;

	if (P.en == P.ecap) {
		size_t	cap = P.ecap == 0 ? 1024 : P.ecap * 2;

		if ((n = calloc(cap, sizeof(*n))) == NULL)
			fatal("lease-database: calloc");
		for (i = 0; i < P.en; i++)
			n[i] = P.exp[(P.ehead + i) % P.ecap];
		free(P.exp);
		P.exp = n;
		P.ecap = cap;
		P.ehead = 0;
	}
	n = &P.exp[(P.ehead + P.en++) % P.ecap];
	n->kind = (uint8_t)kind;
	n->addr = addr;
	n->seq = seq;
}

static bool
lease_pg_next(struct lease_pg_exp *e)
{
	if (P.en == 0)
		return false;
	*e = P.exp[P.ehead];
	P.ehead = (P.ehead + 1) % P.ecap;
	P.en--;
	return true;
}

static uint64_t
lease_pg_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* ---------- rows into the cache ---------- */

static enum lease_state
lease_pg_state_of(const char *s)
{
	if (strcmp(s, "acked") == 0)
		return LEASE_ACKED;
	if (strcmp(s, "offered") == 0)
		return LEASE_OFFERED;
	if (strcmp(s, "declined") == 0)
		return LEASE_DECLINED;
	return LEASE_RELEASED;
}

const char *
lease_pg_state_name(unsigned st)
{
	return st == LEASE_ACKED ? "acked" : st == LEASE_OFFERED ? "offered" :
	    st == LEASE_DECLINED ? "declined" : "released";
}

/* "\x0102..." (bytea, text format) into out; SIZE_MAX when bad. */
size_t
lease_pg_unbytea(const char *s, uint8_t *out, size_t cap)
{
	if (s[0] != '\\' || s[1] != 'x')
		return SIZE_MAX;
	if (s[2] == '\0')
		return 0;
	return lease_unhex(s + 2, out, cap);
}

/* One row of LEASE_PG_LOAD into L's cache (nothing is recorded). */
static void
lease_pg_row(struct leases *L, PGresult *r, int i)
{
	struct lease_store	*s = L->store;
	struct in_addr		 a;
	uint8_t			 id[LEASE_ID_MAX], hw[16];
	size_t			 idlen, hlen;
	enum lease_state	 st;
	int64_t			 exp;

	if (inet_pton(AF_INET, PQgetvalue(r, i, 0), &a) != 1 ||
	    (idlen = lease_pg_unbytea(PQgetvalue(r, i, 1), id,
	    sizeof(id))) == SIZE_MAX || (hlen = lease_pg_unbytea(
	    PQgetvalue(r, i, 3), hw, sizeof(hw))) == SIZE_MAX)
		return;
	st = lease_pg_state_of(PQgetvalue(r, i, 4));
	exp = strtoll(PQgetvalue(r, i, 5), NULL, 10);
	if (st == LEASE_DECLINED || idlen == 0) {
		lease_foreign(L, ntohl(a.s_addr), exp);
		return;
	}
	L->store = NULL;	/* the cache only */
	lease_bind(L, ntohl(a.s_addr), id, idlen, (uint8_t)atoi(
	    PQgetvalue(r, i, 2)), hw, (uint8_t)hlen, st, exp,
	    PQgetisnull(r, i, 6) ? NULL : PQgetvalue(r, i, 6));
	L->store = s;
}

/* ---------- the connection's results ---------- */

static void
lease_pg_lost_add(uint64_t seq)
{
	size_t		i, n;
	uint64_t	t;

	P.lost[P.nlost++ % LEASE_PG_LOST] = seq;
	P.info.lost++;
	/*
	 * Kept increasing for lease_pg_lost(): the IPv6 claims of a batch
	 * come after its IPv4 ones, though their numbers interleave.
	 */
	n = P.nlost < LEASE_PG_LOST ? P.nlost : LEASE_PG_LOST;
	for (i = P.nlost - 1; i > P.nlost - n; i--) {
		uint64_t	*a = &P.lost[(i - 1) % LEASE_PG_LOST];
		uint64_t	*b = &P.lost[i % LEASE_PG_LOST];

		if (*a <= *b)
			break;
		t = *a;
		*a = *b;
		*b = t;
	}
}

/* The result of a DHCPv6 claim (lease_pg6.c). */
static void
lease_pg_claimed6(PGresult *r)
{
	uint64_t	seq = 0;

	switch (lease_pg6_claimed(P.L, r, &seq)) {
	case 0:
		lease_pg_lost_add(seq);
		/* FALLTHROUGH */
	case 1:
		P.info.claims++;
		break;
	default:
		P.batch_ok = false;
		break;
	}
}

/* A new place to allocate from: this server's and this moment's. */
static uint64_t
lease_pg_seed(void)
{
	struct timespec	ts;
	uint64_t	h;
	pid_t		pid = getpid();

	clock_gettime(CLOCK_REALTIME, &ts);
	h = hash_update(HASH_INIT, P.server, strlen(P.server));
	h = hash_update(h, &pid, sizeof(pid));
	h = hash_update(h, &ts, sizeof(ts));
	h = hash_update(h, &P.info.lost, sizeof(P.info.lost));
	return (uint64_t)hash_final(h) | 1;
}

static void
lease_pg_claimed(const struct lease_pg_exp *e, PGresult *r)
{
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		if (PQresultStatus(r) != PGRES_PIPELINE_ABORTED)
			log_rated(&lease_pg_rate, LOG_WARNING, "lease-database: "
			    "claim failed: %s", PQresultErrorMessage(r));
		P.batch_ok = false;
		return;
	}
	P.info.claims++;
	if (PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "0") == 0) {
		/*
		 * Another server's client holds it: not ours until then, and
		 * this server allocates elsewhere (the other is likely to
		 * take the addresses after it).
		 */
		lease_pg_lost_add(e->seq);
		lease_spread(P.L, lease_pg_seed());
		lease_foreign(P.L, e->addr, PQgetisnull(r, 0, 1) ?
		    (int64_t)time(NULL) + 60 :
		    strtoll(PQgetvalue(r, 0, 1), NULL, 10));
	}
}

static void
lease_pg_done(bool ok)
{
	P.store.busy = false;
	if (!ok)
		P.L->st.sync_errors++;
	else
		P.L->st.syncs++;
	if (P.store.done != NULL)
		P.store.done(&P.store, ok);
}

static void
lease_pg_setup_result(const struct lease_pg_exp *e, PGresult *r)
{
	char	why[sizeof(P.pg.error)];
	int	i, v;

	switch (PQresultStatus(r)) {
	case PGRES_TUPLES_OK:
	case PGRES_COMMAND_OK:
		break;
	case PGRES_PIPELINE_SYNC:
		if (!P.batch_ok) {
			snprintf(why, sizeof(why), "%s", P.pg.error);
			pg_conn_fail(&P.pg, why);
			return;
		}
		P.ready = true;
		pg_conn_ready(&P.pg);
		log_info("lease-database: connected, schema version %d, %zu "
		    "lease%s and %zu DHCPv6 binding%s in the cache",
		    LEASE_PG_SCHEMA, P.L->n, P.L->n == 1 ? "" : "s",
		    lease6_count(P.L), lease6_count(P.L) == 1 ? "" : "s");
		return;
	default:
		if (P.batch_ok)
			snprintf(P.pg.error, sizeof(P.pg.error), "%.*s (run "
			    "pxed --db-init)", (int)strcspn(
			    PQresultErrorMessage(r), "\n"),
			    PQresultErrorMessage(r));
		P.batch_ok = false;
		return;
	}
	if (e->kind == PGK_VERSION) {
		v = PQntuples(r) == 1 && !PQgetisnull(r, 0, 0) ?
		    atoi(PQgetvalue(r, 0, 0)) : 0;
		if (v != LEASE_PG_SCHEMA) {
			snprintf(P.pg.error, sizeof(P.pg.error), "schema "
			    "version %d, pxed needs %d: run pxed --db-init", v,
			    LEASE_PG_SCHEMA);
			P.batch_ok = false;
		}
	} else if (e->kind == PGK_LOAD)
		for (i = 0; i < PQntuples(r); i++)
			lease_pg_row(P.L, r, i);
	else if (e->kind == PGK_LOAD6)
		lease_pg6_loaded(P.L, r);
}

static void
lease_pg_result(struct pg_conn *p, PGresult *r, void *arg)
{
	struct lease_pg_exp	e;

	(void)p;
	(void)arg;
	if (!lease_pg_next(&e))
		return;
	switch (e.kind) {
	case PGK_CLAIM:
		lease_pg_claimed(&e, r);
		break;
	case PGK_CLAIM6:
		lease_pg_claimed6(r);
		break;
	case PGK_BATCH:
		if (PQresultStatus(r) != PGRES_PIPELINE_SYNC)
			P.batch_ok = false;
		P.info.batches++;
		P.info.commit_us += lease_pg_us() - e.seq;
		if (!P.batch_ok)
			P.info.errors++;
		lease_pg_done(P.batch_ok);
		P.batch_ok = true;
		break;
	default:
		lease_pg_setup_result(&e, r);
		if (e.kind == PGK_SETUP)
			P.batch_ok = true;
		break;
	}
}

/* Connected: check the schema, prepare the claim, load the cache. */
static void
lease_pg_up(struct pg_conn *p, void *arg)
{
	char		 now[24];
	const char	*v[1] = { now };

	(void)arg;
	P.ready = false;
	P.batch_ok = true;
	P.pg.error[0] = '\0';
	snprintf(now, sizeof(now), "%lld", (long long)time(NULL));
	if (PQsendQueryParams(p->c, LEASE_PG_VERSION, 0, NULL, NULL, NULL,
	    NULL, 0) != 1 ||
	    PQsendPrepare(p->c, "claim", LEASE_PG_CLAIM, 9, NULL) != 1 ||
	    PQsendQueryParams(p->c, LEASE_PG_LOAD, 1, NULL, v, NULL, NULL,
	    0) != 1 || lease_pg6_up(p->c, (int64_t)time(NULL)) == -1 ||
	    PQpipelineSync(p->c) != 1) {
		pg_conn_fail(p, PQerrorMessage(p->c));
		return;
	}
	lease_pg_expect(PGK_VERSION, 0, 0);
	lease_pg_expect(PGK_PREPARE, 0, 0);
	lease_pg_expect(PGK_LOAD, 0, 0);
	lease_pg_expect(PGK_PREPARE, 0, 0);		/* claim6 */
	lease_pg_expect(PGK_LOAD6, 0, 0);
	lease_pg_expect(PGK_SETUP, 0, 0);
	pg_sent(p, 6);
}

static void
lease_pg_down(struct pg_conn *p, void *arg)
{
	(void)p;
	(void)arg;
	P.ready = false;
	P.en = 0;
	P.ehead = 0;
	lease_pg6_reset();
	if (P.store.busy)
		lease_pg_done(false);	/* the batch in flight is lost */
}

/* ---------- the store ---------- */

static void
lease_pg_record(struct lease_store *s, const struct lease *l)
{
	struct lease_pg_rec	*r;
	struct in_addr		 a = { htonl(l->addr) };

	(void)s;
	if (P.nq == P.capq) {
		size_t	cap = P.capq == 0 ? 256 : P.capq * 2;

		if ((r = reallocarray(P.q, cap, sizeof(*r))) == NULL)
			fatal("lease-database: realloc");
		P.q = r;
		P.capq = cap;
	}
	r = &P.q[P.nq++];
	r->seq = s->seq;
	r->addr = l->addr;
	inet_ntop(AF_INET, &a, r->addr_s, sizeof(r->addr_s));
	r->id[0] = '\\';
	r->id[1] = 'x';
	lease_hex(r->id + 2, lease_id(l), l->idlen);
	r->hw[0] = '\\';
	r->hw[1] = 'x';
	lease_hex(r->hw + 2, l->chaddr, l->hlen);
	snprintf(r->htype, sizeof(r->htype), "%u", l->htype);
	snprintf(r->exp, sizeof(r->exp), "%lld", (long long)l->expires);
	r->state = lease_pg_state_name(l->state);
	r->has_host = l->hostname != NULL;
	if (r->has_host)
		snprintf(r->host, sizeof(r->host), "%s", l->hostname);
}

static bool
lease_pg_pending(const struct lease_store *s)
{
	(void)s;
	return P.nq > 0 || lease_pg6_pending();
}

static void
lease_pg_sync(struct lease_store *s)
{
	char		 now[24];
	const char	*v[9];
	size_t		 i;
	int		 n6, k;

	(void)s;
	if (!P.ready || P.pg.state != PG_UP) {
		P.nq = 0;		/* nothing can be made durable */
		lease_pg6_drop();
		lease_pg_done(false);
		return;
	}
	snprintf(now, sizeof(now), "%lld", (long long)time(NULL));
	for (i = 0; i < P.nq; i++) {
		struct lease_pg_rec	*r = &P.q[i];

		v[0] = r->addr_s;
		v[1] = r->id;
		v[2] = r->htype;
		v[3] = r->hw;
		v[4] = r->state;
		v[5] = r->exp;
		v[6] = r->has_host ? r->host : NULL;
		v[7] = now;
		v[8] = P.server;
		if (PQsendQueryPrepared(P.pg.c, "claim", 9, v, NULL, NULL,
		    0) != 1)
			break;
		lease_pg_expect(PGK_CLAIM, r->addr, r->seq);
	}
	n6 = i < P.nq ? -1 : lease_pg6_send(P.pg.c, now, P.server);
	for (k = 0; k < n6; k++)
		lease_pg_expect(PGK_CLAIM6, 0, 0);
	if (n6 < 0 || PQpipelineSync(P.pg.c) != 1) {
		P.nq = 0;
		pg_conn_fail(&P.pg, PQerrorMessage(P.pg.c));
		return;
	}
	lease_pg_expect(PGK_BATCH, 0, lease_pg_us());
	P.nq = 0;
	pg_sent(&P.pg, i + (size_t)n6 + 1);	/* lost: down() is called */
}

static bool
lease_pg_lost(const struct lease_store *s, uint64_t seq)
{
	size_t	i, n = P.nlost < LEASE_PG_LOST ? P.nlost : LEASE_PG_LOST;

	(void)s;
	/* Newest first; the ring increases, so stop below seq. */
	for (i = 1; i <= n; i++) {
		uint64_t	v = P.lost[(P.nlost - i) % LEASE_PG_LOST];

		if (v == seq)
			return true;
		if (v < seq)
			return false;
	}
	/*
	 * Every claim remembered is newer: a batch lost more than the ring
	 * holds, and seq's may have been overwritten.  Say lost: a reply
	 * dropped costs a retry, one sent for another's address a duplicate.
	 */
	return P.nlost > LEASE_PG_LOST;
}

static const struct lease_store_ops lease_pg_ops = {
	"postgresql", lease_pg_record, lease_pg_pending, lease_pg_sync,
	lease_pg_lost, lease_pg6_record
};

int
lease_pg_open(struct leases *L, const char *url)
{
	static const struct pg_cbs	cb = { lease_pg_up, lease_pg_result,
	    lease_pg_down, NULL };
	char				host[64];

	if (P.open)
		return 0;
	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "pxed");
	host[sizeof(host) - 1] = '\0';
	snprintf(P.server, sizeof(P.server), "%s", host);
	P.L = L;
	P.store.ops = &lease_pg_ops;
	P.store.shared = true;
	P.store.seq = L->store != NULL ? L->store->seq : 0;
	P.batch_ok = true;
	P.info.configured = true;
	lease_use_store(L, &P.store);
	lease_spread(L, lease_pg_seed());
	P.open = true;
	pg_conn_start(&P.pg, url, "lease-database", &cb, NULL);
	return 0;
}

void
lease_pg_close(struct leases *L)
{
	if (!P.open)
		return;
	pg_conn_stop(&P.pg);
	if (P.store.busy)
		lease_pg_done(false);
	lease_use_store(L, NULL);
	lease_pg6_free();
	free(P.q);
	free(P.exp);
	memset(&P, 0, sizeof(P));
}

void
lease_pg_info(struct lease_pg_info *i)
{
	*i = P.info;
	i->state = P.open ? pg_state_name(P.pg.state) : "off";
	i->ready = P.ready && P.pg.state == PG_UP;
	i->error = P.pg.error;
	i->since = P.pg.st.since;
	i->connects = P.pg.st.connects;
	i->failures = P.pg.st.failures;
}

/* ---------- offline: pxed --db-init, -t, --leases ---------- */

static PGconn *
lease_pg_connect_now(const char *url, FILE *err)
{
	PGconn	*c = PQconnectdb(url);

	if (c == NULL || PQstatus(c) != CONNECTION_OK) {
		fprintf(err, "pxed: lease-database %s: %s", url,
		    c != NULL ? PQerrorMessage(c) : "out of memory\n");
		PQfinish(c);
		return NULL;
	}
	return c;
}

/* The schema version of the database behind c: -1 when none. */
static int
lease_pg_version(PGconn *c)
{
	PGresult	*r = PQexec(c, LEASE_PG_VERSION);
	int		 v = -1;

	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
	    !PQgetisnull(r, 0, 0))
		v = atoi(PQgetvalue(r, 0, 0));
	PQclear(r);
	return v;
}

int
lease_pg_db_init(const char *url, FILE *err)
{
	PGconn		*c;
	PGresult	*r;
	int		 rc = 0, was;

	if ((c = lease_pg_connect_now(url, err)) == NULL)
		return -1;
	was = lease_pg_version(c);
	if (was > LEASE_PG_SCHEMA) {
		fprintf(err, "pxed: %s: schema version %d is newer than this "
		    "pxed's (%d): not changed\n", url, was, LEASE_PG_SCHEMA);
		PQfinish(c);
		return -1;
	}
	/* One transaction: all of the schema, or none of it. */
	r = PQexec(c, "SET client_min_messages = warning");
	PQclear(r);
	r = PQexec(c, "BEGIN");
	PQclear(r);
	r = PQexec(c, (const char *)lease_pg_schema);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		fprintf(err, "pxed: %s: %s", url, PQresultErrorMessage(r));
		rc = -1;
	}
	PQclear(r);
	r = PQexec(c, rc == 0 ? "COMMIT" : "ROLLBACK");
	if (rc == 0 && PQresultStatus(r) != PGRES_COMMAND_OK) {
		fprintf(err, "pxed: %s: %s", url, PQresultErrorMessage(r));
		rc = -1;
	}
	PQclear(r);
	if (rc == 0)
		fprintf(err, "pxed: database %s: schema version %d (%s)\n", PQdb(c),
		    LEASE_PG_SCHEMA, was < 0 ? "created" : was ==
		    LEASE_PG_SCHEMA ? "already there" : "upgraded");
	PQfinish(c);
	return rc;
}

int
lease_pg_check(const char *url, FILE *out, FILE *err)
{
	PGconn	*c;
	int	 v;

	if ((c = lease_pg_connect_now(url, err)) == NULL)
		return -1;
	v = lease_pg_version(c);
	PQfinish(c);
	if (v != LEASE_PG_SCHEMA) {
		if (v < 0)
			fprintf(err, "pxed: lease-database %s: no pxed schema: "
			    "run pxed --db-init\n", url);
		else
			fprintf(err, "pxed: lease-database %s: schema version "
			    "%d, pxed needs %d: run pxed --db-init\n", url, v,
			    LEASE_PG_SCHEMA);
		return -1;
	}
	fprintf(out, "pxed: lease-database reachable, schema version %d\n",
	    v);
	return 0;
}

int
lease_pg_load(const char *url, struct leases *L, int64_t now, FILE *err)
{
	PGconn		*c;
	PGresult	*r;
	char		 nows[24];
	const char	*v[1] = { nows };
	int		 i;

	if ((c = lease_pg_connect_now(url, err)) == NULL)
		return -1;
	snprintf(nows, sizeof(nows), "%lld", (long long)now);
	r = PQexecParams(c, LEASE_PG_LOAD, 1, NULL, v, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(err, "pxed: lease-database %s: %s", url,
		    PQresultErrorMessage(r));
		PQclear(r);
		PQfinish(c);
		return -1;
	}
	for (i = 0; i < PQntuples(r); i++)
		lease_pg_row(L, r, i);
	PQclear(r);
	i = lease_pg6_load_now(c, L, now, err);
	PQfinish(c);
	return i;
}

int
lease_pg_dump(const char *url, int64_t now, bool json, FILE *out,
    FILE *err)
{
	struct leases	L;
	int		rc;

	lease_init(&L);
	if ((rc = lease_pg_load(url, &L, now, err)) == 0)
		lease_dump_leases(&L, now, json, out);
	lease_fini(&L);
	return rc;
}

#else	/* !HAVE_LIBPQ */

static int
lease_pg_none(FILE *err)
{
	fprintf(err, "pxed: built without libpq: no lease-database "
	    "(configure --with-libpq, Debian package libpq-dev)\n");
	return -1;
}

int
lease_pg_db_init(const char *url, FILE *err)
{
	(void)url;
	return lease_pg_none(err);
}

int
lease_pg_check(const char *url, FILE *out, FILE *err)
{
	(void)url;
	(void)out;
	return lease_pg_none(err);
}

int
lease_pg_dump(const char *url, int64_t now, bool json, FILE *out,
    FILE *err)
{
	(void)url;
	(void)now;
	(void)json;
	(void)out;
	return lease_pg_none(err);
}

int
lease_pg_load(const char *url, struct leases *L, int64_t now, FILE *err)
{
	(void)url;
	(void)L;
	(void)now;
	return lease_pg_none(err);
}

void
lease_pg_info(struct lease_pg_info *i)
{
	memset(i, 0, sizeof(*i));
	i->state = "off";
	i->error = "";
}

#endif
