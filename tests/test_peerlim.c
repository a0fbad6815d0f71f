/*
 * test_peerlim.c: the per-address limiter behind TFTP's
 * max-transfers-per-client and max-requests-per-second and HTTP's
 * max-connections-per-client: counts, the token bucket on an injected
 * clock, the bounded table and what it forgets first.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>

#include "peerlim.h"
#include "unit.h"

static struct netaddr
addr(const char *s)
{
	struct netaddr	a;

	CU_ASSERT_EQUAL_FATAL(netaddr_pton(s, &a), 0);
	return a;
}

/* The n-th address of 10.0.0.0/8. */
static struct netaddr
addr_n(unsigned n)
{
	struct in_addr	in;

	in.s_addr = htonl(0x0a000000u | n);
	return netaddr_v4(in);
}

static void
test_active(void)
{
	struct peerlim		*pl = peerlim_new(64, 1);
	struct peerlim_limits	 lim = { 3, 0, 1 };
	struct netaddr		 a = addr("192.0.2.1"), b = addr("192.0.2.2");
	int			 i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(pl);
	for (i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(peerlim_admit(pl, &a, &lim, 0), PEERLIM_OK);
		CU_ASSERT_TRUE(peerlim_hold(pl, &a, 0));
	}
	CU_ASSERT_EQUAL(peerlim_active(pl, &a), 3);
	/* The fourth at once is refused; another address is not. */
	CU_ASSERT_EQUAL(peerlim_admit(pl, &a, &lim, 0), PEERLIM_ACTIVE);
	CU_ASSERT_EQUAL(peerlim_admit(pl, &b, &lim, 0), PEERLIM_OK);
	/* One ends: room for one more. */
	peerlim_release(pl, &a);
	CU_ASSERT_EQUAL(peerlim_admit(pl, &a, &lim, 0), PEERLIM_OK);
	/* Releasing more than was held never goes below zero. */
	for (i = 0; i < 5; i++)
		peerlim_release(pl, &a);
	CU_ASSERT_EQUAL(peerlim_active(pl, &a), 0);
	/* 0 is no limit. */
	lim.max_active = 0;
	for (i = 0; i < 100; i++)
		CU_ASSERT_TRUE(peerlim_hold(pl, &a, 0));
	CU_ASSERT_EQUAL(peerlim_admit(pl, &a, &lim, 0), PEERLIM_OK);
	/* IPv6 and IPv4 addresses are their own entries. */
	a = addr("2001:db8::1");
	lim.max_active = 1;
	CU_ASSERT_TRUE(peerlim_hold(pl, &a, 0));
	CU_ASSERT_EQUAL(peerlim_admit(pl, &a, &lim, 0), PEERLIM_ACTIVE);
	b = addr("2001:db8::2");
	CU_ASSERT_EQUAL(peerlim_admit(pl, &b, &lim, 0), PEERLIM_OK);
	peerlim_free(pl);
}

static void
test_bucket(void)
{
	struct peerlim		*pl = peerlim_new(64, 2);
	struct peerlim_limits	 lim = { 0, 10, 10 };
	struct netaddr		 a = addr("192.0.2.1"), b = addr("192.0.2.2");
	uint64_t		 t = 1000000;
	int			 i, ok;

	/* A burst of 10 at once, the eleventh refused. */
	for (i = 0; i < 10; i++)
		CU_ASSERT_EQUAL(peerlim_admit(pl, &a, &lim, t), PEERLIM_OK);
	CU_ASSERT_EQUAL(peerlim_admit(pl, &a, &lim, t), PEERLIM_RATE);
	CU_ASSERT_EQUAL(peerlim_admit(pl, &b, &lim, t), PEERLIM_OK);
	/* 10 a second: one token every 100 ms, not before. */
	CU_ASSERT_EQUAL(peerlim_admit(pl, &a, &lim, t + 99), PEERLIM_RATE);
	CU_ASSERT_EQUAL(peerlim_admit(pl, &a, &lim, t + 100), PEERLIM_OK);
	CU_ASSERT_EQUAL(peerlim_admit(pl, &a, &lim, t + 100), PEERLIM_RATE);
	/* A steady flood gets the rate and no more: 10 in a second. */
	for (ok = 0, i = 0; i < 1000; i++)
		ok += peerlim_admit(pl, &a, &lim, t + 100 + i) == PEERLIM_OK;
	CU_ASSERT_EQUAL(ok, 9);		/* t+200 .. t+1000 */
	/* Quiet for long: the bucket is full again, never fuller. */
	t += 3600 * 1000;
	for (ok = 0, i = 0; i < 50; i++)
		ok += peerlim_admit(pl, &a, &lim, t) == PEERLIM_OK;
	CU_ASSERT_EQUAL(ok, 10);
	/* A clock that steps back takes nothing away, gives nothing. */
	CU_ASSERT_EQUAL(peerlim_admit(pl, &a, &lim, t - 5000), PEERLIM_RATE);
	/* The concurrent limit is judged first and spends no token. */
	lim.max_active = 1;
	t += 3600 * 1000;
	CU_ASSERT_TRUE(peerlim_hold(pl, &a, t));
	for (i = 0; i < 20; i++)
		CU_ASSERT_EQUAL(peerlim_admit(pl, &a, &lim, t),
		    PEERLIM_ACTIVE);
	peerlim_release(pl, &a);
	for (ok = 0, i = 0; i < 20; i++)
		ok += peerlim_admit(pl, &a, &lim, t) == PEERLIM_OK;
	CU_ASSERT_EQUAL(ok, 10);
	peerlim_free(pl);
}

