/*
 * test_http.c: the HTTP pieces that need no socket: percent-decoding
 * (what a path may hold) and Range headers.
 */
#include "config.h"

#include <CUnit/CUnit.h>
#include <stdint.h>
#include <string.h>

#include "http.h"
#include "unit.h"

static void
test_decode(void)
{
	char	out[64];

	CU_ASSERT_EQUAL(http_pct_decode("/a%20b/%2e%2E", out, sizeof(out)),
	    0);
	CU_ASSERT_STRING_EQUAL(out, "/a b/..");
	CU_ASSERT_EQUAL(http_pct_decode("/plain", out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "/plain");
	/* An encoded NUL would cut the path short: refused. */
	CU_ASSERT_EQUAL(http_pct_decode("/a%00b", out, sizeof(out)), -1);
	CU_ASSERT_EQUAL(http_pct_decode("/a%0ab", out, sizeof(out)), -1);
	CU_ASSERT_EQUAL(http_pct_decode("/a%7f", out, sizeof(out)), -1);
	CU_ASSERT_EQUAL(http_pct_decode("/a%zz", out, sizeof(out)), -1);
	CU_ASSERT_EQUAL(http_pct_decode("/a%2", out, sizeof(out)), -1);
	CU_ASSERT_EQUAL(http_pct_decode("/a%", out, sizeof(out)), -1);
	CU_ASSERT_EQUAL(http_pct_decode("/a\tb", out, sizeof(out)), -1);
	/* Too long for the buffer. */
	CU_ASSERT_EQUAL(http_pct_decode("/abcdefgh", out, 5), -1);
	/* Bytes above 0x7f pass (UTF-8 names). */
	CU_ASSERT_EQUAL(http_pct_decode("/%c3%a9", out, sizeof(out)), 0);
	CU_ASSERT_EQUAL((unsigned char)out[1], 0xc3);
}

static void
test_range(void)
{
	uint64_t	a = 0, b = 0;
	uint64_t	big = (uint64_t)5 << 30;

	CU_ASSERT_EQUAL(http_range(NULL, 100, &a, &b), 0);
	CU_ASSERT_EQUAL(http_range("bytes=0-9", 100, &a, &b), 1);
	CU_ASSERT_EQUAL(a, 0);
	CU_ASSERT_EQUAL(b, 9);
	CU_ASSERT_EQUAL(http_range("bytes=90-", 100, &a, &b), 1);
	CU_ASSERT_EQUAL(a, 90);
	CU_ASSERT_EQUAL(b, 99);
	CU_ASSERT_EQUAL(http_range("bytes=90-1000", 100, &a, &b), 1);
	CU_ASSERT_EQUAL(b, 99);
	CU_ASSERT_EQUAL(http_range("bytes=-10", 100, &a, &b), 1);
	CU_ASSERT_EQUAL(a, 90);
	CU_ASSERT_EQUAL(b, 99);
	CU_ASSERT_EQUAL(http_range("bytes=-1000", 100, &a, &b), 1);
	CU_ASSERT_EQUAL(a, 0);
	CU_ASSERT_EQUAL(http_range("bytes=100-", 100, &a, &b), -1);
	CU_ASSERT_EQUAL(http_range("bytes=-0", 100, &a, &b), -1);
	CU_ASSERT_EQUAL(http_range("bytes=0-", 0, &a, &b), -1);
	/* Ignored: several ranges, bad syntax, other units, a > b. */
	CU_ASSERT_EQUAL(http_range("bytes=0-1,5-6", 100, &a, &b), 0);
	CU_ASSERT_EQUAL(http_range("bytes=x-y", 100, &a, &b), 0);
	CU_ASSERT_EQUAL(http_range("items=0-1", 100, &a, &b), 0);
	CU_ASSERT_EQUAL(http_range("bytes=9-1", 100, &a, &b), 0);
	CU_ASSERT_EQUAL(http_range("bytes=99999999999999999999-", 100, &a,
	    &b), 0);
	/* Past 4 GiB. */
	CU_ASSERT_EQUAL(http_range("bytes=4294967396-4294967402", big, &a,
	    &b), 1);
	CU_ASSERT_EQUAL(a, 4294967396ULL);
	CU_ASSERT_EQUAL(b, 4294967402ULL);
}

void
test_http_register(void)
{
	CU_pSuite	s = CU_add_suite("http", NULL, NULL);

	CU_add_test(s, "percent-decoding", test_decode);
	CU_add_test(s, "range headers", test_range);
}
