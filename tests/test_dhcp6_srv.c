/*
 * test_dhcp6_srv.c: the DHCPv6 engine with an injected clock over a lease
 * store: every message type and status code with the RFC 8415 section it
 * follows, Rapid Commit, relays two deep, proxy mode, hosts by DUID and
 * by MAC, options 59/60/16, the rules on DHCPv6 requests, the journal
 * round trip and the configuration checks.  Vectors are hand-built in the
 * shape OVMF and iPXE send (see issue 11).
 */
#include "config.h"

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp6_io.h"
#include "dhcp6_pkt.h"
#include "dhcp6_srv.h"
#include "lease.h"
#include "lease6.h"
#include "log.h"
#include "unit.h"
#include "wire.h"

#define T0		1800000000LL

static struct conf		*conf;
static struct leases		 L;
static bool			 have_store;
static struct dhcp6_srv_in	 in;
static struct dhcp6_srv_out	 out;
static struct dhcp6_msg		 rep;
static struct in6_addr		 ifaddrs[2];
static const uint8_t		 sduid[] = { 0, 3, 0, 1, 2, 0, 0, 0, 0, 1 };

static const char *main_server =
    "dhcp {\n mode = server\n"
    " range6 \"lab6\" {\n  prefix = 2001:db8:1::/64\n"
    "  start = 2001:db8:1::100\n  end = 2001:db8:1::1ff\n"
    "  dns = { 2001:db8:1::53 }\n  valid-lifetime = 4000\n"
    "  preferred-lifetime = 3000\n }\n"
    " range6 \"far\" {\n  prefix = 2001:db8:9::/64\n"
    "  start = 2001:db8:9::10\n  end = 2001:db8:9::10\n }\n}\n";

static const char *rules_boot =
    "match \"efi64\" { arch = 7 }\n"
    "match \"ipxe\" { userclass = \"iPXE\" }\n"
    "match \"pxe6\" { vendorclass = \"PXEClient\" }\n"
    "match \"hasnii\" { option = 62 }\n"
    "match \"farlink\" { relay = 2001:db8:9::/48 }\n"
    "boot \"script\" { if = \"ipxe\" filename = \"${http}/boot.ipxe\" }\n"
    "boot \"efi\" { if = \"efi64\" filename = \"ipxe.efi\"\n"
    "  bootfile-param = { \"2048\" } }\n"
    "boot \"http\" { filename = \"/images/boot.efi\" }\n"
    "host \"byduid\" { duid = \"00:02:00:00:ab:cd:01\""
    "  ip6 = 2001:db8:1::10 }\n"
    "host \"bymac\" { mac = 52:54:00:00:00:77 ip6 = 2001:db8:1::11 }\n";

/* A message being built. */
struct m6 {
	uint8_t	b[1024];
	size_t	n;
};

static void
m6_opt(struct m6 *m, uint16_t code, const void *d, size_t len)
{
	wire_put16(m->b + m->n, code);
	wire_put16(m->b + m->n + 2, (uint16_t)len);
	if (len > 0)
		memcpy(m->b + m->n + 4, d, len);
	m->n += 4 + len;
}

/* A client with DUID-LL of 52:54:00:00:00:id. */
static void
m6_new(struct m6 *m, uint8_t type, uint8_t id)
{
	uint8_t	duid[10] = { 0, 3, 0, 1, 0x52, 0x54, 0, 0, 0, id };

	memset(m, 0, sizeof(*m));
	m->b[0] = type;
	m->b[3] = id;
	m->n = 4;
	m6_opt(m, D6O_CLIENTID, duid, sizeof(duid));
}

static void
m6_sid(struct m6 *m)
{
	m6_opt(m, D6O_SERVERID, sduid, sizeof(sduid));
}

static void
m6_ia(struct m6 *m, uint32_t iaid, const char *addr)
{
	uint8_t	b[12 + 28];
	size_t	n = 12;

	memset(b, 0, sizeof(b));
	wire_put32(b, iaid);
	if (addr != NULL) {
		wire_put16(b + 12, D6O_IAADDR);
		wire_put16(b + 14, 24);
		inet_pton(AF_INET6, addr, b + 16);
		n += 28;
	}
	m6_opt(m, D6O_IA_NA, b, n);
}

static void
m6_oro(struct m6 *m, const uint16_t *codes, size_t n)
{
	uint8_t	b[32];
	size_t	i;

	for (i = 0; i < n; i++)
		wire_put16(b + 2 * i, codes[i]);
	m6_opt(m, D6O_ORO, b, 2 * n);
}

/* What OVMF adds: ORO {59, 60, 23, 16}, arch, NII, vendor class. */
static void
m6_ovmf(struct m6 *m, uint16_t arch, const char *cls)
{
	static const uint16_t	oro[] = { 59, 60, 23, 16 };
	static const uint8_t	nii[] = { 1, 3, 0 };
	uint8_t			b[64], a[2];
	size_t			n = strlen(cls);

	m6_oro(m, oro, 4);
	wire_put16(a, arch);
	m6_opt(m, D6O_CLIENT_ARCH_TYPE, a, 2);
	m6_opt(m, D6O_NII, nii, 3);
	wire_put32(b, 343);
	wire_put16(b + 4, (uint16_t)n);
	memcpy(b + 6, cls, n);
	m6_opt(m, D6O_VENDOR_CLASS, b, 6 + n);
}

/* Wrap m in a Relay-Forward from link (peer fe80::5054:ff:fe00:id). */
static void
m6_relay(struct m6 *m, const char *link, const char *ifid)
{
	struct m6	r;

	memset(&r, 0, sizeof(r));
	r.b[0] = DHCP6_RELAY_FORW;
	inet_pton(AF_INET6, link, r.b + 2);
	inet_pton(AF_INET6, "fe80::5054:ff:fe00:42", r.b + 18);
	r.n = 34;
	if (ifid != NULL)
		m6_opt(&r, D6O_INTERFACE_ID, ifid, strlen(ifid));
	m6_opt(&r, D6O_RELAY_MSG, m->b, m->n);
	*m = r;
}

/* ---------- running the engine ---------- */

static void
teardown(void)
{
	if (have_store)
		lease_fini(&L);
	have_store = false;
	conf_free(conf);
	conf = NULL;
	unit_tree_free();
}

static void
setup(const char *main_conf, const char *rules)
{
	size_t	i;

	teardown();
	unit_tree_new();
	unit_tree_file("pxed.conf", main_conf);
	unit_tree_file("conf.d/10-rules.conf", rules);
	conf = unit_tree_load();
	for (i = 0; conf == NULL && i < unit_nerrors(); i++)
		fprintf(stderr, "\n  %s\n", unit_error(i));
	CU_ASSERT_PTR_NOT_NULL_FATAL(conf);
	lease_init(&L);
	have_store = true;
	inet_pton(AF_INET6, "fe80::1", &ifaddrs[0]);
	inet_pton(AF_INET6, "2001:db8:1::1", &ifaddrs[1]);
	memset(&in, 0, sizeof(in));
	in.conf = conf;
	in.leases = &L;
	in.now = T0;
	in.duid = sduid;
	in.duid_len = sizeof(sduid);
	in.ifname = "eth0";
	in.ifaddrs = ifaddrs;
	in.nifaddrs = 2;
	in.src.sin6_family = AF_INET6;
	in.src.sin6_port = htons(546);
	inet_pton(AF_INET6, "fe80::5054:ff:fe00:1", &in.src.sin6_addr);
}

/* The reply type, or -1; the reply (unwrapped from relays) in rep. */
static int
run(const struct m6 *m)
{
	const uint8_t	*p;
	size_t		 n;

	dhcp6_srv_handle(&in, m->b, m->n, &out);
	memset(&rep, 0, sizeof(rep));
	if (out.type < 0)
		return -1;
	p = out.buf;
	n = out.len;
	/* Relay-Reply: the Relay-Message is the last option of each layer. */
	while (n > 34 && p[0] == DHCP6_RELAY_REPL) {
		size_t	off = 34;

		while (off + 4 <= n && wire_get16(p + off) != D6O_RELAY_MSG)
			off += 4 + wire_get16(p + off + 2);
		CU_ASSERT_FATAL(off + 4 <= n);
		n = wire_get16(p + off + 2);
		p += off + 4;
	}
	CU_ASSERT_EQUAL_FATAL(dhcp6_pkt_parse(p, n, &rep), DHCP6_POK);
	CU_ASSERT_EQUAL(rep.type, out.type);
	return out.type;
}

