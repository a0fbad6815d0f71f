/*
 * dhcp_probe.h: ask the LAN which DHCP and proxyDHCP servers answer a PXE
 * client, and describe what each offers.  Packets are built and read here
 * without I/O; dhcp_probe_socket() is the only call that touches the
 * network.  Used by pxed-probe(8), and by pxed to spot other servers.
 */
#ifndef PXED_DHCP_PROBE_H
#define PXED_DHCP_PROBE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DHCP_PROBE_PROXY_PORT	4011

/* The client to impersonate. */
struct dhcp_probe_req {
	uint8_t		 mac[6];
	uint16_t	 arch;		/* option 93 */
	const char	*vendor;	/* option 60; NULL: from arch and http */
	bool		 ipxe;		/* option 77 "iPXE" (a raw string) */
	bool		 http;		/* vendor "HTTPClient:..." when NULL */
	uint32_t	 xid;
};

/*
 * A DISCOVER from r into buf (cap at least 576 bytes): broadcast flag,
 * options 53, 55, 57 (1500), 60, 93, 94 (UNDI 2.1), 97 (a GUID made from
 * the MAC) and 77 with ipxe.  Returns the length, or 0.
 */
size_t	 dhcp_probe_discover(const struct dhcp_probe_req *r, uint8_t *buf,
	    size_t cap);
/* The same client's REQUEST to a proxyDHCP server's port 4011. */
size_t	 dhcp_probe_request4011(const struct dhcp_probe_req *r,
	    struct in_addr ciaddr, uint8_t *buf, size_t cap);

/* One reply, as read by dhcp_probe_offer_parse(). */
struct dhcp_probe_offer {
	struct in_addr	 from;		/* UDP source */
	struct in_addr	 server;	/* option 54, else from */
	struct in_addr	 yiaddr, siaddr;
	bool		 proxy;		/* no address, option 60 PXE or HTTP */
	int		 msgtype;	/* option 53, 0 for BOOTP */
	char		 vendor[64];	/* option 60, raw, cut short */
	char		 file[256];	/* option 67, else the file field */
	char		 sname[65];	/* the sname field unless overloaded */
	char		 tftp[256];	/* option 66, "" when absent */
	char		 opt43[256];	/* PXE sub-options, printable; "-" */
};

/*
 * Read a reply to the client whose transaction ID is xid.  Returns 0, or
 * -1 for anything else: not a BOOTREPLY, another xid, malformed.
 */
int	 dhcp_probe_offer_parse(const uint8_t *buf, size_t len, uint32_t xid,
	    struct in_addr from, struct dhcp_probe_offer *o);
/*
 * One line, without a newline:
 *   SERVER proxy=yes|no offer=ADDR|- next-server=ADDR|- file="..."
 *   pxe="..." vendor=WORD|"..."|- [tftp-server="..."] [sname="..."]
 *   [from=ADDR] [msg=ack|nak|bootp|N]
 * Bytes outside 0x20..0x7e, the double quote and the backslash in
 * strings are written \xNN.  Returns the length; the line is cut short
 * (always NUL-terminated) rather than overflowing.
 */
size_t	 dhcp_probe_format(const struct dhcp_probe_offer *o, char *buf,
	    size_t len);

/*
 * A UDP socket bound to 0.0.0.0:port on interface ifname, with
 * SO_REUSEADDR and SO_BROADCAST.  Returns it, or -1 with errno set.
 */
int	 dhcp_probe_socket(const char *ifname, uint16_t port);

/*
 * A bounded string being appended to, always NUL-terminated; shared with
 * dhcp6_probe.c.  _esc writes bytes outside 0x20..0x7e and those in esc
 * as \xNN, never split; what does not fit sets full.
 */
struct probe_sb {
	char	*p;
	size_t	 cap, len;
	bool	 full;
};

void	 dhcp_probe_sb_init(struct probe_sb *sb, char *p, size_t cap);
void	 dhcp_probe_sb_printf(struct probe_sb *sb, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 dhcp_probe_sb_esc(struct probe_sb *sb, const uint8_t *s, size_t len,
	    const char *esc);
/* len bytes into a C string of cap, cut at a NUL or at cap - 1. */
void	 dhcp_probe_copy(char *dst, size_t cap, const uint8_t *src,
	    size_t len);
/* ' key="val"', escaped as _esc does, with esc too. */
void	 dhcp_probe_sb_field(struct probe_sb *sb, const char *key,
	    const char *val, const char *esc);
/* ' key=val' when val is one printable word, ' key=-' when empty. */
void	 dhcp_probe_sb_word(struct probe_sb *sb, const char *key,
	    const char *val);

#endif
