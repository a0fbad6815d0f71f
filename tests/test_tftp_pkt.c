/*
 * test_tftp_pkt.c: the TFTP codec: requests good and malformed, OACK
 * byte for byte, ERROR and ACK.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tftp_pkt.h"
#include "unit.h"

#define PKT(...)	((const uint8_t[]){ __VA_ARGS__ })
#define RRQ(s)		((const uint8_t *)("\0\1" s)), (sizeof("\0\1" s) - 1)

static void
test_rrq_good(void)
{
	struct tftp_rrq	r;

	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(RRQ("pxelinux.0\0octet\0"), &r),
	    TFTP_POK);
	CU_ASSERT_EQUAL(r.op, TFTP_RRQ);
	CU_ASSERT_STRING_EQUAL(r.file, "pxelinux.0");
	CU_ASSERT_EQUAL(r.mode, TFTP_MODE_OCTET);
	CU_ASSERT_FALSE(r.blksize.set);

	/* Mode and option names are case-insensitive; values digits only. */
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(RRQ("a\0NetAscii\0BLKSIZE\0001468\0"
	    "tSize\0000\0timeout\0005\0windowsize\0004\0"), &r), TFTP_POK);
	CU_ASSERT_EQUAL(r.mode, TFTP_MODE_NETASCII);
	CU_ASSERT_TRUE(r.blksize.set);
	CU_ASSERT_EQUAL(r.blksize.val, 1468);
	CU_ASSERT_TRUE(r.tsize.set);
	CU_ASSERT_EQUAL(r.tsize.val, 0);
	CU_ASSERT_EQUAL(r.timeout.val, 5);
	CU_ASSERT_EQUAL(r.windowsize.val, 4);
	CU_ASSERT_EQUAL(r.ignored, 0);

	/* tsize is 64-bit: files over 4 GiB. */
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(RRQ("a\0octet\0tsize\0"
	    "5368709120\0"), &r), TFTP_POK);
	CU_ASSERT_EQUAL(r.tsize.val, 5368709120ULL);
}

static void
test_rrq_malformed(void)
{
	struct tftp_rrq	r;
	uint8_t		big[600];

	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(PKT(0, 1, 'a'), 3, &r), TFTP_PSHORT);
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(PKT(0, 9, 'a', 0), 4, &r),
	    TFTP_PBADOP);
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(PKT(0, 3, 0, 1), 4, &r), TFTP_PBADOP);
	/* No NUL after the file name. */
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(PKT(0, 1, 'a', 'b', 'c'), 5, &r),
	    TFTP_PNOFILE);
	/* Empty name, no mode, mode without NUL, unknown mode. */
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(RRQ("\0octet\0"), &r), TFTP_PEMPTY);
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(RRQ("file\0"), &r), TFTP_PNOMODE);
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(PKT(0, 1, 'f', 0, 'o', 'c'), 6, &r),
	    TFTP_PNOMODE);
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(RRQ("file\0mail\0"), &r),
	    TFTP_PBADMODE);
	/* WRQ parses (the server refuses it). */
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse((const uint8_t *)"\0\2f\0octet\0", 10,
	    &r), TFTP_POK);
	CU_ASSERT_EQUAL(r.op, TFTP_WRQ);

	/* Bad values are ignored (RFC 2347), never fatal. */
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(RRQ("f\0octet\0blksize\0"
	    "7\0timeout\0000\0windowsize\00070000\0tsize\0-1\0"), &r),
	    TFTP_POK);
	CU_ASSERT_FALSE(r.blksize.set);
	CU_ASSERT_FALSE(r.timeout.set);
	CU_ASSERT_FALSE(r.windowsize.set);
	CU_ASSERT_FALSE(r.tsize.set);
	CU_ASSERT_EQUAL(r.ignored, 4);
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(RRQ("f\0octet\0blksize\0"
	    "1468x\0timeout\0 5\0blksize\0000065465\0tsize\0"
	    "99999999999999999999999\0"), &r), TFTP_POK);
	CU_ASSERT_FALSE(r.blksize.set);
	CU_ASSERT_FALSE(r.timeout.set);
	CU_ASSERT_FALSE(r.tsize.set);
	/* Duplicates: the first wins. */
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(RRQ("f\0octet\0blksize\0001024\0"
	    "BlkSize\0001468\0"), &r), TFTP_POK);
	CU_ASSERT_EQUAL(r.blksize.val, 1024);
	CU_ASSERT_EQUAL(r.ignored, 1);
	/* Unknown option ignored; a name without a value; trailing junk. */
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(RRQ("f\0octet\0multicast\0\0"
	    "blksize\0"), &r), TFTP_POK);
	CU_ASSERT_EQUAL(r.ignored, 2);
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(PKT(0, 1, 'f', 0, 'o', 'c', 't', 'e',
	    't', 0, 'x', 'y'), 12, &r), TFTP_POK);
	CU_ASSERT_EQUAL(r.ignored, 1);

	/* A 600-byte request with a long name is tolerated. */
	memset(big, 'a', sizeof(big));
	big[0] = 0;
	big[1] = 1;
	memcpy(big + 590, "\0octet\0\0\0", 10);
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(big, 597, &r), TFTP_POK);
	CU_ASSERT_EQUAL(strlen(r.file), 588);
}

static void
test_build(void)
{
	uint8_t			 b[128];
	struct tftp_opts	 o;
	static const uint8_t	 want[] = { 0, 6, 'b', 'l', 'k', 's', 'i',
				    'z', 'e', 0, '1', '4', '6', '8', 0, 't',
				    's', 'i', 'z', 'e', 0, '5', '3', '6', '8',
				    '7', '0', '9', '1', '2', '0', 0 };
	uint16_t		 v;
	char			 msg[8];

	memset(&o, 0, sizeof(o));
	o.blksize.set = true;
	o.blksize.val = 1468;
	o.tsize.set = true;
	o.tsize.val = 5368709120ULL;
	CU_ASSERT_EQUAL(tftp_pkt_oack_build(b, sizeof(b), &o), sizeof(want));
	CU_ASSERT_EQUAL(memcmp(b, want, sizeof(want)), 0);
	CU_ASSERT_EQUAL(tftp_pkt_oack_build(b, 10, &o), 0);
	CU_ASSERT_EQUAL(tftp_pkt_error_build(b, sizeof(b), 1, "file not found"),
	    4 + 15);
	CU_ASSERT_EQUAL(b[1], TFTP_ERROR);
	CU_ASSERT_EQUAL(b[3], 1);
	CU_ASSERT_EQUAL(b[18], 0);
	CU_ASSERT_EQUAL(tftp_pkt_ack_parse(PKT(0, 4, 0x12, 0x34), 4, &v), 0);
	CU_ASSERT_EQUAL(v, 0x1234);
	CU_ASSERT_EQUAL(tftp_pkt_ack_parse(PKT(0, 4, 0x12), 3, &v), -1);
	/* An ERROR without its NUL is read up to its end, bounded. */
	CU_ASSERT_EQUAL(tftp_pkt_error_parse(PKT(0, 5, 0, 8, 'a', 'b', 'c', 'd',
	    'e', 'f', 'g', 'h', 'i'), 13, &v, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(v, 8);
	CU_ASSERT_STRING_EQUAL(msg, "abcdefg");
}


void
test_tftp_pkt_register(void)
{
	CU_pSuite	s = CU_add_suite("tftp-pkt", NULL, NULL);

	CU_add_test(s, "RRQ good", test_rrq_good);
	CU_add_test(s, "RRQ malformed", test_rrq_malformed);
	CU_add_test(s, "OACK, ERROR, ACK", test_build);
}
