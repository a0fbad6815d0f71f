/*
 * udp.h: the UDP plumbing DHCP and TFTP share: sockets that report the
 * receiving interface and address (IP_PKTINFO), replies sent from the
 * address the client talked to, and the interface filter.
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

/* Control data for one send: IP_PKTINFO and UDP_SEGMENT. */
union udp_cmsg {
	struct cmsghdr	c;
	char		b[CMSG_SPACE(sizeof(struct in_pktinfo)) +
			    CMSG_SPACE(sizeof(uint16_t))];
};

/* Where a datagram arrived. */
struct udp_from {
	struct sockaddr_in	 peer;
	struct in_addr		 local;		/* destination address */
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
	struct sockaddr_in	 to;
	struct in_addr		 local;
	int			 ifindex;
};

#define UDP_BATCH	32

/* A non-blocking socket bound to port (0: any) with IP_PKTINFO on. */
int	udp_socket(uint16_t port, int bufsize);
/* One datagram; -1 when none is waiting. */
ssize_t	udp_recv(int fd, void *buf, size_t len, struct udp_from *from);
/* Up to n (<= UDP_BATCH) datagrams with one recvmmsg(); 0 when none. */
int	udp_recv_many(int fd, struct udp_msg *m, int n);
/* Send n (<= UDP_BATCH) datagrams with one sendmmsg(); how many left. */
int	udp_send_many(int fd, const struct udp_out *o, int n);
/*
 * Fill cb and point m at it: the source address local (and the interface
 * ifindex) when not 0, UDP_SEGMENT when seg is not 0.
 */
void	udp_cmsg(union udp_cmsg *cb, struct in_addr local, int ifindex,
	    uint16_t seg, struct msghdr *m);
/* Send one datagram from local out of ifindex (each 0: the kernel's). */
int	udp_send(int fd, const struct sockaddr_in *to, struct in_addr local,
	    int ifindex, const void *buf, size_t len);
/* The name of interface ifindex (cached a few seconds), or NULL. */
const char *udp_ifname(int ifindex);
/* Whether the configuration serves the interface ifindex. */
bool	udp_iface_allowed(const struct conf *conf, int ifindex);
/* The MAC of peer from the neighbour table, when the kernel has it. */
bool	udp_neighbour_mac(int fd, struct in_addr peer, int ifindex,
	    uint8_t mac[6]);

#endif
