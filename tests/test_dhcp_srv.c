/*
 * test_dhcp_srv.c: the DHCP and proxyDHCP engine, driven with an injected
 * clock over a lease store, in memory or journaled: DORA and where replies
 * go, the REQUEST states, DECLINE, RELEASE, INFORM, expiry and exhaustion,
 * static hosts, relays, BOOTP, restarts, proxy mode on the seed-capture
 * packets, iPXE, templates and malformed input.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp_pkt.h"
#include "dhcp_proto.h"
#include "dhcp_srv.h"
#include "lease.h"
#include "log.h"
#include "unit.h"

#define T0		1800000000LL	/* 2027-01-15T08:00:00Z */

static struct conf		*conf;
static struct leases		 L;
static bool			 have_store;
static struct dhcp_srv_in	 in;
static struct dhcp_srv_out	 out;
static struct dhcp_msg		 rep;		/* the reply, parsed back */
static struct dhcp_msg		 req;		/* a fixture, parsed */
static char			 treedir[256];
static char			 sinkbuf[2048];

static const uint8_t	 cookie[4] = { 99, 130, 83, 99 };

/* A request being built: fixed header, cookie, options without END. */
struct rq {
	uint8_t		 b[1024];
	size_t		 n;
};

/* ---------- helpers ---------- */

static void
mac_of(uint8_t mac[6], unsigned n)
{
	mac[0] = 0x52;
	mac[1] = 0x54;
	mac[2] = 0;
	mac[3] = 0;
	mac[4] = (uint8_t)(n >> 8);
	mac[5] = (uint8_t)n;
}

static void
rq_opt(struct rq *r, uint8_t code, const void *data, size_t len)
{
	r->b[r->n++] = code;
	r->b[r->n++] = (uint8_t)len;
	memcpy(r->b + r->n, data, len);
	r->n += len;
}

static void
rq_optip(struct rq *r, uint8_t code, const char *a)
{
	in_addr_t	x = inet_addr(a);

	rq_opt(r, code, &x, 4);
}

static void
rq_new(struct rq *r, int type, const uint8_t mac[6], uint32_t xid)
{
	uint8_t	t = (uint8_t)type;

	memset(r, 0, sizeof(*r));
	r->b[0] = BOOTREQUEST;
	r->b[1] = 1;
	r->b[2] = 6;
	r->b[4] = (uint8_t)(xid >> 24);
	r->b[5] = (uint8_t)(xid >> 16);
	r->b[6] = (uint8_t)(xid >> 8);
	r->b[7] = (uint8_t)xid;
	memcpy(r->b + 28, mac, 6);
	memcpy(r->b + DHCP_FIXED_LEN, cookie, 4);
	r->n = DHCP_MIN_LEN;
	if (type > 0)
		rq_opt(r, DHO_MESSAGE_TYPE, &t, 1);
}

/* ciaddr is at 12, giaddr at 24. */
static void
rq_addr(struct rq *r, size_t off, const char *a)
{
	in_addr_t	x = inet_addr(a);

	memcpy(r->b + off, &x, 4);
}

static void
rq_bcast(struct rq *r)
{
	r->b[10] |= 0x80;
}

/* Parse what the engine sent back into rep. */
static void
parse_reply(void)
{
	if (out.type >= 0) {
		/* A reply is built, padded to 300 bytes (RFC 1542). */
		if (out.len < 300)
			fprintf(stderr, "\n  reply of %zu bytes: %s\n",
			    out.len, out.log);
		CU_ASSERT_TRUE_FATAL(out.len >= 300);
		CU_ASSERT_EQUAL_FATAL(dhcp_pkt_parse(out.buf, out.len, &rep),
		    DHCP_POK);
	} else
		memset(&rep, 0, offsetof(struct dhcp_msg, optbuf));
}

static int
handle_raw(const uint8_t *b, size_t n)
{
	dhcp_srv_handle(&in, b, n, &out);
	parse_reply();
	return out.type;
}

/* Send r, with END and padding to 300 bytes; the reply type or -1. */
static int
srv(const struct rq *r)
{
	uint8_t	b[1100];
	size_t	n = r->n;

	memset(b, 0, sizeof(b));
	memcpy(b, r->b, n);
	b[n++] = DHO_END;
	if (n < 300)
		n = 300;
	return handle_raw(b, n);
}

static int
srv_fixture(const char *name)
{
	static uint8_t	b[DHCP_MAX_LEN];
	size_t		n = unit_fixture(name, b, sizeof(b));

	CU_ASSERT_EQUAL_FATAL(dhcp_pkt_parse(b, n, &req), DHCP_POK);
	return handle_raw(b, n);
}

static int
ropt_is(uint8_t code, const void *data, size_t len)
{
	size_t		 l;
	const uint8_t	*p = dhcp_pkt_opt(&rep, code, &l);

	if (p == NULL) {
		fprintf(stderr, "\n  option %u missing\n", code);
		return 0;
	}
	if (l != len || memcmp(p, data, len) != 0) {
		size_t	i;

		fprintf(stderr, "\n  option %u is", code);
		for (i = 0; i < l; i++)
			fprintf(stderr, " %02x", p[i]);
		fprintf(stderr, "\n");
		return 0;
	}
	return 1;
}

static int
ropt_str(uint8_t code, const char *s)
{
	return ropt_is(code, s, strlen(s));
}

static int
ropt_ip(uint8_t code, const char *a)
{
	in_addr_t	x = inet_addr(a);

	return ropt_is(code, &x, 4);
}

static int
ropt_u32(uint8_t code, uint32_t v)
{
	uint8_t	b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
		    (uint8_t)(v >> 8), (uint8_t)v };

	return ropt_is(code, b, 4);
}

static bool
ropt_has(uint8_t code)
{
	size_t	l;

	return dhcp_pkt_opt(&rep, code, &l) != NULL;
}

/* Position of code among the reply's options area, or -1. */
static int
rpos(uint8_t code)
{
	size_t	i = DHCP_MIN_LEN;
	int	k = 0;

	while (i < out.len && out.buf[i] != DHO_END) {
		if (out.buf[i] == DHO_PAD) {
			i++;
			continue;
		}
		if (out.buf[i] == code)
			return k;
		k++;
		i += 2 + (size_t)out.buf[i + 1];
	}
	return -1;
}

static bool
log_has(const char *s)
{
	if (strstr(out.log, s) != NULL)
		return true;
	fprintf(stderr, "\n  log line lacks \"%s\": %s\n", s, out.log);
	return false;
}

static bool
to_is(const char *a, unsigned port)
{
	return out.to.sin_family == AF_INET &&
	    out.to.sin_addr.s_addr == inet_addr(a) &&
	    ntohs(out.to.sin_port) == port;
}

static bool
yiaddr_is(const char *a)
{
	return rep.yiaddr.s_addr == inet_addr(a);
}

static struct lease *
lease_of(unsigned client)
{
	uint8_t	id[7];

	id[0] = 1;
	mac_of(id + 1, client);
	return lease_by_id(&L, id, sizeof(id));
}

static void
srv_teardown(void)
{
	if (have_store)
		lease_fini(&L);
	have_store = false;
	conf_free(conf);
	conf = NULL;
	unit_tree_free();
	log_set_sink(NULL);
	log_setlevel(LOG_CRIT);
}

static struct conf *
load_conf(void)
{
	struct conf	*c = unit_tree_load();
	size_t		 i;

	for (i = 0; c == NULL && i < unit_nerrors(); i++)
		fprintf(stderr, "\n  %s\n", unit_error(i));
	return c;
}

/* Load a configuration and start an empty store; ifaddr is ours. */
static void
srv_setup(const char *main_conf, const char *rules, const char *ifaddr)
{
	srv_teardown();
	snprintf(treedir, sizeof(treedir), "%s", unit_tree_new());
	unit_tree_file("pxed.conf", main_conf);
	unit_tree_file("conf.d/10-rules.conf", rules != NULL ? rules : "");
	conf = load_conf();
	CU_ASSERT_PTR_NOT_NULL_FATAL(conf);
	lease_init(&L);
	have_store = true;
	lease_pools(&L, conf, T0);
	memset(&in, 0, sizeof(in));
	in.conf = conf;
	in.leases = &L;
	in.now = T0;
	in.ifname = "eth0";
	in.ifaddr.s_addr = inet_addr(ifaddr);
	in.ifmask.s_addr = inet_addr("255.255.255.0");
	in.src.sin_family = AF_INET;
	in.src.sin_port = htons(68);
	lease_server_addr(&L, in.ifaddr);
}

/* Server mode, one range "lan" on 10.0.0.0/24; we are 10.0.0.1. */
static void
srv_server(const char *start, const char *end, const char *extra,
    const char *rules)
{
	char	text[2048];

	snprintf(text, sizeof(text),
	    "dhcp {\n"
	    "  mode = server\n"
	    "  lease-time = 3600\n"
	    "  %s\n"
	    "  range \"lan\" {\n"
	    "    start = %s\n"
	    "    end = %s\n"
	    "    netmask = 255.255.255.0\n"
	    "    router = 10.0.0.1\n"
	    "    dns = { 10.0.0.1, 10.0.0.2 }\n"
	    "    domain = \"lab.example\"\n"
	    "  }\n"
	    "}\n", extra, start, end);
	srv_setup(text, rules, "10.0.0.1");
}

static const char proxy_rules[] =
	"match \"efi64\" { arch = efi-x64 }\n"
	"match \"ipxe\" { userclass = \"iPXE\" }\n"
	"match \"http\" { vendorclass = \"HTTPClient\" }\n"
	"boot \"ipxe\" { if = \"ipxe\" "
	    "filename = \"http://${server}/boot.ipxe\" }\n"
	"boot \"http\" { if = \"http\" filename = \"${http}/ipxe.efi\" }\n"
	"boot \"uefi\" { if = \"efi64\" filename = \"ipxe.efi\" }\n";

/* Proxy mode beside the seed capture's LAN; we are 192.168.0.2. */
static void
srv_proxy(const char *rules)
{
	srv_setup("dhcp { mode = proxy }\n", rules != NULL ? rules :
	    proxy_rules, "192.168.0.2");
}

static void
sink(int prio, const char *line)
{
	size_t	n = strlen(sinkbuf);

	(void)prio;
	snprintf(sinkbuf + n, sizeof(sinkbuf) - n, "%s\n", line);
}

/* DISCOVER then REQUEST (SELECTING); the address ACKed, or 0. */
static in_addr_t
dora(unsigned client)
{
	struct rq	r;
	uint8_t		mac[6];
	struct in_addr	a;

	mac_of(mac, client);
	rq_new(&r, DHCPDISCOVER, mac, 0x1000 + client);
	if (srv(&r) != DHCPOFFER)
		return 0;
	a = rep.yiaddr;
	rq_new(&r, DHCPREQUEST, mac, 0x1000 + client);
	rq_opt(&r, DHO_SERVER_IDENTIFIER, &in.ifaddr, 4);
	rq_opt(&r, DHO_REQUESTED_ADDRESS, &a, 4);
	if (srv(&r) != DHCPACK || rep.yiaddr.s_addr != a.s_addr ||
	    !out.durable)
		return 0;
	return a.s_addr;
}

static int
discover(unsigned client)
{
	struct rq	r;
	uint8_t		mac[6];

	mac_of(mac, client);
	rq_new(&r, DHCPDISCOVER, mac, 0x2000 + client);
	return srv(&r);
}

/* REQUEST without server id: INIT-REBOOT (want) or RENEWING (ciaddr). */
static int
request(unsigned client, const char *want, const char *ciaddr, bool bcast)
{
	struct rq	r;
	uint8_t		mac[6];

	mac_of(mac, client);
	rq_new(&r, DHCPREQUEST, mac, 0x3000 + client);
	if (want != NULL)
		rq_optip(&r, DHO_REQUESTED_ADDRESS, want);
	if (ciaddr != NULL)
		rq_addr(&r, 12, ciaddr);
	if (bcast)
		rq_bcast(&r);
	return srv(&r);
}

/* ---------- server mode ---------- */

static void
test_dora(void)
{
	static const uint8_t	prl[] = { 1, 3, 6, 15, 28, 12 };
	static const uint8_t	head[] = { 53, 1, 2, 54, 4, 10, 0, 0, 1,
				    51, 4, 0, 0, 0x0e, 0x10 };
	static const uint8_t	dns[] = { 10, 0, 0, 1, 10, 0, 0, 2 };
	uint8_t			mac[6];
	struct rq		r;
	struct lease		*l;
	struct in_addr		a;
	uint32_t		ha;

	srv_server("10.0.0.100", "10.0.0.199", "", NULL);
	mac_of(mac, 1);
	rq_new(&r, DHCPDISCOVER, mac, 0xdeadbeef);
	rq_bcast(&r);
	rq_opt(&r, DHO_PARAMETER_REQUEST, prl, sizeof(prl));
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_EQUAL(out.reqtype, DHCPDISCOVER);
	CU_ASSERT_EQUAL(rep.op, BOOTREPLY);
	CU_ASSERT_EQUAL(rep.xid, 0xdeadbeef);
	CU_ASSERT_EQUAL(rep.htype, 1);
	CU_ASSERT_EQUAL(rep.hlen, 6);
	CU_ASSERT_EQUAL(memcmp(rep.chaddr, mac, 6), 0);
	CU_ASSERT_TRUE(rep.flags & 0x8000);
	ha = ntohl(rep.yiaddr.s_addr);
	CU_ASSERT_TRUE(ha >= unit_hip("10.0.0.100") && ha <= unit_hip("10.0.0.199"));
	CU_ASSERT_EQUAL(ha, unit_hip("10.0.0.100"));
	/* 53, 54 and 51 first, then the order of option 55. */
	CU_ASSERT_EQUAL(memcmp(out.buf + DHCP_MIN_LEN, head, sizeof(head)),
	    0);
	CU_ASSERT_TRUE(ropt_ip(DHO_SUBNET_MASK, "255.255.255.0"));
	CU_ASSERT_TRUE(ropt_ip(DHO_ROUTERS, "10.0.0.1"));
	CU_ASSERT_TRUE(ropt_is(DHO_DOMAIN_NAME_SERVERS, dns, sizeof(dns)));
	CU_ASSERT_TRUE(ropt_str(DHO_DOMAIN_NAME, "lab.example"));
	CU_ASSERT_TRUE(ropt_ip(DHO_BROADCAST_ADDRESS, "10.0.0.255"));
	CU_ASSERT_TRUE(ropt_u32(DHO_LEASE_TIME, 3600));
	CU_ASSERT_TRUE(ropt_u32(DHO_RENEWAL_TIME, 1800));
	CU_ASSERT_TRUE(ropt_u32(DHO_REBINDING_TIME, 3150));
	CU_ASSERT_TRUE(ropt_ip(DHO_SERVER_IDENTIFIER, "10.0.0.1"));
	CU_ASSERT_FALSE(ropt_has(DHO_HOST_NAME));	/* no host entry */
	CU_ASSERT_EQUAL(rpos(DHO_SUBNET_MASK), 3);
	CU_ASSERT_EQUAL(rpos(DHO_ROUTERS), 4);
	CU_ASSERT_EQUAL(rpos(DHO_DOMAIN_NAME_SERVERS), 5);
	CU_ASSERT_EQUAL(rpos(DHO_DOMAIN_NAME), 6);
	CU_ASSERT_EQUAL(rpos(DHO_BROADCAST_ADDRESS), 7);
	CU_ASSERT_EQUAL(out.dest, DHCP_DEST_BCAST);
	CU_ASSERT_TRUE(to_is("255.255.255.255", 68));
	CU_ASSERT_FALSE(out.durable);
	CU_ASSERT_FALSE(out.proxy_offer);
	CU_ASSERT_TRUE(log_has(
	    "DISCOVER(eth0) 52:54:00:00:00:01 xid deadbeef"));
	CU_ASSERT_TRUE(log_has("-> OFFER 10.0.0.100"));
	l = lease_by_addr(&L, ha);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(l->state, LEASE_OFFERED);
	CU_ASSERT_EQUAL(l->expires, T0 + DHCP_OFFER_SECS);
	CU_ASSERT_PTR_EQUAL(lease_of(1), l);

	/* Options not asked for in 55 stay out; 55 absent: all of them. */
	a = rep.yiaddr;
	rq_new(&r, DHCPDISCOVER, mac, 0xdeadbeef);
	rq_opt(&r, DHO_PARAMETER_REQUEST, prl, 2);
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_EQUAL(rep.yiaddr.s_addr, a.s_addr);
	CU_ASSERT_TRUE(ropt_ip(DHO_ROUTERS, "10.0.0.1"));
	CU_ASSERT_FALSE(ropt_has(DHO_DOMAIN_NAME));
	CU_ASSERT_FALSE(ropt_has(DHO_BROADCAST_ADDRESS));
	rq_new(&r, DHCPDISCOVER, mac, 0xdeadbeef);
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_TRUE(ropt_str(DHO_DOMAIN_NAME, "lab.example"));
	CU_ASSERT_TRUE(ropt_ip(DHO_BROADCAST_ADDRESS, "10.0.0.255"));

	/* REQUEST in SELECTING state: 54 and 50, no broadcast flag. */
	in.now = T0 + 2;
	rq_new(&r, DHCPREQUEST, mac, 0xdeadbef0);
	rq_opt(&r, DHO_SERVER_IDENTIFIER, &in.ifaddr, 4);
	rq_opt(&r, DHO_REQUESTED_ADDRESS, &a, 4);
	rq_opt(&r, DHO_PARAMETER_REQUEST, prl, sizeof(prl));
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPACK);
	CU_ASSERT_EQUAL(out.reqtype, DHCPREQUEST);
	CU_ASSERT_EQUAL(rep.xid, 0xdeadbef0);
	CU_ASSERT_EQUAL(rep.yiaddr.s_addr, a.s_addr);
	CU_ASSERT_EQUAL(out.buf[DHCP_MIN_LEN + 2], DHCPACK);
	CU_ASSERT_TRUE(ropt_u32(DHO_LEASE_TIME, 3600));
	CU_ASSERT_TRUE(ropt_u32(DHO_RENEWAL_TIME, 1800));
	CU_ASSERT_TRUE(ropt_u32(DHO_REBINDING_TIME, 3150));
	CU_ASSERT_TRUE(ropt_ip(DHO_SUBNET_MASK, "255.255.255.0"));
	CU_ASSERT_TRUE(out.durable);
	CU_ASSERT_EQUAL(out.dest, DHCP_DEST_YIADDR);
	CU_ASSERT_TRUE(to_is("10.0.0.100", 68));
	CU_ASSERT_EQUAL(out.hlen, 6);
	CU_ASSERT_EQUAL(memcmp(out.chaddr, mac, 6), 0);
	CU_ASSERT_TRUE(log_has("-> ACK 10.0.0.100"));
	l = lease_by_addr(&L, ha);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(l->state, LEASE_ACKED);
	CU_ASSERT_EQUAL(l->expires, T0 + 2 + 3600);
	CU_ASSERT_TRUE(lease_is_live(l, T0 + 3601));
	CU_ASSERT_FALSE(lease_is_live(l, T0 + 3602));
	CU_ASSERT_PTR_EQUAL(lease_of(1), l);
	CU_ASSERT_EQUAL(L.n, 1);
	CU_ASSERT_EQUAL(L.pools[0].nused, 1);
	srv_teardown();
}

