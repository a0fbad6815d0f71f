/*
 * tftp_io.c: pxed's TFTP server: sockets, requests, files, logging.
 *
 * Theory of operation:
 *
 *   port 69 (one socket, IP_PKTINFO) ── RRQ ──> checks, rules, path, file
 *                                                    │
 *   transfer sockets 0..n-1, each its own port  <────┘ a transfer is put on
 *   (the TID of RFC 1350), shared by many           one of them; replies
 *   transfers and demultiplexed by peer address     leave from the address
 *                                                   the RRQ was sent to
 *
 * A thousand transfers therefore cost the same few descriptors as one:
 * the fixed pool of transfer sockets, plus one per distinct file being
 * served (every transfer of a file shares one open descriptor).  A peer
 * (address and port) has at most one transfer; a repeated RRQ from it is
 * the client retrying and is ignored, a different one replaces it.
 * Beyond max-transfers, or when no descriptor is left, a request gets
 * ERROR 0 "server busy" and a log line.  Per client address (peerlim.c),
 * max-transfers-per-client at once and max-requests-per-second new
 * requests: one host cannot take the slots of all the others.
 *
 * A window goes out with one sendmmsg(2) while the loop polls for its
 * ACK, as one UDP GSO send when it sleeps (tftp_conn_send says why);
 * ACKs come in with recvmmsg(2).
 * Per client, the rule engine decides which TFTP options to refuse and
 * which path aliases apply.  The client is known by its MAC, read from
 * the kernel's neighbour table, and its interface; client.c adds what
 * its last DHCP request said.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client.h"
#include "client_stage.h"
#include "conf.h"
#include "ev.h"
#include "fsroot.h"
#include "hash.h"
#include "loadercfg.h"
#include "log.h"
#include "peerlim.h"
#include "rules.h"
#include "tftp_xfer.h"
#include "tftp_io.h"
#include "udp.h"
#include "loopguard.h"

#define TFTP_RECV_BATCH	32
#define TFTP_GSO_BYTES	60000		/* one GSO send stays under 64 KiB */
#define TFTP_GSO_SEGS	64
#define TFTP_PKT_MAX	(TFTP_BLKSIZE_MAX + 4)

struct tftp_conn {
	struct tftp_xfer	 x;
	union netaddr_sock	 peer;
	struct netaddr		 local;
	int			 ifindex;
	unsigned		 sock;
	char			 asked[512];	/* the clean name requested */
	char			 name[560];	/* what is served, for logs */
	char			 client[NETADDR_STRLEN]; /* "ip:port" */
	char			 opts[80];	/* negotiated, for logs */
	char			 rule[200];	/* the boot entry, for loops */
	uint8_t			 mac[6];
	bool			 has_mac;
	bool			 held;		/* counted by peerlim */
	unsigned		 srtt_us;	/* window to ACK, smoothed */
	unsigned		 sends;
	uint64_t		 sent_ns;	/* the last window left */
	struct netaddr		 addr;		/* the peer's, for peerlim */
	struct tftp_conn	*hnext;
};

struct tftp_mtu {
	int	ifindex;
	int	mtu;
};

static struct {
	bool			 up;
	int			 lfd, lfd6;	/* port 69, IPv4 and IPv6 */
	uint16_t		 port;
	int			*socks;		/* IPv4, then IPv6 (lazy) */
	unsigned		 nsocks, next_sock;
	struct fsroot		 root;
	const struct conf	*conf;
	struct tftp_file	*files;
	struct tftp_conn	**hash;
	size_t			 hash_mask;
	unsigned		 active;
	struct tftp_mtu		 mtus[16];
	struct peerlim		*lim;		/* per client address */
	size_t			 lim_cap;	/* its entries */
	struct tftp_io_stats	 st;
	uint64_t		 answer_ns;	/* the last from any client */
	unsigned		 gap_us;	/* between answers, smoothed */
} T = { .lfd = -1, .lfd6 = -1 };

/* ---------- small helpers ---------- */

static size_t
tftp_peerhash(const union netaddr_sock *peer)
{
	return netaddr_sock_hash(peer) & T.hash_mask;
}

static struct tftp_conn *
tftp_lookup(const union netaddr_sock *peer)
{
	struct tftp_conn	*c;

	for (c = T.hash[tftp_peerhash(peer)]; c != NULL; c = c->hnext)
		if (netaddr_sock_eq(&c->peer, peer))
			return c;
	return NULL;
}

static void
tftp_unhash(struct tftp_conn *c)
{
	struct tftp_conn	**pp;

	for (pp = &T.hash[tftp_peerhash(&c->peer)]; *pp != NULL;
	    pp = &(*pp)->hnext)
		if (*pp == c) {
			*pp = c->hnext;
			return;
		}
}

/*
 * The interface a reply names.  IPv4 replies go by the routing table, as
 * they always have; an IPv6 reply names the interface the request came
 * in on, which a link-local source address needs (RFC 3542 6.1).
 */
static int
tftp_out_ifindex(const struct netaddr *local, int ifindex)
{
	return local != NULL && local->family == AF_INET6 ? ifindex : 0;
}

/* Send one datagram from the address the client talked to. */
static void
tftp_sendto(int fd, const union netaddr_sock *to,
    const struct netaddr *local, int ifindex, const void *buf, size_t len)
{
	udp_send(fd, to, local, tftp_out_ifindex(local, ifindex), buf, len);
}

