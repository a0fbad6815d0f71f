/*
 * dhcp6_io.c: DHCPv6 sockets and reply delivery.
 *
 *   port 547  (IPV6_PKTINFO, ff02::1:2 joined) ──┐
 *   port 4011 (proxy mode)  ─────────────────────┴─> dhcp6_srv_handle()
 *
 *   reply ─┬─ durable (a Reply binding an address) ──> held ──┐
 *          │                                commit.c: lease_sync(),
 *          └─ other ──────────────────────────────────> send  then send
 *
 * A Reply that binds an address leaves only after its A6 line is on disk
 * (RFC 8415 18.3.2 lets the client use the address at once): the same
 * group commit as the DHCPv4 ACKs (commit.c), one fdatasync() per loop
 * turn for both families.  Replies leave from the address and interface
 * the request came to (IPV6_PKTINFO), to the source it came from (RFC
 * 8415 18.3.10: a Relay-Reply goes to the relay's address and port).
 *
 * The interfaces' addresses come from an rtnetlink dump, which has their
 * flags: a static address is named in boot URLs before a SLAAC,
 * temporary or deprecated one on the same prefix.
 *
 * The server DUID (RFC 8415 11.2, DUID-LLT) is made once from the first
 * served interface's MAC and the time, kept in "<lease-file>.duid" (one
 * line of hex) and read back at start: clients send it back in Request,
 * Renew, Release and Decline, so it must outlive restarts.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "commit.h"
#include "dhcp6_io.h"
#include "dhcp6_pkt.h"
#include "dhcp6_srv.h"
#include "dhcp_io.h"
#include "ev.h"
#include "lease.h"
#include "lease6.h"
#include "log.h"
#include "udp.h"

#define DHCP6_IO_IFS		32	/* interfaces served */
#define DHCP6_IO_DUID_MAX	32
#define DHCP6_IO_TICK_MS	5000	/* new interfaces, addresses */
#define DHCP6_EPOCH_2000	946684800	/* RFC 8415 11.2: DUID time */
#define DHCP6_REPEAT_MS		500	/* a port-4011 Reply, sent again */
#define DHCP6_REPEAT_MAX	64	/* repeats waiting at most */

struct dhcp6_held {
	struct dhcp6_held	*next;
	int			 fd;
	int			 ifindex;
	struct netaddr		 local;		/* AF_UNSPEC: the kernel's */
	uint64_t		 due;		/* repeat: when (monotonic ms) */
	uint64_t		 seq0, seq1;	/* its records: (seq0, seq1] */
	struct dhcp6_srv_out	 out;
};

struct dhcp6_if {
	int		 ifindex;
	bool		 joined;	/* ff02::1:2 on fd (and pfd) */
	bool		 seen;		/* in the last scan */
};

static struct {
	const struct conf	*conf;
	bool			 up;
	bool			 bind_failed;	/* at start: DHCPv6 off */
	int			 fd, pfd;	/* ports 547 and 4011 */
	uint8_t			 duid[DHCP6_IO_DUID_MAX];
	size_t			 duid_len;
	struct dhcp6_io_ifaddr	 addrs[DHCP6_IO_IFADDRS];
	size_t			 naddrs;
	uint64_t		 scanned_at;	/* monotonic ms */
	struct dhcp6_if		 ifs[DHCP6_IO_IFS];
	size_t			 nifs;
	struct dhcp6_held	*held, **held_tail;
	struct dhcp6_held	*rep, **rep_tail;	/* due in order */
	size_t			 nrep;
	struct ev_timer		 rep_timer;
	struct commit_queue	 queue;
	struct ev_timer		 tick;
	struct dhcp6_io_stats	 st;
} X = { .fd = -1, .pfd = -1 };

/* ---------- interfaces: addresses, membership ---------- */

/* Served: named by "interface", else up, multicast and not loopback. */
static bool
dhcp6_if_wanted(const struct ifaddrs *i, int ifindex)
{
	if (X.conf->ninterfaces > 0)
		return udp_iface_allowed(X.conf, ifindex);
	return (i->ifa_flags & IFF_UP) && (i->ifa_flags & IFF_MULTICAST) &&
	    !(i->ifa_flags & IFF_LOOPBACK);
}

