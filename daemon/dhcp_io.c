/*
 * dhcp_io.c: DHCP sockets and reply delivery.
 *
 *   port 67   (IP_PKTINFO) ──┐
 *   port 4011 (IP_PKTINFO) ──┴─> dhcp_srv_handle() ─> reply
 *
 *   reply ─┬─ delayed (rule "delay")  ──> timer ──┐
 *          ├─ durable (an ACK's lease) ──> held ──┤ next loop turn:
 *          │                                      │ lease_sync() (one
 *          └─ other ─────────────────────────> send  fdatasync), then send
 *
 * An ACK never leaves before its lease is on disk: every ACK of one loop
 * turn is journaled, the journal is synced once in the loop's prepare
 * hook, and then they are sent (group commit, commit.c, shared with
 * DHCPv6).  If the sync fails they are dropped and the clients ask again.
 *
 * A unicast reply to a client without an address (RFC 2131 4.1: yiaddr,
 * chaddr) needs an ARP entry the kernel cannot resolve by itself: pxed
 * adds it (SIOCSARP, as dnsmasq does) and falls back to broadcast when it
 * may not.
 *
 * What each request said, and each proxy offer awaiting its follow-up,
 * goes to client.c, where TFTP and HTTP find it.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <errno.h>
#include <ifaddrs.h>
#include <inttypes.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "client_stage.h"
#include "commit.h"
#include "dhcp_io.h"
#include "dhcp_pkt.h"
#include "dhcp_probe.h"
#include "dhcp_proto.h"
#include "dhcp_srv.h"
#include "ev.h"
#include "lease.h"
#include "lease_pg.h"
#include "log.h"
#include "udp.h"

#define DHCP_IFCACHE		64
#define DHCP_DETECT_MS		3000	/* listen for other servers */
#define DHCP_DETECT_MAX		8

struct dhcp_ifaddr {
	int		 ifindex;
	struct in_addr	 addr, mask;
};

struct dhcp_held {
	struct dhcp_held	*next;
	struct ev_timer		 timer;		/* delayed replies */
	int			 fd;
	int			 ifindex;
	struct in_addr		 local;
	uint64_t		 sync_errors;	/* the store's, when made */
	uint64_t		 seq;		/* its record (0: none) */
	struct dhcp_srv_out	 out;
	/* With a shared store: the request, to retry a lost OFFER. */
	void			*arg;
	struct udp_from		 from;
	uint8_t			 retries;
	size_t			 reqlen;
	uint8_t			 req[];
};

/* A lost OFFER is made again (another address) at most this often. */
#define DHCP_LOST_RETRIES	2

static struct {
	const struct conf	*conf;
	bool			 up;
	int			 fd, pfd;	/* ports 67 and 4011 */
	uint16_t		 port, pport;
	bool			 leases_open;
	struct leases		 leases;
	struct dhcp_guard	 guard;		/* offers per link */
	struct dhcp_ifaddr	 ifs[DHCP_IFCACHE];
	size_t			 nifs;
	uint64_t		 ifs_at;	/* monotonic ms of the last scan */
	uint8_t			 retrying;	/* dhcp_handle() of a retry */
	struct dhcp_held	*held, **held_tail;
	struct commit_queue	 queue;		/* held: the group commit */
	struct dhcp_held	*delayed;	/* list of timers in flight */
	struct ev_timer		 tick;
	int			 detect_fd[DHCP_DETECT_MAX];
	char			 detect_if[DHCP_DETECT_MAX][IF_NAMESIZE];
	size_t			 ndetect;
	uint32_t		 detect_xid;
	struct ev_timer		 detect_timer;
	struct dhcp_io_stats	 st;
} D = { .fd = -1, .pfd = -1 };

static int64_t
dhcp_wallclock(void)
{
	return (int64_t)time(NULL);
}

/* ---------- interface addresses ---------- */

