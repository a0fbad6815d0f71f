/*
 * dhcp_srv.c: what to answer to a DHCP, BOOTP or proxyDHCP request.
 *
 * Server mode (RFC 2131 4.3): DISCOVER gets an OFFER from the pool of the
 * subnet the request came from (the receiving interface's, or giaddr's
 * when relayed), REQUEST an ACK or a NAK in each client state, DECLINE
 * quarantines the address, RELEASE ends the lease, INFORM gets options
 * without a lease, and BOOTP clients get an address when allowed.
 *
 * Proxy mode (PXE 2.1): only PXE and UEFI HTTP clients (option 60
 * beginning PXEClient or HTTPClient) are answered, on port 67 with an
 * OFFER without an address, on port 4011 with an ACK; both carry the boot
 * information the rules picked.  Port 4011 is answered in server mode too.
 */
#include "config.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "dhcp_enc.h"
#include "dhcp_pkt.h"
#include "dhcp_proto.h"
#include "dhcp_srv.h"
#include "log.h"
#include "rules.h"

#define BOOTP_BROADCAST		0x8000

/* Everything one request's reply is assembled from. */
struct dhcp_tx {
	const struct dhcp_srv_in	*in;
	struct dhcp_srv_out		*out;
	struct dhcp_msg			*m;
	int				 type;		/* request's 53 */
	struct rules_req		 req;
	struct rules_result		 res;
	bool				 pxe, http, ipxe;
	uint8_t				 id[LEASE_ID_MAX + 17];
	size_t				 idlen;
	const struct conf_range		*range;		/* server mode */
	int				 pool;
	const char			*why;		/* no reply: why */
	const uint8_t			*agent;		/* relayed 82, or NULL */
	size_t				 agent_len;
	struct dhcp_agent		 sub;		/* its sub-options */
	char				 file[1024];	/* rendered */
	struct dhcp_out			 o;
	/* Values the options point at until the reply is built. */
	uint8_t				 type53;
	uint32_t			 lease_be, t1_be, t2_be;
	struct in_addr			 sid, mask, bcast;
	uint8_t				 opt175[1100];
	char				 opt66[64];
	uint8_t				 pxl[4 * (2 + 255)];	/* 208-211 */
};

static const uint8_t	 pxe_default43[] = { 6, 1, 8, 255 };

static bool
dhcp_prefix(const struct dhcp_msg *m, uint8_t code, const char *s)
{
	size_t		 len, n = strlen(s);
	const uint8_t	*p = dhcp_pkt_opt(m, code, &len);

	return p != NULL && len >= n && memcmp(p, s, n) == 0;
}

static bool
dhcp_in_subnet(struct in_addr a, const struct conf_range *r)
{
	return (a.s_addr & r->netmask.s_addr) ==
	    (r->start.s_addr & r->netmask.s_addr);
}

/* The range of the subnet the client is on: giaddr's, else ours. */
static const struct conf_range *
dhcp_range_for(const struct conf *conf, struct in_addr where, int *pool)
{
	size_t	i;

	for (i = 0; i < conf->dhcp.nranges; i++)
		if (dhcp_in_subnet(where, &conf->dhcp.ranges[i])) {
			*pool = (int)i;
			return &conf->dhcp.ranges[i];
		}
	*pool = -1;
	return NULL;
}

/* Whether ranges a and b are on the same subnet. */
static bool
dhcp_same_subnet(const struct conf_range *a, const struct conf_range *b)
{
	return a->netmask.s_addr == b->netmask.s_addr &&
	    dhcp_in_subnet(b->start, a);
}

/*
 * The range addr is in, when it is on the client's subnet: its settings
 * (router, DNS, lease time) go into the reply.  Pools are the ranges, in
 * order.
 */
static void
dhcp_range_of(struct dhcp_tx *t, uint32_t addr)
{
	const struct conf	*conf = t->in->conf;
	int			 pi = lease_pool_of(t->in->leases, addr);

	if (t->range == NULL || pi < 0 || (size_t)pi >= conf->dhcp.nranges ||
	    !dhcp_same_subnet(t->range, &conf->dhcp.ranges[pi]))
		return;
	t->range = &conf->dhcp.ranges[pi];
	t->pool = pi;
}

/*
 * How many ranges with a pool share the client's subnet, and how many
 * addresses they hold (*size, when not NULL).
 */
static size_t
dhcp_subnet_ranges(const struct dhcp_tx *t, uint64_t *size)
{
	const struct conf	*conf = t->in->conf;
	const struct conf_range	*r;
	size_t			 i, n = 0;

	if (size != NULL)
		*size = 0;
	for (i = 0; i < conf->dhcp.nranges; i++) {
		r = &conf->dhcp.ranges[i];
		if (r->nopool || !dhcp_same_subnet(t->range, r))
			continue;
		n++;
		if (size != NULL)
			*size += (uint64_t)ntohl(r->end.s_addr) -
			    ntohl(r->start.s_addr) + 1;
	}
	return n;
}

/*
 * A free address of the client's subnet: from each of its ranges in the
 * order of the configuration, not only from the first (RFC 2131 4.3.1
 * allocates from the subnet's pool, whatever ranges make it up).
 */
static uint32_t
dhcp_alloc(struct dhcp_tx *t)
{
	const struct conf	*conf = t->in->conf;
	uint32_t		 a;
	size_t			 i;

	if ((a = lease_alloc(t->in->leases, t->pool, t->in->now)) != 0)
		return a;
	for (i = 0; i < conf->dhcp.nranges; i++)
		if ((int)i != t->pool &&
		    dhcp_same_subnet(t->range, &conf->dhcp.ranges[i]) &&
		    (a = lease_alloc(t->in->leases, (int)i, t->in->now)) != 0)
			return a;
	return 0;
}

