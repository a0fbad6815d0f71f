/*
 * test_lease.c: the lease store: what the allocator never hands out, how
 * it wraps, 10,000 bindings, the output of pxed --leases, client
 * identities and pools rebuilt on reload.  The journal is in
 * test_lease_journal.c.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dhcp_proto.h"
#include "lease.h"
#include "unit.h"
#include "unit_lease.h"

#define T0		UNIT_LEASE_T0

/* The store of tests/unit_lease.c. */
static struct leases *const L = &unit_lease.store;

/* ---------- the allocator ---------- */

static void
test_alloc_never(void)
{
	bool		seen[256];
	unsigned	n = 0, badaddr = 0, dup = 0;
	uint32_t	a, net = unit_hip("10.0.0.0");
	struct in_addr	s;
	uint8_t		id[7];

	unit_lease_new("  range \"all\" { start = 10.0.0.0 end = 10.0.0.255 "
	    "netmask = 255.255.255.0 }\n"
	    "  range \"p2p\" { start = 10.0.1.0 end = 10.0.1.3 "
	    "netmask = 255.255.255.252 }\n",
	    "host \"h\" { mac = \"02:00:00:00:00:01\" ip = 10.0.0.77 }\n");
	s.s_addr = inet_addr("10.0.0.1");
	lease_server_addr(L, s);
	s.s_addr = inet_addr("10.0.0.200");
	lease_server_addr(L, s);
	lease_server_addr(L, s);		/* once is enough */
	CU_ASSERT_EQUAL(L->nserver_addrs, 2);
	CU_ASSERT_EQUAL(L->npools, 2);
	CU_ASSERT_EQUAL(L->pools[0].net, unit_hip("10.0.0.0"));
	CU_ASSERT_EQUAL(L->pools[0].bcast, unit_hip("10.0.0.255"));
	CU_ASSERT_EQUAL(L->pools[1].bcast, unit_hip("10.0.1.3"));

	memset(seen, 0, sizeof(seen));
	while (n < 300 && (a = lease_alloc(L, 0, T0)) != 0) {
		if (a < net || a > net + 255)
			badaddr++;
		else if (seen[a - net])
			dup++;
		else
			seen[a - net] = true;
		if (a == net || a == unit_hip("10.0.0.255") ||
		    a == unit_hip("10.0.0.77") || a == unit_hip("10.0.0.1") ||
		    a == unit_hip("10.0.0.200"))
			badaddr++;
		unit_lease_bind(n, a, LEASE_ACKED, T0 + 3600);
		n++;
	}
	CU_ASSERT_EQUAL(n, 256 - 5);
	CU_ASSERT_EQUAL(badaddr, 0);
	CU_ASSERT_EQUAL(dup, 0);
	CU_ASSERT_EQUAL(lease_alloc(L, 0, T0), 0);
	CU_ASSERT_EQUAL(L->pools[0].nused, 251);
	CU_ASSERT_EQUAL(L->n, 251);

	/* Nor may a client have them when it asks. */
	unit_lease_id(id, 9999);
	CU_ASSERT_FALSE(lease_addr_free(L, unit_hip("10.0.0.0"), id, 7, false,
	    T0));
	CU_ASSERT_FALSE(lease_addr_free(L, unit_hip("10.0.0.255"), id, 7, false,
	    T0));
	CU_ASSERT_FALSE(lease_addr_free(L, unit_hip("10.0.0.255"), id, 7, true,
	    T0));
	CU_ASSERT_FALSE(lease_addr_free(L, unit_hip("10.0.0.77"), id, 7, false,
	    T0));
	CU_ASSERT_TRUE(lease_addr_free(L, unit_hip("10.0.0.77"), id, 7, true,
	    T0));
	CU_ASSERT_FALSE(lease_addr_free(L, unit_hip("10.0.0.1"), id, 7, true,
	    T0));
	CU_ASSERT_FALSE(lease_addr_free(L, unit_hip("10.0.0.200"), id, 7, false,
	    T0));
	CU_ASSERT_FALSE(lease_addr_free(L, 0, id, 7, false, T0));
	/* A bound address: free to its client only. */
	CU_ASSERT_FALSE(lease_addr_free(L, unit_hip("10.0.0.2"), id, 7, false,
	    T0));
	unit_lease_id(id, 0);
	CU_ASSERT_TRUE(lease_addr_free(L, unit_hip("10.0.0.2"), id, 7, false,
	    T0));
	CU_ASSERT_EQUAL(unit_lease_by_client(0)->addr, unit_hip("10.0.0.2"));

	/* A /30: two addresses. */
	CU_ASSERT_EQUAL(lease_alloc(L, 1, T0), unit_hip("10.0.1.1"));
	unit_lease_bind(1000, unit_hip("10.0.1.1"), LEASE_OFFERED, T0 + 60);
	CU_ASSERT_EQUAL(lease_alloc(L, 1, T0), unit_hip("10.0.1.2"));
	unit_lease_bind(1001, unit_hip("10.0.1.2"), LEASE_OFFERED, T0 + 60);
	CU_ASSERT_EQUAL(lease_alloc(L, 1, T0), 0);
	CU_ASSERT_EQUAL(lease_pool_of(L, unit_hip("10.0.1.3")), 1);
	CU_ASSERT_EQUAL(lease_pool_of(L, unit_hip("10.0.1.4")), -1);

	/* No such pool. */
	CU_ASSERT_EQUAL(lease_alloc(L, 2, T0), 0);
	CU_ASSERT_EQUAL(lease_alloc(L, -1, T0), 0);
	unit_lease_free();
}

