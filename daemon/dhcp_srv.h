/*
 * dhcp_srv.h: the DHCP and proxyDHCP server engine.
 *
 * A pure function of (configuration, lease store, clock, where the packet
 * arrived, the packet): it decides the reply, its destination and the
 * lease changes, and writes the transaction's log line.  Sockets, ARP
 * entries, the journal's fdatasync and reply delays are dhcp_io.c's.
 */
#ifndef PXED_DHCP_SRV_H
#define PXED_DHCP_SRV_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client.h"
#include "conf.h"
#include "dhcp_guard.h"
#include "lease.h"
#include "rules.h"

#define DHCP_CLIENT_PORT	68
#define DHCP_OFFER_SECS		60	/* an offer holds its address */

struct dhcp_srv_in {
	const struct conf	*conf;
	struct leases		*leases;
	int64_t			 now;		/* wall seconds */
	const char		*ifname;	/* receiving interface */
	struct in_addr		 ifaddr;	/* its address: server id */
	struct in_addr		 ifmask;
	bool			 proxy_port;	/* arrived on port 4011 */
	struct sockaddr_in	 src;
	int			 loglevel;	/* 0: always write the line */
	struct dhcp_guard	*guard;		/* NULL: offers unbounded */
};

enum dhcp_dest {
	DHCP_DEST_NONE,
	DHCP_DEST_RELAY,	/* giaddr, port 67 */
	DHCP_DEST_CIADDR,	/* unicast to ciaddr */
	DHCP_DEST_BCAST,	/* 255.255.255.255 out of the interface */
	DHCP_DEST_YIADDR,	/* unicast to yiaddr at chaddr (no ARP) */
	DHCP_DEST_SOURCE,	/* the request's source address and port */
};

struct dhcp_srv_out {
	int			 reqtype;	/* -1: malformed */
	int			 type;		/* reply type; -1: none */
	enum dhcp_dest		 dest;
	struct sockaddr_in	 to;
	uint8_t			 chaddr[16];
	uint8_t			 hlen;
	bool			 durable;	/* send after lease_sync() */
	bool			 proxy_offer;	/* expect 4011 or TFTP */
	bool			 agent_malformed; /* option 82 not used */
	bool			 agent_unechoed;  /* no room to echo 82 */
	unsigned		 delay_ms;
	struct client_seen	 seen;		/* valid for Ethernet */
	char			 hostname[48];	/* host's, else option 12 */
	size_t			 len;
	uint8_t			 buf[1472];	/* 1500 - IP - UDP */
	char			 log[640];	/* the transaction line */
};

/*
 * Handle one datagram.  out->type is -1 when nothing is to be sent (the
 * log line still says why, unless out->log is empty).
 */
void	dhcp_srv_handle(const struct dhcp_srv_in *in, const uint8_t *pkt,
	    size_t len, struct dhcp_srv_out *out);

#endif