/* Whether addr may be handed out on this range's subnet. */
static bool
dhcp_addr_ok(const struct dhcp_tx *t, uint32_t addr)
{
	struct in_addr	a = { htonl(addr) };
	int		pi;

	if (t->range == NULL || !dhcp_in_subnet(a, t->range))
		return false;
	pi = lease_pool_of(t->in->leases, addr);
	return pi >= 0 &&
	    dhcp_in_subnet(a, &t->in->conf->dhcp.ranges[pi]);
}

static bool
dhcp_asked(const struct dhcp_msg *m, uint8_t code)
{
	size_t		 len, i;
	const uint8_t	*p = dhcp_pkt_opt(m, DHO_PARAMETER_REQUEST, &len);

	if (p == NULL)
		return true;	/* no list (BOOTP, old clients): send all */
	for (i = 0; i < len; i++)
		if (p[i] == code)
			return true;
	return false;
}

static bool
dhcp_has(const struct dhcp_out *o, uint8_t code)
{
	size_t	i;

	for (i = 0; i < o->nopts; i++)
		if (o->opts[i].code == code)
			return true;
	return false;
}

/* ---------- option 82 ---------- */

/*
 * Option 82 of the request (RFC 3046).  Only a relay agent adds it, and
 * sets giaddr (2.1): one in a request with giaddr 0 came from the client
 * itself and is not used nor echoed.  A malformed one is echoed whole,
 * as 2.2 asks for the entire contents in all replies, but none of its
 * sub-options is used; a warning says so.
 */
static void
dhcp_agent_read(struct dhcp_tx *t)
{
	static struct log_rate	 rate;
	enum dhcp_aerr		 e;
	char			 g[INET_ADDRSTRLEN];

	if (t->m->giaddr.s_addr == 0 || (t->agent = dhcp_pkt_opt(t->m,
	    DHO_RELAY_AGENT_INFO, &t->agent_len)) == NULL)
		return;
	if ((e = dhcp_pkt_agent(t->agent, t->agent_len, &t->sub)) ==
	    DHCP_AOK)
		return;
	t->out->agent_malformed = true;
	inet_ntop(AF_INET, &t->m->giaddr, g, sizeof(g));
	log_rated(&rate, LOG_WARNING, "dhcp: option 82 from relay %s is "
	    "malformed (%s): echoed, its sub-options ignored", g,
	    dhcp_pkt_aerr_str(e));
}

/*
 * Where the client is: RFC 3527 3, the link selection sub-option when
 * the relay sent one (the server MUST allocate on its subnet or one on
 * the same link); else giaddr (RFC 2131 4.3.1); else the interface.
 * Replies still go to giaddr (dhcp_reply_dest).
 */
static struct in_addr
dhcp_agent_link(const struct dhcp_tx *t)
{
	if (t->sub.link.s_addr != 0)
		return t->sub.link;
	return t->m->giaddr.s_addr != 0 ? t->m->giaddr : t->in->ifaddr;
}

/*
 * RFC 5107 4: with the server identifier override sub-option, the
 * server MUST put its address in option 54 of its replies, and MUST take
 * a REQUEST (and so a DECLINE) naming it in option 54 as sent to itself.
 */
static struct in_addr
dhcp_agent_sid(const struct dhcp_tx *t)
{
	return t->sub.sid.s_addr != 0 ? t->sub.sid : t->in->ifaddr;
}

/* Whether option 54 of the request (host order) names this server. */
static bool
dhcp_sid_ours(const struct dhcp_tx *t, uint32_t sid)
{
	return sid == ntohl(dhcp_agent_sid(t).s_addr);
}

/* RFC 3046 2.2: a reply to the relay echoes its option 82. */
static void
dhcp_agent_echo(struct dhcp_tx *t)
{
	if (t->agent == NULL || t->out->dest != DHCP_DEST_RELAY)
		return;
	t->o.agent = t->agent;
	t->o.agent_len = t->agent_len;
}

/* ---------- the reply ---------- */
/* Whether an option list holds code. */
static bool
dhcp_opts_have(const struct conf_bootset *bs, uint8_t code)
{
	size_t	i;

	for (i = 0; i < bs->noptions; i++)
		if (bs->options[i].code == code)
			return true;
	return false;
}

/*
 * Whether this reply has a configured option code (the boot entry's, the
 * host's or, in server mode, the dhcp section's).  pxed.conf(5): configured
 * options are always sent, so one replaces what pxed would compute for
 * its code (1, 3, 6, 12, 15, 28, 58, 59; RFC 2131 4.3.1 leaves the
 * parameters' values to the server's configuration).
 */
static bool
dhcp_configured(const struct dhcp_tx *t, uint8_t code)
{
	const struct conf	*conf = t->in->conf;
	size_t			 i;

	if (dhcp_opts_have(&t->res.eff, code))
		return true;
	for (i = 0; i < conf->dhcp.noptions; i++)
		if (conf->dhcp.options[i].code == code)
			return true;
	return false;
}

/* Whether pxed sends its computed value of code: asked, not configured. */
static bool
dhcp_computed(const struct dhcp_tx *t, uint8_t code)
{
	return dhcp_asked(t->m, code) && !dhcp_configured(t, code);
}