/* Status code inside the i-th IA of the reply, or -1. */
static int
ia_status(size_t i)
{
	size_t	k, seen = 0, off;

	for (k = 0; k < rep.nopt; k++) {
		const struct dhcp6_opt	*o = &rep.opt[k];

		if (o->code != D6O_IA_NA && o->code != D6O_IA_TA &&
		    o->code != D6O_IA_PD)
			continue;
		if (seen++ != i)
			continue;
		for (off = o->code == D6O_IA_TA ? 4 : 12; off + 4 <= o->len;
		    off += 4 + wire_get16(o->data + off + 2))
			if (wire_get16(o->data + off) == D6O_STATUS_CODE)
				return wire_get16(o->data + off + 4);
	}
	return -1;
}

static int
top_status(void)
{
	const struct dhcp6_opt	*o = dhcp6_pkt_opt(&rep, D6O_STATUS_CODE);

	return o != NULL && o->len >= 2 ? wire_get16(o->data) : -1;
}

static bool
opt_is(uint16_t code, const char *s)
{
	const struct dhcp6_opt	*o = dhcp6_pkt_opt(&rep, code);

	return o != NULL && o->len == strlen(s) && memcmp(o->data, s,
	    o->len) == 0;
}

static bool
addr_is(size_t i, const char *a)
{
	struct in6_addr	x;

	inet_pton(AF_INET6, a, &x);
	return rep.nia > i && rep.ia[i].naddr > 0 &&
	    memcmp(&rep.ia[i].addr[0].addr, &x, 16) == 0;
}

static char *
addr_of(size_t i, char *buf)
{
	if (rep.nia <= i || rep.ia[i].naddr == 0)
		return strcpy(buf, "-");
	inet_ntop(AF_INET6, &rep.ia[i].addr[0].addr, buf, INET6_ADDRSTRLEN);
	return buf;
}

/* A client known only by a DUID-EN 00:02:00:00:ab:cd:<id>. */
static void
m6_new_en(struct m6 *m, uint8_t type, uint8_t id)
{
	uint8_t	duid[7] = { 0, 2, 0, 0, 0xab, 0xcd, id };

	memset(m, 0, sizeof(*m));
	m->b[0] = type;
	m->n = 4;
	m6_opt(m, D6O_CLIENTID, duid, sizeof(duid));
}

/* ---------- tests ---------- */

/* RFC 8415 18.3.9, 18.3.2, 18.3: Solicit/Advertise/Request/Reply. */
static void
test_sarr(void)
{
	struct m6	m;
	char		a1[INET6_ADDRSTRLEN], a2[INET6_ADDRSTRLEN];
	const struct dhcp6_opt *o;

	setup(main_server, rules_boot);
	m6_new(&m, DHCP6_SOLICIT, 1);
	m6_ia(&m, 7, NULL);
	m6_ovmf(&m, 7, "PXEClient:Arch:00007:UNDI:003016");
	CU_ASSERT_EQUAL(run(&m), DHCP6_ADVERTISE);
	CU_ASSERT_FALSE(out.durable);
	/* 18.3: Server Identifier ours, Client Identifier echoed. */
	o = dhcp6_pkt_opt(&rep, D6O_SERVERID);
	CU_ASSERT(o != NULL && o->len == sizeof(sduid));
	CU_ASSERT_PTR_NOT_NULL(dhcp6_pkt_opt(&rep, D6O_CLIENTID));
	CU_ASSERT_EQUAL(rep.nia, 1);
	CU_ASSERT_EQUAL(rep.ia[0].iaid, 7);
	CU_ASSERT_EQUAL(rep.ia[0].t1, 1500);	/* 50 % of preferred */
	CU_ASSERT_EQUAL(rep.ia[0].t2, 2400);	/* 80 % */
	CU_ASSERT_EQUAL(rep.ia[0].addr[0].preferred, 3000);
	CU_ASSERT_EQUAL(rep.ia[0].addr[0].valid, 4000);
	addr_of(0, a1);
	CU_ASSERT_EQUAL(strncmp(a1, "2001:db8:1::1", 13), 0);
	/*
	 * RFC 5970: 59 a bracketed tftp URL, 60 the number.  No option 16
	 * PXEClient beside an address: OVMF would take it for a BINL offer
	 * and ask port 4011 again (seen in QEMU, tests/boot-qemu6.sh).
	 */
	CU_ASSERT(opt_is(D6O_BOOTFILE_URL, "tftp://[2001:db8:1::1]/ipxe.efi"));
	o = dhcp6_pkt_opt(&rep, D6O_BOOTFILE_PARAM);
	CU_ASSERT(o != NULL && o->len == 6 && memcmp(o->data + 2, "2048",
	    4) == 0);
	CU_ASSERT_PTR_NULL(dhcp6_pkt_opt(&rep, D6O_VENDOR_CLASS));
	CU_ASSERT(opt_is(D6O_DNS_SERVERS, "\x20\x01\x0d\xb8\0\x01\0\0\0\0\0\0"
	    "\0\0\0\x53") || dhcp6_pkt_opt(&rep, D6O_DNS_SERVERS) != NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.log, "dhcp6: SOLICIT(eth0) duid "
	    "00030001525400000001 mac 52:54:00:00:00:01"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out.log, "-> ADVERTISE 2001:db8:1::"));
	/* Request of the advertised address: the same, durable. */
	m6_new(&m, DHCP6_REQUEST, 1);
	m6_sid(&m);
	m6_ia(&m, 7, a1);
	m6_ovmf(&m, 7, "PXEClient:Arch:00007:UNDI:003016");
	CU_ASSERT_EQUAL(run(&m), DHCP6_REPLY);
	CU_ASSERT_TRUE(out.durable);
	CU_ASSERT_STRING_EQUAL(addr_of(0, a2), a1);
	CU_ASSERT_TRUE(lease_pending(&L) || L.path == NULL);
	CU_ASSERT_PTR_NOT_NULL(lease6_by_id(&L, m.b + 8, 10, 7));
	/* Same client, same address next time (hashed, not random). */
	m6_new(&m, DHCP6_SOLICIT, 1);
	m6_ia(&m, 7, NULL);
	CU_ASSERT_EQUAL(run(&m), DHCP6_ADVERTISE);
	CU_ASSERT_STRING_EQUAL(addr_of(0, a2), a1);
	/* Multiple IA_NA: one address each. */
	m6_new(&m, DHCP6_SOLICIT, 2);
	m6_ia(&m, 1, NULL);
	m6_ia(&m, 2, NULL);
	CU_ASSERT_EQUAL(run(&m), DHCP6_ADVERTISE);
	CU_ASSERT_EQUAL(rep.nia, 2);
	CU_ASSERT_STRING_NOT_EQUAL(addr_of(0, a1), addr_of(1, a2));
}

/* RFC 8415 21.14, 18.3.1: Rapid Commit when allowed. */
static void
test_rapid_commit(void)
{
	struct m6	m;

	setup(main_server, rules_boot);
	m6_new(&m, DHCP6_SOLICIT, 3);
	m6_ia(&m, 1, NULL);
	m6_opt(&m, D6O_RAPID_COMMIT, NULL, 0);
	CU_ASSERT_EQUAL(run(&m), DHCP6_REPLY);
	CU_ASSERT_TRUE(out.durable);
	CU_ASSERT_PTR_NOT_NULL(dhcp6_pkt_opt(&rep, D6O_RAPID_COMMIT));
	setup("dhcp {\n mode = server\n rapid-commit = no\n range6 \"a\" {\n"
	    "  prefix = 2001:db8:1::/64\n  start = 2001:db8:1::100\n"
	    "  end = 2001:db8:1::1ff\n }\n}\n", "");
	CU_ASSERT_EQUAL(run(&m), DHCP6_ADVERTISE);
	CU_ASSERT_PTR_NULL(dhcp6_pkt_opt(&rep, D6O_RAPID_COMMIT));
	CU_ASSERT_FALSE(out.durable);
}

