/*
 * pxed-probe.c: which DHCP and proxyDHCP servers answer a PXE client on
 * this LAN, and what they offer.
 *
 * One DISCOVER is broadcast out of one interface; every reply to it is
 * collected until the wait is over, and each server is printed once.
 * With -r, each proxyDHCP server is then asked on port 4011, as PXE
 * firmware does, and its ACK printed.  With -6, one PXE Solicit goes to
 * ff02::1:2 instead, and each DHCPv6 server that answers is printed once.
 * Nothing else is ever sent.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/select.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dhcp_pkt.h"
#include "dhcp_probe.h"
#include "dhcp_proto.h"
#include "dhcp6_pkt.h"
#include "dhcp6_probe.h"

#define PROBE_EXIT_FOUND	0
#define PROBE_EXIT_NONE		1
#define PROBE_EXIT_USAGE	2

#define PROBE_CLIENT_PORT	68
#define PROBE_SERVER_PORT	67
#define PROBE_MAXSERVERS	64
#define PROBE_LINE		4096

#define DHCPOFFER		2
#define DHCPACK			5
#define DHCPNAK			6

/* A server seen answering; a host may run a DHCP and a proxy server. */
struct probe_server {
	struct in_addr	 server;
	bool		 proxy;
	bool		 asked, answered;	/* -r: port 4011 */
};

static struct probe_server	servers[PROBE_MAXSERVERS];
static size_t			nservers;
static int			verbose;

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: pxed-probe -i interface [-6HhrUv] [-a arch] "
	    "[-c vendorclass] [-m mac]\n"
	    "                  [-t seconds]\n"
	    "  -i IFACE    broadcast a PXE DISCOVER out of IFACE (required)\n"
	    "  -6          send a PXE Solicit to ff02::1:2 instead: DHCPv6 "
	    "servers\n"
	    "  -a ARCH     client architecture: a name (bios, efi-x64, "
	    "http-x64, ...)\n"
	    "              or a number (default efi-x64, 7)\n"
	    "  -c CLASS    vendor class (option 60; -6: 16) instead of "
	    "PXEClient:Arch:...\n"
	    "  -U          add user class \"iPXE\" (option 77; -6: 15), as iPXE "
	    "does\n"
	    "  -H          be a UEFI HTTP boot client (HTTPClient:Arch:...)\n"
	    "  -m MAC      client hardware address (default: IFACE's)\n"
	    "  -t SECONDS  how long to collect replies, 1 to 60 (default 3)\n"
	    "  -r          also ask each proxyDHCP server on port 4011 (IPv4)\n"
	    "  -v          tell what is sent and received on stderr\n"
	    "  -h          print this help and exit\n");
}

static int
probe_arch(const char *s, uint16_t *arch)
{
	const struct dhcp_arch	*a;
	char			*end;
	unsigned long		 n;

	if ((a = dhcp_proto_arch_lookup(s)) != NULL) {
		*arch = a->codes[0];
		return 0;
	}
	errno = 0;
	n = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || n > 0xffff)
		return -1;
	*arch = (uint16_t)n;
	return 0;
}

static int
probe_mac(const char *s, uint8_t mac[6])
{
	unsigned	v[6];
	char		sep[6];
	int		i, n;

	if (strlen(s) != 17 ||
	    sscanf(s, "%2x%c%2x%c%2x%c%2x%c%2x%c%2x%n", &v[0], &sep[0], &v[1],
	    &sep[1], &v[2], &sep[2], &v[3], &sep[3], &v[4], &sep[4], &v[5],
	    &n) != 11 || n != 17)
		return -1;
	for (i = 0; i < 6; i++) {
		if (i < 5 && sep[i] != ':' && sep[i] != '-')
			return -1;
		mac[i] = (uint8_t)v[i];
	}
	/* sscanf's %x takes a sign or "0x": only hex digits will do. */
	for (i = 0; i < 17; i++)
		if (i % 3 != 2 && strchr("0123456789abcdefABCDEF", s[i]) ==
		    NULL)
			return -1;
	return 0;
}