static void
dhcp_reply_init(struct dhcp_tx *t, int type)
{
	struct dhcp_out	*o = &t->o;
	struct dhcp_msg	*m = t->m;

	memset(o, 0, sizeof(*o));
	o->op = BOOTREPLY;
	o->htype = m->htype;
	o->hlen = m->hlen;
	o->xid = m->xid;
	o->flags = m->flags;
	o->giaddr = m->giaddr;
	memcpy(o->chaddr, m->chaddr, sizeof(o->chaddr));
	t->sid = dhcp_agent_sid(t);
	if (type != 0) {
		const uint8_t	*p61;
		size_t		 l61;

		t->type53 = (uint8_t)type;
		dhcp_pkt_out_add(o, DHO_MESSAGE_TYPE, &t->type53, 1);
		dhcp_pkt_out_add(o, DHO_SERVER_IDENTIFIER, &t->sid, 4);
		/*
		 * RFC 6842 section 3 (updating RFC 2131 table 3): OFFER, ACK
		 * and NAK MUST echo the client identifier the client sent.
		 * Not BOOTP (type 0), which has no option 61.
		 */
		if ((p61 = dhcp_pkt_opt(m, DHO_CLIENT_IDENTIFIER, &l61)) !=
		    NULL)
			dhcp_pkt_out_add(o, DHO_CLIENT_IDENTIFIER, p61, l61);
	}
	t->out->type = type;
}

/*
 * pxelinux's options of the boot entry and host (RFC 5071 4-6), sent
 * when configured as any configured option is (RFC 5071 4.5 lets a
 * server send them unasked, for a second stage that will use them).
 */
static void
dhcp_reply_pxelinux(struct dhcp_tx *t)
{
	const struct conf_bootset	*bs = &t->res.eff;
	struct dhcp_pxelinux		 p;
	uint8_t				*buf = t->pxl;	/* outlives this call */
	size_t				 n, off;

	memset(&p, 0, sizeof(p));
	p.magic = bs->pxl_magic;
	p.config = bs->pxl_config;
	p.prefix = bs->pxl_prefix;
	p.has_reboot = (bs->set & BS_PXL_REBOOT) != 0;
	p.reboot = bs->pxl_reboot;
	n = dhcp_enc_pxelinux(&p, buf, sizeof(t->pxl));
	for (off = 0; off + 2 <= n; off += 2 + (size_t)buf[off + 1])
		if (!dhcp_has(&t->o, buf[off]))
			dhcp_pkt_out_add(&t->o, buf[off], buf + off + 2,
			    buf[off + 1]);
}

/*
 * Configured options, after the computed ones and never twice (a client
 * would concatenate both, RFC 3396): the boot entry's and the host's,
 * then, with all, the dhcp section's.
 */
static void
dhcp_reply_opts(struct dhcp_tx *t, bool all)
{
	const struct conf_bootset	*bs = &t->res.eff;
	const struct conf		*conf = t->in->conf;
	size_t				 i;

	for (i = 0; i < bs->noptions; i++)
		if (!dhcp_has(&t->o, bs->options[i].code))
			dhcp_pkt_out_add(&t->o, bs->options[i].code,
			    bs->options[i].data, bs->options[i].len);
	dhcp_reply_pxelinux(t);
	for (i = 0; all && i < conf->dhcp.noptions; i++)
		if (!dhcp_has(&t->o, conf->dhcp.options[i].code))
			dhcp_pkt_out_add(&t->o, conf->dhcp.options[i].code,
			    conf->dhcp.options[i].data,
			    conf->dhcp.options[i].len);
}

/*
 * Options of the subnet and the host, computed; a configured option of
 * the same code goes out instead (dhcp_reply_opts).
 */
static void
dhcp_reply_net(struct dhcp_tx *t, uint32_t lease_secs)
{
	struct dhcp_out			*o = &t->o;
	const struct conf_range		*r = t->range;
	const struct conf_host		*h = t->res.host;

	if (lease_secs != 0) {
		t->lease_be = htonl(lease_secs);
		dhcp_pkt_out_add(o, DHO_LEASE_TIME, &t->lease_be, 4);
		/*
		 * RFC 2132 9.11 and 9.12: T1 and T2, unless configured; the
		 * range's renew-time and rebind-time, else RFC 2131 4.4.5's
		 * half and seven eighths of the lease (conf_range_timers).
		 */
		if (lease_secs != 0xffffffffU) {
			t->t1_be = htonl(r != NULL ? r->t1 : lease_secs / 2);
			t->t2_be = htonl(r != NULL ? r->t2 :
			    (uint32_t)((uint64_t)lease_secs * 7 / 8));
			if (!dhcp_configured(t, DHO_RENEWAL_TIME))
				dhcp_pkt_out_add(o, DHO_RENEWAL_TIME,
				    &t->t1_be, 4);
			if (!dhcp_configured(t, DHO_REBINDING_TIME))
				dhcp_pkt_out_add(o, DHO_REBINDING_TIME,
				    &t->t2_be, 4);
		}
	}
	if (r != NULL) {
		t->mask = r->netmask;
		t->bcast.s_addr = (r->start.s_addr & r->netmask.s_addr) |
		    ~r->netmask.s_addr;
		if (dhcp_computed(t, DHO_SUBNET_MASK))
			dhcp_pkt_out_add(o, DHO_SUBNET_MASK, &t->mask, 4);
		if (r->router.s_addr != 0 && dhcp_computed(t, DHO_ROUTERS))
			dhcp_pkt_out_add(o, DHO_ROUTERS, &r->router, 4);
		if (r->ndns > 0 && dhcp_computed(t, DHO_DOMAIN_NAME_SERVERS))
			dhcp_pkt_out_add(o, DHO_DOMAIN_NAME_SERVERS, r->dns,
			    4 * r->ndns);
		if (r->domain != NULL && dhcp_computed(t, DHO_DOMAIN_NAME))
			dhcp_pkt_out_add(o, DHO_DOMAIN_NAME, r->domain,
			    strlen(r->domain));
		if (dhcp_computed(t, DHO_BROADCAST_ADDRESS))
			dhcp_pkt_out_add(o, DHO_BROADCAST_ADDRESS, &t->bcast, 4);
	}
	if (h != NULL && h->hostname != NULL &&
	    dhcp_computed(t, DHO_HOST_NAME))
		dhcp_pkt_out_add(o, DHO_HOST_NAME, h->hostname,
		    strlen(h->hostname));
}