/* RFC 8415 16.2, 16.4, 16.6, 16.7, 16.8, 16.9, 16.12: what is discarded. */
static void
test_validation(void)
{
	struct m6	m;
	uint8_t		other[] = { 0, 3, 0, 1, 9, 9, 9, 9, 9, 9 };

	setup(main_server, rules_boot);
	m6_new(&m, DHCP6_SOLICIT, 4);
	m6_sid(&m);
	m6_ia(&m, 1, NULL);
	CU_ASSERT_EQUAL(run(&m), -1);			/* 16.2 */
	m6_new(&m, DHCP6_REBIND, 4);
	m6_sid(&m);
	CU_ASSERT_EQUAL(run(&m), -1);			/* 16.7 */
	m6_new(&m, DHCP6_CONFIRM, 4);
	m6_sid(&m);
	CU_ASSERT_EQUAL(run(&m), -1);			/* 16.5 */
	m6_new(&m, DHCP6_REQUEST, 4);
	m6_ia(&m, 1, NULL);
	CU_ASSERT_EQUAL(run(&m), -1);			/* 16.4: no sid */
	m6_new(&m, DHCP6_RENEW, 4);
	m6_opt(&m, D6O_SERVERID, other, sizeof(other));
	m6_ia(&m, 1, NULL);
	CU_ASSERT_EQUAL(run(&m), -1);			/* 16.6: not ours */
	CU_ASSERT_PTR_NOT_NULL(strstr(out.log, "for another server"));
	memset(&m, 0, sizeof(m));
	m.b[0] = DHCP6_RELEASE;
	m.n = 4;
	m6_sid(&m);
	CU_ASSERT_EQUAL(run(&m), -1);			/* 16.9: no cid */
	m6_new(&m, DHCP6_INFORMATION_REQUEST, 4);
	m6_ia(&m, 1, NULL);
	CU_ASSERT_EQUAL(run(&m), -1);			/* 16.12: an IA */
	m6_new(&m, DHCP6_INFORMATION_REQUEST, 4);
	m6_opt(&m, D6O_SERVERID, other, sizeof(other));
	CU_ASSERT_EQUAL(run(&m), -1);			/* 16.12: not ours */
	m6_new(&m, DHCP6_ADVERTISE, 4);
	CU_ASSERT_EQUAL(run(&m), -1);			/* not a client's */
	/* Malformed: the reason is logged. */
	m.n = 2;
	CU_ASSERT_EQUAL(run(&m), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.log, "malformed"));
}

/* RFC 8415 16 and 18.4: unicast. */
static void
test_unicast(void)
{
	struct m6	m;

	setup(main_server, rules_boot);
	in.unicast = true;
	m6_new(&m, DHCP6_SOLICIT, 5);
	m6_ia(&m, 1, NULL);
	CU_ASSERT_EQUAL(run(&m), -1);
	m6_new(&m, DHCP6_REQUEST, 5);
	m6_sid(&m);
	m6_ia(&m, 1, NULL);
	CU_ASSERT_EQUAL(run(&m), DHCP6_REPLY);
	CU_ASSERT_EQUAL(top_status(), DHCP6_USE_MULTICAST);
	CU_ASSERT_EQUAL(rep.nia, 0);
}

/* RFC 8415 18.3.9 and 18.3.2: NoAddrsAvail and NotOnLink in the IA. */
static void
test_noaddrs_notonlink(void)
{
	struct m6	m;

	setup(main_server, rules_boot);
	/* Relayed from the far link, whose range6 has one address. */
	m6_new(&m, DHCP6_SOLICIT, 6);
	m6_ia(&m, 1, NULL);
	m6_relay(&m, "2001:db8:9::1", NULL);
	CU_ASSERT_EQUAL(run(&m), DHCP6_ADVERTISE);
	CU_ASSERT(addr_is(0, "2001:db8:9::10"));
	m6_new(&m, DHCP6_REQUEST, 6);
	m6_sid(&m);
	m6_ia(&m, 1, "2001:db8:9::10");
	m6_relay(&m, "2001:db8:9::1", NULL);
	CU_ASSERT_EQUAL(run(&m), DHCP6_REPLY);
	CU_ASSERT(addr_is(0, "2001:db8:9::10"));
	m6_new(&m, DHCP6_SOLICIT, 7);
	m6_ia(&m, 1, NULL);
	m6_relay(&m, "2001:db8:9::1", NULL);
	CU_ASSERT_EQUAL(run(&m), DHCP6_ADVERTISE);
	CU_ASSERT_EQUAL(rep.ia[0].naddr, 0);
	CU_ASSERT_EQUAL(ia_status(0), DHCP6_NO_ADDRS_AVAIL);
	/* 18.3.2: a Request for an address of another link. */
	m6_new(&m, DHCP6_REQUEST, 8);
	m6_sid(&m);
	m6_ia(&m, 1, "2001:db8:9::10");
	CU_ASSERT_EQUAL(run(&m), DHCP6_REPLY);
	CU_ASSERT_EQUAL(ia_status(0), DHCP6_NOT_ON_LINK);
	CU_ASSERT_FALSE(out.durable);
}

/* RFC 8415 18.3.4, 18.3.5: Renew and Rebind. */
static void
test_renew_rebind(void)
{
	struct m6	m;

	setup(main_server, rules_boot);
	m6_new(&m, DHCP6_REQUEST, 9);
	m6_sid(&m);
	m6_ia(&m, 1, NULL);
	CU_ASSERT_EQUAL_FATAL(run(&m), DHCP6_REPLY);
	in.now += 2000;
	m6_new(&m, DHCP6_RENEW, 9);
	m6_sid(&m);
	m6_ia(&m, 1, NULL);
	CU_ASSERT_EQUAL(run(&m), DHCP6_REPLY);
	CU_ASSERT_EQUAL(rep.ia[0].addr[0].valid, 4000);
	CU_ASSERT_TRUE(out.durable);
	CU_ASSERT_EQUAL(lease6_by_id(&L, m.b + 8, 10, 1)->expires, in.now +
	    4000);
	/* 18.3.4: no binding for the IA: NoBinding. */
	m6_new(&m, DHCP6_RENEW, 9);
	m6_sid(&m);
	m6_ia(&m, 2, "2001:db8:1::150");
	CU_ASSERT_EQUAL(run(&m), DHCP6_REPLY);
	CU_ASSERT_EQUAL(ia_status(0), DHCP6_NO_BINDING);
	/* 18.3.5: Rebind of an address of no link here: lifetimes 0. */
	m6_new(&m, DHCP6_REBIND, 10);
	m6_ia(&m, 1, "2001:db8:77::5");
	CU_ASSERT_EQUAL(run(&m), DHCP6_REPLY);
	CU_ASSERT(addr_is(0, "2001:db8:77::5"));
	CU_ASSERT_EQUAL(rep.ia[0].addr[0].valid, 0);
	CU_ASSERT_EQUAL(rep.ia[0].addr[0].preferred, 0);
	/* Rebind of a free on-link address by an authoritative server. */
	m6_new(&m, DHCP6_REBIND, 10);
	m6_ia(&m, 1, "2001:db8:1::1f0");
	CU_ASSERT_EQUAL(run(&m), DHCP6_REPLY);
	CU_ASSERT(addr_is(0, "2001:db8:1::1f0"));
	CU_ASSERT_EQUAL(rep.ia[0].addr[0].valid, 4000);
}

/* RFC 8415 18.3.3: Confirm. */
static void
test_confirm(void)
{
	struct m6	m;

	setup(main_server, rules_boot);
	m6_new(&m, DHCP6_CONFIRM, 11);
	m6_ia(&m, 1, "2001:db8:1::123");
	CU_ASSERT_EQUAL(run(&m), DHCP6_REPLY);
	CU_ASSERT_EQUAL(top_status(), DHCP6_SUCCESS);
	CU_ASSERT_EQUAL(rep.nia, 0);
	m6_new(&m, DHCP6_CONFIRM, 11);
	m6_ia(&m, 1, "2001:db8:5::123");
	CU_ASSERT_EQUAL(run(&m), DHCP6_REPLY);
	CU_ASSERT_EQUAL(top_status(), DHCP6_NOT_ON_LINK);
	m6_new(&m, DHCP6_CONFIRM, 11);
	m6_ia(&m, 1, NULL);
	CU_ASSERT_EQUAL(run(&m), -1);	/* no addresses: no reply */
}

