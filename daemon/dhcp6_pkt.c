/*
 * dhcp6_pkt.c: parse and build DHCPv6 messages (RFC 8415).
 *
 *   datagram ── Relay-Forward? ──yes──> relay[n]: hop-count, link, peer,
 *                   │                   Interface-ID, Remote-ID, 79;
 *                   │                   its Relay-Message is the next
 *                   no                  layer (at most HOP_COUNT_LIMIT)
 *                   v
 *   client message: type, xid, options (indexed), IA_NA/TA/PD unpacked
 *
 * Every option is walked with a cursor and the bytes left in its area;
 * the bound is checked before every read.  IA options are checked down
 * to their addresses, because the engine trusts what the parser kept.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "dhcp6_pkt.h"
#include "wire.h"

static const char *const dhcp6_perr_names[DHCP6_PERR_MAX] = {
	[DHCP6_POK] = "ok",
	[DHCP6_PSHORT] = "shorter than its header",
	[DHCP6_PLONG] = "too long",
	[DHCP6_PTRUNC] = "an option runs past the end of the message",
	[DHCP6_PRELAYDEEP] = "relays nested too deep",
	[DHCP6_PNORELAYMSG] = "a Relay-Forward without a Relay-Message",
	[DHCP6_PBADIA] = "a malformed IA option",
	[DHCP6_PTOOMANY] = "too many options",
	[DHCP6_PBADDUID] = "a Client or Server Identifier not of 3 to 130 "
	    "octets (RFC 8415 11.1)",
};

static const char *const dhcp6_type_names[] = {
	[DHCP6_SOLICIT] = "SOLICIT",
	[DHCP6_ADVERTISE] = "ADVERTISE",
	[DHCP6_REQUEST] = "REQUEST",
	[DHCP6_CONFIRM] = "CONFIRM",
	[DHCP6_RENEW] = "RENEW",
	[DHCP6_REBIND] = "REBIND",
	[DHCP6_REPLY] = "REPLY",
	[DHCP6_RELEASE] = "RELEASE",
	[DHCP6_DECLINE] = "DECLINE",
	[DHCP6_RECONFIGURE] = "RECONFIGURE",
	[DHCP6_INFORMATION_REQUEST] = "INFORMATION-REQUEST",
	[DHCP6_RELAY_FORW] = "RELAY-FORW",
	[DHCP6_RELAY_REPL] = "RELAY-REPL",
};

/*
 * The next option of an area: *p and *left advance past it.  Returns 1
 * with *o set, 0 at the end of the area, -1 when the option runs past it.
 */
static int
dhcp6_next(const uint8_t **p, size_t *left, struct dhcp6_opt *o)
{
	if (*left == 0)
		return 0;
	if (*left < DHCP6_OPT_HDR_LEN)
		return -1;
	o->code = wire_get16(*p);
	o->len = wire_get16(*p + 2);
	if ((size_t)o->len > *left - DHCP6_OPT_HDR_LEN)
		return -1;
	o->data = *p + DHCP6_OPT_HDR_LEN;
	*p += DHCP6_OPT_HDR_LEN + o->len;
	*left -= DHCP6_OPT_HDR_LEN + (size_t)o->len;
	return 1;
}

/* Whether the options of an area (an IA address's, prefix's) all fit. */
static bool
dhcp6_subopts_ok(const uint8_t *p, size_t left)
{
	struct dhcp6_opt	sub;
	int			r;

	while ((r = dhcp6_next(&p, &left, &sub)) == 1)
		;
	return r == 0;
}

/* RFC 8415 21.6: an IA Address, with its own options (a status code). */
static enum dhcp6_perr
dhcp6_iaaddr(const struct dhcp6_opt *o, struct dhcp6_ia *ia)
{
	if (o->len < 24 || !dhcp6_subopts_ok(o->data + 24, o->len - 24))
		return DHCP6_PBADIA;
	if (ia->naddr < DHCP6_MAX_IAADDR) {
		struct dhcp6_iaaddr	*a = &ia->addr[ia->naddr++];

		memcpy(&a->addr, o->data, 16);
		a->preferred = wire_get32(o->data + 16);
		a->valid = wire_get32(o->data + 20);
	}
	return DHCP6_POK;
}