static void
test_bounded(void)
{
	struct peerlim		*pl = peerlim_new(32, 3);
	struct peerlim_limits	 lim = { 2, 1, 1 };
	struct netaddr		 a = addr("192.0.2.1"), x;
	unsigned		 i;

	/* a holds one transfer and has spent its token. */
	CU_ASSERT_EQUAL(peerlim_admit(pl, &a, &lim, 0), PEERLIM_OK);
	CU_ASSERT_TRUE(peerlim_hold(pl, &a, 0));
	/* A flood of 10,000 addresses that hold nothing: 32 entries. */
	for (i = 0; i < 10000; i++) {
		x = addr_n(i);
		CU_ASSERT_EQUAL(peerlim_admit(pl, &x, &lim, 0), PEERLIM_OK);
	}
	CU_ASSERT_EQUAL(peerlim_used(pl), 32);
	/* Those holding something are never forgotten. */
	CU_ASSERT_EQUAL(peerlim_active(pl, &a), 1);
	CU_ASSERT_EQUAL(peerlim_admit(pl, &a, &lim, 0), PEERLIM_RATE);
	/* The idle ones are, oldest first: the newest are still there. */
	x = addr_n(9999);
	CU_ASSERT_EQUAL(peerlim_admit(pl, &x, &lim, 0), PEERLIM_RATE);
	x = addr_n(0);
	CU_ASSERT_EQUAL(peerlim_admit(pl, &x, &lim, 0), PEERLIM_OK);
	/*
	 * Every entry busy: a newcomer is let in uncounted (the caller's
	 * global limit holds), and nothing counted is disturbed.
	 */
	for (i = 0; i < 31; i++) {
		x = addr_n(20000 + i);
		CU_ASSERT_TRUE(peerlim_hold(pl, &x, 0));
	}
	x = addr_n(30000);
	CU_ASSERT_EQUAL(peerlim_admit(pl, &x, &lim, 0), PEERLIM_OK);
	CU_ASSERT_FALSE(peerlim_hold(pl, &x, 0));
	CU_ASSERT_EQUAL(peerlim_active(pl, &a), 1);
	/* One ends: its entry may be reused. */
	x = addr_n(20000);
	peerlim_release(pl, &x);
	x = addr_n(30000);
	CU_ASSERT_TRUE(peerlim_hold(pl, &x, 0));
	CU_ASSERT_EQUAL(peerlim_active(pl, &x), 1);
	CU_ASSERT_EQUAL(peerlim_active(pl, &a), 1);
	x = addr_n(20000);
	CU_ASSERT_EQUAL(peerlim_active(pl, &x), 0);
	CU_ASSERT_STRING_EQUAL(peerlim_verdict_str(PEERLIM_RATE),
	    "too many requests a second from its address");
	CU_ASSERT_STRING_EQUAL(peerlim_verdict_str((enum peerlim_verdict)9),
	    "?");
	peerlim_free(pl);
}

void
test_peerlim_register(void)
{
	CU_pSuite	s = CU_add_suite("peerlim", NULL, NULL);

	CU_add_test(s, "transfers at once per address", test_active);
	CU_add_test(s, "token bucket of new requests", test_bucket);
	CU_add_test(s, "bounded table, idle forgotten first", test_bounded);
}