static void
dhcp_ifs_scan(void)
{
	struct ifaddrs	*ifa, *i;

	D.nifs = 0;
	D.ifs_at = ev_now();
	if (getifaddrs(&ifa) == -1) {
		log_warn("dhcp: getifaddrs");
		return;
	}
	for (i = ifa; i != NULL && D.nifs < DHCP_IFCACHE; i = i->ifa_next) {
		struct sockaddr_in	*a = (struct sockaddr_in *)(void *)
		    i->ifa_addr;
		struct sockaddr_in	*m = (struct sockaddr_in *)(void *)
		    i->ifa_netmask;

		if (a == NULL || a->sin_family != AF_INET || m == NULL)
			continue;
		D.ifs[D.nifs].ifindex = (int)if_nametoindex(i->ifa_name);
		D.ifs[D.nifs].addr = a->sin_addr;
		D.ifs[D.nifs].mask = m->sin_addr;
		D.nifs++;
	}
	freeifaddrs(ifa);
}

/*
 * The server's address on ifindex: the one the packet was sent to, else
 * one in the subnet of a range, else the first.
 */
static bool
dhcp_if_lookup(int ifindex, struct in_addr local, struct dhcp_ifaddr *out)
{
	const struct dhcp_ifaddr	*first = NULL;
	size_t				 i, j;
	int				 pass;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < D.nifs; i++) {
			const struct dhcp_ifaddr	*f = &D.ifs[i];

			if (f->ifindex != ifindex)
				continue;
			if (f->addr.s_addr == local.s_addr) {
				*out = *f;
				return true;
			}
			for (j = 0; j < D.conf->dhcp.nranges; j++) {
				const struct conf_range	*r =
				    &D.conf->dhcp.ranges[j];

				if ((f->addr.s_addr & r->netmask.s_addr) ==
				    (r->start.s_addr & r->netmask.s_addr)) {
					*out = *f;
					return true;
				}
			}
			if (first == NULL)
				first = f;
		}
		if (first != NULL) {
			*out = *first;
			return true;
		}
		/* Unknown interface or address: rescan, at most once a s. */
		if (pass == 0 && ev_now() - D.ifs_at >= 1000)
			dhcp_ifs_scan();
		else
			break;
	}
	return false;
}

static void
dhcp_server_addrs(void)
{
	size_t	i;

	for (i = 0; i < D.nifs; i++)
		lease_server_addr(&D.leases, D.ifs[i].addr);
}

/* ---------- sending ---------- */

static bool
dhcp_arp_add(const struct dhcp_srv_out *o, int ifindex)
{
	struct arpreq		ar;
	struct sockaddr_in	sin;
	const char		*name;

	memset(&ar, 0, sizeof(ar));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = o->to.sin_addr;
	memcpy(&ar.arp_pa, &sin, sizeof(sin));
	ar.arp_ha.sa_family = ARPHRD_ETHER;
	memcpy(ar.arp_ha.sa_data, o->chaddr, 6);
	ar.arp_flags = ATF_COM;
	if ((name = udp_ifname(ifindex)) == NULL)
		return false;
	snprintf(ar.arp_dev, sizeof(ar.arp_dev), "%s", name);
	return ioctl(D.fd, SIOCSARP, &ar) == 0;
}

/* Where h goes (ARP entry added, or broadcast instead); false: nowhere. */
static bool
dhcp_prep(struct dhcp_held *h, struct udp_out *u)
{
	struct dhcp_srv_out	*o = &h->out;

	u->buf = o->buf;
	u->len = o->len;
	memset(&u->to, 0, sizeof(u->to));
	u->to.sin = o->to;
	u->local = netaddr_v4(h->local);
	u->ifindex = 0;
	switch (o->dest) {
	case DHCP_DEST_NONE:
		return false;
	case DHCP_DEST_BCAST:
		u->ifindex = h->ifindex;
		break;
	case DHCP_DEST_YIADDR:
		if (!dhcp_arp_add(o, h->ifindex)) {
			D.st.arp_fallbacks++;
			log_debug("dhcp: cannot add an ARP entry for %s (%s): "
			    "broadcasting", inet_ntoa(u->to.sin.sin_addr),
			    strerror(errno));
			u->to.sin.sin_addr.s_addr = INADDR_BROADCAST;
		}
		u->ifindex = h->ifindex;
		break;
	case DHCP_DEST_SOURCE:
	case DHCP_DEST_RELAY:
	case DHCP_DEST_CIADDR:
		break;
	}
	if (o->type >= 0 && o->type <= DHCPINFORM)
		D.st.out[o->type]++;
	return true;
}

