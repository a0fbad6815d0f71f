/*
 * test_lease_journal.c: the lease journal: its exact line format, read
 * back; compaction when it grows; a failed compaction loses nothing.
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

	unit_lease_new("  range \"r\" { start = 10.0.0.1 end = 10.0.0.254 "
	    "netmask = 255.255.255.0 }\n", NULL);
	snprintf(path, sizeof(path), "%s/leases", unit_lease.dir);
	CU_ASSERT_EQUAL_FATAL(lease_open(L, path, T0), 0);
	unit_slurp(path, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "# pxed leases 1\n");
	CU_ASSERT_FALSE(lease_pending(L));

	l = lease_bind(L, unit_hip("10.0.0.5"), id1, sizeof(id1), 1, id1 + 1, 6,
	    LEASE_ACKED, T0 + 3600, "node 01!");
	CU_ASSERT_STRING_EQUAL(l->hostname, "node01");
	CU_ASSERT_TRUE(lease_pending(L));
	/* Offers are not journaled. */
	unit_lease_bind(77, unit_hip("10.0.0.9"), LEASE_OFFERED, T0 + 60);
	CU_ASSERT_EQUAL(L->unsynced, 1);
	lease_bind(L, unit_hip("10.0.0.6"), id2, sizeof(id2), 1, id2 + 1, 6,
	    LEASE_ACKED, LEASE_NEVER, NULL);
	idlong[0] = 0xff;
	for (i = 1; i < sizeof(idlong); i++)
		idlong[i] = (uint8_t)(i - 1);
	lease_bind(L, unit_hip("10.0.0.10"), idlong, sizeof(idlong), 1, ch3, 6,
	    LEASE_ACKED, T0 + 3600, NULL);
	lease_release(L, l, T0 + 10);
	lease_decline(L, unit_hip("10.0.0.7"), T0 + 600);
	lease_bind(L, unit_hip("10.0.0.8"), id4, sizeof(id4), 0, NULL, 0,
	    LEASE_ACKED, T0 + 3600, "");
	CU_ASSERT_EQUAL(L->unsynced, 6);
	/* Nothing reaches the file before lease_sync(). */
	unit_slurp(path, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "# pxed leases 1\n");
	CU_ASSERT_EQUAL(lease_sync(L), 0);
	CU_ASSERT_FALSE(lease_pending(L));
	CU_ASSERT_EQUAL(L->st.syncs, 1);
	CU_ASSERT_EQUAL(L->st.journal_lines, 6);
	CU_ASSERT_EQUAL(L->st.sync_errors, 0);
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
	CU_ASSERT_EQUAL(lease_sync(L), 0);
	CU_ASSERT_EQUAL(L->st.syncs, 1);

	/* Read back. */
	lease_fini(L);
	lease_init(L);
	lease_pools(L, unit_lease.conf, T0 + 20);
	CU_ASSERT_EQUAL_FATAL(lease_open(L, path, T0 + 20), 0);
	CU_ASSERT_EQUAL(L->st.load_skipped, 0);
	l = lease_by_addr(L, unit_hip("10.0.0.5"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(l->state, LEASE_RELEASED);
	CU_ASSERT_STRING_EQUAL(l->hostname, "node01");
	l = lease_by_id(L, id2, sizeof(id2));
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(l->addr, unit_hip("10.0.0.6"));
	CU_ASSERT_EQUAL(l->expires, LEASE_NEVER);
	CU_ASSERT_EQUAL(l->htype, 1);
	CU_ASSERT_EQUAL(l->hlen, 6);
	CU_ASSERT_EQUAL(memcmp(l->chaddr, id2 + 1, 6), 0);
	CU_ASSERT_PTR_NULL(l->hostname);
	l = lease_by_id(L, idlong, sizeof(idlong));
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(l->addr, unit_hip("10.0.0.10"));
	CU_ASSERT_EQUAL(memcmp(l->chaddr, ch3, 6), 0);
	l = lease_by_addr(L, unit_hip("10.0.0.7"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(l->state, LEASE_DECLINED);
	CU_ASSERT_EQUAL(l->expires, T0 + 600);
	l = lease_by_id(L, id4, sizeof(id4));
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(l->addr, unit_hip("10.0.0.8"));
	CU_ASSERT_EQUAL(l->hlen, 0);
	CU_ASSERT_EQUAL(l->htype, 0);
	CU_ASSERT_PTR_NULL(lease_by_addr(L, unit_hip("10.0.0.9")));
	CU_ASSERT_EQUAL(L->pools[0].nused, 4);
	unit_sorted_lines(path, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text,
	    "# pxed leases 1\n"
	    "A 10.0.0.10 1800003600 1 525400123458 "
	    "ff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c -\n"
	    "A 10.0.0.6 never 1 525400123457 01525400123457 -\n"
	    "A 10.0.0.8 1800003600 0 - 0a0b -\n"
	    "D 10.0.0.7 1800000600\n");
	unit_lease_free();
}

static void
test_want_compact(void)
{
	char		path[300], text[1024];
	unsigned	i;

	unit_lease_new("  range \"r\" { start = 10.0.0.1 end = 10.0.0.254 "
	    "netmask = 255.255.255.0 }\n", NULL);
	snprintf(path, sizeof(path), "%s/leases", unit_lease.dir);
	CU_ASSERT_EQUAL_FATAL(lease_open(L, path, T0), 0);
	CU_ASSERT_FALSE(lease_want_compact(L));
	for (i = 0; i <= 10000; i++)
		unit_lease_bind(1, unit_hip("10.0.0.5"), LEASE_ACKED, T0 + i);
	CU_ASSERT_EQUAL(L->n, 1);
	CU_ASSERT_EQUAL(lease_sync(L), 0);
	CU_ASSERT_EQUAL(L->st.journal_lines, 10001);
	CU_ASSERT_TRUE(lease_want_compact(L));
	CU_ASSERT_EQUAL(lease_compact(L, T0), 0);
	CU_ASSERT_FALSE(lease_want_compact(L));
	CU_ASSERT_EQUAL(L->st.journal_lines, 1);
	unit_slurp(path, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "# pxed leases 1\n"
	    "A 10.0.0.5 1800010000 1 525400000001 01525400000001 -\n");
	/* In memory only: no journal, nothing pending, nothing to do. */
	lease_fini(L);
	lease_init(L);
	lease_pools(L, unit_lease.conf, T0);
	unit_lease_bind(1, unit_hip("10.0.0.5"), LEASE_ACKED, T0 + 3600);
	CU_ASSERT_FALSE(lease_pending(L));
	CU_ASSERT_EQUAL(lease_sync(L), 0);
	CU_ASSERT_EQUAL(lease_compact(L, T0), 0);
	CU_ASSERT_FALSE(lease_want_compact(L));
	unit_lease_free();
}

/*
 * A compaction that fails keeps what was queued: those ACKs may only
 * leave once lease_sync() has written them.
 */
static void
test_compact_fails(void)
{
	char	path[300], tmp[310], text[1024];

	unit_lease_new("  range \"r\" { start = 10.0.0.1 end = 10.0.0.254 "
	    "netmask = 255.255.255.0 }\n", NULL);
	snprintf(path, sizeof(path), "%s/leases", unit_lease.dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	CU_ASSERT_EQUAL_FATAL(lease_open(L, path, T0), 0);
	unit_lease_bind(1, unit_hip("10.0.0.5"), LEASE_ACKED, T0 + 3600);
	CU_ASSERT_TRUE(lease_pending(L));
	CU_ASSERT_EQUAL_FATAL(mkdir(tmp, 0700), 0);	/* in the way */
	CU_ASSERT_EQUAL(lease_compact(L, T0), -1);
	CU_ASSERT_TRUE(lease_pending(L));
	CU_ASSERT_EQUAL(L->st.compactions, 1);
	rmdir(tmp);
	CU_ASSERT_EQUAL(lease_sync(L), 0);
	unit_slurp(path, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "# pxed leases 1\n"
	    "A 10.0.0.5 1800003600 1 525400000001 01525400000001 -\n");
	/* A compaction that works makes the queue durable itself. */
	unit_lease_bind(2, unit_hip("10.0.0.6"), LEASE_ACKED, T0 + 3600);
	CU_ASSERT_EQUAL(lease_compact(L, T0), 0);
	CU_ASSERT_FALSE(lease_pending(L));
	CU_ASSERT_EQUAL(L->st.journal_lines, 2);
	unit_lease_free();
}

void
test_lease_journal_register(void)
{
	CU_pSuite	s = CU_add_suite("lease-journal", NULL,
	    unit_lease_clean);

	CU_add_test(s, "journal line format", test_journal_format);
	CU_add_test(s, "compaction when the journal grows",
	    test_want_compact);
	CU_add_test(s, "a failed compaction loses nothing",
	    test_compact_fails);
}
