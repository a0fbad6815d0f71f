/*
 * dhcpgen: a DHCPv4 load generator for bench/ (not installed).
 *
 * N simulated clients, each with its own MAC, each doing one full DORA
 * (DISCOVER, OFFER, REQUEST, ACK) as a new client.  Exchanges start at a
 * fixed rate (-r) or as fast as possible with at most -o of them in
 * flight; every exchange not done -w ms after its DISCOVER counts as
 * dropped (no retransmission).  The run is bounded in count (-n) and in
 * time (-t: no exchange starts later, and the program ends at most -w ms
 * after that).  Datagrams go out with sendmmsg() and come in with
 * recvmmsg(), up to GEN_BATCH a call.
 *
 * Two modes:
 *   relay (-a ADDR): as a relay agent, or perfdhcp: bound to ADDR:67,
 *     giaddr ADDR, hops 1, no broadcast flag; the server answers by
 *     unicast to ADDR:67.
 *   client (no -a): bound to 0.0.0.0:68 on -i IFACE, broadcast flag set;
 *     the server answers by broadcast to port 68.
 *
 * Packets are built and read with pxed's own codec (dhcp_pkt.c, which
 * needs nothing but libc): dhcp_pkt_build() and dhcp_pkt_parse().
 *
 * The result is printed as "key value" lines (see gen_report()).  The
 * exchange rate is ACKs over the time from the first DISCOVER to the
 * last ACK; latencies are DISCOVER sent to ACK received, per client.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dhcp_pkt.h"
#include "dhcp_proto.h"

#define GEN_BATCH	64
#define GEN_PKTLEN	576
#define GEN_MAXCLIENTS	(1u << 24)	/* the MAC's low 24 bits */
#define NS		1000000000ull

enum gen_state { C_IDLE, C_DISC, C_REQ, C_DONE, C_FAIL };

struct gen_client {
	uint64_t	 t0;		/* ns, monotonic: DISCOVER sent */
	struct in_addr	 yiaddr, server;
	uint8_t		 state;
};

struct gen_opts {
	uint32_t	 n;		/* clients */
	uint32_t	 rate;		/* exchanges started a second; 0: max */
	uint32_t	 maxout;	/* in flight at most; 0: no bound */
	uint32_t	 wait_ms;	/* an exchange's time limit */
	uint32_t	 secs;		/* no exchange starts after this */
	struct in_addr	 relay;		/* relay mode unless 0 */
	struct in_addr	 server;	/* where DISCOVERs go */
	const char	*ifname;
	uint8_t		 mac[6];	/* base: client i adds i */
	bool		 pxe;		/* options 60, 93, 94 of a PXE client */
	bool		 verbose;
};

struct gen_stats {
	uint64_t	 disc, offer, req, ack, nak, dropped;
	uint64_t	 stray, malformed, senderr;
};

static struct {
	struct gen_opts		 o;
	struct gen_stats	 st;
	struct gen_client	*c;
	uint32_t		*lat;		/* us, one per ACK */
	uint32_t		*reqq;		/* clients owed a REQUEST */
	uint32_t		 reqq_head, reqq_tail;
	uint32_t		 started, head, outstanding;
	uint32_t		 xidbase;
	uint64_t		 t_start, t_first, t_last;
	int			 fd;
	struct sockaddr_in	 to;
	bool			 blocked;	/* last send hit EAGAIN */
} G;

static uint64_t
gen_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
}

static void
usage(void)
{
	fprintf(stderr, "usage: dhcpgen [-vx] [-a relay-addr] [-b mac-base] "
	    "[-i iface] [-n clients]\n"
	    "               [-o outstanding] [-r rate] [-s server] "
	    "[-t seconds] [-w drop-ms]\n");
	exit(2);
}

static uint32_t
gen_num(const char *s, const char *what, uint32_t min, uint32_t max)
{
	char		*end;
	unsigned long	 v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "dhcpgen: %s: '%s' is not a number in "
		    "%" PRIu32 "..%" PRIu32 "\n", what, s, min, max);
		exit(2);
	}
	return (uint32_t)v;
}

static void
gen_addr(const char *s, const char *what, struct in_addr *a)
{
	if (inet_pton(AF_INET, s, a) != 1) {
		fprintf(stderr, "dhcpgen: %s: '%s' is not an IPv4 address\n",
		    what, s);
		exit(2);
	}
}