/* The boot information the rules picked; false when none applies. */
static bool
dhcp_reply_boot(struct dhcp_tx *t, struct in_addr ip)
{
	const struct conf_bootset	*bs = &t->res.eff;
	const struct dhcp_srv_in	*in = t->in;
	struct dhcp_out			*o = &t->o;
	struct rules_vars		 v;
	char				 server[INET_ADDRSTRLEN];
	char				 ipbuf[INET_ADDRSTRLEN];
	size_t				 len, n;
	const uint8_t			*p;

	if (t->res.boot == NULL && !(bs->set & BS_FILENAME))
		return false;
	inet_ntop(AF_INET, &in->ifaddr, server, sizeof(server));
	inet_ntop(AF_INET, &ip, ipbuf, sizeof(ipbuf));
	memset(&v, 0, sizeof(v));
	v.conf = in->conf;
	v.req = &t->req;
	v.res = &t->res;
	v.server = server;
	v.ip = ip.s_addr != 0 ? ipbuf : "";
	t->file[0] = '\0';
	if (bs->set & BS_FILENAME)
		rules_render(&bs->filename, &v, t->file, sizeof(t->file));
	o->siaddr = (bs->set & BS_NEXT_SERVER) ? bs->next_server :
	    in->ifaddr;
	if (strlen(t->file) < sizeof(((struct dhcp_msg *)0)->file))
		o->file = t->file;
	else
		o->file = "";
	if (bs->set & BS_SERVER_NAME)
		o->sname = bs->server_name;
	if ((bs->opt67 || o->file[0] == '\0') && t->file[0] != '\0')
		dhcp_pkt_out_add(o, DHO_BOOTFILE_NAME, t->file, strlen(t->file));
	if (bs->opt66) {
		if (bs->set & BS_SERVER_NAME)
			snprintf(t->opt66, sizeof(t->opt66), "%s",
			    bs->server_name);
		else
			inet_ntop(AF_INET, &o->siaddr, t->opt66,
			    sizeof(t->opt66));
		dhcp_pkt_out_add(o, DHO_TFTP_SERVER_NAME, t->opt66,
		    strlen(t->opt66));
	}
	/* Option 60: PXE and HTTP boot clients take only replies echoing it. */
	if (t->http)
		dhcp_pkt_out_add(o, DHO_VENDOR_CLASS_ID, "HTTPClient", 10);
	else if (t->pxe)
		dhcp_pkt_out_add(o, DHO_VENDOR_CLASS_ID, "PXEClient", 9);
	if ((p = dhcp_pkt_opt(t->m, DHO_CLIENT_UUID, &len)) != NULL &&
	    (t->pxe || t->http))
		dhcp_pkt_out_add(o, DHO_CLIENT_UUID, p, len);
	/*
	 * Option 43: what the rule says, byte for byte; a proxy answering a
	 * PXE client without one sends discovery control 8 (boot the file,
	 * no menu, no boot server discovery).
	 */
	if ((bs->set & BS_PXE) && bs->pxe_len > 0)
		dhcp_pkt_out_add(o, DHO_VENDOR_ENCAPSULATED, bs->pxe, bs->pxe_len);
	else if (!(bs->set & BS_PXE) && !dhcp_opts_have(bs, 43) && t->pxe &&
	    !t->ipxe && (in->conf->dhcp.mode == CONF_DHCP_PROXY ||
	    in->proxy_port))
		dhcp_pkt_out_add(o, DHO_VENDOR_ENCAPSULATED, pxe_default43,
		    sizeof(pxe_default43));
	/*
	 * Option 175: the rule's iPXE settings; to iPXE from a full server
	 * add no-pxedhcp (176) = 1 so it skips waiting for a proxy.
	 */
	n = 0;
	if ((bs->set & BS_IPXE) && bs->ipxe_len <= sizeof(t->opt175) - 3) {
		memcpy(t->opt175, bs->ipxe, bs->ipxe_len);
		n = bs->ipxe_len;
	}
	if (t->ipxe && in->conf->dhcp.mode == CONF_DHCP_SERVER &&
	    !in->proxy_port && !dhcp_enc_sub_has(t->opt175, n, 176) &&
	    !dhcp_opts_have(bs, DHO_IPXE_ENCAP)) {
		static const uint8_t	one = 1;

		dhcp_enc_sub_put(t->opt175, sizeof(t->opt175), &n, 176, &one, 1);
	}
	if (n > 0)
		dhcp_pkt_out_add(o, DHO_IPXE_ENCAP, t->opt175, n);
	if (bs->set & BS_DELAY)
		t->out->delay_ms = bs->delay_ms;
	return true;
}

/* RFC 2131 4.1: where a reply from port 67 goes. */
static void
dhcp_reply_dest(struct dhcp_tx *t)
{
	struct dhcp_srv_out	*out = t->out;
	struct dhcp_out		*o = &t->o;

	out->to.sin_family = AF_INET;
	out->to.sin_port = htons(DHCP_CLIENT_PORT);
	if (t->in->proxy_port) {
		out->to = t->in->src;
		out->dest = DHCP_DEST_SOURCE;
		if (out->to.sin_addr.s_addr == INADDR_ANY) {
			out->to.sin_addr.s_addr = INADDR_BROADCAST;
			out->dest = DHCP_DEST_BCAST;
		}
		return;
	}
	if (o->giaddr.s_addr != 0) {
		out->dest = DHCP_DEST_RELAY;
		out->to.sin_addr = o->giaddr;
		out->to.sin_port = htons(67);
		if (out->type == DHCPNAK)
			o->flags |= BOOTP_BROADCAST;
	} else if (out->type == DHCPNAK) {
		out->dest = DHCP_DEST_BCAST;
		out->to.sin_addr.s_addr = INADDR_BROADCAST;
	} else if (t->m->ciaddr.s_addr != 0) {
		out->dest = DHCP_DEST_CIADDR;
		out->to.sin_addr = t->m->ciaddr;
	} else if ((o->flags & BOOTP_BROADCAST) || o->yiaddr.s_addr == 0 ||
	    t->m->htype != 1 || t->m->hlen != 6) {
		out->dest = DHCP_DEST_BCAST;
		out->to.sin_addr.s_addr = INADDR_BROADCAST;
	} else {
		out->dest = DHCP_DEST_YIADDR;
		out->to.sin_addr = o->yiaddr;
		memcpy(out->chaddr, t->m->chaddr, 16);
		out->hlen = t->m->hlen;
	}
}