/* RFC 2131 4.1: where each reply goes. */
static void
test_destinations(void)
{
	uint8_t		mac[6];
	struct rq	r;
	in_addr_t	a;

	srv_server("10.0.0.100", "10.0.0.199", "", NULL);
	mac_of(mac, 1);

	/* No broadcast flag: unicast to yiaddr at chaddr. */
	rq_new(&r, DHCPDISCOVER, mac, 1);
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_EQUAL(out.dest, DHCP_DEST_YIADDR);
	CU_ASSERT_TRUE(to_is("10.0.0.100", 68));
	CU_ASSERT_EQUAL(memcmp(out.chaddr, mac, 6), 0);
	CU_ASSERT_EQUAL(out.hlen, 6);
	CU_ASSERT_FALSE(rep.flags & 0x8000);

	/* Broadcast flag. */
	rq_bcast(&r);
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_EQUAL(out.dest, DHCP_DEST_BCAST);
	CU_ASSERT_TRUE(to_is("255.255.255.255", 68));

	/* Not Ethernet: no unicast without ARP. */
	rq_new(&r, DHCPDISCOVER, mac, 1);
	r.b[1] = 6;
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_EQUAL(out.dest, DHCP_DEST_BCAST);

	/* Relayed: to giaddr, port 67, giaddr kept in the reply. */
	rq_new(&r, DHCPDISCOVER, mac, 1);
	rq_bcast(&r);
	rq_addr(&r, 24, "10.0.0.254");
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_EQUAL(out.dest, DHCP_DEST_RELAY);
	CU_ASSERT_TRUE(to_is("10.0.0.254", 67));
	CU_ASSERT_EQUAL(rep.giaddr.s_addr, inet_addr("10.0.0.254"));
	CU_ASSERT_TRUE(log_has("(eth0 via 10.0.0.254) "));

	/* ciaddr set (RENEWING): unicast to ciaddr, even when broadcast. */
	a = dora(1);
	CU_ASSERT_EQUAL_FATAL(a, inet_addr("10.0.0.100"));
	CU_ASSERT_EQUAL(request(1, NULL, "10.0.0.100", false), DHCPACK);
	CU_ASSERT_EQUAL(out.dest, DHCP_DEST_CIADDR);
	CU_ASSERT_TRUE(to_is("10.0.0.100", 68));
	CU_ASSERT_EQUAL(request(1, NULL, "10.0.0.100", true), DHCPACK);
	CU_ASSERT_EQUAL(out.dest, DHCP_DEST_CIADDR);
	CU_ASSERT_TRUE(to_is("10.0.0.100", 68));

	/* NAK without giaddr: broadcast, even to a client with ciaddr. */
	CU_ASSERT_EQUAL(request(1, "192.168.9.9", NULL, false), DHCPNAK);
	CU_ASSERT_EQUAL(out.dest, DHCP_DEST_BCAST);
	CU_ASSERT_TRUE(to_is("255.255.255.255", 68));
	CU_ASSERT_EQUAL(request(1, "192.168.9.9", "10.0.0.100", false),
	    DHCPNAK);
	CU_ASSERT_EQUAL(out.dest, DHCP_DEST_BCAST);

	/* NAK through a relay: to giaddr with the broadcast bit set. */
	rq_new(&r, DHCPREQUEST, mac, 7);
	rq_optip(&r, DHO_REQUESTED_ADDRESS, "192.168.9.9");
	rq_addr(&r, 24, "10.0.0.254");
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPNAK);
	CU_ASSERT_EQUAL(out.dest, DHCP_DEST_RELAY);
	CU_ASSERT_TRUE(to_is("10.0.0.254", 67));
	CU_ASSERT_TRUE(rep.flags & 0x8000);
	srv_teardown();
}