static void
dhcp_send(struct dhcp_held *h)
{
	struct udp_out	u;

	if (dhcp_prep(h, &u))
		udp_send(h->fd, &u.to, &u.local, u.ifindex, u.buf, u.len);
}

/* Another server's client got h's address first: h never leaves. */
static void
dhcp_lost(const struct dhcp_held *h)
{
	static struct log_rate	 rate;
	const uint8_t		*c = h->out.buf + BOOTP_OFF_CHADDR;
	struct in_addr		 a;

	D.st.dropped_lost++;
	memcpy(&a, h->out.buf + BOOTP_OFF_YIADDR, 4);
	/* Rated, as DHCPv6's: two servers racing lose hundreds at once. */
	log_rated(&rate, LOG_INFO, "dhcp: %s %s to "
	    "%02x:%02x:%02x:%02x:%02x:%02x dropped: "
	    "another server's client holds it", h->out.type == DHCPOFFER ?
	    "OFFER" : "ACK", inet_ntoa(a), c[0], c[1], c[2], c[3], c[4],
	    c[5]);
}

static void	dhcp_handle(int, void *, const uint8_t *, size_t,
		    const struct udp_from *);

/*
 * An OFFER whose address another server's client got first: its request
 * is handled again, and since the cache now marks that address taken
 * until the winner's expiry, the engine offers another one (issue 13:
 * "offers that lose the race pick another address"), rather than leave
 * the client to time out and ask again.  At most DHCP_LOST_RETRIES
 * times; an ACK is never retried (the client asked for that address).
 */
static void
dhcp_lost_retry(const struct dhcp_held *h)
{
	if (h->out.type != DHCPOFFER || h->reqlen == 0 ||
	    h->retries >= DHCP_LOST_RETRIES)
		return;
	D.st.offers_retried++;
	D.retrying = h->retries + 1;
	dhcp_handle(h->fd, h->arg, h->req, h->reqlen, &h->from);
	D.retrying = 0;
}

/*
 * Send the replies of a batch once the store made it durable (commit.c),
 * except those whose address another server claimed first.
 */
static void
dhcp_flush(struct commit_queue *q, bool synced)
{
	struct dhcp_held	*h, *next = NULL, *last;
	size_t			 b = q->batch;

	/* The first b held replies are the batch; the rest wait. */
	if (b == 0 || (h = D.held) == NULL)
		return;
	for (last = h; b > 1 && last->next != NULL; b--)
		last = last->next;
	D.held = last->next;
	if (D.held == NULL)
		D.held_tail = &D.held;
	last->next = NULL;
	while (h != NULL) {
		struct udp_out		 u[UDP_BATCH];
		struct dhcp_held	*sent[UDP_BATCH];
		int			 n = 0, i, fd = h->fd;

		/* Batches of replies from one socket, one sendmmsg() each. */
		for (; h != NULL && n < UDP_BATCH && h->fd == fd; h = next) {
			next = h->next;
			if (synced && commit_lost(h->seq)) {
				dhcp_lost(h);
				dhcp_lost_retry(h);
			} else if (synced && dhcp_prep(h, &u[n])) {
				sent[n++] = h;	/* u[] points into it */
				continue;
			}
			if (!synced)
				D.st.dropped_sync++;
			free(h);
		}
		if (n > 0)
			udp_send_many(fd, u, n);
		for (i = 0; i < n; i++)
			free(sent[i]);
	}
}

/* An ACK, or an OFFER whose address a shared store claims first. */
static bool
dhcp_must_hold(const struct dhcp_held *h)
{
	if (!D.leases_open)
		return false;
	return h->out.durable || (h->seq != 0 && h->out.type == DHCPOFFER);
}

static void
dhcp_hold(struct dhcp_held *h)
{
	h->next = NULL;
	*D.held_tail = h;
	D.held_tail = &h->next;
	commit_held(&D.queue);
}

/*
 * A binding no journal holds is never sent: in server mode without a lease
 * file (it could not be opened at start-up or on reload) a durable reply
 * is dropped, as dhcp6_io.c does, so that no ACK leaves that a restart
 * would forget.
 */
static bool
dhcp_unjournaled(const struct dhcp_held *h)
{
	static struct log_rate	 rate;

	if (!h->out.durable || D.leases_open)
		return false;
	D.st.dropped_sync++;
	log_rated(&rate, LOG_WARNING, "dhcp: no lease file is open: %s not "
	    "sent", dhcp_proto_msgtype_name(h->out.type));
	return true;
}