static int
probe_ifmac(int fd, const char *ifname, uint8_t mac[6])
{
	struct ifreq	ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == -1)
		return -1;
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

static int
probe_ifaddr(int fd, const char *ifname, struct in_addr *addr)
{
	struct ifreq		ifr;
	struct sockaddr_in	sin;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_addr.sa_family = AF_INET;
	if (ioctl(fd, SIOCGIFADDR, &ifr) == -1)
		return -1;
	memcpy(&sin, &ifr.ifr_addr, sizeof(sin));
	*addr = sin.sin_addr;
	return 0;
}

static uint32_t
probe_xid(void)
{
	uint32_t	xid;

	if (getrandom(&xid, sizeof(xid), GRND_NONBLOCK) != sizeof(xid))
		xid = (uint32_t)time(NULL) ^ (uint32_t)getpid() << 16;
	return xid;
}

static int
probe_send(int fd, const uint8_t *pkt, size_t len, struct in_addr to,
    uint16_t port)
{
	struct sockaddr_in	sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr = to;
	if (sendto(fd, pkt, len, 0, (struct sockaddr *)&sin, sizeof(sin)) !=
	    (ssize_t)len)
		return -1;
	return 0;
}

static long long
probe_ms_left(const struct timespec *end)
{
	struct timespec	now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)(end->tv_sec - now.tv_sec) * 1000 +
	    (end->tv_nsec - now.tv_nsec) / 1000000;
}

/* What to do with a reply; true when nothing more is awaited. */
typedef bool (*probe_fn)(const struct dhcp_probe_offer *o, uint16_t port);
/* What to do with a datagram, of either family; the same. */
typedef bool (*probe_dgram_fn)(const uint8_t *buf, size_t n,
    const struct sockaddr_storage *from, void *ctx);

/* "ADDR:PORT" or "[ADDR]:PORT" of a datagram's source. */
static const char *
probe_from(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6	*sin6 = (const struct sockaddr_in6 *)ss;
	char				 a[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", inet_ntop(AF_INET6,
		    &sin6->sin6_addr, a, sizeof(a)), ntohs(sin6->sin6_port));
	else
		snprintf(buf, len, "%s:%u", inet_ntop(AF_INET,
		    &sin->sin_addr, a, sizeof(a)), ntohs(sin->sin_port));
	return buf;
}

/*
 * Read datagrams for secs seconds at most, handing each to fn.  The
 * deadline is fixed: a flood of packets cannot make the wait longer.
 */
static void
probe_recv(int fd, int secs, probe_dgram_fn fn, void *ctx)
{
	static uint8_t		 buf[DHCP_MAX_LEN + 1];
	struct sockaddr_storage	 ss;
	struct timespec		 end;
	socklen_t		 slen;
	struct timeval		 tv;
	fd_set			 rfds;
	long long		 ms;
	ssize_t			 n;
	int			 i;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += secs;
	while ((ms = probe_ms_left(&end)) > 0) {
		FD_ZERO(&rfds);
		FD_SET(fd, &rfds);
		tv.tv_sec = (time_t)(ms / 1000);
		tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
		if (select(fd + 1, &rfds, NULL, NULL, &tv) == -1) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "pxed-probe: select: %s\n",
			    strerror(errno));
			return;
		}
		/* Drain what is there, a bounded number at a time. */
		for (i = 0; i < 64; i++) {
			slen = sizeof(ss);
			n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
			    (struct sockaddr *)&ss, &slen);
			if (n == -1) {
				if (errno != EAGAIN && errno != EWOULDBLOCK &&
				    errno != EINTR)
					fprintf(stderr, "pxed-probe: recv: "
					    "%s\n", strerror(errno));
				break;
			}
			if (fn(buf, (size_t)n, &ss, ctx))
				return;
		}
	}
}

