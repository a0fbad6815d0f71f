/*
 * test_lease.c: the lease store: what the allocator never hands out, how
 * it wraps, 10,000 bindings, the journal's exact line format, compaction
 * and the output of pxed --leases.
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

#define T0		1800000000LL	/* 2027-01-15T08:00:00Z */

static struct conf	*lc;
static struct leases	 L;
static bool		 have_store;
static char		 dir[256];

static void
lfree(void)
{
	if (have_store)
		lease_fini(&L);
	have_store = false;
	conf_free(lc);
	lc = NULL;
	unit_tree_free();
}

/* A store with pools from the dhcp ranges (and hosts) given. */
static void
lstore(const char *ranges, const char *rules)
{
	char	text[2048];
	size_t	i;

	lfree();
	snprintf(dir, sizeof(dir), "%s", unit_tree_new());
	snprintf(text, sizeof(text), "dhcp {\n  mode = server\n%s}\n",
	    ranges);
	unit_tree_file("pxed.conf", text);
	unit_tree_file("conf.d/10.conf", rules != NULL ? rules : "");
	lc = unit_tree_load();
	for (i = 0; lc == NULL && i < unit_nerrors(); i++)
		fprintf(stderr, "\n  %s\n", unit_error(i));
	CU_ASSERT_PTR_NOT_NULL_FATAL(lc);
	lease_init(&L);
	have_store = true;
	lease_pools(&L, lc, T0);
}

static void
mkid(uint8_t id[7], unsigned n)
{
	id[0] = 1;
	id[1] = 0x52;
	id[2] = 0x54;
	id[3] = 0;
	id[4] = (uint8_t)(n >> 16);
	id[5] = (uint8_t)(n >> 8);
	id[6] = (uint8_t)n;
}

static struct lease *
lbind(unsigned n, uint32_t addr, enum lease_state st, int64_t exp)
{
	uint8_t	id[7];

	mkid(id, n);
	return lease_bind(&L, addr, id, sizeof(id), 1, id + 1, 6, st, exp,
	    NULL);
}

static struct lease *
by_client(unsigned n)
{
	uint8_t	id[7];

	mkid(id, n);
	return lease_by_id(&L, id, sizeof(id));
}

/* ---------- the allocator ---------- */

