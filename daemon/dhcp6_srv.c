/*
 * dhcp6_srv.c: what to answer to a DHCPv6 message (RFC 8415), with the
 * network boot options of RFC 5970 picked by the same rules as IPv4.
 *
 * Server mode:
 *
 *   client                         pxed
 *   Solicit (IA_NA, ORO 59) ---->  range6 of the link, address for the IA
 *          <---- Advertise         (bound in memory only, 60 s)
 *   Request (our Server ID) ---->  bind, journal A6, lease_sync()
 *          <---- Reply             (durable: leaves after the fdatasync)
 *   Solicit + Rapid Commit  ---->  the same as Request at once (21.14)
 *   Renew / Rebind          ---->  extend, or NoBinding / lifetimes 0
 *   Confirm                 ---->  Success or NotOnLink, no binding
 *   Release / Decline       ---->  R6 / D6 journaled, Reply Success
 *   Information-request     ---->  Reply with options, no address
 *
 * Proxy mode (dhcp.mode = proxy, or a request to port 4011): another
 * server gives the addresses; only PXE and HTTP boot clients (option 16
 * PXEClient or HTTPClient, or option 61) are answered, Solicit with an
 * Advertise carrying the boot options and no IA (EDK2 drops an Advertise
 * with NoAddrsAvail), then the client's Request without IA, on 4011 or
 * 547, with a Reply carrying option 59.
 *
 * A Relay-Forward is answered with a Relay-Reply for each relay layer
 * (RFC 8415 19.3), Interface-ID echoed; the innermost relay's
 * link-address chooses the range6, else the receiving interface's
 * addresses do.
 */
#include "config.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp_proto.h"
#include "dhcp6_srv.h"
#include "lease6.h"
#include "log.h"
#include "netaddr.h"
#include "wire.h"

#define PXE_ENTERPRISE	343	/* Intel: PXEClient, HTTPClient */

/* Everything one message's reply is made from. */
struct dhcp6_tx {
	const struct dhcp6_srv_in	*in;
	struct dhcp6_srv_out		*out;
	struct dhcp6_msg		 m;
	struct rules_req		 req;
	struct rules_result		 res;
	bool				 pxe, http, ipxe;
	const struct dhcp6_opt		*cid;		/* Client Identifier */
	const struct conf_range6	*range;
	struct in6_addr			 server;	/* in boot URLs */
	struct in6_addr			 shown;		/* for the log */
	const char			*why;		/* no reply: why */
	char				 file[1024];	/* option 59 */
	struct dhcp6_out		 o;
	size_t				 marks[DHCP6_HOP_COUNT_LIMIT + 1];
};

bool
dhcp6_srv_enabled(const struct conf *conf)
{
	return conf->dhcp.ipv6 && (conf->dhcp.mode == CONF_DHCP_PROXY ||
	    (conf->dhcp.mode == CONF_DHCP_SERVER && conf->dhcp.nranges6 > 0));
}

/* ---------- the request ---------- */

/* The innermost relay's link-address that is set, or NULL. */
static const struct in6_addr *
dhcp6_link(const struct dhcp6_msg *m)
{
	size_t	i;

	for (i = m->nrelay; i > 0; i--)
		if (!IN6_IS_ADDR_UNSPECIFIED(&m->relay[i - 1].link))
			return &m->relay[i - 1].link;
	return NULL;
}

/* RFC 6939: link-layer type 1 (Ethernet) and the address. */
static bool
dhcp6_lladdr_mac(const struct dhcp6_opt *o, uint8_t mac[6])
{
	if (o->data == NULL || o->len != 8 || wire_get16(o->data) != 1)
		return false;
	memcpy(mac, o->data + 2, 6);
	return true;
}

void
dhcp6_srv_rules_req(const struct dhcp6_msg *m, const struct in6_addr *src,
    struct rules_req *req)
{
	const struct dhcp6_opt	*cid = dhcp6_pkt_opt(m, D6O_CLIENTID);
	const struct in6_addr	*link = dhcp6_link(m);
	const struct dhcp6_relay *near = m->nrelay > 0 ?
	    &m->relay[m->nrelay - 1] : NULL;
	size_t			 i;

	rules_req_init(req);
	req->family = AF_INET6;
	/* The first instance of each option (16 may come per enterprise). */
	for (i = 0; i < m->nopt; i++)
		if (m->opt[i].code < 256 && !req->opt[m->opt[i].code].present)
			rules_req_setopt(req, (uint8_t)m->opt[i].code,
			    m->opt[i].data, m->opt[i].len);
	if (cid != NULL) {
		req->duid = cid->data;
		req->duid_len = cid->len;
	}
	if (link != NULL)
		req->link6 = *link;
	/* The MAC: DUID-LL(T), the client's EUI-64 link-local, RFC 6939. */
	if ((cid != NULL && dhcp6_pkt_duid_mac(cid->data, cid->len,
	    req->mac)) || (near == NULL && src != NULL &&
	    dhcp6_pkt_eui64_mac(src, req->mac)) || (near != NULL &&
	    (dhcp6_pkt_eui64_mac(&near->peer, req->mac) ||
	    dhcp6_lladdr_mac(&near->lladdr, req->mac))))
		req->mac_len = 6;
}