/* RFC 8415 18.3.7, 18.3.8: Release and Decline. */
static void
test_release_decline(void)
{
	struct m6	m;
	char		a[INET6_ADDRSTRLEN];
	struct in6_addr	x;
	struct lease6	*l;

	setup(main_server, rules_boot);
	m6_new(&m, DHCP6_REQUEST, 12);
	m6_sid(&m);
	m6_ia(&m, 1, NULL);
	CU_ASSERT_EQUAL_FATAL(run(&m), DHCP6_REPLY);
	addr_of(0, a);
	m6_new(&m, DHCP6_RELEASE, 12);
	m6_sid(&m);
	m6_ia(&m, 1, a);
	m6_ia(&m, 2, a);
	CU_ASSERT_EQUAL(run(&m), DHCP6_REPLY);
	CU_ASSERT_EQUAL(top_status(), DHCP6_SUCCESS);
	CU_ASSERT_EQUAL(ia_status(0), DHCP6_NO_BINDING);	/* IAID 2 */
	CU_ASSERT_TRUE(out.durable);
	inet_pton(AF_INET6, a, &x);
	l = lease6_by_addr(&L, &x);
	CU_ASSERT(l != NULL && !lease6_is_live(l, in.now));
	/* Decline: quarantined, nobody gets it. */
	m6_new(&m, DHCP6_REQUEST, 12);
	m6_sid(&m);
	m6_ia(&m, 1, a);
	CU_ASSERT_EQUAL_FATAL(run(&m), DHCP6_REPLY);
	CU_ASSERT(addr_is(0, a));
	m6_new(&m, DHCP6_DECLINE, 12);
	m6_sid(&m);
	m6_ia(&m, 1, a);
	CU_ASSERT_EQUAL(run(&m), DHCP6_REPLY);
	CU_ASSERT_EQUAL(top_status(), DHCP6_SUCCESS);
	l = lease6_by_addr(&L, &x);
	CU_ASSERT(l != NULL && l->state == LEASE_DECLINED);
	CU_ASSERT_FALSE(lease6_addr_free(&L, &x, m.b + 8, 10, 1, in.now));
}

/* RFC 8415 18.3.6: Information-request. */
static void
test_inforeq(void)
{
	struct m6	m;
	static const uint16_t oro[] = { 23, 24, 59, 60 };
	static const uint8_t uc[] = { 0, 4, 'i', 'P', 'X', 'E' };

	setup(main_server, rules_boot);
	m6_new(&m, DHCP6_INFORMATION_REQUEST, 13);
	m6_oro(&m, oro, 4);
	m6_opt(&m, D6O_USER_CLASS, uc, sizeof(uc));
	CU_ASSERT_EQUAL(run(&m), DHCP6_REPLY);
	CU_ASSERT_EQUAL(rep.nia, 0);
	CU_ASSERT_PTR_NOT_NULL(dhcp6_pkt_opt(&rep, D6O_DNS_SERVERS));
	/* ${http} renders a bracketed address; iPXE gets no option 16. */
	CU_ASSERT(opt_is(D6O_BOOTFILE_URL,
	    "http://[2001:db8:1::1]/boot.ipxe"));
	CU_ASSERT_PTR_NULL(dhcp6_pkt_opt(&rep, D6O_VENDOR_CLASS));
	CU_ASSERT_PTR_NOT_NULL(strstr(out.log, " ipxe "));
}

/* RFC 8415 19.3, 21.18: two relays deep, Interface-ID echoed. */
static void
test_relay(void)
{
	struct m6	m;
	const uint8_t	*p;

	setup(main_server, rules_boot);
	m6_new(&m, DHCP6_SOLICIT, 14);
	m6_ia(&m, 1, NULL);
	m6_ovmf(&m, 7, "PXEClient:Arch:00007:UNDI:003016");
	m6_relay(&m, "2001:db8:1::fe", "port7");
	m6_relay(&m, "::", "uplink");
	in.src.sin6_port = htons(547);
	inet_pton(AF_INET6, "2001:db8:ff::2", &in.src.sin6_addr);
	CU_ASSERT_EQUAL(run(&m), DHCP6_ADVERTISE);
	/* The inner link-address chose the range; the mac is EUI-64's. */
	CU_ASSERT_EQUAL(memcmp(&rep.ia[0].addr[0].addr, "\x20\x01\x0d\xb8"
	    "\0\x01", 6), 0);
	CU_ASSERT_EQUAL(ntohs(out.to.sin6_port), 547);
	CU_ASSERT_EQUAL(memcmp(&out.to.sin6_addr, &in.src.sin6_addr, 16), 0);
	p = out.buf;
	CU_ASSERT_EQUAL(p[0], DHCP6_RELAY_REPL);
	CU_ASSERT_EQUAL(wire_get16(p + 34), D6O_INTERFACE_ID);
	CU_ASSERT_EQUAL(memcmp(p + 38, "uplink", 6), 0);
	p += 34 + 4 + 6 + 4;
	CU_ASSERT_EQUAL(p[0], DHCP6_RELAY_REPL);
	CU_ASSERT_EQUAL(memcmp(p + 38, "port7", 5), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.log, "via 2001:db8:1::fe"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out.log, "mac 52:54:00:00:00:0e"));
}

/* Proxy mode: PXE and HTTP boot clients only, no IA, no status. */
static void
test_proxy(void)
{
	struct m6	m;
	static const uint8_t uc[] = { 0, 4, 'i', 'P', 'X', 'E' };
	const struct dhcp6_opt *o;

	setup("dhcp {\n mode = proxy\n}\n", rules_boot);
	m6_new(&m, DHCP6_SOLICIT, 15);
	m6_ia(&m, 1, NULL);
	m6_ovmf(&m, 7, "PXEClient:Arch:00007:UNDI:003016");
	CU_ASSERT_EQUAL(run(&m), DHCP6_ADVERTISE);
	CU_ASSERT_EQUAL(rep.nia, 0);
	CU_ASSERT_EQUAL(top_status(), -1);
	CU_ASSERT_FALSE(out.durable);
	CU_ASSERT(opt_is(D6O_BOOTFILE_URL, "tftp://[2001:db8:1::1]/ipxe.efi"));
	/* The Request without IA to port 4011 (or 547): Reply with 59. */
	m6_new(&m, DHCP6_REQUEST, 15);
	m6_ovmf(&m, 7, "PXEClient:Arch:00007:UNDI:003016");
	in.proxy_port = true;
	in.unicast = true;
	CU_ASSERT_EQUAL(run(&m), DHCP6_REPLY);
	CU_ASSERT(opt_is(D6O_BOOTFILE_URL, "tftp://[2001:db8:1::1]/ipxe.efi"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out.log, "dhcp6-proxy: REQUEST"));
	in.proxy_port = in.unicast = false;
	/* A Request to another server is not the proxy's. */
	m6_new(&m, DHCP6_REQUEST, 15);
	m6_opt(&m, D6O_SERVERID, "\0\3\0\1\1\1\1\1\1\1", 10);
	m6_ovmf(&m, 7, "PXEClient:Arch:00007:UNDI:003016");
	CU_ASSERT_EQUAL(run(&m), -1);
	/* iPXE sends neither 16 nor 61: not answered by a proxy. */
	m6_new(&m, DHCP6_SOLICIT, 16);
	m6_ia(&m, 1, NULL);
	m6_opt(&m, D6O_USER_CLASS, uc, sizeof(uc));
	CU_ASSERT_EQUAL(run(&m), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.log, "not a PXE or HTTP boot"));
	/* UEFI HTTP boot: an http URL and HTTPClient echoed. */
	m6_new(&m, DHCP6_SOLICIT, 17);
	m6_ia(&m, 1, NULL);
	m6_ovmf(&m, 16, "HTTPClient:Arch:00016:UNDI:003001");
	CU_ASSERT_EQUAL(run(&m), DHCP6_ADVERTISE);
	CU_ASSERT(opt_is(D6O_BOOTFILE_URL,
	    "http://[2001:db8:1::1]/images/boot.efi"));
	o = dhcp6_pkt_opt(&rep, D6O_VENDOR_CLASS);
	CU_ASSERT(o != NULL && o->len == 16 && wire_get32(o->data) == 343 &&
	    memcmp(o->data + 6, "HTTPClient", 10) == 0);
	/* Option 60 only when configured and asked for (RFC 5970 3.2). */
	CU_ASSERT_PTR_NULL(dhcp6_pkt_opt(&rep, D6O_BOOTFILE_PARAM));
}

/*
 * The server's own address in URLs: dhcp6_io_ifaddr_sort() puts a static
 * address before SLAAC, temporary, deprecated and tentative ones on the
 * same prefix (the kernel lists the newest first), and the engine names
 * the first one on the client's prefix.
 */