/* The transaction's one log line. */
static void
dhcp_log_line(struct dhcp_tx *t)
{
	char		mac[16 * 3 + 1], addr[INET_ADDRSTRLEN], tags[256];
	char		via[INET_ADDRSTRLEN + 8] = "";
	struct in_addr	a = t->o.yiaddr;
	int		arch = rules_arch(&t->req);
	char		archs[40];
	size_t		n;

	dhcp_proto_mac_str(t->m->chaddr, t->m->hlen, mac, sizeof(mac));
	if (a.s_addr == 0)
		a = t->m->ciaddr;
	inet_ntop(AF_INET, &a, addr, sizeof(addr));
	rules_tags_string(t->in->conf, &t->res, tags, sizeof(tags));
	if (t->m->giaddr.s_addr != 0) {
		char	g[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &t->m->giaddr, g, sizeof(g));
		snprintf(via, sizeof(via), " via %s", g);
	}
	dhcp_proto_arch_str(arch, archs, sizeof(archs));
	n = (size_t)snprintf(t->out->log, sizeof(t->out->log),
	    "dhcp%s: %s(%s%s) %s xid %08" PRIx32 "%s%s%s", t->in->proxy_port ?
	    "-proxy" : "", dhcp_proto_msgtype_name(t->type), t->in->ifname != NULL ?
	    t->in->ifname : "?", via, mac, t->m->xid, archs, t->ipxe ?
	    " ipxe" : "", t->http ? " http" : t->pxe ? " pxe" : "");
	if (n >= sizeof(t->out->log))
		return;
	if (t->out->type < 0)
		snprintf(t->out->log + n, sizeof(t->out->log) - n,
		    ": no reply (%s)", t->why != NULL ? t->why : "ignored");
	else if (t->out->type == DHCPNAK)
		snprintf(t->out->log + n, sizeof(t->out->log) - n,
		    " -> NAK %s (%s)", addr, t->why != NULL ? t->why : "");
	else
		snprintf(t->out->log + n, sizeof(t->out->log) - n,
		    " -> %s %s tags %s file \"%.200s\"", t->out->type == 0 ?
		    "BOOTREPLY" : dhcp_proto_msgtype_name(t->out->type), addr,
		    tags[0] != '\0' ? tags : "-", t->file);
}

static void
dhcp_build(struct dhcp_tx *t)
{
	static struct log_rate	 agent_rate;
	enum dhcp_berr	 why;
	size_t		 prl_len = 0, len57 = 0, maxsize = 0;
	const uint8_t	*prl = dhcp_pkt_opt(t->m, DHO_PARAMETER_REQUEST, &prl_len);
	const uint8_t	*p57 = dhcp_pkt_opt(t->m, DHO_MAX_MESSAGE_SIZE, &len57);

	if (p57 != NULL && len57 == 2)
		maxsize = (size_t)p57[0] << 8 | p57[1];
	dhcp_reply_dest(t);
	dhcp_agent_echo(t);
	t->out->len = dhcp_pkt_build(&t->o, prl, prl != NULL ? prl_len : 0,
	    maxsize, t->out->buf, sizeof(t->out->buf), &why);
	/* RFC 3046 2.2: and SHOULD count it (pxed_dhcp_relay_agent_*). */
	t->out->agent_unechoed = why == DHCP_BNOAGENT;
	if (why == DHCP_BNOAGENT)
		log_rated(&agent_rate, LOG_WARNING, "dhcp: reply to xid %08"
		    PRIx32 ": %s", t->m->xid, dhcp_pkt_berr_str(why));
	if (t->out->len == 0) {
		t->out->type = -1;
		t->why = dhcp_pkt_berr_str(why);
	}
}

static void
dhcp_nak(struct dhcp_tx *t, const char *why)
{
	static const char	*msg = "wrong address";

	dhcp_reply_init(t, DHCPNAK);
	dhcp_pkt_out_add(&t->o, DHO_MESSAGE, msg, strlen(msg));
	t->why = why;
	dhcp_build(t);
}

static void
dhcp_none(struct dhcp_tx *t, const char *why)
{
	t->out->type = -1;
	t->out->proxy_offer = false;
	t->why = why;
}

/* ---------- proxy ---------- */

static void
dhcp_proxy(struct dhcp_tx *t)
{
	if (!t->pxe && !t->http)
		return dhcp_none(t, "not a PXE or HTTP boot client");
	if (t->in->proxy_port) {
		if (t->type != DHCPREQUEST && t->type != DHCPINFORM)
			return dhcp_none(t, "not a REQUEST or INFORM");
		dhcp_reply_init(t, DHCPACK);
		t->o.ciaddr = t->m->ciaddr;
	} else {
		if (t->type != DHCPDISCOVER)
			return dhcp_none(t, "proxy answers DISCOVER on 67");
		dhcp_reply_init(t, DHCPOFFER);
		t->out->proxy_offer = true;
	}
	if (!dhcp_reply_boot(t, t->m->ciaddr))
		return dhcp_none(t, "no boot entry matched");
	/* The rule's own options too (a raw 43 replaces the default). */
	dhcp_reply_opts(t, false);
	dhcp_build(t);
}