static void
test_alloc_wrap(void)
{
	unsigned	i, n, dup = 0, netgiven = 0;
	uint32_t	a, start = unit_hip("10.1.0.0");
	static bool	seen[512];

	unit_lease_new("  range \"r\" { start = 10.0.0.10 end = 10.0.0.19 "
	    "netmask = 255.255.255.0 }\n"
	    "  range \"big\" { start = 10.1.0.0 end = 10.1.1.255 "
	    "netmask = 255.255.0.0 }\n", NULL);
	for (i = 0; i < 3; i++) {
		a = lease_alloc(L, 0, T0);
		CU_ASSERT_EQUAL(a, unit_hip("10.0.0.10") + i);
		unit_lease_bind(i, a, LEASE_ACKED, T0 + 3600);
	}
	lease_release(L, lease_by_addr(L, unit_hip("10.0.0.10")), T0);
	CU_ASSERT_EQUAL(L->pools[0].nused, 2);
	/* The cursor goes on: a freed address is not reused at once... */
	for (i = 3; i < 10; i++) {
		a = lease_alloc(L, 0, T0);
		CU_ASSERT_EQUAL(a, unit_hip("10.0.0.13") + i - 3);
		unit_lease_bind(i, a, LEASE_ACKED, T0 + 3600);
	}
	/* ...but found once the cursor wraps. */
	a = lease_alloc(L, 0, T0);
	CU_ASSERT_EQUAL(a, unit_hip("10.0.0.10"));
	unit_lease_bind(10, a, LEASE_ACKED, T0 + 3600);
	CU_ASSERT_EQUAL(lease_alloc(L, 0, T0), 0);
	CU_ASSERT_EQUAL(L->pools[0].nused, 10);
	lease_release(L, lease_by_addr(L, unit_hip("10.0.0.15")), T0);
	CU_ASSERT_EQUAL(lease_alloc(L, 0, T0), unit_hip("10.0.0.15"));
	unit_lease_bind(11, unit_hip("10.0.0.15"), LEASE_ACKED, T0 + 3600);
	CU_ASSERT_EQUAL(lease_alloc(L, 0, T0), 0);

	/* Expired bindings are reclaimed when the bitmap is full. */
	unit_lease_bind(6, unit_hip("10.0.0.16"), LEASE_ACKED, T0 + 60);
	CU_ASSERT_EQUAL(lease_alloc(L, 0, T0 + 59), 0);
	CU_ASSERT_EQUAL(lease_alloc(L, 0, T0 + 60), unit_hip("10.0.0.16"));
	CU_ASSERT_EQUAL(unit_lease_by_client(6)->state, LEASE_EXPIRED);
	unit_lease_bind(12, unit_hip("10.0.0.16"), LEASE_OFFERED, T0 + 120);
	CU_ASSERT_PTR_NULL(unit_lease_by_client(6));
	CU_ASSERT_EQUAL(lease_alloc(L, 0, T0 + 100), 0);
	CU_ASSERT_EQUAL(lease_expire(L, T0 + 120), 1);
	CU_ASSERT_EQUAL(lease_expire(L, T0 + 120), 0);
	CU_ASSERT_EQUAL(L->pools[0].nused, 9);
	CU_ASSERT_EQUAL(lease_alloc(L, 0, T0 + 120), unit_hip("10.0.0.16"));

	/* Several words: 512 addresses less the network's. */
	memset(seen, 0, sizeof(seen));
	for (n = 0; n < 600 && (a = lease_alloc(L, 1, T0)) != 0; n++) {
		if (a == start)
			netgiven++;
		if (a < start || a > start + 511 || seen[a - start])
			dup++;
		else
			seen[a - start] = true;
		unit_lease_bind(100 + n, a, LEASE_ACKED, T0 + 3600);
	}
	CU_ASSERT_EQUAL(n, 511);
	CU_ASSERT_EQUAL(dup, 0);
	CU_ASSERT_EQUAL(netgiven, 0);
	CU_ASSERT_EQUAL(L->pools[1].nused, 511);
	CU_ASSERT_EQUAL(lease_alloc(L, 1, T0), 0);
	lease_release(L, lease_by_addr(L, unit_hip("10.1.0.5")), T0);
	CU_ASSERT_EQUAL(lease_alloc(L, 1, T0), unit_hip("10.1.0.5"));
	unit_lease_bind(5000, unit_hip("10.1.0.5"), LEASE_ACKED, T0 + 3600);
	lease_release(L, lease_by_addr(L, unit_hip("10.1.1.200")), T0);
	CU_ASSERT_EQUAL(lease_alloc(L, 1, T0), unit_hip("10.1.1.200"));
	unit_lease_bind(5001, unit_hip("10.1.1.200"), LEASE_ACKED, T0 + 3600);
	/* From the cursor on, wrapping: 10.1.1.210 before 10.1.0.70. */
	lease_release(L, lease_by_addr(L, unit_hip("10.1.0.70")), T0);
	lease_release(L, lease_by_addr(L, unit_hip("10.1.1.210")), T0);
	CU_ASSERT_EQUAL(lease_alloc(L, 1, T0), unit_hip("10.1.1.210"));
	unit_lease_bind(5002, unit_hip("10.1.1.210"), LEASE_ACKED, T0 + 3600);
	CU_ASSERT_EQUAL(lease_alloc(L, 1, T0), unit_hip("10.1.0.70"));
	unit_lease_bind(5003, unit_hip("10.1.0.70"), LEASE_ACKED, T0 + 3600);
	CU_ASSERT_EQUAL(lease_alloc(L, 1, T0), 0);
	unit_lease_free();
}

