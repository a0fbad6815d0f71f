/*
 * udp.c: UDP sockets of either family with IP_PKTINFO or IPV6_PKTINFO
 * for DHCP and TFTP, the neighbour tables (ARP, IPv6 ND) and rtnetlink
 * dumps.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "dhcp6_pkt.h"
#include "ev.h"
#include "log.h"
#include "udp.h"

#ifndef UDP_SEGMENT
#define UDP_SEGMENT	103
#endif

static void	udp_from_cmsg(struct msghdr *, struct udp_from *);

/*
 * Report where each datagram arrived, so that a reply leaves from that
 * address: IP_PKTINFO, or IPV6_RECVPKTINFO (RFC 3542 6.1).  An IPv6
 * socket takes IPv6 only (RFC 3493 5.3): IPv4 has its own socket, whose
 * peers then never show up as v4-mapped addresses.
 */
static int
udp_socket_family(int fd, int family)
{
	int	on = 1;

	if (family == AF_INET)
		return setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) == -1)
		return -1;
	return setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
	    sizeof(on));
}

int
udp_socket(int family, uint16_t port, int bufsize)
{
	union netaddr_sock	sa;
	struct netaddr		any;
	int			fd, on = 1;

	if ((fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return -1;
	if (udp_socket_family(fd, family) == -1)
		goto fail;
	if (bufsize > 0) {
		/*
		 * The kernel caps these at its rmem/wmem maximum, except
		 * for root (the FORCE forms): a burst arriving while the
		 * loop waits for the disk must fit.
		 */
		if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bufsize,
		    sizeof(bufsize)) == -1)
			setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsize,
			    sizeof(bufsize));
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufsize,
		    sizeof(bufsize)) == -1)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsize,
			    sizeof(bufsize));
	}
	if (port != 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	memset(&any, 0, sizeof(any));
	any.family = (sa_family_t)family;	/* the zero address */
	if (bind(fd, &sa.sa, netaddr_to_sock(&any, port, &sa)) == -1)
		goto fail;
	return fd;
fail:
	{
		int	e = errno;

		close(fd);
		errno = e;
	}
	return -1;
}

ssize_t
udp_recv(int fd, void *buf, size_t len, struct udp_from *from)
{
	struct iovec	 iov;
	struct msghdr	 m;
	union udp_cmsg	 cb;
	ssize_t		 n;

	memset(from, 0, sizeof(*from));
	iov.iov_base = buf;
	iov.iov_len = len;
	memset(&m, 0, sizeof(m));
	m.msg_name = &from->peer;
	m.msg_namelen = sizeof(from->peer);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = cb.b;
	m.msg_controllen = sizeof(cb.b);
	if ((n = recvmsg(fd, &m, MSG_DONTWAIT)) == -1)
		return -1;
	udp_from_cmsg(&m, from);
	return n;
}

static void
udp_from_cmsg(struct msghdr *m, struct udp_from *from)
{
	struct cmsghdr		*cm;
	struct in_pktinfo	 pi;
	struct in6_pktinfo	 pi6;

	for (cm = CMSG_FIRSTHDR(m); cm != NULL; cm = CMSG_NXTHDR(m, cm))
		if (cm->cmsg_level == IPPROTO_IP &&
		    cm->cmsg_type == IP_PKTINFO) {
			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			from->local = netaddr_v4(pi.ipi_addr);
			from->ifindex = pi.ipi_ifindex;
		} else if (cm->cmsg_level == IPPROTO_IPV6 &&
		    cm->cmsg_type == IPV6_PKTINFO) {
			memcpy(&pi6, CMSG_DATA(cm), sizeof(pi6));
			from->local.family = AF_INET6;
			from->local.u.v6 = pi6.ipi6_addr;
			from->ifindex = (int)pi6.ipi6_ifindex;
		}
	if (m->msg_namelen == 0 ||
	    m->msg_namelen != netaddr_sock_len(&from->peer)) {
		/* Callers drop port 0. */
		memset(&from->peer, 0, sizeof(from->peer));
		from->peer.sa.sa_family = AF_INET;
	}
}