/* ---------- server ---------- */

static uint32_t
dhcp_lease_secs(const struct dhcp_tx *t)
{
	return t->range != NULL ? t->range->lease_time :
	    t->in->conf->dhcp.lease_time;
}

static uint32_t
dhcp_static_addr(const struct dhcp_tx *t)
{
	const struct conf_host	*h = t->res.host;

	if (h == NULL || h->ip.s_addr == 0 || t->range == NULL ||
	    !dhcp_in_subnet(h->ip, t->range))
		return 0;
	return ntohl(h->ip.s_addr);
}

/* An address for a DISCOVER (or a BOOTP request); 0 when none. */
static uint32_t
dhcp_choose(struct dhcp_tx *t)
{
	struct leases		*L = t->in->leases;
	const struct lease	*l;
	const uint8_t		*p;
	size_t			 len;
	uint32_t		 a;
	int64_t			 now = t->in->now;

	if ((a = dhcp_static_addr(t)) != 0)
		return lease_addr_free(L, a, t->id, t->idlen, true, now) ? a :
		    0;
	if ((l = lease_by_id(L, t->id, t->idlen)) != NULL &&
	    l->state != LEASE_DECLINED && dhcp_addr_ok(t, l->addr) &&
	    lease_addr_free(L, l->addr, t->id, t->idlen, false, now))
		return l->addr;
	if ((p = dhcp_pkt_opt(t->m, DHO_REQUESTED_ADDRESS, &len)) != NULL &&
	    len == 4) {
		memcpy(&a, p, 4);
		a = ntohl(a);
		if (dhcp_addr_ok(t, a) &&
		    lease_addr_free(L, a, t->id, t->idlen, false, now))
			return a;
	}
	return dhcp_alloc(t);
}

static const char *
dhcp_hostname(const struct dhcp_tx *t, char *buf, size_t cap)
{
	const uint8_t	*p;
	size_t		 len;

	if ((p = dhcp_pkt_opt(t->m, DHO_HOST_NAME, &len)) == NULL || len == 0)
		return NULL;
	if (len >= cap)
		len = cap - 1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return buf;
}

/*
 * A new offer of addr, held until exp: into the link's bound on offers
 * outstanding (max-offers-per-link, else half the subnet's pool; never
 * more than the pool), which withdraws the oldest one beyond it
 * (dhcp_guard.c).  A link is a subnet: relays and interfaces on it share
 * its pool, and so its bound.
 */
static void
dhcp_offer_note(struct dhcp_tx *t, uint32_t addr, int64_t exp)
{
	static struct log_rate	 rate;
	const struct dhcp_srv_in *in = t->in;
	struct in_addr		 link, gone;
	uint64_t		 bound = in->conf->dhcp.max_offers, pool;
	char			 ls[INET_ADDRSTRLEN];

	/* A host's fixed address is reserved: its offer starves no pool. */
	if (in->guard == NULL || dhcp_static_addr(t) == addr)
		return;
	(void)dhcp_subnet_ranges(t, &pool);
	if (bound == 0 || bound > pool)
		bound = bound == 0 ? pool / 2 : pool;
	/* The link is its subnet: every relay and interface address on it. */
	link = t->range->subnet;
	gone.s_addr = htonl(dhcp_guard_offer(in->guard, in->leases,
	    ntohl(link.s_addr), (size_t)bound, addr, exp, in->now));
	if (gone.s_addr == 0)
		return;
	inet_ntop(AF_INET, &link, ls, sizeof(ls));
	log_rated(&rate, LOG_WARNING, "dhcp: %" PRIu64 " offers outstanding "
	    "on subnet %s (max-offers-per-link): the oldest, of %s, withdrawn "
	    "(a DISCOVER flood?)", bound > 0 ? bound : 1, ls, inet_ntoa(gone));
}

static void
dhcp_grant(struct dhcp_tx *t, uint32_t addr, int type)
{
	uint32_t	 secs;
	int64_t		 exp;
	char		 hn[64];
	struct lease	*l;
	bool		 mine;

	dhcp_range_of(t, addr);
	secs = dhcp_lease_secs(t);
	if (type == 0 || type == DHCPACK) {
		exp = type == 0 ? LEASE_NEVER : t->in->now + secs;
		lease_bind(t->in->leases, addr, t->id, t->idlen, t->m->htype,
		    t->m->chaddr, t->m->hlen, LEASE_ACKED, exp,
		    dhcp_hostname(t, hn, sizeof(hn)));
		t->out->durable = true;
	} else {
		/*
		 * An offer never downgrades the client's own lease; one
		 * made again to the same client keeps its expiry (and its
		 * place among the link's offers outstanding).
		 */
		l = lease_by_addr(t->in->leases, addr);
		mine = l != NULL && lease_is_live(l, t->in->now) &&
		    l->idlen == t->idlen &&
		    memcmp(lease_id(l), t->id, t->idlen) == 0;
		if (!mine || l->state != LEASE_ACKED) {
			exp = mine && l->state == LEASE_OFFERED ? l->expires :
			    t->in->now + DHCP_OFFER_SECS;
			if (!mine || l->state != LEASE_OFFERED)
				dhcp_offer_note(t, addr, exp);
			lease_bind(t->in->leases, addr, t->id, t->idlen,
			    t->m->htype, t->m->chaddr, t->m->hlen,
			    LEASE_OFFERED, exp, NULL);
		}
	}
	dhcp_reply_init(t, type);
	t->o.yiaddr.s_addr = htonl(addr);
	dhcp_reply_net(t, type == 0 ? 0 : secs);
	dhcp_reply_boot(t, t->o.yiaddr);
	dhcp_reply_opts(t, true);
	dhcp_build(t);
}

