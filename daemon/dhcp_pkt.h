/*
 * dhcp_pkt.h: the BOOTP/DHCP codec (RFC 951, 2131, 2132, 3396); no I/O.
 */
#ifndef PXED_DHCP_PKT_H
#define PXED_DHCP_PKT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DHCP_FIXED_LEN		236		/* op .. file */
#define DHCP_COOKIE_LEN		4
#define DHCP_MIN_LEN		(DHCP_FIXED_LEN + DHCP_COOKIE_LEN)
#define DHCP_MAX_LEN		4096
#define BOOTREQUEST		1
#define BOOTREPLY		2

/* Why a packet was rejected: tests assert these. */
enum dhcp_perr {
	DHCP_POK,
	DHCP_PSHORT,		/* shorter than the header and the cookie */
	DHCP_PLONG,		/* longer than DHCP_MAX_LEN */
	DHCP_PBADOP,		/* op neither BOOTREQUEST nor BOOTREPLY */
	DHCP_PBADHLEN,		/* hlen over 16 */
	DHCP_PNOCOOKIE,		/* no magic cookie */
	DHCP_PTRUNC,		/* an option runs past the end of its area */
	DHCP_PBADOVERLOAD,	/* option 52 not 1 byte of 1, 2 or 3 */
	DHCP_POVERLOADLOOP,	/* option 52 inside file or sname */
};

struct dhcp_optref {
	uint16_t	 off;		/* into dhcp_msg.optbuf */
	uint16_t	 len;
	bool		 present;
};

struct dhcp_msg {
	uint8_t		 op, htype, hlen, hops;
	uint32_t	 xid;		/* host order */
	uint16_t	 secs, flags;	/* host order */
	struct in_addr	 ciaddr, yiaddr, siaddr, giaddr;
	uint8_t		 chaddr[16];
	uint8_t		 sname[64];	/* raw; options when overloaded */
	uint8_t		 file[128];
	uint8_t		 overload;	/* option 52: 1 file, 2 sname, 3 both */
	struct dhcp_optref opt[256];	/* concatenated per RFC 3396 */
	uint8_t		 optbuf[DHCP_MAX_LEN];
};

enum dhcp_perr	 dhcp_pkt_parse(const uint8_t *buf, size_t len,
		    struct dhcp_msg *m);
const char	*dhcp_pkt_perr_str(enum dhcp_perr e);

/*
 * Option 82, the relay agent information option (RFC 3046), read into
 * its sub-options: circuit id and remote id (RFC 3046 3.1, 3.2), link
 * selection (RFC 3527 3), subscriber id (RFC 3993 3) and server
 * identifier override (RFC 5107 4).
 */
#define DHCP_AGENT_CIRCUIT_ID		1
#define DHCP_AGENT_REMOTE_ID		2
#define DHCP_AGENT_LINK_SELECTION	5
#define DHCP_AGENT_SUBSCRIBER_ID	6
#define DHCP_AGENT_SERVER_ID_OVERRIDE	11
#define DHCP_AGENT_NSUB			12	/* codes kept: 0 .. 11 */

enum dhcp_aerr {
	DHCP_AOK,
	DHCP_ASHORT,		/* under 2 bytes: no sub-option */
	DHCP_ATRUNC,		/* a sub-option runs past the end */
	DHCP_ABADADDR,		/* sub-option 5 or 11 not 4 bytes */
};

struct dhcp_agent_sub {
	const uint8_t	*data;
	uint8_t		 len;
	bool		 present;
};

struct dhcp_agent {
	struct dhcp_agent_sub	 sub[DHCP_AGENT_NSUB];	/* first of each */
	struct in_addr		 link;		/* 5; 0.0.0.0: absent */
	struct in_addr		 sid;		/* 11; 0.0.0.0: absent */
};

/*
 * Read option 82's body p (len bytes) into a; DHCP_AOK, or why it is
 * malformed (a is then all absent).
 */
enum dhcp_aerr	 dhcp_pkt_agent(const uint8_t *p, size_t len,
		    struct dhcp_agent *a);
const char	*dhcp_pkt_aerr_str(enum dhcp_aerr e);

/* A reply to build: header fields plus options in any order. */
#define DHCP_OUT_MAXOPTS	64

struct dhcp_outopt {
	uint8_t		 code;
	uint16_t	 len;
	const uint8_t	*data;
};

struct dhcp_out {
	uint8_t		 op, htype, hlen, hops;
	uint32_t	 xid;
	uint16_t	 secs, flags;
	struct in_addr	 ciaddr, yiaddr, siaddr, giaddr;
	uint8_t		 chaddr[16];
	const char	*sname;		/* NULL: free for options */
	const char	*file;		/* NULL: free for options */
	struct dhcp_outopt opts[DHCP_OUT_MAXOPTS];
	size_t		 nopts;
	/*
	 * Option 82 to echo (RFC 3046 2.2): the last option of the options
	 * field, never in file or sname; NULL: none.
	 */
	const uint8_t	*agent;
	size_t		 agent_len;
};

enum dhcp_berr {
	DHCP_BOK,
	DHCP_BNOSPACE,		/* the options do not fit even overloaded */
	DHCP_BTOOMANY,		/* more than DHCP_OUT_MAXOPTS options */
	DHCP_BBADNAME,		/* sname over 63 or file over 127 bytes */
	DHCP_BNOAGENT,		/* built, but without option 82: no room */
};

/* Add an option to o (in any order); -1 when o is full. */
int		 dhcp_pkt_out_add(struct dhcp_out *o, uint8_t code, const void *data,
		    size_t len);
/*
 * Build o into buf: 53, 54 and 51 first, then the order of the client's
 * parameter request list prl (option 55), then the rest as added.  The
 * message is at most maxsize - 28 bytes (maxsize is the client's option 57,
 * 0 when absent; never below 576, RFC 2132 9.10), long options are split
 * (RFC 3396), file and sname carry options when needed and free (option
 * 52), and the result is padded to 300 bytes.  o->agent goes last in
 * the options field; when it does not fit there the reply is built
 * without it and *why is DHCP_BNOAGENT (RFC 3046 2.2).  Returns the
 * length, or 0 with *why set.
 */
size_t		 dhcp_pkt_build(const struct dhcp_out *o, const uint8_t *prl,
		    size_t prl_len, size_t maxsize, uint8_t *buf, size_t cap,
		    enum dhcp_berr *why);
const char	*dhcp_pkt_berr_str(enum dhcp_berr e);

/* The value of option code, or NULL; *len set. */
const uint8_t	*dhcp_pkt_opt(const struct dhcp_msg *m, uint8_t code, size_t *len);
/* Message type (option 53), or 0 for BOOTP. */
int		 dhcp_pkt_msgtype(const struct dhcp_msg *m);

#endif