static void
dhcp_delayed(void *arg)
{
	struct dhcp_held	*h = arg, **pp;

	for (pp = &D.delayed; *pp != NULL; pp = &(*pp)->next)
		if (*pp == h) {
			*pp = h->next;
			break;
		}
	if (dhcp_unjournaled(h)) {
		free(h);
		return;
	}
	if (dhcp_must_hold(h)) {
		/* Its lease must be on disk: never if a sync failed since. */
		if (D.leases.st.sync_errors != h->sync_errors) {
			D.st.dropped_sync++;
			free(h);
			return;
		}
		if (commit_pending()) {
			dhcp_hold(h);	/* the next flush syncs, then sends */
			return;
		}
		/* Synced already, but maybe lost to another server. */
		if (commit_lost(h->seq)) {
			dhcp_lost(h);
			dhcp_lost_retry(h);
			free(h);
			return;
		}
	}
	dhcp_send(h);
	free(h);
}

/* ---------- proxy follow-up ---------- */

static void
dhcp_no_followup(const uint8_t *mac, const struct client_offer *o, void *arg)
{
	static struct log_rate	 rate[LOG_RATE_SLOTS];

	(void)arg;
	D.st.proxy_no_followup++;
	log_rated(log_rate_slot(rate, mac, 6), LOG_WARNING, "dhcp: proxy "
	    "OFFER to %02x:%02x:%02x:%02x:%02x:%02x on %s (xid %08" PRIx32
	    ") was not followed by a request on port %u or a TFTP request "
	    "within %u s: this firmware "
	    "may ignore proxyDHCP; try dhcp mode server", mac[0],
	    mac[1], mac[2], mac[3], mac[4], mac[5], o->ifname, o->xid,
	    D.pport, D.conf->dhcp.proxy_followup);
	client_stage_problem(mac, false, "proxy offer on %s not followed up "
	    "within %u s (firmware ignores proxyDHCP?)", o->ifname,
	    D.conf->dhcp.proxy_followup);
}

static void
dhcp_tick(void *arg)
{
	uint64_t	 limit = (uint64_t)D.conf->dhcp.proxy_followup * 1000;

	(void)arg;
	if (limit > 0)
		client_offer_expire(ev_now(), limit, dhcp_no_followup, NULL);
	if (D.leases_open && lease_want_compact(&D.leases)) {
		commit_flush();
		lease_compact(&D.leases, dhcp_wallclock());
	}
#ifdef __GLIBC__
	/*
	 * Replies held for a sync (2.7 kB each) leave holes between the
	 * leases allocated meanwhile once they are sent: give the free pages
	 * back while none is held, 1 MB of private memory after 50,000 new
	 * clients in bursts of 256 (bench/dhcp-ceiling.sh).
	 */
	if (D.held == NULL)
		malloc_trim(0);
#endif
	ev_timer_add(&D.tick, 1000);
}

/* ---------- receiving ---------- */