/* Option 16 of enterprise 343 whose first vendor-class-data begins s. */
static bool
dhcp6_vclass_is(const struct dhcp6_msg *m, const char *s)
{
	size_t	i, n = strlen(s);

	for (i = 0; i < m->nopt; i++) {
		const struct dhcp6_opt	*o = &m->opt[i];

		if (o->code == D6O_VENDOR_CLASS && o->len >= 6 + n &&
		    wire_get32(o->data) == PXE_ENTERPRISE &&
		    wire_get16(o->data + 4) >= n &&
		    memcmp(o->data + 6, s, n) == 0)
			return true;
	}
	return false;
}

/* The range6 of the client's link: the relay's, else the interface's. */
static void
dhcp6_where(struct dhcp6_tx *t)
{
	const struct dhcp6_srv_in	*in = t->in;
	const struct in6_addr		*link = dhcp6_link(&t->m);
	size_t				 i;

	t->range = NULL;
	if (link != NULL)
		t->range = conf_inet6_range_of(in->conf, link);
	for (i = 0; link == NULL && t->range == NULL && i < in->nifaddrs; i++)
		t->range = conf_inet6_range_of(in->conf, &in->ifaddrs[i]);
	/* The server in URLs: on the client's prefix, else a global one. */
	memset(&t->server, 0, sizeof(t->server));
	for (i = 0; i < in->nifaddrs; i++) {
		const struct in6_addr	*a = &in->ifaddrs[i];

		if (t->range != NULL &&
		    conf_inet6_in_prefix(a, &t->range->prefix, t->range->plen)) {
			t->server = *a;
			break;
		}
		if (IN6_IS_ADDR_UNSPECIFIED(&t->server) ||
		    (IN6_IS_ADDR_LINKLOCAL(&t->server) &&
		    !IN6_IS_ADDR_LINKLOCAL(a)))
			t->server = *a;
	}
}

static bool
dhcp6_on_link(const struct dhcp6_tx *t, const struct in6_addr *a)
{
	return t->range != NULL &&
	    conf_inet6_in_prefix(a, &t->range->prefix, t->range->plen);
}

static bool
dhcp6_in_range(const struct conf_range6 *r, const struct in6_addr *a)
{
	return memcmp(a, &r->start, 16) >= 0 && memcmp(a, &r->end, 16) <= 0;
}

/* ---------- the reply ---------- */

static void
dhcp6_begin(struct dhcp6_tx *t, uint8_t type)
{
	const struct dhcp6_msg	*m = &t->m;
	size_t			 i;

	dhcp6_pkt_out_init(&t->o, t->out->buf, sizeof(t->out->buf));
	/* RFC 8415 19.3: one Relay-Reply per Relay-Forward, outermost first. */
	for (i = 0; i < m->nrelay; i++) {
		dhcp6_pkt_out_relay(&t->o, DHCP6_RELAY_REPL, &m->relay[i]);
		t->marks[i] = dhcp6_pkt_out_begin(&t->o, D6O_RELAY_MSG);
	}
	dhcp6_pkt_out_hdr(&t->o, type, m->xid);
	/* RFC 8415 18.3: Server Identifier, and the Client Identifier sent. */
	if (t->cid != NULL)
		dhcp6_pkt_out_opt(&t->o, D6O_CLIENTID, t->cid->data,
		    t->cid->len);
	dhcp6_pkt_out_opt(&t->o, D6O_SERVERID, t->in->duid, t->in->duid_len);
	t->out->type = type;
}

static void
dhcp6_finish(struct dhcp6_tx *t)
{
	size_t	i;

	for (i = t->m.nrelay; i > 0; i--)
		dhcp6_pkt_out_end(&t->o, t->marks[i - 1]);
	if (t->o.overflow) {
		t->out->type = -1;
		t->out->durable = false;
		t->why = "reply too large";
		return;
	}
	t->out->len = t->o.len;
	t->out->to = t->in->src;
}

static void
dhcp6_none(struct dhcp6_tx *t, const char *why)
{
	t->out->type = -1;
	t->out->durable = false;
	t->why = why;
}

#define DHCP6_ZERO_OTHERS	1	/* the client's other addresses: 0 */
#define DHCP6_ZERO_ALL		3	/* and the one given too */

/*
 * An IA in the reply: the address given with its lifetimes (T1 and T2
 * from the preferred lifetime, RFC 8415 21.4), with DHCP6_ZERO_OTHERS
 * the client's other addresses with lifetimes 0 (18.3.4), with
 * DHCP6_ZERO_ALL the address given too, and a status inside the IA when
 * status >= 0.
 */