struct probe_ctx4 {
	uint32_t	xid;
	probe_fn	fn;
};

static bool
probe_on_dgram4(const uint8_t *buf, size_t n,
    const struct sockaddr_storage *ss, void *ctx)
{
	const struct probe_ctx4		*c = ctx;
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)ss;
	struct dhcp_probe_offer		 o;
	char				 a[INET6_ADDRSTRLEN + 8];

	probe_from(ss, a, sizeof(a));
	if (ss->ss_family != AF_INET || dhcp_probe_offer_parse(buf, n,
	    c->xid, sin->sin_addr, &o) == -1) {
		if (verbose)
			fprintf(stderr, "pxed-probe: ignored %zu bytes from "
			    "%s: not a reply to this probe\n", n, a);
		return false;
	}
	if (verbose)
		fprintf(stderr, "pxed-probe: %zu bytes from %s, message type "
		    "%d\n", n, a, o.msgtype);
	return c->fn(&o, ntohs(sin->sin_port));
}

/* Read replies to xid for secs seconds at most, handing each to fn. */
static void
probe_collect(int fd, uint32_t xid, int secs, probe_fn fn)
{
	struct probe_ctx4	c = { xid, fn };

	probe_recv(fd, secs, probe_on_dgram4, &c);
}

static void
probe_print(const struct dhcp_probe_offer *o)
{
	char	line[PROBE_LINE];

	dhcp_probe_format(o, line, sizeof(line));
	printf("%s\n", line);
	fflush(stdout);
}

/* The DISCOVER's replies: each server once. */
static bool
probe_on_offer(const struct dhcp_probe_offer *o, uint16_t port)
{
	size_t	i;

	if (o->msgtype != DHCPOFFER && o->msgtype != 0) {
		if (verbose)
			fprintf(stderr, "pxed-probe: not an offer "
			    "(message type %d), ignored\n", o->msgtype);
		return false;
	}
	for (i = 0; i < nservers; i++)
		if (servers[i].server.s_addr == o->server.s_addr &&
		    servers[i].proxy == o->proxy) {
			if (verbose)
				fprintf(stderr, "pxed-probe: the same server "
				    "again, ignored\n");
			return false;
		}
	if (nservers == PROBE_MAXSERVERS) {
		if (verbose)
			fprintf(stderr, "pxed-probe: more than %d servers, "
			    "ignored\n", PROBE_MAXSERVERS);
		return false;
	}
	servers[nservers].server = o->server;
	servers[nservers].proxy = o->proxy;
	nservers++;
	probe_print(o);
	return false;
}

/* -r: the proxies' ACKs from port 4011. */
static bool
probe_on_ack(const struct dhcp_probe_offer *o, uint16_t port)
{
	size_t	i, left = 0;
	bool	mine = false;

	if (o->msgtype != DHCPACK && o->msgtype != DHCPNAK)
		return false;
	for (i = 0; i < nservers; i++)
		if (servers[i].asked && !servers[i].answered &&
		    (servers[i].server.s_addr == o->server.s_addr ||
		    servers[i].server.s_addr == o->from.s_addr)) {
			servers[i].answered = true;
			mine = true;
			break;
		}
	if (!mine) {
		if (verbose)
			fprintf(stderr, "pxed-probe: an answer from a server "
			    "not asked, ignored\n");
		return false;
	}
	probe_print(o);
	for (i = 0; i < nservers; i++)
		if (servers[i].asked && !servers[i].answered)
			left++;
	return left == 0;
}

