/*
 * dhcp_guard.h: the bound on DHCP offers outstanding per link.
 *
 * Each OFFER holds its address for DHCP_OFFER_SECS, so a burst of
 * DISCOVERs from random hardware addresses (the classic starvation
 * attack) could hold a whole pool with offers no client will take up.
 * The guard keeps, per link (the subnet the request came from: the
 * relay's giaddr's, else the receiving interface's; keyed by subnet so
 * that spoofed giaddrs cannot make links without end), the offers made
 * in order; when a link holds
 * more than its bound, the oldest one still outstanding is withdrawn
 * (its address is free again), so offers never hold more than the bound
 * and a real client's DISCOVER is still answered during a flood.  Pure:
 * the caller passes the lease store and the clock.
 */
#ifndef PXED_DHCP_GUARD_H
#define PXED_DHCP_GUARD_H

#include <stddef.h>
#include <stdint.h>

#include "lease.h"

struct dhcp_guard_offer {
	uint32_t	 addr;		/* host order */
	int64_t		 expires;	/* the offer's, to know it again */
};

struct dhcp_guard_link {
	uint32_t		 key;	/* the link's subnet, host order */
	struct dhcp_guard_offer	*ring;	/* oldest at head */
	size_t			 cap, head, n;
};

struct dhcp_guard {
	struct dhcp_guard_link	*links;
	size_t			 nlinks;
	uint64_t		 withdrawn;	/* /metrics */
};

void	dhcp_guard_fini(struct dhcp_guard *g);
/*
 * Note a new offer of addr on link, held until expires.  With more than
 * bound offers noted on the link, the oldest still outstanding is
 * withdrawn: its address is returned (0: none was).
 */
uint32_t dhcp_guard_offer(struct dhcp_guard *g, struct leases *L,
	    uint32_t link, size_t bound, uint32_t addr, int64_t expires,
	    int64_t now);

#endif