static void
dhcp6_put_ia(struct dhcp6_tx *t, const struct dhcp6_ia *ia,
    const struct in6_addr *a, unsigned zero, int status, const char *msg)
{
	const struct conf	*c = t->in->conf;
	uint32_t		 pref = 0, valid = 0;
	uint8_t			 b[24];
	size_t			 mark, k;
	bool			 zero_others = zero & DHCP6_ZERO_OTHERS;

	if (a != NULL && t->range != NULL && zero != DHCP6_ZERO_ALL) {
		pref = t->range->preferred;
		valid = t->range->valid;
	}
	mark = dhcp6_pkt_out_begin(&t->o, ia->type);
	dhcp6_pkt_out_u32(&t->o, ia->iaid);
	/* An IA_PD gets no prefix here: its T1 and T2 are 0 (21.21). */
	if (ia->type != D6O_IA_TA) {
		dhcp6_pkt_out_u32(&t->o, (uint32_t)((uint64_t)pref *
		    c->dhcp.t1_pct / 100));
		dhcp6_pkt_out_u32(&t->o, (uint32_t)((uint64_t)pref *
		    c->dhcp.t2_pct / 100));
	}
	if (a != NULL) {
		memcpy(b, a, 16);
		wire_put32(b + 16, pref);
		wire_put32(b + 20, valid);
		dhcp6_pkt_out_opt(&t->o, D6O_IAADDR, b, sizeof(b));
	}
	for (k = 0; zero_others && k < ia->naddr; k++)
		if (a == NULL || memcmp(&ia->addr[k].addr, a, 16) != 0) {
			memset(b, 0, sizeof(b));
			memcpy(b, &ia->addr[k].addr, 16);
			dhcp6_pkt_out_opt(&t->o, D6O_IAADDR, b, sizeof(b));
		}
	if (status >= 0)
		dhcp6_pkt_out_status(&t->o, (uint16_t)status, msg);
	dhcp6_pkt_out_end(&t->o, mark);
}

/* Options the client asked for (RFC 8415 18.3, 21.7); no ORO: all. */
static bool
dhcp6_asked(const struct dhcp6_tx *t, uint16_t code)
{
	return dhcp6_pkt_opt(&t->m, D6O_ORO) == NULL ||
	    dhcp6_pkt_oro_has(&t->m, code);
}

/* "lab.example" as DNS labels (RFC 1035 3.1) for option 24. */
static size_t
dhcp6_labels(const char *name, uint8_t *b, size_t cap)
{
	size_t	n = 0, len;
	const char *dot;

	while (*name != '\0') {
		dot = strchr(name, '.');
		len = dot != NULL ? (size_t)(dot - name) : strlen(name);
		if (len == 0 || len > 63 || n + len + 2 > cap)
			return 0;
		b[n++] = (uint8_t)len;
		memcpy(b + n, name, len);
		n += len;
		name += len + (dot != NULL);
	}
	b[n++] = 0;
	return n;
}

/* The range's DNS servers (RFC 3646 3) and domain list (4). */
static void
dhcp6_put_net(struct dhcp6_tx *t)
{
	const struct conf_range6	*r = t->range;
	uint8_t				 b[256];
	size_t				 n;

	if (r == NULL)
		return;
	if (r->ndns > 0 && dhcp6_asked(t, D6O_DNS_SERVERS))
		dhcp6_pkt_out_opt(&t->o, D6O_DNS_SERVERS, r->dns,
		    16 * r->ndns);
	if (r->domain != NULL && dhcp6_asked(t, D6O_DOMAIN_LIST) &&
	    (n = dhcp6_labels(r->domain, b, sizeof(b))) > 0)
		dhcp6_pkt_out_opt(&t->o, D6O_DOMAIN_LIST, b, n);
}

/* The boot file as a URL: tftp://[server]/file, or http:// to HTTP boot. */
static void
dhcp6_url(struct dhcp6_tx *t, const char *server)
{
	char		 rel[sizeof(t->file)];
	const char	*p = rel;
	uint16_t	 port = t->in->conf->http.port;
	int		 n;

	if (strstr(t->file, "://") != NULL)
		return;
	memcpy(rel, t->file, sizeof(rel));
	while (*p == '/')
		p++;
	if (t->http && port != 80)
		n = snprintf(t->file, sizeof(t->file), "http://%s:%u/%s",
		    server, port, p);
	else
		n = snprintf(t->file, sizeof(t->file), "%s://%s/%s", t->http ?
		    "http" : "tftp", server, p);
	if (n < 0 || (size_t)n >= sizeof(t->file))
		t->file[0] = '\0';	/* a cut URL is worse than none */
}

/*
 * A URL naming the server by a link-local address (no zone in a URL a
 * firmware takes) or by :: is of no use: option 59 is left out when
 * the receiving interface has no other address.
 */
static bool
dhcp6_server_usable(const struct dhcp6_tx *t, const char *server)
{
	static struct log_rate	rate;

	if (!IN6_IS_ADDR_LINKLOCAL(&t->server) &&
	    !IN6_IS_ADDR_UNSPECIFIED(&t->server))
		return true;
	if (strstr(t->file, server) == NULL)
		return true;	/* the URL names another host */
	log_rated(&rate, LOG_WARNING, "dhcp6: no global or unique local "
	    "address on %s: boot file URL (option 59) left out",
	    t->in->ifname != NULL ? t->in->ifname : "?");
	return false;
}