static void
test_alloc_never(void)
{
	bool		seen[256];
	unsigned	n = 0, badaddr = 0, dup = 0;
	uint32_t	a, net = unit_hip("10.0.0.0");
	struct in_addr	s;
	uint8_t		id[7];

	lstore("  range \"all\" { start = 10.0.0.0 end = 10.0.0.255 "
	    "netmask = 255.255.255.0 }\n"
	    "  range \"p2p\" { start = 10.0.1.0 end = 10.0.1.3 "
	    "netmask = 255.255.255.252 }\n",
	    "host \"h\" { mac = \"02:00:00:00:00:01\" ip = 10.0.0.77 }\n");
	s.s_addr = inet_addr("10.0.0.1");
	lease_server_addr(&L, s);
	s.s_addr = inet_addr("10.0.0.200");
	lease_server_addr(&L, s);
	lease_server_addr(&L, s);		/* once is enough */
	CU_ASSERT_EQUAL(L.nserver_addrs, 2);
	CU_ASSERT_EQUAL(L.npools, 2);
	CU_ASSERT_EQUAL(L.pools[0].net, unit_hip("10.0.0.0"));
	CU_ASSERT_EQUAL(L.pools[0].bcast, unit_hip("10.0.0.255"));
	CU_ASSERT_EQUAL(L.pools[1].bcast, unit_hip("10.0.1.3"));

	memset(seen, 0, sizeof(seen));
	while (n < 300 && (a = lease_alloc(&L, 0, T0)) != 0) {
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
		lbind(n, a, LEASE_ACKED, T0 + 3600);
		n++;
	}
	CU_ASSERT_EQUAL(n, 256 - 5);
	CU_ASSERT_EQUAL(badaddr, 0);
	CU_ASSERT_EQUAL(dup, 0);
	CU_ASSERT_EQUAL(lease_alloc(&L, 0, T0), 0);
	CU_ASSERT_EQUAL(L.pools[0].nused, 251);
	CU_ASSERT_EQUAL(L.n, 251);

	/* Nor may a client have them when it asks. */
	mkid(id, 9999);
	CU_ASSERT_FALSE(lease_addr_free(&L, unit_hip("10.0.0.0"), id, 7, false,
	    T0));
	CU_ASSERT_FALSE(lease_addr_free(&L, unit_hip("10.0.0.255"), id, 7, false,
	    T0));
	CU_ASSERT_FALSE(lease_addr_free(&L, unit_hip("10.0.0.255"), id, 7, true,
	    T0));
	CU_ASSERT_FALSE(lease_addr_free(&L, unit_hip("10.0.0.77"), id, 7, false,
	    T0));
	CU_ASSERT_TRUE(lease_addr_free(&L, unit_hip("10.0.0.77"), id, 7, true,
	    T0));
	CU_ASSERT_FALSE(lease_addr_free(&L, unit_hip("10.0.0.1"), id, 7, true,
	    T0));
	CU_ASSERT_FALSE(lease_addr_free(&L, unit_hip("10.0.0.200"), id, 7, false,
	    T0));
	CU_ASSERT_FALSE(lease_addr_free(&L, 0, id, 7, false, T0));
	/* A bound address: free to its client only. */
	CU_ASSERT_FALSE(lease_addr_free(&L, unit_hip("10.0.0.2"), id, 7, false,
	    T0));
	mkid(id, 0);
	CU_ASSERT_TRUE(lease_addr_free(&L, unit_hip("10.0.0.2"), id, 7, false,
	    T0));
	CU_ASSERT_EQUAL(by_client(0)->addr, unit_hip("10.0.0.2"));

	/* A /30: two addresses. */
	CU_ASSERT_EQUAL(lease_alloc(&L, 1, T0), unit_hip("10.0.1.1"));
	lbind(1000, unit_hip("10.0.1.1"), LEASE_OFFERED, T0 + 60);
	CU_ASSERT_EQUAL(lease_alloc(&L, 1, T0), unit_hip("10.0.1.2"));
	lbind(1001, unit_hip("10.0.1.2"), LEASE_OFFERED, T0 + 60);
	CU_ASSERT_EQUAL(lease_alloc(&L, 1, T0), 0);
	CU_ASSERT_EQUAL(lease_pool_of(&L, unit_hip("10.0.1.3")), 1);
	CU_ASSERT_EQUAL(lease_pool_of(&L, unit_hip("10.0.1.4")), -1);

	/* No such pool. */
	CU_ASSERT_EQUAL(lease_alloc(&L, 2, T0), 0);
	CU_ASSERT_EQUAL(lease_alloc(&L, -1, T0), 0);
	lfree();
}