static void
gen_mac(const char *s, uint8_t *mac)
{
	unsigned int	b[6];
	char		c;
	int		i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3],
	    &b[4], &b[5], &c) != 6) {
		fprintf(stderr, "dhcpgen: -b: '%s' is not a MAC address\n", s);
		exit(2);
	}
	for (i = 0; i < 6; i++) {
		if (b[i] > 255) {
			fprintf(stderr, "dhcpgen: -b: '%s' is not a MAC "
			    "address\n", s);
			exit(2);
		}
		mac[i] = (uint8_t)b[i];
	}
}

static void
gen_args(int argc, char **argv)
{
	struct gen_opts	*o = &G.o;
	int		 ch;
	uint32_t	 r = (uint32_t)getpid() ^ (uint32_t)time(NULL);

	o->n = 1000;
	o->wait_ms = 1000;
	o->secs = 60;
	o->maxout = 0;
	o->server.s_addr = INADDR_BROADCAST;
	/* A locally administered base that changes from run to run. */
	o->mac[0] = 0x02;
	o->mac[1] = (uint8_t)(r >> 8);
	o->mac[2] = (uint8_t)r;
	while ((ch = getopt(argc, argv, "a:b:i:n:o:r:s:t:vw:x")) != -1) {
		switch (ch) {
		case 'a': gen_addr(optarg, "-a", &o->relay); break;
		case 'b': gen_mac(optarg, o->mac); break;
		case 'i': o->ifname = optarg; break;
		case 'n': o->n = gen_num(optarg, "-n", 1, GEN_MAXCLIENTS);
			break;
		case 'o': o->maxout = gen_num(optarg, "-o", 1, UINT32_MAX);
			break;
		case 'r': o->rate = gen_num(optarg, "-r", 1, 10000000); break;
		case 's': gen_addr(optarg, "-s", &o->server); break;
		case 't': o->secs = gen_num(optarg, "-t", 1, 86400); break;
		case 'v': o->verbose = true; break;
		case 'w': o->wait_ms = gen_num(optarg, "-w", 1, 60000); break;
		case 'x': o->pxe = true; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if (o->relay.s_addr == INADDR_ANY && o->ifname == NULL) {
		fprintf(stderr, "dhcpgen: client mode (no -a) needs -i\n");
		exit(2);
	}
	if (o->rate == 0 && o->maxout == 0)
		o->maxout = 1000;	/* as fast as possible, but bounded */
}

static int
gen_socket(void)
{
	struct sockaddr_in	sin;
	int			fd, on = 1, sz = 8 << 20;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0)) == -1)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on)) == -1)
		goto fail;
	/* Big buffers: the generator must not be the one that drops. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (G.o.ifname != NULL && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE,
	    G.o.ifname, (socklen_t)strlen(G.o.ifname)) == -1)
		goto fail;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = G.o.relay;
	sin.sin_port = htons(G.o.relay.s_addr != INADDR_ANY ? 67 : 68);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

static void
gen_client_mac(uint32_t i, uint8_t *mac)
{
	uint32_t	low = ((uint32_t)G.o.mac[3] << 16 |
	    (uint32_t)G.o.mac[4] << 8 | G.o.mac[5]) + i;

	memcpy(mac, G.o.mac, 3);
	mac[3] = (uint8_t)(low >> 16);
	mac[4] = (uint8_t)(low >> 8);
	mac[5] = (uint8_t)low;
}

/* Client i's DISCOVER (type DHCPDISCOVER) or REQUEST into buf. */
static size_t
gen_build(uint32_t i, int type, uint8_t *buf)
{
	static const uint8_t	 prl[] = { DHO_SUBNET_MASK, DHO_ROUTERS,
	    DHO_DOMAIN_NAME_SERVERS, DHO_LEASE_TIME, DHO_SERVER_IDENTIFIER };
	static const char	 vci[] = "PXEClient:Arch:00000:UNDI:002001";
	static const uint8_t	 arch[2] = { 0, 0 }, ndi[3] = { 1, 2, 1 };
	struct dhcp_out		 o;
	enum dhcp_berr		 why;
	uint8_t			 t = (uint8_t)type;
	size_t			 len;

	memset(&o, 0, sizeof(o));
	o.op = BOOTREQUEST;
	o.htype = 1;
	o.hlen = 6;
	o.xid = G.xidbase + i;
	if (G.o.relay.s_addr != INADDR_ANY) {
		o.hops = 1;
		o.giaddr = G.o.relay;
	} else
		o.flags = 0x8000;
	gen_client_mac(i, o.chaddr);
	dhcp_pkt_out_add(&o, DHO_MESSAGE_TYPE, &t, 1);
	if (type == DHCPREQUEST) {
		dhcp_pkt_out_add(&o, DHO_REQUESTED_ADDRESS, &G.c[i].yiaddr, 4);
		dhcp_pkt_out_add(&o, DHO_SERVER_IDENTIFIER, &G.c[i].server, 4);
	}
	dhcp_pkt_out_add(&o, DHO_PARAMETER_REQUEST, prl, sizeof(prl));
	if (G.o.pxe) {
		dhcp_pkt_out_add(&o, DHO_VENDOR_CLASS_ID, vci, sizeof(vci) - 1);
		dhcp_pkt_out_add(&o, DHO_CLIENT_ARCH, arch, sizeof(arch));
		dhcp_pkt_out_add(&o, DHO_CLIENT_NDI, ndi, sizeof(ndi));
	}
	len = dhcp_pkt_build(&o, NULL, 0, 0, buf, GEN_PKTLEN, &why);
	if (len == 0) {
		fprintf(stderr, "dhcpgen: cannot build: %s\n",
		    dhcp_pkt_berr_str(why));
		exit(1);
	}
	return len;
}