static void
dhcp6_if_mark(int ifindex)
{
	size_t	i;

	for (i = 0; i < X.nifs; i++)
		if (X.ifs[i].ifindex == ifindex) {
			X.ifs[i].seen = true;
			return;
		}
	if (X.nifs < DHCP6_IO_IFS) {
		X.ifs[X.nifs].ifindex = ifindex;
		X.ifs[X.nifs].joined = false;
		X.ifs[X.nifs++].seen = true;
	}
}

static int
dhcp6_join_one(int fd, int ifindex)
{
	struct ipv6_mreq	mr;

	memset(&mr, 0, sizeof(mr));
	inet_pton(AF_INET6, DHCP6_ALL_AGENTS, &mr.ipv6mr_multiaddr);
	mr.ipv6mr_interface = (unsigned)ifindex;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr,
	    sizeof(mr)) == -1 && errno != EADDRINUSE)
		return -1;
	return 0;
}

/* Join ff02::1:2 where not yet joined; forget interfaces gone. */
static void
dhcp6_join(void)
{
	size_t	i, j;

	for (i = j = 0; i < X.nifs; i++) {
		struct dhcp6_if	*f = &X.ifs[i];

		if (!f->seen)
			continue;	/* gone: the kernel dropped it */
		if (!f->joined && X.fd != -1) {
			if (dhcp6_join_one(X.fd, f->ifindex) == 0 &&
			    (X.pfd == -1 ||
			    dhcp6_join_one(X.pfd, f->ifindex) == 0)) {
				f->joined = true;
				log_info("dhcp6: listening on %s (%s)",
				    udp_ifname(f->ifindex) != NULL ?
				    udp_ifname(f->ifindex) : "?",
				    DHCP6_ALL_AGENTS);
			} else
				log_debug("dhcp6: cannot join %s on %s: %s",
				    DHCP6_ALL_AGENTS, udp_ifname(f->ifindex) !=
				    NULL ? udp_ifname(f->ifindex) : "?",
				    strerror(errno));
		}
		X.ifs[j++] = *f;
	}
	X.nifs = j;
}

static int
dhcp6_ifaddr_rank(uint32_t f)
{
	if (f & (IFA_F_TENTATIVE | IFA_F_DADFAILED))
		return 4;
	if (f & IFA_F_DEPRECATED)
		return 3;
	if (f & IFA_F_TEMPORARY)
		return 2;
	return (f & IFA_F_PERMANENT) ? 0 : 1;
}

void
dhcp6_io_ifaddr_sort(struct dhcp6_io_ifaddr *a, size_t n)
{
	struct dhcp6_io_ifaddr	t;
	size_t			i, j;

	for (i = 1; i < n; i++) {
		t = a[i];
		for (j = i; j > 0 && dhcp6_ifaddr_rank(a[j - 1].flags) >
		    dhcp6_ifaddr_rank(t.flags); j--)
			a[j] = a[j - 1];
		a[j] = t;
	}
}

/* One RTM_NEWADDR of the dump: its address and flags into X.addrs. */
static void
dhcp6_addr_msg(const struct nlmsghdr *h, void *arg)
{
	const struct ifaddrmsg	*ifa = NLMSG_DATA(h);
	const struct rtattr	*rta;
	const void		*local = NULL, *addr = NULL;
	uint32_t		 flags;
	int			 len;

	(void)arg;
	if (h->nlmsg_type != RTM_NEWADDR ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)) ||
	    ifa->ifa_family != AF_INET6 || X.naddrs >= DHCP6_IO_IFADDRS)
		return;
	flags = ifa->ifa_flags;
	len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*ifa));
	for (rta = IFA_RTA(ifa); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (rta->rta_type == IFA_FLAGS && RTA_PAYLOAD(rta) == 4)
			memcpy(&flags, RTA_DATA(rta), 4);
		else if (rta->rta_type == IFA_LOCAL &&
		    RTA_PAYLOAD(rta) == sizeof(struct in6_addr))
			local = RTA_DATA(rta);
		else if (rta->rta_type == IFA_ADDRESS &&
		    RTA_PAYLOAD(rta) == sizeof(struct in6_addr))
			addr = RTA_DATA(rta);
	}
	if (local != NULL)	/* point-to-point: IFA_ADDRESS is the peer */
		addr = local;
	if (addr == NULL || (flags & IFA_F_DADFAILED))
		return;
	X.addrs[X.naddrs].ifindex = (int)ifa->ifa_index;
	memcpy(&X.addrs[X.naddrs].addr, addr, sizeof(struct in6_addr));
	X.addrs[X.naddrs++].flags = flags;
}

