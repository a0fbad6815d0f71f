/*
 * lease6.c: DHCPv6 bindings beside the IPv4 leases of lease.c, in the
 * same struct leases (its v6 member, made on first use) and the same
 * journal, one record per line:
 *
 *	A6 <address> <expires|never> <iaid> <duid-hex> <mac-hex|-> <host|->
 *	R6 <address>
 *	D6 <address> <until>
 *
 * A6 is a binding the client was told in a Reply, R6 a release, D6 an
 * address a client declined (RFC 8415 18.3.8), quarantined until then.
 * lease.c reads the lines back (lease6_apply), writes the live ones when
 * it compacts (lease6_compact) and lists them for pxed --leases.
 */
#include "config.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dhcp_proto.h"
#include "hash.h"
#include "lease6.h"
#include "log.h"

#define LEASE6_HASH_MIN	1024

static struct lease6_store *
lease6_store(struct leases *L)
{
	struct lease6_store	*s = L->v6;

	if (s != NULL)
		return s;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->byid = calloc(LEASE6_HASH_MIN, sizeof(*s->byid))) == NULL ||
	    (s->byaddr = calloc(LEASE6_HASH_MIN, sizeof(*s->byaddr))) == NULL)
		fatal("lease6: calloc");
	s->mask = LEASE6_HASH_MIN - 1;
	L->v6 = s;
	return s;
}

static size_t
lease6_idhash(const uint8_t *duid, size_t len, uint32_t iaid)
{
	return hash_final(hash_update(hash_update(HASH_INIT, duid, len),
	    &iaid, sizeof(iaid)));
}

static size_t
lease6_addrhash(const struct in6_addr *a)
{
	return hash_bytes(a, sizeof(*a));
}

static void
lease6_free_one(struct lease6 *l)
{
	if (l->duid != l->duidbuf)
		free(l->duid);
	free(l->hostname);
	free(l);
}

void
lease6_fini(struct leases *L)
{
	struct lease6_store	*s = L->v6;
	struct lease6		*l, *next;
	size_t			 i;

	if (s == NULL)
		return;
	for (i = 0; i <= s->mask; i++)
		for (l = s->byaddr[i]; l != NULL; l = next) {
			next = l->addrnext;
			lease6_free_one(l);
		}
	free(s->byid);
	free(s->byaddr);
	free(s);
	L->v6 = NULL;
}

/* Declined records (no DUID) are in the address table only. */
static void
lease6_link(struct lease6_store *s, struct lease6 *l)
{
	size_t	a = lease6_addrhash(&l->addr) & s->mask;
	size_t	b = lease6_idhash(l->duid, l->duidlen, l->iaid) & s->mask;

	l->addrnext = s->byaddr[a];
	s->byaddr[a] = l;
	if (l->duidlen > 0) {
		l->idnext = s->byid[b];
		s->byid[b] = l;
	}
}

static void
lease6_grow(struct lease6_store *s)
{
	struct lease6	**oldaddr = s->byaddr, *l, *next;
	size_t		  oldn = s->mask + 1, i;

	free(s->byid);
	s->mask = oldn * 2 - 1;
	if ((s->byid = calloc(oldn * 2, sizeof(*s->byid))) == NULL ||
	    (s->byaddr = calloc(oldn * 2, sizeof(*s->byaddr))) == NULL)
		fatal("lease6: calloc");
	for (i = 0; i < oldn; i++)
		for (l = oldaddr[i]; l != NULL; l = next) {
			next = l->addrnext;
			lease6_link(s, l);
		}
	free(oldaddr);
}

static void
lease6_unlink(struct lease6_store *s, struct lease6 *l)
{
	struct lease6	**pp;

	for (pp = &s->byaddr[lease6_addrhash(&l->addr) & s->mask]; *pp != NULL;
	    pp = &(*pp)->addrnext)
		if (*pp == l) {
			*pp = l->addrnext;
			break;
		}
	for (pp = &s->byid[lease6_idhash(l->duid, l->duidlen, l->iaid) &
	    s->mask]; l->duidlen > 0 && *pp != NULL; pp = &(*pp)->idnext)
		if (*pp == l) {
			*pp = l->idnext;
			break;
		}
	s->n--;
	lease6_free_one(l);
}

struct lease6 *
lease6_by_id(const struct leases *L, const uint8_t *duid, size_t len,
    uint32_t iaid)
{
	const struct lease6_store	*s = L->v6;
	struct lease6			*l;

	if (s == NULL || len == 0)
		return NULL;
	for (l = s->byid[lease6_idhash(duid, len, iaid) & s->mask]; l != NULL;
	    l = l->idnext)
		if (l->iaid == iaid && l->duidlen == len &&
		    memcmp(l->duid, duid, len) == 0)
			return l;
	return NULL;
}