static void
dhcp_handle(int fd, void *arg, const uint8_t *buf, size_t n,
    const struct udp_from *from)
{
	bool			 proxy_port = arg != NULL;
	struct dhcp_srv_in	 in;
	struct dhcp_ifaddr	 ifa;
	struct dhcp_held	*h;
	char			 ifname[IF_NAMESIZE];
	const char		*name;
	uint64_t		 seq;
	size_t			 keep;

	if (udp_from_port(from) == 0 || from->peer.sa.sa_family != AF_INET ||
	    !udp_iface_allowed(D.conf, from->ifindex))
		return;
	if (D.ndetect > 0 && n >= BOOTP_OFF_XID + 4) {
		uint32_t	xid = htonl(D.detect_xid);

		if (memcmp(buf + BOOTP_OFF_XID, &xid, 4) == 0)
			return;	/* our own look for other servers */
	}
	if ((name = udp_ifname(from->ifindex)) != NULL)
		snprintf(ifname, sizeof(ifname), "%s", name);
	else
		snprintf(ifname, sizeof(ifname), "if%d", from->ifindex);
	if (!dhcp_if_lookup(from->ifindex, from->local.u.v4, &ifa)) {
		log_debug("dhcp: no IPv4 address on %s: ignored", ifname);
		return;
	}
	/* With a shared store the request is kept, for dhcp_lost_retry(). */
	keep = D.leases.store != NULL && D.leases.store->shared ? n : 0;
	if ((h = malloc(sizeof(*h) + keep)) == NULL) {
		log_warn("dhcp: malloc");
		return;
	}
	h->reqlen = keep;
	if (keep > 0) {
		memcpy(h->req, buf, keep);
		h->from = *from;
		h->arg = arg;
	}
	h->retries = D.retrying;
	memset(&in, 0, sizeof(in));
	in.conf = D.conf;
	in.leases = &D.leases;
	in.guard = &D.guard;
	in.now = dhcp_wallclock();
	in.ifname = ifname;
	in.ifaddr = ifa.addr;
	in.ifmask = ifa.mask;
	in.proxy_port = proxy_port;
	in.src = from->peer.sin;
	in.loglevel = log_getlevel();
	seq = commit_seq();
	dhcp_srv_handle(&in, buf, n, &h->out);
	D.st.agent_malformed += h->out.agent_malformed;
	D.st.agent_unechoed += h->out.agent_unechoed;
	/* The store's record of this reply, if the engine made one. */
	h->seq = commit_seq() != seq ? commit_seq() : 0;
	if (h->out.reqtype < 0) {
		/* Malformed or not a request: logged, dropped. */
		D.st.malformed++;
		log_info("%s", h->out.log);
	} else {
		if (h->out.reqtype <= DHCPINFORM && D.retrying == 0)
			D.st.in[h->out.reqtype]++;	/* a retry is no new one */
		if (h->out.log[0] == '\0')
			;
		else if (h->out.type < 0)
			log_debug("%s", h->out.log);
		else
			log_info("%s", h->out.log);
	}
	if (proxy_port && n >= BOOTP_OFF_CHADDR + CLIENT_MAC_LEN)
		client_offer_done(buf + BOOTP_OFF_CHADDR);
	if (h->out.seen.valid)
		client_seen_put(&h->out.seen);
	client_stage_dhcp(&h->out.seen, h->out.hostname, proxy_port,
	    h->out.reqtype, h->out.type);
	if (h->out.type < 0) {
		D.st.ignored++;
		free(h);
		return;
	}
	h->fd = fd;
	h->ifindex = from->ifindex;
	h->local = ifa.addr;
	h->sync_errors = D.leases.st.sync_errors;
	if (h->out.proxy_offer) {
		uint32_t	xid;

		D.st.proxy_offers++;
		memcpy(&xid, h->out.buf + BOOTP_OFF_XID, 4);
		client_offer_put(h->out.buf + BOOTP_OFF_CHADDR, ntohl(xid),
		    ifname, ev_now());
	}
	if (h->out.delay_ms > 0) {
		ev_timer_init(&h->timer, dhcp_delayed, h);
		h->next = D.delayed;
		D.delayed = h;
		ev_timer_add(&h->timer, h->out.delay_ms);
	} else if (dhcp_unjournaled(h))
		free(h);
	else if (dhcp_must_hold(h))
		dhcp_hold(h);
	else {
		dhcp_send(h);
		free(h);
	}
}

static void
dhcp_read(int fd, void *arg)
{
	static uint8_t	bufs[UDP_BATCH][DHCP_MAX_LEN];

	udp_drain(fd, &bufs[0][0], DHCP_MAX_LEN, dhcp_handle, arg);
}

/* ---------- other DHCP servers on our LAN ---------- */

static bool
dhcp_is_own(struct in_addr a)
{
	size_t	i;

	for (i = 0; i < D.nifs; i++)
		if (D.ifs[i].addr.s_addr == a.s_addr)
			return true;
	return false;
}

static void
dhcp_detect_read(int fd, void *arg)
{
	const char		*ifname = arg;
	struct dhcp_probe_offer	 o;
	struct udp_from		 from;
	uint8_t			 buf[DHCP_MAX_LEN];
	char			 line[1024];
	ssize_t			 n;

	while ((n = udp_recv(fd, buf, sizeof(buf), &from)) != -1) {
		if (dhcp_probe_offer_parse(buf, (size_t)n, D.detect_xid,
		    from.peer.sin.sin_addr, &o) == -1 || dhcp_is_own(o.server) ||
		    dhcp_is_own(o.from))
			continue;
		dhcp_probe_format(&o, line, sizeof(line));
		log_warnx("dhcp: another DHCP server answers on %s: %s; "
		    "clients may take its offers (pxed-probe -i %s lists "
		    "them)", ifname, line, ifname);
	}
}

