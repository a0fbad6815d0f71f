/*
 * lease_pg6.c: the DHCPv6 bindings (IA_NA addresses) in the PostgreSQL
 * lease store; see lease_pg6.h.  lease_pg.c owns the connection, the
 * pipeline and the batch; this file makes the claims of the pxed_lease6
 * table and reads its rows into the cache.
 */
#include "config.h"

#ifdef HAVE_LIBPQ
#include <arpa/inet.h>
#include <netinet/in.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "lease.h"
#include "lease6.h"
#include "lease_pg.h"
#include "lease_pg6.h"
#include "log.h"

/*
 * The claim of one address, as LEASE_PG_CLAIM of lease_pg.c: $1 address,
 * $2 DUID, $3 IAID, $4 MAC (NULL: unknown), $5 state, $6 expiry, $7 host
 * name, $8 now, $9 this server.  The row is taken over only when it is
 * this IA's (DUID and IAID), no longer live or released (a Decline
 * always quarantines).  The IA's other offers go, and with a Reply its
 * other binding too (an Advertise never revokes a binding, nor downgrades
 * this IA's own).  The result is (claimed 0 or 1, the expiry of the row
 * that won).
 */
#define LEASE_PG6_SAME	"(l.duid = excluded.duid AND l.iaid = excluded.iaid)"
#define LEASE_PG6_KEEP \
	"(excluded.state = 'offered' AND l.state = 'acked' AND " \
	LEASE_PG6_SAME " AND l.expires > $8::bigint)"
#define LEASE_PG6_CLAIM \
	"WITH c AS (INSERT INTO pxed_lease6 AS l (addr, duid, iaid, hwaddr, " \
	"state, expires, hostname, server) VALUES ($1::inet, $2::bytea, " \
	"$3::bigint, $4::bytea, $5::text, $6::bigint, $7::text, $9::text) " \
	"ON CONFLICT (addr) DO UPDATE SET duid = excluded.duid, " \
	"iaid = excluded.iaid, hwaddr = excluded.hwaddr, " \
	"state = CASE WHEN " LEASE_PG6_KEEP " THEN l.state ELSE " \
	"excluded.state END, " \
	"expires = CASE WHEN " LEASE_PG6_KEEP " THEN l.expires ELSE " \
	"excluded.expires END, " \
	"hostname = coalesce(excluded.hostname, l.hostname), " \
	"server = excluded.server, updated = now() " \
	"WHERE " LEASE_PG6_SAME " OR l.expires <= $8::bigint " \
	"OR l.state = 'released' OR excluded.state = 'declined' " \
	"RETURNING 1), " \
	"d AS (DELETE FROM pxed_lease6 x WHERE x.duid = $2::bytea " \
	"AND x.iaid = $3::bigint AND x.addr <> $1::inet AND (x.state = " \
	"'offered' OR (x.state = 'acked' AND $5::text = 'acked')) AND " \
	"$5::text IN ('offered', 'acked') AND EXISTS (SELECT 1 FROM c)) " \
	"SELECT (SELECT count(*) FROM c), " \
	"(SELECT expires FROM pxed_lease6 WHERE addr = $1::inet)"

#define LEASE_PG6_LOAD \
	"SELECT host(addr), duid, iaid, hwaddr, state, expires, hostname " \
	"FROM pxed_lease6 WHERE expires > $1::bigint AND state <> 'released'"

struct lease_pg6_rec {
	uint64_t	 seq;
	struct in6_addr	 addr;
	const char	*state;
	bool		 has_host, has_mac;
	char		 addr_s[INET6_ADDRSTRLEN];
	char		 duid[2 * LEASE6_DUID_MAX + 3];
	char		 iaid[12];
	char		 mac[2 * 6 + 3];
	char		 exp[24];
	char		 host[64];
};

struct lease_pg6_sent {			/* a claim whose result is to come */
	struct in6_addr	 addr;
	uint64_t	 seq;
};