struct lease6 *
lease6_by_addr(const struct leases *L, const struct in6_addr *a)
{
	const struct lease6_store	*s = L->v6;
	struct lease6			*l;

	if (s == NULL)
		return NULL;
	for (l = s->byaddr[lease6_addrhash(a) & s->mask]; l != NULL;
	    l = l->addrnext)
		if (memcmp(&l->addr, a, sizeof(*a)) == 0)
			return l;
	return NULL;
}

bool
lease6_is_live(const struct lease6 *l, int64_t now)
{
	return l->state != LEASE_RELEASED && l->state != LEASE_EXPIRED &&
	    l->expires > now;
}

bool
lease6_addr_free(const struct leases *L, const struct in6_addr *a,
    const uint8_t *duid, size_t len, uint32_t iaid, int64_t now)
{
	const struct lease6	*l = lease6_by_addr(L, a);

	if (l == NULL || !lease6_is_live(l, now))
		return true;
	if (l->state == LEASE_DECLINED)
		return false;
	return l->iaid == iaid && l->duidlen == len &&
	    memcmp(l->duid, duid, len) == 0;
}

/* ---------- allocation ---------- */

static void
lease6_split(const struct in6_addr *a, uint64_t *hi, uint64_t *lo)
{
	int	i;

	*hi = *lo = 0;
	for (i = 0; i < 8; i++) {
		*hi = *hi << 8 | a->s6_addr[i];
		*lo = *lo << 8 | a->s6_addr[8 + i];
	}
}

/* start + off, carrying into the high half. */
static void
lease6_add(const struct in6_addr *start, uint64_t off, struct in6_addr *out)
{
	uint64_t	hi, lo, nlo;
	int		i;

	lease6_split(start, &hi, &lo);
	nlo = lo + off;
	if (nlo < lo)
		hi++;
	for (i = 7; i >= 0; i--) {
		out->s6_addr[i] = (uint8_t)hi;
		out->s6_addr[8 + i] = (uint8_t)nlo;
		hi >>= 8;
		nlo >>= 8;
	}
}

/*
 * Addresses in start..end, saturated at 2^64 - 1: a range across a /64
 * boundary but under 2^64 addresses is counted exactly, so that no
 * start + offset lies past end.  0 when end is below start.
 */
static uint64_t
lease6_span(const struct conf_range6 *r)
{
	uint64_t	shi, slo, ehi, elo;

	lease6_split(&r->start, &shi, &slo);
	lease6_split(&r->end, &ehi, &elo);
	if (ehi < shi || (ehi == shi && elo < slo))
		return 0;
	/* ehi == shi, or one above it with elo < slo: under 2^64 apart. */
	if ((ehi == shi || (ehi - shi == 1 && elo < slo)) &&
	    elo - slo != UINT64_MAX)
		return elo - slo + 1;
	return UINT64_MAX;
}

/* start <= a <= end, as 128-bit big-endian numbers. */
static bool
lease6_in_range(const struct conf_range6 *r, const struct in6_addr *a)
{
	return memcmp(a, &r->start, sizeof(*a)) >= 0 &&
	    memcmp(a, &r->end, sizeof(*a)) <= 0;
}

static bool
lease6_usable(const struct leases *L, const struct conf *conf,
    const struct conf_range6 *r, const struct in6_addr *a,
    const uint8_t *duid, size_t len, uint32_t iaid, int64_t now)
{
	if (!lease6_in_range(r, a))
		return false;
	/* RFC 4291 2.6.1: the Subnet-Router anycast address. */
	if (memcmp(a, &r->prefix, sizeof(*a)) == 0)
		return false;
	if (conf_inet6_host_by_ip6(conf, a) != NULL)
		return false;
	return lease6_addr_free(L, a, duid, len, iaid, now);
}

int
lease6_alloc(const struct leases *L, const struct conf *conf,
    const struct conf_range6 *r, const uint8_t *duid, size_t len,
    uint32_t iaid, int64_t now, struct in6_addr *out)
{
	uint64_t	span = lease6_span(r), h, first, k, off;

	if (span == 0)
		return -1;
	h = hash_update(hash_update(HASH_INIT, duid, len), &iaid,
	    sizeof(iaid));
	first = (uint64_t)hash_final(h) % span;
	if (span <= LEASE6_SCAN_MAX) {
		for (k = 0; k < span; k++) {
			lease6_add(&r->start, (first + k) % span, out);
			if (lease6_usable(L, conf, r, out, duid, len, iaid, now))
				return 0;
		}
		return -1;
	}
	for (k = 0; k < LEASE6_PROBES; k++) {
		off = k == 0 ? first :
		    (uint64_t)hash_final(hash_update(h, &k, sizeof(k))) % span;
		lease6_add(&r->start, off, out);
		if (lease6_usable(L, conf, r, out, duid, len, iaid, now))
			return 0;
	}
	return -1;
}