int
udp_recv_many(int fd, struct udp_msg *m, int n)
{
	struct mmsghdr	mm[UDP_BATCH];
	struct iovec	iov[UDP_BATCH];
	union udp_cmsg	cb[UDP_BATCH];
	int		i, got;

	if (n > UDP_BATCH)
		n = UDP_BATCH;
	memset(mm, 0, sizeof(mm[0]) * (size_t)n);
	for (i = 0; i < n; i++) {
		memset(&m[i].from, 0, sizeof(m[i].from));
		iov[i].iov_base = m[i].buf;
		iov[i].iov_len = m[i].cap;
		mm[i].msg_hdr.msg_name = &m[i].from.peer;
		mm[i].msg_hdr.msg_namelen = sizeof(m[i].from.peer);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_control = cb[i].b;
		mm[i].msg_hdr.msg_controllen = sizeof(cb[i].b);
	}
	if ((got = recvmmsg(fd, mm, (unsigned)n, MSG_DONTWAIT, NULL)) <= 0)
		return 0;
	for (i = 0; i < got; i++) {
		m[i].len = mm[i].msg_len;
		udp_from_cmsg(&mm[i].msg_hdr, &m[i].from);
	}
	return got;
}

int
udp_send_many(int fd, const struct udp_out *o, int n)
{
	struct mmsghdr	mm[UDP_BATCH];
	struct iovec	iov[UDP_BATCH];
	union udp_cmsg	cb[UDP_BATCH];
	int		i, sent = 0, r;

	if (n > UDP_BATCH)
		n = UDP_BATCH;
	memset(mm, 0, sizeof(mm[0]) * (size_t)n);
	for (i = 0; i < n; i++) {
		iov[i].iov_base = (void *)(uintptr_t)o[i].buf;
		iov[i].iov_len = o[i].len;
		mm[i].msg_hdr.msg_name = (void *)(uintptr_t)&o[i].to;
		mm[i].msg_hdr.msg_namelen = netaddr_sock_len(&o[i].to);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		udp_cmsg(&cb[i], &o[i].local, o[i].ifindex, 0,
		    &mm[i].msg_hdr);
	}
	while (sent < n) {
		if ((r = sendmmsg(fd, mm + sent, (unsigned)(n - sent), 0)) > 0) {
			sent += r;
			continue;
		}
		/* The first one failed: skip it and go on with the rest. */
		log_debug("udp: sendmmsg: %s", strerror(errno));
		sent++;
	}
	return 0;
}

/* The source address and interface: IP_PKTINFO; 0 when none is due. */
static size_t
udp_cmsg_v4(struct cmsghdr *cm, struct in_addr local, int ifindex)
{
	struct in_pktinfo	pi;

	if (local.s_addr == INADDR_ANY && ifindex == 0)
		return 0;
	cm->cmsg_level = IPPROTO_IP;
	cm->cmsg_type = IP_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memset(&pi, 0, sizeof(pi));
	pi.ipi_spec_dst = local;
	pi.ipi_ifindex = ifindex;
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	return CMSG_SPACE(sizeof(pi));
}

/*
 * The same for IPv6 (RFC 3542 6.1): the reply leaves from the address and
 * out of the interface the request came to, which a link-local address
 * needs to mean anything.
 */
static size_t
udp_cmsg_v6(struct cmsghdr *cm, const struct in6_addr *local, int ifindex)
{
	struct in6_pktinfo	pi;

	if (IN6_IS_ADDR_UNSPECIFIED(local) && ifindex == 0)
		return 0;
	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = IPV6_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memset(&pi, 0, sizeof(pi));
	pi.ipi6_addr = *local;
	pi.ipi6_ifindex = (unsigned)ifindex;
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	return CMSG_SPACE(sizeof(pi));
}

void
udp_cmsg(union udp_cmsg *cb, const struct netaddr *local, int ifindex,
    uint16_t seg, struct msghdr *m)
{
	struct cmsghdr		*cm;
	size_t			 len = 0;

	memset(cb, 0, sizeof(*cb));
	/* Both fit in cb (see its size): lay them out directly. */
	cm = &cb->c;
	if (local != NULL && local->family == AF_INET)
		len = udp_cmsg_v4(cm, local->u.v4, ifindex);
	else if (local != NULL && local->family == AF_INET6)
		len = udp_cmsg_v6(cm, &local->u.v6, ifindex);
	cm = (struct cmsghdr *)(void *)(cb->b + len);
	if (seg != 0) {
		cm->cmsg_level = SOL_UDP;
		cm->cmsg_type = UDP_SEGMENT;
		cm->cmsg_len = CMSG_LEN(sizeof(seg));
		memcpy(CMSG_DATA(cm), &seg, sizeof(seg));
		len += CMSG_SPACE(sizeof(seg));
	}
	m->msg_control = len > 0 ? cb->b : NULL;
	m->msg_controllen = len;
}