/* How many new exchanges may start now. */
static uint32_t
gen_may_start(uint64_t now, uint64_t t_stop)
{
	uint32_t	n = G.o.n - G.started;
	uint64_t	due;

	if (now >= t_stop)
		return 0;
	if (G.o.rate > 0) {
		due = (now - G.t_start) * G.o.rate / NS + 1;
		if (due <= G.started)
			return 0;
		if (due - G.started < n)
			n = (uint32_t)(due - G.started);
	}
	if (G.o.maxout > 0) {
		if (G.outstanding >= G.o.maxout)
			return 0;
		if (G.o.maxout - G.outstanding < n)
			n = G.o.maxout - G.outstanding;
	}
	return n;
}

/*
 * Send up to GEN_BATCH datagrams: the REQUESTs owed first, then up to
 * nnew DISCOVERs.  Returns how many DISCOVERs went, or -1 when the socket
 * is full.
 */
static int
gen_send(uint32_t nnew, uint64_t now)
{
	static uint8_t		 bufs[GEN_BATCH][GEN_PKTLEN];
	struct mmsghdr		 mm[GEN_BATCH];
	struct iovec		 iov[GEN_BATCH];
	uint32_t		 who[GEN_BATCH];
	int			 type[GEN_BATCH], n = 0, sent, k, ndisc = 0;
	uint32_t		 qh = G.reqq_head;

	memset(mm, 0, sizeof(mm));
	while (n < GEN_BATCH && (qh != G.reqq_tail || nnew > 0)) {
		if (qh != G.reqq_tail) {
			who[n] = G.reqq[qh++];
			type[n] = DHCPREQUEST;
		} else {
			who[n] = G.started + (uint32_t)ndisc++;
			type[n] = DHCPDISCOVER;
			nnew--;
		}
		iov[n].iov_base = bufs[n];
		iov[n].iov_len = gen_build(who[n], type[n], bufs[n]);
		mm[n].msg_hdr.msg_iov = &iov[n];
		mm[n].msg_hdr.msg_iovlen = 1;
		mm[n].msg_hdr.msg_name = &G.to;
		mm[n].msg_hdr.msg_namelen = sizeof(G.to);
		n++;
	}
	if (n == 0)
		return 0;
	sent = sendmmsg(G.fd, mm, (unsigned int)n, 0);
	if (sent == -1) {
		if (errno != EAGAIN && errno != ENOBUFS) {
			fprintf(stderr, "dhcpgen: sendmmsg: %s\n",
			    strerror(errno));
			G.st.senderr++;
		}
		G.blocked = true;
		return -1;
	}
	G.blocked = sent < n;
	ndisc = 0;
	for (k = 0; k < sent; k++) {
		if (type[k] == DHCPREQUEST) {
			G.reqq_head++;
			G.st.req++;
			continue;
		}
		G.c[who[k]].t0 = now;
		G.c[who[k]].state = C_DISC;
		if (G.started == 0)
			G.t_first = now;
		G.started++;
		G.outstanding++;
		G.st.disc++;
		ndisc++;
	}
	return G.blocked ? -1 : ndisc;
}

/* Exchanges older than the drop time, oldest first, are dropped. */
static void
gen_expire(uint64_t now)
{
	uint64_t	limit = (uint64_t)G.o.wait_ms * 1000000;

	while (G.head < G.started) {
		struct gen_client	*c = &G.c[G.head];

		if (c->state == C_DISC || c->state == C_REQ) {
			if (now - c->t0 < limit)
				break;
			c->state = C_FAIL;
			G.st.dropped++;
			G.outstanding--;
		}
		G.head++;
	}
}