static void
test_many(void)
{
	static uint32_t	addr[10000];
	unsigned	i, byid = 0, byaddr = 0, zero = 0, pools = 0;
	uint8_t		id[7];
	struct lease	*l;

	unit_lease_new("  range \"big\" { start = 10.2.0.1 end = 10.2.255.254 "
	    "netmask = 255.255.0.0 }\n", NULL);
	for (i = 0; i < 10000; i++) {
		if ((addr[i] = lease_alloc(L, 0, T0)) == 0)
			zero++;
		unit_lease_bind(i, addr[i], LEASE_ACKED, T0 + 3600 + i);
	}
	CU_ASSERT_EQUAL(zero, 0);
	CU_ASSERT_EQUAL(L->n, 10000);
	CU_ASSERT_EQUAL(L->pools[0].nused, 10000);
	/* The tables grew: at most two leases a bucket. */
	CU_ASSERT_TRUE(2 * (L->mask + 1) >= 10000);
	for (i = 0; i < 10000; i++) {
		unit_lease_id(id, i);
		l = lease_by_id(L, id, sizeof(id));
		if (l != NULL && l->addr == addr[i] &&
		    l->expires == T0 + 3600 + i)
			byid++;
		l = lease_by_addr(L, addr[i]);
		if (l != NULL && l->idlen == 7 &&
		    memcmp(lease_id(l), id, 7) == 0)
			byaddr++;
		if (lease_pool_of(L, addr[i]) == 0)
			pools++;
	}
	CU_ASSERT_EQUAL(byid, 10000);
	CU_ASSERT_EQUAL(byaddr, 10000);
	CU_ASSERT_EQUAL(pools, 10000);
	unit_lease_id(id, 10000);
	CU_ASSERT_PTR_NULL(lease_by_id(L, id, sizeof(id)));
	CU_ASSERT_PTR_NULL(lease_by_id(L, id, 6));
	CU_ASSERT_PTR_NULL(lease_by_addr(L, unit_hip("10.3.0.1")));
	CU_ASSERT_PTR_NULL(lease_by_addr(L, unit_hip("10.2.255.254")));

	/* Half of them move to other addresses. */
	for (i = 0; i < 10000; i += 2)
		unit_lease_bind(i, lease_alloc(L, 0, T0), LEASE_ACKED,
		    T0 + 7200);
	CU_ASSERT_EQUAL(L->n, 10000);
	CU_ASSERT_EQUAL(L->pools[0].nused, 10000);
	/* A moved binding's record was reused, not added (slab.c). */
	CU_ASSERT_EQUAL(L->mem.top, 10000);
	byid = byaddr = 0;
	for (i = 0; i < 10000; i++) {
		l = unit_lease_by_client(i);
		if (l != NULL && (i % 2 == 0) == (l->addr != addr[i]) &&
		    lease_by_addr(L, l->addr) == l)
			byid++;
		if ((lease_by_addr(L, addr[i]) == NULL) == (i % 2 == 0))
			byaddr++;
	}
	CU_ASSERT_EQUAL(byid, 10000);
	CU_ASSERT_EQUAL(byaddr, 10000);
	/* And they all expire. */
	CU_ASSERT_EQUAL(lease_expire(L, T0 + 20000), 10000);
	CU_ASSERT_EQUAL(L->pools[0].nused, 0);
	unit_lease_free();
}