int
udp_send(int fd, const union netaddr_sock *to, const struct netaddr *local,
    int ifindex, const void *buf, size_t len)
{
	struct iovec	iov;
	struct msghdr	m;
	union udp_cmsg	cb;

	iov.iov_base = (void *)(uintptr_t)buf;
	iov.iov_len = len;
	memset(&m, 0, sizeof(m));
	m.msg_name = (void *)(uintptr_t)to;
	m.msg_namelen = netaddr_sock_len(to);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	udp_cmsg(&cb, local, ifindex, 0, &m);
	if (sendmsg(fd, &m, 0) == -1) {
		if (errno != EAGAIN)
			log_debug("udp: sendmsg: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * if_indextoname() costs a socket, an ioctl and a close: remember the
 * names, for a few seconds (an interface may be renamed or replaced).
 */
#define UDP_IFNAMES	16
#define UDP_IFNAME_MS	5000

static struct {
	int		 ifindex;
	uint64_t	 at;
	char		 name[IF_NAMESIZE];
} udp_names[UDP_IFNAMES];

const char *
udp_ifname(int ifindex)
{
	size_t		slot = (size_t)ifindex % UDP_IFNAMES;
	uint64_t	now = ev_now();

	if (ifindex <= 0)
		return NULL;
	if (udp_names[slot].ifindex == ifindex &&
	    now - udp_names[slot].at < UDP_IFNAME_MS)
		return udp_names[slot].name;
	if (if_indextoname((unsigned)ifindex, udp_names[slot].name) == NULL) {
		udp_names[slot].ifindex = 0;
		return NULL;
	}
	udp_names[slot].ifindex = ifindex;
	udp_names[slot].at = now;
	return udp_names[slot].name;
}

bool
udp_iface_allowed(const struct conf *conf, int ifindex)
{
	const char	*name;
	size_t		 i;

	if (conf->ninterfaces == 0)
		return true;
	if ((name = udp_ifname(ifindex)) == NULL)
		return false;
	for (i = 0; i < conf->ninterfaces; i++)
		if (strcmp(conf->interfaces[i], name) == 0)
			return true;
	return false;
}

static bool
udp_arp_mac(int fd, struct in_addr peer, int ifindex, uint8_t mac[6])
{
	struct arpreq		ar;
	struct sockaddr_in	sin;

	memset(&ar, 0, sizeof(ar));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = peer;
	memcpy(&ar.arp_pa, &sin, sizeof(sin));
	if (ifindex == 0 || if_indextoname((unsigned)ifindex,
	    ar.arp_dev) == NULL || ioctl(fd, SIOCGARP, &ar) == -1 ||
	    !(ar.arp_flags & ATF_COM))
		return false;
	memcpy(mac, ar.arp_ha.sa_data, 6);
	return true;
}

int
udp_nl_dump(uint16_t type, const void *body, size_t len,
    void (*fn)(const struct nlmsghdr *, void *), void *arg)
{
	struct {
		struct nlmsghdr	h;
		char		b[32];
	}			 req;
	static uint32_t		 seq;
	union {
		struct nlmsghdr	 h;
		char		 b[16384];
	}			 buf;
	struct nlmsghdr		*h;
	struct timeval		 tv = { 0, 200000 };
	bool			 done = false;
	ssize_t			 n = 0;
	int			 fd;

	if (len > sizeof(req.b) || (fd = socket(AF_NETLINK,
	    SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) == -1)
		return -1;
	/* The kernel answers at once; never hang the loop on it. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = NLMSG_LENGTH(len);
	req.h.nlmsg_type = type;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = ++seq;
	memcpy(NLMSG_DATA(&req.h), body, len);
	if (send(fd, &req, req.h.nlmsg_len, 0) == -1)
		done = true;
	while (!done && (n = recv(fd, buf.b, sizeof(buf.b), 0)) > 0) {
		int	left = (int)n;

		for (h = &buf.h; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_seq != req.h.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE ||
			    h->nlmsg_type == NLMSG_ERROR) {
				done = true;
				n = h->nlmsg_type == NLMSG_DONE ? 1 : -1;
				break;
			}
			fn(h, arg);
		}
	}
	close(fd);
	return done && n > 0 ? 0 : -1;
}

struct udp_nd_want {
	const struct in6_addr	*peer;
	int			 ifindex;
	uint8_t			*mac;
	bool			 found;
};

/*
 * One neighbour message: w->found with w->mac when it is the peer's entry
 * (on its ifindex, unless 0) and holds a usable Ethernet address.
 */
static void
udp_nd_match(const struct nlmsghdr *h, void *arg)
{
	struct udp_nd_want	*w = arg;
	const struct ndmsg	*nd = NLMSG_DATA(h);
	const struct rtattr	*rta;
	const uint8_t		*ll = NULL;
	bool			 dst = false;
	int			 len;

	if (w->found || h->nlmsg_type != RTM_NEWNEIGH ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(*nd)) ||
	    nd->ndm_family != AF_INET6 ||
	    (w->ifindex != 0 && nd->ndm_ifindex != w->ifindex) ||
	    (nd->ndm_state & (NUD_INCOMPLETE | NUD_FAILED | NUD_NOARP)))
		return;
	len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*nd));
	for (rta = (const struct rtattr *)(const void *)((const char *)nd +
	    NLMSG_ALIGN(sizeof(*nd))); RTA_OK(rta, len);
	    rta = RTA_NEXT(rta, len)) {
		if (rta->rta_type == NDA_DST &&
		    RTA_PAYLOAD(rta) == sizeof(*w->peer))
			dst = memcmp(RTA_DATA(rta), w->peer,
			    sizeof(*w->peer)) == 0;
		else if (rta->rta_type == NDA_LLADDR && RTA_PAYLOAD(rta) == 6)
			ll = RTA_DATA(rta);
	}
	if (!dst || ll == NULL)
		return;
	memcpy(w->mac, ll, 6);
	w->found = true;
}

/*
 * The IPv6 neighbour table through rtnetlink.  A dump rather than a
 * RTM_GETNEIGH of one address: that needs the interface, which HTTP does
 * not know, and kernels before 4.20 lack it.  Lab tables are small, and
 * this runs once per TFTP request or unknown HTTP client.
 */
static bool
udp_nd_mac(const struct in6_addr *peer, int ifindex, uint8_t mac[6])
{
	struct ndmsg		nd;
	struct udp_nd_want	w = { peer, ifindex, mac, false };

	memset(&nd, 0, sizeof(nd));
	nd.ndm_family = AF_INET6;
	udp_nl_dump(RTM_GETNEIGH, &nd, sizeof(nd), udp_nd_match, &w);
	return w.found;
}

bool
udp_neighbour_mac(int fd, const struct netaddr *peer, int ifindex,
    uint8_t mac[6])
{
	if (peer->family == AF_INET)
		return udp_arp_mac(fd, peer->u.v4, ifindex, mac);
	if (peer->family != AF_INET6)
		return false;
	/*
	 * A client that reached us has an entry (its Neighbor Solicitation
	 * for our address carried its link-layer address, RFC 4861 7.2.3);
	 * failing that, a link-local address formed from the MAC says it.
	 */
	return udp_nd_mac(&peer->u.v6, ifindex, mac) ||
	    dhcp6_pkt_eui64_mac(&peer->u.v6, mac);
}

uint16_t
udp_from_port(const struct udp_from *from)
{
	struct netaddr	a;
	uint16_t	port = 0;

	if (netaddr_from_sock(&from->peer.sa, &a, &port) == -1)
		return 0;
	return port;
}

void
udp_drain(int fd, uint8_t *bufs, size_t cap, udp_datagram_fn fn, void *arg)
{
	struct udp_msg	m[UDP_BATCH];
	int		i, n, turns;

	for (i = 0; i < UDP_BATCH; i++) {
		m[i].buf = bufs + (size_t)i * cap;
		m[i].cap = cap;
	}
	for (turns = 0; turns < 16; turns++) {
		if ((n = udp_recv_many(fd, m, UDP_BATCH)) <= 0)
			return;
		for (i = 0; i < n; i++)
			fn(fd, arg, m[i].buf, m[i].len, &m[i].from);
		if (n < UDP_BATCH)
			return;
	}
}