/*
 * The addresses with their flags, which getifaddrs() does not give:
 * static or autoconfigured, temporary, deprecated, tentative.  Failing
 * rtnetlink, getifaddrs()'s addresses stay, all taken as static.
 */
static void
dhcp6_scan_flags(void)
{
	struct dhcp6_io_ifaddr	keep[DHCP6_IO_IFADDRS];
	struct ifaddrmsg	ifa;
	size_t			nkeep = X.naddrs;

	memcpy(keep, X.addrs, nkeep * sizeof(keep[0]));
	memset(&ifa, 0, sizeof(ifa));
	ifa.ifa_family = AF_INET6;
	X.naddrs = 0;
	if (udp_nl_dump(RTM_GETADDR, &ifa, sizeof(ifa), dhcp6_addr_msg,
	    NULL) == -1) {
		memcpy(X.addrs, keep, nkeep * sizeof(keep[0]));
		X.naddrs = nkeep;
	}
	dhcp6_io_ifaddr_sort(X.addrs, X.naddrs);
}

/* Every interface's IPv6 addresses, and the interfaces served. */
static void
dhcp6_scan(void)
{
	struct ifaddrs	*ifa, *i;
	size_t		 k;
	int		 idx;

	X.scanned_at = ev_now();
	if (getifaddrs(&ifa) == -1) {
		log_warn("dhcp6: getifaddrs");
		return;
	}
	X.naddrs = 0;
	for (k = 0; k < X.nifs; k++)
		X.ifs[k].seen = false;
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || (idx = (int)if_nametoindex(
		    i->ifa_name)) == 0)
			continue;
		if (i->ifa_addr->sa_family == AF_INET6 &&
		    X.naddrs < DHCP6_IO_IFADDRS) {
			X.addrs[X.naddrs].ifindex = idx;
			X.addrs[X.naddrs].flags = IFA_F_PERMANENT;
			X.addrs[X.naddrs++].addr = ((struct sockaddr_in6 *)
			    (void *)i->ifa_addr)->sin6_addr;
		}
		if (i->ifa_addr->sa_family == AF_INET6 && dhcp6_if_wanted(i, idx))
			dhcp6_if_mark(idx);
	}
	freeifaddrs(ifa);
	dhcp6_scan_flags();
	dhcp6_join();
}

size_t
dhcp6_io_ifaddrs(int ifindex, struct in6_addr *out, size_t cap)
{
	size_t	i, n = 0;
	int	pass;

	for (pass = 0; pass < 2 && n == 0; pass++) {
		if (pass == 1) {
			if (ev_now() - X.scanned_at < 1000)
				break;
			dhcp6_scan();
		}
		for (i = 0; i < X.naddrs && n < cap; i++)
			if (X.addrs[i].ifindex == ifindex)
				out[n++] = X.addrs[i].addr;
	}
	return n;
}

size_t
dhcp6_io_served(int *out, size_t cap)
{
	size_t	i;

	for (i = 0; i < X.nifs && i < cap; i++)
		out[i] = X.ifs[i].ifindex;
	return i;
}

/* ---------- the server DUID ---------- */