static void
test_server_addr(void)
{
	static const struct {
		const char	*a;
		uint32_t	 flags;
	} kernel[] = {
		{ "2001:db8:1::1:99", IFA_F_TENTATIVE | IFA_F_PERMANENT },
		{ "2001:db8:1::9e3a:1", IFA_F_TEMPORARY },
		{ "2001:db8:1:0:5054:ff:fe00:2", 0 },		/* SLAAC */
		{ "2001:db8:1::7", IFA_F_DEPRECATED | IFA_F_PERMANENT },
		{ "fe80::1", IFA_F_PERMANENT },
		{ "2001:db8:1::1", IFA_F_PERMANENT },
		{ "2001:db8:1::2", IFA_F_PERMANENT | IFA_F_NODAD },
	};
	static const char *want[] = { "fe80::1", "2001:db8:1::1",
	    "2001:db8:1::2", "2001:db8:1:0:5054:ff:fe00:2",
	    "2001:db8:1::9e3a:1", "2001:db8:1::7", "2001:db8:1::1:99" };
	struct dhcp6_io_ifaddr	a[7];
	struct in6_addr		sorted[7];
	char			s[INET6_ADDRSTRLEN];
	struct m6		m;
	size_t			i;

	for (i = 0; i < 7; i++) {
		a[i].ifindex = 2;
		inet_pton(AF_INET6, kernel[i].a, &a[i].addr);
		a[i].flags = kernel[i].flags;
	}
	dhcp6_io_ifaddr_sort(a, 7);
	for (i = 0; i < 7; i++) {
		inet_ntop(AF_INET6, &a[i].addr, s, sizeof(s));
		CU_ASSERT_STRING_EQUAL(s, want[i]);
		sorted[i] = a[i].addr;
	}
	setup("dhcp {\n mode = proxy\n}\n", rules_boot);
	in.ifaddrs = sorted;
	in.nifaddrs = 7;
	m6_new(&m, DHCP6_SOLICIT, 15);
	m6_ia(&m, 1, NULL);
	m6_ovmf(&m, 7, "PXEClient:Arch:00007:UNDI:003016");
	CU_ASSERT_EQUAL(run(&m), DHCP6_ADVERTISE);
	CU_ASSERT(opt_is(D6O_BOOTFILE_URL, "tftp://[2001:db8:1::1]/ipxe.efi"));
}

/* Hosts by DUID, by MAC from a DUID-LL, and by MAC from EUI-64. */
static void
test_hosts(void)
{
	struct m6	m;

	setup(main_server, rules_boot);
	m6_new_en(&m, DHCP6_SOLICIT, 1);
	m6_ia(&m, 1, NULL);
	CU_ASSERT_EQUAL(run(&m), DHCP6_ADVERTISE);
	CU_ASSERT(addr_is(0, "2001:db8:1::10"));
	m6_new(&m, DHCP6_SOLICIT, 0x77);
	m6_ia(&m, 1, NULL);
	CU_ASSERT_EQUAL(run(&m), DHCP6_ADVERTISE);
	CU_ASSERT(addr_is(0, "2001:db8:1::11"));
	/* DUID-EN of no host: the MAC of the EUI-64 source finds it (once
	 * the other DUID's offer of the host's address has run out). */
	in.now += DHCP6_OFFER_SECS + 1;
	m6_new_en(&m, DHCP6_SOLICIT, 2);
	m6_ia(&m, 1, NULL);
	inet_pton(AF_INET6, "fe80::5054:ff:fe00:77", &in.src.sin6_addr);
	CU_ASSERT_EQUAL(run(&m), DHCP6_ADVERTISE);
	CU_ASSERT(addr_is(0, "2001:db8:1::11"));
	/* Hosts' fixed addresses are never handed to others. */
	CU_ASSERT_PTR_NOT_NULL(conf_inet6_host_by_ip6(conf, &rep.ia[0].
	    addr[0].addr));
}

/* The rules on a DHCPv6 summary: arch, vendorclass, userclass, option. */
static void
test_rules6(void)
{
	struct m6		m;
	struct dhcp6_msg	msg;
	struct rules_req	req;
	struct rules_result	res;
	char			tags[256];
	static const uint8_t	uc[] = { 0, 4, 'i', 'P', 'X', 'E' };

	setup(main_server, rules_boot);
	m6_new(&m, DHCP6_SOLICIT, 18);
	m6_ovmf(&m, 7, "PXEClient:Arch:00007:UNDI:003016");
	m6_opt(&m, D6O_USER_CLASS, uc, sizeof(uc));
	m6_relay(&m, "2001:db8:9::1", NULL);
	CU_ASSERT_EQUAL_FATAL(dhcp6_pkt_parse(m.b, m.n, &msg), DHCP6_POK);
	dhcp6_srv_rules_req(&msg, NULL, &req);
	CU_ASSERT_EQUAL(req.family, AF_INET6);
	CU_ASSERT_EQUAL(rules_arch(&req), 7);
	CU_ASSERT_EQUAL(req.mac_len, 6);
	rules_eval(conf, &req, &res);
	rules_tags_string(conf, &res, tags, sizeof(tags));
	CU_ASSERT_STRING_EQUAL(tags, "efi64,ipxe,pxe6,hasnii,farlink");
	/* An IPv4 request with the same bytes is not a v6 one. */
	req.family = AF_INET;
	CU_ASSERT_EQUAL(rules_arch(&req), -1);
}

/* Option 59 only when asked for (RFC 5970 3.1 with RFC 8415 21.7). */
static void
test_oro(void)
{
	struct m6	m;
	static const uint16_t oro[] = { 23 };

	setup(main_server, rules_boot);
	m6_new(&m, DHCP6_SOLICIT, 19);
	m6_ia(&m, 1, NULL);
	m6_oro(&m, oro, 1);
	CU_ASSERT_EQUAL(run(&m), DHCP6_ADVERTISE);
	CU_ASSERT_PTR_NULL(dhcp6_pkt_opt(&rep, D6O_BOOTFILE_URL));
	CU_ASSERT_PTR_NOT_NULL(dhcp6_pkt_opt(&rep, D6O_DNS_SERVERS));
}

/* A6/R6/D6 in the journal: bind, sync, restart, compaction, --leases. */
static void
test_journal(void)
{
	struct m6	m;
	char		path[300], a[INET6_ADDRSTRLEN], buf[4096];
	const char	*dir;
	struct in6_addr	x;
	const struct lease6 *l;
	FILE		*fp;

	setup(main_server, rules_boot);
	dir = unit_tree_new();
	snprintf(path, sizeof(path), "%s/leases", dir);
	CU_ASSERT_EQUAL_FATAL(lease_open(&L, path, T0), 0);
	m6_new(&m, DHCP6_REQUEST, 20);
	m6_sid(&m);
	m6_ia(&m, 3, NULL);
	CU_ASSERT_EQUAL_FATAL(run(&m), DHCP6_REPLY);
	CU_ASSERT_TRUE(out.durable);
	CU_ASSERT_TRUE(lease_pending(&L));
	CU_ASSERT_EQUAL(lease_sync(&L), 0);
	addr_of(0, a);
	m6_new(&m, DHCP6_DECLINE, 21);
	lease6_decline(&L, &ifaddrs[1], T0 + 600);
	CU_ASSERT_EQUAL(lease_sync(&L), 0);
	/* Restart: the journal read back. */
	lease_fini(&L);
	lease_init(&L);
	CU_ASSERT_EQUAL_FATAL(lease_open(&L, path, T0 + 10), 0);
	inet_pton(AF_INET6, a, &x);
	l = lease6_by_addr(&L, &x);
	CU_ASSERT_FATAL(l != NULL);
	CU_ASSERT_EQUAL(l->iaid, 3);
	CU_ASSERT_EQUAL(l->state, LEASE_ACKED);
	CU_ASSERT_TRUE(l->has_mac);
	l = lease6_by_addr(&L, &ifaddrs[1]);
	CU_ASSERT(l != NULL && l->state == LEASE_DECLINED);
	/* lease_open compacted: both records, and a header. */
	unit_slurp(path, buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "A6 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "D6 2001:db8:1::1 "));
	/* Expired, compacted away. */
	CU_ASSERT_EQUAL(lease_compact(&L, T0 + 100000), 0);
	unit_slurp(path, buf, sizeof(buf));
	CU_ASSERT_PTR_NULL(strstr(buf, "A6 "));
	/* --leases lists v6 bindings. */
	lease_fini(&L);
	lease_init(&L);
	CU_ASSERT_EQUAL_FATAL(lease_open(&L, path, T0), 0);
	m6_new(&m, DHCP6_REQUEST, 22);
	m6_sid(&m);
	m6_ia(&m, 4, NULL);
	CU_ASSERT_EQUAL_FATAL(run(&m), DHCP6_REPLY);
	CU_ASSERT_EQUAL(lease_sync(&L), 0);
	fp = fmemopen(buf, sizeof(buf), "w");
	CU_ASSERT_EQUAL(lease_dump(path, T0, true, fp), 0);
	fclose(fp);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"duid\": \"00030001525400000016\""
	    ", \"iaid\": 4}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"mac\": \"52:54:00:00:00:16\""));
	/* A torn or bad v6 line is skipped, the rest loads. */
	unit_tree_file("leases2", "A6 zz 1 2 3 - -\nA6 2001:db8:1::5 "
	    "never 1 0003 - -\n");
	snprintf(path, sizeof(path), "%s/leases2", dir);
	lease_fini(&L);
	lease_init(&L);
	CU_ASSERT_EQUAL_FATAL(lease_open(&L, path, T0), 0);
	CU_ASSERT_EQUAL(lease6_count(&L), 1);
	CU_ASSERT_EQUAL(L.st.load_skipped, 1);
}