/* RFC 5970: options 59 and 60 when asked, 16 echoed to boot clients. */
static void
dhcp6_put_boot(struct dhcp6_tx *t, const struct in6_addr *ip)
{
	const struct conf_bootset	*bs = &t->res.eff;
	struct rules_vars		 v;
	char				 server[INET6_ADDRSTRLEN + 2];
	char				 ipbuf[INET6_ADDRSTRLEN];
	uint8_t				 vc[6 + 16];
	const char			*cls = t->http ? "HTTPClient" :
					    "PXEClient";

	t->file[0] = '\0';
	if (t->res.boot == NULL && !(bs->set & BS_FILENAME))
		return;
	server[0] = '[';
	inet_ntop(AF_INET6, &t->server, server + 1, INET6_ADDRSTRLEN);
	strcat(server, "]");
	memset(&v, 0, sizeof(v));
	v.conf = t->in->conf;
	v.req = &t->req;
	v.res = &t->res;
	v.server = server;
	v.ip = ip != NULL ? inet_ntop(AF_INET6, ip, ipbuf, sizeof(ipbuf)) : "";
	if (bs->set & BS_FILENAME)
		rules_render(&bs->filename, &v, t->file, sizeof(t->file));
	if (t->file[0] != '\0')
		dhcp6_url(t, server);
	if (t->file[0] != '\0' && !dhcp6_server_usable(t, server))
		t->file[0] = '\0';
	if (t->file[0] != '\0' && dhcp6_asked(t, D6O_BOOTFILE_URL))
		dhcp6_pkt_out_opt(&t->o, D6O_BOOTFILE_URL, t->file,
		    strlen(t->file));
	/* EDK2 reads option 60 as a size: only numbers (conf_inet6.c). */
	if ((bs->set & BS_BOOTPARAM6) && dhcp6_asked(t, D6O_BOOTFILE_PARAM))
		dhcp6_pkt_out_opt(&t->o, D6O_BOOTFILE_PARAM, bs->param6,
		    bs->param6_len);
	/*
	 * EDK2 HTTP boot takes only a reply echoing HTTPClient.  EDK2 PXE
	 * takes a reply echoing PXEClient for a BINL offer: with an address
	 * (DhcpBinl) it then asks port 4011 of the URL's host for the file
	 * again, which only a proxy serves; without one (ProxyBinl) it is
	 * the proxy's offer.  So PXEClient only where no address is given.
	 */
	if (t->http || (t->pxe && ip == NULL)) {
		wire_put32(vc, PXE_ENTERPRISE);
		wire_put16(vc + 4, (uint16_t)strlen(cls));
		memcpy(vc + 6, cls, strlen(cls));
		dhcp6_pkt_out_opt(&t->o, D6O_VENDOR_CLASS, vc, 6 + strlen(cls));
	}
}

static bool
dhcp6_has_boot(const struct dhcp6_tx *t)
{
	return t->res.boot != NULL || (t->res.eff.set & BS_FILENAME);
}

/* A Reply with only a status (UseMulticast, RFC 8415 18.4). */
static void
dhcp6_status_reply(struct dhcp6_tx *t, uint16_t status, const char *msg)
{
	dhcp6_begin(t, DHCP6_REPLY);
	dhcp6_pkt_out_status(&t->o, status, msg);
	t->why = msg;
	dhcp6_finish(t);
}

/* ---------- proxy ---------- */

static void
dhcp6_proxy(struct dhcp6_tx *t)
{
	int	type = t->m.type;

	if (!t->pxe && !t->http && !t->req.opt[D6O_CLIENT_ARCH_TYPE].present)
		return dhcp6_none(t, "not a PXE or HTTP boot client");
	if (type != DHCP6_SOLICIT && type != DHCP6_REQUEST &&
	    type != DHCP6_INFORMATION_REQUEST)
		return dhcp6_none(t, "proxy answers SOLICIT, REQUEST and "
		    "INFORMATION-REQUEST");
	if (type == DHCP6_SOLICIT && t->in->proxy_port)
		return dhcp6_none(t, "SOLICIT on the proxy port");
	if (!dhcp6_has_boot(t))
		return dhcp6_none(t, "no boot entry matched");
	/* No IA and no status: EDK2 drops an Advertise with NoAddrsAvail. */
	dhcp6_begin(t, type == DHCP6_SOLICIT ? DHCP6_ADVERTISE : DHCP6_REPLY);
	dhcp6_put_boot(t, NULL);
	dhcp6_finish(t);
}

/* ---------- server: addresses ---------- */

static const uint8_t *
dhcp6_duid(const struct dhcp6_tx *t, size_t *len)
{
	*len = t->cid->len;
	return t->cid->data;
}

static bool
dhcp6_usable(const struct dhcp6_tx *t, const struct dhcp6_ia *ia,
    const struct in6_addr *a)
{
	size_t	len;
	const uint8_t *d = dhcp6_duid(t, &len);

	return dhcp6_in_range(t->range, a) &&
	    conf_inet6_host_by_ip6(t->in->conf, a) == NULL &&
	    lease6_addr_free(t->in->leases, a, d, len, ia->iaid, t->in->now);
}

/*
 * The address for an IA: the host's fixed ip6 (when on this link), else
 * the client's binding, else its hint (RFC 8415 18.3.1 lets the server
 * use it), else a free one of the range.  -1 when there is none.
 */
static int
dhcp6_choose(const struct dhcp6_tx *t, const struct dhcp6_ia *ia,
    struct in6_addr *a)
{
	const struct conf_host	*h = t->res.host;
	const struct lease6	*l;
	size_t			 len, k;
	const uint8_t		*d = dhcp6_duid(t, &len);
	struct leases		*L = t->in->leases;

	if (h != NULL && !IN6_IS_ADDR_UNSPECIFIED(&h->ip6) &&
	    dhcp6_on_link(t, &h->ip6)) {
		*a = h->ip6;
		return lease6_addr_free(L, a, d, len, ia->iaid, t->in->now) ?
		    0 : -1;
	}
	if ((l = lease6_by_id(L, d, len, ia->iaid)) != NULL &&
	    l->state != LEASE_DECLINED && dhcp6_usable(t, ia, &l->addr)) {
		*a = l->addr;
		return 0;
	}
	for (k = 0; k < ia->naddr; k++)
		if (dhcp6_usable(t, ia, &ia->addr[k].addr)) {
			*a = ia->addr[k].addr;
			return 0;
		}
	return lease6_alloc(L, t->in->conf, t->range, d, len, ia->iaid,
	    t->in->now, a);
}