/* The MAC of the first served interface that has one. */
static bool
dhcp6_first_mac(uint8_t mac[6])
{
	static const uint8_t	zero[6];
	struct ifreq		ifr;
	size_t			i;
	int			fd;

	if ((fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return false;
	for (i = 0; i < X.nifs; i++) {
		memset(&ifr, 0, sizeof(ifr));
		if (if_indextoname((unsigned)X.ifs[i].ifindex,
		    ifr.ifr_name) == NULL || ioctl(fd, SIOCGIFHWADDR,
		    &ifr) == -1 || ifr.ifr_hwaddr.sa_family != 1 ||
		    memcmp(ifr.ifr_hwaddr.sa_data, zero, 6) == 0)
			continue;
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
		close(fd);
		return true;
	}
	close(fd);
	return false;
}

/* RFC 8415 11.2 (DUID-LLT), else 11.5 (DUID-UUID, random) with no MAC. */
static void
dhcp6_duid_make(void)
{
	uint8_t		mac[6];
	uint32_t	t = (uint32_t)((int64_t)time(NULL) - DHCP6_EPOCH_2000);

	if (dhcp6_first_mac(mac)) {
		X.duid[0] = 0;
		X.duid[1] = 1;			/* DUID-LLT */
		X.duid[2] = 0;
		X.duid[3] = 1;			/* hardware type Ethernet */
		X.duid[4] = (uint8_t)(t >> 24);
		X.duid[5] = (uint8_t)(t >> 16);
		X.duid[6] = (uint8_t)(t >> 8);
		X.duid[7] = (uint8_t)t;
		memcpy(X.duid + 8, mac, 6);
		X.duid_len = 14;
		return;
	}
	X.duid[0] = 0;
	X.duid[1] = 4;				/* DUID-UUID */
	arc4random_buf(X.duid + 2, 16);
	X.duid[2 + 6] = (uint8_t)((X.duid[2 + 6] & 0x0f) | 0x40);
	X.duid[2 + 8] = (uint8_t)((X.duid[2 + 8] & 0x3f) | 0x80);
	X.duid_len = 18;
}

static int
dhcp6_duid_read(const char *path)
{
	char	line[2 * DHCP6_IO_DUID_MAX + 8];
	size_t	n;
	FILE	*fp;

	if ((fp = fopen(path, "re")) == NULL)
		return -1;
	if (fgets(line, sizeof(line), fp) == NULL) {
		fclose(fp);
		return -1;
	}
	fclose(fp);
	line[strcspn(line, "\r\n")] = '\0';
	n = lease_unhex(line, X.duid, sizeof(X.duid));
	if (n == SIZE_MAX || n < 4) {	/* type and some identifier */
		log_warnx("dhcp6: %s: not a DUID in hex: making a new one",
		    path);
		return -1;
	}
	X.duid_len = n;
	return 0;
}

/* Write path atomically: a temporary file, fsync, rename. */
static int
dhcp6_duid_write(const char *path)
{
	char	tmp[4096], hex[2 * DHCP6_IO_DUID_MAX + 1];
	int	fd, n;

	lease_hex(hex, X.duid, X.duid_len);
	if ((n = snprintf(tmp, sizeof(tmp), "%s.tmp", path)) < 0 ||
	    (size_t)n >= sizeof(tmp) || (fd = open(tmp, O_WRONLY | O_CREAT |
	    O_TRUNC | O_CLOEXEC, 0644)) == -1)
		return -1;
	if (dprintf(fd, "%s\n", hex) < 0 || fsync(fd) == -1) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) == -1) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static void
dhcp6_duid_load(const struct conf *conf)
{
	char	path[4096], hex[2 * DHCP6_IO_DUID_MAX + 1];
	int	n;

	n = snprintf(path, sizeof(path), "%s.duid", conf->dhcp.lease_file);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		dhcp6_duid_make();
		return;
	}
	if (dhcp6_duid_read(path) == 0) {
		lease_hex(hex, X.duid, X.duid_len);
		log_info("dhcp6: server DUID %s (from %s)", hex, path);
		return;
	}
	dhcp6_duid_make();
	lease_hex(hex, X.duid, X.duid_len);
	if (dhcp6_duid_write(path) == -1)
		log_warn("dhcp6: server DUID %s not saved to %s: clients "
		    "will see a new one after a restart", hex, path);
	else
		log_info("dhcp6: new server DUID %s, saved in %s", hex, path);
}