/* RFC 8415 21.22: an IA Prefix: lifetimes, length, prefix, options. */
static enum dhcp6_perr
dhcp6_iaprefix(const struct dhcp6_opt *o)
{
	return o->len < 25 || !dhcp6_subopts_ok(o->data + 25, o->len - 25) ?
	    DHCP6_PBADIA : DHCP6_POK;
}

/*
 * RFC 8415 21.4, 21.5, 21.21: IA_NA and IA_PD (IAID, T1, T2), IA_TA
 * (IAID).  An IA_PD's prefixes are checked, not kept: pxed delegates
 * none.
 */
static enum dhcp6_perr
dhcp6_ia(const struct dhcp6_opt *o, struct dhcp6_msg *m)
{
	struct dhcp6_ia		 ia;
	struct dhcp6_opt	 sub;
	const uint8_t		*p;
	size_t			 fixed, left;
	enum dhcp6_perr		 e;
	int			 r;

	fixed = o->code == D6O_IA_TA ? 4 : 12;
	if (o->len < fixed)
		return DHCP6_PBADIA;
	memset(&ia, 0, sizeof(ia));
	ia.type = o->code;
	ia.iaid = wire_get32(o->data);
	if (o->code != D6O_IA_TA) {
		ia.t1 = wire_get32(o->data + 4);
		ia.t2 = wire_get32(o->data + 8);
	}
	p = o->data + fixed;
	left = o->len - fixed;
	while ((r = dhcp6_next(&p, &left, &sub)) == 1)
		if (o->code != D6O_IA_PD && sub.code == D6O_IAADDR &&
		    (e = dhcp6_iaaddr(&sub, &ia)) != DHCP6_POK)
			return e;
		else if (o->code == D6O_IA_PD && sub.code == D6O_IAPREFIX &&
		    (e = dhcp6_iaprefix(&sub)) != DHCP6_POK)
			return e;
	if (r == -1)
		return DHCP6_PBADIA;
	if (m->nia < DHCP6_MAX_IA)
		m->ia[m->nia++] = ia;
	return DHCP6_POK;
}

/* The options of the client's message. */
static enum dhcp6_perr
dhcp6_client_opts(const uint8_t *p, size_t left, struct dhcp6_msg *m)
{
	struct dhcp6_opt	 o;
	enum dhcp6_perr		 e;
	int			 r;

	while ((r = dhcp6_next(&p, &left, &o)) == 1) {
		if (m->nopt == DHCP6_MAX_OPTS)
			return DHCP6_PTOOMANY;
		m->opt[m->nopt++] = o;
		/* RFC 8415 11.1: a DUID is a 2-octet type and 1 to 128 more. */
		if ((o.code == D6O_CLIENTID || o.code == D6O_SERVERID) &&
		    (o.len < DHCP6_DUID_MIN || o.len > DHCP6_DUID_MAX))
			return DHCP6_PBADDUID;
		if ((o.code == D6O_IA_NA || o.code == D6O_IA_TA ||
		    o.code == D6O_IA_PD) &&
		    (e = dhcp6_ia(&o, m)) != DHCP6_POK)
			return e;
	}
	return r == -1 ? DHCP6_PTRUNC : DHCP6_POK;
}

/* One Relay-Forward layer; *inner is its Relay-Message. */
static enum dhcp6_perr
dhcp6_relay(const uint8_t *buf, size_t len, struct dhcp6_relay *rl,
    struct dhcp6_opt *inner)
{
	struct dhcp6_opt	 o;
	const uint8_t		*p;
	size_t			 left;
	int			 r;