/* ---------- binding and the journal ---------- */

/* One A6/R6/D6 line of l into buf, with its newline; 0 if it won't fit. */
static size_t
lease6_line(const struct lease6 *l, char *buf, size_t len)
{
	char	a[INET6_ADDRSTRLEN], d[2 * LEASE6_DUID_MAX + 1], m[13] = "-";
	char	exp[24] = "never";
	int	n;

	inet_ntop(AF_INET6, &l->addr, a, sizeof(a));
	if (l->state == LEASE_RELEASED)
		n = snprintf(buf, len, "R6 %s\n", a);
	else if (l->state == LEASE_DECLINED)
		n = snprintf(buf, len, "D6 %s %" PRId64 "\n", a, l->expires);
	else if (l->duidlen == 0)
		return 0;	/* an A6 line needs the client's DUID */
	else {
		lease_hex(d, l->duid, l->duidlen);
		if (l->has_mac)
			lease_hex(m, l->mac, 6);
		if (l->expires != LEASE_NEVER)
			snprintf(exp, sizeof(exp), "%" PRId64, l->expires);
		n = snprintf(buf, len, "A6 %s %s %" PRIu32 " %s %s %s\n", a,
		    exp, l->iaid, d, m, l->hostname != NULL ? l->hostname :
		    "-");
	}
	return n > 0 && (size_t)n < len ? (size_t)n : 0;
}

void
lease6_journal_record(struct lease_store *s, const struct lease6 *l)
{
	struct leases	*L = s->ctx;
	char		 line[2 * LEASE6_DUID_MAX + 200];

	if (L->path != NULL)
		lease_journal_add(L, line, lease6_line(l, line, sizeof(line)));
}

/* The store records l (the journal: a line; PostgreSQL: a claim). */
static void
lease6_queue(struct leases *L, const struct lease6 *l)
{
	if (L->store == NULL || L->store->ops->record6 == NULL)
		return;			/* loading: the cache only */
	L->store->seq++;
	L->store->ops->record6(L->store, l);
}

static struct lease6 *
lease6_new(struct lease6_store *s, const struct in6_addr *a,
    const uint8_t *duid, size_t len, uint32_t iaid)
{
	struct lease6	*l;

	if (s->n >= s->mask + 1)
		lease6_grow(s);
	if ((l = calloc(1, sizeof(*l))) == NULL)
		fatal("lease6: calloc");
	l->addr = *a;
	l->iaid = iaid;
	l->duidlen = (uint8_t)len;
	l->duid = len <= LEASE_ID_INLINE ? l->duidbuf : malloc(len);
	if (l->duid == NULL)
		fatal("lease6: malloc");
	if (len > 0)
		memcpy(l->duid, duid, len);
	lease6_link(s, l);
	s->n++;
	return l;
}

struct lease6 *
lease6_bind(struct leases *L, const struct in6_addr *a, const uint8_t *duid,
    size_t len, uint32_t iaid, const uint8_t *mac, enum lease_state st,
    int64_t expires, const char *hostname)
{
	struct lease6_store	*s = lease6_store(L);
	struct lease6		*l, *o;

	if (len > LEASE6_DUID_MAX)
		len = LEASE6_DUID_MAX;
	if ((o = lease6_by_id(L, duid, len, iaid)) != NULL &&
	    memcmp(&o->addr, a, sizeof(*a)) != 0)
		lease6_unlink(s, o);
	if ((l = lease6_by_addr(L, a)) != NULL && (l->iaid != iaid ||
	    l->duidlen != len || memcmp(l->duid, duid, len) != 0)) {
		lease6_unlink(s, l);
		l = NULL;
	}
	if (l == NULL)
		l = lease6_new(s, a, duid, len, iaid);
	l->state = (uint8_t)st;
	l->expires = expires;
	if (mac != NULL) {
		memcpy(l->mac, mac, 6);
		l->has_mac = true;
	}
	if (hostname != NULL) {
		free(l->hostname);
		l->hostname = lease_hostname(hostname);
	}
	/* A shared store claims the address when it is advertised. */
	if (st == LEASE_ACKED || st == LEASE_DECLINED ||
	    (st == LEASE_OFFERED && lease_shared(L)))
		lease6_queue(L, l);
	return l;
}

