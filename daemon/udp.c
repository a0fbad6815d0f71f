/*
 * udp.c: UDP sockets with IP_PKTINFO for DHCP and TFTP.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "ev.h"
#include "log.h"
#include "udp.h"

#ifndef UDP_SEGMENT
#define UDP_SEGMENT	103
#endif

static void	udp_from_cmsg(struct msghdr *, struct udp_from *);

int
udp_socket(uint16_t port, int bufsize)
{
	struct sockaddr_in	sin;
	int			fd, on = 1;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return -1;
	if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) == -1)
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
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
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
	struct cmsghdr	*cm;

	for (cm = CMSG_FIRSTHDR(m); cm != NULL; cm = CMSG_NXTHDR(m, cm))
		if (cm->cmsg_level == IPPROTO_IP &&
		    cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo	pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			from->local = pi.ipi_addr;
			from->ifindex = pi.ipi_ifindex;
		}
	if (m->msg_namelen != sizeof(from->peer) ||
	    from->peer.sin_family != AF_INET)
		from->peer.sin_port = 0;	/* callers drop port 0 */
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
		mm[i].msg_hdr.msg_namelen = sizeof(o[i].to);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		udp_cmsg(&cb[i], o[i].local, o[i].ifindex, 0, &mm[i].msg_hdr);
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

void
udp_cmsg(union udp_cmsg *cb, struct in_addr local, int ifindex,
    uint16_t seg, struct msghdr *m)
{
	struct cmsghdr		*cm;
	struct in_pktinfo	 pi;
	size_t			 len = 0;

	memset(cb, 0, sizeof(*cb));
	/* Both fit in cb (see its size): lay them out directly. */
	cm = &cb->c;
	if (local.s_addr != INADDR_ANY || ifindex != 0) {
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memset(&pi, 0, sizeof(pi));
		pi.ipi_spec_dst = local;
		pi.ipi_ifindex = ifindex;
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		len += CMSG_SPACE(sizeof(pi));
		cm = (struct cmsghdr *)(void *)(cb->b + len);
	}
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
udp_send(int fd, const struct sockaddr_in *to, struct in_addr local,
    int ifindex, const void *buf, size_t len)
{
	struct iovec	iov;
	struct msghdr	m;
	union udp_cmsg	cb;

	iov.iov_base = (void *)(uintptr_t)buf;
	iov.iov_len = len;
	memset(&m, 0, sizeof(m));
	m.msg_name = (void *)(uintptr_t)to;
	m.msg_namelen = sizeof(*to);
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

bool
udp_neighbour_mac(int fd, struct in_addr peer, int ifindex, uint8_t mac[6])
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