static void
dhcp6_bind(struct dhcp6_tx *t, const struct dhcp6_ia *ia,
    const struct in6_addr *a, bool commit)
{
	struct leases		*L = t->in->leases;
	const struct lease6	*l = lease6_by_addr(L, a);
	const struct conf_host	*h = t->res.host;
	size_t			 len;
	const uint8_t		*d = dhcp6_duid(t, &len);
	const uint8_t		*mac = t->req.mac_len == 6 ? t->req.mac : NULL;

	if (commit) {
		lease6_bind(L, a, d, len, ia->iaid, mac, LEASE_ACKED,
		    t->in->now + t->range->valid, h != NULL ? (h->hostname !=
		    NULL ? h->hostname : h->name) : NULL);
		t->out->durable = true;
	} else if (l == NULL || l->state != LEASE_ACKED ||
	    !lease6_is_live(l, t->in->now))
		/* An Advertise never downgrades the client's own binding. */
		lease6_bind(L, a, d, len, ia->iaid, mac, LEASE_OFFERED,
		    t->in->now + DHCP6_OFFER_SECS, NULL);
	if (IN6_IS_ADDR_UNSPECIFIED(&t->shown))
		t->shown = *a;
}

/* Solicit (commit false) and Request, or Solicit with Rapid Commit. */
static void
dhcp6_assign(struct dhcp6_tx *t, const struct dhcp6_ia *ia, bool commit)
{
	static struct log_rate	full_rate;
	struct in6_addr		a;
	size_t			k;
	char			s[INET6_ADDRSTRLEN];

	if (ia->type == D6O_IA_TA)
		return dhcp6_put_ia(t, ia, NULL, false, DHCP6_NO_ADDRS_AVAIL,
		    "temporary addresses are not served");
	/* RFC 8415 18.3.9, 18.3.2: each IA_PD back with NoPrefixAvail. */
	if (ia->type == D6O_IA_PD)
		return dhcp6_put_ia(t, ia, NULL, false, DHCP6_NO_PREFIX_AVAIL,
		    "prefixes are not delegated");
	/* RFC 8415 18.3.2: an address not for this link: NotOnLink. */
	for (k = 0; commit && k < ia->naddr; k++)
		if (!dhcp6_on_link(t, &ia->addr[k].addr))
			return dhcp6_put_ia(t, ia, NULL, false,
			    DHCP6_NOT_ON_LINK, "not on this link");
	/* RFC 8415 18.3.9 (Advertise), 18.3.2 (Reply): NoAddrsAvail in the IA. */
	if (t->range == NULL)
		return dhcp6_put_ia(t, ia, NULL, false, DHCP6_NO_ADDRS_AVAIL,
		    "no range6 for this link");
	if (dhcp6_choose(t, ia, &a) == -1) {
		inet_ntop(AF_INET6, &t->range->start, s, sizeof(s));
		log_rated(&full_rate, LOG_WARNING, "dhcp6: range6 \"%s\" "
		    "(%s...) has no free address", t->range->name, s);
		return dhcp6_put_ia(t, ia, NULL, false, DHCP6_NO_ADDRS_AVAIL,
		    "no free address");
	}
	dhcp6_bind(t, ia, &a, commit);
	dhcp6_put_ia(t, ia, &a, false, -1, NULL);
}

static void
dhcp6_solicit_request(struct dhcp6_tx *t, bool commit, bool rapid)
{
	size_t	i;

	dhcp6_begin(t, commit ? DHCP6_REPLY : DHCP6_ADVERTISE);
	for (i = 0; i < t->m.nia; i++)
		dhcp6_assign(t, &t->m.ia[i], commit);
	/* RFC 8415 21.14: a committed Reply to a Solicit says so. */
	if (rapid)
		dhcp6_pkt_out_opt(&t->o, D6O_RAPID_COMMIT, NULL, 0);
	dhcp6_put_net(t);
	dhcp6_put_boot(t, IN6_IS_ADDR_UNSPECIFIED(&t->shown) ? NULL :
	    &t->shown);
	dhcp6_finish(t);
}

/*
 * Whether the client's binding may be extended: in the range, free of
 * other clients, and no host's fixed ip6 unless the client's own host.
 */
static bool
dhcp6_still_usable(const struct dhcp6_tx *t, const struct dhcp6_ia *ia,
    const struct in6_addr *a)
{
	const struct conf_host	*h = t->res.host;
	size_t			 len;
	const uint8_t		*d = dhcp6_duid(t, &len);

	if (h != NULL && memcmp(&h->ip6, a, sizeof(*a)) == 0)
		return lease6_addr_free(t->in->leases, a, d, len, ia->iaid,
		    t->in->now);
	return dhcp6_usable(t, ia, a);
}

/*
 * A shared store (lease-database): the database, not this cache, knows
 * the bindings other servers made.  A Rebind (or a Renew after this
 * server's cache lost track) for an on-link address of the range that
 * the cache does not hold for this IA is claimed, and the claim decides:
 * won, the binding is the client's (another server gave it, RFC 8415
 * 18.3.5 lets any server extend it); lost, the Reply is never sent.
 */
