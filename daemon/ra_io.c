/*
 * ra_io.c: router advertisements on the wire (RFC 4861 6.2).
 *
 * One raw ICMPv6 socket that lets only Router Solicitations in
 * (ICMP6_FILTER), joined to ff02::2 on every interface DHCPv6 serves.
 * Per interface: an advertisement to ff02::1 every interval, chosen at
 * random between a third of dhcp.ra-interval and it (6.2.4), the first
 * three at most 16 s apart; a solicitation is answered after a random
 * delay of up to 0.5 s, and never sooner than 3 s after the last
 * advertisement (6.2.6).  Sent from the interface's link-local address
 * (6.1.2) with hop limit 255 (4.2).  Timers only: no thread, no fork.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dhcp6_io.h"
#include "dhcp6_srv.h"
#include "ev.h"
#include "log.h"
#include "ra.h"
#include "ra_io.h"
#include "udp.h"

#define RA_IO_IFS		32
#define RA_INITIAL		3	/* MAX_INITIAL_RTR_ADVERTISEMENTS */
#define RA_INITIAL_MS		16000	/* MAX_INITIAL_RTR_ADVERT_INTERVAL */
#define RA_MIN_DELAY_MS		3000	/* MIN_DELAY_BETWEEN_RAS */
#define RA_DELAY_MS		500	/* MAX_RA_DELAY_TIME */
#define RA_RESCAN_MS		5000	/* new interfaces */
#define RA_HOPLIMIT		255

struct ra_if {
	int		 ifindex;
	bool		 joined;	/* ff02::2 */
	unsigned	 initial;	/* unsolicited ones sent */
	uint64_t	 next;		/* monotonic ms of the next one */
	uint64_t	 last;		/* of the last one; 0: none yet */
};

static struct {
	const struct conf	*conf;
	int			 fd;
	struct ra_if		 ifs[RA_IO_IFS];
	size_t			 nifs;
	struct ev_timer		 timer;
	struct ra_io_stats	 st;
} R = { .fd = -1 };

bool
ra_io_wanted(const struct conf *conf)
{
	if (!dhcp6_srv_enabled(conf))
		return false;
	return conf->dhcp.ra == CONF_RA_ON || (conf->dhcp.ra == CONF_RA_AUTO &&
	    conf->dhcp.mode == CONF_DHCP_SERVER && conf->dhcp.nranges6 > 0);
}

/* RFC 4861 6.2.1 and 6.2.4: uniform in [MinRtrAdvInterval, Max]. */
static uint64_t
ra_interval_ms(const struct ra_if *f)
{
	uint64_t	max = (uint64_t)R.conf->dhcp.ra_interval * 1000;
	uint64_t	min = max / 3, ms;

	ms = min + arc4random_uniform((uint32_t)(max - min + 1));
	if (f->initial < RA_INITIAL && ms > RA_INITIAL_MS)
		ms = RA_INITIAL_MS;
	return ms;
}

/* What this interface's advertisement says. */
static bool
ra_params(int ifindex, struct ra_params *p, struct in6_addr *src)
{
	const struct conf_range6	*r = NULL;
	struct in6_addr			 a[16];
	struct ifreq			 ifr;
	size_t				 n, i;
	bool				 have_src = false;

	memset(p, 0, sizeof(*p));
	p->managed = R.conf->dhcp.ra_managed;
	p->other = R.conf->dhcp.ra_other;
	p->router_lifetime = (uint16_t)R.conf->dhcp.ra_lifetime;
	/* 6.2.1: a router lifetime is 0 or at least MaxRtrAdvInterval. */
	if (p->router_lifetime != 0 && p->router_lifetime <
	    R.conf->dhcp.ra_interval)
		p->router_lifetime = (uint16_t)R.conf->dhcp.ra_interval;
	n = dhcp6_io_ifaddrs(ifindex, a, 16);
	for (i = 0; i < n; i++) {
		if (IN6_IS_ADDR_LINKLOCAL(&a[i]) && !have_src) {
			*src = a[i];
			have_src = true;
		}
		if (r == NULL)
			r = conf_inet6_range_of(R.conf, &a[i]);
	}
	if (r != NULL) {
		p->has_prefix = true;
		p->prefix = r->prefix;
		p->prefix_len = (uint8_t)r->plen;
		p->autonomous = R.conf->dhcp.ra_autonomous && r->plen == 64;
		p->valid = r->valid;
		p->preferred = r->preferred;
	}
	memset(&ifr, 0, sizeof(ifr));
	if (if_indextoname((unsigned)ifindex, ifr.ifr_name) != NULL &&
	    ioctl(R.fd, SIOCGIFHWADDR, &ifr) == 0 &&
	    ifr.ifr_hwaddr.sa_family == 1) {
		p->has_lladdr = true;
		memcpy(p->lladdr, ifr.ifr_hwaddr.sa_data, 6);
	}
	return have_src;	/* 6.1.2: the source must be link-local */
}