static void
conf_err(const char *main_conf, const char *rules, const char *msg)
{
	struct conf	*c;

	unit_tree_new();
	unit_tree_file("pxed.conf", main_conf);
	unit_tree_file("conf.d/10-rules.conf", rules);
	c = unit_tree_load();
	CU_ASSERT_PTR_NULL(c);
	if (!unit_has_error(msg)) {
		size_t	i;

		fprintf(stderr, "\n  wanted: %s\n", msg);
		for (i = 0; i < unit_nerrors(); i++)
			fprintf(stderr, "  got: %s\n", unit_error(i));
		CU_FAIL("message");
	}
	conf_free(c);
}

/* range6, host ip6/duid and relay prefixes: file:line errors. */
static void
test_conf6(void)
{
	teardown();
	conf_err("dhcp {\n range6 \"a\" {\n  prefix = 2001:db8:1::/64\n"
	    "  start = 2001:db8:2::1\n  end = 2001:db8:1::9\n }\n}\n", "",
	    "pxed.conf:4: range6 \"a\": start 2001:db8:2::1 is outside prefix "
	    "2001:db8:1::/64");
	conf_err("dhcp {\n range6 \"a\" {\n  prefix = 2001:db8:1::/64\n"
	    "  start = 2001:db8:1::9\n  end = 2001:db8:1::1\n }\n}\n", "",
	    "pxed.conf:2: range6 \"a\": start 2001:db8:1::9 is after end "
	    "2001:db8:1::1");
	conf_err("dhcp {\n range6 \"a\" {\n  prefix = 2001:db8:1::/64\n"
	    "  start = 2001:db8:1::1\n  end = 2001:db8:1::9\n }\n"
	    " range6 \"b\" {\n  prefix = 2001:db8:1::/64\n"
	    "  start = 2001:db8:1::5\n  end = 2001:db8:1::20\n }\n}\n", "",
	    "pxed.conf:7: range6 \"b\" overlaps range6 \"a\" at pxed.conf:2");
	conf_err(main_server, "host \"h\" { ip6 = 2001:db8:7::1\n"
	    " duid = \"00:03:00:01:01:02:03:04:05:06\" }\n",
	    "conf.d/10-rules.conf:1: host \"h\": ip6 2001:db8:7::1 is outside "
	    "every range6's prefix");
	conf_err("", "host \"h\" { duid = 000200 }\n"
	    "host \"i\" { duid = \"00:02:00\" }\n",
	    "conf.d/10-rules.conf:2: host \"i\": duid is already host \"h\" at "
	    "conf.d/10-rules.conf:1");
	conf_err("", "host \"h\" { duid = \"zz\" }\n",
	    "conf.d/10-rules.conf:1: duid: \"zz\" is not a DUID in hex such as "
	    "00:03:00:01:52:54:00:12:34:56");
	conf_err("", "boot \"b\" { bootfile-param = \"/x\" }\n",
	    "conf.d/10-rules.conf:1: bootfile-param: \"/x\" is not a number of "
	    "1 to 5 digits (UEFI reads it as the boot file size)");
	conf_err("dhcp {\n t1-percent = 90\n}\n", "",
	    "pxed.conf:2: t1-percent 90 is above t2-percent 80");
	unit_tree_free();
}

/* Solicit floods, releases and old bindings leave memory (lease6_expire). */
static void
test_expire6(void)
{
	struct m6	m;
	unsigned	i;

	setup(main_server, rules_boot);
	for (i = 1; i <= 200; i++) {
		m6_new(&m, DHCP6_SOLICIT, (uint8_t)i);
		m6_ia(&m, 1, NULL);
		CU_ASSERT_EQUAL(run(&m), DHCP6_ADVERTISE);
	}
	CU_ASSERT_EQUAL(lease6_count(&L), 200);
	CU_ASSERT_EQUAL(lease6_expire(&L, T0 + DHCP6_OFFER_SECS - 1), 0);
	CU_ASSERT_EQUAL(lease6_expire(&L, T0 + DHCP6_OFFER_SECS + 1), 200);
	CU_ASSERT_EQUAL(lease6_count(&L), 0);
	/* A binding stays a day past its expiry; a release goes at once. */
	m6_new(&m, DHCP6_REQUEST, 1);
	m6_sid(&m);
	m6_ia(&m, 1, NULL);
	CU_ASSERT_EQUAL_FATAL(run(&m), DHCP6_REPLY);
	m6_new(&m, DHCP6_REQUEST, 2);
	m6_sid(&m);
	m6_ia(&m, 1, NULL);
	CU_ASSERT_EQUAL_FATAL(run(&m), DHCP6_REPLY);
	lease6_release(&L, lease6_by_id(&L, m.b + 8, 10, 1), in.now);
	CU_ASSERT_EQUAL(lease6_expire(&L, in.now + 1), 1);
	CU_ASSERT_EQUAL(lease6_count(&L), 1);
	CU_ASSERT_EQUAL(lease6_expire(&L, T0 + 4000 + LEASE6_KEEP_SECS - 1),
	    0);
	CU_ASSERT_EQUAL(lease6_expire(&L, T0 + 4000 + LEASE6_KEEP_SECS), 1);
	CU_ASSERT_EQUAL(lease6_count(&L), 0);
}

/* Every allocated address in start..end, for a range across a /64. */
static void
check_alloc_bounds(const char *start, const char *end, unsigned want)
{
	struct conf_range6	r;
	struct in6_addr		a;
	uint8_t			duid[4] = { 0, 4, 0, 0 };
	unsigned		i, got = 0;

	memset(&r, 0, sizeof(r));
	inet_pton(AF_INET6, "2001:db8:2::", &r.prefix);
	r.plen = 48;
	inet_pton(AF_INET6, start, &r.start);
	inet_pton(AF_INET6, end, &r.end);
	for (i = 0; i < 300; i++) {
		duid[2] = (uint8_t)(i >> 8);
		duid[3] = (uint8_t)i;
		if (lease6_alloc(&L, conf, &r, duid, sizeof(duid), 1, T0,
		    &a) == -1)
			continue;
		got++;
		CU_ASSERT(memcmp(&a, &r.start, 16) >= 0);
		CU_ASSERT(memcmp(&a, &r.end, 16) <= 0);
		lease6_bind(&L, &a, duid, sizeof(duid), 1, NULL, LEASE_OFFERED,
		    T0 + 60, NULL);
	}
	CU_ASSERT_EQUAL(got, want);
}

/* range6 bounds: start <= a <= end, across a /64 and wider than 2^64. */
static void
test_range6_bounds(void)
{
	setup(main_server, rules_boot);
	/* 32 addresses across 2001:db8:2::/64 and 2001:db8:2:1::/64. */
	check_alloc_bounds("2001:db8:2:0:ffff:ffff:ffff:fff0",
	    "2001:db8:2:1::f", 32);
	lease_fini(&L);
	lease_init(&L);
	/* More than 2^64: hashed probes, all below end. */
	check_alloc_bounds("2001:db8:2:0:8000::", "2001:db8:2:1:7fff::", 300);
	lease_fini(&L);
	lease_init(&L);
	check_alloc_bounds("2001:db8:2:1::", "2001:db8:2::", 0);
}

