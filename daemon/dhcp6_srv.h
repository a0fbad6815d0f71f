/*
 * dhcp6_srv.h: the DHCPv6 server and proxy engine (RFC 8415, RFC 5970).
 *
 * Pure like dhcp_srv.h: a function of (configuration, lease store, clock,
 * server DUID, where the datagram arrived, the datagram) that decides the
 * reply, where it goes and the binding changes, and writes the
 * transaction's log line.  Sockets, multicast membership and the
 * journal's fdatasync are the I/O module's.
 *
 * The server DUID is the caller's: it must stay the same across restarts
 * (clients send it back in Request, Renew, Release and Decline), so the
 * I/O side should make a DUID-LLT (RFC 8415 11.2) once, from the first
 * served interface's MAC and the time, keep it in a file beside the lease
 * file, and read it back at start.
 */
#ifndef PXED_DHCP6_SRV_H
#define PXED_DHCP6_SRV_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "dhcp6_pkt.h"
#include "lease.h"
#include "rules.h"

#define DHCP6_OFFER_SECS	60	/* an Advertise holds its address */
#define DHCP6_PROXY_PORT	4011	/* PXE boot server discovery */
#define DHCP6_OUT_MAX		1452	/* 1500 - IPv6 - UDP */

struct dhcp6_srv_in {
	const struct conf	*conf;
	struct leases		*leases;	/* NULL: not open, server mute */
	int64_t			 now;		/* wall seconds */
	const uint8_t		*duid;		/* the server's DUID */
	size_t			 duid_len;
	const char		*ifname;	/* receiving interface */
	/*
	 * The receiving interface's addresses: they choose the range6 of a
	 * request that was not relayed, and the one on the client's prefix
	 * (else the first global one) is the server in boot URLs.
	 */
	const struct in6_addr	*ifaddrs;
	size_t			 nifaddrs;
	struct sockaddr_in6	 src;		/* the datagram's source */
	bool			 unicast;	/* sent to us, not ff02::1:2 */
	bool			 proxy_port;	/* arrived on port 4011 */
	int			 loglevel;	/* 0: always write the line */
};

struct dhcp6_srv_out {
	int			 reqtype;	/* client's type; -1 malformed */
	int			 type;		/* ADVERTISE, REPLY; -1 none */
	bool			 durable;	/* send after lease_sync() */
	struct sockaddr_in6	 to;		/* the source it came from */
	uint8_t			 mac[6];	/* the client's, when known */
	bool			 has_mac;
	size_t			 len;
	uint8_t			 buf[DHCP6_OUT_MAX];
	char			 log[640];	/* the transaction line */
};

/*
 * Handle one datagram.  out->type is -1 when nothing is to be sent (the
 * log line says why).  A Relay-Forward is answered with a Relay-Reply,
 * layer for layer, to the source it came from.  When out->durable, the
 * reply may leave only after lease_sync() returned 0.
 */
void	dhcp6_srv_handle(const struct dhcp6_srv_in *in, const uint8_t *pkt,
	    size_t len, struct dhcp6_srv_out *out);

/*
 * The rules' summary of a DHCPv6 request: its options below 256 by code,
 * the DUID, the MAC (from a DUID-LL or DUID-LLT, else the EUI-64
 * link-local source of the client, else the RFC 6939 option of the
 * relay next to it) and the relay's link-address.  src is the datagram's
 * source address.  req points into m, which must outlive it.
 */
void	dhcp6_srv_rules_req(const struct dhcp6_msg *m,
	    const struct in6_addr *src, struct rules_req *req);

/* Whether DHCPv6 is to be served at all (the I/O opens port 547 if so). */
bool	dhcp6_srv_enabled(const struct conf *conf);

#endif