static bool
dhcp6_shared_claim(const struct dhcp6_tx *t, const struct dhcp6_ia *ia,
    const struct lease6 *l)
{
	const struct in6_addr	*a = &ia->addr[0].addr;
	const struct conf_host	*h;

	if (t->in->leases == NULL || !lease_shared(t->in->leases) ||
	    ia->naddr == 0 || !dhcp6_on_link(t, a) || !dhcp6_in_range(t->range, a))
		return false;
	if (l != NULL && l->state == LEASE_ACKED &&
	    memcmp(&l->addr, a, sizeof(*a)) == 0)
		return false;		/* the cache has it: as usual */
	h = conf_inet6_host_by_ip6(t->in->conf, a);
	return h == NULL || h == t->res.host;
}

/*
 * Renew (RFC 8415 18.3.4) and Rebind (18.3.5) of one IA: a binding on
 * this link is extended; one no longer on it, out of the range or now a
 * host's ip6, or a Rebind's addresses off-link, come back with lifetimes
 * 0; an Advertise's address is no binding; no binding is NoBinding, except
 * that an authoritative server re-creates a free on-link one on Rebind
 * (its journal may be younger than the client's lease).
 */
static void
dhcp6_extend(struct dhcp6_tx *t, const struct dhcp6_ia *ia, bool rebind)
{
	size_t			 len, k;
	const uint8_t		*d = dhcp6_duid(t, &len);
	const struct lease6	*l = lease6_by_id(t->in->leases, d, len,
				    ia->iaid);
	struct in6_addr		 a;

	/* RFC 8415 18.3.4, 18.3.5: no prefix was delegated: NoBinding. */
	if (ia->type == D6O_IA_PD)
		return dhcp6_put_ia(t, ia, NULL, false, DHCP6_NO_BINDING,
		    "no binding");
	if (dhcp6_shared_claim(t, ia, l)) {
		a = ia->addr[0].addr;
		dhcp6_bind(t, ia, &a, true);
		return dhcp6_put_ia(t, ia, &a, true, -1, NULL);
	}
	/* 18.3.4: only a binding a Reply gave; an Advertise's is none. */
	if (l != NULL && l->state == LEASE_ACKED &&
	    dhcp6_on_link(t, &l->addr)) {
		a = l->addr;
		/* As for a Request; else the address with lifetimes 0. */
		if (!dhcp6_still_usable(t, ia, &a))
			return dhcp6_put_ia(t, ia, &a, DHCP6_ZERO_ALL, -1,
			    NULL);
		dhcp6_bind(t, ia, &a, true);
		return dhcp6_put_ia(t, ia, &a, true, -1, NULL);
	}
	for (k = 0; k < ia->naddr; k++)
		if (!dhcp6_on_link(t, &ia->addr[k].addr))
			return dhcp6_put_ia(t, ia, NULL, true, -1, NULL);
	if (l != NULL && l->state == LEASE_ACKED)
		return dhcp6_put_ia(t, ia, NULL, true, -1, NULL);
	if (rebind && t->in->conf->dhcp.authoritative && ia->naddr > 0 &&
	    dhcp6_usable(t, ia, &ia->addr[0].addr)) {
		a = ia->addr[0].addr;
		dhcp6_bind(t, ia, &a, true);
		return dhcp6_put_ia(t, ia, &a, true, -1, NULL);
	}
	dhcp6_put_ia(t, ia, NULL, false, DHCP6_NO_BINDING, "no binding");
}

static void
dhcp6_renew(struct dhcp6_tx *t, bool rebind)
{
	size_t	i;

	dhcp6_begin(t, DHCP6_REPLY);
	for (i = 0; i < t->m.nia; i++)
		dhcp6_extend(t, &t->m.ia[i], rebind);
	dhcp6_put_net(t);
	dhcp6_put_boot(t, IN6_IS_ADDR_UNSPECIFIED(&t->shown) ? NULL :
	    &t->shown);
	dhcp6_finish(t);
}

/*
 * Confirm (RFC 8415 18.3.3): Success when every address is on this link,
 * NotOnLink when one is not; no reply without addresses, or when the
 * link has no range6 (the server cannot tell).
 */
static void
dhcp6_confirm(struct dhcp6_tx *t)
{
	size_t	i, k, n = 0;
	bool	on = true;

	for (i = 0; i < t->m.nia; i++)
		for (k = 0; k < t->m.ia[i].naddr; k++, n++)
			on = on && dhcp6_on_link(t, &t->m.ia[i].addr[k].addr);
	if (n == 0)
		return dhcp6_none(t, "CONFIRM without addresses");
	if (t->range == NULL)
		return dhcp6_none(t, "no range6 for this link");
	dhcp6_begin(t, DHCP6_REPLY);
	if (on)
		dhcp6_pkt_out_status(&t->o, DHCP6_SUCCESS, "on link");
	else
		dhcp6_pkt_out_status(&t->o, DHCP6_NOT_ON_LINK,
		    "not on this link");
	t->why = on ? NULL : "not on link";
	dhcp6_finish(t);
}