static struct {
	struct lease_pg6_rec	*q;		/* recorded, not yet sent */
	size_t			 nq, capq;
	struct lease_pg6_sent	*f;		/* in the order sent */
	size_t			 fhead, fn, fcap;
} Q;

static struct log_rate	lease_pg6_rate;

/* An array of *cap elements of size, n used: room for one more. */
static void *
lease_pg6_room(void *p, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap == 0 ? 256 : *cap * 2;
	if ((p = reallocarray(p, *cap, size)) == NULL)
		fatal("lease-database: realloc");
	return p;
}

void
lease_pg6_record(struct lease_store *s, const struct lease6 *l)
{
	struct lease_pg6_rec	*r;

	Q.q = lease_pg6_room(Q.q, Q.nq, &Q.capq, sizeof(*Q.q));
	r = &Q.q[Q.nq++];
	r->seq = s->seq;
	r->addr = l->addr;
	inet_ntop(AF_INET6, &l->addr, r->addr_s, sizeof(r->addr_s));
	r->duid[0] = '\\';
	r->duid[1] = 'x';
	lease_hex(r->duid + 2, l->duid, l->duidlen);
	snprintf(r->iaid, sizeof(r->iaid), "%" PRIu32, l->iaid);
	r->has_mac = l->has_mac;
	r->mac[0] = '\\';
	r->mac[1] = 'x';
	lease_hex(r->mac + 2, l->mac, sizeof(l->mac));
	snprintf(r->exp, sizeof(r->exp), "%lld", (long long)l->expires);
	r->state = lease_pg_state_name(l->state);
	r->has_host = l->hostname != NULL;
	if (r->has_host)
		snprintf(r->host, sizeof(r->host), "%s", l->hostname);
}

bool
lease_pg6_pending(void)
{
	return Q.nq > 0;
}

void
lease_pg6_drop(void)
{
	Q.nq = 0;
}

/*
 * The claims in flight are gone with the connection; the queued ones
 * stay, so that pending() says so and the next sync() fails their batch
 * (as P.nq does for IPv4): forgotten here, the held Replies would go out
 * as if committed.
 */
void
lease_pg6_reset(void)
{
	Q.fn = 0;
	Q.fhead = 0;
}

void
lease_pg6_free(void)
{
	free(Q.q);
	free(Q.f);
	memset(&Q, 0, sizeof(Q));
}

/* Claims sent: appended at the end, their results taken from the head. */
static void
lease_pg6_sent_add(const struct lease_pg6_rec *r)
{
	struct lease_pg6_sent	*n;

	if (Q.fn == 0)
		Q.fhead = 0;
	if (Q.fhead + Q.fn == Q.fcap && Q.fhead > 0) {
		memmove(Q.f, Q.f + Q.fhead, Q.fn * sizeof(*Q.f));
		Q.fhead = 0;
	}
	Q.f = lease_pg6_room(Q.f, Q.fn, &Q.fcap, sizeof(*Q.f));
	n = &Q.f[Q.fhead + Q.fn++];
	n->addr = r->addr;
	n->seq = r->seq;
}

int
lease_pg6_up(PGconn *c, int64_t now)
{
	char		 nows[24];
	const char	*v[1] = { nows };

	snprintf(nows, sizeof(nows), "%lld", (long long)now);
	if (PQsendPrepare(c, "claim6", LEASE_PG6_CLAIM, 9, NULL) != 1 ||
	    PQsendQueryParams(c, LEASE_PG6_LOAD, 1, NULL, v, NULL, NULL,
	    0) != 1)
		return -1;
	return 2;
}