static void
ra_send(struct ra_if *f)
{
	struct ra_params	p;
	struct netaddr		local;
	union udp_cmsg		cb;
	struct sockaddr_in6	to;
	struct msghdr		m;
	struct iovec		iov;
	uint8_t			buf[RA_MAX_LEN];
	size_t			len;

	memset(&local, 0, sizeof(local));
	local.family = AF_INET6;
	if (!ra_params(f->ifindex, &p, &local.u.v6) ||
	    (len = ra_build(&p, buf, sizeof(buf))) == 0) {
		f->next = ev_now() + 1000;	/* no link-local address yet */
		return;
	}
	memset(&to, 0, sizeof(to));
	to.sin6_family = AF_INET6;
	inet_pton(AF_INET6, RA_ALL_NODES, &to.sin6_addr);
	to.sin6_scope_id = (uint32_t)f->ifindex;
	iov.iov_base = buf;
	iov.iov_len = len;
	memset(&m, 0, sizeof(m));
	m.msg_name = &to;
	m.msg_namelen = sizeof(to);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	udp_cmsg(&cb, &local, f->ifindex, 0, &m);
	if (sendmsg(R.fd, &m, 0) == -1) {
		R.st.errors++;
		log_debug("ra: sendmsg on %s: %s", udp_ifname(f->ifindex) !=
		    NULL ? udp_ifname(f->ifindex) : "?", strerror(errno));
		f->next = ev_now() + 1000;	/* e.g. a tentative address */
		return;
	}
	R.st.sent++;
	if (f->initial < RA_INITIAL)
		f->initial++;
	f->last = ev_now();
	f->next = f->last + ra_interval_ms(f);
	log_debug("ra: advertisement on %s (M %d O %d, router lifetime %u)",
	    udp_ifname(f->ifindex) != NULL ? udp_ifname(f->ifindex) : "?",
	    p.managed, p.other, p.router_lifetime);
}

/* Follow dhcp6_io's interfaces: join ff02::2 on new ones. */
static void
ra_sync(void)
{
	struct ipv6_mreq	mr;
	int			idx[RA_IO_IFS];
	struct ra_if		old[RA_IO_IFS];
	size_t			n, i, j, nold = R.nifs;

	memcpy(old, R.ifs, sizeof(old));
	n = dhcp6_io_served(idx, RA_IO_IFS);
	R.nifs = 0;
	for (i = 0; i < n; i++) {
		struct ra_if	*f = &R.ifs[R.nifs++];

		for (j = 0; j < nold && old[j].ifindex != idx[i]; j++)
			;
		if (j < nold) {
			*f = old[j];
			continue;
		}
		memset(f, 0, sizeof(*f));
		f->ifindex = idx[i];
		f->next = ev_now();	/* 6.2.4: one at once */
		memset(&mr, 0, sizeof(mr));
		inet_pton(AF_INET6, RA_ALL_ROUTERS, &mr.ipv6mr_multiaddr);
		mr.ipv6mr_interface = (unsigned)idx[i];
		f->joined = setsockopt(R.fd, IPPROTO_IPV6, IPV6_JOIN_GROUP,
		    &mr, sizeof(mr)) == 0 || errno == EADDRINUSE;
	}
}

static void
ra_schedule(void)
{
	uint64_t	next = ev_now() + RA_RESCAN_MS;
	size_t		i;

	for (i = 0; i < R.nifs; i++)
		if (R.ifs[i].next < next)
			next = R.ifs[i].next;
	ev_timer_del(&R.timer);
	ev_timer_add(&R.timer, next > ev_now() ? next - ev_now() : 0);
}

static void
ra_timer(void *arg)
{
	size_t	i;

	(void)arg;
	ra_sync();
	for (i = 0; i < R.nifs; i++)
		if (R.ifs[i].next <= ev_now())
			ra_send(&R.ifs[i]);
	ra_schedule();
}