static void
gen_reply(const uint8_t *buf, size_t len, uint64_t now)
{
	static struct dhcp_msg	 m;
	struct gen_client	*c;
	const struct dhcp_optref *t, *sid;
	uint8_t			 mac[6];
	uint32_t		 i;
	int			 type;

	if (dhcp_pkt_parse(buf, len, &m) != DHCP_POK || m.op != BOOTREPLY ||
	    !(t = &m.opt[DHO_MESSAGE_TYPE])->present || t->len != 1) {
		G.st.malformed++;
		return;
	}
	i = m.xid - G.xidbase;
	if (i >= G.started) {
		G.st.stray++;
		return;
	}
	gen_client_mac(i, mac);
	if (memcmp(m.chaddr, mac, 6) != 0) {
		G.st.stray++;
		return;
	}
	c = &G.c[i];
	type = m.optbuf[t->off];
	if (c->state == C_DISC && type == DHCPOFFER) {
		sid = &m.opt[DHO_SERVER_IDENTIFIER];
		c->yiaddr = m.yiaddr;
		if (sid->present && sid->len == 4)
			memcpy(&c->server, m.optbuf + sid->off, 4);
		else
			c->server = m.siaddr;
		c->state = C_REQ;
		G.st.offer++;
		G.reqq[G.reqq_tail++] = i;
	} else if (c->state == C_REQ && type == DHCPACK) {
		c->state = C_DONE;
		G.lat[G.st.ack++] = (uint32_t)((now - c->t0) / 1000);
		G.outstanding--;
		G.t_last = now;
	} else if (c->state == C_REQ && type == DHCPNAK) {
		c->state = C_FAIL;
		G.st.nak++;
		G.outstanding--;
	} else
		G.st.stray++;	/* late, or a second answer */
}