	if (len < DHCP6_RELAY_HDR_LEN)
		return DHCP6_PSHORT;
	memset(rl, 0, sizeof(*rl));
	memset(inner, 0, sizeof(*inner));
	rl->hops = buf[1];
	memcpy(&rl->link, buf + 2, 16);
	memcpy(&rl->peer, buf + 18, 16);
	p = buf + DHCP6_RELAY_HDR_LEN;
	left = len - DHCP6_RELAY_HDR_LEN;
	while ((r = dhcp6_next(&p, &left, &o)) == 1) {
		if (o.code == D6O_RELAY_MSG && inner->data == NULL)
			*inner = o;
		else if (o.code == D6O_INTERFACE_ID)
			rl->ifid = o;
		else if (o.code == D6O_REMOTE_ID)
			rl->remote_id = o;
		else if (o.code == D6O_CLIENT_LINKLAYER_ADDR)
			rl->lladdr = o;
	}
	if (r == -1)
		return DHCP6_PTRUNC;
	return inner->data == NULL ? DHCP6_PNORELAYMSG : DHCP6_POK;
}

enum dhcp6_perr
dhcp6_pkt_parse(const uint8_t *buf, size_t len, struct dhcp6_msg *m)
{
	struct dhcp6_opt	 inner;
	enum dhcp6_perr		 e;

	memset(m, 0, sizeof(*m));
	if (len > DHCP6_MAX_LEN)
		return DHCP6_PLONG;
	/* RFC 8415 9: unwrap relays, outermost first. */
	while (len > 0 && buf[0] == DHCP6_RELAY_FORW) {
		if (m->nrelay == DHCP6_HOP_COUNT_LIMIT + 1)
			return DHCP6_PRELAYDEEP;
		e = dhcp6_relay(buf, len, &m->relay[m->nrelay], &inner);
		if (e != DHCP6_POK)
			return e;
		m->nrelay++;
		buf = inner.data;
		len = inner.len;
	}
	if (len < DHCP6_HDR_LEN)
		return DHCP6_PSHORT;
	m->type = buf[0];
	m->xid = (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 | buf[3];
	return dhcp6_client_opts(buf + DHCP6_HDR_LEN, len - DHCP6_HDR_LEN, m);
}

const char *
dhcp6_pkt_perr_str(enum dhcp6_perr e)
{
	if ((unsigned)e >= DHCP6_PERR_MAX)
		return "?";
	return dhcp6_perr_names[e];
}

const struct dhcp6_opt *
dhcp6_pkt_opt(const struct dhcp6_msg *m, uint16_t code)
{
	size_t	i;

	for (i = 0; i < m->nopt; i++)
		if (m->opt[i].code == code)
			return &m->opt[i];
	return NULL;
}

bool
dhcp6_pkt_oro_has(const struct dhcp6_msg *m, uint16_t code)
{
	const struct dhcp6_opt	*oro = dhcp6_pkt_opt(m, D6O_ORO);
	size_t			 i;

	if (oro == NULL)
		return false;
	for (i = 0; i + 1 < oro->len; i += 2)
		if (wire_get16(oro->data + i) == code)
			return true;
	return false;
}

const char *
dhcp6_pkt_type_name(int type)
{
	static char	buf[16];

	if (type > 0 && (size_t)type < sizeof(dhcp6_type_names) /
	    sizeof(dhcp6_type_names[0]) && dhcp6_type_names[type] != NULL)
		return dhcp6_type_names[type];
	snprintf(buf, sizeof(buf), "TYPE%d", type);
	return buf;
}

bool
dhcp6_pkt_duid_mac(const uint8_t *duid, size_t len, uint8_t mac[6])
{
	size_t	off;

	if (len < 4 || wire_get16(duid + 2) != 1)	/* hardware type Ethernet */
		return false;
	switch (wire_get16(duid)) {
	case DUID_LLT:
		off = 8;	/* type, hardware type, time */
		break;
	case DUID_LL:
		off = 4;
		break;
	default:
		return false;
	}
	if (len != off + 6)
		return false;
	memcpy(mac, duid + off, 6);
	return true;
}

bool
dhcp6_pkt_eui64_mac(const struct in6_addr *a, uint8_t mac[6])
{
	const uint8_t	*b = a->s6_addr;

	/* fe80::/64 with ff:fe in the middle of the interface id. */
	if (b[0] != 0xfe || (b[1] & 0xc0) != 0x80 || b[11] != 0xff ||
	    b[12] != 0xfe)
		return false;
	mac[0] = b[8] ^ 0x02;		/* the universal/local bit flipped */
	mac[1] = b[9];
	mac[2] = b[10];
	mac[3] = b[13];
	mac[4] = b[14];
	mac[5] = b[15];
	return true;
}

/* ---------- building ---------- */

static bool
dhcp6_room(struct dhcp6_out *o, size_t n)
{
	if (o->overflow || n > o->cap - o->len) {
		o->overflow = true;
		return false;
	}
	return true;
}

static void
dhcp6_put(struct dhcp6_out *o, const void *p, size_t n)
{
	if (!dhcp6_room(o, n))
		return;
	if (n > 0)
		memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static void
dhcp6_put16(struct dhcp6_out *o, uint16_t v)
{
	uint8_t	b[2];

	wire_put16(b, v);
	dhcp6_put(o, b, 2);
}

void
dhcp6_pkt_out_init(struct dhcp6_out *o, uint8_t *buf, size_t cap)
{
	o->buf = buf;
	o->cap = cap;
	o->len = 0;
	o->overflow = false;
}

void
dhcp6_pkt_out_hdr(struct dhcp6_out *o, uint8_t type, uint32_t xid)
{
	uint8_t	h[DHCP6_HDR_LEN] = { type, (uint8_t)(xid >> 16),
	    (uint8_t)(xid >> 8), (uint8_t)xid };

	dhcp6_put(o, h, sizeof(h));
}

void
dhcp6_pkt_out_relay(struct dhcp6_out *o, uint8_t type,
    const struct dhcp6_relay *r)
{
	uint8_t	h[2] = { type, r->hops };

	dhcp6_put(o, h, sizeof(h));
	dhcp6_put(o, &r->link, 16);
	dhcp6_put(o, &r->peer, 16);
	/* RFC 8415 21.18: the Interface-ID goes back as it came. */
	if (r->ifid.data != NULL)
		dhcp6_pkt_out_opt(o, D6O_INTERFACE_ID, r->ifid.data,
		    r->ifid.len);
}

void
dhcp6_pkt_out_opt(struct dhcp6_out *o, uint16_t code, const void *data,
    size_t len)
{
	if (len > UINT16_MAX || !dhcp6_room(o, DHCP6_OPT_HDR_LEN + len)) {
		o->overflow = true;
		return;
	}
	dhcp6_put16(o, code);
	dhcp6_put16(o, (uint16_t)len);
	dhcp6_put(o, data, len);
}

void
dhcp6_pkt_out_u32(struct dhcp6_out *o, uint32_t v)
{
	uint8_t	b[4];

	wire_put32(b, v);
	dhcp6_put(o, b, sizeof(b));
}

size_t
dhcp6_pkt_out_begin(struct dhcp6_out *o, uint16_t code)
{
	size_t	mark = o->len;

	dhcp6_put16(o, code);
	dhcp6_put16(o, 0);
	return mark;
}

void
dhcp6_pkt_out_end(struct dhcp6_out *o, size_t mark)
{
	size_t	len;

	if (o->overflow)
		return;
	len = o->len - mark - DHCP6_OPT_HDR_LEN;
	if (len > UINT16_MAX) {
		o->overflow = true;
		return;
	}
	o->buf[mark + 2] = (uint8_t)(len >> 8);
	o->buf[mark + 3] = (uint8_t)len;
}

void
dhcp6_pkt_out_status(struct dhcp6_out *o, uint16_t status, const char *msg)
{
	size_t	mark = dhcp6_pkt_out_begin(o, D6O_STATUS_CODE);

	dhcp6_put16(o, status);
	if (msg != NULL)
		dhcp6_put(o, msg, strlen(msg));
	dhcp6_pkt_out_end(o, mark);
}