/*
 * Identities longer than LEASE_ID_INLINE (a DUID, RFC 4361) live on the
 * heap, shorter ones in the lease: both found by id and by address across
 * the tables' growth, moved, replaced by another client, expired.
 */
static void
test_long_ids(void)
{
	uint8_t		 id[40];
	uint32_t	 base = unit_hip("10.4.0.1");
	unsigned	 i, found = 0, gone = 0;
	size_t		 len;
	struct lease	*l;

	/* 64 bytes a lease (lease.h): 50,000 of them 3.1 MB */
	CU_ASSERT_TRUE(sizeof(struct lease) <= 64);
	unit_lease_new("  range \"r\" { start = 10.4.0.1 end = 10.4.255.254 "
	    "netmask = 255.255.0.0 }\n", NULL);
	for (i = 0; i < 3000; i++) {
		len = i % 2 == 0 ? 7 : LEASE_ID_INLINE + 1 + i % 23;
		memset(id, (int)(i % 251), sizeof(id));
		memcpy(id, &i, sizeof(i));
		lease_bind(L, base + i, id, len, 1, id + 1, 6, LEASE_ACKED,
		    T0 + 3600, NULL);
	}
	CU_ASSERT_EQUAL(L->n, 3000);
	for (i = 0; i < 3000; i++) {
		len = i % 2 == 0 ? 7 : LEASE_ID_INLINE + 1 + i % 23;
		memset(id, (int)(i % 251), sizeof(id));
		memcpy(id, &i, sizeof(i));
		l = lease_by_id(L, id, len);
		if (l != NULL && l->addr == base + i &&
		    lease_by_addr(L, base + i) == l && l->idlen == len &&
		    memcmp(lease_id(l), id, len) == 0)
			found++;
		/* the same bytes one shorter are another client */
		if (lease_by_id(L, id, len - 1) == NULL)
			gone++;
	}
	CU_ASSERT_EQUAL(found, 3000);
	CU_ASSERT_EQUAL(gone, 3000);
	/* a long id moves to another address: one binding still */
	i = 1;
	memset(id, 1, sizeof(id));
	memcpy(id, &i, sizeof(i));
	len = LEASE_ID_INLINE + 1 + 1;
	lease_bind(L, base + 5000, id, len, 1, id + 1, 6, LEASE_ACKED,
	    T0 + 3600, NULL);
	CU_ASSERT_EQUAL(L->n, 3000);
	CU_ASSERT_PTR_NULL(lease_by_addr(L, base + 1));
	l = lease_by_id(L, id, len);
	CU_ASSERT_TRUE(l != NULL && l->addr == base + 5000);
	/* its new address bound to a short id: the long one is replaced */
	id[0] = 0xff;
	lease_bind(L, base + 5000, id, 7, 1, id + 1, 6, LEASE_ACKED,
	    T0 + 3600, NULL);
	CU_ASSERT_EQUAL(L->n, 3000);
	CU_ASSERT_EQUAL(L->mem.top, 3000);
	id[0] = 1;
	CU_ASSERT_PTR_NULL(lease_by_id(L, id, len));
	l = lease_by_addr(L, base + 5000);
	CU_ASSERT_TRUE(l != NULL && l->idlen == 7 && lease_id(l)[0] == 0xff);
	CU_ASSERT_EQUAL(lease_expire(L, T0 + 7200), 3000);
	unit_lease_free();
}