static void
tftp_senderr(int fd, const union netaddr_sock *to,
    const struct netaddr *local, int ifindex, uint16_t code,
    const char *msg)
{
	uint8_t	pkt[160];
	size_t	n = tftp_pkt_error_build(pkt, sizeof(pkt), code, msg);

	if (n > 0)
		tftp_sendto(fd, to, local, ifindex, pkt, n);
}

static int
tftp_mtu(int ifindex)
{
	struct ifreq	ifr;
	size_t		i, slot = (size_t)ifindex % 16;

	for (i = 0; i < 16; i++)
		if (T.mtus[i].ifindex == ifindex && ifindex != 0)
			return T.mtus[i].mtu;
	memset(&ifr, 0, sizeof(ifr));
	if (ifindex == 0 || if_indextoname((unsigned)ifindex,
	    ifr.ifr_name) == NULL || ioctl(T.lfd, SIOCGIFMTU, &ifr) == -1)
		return 1500;
	T.mtus[slot].ifindex = ifindex;
	T.mtus[slot].mtu = ifr.ifr_mtu;
	return ifr.ifr_mtu;
}

/* ---------- files shared between transfers ---------- */

static struct tftp_file *
tftp_file_get(int fd, const struct stat *st)
{
	struct tftp_file	*f;

	for (f = T.files; f != NULL; f = f->next)
		if (f->dev == st->st_dev && f->ino == st->st_ino &&
		    f->size == (uint64_t)st->st_size) {
			close(fd);
			f->refs++;
			return f;
		}
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		close(fd);
		return NULL;
	}
	f->fd = fd;
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	f->size = (uint64_t)st->st_size;
	f->refs = 1;
	f->next = T.files;
	T.files = f;
	return f;
}

