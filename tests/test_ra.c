/*
 * test_ra.c: the router advertisement builder and the solicitation
 * check (RFC 4861 4.2, 4.6.2, 6.1.1).
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "ra.h"
#include "unit.h"

static void
test_build(void)
{
	struct ra_params	p;
	uint8_t			b[RA_MAX_LEN];
	size_t			n;

	memset(&p, 0, sizeof(p));
	p.managed = p.other = true;
	p.has_prefix = true;
	inet_pton(AF_INET6, "fd66::", &p.prefix);
	p.prefix_len = 64;
	p.valid = 600;
	p.preferred = 900;	/* above valid: clamped */
	p.has_lladdr = true;
	memcpy(p.lladdr, "\x52\x54\x00\x12\x34\x56", 6);
	n = ra_build(&p, b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(n, 16 + 8 + 32);
	CU_ASSERT_EQUAL(b[0], 134);
	CU_ASSERT_EQUAL(b[1], 0);
	CU_ASSERT_EQUAL(b[5], 0xc0);		/* M and O */
	CU_ASSERT_EQUAL(b[6], 0);		/* router lifetime 0 */
	CU_ASSERT_EQUAL(b[7], 0);
	CU_ASSERT_EQUAL(b[16], 1);		/* source link-layer address */
	CU_ASSERT_EQUAL(b[17], 1);
	CU_ASSERT_EQUAL(memcmp(b + 18, p.lladdr, 6), 0);
	CU_ASSERT_EQUAL(b[24], 3);		/* prefix information */
	CU_ASSERT_EQUAL(b[25], 4);
	CU_ASSERT_EQUAL(b[26], 64);
	CU_ASSERT_EQUAL(b[27], 0x80);		/* on-link, not autonomous */
	CU_ASSERT_EQUAL(b[24 + 7], 600 & 0xff);	/* valid */
	CU_ASSERT_EQUAL(b[24 + 11], 600 & 0xff);	/* preferred <= valid */
	CU_ASSERT_EQUAL(memcmp(b + 24 + 16, &p.prefix, 16), 0);

	p.managed = false;
	p.has_prefix = p.has_lladdr = false;
	p.router_lifetime = 1800;
	p.mtu = 1500;
	n = ra_build(&p, b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(n, 16 + 8);
	CU_ASSERT_EQUAL(b[5], 0x40);
	CU_ASSERT_EQUAL(b[6] << 8 | b[7], 1800);
	CU_ASSERT_EQUAL(b[16], 5);
	CU_ASSERT_EQUAL(b[22] << 8 | b[23], 1500);
	CU_ASSERT_EQUAL(ra_build(&p, b, 40), 0);
}

static void
test_solicit(void)
{
	uint8_t	rs[16] = { 133, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 0, 0, 0, 0, 9 };

	CU_ASSERT(ra_is_solicit(rs, 16, 255));
	CU_ASSERT(ra_is_solicit(rs, 8, 255));
	/* RFC 4861 6.1.1: hop limit 255, code 0, options of non-zero length. */
	CU_ASSERT_FALSE(ra_is_solicit(rs, 16, 64));
	CU_ASSERT_FALSE(ra_is_solicit(rs, 7, 255));
	rs[1] = 1;
	CU_ASSERT_FALSE(ra_is_solicit(rs, 16, 255));
	rs[1] = 0;
	rs[9] = 0;
	CU_ASSERT_FALSE(ra_is_solicit(rs, 16, 255));
	rs[9] = 2;				/* 16 bytes, only 8 left */
	CU_ASSERT_FALSE(ra_is_solicit(rs, 16, 255));
	rs[0] = 134;
	rs[9] = 1;
	CU_ASSERT_FALSE(ra_is_solicit(rs, 16, 255));
}

void
test_ra_register(void)
{
	CU_pSuite	s = CU_add_suite("ra", NULL, NULL);

	CU_add_test(s, "advertisement: flags, options, lifetimes",
	    test_build);
	CU_add_test(s, "solicitation validity", test_solicit);
}