/* ---------- pxed --leases ---------- */

static char *
dump(const char *text, int64_t now, bool json)
{
	static char	res[4096];
	char		path[300], *buf = NULL;
	size_t		len = 0;
	FILE		*fp;
	int		rc;

	unit_tree_file("leases", text);
	snprintf(path, sizeof(path), "%s/leases", unit_lease.dir);
	if ((fp = open_memstream(&buf, &len)) == NULL)
		return NULL;
	rc = lease_dump(path, now, json, fp);
	fclose(fp);
	snprintf(res, sizeof(res), "%s", rc != 0 ? "(failed)" : buf != NULL ?
	    buf : "");
	free(buf);
	return res;
}

static void
test_dump(void)
{
	static const char	one[] =
		"# pxed leases 1\n"
		"A 10.0.0.5 1800003600 1 525400123456 01525400123456 node01\n"
		"A 10.0.0.6 1700000000 1 525400123457 01525400123457 -\n"
		"A 10.0.0.8 1800000000 1 525400123458 01525400123458 old\n"
		"R 10.0.0.8\n";
	static const char	never[] =
		"# pxed leases 1\n"
		"A 10.0.0.9 never 0 - 0a0b -\n";
	static const char	declined[] =
		"# pxed leases 1\n"
		"D 10.0.0.7 1800000600\n"
		"D 10.0.0.17 1700000000\n";
	char			*s;

	unit_lease_new("  range \"r\" { start = 10.0.0.1 end = 10.0.0.254 "
	    "netmask = 255.255.255.0 }\n", NULL);
	CU_ASSERT_STRING_EQUAL(dump(one, T0, false),
	    "10.0.0.5 52:54:00:12:34:56 2027-01-15T09:00:00Z acked node01\n");
	CU_ASSERT_STRING_EQUAL(dump(one, T0, true),
	    "[\n"
	    "  {\"address\": \"10.0.0.5\", \"mac\": \"52:54:00:12:34:56\", "
	    "\"expires\": 1800003600, \"state\": \"acked\", "
	    "\"hostname\": \"node01\"}\n"
	    "]\n");
	/* An hour later nothing holds. */
	CU_ASSERT_STRING_EQUAL(dump(one, T0 + 3600, false), "");
	CU_ASSERT_STRING_EQUAL(dump(one, T0 + 3600, true), "[]\n");

	CU_ASSERT_STRING_EQUAL(dump(never, T0, false),
	    "10.0.0.9 - never acked -\n");
	CU_ASSERT_STRING_EQUAL(dump(never, T0, true),
	    "[\n"
	    "  {\"address\": \"10.0.0.9\", \"mac\": \"\", \"expires\": null, "
	    "\"state\": \"acked\", \"hostname\": null}\n"
	    "]\n");
	CU_ASSERT_STRING_EQUAL(dump(declined, T0, false),
	    "10.0.0.7 - 2027-01-15T08:10:00Z declined -\n");
	CU_ASSERT_STRING_EQUAL(dump("# pxed leases 1\n", T0, true), "[]\n");

	/* Two: both there, comma-separated, in some order. */
	s = dump("# pxed leases 1\n"
	    "A 10.0.0.5 1800003600 1 525400123456 01525400123456 node01\n"
	    "A 10.0.0.9 never 0 - 0a0b -\n", T0, true);
	CU_ASSERT_EQUAL(strncmp(s, "[\n  {", 5), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"address\": \"10.0.0.5\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"address\": \"10.0.0.9\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "},\n  {"));
	CU_ASSERT_TRUE(strlen(s) > 4);
	CU_ASSERT_STRING_EQUAL(s + strlen(s) - 4, "}\n]\n");
	unit_lease_free();
}

/* ---------- small pieces ---------- */

static void
test_client_id(void)
{
	static const uint8_t	mac[16] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56,
				    7, 7, 7, 7, 7, 7, 7, 7, 7, 7 };
	static const uint8_t	o61[] = { 0, 'h', 'o', 's', 't' };
	uint8_t			id[300], big[300];

	CU_ASSERT_EQUAL(lease_client_id(NULL, 0, 1, mac, 6, id), 7);
	CU_ASSERT_EQUAL(id[0], 1);
	CU_ASSERT_EQUAL(memcmp(id + 1, mac, 6), 0);
	CU_ASSERT_EQUAL(lease_client_id(o61, sizeof(o61), 1, mac, 6, id), 5);
	CU_ASSERT_EQUAL(memcmp(id, o61, 5), 0);
	/* An empty option 61 does not count. */
	CU_ASSERT_EQUAL(lease_client_id(o61, 0, 6, mac, 6, id), 7);
	CU_ASSERT_EQUAL(id[0], 6);
	memset(big, 0xab, sizeof(big));
	CU_ASSERT_EQUAL(lease_client_id(big, sizeof(big), 1, mac, 6, id),
	    LEASE_ID_MAX);
	CU_ASSERT_EQUAL(lease_client_id(NULL, 0, 1, mac, 16, id), 17);
	CU_ASSERT_EQUAL(lease_client_id(NULL, 0, 1, mac, 0, id), 1);
}

