/*
 * dhcp6_pkt.h: the DHCPv6 codec (RFC 8415 8, 9 and 21); no I/O.
 *
 * The parser unwraps Relay-Forward messages (RFC 8415 9) down to the
 * client's message and indexes the options of both; option data point
 * into the caller's buffer, which must outlive the parsed message.  The
 * builder writes into the caller's buffer, checking the space left before
 * every write, with nested options (IA_NA, Relay-Message) opened and
 * closed like parentheses.
 */
#ifndef PXED_DHCP6_PKT_H
#define PXED_DHCP6_PKT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp6_proto.h"

#define DHCP6_HDR_LEN		4	/* msg-type, transaction-id */
#define DHCP6_RELAY_HDR_LEN	34	/* msg-type, hop-count, 2 addresses */
#define DHCP6_OPT_HDR_LEN	4	/* option-code, option-len */
#define DHCP6_MAX_LEN		8192	/* what pxed reads of a datagram */
#define DHCP6_MAX_OPTS		64	/* options of the client's message */
#define DHCP6_MAX_IA		8	/* IA_NA/TA/PD options read */
#define DHCP6_MAX_IAADDR	4	/* addresses read per IA */
#define DHCP6_DUID_MIN		3	/* RFC 8415 11.1: type and one octet */
#define DHCP6_DUID_MAX		130	/* type and 128 octets */

/* Why a packet was rejected: tests assert these. */
enum dhcp6_perr {
	DHCP6_POK,
	DHCP6_PSHORT,		/* shorter than its header */
	DHCP6_PLONG,		/* longer than DHCP6_MAX_LEN */
	DHCP6_PTRUNC,		/* an option runs past the end of its area */
	DHCP6_PRELAYDEEP,	/* relays nested beyond HOP_COUNT_LIMIT */
	DHCP6_PNORELAYMSG,	/* a Relay-Forward without a Relay-Message */
	DHCP6_PBADIA,		/* an IA or IA address shorter than its fields */
	DHCP6_PTOOMANY,		/* more than DHCP6_MAX_OPTS options */
	DHCP6_PBADDUID,		/* a Client or Server ID not 3..130 long */
	DHCP6_PERR_MAX
};

/* One option: data == NULL when absent. */
struct dhcp6_opt {
	uint16_t	 code;
	uint16_t	 len;
	const uint8_t	*data;
};

struct dhcp6_iaaddr {
	struct in6_addr	 addr;
	uint32_t	 preferred, valid;
};

/*
 * RFC 8415 21.4, 21.5, 21.21: an IA_NA, IA_TA (t1 and t2 0) or IA_PD
 * (no addresses: its prefixes are not kept).
 */
struct dhcp6_ia {
	uint16_t		 type;		/* D6O_IA_NA, _TA or _PD */
	uint32_t		 iaid, t1, t2;
	struct dhcp6_iaaddr	 addr[DHCP6_MAX_IAADDR];
	size_t			 naddr;
};

/* What one relay said about the client (RFC 8415 9.1). */
struct dhcp6_relay {
	uint8_t			 hops;
	struct in6_addr		 link, peer;
	struct dhcp6_opt	 ifid;		/* RFC 8415 21.18 */
	struct dhcp6_opt	 remote_id;	/* RFC 4649 */
	struct dhcp6_opt	 lladdr;	/* RFC 6939 */
};

struct dhcp6_msg {
	uint8_t			 type;
	uint32_t		 xid;		/* 24 bits, host order */
	/* relay[0] is the relay that sent the datagram to pxed. */
	struct dhcp6_relay	 relay[DHCP6_HOP_COUNT_LIMIT + 1];
	size_t			 nrelay;
	/* The client message's own options, in the order sent. */
	struct dhcp6_opt	 opt[DHCP6_MAX_OPTS];
	size_t			 nopt;
	struct dhcp6_ia		 ia[DHCP6_MAX_IA];
	size_t			 nia;
};

enum dhcp6_perr	 dhcp6_pkt_parse(const uint8_t *buf, size_t len,
		    struct dhcp6_msg *m);
const char	*dhcp6_pkt_perr_str(enum dhcp6_perr e);
/* The first instance of option code in the client's message, or NULL. */
const struct dhcp6_opt *dhcp6_pkt_opt(const struct dhcp6_msg *m,
		    uint16_t code);
/* Whether the client's Option Request option (RFC 8415 21.7) asks code. */
bool		 dhcp6_pkt_oro_has(const struct dhcp6_msg *m, uint16_t code);
/* "SOLICIT", ..., "TYPE<n>" for others (static buffer). */
const char	*dhcp6_pkt_type_name(int type);

/*
 * The Ethernet MAC in a DUID-LLT or DUID-LL of hardware type 1 (RFC 8415
 * 11.2, 11.4), or in the modified EUI-64 interface id of a link-local
 * address (RFC 4291 appendix A); false when there is none.
 */
bool		 dhcp6_pkt_duid_mac(const uint8_t *duid, size_t len,
		    uint8_t mac[6]);
bool		 dhcp6_pkt_eui64_mac(const struct in6_addr *a, uint8_t mac[6]);

/* A message being built into a caller's buffer. */
struct dhcp6_out {
	uint8_t		*buf;
	size_t		 cap, len;
	bool		 overflow;	/* something did not fit: do not send */
};

void	dhcp6_pkt_out_init(struct dhcp6_out *o, uint8_t *buf, size_t cap);
void	dhcp6_pkt_out_hdr(struct dhcp6_out *o, uint8_t type, uint32_t xid);
/*
 * A relay message header of type (DHCP6_RELAY_REPL, RFC 8415 9.2, or
 * RELAY_FORW) from the relay's own fields, with its Interface-ID.
 */
void	dhcp6_pkt_out_relay(struct dhcp6_out *o, uint8_t type,
	    const struct dhcp6_relay *r);
void	dhcp6_pkt_out_opt(struct dhcp6_out *o, uint16_t code,
	    const void *data, size_t len);
void	dhcp6_pkt_out_u32(struct dhcp6_out *o, uint32_t v);
/* Open an option whose data follow; returns the mark for _end. */
size_t	dhcp6_pkt_out_begin(struct dhcp6_out *o, uint16_t code);
void	dhcp6_pkt_out_end(struct dhcp6_out *o, size_t mark);
/* A Status Code option (RFC 8415 21.13). */
void	dhcp6_pkt_out_status(struct dhcp6_out *o, uint16_t status,
	    const char *msg);

#endif