/* Release (RFC 8415 18.3.7) and Decline (18.3.8): journaled, Success. */
static void
dhcp6_give_back(struct dhcp6_tx *t, bool decline)
{
	struct leases	*L = t->in->leases;
	struct lease6	*l;
	size_t		 i, len;
	const uint8_t	*d = dhcp6_duid(t, &len);

	dhcp6_begin(t, DHCP6_REPLY);
	for (i = 0; i < t->m.nia; i++) {
		const struct dhcp6_ia	*ia = &t->m.ia[i];

		l = lease6_by_id(L, d, len, ia->iaid);
		if (l == NULL || ia->naddr == 0 || !lease6_is_live(l,
		    t->in->now) || memcmp(&l->addr, &ia->addr[0].addr, 16)) {
			dhcp6_put_ia(t, ia, NULL, false, DHCP6_NO_BINDING,
			    "no binding");
			continue;
		}
		t->shown = l->addr;
		if (decline) {
			lease6_decline(L, &ia->addr[0].addr, t->in->now +
			    t->in->conf->dhcp.decline_time);
			log_warnx("dhcp6: address declined by a client (in "
			    "use by another machine?), quarantined for %" PRIu32
			    " s", t->in->conf->dhcp.decline_time);
		} else
			lease6_release(L, l, t->in->now);
		t->out->durable = true;
	}
	dhcp6_pkt_out_status(&t->o, DHCP6_SUCCESS, decline ? "declined" :
	    "released");
	dhcp6_finish(t);
}

/* Information-request (RFC 8415 18.3.6): options, no address. */
static void
dhcp6_inforeq(struct dhcp6_tx *t)
{
	dhcp6_begin(t, DHCP6_REPLY);
	dhcp6_put_net(t);
	dhcp6_put_boot(t, NULL);
	dhcp6_finish(t);
}

static void
dhcp6_server(struct dhcp6_tx *t)
{
	bool	rapid;

	if (t->in->proxy_port)
		return dhcp6_proxy(t);
	/* As for IPv4: no binding is given that no journal would keep. */
	if (t->in->leases == NULL)
		return dhcp6_none(t, "the lease file is not open");
	switch (t->m.type) {
	case DHCP6_SOLICIT:
		/* RFC 8415 18.3.1: Rapid Commit only when allowed here. */
		rapid = dhcp6_pkt_opt(&t->m, D6O_RAPID_COMMIT) != NULL &&
		    t->in->conf->dhcp.rapid_commit;
		return dhcp6_solicit_request(t, rapid, rapid);
	case DHCP6_REQUEST:
		return dhcp6_solicit_request(t, true, false);
	case DHCP6_RENEW:
	case DHCP6_REBIND:
		return dhcp6_renew(t, t->m.type == DHCP6_REBIND);
	case DHCP6_CONFIRM:
		return dhcp6_confirm(t);
	case DHCP6_RELEASE:
	case DHCP6_DECLINE:
		return dhcp6_give_back(t, t->m.type == DHCP6_DECLINE);
	case DHCP6_INFORMATION_REQUEST:
		return dhcp6_inforeq(t);
	}
	dhcp6_none(t, "not a client message");
}

/* ---------- validation (RFC 8415 16) ---------- */

static bool
dhcp6_is_ours(const struct dhcp6_tx *t, const struct dhcp6_opt *sid)
{
	return sid->len == t->in->duid_len &&
	    memcmp(sid->data, t->in->duid, sid->len) == 0;
}

/* Why the message must be discarded, or NULL. */
static const char *
dhcp6_check(const struct dhcp6_tx *t)
{
	const struct dhcp6_opt	*sid = dhcp6_pkt_opt(&t->m, D6O_SERVERID);
	bool			 proxy = t->in->proxy_port ||
				    t->in->conf->dhcp.mode == CONF_DHCP_PROXY;

	switch (t->m.type) {
	case DHCP6_SOLICIT:	/* 16.2 */
	case DHCP6_CONFIRM:	/* 16.5 */
	case DHCP6_REBIND:	/* 16.7 */
		if (t->cid == NULL)
			return "no Client Identifier (RFC 8415 16)";
		if (sid != NULL)
			return "carries a Server Identifier (RFC 8415 16)";
		return NULL;
	case DHCP6_REQUEST:	/* 16.4 */
	case DHCP6_RENEW:	/* 16.6 */
	case DHCP6_DECLINE:	/* 16.8 */
	case DHCP6_RELEASE:	/* 16.9 */
		if (t->cid == NULL)
			return "no Client Identifier (RFC 8415 16)";
		/* PXE boot server discovery: a Request without one. */
		if (sid == NULL && !(proxy && t->m.type == DHCP6_REQUEST))
			return "no Server Identifier (RFC 8415 16)";
		if (sid != NULL && !dhcp6_is_ours(t, sid))
			return "for another server";
		return NULL;
	case DHCP6_INFORMATION_REQUEST:	/* 16.12 */
		if (sid != NULL && !dhcp6_is_ours(t, sid))
			return "for another server";
		if (t->m.nia > 0)
			return "carries an IA (RFC 8415 16.12)";
		return NULL;
	}
	return "not a client message";
}

/*
 * RFC 8415 16: Solicit, Confirm, Rebind and Information-request sent to
 * a unicast address are discarded; 18.4: pxed sends no Server Unicast
 * option, so the others get UseMulticast.  Relayed messages and the PXE
 * proxy port are unicast by design.  True when handled.
 */
static bool
dhcp6_unicast(struct dhcp6_tx *t)
{
	if (!t->in->unicast || t->m.nrelay > 0 || t->in->proxy_port)
		return false;
	switch (t->m.type) {
	case DHCP6_REQUEST:
	case DHCP6_RENEW:
	case DHCP6_RELEASE:
	case DHCP6_DECLINE:
		dhcp6_status_reply(t, DHCP6_USE_MULTICAST, "use multicast");
		return true;
	}
	dhcp6_none(t, "sent to a unicast address (RFC 8415 16)");
	return true;
}

