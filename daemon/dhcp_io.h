/*
 * dhcp_io.h: DHCP and proxyDHCP sockets, reply delivery and the lease
 * journal's group commit.
 */
#ifndef PXED_DHCP_IO_H
#define PXED_DHCP_IO_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "conf.h"

struct dhcp_io_stats {
	uint64_t	 in[9];		/* requests by type (0: BOOTP) */
	uint64_t	 out[9];	/* replies by type (0: BOOTREPLY) */
	uint64_t	 malformed, ignored, dropped_sync;
	uint64_t	 dropped_lost;	/* claimed by another server */
	uint64_t	 offers_retried;	/* lost OFFERs made again */
	uint64_t	 proxy_offers, proxy_no_followup;
	uint64_t	 arp_fallbacks;
	uint64_t	 offers_withdrawn;	/* max-offers-per-link */
	uint64_t	 agent_malformed, agent_unechoed;	/* option 82 */
	unsigned	 leases_active, leases_offered, leases_declined;
};

/* Bind the ports and load the leases; -1 on error (logged). */
int	dhcp_io_init(const struct conf *conf);
void	dhcp_io_reload(const struct conf *conf);
void	dhcp_io_fini(void);
void	dhcp_io_stats(struct dhcp_io_stats *st);
void	dhcp_io_summary(void);
struct lease;
struct leases;
/*
 * The lease store of both families (after dhcp_io_init): journaled when
 * a lease file is open (commit_store() is then not NULL).
 */
struct leases *dhcp_io_leases(void);
/* Visit every lease of the server (none in proxy mode). */
void	dhcp_io_foreach_lease(void (*fn)(const struct lease *, void *),
	    void *arg);

#endif
