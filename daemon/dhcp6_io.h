/*
 * dhcp6_io.h: DHCPv6 sockets (547, and 4011 in proxy mode), multicast
 * membership, the server DUID and reply delivery through the group
 * commit (commit.h).
 */
#ifndef PXED_DHCP6_IO_H
#define PXED_DHCP6_IO_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"

#define DHCP6_IO_TYPES	14	/* message types 0..13 */
#define DHCP6_IO_IFADDRS 64	/* IPv6 addresses cached */

struct dhcp6_io_stats {
	uint64_t	 in[DHCP6_IO_TYPES];	/* requests by type */
	uint64_t	 out[DHCP6_IO_TYPES];	/* replies by type */
	uint64_t	 malformed, ignored, dropped_sync;
	uint64_t	 repeats;	/* port-4011 Replies sent twice */
	uint64_t	 dropped_lost;		/* claimed elsewhere */
	unsigned	 bindings_active, bindings_offered, bindings_declined;
};

/* One IPv6 address of an interface, with its IFA_F_* flags. */
struct dhcp6_io_ifaddr {
	int		 ifindex;
	struct in6_addr	 addr;
	uint32_t	 flags;
};

/*
 * Bind 547 (and 4011 in proxy mode) when dhcp6_srv_enabled(conf), join
 * ff02::1:2 on the interfaces served, load or make the server DUID.
 * After dhcp_io_init() (the lease store).  -1 on error (logged).
 */
int	dhcp6_io_init(const struct conf *conf);
void	dhcp6_io_reload(const struct conf *conf);
/* Before dhcp_io_fini(): held Replies are sent or dropped first. */
void	dhcp6_io_fini(void);
void	dhcp6_io_stats(struct dhcp6_io_stats *st);
void	dhcp6_io_summary(void);
struct lease6;
/* Visit every IPv6 binding (none in proxy mode or when off). */
void	dhcp6_io_foreach_lease(void (*fn)(const struct lease6 *, void *),
	    void *arg);
/*
 * The cached IPv6 addresses of interface ifindex (refreshed at most once
 * a second when it has none), in dhcp6_io_ifaddr_sort()'s order: how many
 * were copied into out.
 */
size_t	dhcp6_io_ifaddrs(int ifindex, struct in6_addr *out, size_t cap);
/*
 * Order addresses as a server would name itself (stable): static ones
 * (IFA_F_PERMANENT) first, then other usable ones (SLAAC, DHCPv6), then
 * temporary (RFC 8981), deprecated, and tentative or failed DAD last.
 */
void	dhcp6_io_ifaddr_sort(struct dhcp6_io_ifaddr *a, size_t n);
/* The interfaces DHCPv6 (and RA) serve: how many were copied. */
size_t	dhcp6_io_served(int *out, size_t cap);

#endif
