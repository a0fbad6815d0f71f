/*
 * test_log.c: client strings are made safe before they are logged, and
 * log levels parse.
 */
#include "config.h"

#include <string.h>

#include "log.h"
#include "unit.h"

static void
test_sanitize(void)
{
	static const uint8_t	evil[] = { 'i', 'P', 'X', 'E', '\n', 'x',
				    0x1b, '[', '2', 'J', '\\', 0xff, 0 };
	char			buf[64], small[8];

	log_sanitize(buf, sizeof(buf), evil, sizeof(evil));
	CU_ASSERT_STRING_EQUAL(buf,
	    "iPXE\\x0ax\\x1b[2J\\x5c\\xff\\x00");
	/* Cut short, never overflowing, never splitting an escape. */
	memset(small, 'Z', sizeof(small));
	log_sanitize(small, sizeof(small), evil, sizeof(evil));
	CU_ASSERT_STRING_EQUAL(small, "iPXE");
	log_sanitize(small, sizeof(small), (const uint8_t *)"", 0);
	CU_ASSERT_STRING_EQUAL(small, "");
}

static void
test_levels(void)
{
	CU_ASSERT_EQUAL(log_level_parse("debug"), LOG_DEBUG);
	CU_ASSERT_EQUAL(log_level_parse("WARNING"), LOG_WARNING);
	CU_ASSERT_EQUAL(log_level_parse("loud"), -1);
	CU_ASSERT_STRING_EQUAL(log_level_name(LOG_INFO), "info");
}

void
test_log_register(void)
{
	CU_pSuite	s = CU_add_suite("log", NULL, NULL);

	CU_add_test(s, "sanitize client strings", test_sanitize);
	CU_add_test(s, "levels", test_levels);
}