static void
dhcp_detect_end(void *arg)
{
	size_t	i;

	(void)arg;
	for (i = 0; i < D.ndetect; i++) {
		ev_fd_del(D.detect_fd[i]);
		close(D.detect_fd[i]);
	}
	D.ndetect = 0;
}

/*
 * Server mode: broadcast one PXE DISCOVER on each interface served and
 * warn, for a few seconds, about every other server that answers.
 */
static void
dhcp_detect_start(const struct conf *conf)
{
	struct dhcp_probe_req	 r;
	struct sockaddr_in	 to;
	struct ifreq		 ifr;
	uint8_t			 pkt[1024];
	const char		*names[DHCP_DETECT_MAX];
	size_t			 nnames = 0, i, j, len;
	int			 fd;

	if (conf->ninterfaces > 0)
		for (i = 0; i < conf->ninterfaces && nnames < DHCP_DETECT_MAX;
		    i++)
			names[nnames++] = conf->interfaces[i];
	else
		for (i = 0; i < D.nifs && nnames < DHCP_DETECT_MAX; i++) {
			const char	*n = udp_ifname(D.ifs[i].ifindex);
			struct in_addr	 where = D.ifs[i].addr;

			for (j = 0; n != NULL && j < conf->dhcp.nranges; j++)
				if ((where.s_addr &
				    conf->dhcp.ranges[j].netmask.s_addr) ==
				    (conf->dhcp.ranges[j].start.s_addr &
				    conf->dhcp.ranges[j].netmask.s_addr))
					break;
			if (n != NULL && j < conf->dhcp.nranges)
				names[nnames++] = n;
		}
	arc4random_buf(&D.detect_xid, sizeof(D.detect_xid));
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons(conf->dhcp.port);
	to.sin_addr.s_addr = INADDR_BROADCAST;
	for (i = 0; i < nnames; i++) {
		memset(&r, 0, sizeof(r));
		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", names[i]);
		if ((fd = dhcp_probe_socket(names[i], DHCP_CLIENT_PORT)) == -1) {
			log_debug("dhcp: cannot look for other servers on %s: "
			    "%s", names[i], strerror(errno));
			continue;
		}
		if (ioctl(fd, SIOCGIFHWADDR, &ifr) == 0)
			memcpy(r.mac, ifr.ifr_hwaddr.sa_data, 6);
		r.xid = D.detect_xid;
		r.arch = 0;
		snprintf(D.detect_if[D.ndetect], IF_NAMESIZE, "%s", names[i]);
		if ((len = dhcp_probe_discover(&r, pkt, sizeof(pkt))) == 0 ||
		    sendto(fd, pkt, len, 0, (struct sockaddr *)&to,
		    sizeof(to)) == -1 || ev_fd_add(fd, dhcp_detect_read,
		    D.detect_if[D.ndetect]) == -1) {
			close(fd);
			continue;
		}
		D.detect_fd[D.ndetect++] = fd;
	}
	if (D.ndetect > 0) {
		ev_timer_init(&D.detect_timer, dhcp_detect_end, NULL);
		ev_timer_add(&D.detect_timer, DHCP_DETECT_MS);
	}
}

/* ---------- life cycle ---------- */