static void
gen_recv(uint64_t now)
{
	static uint8_t	bufs[GEN_BATCH][DHCP_MAX_LEN];
	struct mmsghdr	mm[GEN_BATCH];
	struct iovec	iov[GEN_BATCH];
	int		n, k;

	for (;;) {
		memset(mm, 0, sizeof(mm));
		for (k = 0; k < GEN_BATCH; k++) {
			iov[k].iov_base = bufs[k];
			iov[k].iov_len = DHCP_MAX_LEN;
			mm[k].msg_hdr.msg_iov = &iov[k];
			mm[k].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(G.fd, mm, GEN_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		now = gen_now();
		for (k = 0; k < n; k++)
			gen_reply(bufs[k], mm[k].msg_len, now);
		if (n < GEN_BATCH)
			return;
	}
}

/* ns to wait before there is something to do (0: now). */
static uint64_t
gen_timeout(uint64_t now, uint64_t t_stop, uint64_t t_end)
{
	uint64_t	next = t_end, t;

	if (G.reqq_head != G.reqq_tail && !G.blocked)
		return 0;
	if (G.head < G.started) {
		t = G.c[G.head].t0 + (uint64_t)G.o.wait_ms * 1000000;
		if (t < next)
			next = t;
	}
	if (G.started < G.o.n && now < t_stop && (G.o.maxout == 0 ||
	    G.outstanding < G.o.maxout)) {
		t = G.o.rate == 0 ? now :
		    G.t_start + (uint64_t)G.started * NS / G.o.rate;
		if (t < next)
			next = t;
	}
	return next > now ? next - now : 0;
}

static void
gen_run(void)
{
	uint64_t	now, t_stop, t_end, t_report, wait;
	struct pollfd	pfd;
	struct timespec	ts;

	G.t_start = gen_now();
	t_stop = G.t_start + (uint64_t)G.o.secs * NS;
	t_end = t_stop + (uint64_t)G.o.wait_ms * 1000000;
	t_report = G.t_start + NS;
	for (;;) {
		now = gen_now();
		gen_expire(now);
		if (now >= t_end ||
		    (G.outstanding == 0 && (G.started == G.o.n ||
		    now >= t_stop)))
			break;
		while (gen_send(gen_may_start(now, t_stop), now) > 0)
			;
		if (G.o.verbose && now >= t_report) {
			fprintf(stderr, "dhcpgen: %.0f s: %" PRIu64 " DISCOVER, "
			    "%" PRIu64 " ACK, %" PRIu32 " in flight\n",
			    (double)(now - G.t_start) / NS, G.st.disc,
			    G.st.ack, G.outstanding);
			t_report += NS;
		}
		wait = gen_timeout(now, t_stop, t_end);
		pfd.fd = G.fd;
		pfd.events = POLLIN | (G.blocked ? POLLOUT : 0);
		pfd.revents = 0;
		ts.tv_sec = (time_t)(wait / NS);
		ts.tv_nsec = (long)(wait % NS);
		if (ppoll(&pfd, 1, &ts, NULL) == -1 && errno != EINTR) {
			perror("dhcpgen: ppoll");
			exit(1);
		}
		if (pfd.revents & POLLOUT)
			G.blocked = false;
		if (pfd.revents & POLLIN)
			gen_recv(now);
	}
}

static int
gen_cmp(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static uint32_t
gen_pct(double p)
{
	uint64_t	k;

	if (G.st.ack == 0)
		return 0;
	k = (uint64_t)(p * (double)G.st.ack / 100.0 + 0.5);
	if (k > 0)
		k--;
	if (k >= G.st.ack)
		k = G.st.ack - 1;
	return G.lat[k];
}

/* The figures, one "key value" line each. */
static void
gen_report(void)
{
	struct rusage	ru;
	double		secs = 0, cpu, sum = 0;
	uint64_t	k;

	if (G.st.ack > 0 && G.t_last > G.t_first)
		secs = (double)(G.t_last - G.t_first) / NS;
	for (k = 0; k < G.st.ack; k++)
		sum += G.lat[k];
	qsort(G.lat, (size_t)G.st.ack, sizeof(*G.lat), gen_cmp);
	getrusage(RUSAGE_SELF, &ru);
	cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	printf("mode %s\n", G.o.relay.s_addr != INADDR_ANY ? "relay" :
	    "client");
	printf("clients %" PRIu32 "\n", G.o.n);
	printf("discover %" PRIu64 "\n", G.st.disc);
	printf("offer %" PRIu64 "\n", G.st.offer);
	printf("request %" PRIu64 "\n", G.st.req);
	printf("ack %" PRIu64 "\n", G.st.ack);
	printf("nak %" PRIu64 "\n", G.st.nak);
	printf("dropped %" PRIu64 "\n", G.st.dropped);
	printf("drop_pct %.3f\n", G.st.disc > 0 ?
	    100.0 * (double)(G.st.disc - G.st.ack) / (double)G.st.disc : 0.0);
	printf("stray %" PRIu64 "\n", G.st.stray);
	printf("malformed %" PRIu64 "\n", G.st.malformed);
	printf("send_errors %" PRIu64 "\n", G.st.senderr);
	printf("seconds %.3f\n", secs);
	printf("dora_per_s %.0f\n", secs > 0 ? (double)G.st.ack / secs : 0.0);
	printf("lat_us_mean %.0f\n", G.st.ack > 0 ? sum / (double)G.st.ack :
	    0.0);
	printf("lat_us_p50 %" PRIu32 "\n", gen_pct(50));
	printf("lat_us_p90 %" PRIu32 "\n", gen_pct(90));
	printf("lat_us_p99 %" PRIu32 "\n", gen_pct(99));
	printf("lat_us_max %" PRIu32 "\n", gen_pct(100));
	printf("gen_cpu_s %.3f\n", cpu);
	printf("gen_cpu_us_per_dora %.1f\n", G.st.ack > 0 ?
	    cpu * 1e6 / (double)G.st.ack : 0.0);
}

int
main(int argc, char **argv)
{
	gen_args(argc, argv);
	G.c = calloc(G.o.n, sizeof(*G.c));
	G.lat = calloc(G.o.n, sizeof(*G.lat));
	G.reqq = calloc(G.o.n, sizeof(*G.reqq));
	if (G.c == NULL || G.lat == NULL || G.reqq == NULL) {
		fprintf(stderr, "dhcpgen: out of memory for %" PRIu32
		    " clients\n", G.o.n);
		return 1;
	}
	if ((G.fd = gen_socket()) == -1) {
		fprintf(stderr, "dhcpgen: socket: %s\n", strerror(errno));
		return 1;
	}
	memset(&G.to, 0, sizeof(G.to));
	G.to.sin_family = AF_INET;
	G.to.sin_port = htons(67);
	G.to.sin_addr = G.o.server;
	G.xidbase = (uint32_t)getpid() << 16 ^ (uint32_t)gen_now();
	gen_run();
	gen_report();
	close(G.fd);
	return G.st.ack > 0 ? 0 : 1;
}
