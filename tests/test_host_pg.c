/*
 * test_host_pg.c: a row of pxed_hosts into a host (host_pg_row), against
 * a configuration with a tag and a boot entry.
 */
#include "config.h"

#include <arpa/inet.h>

#include <string.h>

#include "arena.h"
#include "conf.h"
#include "host_pg.h"
#include "unit.h"

static struct conf *hc;

static int
host_pg_setup(void)
{
	unit_tree_new();
	unit_tree_file("pxed.conf", "dhcp { mode = server range \"lan\" { "
	    "start = 10.0.0.100 end = 10.0.0.199 netmask = 255.255.255.0 }\n"
	    "range6 \"lan6\" { prefix = fd00::/64 start = fd00::100 "
	    "end = fd00::1ff } }\n");
	unit_tree_file("conf.d/10-lab.conf",
	    "match \"lab\" { arch = efi-x64 }\n"
	    "boot \"disk\" { if = \"lab\" filename = \"disk.efi\" }\n");
	hc = unit_tree_load();
	return hc != NULL ? 0 : -1;
}

static int
host_pg_teardown(void)
{
	conf_free(hc);
	hc = NULL;
	unit_tree_free();
	return 0;
}

static void
test_row(void)
{
	struct arena		 a = { 0 };
	struct conf_host	 h;
	char			 why[256], ip[INET6_ADDRSTRLEN];
	const char		*row[HOST_PG_NCOLS] = { "52:54:00:aa:bb:cc",
	    "node7", "10.0.0.7", "fd00::7", "node7.lab", "lab", "disk",
	    "rack=r1\nrole=compute", "00030001525400aabbcc" };
	static const uint8_t	 mac[6] = { 0x52, 0x54, 0, 0xaa, 0xbb, 0xcc };
	static const uint8_t	 duid[10] = { 0, 3, 0, 1, 0x52, 0x54, 0, 0xaa,
	    0xbb, 0xcc };

	CU_ASSERT_EQUAL(host_pg_row(hc, &a, row, &h, why, sizeof(why)), 0);
	CU_ASSERT_STRING_EQUAL(why, "");
	CU_ASSERT(h.has_mac && memcmp(h.mac, mac, 6) == 0);
	CU_ASSERT_STRING_EQUAL(h.name, "node7");
	CU_ASSERT_STRING_EQUAL(h.where.file, "database");
	inet_ntop(AF_INET, &h.ip, ip, sizeof(ip));
	CU_ASSERT_STRING_EQUAL(ip, "10.0.0.7");
	inet_ntop(AF_INET6, &h.ip6, ip, sizeof(ip));
	CU_ASSERT_STRING_EQUAL(ip, "fd00::7");
	CU_ASSERT_STRING_EQUAL(h.hostname, "node7.lab");
	CU_ASSERT_EQUAL_FATAL(h.ntags, 1);
	CU_ASSERT_STRING_EQUAL(hc->tags[h.tags[0]].name, "lab");
	CU_ASSERT_PTR_EQUAL(h.boot, conf_boot_by_name(hc, "disk"));
	CU_ASSERT_EQUAL_FATAL(h.nvars, 2);
	CU_ASSERT_STRING_EQUAL(h.vars[0].name, "rack");
	CU_ASSERT_STRING_EQUAL(h.vars[0].value, "r1");
	CU_ASSERT_STRING_EQUAL(h.vars[1].name, "role");
	CU_ASSERT_STRING_EQUAL(h.vars[1].value, "compute");
	CU_ASSERT_EQUAL_FATAL(h.duid_len, sizeof(duid));
	CU_ASSERT_EQUAL(memcmp(h.duid, duid, sizeof(duid)), 0);
	arena_free(&a);
}

static void
test_row_nulls(void)
{
	struct arena		 a = { 0 };
	struct conf_host	 h;
	char			 why[256];
	const char		*row[HOST_PG_NCOLS] = { "52:54:00:aa:bb:cd" };

	CU_ASSERT_EQUAL(host_pg_row(hc, &a, row, &h, why, sizeof(why)), 0);
	CU_ASSERT_STRING_EQUAL(h.name, "52:54:00:aa:bb:cd");
	CU_ASSERT_EQUAL(h.ip.s_addr, 0);
	CU_ASSERT_PTR_NULL(h.hostname);
	CU_ASSERT_PTR_NULL(h.boot);
	CU_ASSERT_EQUAL(h.ntags + h.nvars, 0);
	CU_ASSERT_PTR_NULL(h.duid);
	arena_free(&a);
}

static void
test_row_bad(void)
{
	struct arena		 a = { 0 };
	struct conf_host	 h;
	char			 why[256];
	const char		*row[HOST_PG_NCOLS] = { "52:54:00:aa:bb" };

	CU_ASSERT_EQUAL(host_pg_row(hc, &a, row, &h, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "not a MAC"));
	row[0] = "52:54:00:aa:bb:ce";
	row[2] = "10.0.0.300";
	CU_ASSERT_EQUAL(host_pg_row(hc, &a, row, &h, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "not an IPv4"));
	row[2] = "10.0.0.150";	/* the pool could hand it out */
	CU_ASSERT_EQUAL(host_pg_row(hc, &a, row, &h, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "in the pool of range \"lan\""));
	row[2] = "10.0.0.99";
	CU_ASSERT_EQUAL(host_pg_row(hc, &a, row, &h, why, sizeof(why)), 0);
	row[2] = NULL;
	row[4] = "-bad";
	CU_ASSERT_EQUAL(host_pg_row(hc, &a, row, &h, why, sizeof(why)), -1);
	row[4] = NULL;
	row[7] = "mac=x";	/* built in */
	CU_ASSERT_EQUAL(host_pg_row(hc, &a, row, &h, why, sizeof(why)), -1);
	row[7] = "=x";
	CU_ASSERT_EQUAL(host_pg_row(hc, &a, row, &h, why, sizeof(why)), -1);
	row[7] = NULL;
	row[8] = "0003zz";
	CU_ASSERT_EQUAL(host_pg_row(hc, &a, row, &h, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "not a DUID"));
	row[8] = NULL;
	row[3] = "fd00::150";	/* range6 could hand it out */
	CU_ASSERT_EQUAL(host_pg_row(hc, &a, row, &h, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "in range6 \"lan6\""));
	row[3] = "fd00::7";
	CU_ASSERT_EQUAL(host_pg_row(hc, &a, row, &h, why, sizeof(why)), 0);
	row[3] = NULL;
	/* Unknown tag and boot entry: kept, with a note. */
	row[7] = NULL;
	row[5] = "lab,nosuch,known";
	row[6] = "nosuch";
	CU_ASSERT_EQUAL(host_pg_row(hc, &a, row, &h, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(h.ntags, 1);
	CU_ASSERT_PTR_NULL(h.boot);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "tag \"nosuch\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "tag \"known\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "boot \"nosuch\" is not defined"));
	arena_free(&a);
}

void
test_host_pg_register(void)
{
	CU_pSuite	s = CU_add_suite("host_pg", host_pg_setup,
	    host_pg_teardown);

	CU_add_test(s, "a full row", test_row);
	CU_add_test(s, "NULL columns", test_row_nulls);
	CU_add_test(s, "bad rows, unknown names, DUID, ip6 in a range6",
	    test_row_bad);
}