/* ---------- the log line and the entry ---------- */

static void
dhcp6_log_line(struct dhcp6_tx *t)
{
	char	via[INET6_ADDRSTRLEN + 8] = "", duid[41] = "-", mac[18] = "-";
	char	addr[INET6_ADDRSTRLEN] = "-", tags[256], archs[40];
	size_t	n;
	int	arch = rules_arch(&t->req);
	const struct in6_addr *link = dhcp6_link(&t->m);

	if (link != NULL) {
		strcpy(via, " via ");
		inet_ntop(AF_INET6, link, via + 5, sizeof(via) - 5);
	}
	if (t->cid != NULL)
		lease_hex(duid, t->cid->data, t->cid->len > 20 ? 20 :
		    t->cid->len);
	if (t->req.mac_len == 6)
		dhcp_proto_mac_str(t->req.mac, 6, mac, sizeof(mac));
	if (!IN6_IS_ADDR_UNSPECIFIED(&t->shown))
		inet_ntop(AF_INET6, &t->shown, addr, sizeof(addr));
	dhcp_proto_arch_str(arch, archs, sizeof(archs));
	rules_tags_string(t->in->conf, &t->res, tags, sizeof(tags));
	n = (size_t)snprintf(t->out->log, sizeof(t->out->log), "dhcp6%s: "
	    "%s(%s%s) duid %s mac %s xid %06" PRIx32 "%s%s%s",
	    t->in->proxy_port ? "-proxy" : "", dhcp6_pkt_type_name(t->m.type),
	    t->in->ifname != NULL ? t->in->ifname : "?", via, duid, mac,
	    t->m.xid, archs, t->ipxe ? " ipxe" : "", t->http ? " http" :
	    t->pxe ? " pxe" : "");
	if (n >= sizeof(t->out->log))
		return;
	if (t->out->type < 0)
		snprintf(t->out->log + n, sizeof(t->out->log) - n,
		    ": no reply (%s)", t->why != NULL ? t->why : "ignored");
	else
		snprintf(t->out->log + n, sizeof(t->out->log) - n,
		    " -> %s %s tags %s file \"%.200s\"%s%s",
		    dhcp6_pkt_type_name(t->out->type), addr, tags[0] != '\0' ?
		    tags : "-", t->file, t->why != NULL ? " " : "",
		    t->why != NULL ? t->why : "");
}

static void
dhcp6_classify(struct dhcp6_tx *t)
{
	int	arch;

	dhcp6_srv_rules_req(&t->m, &t->in->src.sin6_addr, &t->req);
	t->req.ifname = t->in->ifname;
	rules_eval(t->in->conf, &t->req, &t->res);
	arch = rules_arch(&t->req);
	t->pxe = dhcp6_vclass_is(&t->m, "PXEClient");
	/* RFC 4578 / IANA: 16 and 19 are x64 and arm64 UEFI HTTP boot. */
	t->http = dhcp6_vclass_is(&t->m, "HTTPClient") || arch == 16 ||
	    arch == 19;
	t->ipxe = rules_userclass_has(&t->req, (const uint8_t *)"iPXE", 4);
	t->cid = dhcp6_pkt_opt(&t->m, D6O_CLIENTID);
	if (t->req.mac_len == 6) {
		memcpy(t->out->mac, t->req.mac, 6);
		t->out->has_mac = true;
	}
}

void
dhcp6_srv_handle(const struct dhcp6_srv_in *in, const uint8_t *pkt,
    size_t len, struct dhcp6_srv_out *out)
{
	struct dhcp6_tx	*t;
	enum dhcp6_perr	 e;
	char		 who[NETADDR_STRLEN];
	const char	*why;

	memset(out, 0, offsetof(struct dhcp6_srv_out, buf));
	out->type = out->reqtype = -1;
	out->log[0] = '\0';
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		log_warn("dhcp6: calloc");
		return;
	}
	t->in = in;
	t->out = out;
	if ((e = dhcp6_pkt_parse(pkt, len, &t->m)) != DHCP6_POK) {
		netaddr_sock_str((const struct sockaddr *)&in->src, who,
		    sizeof(who));
		snprintf(out->log, sizeof(out->log), "dhcp6: malformed packet "
		    "from %s on %s dropped: %s", who, in->ifname != NULL ?
		    in->ifname : "?", dhcp6_pkt_perr_str(e));
		goto done;
	}
	out->reqtype = t->m.type;
	dhcp6_classify(t);
	dhcp6_where(t);
	if ((why = dhcp6_check(t)) != NULL)
		dhcp6_none(t, why);
	else if (dhcp6_unicast(t))
		;
	else if (in->conf->dhcp.mode == CONF_DHCP_OFF || !in->conf->dhcp.ipv6)
		dhcp6_none(t, "dhcp is off");
	else if (in->conf->dhcp.mode == CONF_DHCP_PROXY)
		dhcp6_proxy(t);
	else
		dhcp6_server(t);
	if (in->loglevel == 0 || in->loglevel >= (out->type < 0 ? LOG_DEBUG :
	    LOG_INFO))
		dhcp6_log_line(t);
done:
	free(t);
}