/* -r: send the REQUEST to each proxy not heard from yet; how many. */
static size_t
probe_send_proxies(int fd, const uint8_t *pkt, size_t len)
{
	char	a[INET_ADDRSTRLEN];
	size_t	i, n = 0;

	for (i = 0; i < nservers; i++) {
		if (!servers[i].proxy || servers[i].answered)
			continue;
		inet_ntop(AF_INET, &servers[i].server, a, sizeof(a));
		if (probe_send(fd, pkt, len, servers[i].server,
		    DHCP_PROBE_PROXY_PORT) == -1) {
			fprintf(stderr, "pxed-probe: send to %s:%d: %s\n", a,
			    DHCP_PROBE_PROXY_PORT, strerror(errno));
			continue;
		}
		if (verbose)
			fprintf(stderr, "pxed-probe: sent a REQUEST to "
			    "%s:%d (%zu bytes)\n", a, DHCP_PROBE_PROXY_PORT,
			    len);
		servers[i].asked = true;
		n++;
	}
	return n;
}

static bool
probe_proxies_left(void)
{
	size_t	i;

	for (i = 0; i < nservers; i++)
		if (servers[i].asked && !servers[i].answered)
			return true;
	return false;
}

/*
 * -r: a REQUEST to each proxy's port 4011, then their answers.  As a
 * PXE client does, the REQUEST goes again to the proxies that did not
 * answer, after 1 s, then 2 s, 4 s..., within secs in all.
 */
static void
probe_ask_proxies(int fd, const char *ifname, const struct dhcp_probe_req *r,
    int secs)
{
	static uint8_t	pkt[DHCP_MAX_LEN];
	struct in_addr	ciaddr;
	char		a[INET_ADDRSTRLEN];
	size_t		i, len;
	int		step, waited;

	for (i = 0; i < nservers; i++)
		if (servers[i].proxy)
			break;
	if (i == nservers)
		return;
	if (probe_ifaddr(fd, ifname, &ciaddr) == -1) {
		fprintf(stderr, "pxed-probe: %s has no IPv4 address: cannot "
		    "ask port %d\n", ifname, DHCP_PROBE_PROXY_PORT);
		return;
	}
	if ((len = dhcp_probe_request4011(r, ciaddr, pkt, sizeof(pkt))) == 0) {
		fprintf(stderr, "pxed-probe: cannot build the REQUEST\n");
		return;
	}
	for (waited = 0, step = 1; waited < secs; waited += step, step *= 2) {
		if (probe_send_proxies(fd, pkt, len) == 0 && waited == 0)
			return;
		if (step > secs - waited)
			step = secs - waited;
		probe_collect(fd, r->xid, step, probe_on_ack);
		if (!probe_proxies_left())
			break;
	}
	for (i = 0; i < nservers; i++)
		if (servers[i].asked && !servers[i].answered) {
			inet_ntop(AF_INET, &servers[i].server, a, sizeof(a));
			fprintf(stderr, "pxed-probe: no answer from %s on "
			    "port %d\n", a, DHCP_PROBE_PROXY_PORT);
		}
}

/* What the command line asked for. */
struct probe_opts {
	struct dhcp_probe_req	 req;
	const char		*ifname;
	bool			 have_mac, have_arch, ask, v6;
	long			 secs;
};

/* Go on: the command line does not end the process yet. */
#define PROBE_CONTINUE		(-1)

