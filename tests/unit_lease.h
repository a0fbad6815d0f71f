/*
 * unit_lease.h: the lease store the lease suites share (test_lease.c,
 * test_lease_journal.c), with pools from a scratch configuration tree
 * (unit_tree_new() in unit.h).  Client n has the identifier
 * 01:52:54:00:nn:nn:nn and the MAC 52:54:00:nn:nn:nn.
 */
#ifndef PXED_UNIT_LEASE_H
#define PXED_UNIT_LEASE_H

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"
#include "lease.h"

#define UNIT_LEASE_T0	1800000000LL	/* 2027-01-15T08:00:00Z */

struct unit_lease {
	struct conf	*conf;		/* the tree's configuration */
	struct leases	 store;
	bool		 have_store;
	char		 dir[256];	/* the tree's directory */
};
extern struct unit_lease	unit_lease;

/* Free the store, its configuration and the tree. */
void		 unit_lease_free(void);
/* The same, as a CUnit suite's clean-up function. */
int		 unit_lease_clean(void);
/* A new store with pools from the dhcp ranges (and hosts) given. */
void		 unit_lease_new(const char *ranges, const char *rules);
/* Client n's identifier. */
void		 unit_lease_id(uint8_t id[7], unsigned n);
/* Bind client n (its identifier and MAC) to addr. */
struct lease	*unit_lease_bind(unsigned n, uint32_t addr,
		    enum lease_state st, int64_t exp);
/* Client n's lease, or NULL. */
struct lease	*unit_lease_by_client(unsigned n);

#endif