/* ---------- sending ---------- */

static int
dhcp6_send_raw(const struct dhcp6_held *h)
{
	union netaddr_sock	to;

	memset(&to, 0, sizeof(to));
	to.sin6 = h->out.to;
	return udp_send(h->fd, &to, &h->local, h->ifindex, h->out.buf,
	    h->out.len);
}

static void
dhcp6_send(struct dhcp6_held *h)
{
	if (dhcp6_send_raw(h) == 0 && h->out.type >= 0 &&
	    h->out.type < DHCP6_IO_TYPES)
		X.st.out[h->out.type]++;
}

static struct netaddr	dhcp6_given(const struct dhcp6_srv_out *);

/* Whether a record of h lost its address to another server's client. */
static bool
dhcp6_lost(const struct dhcp6_held *h)
{
	static struct log_rate	 rate;
	uint64_t		 s;
	char			 a[INET6_ADDRSTRLEN];
	struct netaddr		 given;

	for (s = h->seq0 + 1; s <= h->seq1; s++)
		if (commit_lost(s))
			break;
	if (s > h->seq1)
		return false;
	X.st.dropped_lost++;
	given = dhcp6_given(&h->out);
	if (given.family != AF_INET6)
		snprintf(a, sizeof(a), "-");
	else
		inet_ntop(AF_INET6, &given.u.v6, a, sizeof(a));
	log_rated(&rate, LOG_INFO, "dhcp6: %s %s dropped: another server's "
	    "client holds an address of it", h->out.type == DHCP6_ADVERTISE ?
	    "ADVERTISE" : "REPLY", a);
	return true;
}

/* commit.c: the batch is durable (or not): send or drop its replies. */
static void
dhcp6_flush(struct commit_queue *q, bool synced)
{
	struct dhcp6_held	*h, *next;
	size_t			 b = q->batch;

	/* The first b held replies are the batch; the rest wait. */
	h = X.held;
	for (; b > 0 && h != NULL; b--, h = next) {
		next = h->next;
		X.held = next;
		if (next == NULL)
			X.held_tail = &X.held;
		if (!synced)
			X.st.dropped_sync++;
		else if (!dhcp6_lost(h))
			dhcp6_send(h);
		free(h);
	}
}

static void
dhcp6_hold(struct dhcp6_held *h)
{
	h->next = NULL;
	*X.held_tail = h;
	X.held_tail = &h->next;
	commit_held(&X.queue);
}

/*
 * A Reply on the PXE port 4011 goes out twice, the second 0.5 s after
 * the first.  EDK2's PXEv6 (PxeBcRequestBootService) sends its boot
 * server Request, then opens the socket its Reply is read from, reads
 * once for 3 s and never asks again: a Reply that arrives in between is
 * lost and the boot fails ("PXE-E16: No valid offer received").  Seen on
 * OVMF under load; the client takes the first copy and drops the other.
 */
static void
dhcp6_repeat_run(void *arg)
{
	struct dhcp6_held	*h;

	(void)arg;
	while ((h = X.rep) != NULL && h->due <= ev_now()) {
		if ((X.rep = h->next) == NULL)
			X.rep_tail = &X.rep;
		X.nrep--;
		if (X.pfd != -1 && dhcp6_send_raw(h) == 0)
			X.st.repeats++;
		free(h);
	}
	if (X.rep != NULL)
		ev_timer_add(&X.rep_timer, X.rep->due - ev_now());
}

/* Send h now and keep it for its repeat (or free it: at the bound). */
static void
dhcp6_send_repeat(struct dhcp6_held *h)
{
	dhcp6_send(h);
	if (X.nrep >= DHCP6_REPEAT_MAX) {
		free(h);
		return;
	}
	h->due = ev_now() + DHCP6_REPEAT_MS;
	h->next = NULL;
	*X.rep_tail = h;
	X.rep_tail = &h->next;
	if (X.nrep++ == 0)
		ev_timer_add(&X.rep_timer, DHCP6_REPEAT_MS);
}

