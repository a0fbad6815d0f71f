/*
 * test_netaddr.c: addresses of either family: parsing, printing (bare,
 * as a URL host, as address:port), comparison, prefixes, socket
 * addresses both ways.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "netaddr.h"
#include "unit.h"

static void
test_text(void)
{
	struct netaddr	a;
	char		buf[NETADDR_STRLEN];

	CU_ASSERT_EQUAL(netaddr_pton("10.0.0.1", &a), 0);
	CU_ASSERT_EQUAL(a.family, AF_INET);
	CU_ASSERT_STRING_EQUAL(netaddr_ntop(&a, buf, sizeof(buf)), "10.0.0.1");
	CU_ASSERT_STRING_EQUAL(netaddr_url_host(&a, buf, sizeof(buf)),
	    "10.0.0.1");
	CU_ASSERT_EQUAL(netaddr_pton("2001:DB8::1", &a), 0);
	CU_ASSERT_EQUAL(a.family, AF_INET6);
	CU_ASSERT_STRING_EQUAL(netaddr_ntop(&a, buf, sizeof(buf)),
	    "2001:db8::1");
	CU_ASSERT_STRING_EQUAL(netaddr_url_host(&a, buf, sizeof(buf)),
	    "[2001:db8::1]");
	CU_ASSERT_EQUAL(netaddr_pton("10.0.0", &a), -1);
	CU_ASSERT_EQUAL(a.family, AF_UNSPEC);
	CU_ASSERT_FALSE(netaddr_is_set(&a));
	CU_ASSERT_STRING_EQUAL(netaddr_ntop(&a, buf, sizeof(buf)), "-");
	CU_ASSERT_EQUAL(netaddr_pton("::", &a), 0);
	CU_ASSERT_FALSE(netaddr_is_set(&a));
	CU_ASSERT_EQUAL(netaddr_pton("0.0.0.0", &a), 0);
	CU_ASSERT_FALSE(netaddr_is_set(&a));
}

static void
test_compare(void)
{
	struct netaddr	a, b, p;

	netaddr_pton("fd66::1", &a);
	netaddr_pton("fd66::1", &b);
	CU_ASSERT(netaddr_eq(&a, &b));
	CU_ASSERT_EQUAL(netaddr_hash(&a), netaddr_hash(&b));
	netaddr_pton("fd66::2", &b);
	CU_ASSERT_FALSE(netaddr_eq(&a, &b));
	/* The same 4 bytes in the other family are another address. */
	netaddr_pton("10.0.0.1", &a);
	b = a;
	b.family = AF_INET6;
	CU_ASSERT_FALSE(netaddr_eq(&a, &b));

	netaddr_pton("fd66:0:0:1::", &p);
	netaddr_pton("fd66:0:0:1:abcd::9", &a);
	CU_ASSERT(netaddr_in_prefix(&a, &p, 64));
	CU_ASSERT(netaddr_in_prefix(&a, &p, 0));
	netaddr_pton("fd66:0:0:2::9", &a);
	CU_ASSERT_FALSE(netaddr_in_prefix(&a, &p, 64));
	CU_ASSERT(netaddr_in_prefix(&a, &p, 46));	/* ...:0000:0000:00|1 */
	CU_ASSERT_FALSE(netaddr_in_prefix(&a, &p, 63));
	CU_ASSERT_FALSE(netaddr_in_prefix(&a, &p, 129));
	netaddr_pton("10.1.2.3", &a);
	netaddr_pton("10.1.0.0", &p);
	CU_ASSERT(netaddr_in_prefix(&a, &p, 16));
	CU_ASSERT(netaddr_in_prefix(&a, &p, 22));
	CU_ASSERT_FALSE(netaddr_in_prefix(&a, &p, 23));
	CU_ASSERT_FALSE(netaddr_in_prefix(&a, &p, 33));
}

