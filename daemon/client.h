/*
 * client.h: what pxed knows of a machine across protocols, and the one
 * place a request becomes the rules' summary (struct rules_req).
 */
#ifndef PXED_CLIENT_H
#define PXED_CLIENT_H

#include <sys/socket.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "netaddr.h"
#include "rules.h"

/*
 * Machines are known by an Ethernet MAC: DHCPv4's chaddr, the neighbour
 * table's entry for a TFTP peer, HTTP's ?mac=.  (A DHCPv6 client would be
 * known by the MAC its DUID carries.)
 */
#define CLIENT_MAC_LEN	6

struct dhcp_msg;
struct leases;

/*
 * What a machine's last DHCP request said, for TFTP and HTTP, which see
 * only its address: enough for the rules (arch, classes, iPXE), and the
 * address it was given.  The address is kept here only: client.c alone
 * compares it.
 */
struct client_seen {
	uint8_t			 mac[CLIENT_MAC_LEN];
	bool			 valid;
	uint8_t			 arch_len, vendor_len, uclass_len;
	uint8_t			 arch[8];
	uint8_t			 vendor[64];
	uint8_t			 uclass[64];
	bool			 ipxe175;
	struct netaddr		 addr;		/* yiaddr, else ciaddr */
	struct in_addr		 giaddr;	/* a DHCPv4 relay's */
	uint8_t			 agent_len;	/* its option 82 */
	uint8_t			 agent[255];
};

/* A proxyDHCP offer waiting for its follow-up (4011 or TFTP). */
struct client_offer {
	bool			 pending;
	uint32_t		 xid;
	uint64_t		 when;		/* monotonic ms of the offer */
	char			 ifname[IF_NAMESIZE];
};

/* How often a machine fetched one file, for the loop guard. */
struct client_fetch {
	uint64_t		 file;		/* hash of the path */
	uint64_t		 first;		/* monotonic ms of the window */
	unsigned		 count;		/* 0: a new counter */
	bool			 warned;
};

/*
 * Where a request came from, for client_rules_req().  DHCP gives the
 * decoded request; TFTP and HTTP give the MAC when they know it, else
 * (HTTP) the peer's address, of either family, to find the machine by.
 */
struct client_src {
	const struct dhcp_msg	*msg;		/* DHCP; NULL for the others */
	const uint8_t		*mac;		/* NULL: not known */
	const struct sockaddr	*peer;		/* NULL: not by address */
	const char		*ifname;	/* NULL: not known */
};

/*
 * The rules' summary of a request, for DHCP, TFTP and HTTP alike.  DHCP:
 * the request's hardware address, relay and options.  TFTP and HTTP: the
 * machine's MAC and what its last DHCP request said.  False when the
 * machine is unknown (req then says only the interface).
 */
bool	client_rules_req(const struct client_src *src, struct rules_req *req);

/* Summarise a DHCP request (Ethernet only) given addr; s->valid says so. */
void	client_seen_fill(const struct dhcp_msg *m, struct in_addr addr,
	    struct client_seen *s);
/*
 * Summarise a DHCPv6 request (its rules summary, dhcp6_srv_rules_req())
 * of the machine mac given addr (unset: none yet) in DHCPv4's terms:
 * option 61 as 93, the first vendor-class-data of 16 as 60, the first
 * user-class-data of 15 as 77; over what is known of the machine, so
 * its DHCPv4 address, relay and options the request lacks stay.
 */
void	client_seen_fill6(const struct rules_req *req, const uint8_t mac[6],
	    const struct netaddr *addr, struct client_seen *s);
/* Remember s as its machine's last DHCP request. */
void	client_seen_put(const struct client_seen *s);
bool	client_seen_get(const uint8_t mac[CLIENT_MAC_LEN],
	    struct client_seen *out);
/*
 * The lease store that says who holds an address (NULL: none); by
 * address, a live lease comes before the requests seen.
 */
void	client_leases(const struct leases *L);

/* A proxy offer to mac now waits for a follow-up. */
void	client_offer_put(const uint8_t mac[CLIENT_MAC_LEN], uint32_t xid,
	    const char *ifname, uint64_t now);
/* mac followed its offer up. */
void	client_offer_done(const uint8_t mac[CLIENT_MAC_LEN]);
/* Hand every offer older than limit_ms to fn, and forget it. */
void	client_offer_expire(uint64_t now, uint64_t limit_ms,
	    void (*fn)(const uint8_t *mac, const struct client_offer *o,
	    void *arg), void *arg);

/* mac's counter for path; count is 0 when it is new. */
struct client_fetch *client_fetch(const uint8_t mac[CLIENT_MAC_LEN],
	    const char *path);

/*
 * The live view (client_stage.c): mac's boot record, claimed (made empty
 * when the slot held another) or only found (NULL when unknown).
 */
struct client_boot *client_boot(const uint8_t mac[CLIENT_MAC_LEN],
	    bool claim);

/* A machine as the live view lists it. */
struct client_view {
	const uint8_t			*mac;
	const struct client_boot	*boot;
	char				 addr[48];	/* "": not known */
	int				 arch;		/* -1: not known */
	bool				 ipxe;
};
/* Did s come from iPXE (option 175, or user class "iPXE")? */
bool	client_seen_ipxe(const struct client_seen *s);
/* Hand every machine whose boot was seen to fn. */
void	client_foreach(void (*fn)(const struct client_view *v, void *arg),
	    void *arg);

/* Forget every machine. */
void	client_clear(void);

#endif
