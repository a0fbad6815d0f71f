/*
 * udp.h: the UDP plumbing DHCP and TFTP share, for IPv4 and IPv6:
 * sockets that report the receiving interface and address (IP_PKTINFO,
 * IPV6_PKTINFO), replies sent from the address the client talked to, the
 * interface filter and the neighbour table.
 */
#ifndef PXED_UDP_H
#define PXED_UDP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "conf.h"
#include "netaddr.h"

/* Control data for one send: IP_PKTINFO or IPV6_PKTINFO, UDP_SEGMENT. */
union udp_cmsg {
	struct cmsghdr	c;
	char		b[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
			    CMSG_SPACE(sizeof(uint16_t))];
};

/*
 * Where a datagram arrived: the peer (an IPv6 link-local one with its
 * scope), the address it was sent to and the interface.  A peer of port
 * 0 is one to drop.
 */
struct udp_from {
	union netaddr_sock	 peer;
	struct netaddr		 local;		/* destination address */
	int			 ifindex;
};

/* One datagram of a batch. */
struct udp_msg {
	uint8_t			*buf;
	size_t			 cap, len;
	struct udp_from		 from;
};

struct udp_out {
	const void		*buf;
	size_t			 len;
	union netaddr_sock	 to;
	struct netaddr		 local;		/* AF_UNSPEC: the kernel's */
	int			 ifindex;
};

#define UDP_BATCH	32

/*
 * A non-blocking socket of family (AF_INET, AF_INET6) bound to port (0:
 * any) that reports where each datagram arrived.  IPv6 sockets are
 * IPv6-only: IPv4 has a socket of its own.
 */
int	udp_socket(int family, uint16_t port, int bufsize);
/* One datagram; -1 when none is waiting. */
ssize_t	udp_recv(int fd, void *buf, size_t len, struct udp_from *from);
/* Up to n (<= UDP_BATCH) datagrams with one recvmmsg(); 0 when none. */
int	udp_recv_many(int fd, struct udp_msg *m, int n);
/* One datagram read by udp_drain(); arg is the caller's. */
typedef void	(*udp_datagram_fn)(int fd, void *arg, const uint8_t *buf,
		    size_t len, const struct udp_from *from);
/*
 * Read what is waiting on fd, UDP_BATCH datagrams per recvmmsg() into
 * bufs (UDP_BATCH buffers of cap bytes, one after the other), at most 16
 * batches a turn (a backlog that built up during a sync), and call fn for
 * each datagram.
 */
void	udp_drain(int fd, uint8_t *bufs, size_t cap, udp_datagram_fn fn,
	    void *arg);
/* Send n (<= UDP_BATCH) datagrams with one sendmmsg(); how many left. */
int	udp_send_many(int fd, const struct udp_out *o, int n);
/*
 * Fill cb and point m at it: the source address local and the interface
 * ifindex when either is set (local's family says which option; NULL or
 * AF_UNSPEC: neither), UDP_SEGMENT when seg is not 0.
 */
void	udp_cmsg(union udp_cmsg *cb, const struct netaddr *local, int ifindex,
	    uint16_t seg, struct msghdr *m);
/* Send one datagram from local out of ifindex (unset: the kernel's). */
int	udp_send(int fd, const union netaddr_sock *to,
	    const struct netaddr *local, int ifindex, const void *buf,
	    size_t len);
/* The peer's port; 0 for a datagram to drop (udp_from says why). */
uint16_t udp_from_port(const struct udp_from *from);
/* The name of interface ifindex (cached a few seconds), or NULL. */
const char *udp_ifname(int ifindex);
/* Whether the configuration serves the interface ifindex. */
bool	udp_iface_allowed(const struct conf *conf, int ifindex);
/*
 * The MAC of peer from the kernel's neighbour table, when it has it: by
 * SIOCGARP on fd (an IPv4 socket) for IPv4; by rtnetlink for IPv6, on
 * ifindex (0: any), else from a link-local address's EUI-64.
 */
bool	udp_neighbour_mac(int fd, const struct netaddr *peer, int ifindex,
	    uint8_t mac[6]);
struct nlmsghdr;
/*
 * An rtnetlink dump (RTM_GETNEIGH, RTM_GETADDR, ...) asked with the
 * request body of len bytes (an ndmsg, an ifaddrmsg): fn sees each
 * message of the answer.  0 when the dump was complete, -1 if not; it
 * waits at most 0.2 s for the kernel.
 */
int	udp_nl_dump(uint16_t type, const void *body, size_t len,
	    void (*fn)(const struct nlmsghdr *, void *), void *arg);

#endif