int
lease_pg6_send(PGconn *c, const char *now, const char *server)
{
	const char	*v[9];
	size_t		 i;

	for (i = 0; i < Q.nq; i++) {
		struct lease_pg6_rec	*r = &Q.q[i];

		v[0] = r->addr_s;
		v[1] = r->duid;
		v[2] = r->iaid;
		v[3] = r->has_mac ? r->mac : NULL;
		v[4] = r->state;
		v[5] = r->exp;
		v[6] = r->has_host ? r->host : NULL;
		v[7] = now;
		v[8] = server;
		if (PQsendQueryPrepared(c, "claim6", 9, v, NULL, NULL, 0) != 1) {
			Q.nq = 0;
			return -1;
		}
		lease_pg6_sent_add(r);
	}
	Q.nq = 0;
	return (int)i;
}

int
lease_pg6_claimed(struct leases *L, PGresult *r, uint64_t *seq)
{
	struct lease_pg6_sent	e;

	if (Q.fn == 0)
		return -1;
	e = Q.f[Q.fhead++];
	Q.fn--;
	*seq = e.seq;
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		if (PQresultStatus(r) != PGRES_PIPELINE_ABORTED)
			log_rated(&lease_pg6_rate, LOG_WARNING,
			    "lease-database: IPv6 claim failed: %s",
			    PQresultErrorMessage(r));
		return -1;
	}
	if (PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "0") == 0) {
		/* Another server's client holds it: not ours until then. */
		lease6_foreign(L, &e.addr, PQgetisnull(r, 0, 1) ?
		    (int64_t)time(NULL) + 60 :
		    strtoll(PQgetvalue(r, 0, 1), NULL, 10));
		return 0;
	}
	return 1;
}

/* One row of LEASE_PG6_LOAD into L's cache (nothing is recorded). */
static void
lease_pg6_row(struct leases *L, PGresult *r, int i)
{
	struct lease_store	*s = L->store;
	struct in6_addr		 a;
	uint8_t			 duid[LEASE6_DUID_MAX], mac[6];
	size_t			 dlen, mlen = 0;
	const char		*st = PQgetvalue(r, i, 4);
	int64_t			 exp;

	if (inet_pton(AF_INET6, PQgetvalue(r, i, 0), &a) != 1 ||
	    (dlen = lease_pg_unbytea(PQgetvalue(r, i, 1), duid,
	    sizeof(duid))) == SIZE_MAX || (!PQgetisnull(r, i, 3) &&
	    (mlen = lease_pg_unbytea(PQgetvalue(r, i, 3), mac,
	    sizeof(mac))) != 6))
		return;
	exp = strtoll(PQgetvalue(r, i, 5), NULL, 10);
	if (strcmp(st, "declined") == 0 || dlen == 0) {
		lease6_foreign(L, &a, exp);
		return;
	}
	L->store = NULL;	/* the cache only */
	lease6_bind(L, &a, duid, dlen, (uint32_t)strtoul(PQgetvalue(r, i, 2),
	    NULL, 10), mlen == 6 ? mac : NULL, strcmp(st, "acked") == 0 ?
	    LEASE_ACKED : LEASE_OFFERED, exp, PQgetisnull(r, i, 6) ? NULL :
	    PQgetvalue(r, i, 6));
	L->store = s;
}

void
lease_pg6_loaded(struct leases *L, PGresult *r)
{
	int	i;

	for (i = 0; i < PQntuples(r); i++)
		lease_pg6_row(L, r, i);
}

int
lease_pg6_load_now(PGconn *c, struct leases *L, int64_t now, FILE *err)
{
	PGresult	*r;
	char		 nows[24];
	const char	*v[1] = { nows };

	snprintf(nows, sizeof(nows), "%lld", (long long)now);
	r = PQexecParams(c, LEASE_PG6_LOAD, 1, NULL, v, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(err, "pxed: lease-database: %s",
		    PQresultErrorMessage(r));
		PQclear(r);
		return -1;
	}
	lease_pg6_loaded(L, r);
	PQclear(r);
	return 0;
}

#endif	/* HAVE_LIBPQ */
