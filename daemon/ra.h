/*
 * ra.h: router advertisements for labs with no router (RFC 4861).
 *
 * iPXE starts DHCPv6 only after an RA (M flag: a stateful Solicit; O
 * only: Information-Request), and a LAN with no router sends none.  pxed
 * can send them: unsolicited every interval and in answer to a Router
 * Solicitation, with the M and O flags, a router lifetime of 0 unless
 * told otherwise (the RA then says "use DHCPv6" without claiming to be a
 * default router), and the prefix of the IPv6 range on the link.
 */
#ifndef PXED_RA_H
#define PXED_RA_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RA_MAX_LEN		256
#define RA_ALL_NODES		"ff02::1"
#define RA_ALL_ROUTERS		"ff02::2"

/* What one advertisement says. */
struct ra_params {
	bool		 managed;		/* M: addresses by DHCPv6 */
	bool		 other;			/* O: other config by DHCPv6 */
	uint16_t	 router_lifetime;	/* seconds; 0: not a router */
	uint32_t	 mtu;			/* 0: no MTU option */
	bool		 has_prefix;
	struct in6_addr	 prefix;
	uint8_t		 prefix_len;
	bool		 autonomous;		/* A: SLAAC from the prefix */
	uint32_t	 valid, preferred;	/* prefix lifetimes */
	bool		 has_lladdr;
	uint8_t		 lladdr[6];		/* source link-layer address */
};

/*
 * The ICMPv6 message (RFC 4861 4.2) into buf; its length, 0 when cap is
 * too small.  The checksum is left 0: the kernel fills it in for raw
 * ICMPv6 sockets (RFC 3542 3.1).
 */
size_t	ra_build(const struct ra_params *p, uint8_t *buf, size_t cap);

/*
 * Whether buf is a Router Solicitation pxed should answer (RFC 4861 6.1.1:
 * hop limit 255, code 0, at least 8 bytes, options well formed).
 */
bool	ra_is_solicit(const uint8_t *buf, size_t len, int hoplimit);

#endif