static void
test_alloc_wrap(void)
{
	unsigned	i, n, dup = 0, netgiven = 0;
	uint32_t	a, start = unit_hip("10.1.0.0");
	static bool	seen[512];

	lstore("  range \"r\" { start = 10.0.0.10 end = 10.0.0.19 "
	    "netmask = 255.255.255.0 }\n"
	    "  range \"big\" { start = 10.1.0.0 end = 10.1.1.255 "
	    "netmask = 255.255.0.0 }\n", NULL);
	for (i = 0; i < 3; i++) {
		a = lease_alloc(&L, 0, T0);
		CU_ASSERT_EQUAL(a, unit_hip("10.0.0.10") + i);
		lbind(i, a, LEASE_ACKED, T0 + 3600);
	}
	lease_release(&L, lease_by_addr(&L, unit_hip("10.0.0.10")), T0);
	CU_ASSERT_EQUAL(L.pools[0].nused, 2);
	/* The cursor goes on: a freed address is not reused at once... */
	for (i = 3; i < 10; i++) {
		a = lease_alloc(&L, 0, T0);
		CU_ASSERT_EQUAL(a, unit_hip("10.0.0.13") + i - 3);
		lbind(i, a, LEASE_ACKED, T0 + 3600);
	}
	/* ...but found once the cursor wraps. */
	a = lease_alloc(&L, 0, T0);
	CU_ASSERT_EQUAL(a, unit_hip("10.0.0.10"));
	lbind(10, a, LEASE_ACKED, T0 + 3600);
	CU_ASSERT_EQUAL(lease_alloc(&L, 0, T0), 0);
	CU_ASSERT_EQUAL(L.pools[0].nused, 10);
	lease_release(&L, lease_by_addr(&L, unit_hip("10.0.0.15")), T0);
	CU_ASSERT_EQUAL(lease_alloc(&L, 0, T0), unit_hip("10.0.0.15"));
	lbind(11, unit_hip("10.0.0.15"), LEASE_ACKED, T0 + 3600);
	CU_ASSERT_EQUAL(lease_alloc(&L, 0, T0), 0);

	/* Expired bindings are reclaimed when the bitmap is full. */
	lbind(6, unit_hip("10.0.0.16"), LEASE_ACKED, T0 + 60);
	CU_ASSERT_EQUAL(lease_alloc(&L, 0, T0 + 59), 0);
	CU_ASSERT_EQUAL(lease_alloc(&L, 0, T0 + 60), unit_hip("10.0.0.16"));
	CU_ASSERT_EQUAL(by_client(6)->state, LEASE_EXPIRED);
	lbind(12, unit_hip("10.0.0.16"), LEASE_OFFERED, T0 + 120);
	CU_ASSERT_PTR_NULL(by_client(6));
	CU_ASSERT_EQUAL(lease_alloc(&L, 0, T0 + 100), 0);
	CU_ASSERT_EQUAL(lease_expire(&L, T0 + 120), 1);
	CU_ASSERT_EQUAL(lease_expire(&L, T0 + 120), 0);
	CU_ASSERT_EQUAL(L.pools[0].nused, 9);
	CU_ASSERT_EQUAL(lease_alloc(&L, 0, T0 + 120), unit_hip("10.0.0.16"));

	/* Several words: 512 addresses less the network's. */
	memset(seen, 0, sizeof(seen));
	for (n = 0; n < 600 && (a = lease_alloc(&L, 1, T0)) != 0; n++) {
		if (a == start)
			netgiven++;
		if (a < start || a > start + 511 || seen[a - start])
			dup++;
		else
			seen[a - start] = true;
		lbind(100 + n, a, LEASE_ACKED, T0 + 3600);
	}
	CU_ASSERT_EQUAL(n, 511);
	CU_ASSERT_EQUAL(dup, 0);
	CU_ASSERT_EQUAL(netgiven, 0);
	CU_ASSERT_EQUAL(L.pools[1].nused, 511);
	CU_ASSERT_EQUAL(lease_alloc(&L, 1, T0), 0);
	lease_release(&L, lease_by_addr(&L, unit_hip("10.1.0.5")), T0);
	CU_ASSERT_EQUAL(lease_alloc(&L, 1, T0), unit_hip("10.1.0.5"));
	lbind(5000, unit_hip("10.1.0.5"), LEASE_ACKED, T0 + 3600);
	lease_release(&L, lease_by_addr(&L, unit_hip("10.1.1.200")), T0);
	CU_ASSERT_EQUAL(lease_alloc(&L, 1, T0), unit_hip("10.1.1.200"));
	lbind(5001, unit_hip("10.1.1.200"), LEASE_ACKED, T0 + 3600);
	/* From the cursor on, wrapping: 10.1.1.210 before 10.1.0.70. */
	lease_release(&L, lease_by_addr(&L, unit_hip("10.1.0.70")), T0);
	lease_release(&L, lease_by_addr(&L, unit_hip("10.1.1.210")), T0);
	CU_ASSERT_EQUAL(lease_alloc(&L, 1, T0), unit_hip("10.1.1.210"));
	lbind(5002, unit_hip("10.1.1.210"), LEASE_ACKED, T0 + 3600);
	CU_ASSERT_EQUAL(lease_alloc(&L, 1, T0), unit_hip("10.1.0.70"));
	lbind(5003, unit_hip("10.1.0.70"), LEASE_ACKED, T0 + 3600);
	CU_ASSERT_EQUAL(lease_alloc(&L, 1, T0), 0);
	lfree();
}