static void
test_format(void)
{
	char		buf[256];
	struct lease	*l;
	uint8_t		id[7];

	unit_lease_new("  range \"r\" { start = 10.0.0.1 end = 10.0.0.254 "
	    "netmask = 255.255.255.0 }\n", NULL);
	unit_lease_id(id, 0x123456);
	l = unit_lease_bind(0x123456, unit_hip("10.0.0.42"), LEASE_OFFERED,
	    T0 + 60);
	CU_ASSERT_EQUAL(lease_format(l, T0, buf, sizeof(buf)), strlen(buf));
	CU_ASSERT_STRING_EQUAL(buf,
	    "10.0.0.42 52:54:00:12:34:56 2027-01-15T08:01:00Z offered -");
	CU_ASSERT_TRUE(lease_format(l, T0 + 60, buf, sizeof(buf)) > 0);
	CU_ASSERT_STRING_EQUAL(buf,
	    "10.0.0.42 52:54:00:12:34:56 2027-01-15T08:01:00Z expired -");
	l = lease_bind(L, unit_hip("10.0.0.42"), id, sizeof(id), 1, id + 1, 6,
	    LEASE_ACKED, LEASE_NEVER, "pc-1");
	lease_format(l, T0, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf,
	    "10.0.0.42 52:54:00:12:34:56 never acked pc-1");
	lease_release(L, l, T0);
	lease_format(l, T0, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf,
	    "10.0.0.42 52:54:00:12:34:56 2027-01-15T08:00:00Z released pc-1");
	unit_lease_free();
}