static void
test_sock(void)
{
	struct netaddr		a, b;
	union netaddr_sock	s;
	char			buf[NETADDR_STRLEN];
	uint16_t		port = 0;

	netaddr_pton("2001:db8::7", &a);
	CU_ASSERT_EQUAL(netaddr_to_sock(&a, 69, &s), sizeof(s.sin6));
	CU_ASSERT_EQUAL(s.sin6.sin6_family, AF_INET6);
	CU_ASSERT_EQUAL(ntohs(s.sin6.sin6_port), 69);
	CU_ASSERT_STRING_EQUAL(netaddr_sock_str(&s.sa, buf, sizeof(buf)),
	    "[2001:db8::7]:69");
	CU_ASSERT_EQUAL(netaddr_from_sock(&s.sa, &b, &port), 0);
	CU_ASSERT(netaddr_eq(&a, &b));
	CU_ASSERT_EQUAL(port, 69);

	netaddr_pton("192.0.2.9", &a);
	CU_ASSERT_EQUAL(netaddr_to_sock(&a, 4011, &s), sizeof(s.sin));
	CU_ASSERT_STRING_EQUAL(netaddr_sock_str(&s.sa, buf, sizeof(buf)),
	    "192.0.2.9:4011");
	a = netaddr_v4(s.sin.sin_addr);
	CU_ASSERT(netaddr_is_set(&a));
	memset(&a, 0, sizeof(a));
	CU_ASSERT_EQUAL(netaddr_to_sock(&a, 1, &s), 0);
	s.sa.sa_family = AF_UNIX;
	CU_ASSERT_EQUAL(netaddr_from_sock(&s.sa, &b, NULL), -1);
	CU_ASSERT_STRING_EQUAL(netaddr_sock_str(&s.sa, buf, sizeof(buf)), "-");
}

/* Peers as the TFTP table keys them; dual-stack peers. */
static void
test_peer(void)
{
	union netaddr_sock	a, b;
	struct netaddr		x;
	char			buf[NETADDR_STRLEN];

	netaddr_pton("fe80::1", &x);
	netaddr_to_sock(&x, 1234, &a);
	a.sin6.sin6_scope_id = 2;
	b = a;
	CU_ASSERT_EQUAL(netaddr_sock_len(&a), sizeof(a.sin6));
	CU_ASSERT(netaddr_sock_eq(&a, &b));
	CU_ASSERT_EQUAL(netaddr_sock_hash(&a), netaddr_sock_hash(&b));
	b.sin6.sin6_port = htons(1235);
	CU_ASSERT_FALSE(netaddr_sock_eq(&a, &b));
	b = a;
	b.sin6.sin6_scope_id = 3;	/* the same address on another link */
	CU_ASSERT_FALSE(netaddr_sock_eq(&a, &b));
	netaddr_pton("10.0.0.1", &x);
	netaddr_to_sock(&x, 69, &b);
	CU_ASSERT_EQUAL(netaddr_sock_len(&b), sizeof(b.sin));
	CU_ASSERT_FALSE(netaddr_sock_eq(&a, &b));

	/* ::ffff:10.0.0.1 from a dual-stack socket is 10.0.0.1. */
	netaddr_pton("::ffff:10.0.0.1", &x);
	netaddr_to_sock(&x, 69, &a);
	netaddr_sock_unmap(&a);
	CU_ASSERT_EQUAL(a.sa.sa_family, AF_INET);
	CU_ASSERT(netaddr_sock_eq(&a, &b));
	CU_ASSERT_STRING_EQUAL(netaddr_sock_str(&a.sa, buf, sizeof(buf)),
	    "10.0.0.1:69");
	netaddr_pton("fd77::1", &x);
	netaddr_to_sock(&x, 69, &a);
	netaddr_sock_unmap(&a);
	CU_ASSERT_EQUAL(a.sa.sa_family, AF_INET6);
	a.sa.sa_family = AF_UNIX;
	CU_ASSERT_EQUAL(netaddr_sock_len(&a), 0);

}

void
test_netaddr_register(void)
{
	CU_pSuite	s = CU_add_suite("netaddr", NULL, NULL);

	CU_add_test(s, "text: either family, URL host", test_text);
	CU_add_test(s, "equality, hash, prefixes", test_compare);
	CU_add_test(s, "socket addresses", test_sock);
	CU_add_test(s, "peers: equality, hash, v4-mapped", test_peer);
}
