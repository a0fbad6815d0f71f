/*
 * test_client.c: what pxed remembers of a machine, and the one request
 * summary DHCP, TFTP and HTTP hand the rules: built from a DHCP request,
 * from a MAC and its last DHCP request, from an address alone; proxy
 * offers awaiting a follow-up; the loop guard's fetch counters.
 */
#include "config.h"

#include <CUnit/CUnit.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "dhcp_pkt.h"
#include "dhcp6_proto.h"
#include "dhcp_proto.h"
#include "rules.h"
#include "unit.h"

static const uint8_t	mac_a[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t	mac_b[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };

/* A DISCOVER from mac_a, relayed when relayed, without options. */
static void
discover_base(struct dhcp_out *o, bool relayed)
{
	static const uint8_t	 t53[] = { DHCPDISCOVER };

	memset(o, 0, sizeof(*o));
	o->op = BOOTREQUEST;
	o->htype = 1;
	o->hlen = 6;
	o->xid = 0x1234;
	memcpy(o->chaddr, mac_a, 6);
	if (relayed)
		inet_pton(AF_INET, "10.1.0.1", &o->giaddr);
	dhcp_pkt_out_add(o, DHO_MESSAGE_TYPE, t53, sizeof(t53));
}

/* o built and parsed back, in a message to free. */
static struct dhcp_msg *
parsed(const struct dhcp_out *o)
{
	struct dhcp_msg		*m;
	enum dhcp_berr		 why;
	uint8_t			 buf[1024];
	size_t			 n;

	n = dhcp_pkt_build(o, NULL, 0, 0, buf, sizeof(buf), &why);
	CU_ASSERT_FATAL(n > 0);
	m = malloc(sizeof(*m));
	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_EQUAL_FATAL(dhcp_pkt_parse(buf, n, m), DHCP_POK);
	return m;
}

/* A DISCOVER from mac_a, relayed, with options 60 and 93. */
static struct dhcp_msg *
discover(void)
{
	static const uint8_t	 arch[] = { 0, 7 };
	struct dhcp_out		 o;

	discover_base(&o, true);
	dhcp_pkt_out_add(&o, DHO_VENDOR_CLASS_ID, "PXEClient", 9);
	dhcp_pkt_out_add(&o, DHO_CLIENT_ARCH, arch, sizeof(arch));
	return parsed(&o);
}

static void
test_from_dhcp(void)
{
	struct dhcp_msg		*m = discover();
	struct rules_req	 req;

	CU_ASSERT_TRUE(client_rules_req(&(struct client_src){ .msg = m,
	    .ifname = "eth0" }, &req));
	CU_ASSERT_EQUAL(req.mac_len, 6);
	CU_ASSERT_EQUAL(memcmp(req.mac, mac_a, 6), 0);
	CU_ASSERT_STRING_EQUAL(req.ifname, "eth0");
	CU_ASSERT_EQUAL(req.giaddr.s_addr, m->giaddr.s_addr);
	CU_ASSERT_TRUE(req.opt[DHO_VENDOR_CLASS_ID].present);
	CU_ASSERT_EQUAL(rules_arch(&req), 7);
	free(m);
}

/* Calls after client_rules_req() reuse the stack it ran on. */
static void __attribute__((noinline))
clobber_stack(void)
{
	volatile uint8_t	junk[8192];
	size_t			i;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = 0xa5;
}

/* TFTP knows the MAC: what its DHCP request said comes along. */
static void
test_from_mac(void)
{
	struct dhcp_msg		*m = discover();
	struct client_seen	 s;
	struct in_addr		 a;
	struct rules_req	 req;

	client_clear();
	memset(&s, 0, sizeof(s));
	inet_pton(AF_INET, "10.1.0.50", &a);
	client_seen_fill(m, a, &s);
	CU_ASSERT_TRUE_FATAL(s.valid);
	client_seen_put(&s);
	CU_ASSERT_TRUE(client_rules_req(&(struct client_src){ .mac = mac_a },
	    &req));
	CU_ASSERT_EQUAL(req.mac_len, 6);
	CU_ASSERT_EQUAL(rules_arch(&req), 7);
	CU_ASSERT_TRUE(req.opt[DHO_VENDOR_CLASS_ID].present);
	CU_ASSERT_EQUAL(req.giaddr.s_addr, m->giaddr.s_addr);
	/* The summary owns its bytes: not in client_rules_req()'s frame. */
	clobber_stack();
	CU_ASSERT_EQUAL(rules_arch(&req), 7);
	CU_ASSERT_EQUAL(req.opt[DHO_VENDOR_CLASS_ID].len, 9);
	CU_ASSERT_EQUAL(memcmp(req.opt[DHO_VENDOR_CLASS_ID].data, "PXEClient",
	    9), 0);
	/* A machine never seen over DHCP: its MAC, nothing more. */
	CU_ASSERT_TRUE(client_rules_req(&(struct client_src){ .mac = mac_b },
	    &req));
	CU_ASSERT_EQUAL(memcmp(req.mac, mac_b, 6), 0);
	CU_ASSERT_EQUAL(rules_arch(&req), -1);
	CU_ASSERT_FALSE(req.opt[DHO_VENDOR_CLASS_ID].present);
	free(m);
}

/* A DISCOVER from mac_a with option 82 (circuit id "eth0/7"). */
static struct dhcp_msg *
discover82(bool relayed)
{
	static const uint8_t	 ag[] = { 1, 6, 'e', 't', 'h', '0', '/', '7' };
	struct dhcp_out		 o;

	discover_base(&o, relayed);
	o.agent = ag;
	o.agent_len = sizeof(ag);
	return parsed(&o);
}

/*
 * Option 82 is the relay's (RFC 3046 2.1): the rules see it only in a
 * relayed request, and TFTP and HTTP see the last relayed request's.
 */
static void
test_agent(void)
{
	struct dhcp_msg		*m = discover82(true);
	struct client_seen	 s;
	struct rules_req	 req;

	client_clear();
	CU_ASSERT_TRUE(client_rules_req(&(struct client_src){ .msg = m },
	    &req));
	CU_ASSERT_TRUE(req.opt[DHO_RELAY_AGENT_INFO].present);
	CU_ASSERT_EQUAL(req.opt[DHO_RELAY_AGENT_INFO].len, 8);
	memset(&s, 0, sizeof(s));
	client_seen_fill(m, m->ciaddr, &s);
	client_seen_put(&s);
	CU_ASSERT_TRUE(client_rules_req(&(struct client_src){ .mac = mac_a },
	    &req));
	CU_ASSERT_TRUE(req.opt[DHO_RELAY_AGENT_INFO].present);
	CU_ASSERT_EQUAL(req.opt[DHO_RELAY_AGENT_INFO].len, 8);
	CU_ASSERT_EQUAL(memcmp(req.opt[DHO_RELAY_AGENT_INFO].data,
	    "\x01\x06" "eth0/7", 8), 0);
	free(m);

	/* Not relayed: the client's own option 82 is not seen. */
	m = discover82(false);
	CU_ASSERT_TRUE(client_rules_req(&(struct client_src){ .msg = m },
	    &req));
	CU_ASSERT_FALSE(req.opt[DHO_RELAY_AGENT_INFO].present);
	memset(&s, 0, sizeof(s));
	client_seen_fill(m, m->ciaddr, &s);
	client_seen_put(&s);
	CU_ASSERT_TRUE(client_rules_req(&(struct client_src){ .mac = mac_a },
	    &req));
	CU_ASSERT_FALSE(req.opt[DHO_RELAY_AGENT_INFO].present);
	free(m);
}

/* HTTP knows the address only. */
static void
test_from_addr(void)
{
	struct dhcp_msg		*m = discover();
	struct client_seen	 s;
	struct sockaddr_in	 sin;
	struct rules_req	 req;

	client_clear();
	memset(&s, 0, sizeof(s));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	inet_pton(AF_INET, "10.1.0.50", &sin.sin_addr);
	CU_ASSERT_FALSE(client_rules_req(&(struct client_src){
	    .peer = (struct sockaddr *)&sin }, &req));
	CU_ASSERT_EQUAL(req.mac_len, 0);
	client_seen_fill(m, sin.sin_addr, &s);
	client_seen_put(&s);
	CU_ASSERT_TRUE(client_rules_req(&(struct client_src){
	    .peer = (struct sockaddr *)&sin }, &req));
	CU_ASSERT_EQUAL(memcmp(req.mac, mac_a, 6), 0);
	CU_ASSERT_EQUAL(rules_arch(&req), 7);
	/* Without a peer, nobody is looked up. */
	CU_ASSERT_FALSE(client_rules_req(&(struct client_src){ .peer = NULL },
	    &req));
	free(m);
}

/* A seen record of mac at the IPv4 address a. */
static void
put_at(const uint8_t mac[6], uint32_t a)
{
	struct client_seen	s;

	memset(&s, 0, sizeof(s));
	memcpy(s.mac, mac, 6);
	s.valid = true;
	s.addr.family = AF_INET;
	s.addr.u.v4.s_addr = htonl(a);
	client_seen_put(&s);
}

/* Who the table says is at the IPv4 address a: true with its MAC. */
static bool
who_at(uint32_t a, uint8_t mac[6])
{
	struct sockaddr_in	sin;
	struct rules_req	req;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(a);
	if (!client_rules_req(&(struct client_src){
	    .peer = (struct sockaddr *)&sin }, &req))
		return false;
	memcpy(mac, req.mac, 6);
	return true;
}

/*
 * The address index: 10,000 machines in 4,096 slots push one another out;
 * an address is found exactly while its machine's record holds it, a
 * machine that moves is found at its new address only, and an address
 * taken over is found as its latest holder.
 */
static void
test_addr_index(void)
{
	struct client_seen	 s;
	uint8_t			 mac[6] = { 2, 0, 0, 0, 0, 0 }, got[6];
	uint32_t		 base = 0x0a020000, i;
	unsigned		 found = 0, bad = 0;

	client_clear();
	for (i = 0; i < 10000; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		put_at(mac, base + i);
	}
	for (i = 0; i < 10000; i++) {
		bool	kept;

		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		kept = client_seen_get(mac, &s);
		if (who_at(base + i, got)) {
			found++;
			if (!kept || memcmp(got, mac, 6) != 0)
				bad++;
		} else if (kept)
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_TRUE(found > 1000 && found < 4097);
	/* Moving: the old address is nobody's now. */
	put_at(mac_a, 0x0a030001);
	put_at(mac_a, 0x0a030002);
	CU_ASSERT_FALSE(who_at(0x0a030001, got));
	CU_ASSERT_TRUE(who_at(0x0a030002, got));
	CU_ASSERT_EQUAL(memcmp(got, mac_a, 6), 0);
	/* Taken over: the latest request wins. */
	put_at(mac_b, 0x0a030002);
	CU_ASSERT_TRUE(who_at(0x0a030002, got));
	CU_ASSERT_EQUAL(memcmp(got, mac_b, 6), 0);
	client_clear();
	CU_ASSERT_FALSE(who_at(0x0a030002, got));
	CU_ASSERT_FALSE(who_at(base, got));
}

/* Not Ethernet: nothing to remember it by. */
static void
test_seen_ethernet_only(void)
{
	struct dhcp_msg		*m = discover();
	struct client_seen	 s;

	memset(&s, 0, sizeof(s));
	m->htype = 6;
	client_seen_fill(m, m->ciaddr, &s);
	CU_ASSERT_FALSE(s.valid);
	free(m);
}

/*
 * The table keeps vendor class, user class and option 82 outside the
 * record: every byte comes back, a later request without them clears
 * them, another machine in the slot or client_clear() frees them.
 */
static void
test_seen_roundtrip(void)
{
	struct client_seen	s, got;
	size_t			i;

	client_clear();
	memset(&s, 0, sizeof(s));
	memcpy(s.mac, mac_a, 6);
	s.valid = true;
	s.arch_len = 2;
	s.arch[1] = 7;
	s.vendor_len = sizeof(s.vendor);
	s.uclass_len = 4;
	s.agent_len = sizeof(s.agent);
	for (i = 0; i < sizeof(s.vendor); i++)
		s.vendor[i] = (uint8_t)(i + 1);
	memcpy(s.uclass, "iPXE", 4);
	for (i = 0; i < sizeof(s.agent); i++)
		s.agent[i] = (uint8_t)(255 - i);
	s.addr = netaddr_v4((struct in_addr){ htonl(0x0a010203) });
	inet_pton(AF_INET, "10.1.0.1", &s.giaddr);
	client_seen_put(&s);
	CU_ASSERT_TRUE_FATAL(client_seen_get(mac_a, &got));
	CU_ASSERT_EQUAL(memcmp(&got, &s, sizeof(s)), 0);
	CU_ASSERT_TRUE(client_seen_ipxe(&got));
	/* The next request has no classes and no relay. */
	s.vendor_len = s.uclass_len = s.agent_len = 0;
	memset(s.vendor, 0, sizeof(s.vendor));
	memset(s.uclass, 0, sizeof(s.uclass));
	memset(s.agent, 0, sizeof(s.agent));
	client_seen_put(&s);
	CU_ASSERT_TRUE_FATAL(client_seen_get(mac_a, &got));
	CU_ASSERT_EQUAL(memcmp(&got, &s, sizeof(s)), 0);
	CU_ASSERT_FALSE(client_seen_ipxe(&got));
	/* Only the vendor class. */
	s.vendor_len = 9;
	memcpy(s.vendor, "PXEClient", 9);
	client_seen_put(&s);
	CU_ASSERT_TRUE_FATAL(client_seen_get(mac_a, &got));
	CU_ASSERT_EQUAL(memcmp(&got, &s, sizeof(s)), 0);
	client_clear();
	CU_ASSERT_FALSE(client_seen_get(mac_a, &got));
}

/* A DHCPv6 request lays over the DHCPv4 record, keeping what it lacks. */
static void
test_seen_merge6(void)
{
	struct dhcp_msg		*m = discover();
	struct client_seen	 s, got;
	struct rules_req	 req;
	struct in_addr		 v4;
	struct netaddr		 a6;
	static const uint8_t	 arch6[] = { 0, 16 };
	char			 buf[INET6_ADDRSTRLEN];

	client_clear();
	inet_pton(AF_INET, "10.1.0.50", &v4);
	memset(&s, 0, sizeof(s));
	client_seen_fill(m, v4, &s);
	client_seen_put(&s);
	/* No options, no address given: all of DHCPv4's stays. */
	rules_req_init(&req);
	req.family = AF_INET6;
	memset(&a6, 0, sizeof(a6));
	client_seen_fill6(&req, mac_a, &a6, &s);
	client_seen_put(&s);
	CU_ASSERT_TRUE_FATAL(client_seen_get(mac_a, &got));
	CU_ASSERT_EQUAL(got.addr.family, AF_INET);
	CU_ASSERT_EQUAL(got.addr.u.v4.s_addr, v4.s_addr);
	CU_ASSERT_STRING_EQUAL(inet_ntop(AF_INET, &got.giaddr, buf,
	    sizeof(buf)), "10.1.0.1");
	CU_ASSERT_EQUAL(got.arch_len, 2);
	CU_ASSERT_EQUAL(got.arch[1], 7);
	CU_ASSERT_EQUAL(got.vendor_len, 9);
	/* What the DHCPv6 message says replaces; the rest stays. */
	rules_req_setopt(&req, D6O_CLIENT_ARCH_TYPE, arch6, sizeof(arch6));
	a6.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::5", &a6.u.v6);
	client_seen_fill6(&req, mac_a, &a6, &s);
	client_seen_put(&s);
	CU_ASSERT_TRUE_FATAL(client_seen_get(mac_a, &got));
	CU_ASSERT_EQUAL(got.arch[1], 16);
	CU_ASSERT_EQUAL(got.addr.family, AF_INET6);
	CU_ASSERT_EQUAL(got.vendor_len, 9);
	CU_ASSERT_EQUAL(got.giaddr.s_addr, m->giaddr.s_addr);
	free(m);
}

static unsigned		expired;
static uint32_t		expired_xid;

static void
on_expired(const uint8_t *mac, const struct client_offer *o, void *arg)
{
	(void)arg;
	CU_ASSERT_EQUAL(memcmp(mac, mac_a, 6), 0);
	CU_ASSERT_STRING_EQUAL(o->ifname, "eth1");
	expired_xid = o->xid;
	expired++;
}

static void
test_offers(void)
{
	client_clear();
	expired = 0;
	client_offer_put(mac_a, 0xabcd, "eth1", 1000);
	client_offer_put(mac_b, 0x1111, "eth1", 5000);
	client_offer_expire(5500, 5000, on_expired, NULL);
	CU_ASSERT_EQUAL(expired, 0);
	client_offer_done(mac_b);	/* followed up: never expires */
	client_offer_expire(6000, 5000, on_expired, NULL);
	CU_ASSERT_EQUAL(expired, 1);
	CU_ASSERT_EQUAL(expired_xid, 0xabcd);
	/* Handed out once, then forgotten. */
	client_offer_expire(60000, 5000, on_expired, NULL);
	CU_ASSERT_EQUAL(expired, 1);
}

static void
test_fetch(void)
{
	struct client_fetch	*f, *g;
	char			 name[16];
	int			 i;

	client_clear();
	f = client_fetch(mac_a, "ipxe.efi");
	CU_ASSERT_EQUAL(f->count, 0);
	f->count = 1;
	f->first = 100;
	CU_ASSERT_PTR_EQUAL(client_fetch(mac_a, "ipxe.efi"), f);
	g = client_fetch(mac_a, "boot.ipxe");
	CU_ASSERT_PTR_NOT_EQUAL(g, f);
	CU_ASSERT_EQUAL(g->count, 0);
	/* Other files take the free counters, then the oldest one's. */
	g->count = 1;
	g->first = 200;
	for (i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		g = client_fetch(mac_a, name);
		g->count = 1;
		g->first = 300 + (uint64_t)i;
	}
	g = client_fetch(mac_a, "another");
	CU_ASSERT_PTR_EQUAL(g, f);
	CU_ASSERT_EQUAL(g->count, 0);
	/* An offer to the same machine leaves its counters alone. */
	g->count = 3;
	client_offer_put(mac_a, 1, "eth0", 0);
	CU_ASSERT_EQUAL(client_fetch(mac_a, "another")->count, 3);
}

void
test_client_register(void)
{
	CU_pSuite	s = CU_add_suite("client", NULL, NULL);

	CU_add_test(s, "request summary from DHCP", test_from_dhcp);
	CU_add_test(s, "request summary from a MAC", test_from_mac);
	CU_add_test(s, "request summary from an address", test_from_addr);
	CU_add_test(s, "option 82 only from a relay (RFC 3046 2.1)",
	    test_agent);
	CU_add_test(s, "the address index", test_addr_index);
	CU_add_test(s, "only Ethernet is remembered", test_seen_ethernet_only);
	CU_add_test(s, "a request kept and read back whole",
	    test_seen_roundtrip);
	CU_add_test(s, "DHCPv6 keeps the DHCPv4 record's address, relay, "
	    "options", test_seen_merge6);
	CU_add_test(s, "proxy offers and their follow-up", test_offers);
	CU_add_test(s, "fetch counters for the loop guard", test_fetch);
}