static void
test_same_client(void)
{
	srv_server("10.0.0.100", "10.0.0.199", "", NULL);
	CU_ASSERT_EQUAL(dora(1), inet_addr("10.0.0.100"));
	/* The same client again, at once and an hour later. */
	CU_ASSERT_EQUAL_FATAL(discover(1), DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.100"));
	CU_ASSERT_EQUAL(lease_of(1)->state, LEASE_ACKED);  /* not downgraded */
	in.now = T0 + 7200;
	CU_ASSERT_EQUAL_FATAL(discover(1), DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.100"));
	/* A second client: another address, the same on a retransmission. */
	CU_ASSERT_EQUAL_FATAL(discover(2), DHCPOFFER);
	CU_ASSERT_FALSE(yiaddr_is("10.0.0.100"));
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.101"));
	CU_ASSERT_EQUAL_FATAL(discover(2), DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.101"));
	CU_ASSERT_EQUAL_FATAL(discover(3), DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.102"));
	CU_ASSERT_EQUAL(L.n, 3);
	srv_teardown();
}

static void
test_renew_rebind(void)
{
	struct lease	*l;

	srv_server("10.0.0.100", "10.0.0.199", "", NULL);
	CU_ASSERT_EQUAL_FATAL(dora(1), inet_addr("10.0.0.100"));
	l = lease_of(1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(l->expires, T0 + 3600);

	/* RENEWING: unicast from the client, ciaddr, no 54 nor 50. */
	in.now = T0 + 1800;
	in.src.sin_addr.s_addr = inet_addr("10.0.0.100");
	CU_ASSERT_EQUAL_FATAL(request(1, NULL, "10.0.0.100", false), DHCPACK);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.100"));
	CU_ASSERT_TRUE(ropt_u32(DHO_LEASE_TIME, 3600));
	CU_ASSERT_TRUE(out.durable);
	l = lease_of(1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(l->expires, T0 + 1800 + 3600);

	/* REBINDING: the same, broadcast. */
	in.now = T0 + 5000;
	in.src.sin_addr.s_addr = INADDR_ANY;
	CU_ASSERT_EQUAL_FATAL(request(1, NULL, "10.0.0.100", true), DHCPACK);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.100"));
	CU_ASSERT_EQUAL(lease_of(1)->expires, T0 + 5000 + 3600);
	CU_ASSERT_EQUAL(L.n, 1);

	/* INIT-REBOOT with an address of another subnet. */
	CU_ASSERT_EQUAL_FATAL(request(1, "192.168.1.77", NULL, true),
	    DHCPNAK);
	CU_ASSERT_EQUAL(out.reqtype, DHCPREQUEST);
	CU_ASSERT_EQUAL(rep.yiaddr.s_addr, 0);
	CU_ASSERT_TRUE(ropt_is(DHO_MESSAGE_TYPE, "\x06", 1));
	CU_ASSERT_TRUE(ropt_ip(DHO_SERVER_IDENTIFIER, "10.0.0.1"));
	CU_ASSERT_TRUE(ropt_has(DHO_MESSAGE));
	CU_ASSERT_FALSE(ropt_has(DHO_LEASE_TIME));
	CU_ASSERT_FALSE(ropt_has(DHO_SUBNET_MASK));
	CU_ASSERT_FALSE(out.durable);
	CU_ASSERT_TRUE(log_has("-> NAK"));
	CU_ASSERT_TRUE(log_has("not in a range"));
	/* The NAK did not touch the binding. */
	CU_ASSERT_EQUAL(lease_of(1)->state, LEASE_ACKED);
	CU_ASSERT_EQUAL(lease_of(1)->expires, T0 + 5000 + 3600);

	/* INIT-REBOOT and SELECTING for client 1's address by client 2. */
	CU_ASSERT_EQUAL_FATAL(request(2, "10.0.0.100", NULL, true), DHCPNAK);
	CU_ASSERT_TRUE(log_has("address in use"));
	{
		struct rq	r;
		uint8_t		mac[6];

		mac_of(mac, 2);
		rq_new(&r, DHCPREQUEST, mac, 5);
		rq_optip(&r, DHO_SERVER_IDENTIFIER, "10.0.0.1");
		rq_optip(&r, DHO_REQUESTED_ADDRESS, "10.0.0.100");
		CU_ASSERT_EQUAL(srv(&r), DHCPNAK);
		/* RENEWING with client 1's address as ciaddr. */
		CU_ASSERT_EQUAL(request(2, NULL, "10.0.0.100", false),
		    DHCPNAK);
	}
	CU_ASSERT_PTR_NULL(lease_of(2));
	CU_ASSERT_EQUAL(lease_of(1)->expires, T0 + 5000 + 3600);

	/* An INIT-REBOOT of client 1 for its own address is ACKed. */
	CU_ASSERT_EQUAL(request(1, "10.0.0.100", NULL, true), DHCPACK);
	/* A REQUEST with neither: nothing to answer. */
	CU_ASSERT_EQUAL(request(1, NULL, NULL, true), -1);
	CU_ASSERT_TRUE(log_has("no reply (REQUEST without an address)"));
	srv_teardown();
}

/* Not authoritative: silence for clients it has no record of. */
static void
test_not_authoritative(void)
{
	srv_server("10.0.0.100", "10.0.0.199", "authoritative = no", NULL);
	CU_ASSERT_FALSE(conf->dhcp.authoritative);
	CU_ASSERT_EQUAL(request(1, "10.0.0.150", NULL, true), -1);
	CU_ASSERT_TRUE(log_has("no reply (no record of the client)"));
	CU_ASSERT_EQUAL(request(1, NULL, "10.0.0.150", false), -1);
	CU_ASSERT_PTR_NULL(lease_of(1));
	/* Wrong subnet or someone else's: NAKed all the same. */
	CU_ASSERT_EQUAL(request(1, "192.168.3.3", NULL, true), DHCPNAK);
	CU_ASSERT_EQUAL(dora(2), inet_addr("10.0.0.100"));
	CU_ASSERT_EQUAL(request(1, "10.0.0.100", NULL, true), DHCPNAK);
	/* Its own clients are answered. */
	CU_ASSERT_EQUAL(request(2, "10.0.0.100", NULL, true), DHCPACK);
	CU_ASSERT_EQUAL(request(2, NULL, "10.0.0.100", false), DHCPACK);
	/* And SELECTING is a reply to our own offer. */
	CU_ASSERT_EQUAL(dora(3), inet_addr("10.0.0.101"));
	srv_teardown();
}

/* The client took another server's offer: ours is freed. */
static void
test_other_server(void)
{
	uint8_t		mac[6], other[7] = { 1, 2, 0, 0, 0, 0, 9 };
	struct rq	r;
	struct lease	*l;
	uint32_t	b;

	srv_server("10.0.0.100", "10.0.0.199", "", NULL);
	CU_ASSERT_EQUAL_FATAL(dora(1), inet_addr("10.0.0.100"));
	CU_ASSERT_EQUAL_FATAL(discover(3), DHCPOFFER);
	b = ntohl(rep.yiaddr.s_addr);
	CU_ASSERT_EQUAL(b, unit_hip("10.0.0.101"));
	CU_ASSERT_EQUAL(L.pools[0].nused, 2);
	CU_ASSERT_FALSE(lease_addr_free(&L, b, other, sizeof(other), false,
	    T0));

	mac_of(mac, 3);
	rq_new(&r, DHCPREQUEST, mac, 5);
	rq_optip(&r, DHO_SERVER_IDENTIFIER, "10.0.0.2");
	rq_optip(&r, DHO_REQUESTED_ADDRESS, "10.0.0.101");
	CU_ASSERT_EQUAL(srv(&r), -1);
	CU_ASSERT_EQUAL(out.reqtype, DHCPREQUEST);
	CU_ASSERT_EQUAL(out.len, 0);
	CU_ASSERT_TRUE(log_has("no reply (client chose another server)"));
	l = lease_by_addr(&L, b);
	CU_ASSERT_TRUE(l == NULL || !lease_is_live(l, T0));
	CU_ASSERT_TRUE(lease_addr_free(&L, b, other, sizeof(other), false,
	    T0));
	CU_ASSERT_EQUAL(L.pools[0].nused, 1);
	/* Client 1's ACKed lease is left alone by client 3's choice... */
	CU_ASSERT_EQUAL(lease_of(1)->state, LEASE_ACKED);
	/* ...and by its own REQUEST for another server's offer. */
	mac_of(mac, 1);
	rq_new(&r, DHCPREQUEST, mac, 6);
	rq_optip(&r, DHO_SERVER_IDENTIFIER, "10.0.0.2");
	rq_optip(&r, DHO_REQUESTED_ADDRESS, "10.0.0.150");
	CU_ASSERT_EQUAL(srv(&r), -1);
	CU_ASSERT_TRUE(lease_is_live(lease_of(1), T0));
	CU_ASSERT_EQUAL(L.pools[0].nused, 1);
	srv_teardown();
}

static void
test_decline(void)
{
	uint8_t		mac[6];
	struct rq	r;
	struct lease	*l;

	srv_server("10.0.0.100", "10.0.0.100", "", NULL);
	CU_ASSERT_EQUAL_FATAL(dora(1), inet_addr("10.0.0.100"));

	/* Not ours, or not the client's: ignored. */
	mac_of(mac, 1);
	rq_new(&r, DHCPDECLINE, mac, 9);
	rq_optip(&r, DHO_SERVER_IDENTIFIER, "10.0.0.2");
	rq_optip(&r, DHO_REQUESTED_ADDRESS, "10.0.0.100");
	CU_ASSERT_EQUAL(srv(&r), -1);
	CU_ASSERT_TRUE(log_has("DECLINE for another server"));
	mac_of(mac, 2);
	rq_new(&r, DHCPDECLINE, mac, 9);
	rq_optip(&r, DHO_SERVER_IDENTIFIER, "10.0.0.1");
	rq_optip(&r, DHO_REQUESTED_ADDRESS, "10.0.0.100");
	CU_ASSERT_EQUAL(srv(&r), -1);
	CU_ASSERT_TRUE(log_has("not leased to the client"));
	CU_ASSERT_EQUAL(lease_of(1)->state, LEASE_ACKED);

	/* The client found the address in use. */
	mac_of(mac, 1);
	rq_new(&r, DHCPDECLINE, mac, 9);
	rq_optip(&r, DHO_SERVER_IDENTIFIER, "10.0.0.1");
	rq_optip(&r, DHO_REQUESTED_ADDRESS, "10.0.0.100");
	CU_ASSERT_EQUAL(srv(&r), -1);
	CU_ASSERT_EQUAL(out.reqtype, DHCPDECLINE);
	CU_ASSERT_TRUE(log_has("no reply (declined)"));
	l = lease_by_addr(&L, unit_hip("10.0.0.100"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(l->state, LEASE_DECLINED);
	CU_ASSERT_EQUAL(l->expires, T0 + conf->dhcp.decline_time);
	CU_ASSERT_PTR_NULL(lease_of(1));

	/* Quarantined: neither client gets it, nor may request it. */
	in.now = T0 + 10;
	CU_ASSERT_EQUAL(discover(2), -1);
	CU_ASSERT_TRUE(log_has("pool exhausted"));
	CU_ASSERT_EQUAL(discover(1), -1);
	CU_ASSERT_EQUAL(request(2, "10.0.0.100", NULL, true), DHCPNAK);
	in.now = T0 + conf->dhcp.decline_time - 1;
	CU_ASSERT_EQUAL(discover(2), -1);
	/* Then it is offered again. */
	in.now = T0 + conf->dhcp.decline_time;
	CU_ASSERT_EQUAL_FATAL(discover(2), DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.100"));
	srv_teardown();
}

static void
test_release(void)
{
	uint8_t		mac[6];
	struct rq	r;

	srv_server("10.0.0.100", "10.0.0.100", "", NULL);
	CU_ASSERT_EQUAL_FATAL(dora(1), inet_addr("10.0.0.100"));
	CU_ASSERT_EQUAL(discover(2), -1);

	/* Another client cannot release it. */
	mac_of(mac, 2);
	rq_new(&r, DHCPRELEASE, mac, 11);
	rq_addr(&r, 12, "10.0.0.100");
	rq_optip(&r, DHO_SERVER_IDENTIFIER, "10.0.0.1");
	CU_ASSERT_EQUAL(srv(&r), -1);
	CU_ASSERT_TRUE(log_has("RELEASE of an unknown lease"));
	CU_ASSERT_EQUAL(lease_of(1)->state, LEASE_ACKED);

	mac_of(mac, 1);
	rq_new(&r, DHCPRELEASE, mac, 11);
	rq_addr(&r, 12, "10.0.0.100");
	rq_optip(&r, DHO_SERVER_IDENTIFIER, "10.0.0.1");
	CU_ASSERT_EQUAL(srv(&r), -1);
	CU_ASSERT_EQUAL(out.reqtype, DHCPRELEASE);
	CU_ASSERT_TRUE(log_has("no reply (released)"));
	CU_ASSERT_EQUAL(lease_of(1)->state, LEASE_RELEASED);
	CU_ASSERT_FALSE(lease_is_live(lease_of(1), T0));
	CU_ASSERT_EQUAL(L.pools[0].nused, 0);
	/* A second RELEASE is of nothing. */
	CU_ASSERT_EQUAL(srv(&r), -1);
	CU_ASSERT_TRUE(log_has("RELEASE of an unknown lease"));

	CU_ASSERT_EQUAL_FATAL(discover(2), DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.100"));
	srv_teardown();
}

static void
test_inform(void)
{
	static const uint8_t	prl[] = { 1, 3, 6, 15 };
	uint8_t			mac[6];
	struct rq		r;

	srv_server("10.0.0.100", "10.0.0.199", "", NULL);
	mac_of(mac, 5);
	rq_new(&r, DHCPINFORM, mac, 12);
	rq_addr(&r, 12, "10.0.0.50");
	rq_opt(&r, DHO_PARAMETER_REQUEST, prl, sizeof(prl));
	in.src.sin_addr.s_addr = inet_addr("10.0.0.50");
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPACK);
	CU_ASSERT_EQUAL(out.reqtype, DHCPINFORM);
	CU_ASSERT_EQUAL(rep.yiaddr.s_addr, 0);
	CU_ASSERT_FALSE(ropt_has(DHO_LEASE_TIME));
	CU_ASSERT_FALSE(ropt_has(DHO_RENEWAL_TIME));
	CU_ASSERT_FALSE(ropt_has(DHO_REBINDING_TIME));
	CU_ASSERT_TRUE(ropt_ip(DHO_SERVER_IDENTIFIER, "10.0.0.1"));
	CU_ASSERT_TRUE(ropt_ip(DHO_SUBNET_MASK, "255.255.255.0"));
	CU_ASSERT_TRUE(ropt_ip(DHO_ROUTERS, "10.0.0.1"));
	CU_ASSERT_TRUE(ropt_str(DHO_DOMAIN_NAME, "lab.example"));
	CU_ASSERT_EQUAL(out.dest, DHCP_DEST_CIADDR);
	CU_ASSERT_TRUE(to_is("10.0.0.50", 68));
	CU_ASSERT_FALSE(out.durable);
	CU_ASSERT_EQUAL(L.n, 0);

	rq_new(&r, DHCPINFORM, mac, 12);
	CU_ASSERT_EQUAL(srv(&r), -1);
	CU_ASSERT_TRUE(log_has("INFORM without ciaddr"));
	srv_teardown();
}

static void
test_expiry(void)
{
	srv_server("10.0.0.100", "10.0.0.100", "", NULL);
	CU_ASSERT_EQUAL_FATAL(dora(1), inet_addr("10.0.0.100"));
	in.now = T0 + 3599;
	CU_ASSERT_EQUAL(discover(2), -1);
	in.now = T0 + 3600;		/* lease-time passed */
	CU_ASSERT_EQUAL_FATAL(discover(2), DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.100"));
	CU_ASSERT_EQUAL(dora(2), inet_addr("10.0.0.100"));
	CU_ASSERT_EQUAL(lease_by_addr(&L, unit_hip("10.0.0.100"))->expires,
	    T0 + 7200);
	/* Client 1 comes back to renew: the address is someone else's. */
	in.now = T0 + 3700;
	CU_ASSERT_EQUAL(request(1, NULL, "10.0.0.100", false), DHCPNAK);
	CU_ASSERT_TRUE(log_has("address in use"));
	CU_ASSERT_EQUAL(discover(1), -1);

	/* An offer not taken up holds its address for DHCP_OFFER_SECS. */
	in.now = T0 + 7200;
	CU_ASSERT_EQUAL_FATAL(discover(1), DHCPOFFER);
	in.now = T0 + 7200 + DHCP_OFFER_SECS - 1;
	CU_ASSERT_EQUAL(discover(2), -1);
	in.now = T0 + 7200 + DHCP_OFFER_SECS;
	CU_ASSERT_EQUAL(discover(2), DHCPOFFER);
	srv_teardown();
}

static void
test_exhaustion(void)
{
	in_addr_t	a[3];
	int		old = log_getlevel();

	srv_server("10.0.0.100", "10.0.0.102", "", NULL);
	a[0] = dora(1);
	a[1] = dora(2);
	a[2] = dora(3);
	CU_ASSERT_EQUAL(a[0], inet_addr("10.0.0.100"));
	CU_ASSERT_EQUAL(a[1], inet_addr("10.0.0.101"));
	CU_ASSERT_EQUAL(a[2], inet_addr("10.0.0.102"));
	CU_ASSERT_EQUAL(L.pools[0].nused, 3);

	sinkbuf[0] = '\0';
	log_setlevel(LOG_WARNING);
	log_set_sink(sink);
	CU_ASSERT_EQUAL(discover(4), -1);
	log_set_sink(NULL);
	log_setlevel(old);
	CU_ASSERT_EQUAL(out.reqtype, DHCPDISCOVER);
	CU_ASSERT_EQUAL(out.len, 0);
	CU_ASSERT_TRUE(log_has("52:54:00:00:00:04"));
	CU_ASSERT_TRUE(log_has("no reply (pool exhausted)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(sinkbuf,
	    "dhcp: range \"lan\" is exhausted"));
	CU_ASSERT_PTR_NULL(lease_of(4));

	/* Renewing still works; then the leases run out. */
	in.now = T0 + 1000;
	CU_ASSERT_EQUAL(request(2, NULL, "10.0.0.101", false), DHCPACK);
	in.now = T0 + 3600;
	CU_ASSERT_EQUAL_FATAL(discover(4), DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.100") || yiaddr_is("10.0.0.102"));
	CU_ASSERT_EQUAL_FATAL(discover(5), DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.100") || yiaddr_is("10.0.0.102"));
	CU_ASSERT_EQUAL(discover(6), -1);
	CU_ASSERT_EQUAL(lease_of(2)->state, LEASE_ACKED);
	srv_teardown();
}

/*
 * Several ranges on one subnet: allocation (RFC 2131 4.3.1) takes from
 * each in turn, and the reply carries the settings of the address's range.
 */
static void
test_subnet_ranges(void)
{
	int	old = log_getlevel();

	srv_setup("dhcp {\n"
	    "  mode = server\n"
	    "  range \"a\" { start = 10.0.0.100 end = 10.0.0.100 "
	    "netmask = 255.255.255.0 lease-time = 600 }\n"
	    "  range \"b\" { start = 10.0.0.110 end = 10.0.0.110 "
	    "netmask = 255.255.255.0 lease-time = 700 }\n"
	    "  range \"c\" { start = 10.0.0.120 end = 10.0.0.120 "
	    "netmask = 255.255.255.0 lease-time = 800 }\n"
	    "  range \"other\" { start = 10.1.0.100 end = 10.1.0.199 "
	    "netmask = 255.255.255.0 }\n"
	    "}\n", NULL, "10.0.0.1");
	CU_ASSERT_EQUAL(dora(1), inet_addr("10.0.0.100"));
	CU_ASSERT_TRUE(ropt_u32(DHO_LEASE_TIME, 600));
	CU_ASSERT_EQUAL(dora(2), inet_addr("10.0.0.110"));
	CU_ASSERT_TRUE(ropt_u32(DHO_LEASE_TIME, 700));
	CU_ASSERT_EQUAL(dora(3), inet_addr("10.0.0.120"));
	CU_ASSERT_TRUE(ropt_u32(DHO_LEASE_TIME, 800));
	/* Renewing in the third range keeps its settings. */
	in.now = T0 + 400;
	CU_ASSERT_EQUAL_FATAL(request(3, NULL, "10.0.0.120", false), DHCPACK);
	CU_ASSERT_TRUE(ropt_u32(DHO_LEASE_TIME, 800));

	/* All three taken: the fourth gets nothing, never another subnet. */
	sinkbuf[0] = '\0';
	log_setlevel(LOG_WARNING);
	log_set_sink(sink);
	CU_ASSERT_EQUAL(discover(4), -1);
	log_set_sink(NULL);
	log_setlevel(old);
	CU_ASSERT_TRUE(log_has("no reply (pool exhausted)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(sinkbuf, "dhcp: range \"a\" and the "
	    "other ranges of its subnet are exhausted"));
	CU_ASSERT_EQUAL(L.pools[3].nused, 0);
	srv_teardown();
}

static const char pinned_host[] =
	"host \"pinned\" {\n"
	"  mac = \"52:54:00:00:00:01\"\n"
	"  ip = 10.0.0.150\n"
	"  hostname = \"pinned\"\n"
	"}\n"
	"host \"outside\" {\n"
	"  mac = \"52:54:00:00:00:09\"\n"
	"  ip = 10.0.0.20\n"
	"}\n";

static void
test_static_host(void)
{
	static const uint8_t	prl[] = { 1, 12 };
	uint8_t			mac[6];
	struct rq		r;

	srv_server("10.0.0.148", "10.0.0.151", "", pinned_host);
	mac_of(mac, 1);
	rq_new(&r, DHCPDISCOVER, mac, 1);
	rq_opt(&r, DHO_PARAMETER_REQUEST, prl, sizeof(prl));
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.150"));
	CU_ASSERT_TRUE(ropt_str(DHO_HOST_NAME, "pinned"));
	CU_ASSERT_TRUE(log_has("tags known"));

	/* Others never get it, even when they ask for it. */
	mac_of(mac, 2);
	rq_new(&r, DHCPDISCOVER, mac, 2);
	rq_optip(&r, DHO_REQUESTED_ADDRESS, "10.0.0.150");
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.148"));
	CU_ASSERT_EQUAL(request(2, "10.0.0.150", NULL, true), DHCPNAK);
	CU_ASSERT_EQUAL(discover(3), DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.149"));
	CU_ASSERT_EQUAL(discover(4), DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.151"));
	CU_ASSERT_EQUAL(discover(5), -1);
	CU_ASSERT_TRUE(log_has("pool exhausted"));

	/* The host itself: its address ACKed, any other NAKed. */
	CU_ASSERT_EQUAL(dora(1), inet_addr("10.0.0.150"));
	CU_ASSERT_EQUAL(request(1, "10.0.0.149", NULL, true), DHCPNAK);
	CU_ASSERT_TRUE(log_has("host has a fixed address"));
	CU_ASSERT_EQUAL(request(1, "10.0.0.150", NULL, true), DHCPACK);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.150"));

	/* A fixed address in the subnet but outside the range. */
	CU_ASSERT_EQUAL(dora(9), inet_addr("10.0.0.20"));
	in.now = T0 + 1800;
	CU_ASSERT_EQUAL(request(9, NULL, "10.0.0.20", false), DHCPACK);
	CU_ASSERT_EQUAL(request(2, "10.0.0.20", NULL, true), DHCPNAK);
	CU_ASSERT_EQUAL(L.pools[0].nused, 4);
	srv_teardown();
}

/* A range spanning the whole subnet: never its network or broadcast. */
static void
test_net_bcast(void)
{
	uint8_t		mac[6];
	struct rq	r;

	srv_server("10.0.0.0", "10.0.0.255", "", NULL);
	mac_of(mac, 1);
	rq_new(&r, DHCPDISCOVER, mac, 1);
	rq_optip(&r, DHO_REQUESTED_ADDRESS, "10.0.0.255");
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.2"));
	rq_new(&r, DHCPDISCOVER, mac, 1);
	rq_optip(&r, DHO_REQUESTED_ADDRESS, "10.0.0.0");
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.2"));
	/* Nor the server's own address. */
	mac_of(mac, 2);
	rq_new(&r, DHCPDISCOVER, mac, 1);
	rq_optip(&r, DHO_REQUESTED_ADDRESS, "10.0.0.1");
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.3"));
	CU_ASSERT_EQUAL(request(3, "10.0.0.255", NULL, true), DHCPNAK);
	CU_ASSERT_EQUAL(request(3, "10.0.0.0", NULL, true), DHCPNAK);
	CU_ASSERT_EQUAL(request(3, "10.0.0.1", NULL, true), DHCPNAK);
	CU_ASSERT_EQUAL(request(3, "10.0.0.254", NULL, true), DHCPACK);
	srv_teardown();
}

static void
test_relay(void)
{
	static const char	two[] =
		"dhcp {\n"
		"  mode = server\n"
		"  range \"a\" { start = 10.0.0.100 end = 10.0.0.199 "
		    "netmask = 255.255.255.0 router = 10.0.0.1 }\n"
		"  range \"b\" { start = 10.1.0.100 end = 10.1.0.199 "
		    "netmask = 255.255.255.0 router = 10.1.0.1 "
		    "lease-time = 600 }\n"
		"}\n";
	uint8_t		mac[6];
	struct rq	r;

	srv_setup(two, NULL, "10.0.0.1");
	mac_of(mac, 1);
	rq_new(&r, DHCPDISCOVER, mac, 1);
	rq_addr(&r, 24, "10.1.0.1");
	rq_bcast(&r);
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.1.0.100"));
	CU_ASSERT_TRUE(ropt_ip(DHO_ROUTERS, "10.1.0.1"));
	CU_ASSERT_TRUE(ropt_ip(DHO_SUBNET_MASK, "255.255.255.0"));
	CU_ASSERT_TRUE(ropt_u32(DHO_LEASE_TIME, 600));
	CU_ASSERT_TRUE(ropt_ip(DHO_SERVER_IDENTIFIER, "10.0.0.1"));
	CU_ASSERT_EQUAL(out.dest, DHCP_DEST_RELAY);
	CU_ASSERT_TRUE(to_is("10.1.0.1", 67));
	CU_ASSERT_EQUAL(rep.giaddr.s_addr, inet_addr("10.1.0.1"));
	CU_ASSERT_EQUAL(lease_pool_of(&L, unit_hip("10.1.0.100")), 1);

	rq_new(&r, DHCPREQUEST, mac, 2);
	rq_addr(&r, 24, "10.1.0.1");
	rq_optip(&r, DHO_SERVER_IDENTIFIER, "10.0.0.1");
	rq_optip(&r, DHO_REQUESTED_ADDRESS, "10.1.0.100");
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPACK);
	CU_ASSERT_TRUE(yiaddr_is("10.1.0.100"));
	CU_ASSERT_EQUAL(out.dest, DHCP_DEST_RELAY);
	CU_ASSERT_TRUE(to_is("10.1.0.1", 67));
	CU_ASSERT_EQUAL(lease_of(1)->expires, T0 + 600);
	CU_ASSERT_EQUAL(L.pools[1].nused, 1);
	CU_ASSERT_EQUAL(L.pools[0].nused, 0);

	/* Not relayed: the receiving interface's range. */
	CU_ASSERT_EQUAL_FATAL(discover(2), DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.100"));
	CU_ASSERT_TRUE(ropt_u32(DHO_LEASE_TIME, 3600));

	/* Client 1 moved to range a's subnet: its b address is NAKed. */
	CU_ASSERT_EQUAL(request(1, "10.1.0.100", NULL, true), DHCPNAK);

	/* A relay on a subnet without a range. */
	mac_of(mac, 3);
	rq_new(&r, DHCPDISCOVER, mac, 3);
	rq_addr(&r, 24, "172.16.0.1");
	CU_ASSERT_EQUAL(srv(&r), -1);
	CU_ASSERT_EQUAL(out.reqtype, DHCPDISCOVER);
	CU_ASSERT_TRUE(log_has("no reply (no range for this subnet)"));
	CU_ASSERT_PTR_NULL(lease_of(3));
	srv_teardown();
}

/* ---------- option 82 ---------- */

static const char agent_conf[] =
	"dhcp {\n"
	"  mode = server\n"
	"  range \"a\" { start = 10.0.0.100 end = 10.0.0.199 "
	    "netmask = 255.255.255.0 router = 10.0.0.1 }\n"
	"  range \"b\" { start = 10.1.0.100 end = 10.1.0.199 "
	    "netmask = 255.255.255.0 router = 10.1.0.1 }\n"
	"  range \"c\" { start = 10.2.0.100 end = 10.2.0.199 "
	    "netmask = 255.255.255.0 router = 10.2.0.1 }\n"
	"}\n";

static const char agent_rules[] =
	"match \"port7\" { circuit-id = \"eth0/7\" }\n"
	"boot \"p7\" { if = \"port7\" filename = \"port7.efi\" }\n"
	"boot \"other\" { filename = \"other.efi\" }\n";

/* circuit id "eth0/7", remote id 00 11 22, then what follows. */
static size_t
agent_of(uint8_t *b, const char *link, const char *sid)
{
	static const uint8_t	 head[] = { 1, 6, 'e', 't', 'h', '0', '/',
				    '7', 2, 3, 0, 0x11, 0x22 };
	const char		*addr[2] = { link, sid };
	static const uint8_t	 code[2] = { DHCP_AGENT_LINK_SELECTION,
				    DHCP_AGENT_SERVER_ID_OVERRIDE };
	size_t			 n = sizeof(head), i;
	in_addr_t		 a;

	memcpy(b, head, n);
	for (i = 0; i < 2; i++) {
		if (addr[i] == NULL)
			continue;
		b[n++] = code[i];
		b[n++] = 4;
		a = inet_addr(addr[i]);
		memcpy(b + n, &a, 4);
		n += 4;
	}
	return n;
}

/* Whether the reply's option 82 is ag, byte for byte, last before END. */
static bool
agent_echoed(const uint8_t *ag, size_t len)
{
	int	k = rpos(DHO_RELAY_AGENT_INFO), last = -1, i;

	for (i = 1; i < 255; i++)
		if (rpos((uint8_t)i) > last)
			last = rpos((uint8_t)i);
	return k >= 0 && k == last && ropt_is(DHO_RELAY_AGENT_INFO, ag, len);
}

/* A relayed (giaddr 10.1.0.1) request of client n with option 82 ag. */
static void
rq_relayed(struct rq *r, int type, unsigned n, const uint8_t *ag,
    size_t aglen)
{
	uint8_t	mac[6];

	mac_of(mac, n);
	rq_new(r, type, mac, 0x4000 + n);
	rq_addr(r, 24, "10.1.0.1");
	rq_opt(r, DHO_RELAY_AGENT_INFO, ag, aglen);
}

/* The same with option 54 sid and option 50 want (NULL: none); sent. */
static int
relayed(int type, unsigned n, const uint8_t *ag, size_t aglen,
    const char *sid, const char *want)
{
	struct rq	r;

	rq_relayed(&r, type, n, ag, aglen);
	if (sid != NULL)
		rq_optip(&r, DHO_SERVER_IDENTIFIER, sid);
	if (want != NULL)
		rq_optip(&r, DHO_REQUESTED_ADDRESS, want);
	return srv(&r);
}

/*
 * RFC 3046 2.2: every reply to the relay echoes option 82 unchanged, as
 * the last option; RFC 3046 2.1: with giaddr 0 it is the client's own,
 * neither echoed nor matched.  A rule on the circuit id picks the file.
 */
static void
test_agent_echo(void)
{
	uint8_t		ag[64];
	size_t		n = agent_of(ag, NULL, NULL);
	struct rq	r;
	uint8_t		mac[6];

	srv_setup(agent_conf, agent_rules, "10.0.0.1");
	CU_ASSERT_EQUAL_FATAL(relayed(DHCPDISCOVER, 1, ag, n, NULL, NULL),
	    DHCPOFFER);
	CU_ASSERT_EQUAL(out.dest, DHCP_DEST_RELAY);
	CU_ASSERT_TRUE(yiaddr_is("10.1.0.100"));
	CU_ASSERT_TRUE(agent_echoed(ag, n));
	CU_ASSERT_FALSE(out.agent_malformed);
	CU_ASSERT_STRING_EQUAL((const char *)rep.file, "port7.efi");
	CU_ASSERT_TRUE(log_has("tags port7"));

	CU_ASSERT_EQUAL_FATAL(relayed(DHCPREQUEST, 1, ag, n,
	    "10.0.0.1", "10.1.0.100"), DHCPACK);
	CU_ASSERT_TRUE(agent_echoed(ag, n));
	CU_ASSERT_STRING_EQUAL((const char *)rep.file, "port7.efi");

	/* A NAK to the relay echoes it too. */
	CU_ASSERT_EQUAL_FATAL(relayed(DHCPREQUEST, 1, ag, n,
	    NULL, "10.0.0.150"), DHCPNAK);
	CU_ASSERT_TRUE(agent_echoed(ag, n));

	/* Another circuit: another boot file. */
	ag[7] = '8';
	CU_ASSERT_EQUAL_FATAL(relayed(DHCPDISCOVER, 2, ag, n, NULL, NULL),
	    DHCPOFFER);
	CU_ASSERT_TRUE(agent_echoed(ag, n));
	CU_ASSERT_STRING_EQUAL((const char *)rep.file, "other.efi");
	ag[7] = '7';

	/* Not relayed: the client's own 82 is not echoed nor matched. */
	mac_of(mac, 3);
	rq_new(&r, DHCPDISCOVER, mac, 3);
	rq_opt(&r, DHO_RELAY_AGENT_INFO, ag, n);
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_EQUAL(rpos(DHO_RELAY_AGENT_INFO), -1);
	CU_ASSERT_STRING_EQUAL((const char *)rep.file, "other.efi");
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.100"));

	/* Relayed without 82: none in the reply. */
	mac_of(mac, 4);
	rq_new(&r, DHCPDISCOVER, mac, 4);
	rq_addr(&r, 24, "10.1.0.1");
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_EQUAL(rpos(DHO_RELAY_AGENT_INFO), -1);
	CU_ASSERT_FALSE(out.agent_unechoed);
	srv_teardown();
}

/*
 * RFC 3046 2.2: a server unable to copy the whole option 82 into a reply
 * SHALL send the reply without it (and SHOULD count it).
 */
static void
test_agent_no_room(void)
{
	char		conf_text[2048], big[201];
	uint8_t		ag[255];
	struct rq	r;

	memset(big, 'x', 200);
	big[200] = '\0';
	snprintf(conf_text, sizeof(conf_text), "dhcp {\n"
	    "  mode = server\n"
	    "  option = { \"224=%s\", \"225=%s\" }\n"
	    "  range \"b\" { start = 10.1.0.100 end = 10.1.0.199 "
	    "netmask = 255.255.255.0 }\n"
	    "}\n", big, big);
	srv_setup(conf_text, NULL, "10.0.0.1");
	memset(ag, 'c', sizeof(ag));
	ag[0] = DHCP_AGENT_CIRCUIT_ID;
	ag[1] = 253;
	rq_relayed(&r, DHCPDISCOVER, 1, ag, sizeof(ag));
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_EQUAL(out.dest, DHCP_DEST_RELAY);
	CU_ASSERT_EQUAL(rpos(DHO_RELAY_AGENT_INFO), -1);
	CU_ASSERT_TRUE(ropt_str(224, big));
	CU_ASSERT_TRUE(out.agent_unechoed);
	CU_ASSERT_FALSE(out.agent_malformed);

	/* A small one fits. */
	ag[1] = 6;
	CU_ASSERT_EQUAL_FATAL(relayed(DHCPDISCOVER, 1, ag, 8, NULL, NULL),
	    DHCPOFFER);
	CU_ASSERT_TRUE(agent_echoed(ag, 8));
	CU_ASSERT_FALSE(out.agent_unechoed);
	srv_teardown();
}

/*
 * RFC 3527 3: with the link selection sub-option the server MUST
 * allocate on the subnet it names (or one on its link), not giaddr's;
 * the reply still goes to giaddr.
 */
static void
test_agent_link(void)
{
	uint8_t		ag[64];
	size_t		n = agent_of(ag, "10.2.0.0", NULL);

	srv_setup(agent_conf, NULL, "10.0.0.1");
	CU_ASSERT_EQUAL_FATAL(relayed(DHCPDISCOVER, 1, ag, n, NULL, NULL),
	    DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.2.0.100"));
	CU_ASSERT_TRUE(ropt_ip(DHO_ROUTERS, "10.2.0.1"));
	CU_ASSERT_EQUAL(out.dest, DHCP_DEST_RELAY);
	CU_ASSERT_TRUE(to_is("10.1.0.1", 67));
	CU_ASSERT_TRUE(agent_echoed(ag, n));

	/* REQUEST: the address is checked against the selected subnet. */
	CU_ASSERT_EQUAL_FATAL(relayed(DHCPREQUEST, 1, ag, n,
	    "10.0.0.1", "10.2.0.100"), DHCPACK);
	CU_ASSERT_TRUE(yiaddr_is("10.2.0.100"));
	CU_ASSERT_EQUAL(lease_pool_of(&L, unit_hip("10.2.0.100")), 2);
	CU_ASSERT_TRUE(to_is("10.1.0.1", 67));
	/* Without the sub-option, giaddr's subnet: the c address is NAKed. */
	n = agent_of(ag, NULL, NULL);
	CU_ASSERT_EQUAL(relayed(DHCPREQUEST, 1, ag, n, NULL, "10.2.0.100"),
	    DHCPNAK);

	/* A subnet without a range: no reply. */
	n = agent_of(ag, "172.16.0.0", NULL);
	CU_ASSERT_EQUAL(relayed(DHCPDISCOVER, 2, ag, n, NULL, NULL), -1);
	CU_ASSERT_TRUE(log_has("no range for this subnet"));
	srv_teardown();
}

/*
 * RFC 5107 4: with the server identifier override sub-option, option 54
 * of the replies is its address, and a REQUEST (or DECLINE) naming that
 * address is for this server.
 */
static void
test_agent_override(void)
{
	uint8_t		ag[64];
	size_t		n = agent_of(ag, NULL, "10.1.0.254");

	srv_setup(agent_conf, NULL, "10.0.0.1");
	CU_ASSERT_EQUAL_FATAL(relayed(DHCPDISCOVER, 1, ag, n, NULL, NULL),
	    DHCPOFFER);
	CU_ASSERT_TRUE(ropt_ip(DHO_SERVER_IDENTIFIER, "10.1.0.254"));
	CU_ASSERT_TRUE(agent_echoed(ag, n));

	/* Naming our own address is now naming another server. */
	CU_ASSERT_EQUAL(relayed(DHCPREQUEST, 1, ag, n, "10.0.0.1",
	    "10.1.0.100"), -1);
	CU_ASSERT_TRUE(log_has("client chose another server"));

	CU_ASSERT_EQUAL_FATAL(relayed(DHCPDISCOVER, 1, ag, n, NULL, NULL),
	    DHCPOFFER);
	CU_ASSERT_EQUAL_FATAL(relayed(DHCPREQUEST, 1, ag, n,
	    "10.1.0.254", "10.1.0.100"), DHCPACK);
	CU_ASSERT_TRUE(yiaddr_is("10.1.0.100"));
	CU_ASSERT_TRUE(ropt_ip(DHO_SERVER_IDENTIFIER, "10.1.0.254"));
	CU_ASSERT_TRUE(agent_echoed(ag, n));

	/* DECLINE naming the override address is ours too. */
	CU_ASSERT_EQUAL(relayed(DHCPDECLINE, 1, ag, n, "10.1.0.254",
	    "10.1.0.100"), -1);
	CU_ASSERT_TRUE(log_has("no reply (declined)"));

	/* Without the sub-option, option 54 is ours again. */
	n = agent_of(ag, NULL, NULL);
	CU_ASSERT_EQUAL_FATAL(relayed(DHCPDISCOVER, 2, ag, n, NULL, NULL),
	    DHCPOFFER);
	CU_ASSERT_TRUE(ropt_ip(DHO_SERVER_IDENTIFIER, "10.0.0.1"));
	srv_teardown();
}

/*
 * Malformed option 82 (RFC 3046 2.0: sub-options must fit; RFC 3527 3,
 * RFC 5107 4: 5 and 11 are 4 bytes): echoed whole (2.2), none of its
 * sub-options used, a warning.
 */
static void
test_agent_malformed(void)
{
	static const uint8_t	trunc[] = { 1, 6, 'e', 't', 'h', '0', '/', '7',
				    5, 4, 10, 2, 0, 0, 11, 4, 10, 1 };
	static const uint8_t	badlink[] = { 1, 6, 'e', 't', 'h', '0', '/',
				    '7', 5, 3, 10, 2, 0 };
	struct rq		r;

	srv_setup(agent_conf, agent_rules, "10.0.0.1");
	log_set_sink(sink);
	log_setlevel(LOG_WARNING);
	sinkbuf[0] = '\0';
	rq_relayed(&r, DHCPDISCOVER, 1, trunc, sizeof(trunc));
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.1.0.100"));
	CU_ASSERT_TRUE(ropt_ip(DHO_SERVER_IDENTIFIER, "10.0.0.1"));
	CU_ASSERT_TRUE(agent_echoed(trunc, sizeof(trunc)));
	CU_ASSERT_STRING_EQUAL((const char *)rep.file, "other.efi");
	CU_ASSERT_PTR_NOT_NULL(strstr(sinkbuf, "option 82 from relay "
	    "10.1.0.1 is malformed (a sub-option runs past the end)"));
	CU_ASSERT_TRUE(out.agent_malformed);

	rq_relayed(&r, DHCPDISCOVER, 2, badlink, sizeof(badlink));
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.1.0.101"));
	CU_ASSERT_TRUE(agent_echoed(badlink, sizeof(badlink)));
	CU_ASSERT_STRING_EQUAL((const char *)rep.file, "other.efi");

	/* Empty: one byte short of a sub-option header, echoed as sent. */
	CU_ASSERT_EQUAL_FATAL(relayed(DHCPDISCOVER, 3, trunc, 0, NULL, NULL),
	    DHCPOFFER);
	CU_ASSERT_TRUE(agent_echoed(trunc, 0));
	srv_teardown();
}

static void
test_bootp(void)
{
	uint8_t		mac[6];
	struct rq	r;
	struct lease	*l;

	srv_server("10.0.0.100", "10.0.0.199", "", NULL);
	mac_of(mac, 1);
	rq_new(&r, 0, mac, 0x424f4f54);
	CU_ASSERT_EQUAL(srv(&r), -1);
	CU_ASSERT_EQUAL(out.reqtype, 0);
	CU_ASSERT_TRUE(log_has("BOOTP(eth0)"));
	CU_ASSERT_TRUE(log_has("no reply (BOOTP not enabled)"));
	CU_ASSERT_EQUAL(L.n, 0);

	srv_server("10.0.0.100", "10.0.0.199", "bootp = yes",
	    "boot \"all\" { filename = \"pxelinux.0\" }\n");
	CU_ASSERT_EQUAL_FATAL(srv(&r), 0);
	CU_ASSERT_EQUAL(out.reqtype, 0);
	CU_ASSERT_EQUAL(rep.op, BOOTREPLY);
	CU_ASSERT_EQUAL(rep.xid, 0x424f4f54);
	CU_ASSERT_EQUAL(dhcp_pkt_msgtype(&rep), 0);
	CU_ASSERT_FALSE(ropt_has(DHO_MESSAGE_TYPE));
	CU_ASSERT_FALSE(ropt_has(DHO_SERVER_IDENTIFIER));
	CU_ASSERT_FALSE(ropt_has(DHO_LEASE_TIME));
	CU_ASSERT_TRUE(ropt_ip(DHO_SUBNET_MASK, "255.255.255.0"));
	CU_ASSERT_TRUE(ropt_ip(DHO_ROUTERS, "10.0.0.1"));
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.100"));
	CU_ASSERT_EQUAL(rep.siaddr.s_addr, inet_addr("10.0.0.1"));
	CU_ASSERT_STRING_EQUAL((const char *)rep.file, "pxelinux.0");
	CU_ASSERT_EQUAL(out.len, 300);
	CU_ASSERT_TRUE(out.durable);
	CU_ASSERT_EQUAL(out.dest, DHCP_DEST_YIADDR);
	CU_ASSERT_TRUE(log_has("-> BOOTREPLY 10.0.0.100"));
	l = lease_of(1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(l->state, LEASE_ACKED);
	CU_ASSERT_EQUAL(l->expires, LEASE_NEVER);
	/* The same client again, years later: the same address. */
	in.now = T0 + 100000000;
	CU_ASSERT_EQUAL_FATAL(srv(&r), 0);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.100"));
	CU_ASSERT_EQUAL(discover(2), DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.101"));
	srv_teardown();
}

/*
 * RFC 6842 section 3 (updating RFC 2131 table 3): OFFER, ACK and NAK echo
 * the client identifier the client sent; no 61 without one, none to BOOTP.
 */
static void
test_client_id(void)
{
	static const uint8_t	cid[] = { 0xff, 0, 0, 0, 7, 0, 1, 0, 1,
				    0x2b, 0x1a, 0x3c, 0x4d };
	uint8_t			mac[6];
	struct rq		r;

	srv_server("10.0.0.100", "10.0.0.199", "bootp = yes", NULL);
	mac_of(mac, 1);
	rq_new(&r, DHCPDISCOVER, mac, 61);
	rq_opt(&r, DHO_CLIENT_IDENTIFIER, cid, sizeof(cid));
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_TRUE(ropt_is(DHO_CLIENT_IDENTIFIER, cid, sizeof(cid)));
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.100"));

	rq_new(&r, DHCPREQUEST, mac, 61);
	rq_opt(&r, DHO_CLIENT_IDENTIFIER, cid, sizeof(cid));
	rq_opt(&r, DHO_SERVER_IDENTIFIER, &in.ifaddr, 4);
	rq_optip(&r, DHO_REQUESTED_ADDRESS, "10.0.0.100");
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPACK);
	CU_ASSERT_TRUE(ropt_is(DHO_CLIENT_IDENTIFIER, cid, sizeof(cid)));

	/* A NAK too: INIT-REBOOT for an address of another subnet. */
	rq_new(&r, DHCPREQUEST, mac, 62);
	rq_opt(&r, DHO_CLIENT_IDENTIFIER, cid, sizeof(cid));
	rq_optip(&r, DHO_REQUESTED_ADDRESS, "192.168.9.9");
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPNAK);
	CU_ASSERT_TRUE(ropt_is(DHO_CLIENT_IDENTIFIER, cid, sizeof(cid)));

	/* An INFORM's ACK. */
	rq_new(&r, DHCPINFORM, mac, 63);
	rq_opt(&r, DHO_CLIENT_IDENTIFIER, cid, sizeof(cid));
	rq_addr(&r, 12, "10.0.0.100");
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPACK);
	CU_ASSERT_TRUE(ropt_is(DHO_CLIENT_IDENTIFIER, cid, sizeof(cid)));

	/* Without 61 in the request, none in the reply. */
	mac_of(mac, 2);
	CU_ASSERT_EQUAL_FATAL(discover(2), DHCPOFFER);
	CU_ASSERT_FALSE(ropt_has(DHO_CLIENT_IDENTIFIER));
	CU_ASSERT_EQUAL(dora(2), inet_addr("10.0.0.101"));
	CU_ASSERT_FALSE(ropt_has(DHO_CLIENT_IDENTIFIER));
	CU_ASSERT_EQUAL_FATAL(request(2, "192.168.9.9", NULL, true), DHCPNAK);
	CU_ASSERT_FALSE(ropt_has(DHO_CLIENT_IDENTIFIER));

	/* BOOTP replies (RFC 6842 covers DHCP messages only): none. */
	mac_of(mac, 3);
	rq_new(&r, 0, mac, 64);
	rq_opt(&r, DHO_CLIENT_IDENTIFIER, cid, sizeof(cid));
	CU_ASSERT_EQUAL_FATAL(srv(&r), 0);
	CU_ASSERT_FALSE(ropt_has(DHO_CLIENT_IDENTIFIER));
	srv_teardown();
}

/* ---------- the journal ---------- */

static void
reopen_store(const char *path, int64_t now)
{
	lease_fini(&L);
	lease_init(&L);
	lease_pools(&L, conf, now);
	lease_server_addr(&L, in.ifaddr);
	CU_ASSERT_EQUAL(lease_open(&L, path, now), 0);
}

static void
test_restart(void)
{
	char	path[300], text[2048];

	srv_server("10.0.0.100", "10.0.0.199", "", NULL);
	snprintf(path, sizeof(path), "%s/leases", treedir);
	CU_ASSERT_EQUAL_FATAL(lease_open(&L, path, T0), 0);
	CU_ASSERT_EQUAL(dora(1), inet_addr("10.0.0.100"));
	CU_ASSERT_TRUE(lease_pending(&L));
	CU_ASSERT_EQUAL(dora(2), inet_addr("10.0.0.101"));
	CU_ASSERT_EQUAL(lease_sync(&L), 0);
	CU_ASSERT_FALSE(lease_pending(&L));
	unit_slurp(path, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text,
	    "# pxed leases 1\n"
	    "A 10.0.0.100 1800003600 1 525400000001 01525400000001 -\n"
	    "A 10.0.0.101 1800003600 1 525400000002 01525400000002 -\n");
	/* An offer is never journaled. */
	CU_ASSERT_EQUAL(discover(3), DHCPOFFER);
	CU_ASSERT_FALSE(lease_pending(&L));

	in.now = T0 + 10;
	reopen_store(path, in.now);
	CU_ASSERT_EQUAL(L.n, 2);
	CU_ASSERT_EQUAL(L.pools[0].nused, 2);
	CU_ASSERT_EQUAL_FATAL(discover(3), DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.102"));
	CU_ASSERT_EQUAL_FATAL(discover(2), DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.101"));
	CU_ASSERT_EQUAL_FATAL(discover(1), DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.100"));
	/* Renewing after the restart, without a DISCOVER. */
	CU_ASSERT_EQUAL(request(2, NULL, "10.0.0.101", false), DHCPACK);
	CU_ASSERT_EQUAL(lease_of(2)->expires, T0 + 10 + 3600);

	/* A release and a decline survive a restart too. */
	{
		struct rq	r;
		uint8_t		mac[6];

		mac_of(mac, 1);
		rq_new(&r, DHCPRELEASE, mac, 1);
		rq_addr(&r, 12, "10.0.0.100");
		CU_ASSERT_EQUAL(srv(&r), -1);
		mac_of(mac, 2);
		rq_new(&r, DHCPDECLINE, mac, 1);
		rq_optip(&r, DHO_SERVER_IDENTIFIER, "10.0.0.1");
		rq_optip(&r, DHO_REQUESTED_ADDRESS, "10.0.0.101");
		CU_ASSERT_EQUAL(srv(&r), -1);
	}
	CU_ASSERT_EQUAL(lease_sync(&L), 0);
	reopen_store(path, in.now);
	CU_ASSERT_EQUAL(lease_by_addr(&L, unit_hip("10.0.0.101"))->state,
	    LEASE_DECLINED);
	CU_ASSERT_EQUAL(lease_by_addr(&L, unit_hip("10.0.0.101"))->expires,
	    T0 + 10 + conf->dhcp.decline_time);
	CU_ASSERT_TRUE(lease_by_addr(&L, unit_hip("10.0.0.100")) == NULL ||
	    !lease_is_live(lease_by_addr(&L, unit_hip("10.0.0.100")), in.now));
	CU_ASSERT_EQUAL(L.pools[0].nused, 1);
	srv_teardown();
}

static void
test_torn_journal(void)
{
	char	path[300], text[2048];

	srv_server("10.0.0.100", "10.0.0.199", "", NULL);
	snprintf(path, sizeof(path), "%s/leases", treedir);
	unit_tree_file("leases",
	    "# pxed leases 1\n"
	    "A 10.0.0.100 1800003600 1 525400000001 01525400000001 host-a\n"
	    "this is not a lease\n"
	    "A 10.0.0.102 1800003600 1 zz 01525400000003 -\n"
	    "A 10.0.0.103 1800003600 1 525400000004 01525400000004\n"
	    "A 10.0.0.101 1800003600 1 525400000002 015254");
	CU_ASSERT_EQUAL_FATAL(lease_open(&L, path, T0), 0);
	CU_ASSERT_EQUAL(L.st.load_skipped, 4);
	CU_ASSERT_EQUAL(L.n, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lease_of(1));
	CU_ASSERT_EQUAL(lease_of(1)->addr, unit_hip("10.0.0.100"));
	CU_ASSERT_EQUAL(lease_of(1)->state, LEASE_ACKED);
	CU_ASSERT_EQUAL(lease_of(1)->expires, T0 + 3600);
	CU_ASSERT_STRING_EQUAL(lease_of(1)->hostname, "host-a");
	CU_ASSERT_PTR_NULL(lease_by_addr(&L, unit_hip("10.0.0.101")));
	CU_ASSERT_PTR_NULL(lease_by_addr(&L, unit_hip("10.0.0.102")));
	/* Rewritten: whole lines only. */
	unit_slurp(path, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text,
	    "# pxed leases 1\n"
	    "A 10.0.0.100 1800003600 1 525400000001 01525400000001 host-a\n");
	CU_ASSERT_EQUAL_FATAL(discover(1), DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.100"));
	CU_ASSERT_EQUAL_FATAL(discover(2), DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.101"));
	srv_teardown();
}

static void
test_compaction(void)
{
	char	path[300], text[4096];

	srv_server("10.0.0.100", "10.0.0.199", "", NULL);
	snprintf(path, sizeof(path), "%s/leases", treedir);
	unit_tree_file("leases",
	    "# pxed leases 1\n"
	    "A 10.0.0.100 1800003600 1 525400000001 01525400000001 a\n"
	    "A 10.0.0.101 1799999990 1 525400000002 01525400000002 b\n"
	    "A 10.0.0.102 1800003600 1 525400000003 01525400000003 c\n"
	    "R 10.0.0.102\n"
	    "D 10.0.0.103 1800000100\n"
	    "D 10.0.0.104 1799999999\n"
	    "A 10.0.0.105 1800003600 1 525400000004 01525400000004 d\n"
	    "A 10.0.0.106 1800003600 1 525400000004 01525400000004 d\n"
	    "A 10.0.0.107 never 1 525400000005 01525400000005 e\n");
	CU_ASSERT_EQUAL_FATAL(lease_open(&L, path, T0), 0);
	CU_ASSERT_EQUAL(L.st.load_skipped, 0);
	CU_ASSERT_EQUAL(L.st.compactions, 1);
	CU_ASSERT_EQUAL(L.st.journal_lines, 4);
	CU_ASSERT_EQUAL(L.pools[0].nused, 4);
	unit_sorted_lines(path, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text,
	    "# pxed leases 1\n"
	    "A 10.0.0.100 1800003600 1 525400000001 01525400000001 a\n"
	    "A 10.0.0.106 1800003600 1 525400000004 01525400000004 d\n"
	    "A 10.0.0.107 never 1 525400000005 01525400000005 e\n"
	    "D 10.0.0.103 1800000100\n");
	CU_ASSERT_EQUAL(lease_of(4)->addr, unit_hip("10.0.0.106"));
	CU_ASSERT_PTR_NULL(lease_by_addr(&L, unit_hip("10.0.0.105")));

	/* Later: the quarantine is over. */
	CU_ASSERT_EQUAL(lease_compact(&L, T0 + 200), 0);
	CU_ASSERT_EQUAL(L.st.compactions, 2);
	unit_sorted_lines(path, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text,
	    "# pxed leases 1\n"
	    "A 10.0.0.100 1800003600 1 525400000001 01525400000001 a\n"
	    "A 10.0.0.106 1800003600 1 525400000004 01525400000004 d\n"
	    "A 10.0.0.107 never 1 525400000005 01525400000005 e\n");
	/* Appending goes on after a compaction. */
	in.now = T0 + 200;
	CU_ASSERT_EQUAL(dora(9), inet_addr("10.0.0.101"));
	CU_ASSERT_EQUAL(lease_sync(&L), 0);
	CU_ASSERT_EQUAL(L.st.journal_lines, 4);
	unit_sorted_lines(path, text, sizeof(text));
	CU_ASSERT_PTR_NOT_NULL(strstr(text,
	    "A 10.0.0.101 1800003800 1 525400000009 01525400000009 -\n"));
	srv_teardown();
}

/* The ranges changed: a lease outside them is NAKed on renewal. */
static void
test_config_change(void)
{
	struct conf	*c2;

	srv_server("10.0.0.100", "10.0.0.199", "", NULL);
	CU_ASSERT_EQUAL_FATAL(dora(1), inet_addr("10.0.0.100"));
	unit_tree_file("pxed.conf",
	    "dhcp {\n"
	    "  mode = server\n"
	    "  range \"new\" { start = 10.0.0.150 end = 10.0.0.199 "
	    "netmask = 255.255.255.0 }\n"
	    "}\n");
	c2 = load_conf();
	CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
	conf_free(conf);
	conf = c2;
	in.conf = conf;
	in.now = T0 + 1800;
	lease_pools(&L, conf, in.now);
	CU_ASSERT_EQUAL(lease_pool_of(&L, unit_hip("10.0.0.100")), -1);
	CU_ASSERT_EQUAL(L.pools[0].nused, 0);
	CU_ASSERT_EQUAL(request(1, NULL, "10.0.0.100", false), DHCPNAK);
	CU_ASSERT_TRUE(log_has("not in a range"));
	CU_ASSERT_EQUAL(request(1, "10.0.0.100", NULL, true), DHCPNAK);
	CU_ASSERT_EQUAL_FATAL(discover(1), DHCPOFFER);
	CU_ASSERT_TRUE(yiaddr_is("10.0.0.150"));
	srv_teardown();
}

/*
 * Configured options beside the ones the engine computes: each option
 * goes out once (a repeated option is concatenated by the client, RFC
 * 3396, so "PXEClient" twice would read "PXEClientPXEClient").
 */
static void
test_option_once(void)
{
	static const char	vc[] = "HTTPClient:Arch:00016:UNDI:003001";
	static const uint8_t	pxe8[] = { 6, 1, 8, 255 };
	uint8_t			mac[6];
	struct rq		r;

	srv_setup("dhcp {\n"
	    "  mode = server\n"
	    "  option = { \"60=PXEClient\", \"66=10.0.0.9\", "
	    "\"42=ip:10.0.0.3\" }\n"
	    "  range \"lan\" { start = 192.168.0.100 end = 192.168.0.199 "
	    "netmask = 255.255.255.0 }\n"
	    "}\n",
	    "match \"efi64\" { arch = efi-x64 }\n"
	    "match \"http\" { vendorclass = \"HTTPClient\" }\n"
	    "boot \"http\" { if = \"http\" filename = \"${http}/ipxe.efi\" }\n"
	    "boot \"uefi\" { if = \"efi64\" filename = \"ipxe.efi\" "
	    "tftp-server-option = yes option = { \"97=hex:00\", "
	    "\"43=hex:060108ff\" } }\n", "192.168.0.2");
	CU_ASSERT_EQUAL_FATAL(srv_fixture("01-dhcpd-msg-discover.bin"),
	    DHCPOFFER);
	CU_ASSERT_TRUE(ropt_str(DHO_VENDOR_CLASS_ID, "PXEClient"));
	CU_ASSERT_TRUE(ropt_str(DHO_TFTP_SERVER_NAME, "192.168.0.2"));
	CU_ASSERT_TRUE(ropt_ip(DHO_NTP_SERVERS, "10.0.0.3"));
	CU_ASSERT_TRUE(ropt_is(DHO_VENDOR_ENCAPSULATED, pxe8, sizeof(pxe8)));
	{
		const uint8_t	*uuid;
		size_t		 ulen;

		uuid = dhcp_pkt_opt(&req, DHO_CLIENT_UUID, &ulen);
		CU_ASSERT_PTR_NOT_NULL_FATAL(uuid);
		CU_ASSERT_TRUE(ropt_is(DHO_CLIENT_UUID, uuid, ulen));
	}
	/* An HTTP boot client still sees its own class echoed. */
	mac_of(mac, 16);
	rq_new(&r, DHCPDISCOVER, mac, 1);
	rq_opt(&r, DHO_VENDOR_CLASS_ID, vc, strlen(vc));
	rq_opt(&r, DHO_CLIENT_ARCH, "\x00\x10", 2);
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_TRUE(ropt_str(DHO_VENDOR_CLASS_ID, "HTTPClient"));
	CU_ASSERT_STRING_EQUAL((const char *)rep.file,
	    "http://192.168.0.2/ipxe.efi");
	/* A plain client gets the configured options as they are. */
	mac_of(mac, 17);
	rq_new(&r, DHCPDISCOVER, mac, 1);
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_TRUE(ropt_str(DHO_VENDOR_CLASS_ID, "PXEClient"));
	CU_ASSERT_TRUE(ropt_str(DHO_TFTP_SERVER_NAME, "10.0.0.9"));
	srv_teardown();
}

/*
 * A configured option wins over the value pxed computes (pxed.conf(5):
 * configured options are always sent; RFC 2131 4.3.1 leaves the values to
 * the configuration): 28 as configured even when asked for, a boot
 * entry's 1 and 3, and 58 and 59 (RFC 2132 9.11, 9.12); each once.
 */
static void
test_option_configured(void)
{
	static const uint8_t	prl[] = { 1, 3, 28, 58, 59 };
	uint8_t			mac[6];
	struct rq		r;

	srv_server("10.0.0.100", "10.0.0.199", "option = { "
	    "\"28=ip:255.255.255.0\", \"58=u32:100\", \"59=u32:200\", "
	    "\"1=ip:255.0.0.0\" }",
	    "match \"one\" { mac = \"52:54:00:00:00:01\" }\n"
	    "boot \"one\" { if = \"one\" filename = \"x\" option = { "
	    "\"1=ip:255.255.0.0\", \"3=ip:10.0.0.254\" } }\n");
	mac_of(mac, 1);
	rq_new(&r, DHCPDISCOVER, mac, 28);
	rq_opt(&r, DHO_PARAMETER_REQUEST, prl, sizeof(prl));
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_TRUE(ropt_ip(DHO_BROADCAST_ADDRESS, "255.255.255.0"));
	CU_ASSERT_TRUE(ropt_u32(DHO_RENEWAL_TIME, 100));
	CU_ASSERT_TRUE(ropt_u32(DHO_REBINDING_TIME, 200));
	CU_ASSERT_TRUE(ropt_u32(DHO_LEASE_TIME, 3600));
	/* The boot entry's before the dhcp section's. */
	CU_ASSERT_TRUE(ropt_ip(DHO_SUBNET_MASK, "255.255.0.0"));
	CU_ASSERT_TRUE(ropt_ip(DHO_ROUTERS, "10.0.0.254"));

	/* Another client: the dhcp section's 1, the range's router. */
	mac_of(mac, 2);
	rq_new(&r, DHCPDISCOVER, mac, 29);
	rq_opt(&r, DHO_PARAMETER_REQUEST, prl, sizeof(prl));
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_TRUE(ropt_ip(DHO_SUBNET_MASK, "255.0.0.0"));
	CU_ASSERT_TRUE(ropt_ip(DHO_ROUTERS, "10.0.0.1"));
	CU_ASSERT_TRUE(ropt_ip(DHO_BROADCAST_ADDRESS, "255.255.255.0"));
	/* An INFORM's ACK as well. */
	rq_new(&r, DHCPINFORM, mac, 30);
	rq_addr(&r, 12, "10.0.0.50");
	rq_opt(&r, DHO_PARAMETER_REQUEST, prl, sizeof(prl));
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPACK);
	CU_ASSERT_TRUE(ropt_ip(DHO_BROADCAST_ADDRESS, "255.255.255.0"));
	CU_ASSERT_TRUE(ropt_ip(DHO_SUBNET_MASK, "255.0.0.0"));

	/* Without configured ones, the computed values. */
	srv_server("10.0.0.100", "10.0.0.199", "", NULL);
	rq_new(&r, DHCPDISCOVER, mac, 31);
	rq_opt(&r, DHO_PARAMETER_REQUEST, prl, sizeof(prl));
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_TRUE(ropt_ip(DHO_BROADCAST_ADDRESS, "10.0.0.255"));
	CU_ASSERT_TRUE(ropt_ip(DHO_SUBNET_MASK, "255.255.255.0"));
	CU_ASSERT_TRUE(ropt_u32(DHO_RENEWAL_TIME, 1800));
	CU_ASSERT_TRUE(ropt_u32(DHO_REBINDING_TIME, 3150));
	srv_teardown();
}

/* ---------- proxy mode ---------- */

static void
test_proxy_offer(void)
{
	static const uint8_t	pxe8[] = { 6, 1, 8, 255 };
	const uint8_t		*uuid;
	size_t			 ulen;
	uint8_t			 mac[6];
	struct rq		 r;

	srv_proxy(NULL);
	CU_ASSERT_EQUAL_FATAL(srv_fixture("01-dhcpd-msg-discover.bin"),
	    DHCPOFFER);
	CU_ASSERT_EQUAL(out.reqtype, DHCPDISCOVER);
	CU_ASSERT_EQUAL(rep.yiaddr.s_addr, 0);
	CU_ASSERT_EQUAL(rep.xid, req.xid);
	CU_ASSERT_EQUAL(memcmp(rep.chaddr, req.chaddr, 16), 0);
	CU_ASSERT_TRUE(ropt_str(DHO_VENDOR_CLASS_ID, "PXEClient"));
	uuid = dhcp_pkt_opt(&req, DHO_CLIENT_UUID, &ulen);
	CU_ASSERT_PTR_NOT_NULL_FATAL(uuid);
	CU_ASSERT_EQUAL(ulen, 17);
	CU_ASSERT_TRUE(ropt_is(DHO_CLIENT_UUID, uuid, ulen));
	CU_ASSERT_TRUE(ropt_ip(DHO_SERVER_IDENTIFIER, "192.168.0.2"));
	CU_ASSERT_TRUE(ropt_is(DHO_VENDOR_ENCAPSULATED, pxe8, sizeof(pxe8)));
	CU_ASSERT_STRING_EQUAL((const char *)rep.file, "ipxe.efi");
	CU_ASSERT_EQUAL(rep.siaddr.s_addr, inet_addr("192.168.0.2"));
	CU_ASSERT_FALSE(ropt_has(DHO_LEASE_TIME));
	CU_ASSERT_FALSE(ropt_has(DHO_SUBNET_MASK));
	CU_ASSERT_FALSE(ropt_has(DHO_IPXE_ENCAP));
	CU_ASSERT_TRUE(out.proxy_offer);
	CU_ASSERT_FALSE(out.durable);
	CU_ASSERT_EQUAL(out.dest, DHCP_DEST_BCAST);
	CU_ASSERT_TRUE(to_is("255.255.255.255", 68));
	CU_ASSERT_EQUAL(L.n, 0);
	CU_ASSERT_TRUE(log_has("DISCOVER(eth0) 7c:10:c9:1c:79:f7"));
	CU_ASSERT_TRUE(log_has(" arch 7 pxe -> OFFER 0.0.0.0"));
	CU_ASSERT_TRUE(log_has("file \"ipxe.efi\""));

	/* Not a PXE client: not a proxy's business. */
	mac_of(mac, 1);
	rq_new(&r, DHCPDISCOVER, mac, 1);
	rq_opt(&r, DHO_CLIENT_ARCH, "\x00\x07", 2);
	rq_bcast(&r);
	CU_ASSERT_EQUAL(srv(&r), -1);
	CU_ASSERT_EQUAL(out.reqtype, DHCPDISCOVER);
	CU_ASSERT_FALSE(out.proxy_offer);
	CU_ASSERT_TRUE(log_has("no reply (not a PXE or HTTP boot client)"));
	rq_opt(&r, DHO_VENDOR_CLASS_ID, "MSFT 5.0", 8);
	CU_ASSERT_EQUAL(srv(&r), -1);
	CU_ASSERT_TRUE(log_has("not a PXE or HTTP boot client"));

	/* A PXE client no boot entry holds for. */
	rq_new(&r, DHCPDISCOVER, mac, 1);
	rq_opt(&r, DHO_VENDOR_CLASS_ID, "PXEClient:Arch:00000:UNDI:002001",
	    32);
	rq_opt(&r, DHO_CLIENT_ARCH, "\x00\x00", 2);
	CU_ASSERT_EQUAL(srv(&r), -1);
	CU_ASSERT_FALSE(out.proxy_offer);
	CU_ASSERT_TRUE(log_has("no reply (no boot entry matched)"));

	/* REQUEST on port 67 is the real DHCP server's. */
	CU_ASSERT_EQUAL(srv_fixture("06-proxydhcpd-msg-request.bin"), -1);
	CU_ASSERT_EQUAL(out.reqtype, DHCPREQUEST);
	CU_ASSERT_TRUE(log_has("proxy answers DISCOVER on 67"));
	CU_ASSERT_EQUAL(L.n, 0);
	srv_teardown();
}

static void
check_4011_ack(const char *to, unsigned port)
{
	static const uint8_t	pxe8[] = { 6, 1, 8, 255 };
	const uint8_t		*uuid;
	size_t			 ulen;

	in.proxy_port = true;
	in.src.sin_addr.s_addr = inet_addr(to);
	in.src.sin_port = htons((uint16_t)port);
	CU_ASSERT_EQUAL_FATAL(srv_fixture("06-proxydhcpd-msg-request.bin"),
	    DHCPACK);
	CU_ASSERT_EQUAL(out.reqtype, DHCPREQUEST);
	CU_ASSERT_EQUAL(out.dest, DHCP_DEST_SOURCE);
	CU_ASSERT_TRUE(to_is(to, port));
	CU_ASSERT_EQUAL(rep.ciaddr.s_addr, inet_addr("192.168.0.18"));
	CU_ASSERT_EQUAL(rep.yiaddr.s_addr, 0);
	CU_ASSERT_EQUAL(rep.xid, req.xid);
	CU_ASSERT_TRUE(ropt_str(DHO_VENDOR_CLASS_ID, "PXEClient"));
	CU_ASSERT_TRUE(ropt_is(DHO_VENDOR_ENCAPSULATED, pxe8, sizeof(pxe8)));
	uuid = dhcp_pkt_opt(&req, DHO_CLIENT_UUID, &ulen);
	CU_ASSERT_PTR_NOT_NULL_FATAL(uuid);
	CU_ASSERT_TRUE(ropt_is(DHO_CLIENT_UUID, uuid, ulen));
	CU_ASSERT_STRING_EQUAL((const char *)rep.file, "ipxe.efi");
	CU_ASSERT_FALSE(ropt_has(DHO_LEASE_TIME));
	CU_ASSERT_FALSE(out.proxy_offer);
	CU_ASSERT_FALSE(out.durable);
	CU_ASSERT_TRUE(log_has("dhcp-proxy: REQUEST(eth0)"));
	CU_ASSERT_TRUE(log_has("-> ACK 192.168.0.18"));
}

static void
test_proxy_4011(void)
{
	srv_proxy(NULL);
	check_4011_ack("192.168.0.18", 4011);
	check_4011_ack("192.168.0.18", 68);
	/* A client without an address yet: broadcast back. */
	in.src.sin_addr.s_addr = INADDR_ANY;
	CU_ASSERT_EQUAL_FATAL(srv_fixture("06-proxydhcpd-msg-request.bin"),
	    DHCPACK);
	CU_ASSERT_EQUAL(out.dest, DHCP_DEST_BCAST);
	CU_ASSERT_TRUE(to_is("255.255.255.255", 68));
	/* Only REQUEST and INFORM are answered on 4011. */
	CU_ASSERT_EQUAL(srv_fixture("01-dhcpd-msg-discover.bin"), -1);
	CU_ASSERT_TRUE(log_has("not a REQUEST or INFORM"));
	CU_ASSERT_EQUAL(L.n, 0);

	/* Port 4011 is answered the same way in server mode. */
	srv_setup("dhcp {\n mode = server\n range \"lan\" { "
	    "start = 192.168.0.100 end = 192.168.0.199 "
	    "netmask = 255.255.255.0 }\n}\n", proxy_rules, "192.168.0.2");
	check_4011_ack("192.168.0.18", 4011);
	CU_ASSERT_EQUAL(L.n, 0);
	srv_teardown();
}

static void
test_proxy_pxe_settings(void)
{
	static const uint8_t	body[] = {
		6, 1, 3,
		8, 7, 0, 1, 1, 192, 168, 0, 2,
		9, 7, 0, 1, 4, 'B', 'o', 'o', 't',
		10, 9, 5, 'P', 'r', 'e', 's', 's', ' ', 'F', '8',
		255 };
	static const uint8_t	raw43[] = { 1, 4, 0, 0, 0, 0, 255 };

	srv_proxy(
	    "match \"efi64\" { arch = efi-x64 }\n"
	    "boot \"uefi\" {\n"
	    "  if = \"efi64\"\n"
	    "  filename = \"ipxe.efi\"\n"
	    "  pxe {\n"
	    "    discovery-control = 3\n"
	    "    boot-servers = { \"1:192.168.0.2\" }\n"
	    "    menu = { \"1:Boot\" }\n"
	    "    prompt = \"Press F8\"\n"
	    "    prompt-timeout = 5\n"
	    "  }\n"
	    "}\n");
	CU_ASSERT_EQUAL_FATAL(srv_fixture("01-dhcpd-msg-discover.bin"),
	    DHCPOFFER);
	CU_ASSERT_TRUE(ropt_is(DHO_VENDOR_ENCAPSULATED, body, sizeof(body)));
	in.proxy_port = true;
	in.src.sin_addr.s_addr = inet_addr("192.168.0.18");
	CU_ASSERT_EQUAL_FATAL(srv_fixture("06-proxydhcpd-msg-request.bin"),
	    DHCPACK);
	CU_ASSERT_TRUE(ropt_is(DHO_VENDOR_ENCAPSULATED, body, sizeof(body)));

	/* A raw option 43 instead: sent as written, no default. */
	srv_proxy(
	    "match \"efi64\" { arch = efi-x64 }\n"
	    "boot \"uefi\" {\n"
	    "  if = \"efi64\"\n"
	    "  filename = \"ipxe.efi\"\n"
	    "  option = { \"43=hex:01040000 0000ff\" }\n"
	    "}\n");
	CU_ASSERT_EQUAL_FATAL(srv_fixture("01-dhcpd-msg-discover.bin"),
	    DHCPOFFER);
	CU_ASSERT_TRUE(ropt_is(DHO_VENDOR_ENCAPSULATED, raw43,
	    sizeof(raw43)));
	srv_teardown();
}

/* RFC 5071: 209, 210 and 211 from a boot entry, a host's overriding. */
static void
test_pxelinux_options(void)
{
	static const uint8_t	reboot[] = { 0, 0, 0x0e, 0x10 };
	static const uint8_t	never[] = { 0, 0, 0, 0 };
	static const uint8_t	magic[] = { 0xf1, 0x00, 0x74, 0x7e };

	srv_proxy(
	    "match \"efi64\" { arch = efi-x64 }\n"
	    "boot \"pxelinux\" {\n"
	    "  if = \"efi64\"\n"
	    "  filename = \"syslinux.efi\"\n"
	    "  pxelinux-config-file = \"pxelinux.cfg/lab\"\n"
	    "  pxelinux-path-prefix = \"efi64/\"\n"
	    "  pxelinux-reboot-time = 3600\n"
	    "}\n");
	CU_ASSERT_EQUAL_FATAL(srv_fixture("01-dhcpd-msg-discover.bin"),
	    DHCPOFFER);
	CU_ASSERT_TRUE(ropt_str(DHO_PXELINUX_CONFIG, "pxelinux.cfg/lab"));
	CU_ASSERT_TRUE(ropt_str(DHO_PXELINUX_PREFIX, "efi64/"));
	CU_ASSERT_TRUE(ropt_is(DHO_PXELINUX_REBOOT, reboot, sizeof(reboot)));
	/* RFC 5071 3.3: the magic number only when asked for. */
	CU_ASSERT_FALSE(ropt_has(DHO_PXELINUX_MAGIC));

	srv_proxy(
	    "match \"efi64\" { arch = efi-x64 }\n"
	    "boot \"pxelinux\" {\n"
	    "  if = \"efi64\"\n"
	    "  filename = \"syslinux.efi\"\n"
	    "  pxelinux-reboot-time = 0\n"
	    "  pxelinux-magic = yes\n"
	    "}\n");
	CU_ASSERT_EQUAL_FATAL(srv_fixture("01-dhcpd-msg-discover.bin"),
	    DHCPOFFER);
	CU_ASSERT_TRUE(ropt_is(DHO_PXELINUX_REBOOT, never, sizeof(never)));
	CU_ASSERT_TRUE(ropt_is(DHO_PXELINUX_MAGIC, magic, sizeof(magic)));
	CU_ASSERT_FALSE(ropt_has(DHO_PXELINUX_CONFIG));
	CU_ASSERT_FALSE(ropt_has(DHO_PXELINUX_PREFIX));
	srv_teardown();
}

static void
test_proxy_http(void)
{
	static const char	vc[] = "HTTPClient:Arch:00016:UNDI:003001";
	uint8_t			mac[6];
	struct rq		r;

	srv_proxy(NULL);
	mac_of(mac, 16);
	rq_new(&r, DHCPDISCOVER, mac, 0x48545450);
	rq_opt(&r, DHO_VENDOR_CLASS_ID, vc, strlen(vc));
	rq_opt(&r, DHO_CLIENT_ARCH, "\x00\x10", 2);
	rq_bcast(&r);
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_TRUE(ropt_str(DHO_VENDOR_CLASS_ID, "HTTPClient"));
	CU_ASSERT_STRING_EQUAL((const char *)rep.file,
	    "http://192.168.0.2/ipxe.efi");
	CU_ASSERT_TRUE(!ropt_has(DHO_BOOTFILE_NAME) ||
	    ropt_str(DHO_BOOTFILE_NAME, "http://192.168.0.2/ipxe.efi"));
	CU_ASSERT_FALSE(ropt_has(DHO_VENDOR_ENCAPSULATED));
	CU_ASSERT_EQUAL(rep.yiaddr.s_addr, 0);
	CU_ASSERT_TRUE(out.proxy_offer);
	CU_ASSERT_TRUE(log_has(" arch 16 http -> OFFER"));

	/* A URL too long for the file field goes in option 67. */
	srv_proxy(
	    "match \"http\" { vendorclass = \"HTTPClient\" }\n"
	    "boot \"http\" { if = \"http\" filename = \"${http}/"
	    "a-rather-long-directory-name/and-another-one-below-it/"
	    "and-a-third-to-pass-the-limit/extra-padding-directory/"
	    "ipxe-x86_64-snponly.efi\" }\n");
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_STRING_EQUAL((const char *)rep.file, "");
	CU_ASSERT_TRUE(ropt_str(DHO_BOOTFILE_NAME, "http://192.168.0.2/"
	    "a-rather-long-directory-name/and-another-one-below-it/"
	    "and-a-third-to-pass-the-limit/extra-padding-directory/"
	    "ipxe-x86_64-snponly.efi"));
	srv_teardown();
}

/* ---------- iPXE ---------- */

static const char ipxe_rules[] =
	"match \"ipxe\" { userclass = \"iPXE\" }\n"
	"boot \"ipxe\" { if = \"ipxe\" "
	    "filename = \"http://${server}/boot.ipxe\" }\n"
	"boot \"default\" { filename = \"undionly.kpxe\" }\n";

static void
test_ipxe(void)
{
	static const uint8_t	nopxedhcp[] = { 176, 1, 1 };
	static const uint8_t	tuple[] = { 4, 'i', 'P', 'X', 'E' };
	static const uint8_t	feat[] = { 19, 1, 1, 16, 1, 2 };
	uint8_t			mac[6];
	struct rq		r;

	srv_server("10.0.0.100", "10.0.0.199", "", ipxe_rules);
	mac_of(mac, 1);

	/* User class "iPXE" as iPXE sends it. */
	rq_new(&r, DHCPDISCOVER, mac, 1);
	rq_opt(&r, DHO_USER_CLASS, "iPXE", 4);
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_TRUE(ropt_is(DHO_IPXE_ENCAP, nopxedhcp, sizeof(nopxedhcp)));
	CU_ASSERT_STRING_EQUAL((const char *)rep.file,
	    "http://10.0.0.1/boot.ipxe");
	CU_ASSERT_TRUE(log_has(" ipxe -> OFFER 10.0.0.100"));

	/* As an RFC 3004 tuple. */
	rq_new(&r, DHCPDISCOVER, mac, 1);
	rq_opt(&r, DHO_USER_CLASS, tuple, sizeof(tuple));
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_TRUE(ropt_is(DHO_IPXE_ENCAP, nopxedhcp, sizeof(nopxedhcp)));
	CU_ASSERT_STRING_EQUAL((const char *)rep.file,
	    "http://10.0.0.1/boot.ipxe");

	/* Option 175 alone. */
	rq_new(&r, DHCPDISCOVER, mac, 1);
	rq_opt(&r, DHO_IPXE_ENCAP, feat, sizeof(feat));
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_TRUE(ropt_is(DHO_IPXE_ENCAP, nopxedhcp, sizeof(nopxedhcp)));
	CU_ASSERT_STRING_EQUAL((const char *)rep.file, "undionly.kpxe");

	/* Not iPXE. */
	rq_new(&r, DHCPDISCOVER, mac, 1);
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_FALSE(ropt_has(DHO_IPXE_ENCAP));
	CU_ASSERT_STRING_EQUAL((const char *)rep.file, "undionly.kpxe");

	/* The seed capture's iPXE, and its REQUEST. */
	CU_ASSERT_EQUAL_FATAL(srv_fixture("08-dhcpd-msg-discover.bin"),
	    DHCPOFFER);
	CU_ASSERT_TRUE(ropt_is(DHO_IPXE_ENCAP, nopxedhcp, sizeof(nopxedhcp)));
	CU_ASSERT_TRUE(ropt_str(DHO_VENDOR_CLASS_ID, "PXEClient"));
	CU_ASSERT_FALSE(ropt_has(DHO_VENDOR_ENCAPSULATED));
	CU_ASSERT_EQUAL(ntohl(rep.yiaddr.s_addr) & 0xffffff00,
	    unit_hip("10.0.0.0"));

	/* A proxy leaves 176 out: there is nothing to skip. */
	srv_proxy(NULL);
	CU_ASSERT_EQUAL_FATAL(srv_fixture("08-dhcpd-msg-discover.bin"),
	    DHCPOFFER);
	CU_ASSERT_FALSE(ropt_has(DHO_IPXE_ENCAP));
	CU_ASSERT_FALSE(ropt_has(DHO_VENDOR_ENCAPSULATED));
	CU_ASSERT_STRING_EQUAL((const char *)rep.file,
	    "http://192.168.0.2/boot.ipxe");
	mac_of(mac, 1);
	rq_new(&r, DHCPDISCOVER, mac, 1);
	rq_opt(&r, DHO_VENDOR_CLASS_ID, "PXEClient:Arch:00007", 20);
	rq_opt(&r, DHO_CLIENT_ARCH, "\x00\x07", 2);
	rq_opt(&r, DHO_USER_CLASS, tuple, sizeof(tuple));
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_FALSE(ropt_has(DHO_IPXE_ENCAP));
	srv_teardown();
}

static void
test_ipxe_settings(void)
{
	static const uint8_t	server[] = { 1, 1, 5, 190, 3, 'b', 'o', 'b',
				    176, 1, 1 };
	static const uint8_t	once[] = { 176, 1, 1 };
	static const char	rules[] =
		"match \"ipxe\" { userclass = \"iPXE\" }\n"
		"boot \"ipxe\" {\n"
		"  if = \"ipxe\"\n"
		"  filename = \"boot.ipxe\"\n"
		"  ipxe = { \"priority=5\", \"username=text:bob\" }\n"
		"}\n";
	static const char	rules176[] =
		"match \"ipxe\" { userclass = \"iPXE\" }\n"
		"boot \"ipxe\" {\n"
		"  if = \"ipxe\"\n"
		"  filename = \"boot.ipxe\"\n"
		"  ipxe = { \"no-pxedhcp=1\" }\n"
		"}\n";

	srv_server("10.0.0.100", "10.0.0.199", "", rules);
	CU_ASSERT_EQUAL_FATAL(srv_fixture("08-dhcpd-msg-discover.bin"),
	    DHCPOFFER);
	CU_ASSERT_TRUE(ropt_is(DHO_IPXE_ENCAP, server, sizeof(server)));
	srv_proxy(rules);
	CU_ASSERT_EQUAL_FATAL(srv_fixture("08-dhcpd-msg-discover.bin"),
	    DHCPOFFER);
	CU_ASSERT_TRUE(ropt_is(DHO_IPXE_ENCAP, server, sizeof(server) - 3));
	/* no-pxedhcp given: sent once. */
	srv_server("10.0.0.100", "10.0.0.199", "", rules176);
	CU_ASSERT_EQUAL_FATAL(srv_fixture("08-dhcpd-msg-discover.bin"),
	    DHCPOFFER);
	CU_ASSERT_TRUE(ropt_is(DHO_IPXE_ENCAP, once, sizeof(once)));
	srv_teardown();
}

static void
test_template(void)
{
	uint8_t		mac[6];
	struct rq	r;

	srv_server("10.0.0.100", "10.0.0.199", "",
	    "boot \"all\" { filename = \"${mac}.ipxe\" }\n");
	mac_of(mac, 7);
	rq_new(&r, DHCPDISCOVER, mac, 1);
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_STRING_EQUAL((const char *)rep.file,
	    "52:54:00:00:00:07.ipxe");
	CU_ASSERT_TRUE(log_has("file \"52:54:00:00:00:07.ipxe\""));

	srv_server("10.0.0.100", "10.0.0.199", "",
	    "boot \"all\" { filename = \"${server}/${ip}/${mac}\" }\n");
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPOFFER);
	CU_ASSERT_STRING_EQUAL((const char *)rep.file,
	    "10.0.0.1/10.0.0.100/52:54:00:00:00:07");

	srv_proxy("boot \"all\" { filename = \"pxe/${mac}.efi\" }\n");
	CU_ASSERT_EQUAL_FATAL(srv_fixture("01-dhcpd-msg-discover.bin"),
	    DHCPOFFER);
	CU_ASSERT_STRING_EQUAL((const char *)rep.file,
	    "pxe/7c:10:c9:1c:79:f7.efi");
	srv_teardown();
}

/* ---------- malformed input ---------- */

static uint8_t	 mbuf[70000];

/* A valid 300-byte DISCOVER: 53 at 240, END at 243. */
static size_t
mbase(void)
{
	struct rq	r;
	uint8_t		mac[6];

	mac_of(mac, 0x99);
	rq_new(&r, DHCPDISCOVER, mac, 0x0bad0bad);
	memset(mbuf, 0, sizeof(mbuf));
	memcpy(mbuf, r.b, r.n);
	mbuf[r.n] = DHO_END;
	return 300;
}

static void
bad(size_t n, const char *why, unsigned *count)
{
	handle_raw(mbuf, n);
	CU_ASSERT_EQUAL(out.reqtype, -1);
	CU_ASSERT_EQUAL(out.type, -1);
	CU_ASSERT_EQUAL(out.dest, DHCP_DEST_NONE);
	CU_ASSERT_FALSE(out.durable);
	if (strstr(out.log, why) == NULL)
		fprintf(stderr, "\n  vector %u: log \"%s\" lacks \"%s\"\n",
		    *count, out.log, why);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.log, why));
	CU_ASSERT_EQUAL(L.n, 0);
	(*count)++;
}

static void
malformed_vectors(unsigned *count)
{
	size_t		 n;
	const char	*trunc = dhcp_pkt_perr_str(DHCP_PTRUNC);
	const char	*ovl = dhcp_pkt_perr_str(DHCP_PBADOVERLOAD);

	n = mbase();
	bad(0, dhcp_pkt_perr_str(DHCP_PSHORT), count);
	bad(1, dhcp_pkt_perr_str(DHCP_PSHORT), count);
	bad(100, dhcp_pkt_perr_str(DHCP_PSHORT), count);
	bad(DHCP_MIN_LEN - 1, dhcp_pkt_perr_str(DHCP_PSHORT), count);
	bad(DHCP_MAX_LEN + 1, dhcp_pkt_perr_str(DHCP_PLONG), count);
	bad(65535, dhcp_pkt_perr_str(DHCP_PLONG), count);

	mbuf[0] = 0;
	bad(n, dhcp_pkt_perr_str(DHCP_PBADOP), count);
	mbuf[0] = 3;
	bad(n, dhcp_pkt_perr_str(DHCP_PBADOP), count);
	mbuf[0] = 255;
	bad(n, dhcp_pkt_perr_str(DHCP_PBADOP), count);

	n = mbase();
	mbuf[2] = 17;
	bad(n, dhcp_pkt_perr_str(DHCP_PBADHLEN), count);
	mbuf[2] = 255;
	bad(n, dhcp_pkt_perr_str(DHCP_PBADHLEN), count);

	n = mbase();
	memset(mbuf + DHCP_FIXED_LEN, 0, 4);
	bad(n, dhcp_pkt_perr_str(DHCP_PNOCOOKIE), count);
	memcpy(mbuf + DHCP_FIXED_LEN, "\x63\x53\x82\x63", 4);
	bad(n, dhcp_pkt_perr_str(DHCP_PNOCOOKIE), count);

	/* Host name of 10 bytes with 3 left. */
	n = mbase();
	mbuf[243] = DHO_HOST_NAME;
	mbuf[244] = 10;
	bad(246, trunc, count);
	/* A code in the last byte, without its length. */
	bad(244, trunc, count);
	/* Option 55 running past the end of a 300-byte packet. */
	n = mbase();
	mbuf[243] = DHO_PARAMETER_REQUEST;
	mbuf[244] = 255;
	bad(n, trunc, count);

	/* Overload: wrong length, 0, 4. */
	n = mbase();
	memcpy(mbuf + 243, "\x34\x02\x01\x01\xff", 5);
	bad(n, ovl, count);
	memcpy(mbuf + 243, "\x34\x01\x00\xff", 4);
	bad(n, ovl, count);
	memcpy(mbuf + 243, "\x34\x01\x04\xff", 4);
	bad(n, ovl, count);
	memcpy(mbuf + 243, "\x34\x00\xff", 3);
	bad(n, ovl, count);

	/* Overload pointing at itself: 52 inside file, inside sname. */
	n = mbase();
	memcpy(mbuf + 243, "\x34\x01\x01\xff", 4);
	memcpy(mbuf + 108, "\x34\x01\x01\xff", 4);
	bad(n, dhcp_pkt_perr_str(DHCP_POVERLOADLOOP), count);
	n = mbase();
	memcpy(mbuf + 243, "\x34\x01\x02\xff", 4);
	memcpy(mbuf + 44, "\x34\x01\x02\xff", 4);
	bad(n, dhcp_pkt_perr_str(DHCP_POVERLOADLOOP), count);
	n = mbase();
	memcpy(mbuf + 243, "\x34\x01\x03\xff", 4);
	memcpy(mbuf + 108, "\x0c\x01x\xff", 4);
	memcpy(mbuf + 44, "\x34\x01\x01\xff", 4);
	bad(n, dhcp_pkt_perr_str(DHCP_POVERLOADLOOP), count);

	/* Overloaded fields with an option running past their end. */
	n = mbase();
	memcpy(mbuf + 243, "\x34\x01\x01\xff", 4);
	mbuf[108 + 126] = DHO_HOST_NAME;
	mbuf[108 + 127] = 4;
	bad(n, trunc, count);
	n = mbase();
	memcpy(mbuf + 243, "\x34\x01\x02\xff", 4);
	mbuf[44] = DHO_HOST_NAME;
	mbuf[45] = 64;
	bad(n, trunc, count);

	/* Parsed, but not a request. */
	n = mbase();
	mbuf[0] = BOOTREPLY;
	bad(n, "BOOTREPLY from", count);
	bad(n, "servers answer requests only", count);
	n = mbase();
	mbuf[2] = 0;
	bad(n, "without a hardware address", count);
}

static void
test_malformed(void)
{
	unsigned	count = 0;
	size_t		n;

	srv_server("10.0.0.100", "10.0.0.199", "bootp = yes", NULL);
	in.src.sin_addr.s_addr = inet_addr("10.9.8.7");
	malformed_vectors(&count);
	CU_ASSERT_TRUE(count >= 20);
	CU_ASSERT_TRUE(log_has("from 10.9.8.7"));
	mbase();
	mbuf[0] = 0;
	handle_raw(mbuf, 300);
	CU_ASSERT_STRING_EQUAL(out.log, "dhcp: malformed packet from "
	    "10.9.8.7:68 on eth0 dropped: op is neither BOOTREQUEST nor "
	    "BOOTREPLY");

	/* The same on port 4011 and in proxy mode. */
	in.proxy_port = true;
	count = 0;
	malformed_vectors(&count);
	srv_proxy(NULL);
	count = 0;
	malformed_vectors(&count);
	CU_ASSERT_TRUE(count >= 20);

	/* Well-formed oddities get no reply, and no lease. */
	srv_server("10.0.0.100", "10.0.0.199", "", NULL);
	n = mbase();
	CU_ASSERT_EQUAL(handle_raw(mbuf, DHCP_MIN_LEN), -1);
	CU_ASSERT_EQUAL(out.reqtype, 0);	/* BOOTP, not enabled */
	memcpy(mbuf + 240, "\x35\x01\x02\xff", 4);	/* an OFFER */
	CU_ASSERT_EQUAL(handle_raw(mbuf, n), -1);
	CU_ASSERT_EQUAL(out.reqtype, DHCPOFFER);
	CU_ASSERT_TRUE(log_has("not a client message"));
	memcpy(mbuf + 240, "\x35\x01\x63\xff", 4);	/* type 99 */
	CU_ASSERT_EQUAL(handle_raw(mbuf, n), -1);
	CU_ASSERT_TRUE(log_has("not a client message"));
	memcpy(mbuf + 240, "\x35\x00\xff", 3);		/* empty 53 */
	CU_ASSERT_EQUAL(handle_raw(mbuf, n), -1);
	CU_ASSERT_EQUAL(L.n, 0);
	srv_teardown();
}

/* ---------- the seed capture in proxy mode ---------- */

static void
test_seed_proxy(void)
{
	static const struct {
		const char	*name;
		int		 reqtype, type;
		const char	*file;
	} f[] = {
		{ "01-dhcpd-msg-discover.bin", DHCPDISCOVER, DHCPOFFER,
		    "ipxe.efi" },
		{ "02-dhcpc-msg-bootp.bin", -1, -1, NULL },
		{ "03-dhcpd-offer_packet-offer.bin", -1, -1, NULL },
		{ "04-dhcpc-msg-offer.bin", -1, -1, NULL },
		{ "05-dhcpc-msg-offer.bin", -1, -1, NULL },
		{ "06-proxydhcpd-msg-request.bin", DHCPREQUEST, -1, NULL },
		{ "07-proxydhcpd-ack_packet-ack.bin", -1, -1, NULL },
		{ "08-dhcpd-msg-discover.bin", DHCPDISCOVER, DHCPOFFER,
		    "http://192.168.0.2/boot.ipxe" },
		{ "09-dhcpd-offer_packet-offer.bin", -1, -1, NULL },
	};
	size_t	i;
	int	port;

	srv_proxy(NULL);
	for (port = 0; port < 2; port++) {
		in.proxy_port = port == 1;
		in.src.sin_addr.s_addr = inet_addr("192.168.0.18");
		for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
			int	want = f[i].type;

			/* On 4011 the REQUEST is answered, DISCOVERs not. */
			if (port == 1)
				want = f[i].reqtype == DHCPREQUEST ? DHCPACK :
				    -1;
			CU_ASSERT_EQUAL(srv_fixture(f[i].name), want);
			CU_ASSERT_EQUAL(out.reqtype, f[i].reqtype);
			CU_ASSERT_NOT_EQUAL(out.log[0], '\0');
			if (f[i].reqtype == -1)
				CU_ASSERT_TRUE(log_has("BOOTREPLY from "
				    "192.168.0.18 on eth0 dropped"));
			if (want < 0)
				continue;
			CU_ASSERT_TRUE(ropt_str(DHO_VENDOR_CLASS_ID,
			    "PXEClient"));
			CU_ASSERT_TRUE(ropt_ip(DHO_SERVER_IDENTIFIER,
			    "192.168.0.2"));
			CU_ASSERT_EQUAL(rep.yiaddr.s_addr, 0);
			CU_ASSERT_EQUAL(rep.xid, req.xid);
			if (f[i].file != NULL)
				CU_ASSERT_STRING_EQUAL((const char *)rep.file,
				    f[i].file);
		}
	}
	CU_ASSERT_EQUAL(L.n, 0);

	/* At debug level every option of the request is logged. */
	sinkbuf[0] = '\0';
	log_setlevel(LOG_DEBUG);
	log_set_sink(sink);
	in.proxy_port = false;
	CU_ASSERT_EQUAL(srv_fixture("08-dhcpd-msg-discover.bin"), DHCPOFFER);
	CU_ASSERT_EQUAL(srv_fixture("01-dhcpd-msg-discover.bin"), DHCPOFFER);
	log_set_sink(NULL);
	log_setlevel(LOG_CRIT);
	CU_ASSERT_PTR_NOT_NULL(strstr(sinkbuf, " options: 53=01 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(sinkbuf, " 77=\"iPXE\" "));
	CU_ASSERT_PTR_NOT_NULL(strstr(sinkbuf,
	    " 60=\"PXEClient:Arch:00007:UNDI:003016\" "));
	CU_ASSERT_PTR_NOT_NULL(strstr(sinkbuf, " 93=0007 "));

	/* dhcp off: nothing at all. */
	srv_setup("dhcp { mode = off }\n", proxy_rules, "192.168.0.2");
	CU_ASSERT_EQUAL(srv_fixture("01-dhcpd-msg-discover.bin"), -1);
	CU_ASSERT_EQUAL(out.reqtype, DHCPDISCOVER);
	CU_ASSERT_TRUE(log_has("dhcp is off"));
	srv_teardown();
}

static int
suite_clean(void)
{
	srv_teardown();
	return 0;
}

/* ---------- subnet settings, the offer bound, pxed -t ---------- */

/* One range on 10.0.0.0/24 with the dhcp section's extra and the range's. */
static void
srv_timers(const char *extra, const char *rextra)
{
	char	text[1024];

	snprintf(text, sizeof(text), "dhcp {\n mode = server\n %s\n"
	    " range \"lan\" {\n  start = 10.0.0.100\n  end = 10.0.0.199\n"
	    "  netmask = 255.255.255.0\n  %s\n }\n}\n", extra, rextra);
	srv_setup(text, NULL, "10.0.0.1");
}

/* RFC 2131 4.4.5: T1 = 0.5, T2 = 0.875 of the lease unless configured. */
static void
test_timers(void)
{
	srv_timers("lease-time = 3600", "");
	CU_ASSERT_EQUAL_FATAL(discover(1), DHCPOFFER);
	CU_ASSERT_TRUE(ropt_u32(DHO_LEASE_TIME, 3600));
	CU_ASSERT_TRUE(ropt_u32(DHO_RENEWAL_TIME, 1800));
	CU_ASSERT_TRUE(ropt_u32(DHO_REBINDING_TIME, 3150));

	/* A lease of seconds, as labs test renewal with. */
	srv_timers("lease-time = 4", "");
	CU_ASSERT_NOT_EQUAL(dora(1), 0);
	CU_ASSERT_TRUE(ropt_u32(DHO_LEASE_TIME, 4));
	CU_ASSERT_TRUE(ropt_u32(DHO_RENEWAL_TIME, 2));
	CU_ASSERT_TRUE(ropt_u32(DHO_REBINDING_TIME, 3));
	CU_ASSERT_EQUAL(lease_of(1)->expires, T0 + 4);
	/* The client renews at T1 and gets its address again. */
	in.now = T0 + 2;
	CU_ASSERT_EQUAL(request(1, NULL, "10.0.0.100", false), DHCPACK);
	CU_ASSERT_EQUAL(lease_of(1)->expires, T0 + 2 + 4);

	/* The shortest lease: the defaults round down to 1 and 1. */
	srv_timers("lease-time = 2", "");
	CU_ASSERT_EQUAL_FATAL(discover(1), DHCPOFFER);
	CU_ASSERT_TRUE(ropt_u32(DHO_LEASE_TIME, 2));
	CU_ASSERT_TRUE(ropt_u32(DHO_RENEWAL_TIME, 1));
	CU_ASSERT_TRUE(ropt_u32(DHO_REBINDING_TIME, 1));

	/* The dhcp section's, then the range's own. */
	srv_timers("lease-time = 600 renew-time = 100 rebind-time = 500", "");
	CU_ASSERT_EQUAL_FATAL(discover(1), DHCPOFFER);
	CU_ASSERT_TRUE(ropt_u32(DHO_RENEWAL_TIME, 100));
	CU_ASSERT_TRUE(ropt_u32(DHO_REBINDING_TIME, 500));
	srv_timers("lease-time = 600 renew-time = 100",
	    "lease-time = 60 renew-time = 20 rebind-time = 40");
	CU_ASSERT_EQUAL_FATAL(discover(1), DHCPOFFER);
	CU_ASSERT_TRUE(ropt_u32(DHO_LEASE_TIME, 60));
	CU_ASSERT_TRUE(ropt_u32(DHO_RENEWAL_TIME, 20));
	CU_ASSERT_TRUE(ropt_u32(DHO_REBINDING_TIME, 40));
	/* A configured option 58 still wins (pxed.conf(5)). */
	srv_timers("lease-time = 600 renew-time = 100 "
	    "option = { \"58=u32:77\" }", "");
	CU_ASSERT_EQUAL_FATAL(discover(1), DHCPOFFER);
	CU_ASSERT_TRUE(ropt_u32(DHO_RENEWAL_TIME, 77));
	srv_teardown();
}

/* Load text as pxed.conf expecting one error, err, in it. */
static void
bad_main(const char *text, const char *err)
{
	struct conf	*c;
	size_t		 i;
	bool		 found = false;

	srv_teardown();
	unit_tree_new();
	unit_tree_file("pxed.conf", text);
	c = unit_tree_load();
	CU_ASSERT_PTR_NULL(c);
	conf_free(c);
	for (i = 0; i < unit_nerrors(); i++)
		found = found || strstr(unit_error(i), err) != NULL;
	if (!found) {
		fprintf(stderr, "\n  no error \"%s\"; got:\n", err);
		for (i = 0; i < unit_nerrors(); i++)
			fprintf(stderr, "  %s\n", unit_error(i));
	}
	CU_ASSERT_TRUE(found);
	unit_tree_free();
}

/* T1 < T2 < lease time, named by file and line; the lease time's floor. */
static void
test_timers_bad(void)
{
	char	text[512];

	snprintf(text, sizeof(text), "dhcp {\n mode = server\n"
	    " lease-time = 100\n renew-time = 60\n rebind-time = 50\n"
	    " range \"lan\" { start = 10.0.0.100 end = 10.0.0.199 "
	    "netmask = 255.255.255.0 }\n}\n");
	bad_main(text, "pxed.conf:4: range \"lan\": renew-time 60 is not "
	    "below its rebind time 50");
	snprintf(text, sizeof(text), "dhcp {\n mode = server\n"
	    " lease-time = 100\n" " range \"lan\" { start = 10.0.0.100 "
	    "end = 10.0.0.199 netmask = 255.255.255.0\n"
	    " rebind-time = 100 }\n}\n");
	bad_main(text, "pxed.conf:5: range \"lan\": rebind-time 100 is not "
	    "below its lease time 100");
	snprintf(text, sizeof(text), "dhcp {\n mode = server\n"
	    " lease-time = 1\n" " range \"lan\" { start = 10.0.0.100 "
	    "end = 10.0.0.199 netmask = 255.255.255.0 }\n}\n");
	bad_main(text, "pxed.conf:3: lease-time: \"1\" is not a number from "
	    "2 to");
	snprintf(text, sizeof(text), "dhcp {\n mode = server\n"
	    " range \"lan\" { subnet = 10.0.0.1\n"
	    " netmask = 255.255.255.0 }\n}\n");
	bad_main(text, "pxed.conf:3: range \"lan\": subnet 10.0.0.1 is not "
	    "the network address");
}

/* decline-time: the quarantine of a declined address. */
static void
test_decline_time(void)
{
	uint8_t		mac[6];
	struct rq	r;
	in_addr_t	a;

	srv_timers("decline-time = 30", "");
	CU_ASSERT_EQUAL(conf->dhcp.decline_time, 30);
	a = dora(1);
	CU_ASSERT_NOT_EQUAL_FATAL(a, 0);
	mac_of(mac, 1);
	rq_new(&r, DHCPDECLINE, mac, 9);
	rq_opt(&r, DHO_SERVER_IDENTIFIER, &in.ifaddr, 4);
	rq_opt(&r, DHO_REQUESTED_ADDRESS, &a, 4);
	CU_ASSERT_EQUAL(srv(&r), -1);
	CU_ASSERT_EQUAL(lease_by_addr(&L, ntohl(a))->expires, T0 + 30);
	in.now = T0 + 29;
	CU_ASSERT_FALSE(lease_addr_free(&L, ntohl(a), NULL, 0, false,
	    in.now));
	in.now = T0 + 30;
	CU_ASSERT_TRUE(lease_addr_free(&L, ntohl(a), NULL, 0, false, in.now));
	srv_teardown();
}

/* A subnet without a pool: INFORM and fixed addresses, no DISCOVER. */
static void
test_no_pool(void)
{
	static const uint8_t	prl[] = { 1, 3 };
	struct dhcp_guard	g = { NULL, 0, 0 };
	uint8_t			mac[6];
	struct rq		r;

	srv_setup("dhcp {\n mode = server\n range \"lab\" {\n"
	    "  subnet = 10.0.0.0\n  netmask = 255.255.255.0\n"
	    "  router = 10.0.0.1\n }\n}\n",
	    "host \"fixed\" { mac = 52:54:00:00:00:07 ip = 10.0.0.7 }\n",
	    "10.0.0.1");
	CU_ASSERT_TRUE(conf->dhcp.ranges[0].nopool);
	/* An unknown client: no offer, said at debug, not a warning. */
	CU_ASSERT_EQUAL(discover(1), -1);
	CU_ASSERT_TRUE(log_has("no reply (no pool on this subnet)"));
	CU_ASSERT_EQUAL(L.n, 0);
	CU_ASSERT_EQUAL(request(1, "10.0.0.50", NULL, true), DHCPNAK);
	/* The host with a fixed address gets it, outside the offer bound. */
	in.guard = &g;
	CU_ASSERT_EQUAL(dora(7), inet_addr("10.0.0.7"));
	CU_ASSERT_EQUAL(g.nlinks, 0);
	in.guard = NULL;
	CU_ASSERT_TRUE(ropt_ip(DHO_ROUTERS, "10.0.0.1"));
	/* INFORM (RFC 2131 3.4): options, no lease. */
	mac_of(mac, 5);
	rq_new(&r, DHCPINFORM, mac, 12);
	rq_addr(&r, 12, "10.0.0.50");
	rq_opt(&r, DHO_PARAMETER_REQUEST, prl, sizeof(prl));
	CU_ASSERT_EQUAL_FATAL(srv(&r), DHCPACK);
	CU_ASSERT_TRUE(ropt_ip(DHO_SUBNET_MASK, "255.255.255.0"));
	CU_ASSERT_TRUE(ropt_ip(DHO_ROUTERS, "10.0.0.1"));
	CU_ASSERT_FALSE(ropt_has(DHO_LEASE_TIME));
	srv_teardown();
}

static void
count_offer(const struct lease *l, void *arg)
{
	if (l->state == LEASE_OFFERED && lease_is_live(l, in.now))
		(*(size_t *)arg)++;
}

/* Offers outstanding now. */
static size_t
offers_live(void)
{
	size_t	n = 0;

	lease_foreach(&L, count_offer, &n);
	return n;
}

/* A DISCOVER flood cannot hold more than max-offers-per-link offers. */
static void
test_offer_bound(void)
{
	struct dhcp_guard	g = { NULL, 0, 0 };
	unsigned		i;
	in_addr_t		a;
	struct rq		r;
	uint8_t			mac[6];

	srv_timers("max-offers-per-link = 4", "");
	mac_of(mac, 0);
	in.guard = &g;
	for (i = 1; i <= 10; i++)
		CU_ASSERT_EQUAL(discover(i), DHCPOFFER);
	CU_ASSERT_EQUAL(offers_live(), 4);
	CU_ASSERT_EQUAL(g.withdrawn, 6);
	/* A client that DISCOVERs again gets its same offer, not a slot. */
	a = lease_of(10)->addr;
	CU_ASSERT_EQUAL(discover(10), DHCPOFFER);
	CU_ASSERT_EQUAL(ntohl(rep.yiaddr.s_addr), a);
	CU_ASSERT_EQUAL(g.withdrawn, 6);
	/*
	 * A client whose offer was withdrawn gets the address back while it
	 * is free, and a REQUEST for it is granted.
	 */
	CU_ASSERT_FALSE(lease_is_live(lease_of(1), in.now));
	CU_ASSERT_EQUAL(dora(1), inet_addr("10.0.0.100"));
	CU_ASSERT_EQUAL(g.withdrawn, 7);
	CU_ASSERT_EQUAL(offers_live(), 3);
	/* A relayed DISCOVER from the same subnet shares its bound. */
	rq_new(&r, DHCPDISCOVER, mac, 0x77);
	mac[5] = 0x77;
	memcpy(r.b + 28, mac, 6);
	rq_addr(&r, 24, "10.0.0.254");
	CU_ASSERT_EQUAL(srv(&r), DHCPOFFER);
	CU_ASSERT_EQUAL(g.nlinks, 1);
	CU_ASSERT_EQUAL(g.withdrawn, 8);
	CU_ASSERT_EQUAL(offers_live(), 3);
	CU_ASSERT_EQUAL(discover(11), DHCPOFFER);
	CU_ASSERT_EQUAL(g.withdrawn, 9);
	CU_ASSERT_EQUAL(offers_live(), 3);
	/*
	 * A reload with a smaller bound keeps the newest offers noted (the
	 * older ones run out their 60 s untracked).
	 */
	conf->dhcp.max_offers = 2;
	CU_ASSERT_EQUAL(discover(12), DHCPOFFER);
	CU_ASSERT_EQUAL(g.links[0].cap, 2);
	CU_ASSERT_EQUAL(g.withdrawn, 10);
	/* A bound over the pool is the pool. */
	conf->dhcp.max_offers = 1000000;
	CU_ASSERT_EQUAL(discover(13), DHCPOFFER);
	CU_ASSERT_TRUE(g.links[0].cap <= 100);
	dhcp_guard_fini(&g);

	/* Unset, the bound is half the subnet's pool: 100 / 2. */
	srv_timers("", "");
	in.guard = &g;
	for (i = 1; i <= 100; i++)
		CU_ASSERT_EQUAL(discover(i), DHCPOFFER);
	CU_ASSERT_EQUAL(offers_live(), 50);
	CU_ASSERT_EQUAL(g.withdrawn, 50);
	dhcp_guard_fini(&g);

	/*
	 * Offers taken up leave the ring before it grows: 90 clients, each
	 * a full DORA, keep it at its first size, 16, not the bound, 50.
	 */
	srv_timers("", "");
	in.guard = &g;
	for (i = 1; i <= 90; i++)
		CU_ASSERT_NOT_EQUAL(dora(i), 0);
	CU_ASSERT_EQUAL(g.withdrawn, 0);
	CU_ASSERT_EQUAL(g.links[0].cap, 16);
	dhcp_guard_fini(&g);
	in.guard = NULL;
	srv_teardown();
}

/* pxed -t: options configured that are never sent, or not to all. */
static void
test_warn_options(void)
{
	char	*buf = NULL;
	size_t	 len = 0, n;
	FILE	*f;

	srv_setup("dhcp {\n mode = proxy\n option = { \"1=255.0.0.0\" }\n}\n",
	    "boot \"b\" {\n filename = \"x\"\n"
	    " option = { \"60=PXEClient:x\", \"61=hex:0102\", "
	    "\"82=hex:0102\" }\n}\n",
	    "10.0.0.1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f = open_memstream(&buf, &len));
	n = conf_check_warn(conf, f);
	fclose(f);
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "pxed.conf:3: warning: option 1 "
	    "of the dhcp section is never sent: in proxy mode"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "10-rules.conf:3: warning: option "
	    "60 of boot \"b\" is not sent to PXE"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "option 61 of boot \"b\" is sent "
	    "only to clients that send none"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "10-rules.conf:3: warning: option "
	    "82 of boot \"b\" is replaced by the relay's own"));
	free(buf);
	srv_teardown();
}

void
test_dhcp_srv_register(void)
{
	CU_pSuite	s = CU_add_suite("dhcp-srv", NULL, suite_clean);

	CU_add_test(s, "DORA", test_dora);
	CU_add_test(s, "reply destinations (RFC 2131 4.1)",
	    test_destinations);
	CU_add_test(s, "same client, same address", test_same_client);
	CU_add_test(s, "RENEWING, REBINDING, INIT-REBOOT, NAKs",
	    test_renew_rebind);
	CU_add_test(s, "not authoritative", test_not_authoritative);
	CU_add_test(s, "SELECTING another server", test_other_server);
	CU_add_test(s, "DECLINE quarantine", test_decline);
	CU_add_test(s, "RELEASE", test_release);
	CU_add_test(s, "INFORM", test_inform);
	CU_add_test(s, "expiry", test_expiry);
	CU_add_test(s, "pool exhaustion and recovery", test_exhaustion);
	CU_add_test(s, "every range of a subnet", test_subnet_ranges);
	CU_add_test(s, "static host", test_static_host);
	CU_add_test(s, "network and broadcast addresses", test_net_bcast);
	CU_add_test(s, "relayed requests", test_relay);
	CU_add_test(s, "option 82 echoed, circuit id rule (RFC 3046 2.2)",
	    test_agent_echo);
	CU_add_test(s, "link selection (RFC 3527 3)", test_agent_link);
	CU_add_test(s, "server identifier override (RFC 5107 4)",
	    test_agent_override);
	CU_add_test(s, "malformed option 82", test_agent_malformed);
	CU_add_test(s, "option 82 without room (RFC 3046 2.2)",
	    test_agent_no_room);
	CU_add_test(s, "BOOTP", test_bootp);
	CU_add_test(s, "client identifier echoed (RFC 6842 3)",
	    test_client_id);
	CU_add_test(s, "journal across a restart", test_restart);
	CU_add_test(s, "torn and bad journal lines", test_torn_journal);
	CU_add_test(s, "compaction", test_compaction);
	CU_add_test(s, "ranges changed", test_config_change);
	CU_add_test(s, "each option once", test_option_once);
	CU_add_test(s, "configured options win over computed ones",
	    test_option_configured);
	CU_add_test(s, "proxy OFFER", test_proxy_offer);
	CU_add_test(s, "proxy port 4011", test_proxy_4011);
	CU_add_test(s, "proxy pxe { } and option 43", test_proxy_pxe_settings);
	CU_add_test(s, "pxelinux options 208-211 (RFC 5071)",
	    test_pxelinux_options);
	CU_add_test(s, "proxy UEFI HTTP boot", test_proxy_http);
	CU_add_test(s, "iPXE no-pxedhcp", test_ipxe);
	CU_add_test(s, "iPXE settings", test_ipxe_settings);
	CU_add_test(s, "templates", test_template);
	CU_add_test(s, "malformed input", test_malformed);
	CU_add_test(s, "seed capture in proxy mode", test_seed_proxy);
	CU_add_test(s, "T1 and T2 (RFC 2131 4.4.5), leases of seconds",
	    test_timers);
	CU_add_test(s, "T1 < T2 < lease time at load", test_timers_bad);
	CU_add_test(s, "decline-time", test_decline_time);
	CU_add_test(s, "a subnet without a pool", test_no_pool);
	CU_add_test(s, "max-offers-per-link", test_offer_bound);
	CU_add_test(s, "pxed -t: options never sent", test_warn_options);
}
