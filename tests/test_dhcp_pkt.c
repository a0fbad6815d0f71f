/*
 * test_dhcp_pkt.c: the DHCP parser on the nine seed-capture packets and
 * on malformed vectors, each rejected for the asserted reason.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "dhcp_pkt.h"
#include "dhcp_enc.h"
#include "dhcp_proto.h"
#include "unit.h"

static struct dhcp_msg	m;

static enum dhcp_perr
parse_fixture(const char *name)
{
	unsigned char	buf[DHCP_MAX_LEN];
	size_t		n = unit_fixture(name, buf, sizeof(buf));

	return dhcp_pkt_parse(buf, n, &m);
}

static int
opt_is(uint8_t code, const char *text)
{
	size_t		 len;
	const uint8_t	*p = dhcp_pkt_opt(&m, code, &len);

	return p != NULL && len == strlen(text) && memcmp(p, text, len) == 0;
}

static void
test_seed(void)
{
	static const uint8_t	mac[6] = { 0x7c, 0x10, 0xc9, 0x1c, 0x79, 0xf7 };
	const uint8_t		*p;
	size_t			 len;

	/* 01: UEFI x64 DISCOVER. */
	CU_ASSERT_EQUAL_FATAL(parse_fixture("01-dhcpd-msg-discover.bin"),
	    DHCP_POK);
	CU_ASSERT_EQUAL(m.op, BOOTREQUEST);
	CU_ASSERT_EQUAL(m.hlen, 6);
	CU_ASSERT_EQUAL(memcmp(m.chaddr, mac, 6), 0);
	CU_ASSERT_EQUAL(dhcp_pkt_msgtype(&m), 1);
	CU_ASSERT_TRUE(m.flags & 0x8000);
	CU_ASSERT_TRUE(opt_is(DHO_VENDOR_CLASS_ID,
	    "PXEClient:Arch:00007:UNDI:003016"));
	p = dhcp_pkt_opt(&m, DHO_CLIENT_ARCH, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(len, 2);
	CU_ASSERT_EQUAL(p[1], 7);
	p = dhcp_pkt_opt(&m, DHO_MAX_MESSAGE_SIZE, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p[0] << 8 | p[1], 1472);
	p = dhcp_pkt_opt(&m, DHO_CLIENT_UUID, &len);
	CU_ASSERT_PTR_NOT_NULL(p);
	CU_ASSERT_EQUAL(len, 17);
	p = dhcp_pkt_opt(&m, DHO_PARAMETER_REQUEST, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_PTR_NOT_NULL(memchr(p, 67, len));
	CU_ASSERT_PTR_NOT_NULL(memchr(p, 97, len));

	/* 02: a BOOTP reply without option 53, 303 bytes after END. */
	CU_ASSERT_EQUAL_FATAL(parse_fixture("02-dhcpc-msg-bootp.bin"),
	    DHCP_POK);
	CU_ASSERT_EQUAL(m.op, BOOTREPLY);
	CU_ASSERT_EQUAL(dhcp_pkt_msgtype(&m), 0);
	CU_ASSERT_EQUAL(m.yiaddr.s_addr, inet_addr("192.168.0.18"));
	CU_ASSERT_STRING_EQUAL((const char *)m.sname, "Server233");
	CU_ASSERT_STRING_EQUAL((const char *)m.file, "BootSelector.efi");
	CU_ASSERT_TRUE(dhcp_pkt_opt(&m, DHO_SERVER_IDENTIFIER, &len) != NULL);

	/* 03, 04: the same proxy OFFER, sent and received. */
	CU_ASSERT_EQUAL_FATAL(parse_fixture("03-dhcpd-offer_packet-offer.bin"),
	    DHCP_POK);
	CU_ASSERT_EQUAL(dhcp_pkt_msgtype(&m), 2);
	CU_ASSERT_EQUAL(m.yiaddr.s_addr, 0);
	CU_ASSERT_STRING_EQUAL((const char *)m.file, "ipxe-x86_64.efi");
	CU_ASSERT_TRUE(opt_is(DHO_VENDOR_CLASS_ID, "PXEClient"));
	CU_ASSERT_EQUAL_FATAL(parse_fixture("04-dhcpc-msg-offer.bin"),
	    DHCP_POK);
	CU_ASSERT_STRING_EQUAL((const char *)m.file, "ipxe-x86_64.efi");

	/* 05: a foreign OFFER with a non-PXE option 43. */
	CU_ASSERT_EQUAL_FATAL(parse_fixture("05-dhcpc-msg-offer.bin"),
	    DHCP_POK);
	CU_ASSERT_EQUAL(dhcp_pkt_msgtype(&m), 2);
	CU_ASSERT_TRUE(dhcp_pkt_opt(&m, DHO_VENDOR_ENCAPSULATED, &len) != NULL);
	CU_ASSERT_TRUE(dhcp_pkt_opt(&m, DHO_LEASE_TIME, &len) != NULL);

	/* 06: REQUEST to 4011 from a bound client. */
	CU_ASSERT_EQUAL_FATAL(parse_fixture("06-proxydhcpd-msg-request.bin"),
	    DHCP_POK);
	CU_ASSERT_EQUAL(dhcp_pkt_msgtype(&m), 3);
	CU_ASSERT_EQUAL(m.ciaddr.s_addr, inet_addr("192.168.0.18"));

	/* 07: the proxy's ACK, option 97 echoed. */
	CU_ASSERT_EQUAL_FATAL(parse_fixture("07-proxydhcpd-ack_packet-ack.bin"),
	    DHCP_POK);
	CU_ASSERT_EQUAL(dhcp_pkt_msgtype(&m), 5);
	CU_ASSERT_TRUE(dhcp_pkt_opt(&m, DHO_CLIENT_UUID, &len) != NULL);

	/* 08: iPXE, user class iPXE as a raw string, option 175. */
	CU_ASSERT_EQUAL_FATAL(parse_fixture("08-dhcpd-msg-discover.bin"),
	    DHCP_POK);
	CU_ASSERT_TRUE(opt_is(DHO_USER_CLASS, "iPXE"));
	CU_ASSERT_TRUE(opt_is(DHO_VENDOR_CLASS_ID,
	    "PXEClient:Arch:00007:UNDI:003010"));
	CU_ASSERT_TRUE(dhcp_pkt_opt(&m, DHO_IPXE_ENCAP, &len) != NULL);
	CU_ASSERT_EQUAL(m.secs, 8);
	p = dhcp_pkt_opt(&m, DHO_CLIENT_IDENTIFIER, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(len, 7);
	CU_ASSERT_EQUAL(p[0], 1);

	/* 09: the OFFER to iPXE. */
	CU_ASSERT_EQUAL_FATAL(parse_fixture("09-dhcpd-offer_packet-offer.bin"),
	    DHCP_POK);
	CU_ASSERT_STRING_EQUAL((const char *)m.file, "boot.ipxe");
}

/* A minimal valid DISCOVER to break in different ways. */
static size_t
base(uint8_t *b, size_t cap)
{
	memset(b, 0, cap);
	b[0] = BOOTREQUEST;
	b[1] = 1;
	b[2] = 6;
	memcpy(b + DHCP_FIXED_LEN, "\x63\x82\x53\x63", 4);
	b[240] = DHO_MESSAGE_TYPE;
	b[241] = 1;
	b[242] = 1;
	b[243] = DHO_END;
	return 244;
}

static void
test_malformed(void)
{
	uint8_t	b[DHCP_MAX_LEN + 16];
	size_t	n;

	n = base(b, sizeof(b));
	CU_ASSERT_EQUAL(dhcp_pkt_parse(b, n, &m), DHCP_POK);
	CU_ASSERT_EQUAL(dhcp_pkt_parse(b, 239, &m), DHCP_PSHORT);
	CU_ASSERT_EQUAL(dhcp_pkt_parse(b, 0, &m), DHCP_PSHORT);
	CU_ASSERT_EQUAL(dhcp_pkt_parse(b, DHCP_MAX_LEN + 1, &m), DHCP_PLONG);
	b[0] = 3;
	CU_ASSERT_EQUAL(dhcp_pkt_parse(b, n, &m), DHCP_PBADOP);
	n = base(b, sizeof(b));
	b[2] = 17;
	CU_ASSERT_EQUAL(dhcp_pkt_parse(b, n, &m), DHCP_PBADHLEN);
	n = base(b, sizeof(b));
	b[239] = 0x64;
	CU_ASSERT_EQUAL(dhcp_pkt_parse(b, n, &m), DHCP_PNOCOOKIE);
	/* Exactly header and cookie, no options at all: fine. */
	n = base(b, sizeof(b));
	CU_ASSERT_EQUAL(dhcp_pkt_parse(b, 240, &m), DHCP_POK);
	CU_ASSERT_EQUAL(dhcp_pkt_msgtype(&m), 0);
	/* An option running past the end; a lone code byte. */
	n = base(b, sizeof(b));
	b[243] = 60;
	b[244] = 10;
	CU_ASSERT_EQUAL(dhcp_pkt_parse(b, 250, &m), DHCP_PTRUNC);
	CU_ASSERT_EQUAL(dhcp_pkt_parse(b, 244, &m), DHCP_PTRUNC);
	/* No END, options to the last byte: tolerated. */
	n = base(b, sizeof(b));
	CU_ASSERT_EQUAL(dhcp_pkt_parse(b, 243, &m), DHCP_POK);
	CU_ASSERT_EQUAL(dhcp_pkt_msgtype(&m), 1);
	/* PADs and garbage after END are ignored. */
	n = base(b, sizeof(b));
	memmove(b + 243, "\0\0\0\xff\x35\x99", 6);
	CU_ASSERT_EQUAL(dhcp_pkt_parse(b, 249, &m), DHCP_POK);
	CU_ASSERT_EQUAL(dhcp_pkt_msgtype(&m), 1);
	/* Overload: bad length, bad value, and 52 inside file (a loop). */
	n = base(b, sizeof(b));
	memcpy(b + 243, "\x34\x02\x01\x01\xff", 5);
	CU_ASSERT_EQUAL(dhcp_pkt_parse(b, 248, &m), DHCP_PBADOVERLOAD);
	memcpy(b + 243, "\x34\x01\x04\xff", 4);
	CU_ASSERT_EQUAL(dhcp_pkt_parse(b, 247, &m), DHCP_PBADOVERLOAD);
	memcpy(b + 243, "\x34\x01\x01\xff", 4);
	memcpy(b + 108, "\x34\x01\x01\xff", 4);
	CU_ASSERT_EQUAL(dhcp_pkt_parse(b, 247, &m), DHCP_POVERLOADLOOP);
	/* An option in file running past file's 128 bytes. */
	memset(b + 108, 0, 128);
	b[108 + 126] = 60;
	b[108 + 127] = 5;
	CU_ASSERT_EQUAL(dhcp_pkt_parse(b, 247, &m), DHCP_PTRUNC);
	/* 255 empty options: all parse, none present with data. */
	n = base(b, sizeof(b));
	for (n = 243; n < 243 + 2 * 255; n += 2) {
		b[n] = 200;
		b[n + 1] = 0;
	}
	b[n++] = DHO_END;
	CU_ASSERT_EQUAL(dhcp_pkt_parse(b, n, &m), DHCP_POK);
	CU_ASSERT_TRUE(m.opt[200].present);
	CU_ASSERT_EQUAL(m.opt[200].len, 0);
}

/* RFC 3396: split options are one; overload areas are read after. */
static void
test_concat_overload(void)
{
	uint8_t		 b[600];
	size_t		 len;
	const uint8_t	*p;

	base(b, sizeof(b));
	/* options: 60 "PXE" + 52=3 + 60 "Cli"; file: 60 "ent"; sname: 77 */
	memcpy(b + 243, "\x3c\x03PXE\x34\x01\x03\x3c\x03" "Cli\xff", 14);
	memcpy(b + 108, "\x3c\x03" "ent\xff", 6);
	memcpy(b + 44, "\x4d\x04iPXE\xff", 7);
	CU_ASSERT_EQUAL_FATAL(dhcp_pkt_parse(b, 257, &m), DHCP_POK);
	CU_ASSERT_EQUAL(m.overload, 3);
	CU_ASSERT_TRUE(opt_is(DHO_VENDOR_CLASS_ID, "PXEClient"));
	CU_ASSERT_TRUE(opt_is(DHO_USER_CLASS, "iPXE"));
	p = dhcp_pkt_opt(&m, DHO_MESSAGE_TYPE, &len);
	CU_ASSERT_PTR_NOT_NULL(p);
	/* Without 52, file is just a file name. */
	base(b, sizeof(b));
	memcpy(b + 108, "\x3c\x03" "ent\xff", 6);
	CU_ASSERT_EQUAL_FATAL(dhcp_pkt_parse(b, 244, &m), DHCP_POK);
	CU_ASSERT_PTR_NULL(dhcp_pkt_opt(&m, DHO_VENDOR_CLASS_ID, &len));
}

static void
out_base(struct dhcp_out *o)
{
	static const uint8_t	type[1] = { 2 };
	static const uint8_t	sid[4] = { 10, 0, 0, 1 };
	static const uint8_t	lease[4] = { 0, 0, 0x0e, 0x10 };

	memset(o, 0, sizeof(*o));
	o->op = BOOTREPLY;
	o->htype = 1;
	o->hlen = 6;
	o->xid = 0x12345678;
	o->flags = 0x8000;
	o->yiaddr.s_addr = inet_addr("10.0.0.50");
	o->chaddr[0] = 0x52;
	/* Added out of order on purpose. */
	dhcp_pkt_out_add(o, DHO_LEASE_TIME, lease, 4);
	dhcp_pkt_out_add(o, DHO_SERVER_IDENTIFIER, sid, 4);
	dhcp_pkt_out_add(o, DHO_MESSAGE_TYPE, type, 1);
}

static void
test_build_order(void)
{
	struct dhcp_out		 o;
	uint8_t			 b[1500];
	static const uint8_t	 mask[4] = { 255, 255, 255, 0 };
	static const uint8_t	 router[4] = { 10, 0, 0, 1 };
	static const uint8_t	 prl[] = { 3, 1, 67 };
	enum dhcp_berr		 why;
	size_t			 n;

	out_base(&o);
	o.file = "ipxe.efi";
	dhcp_pkt_out_add(&o, DHO_SUBNET_MASK, mask, 4);
	dhcp_pkt_out_add(&o, 60, "PXEClient", 9);
	dhcp_pkt_out_add(&o, DHO_ROUTERS, router, 4);
	n = dhcp_pkt_build(&o, prl, sizeof(prl), 0, b, sizeof(b), &why);
	CU_ASSERT_EQUAL(why, DHCP_BOK);
	/* Padded to 300; 53, 54, 51 first, then 3 and 1 as asked, then 60. */
	CU_ASSERT_EQUAL(n, 300);
	CU_ASSERT_EQUAL(b[240], DHO_MESSAGE_TYPE);
	CU_ASSERT_EQUAL(b[243], DHO_SERVER_IDENTIFIER);
	CU_ASSERT_EQUAL(b[249], DHO_LEASE_TIME);
	CU_ASSERT_EQUAL(b[255], DHO_ROUTERS);
	CU_ASSERT_EQUAL(b[261], DHO_SUBNET_MASK);
	CU_ASSERT_EQUAL(b[267], 60);
	CU_ASSERT_EQUAL(b[278], DHO_END);
	/* And it reads back. */
	CU_ASSERT_EQUAL_FATAL(dhcp_pkt_parse(b, n, &m), DHCP_POK);
	CU_ASSERT_EQUAL(m.xid, 0x12345678);
	CU_ASSERT_EQUAL(m.flags, 0x8000);
	CU_ASSERT_EQUAL(m.yiaddr.s_addr, inet_addr("10.0.0.50"));
	CU_ASSERT_EQUAL(dhcp_pkt_msgtype(&m), 2);
	CU_ASSERT_STRING_EQUAL((const char *)m.file, "ipxe.efi");
	CU_ASSERT_TRUE(opt_is(60, "PXEClient"));
	CU_ASSERT_EQUAL(m.overload, 0);

	/* Names too long for their fields. */
	o.file = "0123456789012345678901234567890123456789012345678901234567890"
	    "12345678901234567890123456789012345678901234567890123456789012345"
	    "67890";
	CU_ASSERT_EQUAL(dhcp_pkt_build(&o, NULL, 0, 0, b, sizeof(b), &why), 0);
	CU_ASSERT_EQUAL(why, DHCP_BBADNAME);
}

static void
test_build_space(void)
{
	struct dhcp_out	 o;
	uint8_t		 b[1500], big[700];
	enum dhcp_berr	 why;
	size_t		 n, len;
	const uint8_t	*p;
	int		 i;

	for (i = 0; i < (int)sizeof(big); i++)
		big[i] = (uint8_t)i;

	/* Option 57 below 576 (ISC's CVE-2007-5365): 576 all the same. */
	out_base(&o);
	dhcp_pkt_out_add(&o, 43, big, 250);
	dhcp_pkt_out_add(&o, 209, big, 150);
	n = dhcp_pkt_build(&o, NULL, 0, 200, b, sizeof(b), &why);
	CU_ASSERT_EQUAL(why, DHCP_BOK);
	CU_ASSERT_EQUAL(n, 576 - 28);
	CU_ASSERT_EQUAL_FATAL(dhcp_pkt_parse(b, n, &m), DHCP_POK);
	p = dhcp_pkt_opt(&m, 209, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(len, 150);
	CU_ASSERT_EQUAL(memcmp(p, big, 150), 0);
	/* 548 bytes: 209 went on in file (option 52 = 1). */
	CU_ASSERT_EQUAL(m.overload, 1);

	/* An option over 255 bytes is split and reads back whole. */
	out_base(&o);
	dhcp_pkt_out_add(&o, 43, big, sizeof(big));
	n = dhcp_pkt_build(&o, NULL, 0, 1500, b, sizeof(b), &why);
	CU_ASSERT_EQUAL(why, DHCP_BOK);
	CU_ASSERT_EQUAL_FATAL(dhcp_pkt_parse(b, n, &m), DHCP_POK);
	p = dhcp_pkt_opt(&m, 43, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(len, sizeof(big));
	CU_ASSERT_EQUAL(memcmp(p, big, sizeof(big)), 0);
	CU_ASSERT_EQUAL(m.overload, 0);

	/* Too much for 576 even with file and sname: refused, no overflow. */
	out_base(&o);
	dhcp_pkt_out_add(&o, 43, big, sizeof(big));
	CU_ASSERT_EQUAL(dhcp_pkt_build(&o, NULL, 0, 576, b, sizeof(b), &why),
	    0);
	CU_ASSERT_EQUAL(why, DHCP_BNOSPACE);
	/* A file name keeps file for itself: 209 goes on in sname. */
	out_base(&o);
	o.file = "undionly.kpxe";
	dhcp_pkt_out_add(&o, 43, big, 250);
	dhcp_pkt_out_add(&o, 209, big, 80);
	n = dhcp_pkt_build(&o, NULL, 0, 576, b, sizeof(b), &why);
	CU_ASSERT_EQUAL(why, DHCP_BOK);
	CU_ASSERT_EQUAL_FATAL(dhcp_pkt_parse(b, n, &m), DHCP_POK);
	CU_ASSERT_STRING_EQUAL((const char *)m.file, "undionly.kpxe");
	CU_ASSERT_EQUAL(m.overload, 2);
	p = dhcp_pkt_opt(&m, 209, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(len, 80);
	CU_ASSERT_EQUAL(memcmp(p, big, 80), 0);
	/* And 250 more bytes would not fit: refused. */
	dhcp_pkt_out_add(&o, 210, big, 250);
	CU_ASSERT_EQUAL(dhcp_pkt_build(&o, NULL, 0, 576, b, sizeof(b), &why),
	    0);
	CU_ASSERT_EQUAL(why, DHCP_BNOSPACE);
}

/*
 * The IANA "Processor Architecture Types" registry, 0 to 41: every code
 * has its name, every name its codes, and a log line shows both.
 */
static void
test_arch_names(void)
{
	static const struct {
		uint16_t	 code;
		const char	*name;
	} v[] = {
		{ 0, "bios" }, { 1, "nec-pc98" }, { 2, "efi-itanium" },
		{ 3, "dec-alpha" }, { 4, "arc-x86" }, { 5, "intel-lean" },
		{ 6, "efi-ia32" }, { 7, "efi-x64" }, { 8, "efi-xscale" },
		{ 9, "efi-x64" }, { 10, "efi-arm32" }, { 11, "efi-arm64" },
		{ 12, "ppc-openfirmware" }, { 13, "ppc-epapr" },
		{ 14, "power-opal" }, { 15, "http-ia32" }, { 16, "http-x64" },
		{ 17, "http-ebc" }, { 18, "http-arm32" }, { 19, "http-arm64" },
		{ 20, "http-bios" }, { 21, "uboot-arm32" },
		{ 22, "uboot-arm64" }, { 23, "uboot-http-arm32" },
		{ 24, "uboot-http-arm64" }, { 25, "efi-riscv32" },
		{ 26, "http-riscv32" }, { 27, "efi-riscv64" },
		{ 28, "http-riscv64" }, { 29, "efi-riscv128" },
		{ 30, "http-riscv128" }, { 31, "s390-basic" },
		{ 32, "s390-extended" }, { 33, "efi-mips32" },
		{ 34, "efi-mips64" }, { 35, "efi-sunway32" },
		{ 36, "efi-sunway64" }, { 37, "efi-loongarch32" },
		{ 38, "http-loongarch32" }, { 39, "efi-loongarch64" },
		{ 40, "http-loongarch64" }, { 41, "rpiboot" },
	};
	const struct dhcp_arch	*a;
	char			 buf[40];
	size_t			 i, k;
	bool			 has;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		CU_ASSERT_EQUAL(v[i].code, i);
		CU_ASSERT_PTR_NOT_NULL_FATAL(dhcp_proto_arch_name(v[i].code));
		CU_ASSERT_STRING_EQUAL(dhcp_proto_arch_name(v[i].code),
		    v[i].name);
		a = dhcp_proto_arch_lookup(v[i].name);
		CU_ASSERT_PTR_NOT_NULL_FATAL(a);
		for (has = false, k = 0; k < a->ncodes; k++)
			has |= a->codes[k] == v[i].code;
		CU_ASSERT_TRUE(has);
	}
	/* efi-x64 is both 7 and 9 (RFC 4578's swap); names ignore case. */
	a = dhcp_proto_arch_lookup("EFI-X64");
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(a->ncodes, 2);
	CU_ASSERT_EQUAL(a->codes[0], 7);
	CU_ASSERT_EQUAL(a->codes[1], 9);
	CU_ASSERT_PTR_NULL(dhcp_proto_arch_name(42));
	CU_ASSERT_PTR_NULL(dhcp_proto_arch_lookup("efi-sparc"));
	CU_ASSERT_PTR_NULL(dhcp_proto_arch_lookup("7"));
	dhcp_proto_arch_str(22, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, " uboot-arm64 arch 22");
	dhcp_proto_arch_str(300, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, " arch 300");
	dhcp_proto_arch_str(-1, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "");
}

/* RFC 5071 3.2, 4.2, 5.2, 6.2: the four options' bytes. */
static void
test_pxelinux_enc(void)
{
	static const uint8_t	all[] = {
		208, 4, 0xf1, 0x00, 0x74, 0x7e,
		209, 6, 'm', 'y', '.', 'c', 'f', 'g',
		210, 4, 'b', 'i', 'n', '/',
		211, 4, 0x00, 0x01, 0x51, 0x80,
	};
	static const uint8_t	reboot0[] = { 211, 4, 0, 0, 0, 0 };
	struct dhcp_pxelinux	p;
	uint8_t			buf[600];
	char			big[300];
	size_t			n;

	memset(&p, 0, sizeof(p));
	CU_ASSERT_EQUAL(dhcp_enc_pxelinux(&p, buf, sizeof(buf)), 0);
	p.magic = true;
	p.config = "my.cfg";
	p.prefix = "bin/";
	p.has_reboot = true;
	p.reboot = 86400;
	n = dhcp_enc_pxelinux(&p, buf, sizeof(buf));
	CU_ASSERT_EQUAL_FATAL(n, sizeof(all));
	CU_ASSERT_EQUAL(memcmp(buf, all, sizeof(all)), 0);
	/* Too small a buffer: nothing rather than part. */
	CU_ASSERT_EQUAL(dhcp_enc_pxelinux(&p, buf, sizeof(all) - 1), 0);
	/* 0 is "never reboot", sent as four zero octets; "" is no option. */
	memset(&p, 0, sizeof(p));
	p.has_reboot = true;
	p.config = "";
	n = dhcp_enc_pxelinux(&p, buf, sizeof(buf));
	CU_ASSERT_EQUAL_FATAL(n, sizeof(reboot0));
	CU_ASSERT_EQUAL(memcmp(buf, reboot0, sizeof(reboot0)), 0);
	/* 256 bytes do not fit one option. */
	memset(big, 'a', 256);
	big[256] = '\0';
	p.config = big;
	CU_ASSERT_EQUAL(dhcp_enc_pxelinux(&p, buf, sizeof(buf)), 0);
	big[254] = '\0';
	CU_ASSERT_EQUAL(dhcp_enc_pxelinux(&p, buf, sizeof(buf)), 2 + 254 + 6);
}

/* Option 82's sub-options (RFC 3046 2.0, RFC 3527 3, RFC 5107 4). */
static void
test_agent_parse(void)
{
	static const uint8_t	 good[] = { 1, 6, 'e', 't', 'h', '0', '/', '7',
				    2, 0, 5, 4, 10, 1, 0, 0, 6, 3, 'c',
				    'u', '1', 11, 4, 10, 1, 0, 254, 1, 1,
				    'x', 150, 1, 'y' };
	static const uint8_t	 trunc[] = { 1, 6, 'e', 't', 'h' };
	static const uint8_t	 half[] = { 1, 1, 'a', 2 };
	static const uint8_t	 link3[] = { 5, 3, 10, 1, 0 };
	static const uint8_t	 sid5[] = { 11, 5, 10, 1, 0, 254, 0 };
	struct dhcp_agent	 a;

	CU_ASSERT_EQUAL_FATAL(dhcp_pkt_agent(good, sizeof(good), &a),
	    DHCP_AOK);
	CU_ASSERT_TRUE(a.sub[DHCP_AGENT_CIRCUIT_ID].present);
	CU_ASSERT_EQUAL(a.sub[DHCP_AGENT_CIRCUIT_ID].len, 6);
	CU_ASSERT_EQUAL(memcmp(a.sub[DHCP_AGENT_CIRCUIT_ID].data, "eth0/7",
	    6), 0);
	/* RFC 3046 2.0: a sub-option may have length 0. */
	CU_ASSERT_TRUE(a.sub[DHCP_AGENT_REMOTE_ID].present);
	CU_ASSERT_EQUAL(a.sub[DHCP_AGENT_REMOTE_ID].len, 0);
	CU_ASSERT_EQUAL(a.link.s_addr, inet_addr("10.1.0.0"));
	CU_ASSERT_EQUAL(a.sid.s_addr, inet_addr("10.1.0.254"));
	CU_ASSERT_EQUAL(a.sub[DHCP_AGENT_SUBSCRIBER_ID].len, 3);
	/* The first of a repeated sub-option; unknown ones skipped. */
	CU_ASSERT_EQUAL(a.sub[DHCP_AGENT_CIRCUIT_ID].data[0], 'e');
	CU_ASSERT_FALSE(a.sub[3].present);

	/* Malformed: each for its reason, and nothing kept. */
	CU_ASSERT_EQUAL(dhcp_pkt_agent(good, 1, &a), DHCP_ASHORT);
	CU_ASSERT_EQUAL(dhcp_pkt_agent(good, 0, &a), DHCP_ASHORT);
	CU_ASSERT_EQUAL(dhcp_pkt_agent(trunc, sizeof(trunc), &a),
	    DHCP_ATRUNC);
	CU_ASSERT_FALSE(a.sub[DHCP_AGENT_CIRCUIT_ID].present);
	CU_ASSERT_EQUAL(dhcp_pkt_agent(half, sizeof(half), &a), DHCP_ATRUNC);
	CU_ASSERT_FALSE(a.sub[DHCP_AGENT_CIRCUIT_ID].present);
	CU_ASSERT_EQUAL(dhcp_pkt_agent(link3, sizeof(link3), &a),
	    DHCP_ABADADDR);
	CU_ASSERT_EQUAL(a.link.s_addr, 0);
	CU_ASSERT_EQUAL(dhcp_pkt_agent(sid5, sizeof(sid5), &a),
	    DHCP_ABADADDR);
	CU_ASSERT_EQUAL(a.sid.s_addr, 0);
	CU_ASSERT_STRING_EQUAL(dhcp_pkt_aerr_str(DHCP_ATRUNC),
	    "a sub-option runs past the end");
}

/* Offset of the first option code in b's options field, or 0. */
static size_t
opt_at(const uint8_t *b, size_t n, uint8_t code)
{
	size_t	i = DHCP_MIN_LEN;

	while (i < n && b[i] != DHO_END) {
		if (b[i] == DHO_PAD) {
			i++;
			continue;
		}
		if (b[i] == code)
			return i;
		i += 2 + (size_t)b[i + 1];
	}
	return 0;
}

static void
out_agent(struct dhcp_out *o, const uint8_t *agent, size_t len)
{
	out_base(o);
	o->agent = agent;
	o->agent_len = len;
}

/* Whether m's option 82 is agent, whole. */
static bool
agent_reads_back(const uint8_t *agent, size_t len)
{
	size_t		 l;
	const uint8_t	*p = dhcp_pkt_opt(&m, DHO_RELAY_AGENT_INFO, &l);

	return p != NULL && l == len && memcmp(p, agent, len) == 0;
}

/*
 * RFC 3046 2.2: option 82 echoed whole, the last option, never in the
 * overloaded file or sname; without room, the reply goes without it.
 */
static void
test_build_agent(void)
{
	struct dhcp_out	 o;
	uint8_t		 b[1500], big[700], agent[300];
	static const uint8_t	 prl[] = { 82, 3 };
	enum dhcp_berr	 why;
	size_t		 n, len, at;
	int		 i;

	for (i = 0; i < (int)sizeof(big); i++)
		big[i] = (uint8_t)i;
	for (i = 0; i < (int)sizeof(agent); i++)
		agent[i] = (uint8_t)(255 - i);
	agent[0] = 1;
	agent[1] = 20;

	/*
	 * Last, even when the client's option 55 asks for 82 first; an 82
	 * added (configured) gives way to the one echoed.
	 */
	out_agent(&o, agent, 22);
	dhcp_pkt_out_add(&o, 60, "PXEClient", 9);
	dhcp_pkt_out_add(&o, DHO_RELAY_AGENT_INFO, "\x01\x01x", 3);
	n = dhcp_pkt_build(&o, prl, sizeof(prl), 0, b, sizeof(b), &why);
	CU_ASSERT_EQUAL(why, DHCP_BOK);
	at = opt_at(b, n, DHO_RELAY_AGENT_INFO);
	CU_ASSERT_FATAL(at > 0);
	CU_ASSERT_EQUAL(b[at + 1], 22);
	CU_ASSERT_EQUAL(memcmp(b + at + 2, agent, 22), 0);
	CU_ASSERT_EQUAL(b[at + 2 + 22], DHO_END);
	CU_ASSERT_TRUE(opt_at(b, n, 60) < at);
	CU_ASSERT_EQUAL_FATAL(dhcp_pkt_parse(b, n, &m), DHCP_POK);
	CU_ASSERT_TRUE(agent_reads_back(agent, 22));

	/* Overloaded: 52 and the rest before it, 82 in the options field. */
	out_agent(&o, agent, 22);
	dhcp_pkt_out_add(&o, 43, big, 250);
	dhcp_pkt_out_add(&o, 209, big, 100);
	n = dhcp_pkt_build(&o, NULL, 0, 576, b, sizeof(b), &why);
	CU_ASSERT_EQUAL(why, DHCP_BOK);
	CU_ASSERT_EQUAL_FATAL(dhcp_pkt_parse(b, n, &m), DHCP_POK);
	CU_ASSERT_EQUAL(m.overload, 1);
	at = opt_at(b, n, DHO_RELAY_AGENT_INFO);
	CU_ASSERT_FATAL(at > 0);
	CU_ASSERT_EQUAL(b[at + 2 + 22], DHO_END);
	CU_ASSERT_TRUE(opt_at(b, n, DHO_OPTION_OVERLOAD) < at);
	CU_ASSERT_TRUE(agent_reads_back(agent, 22));

	/* One that came split (over 255 bytes) goes back split, whole. */
	out_agent(&o, agent, sizeof(agent));
	n = dhcp_pkt_build(&o, NULL, 0, 1500, b, sizeof(b), &why);
	CU_ASSERT_EQUAL(why, DHCP_BOK);
	CU_ASSERT_EQUAL_FATAL(dhcp_pkt_parse(b, n, &m), DHCP_POK);
	CU_ASSERT_TRUE(agent_reads_back(agent, sizeof(agent)));

	/* No room for it in 576: the reply, without 82, and why says so. */
	out_agent(&o, agent, 255);
	dhcp_pkt_out_add(&o, 43, big, 250);
	dhcp_pkt_out_add(&o, 209, big, 150);
	n = dhcp_pkt_build(&o, NULL, 0, 576, b, sizeof(b), &why);
	CU_ASSERT_EQUAL(why, DHCP_BNOAGENT);
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL_FATAL(dhcp_pkt_parse(b, n, &m), DHCP_POK);
	CU_ASSERT_PTR_NULL(dhcp_pkt_opt(&m, DHO_RELAY_AGENT_INFO, &len));
	CU_ASSERT_PTR_NOT_NULL(dhcp_pkt_opt(&m, 209, &len));
}

void
test_dhcp_pkt_register(void)
{
	CU_pSuite	s = CU_add_suite("dhcp-pkt", NULL, NULL);

	CU_add_test(s, "the nine seed captures", test_seed);
	CU_add_test(s, "architecture names, IANA 0 to 41", test_arch_names);
	CU_add_test(s, "pxelinux options (RFC 5071)", test_pxelinux_enc);
	CU_add_test(s, "malformed, each for its reason", test_malformed);
	CU_add_test(s, "RFC 3396 concatenation, overload", test_concat_overload);
	CU_add_test(s, "build: order, padding, round trip", test_build_order);
	CU_add_test(s, "build: 576 floor, split, overload", test_build_space);
	CU_add_test(s, "option 82 sub-options (RFC 3046 2.0, 3527 3, 5107 4)",
	    test_agent_parse);
	CU_add_test(s, "option 82 echoed last, never overloaded (RFC 3046 2.2)",
	    test_build_agent);
}