static int
dhcp_socket(uint16_t port)
{
	int	fd, on = 1;

	if ((fd = udp_socket(AF_INET, port, 4 * 1024 * 1024)) == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* lease-database: the pool is shared in PostgreSQL (lease_pg.c). */
static int
dhcp_open_database(const struct conf *conf)
{
#ifdef HAVE_LIBPQ
	lease_pools(&D.leases, conf, dhcp_wallclock());
	dhcp_server_addrs();
	if (lease_pg_open(&D.leases, conf->dhcp.lease_database) == -1)
		return -1;
	D.leases_open = true;
	commit_leases(&D.leases);
	client_leases(&D.leases);
	log_info("dhcp: leases in lease-database (PostgreSQL), shared with "
	    "any other server on it");
	return 0;
#else
	(void)conf;
	log_warnx("dhcp: lease-database: built without libpq");
	return -1;
#endif
}

static int
dhcp_open_leases(const struct conf *conf)
{
	struct stat	 st;
	char		*dir, *slash;

	if (conf->dhcp.lease_database != NULL)
		return dhcp_open_database(conf);
	if ((dir = strdup(conf->dhcp.lease_file)) == NULL)
		return -1;
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (stat(dir, &st) == -1 && mkdir(dir, 0755) == -1) {
			log_warn("dhcp: lease directory %s", dir);
			free(dir);
			return -1;
		}
	}
	free(dir);
	lease_pools(&D.leases, conf, dhcp_wallclock());
	dhcp_server_addrs();
	if (lease_open(&D.leases, conf->dhcp.lease_file,
	    dhcp_wallclock()) == -1) {
		log_warnx("dhcp: cannot use lease file %s",
		    conf->dhcp.lease_file);
		return -1;
	}
	D.leases_open = true;
	commit_leases(&D.leases);
	client_leases(&D.leases);
	log_info("dhcp: %zu lease%s loaded from %s", D.leases.n,
	    D.leases.n == 1 ? "" : "s", conf->dhcp.lease_file);
	return 0;
}

int
dhcp_io_init(const struct conf *conf)
{
	D.conf = conf;
	D.held_tail = &D.held;
	lease_init(&D.leases);
	if (conf->dhcp.mode == CONF_DHCP_OFF)
		return 0;
	dhcp_ifs_scan();
	if (conf->dhcp.mode == CONF_DHCP_SERVER &&
	    dhcp_open_leases(conf) == -1)
		return -1;
	if ((D.fd = dhcp_socket(conf->dhcp.port)) == -1) {
		log_warn("dhcp: cannot bind port %u", conf->dhcp.port);
		return -1;
	}
	D.port = conf->dhcp.port;
	if (conf->dhcp.proxy_port != 0) {
		if ((D.pfd = dhcp_socket(conf->dhcp.proxy_port)) == -1) {
			log_warn("dhcp: cannot bind port %u",
			    conf->dhcp.proxy_port);
			return -1;
		}
		D.pport = conf->dhcp.proxy_port;
	}
	if (ev_fd_add(D.fd, dhcp_read, NULL) == -1 ||
	    (D.pfd != -1 && ev_fd_add(D.pfd, dhcp_read, &D) == -1))
		return -1;
	D.queue.flush = dhcp_flush;
	commit_add(&D.queue);
	ev_timer_init(&D.tick, dhcp_tick, NULL);
	ev_timer_add(&D.tick, 1000);
	D.up = true;
	if (conf->dhcp.mode == CONF_DHCP_SERVER)
		dhcp_detect_start(conf);
	log_info("dhcp: %s mode on port %u%s%.0u", conf_dhcp_mode_name(
	    conf->dhcp.mode), D.port, D.pfd != -1 ? " and " : "",
	    D.pfd != -1 ? D.pport : 0);
	return 0;
}

void
dhcp_io_reload(const struct conf *conf)
{
	const struct conf	*old = D.conf;

	D.conf = conf;
	if (!D.up) {
		if (conf->dhcp.mode != CONF_DHCP_OFF)
			log_warnx("dhcp: turning DHCP on takes a restart");
		return;
	}
	if (conf->dhcp.port != D.port || conf->dhcp.proxy_port != D.pport ||
	    conf->dhcp.mode == CONF_DHCP_OFF)
		log_warnx("dhcp: a new port or mode off takes a restart");
	if (conf->dhcp.mode == CONF_DHCP_SERVER && !D.leases_open) {
		if (dhcp_open_leases(conf) == -1)
			log_warnx("dhcp: server mode without a lease file: "
			    "answering nothing until it can be opened");
		return;
	}
	if (D.leases_open && (old->dhcp.lease_database == NULL) !=
	    (conf->dhcp.lease_database == NULL || (conf->dhcp.lease_database
	    != NULL && strcmp(old->dhcp.lease_database,
	    conf->dhcp.lease_database) != 0)))
		log_warnx("dhcp: a new lease-database takes a restart");
	else if (D.leases_open && strcmp(old->dhcp.lease_file,
	    conf->dhcp.lease_file) != 0)
		log_warnx("dhcp: a new lease-file takes a restart; still "
		    "using %s", old->dhcp.lease_file);
	/* Pools follow the new ranges; leases stay (outside: NAK). */
	dhcp_ifs_scan();
	lease_pools(&D.leases, conf, dhcp_wallclock());
	dhcp_server_addrs();
}

void
dhcp_io_fini(void)
{
	struct dhcp_held	*h, *next;

	if (D.up)
		commit_flush();
	for (h = D.delayed; h != NULL; h = next) {
		next = h->next;
		ev_timer_del(&h->timer);
		free(h);
	}
	D.delayed = NULL;
	if (D.ndetect > 0) {
		ev_timer_del(&D.detect_timer);
		dhcp_detect_end(NULL);
	}
	if (D.up) {
		commit_del(&D.queue);
		ev_timer_del(&D.tick);
	}
	if (D.fd != -1) {
		ev_fd_del(D.fd);
		close(D.fd);
		D.fd = -1;
	}
	if (D.pfd != -1) {
		ev_fd_del(D.pfd);
		close(D.pfd);
		D.pfd = -1;
	}
	client_leases(NULL);
	commit_leases(NULL);
#ifdef HAVE_LIBPQ
	lease_pg_close(&D.leases);
#endif
	lease_fini(&D.leases);
	dhcp_guard_fini(&D.guard);
	D.leases_open = false;
	D.up = false;
}

void
dhcp_io_foreach_lease(void (*fn)(const struct lease *, void *), void *arg)
{
	if (D.leases_open)
		lease_foreach(&D.leases, fn, arg);
}

struct leases *
dhcp_io_leases(void)
{
	return &D.leases;
}

void
dhcp_io_stats(struct dhcp_io_stats *st)
{
	struct lease_stats	ls;

	*st = D.st;
	st->offers_withdrawn = D.guard.withdrawn;
	if (D.leases_open) {
		lease_stats(&D.leases, &ls);
		st->leases_active = (unsigned)ls.acked;
		st->leases_offered = (unsigned)ls.offered;
		st->leases_declined = (unsigned)ls.declined;
	}
}

struct dhcp_sumctx {
	int64_t		now;
	size_t		n;
};

static void
dhcp_summary_lease(const struct lease *l, void *arg)
{
	struct dhcp_sumctx	*c = arg;
	char			 line[256];

	if (!lease_is_live(l, c->now) || c->n++ >= 100)
		return;
	lease_format(l, c->now, line, sizeof(line));
	log_info("lease: %s", line);
}

void
dhcp_io_summary(void)
{
	struct dhcp_io_stats	st;
	struct dhcp_sumctx	c = { dhcp_wallclock(), 0 };

	if (!D.up) {
		log_info("dhcp: off");
		return;
	}
	dhcp_io_stats(&st);
	log_info("dhcp: %s mode; in: discover %" PRIu64 " request %" PRIu64
	    " inform %" PRIu64 " decline %" PRIu64 " release %" PRIu64
	    " bootp %" PRIu64 "; out: offer %" PRIu64 " ack %" PRIu64
	    " nak %" PRIu64 "; ignored %" PRIu64 ", malformed %" PRIu64
	    "; proxy offers %" PRIu64 ", without follow-up %" PRIu64,
	    conf_dhcp_mode_name(D.conf->dhcp.mode), st.in[DHCPDISCOVER],
	    st.in[DHCPREQUEST], st.in[DHCPINFORM], st.in[DHCPDECLINE],
	    st.in[DHCPRELEASE], st.in[0], st.out[DHCPOFFER], st.out[DHCPACK],
	    st.out[DHCPNAK], st.ignored, st.malformed, st.proxy_offers,
	    st.proxy_no_followup);
	if (!D.leases_open)
		return;
	log_info("dhcp: leases: %u active, %u offered, %u declined; journal "
	    "%s, %" PRIu64 " lines, %" PRIu64 " syncs", st.leases_active,
	    st.leases_offered, st.leases_declined, D.leases.path,
	    D.leases.st.journal_lines, D.leases.st.syncs);
	lease_foreach(&D.leases, dhcp_summary_lease, &c);
	if (c.n > 100)
		log_info("dhcp: %zu more leases: pxed --leases lists them all",
		    c.n - 100);
}
