/*
 * test_dhcp6_pkt.c: the DHCPv6 codec (RFC 8415): a firmware-like
 * Solicit, relay unwrapping and the Relay-Reply built back, every reason
 * for a rejection, the builder's bounds, MACs from DUIDs and EUI-64.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "dhcp6_pkt.h"
#include "unit.h"

/* A small option writer for the vectors: code, length, bytes. */
static size_t
opt(uint8_t *p, uint16_t code, const void *data, uint16_t len)
{
	p[0] = (uint8_t)(code >> 8);
	p[1] = (uint8_t)code;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	if (len > 0)
		memcpy(p + 4, data, len);
	return 4 + (size_t)len;
}

/* What EDK2 sends for PXE over IPv6 (the shape of its Solicit). */
static size_t
solicit(uint8_t *b)
{
	static const uint8_t duid[] = { 0, 1, 0, 1, 0x2a, 0x3b, 0x4c, 0x5d,
	    0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	static const uint8_t ia[] = { 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t oro[] = { 0, 59, 0, 60, 0, 23, 0, 16 };
	static const uint8_t arch[] = { 0, 7 };
	static const uint8_t nii[] = { 1, 3, 0 };
	static const char vc[] = "\0\0\x01\x57\0\x20"
	    "PXEClient:Arch:00007:UNDI:003000";
	size_t	n = 0;

	b[n++] = DHCP6_SOLICIT;
	b[n++] = 0x12;
	b[n++] = 0x34;
	b[n++] = 0x56;
	n += opt(b + n, D6O_CLIENTID, duid, sizeof(duid));
	n += opt(b + n, D6O_IA_NA, ia, sizeof(ia));
	n += opt(b + n, D6O_ORO, oro, sizeof(oro));
	n += opt(b + n, D6O_CLIENT_ARCH_TYPE, arch, sizeof(arch));
	n += opt(b + n, D6O_NII, nii, sizeof(nii));
	n += opt(b + n, D6O_VENDOR_CLASS, vc, sizeof(vc) - 1);
	return n;
}

static void
test_solicit(void)
{
	uint8_t			 b[512], mac[6];
	const uint8_t		 want[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
	struct dhcp6_msg	 m;
	const struct dhcp6_opt	*o;
	size_t			 n = solicit(b);

	CU_ASSERT_EQUAL_FATAL(dhcp6_pkt_parse(b, n, &m), DHCP6_POK);
	CU_ASSERT_EQUAL(m.type, DHCP6_SOLICIT);
	CU_ASSERT_EQUAL(m.xid, 0x123456);
	CU_ASSERT_EQUAL(m.nrelay, 0);
	CU_ASSERT_EQUAL(m.nopt, 6);
	CU_ASSERT_EQUAL_FATAL(m.nia, 1);
	CU_ASSERT_EQUAL(m.ia[0].type, D6O_IA_NA);
	CU_ASSERT_EQUAL(m.ia[0].iaid, 7);
	CU_ASSERT_EQUAL(m.ia[0].naddr, 0);
	CU_ASSERT(dhcp6_pkt_oro_has(&m, D6O_BOOTFILE_URL));
	CU_ASSERT(dhcp6_pkt_oro_has(&m, D6O_VENDOR_CLASS));
	CU_ASSERT(!dhcp6_pkt_oro_has(&m, D6O_DOMAIN_LIST));
	o = dhcp6_pkt_opt(&m, D6O_CLIENT_ARCH_TYPE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_EQUAL(o->len, 2);
	CU_ASSERT_EQUAL(o->data[1], 7);
	CU_ASSERT_PTR_NULL(dhcp6_pkt_opt(&m, D6O_USER_CLASS));
	o = dhcp6_pkt_opt(&m, D6O_CLIENTID);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	/* RFC 8415 11.2: a DUID-LLT of hardware type 1 carries the MAC. */
	CU_ASSERT(dhcp6_pkt_duid_mac(o->data, o->len, mac));
	CU_ASSERT_EQUAL(memcmp(mac, want, 6), 0);
	CU_ASSERT_STRING_EQUAL(dhcp6_pkt_type_name(m.type), "SOLICIT");
	CU_ASSERT_STRING_EQUAL(dhcp6_pkt_type_name(99), "TYPE99");
}

/* A Renew whose IA_NA holds an address with a status code inside. */
static void
test_ia_addr(void)
{
	uint8_t			 b[256], ia[128], aa[64];
	struct in6_addr		 a;
	struct dhcp6_msg	 m;
	size_t			 n = 4, ian = 12, aan = 24;
	static const uint8_t	 st[] = { 0, 0, 'o', 'k' };

	memset(ia, 0, sizeof(ia));
	ia[3] = 1;				/* IAID 1 */
	ia[7] = 100;				/* T1 100 */
	ia[11] = 160;				/* T2 160 */
	inet_pton(AF_INET6, "fd66::123", &a);
	memcpy(aa, &a, 16);
	memset(aa + 16, 0, 8);
	aa[19] = 200;				/* preferred */
	aa[23] = 250;				/* valid */
	aan += opt(aa + aan, D6O_STATUS_CODE, st, sizeof(st));
	ian += opt(ia + ian, D6O_IAADDR, aa, (uint16_t)aan);
	b[0] = DHCP6_RENEW;
	b[1] = b[2] = b[3] = 1;
	n += opt(b + n, D6O_IA_NA, ia, (uint16_t)ian);
	CU_ASSERT_EQUAL_FATAL(dhcp6_pkt_parse(b, n, &m), DHCP6_POK);
	CU_ASSERT_EQUAL_FATAL(m.nia, 1);
	CU_ASSERT_EQUAL(m.ia[0].t1, 100);
	CU_ASSERT_EQUAL(m.ia[0].t2, 160);
	CU_ASSERT_EQUAL_FATAL(m.ia[0].naddr, 1);
	CU_ASSERT_EQUAL(memcmp(&m.ia[0].addr[0].addr, &a, 16), 0);
	CU_ASSERT_EQUAL(m.ia[0].addr[0].preferred, 200);
	CU_ASSERT_EQUAL(m.ia[0].addr[0].valid, 250);
	/* The same address option cut short of its lifetimes: RFC 8415 21.6. */
	b[4 + 4 + 12 + 3] = 20;
	CU_ASSERT_EQUAL(dhcp6_pkt_parse(b, n, &m), DHCP6_PBADIA);
}

/* Wrap a message in a Relay-Forward (RFC 8415 9.1). */
static size_t
relay(uint8_t *out, const uint8_t *inner, size_t n, uint8_t hops,
    const char *link, const char *ifid)
{
	size_t	o = 34;

	out[0] = DHCP6_RELAY_FORW;
	out[1] = hops;
	inet_pton(AF_INET6, link, out + 2);
	inet_pton(AF_INET6, "fe80::5054:ff:fe12:3456", out + 18);
	if (ifid != NULL)
		o += opt(out + o, D6O_INTERFACE_ID, ifid,
		    (uint16_t)strlen(ifid));
	o += opt(out + o, D6O_RELAY_MSG, inner, (uint16_t)n);
	return o;
}

static void
test_relay(void)
{
	uint8_t			 in[512], r1[600], r2[700], out[700], mac[6];
	struct dhcp6_msg	 m;
	struct dhcp6_out	 o;
	struct in6_addr		 link;
	size_t			 n = solicit(in), n1, n2, mark[2];
	char			 s[INET6_ADDRSTRLEN];
	int			 i;

	n1 = relay(r1, in, n, 0, "2001:db8:1::1", "eth7");
	n2 = relay(r2, r1, n1, 1, "2001:db8:2::1", NULL);
	CU_ASSERT_EQUAL_FATAL(dhcp6_pkt_parse(r2, n2, &m), DHCP6_POK);
	CU_ASSERT_EQUAL_FATAL(m.nrelay, 2);
	CU_ASSERT_EQUAL(m.type, DHCP6_SOLICIT);
	CU_ASSERT_EQUAL(m.relay[0].hops, 1);
	inet_ntop(AF_INET6, &m.relay[1].link, s, sizeof(s));
	CU_ASSERT_STRING_EQUAL(s, "2001:db8:1::1");
	CU_ASSERT_PTR_NULL(m.relay[0].ifid.data);
	CU_ASSERT_EQUAL_FATAL(m.relay[1].ifid.len, 4);
	CU_ASSERT_EQUAL(memcmp(m.relay[1].ifid.data, "eth7", 4), 0);
	CU_ASSERT(dhcp6_pkt_eui64_mac(&m.relay[1].peer, mac));
	CU_ASSERT_EQUAL(mac[0], 0x52);
	CU_ASSERT_EQUAL(mac[5], 0x56);

	/* The Relay-Reply, outermost first, then the inner reply. */
	dhcp6_pkt_out_init(&o, out, sizeof(out));
	for (i = 0; i < 2; i++) {
		dhcp6_pkt_out_relay(&o, DHCP6_RELAY_REPL, &m.relay[i]);
		mark[i] = dhcp6_pkt_out_begin(&o, D6O_RELAY_MSG);
	}
	dhcp6_pkt_out_hdr(&o, DHCP6_ADVERTISE, m.xid);
	dhcp6_pkt_out_status(&o, DHCP6_SUCCESS, NULL);
	for (i = 1; i >= 0; i--)
		dhcp6_pkt_out_end(&o, mark[i]);
	CU_ASSERT_FALSE_FATAL(o.overflow);
	/* outer: 34 + relay-msg header; inner relay: 34 + ifid 8 + 4. */
	CU_ASSERT_EQUAL(o.len, 34 + 4 + 34 + 8 + 4 + 4 + 6);
	CU_ASSERT_EQUAL(out[0], DHCP6_RELAY_REPL);
	CU_ASSERT_EQUAL(out[1], 1);
	CU_ASSERT_EQUAL(out[34 + 4], DHCP6_RELAY_REPL);
	memcpy(&link, out + 34 + 4 + 2, 16);
	CU_ASSERT_EQUAL(memcmp(&link, &m.relay[1].link, 16), 0);
	/* RFC 8415 21.18: the Interface-ID is echoed. */
	CU_ASSERT_EQUAL(out[34 + 4 + 34 + 1], D6O_INTERFACE_ID);
	CU_ASSERT_EQUAL(memcmp(out + 34 + 4 + 34 + 4, "eth7", 4), 0);
	/* Each Relay-Message length covers what it holds. */
	CU_ASSERT_EQUAL(out[34 + 3], 34 + 8 + 4 + 4 + 6);
	CU_ASSERT_EQUAL(out[o.len - 10], DHCP6_ADVERTISE);
}

static void
test_malformed(void)
{
	uint8_t			 b[DHCP6_MAX_LEN + 16], r[DHCP6_MAX_LEN];
	struct dhcp6_msg	 m;
	size_t			 n, i;
	static const uint8_t	 z[4];

	memset(b, 0, sizeof(b));
	b[0] = DHCP6_SOLICIT;
	CU_ASSERT_EQUAL(dhcp6_pkt_parse(b, 3, &m), DHCP6_PSHORT);
	CU_ASSERT_EQUAL(dhcp6_pkt_parse(b, 4, &m), DHCP6_POK);
	CU_ASSERT_EQUAL(dhcp6_pkt_parse(b, DHCP6_MAX_LEN + 1, &m),
	    DHCP6_PLONG);
	/* An option header cut short, then an option longer than left. */
	CU_ASSERT_EQUAL(dhcp6_pkt_parse(b, 6, &m), DHCP6_PTRUNC);
	b[4] = 0;
	b[5] = D6O_ELAPSED_TIME;
	b[7] = 3;
	CU_ASSERT_EQUAL(dhcp6_pkt_parse(b, 10, &m), DHCP6_PTRUNC);
	CU_ASSERT_EQUAL(dhcp6_pkt_parse(b, 11, &m), DHCP6_POK);
	/* IA_NA shorter than IAID, T1, T2. */
	n = 4 + opt(b + 4, D6O_IA_NA, z, 4);
	CU_ASSERT_EQUAL(dhcp6_pkt_parse(b, n, &m), DHCP6_PBADIA);
	/* IA_TA needs only its IAID. */
	n = 4 + opt(b + 4, D6O_IA_TA, z, 4);
	CU_ASSERT_EQUAL(dhcp6_pkt_parse(b, n, &m), DHCP6_POK);
	CU_ASSERT_EQUAL(m.ia[0].type, D6O_IA_TA);
	/* More options than kept. */
	for (i = 0, n = 4; i <= DHCP6_MAX_OPTS; i++)
		n += opt(b + n, D6O_RAPID_COMMIT, NULL, 0);
	CU_ASSERT_EQUAL(dhcp6_pkt_parse(b, n, &m), DHCP6_PTOOMANY);
	/* A Relay-Forward that carries no Relay-Message. */
	memset(r, 0, sizeof(r));
	r[0] = DHCP6_RELAY_FORW;
	CU_ASSERT_EQUAL(dhcp6_pkt_parse(r, 34, &m), DHCP6_PNORELAYMSG);
	CU_ASSERT_EQUAL(dhcp6_pkt_parse(r, 33, &m), DHCP6_PSHORT);
	/* Relays nested past HOP_COUNT_LIMIT (RFC 8415 7.6). */
	n = 8;
	memset(b, 0, 8);
	b[0] = DHCP6_SOLICIT;
	for (i = 0; i <= DHCP6_HOP_COUNT_LIMIT; i++) {
		n = relay(r, b, n, (uint8_t)i, "2001:db8::1", NULL);
		memcpy(b, r, n);
	}
	CU_ASSERT_EQUAL(dhcp6_pkt_parse(b, n, &m), DHCP6_POK);
	CU_ASSERT_EQUAL(m.nrelay, DHCP6_HOP_COUNT_LIMIT + 1);
	n = relay(r, b, n, 9, "2001:db8::1", NULL);
	CU_ASSERT_EQUAL(dhcp6_pkt_parse(r, n, &m), DHCP6_PRELAYDEEP);
	CU_ASSERT_STRING_EQUAL(dhcp6_pkt_perr_str(DHCP6_PBADIA),
	    "a malformed IA option");
}

/* RFC 8415 21.21, 21.22: IA_PD and its IA Prefix options. */
static void
test_ia_pd(void)
{
	uint8_t			 b[128], pd[12 + 29];
	struct dhcp6_msg	 m;
	size_t			 n;

	memset(b, 0, sizeof(b));
	memset(pd, 0, sizeof(pd));
	b[0] = DHCP6_SOLICIT;
	pd[3] = 9;
	pd[7] = 100;
	pd[11] = 200;
	pd[13] = D6O_IAPREFIX;
	pd[15] = 25;
	pd[16 + 8] = 56;
	n = 4 + opt(b + 4, D6O_IA_PD, pd, sizeof(pd));
	CU_ASSERT_EQUAL_FATAL(dhcp6_pkt_parse(b, n, &m), DHCP6_POK);
	CU_ASSERT_EQUAL_FATAL(m.nia, 1);
	CU_ASSERT_EQUAL(m.ia[0].type, D6O_IA_PD);
	CU_ASSERT_EQUAL(m.ia[0].iaid, 9);
	CU_ASSERT_EQUAL(m.ia[0].t1, 100);
	CU_ASSERT_EQUAL(m.ia[0].t2, 200);
	CU_ASSERT_EQUAL(m.ia[0].naddr, 0);
	/* An IA Prefix shorter than its 25 octets; an IA_PD under 12. */
	pd[15] = 24;
	n = 4 + opt(b + 4, D6O_IA_PD, pd, 12 + 28);
	CU_ASSERT_EQUAL(dhcp6_pkt_parse(b, n, &m), DHCP6_PBADIA);
	n = 4 + opt(b + 4, D6O_IA_PD, pd, 8);
	CU_ASSERT_EQUAL(dhcp6_pkt_parse(b, n, &m), DHCP6_PBADIA);
}

/* RFC 8415 11.1, 16: a Client or Server Identifier of 3 to 130 octets. */
static void
test_duid_len(void)
{
	uint8_t			 b[512], d[DHCP6_DUID_MAX + 1];
	struct dhcp6_msg	 m;
	size_t			 n;

	memset(b, 0, sizeof(b));
	memset(d, 0, sizeof(d));
	d[1] = 2;
	b[0] = DHCP6_SOLICIT;
	n = 4 + opt(b + 4, D6O_CLIENTID, d, 0);
	CU_ASSERT_EQUAL(dhcp6_pkt_parse(b, n, &m), DHCP6_PBADDUID);
	n = 4 + opt(b + 4, D6O_CLIENTID, d, 2);
	CU_ASSERT_EQUAL(dhcp6_pkt_parse(b, n, &m), DHCP6_PBADDUID);
	n = 4 + opt(b + 4, D6O_CLIENTID, d, 3);
	CU_ASSERT_EQUAL(dhcp6_pkt_parse(b, n, &m), DHCP6_POK);
	n = 4 + opt(b + 4, D6O_CLIENTID, d, DHCP6_DUID_MAX);
	CU_ASSERT_EQUAL(dhcp6_pkt_parse(b, n, &m), DHCP6_POK);
	n = 4 + opt(b + 4, D6O_CLIENTID, d, DHCP6_DUID_MAX + 1);
	CU_ASSERT_EQUAL(dhcp6_pkt_parse(b, n, &m), DHCP6_PBADDUID);
	b[0] = DHCP6_REQUEST;
	n = 4 + opt(b + 4, D6O_CLIENTID, d, 10);
	n += opt(b + n, D6O_SERVERID, d, 0);
	CU_ASSERT_EQUAL(dhcp6_pkt_parse(b, n, &m), DHCP6_PBADDUID);
	n = 4 + opt(b + 4, D6O_CLIENTID, d, 10);
	n += opt(b + n, D6O_SERVERID, d, DHCP6_DUID_MAX + 1);
	CU_ASSERT_EQUAL(dhcp6_pkt_parse(b, n, &m), DHCP6_PBADDUID);
}

static void
test_build_bounds(void)
{
	uint8_t			 b[16];
	struct dhcp6_out	 o;
	size_t			 mark;

	dhcp6_pkt_out_init(&o, b, sizeof(b));
	dhcp6_pkt_out_hdr(&o, DHCP6_REPLY, 0xabcdef);
	CU_ASSERT_EQUAL(b[1], 0xab);
	CU_ASSERT_EQUAL(b[3], 0xef);
	mark = dhcp6_pkt_out_begin(&o, D6O_IA_NA);
	dhcp6_pkt_out_u32(&o, 9);
	dhcp6_pkt_out_end(&o, mark);
	CU_ASSERT_FALSE(o.overflow);
	CU_ASSERT_EQUAL(o.len, 12);
	CU_ASSERT_EQUAL(b[7], 4);
	/* 4 bytes left: an option of 1 byte of data does not fit. */
	dhcp6_pkt_out_opt(&o, D6O_PREFERENCE, "x", 1);
	CU_ASSERT(o.overflow);
	CU_ASSERT_EQUAL(o.len, 12);
}

static void
test_macs(void)
{
	struct in6_addr	a;
	uint8_t		mac[6];
	static const uint8_t ll[] = { 0, 3, 0, 1, 2, 0, 0, 0, 0, 9 };
	static const uint8_t en[] = { 0, 2, 0, 0, 0x01, 0x57, 1, 2, 3, 4 };
	static const uint8_t ib[] = { 0, 3, 0, 32, 2, 0, 0, 0, 0, 9 };

	CU_ASSERT(dhcp6_pkt_duid_mac(ll, sizeof(ll), mac));
	CU_ASSERT_EQUAL(mac[0], 2);
	CU_ASSERT_EQUAL(mac[5], 9);
	CU_ASSERT_FALSE(dhcp6_pkt_duid_mac(en, sizeof(en), mac));
	CU_ASSERT_FALSE(dhcp6_pkt_duid_mac(ib, sizeof(ib), mac));
	CU_ASSERT_FALSE(dhcp6_pkt_duid_mac(ll, sizeof(ll) - 1, mac));
	inet_pton(AF_INET6, "fe80::5054:ff:fe12:3456", &a);
	CU_ASSERT(dhcp6_pkt_eui64_mac(&a, mac));
	CU_ASSERT_EQUAL(mac[0], 0x52);
	CU_ASSERT_EQUAL(mac[1], 0x54);
	CU_ASSERT_EQUAL(mac[2], 0x00);
	CU_ASSERT_EQUAL(mac[3], 0x12);
	/* A privacy (random) interface id has no ff:fe: no MAC. */
	inet_pton(AF_INET6, "fe80::1c2d:3e4f:5a6b:7c8d", &a);
	CU_ASSERT_FALSE(dhcp6_pkt_eui64_mac(&a, mac));
	inet_pton(AF_INET6, "2001:db8::5054:ff:fe12:3456", &a);
	CU_ASSERT_FALSE(dhcp6_pkt_eui64_mac(&a, mac));
}

/* The real captures of tests/fixtures/dhcpv6 (OVMF, iPXE, dnsmasq, Kea). */
static void
test_captures(void)
{
	static const struct {
		const char	*file;
		uint8_t		 type;
		uint16_t	 arch;		/* 0xffff: none */
		const char	*vendor;	/* prefix of option 16's data */
		bool		 ipxe;
		size_t		 nia;
	} cap[] = {
		{ "10-ovmf-pxe6-solicit.bin", DHCP6_SOLICIT, 7,
		    "PXEClient:Arch:00007", false, 1 },
		{ "11-ovmf-pxe6-request.bin", DHCP6_REQUEST, 7,
		    "PXEClient:Arch:00007", false, 1 },
		{ "14-ovmf-pxe6-release.bin", DHCP6_RELEASE, 0xffff, NULL,
		    false, 1 },
		{ "20-ovmf-http6-solicit.bin", DHCP6_SOLICIT, 16,
		    "HTTPClient:Arch:00016", false, 1 },
		{ "30-ipxe-bios-solicit.bin", DHCP6_SOLICIT, 0,
		    "PXEClient:Arch:00000", true, 1 },
		{ "32-ipxe-efi-solicit.bin", DHCP6_SOLICIT, 7,
		    "PXEClient:Arch:00007", true, 1 },
		{ "33-ipxe-efi-request.bin", DHCP6_REQUEST, 7,
		    "PXEClient:Arch:00007", true, 1 },
		{ "52-kea-advertise-http6.bin", DHCP6_ADVERTISE, 0xffff,
		    "HTTPClient", false, 1 },
	};
	unsigned char		 b[2048], name[64];
	struct dhcp6_msg	 m;
	const struct dhcp6_opt	*o;
	size_t			 i, n;

	for (i = 0; i < sizeof(cap) / sizeof(cap[0]); i++) {
		snprintf((char *)name, sizeof(name), "dhcpv6/%s", cap[i].file);
		n = unit_fixture((const char *)name, b, sizeof(b));
		CU_ASSERT_EQUAL_FATAL(dhcp6_pkt_parse(b, n, &m), DHCP6_POK);
		CU_ASSERT_EQUAL(m.type, cap[i].type);
		CU_ASSERT_EQUAL(m.nia, cap[i].nia);
		CU_ASSERT_PTR_NOT_NULL(dhcp6_pkt_opt(&m, D6O_CLIENTID));
		o = dhcp6_pkt_opt(&m, D6O_CLIENT_ARCH_TYPE);
		if (cap[i].arch == 0xffff) {
			CU_ASSERT_PTR_NULL(o);
		} else if (o != NULL && o->len == 2) {
			CU_ASSERT_EQUAL(o->data[0] << 8 | o->data[1],
			    cap[i].arch);
		} else
			CU_FAIL("option 61 missing");
		o = dhcp6_pkt_opt(&m, D6O_VENDOR_CLASS);
		if (cap[i].vendor == NULL) {
			CU_ASSERT_PTR_NULL(o);
		} else if (o != NULL && o->len >= 6 + strlen(cap[i].vendor)) {
			/* RFC 8415 21.16: enterprise 343, then length, data. */
			CU_ASSERT_EQUAL(o->data[2] << 8 | o->data[3], 343);
			CU_ASSERT_EQUAL(memcmp(o->data + 6, cap[i].vendor,
			    strlen(cap[i].vendor)), 0);
		} else
			CU_FAIL("option 16 missing");
		o = dhcp6_pkt_opt(&m, D6O_USER_CLASS);
		CU_ASSERT_EQUAL(o != NULL && o->len == 6 &&
		    memcmp(o->data + 2, "iPXE", 4) == 0, cap[i].ipxe);
	}
	/* OVMF asks for the boot file URL; the Advertise carries one. */
	n = unit_fixture("dhcpv6/10-ovmf-pxe6-solicit.bin", b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(dhcp6_pkt_parse(b, n, &m), DHCP6_POK);
	CU_ASSERT(dhcp6_pkt_oro_has(&m, D6O_BOOTFILE_URL));
	CU_ASSERT(dhcp6_pkt_oro_has(&m, D6O_VENDOR_CLASS));
	n = unit_fixture("dhcpv6/52-kea-advertise-http6.bin", b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(dhcp6_pkt_parse(b, n, &m), DHCP6_POK);
	o = dhcp6_pkt_opt(&m, D6O_BOOTFILE_URL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_EQUAL(memcmp(o->data, "http://[", 8), 0);
	CU_ASSERT_EQUAL_FATAL(m.nia, 1);
	CU_ASSERT_EQUAL(m.ia[0].naddr, 1);
}

void
test_dhcp6_pkt_register(void)
{
	CU_pSuite	s = CU_add_suite("dhcp6-pkt", NULL, NULL);

	CU_add_test(s, "a firmware Solicit", test_solicit);
	CU_add_test(s, "real captures: OVMF, iPXE, Kea", test_captures);
	CU_add_test(s, "IA_NA with an address and a status", test_ia_addr);
	CU_add_test(s, "relays in, Relay-Reply out", test_relay);
	CU_add_test(s, "malformed, each for its reason", test_malformed);
	CU_add_test(s, "IA_PD and IA Prefix (RFC 8415 21.21, 21.22)",
	    test_ia_pd);
	CU_add_test(s, "DUIDs of 3 to 130 octets (RFC 8415 11.1)",
	    test_duid_len);
	CU_add_test(s, "builder bounds", test_build_bounds);
	CU_add_test(s, "MACs from DUIDs and EUI-64", test_macs);
}