static uint32_t
dhcp_opt_addr(const struct dhcp_msg *m, uint8_t code)
{
	const uint8_t	*p;
	size_t		 len;
	uint32_t	 a;

	if ((p = dhcp_pkt_opt(m, code, &len)) == NULL || len != 4)
		return 0;
	memcpy(&a, p, 4);
	return ntohl(a);
}

static void
dhcp_request(struct dhcp_tx *t)
{
	struct leases		*L = t->in->leases;
	uint32_t		 sid = dhcp_opt_addr(t->m, DHO_SERVER_IDENTIFIER);
	uint32_t		 want = dhcp_opt_addr(t->m, DHO_REQUESTED_ADDRESS);
	uint32_t		 ci = ntohl(t->m->ciaddr.s_addr), a, st;
	struct lease		*l = lease_by_id(L, t->id, t->idlen);
	bool			 selecting = false;

	if (sid != 0) {
		/* SELECTING: the client chose an offer. */
		if (!dhcp_sid_ours(t, sid)) {
			if (l != NULL && l->state == LEASE_OFFERED) {
				l->expires = t->in->now;
				lease_expire(L, t->in->now);
			}
			return dhcp_none(t, "client chose another server");
		}
		if ((a = want != 0 ? want : ci) == 0)
			return dhcp_none(t, "no requested address");
		selecting = true;
	} else if (want != 0) {
		a = want;		/* INIT-REBOOT */
	} else if (ci != 0) {
		a = ci;			/* RENEWING or REBINDING */
	} else
		return dhcp_none(t, "REQUEST without an address");

	if (t->range == NULL)
		return dhcp_none(t, "no range for this subnet");
	if ((st = dhcp_static_addr(t)) != 0) {
		if (a != st)
			return dhcp_nak(t, "host has a fixed address");
		if (!lease_addr_free(L, a, t->id, t->idlen, true, t->in->now))
			return dhcp_nak(t, "address in use");
		return dhcp_grant(t, a, DHCPACK);
	}
	if (!dhcp_addr_ok(t, a))
		return dhcp_nak(t, "address not in a range of this subnet");
	if (!lease_addr_free(L, a, t->id, t->idlen, false, t->in->now))
		return dhcp_nak(t, "address in use");
	if (l == NULL || l->addr != a) {
		/*
		 * No record of this client at a: RFC 2131 4.3.2 says stay
		 * silent unless authoritative; an authoritative server grants
		 * a free address (the lease file may be younger than it).
		 * A shared store's record is in the database, which the
		 * claim consults: another server's client renews here.
		 */
		if (!t->in->conf->dhcp.authoritative && !selecting &&
		    !lease_shared(L))
			return dhcp_none(t, "no record of the client");
	}
	dhcp_grant(t, a, DHCPACK);
}

static void
dhcp_server(struct dhcp_tx *t)
{
	struct leases		*L = t->in->leases;
	struct in_addr		 where;
	struct lease		*l;
	uint32_t		 a;

	if (t->in->proxy_port)
		return dhcp_proxy(t);
	where = dhcp_agent_link(t);
	t->range = dhcp_range_for(t->in->conf, where, &t->pool);

	switch (t->type) {
	case 0:
		if (!t->in->conf->dhcp.bootp)
			return dhcp_none(t, "BOOTP not enabled");
		if (t->range == NULL)
			return dhcp_none(t, "no range for this subnet");
		if ((a = dhcp_choose(t)) == 0)
			return dhcp_none(t, "pool exhausted");
		return dhcp_grant(t, a, 0);
	case DHCPDISCOVER:
		if (t->range == NULL)
			return dhcp_none(t, "no range for this subnet");
		if ((a = dhcp_choose(t)) == 0) {
			if (dhcp_subnet_ranges(t, NULL) == 0)
				return dhcp_none(t, "no pool on this subnet");
			if (dhcp_subnet_ranges(t, NULL) > 1)
				log_warnx("dhcp: range \"%s\" and the other "
				    "ranges of its subnet are exhausted",
				    t->range->name);
			else
				log_warnx("dhcp: range \"%s\" is exhausted",
				    t->range->name);
			return dhcp_none(t, "pool exhausted");
		}
		return dhcp_grant(t, a, DHCPOFFER);
	case DHCPREQUEST:
		return dhcp_request(t);
	case DHCPDECLINE:
		if (!dhcp_sid_ours(t, dhcp_opt_addr(t->m,
		    DHO_SERVER_IDENTIFIER)))
			return dhcp_none(t, "DECLINE for another server");
		a = dhcp_opt_addr(t->m, DHO_REQUESTED_ADDRESS);
		if ((l = lease_by_id(L, t->id, t->idlen)) == NULL ||
		    l->addr != a)
			return dhcp_none(t, "DECLINE of an address not leased "
			    "to the client");
		lease_decline(L, a, t->in->now +
		    t->in->conf->dhcp.decline_time);
		t->o.yiaddr.s_addr = htonl(a);
		log_warnx("dhcp: address %s declined by a client (in use by "
		    "another machine?), quarantined for %" PRIu32 " s",
		    inet_ntoa(t->o.yiaddr), t->in->conf->dhcp.decline_time);
		return dhcp_none(t, "declined");
	case DHCPRELEASE:
		a = ntohl(t->m->ciaddr.s_addr);
		if ((l = lease_by_id(L, t->id, t->idlen)) == NULL ||
		    l->addr != a || !lease_is_live(l, t->in->now))
			return dhcp_none(t, "RELEASE of an unknown lease");
		lease_release(L, l, t->in->now);
		return dhcp_none(t, "released");
	case DHCPINFORM:
		if (t->m->ciaddr.s_addr == 0 && t->m->giaddr.s_addr == 0)
			return dhcp_none(t, "INFORM without ciaddr");
		t->range = dhcp_range_for(t->in->conf,
		    t->m->ciaddr.s_addr != 0 ? t->m->ciaddr : where,
		    &t->pool);
		dhcp_reply_init(t, DHCPACK);
		dhcp_reply_net(t, 0);
		dhcp_reply_boot(t, t->m->ciaddr);
		dhcp_reply_opts(t, true);
		return dhcp_build(t);
	}
	dhcp_none(t, "not a client message");
}