static void
test_many(void)
{
	static uint32_t	addr[10000];
	unsigned	i, byid = 0, byaddr = 0, zero = 0, pools = 0;
	uint8_t		id[7];
	struct lease	*l;

	lstore("  range \"big\" { start = 10.2.0.1 end = 10.2.255.254 "
	    "netmask = 255.255.0.0 }\n", NULL);
	for (i = 0; i < 10000; i++) {
		if ((addr[i] = lease_alloc(&L, 0, T0)) == 0)
			zero++;
		lbind(i, addr[i], LEASE_ACKED, T0 + 3600 + i);
	}
	CU_ASSERT_EQUAL(zero, 0);
	CU_ASSERT_EQUAL(L.n, 10000);
	CU_ASSERT_EQUAL(L.pools[0].nused, 10000);
	CU_ASSERT_TRUE(L.mask + 1 >= 10000);
	for (i = 0; i < 10000; i++) {
		mkid(id, i);
		l = lease_by_id(&L, id, sizeof(id));
		if (l != NULL && l->addr == addr[i] &&
		    l->expires == T0 + 3600 + i)
			byid++;
		l = lease_by_addr(&L, addr[i]);
		if (l != NULL && l->idlen == 7 &&
		    memcmp(l->id, id, 7) == 0)
			byaddr++;
		if (lease_pool_of(&L, addr[i]) == 0)
			pools++;
	}
	CU_ASSERT_EQUAL(byid, 10000);
	CU_ASSERT_EQUAL(byaddr, 10000);
	CU_ASSERT_EQUAL(pools, 10000);
	mkid(id, 10000);
	CU_ASSERT_PTR_NULL(lease_by_id(&L, id, sizeof(id)));
	CU_ASSERT_PTR_NULL(lease_by_id(&L, id, 6));
	CU_ASSERT_PTR_NULL(lease_by_addr(&L, unit_hip("10.3.0.1")));
	CU_ASSERT_PTR_NULL(lease_by_addr(&L, unit_hip("10.2.255.254")));

	/* Half of them move to other addresses. */
	for (i = 0; i < 10000; i += 2)
		lbind(i, lease_alloc(&L, 0, T0), LEASE_ACKED, T0 + 7200);
	CU_ASSERT_EQUAL(L.n, 10000);
	CU_ASSERT_EQUAL(L.pools[0].nused, 10000);
	byid = byaddr = 0;
	for (i = 0; i < 10000; i++) {
		l = by_client(i);
		if (l != NULL && (i % 2 == 0) == (l->addr != addr[i]) &&
		    lease_by_addr(&L, l->addr) == l)
			byid++;
		if ((lease_by_addr(&L, addr[i]) == NULL) == (i % 2 == 0))
			byaddr++;
	}
	CU_ASSERT_EQUAL(byid, 10000);
	CU_ASSERT_EQUAL(byaddr, 10000);
	/* And they all expire. */
	CU_ASSERT_EQUAL(lease_expire(&L, T0 + 20000), 10000);
	CU_ASSERT_EQUAL(L.pools[0].nused, 0);
	lfree();
}

/* ---------- the journal ---------- */

