/*
 * unit_lease.c: the lease store the lease suites share (unit_lease.h).
 */
#include "config.h"

#include <stdio.h>

#include "unit.h"
#include "unit_lease.h"

struct unit_lease	unit_lease;

void
unit_lease_free(void)
{
	if (unit_lease.have_store)
		lease_fini(&unit_lease.store);
	unit_lease.have_store = false;
	conf_free(unit_lease.conf);
	unit_lease.conf = NULL;
	unit_tree_free();
}

int
unit_lease_clean(void)
{
	unit_lease_free();
	return 0;
}

void
unit_lease_new(const char *ranges, const char *rules)
{
	char	text[2048];
	size_t	i;

	unit_lease_free();
	snprintf(unit_lease.dir, sizeof(unit_lease.dir), "%s",
	    unit_tree_new());
	snprintf(text, sizeof(text), "dhcp {\n  mode = server\n%s}\n",
	    ranges);
	unit_tree_file("pxed.conf", text);
	unit_tree_file("conf.d/10.conf", rules != NULL ? rules : "");
	unit_lease.conf = unit_tree_load();
	for (i = 0; unit_lease.conf == NULL && i < unit_nerrors(); i++)
		fprintf(stderr, "\n  %s\n", unit_error(i));
	CU_ASSERT_PTR_NOT_NULL_FATAL(unit_lease.conf);
	lease_init(&unit_lease.store);
	unit_lease.have_store = true;
	lease_pools(&unit_lease.store, unit_lease.conf, UNIT_LEASE_T0);
}

void
unit_lease_id(uint8_t id[7], unsigned n)
{
	id[0] = 1;
	id[1] = 0x52;
	id[2] = 0x54;
	id[3] = 0;
	id[4] = (uint8_t)(n >> 16);
	id[5] = (uint8_t)(n >> 8);
	id[6] = (uint8_t)n;
}

struct lease *
unit_lease_bind(unsigned n, uint32_t addr, enum lease_state st, int64_t exp)
{
	uint8_t	id[7];

	unit_lease_id(id, n);
	return lease_bind(&unit_lease.store, addr, id, sizeof(id), 1, id + 1,
	    6, st, exp, NULL);
}

struct lease *
unit_lease_by_client(unsigned n)
{
	uint8_t	id[7];

	unit_lease_id(id, n);
	return lease_by_id(&unit_lease.store, id, sizeof(id));
}
