/*
 * test_dhcp_probe.c: the probe's DISCOVER read back by the parser, and
 * hand-made replies read and printed as pxed-probe prints them.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "dhcp_pkt.h"
#include "dhcp_probe.h"
#include "dhcp_proto.h"
#include "unit.h"

static struct dhcp_msg	m;

static const uint8_t	mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static int
opt_is(uint8_t code, const void *val, size_t vlen)
{
	size_t		 len;
	const uint8_t	*p = dhcp_pkt_opt(&m, code, &len);

	return p != NULL && len == vlen && memcmp(p, val, len) == 0;
}

static void
req_base(struct dhcp_probe_req *r)
{
	memset(r, 0, sizeof(*r));
	memcpy(r->mac, mac, 6);
	r->arch = 7;
	r->xid = 0xdeadbeef;
}

static void
test_discover(void)
{
	struct dhcp_probe_req	 r;
	uint8_t			 b[DHCP_MAX_LEN];
	const uint8_t		*p;
	size_t			 n, len;
	struct in_addr		 ci;

	req_base(&r);
	n = dhcp_probe_discover(&r, b, sizeof(b));
	CU_ASSERT_TRUE_FATAL(n >= 300);
	CU_ASSERT_EQUAL_FATAL(dhcp_pkt_parse(b, n, &m), DHCP_POK);
	CU_ASSERT_EQUAL(m.op, BOOTREQUEST);
	CU_ASSERT_EQUAL(m.htype, 1);
	CU_ASSERT_EQUAL(m.hlen, 6);
	CU_ASSERT_EQUAL(m.xid, 0xdeadbeef);
	CU_ASSERT_EQUAL(m.flags, 0x8000);
	CU_ASSERT_EQUAL(m.ciaddr.s_addr, 0);
	CU_ASSERT_EQUAL(memcmp(m.chaddr, mac, 6), 0);
	CU_ASSERT_EQUAL(dhcp_pkt_msgtype(&m), 1);
	CU_ASSERT_TRUE(opt_is(DHO_CLIENT_ARCH, "\x00\x07", 2));
	CU_ASSERT_TRUE(opt_is(DHO_VENDOR_CLASS_ID,
	    "PXEClient:Arch:00007:UNDI:003016", 32));
	CU_ASSERT_TRUE(opt_is(DHO_MAX_MESSAGE_SIZE, "\x05\xdc", 2));
	CU_ASSERT_TRUE(opt_is(DHO_CLIENT_NDI, "\x01\x02\x01", 3));
	CU_ASSERT_PTR_NULL(dhcp_pkt_opt(&m, DHO_USER_CLASS, &len));
	p = dhcp_pkt_opt(&m, DHO_CLIENT_UUID, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(len, 17);
	CU_ASSERT_EQUAL(p[0], 0);
	CU_ASSERT_EQUAL(memcmp(p + 11, mac, 6), 0);
	p = dhcp_pkt_opt(&m, DHO_PARAMETER_REQUEST, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(len, 18);
	CU_ASSERT_PTR_NOT_NULL(memchr(p, DHO_VENDOR_ENCAPSULATED, len));
	CU_ASSERT_PTR_NOT_NULL(memchr(p, DHO_BOOTFILE_NAME, len));
	CU_ASSERT_PTR_NOT_NULL(memchr(p, 128, len));
	CU_ASSERT_PTR_NOT_NULL(memchr(p, 135, len));
	CU_ASSERT_PTR_NOT_NULL(memchr(p, DHO_IPXE_ENCAP, len));

	/* iPXE: user class as a raw string. */
	r.ipxe = true;
	n = dhcp_probe_discover(&r, b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(dhcp_pkt_parse(b, n, &m), DHCP_POK);
	CU_ASSERT_TRUE(opt_is(DHO_USER_CLASS, "iPXE", 4));

	/* An HTTP boot client, another architecture. */
	req_base(&r);
	r.arch = 16;
	r.http = true;
	n = dhcp_probe_discover(&r, b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(dhcp_pkt_parse(b, n, &m), DHCP_POK);
	CU_ASSERT_TRUE(opt_is(DHO_CLIENT_ARCH, "\x00\x10", 2));
	CU_ASSERT_TRUE(opt_is(DHO_VENDOR_CLASS_ID,
	    "HTTPClient:Arch:00016:UNDI:003016", 33));

	/* A vendor class given as is. */
	req_base(&r);
	r.vendor = "MSFT 5.0";
	n = dhcp_probe_discover(&r, b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(dhcp_pkt_parse(b, n, &m), DHCP_POK);
	CU_ASSERT_TRUE(opt_is(DHO_VENDOR_CLASS_ID, "MSFT 5.0", 8));

	/* The REQUEST for port 4011: ciaddr, no broadcast flag. */
	req_base(&r);
	ci.s_addr = inet_addr("10.0.0.100");
	n = dhcp_probe_request4011(&r, ci, b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(dhcp_pkt_parse(b, n, &m), DHCP_POK);
	CU_ASSERT_EQUAL(dhcp_pkt_msgtype(&m), 3);
	CU_ASSERT_EQUAL(m.ciaddr.s_addr, ci.s_addr);
	CU_ASSERT_EQUAL(m.flags, 0);
	CU_ASSERT_TRUE(opt_is(DHO_CLIENT_ARCH, "\x00\x07", 2));

	/* Too small a buffer: nothing, no overflow. */
	CU_ASSERT_EQUAL(dhcp_probe_discover(&r, b, 100), 0);
}

/*
 * A reply by hand: BOOTREPLY for xid, yiaddr, siaddr, the file field,
 * and the options as bytes (END added).
 */
static size_t
reply(uint8_t *b, size_t cap, uint32_t xid, const char *yiaddr,
    const char *siaddr, const char *file, const void *opts, size_t olen)
{
	in_addr_t	a;

	memset(b, 0, cap);
	b[0] = BOOTREPLY;
	b[1] = 1;
	b[2] = 6;
	b[4] = (uint8_t)(xid >> 24);
	b[5] = (uint8_t)(xid >> 16);
	b[6] = (uint8_t)(xid >> 8);
	b[7] = (uint8_t)xid;
	a = inet_addr(yiaddr);
	memcpy(b + 16, &a, 4);
	a = inet_addr(siaddr);
	memcpy(b + 20, &a, 4);
	memcpy(b + 28, mac, 6);
	if (file != NULL)
		memcpy(b + 108, file, strlen(file));
	memcpy(b + DHCP_FIXED_LEN, "\x63\x82\x53\x63", 4);
	memcpy(b + DHCP_MIN_LEN, opts, olen);
	b[DHCP_MIN_LEN + olen] = DHO_END;
	return DHCP_MIN_LEN + olen + 1 > 300 ? DHCP_MIN_LEN + olen + 1 : 300;
}

static struct in_addr
ip(const char *s)
{
	struct in_addr	a;

	a.s_addr = inet_addr(s);
	return a;
}

static void
test_proxy_offer(void)
{
	/* 53=2, 54=10.0.0.5, 60="PXEClient", 43={6=8} */
	static const uint8_t	opts[] = { 53, 1, 2, 54, 4, 10, 0, 0, 5,
	    60, 9, 'P', 'X', 'E', 'C', 'l', 'i', 'e', 'n', 't',
	    43, 4, 6, 1, 8, 255 };
	struct dhcp_probe_offer	o;
	uint8_t			b[600];
	char			line[1024];
	size_t			n, w;

	n = reply(b, sizeof(b), 0xdeadbeef, "0.0.0.0", "10.0.0.5",
	    "ipxe.efi", opts, sizeof(opts));
	CU_ASSERT_EQUAL_FATAL(dhcp_probe_offer_parse(b, n, 0xdeadbeef,
	    ip("10.0.0.5"), &o), 0);
	CU_ASSERT_TRUE(o.proxy);
	CU_ASSERT_EQUAL(o.msgtype, 2);
	CU_ASSERT_EQUAL(o.server.s_addr, inet_addr("10.0.0.5"));
	CU_ASSERT_STRING_EQUAL(o.vendor, "PXEClient");
	CU_ASSERT_STRING_EQUAL(o.file, "ipxe.efi");
	CU_ASSERT_STRING_EQUAL(o.opt43, "6=8");
	w = dhcp_probe_format(&o, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "10.0.0.5 proxy=yes offer=- "
	    "next-server=10.0.0.5 file=\"ipxe.efi\" pxe=\"6=8\" "
	    "vendor=PXEClient");
	CU_ASSERT_EQUAL(w, strlen(line));

	/* The same from port 4011: an ACK, said so. */
	b[DHCP_MIN_LEN + 2] = 5;
	CU_ASSERT_EQUAL_FATAL(dhcp_probe_offer_parse(b, n, 0xdeadbeef,
	    ip("10.0.0.5"), &o), 0);
	dhcp_probe_format(&o, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "10.0.0.5 proxy=yes offer=- "
	    "next-server=10.0.0.5 file=\"ipxe.efi\" pxe=\"6=8\" "
	    "vendor=PXEClient msg=ack");
}

static void
test_full_offer(void)
{
	/* 53=2, 54=10.0.0.1, 51, 1, 60="PXEClient", 43={6=8} */
	static const uint8_t	opts[] = { 53, 1, 2, 54, 4, 10, 0, 0, 1,
	    51, 4, 0, 0, 0x0e, 0x10, 1, 4, 255, 255, 255, 0,
	    60, 9, 'P', 'X', 'E', 'C', 'l', 'i', 'e', 'n', 't',
	    43, 3, 6, 1, 8 };
	/* A plain DHCP server: no option 60, 67 and 66, through a relay. */
	static const uint8_t	plain[] = { 53, 1, 2, 54, 4, 10, 0, 0, 1,
	    66, 8, 't', 'f', 't', 'p', '.', 'l', 'a', 'n',
	    67, 10, 'p', 'x', 'e', 'l', 'i', 'n', 'u', 'x', '.', '0' };
	struct dhcp_probe_offer	o;
	uint8_t			b[600];
	char			line[1024];
	size_t			n;

	n = reply(b, sizeof(b), 0xdeadbeef, "10.0.0.100", "10.0.0.1",
	    "ipxe.efi", opts, sizeof(opts));
	CU_ASSERT_EQUAL_FATAL(dhcp_probe_offer_parse(b, n, 0xdeadbeef,
	    ip("10.0.0.1"), &o), 0);
	CU_ASSERT_FALSE(o.proxy);
	CU_ASSERT_EQUAL(o.yiaddr.s_addr, inet_addr("10.0.0.100"));
	dhcp_probe_format(&o, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "10.0.0.1 proxy=no offer=10.0.0.100 "
	    "next-server=10.0.0.1 file=\"ipxe.efi\" pxe=\"6=8\" "
	    "vendor=PXEClient");

	/* Option 67 wins over the file field; from= when not the server. */
	n = reply(b, sizeof(b), 0xdeadbeef, "10.0.0.100", "0.0.0.0",
	    "ignored", plain, sizeof(plain));
	CU_ASSERT_EQUAL_FATAL(dhcp_probe_offer_parse(b, n, 0xdeadbeef,
	    ip("10.0.9.1"), &o), 0);
	CU_ASSERT_FALSE(o.proxy);
	dhcp_probe_format(&o, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "10.0.0.1 proxy=no offer=10.0.0.100 "
	    "next-server=- file=\"pxelinux.0\" pxe=\"-\" vendor=- "
	    "tftp-server=\"tftp.lan\" from=10.0.9.1");

	/* No address and no PXE vendor class: not a proxy (a NAK, say). */
	n = reply(b, sizeof(b), 0xdeadbeef, "0.0.0.0", "0.0.0.0", NULL,
	    "\x35\x01\x06\x36\x04\x0a\x00\x00\x01", 9);
	CU_ASSERT_EQUAL_FATAL(dhcp_probe_offer_parse(b, n, 0xdeadbeef,
	    ip("10.0.0.1"), &o), 0);
	CU_ASSERT_FALSE(o.proxy);
	dhcp_probe_format(&o, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "10.0.0.1 proxy=no offer=- "
	    "next-server=- file=\"\" pxe=\"-\" vendor=- msg=nak");
}

static void
test_rejected(void)
{
	static const uint8_t	opts[] = { 53, 1, 2, 54, 4, 10, 0, 0, 1 };
	struct dhcp_probe_offer	o;
	uint8_t			b[600];
	size_t			n;

	n = reply(b, sizeof(b), 0x01020304, "10.0.0.100", "10.0.0.1", NULL,
	    opts, sizeof(opts));
	CU_ASSERT_EQUAL(dhcp_probe_offer_parse(b, n, 0x01020304,
	    ip("10.0.0.1"), &o), 0);
	/* Another client's transaction. */
	CU_ASSERT_EQUAL(dhcp_probe_offer_parse(b, n, 0x01020305,
	    ip("10.0.0.1"), &o), -1);
	/* Truncated: in the header, and in an option. */
	CU_ASSERT_EQUAL(dhcp_probe_offer_parse(b, 200, 0x01020304,
	    ip("10.0.0.1"), &o), -1);
	CU_ASSERT_EQUAL(dhcp_probe_offer_parse(b, DHCP_MIN_LEN + 5,
	    0x01020304, ip("10.0.0.1"), &o), -1);
	CU_ASSERT_EQUAL(dhcp_probe_offer_parse(b, 0, 0x01020304,
	    ip("10.0.0.1"), &o), -1);
	/* A request, not a reply (another client's DISCOVER). */
	b[0] = BOOTREQUEST;
	CU_ASSERT_EQUAL(dhcp_probe_offer_parse(b, n, 0x01020304,
	    ip("10.0.0.1"), &o), -1);
}

static void
test_escape(void)
{
	static const uint8_t	opts[] = { 53, 1, 2,
	    60, 11, 'P', 'X', 'E', 'C', 'l', 'i', 'e', 'n', 't', ' ', '"' };
	struct dhcp_probe_offer	o;
	uint8_t			b[600];
	char			line[1024], small[24];
	size_t			n;

	n = reply(b, sizeof(b), 7, "0.0.0.0", "10.0.0.1", "a\001b\"c\\d\377",
	    opts, sizeof(opts));
	memcpy(b + 44, "srv\033[2J", 7);
	CU_ASSERT_EQUAL_FATAL(dhcp_probe_offer_parse(b, n, 7, ip("10.0.0.1"),
	    &o), 0);
	CU_ASSERT_TRUE(o.proxy);
	dhcp_probe_format(&o, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "10.0.0.1 proxy=yes offer=- "
	    "next-server=10.0.0.1 file=\"a\\x01b\\x22c\\x5cd\\xff\" pxe=\"-\" "
	    "vendor=\"PXEClient \\x22\" sname=\"srv\\x1b[2J\"");

	/* Cut short, never split in an escape, always terminated. */
	n = dhcp_probe_format(&o, small, sizeof(small));
	CU_ASSERT_EQUAL(n, strlen(small));
	CU_ASSERT_TRUE(n < sizeof(small));
	CU_ASSERT_STRING_EQUAL(small, "10.0.0.1 proxy=yes offe");
	CU_ASSERT_EQUAL(dhcp_probe_format(&o, small, 0), 0);
}

static void
test_pxe_summary(void)
{
	static const uint8_t	opts[] = { 53, 1, 2,
	    60, 9, 'P', 'X', 'E', 'C', 'l', 'i', 'e', 'n', 't',
	    67, 5, 'b', 'o', 'o', 't', 0,
	    43, 46,
	    6, 1, 3,
	    8, 7, 0x80, 0x00, 1, 10, 0, 0, 1,
	    9, 12, 0x80, 0x00, 3, 'P', 'X', 'E', 0, 0, 3, 'o', '\'', 'k',
	    10, 4, 5, 'G', 'o', '?',
	    71, 4, 0x80, 0x00, 0, 0,
	    200, 2, 0xab, 0xcd,
	    1, 1, 9,
	    255 };
	static const uint8_t	other[] = { 53, 1, 2, 54, 4, 10, 0, 0, 1,
	    43, 5, 1, 2, 0xde, 0xad, 0xff };
	struct dhcp_probe_offer	o;
	uint8_t			b[600];
	size_t			n;

	n = reply(b, sizeof(b), 9, "0.0.0.0", "10.0.0.1", "not-this",
	    opts, sizeof(opts));
	CU_ASSERT_EQUAL_FATAL(dhcp_probe_offer_parse(b, n, 9, ip("10.0.0.1"),
	    &o), 0);
	CU_ASSERT_STRING_EQUAL(o.file, "boot");
	CU_ASSERT_STRING_EQUAL(o.opt43, "6=3 8=[type 32768: 10.0.0.1] "
	    "9=[32768 'PXE', 0 'o\\x27k'] 10=[5 'Go?'] "
	    "71=[type 32768 layer 0] 200=abcd 1=09");
	/* Not a PXE reply: option 43 is someone else's, shown raw. */
	n = reply(b, sizeof(b), 9, "10.0.0.100", "0.0.0.0", NULL,
	    other, sizeof(other));
	CU_ASSERT_EQUAL_FATAL(dhcp_probe_offer_parse(b, n, 9, ip("10.0.0.1"),
	    &o), 0);
	CU_ASSERT_STRING_EQUAL(o.opt43, "raw:0102deadff");
}

void
test_dhcp_probe_register(void)
{
	CU_pSuite	s = CU_add_suite("dhcp-probe", NULL, NULL);

	CU_add_test(s, "DISCOVER and REQUEST read back", test_discover);
	CU_add_test(s, "a proxy OFFER and its line", test_proxy_offer);
	CU_add_test(s, "a DHCP server's OFFER", test_full_offer);
	CU_add_test(s, "wrong xid, truncated, not a reply", test_rejected);
	CU_add_test(s, "unprintable bytes escaped, cut short", test_escape);
	CU_add_test(s, "PXE sub-options summarised", test_pxe_summary);
}