static void
dhcp6_repeat_clear(void)
{
	struct dhcp6_held	*h;

	ev_timer_del(&X.rep_timer);
	while ((h = X.rep) != NULL) {
		X.rep = h->next;
		free(h);
	}
	X.rep_tail = &X.rep;
	X.nrep = 0;
}

/* ---------- receiving ---------- */

/* The address the Reply gave the client (not relayed), else unset. */
static struct netaddr
dhcp6_given(const struct dhcp6_srv_out *o)
{
	struct dhcp6_msg	m;
	struct netaddr		a;
	size_t			i;

	memset(&a, 0, sizeof(a));
	if (o->type != DHCP6_REPLY || o->len == 0 ||
	    o->buf[0] != DHCP6_REPLY ||
	    dhcp6_pkt_parse(o->buf, o->len, &m) != DHCP6_POK)
		return a;
	/* The first IA with an address (an IA_PD may come first). */
	for (i = 0; i < m.nia; i++)
		if (m.ia[i].naddr > 0 && m.ia[i].addr[0].valid > 0) {
			a.family = AF_INET6;
			a.u.v6 = m.ia[i].addr[0].addr;
			break;
		}
	return a;
}

/* What the request said, for TFTP and HTTP (client.c). */
static void
dhcp6_seen(const uint8_t *buf, size_t n, const struct udp_from *from,
    const struct dhcp6_srv_out *o)
{
	static struct rules_req	 req;	/* large: not on the stack */
	struct dhcp6_msg	 m;
	struct client_seen	 s;
	struct netaddr		 a;

	if (!o->has_mac || dhcp6_pkt_parse(buf, n, &m) != DHCP6_POK)
		return;
	dhcp6_srv_rules_req(&m, &from->peer.sin6.sin6_addr, &req);
	a = dhcp6_given(o);
	client_seen_fill6(&req, o->mac, &a, &s);
	client_seen_put(&s);
}

static void
dhcp6_log(const struct dhcp6_srv_out *o)
{
	if (o->reqtype < 0) {
		X.st.malformed++;
		log_info("%s", o->log);
		return;
	}
	if (o->reqtype < DHCP6_IO_TYPES)
		X.st.in[o->reqtype]++;
	if (o->log[0] == '\0')
		return;
	if (o->type < 0)
		log_debug("%s", o->log);
	else
		log_info("%s", o->log);
}

static void
dhcp6_handle(int fd, void *arg, const uint8_t *buf, size_t n,
    const struct udp_from *from)
{
	bool			 proxy_port = arg != NULL;
	struct dhcp6_srv_in	 in;
	struct dhcp6_held	*h;
	struct in6_addr		 addrs[16];
	char			 ifname[IF_NAMESIZE];
	const char		*name;

	if (udp_from_port(from) == 0 || from->peer.sa.sa_family != AF_INET6 ||
	    !udp_iface_allowed(X.conf, from->ifindex))
		return;
	if ((name = udp_ifname(from->ifindex)) != NULL)
		snprintf(ifname, sizeof(ifname), "%s", name);
	else
		snprintf(ifname, sizeof(ifname), "if%d", from->ifindex);
	if ((h = malloc(sizeof(*h))) == NULL) {
		log_warn("dhcp6: malloc");
		return;
	}
	memset(&in, 0, sizeof(in));
	in.conf = X.conf;
	in.leases = commit_store();	/* NULL: the lease file is not open */
	in.now = (int64_t)time(NULL);
	in.duid = X.duid;
	in.duid_len = X.duid_len;
	in.ifname = ifname;
	in.ifaddrs = addrs;
	in.nifaddrs = dhcp6_io_ifaddrs(from->ifindex, addrs, 16);
	in.src = from->peer.sin6;
	/* RFC 8415 16: what came to ff02::1:2 was multicast. */
	in.unicast = from->local.family == AF_INET6 &&
	    !IN6_IS_ADDR_MULTICAST(&from->local.u.v6);
	in.proxy_port = proxy_port;
	in.loglevel = log_getlevel();
	h->seq0 = commit_seq();
	dhcp6_srv_handle(&in, buf, n, &h->out);
	/* Records made (an Advertise's claim too): durable first. */
	h->seq1 = commit_seq();
	if (h->seq1 != h->seq0)
		h->out.durable = true;
	dhcp6_log(&h->out);
	if (h->out.type >= 0)	/* only what pxed answered */
		dhcp6_seen(buf, n, from, &h->out);
	if (h->out.type < 0) {
		X.st.ignored++;
		free(h);
		return;
	}
	h->fd = fd;
	h->ifindex = from->ifindex;
	memset(&h->local, 0, sizeof(h->local));
	if (in.unicast)
		h->local = from->local;	/* answer from where it was sent */
	if (h->out.durable && commit_store() == NULL) {
		/* Never bind an address that no journal holds. */
		X.st.dropped_sync++;
		free(h);
	} else if (h->out.durable)
		dhcp6_hold(h);
	else if (proxy_port)
		dhcp6_send_repeat(h);
	else {
		dhcp6_send(h);
		free(h);
	}
}