void
lease6_release(struct leases *L, struct lease6 *l, int64_t now)
{
	l->state = LEASE_RELEASED;
	l->expires = now;
	lease6_queue(L, l);
}

void
lease6_foreign(struct leases *L, const struct in6_addr *a, int64_t until)
{
	struct lease_store	*s = L->store;

	L->store = NULL;	/* the cache only */
	lease6_decline(L, a, until);
	L->store = s;
}

void
lease6_decline(struct leases *L, const struct in6_addr *a, int64_t until)
{
	struct lease6	*l;

	if ((l = lease6_by_addr(L, a)) != NULL)
		lease6_unlink(lease6_store(L), l);
	/* Held by no client: no DUID, so in the address table only. */
	lease6_bind(L, a, NULL, 0, 0, NULL, LEASE_DECLINED, until, NULL);
}

/*
 * What may go from memory (nothing goes to the journal: compaction
 * leaves out what is not live, as for IPv4): an Advertise's address past
 * its hold, a release, a quarantine that ended, and a binding expired
 * LEASE6_KEEP_SECS ago (kept until then to give a returning client its
 * address back, as lease.c keeps its expired records).
 */
static bool
lease6_stale(const struct lease6 *l, int64_t now)
{
	switch (l->state) {
	case LEASE_RELEASED:
		return true;
	case LEASE_OFFERED:
	case LEASE_DECLINED:
		return l->expires <= now;
	}
	return l->expires != LEASE_NEVER && (l->expires <= now -
	    LEASE6_KEEP_SECS || l->state == LEASE_EXPIRED);
}

size_t
lease6_expire(struct leases *L, int64_t now)
{
	struct lease6_store	*s = L->v6;
	struct lease6		*l, *next;
	size_t			 i, n = 0;

	for (i = 0; s != NULL && i <= s->mask; i++)
		for (l = s->byaddr[i]; l != NULL; l = next) {
			next = l->addrnext;
			if (lease6_stale(l, now)) {
				lease6_unlink(s, l);
				n++;
			}
		}
	return n;
}

size_t
lease6_count(const struct leases *L)
{
	return L->v6 != NULL ? L->v6->n : 0;
}

void
lease6_foreach(const struct leases *L,
    void (*fn)(const struct lease6 *, void *), void *arg)
{
	struct lease6	*l;
	size_t		 i;

	if (L->v6 == NULL)
		return;
	for (i = 0; i <= L->v6->mask; i++)
		for (l = L->v6->byaddr[i]; l != NULL; l = l->addrnext)
			fn(l, arg);
}

static int
lease6_time(const char *s, int64_t *t)
{
	char		*end;
	long long	 v;

	if (strcmp(s, "never") == 0) {
		*t = LEASE_NEVER;
		return 0;
	}
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 0 || v == LLONG_MAX)
		return -1;
	*t = v;
	return 0;
}

/* An A6 line's fields after the address. */
static int
lease6_apply_bind(struct leases *L, const struct in6_addr *a, char **f)
{
	uint8_t		 duid[LEASE6_DUID_MAX], mac[6];
	size_t		 dlen, mlen;
	int64_t		 exp;
	char		*end;
	unsigned long	 iaid;

	if (lease6_time(f[0], &exp) == -1)
		return -1;
	iaid = strtoul(f[1], &end, 10);
	if (*f[1] == '\0' || *end != '\0' || iaid > UINT32_MAX)
		return -1;
	if ((dlen = lease_unhex(f[2], duid, sizeof(duid))) == SIZE_MAX ||
	    dlen == 0 || ((mlen = lease_unhex(f[3], mac, sizeof(mac))) != 0 &&
	    mlen != 6))
		return -1;
	lease6_bind(L, a, duid, dlen, (uint32_t)iaid, mlen == 6 ? mac : NULL,
	    LEASE_ACKED, exp, strcmp(f[4], "-") == 0 ? NULL : f[4]);
	return 0;
}