/* Rebuilding the pools (a reload) keeps the live bindings marked. */
static void
test_pools_rebuild(void)
{
	struct conf	*c2;

	unit_lease_new("  range \"r\" { start = 10.0.0.10 end = 10.0.0.19 "
	    "netmask = 255.255.255.0 }\n", NULL);
	unit_lease_bind(1, unit_hip("10.0.0.10"), LEASE_ACKED, T0 + 3600);
	unit_lease_bind(2, unit_hip("10.0.0.11"), LEASE_ACKED, T0 + 10);
	unit_lease_bind(3, unit_hip("10.0.0.15"), LEASE_OFFERED, T0 + 60);
	CU_ASSERT_EQUAL(L->pools[0].nused, 3);
	unit_tree_file("pxed.conf", "dhcp {\n mode = server\n"
	    "  range \"r\" { start = 10.0.0.11 end = 10.0.0.20 "
	    "netmask = 255.255.255.0 }\n}\n");
	unit_tree_file("conf.d/10.conf",
	    "host \"h\" { mac = \"02:00:00:00:00:01\" ip = 10.0.0.12 }\n");
	c2 = unit_tree_load();
	CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
	conf_free(unit_lease.conf);
	unit_lease.conf = c2;
	lease_pools(L, unit_lease.conf, T0 + 30);
	CU_ASSERT_EQUAL(L->pools[0].start, unit_hip("10.0.0.11"));
	CU_ASSERT_EQUAL(L->pools[0].nused, 1);		/* .15 */
	CU_ASSERT_EQUAL(lease_alloc(L, 0, T0 + 30), unit_hip("10.0.0.11"));
	unit_lease_bind(4, unit_hip("10.0.0.11"), LEASE_ACKED, T0 + 3600);
	CU_ASSERT_EQUAL(lease_alloc(L, 0, T0 + 30), unit_hip("10.0.0.13"));
	unit_lease_free();
}

void
test_lease_register(void)
{
	CU_pSuite	s = CU_add_suite("lease", NULL,
	    unit_lease_clean);

	CU_add_test(s, "never network, broadcast, static, server",
	    test_alloc_never);
	CU_add_test(s, "allocator wraps and finds freed addresses",
	    test_alloc_wrap);
	CU_add_test(s, "10000 bindings", test_many);
	CU_add_test(s, "identities longer than inline", test_long_ids);
	CU_add_test(s, "pxed --leases text and JSON", test_dump);
	CU_add_test(s, "client identity", test_client_id);
	CU_add_test(s, "lease_format", test_format);
	CU_add_test(s, "pools rebuilt on reload", test_pools_rebuild);
}