static void
test_journal_format(void)
{
	static const uint8_t	id1[] = { 1, 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
	static const uint8_t	id2[] = { 1, 0x52, 0x54, 0, 0x12, 0x34, 0x57 };
	static const uint8_t	id4[] = { 0x0a, 0x0b };
	uint8_t			idlong[30], ch3[6] = { 0x52, 0x54, 0, 0x12,
				    0x34, 0x58 };
	char			path[300], text[4096];
	struct lease		*l;
	size_t			i;

	lstore("  range \"r\" { start = 10.0.0.1 end = 10.0.0.254 "
	    "netmask = 255.255.255.0 }\n", NULL);
	snprintf(path, sizeof(path), "%s/leases", dir);
	CU_ASSERT_EQUAL_FATAL(lease_open(&L, path, T0), 0);
	unit_slurp(path, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "# pxed leases 1\n");
	CU_ASSERT_FALSE(lease_pending(&L));

	l = lease_bind(&L, unit_hip("10.0.0.5"), id1, sizeof(id1), 1, id1 + 1, 6,
	    LEASE_ACKED, T0 + 3600, "node 01!");
	CU_ASSERT_STRING_EQUAL(l->hostname, "node01");
	CU_ASSERT_TRUE(lease_pending(&L));
	/* Offers are not journaled. */
	lbind(77, unit_hip("10.0.0.9"), LEASE_OFFERED, T0 + 60);
	CU_ASSERT_EQUAL(L.unsynced, 1);
	lease_bind(&L, unit_hip("10.0.0.6"), id2, sizeof(id2), 1, id2 + 1, 6,
	    LEASE_ACKED, LEASE_NEVER, NULL);
	idlong[0] = 0xff;
	for (i = 1; i < sizeof(idlong); i++)
		idlong[i] = (uint8_t)(i - 1);
	lease_bind(&L, unit_hip("10.0.0.10"), idlong, sizeof(idlong), 1, ch3, 6,
	    LEASE_ACKED, T0 + 3600, NULL);
	lease_release(&L, l, T0 + 10);
	lease_decline(&L, unit_hip("10.0.0.7"), T0 + 600);
	lease_bind(&L, unit_hip("10.0.0.8"), id4, sizeof(id4), 0, NULL, 0,
	    LEASE_ACKED, T0 + 3600, "");
	CU_ASSERT_EQUAL(L.unsynced, 6);
	/* Nothing reaches the file before lease_sync(). */
	unit_slurp(path, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "# pxed leases 1\n");
	CU_ASSERT_EQUAL(lease_sync(&L), 0);
	CU_ASSERT_FALSE(lease_pending(&L));
	CU_ASSERT_EQUAL(L.st.syncs, 1);
	CU_ASSERT_EQUAL(L.st.journal_lines, 6);
	CU_ASSERT_EQUAL(L.st.sync_errors, 0);
	unit_slurp(path, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text,
	    "# pxed leases 1\n"
	    "A 10.0.0.5 1800003600 1 525400123456 01525400123456 node01\n"
	    "A 10.0.0.6 never 1 525400123457 01525400123457 -\n"
	    "A 10.0.0.10 1800003600 1 525400123458 "
	    "ff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c -\n"
	    "R 10.0.0.5\n"
	    "D 10.0.0.7 1800000600\n"
	    "A 10.0.0.8 1800003600 0 - 0a0b -\n");
	/* An empty sync is no sync. */
	CU_ASSERT_EQUAL(lease_sync(&L), 0);
	CU_ASSERT_EQUAL(L.st.syncs, 1);

	/* Read back. */
	lease_fini(&L);
	lease_init(&L);
	lease_pools(&L, lc, T0 + 20);
	CU_ASSERT_EQUAL_FATAL(lease_open(&L, path, T0 + 20), 0);
	CU_ASSERT_EQUAL(L.st.load_skipped, 0);
	l = lease_by_addr(&L, unit_hip("10.0.0.5"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(l->state, LEASE_RELEASED);
	CU_ASSERT_STRING_EQUAL(l->hostname, "node01");
	l = lease_by_id(&L, id2, sizeof(id2));
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(l->addr, unit_hip("10.0.0.6"));
	CU_ASSERT_EQUAL(l->expires, LEASE_NEVER);
	CU_ASSERT_EQUAL(l->htype, 1);
	CU_ASSERT_EQUAL(l->hlen, 6);
	CU_ASSERT_EQUAL(memcmp(l->chaddr, id2 + 1, 6), 0);
	CU_ASSERT_PTR_NULL(l->hostname);
	l = lease_by_id(&L, idlong, sizeof(idlong));
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(l->addr, unit_hip("10.0.0.10"));
	CU_ASSERT_EQUAL(memcmp(l->chaddr, ch3, 6), 0);
	l = lease_by_addr(&L, unit_hip("10.0.0.7"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(l->state, LEASE_DECLINED);
	CU_ASSERT_EQUAL(l->expires, T0 + 600);
	l = lease_by_id(&L, id4, sizeof(id4));
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(l->addr, unit_hip("10.0.0.8"));
	CU_ASSERT_EQUAL(l->hlen, 0);
	CU_ASSERT_EQUAL(l->htype, 0);
	CU_ASSERT_PTR_NULL(lease_by_addr(&L, unit_hip("10.0.0.9")));
	CU_ASSERT_EQUAL(L.pools[0].nused, 4);
	unit_sorted_lines(path, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text,
	    "# pxed leases 1\n"
	    "A 10.0.0.10 1800003600 1 525400123458 "
	    "ff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c -\n"
	    "A 10.0.0.6 never 1 525400123457 01525400123457 -\n"
	    "A 10.0.0.8 1800003600 0 - 0a0b -\n"
	    "D 10.0.0.7 1800000600\n");
	lfree();
}

static void
test_want_compact(void)
{
	char		path[300], text[1024];
	unsigned	i;

	lstore("  range \"r\" { start = 10.0.0.1 end = 10.0.0.254 "
	    "netmask = 255.255.255.0 }\n", NULL);
	snprintf(path, sizeof(path), "%s/leases", dir);
	CU_ASSERT_EQUAL_FATAL(lease_open(&L, path, T0), 0);
	CU_ASSERT_FALSE(lease_want_compact(&L));
	for (i = 0; i <= 10000; i++)
		lbind(1, unit_hip("10.0.0.5"), LEASE_ACKED, T0 + i);
	CU_ASSERT_EQUAL(L.n, 1);
	CU_ASSERT_EQUAL(lease_sync(&L), 0);
	CU_ASSERT_EQUAL(L.st.journal_lines, 10001);
	CU_ASSERT_TRUE(lease_want_compact(&L));
	CU_ASSERT_EQUAL(lease_compact(&L, T0), 0);
	CU_ASSERT_FALSE(lease_want_compact(&L));
	CU_ASSERT_EQUAL(L.st.journal_lines, 1);
	unit_slurp(path, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "# pxed leases 1\n"
	    "A 10.0.0.5 1800010000 1 525400000001 01525400000001 -\n");
	/* In memory only: no journal, nothing pending, nothing to do. */
	lease_fini(&L);
	lease_init(&L);
	lease_pools(&L, lc, T0);
	lbind(1, unit_hip("10.0.0.5"), LEASE_ACKED, T0 + 3600);
	CU_ASSERT_FALSE(lease_pending(&L));
	CU_ASSERT_EQUAL(lease_sync(&L), 0);
	CU_ASSERT_EQUAL(lease_compact(&L, T0), 0);
	CU_ASSERT_FALSE(lease_want_compact(&L));
	lfree();
}

/*
 * A compaction that fails keeps what was queued: those ACKs may only
 * leave once lease_sync() has written them.
 */
static void
test_compact_fails(void)
{
	char	path[300], tmp[310], text[1024];

	lstore("  range \"r\" { start = 10.0.0.1 end = 10.0.0.254 "
	    "netmask = 255.255.255.0 }\n", NULL);
	snprintf(path, sizeof(path), "%s/leases", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	CU_ASSERT_EQUAL_FATAL(lease_open(&L, path, T0), 0);
	lbind(1, unit_hip("10.0.0.5"), LEASE_ACKED, T0 + 3600);
	CU_ASSERT_TRUE(lease_pending(&L));
	CU_ASSERT_EQUAL_FATAL(mkdir(tmp, 0700), 0);	/* in the way */
	CU_ASSERT_EQUAL(lease_compact(&L, T0), -1);
	CU_ASSERT_TRUE(lease_pending(&L));
	CU_ASSERT_EQUAL(L.st.compactions, 1);
	rmdir(tmp);
	CU_ASSERT_EQUAL(lease_sync(&L), 0);
	unit_slurp(path, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "# pxed leases 1\n"
	    "A 10.0.0.5 1800003600 1 525400000001 01525400000001 -\n");
	/* A compaction that works makes the queue durable itself. */
	lbind(2, unit_hip("10.0.0.6"), LEASE_ACKED, T0 + 3600);
	CU_ASSERT_EQUAL(lease_compact(&L, T0), 0);
	CU_ASSERT_FALSE(lease_pending(&L));
	CU_ASSERT_EQUAL(L.st.journal_lines, 2);
	lfree();
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
	snprintf(path, sizeof(path), "%s/leases", dir);
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

	lstore("  range \"r\" { start = 10.0.0.1 end = 10.0.0.254 "
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
	lfree();
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

	lstore("  range \"r\" { start = 10.0.0.1 end = 10.0.0.254 "
	    "netmask = 255.255.255.0 }\n", NULL);
	mkid(id, 0x123456);
	l = lbind(0x123456, unit_hip("10.0.0.42"), LEASE_OFFERED, T0 + 60);
	CU_ASSERT_EQUAL(lease_format(l, T0, buf, sizeof(buf)), strlen(buf));
	CU_ASSERT_STRING_EQUAL(buf,
	    "10.0.0.42 52:54:00:12:34:56 2027-01-15T08:01:00Z offered -");
	CU_ASSERT_TRUE(lease_format(l, T0 + 60, buf, sizeof(buf)) > 0);
	CU_ASSERT_STRING_EQUAL(buf,
	    "10.0.0.42 52:54:00:12:34:56 2027-01-15T08:01:00Z expired -");
	l = lease_bind(&L, unit_hip("10.0.0.42"), id, sizeof(id), 1, id + 1, 6,
	    LEASE_ACKED, LEASE_NEVER, "pc-1");
	lease_format(l, T0, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf,
	    "10.0.0.42 52:54:00:12:34:56 never acked pc-1");
	lease_release(&L, l, T0);
	lease_format(l, T0, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf,
	    "10.0.0.42 52:54:00:12:34:56 2027-01-15T08:00:00Z released pc-1");
	lfree();
}

/* Rebuilding the pools (a reload) keeps the live bindings marked. */
static void
test_pools_rebuild(void)
{
	struct conf	*c2;

	lstore("  range \"r\" { start = 10.0.0.10 end = 10.0.0.19 "
	    "netmask = 255.255.255.0 }\n", NULL);
	lbind(1, unit_hip("10.0.0.10"), LEASE_ACKED, T0 + 3600);
	lbind(2, unit_hip("10.0.0.11"), LEASE_ACKED, T0 + 10);
	lbind(3, unit_hip("10.0.0.15"), LEASE_OFFERED, T0 + 60);
	CU_ASSERT_EQUAL(L.pools[0].nused, 3);
	unit_tree_file("pxed.conf", "dhcp {\n mode = server\n"
	    "  range \"r\" { start = 10.0.0.11 end = 10.0.0.20 "
	    "netmask = 255.255.255.0 }\n}\n");
	unit_tree_file("conf.d/10.conf",
	    "host \"h\" { mac = \"02:00:00:00:00:01\" ip = 10.0.0.12 }\n");
	c2 = unit_tree_load();
	CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
	conf_free(lc);
	lc = c2;
	lease_pools(&L, lc, T0 + 30);
	CU_ASSERT_EQUAL(L.pools[0].start, unit_hip("10.0.0.11"));
	CU_ASSERT_EQUAL(L.pools[0].nused, 1);		/* .15 */
	CU_ASSERT_EQUAL(lease_alloc(&L, 0, T0 + 30), unit_hip("10.0.0.11"));
	lbind(4, unit_hip("10.0.0.11"), LEASE_ACKED, T0 + 3600);
	CU_ASSERT_EQUAL(lease_alloc(&L, 0, T0 + 30), unit_hip("10.0.0.13"));
	lfree();
}

static int
suite_clean(void)
{
	lfree();
	return 0;
}

void
test_lease_register(void)
{
	CU_pSuite	s = CU_add_suite("lease", NULL, suite_clean);

	CU_add_test(s, "never network, broadcast, static, server",
	    test_alloc_never);
	CU_add_test(s, "allocator wraps and finds freed addresses",
	    test_alloc_wrap);
	CU_add_test(s, "10000 bindings", test_many);
	CU_add_test(s, "journal line format", test_journal_format);
	CU_add_test(s, "compaction when the journal grows",
	    test_want_compact);
	CU_add_test(s, "a failed compaction loses nothing",
	    test_compact_fails);
	CU_add_test(s, "pxed --leases text and JSON", test_dump);
	CU_add_test(s, "client identity", test_client_id);
	CU_add_test(s, "lease_format", test_format);
	CU_add_test(s, "pools rebuilt on reload", test_pools_rebuild);
}