/* One option into o; PROBE_CONTINUE, or the exit status. */
static int
probe_option(int ch, struct probe_opts *o)
{
	char	*end;

	switch (ch) {
	case 'i':
		o->ifname = optarg;
		break;
	case 'a':
		if (probe_arch(optarg, &o->req.arch) == -1) {
			fprintf(stderr, "pxed-probe: unknown "
			    "architecture \"%s\"\n", optarg);
			return PROBE_EXIT_USAGE;
		}
		o->have_arch = true;
		break;
	case 'c':
		if (strlen(optarg) > 255) {
			fprintf(stderr, "pxed-probe: vendor class "
			    "over 255 bytes\n");
			return PROBE_EXIT_USAGE;
		}
		o->req.vendor = optarg;
		break;
	case 'U':
		o->req.ipxe = true;
		break;
	case 'H':
		o->req.http = true;
		break;
	case 'm':
		if (probe_mac(optarg, o->req.mac) == -1) {
			fprintf(stderr, "pxed-probe: bad MAC address "
			    "\"%s\" (aa:bb:cc:dd:ee:ff)\n", optarg);
			return PROBE_EXIT_USAGE;
		}
		o->have_mac = true;
		break;
	case 't':
		errno = 0;
		o->secs = strtol(optarg, &end, 10);
		if (*optarg == '\0' || *end != '\0' || errno != 0 ||
		    o->secs < 1 || o->secs > 60) {
			fprintf(stderr, "pxed-probe: -t takes 1 to 60 "
			    "seconds\n");
			return PROBE_EXIT_USAGE;
		}
		break;
	case 'r':
		o->ask = true;
		break;
	case '6':
		o->v6 = true;
		break;
	case 'v':
		verbose++;
		break;
	case 'h':
		usage(stdout);
		return PROBE_EXIT_FOUND;
	default:
		usage(stderr);
		return PROBE_EXIT_USAGE;
	}
	return PROBE_CONTINUE;
}

/* The command line into o; PROBE_CONTINUE, or the exit status. */
static int
probe_options(int argc, char *argv[], struct probe_opts *o)
{
	int	ch, rc;

	memset(o, 0, sizeof(*o));
	o->req.arch = 7;
	o->secs = 3;
	while ((ch = getopt(argc, argv, "6i:a:c:UHm:t:rvh")) != -1)
		if ((rc = probe_option(ch, o)) != PROBE_CONTINUE)
			return rc;
	if (optind < argc) {
		fprintf(stderr, "pxed-probe: unexpected argument \"%s\"\n",
		    argv[optind]);
		usage(stderr);
		return PROBE_EXIT_USAGE;
	}
	/* A DHCPv6 proxy's Advertise carries the boot URL already. */
	if (o->v6 && o->ask) {
		fprintf(stderr, "pxed-probe: -r is for IPv4 proxyDHCP "
		    "servers: with -6 a proxy's answer carries its URL\n");
		return PROBE_EXIT_USAGE;
	}
	if (o->ifname == NULL) {
		fprintf(stderr, "pxed-probe: no interface: -i is required\n");
		usage(stderr);
		return PROBE_EXIT_USAGE;
	}
	if (strlen(o->ifname) >= IFNAMSIZ || if_nametoindex(o->ifname) == 0) {
		fprintf(stderr, "pxed-probe: %s: no such interface\n",
		    o->ifname);
		return PROBE_EXIT_USAGE;
	}
	/* HTTP boot architectures are HTTP clients; -H alone means x64. */
	if (o->req.http && !o->have_arch)
		o->req.arch = 16;
	if (o->req.arch == 15 || o->req.arch == 16 || o->req.arch == 18 ||
	    o->req.arch == 19)
		o->req.http = true;
	return PROBE_CONTINUE;
}

/*
 * The socket on port 68 (546 with -6) of o's interface, o's MAC filled
 * in; or -1 after saying why.
 */