static void
dhcp6_read(int fd, void *arg)
{
	static uint8_t	bufs[UDP_BATCH][DHCP6_MAX_LEN];

	udp_drain(fd, &bufs[0][0], DHCP6_MAX_LEN, dhcp6_handle, arg);
}

static void
dhcp6_tick(void *arg)
{
	(void)arg;
	dhcp6_scan();
	/* Advertise holds, releases, old bindings: memory stays bounded. */
	lease6_expire(dhcp_io_leases(), (int64_t)time(NULL));
	ev_timer_add(&X.tick, DHCP6_IO_TICK_MS);
}

/* ---------- life cycle ---------- */

static int
dhcp6_open(uint16_t port, bool required)
{
	int	fd;

	if ((fd = udp_socket(AF_INET6, port, 4 * 1024 * 1024)) == -1) {
		if (required)
			log_warn("dhcp6: cannot bind port %u", port);
		else
			log_warn("dhcp6: cannot bind port %u over IPv6 (no "
			    "IPv6, or another DHCPv6 server has it): DHCPv6 "
			    "off", port);
		return -1;
	}
	if (ev_fd_add(fd, dhcp6_read, port == DHCP6_SERVER_PORT ? NULL :
	    &X) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Only a server with a range6 was asked for DHCPv6 in so many words: a
 * proxy (the default ipv6 = yes) on a host without IPv6, or beside
 * dnsmasq or Kea holding port 547, serves IPv4 alone, as TFTP does.
 */
int
dhcp6_io_init(const struct conf *conf)
{
	bool	required = conf->dhcp.mode == CONF_DHCP_SERVER;

	X.conf = conf;
	X.held_tail = &X.held;
	X.rep_tail = &X.rep;
	ev_timer_init(&X.rep_timer, dhcp6_repeat_run, NULL);
	X.bind_failed = false;
	if (!dhcp6_srv_enabled(conf))
		return 0;
	if ((X.fd = dhcp6_open(DHCP6_SERVER_PORT, required)) == -1 ||
	    (conf->dhcp.mode == CONF_DHCP_PROXY && conf->dhcp.proxy_port !=
	    0 && (X.pfd = dhcp6_open(conf->dhcp.proxy_port, required)) ==
	    -1)) {
		dhcp6_io_fini();
		X.bind_failed = true;
		return required ? -1 : 0;
	}
	dhcp6_scan();
	dhcp6_duid_load(conf);
	X.queue.flush = dhcp6_flush;
	commit_add(&X.queue);
	ev_timer_init(&X.tick, dhcp6_tick, NULL);
	ev_timer_add(&X.tick, DHCP6_IO_TICK_MS);
	X.up = true;
	log_info("dhcp6: %s mode on port %u%s%.0u",
	    conf_dhcp_mode_name(conf->dhcp.mode), DHCP6_SERVER_PORT,
	    X.pfd != -1 ? " and " : "", X.pfd != -1 ?
	    conf->dhcp.proxy_port : 0);
	return 0;
}

void
dhcp6_io_reload(const struct conf *conf)
{
	X.conf = conf;
	if (!X.up) {
		if (dhcp6_srv_enabled(conf) && X.bind_failed)
			log_warnx("dhcp6: port %u could not be bound at "
			    "start: DHCPv6 off until a restart",
			    DHCP6_SERVER_PORT);
		else if (dhcp6_srv_enabled(conf))
			log_warnx("dhcp6: turning DHCPv6 on takes a restart");
		return;
	}
	if (!dhcp6_srv_enabled(conf))
		log_warnx("dhcp6: turning DHCPv6 off takes a restart");
	/* Interfaces may differ: leave none joined, join the new set. */
	X.nifs = 0;
	dhcp6_scan();
}

void
dhcp6_io_fini(void)
{
	if (X.up) {
		commit_flush();
		commit_del(&X.queue);
		ev_timer_del(&X.tick);
		dhcp6_repeat_clear();
	}
	if (X.fd != -1) {
		ev_fd_del(X.fd);
		close(X.fd);
		X.fd = -1;
	}
	if (X.pfd != -1) {
		ev_fd_del(X.pfd);
		close(X.pfd);
		X.pfd = -1;
	}
	X.nifs = 0;
	X.up = false;
}

/* ---------- what /metrics, /state and SIGUSR1 show ---------- */

void
dhcp6_io_foreach_lease(void (*fn)(const struct lease6 *, void *), void *arg)
{
	if (X.up && commit_store() != NULL)
		lease6_foreach(commit_store(), fn, arg);
}

static void
dhcp6_count(const struct lease6 *l, void *arg)
{
	struct dhcp6_io_stats	*st = arg;

	if (!lease6_is_live(l, (int64_t)time(NULL)))
		return;
	if (l->state == LEASE_ACKED)
		st->bindings_active++;
	else if (l->state == LEASE_OFFERED)
		st->bindings_offered++;
	else if (l->state == LEASE_DECLINED)
		st->bindings_declined++;
}

void
dhcp6_io_stats(struct dhcp6_io_stats *st)
{
	*st = X.st;
	st->bindings_active = st->bindings_offered = 0;
	st->bindings_declined = 0;
	if (X.up)
		lease6_foreach(dhcp_io_leases(), dhcp6_count, st);
}

void
dhcp6_io_summary(void)
{
	struct dhcp6_io_stats	st;

	if (!X.up) {
		log_info("dhcp6: off");
		return;
	}
	dhcp6_io_stats(&st);
	log_info("dhcp6: %s mode; in: solicit %" PRIu64 " request %" PRIu64
	    " confirm %" PRIu64 " renew %" PRIu64 " rebind %" PRIu64
	    " release %" PRIu64 " decline %" PRIu64 " information-request %"
	    PRIu64 " relay-forw %" PRIu64 "; out: advertise %" PRIu64
	    " reply %" PRIu64 " (repeated %" PRIu64 ") relay-repl %" PRIu64
	    "; ignored %" PRIu64
	    ", malformed %" PRIu64 ", not durable %" PRIu64 "; bindings %u "
	    "active, %u offered, %u declined",
	    conf_dhcp_mode_name(X.conf->dhcp.mode), st.in[DHCP6_SOLICIT],
	    st.in[DHCP6_REQUEST], st.in[DHCP6_CONFIRM], st.in[DHCP6_RENEW],
	    st.in[DHCP6_REBIND], st.in[DHCP6_RELEASE], st.in[DHCP6_DECLINE],
	    st.in[DHCP6_INFORMATION_REQUEST], st.in[DHCP6_RELAY_FORW],
	    st.out[DHCP6_ADVERTISE], st.out[DHCP6_REPLY], st.repeats,
	    st.out[DHCP6_RELAY_REPL], st.ignored, st.malformed,
	    st.dropped_sync, st.bindings_active, st.bindings_offered,
	    st.bindings_declined);
}