/* RFC 4861 6.2.6: a random delay, and 3 s after the last one. */
static void
ra_solicited(int ifindex)
{
	uint64_t	when;
	size_t		i;

	for (i = 0; i < R.nifs && R.ifs[i].ifindex != ifindex; i++)
		;
	if (i == R.nifs)
		return;
	R.st.solicits++;
	when = ev_now() + arc4random_uniform(RA_DELAY_MS + 1);
	if (R.ifs[i].last != 0 && when < R.ifs[i].last + RA_MIN_DELAY_MS)
		when = R.ifs[i].last + RA_MIN_DELAY_MS;
	if (when < R.ifs[i].next)
		R.ifs[i].next = when;
	ra_schedule();
}

static void
ra_read(int fd, void *arg)
{
	union {
		struct cmsghdr	c;
		char		b[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
				    CMSG_SPACE(sizeof(int))];
	}			 cb;
	struct cmsghdr		*c;
	struct sockaddr_in6	 from;
	struct msghdr		 m;
	struct iovec		 iov;
	uint8_t			 buf[1280];
	ssize_t			 n;
	int			 hops, ifindex;

	(void)arg;
	for (;;) {
		iov.iov_base = buf;
		iov.iov_len = sizeof(buf);
		memset(&m, 0, sizeof(m));
		m.msg_name = &from;
		m.msg_namelen = sizeof(from);
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		m.msg_control = cb.b;
		m.msg_controllen = sizeof(cb.b);
		if ((n = recvmsg(fd, &m, 0)) == -1)
			return;
		hops = -1;
		ifindex = 0;
		for (c = CMSG_FIRSTHDR(&m); c != NULL; c = CMSG_NXTHDR(&m, c)) {
			if (c->cmsg_level != IPPROTO_IPV6)
				continue;
			if (c->cmsg_type == IPV6_HOPLIMIT)
				memcpy(&hops, CMSG_DATA(c), sizeof(hops));
			else if (c->cmsg_type == IPV6_PKTINFO) {
				struct in6_pktinfo	pi;

				memcpy(&pi, CMSG_DATA(c), sizeof(pi));
				ifindex = (int)pi.ipi6_ifindex;
			}
		}
		if (ra_is_solicit(buf, (size_t)n, hops))
			ra_solicited(ifindex);
	}
}

static int
ra_socket(void)
{
	struct icmp6_filter	flt;
	int			fd, on = 1, hops = RA_HOPLIMIT, off = 0;

	if ((fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    IPPROTO_ICMPV6)) == -1)
		return -1;
	ICMP6_FILTER_SETBLOCKALL(&flt);
	ICMP6_FILTER_SETPASS(ND_ROUTER_SOLICIT, &flt);
	if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &flt,
	    sizeof(flt)) == -1 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
	    sizeof(hops)) == -1 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops,
	    sizeof(hops)) == -1 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off,
	    sizeof(off)) == -1 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
	    sizeof(on)) == -1 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on,
	    sizeof(on)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

int
ra_io_init(const struct conf *conf)
{
	R.conf = conf;
	ev_timer_init(&R.timer, ra_timer, NULL);
	if (!ra_io_wanted(conf))
		return 0;
	if ((R.fd = ra_socket()) == -1) {
		/* Asked for: an error; automatic: a warning. */
		log_warn("ra: raw ICMPv6 socket: no router advertisements");
		return conf->dhcp.ra == CONF_RA_ON ? -1 : 0;
	}
	if (ev_fd_add(R.fd, ra_read, NULL) == -1) {
		close(R.fd);
		R.fd = -1;
		return -1;
	}
	ev_timer_add(&R.timer, 0);
	log_info("ra: router advertisements every %u s at most (M %s, O %s, "
	    "router lifetime %u)", conf->dhcp.ra_interval,
	    conf->dhcp.ra_managed ? "on" : "off", conf->dhcp.ra_other ?
	    "on" : "off", conf->dhcp.ra_lifetime);
	return 0;
}

void
ra_io_reload(const struct conf *conf)
{
	R.conf = conf;
	if (R.fd == -1) {
		if (ra_io_wanted(conf))
			log_warnx("ra: turning router advertisements on "
			    "takes a restart");
		return;
	}
	if (!ra_io_wanted(conf)) {
		log_info("ra: router advertisements off");
		ra_io_fini();
		return;
	}
	ev_timer_del(&R.timer);
	ev_timer_add(&R.timer, 0);	/* the new interfaces, at once */
}

void
ra_io_fini(void)
{
	ev_timer_del(&R.timer);
	if (R.fd != -1) {
		ev_fd_del(R.fd);
		close(R.fd);
		R.fd = -1;
	}
	R.nifs = 0;
}

void
ra_io_stats(struct ra_io_stats *st)
{
	*st = R.st;
}