static int
probe_open(struct probe_opts *o)
{
	const char	*e = "";
	int		 fd, port = o->v6 ? DHCP6_CLIENT_PORT :
			    PROBE_CLIENT_PORT;

	fd = o->v6 ? dhcp6_probe_socket(o->ifname, (uint16_t)port) :
	    dhcp_probe_socket(o->ifname, (uint16_t)port);
	if (fd == -1) {
		if (errno == EACCES || errno == EPERM)
			e = o->v6 ? ": needs root for port 546" :
			    ": needs root for port 68";
		else if (errno == EADDRINUSE)
			e = o->v6 ? ": is a DHCPv6 client running on it?" :
			    ": is a DHCP client running on it?";
		fprintf(stderr, "pxed-probe: %s, port %d: %s%s\n", o->ifname,
		    port, strerror(errno), e);
		return -1;
	}
	if (fd >= FD_SETSIZE) {
		fprintf(stderr, "pxed-probe: descriptor %d too high\n", fd);
		close(fd);
		return -1;
	}
	if (!o->have_mac && probe_ifmac(fd, o->ifname, o->req.mac) == -1) {
		fprintf(stderr, "pxed-probe: %s: %s: give a MAC address with "
		    "-m\n", o->ifname, errno == EAFNOSUPPORT ?
		    "not an Ethernet interface" : strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Broadcast the DISCOVER, with a new xid in o->req; -1 after saying why. */
static int
probe_discover(int fd, struct probe_opts *o)
{
	static uint8_t		 pkt[DHCP_MAX_LEN];
	struct dhcp_probe_req	*req = &o->req;
	struct in_addr		 bcast;
	size_t			 len;

	req->xid = probe_xid();
	if ((len = dhcp_probe_discover(req, pkt, sizeof(pkt))) == 0) {
		fprintf(stderr, "pxed-probe: cannot build the DISCOVER\n");
		return -1;
	}
	bcast.s_addr = htonl(INADDR_BROADCAST);
	if (probe_send(fd, pkt, len, bcast, PROBE_SERVER_PORT) == -1) {
		fprintf(stderr, "pxed-probe: send on %s: %s\n", o->ifname,
		    strerror(errno));
		return -1;
	}
	if (verbose)
		fprintf(stderr, "pxed-probe: sent a DISCOVER on %s (%zu bytes, "
		    "xid 0x%08x, mac %02x:%02x:%02x:%02x:%02x:%02x, arch %u%s"
		    "), waiting %ld s\n", o->ifname, len, (unsigned)req->xid,
		    req->mac[0], req->mac[1], req->mac[2], req->mac[3],
		    req->mac[4], req->mac[5], (unsigned)req->arch,
		    req->ipxe ? ", iPXE" : "", o->secs);
	return 0;
}

/* ---------- DHCPv6 ---------- */

/* A DHCPv6 server seen answering, by its DUID (else its address). */
struct probe6_server {
	uint8_t		 duid[130];
	size_t		 duid_len;
	struct in6_addr	 from;
	bool		 proxy;
};

static struct probe6_server	servers6[PROBE_MAXSERVERS];
static size_t			nservers6;

static bool
probe6_seen(const struct dhcp6_probe_adv *a)
{
	const struct probe6_server	*s;
	size_t				 i;

	for (i = 0; i < nservers6; i++) {
		s = &servers6[i];
		if (s->proxy == a->proxy && s->duid_len == a->duid_len &&
		    memcmp(s->duid, a->duid, a->duid_len) == 0 &&
		    (a->duid_len > 0 || memcmp(&s->from, &a->from, 16) == 0))
			return true;
	}
	return false;
}

/* Each Advertise (or Reply) once per server. */
static bool
probe6_on_dgram(const uint8_t *buf, size_t n,
    const struct sockaddr_storage *ss, void *ctx)
{
	const struct dhcp6_probe_req	*r = ctx;
	const struct sockaddr_in6	*sin6 = (const struct sockaddr_in6 *)ss;
	struct dhcp6_probe_adv		 a;
	char				 from[INET6_ADDRSTRLEN + 8];
	char				 line[PROBE_LINE];

	probe_from(ss, from, sizeof(from));
	if (ss->ss_family != AF_INET6 || dhcp6_probe_adv_parse(buf, n, r,
	    &sin6->sin6_addr, &a) == -1) {
		if (verbose)
			fprintf(stderr, "pxed-probe: ignored %zu bytes from "
			    "%s: not an answer to this probe\n", n, from);
		return false;
	}
	if (verbose)
		fprintf(stderr, "pxed-probe: %zu bytes from %s, message type "
		    "%d\n", n, from, a.msgtype);
	if (probe6_seen(&a) || nservers6 == PROBE_MAXSERVERS) {
		if (verbose)
			fprintf(stderr, "pxed-probe: the same server again, "
			    "or too many: ignored\n");
		return false;
	}
	memcpy(servers6[nservers6].duid, a.duid, a.duid_len);
	servers6[nservers6].duid_len = a.duid_len;
	servers6[nservers6].from = a.from;
	servers6[nservers6++].proxy = a.proxy;
	dhcp6_probe_format(&a, line, sizeof(line));
	printf("%s\n", line);
	fflush(stdout);
	return false;
}

/* -6: one Solicit to ff02::1:2, then every answer; the exit status. */
static int
probe6_run(struct probe_opts *o)
{
	static uint8_t		 pkt[DHCP6_MAX_LEN];
	struct dhcp6_probe_req	 r;
	struct sockaddr_in6	 to;
	size_t			 len;
	int			 fd;

	if ((fd = probe_open(o)) == -1)
		return PROBE_EXIT_USAGE;
	memset(&r, 0, sizeof(r));
	memcpy(r.mac, o->req.mac, 6);
	r.arch = o->req.arch;
	r.vendor = o->req.vendor;
	r.ipxe = o->req.ipxe;
	r.http = o->req.http;
	r.xid = probe_xid() & 0xffffff;
	memset(&to, 0, sizeof(to));
	to.sin6_family = AF_INET6;
	to.sin6_port = htons(DHCP6_SERVER_PORT);
	to.sin6_scope_id = if_nametoindex(o->ifname);
	inet_pton(AF_INET6, DHCP6_ALL_AGENTS, &to.sin6_addr);
	if ((len = dhcp6_probe_solicit(&r, pkt, sizeof(pkt))) == 0 ||
	    sendto(fd, pkt, len, 0, (struct sockaddr *)&to, sizeof(to)) !=
	    (ssize_t)len) {
		fprintf(stderr, "pxed-probe: send to %s%%%s: %s%s\n",
		    DHCP6_ALL_AGENTS, o->ifname, len == 0 ? "cannot build "
		    "the Solicit" : strerror(errno), errno == EADDRNOTAVAIL ?
		    " (no usable link-local address yet?)" : "");
		close(fd);
		return PROBE_EXIT_USAGE;
	}
	if (verbose)
		fprintf(stderr, "pxed-probe: sent a SOLICIT to %s on %s (%zu "
		    "bytes, xid 0x%06x, arch %u%s), waiting %ld s\n",
		    DHCP6_ALL_AGENTS, o->ifname, len, (unsigned)r.xid,
		    (unsigned)r.arch, r.ipxe ? ", iPXE" : "", o->secs);
	probe_recv(fd, (int)o->secs, probe6_on_dgram, &r);
	close(fd);
	if (nservers6 == 0) {
		fprintf(stderr, "pxed-probe: no DHCPv6 server answered on %s "
		    "in %ld s\n", o->ifname, o->secs);
		return PROBE_EXIT_NONE;
	}
	return PROBE_EXIT_FOUND;
}

int
main(int argc, char *argv[])
{
	struct probe_opts	o;
	int			fd, rc;

	if ((rc = probe_options(argc, argv, &o)) != PROBE_CONTINUE)
		return rc;
	if (o.v6)
		return probe6_run(&o);
	if ((fd = probe_open(&o)) == -1)
		return PROBE_EXIT_USAGE;
	if (probe_discover(fd, &o) == -1) {
		close(fd);
		return PROBE_EXIT_USAGE;
	}
	probe_collect(fd, o.req.xid, (int)o.secs, probe_on_offer);
	if (nservers == 0) {
		fprintf(stderr, "pxed-probe: no DHCP or proxyDHCP server "
		    "answered on %s in %ld s\n", o.ifname, o.secs);
		close(fd);
		return PROBE_EXIT_NONE;
	}
	if (o.ask)
		probe_ask_proxies(fd, o.ifname, &o.req, (int)o.secs);
	close(fd);
	return PROBE_EXIT_FOUND;
}