/* RFC 8415 11.1, 16: short DUIDs dropped; none reaches the journal. */
static void
test_duid6(void)
{
	static const uint8_t	short_duid[2] = { 0, 3 };
	struct m6		m;
	struct in6_addr		a;
	FILE			*fp;

	setup(main_server, rules_boot);
	memset(&m, 0, sizeof(m));
	m.b[0] = DHCP6_SOLICIT;
	m.n = 4;
	m6_opt(&m, D6O_CLIENTID, short_duid, sizeof(short_duid));
	m6_ia(&m, 1, NULL);
	CU_ASSERT_EQUAL(run(&m), -1);
	CU_ASSERT_EQUAL(out.reqtype, -1);	/* counted as malformed */
	CU_ASSERT_PTR_NOT_NULL(strstr(out.log, "11.1"));
	CU_ASSERT_EQUAL(lease6_count(&L), 0);
	/* An A6 line without a DUID is never written. */
	inet_pton(AF_INET6, "2001:db8:1::105", &a);
	lease6_bind(&L, &a, NULL, 0, 1, NULL, LEASE_ACKED, T0 + 100, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp = tmpfile());
	CU_ASSERT_EQUAL(lease6_compact(&L, fp, T0), 0);
	CU_ASSERT_EQUAL(ftell(fp), 0);
	fclose(fp);
}

/* Server mode answers nothing while the lease file is not open. */
static void
test_no_store(void)
{
	struct m6	m;

	setup(main_server, rules_boot);
	in.leases = NULL;
	m6_new(&m, DHCP6_SOLICIT, 3);
	m6_ia(&m, 1, NULL);
	CU_ASSERT_EQUAL(run(&m), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.log, "lease file is not open"));
	m6_new(&m, DHCP6_REQUEST, 3);
	m6_sid(&m);
	m6_ia(&m, 1, NULL);
	CU_ASSERT_EQUAL(run(&m), -1);
	CU_ASSERT_FALSE(out.durable);
	in.leases = &L;
	CU_ASSERT_EQUAL(run(&m), DHCP6_REPLY);
	CU_ASSERT_TRUE(out.durable);
}

/* An IA_PD with a prefix hint 2001:db8:f00::/56 (RFC 8415 21.21, 21.22). */
static void
m6_ia_pd(struct m6 *m, uint32_t iaid)
{
	uint8_t	b[12 + 29];

	memset(b, 0, sizeof(b));
	wire_put32(b, iaid);
	wire_put16(b + 12, D6O_IAPREFIX);
	wire_put16(b + 14, 25);
	b[16 + 8] = 56;
	inet_pton(AF_INET6, "2001:db8:f00::", b + 16 + 9);
	m6_opt(m, D6O_IA_PD, b, sizeof(b));
}

/* RFC 8415 18.3.9, 18.3.2, 18.3.4: IA_PD back with NoPrefixAvail. */
static void
test_ia_pd(void)
{
	struct m6	m;
	static const uint8_t types[] = { DHCP6_SOLICIT, DHCP6_REQUEST };
	size_t		k;

	setup(main_server, rules_boot);
	for (k = 0; k < 2; k++) {
		m6_new(&m, types[k], 12);
		if (types[k] == DHCP6_REQUEST)
			m6_sid(&m);
		m6_ia_pd(&m, 7);
		m6_ia(&m, 1, NULL);
		CU_ASSERT_EQUAL(run(&m), k == 0 ? DHCP6_ADVERTISE :
		    DHCP6_REPLY);
		CU_ASSERT_EQUAL_FATAL(rep.nia, 2);
		CU_ASSERT_EQUAL(rep.ia[0].type, D6O_IA_PD);
		CU_ASSERT_EQUAL(rep.ia[0].iaid, 7);
		CU_ASSERT_EQUAL(rep.ia[0].t1, 0);
		CU_ASSERT_EQUAL(rep.ia[0].t2, 0);
		CU_ASSERT_EQUAL(ia_status(0), DHCP6_NO_PREFIX_AVAIL);
		CU_ASSERT_EQUAL(rep.ia[1].type, D6O_IA_NA);
		CU_ASSERT_EQUAL(rep.ia[1].naddr, 1);
		CU_ASSERT_EQUAL(ia_status(1), -1);
	}
	m6_new(&m, DHCP6_RENEW, 12);
	m6_sid(&m);
	m6_ia_pd(&m, 7);
	CU_ASSERT_EQUAL(run(&m), DHCP6_REPLY);
	CU_ASSERT_EQUAL_FATAL(rep.nia, 1);
	CU_ASSERT_EQUAL(rep.ia[0].type, D6O_IA_PD);
	CU_ASSERT_EQUAL(ia_status(0), DHCP6_NO_BINDING);
}

/* A shared store (as lease_pg.c is) that only counts its records. */
static void
shared_record(struct lease_store *s, const struct lease *l)
{
	(void)s;
	(void)l;
}

static void
shared_record6(struct lease_store *s, const struct lease6 *l)
{
	(void)s;
	(void)l;
}

static bool
shared_pending(const struct lease_store *s)
{
	return s->seq > 0;
}

static void
shared_sync(struct lease_store *s)
{
	(void)s;
}

static bool
shared_lost(const struct lease_store *s, uint64_t seq)
{
	(void)s;
	(void)seq;
	return false;
}

static const struct lease_store_ops shared_ops = { "shared", shared_record,
    shared_pending, shared_sync, shared_lost, shared_record6 };

/*
 * lease-database: an Advertise is a claim; a Rebind of an on-link address
 * of the range that the cache does not hold for the IA (another server's
 * client, RFC 8415 18.3.5) is claimed and extended, the database decides,
 * even over the cache's mark of another server's client; without a shared
 * store a non-authoritative server says NoBinding.
 */
static void
test_shared_store(void)
{
	struct lease_store	 st = { &shared_ops, NULL, 0, false, true, NULL };
	struct m6		 m;
	struct in6_addr		 a;
	char			 conf6[1024];

	/* main_server, not authoritative. */
	snprintf(conf6, sizeof(conf6), "dhcp {\n authoritative = no\n%s",
	    main_server + strlen("dhcp {\n"));
	setup(conf6, rules_boot);
	lease_use_store(&L, &st);
	m6_new(&m, DHCP6_SOLICIT, 30);
	m6_ia(&m, 1, NULL);
	CU_ASSERT_EQUAL(run(&m), DHCP6_ADVERTISE);
	CU_ASSERT_EQUAL(st.seq, 1);
	m6_new(&m, DHCP6_REBIND, 31);
	m6_ia(&m, 1, "2001:db8:1::1e0");
	CU_ASSERT_EQUAL(run(&m), DHCP6_REPLY);
	CU_ASSERT(addr_is(0, "2001:db8:1::1e0"));
	CU_ASSERT_EQUAL(rep.ia[0].addr[0].valid, 4000);
	CU_ASSERT_TRUE(out.durable);
	CU_ASSERT_EQUAL(st.seq, 2);
	inet_pton(AF_INET6, "2001:db8:1::1e1", &a);
	lease6_foreign(&L, &a, T0 + 600);
	CU_ASSERT_EQUAL(st.seq, 2);		/* the cache only */
	m6_new(&m, DHCP6_REBIND, 32);
	m6_ia(&m, 1, "2001:db8:1::1e1");
	CU_ASSERT_EQUAL(run(&m), DHCP6_REPLY);
	CU_ASSERT(addr_is(0, "2001:db8:1::1e1"));
	CU_ASSERT_EQUAL(st.seq, 3);
	/* Out of the range (on link): no claim, NoBinding. */
	m6_new(&m, DHCP6_REBIND, 33);
	m6_ia(&m, 1, "2001:db8:1::50");
	CU_ASSERT_EQUAL(run(&m), DHCP6_REPLY);
	CU_ASSERT_EQUAL(ia_status(0), DHCP6_NO_BINDING);
	CU_ASSERT_EQUAL(st.seq, 3);
	/* The journal, not authoritative: no record of the IA, NoBinding. */
	lease_use_store(&L, NULL);
	m6_new(&m, DHCP6_REBIND, 34);
	m6_ia(&m, 1, "2001:db8:1::1e2");
	CU_ASSERT_EQUAL(run(&m), DHCP6_REPLY);
	CU_ASSERT_EQUAL(ia_status(0), DHCP6_NO_BINDING);
	m6_new(&m, DHCP6_SOLICIT, 35);
	m6_ia(&m, 1, NULL);
	CU_ASSERT_EQUAL(run(&m), DHCP6_ADVERTISE);
	CU_ASSERT_EQUAL(L.journal.seq, 0);	/* an Advertise: no record */
}

static unsigned	full_lines;
static uint64_t	fake_ms;

static void
full_sink(int prio, const char *line)
{
	(void)prio;
	if (strstr(line, "has no free address") != NULL)
		full_lines++;
}