int
lease6_apply(struct leases *L, char *line)
{
	char		*f[8], *p, *save = NULL;
	size_t		 nf = 0;
	struct in6_addr	 a;
	struct lease6	*l;
	int64_t		 until;

	for (p = strtok_r(line, " ", &save); p != NULL && nf < 8;
	    p = strtok_r(NULL, " ", &save))
		f[nf++] = p;
	if (nf < 2 || strlen(f[0]) != 2 || inet_pton(AF_INET6, f[1], &a) != 1)
		return -1;
	switch (f[0][0]) {
	case 'A':
		return nf == 7 ? lease6_apply_bind(L, &a, f + 2) : -1;
	case 'R':
		if (nf != 2)
			return -1;
		if ((l = lease6_by_addr(L, &a)) != NULL) {
			l->state = LEASE_RELEASED;
			l->expires = 0;
		}
		return 0;
	case 'D':
		if (nf != 3 || lease6_time(f[2], &until) == -1)
			return -1;
		lease6_decline(L, &a, until);
		return 0;
	}
	return -1;
}

uint64_t
lease6_compact(const struct leases *L, FILE *fp, int64_t now)
{
	char		 line[2 * LEASE6_DUID_MAX + 200];
	struct lease6	*l;
	size_t		 i, n;
	uint64_t	 lines = 0;

	if (L->v6 == NULL)
		return 0;
	for (i = 0; i <= L->v6->mask; i++)
		for (l = L->v6->byaddr[i]; l != NULL; l = l->addrnext)
			if ((l->state == LEASE_ACKED ||
			    l->state == LEASE_DECLINED) && l->expires > now &&
			    (n = lease6_line(l, line, sizeof(line))) > 0) {
				fwrite(line, 1, n, fp);
				lines++;
			}
	return lines;
}

/* ---------- listing ---------- */

static const char *
lease6_state(const struct lease6 *l, int64_t now)
{
	if (!lease6_is_live(l, now))
		return l->state == LEASE_RELEASED ? "released" : "expired";
	return l->state == LEASE_OFFERED ? "offered" :
	    l->state == LEASE_DECLINED ? "declined" : "acked";
}

/* Address, MAC, expiry, DUID of l for the listings. */
static void
lease6_fields(const struct lease6 *l, char *a, char *mac, char *exp,
    size_t explen, char *duid)
{
	time_t		t = (time_t)l->expires;
	struct tm	tm;

	inet_ntop(AF_INET6, &l->addr, a, INET6_ADDRSTRLEN);
	strcpy(mac, "-");
	if (l->has_mac)
		dhcp_proto_mac_str(l->mac, 6, mac, 18);
	snprintf(exp, explen, "never");
	if (l->expires != LEASE_NEVER) {
		gmtime_r(&t, &tm);
		strftime(exp, explen, "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	strcpy(duid, "-");
	if (l->duidlen > 0)
		lease_hex(duid, l->duid, l->duidlen);
}

size_t
lease6_format(const struct lease6 *l, int64_t now, char *buf, size_t len)
{
	char	a[INET6_ADDRSTRLEN], mac[18], exp[32];
	char	duid[2 * LEASE6_DUID_MAX + 1];
	int	n;

	lease6_fields(l, a, mac, exp, sizeof(exp), duid);
	n = snprintf(buf, len, "%s %s %s %s %s %s %" PRIu32, a, mac, exp,
	    lease6_state(l, now), l->hostname != NULL ? l->hostname : "-",
	    duid, l->iaid);
	return n > 0 ? (size_t)n : 0;
}

void
lease6_dump(const struct leases *L, int64_t now, bool json, bool *first,
    FILE *out)
{
	char		 a[INET6_ADDRSTRLEN], mac[18], exp[32], line[512];
	char		 duid[2 * LEASE6_DUID_MAX + 1];
	struct lease6	*l;
	size_t		 i;

	for (i = 0; L->v6 != NULL && i <= L->v6->mask; i++)
		for (l = L->v6->byaddr[i]; l != NULL; l = l->addrnext) {
			if (!lease6_is_live(l, now))
				continue;
			if (!json) {
				lease6_format(l, now, line, sizeof(line));
				fprintf(out, "%s\n", line);
				continue;
			}
			lease6_fields(l, a, mac, exp, sizeof(exp), duid);
			if (l->expires == LEASE_NEVER)
				strcpy(exp, "null");
			else
				snprintf(exp, sizeof(exp), "%" PRId64,
				    l->expires);
			fprintf(out, "%s\n  {\"address\": \"%s\", \"mac\": "
			    "\"%s\", \"expires\": %s, \"state\": \"%s\", "
			    "\"hostname\": %s%s%s, \"duid\": \"%s\", "
			    "\"iaid\": %" PRIu32 "}", *first ? "" : ",", a,
			    l->has_mac ? mac : "", exp, lease6_state(l, now),
			    l->hostname != NULL ? "\"" : "", l->hostname !=
			    NULL ? l->hostname : "null", l->hostname != NULL ?
			    "\"" : "", duid, l->iaid);
			*first = false;
		}
}