/* ---------- entry ---------- */

static void
dhcp_log_options(const struct dhcp_msg *m)
{
	char	line[1024];
	size_t	n = 0, i, len;
	int	code;

	if (log_getlevel() < LOG_DEBUG)
		return;
	for (code = 1; code < 255; code++) {
		const uint8_t	*p = dhcp_pkt_opt(m, (uint8_t)code, &len);
		bool		 text = true;

		if (p == NULL || n >= sizeof(line) - 16)
			continue;
		for (i = 0; i < len; i++)
			if (p[i] < 0x20 || p[i] > 0x7e)
				text = false;
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %d=", code);
		if (text && len > 0)
			n += (size_t)snprintf(line + n, sizeof(line) - n,
			    "\"%.*s\"", (int)len, (const char *)p);
		else
			for (i = 0; i < len && n < sizeof(line) - 4; i++)
				n += (size_t)snprintf(line + n,
				    sizeof(line) - n, "%02x", p[i]);
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
	}
	line[n] = '\0';
	log_debug("dhcp: xid %08" PRIx32 " options:%s", m->xid, line);
}

void
dhcp_srv_handle(const struct dhcp_srv_in *in, const uint8_t *pkt,
    size_t len, struct dhcp_srv_out *out)
{
	struct dhcp_tx		 *t;
	enum dhcp_perr		  e;
	size_t			  l61 = 0;
	const uint8_t		 *o61;
	char			  who[INET_ADDRSTRLEN];
	int			  need;

	memset(out, 0, offsetof(struct dhcp_srv_out, buf));
	out->type = -1;
	out->reqtype = -1;
	out->log[0] = '\0';
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->m = malloc(sizeof(*t->m))) == NULL) {
		free(t);
		log_warn("dhcp: malloc");
		return;
	}
	t->in = in;
	t->out = out;
	/* The sender, only for the lines of a rejection: a sprintf. */
	if ((e = dhcp_pkt_parse(pkt, len, t->m)) != DHCP_POK ||
	    t->m->op != BOOTREQUEST || t->m->hlen == 0)
		inet_ntop(AF_INET, &in->src.sin_addr, who, sizeof(who));
	if (e != DHCP_POK) {
		snprintf(out->log, sizeof(out->log), "dhcp: malformed packet "
		    "from %s:%u on %s dropped: %s", who,
		    ntohs(in->src.sin_port), in->ifname != NULL ?
		    in->ifname : "?", dhcp_pkt_perr_str(e));
		goto done;
	}
	if (t->m->op != BOOTREQUEST) {
		snprintf(out->log, sizeof(out->log), "dhcp: BOOTREPLY from "
		    "%s on %s dropped: servers answer requests only", who,
		    in->ifname != NULL ? in->ifname : "?");
		goto done;
	}
	if (t->m->hlen == 0) {
		snprintf(out->log, sizeof(out->log), "dhcp: request from %s "
		    "on %s without a hardware address dropped", who,
		    in->ifname != NULL ? in->ifname : "?");
		goto done;
	}
	t->type = dhcp_pkt_msgtype(t->m);
	out->reqtype = t->type;
	dhcp_log_options(t->m);
	dhcp_agent_read(t);
	client_rules_req(&(struct client_src){ .msg = t->m,
	    .ifname = in->ifname }, &t->req);
	rules_eval(in->conf, &t->req, &t->res);
	t->pxe = dhcp_prefix(t->m, DHO_VENDOR_CLASS_ID, "PXEClient");
	t->http = dhcp_prefix(t->m, DHO_VENDOR_CLASS_ID, "HTTPClient");
	t->ipxe = t->m->opt[DHO_IPXE_ENCAP].present ||
	    rules_userclass_has(&t->req, (const uint8_t *)"iPXE", 4);
	o61 = dhcp_pkt_opt(t->m, DHO_CLIENT_IDENTIFIER, &l61);
	t->idlen = lease_client_id(o61, l61, t->m->htype, t->m->chaddr,
	    t->m->hlen, t->id);
	t->pool = -1;

	switch (in->conf->dhcp.mode) {
	case CONF_DHCP_SERVER:
		dhcp_server(t);
		break;
	case CONF_DHCP_PROXY:
		dhcp_proxy(t);
		break;
	case CONF_DHCP_OFF:
		dhcp_none(t, "dhcp is off");
		break;
	}
	client_seen_fill(t->m, t->o.yiaddr.s_addr != 0 ? t->o.yiaddr :
	    t->m->ciaddr, &out->seen);
	if (t->res.host != NULL && t->res.host->hostname != NULL)
		snprintf(out->hostname, sizeof(out->hostname), "%s",
		    t->res.host->hostname);
	else
		(void)dhcp_hostname(t, out->hostname, sizeof(out->hostname));
	/* The line costs: write it only when it will be logged. */
	need = t->out->type < 0 ? LOG_DEBUG : LOG_INFO;
	if (in->loglevel == 0 || in->loglevel >= need)
		dhcp_log_line(t);
done:
	free(t->m);
	free(t);
}