static uint64_t
fake_clock(void)
{
	return fake_ms;
}

/* A full range6 under a Solicit storm: one warning a second at most. */
static void
test_full_rated(void)
{
	struct m6	m;
	unsigned	i;
	int		saved;

	setup(main_server, rules_boot);
	m6_new(&m, DHCP6_REQUEST, 6);
	m6_sid(&m);
	m6_ia(&m, 1, NULL);
	m6_relay(&m, "2001:db8:9::1", NULL);
	CU_ASSERT_EQUAL_FATAL(run(&m), DHCP6_REPLY);
	fake_ms = 1000000;
	full_lines = 0;
	saved = log_getlevel();
	log_setlevel(LOG_WARNING);
	log_set_clock(fake_clock);
	log_set_sink(full_sink);
	for (i = 0; i < 50; i++) {
		m6_new(&m, DHCP6_SOLICIT, (uint8_t)(20 + i));
		m6_ia(&m, 1, NULL);
		m6_relay(&m, "2001:db8:9::1", NULL);
		CU_ASSERT_EQUAL(run(&m), DHCP6_ADVERTISE);
		CU_ASSERT_EQUAL(ia_status(0), DHCP6_NO_ADDRS_AVAIL);
	}
	log_rate_flush(1);
	log_set_sink(NULL);
	log_set_clock(NULL);
	log_setlevel(saved);
	CU_ASSERT(full_lines >= 1 && full_lines <= 2);
}

/* Only a link-local or no server address: no option 59, a warning. */
static void
test_no_ll_url(void)
{
	struct m6	m;
	size_t		n;

	setup("dhcp {\n mode = proxy\n}\n", rules_boot);
	for (n = 0; n < 2; n++) {
		in.nifaddrs = n;	/* fe80::1 alone, then none */
		m6_new(&m, DHCP6_SOLICIT, 15);
		m6_ovmf(&m, 7, "PXEClient:Arch:00007:UNDI:003016");
		CU_ASSERT_EQUAL(run(&m), DHCP6_ADVERTISE);
		CU_ASSERT_PTR_NULL(dhcp6_pkt_opt(&rep, D6O_BOOTFILE_URL));
	}
	in.nifaddrs = 2;
	CU_ASSERT_EQUAL(run(&m), DHCP6_ADVERTISE);
	CU_ASSERT(opt_is(D6O_BOOTFILE_URL, "tftp://[2001:db8:1::1]/ipxe.efi"));
}

/* Renew (RFC 8415 18.3.4) only extends what a Request could get. */
static void
test_renew_checks(void)
{
	struct m6		m;
	struct in6_addr		a;
	const struct lease6	*l;

	setup(main_server, rules_boot);
	/* An Advertise's address is no binding: NoBinding, no commit. */
	m6_new(&m, DHCP6_SOLICIT, 30);
	m6_ia(&m, 1, NULL);
	CU_ASSERT_EQUAL_FATAL(run(&m), DHCP6_ADVERTISE);
	m6_new(&m, DHCP6_RENEW, 30);
	m6_sid(&m);
	m6_ia(&m, 1, NULL);
	CU_ASSERT_EQUAL(run(&m), DHCP6_REPLY);
	CU_ASSERT_EQUAL(ia_status(0), DHCP6_NO_BINDING);
	CU_ASSERT_FALSE(out.durable);
	l = lease6_by_id(&L, m.b + 8, 10, 1);
	CU_ASSERT(l != NULL && l->state == LEASE_OFFERED);
	/* A binding now outside start..end: lifetimes 0, no commit. */
	inet_pton(AF_INET6, "2001:db8:1::50", &a);
	lease6_bind(&L, &a, m.b + 8, 10, 1, NULL, LEASE_ACKED, in.now + 100,
	    NULL);
	CU_ASSERT_EQUAL(run(&m), DHCP6_REPLY);
	CU_ASSERT(addr_is(0, "2001:db8:1::50"));
	CU_ASSERT_EQUAL(rep.ia[0].addr[0].valid, 0);
	CU_ASSERT_EQUAL(rep.ia[0].addr[0].preferred, 0);
	CU_ASSERT_FALSE(out.durable);
	CU_ASSERT_EQUAL(lease6_by_id(&L, m.b + 8, 10, 1)->expires,
	    in.now + 100);
	/* Now host "bymac"'s fixed ip6: lifetimes 0 as well. */
	inet_pton(AF_INET6, "2001:db8:1::11", &a);
	lease6_bind(&L, &a, m.b + 8, 10, 1, NULL, LEASE_ACKED, in.now + 100,
	    NULL);
	CU_ASSERT_EQUAL(run(&m), DHCP6_REPLY);
	CU_ASSERT(addr_is(0, "2001:db8:1::11"));
	CU_ASSERT_EQUAL(rep.ia[0].addr[0].valid, 0);
	CU_ASSERT_FALSE(out.durable);
	/* The host itself renews it. */
	m6_new(&m, DHCP6_RENEW, 0x77);
	m6_sid(&m);
	m6_ia(&m, 1, NULL);
	lease6_bind(&L, &a, m.b + 8, 10, 1, NULL, LEASE_ACKED, in.now + 100,
	    NULL);
	CU_ASSERT_EQUAL(run(&m), DHCP6_REPLY);
	CU_ASSERT(addr_is(0, "2001:db8:1::11"));
	CU_ASSERT_EQUAL(rep.ia[0].addr[0].valid, 4000);
	CU_ASSERT_TRUE(out.durable);
}

static int
suite_clean(void)
{
	teardown();
	return 0;
}

void
test_dhcp6_srv_register(void)
{
	CU_pSuite	s = CU_add_suite("dhcp6-srv", NULL, suite_clean);

	CU_add_test(s, "Solicit/Advertise/Request/Reply (RFC 8415 18.3.1, "
	    "18.3.2, 18.3.9)", test_sarr);
	CU_add_test(s, "Rapid Commit (RFC 8415 21.14)", test_rapid_commit);
	CU_add_test(s, "discarded messages (RFC 8415 16)", test_validation);
	CU_add_test(s, "unicast, UseMulticast (RFC 8415 16, 18.4)",
	    test_unicast);
	CU_add_test(s, "NoAddrsAvail, NotOnLink (RFC 8415 18.3.9, 18.3.2)",
	    test_noaddrs_notonlink);
	CU_add_test(s, "Renew, Rebind, NoBinding (RFC 8415 18.3.4, 18.3.5)",
	    test_renew_rebind);
	CU_add_test(s, "Confirm (RFC 8415 18.3.3)", test_confirm);
	CU_add_test(s, "Release, Decline (RFC 8415 18.3.7, 18.3.8)",
	    test_release_decline);
	CU_add_test(s, "Information-request (RFC 8415 18.3.6)", test_inforeq);
	CU_add_test(s, "relays two deep (RFC 8415 19.3)", test_relay);
	CU_add_test(s, "proxy mode, HTTP boot (RFC 5970)", test_proxy);
	CU_add_test(s, "a static server address in URLs before SLAAC, "
	    "temporary, deprecated, tentative", test_server_addr);
	CU_add_test(s, "hosts by DUID and by MAC", test_hosts);
	CU_add_test(s, "rules on DHCPv6 requests", test_rules6);
	CU_add_test(s, "option 59 only when asked (RFC 8415 21.7)", test_oro);
	CU_add_test(s, "journal A6/R6/D6 round trip", test_journal);
	CU_add_test(s, "range6, host ip6 and duid checks", test_conf6);
	CU_add_test(s, "offers, releases and old bindings leave memory",
	    test_expire6);
	CU_add_test(s, "range6 bounds across a /64 and past 2^64",
	    test_range6_bounds);
	CU_add_test(s, "DUIDs outside 3..130 octets dropped (RFC 8415 11.1)",
	    test_duid6);
	CU_add_test(s, "no reply in server mode without a lease file",
	    test_no_store);
	CU_add_test(s, "IA_PD: NoPrefixAvail, NoBinding (RFC 8415 18.3.9, "
	    "18.3.2, 18.3.4)", test_ia_pd);
	CU_add_test(s, "\"no free address\" is rate-limited", test_full_rated);
	CU_add_test(s, "a shared store: Advertise claimed, Rebind of another "
	    "server's binding claimed", test_shared_store);
	CU_add_test(s, "no boot URL naming a link-local or unspecified server",
	    test_no_ll_url);
	CU_add_test(s, "Renew: no Advertise's address, none out of range or "
	    "a host's (RFC 8415 18.3.4)", test_renew_checks);
}