static void
tftp_file_put(struct tftp_file *f)
{
	struct tftp_file	**pp;

	if (--f->refs > 0)
		return;
	for (pp = &T.files; *pp != NULL; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	close(f->fd);
	free(f);
}

/* ---------- transfers ---------- */

/*
 * Send datagrams [*done, npkts) with UDP GSO: runs of equal-sized
 * datagrams (the last of a run may be shorter) as one sendmsg(2) each.
 * Returns false when the kernel refuses GSO, so the caller falls back.
 */
static bool
tftp_send_gso(struct tftp_conn *c, int fd, struct iovec *iov, size_t npkts,
    size_t *done)
{
	static bool	 gso_broken;
	struct msghdr	 m;
	union udp_cmsg	 cb;

	if (gso_broken)
		return false;
	while (*done < npkts) {
		size_t	seg = iov[2 * *done].iov_len + iov[2 * *done + 1].iov_len;
		size_t	n = 1, bytes = seg;
		ssize_t	r;

		/* Equal sizes; a shorter one may only end the run. */
		while (*done + n < npkts && n < TFTP_GSO_SEGS) {
			size_t	len = iov[2 * (*done + n)].iov_len +
			    iov[2 * (*done + n) + 1].iov_len;

			if (len > seg || bytes + len > TFTP_GSO_BYTES)
				break;
			bytes += len;
			n++;
			if (len < seg)
				break;
		}
		if (n == 1)
			return true;	/* the caller sends singles */
		memset(&m, 0, sizeof(m));
		m.msg_name = &c->peer;
		m.msg_namelen = netaddr_sock_len(&c->peer);
		m.msg_iov = &iov[2 * *done];
		m.msg_iovlen = 2 * n;
		udp_cmsg(&cb, &c->local, tftp_out_ifindex(&c->local,
		    c->ifindex), (uint16_t)seg, &m);
		if ((r = sendmsg(fd, &m, 0)) == -1) {
			if (errno == EAGAIN || errno == ENOBUFS)
				return true;	/* the retransmit timer copes */
			log_info("tftp: UDP GSO refused (%s): using sendmmsg",
			    strerror(errno));
			gso_broken = true;
			return false;
		}
		T.st.packets += n;
		*done += n;
	}
	return true;
}

/*
 * busy-poll: after a window the loop polls (ev_spin) before it sleeps,
 * for as long as tftp_xfer_poll_us() says (the rule and why are there).
 * Returns whether the loop polls.
 */
static bool
tftp_busy_poll(struct tftp_conn *c)
{
	unsigned	spin;

	c->sent_ns = ev_clock_ns();
	c->sends++;
	spin = tftp_xfer_poll_us(T.conf->tftp.busy_poll_us, c->srtt_us,
	    T.gap_us, c->sends);
	if (spin == 0)
		return false;
	ev_spin((uint64_t)spin * 1000);
	return true;
}

/*
 * Whether c's answer is the next one due from any transfer (its round
 * trip is no longer than the gap between answers): then reading its next
 * window while the loop polls (x->ahead) is not wasted on a storm, where
 * another transfer's ACK nearly always comes first.
 */
static bool
tftp_answers_next(const struct tftp_conn *c)
{
	return c->srtt_us != 0 && (T.gap_us == 0 || c->srtt_us <= T.gap_us);
}

/* An answer from the client: its round trip and the loop's gap. */
static void
tftp_rtt(struct tftp_conn *c)
{
	uint64_t	now = ev_clock_ns();

	c->srtt_us = tftp_xfer_smooth_us(c->srtt_us, c->sent_ns, now);
	if (T.answer_ns != 0)
		T.gap_us = tftp_xfer_smooth_us(T.gap_us, T.answer_ns, now);
	T.answer_ns = now;
}

/* Send datagrams [from, to) with sendmmsg(2): the count sent. */
static size_t
tftp_send_mmsg(struct tftp_conn *c, int fd, struct iovec *iov, size_t from,
    size_t to)
{
	struct mmsghdr		 msgs[64];
	struct msghdr		 proto;
	union udp_cmsg		 cb;
	size_t			 i, done = from;

	/* One control block serves every message: the same source address. */
	memset(&proto, 0, sizeof(proto));
	udp_cmsg(&cb, &c->local, tftp_out_ifindex(&c->local, c->ifindex), 0,
	    &proto);
	while (done < to) {
		size_t	n = to - done > 64 ? 64 : to - done;
		int	sent;

		memset(msgs, 0, n * sizeof(msgs[0]));
		for (i = 0; i < n; i++) {
			struct msghdr	*m = &msgs[i].msg_hdr;

			m->msg_name = &c->peer;
			m->msg_namelen = netaddr_sock_len(&c->peer);
			m->msg_iov = &iov[2 * (done + i)];
			m->msg_iovlen = 2;
			m->msg_control = proto.msg_control;
			m->msg_controllen = proto.msg_controllen;
		}
		sent = sendmmsg(fd, msgs, (unsigned)n, 0);
		if (sent <= 0) {
			/* A full socket buffer: the retransmit timer copes. */
			if (sent == -1 && errno != EAGAIN)
				log_debug("tftp: sendmmsg to %s: %s",
				    c->client, strerror(errno));
			break;
		}
		T.st.packets += (uint64_t)sent;
		done += (size_t)sent;
	}
	return done - from;
}

/*
 * A window goes out as separate datagrams (sendmmsg) while the loop polls
 * for its ACK, and as one GSO send when it sleeps instead.  Measured on
 * issue 14's test bed (bench/README): polling, the server's CPU time is
 * its wall time whatever it sends, and separate datagrams reach the
 * client one by one, so it wakes on the first and reads while the rest
 * are sent; it answers ~17 us after the last datagram against ~69 us
 * after a GSO window, which lands all at once: 1.1-1.3x the throughput
 * at windowsize 16, 1.05x at 4.  Sleeping, GSO costs the server 20-30 %
 * less CPU per byte for 5-10 % less throughput.
 */
static void
tftp_conn_send(struct tftp_xfer *x, struct iovec *iov, size_t npkts)
{
	struct tftp_conn	*c = x->io;
	size_t			 done = 0;
	int			 fd = T.socks[c->sock];

	client_stage_progress(c->has_mac ? c->mac : NULL, tftp_xfer_bytes(x));
	if (!tftp_busy_poll(c)) {
		if (npkts > 1 && tftp_send_gso(c, fd, iov, npkts, &done) &&
		    done == npkts)
			return;
	} else
		x->ahead = tftp_answers_next(c);
	tftp_send_mmsg(c, fd, iov, done, npkts);
}

static void
tftp_conn_end(struct tftp_xfer *x)
{
	struct tftp_conn	*c = x->io;
	uint64_t		 ms = x->ended_ms - x->started_ms;
	uint64_t		 bytes = tftp_xfer_bytes(x);
	double			 secs = ms / 1000.0;

	client_stage_end(c->has_mac ? c->mac : NULL, bytes, x->result ==
	    TFTP_END_DONE ? CLIENT_END_OK : x->result == TFTP_END_PROBE ?
	    CLIENT_END_PROBE : CLIENT_END_FAILED, tftp_xfer_end_str(x->result));
	switch (x->result) {
	case TFTP_END_DONE:
		T.st.completed++;
		if (c->has_mac)
			loopguard_note(T.conf, c->mac, c->asked, "tftp", c->rule);
		log_info("tftp: sent %s to %s, %llu bytes in %.3f s, %.0f KiB/s,"
		    " %s, %u retransmit%s, round trip %u us", c->name,
		    c->client, (unsigned long long)bytes, secs,
		    secs > 0 ? bytes / 1024.0 / secs : bytes / 1024.0,
		    c->opts, x->retransmits, x->retransmits == 1 ? "" : "s",
		    c->srtt_us);
		break;
	case TFTP_END_PROBE:
		T.st.probes++;
		log_debug("tftp: size probe of %s by %s (%s)", c->name,
		    c->client, c->opts);
		break;
	case TFTP_END_PEER: {
		char	msg[sizeof(x->peer_msg) * 4];

		T.st.failed++;
		log_info("tftp: %s stopped %s after %llu bytes: client error "
		    "%u \"%s\"", c->client, c->name, (unsigned long long)bytes,
		    x->peer_code, log_sanitize(msg, sizeof(msg),
		    (const uint8_t *)x->peer_msg, strlen(x->peer_msg)));
		break;
	}
	default:
		T.st.failed++;
		log_warnx("tftp: failed %s to %s after %llu bytes, %.3f s: %s"
		    " (%u retransmits, %s)", c->name, c->client,
		    (unsigned long long)bytes, secs, tftp_xfer_end_str(x->result),
		    x->retransmits, c->opts);
		break;
	}
	T.st.bytes += bytes;
	T.active--;
	if (c->held)
		peerlim_release(T.lim, &c->addr);
	tftp_unhash(c);
	tftp_file_put(x->file);
	free(x->na);
	free(c);
}

/* RFC 2347-2349, 7440: what to acknowledge, within limits and rules. */
static void
tftp_negotiate(const struct tftp_rrq *rq, unsigned refuse, int ifindex,
    bool v6, const struct tftp_file *f, struct tftp_params *p)
{
	const struct conf	*conf = T.conf;
	struct tftp_opts	*o = &p->oack;

	memset(p, 0, sizeof(*p));
	p->blksize = TFTP_BLKSIZE_DEFAULT;
	p->windowsize = 1;
	p->timeout_ms = conf->tftp.timeout_ms;
	p->retries = conf->tftp.retries;
	p->idle_ms = conf->tftp.max_idle_ms;
	p->rollover = conf->tftp.rollover;
	p->netascii = rq->mode == TFTP_MODE_NETASCII;
	if (rq->blksize.set && !(refuse & TFTP_REFUSE_BLKSIZE)) {
		uint64_t	v = rq->blksize.val;
		/* IP, UDP and TFTP headers: 20 + 8 + 4, or 40 + 8 + 4. */
		int		mtu = tftp_mtu(ifindex) - (v6 ? 52 : 32);

		if (v > conf->tftp.max_blksize)
			v = conf->tftp.max_blksize;
		if (mtu >= TFTP_BLKSIZE_MIN && v > (uint64_t)mtu)
			v = (uint64_t)mtu;
		o->blksize.set = true;
		o->blksize.val = v;
		p->blksize = (unsigned)v;
	}
	/*
	 * A netascii size is not known before conversion: no tsize then.
	 * Nor for an empty file: curl takes "tsize 0" in an OACK for an
	 * error, and the size says nothing the first block will not.
	 */
	if (rq->tsize.set && !(refuse & TFTP_REFUSE_TSIZE) && !p->netascii &&
	    f->size > 0) {
		o->tsize.set = true;
		o->tsize.val = f->size;
	}
	if (rq->timeout.set && !(refuse & TFTP_REFUSE_TIMEOUT)) {
		o->timeout = rq->timeout;
		p->timeout_ms = (unsigned)rq->timeout.val * 1000;
		p->fixed_timeout = true;
	}
	if (rq->windowsize.set && !(refuse & TFTP_REFUSE_WINDOWSIZE)) {
		uint64_t	v = rq->windowsize.val;

		if (v > conf->tftp.max_windowsize)
			v = conf->tftp.max_windowsize;
		o->windowsize.set = true;
		o->windowsize.val = v;
		p->windowsize = (unsigned)v;
	}
}

/* One read request on its way from the packet to a transfer. */
struct tftp_ask {
	int			 lfd;		/* the port-69 socket */
	const union netaddr_sock *peer;
	struct netaddr		 addr;		/* the peer's */
	struct netaddr		 local;
	int			 ifindex;
	struct tftp_rrq		 rq;
	char			 who[NETADDR_STRLEN]; /* "ip:port" */
	char			 safe[1100];	/* the name, for logs */
	char			 canon[512];	/* the clean name */
	enum fsroot_err		 ferr;		/* of the clean name */
	char			 ifname[IF_NAMESIZE];
	uint8_t			 mac[CLIENT_MAC_LEN];
	struct rules_req	 req;
	struct rules_result	 res;
	const char		*path;		/* canon, or its alias */
	const char		*subdir;	/* unique-root, or NULL */
	char			 sub[NETADDR_STRLEN];
	int			 fd;
	struct stat		 st;
};

static void
tftp_busy(const struct tftp_ask *a, const char *why)
{
	static struct log_rate	 rate;

	T.st.busy++;
	tftp_senderr(a->lfd, a->peer, &a->local, a->ifindex, TFTP_ENOTDEFINED,
	    "server busy");
	/* At most one line a second in a storm, with the count. */
	log_rated(&rate, LOG_WARNING, "tftp: busy, refused %s (%s)", a->who,
	    why);
}

/*
 * Fair shares (peerlim.c): per client address, max-transfers-per-client
 * at once and max-requests-per-second new requests (a bucket as deep as
 * one second's worth, so a firmware's tsize probe, its download and a
 * retry or two pass at once).  A refusal is ERROR 0 with a message that
 * says why: code 0 is "see the message", which every client shows as it
 * is and takes for a failure of this attempt, while codes 1 to 7 each
 * claim something false (1 sends iPXE and GRUB on to other names, 2 and
 * 3 blame permissions or a disk).  An older transfer still waiting for
 * its first ACK keeps its slot until it ends by itself (retries,
 * max-idle): taking it for the newcomer would let a flood turn every
 * request into a data packet, where a refusal costs one small datagram.
 */
static bool
tftp_admit(const struct tftp_ask *a)
{
	static struct log_rate	 rate[LOG_RATE_SLOTS];
	struct peerlim_limits	 lim;
	enum peerlim_verdict	 v;
	bool			 many;

	lim.max_active = T.conf->tftp.max_per_client;
	lim.rate = lim.burst = T.conf->tftp.max_rps;
	if ((v = peerlim_admit(T.lim, &a->addr, &lim, ev_now())) ==
	    PEERLIM_OK)
		return true;
	many = v == PEERLIM_ACTIVE;
	if (many)
		T.st.client_limit++;
	else
		T.st.rate_limit++;
	tftp_senderr(a->lfd, a->peer, &a->local, a->ifindex, TFTP_ENOTDEFINED,
	    many ? "too many transfers from your address" :
	    "too many requests from your address");
	log_rated(log_rate_client(rate, a->who, NULL), LOG_WARNING,
	    "tftp: refused \"%s\" from %s: %s (%s %u)", a->safe, a->who,
	    peerlim_verdict_str(v), many ? "max-transfers-per-client" :
	    "max-requests-per-second", many ? lim.max_active : lim.rate);
	return false;
}

/* Parse the datagram; false when it is no read request (answered). */
static bool
tftp_ask_parse(const uint8_t *pkt, size_t len, struct tftp_ask *a)
{
	static struct log_rate	 bad_rate[LOG_RATE_SLOTS];
	enum tftp_perr		 perr;

	netaddr_sock_str(&a->peer->sa, a->who, sizeof(a->who));
	netaddr_from_sock(&a->peer->sa, &a->addr, NULL);
	perr = tftp_pkt_rrq_parse(pkt, len, &a->rq);
	if (perr == TFTP_PBADOP && len >= 2 && pkt[0] == 0 &&
	    pkt[1] >= TFTP_DATA && pkt[1] <= TFTP_OACK) {
		/* A client answering our refusal here: nothing to do. */
		log_debug("tftp: opcode %u from %s on the request port",
		    pkt[1], a->who);
		return false;
	}
	if (perr != TFTP_POK) {
		T.st.refused++;
		log_rated(log_rate_client(bad_rate, a->who, NULL),
		    LOG_WARNING, "tftp: bad request from %s: %s", a->who,
		    tftp_pkt_perr_str(perr));
		if (perr != TFTP_PSHORT && perr != TFTP_PBADOP)
			tftp_senderr(a->lfd, a->peer, &a->local, a->ifindex,
			    TFTP_EBADOP, tftp_pkt_perr_str(perr));
		return false;
	}
	log_sanitize(a->safe, sizeof(a->safe), (const uint8_t *)a->rq.file,
	    strlen(a->rq.file));
	if (a->rq.op == TFTP_WRQ) {
		T.st.refused++;
		log_warnx("tftp: write request for \"%s\" from %s refused: "
		    "read-only server", a->safe, a->who);
		tftp_senderr(a->lfd, a->peer, &a->local, a->ifindex,
		    TFTP_EACCESS, "read-only server");
		return false;
	}
	a->ferr = fsroot_clean(a->rq.file, a->canon, sizeof(a->canon));
	return true;
}

/* Who is it: MAC and interface, and what the rules say of it. */
static void
tftp_ask_identify(struct tftp_ask *a)
{
	struct client_src	src;

	memset(&src, 0, sizeof(src));
	if (a->ifindex != 0 && if_indextoname((unsigned)a->ifindex,
	    a->ifname) != NULL)
		src.ifname = a->ifname;
	if (udp_neighbour_mac(T.lfd, &a->addr, a->ifindex, a->mac)) {
		src.mac = a->mac;
		client_offer_done(a->mac);	/* a proxy offer followed up */
	}
	/* What its DHCP request said (arch, classes) holds here too. */
	client_rules_req(&src, &a->req);
	rules_eval(T.conf, &a->req, &a->res);
}

/* The rules' alias and the machine's own directory, then the file. */
static enum fsroot_err
tftp_ask_resolve(struct tftp_ask *a)
{
	const struct conf	*conf = T.conf;
	const struct rules_req	*req = &a->req;
	struct stat		 dst;
	size_t			 i;

	a->path = a->canon;
	a->subdir = NULL;
	for (i = 0; i < a->res.eff.naliases; i++)
		if (strcmp(a->canon, a->res.eff.aliases[i].from) == 0) {
			a->path = a->res.eff.aliases[i].to;
			break;
		}
	if (conf->tftp.unique_root != CONF_UNIQUE_NONE) {
		if (conf->tftp.unique_root == CONF_UNIQUE_IP)
			netaddr_ntop(&a->addr, a->sub, sizeof(a->sub));
		else if (req->mac_len == 6)
			snprintf(a->sub, sizeof(a->sub),
			    "%02x-%02x-%02x-%02x-%02x-%02x", req->mac[0],
			    req->mac[1], req->mac[2], req->mac[3], req->mac[4],
			    req->mac[5]);
		else
			a->sub[0] = '\0';
		if (a->sub[0] != '\0' && fstatat(T.root.dirfd, a->sub, &dst,
		    AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(dst.st_mode))
			a->subdir = a->sub;
	}
	return fsroot_open(&T.root, a->subdir, a->path, &a->fd, &a->st);
}

static void	tftp_sock_read(int, void *);

/*
 * Transfer socket i, made on first use: the IPv6 half of the pool costs
 * no descriptor until an IPv6 client comes.
 */
static int
tftp_sock(unsigned i)
{
	int	family = i < T.nsocks ? AF_INET : AF_INET6;

	if (T.socks[i] != -1)
		return T.socks[i];
	if ((T.socks[i] = udp_socket(family, 0, 4 * 1024 * 1024)) == -1)
		return -1;
	if (ev_fd_add(T.socks[i], tftp_sock_read, (void *)(uintptr_t)i) ==
	    -1) {
		close(T.socks[i]);
		T.socks[i] = -1;
	}
	return T.socks[i];
}

/* A transfer for the open file a->fd; the descriptor is always taken. */
static void
tftp_ask_start(struct tftp_ask *a)
{
	struct tftp_conn	*c;
	const char		*sd = a->subdir;
	unsigned		 sock = T.next_sock % T.nsocks +
				    (a->addr.family == AF_INET6 ? T.nsocks : 0);

	if (tftp_sock(sock) == -1) {
		log_warn("tftp: transfer socket");
		close(a->fd);
		tftp_busy(a, "no transfer socket");
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->x.file = tftp_file_get(a->fd, &a->st)) == NULL) {
		if (c == NULL)
			close(a->fd);
		free(c);
		tftp_busy(a, "out of memory");
		return;
	}
	c->peer = *a->peer;
	c->local = a->local;
	c->ifindex = a->ifindex;
	snprintf(c->name, sizeof(c->name), "%s%s%.500s", sd ? sd : "",
	    sd ? "/" : "", a->path);
	snprintf(c->client, sizeof(c->client), "%s", a->who);
	memcpy(c->asked, a->canon, sizeof(c->asked));
	if (a->req.mac_len == 6) {
		memcpy(c->mac, a->req.mac, 6);
		c->has_mac = true;
		loopguard_rule(a->res.boot, c->rule, sizeof(c->rule));
	}
	tftp_negotiate(&a->rq, a->res.tftp_refuse, a->ifindex,
	    a->addr.family == AF_INET6, c->x.file, &c->x.p);
	snprintf(c->opts, sizeof(c->opts), "%s blksize %u windowsize %u%s%s%s",
	    c->x.p.netascii ? "netascii" : "octet", c->x.p.blksize,
	    c->x.p.windowsize, c->x.p.oack.tsize.set ? " tsize" : "",
	    c->x.p.fixed_timeout ? " timeout" : "",
	    a->res.tftp_refuse ? " (options refused by rule)" : "");
	c->sock = sock;
	c->addr = a->addr;
	c->held = peerlim_hold(T.lim, &a->addr, ev_now());
	T.next_sock++;
	c->x.send = tftp_conn_send;
	c->x.end = tftp_conn_end;
	c->x.io = c;
	c->hnext = T.hash[tftp_peerhash(a->peer)];
	T.hash[tftp_peerhash(a->peer)] = c;
	T.active++;
	T.st.started++;
	log_debug("tftp: %s asks for \"%s\" (%s)%s%s", a->who, a->safe, c->opts,
	    a->path != a->canon ? ", alias of " : "",
	    a->path != a->canon ? a->canon : "");
	client_stage_file(c->has_mac ? c->mac : NULL, CLIENT_VIA_TFTP, c->name,
	    c->x.file->size, false);
	if (tftp_xfer_start(&c->x) == -1)
		tftp_xfer_abort(&c->x);
}

static void
tftp_refuse(const struct tftp_ask *a, enum fsroot_err ferr)
{
	static struct log_rate	 rate[LOG_RATE_SLOTS];

	T.st.refused++;
	/* The same client asking for the same file again and again. */
	log_rated(log_rate_client(rate, a->who, a->safe), LOG_WARNING,
	    "tftp: refused \"%s\" from %s: %s", a->safe, a->who,
	    fsroot_strerror(ferr));
	client_stage_refused(a->req.mac_len == 6 ? a->req.mac : NULL,
	    CLIENT_VIA_TFTP, a->safe, fsroot_strerror(ferr));
	tftp_senderr(a->lfd, a->peer, &a->local, a->ifindex,
	    ferr == FSROOT_NOTFOUND ?
	    TFTP_ENOTFOUND : TFTP_EACCESS, ferr == FSROOT_NOTFOUND ?
	    "file not found" : "access violation");
}

/*
 * No such file: a loader config rendered from its template (into a
 * memfd, so it travels as a file does), or a search name that misses
 * quietly.  1: a->fd is ready; 0: not found as usual; -1: answered.
 */
static int
tftp_ask_loader(struct tftp_ask *a)
{
	struct loadercfg_ask	 q;
	char			 server[NETADDR_STRLEN], ip[NETADDR_STRLEN];
	char			*text;
	size_t			 len;
	int			 fd;

	netaddr_ntop(&a->local, server, sizeof(server));
	netaddr_ntop(&a->addr, ip, sizeof(ip));
	memset(&q, 0, sizeof(q));
	q.conf = T.conf;
	q.tftp = true;
	q.path = a->path;
	q.req = &a->req;
	q.server = server;
	q.ip = ip;
	switch (loadercfg_answer(&q, &text, &len)) {
	case LOADERCFG_MISS:
		return 0;
	case LOADERCFG_QUIET:
		/* A name the loader tries before its own: no warning. */
		T.st.refused++;
		log_debug("tftp: %s asks for \"%s\": not found (a loader's "
		    "search name)", a->who, a->safe);
		tftp_senderr(a->lfd, a->peer, &a->local, a->ifindex,
		    TFTP_ENOTFOUND, "file not found");
		return -1;
	case LOADERCFG_TOOBIG:
		tftp_busy(a, "loader config over 256 KiB or out of memory");
		return -1;
	case LOADERCFG_TEXT:
		break;
	}
	if ((fd = memfd_create("pxed-loadercfg", MFD_CLOEXEC)) == -1 ||
	    write(fd, text, len) != (ssize_t)len || fstat(fd, &a->st) == -1) {
		log_warn("tftp: loader config %s", q.used->path);
		if (fd != -1)
			close(fd);
		free(text);
		tftp_busy(a, "no memory file");
		return -1;
	}
	free(text);
	a->fd = fd;
	log_debug("tftp: \"%s\" rendered from %s (%zu bytes)", a->safe,
	    q.used->path, len);
	return 1;
}

/* A datagram on port 69: parse, identify, resolve, start. */
static void
tftp_request(const uint8_t *pkt, size_t len, int lfd,
    const struct udp_from *from)
{
	struct tftp_ask		 ask, *a = &ask;
	struct tftp_conn	*old;
	enum fsroot_err		 ferr;
	const union netaddr_sock *peer = &from->peer;

	a->lfd = lfd;
	a->peer = peer;
	a->local = from->local;
	a->ifindex = from->ifindex;
	if (!tftp_ask_parse(pkt, len, a))
		return;
	if ((old = tftp_lookup(peer)) != NULL) {
		/* The same request again: the client has not heard us yet. */
		if (a->ferr != FSROOT_OK || strcmp(old->asked, a->canon) == 0)
			return;
		tftp_xfer_abort(&old->x);
	}
	if (T.active >= T.conf->tftp.max_transfers) {
		tftp_busy(a, "max-transfers reached");
		return;
	}
	if (!tftp_admit(a))
		return;
	tftp_ask_identify(a);
	if (a->ferr != FSROOT_OK) {
		tftp_refuse(a, a->ferr);
		return;
	}
	ferr = tftp_ask_resolve(a);
	if (ferr == FSROOT_NOTFOUND)
		switch (tftp_ask_loader(a)) {
		case 1:
			ferr = FSROOT_OK;
			break;
		case -1:
			return;
		}
	if (ferr == FSROOT_IO && (errno == EMFILE || errno == ENFILE))
		tftp_busy(a, "no file descriptor left");
	else if (ferr != FSROOT_OK)
		tftp_refuse(a, ferr);
	else
		tftp_ask_start(a);
}

/* ---------- sockets ---------- */

static void
tftp_listen_read(int fd, void *arg)
{
	uint8_t			 buf[2048];
	struct udp_from		 from;
	int			 turns;
	ssize_t			 n;

	for (turns = 0; turns < 64; turns++) {
		if ((n = udp_recv(fd, buf, sizeof(buf), &from)) == -1)
			return;
		if (udp_from_port(&from) == 0 ||
		    !udp_iface_allowed(T.conf, from.ifindex))
			continue;
		tftp_request(buf, (size_t)n, fd, &from);
	}
}

static void
tftp_sock_read(int fd, void *arg)
{
	static uint8_t		 bufs[UDP_BATCH][1024];
	struct udp_msg		 m[UDP_BATCH];
	unsigned		 sock = (unsigned)(uintptr_t)arg;
	int			 n, i, turns;

	for (turns = 0; turns < 8; turns++) {
		for (i = 0; i < UDP_BATCH; i++) {
			m[i].buf = bufs[i];
			m[i].cap = sizeof(bufs[i]);
		}
		if ((n = udp_recv_many(fd, m, UDP_BATCH)) <= 0)
			return;
		for (i = 0; i < n; i++) {
			struct tftp_conn	*c;
			char			 who[NETADDR_STRLEN];

			if (udp_from_port(&m[i].from) == 0)
				continue;
			c = tftp_lookup(&m[i].from.peer);
			if (c != NULL && c->sock == sock) {
				tftp_rtt(c);
				tftp_xfer_input(&c->x, m[i].buf, m[i].len);
				continue;
			}
			/* RFC 1350 4: not this transfer's peer. */
			log_debug("tftp: packet from stranger %s",
			    netaddr_sock_str(&m[i].from.peer.sa, who,
			    sizeof(who)));
			T.st.strangers++;
			tftp_senderr(fd, &m[i].from.peer, NULL, 0, TFTP_EBADID,
			    "unknown transfer ID");
		}
		if (n < UDP_BATCH)
			return;
	}
}

/*
 * The IPv6 port-69 socket, beside the IPv4 one: a host without IPv6 is
 * served over IPv4 alone.
 */
static void
tftp_listen6(const struct conf *conf)
{
	if ((T.lfd6 = udp_socket(AF_INET6, conf->tftp.port,
	    4 * 1024 * 1024)) == -1) {
		log_warn("tftp: no IPv6 on port %u, serving IPv4 only",
		    conf->tftp.port);
		return;
	}
	if (ev_fd_add(T.lfd6, tftp_listen_read, NULL) == -1) {
		close(T.lfd6);
		T.lfd6 = -1;
	}
}

static uint64_t
tftp_seed(void)
{
	uint64_t	seed;

	arc4random_buf(&seed, sizeof(seed));
	return seed;
}

int
tftp_io_init(const struct conf *conf)
{
	size_t		size;
	unsigned	i;

	T.conf = conf;
	if (!conf->tftp.enable)
		return 0;
	if (fsroot_init(&T.root, conf->tftp.root) == -1) {
		log_warn("tftp: root %s", conf->tftp.root);
		return -1;
	}
	if ((T.lfd = udp_socket(AF_INET, conf->tftp.port,
	    4 * 1024 * 1024)) == -1) {
		log_warn("tftp: cannot bind port %u", conf->tftp.port);
		return -1;
	}
	T.port = conf->tftp.port;
	T.nsocks = conf->tftp.sockets;
	if ((T.socks = calloc(2 * (size_t)T.nsocks, sizeof(*T.socks))) ==
	    NULL)
		return -1;
	for (i = 0; i < 2 * T.nsocks; i++)
		T.socks[i] = -1;
	for (i = 0; i < T.nsocks; i++) {
		if (tftp_sock(i) == -1) {
			log_warn("tftp: transfer socket");
			return -1;
		}
	}
	for (size = 1024; size < 2 * (size_t)conf->tftp.max_transfers;
	    size *= 2)
		;
	if ((T.hash = calloc(size, sizeof(*T.hash))) == NULL)
		return -1;
	T.hash_mask = size - 1;
	/* Room for every transfer's address and as many gone quiet. */
	T.lim_cap = 2 * (size_t)conf->tftp.max_transfers;
	if ((T.lim = peerlim_new(T.lim_cap, tftp_seed())) == NULL)
		return -1;
	if (ev_fd_add(T.lfd, tftp_listen_read, NULL) == -1)
		return -1;
	tftp_listen6(conf);
	T.up = true;
	log_info("tftp: serving %s on port %u (%s), %u transfer sockets, up "
	    "to %u transfers", conf->tftp.root, T.port, T.lfd6 != -1 ?
	    "IPv4 and IPv6" : "IPv4", T.nsocks, conf->tftp.max_transfers);
	return 0;
}

/*
 * A larger max-transfers: a larger table of client addresses, holding
 * what each transfer in progress holds (the buckets start full again,
 * which errs toward letting clients in).
 */
static void
tftp_lim_grow(size_t cap)
{
	struct peerlim		*pl;
	struct tftp_conn	*c;
	size_t			 i;

	if (cap <= T.lim_cap || (pl = peerlim_new(cap, tftp_seed())) == NULL)
		return;
	for (i = 0; i <= T.hash_mask; i++)
		for (c = T.hash[i]; c != NULL; c = c->hnext)
			c->held = peerlim_hold(pl, &c->addr, ev_now());
	peerlim_free(T.lim);
	T.lim = pl;
	T.lim_cap = cap;
}

void
tftp_io_reload(const struct conf *conf)
{
	T.conf = conf;
	if (!T.up) {
		if (conf->tftp.enable)
			log_warnx("tftp: enabling TFTP takes a restart");
		return;
	}
	if (!conf->tftp.enable || conf->tftp.port != T.port ||
	    conf->tftp.sockets != T.nsocks)
		log_warnx("tftp: a new enable, port or sockets setting takes "
		    "a restart");
	if (fsroot_switch(&T.root, conf->tftp.root) == -1) {
		log_warn("tftp: new root %s, keeping %s", conf->tftp.root,
		    T.root.path);
		return;
	}
	tftp_lim_grow(2 * (size_t)conf->tftp.max_transfers);
	/* The hash table was sized for the old limit: grow it if needed. */
	if (2 * (size_t)conf->tftp.max_transfers > T.hash_mask + 1) {
		struct tftp_conn	**oh = T.hash, *c, *n;
		size_t			  osize = T.hash_mask + 1, size, i;

		for (size = osize; size < 2 * (size_t)conf->tftp.max_transfers;
		    size *= 2)
			;
		if ((T.hash = calloc(size, sizeof(*T.hash))) == NULL) {
			T.hash = oh;
			return;
		}
		T.hash_mask = size - 1;
		for (i = 0; i < osize; i++)
			for (c = oh[i]; c != NULL; c = n) {
				n = c->hnext;
				c->hnext = T.hash[tftp_peerhash(&c->peer)];
				T.hash[tftp_peerhash(&c->peer)] = c;
			}
		free(oh);
	}
}

static void
tftp_close(int *fd)
{
	if (*fd == -1)
		return;
	ev_fd_del(*fd);
	close(*fd);
	*fd = -1;
}

void
tftp_io_fini(void)
{
	size_t		i;
	unsigned	s;

	if (T.hash != NULL)
		for (i = 0; i <= T.hash_mask; i++)
			while (T.hash[i] != NULL)
				tftp_xfer_abort(&T.hash[i]->x);
	for (s = 0; T.socks != NULL && s < 2 * T.nsocks; s++)
		tftp_close(&T.socks[s]);
	free(T.socks);
	T.socks = NULL;
	T.nsocks = 0;
	tftp_close(&T.lfd);
	tftp_close(&T.lfd6);
	free(T.hash);
	T.hash = NULL;
	peerlim_free(T.lim);
	T.lim = NULL;
	fsroot_fini(&T.root);
	T.up = false;
}

void
tftp_io_foreach_active(void (*fn)(const char *client, const char *file,
    uint64_t sent, uint64_t size, void *arg), void *arg)
{
	struct tftp_conn	*c;
	size_t			 i;

	if (T.hash == NULL)
		return;
	for (i = 0; i <= T.hash_mask; i++)
		for (c = T.hash[i]; c != NULL; c = c->hnext)
			fn(c->client, c->name, tftp_xfer_bytes(&c->x),
			    c->x.file->size, arg);
}

void
tftp_io_stats(struct tftp_io_stats *st)
{
	*st = T.st;
	st->active = T.active;
}

void
tftp_io_summary(void)
{
	uint64_t	reads, used;

	if (!T.up)
		return;
	tftp_xfer_ahead_stats(&reads, &used);
	log_info("state: tftp %u active, %llu completed, %llu failed, %llu "
	    "size probes, %llu refused, %llu busy, %llu over a client's "
	    "limits, %llu bytes, %llu windows read ahead, %llu of them sent",
	    T.active, (unsigned long long)T.st.completed,
	    (unsigned long long)T.st.failed, (unsigned long long)T.st.probes,
	    (unsigned long long)T.st.refused, (unsigned long long)T.st.busy,
	    (unsigned long long)(T.st.client_limit + T.st.rate_limit),
	    (unsigned long long)T.st.bytes, (unsigned long long)reads,
	    (unsigned long long)used);
}
