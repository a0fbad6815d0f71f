/*
 * test_log.c: client strings are made safe before they are logged, and
 * log levels parse, repeated messages are rate-limited with a count.
 */
#include "config.h"

#include <stdio.h>
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

static uint64_t	fake_ms;
static char	lines[8][256];
static size_t	nlines;

static uint64_t
fake_clock(void)
{
	return fake_ms;
}

static void
sink(int prio, const char *line)
{
	(void)prio;
	if (nlines < 8)
		snprintf(lines[nlines], sizeof(lines[0]), "%s", line);
	nlines++;
}

static int	saved_level;

/* Lines go to sink(), the clock is fake_ms, the level info. */
static void
capture_begin(void)
{
	saved_level = log_getlevel();
	log_setlevel(LOG_INFO);
	log_set_sink(sink);
	log_set_clock(fake_clock);
	nlines = 0;
}

static void
capture_end(void)
{
	log_set_clock(NULL);
	log_set_sink(NULL);
	log_setlevel(saved_level);
}

static void
test_rated(void)
{
	static struct log_rate	 disk, tab[LOG_RATE_SLOTS];
	struct log_rate		*a, *b;
	int			 i;

	capture_begin();
	fake_ms = 5000;
	/* A storm: one line, then the count with the next one. */
	for (i = 0; i < 38; i++)
		log_rated(&disk, LOG_WARNING, "lease: write %s", "x");
	CU_ASSERT_EQUAL(nlines, 1);
	CU_ASSERT_STRING_EQUAL(lines[0], "lease: write x");
	fake_ms += 999;
	log_rated(&disk, LOG_WARNING, "lease: write %s", "x");
	CU_ASSERT_EQUAL(nlines, 1);
	fake_ms += 1;
	log_rated(&disk, LOG_WARNING, "lease: write %s", "y");
	CU_ASSERT_EQUAL(nlines, 2);
	CU_ASSERT_STRING_EQUAL(lines[1], "lease: write y (38 more suppressed)");
	fake_ms += 5000;
	log_rated(&disk, LOG_WARNING, "quiet since");
	CU_ASSERT_STRING_EQUAL(lines[2], "quiet since");
	/* Below the level: nothing, and nothing counted. */
	fake_ms += 5000;
	log_rated(&disk, LOG_DEBUG, "debug");
	CU_ASSERT_EQUAL(nlines, 3);
	/* Per client: one client's storm does not silence another. */
	a = log_rate_slot(tab, "10.0.0.1", 8);
	b = log_rate_slot(tab, "10.0.0.2", 8);
	log_rated(a, LOG_WARNING, "refused a");
	log_rated(log_rate_slot(tab, "10.0.0.1", 8), LOG_WARNING, "refused a");
	if (a != b)
		log_rated(b, LOG_WARNING, "refused b");
	CU_ASSERT_EQUAL(nlines, a != b ? 5 : 4);
	/* At exit, what is held goes out. */
	log_rate_flush(1);
	CU_ASSERT_EQUAL(nlines, a != b ? 6 : 5);
	/* A storm that ends: the flush a second on says the last of it. */
	nlines = 0;
	fake_ms += 5000;
	for (i = 0; i < 5; i++)
		log_rated(&disk, LOG_WARNING, "busy %d", i);
	log_rate_flush(0);
	CU_ASSERT_EQUAL(nlines, 1);
	fake_ms += 1000;
	log_rate_flush(0);
	CU_ASSERT_EQUAL(nlines, 2);
	CU_ASSERT_STRING_EQUAL(lines[1], "busy 4 (3 more suppressed)");
	log_rate_flush(0);
	CU_ASSERT_EQUAL(nlines, 2);
	capture_end();
}

/* A flood from many addresses: a table's lines stay bounded. */
static void
test_rated_many(void)
{
	static struct log_rate	 tab[LOG_RATE_SLOTS];
	char			 who[32];
	int			 i;

	capture_begin();
	fake_ms = 100000;
	for (i = 0; i < 10000; i++) {
		snprintf(who, sizeof(who), "10.%d.%d.%d:69", i >> 16,
		    (i >> 8) & 255, i & 255);
		log_rated(log_rate_client(tab, who, NULL), LOG_WARNING,
		    "refused %s", who);
	}
	CU_ASSERT(nlines <= LOG_RATE_SLOTS);
	CU_ASSERT(nlines >= LOG_RATE_SLOTS / 2);
	/* A second on, the held lines go out, once, with their counts. */
	fake_ms += 1000;
	log_rate_flush(0);
	CU_ASSERT(nlines <= 2 * LOG_RATE_SLOTS);
	log_rate_flush(1);
	CU_ASSERT(nlines <= 2 * LOG_RATE_SLOTS);
	capture_end();
}

void
test_log_register(void)
{
	CU_pSuite	s = CU_add_suite("log", NULL, NULL);

	CU_add_test(s, "sanitize client strings", test_sanitize);
	CU_add_test(s, "levels", test_levels);
	CU_add_test(s, "repeated messages rate-limited", test_rated);
	CU_add_test(s, "a flood from many addresses", test_rated_many);
}
