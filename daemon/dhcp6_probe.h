/*
 * dhcp6_probe.h: ask a LAN which DHCPv6 servers answer a PXE client's
 * Solicit, and describe what each offers.  Packets are built and read
 * here without I/O; dhcp6_probe_socket() is the only call that touches
 * the network.  Used by pxed-probe(8) -6.
 */
#ifndef PXED_DHCP6_PROBE_H
#define PXED_DHCP6_PROBE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The client to impersonate. */
struct dhcp6_probe_req {
	uint8_t		 mac[6];	/* DUID-LL, and the IAID from it */
	uint16_t	 arch;		/* option 61 */
	const char	*vendor;	/* option 16; NULL: from arch, http */
	bool		 ipxe;		/* option 15 "iPXE" */
	bool		 http;		/* "HTTPClient:..." when vendor NULL */
	uint32_t	 xid;		/* 24 bits */
};

/*
 * A Solicit shaped like EDK2's (issue 11): Client Identifier (DUID-LL),
 * Elapsed Time, IA_NA, ORO {59, 60, 23, 16}, 62 (UNDI 3.0), 61, 16
 * (enterprise 343), and 15 "iPXE" with ipxe.  Returns the length, or 0.
 */
size_t	 dhcp6_probe_solicit(const struct dhcp6_probe_req *r, uint8_t *buf,
	    size_t cap);

/* One answer, as read by dhcp6_probe_adv_parse(). */
struct dhcp6_probe_adv {
	struct in6_addr	 from;		/* UDP source */
	int		 msgtype;	/* ADVERTISE, REPLY */
	uint8_t		 duid[130];	/* option 2 */
	size_t		 duid_len;
	bool		 has_ia;	/* an IA_NA came back */
	bool		 has_addr;
	struct in6_addr	 addr;		/* the first address offered */
	int		 status;	/* the IA's, else the message's; -1 */
	char		 status_msg[128];
	int		 pref;		/* option 7, -1 when absent */
	char		 url[256];	/* option 59, "" when absent */
	char		 param[128];	/* option 60, the strings ", "-joined */
	char		 vendor[64];	/* option 16 of 343: its first string */
	bool		 proxy;		/* no IA, a boot URL or 16 echoed */
};

/*
 * Read an answer to the client r (its transaction ID and, when the
 * answer carries one, its Client Identifier).  Returns 0, or -1 for
 * anything else: not an Advertise or Reply, another xid or client,
 * malformed.
 */
int	 dhcp6_probe_adv_parse(const uint8_t *buf, size_t len,
	    const struct dhcp6_probe_req *r, const struct in6_addr *from,
	    struct dhcp6_probe_adv *a);
/*
 * One line, without a newline:
 *   SOURCE duid=HEX proxy=yes|no offer=ADDR|- url="..." pref=N|-
 *   vendor=WORD|"..."|- [status=NAME|N status-msg="..."] [param="..."]
 *   [msg=reply]
 * with the status only when it is not Success.
 * Strings are escaped as by dhcp_probe_format().  Returns the length.
 */
size_t	 dhcp6_probe_format(const struct dhcp6_probe_adv *a, char *buf,
	    size_t len);

/*
 * A UDP socket bound to [::]:port on interface ifname, IPv6 only, with
 * SO_REUSEADDR and multicast out of ifname.  Returns it, or -1 with errno
 * set.
 */
int	 dhcp6_probe_socket(const char *ifname, uint16_t port);

#endif
