/*
 * dhcp_pkt.c: parse BOOTP and DHCP messages.
 *
 * The fixed header is read field by field (never a struct cast over the
 * buffer); options are walked with a cursor and the bytes left in their
 * area, checking the bound before every read.  Areas are the options
 * field, then, when option 52 says so, file and then sname (RFC 2131 4.1
 * and RFC 3396 7).  Every instance of a code, across all areas, is
 * concatenated in that order (RFC 3396), so a long option split by a
 * client or a relay reads as one.  PAD is skipped; bytes after END are
 * ignored (a seed capture has 303 of them).  A missing END at the end of
 * an area is tolerated, as most servers do.
 */
#include "config.h"

#include <string.h>

#include "dhcp_pkt.h"
#include "dhcp_proto.h"
#include "names.h"

static const uint8_t dhcp_cookie[4] = { 99, 130, 83, 99 };

struct dhcp_inst {
	uint8_t		 code;
	uint8_t		 len;
	const uint8_t	*data;
};

/* Walk one area; append instances.  Returns DHCP_POK or why not. */
static enum dhcp_perr
dhcp_walk(const uint8_t *p, size_t left, bool main_area, uint8_t *overload,
    struct dhcp_inst *inst, size_t *ninst, size_t cap)
{
	while (left > 0) {
		uint8_t	code = p[0], len;

		if (code == DHO_PAD) {
			p++;
			left--;
			continue;
		}
		if (code == DHO_END)
			break;
		if (left < 2 || (size_t)p[1] + 2 > left)
			return DHCP_PTRUNC;
		len = p[1];
		if (code == DHO_OPTION_OVERLOAD) {
			if (!main_area)
				return DHCP_POVERLOADLOOP;
			if (len != 1 || p[2] < 1 || p[2] > 3)
				return DHCP_PBADOVERLOAD;
			*overload = p[2];
		}
		if (*ninst < cap) {
			inst[*ninst].code = code;
			inst[*ninst].len = len;
			inst[*ninst].data = p + 2;
			(*ninst)++;
		}
		p += 2 + len;
		left -= 2 + (size_t)len;
	}
	return DHCP_POK;
}

static uint32_t
dhcp_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint16_t
dhcp_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
dhcp_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
dhcp_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

enum dhcp_perr
dhcp_pkt_parse(const uint8_t *buf, size_t len, struct dhcp_msg *m)
{
	struct dhcp_inst	inst[DHCP_MAX_LEN / 2];
	size_t			ninst = 0, i, off;
	const size_t		cap = sizeof(inst) / sizeof(inst[0]);
	uint16_t		total[256];
	enum dhcp_perr		e;

	memset(m, 0, offsetof(struct dhcp_msg, optbuf));
	if (len < DHCP_MIN_LEN)
		return DHCP_PSHORT;
	if (len > DHCP_MAX_LEN)
		return DHCP_PLONG;
	m->op = buf[BOOTP_OFF_OP];
	m->htype = buf[BOOTP_OFF_HTYPE];
	m->hlen = buf[BOOTP_OFF_HLEN];
	m->hops = buf[BOOTP_OFF_HOPS];
	if (m->op != BOOTREQUEST && m->op != BOOTREPLY)
		return DHCP_PBADOP;
	if (m->hlen > 16)
		return DHCP_PBADHLEN;
	m->xid = dhcp_get32(buf + BOOTP_OFF_XID);
	m->secs = dhcp_get16(buf + BOOTP_OFF_SECS);
	m->flags = dhcp_get16(buf + BOOTP_OFF_FLAGS);
	memcpy(&m->ciaddr, buf + BOOTP_OFF_CIADDR, 4);
	memcpy(&m->yiaddr, buf + BOOTP_OFF_YIADDR, 4);
	memcpy(&m->siaddr, buf + BOOTP_OFF_SIADDR, 4);
	memcpy(&m->giaddr, buf + BOOTP_OFF_GIADDR, 4);
	memcpy(m->chaddr, buf + BOOTP_OFF_CHADDR, BOOTP_CHADDR_LEN);
	memcpy(m->sname, buf + BOOTP_OFF_SNAME, BOOTP_SNAME_LEN);
	memcpy(m->file, buf + BOOTP_OFF_FILE, BOOTP_FILE_LEN);
	if (memcmp(buf + BOOTP_OFF_COOKIE, dhcp_cookie, 4) != 0)
		return DHCP_PNOCOOKIE;

	/* RFC 3396 7: options, then file, then sname. */
	if ((e = dhcp_walk(buf + DHCP_MIN_LEN, len - DHCP_MIN_LEN, true,
	    &m->overload, inst, &ninst, cap)) != DHCP_POK)
		return e;
	if ((m->overload & 1) && (e = dhcp_walk(buf + BOOTP_OFF_FILE,
	    BOOTP_FILE_LEN, false, &m->overload, inst, &ninst, cap)) !=
	    DHCP_POK)
		return e;
	if ((m->overload & 2) && (e = dhcp_walk(buf + BOOTP_OFF_SNAME,
	    BOOTP_SNAME_LEN, false, &m->overload, inst, &ninst, cap)) !=
	    DHCP_POK)
		return e;

	/* Concatenate: each code gets one slot, instances in order. */
	memset(total, 0, sizeof(total));
	for (i = 0; i < ninst; i++)
		total[inst[i].code] += inst[i].len;
	for (off = 0, i = 0; i < 256; i++) {
		m->opt[i].off = (uint16_t)off;
		off += total[i];
	}
	for (i = 0; i < ninst; i++) {
		struct dhcp_optref	*r = &m->opt[inst[i].code];

		r->present = true;
		memcpy(m->optbuf + r->off + r->len, inst[i].data, inst[i].len);
		r->len = (uint16_t)(r->len + inst[i].len);
	}
	return DHCP_POK;
}

const char *
dhcp_pkt_perr_str(enum dhcp_perr e)
{
	static const char *const names[] = {
		[DHCP_POK] = "ok",
		[DHCP_PSHORT] = "shorter than a BOOTP header and cookie",
		[DHCP_PLONG] = "longer than 4096 bytes",
		[DHCP_PBADOP] = "op is neither BOOTREQUEST nor BOOTREPLY",
		[DHCP_PBADHLEN] = "hlen over 16",
		[DHCP_PNOCOOKIE] = "no DHCP magic cookie",
		[DHCP_PTRUNC] = "an option runs past the end",
		[DHCP_PBADOVERLOAD] = "bad option overload (52)",
		[DHCP_POVERLOADLOOP] =
		    "option overload inside an overloaded field",
	};

	return NAMES_GET(names, e);
}

const uint8_t *
dhcp_pkt_opt(const struct dhcp_msg *m, uint8_t code, size_t *len)
{
	if (!m->opt[code].present)
		return NULL;
	*len = m->opt[code].len;
	return m->optbuf + m->opt[code].off;
}

int
dhcp_pkt_msgtype(const struct dhcp_msg *m)
{
	size_t		 len;
	const uint8_t	*p = dhcp_pkt_opt(m, DHO_MESSAGE_TYPE, &len);

	return p != NULL && len == 1 ? p[0] : 0;
}

/* ---------- option 82 ---------- */

/*
 * RFC 3046 2.0: option 82 is sub-options, each code, length (which may
 * be 0) and value; at least one, so at least 2 bytes.  RFC 3527 3 and
 * RFC 5107 4: sub-options 5 and 11 are one IPv4 address each.
 */
enum dhcp_aerr
dhcp_pkt_agent(const uint8_t *p, size_t len, struct dhcp_agent *a)
{
	size_t	i, n;

	memset(a, 0, sizeof(*a));
	if (len < 2)
		return DHCP_ASHORT;
	for (i = 0; i < len; i += 2 + n) {
		uint8_t	code = p[i];

		if (i + 2 > len || i + 2 + (n = p[i + 1]) > len) {
			memset(a, 0, sizeof(*a));
			return DHCP_ATRUNC;
		}
		if ((code == DHCP_AGENT_LINK_SELECTION ||
		    code == DHCP_AGENT_SERVER_ID_OVERRIDE) && n != 4) {
			memset(a, 0, sizeof(*a));
			return DHCP_ABADADDR;
		}
		if (code >= DHCP_AGENT_NSUB || a->sub[code].present)
			continue;
		a->sub[code].data = p + i + 2;
		a->sub[code].len = (uint8_t)n;
		a->sub[code].present = true;
		if (code == DHCP_AGENT_LINK_SELECTION)
			memcpy(&a->link, p + i + 2, 4);
		else if (code == DHCP_AGENT_SERVER_ID_OVERRIDE)
			memcpy(&a->sid, p + i + 2, 4);
	}
	return DHCP_AOK;
}

const char *
dhcp_pkt_aerr_str(enum dhcp_aerr e)
{
	static const char *const names[] = {
		[DHCP_AOK] = "ok",
		[DHCP_ASHORT] = "shorter than one sub-option",
		[DHCP_ATRUNC] = "a sub-option runs past the end",
		[DHCP_ABADADDR] = "link selection (5) or server identifier "
		    "override (11) is not 4 bytes",
	};

	return NAMES_GET(names, e);
}

/* ---------- building ---------- */

int
dhcp_pkt_out_add(struct dhcp_out *o, uint8_t code, const void *data, size_t len)
{
	if (o->nopts >= DHCP_OUT_MAXOPTS || len > 0xffff)
		return -1;
	o->opts[o->nopts].code = code;
	o->opts[o->nopts].len = (uint16_t)len;
	o->opts[o->nopts].data = data;
	o->nopts++;
	return 0;
}

const char *
dhcp_pkt_berr_str(enum dhcp_berr e)
{
	static const char *const names[] = {
		[DHCP_BOK] = "ok",
		[DHCP_BNOSPACE] =
		    "the options do not fit in the client's maximum size",
		[DHCP_BTOOMANY] = "too many options",
		[DHCP_BBADNAME] = "server name or file name too long",
		[DHCP_BNOAGENT] = "option 82 left out: no room for it",
	};

	return NAMES_GET(names, e);
}

/* An area being filled: the options field, then file, then sname. */
struct dhcp_area {
	uint8_t		*p;
	size_t		 cap, used;	/* cap keeps one byte for END */
};

/*
 * Put one option into the areas from *ai on, split in pieces of at most
 * 255 bytes (RFC 3396) that each fit whole in an area.
 */
static bool
dhcp_put(struct dhcp_area *areas, size_t nareas, size_t *ai,
    const struct dhcp_outopt *op)
{
	size_t	done = 0;

	do {
		struct dhcp_area	*a;
		size_t			 room, n;

		while (*ai < nareas && areas[*ai].cap - areas[*ai].used < 3)
			(*ai)++;
		if (*ai >= nareas)
			return false;
		a = &areas[*ai];
		room = a->cap - a->used - 2;
		n = op->len - done;
		if (n > 255)
			n = 255;
		if (n > room) {
			/* A piece must stay whole: a smaller one, or the next area. */
			if (room == 0) {
				(*ai)++;
				continue;
			}
			n = room;
		}
		a->p[a->used++] = op->code;
		a->p[a->used++] = (uint8_t)n;
		memcpy(a->p + a->used, op->data + done, n);
		a->used += n;
		done += n;
	} while (done < op->len);
	return true;
}

/* The order: 53, 54, 51, then option 55's, then as added; not 82. */
static size_t
dhcp_build_order(const struct dhcp_out *o, const uint8_t *prl,
    size_t prl_len, const struct dhcp_outopt **order)
{
	static const uint8_t	 first[] = { DHO_MESSAGE_TYPE,
				    DHO_SERVER_IDENTIFIER, DHO_LEASE_TIME };
	bool			 used[DHCP_OUT_MAXOPTS];
	size_t			 norder = 0, i, j;

	/* An option 82 echoed replaces one added (RFC 3046 2.2: unchanged). */
	for (i = 0; i < o->nopts; i++)
		used[i] = o->agent != NULL &&
		    o->opts[i].code == DHO_RELAY_AGENT_INFO;
	for (j = 0; j < sizeof(first); j++)
		for (i = 0; i < o->nopts; i++)
			if (!used[i] && o->opts[i].code == first[j]) {
				used[i] = true;
				order[norder++] = &o->opts[i];
			}
	for (j = 0; prl != NULL && j < prl_len; j++)
		for (i = 0; i < o->nopts; i++)
			if (!used[i] && o->opts[i].code == prl[j]) {
				used[i] = true;
				order[norder++] = &o->opts[i];
			}
	for (i = 0; i < o->nopts; i++)
		if (!used[i])
			order[norder++] = &o->opts[i];
	return norder;
}

/* The fixed header and the cookie, into a zeroed buf. */
static void
dhcp_build_header(const struct dhcp_out *o, uint8_t *buf)
{
	buf[BOOTP_OFF_OP] = o->op;
	buf[BOOTP_OFF_HTYPE] = o->htype;
	buf[BOOTP_OFF_HLEN] = o->hlen;
	buf[BOOTP_OFF_HOPS] = o->hops;
	dhcp_put32(buf + BOOTP_OFF_XID, o->xid);
	dhcp_put16(buf + BOOTP_OFF_SECS, o->secs);
	dhcp_put16(buf + BOOTP_OFF_FLAGS, o->flags);
	memcpy(buf + BOOTP_OFF_CIADDR, &o->ciaddr, 4);
	memcpy(buf + BOOTP_OFF_YIADDR, &o->yiaddr, 4);
	memcpy(buf + BOOTP_OFF_SIADDR, &o->siaddr, 4);
	memcpy(buf + BOOTP_OFF_GIADDR, &o->giaddr, 4);
	memcpy(buf + BOOTP_OFF_CHADDR, o->chaddr, BOOTP_CHADDR_LEN);
	if (o->sname != NULL)
		memcpy(buf + BOOTP_OFF_SNAME, o->sname, strlen(o->sname));
	if (o->file != NULL)
		memcpy(buf + BOOTP_OFF_FILE, o->file, strlen(o->file));
	memcpy(buf + BOOTP_OFF_COOKIE, dhcp_cookie, 4);
}

/*
 * RFC 3046 2.2: option 82 echoed as it came, the last option and never
 * in file or sname; at p, in pieces of at most 255 bytes when it came
 * split (RFC 3396).  Returns the bytes written.
 */
static size_t
dhcp_build_agent(const struct dhcp_out *o, uint8_t *p)
{
	size_t	done = 0, n, len = 0;

	do {
		n = o->agent_len - done > 255 ? 255 : o->agent_len - done;
		p[len++] = DHO_RELAY_AGENT_INFO;
		p[len++] = (uint8_t)n;
		memcpy(p + len, o->agent + done, n);
		len += n;
		done += n;
	} while (done < o->agent_len);
	return len;
}

/*
 * Lay the options in order into the options field of buf (limit bytes),
 * then into file and sname when o leaves them free; option 52 and END.
 * Returns the length so far, or 0 when they do not fit.
 */
static size_t
dhcp_build_options(const struct dhcp_out *o,
    const struct dhcp_outopt *const *order, size_t norder, uint8_t *buf,
    size_t limit, size_t agent_room)
{
	struct dhcp_area	 areas[3];
	size_t			 nareas = 1, ai = 0, i, len;
	uint8_t			 ovl = 0;

	/*
	 * The options field keeps 3 bytes for option 52 in case it is
	 * needed, 1 for END and agent_room for option 82; file and sname
	 * come next when free.
	 */
	if (limit < DHCP_MIN_LEN + 1 + 3 + agent_room)
		return 0;
	areas[0].p = buf + DHCP_MIN_LEN;
	areas[0].cap = limit - DHCP_MIN_LEN - 1 - 3 - agent_room;
	areas[0].used = 0;
	if (o->file == NULL) {
		areas[nareas].p = buf + BOOTP_OFF_FILE;
		areas[nareas].cap = BOOTP_FILE_LEN - 1;
		areas[nareas++].used = 0;
	}
	if (o->sname == NULL) {
		areas[nareas].p = buf + BOOTP_OFF_SNAME;
		areas[nareas].cap = BOOTP_SNAME_LEN - 1;
		areas[nareas++].used = 0;
	}
	for (i = 0; i < norder; i++)
		if (!dhcp_put(areas, nareas, &ai, order[i]))
			return 0;
	/* Which overflow areas were used: option 52, then END everywhere. */
	for (i = 1; i < nareas; i++)
		if (areas[i].used > 0) {
			ovl |= areas[i].p == buf + BOOTP_OFF_FILE ? 1 : 2;
			areas[i].p[areas[i].used] = DHO_END;
		}
	len = DHCP_MIN_LEN + areas[0].used;
	if (ovl != 0) {
		buf[len++] = DHO_OPTION_OVERLOAD;
		buf[len++] = 1;
		buf[len++] = ovl;
	}
	if (agent_room > 0)
		len += dhcp_build_agent(o, buf + len);
	buf[len++] = DHO_END;
	return len;
}

/* Bytes option 82 takes, in pieces of at most 255 (RFC 3396). */
static size_t
dhcp_agent_room(const struct dhcp_out *o)
{
	if (o->agent == NULL)
		return 0;
	return o->agent_len + 2 * ((o->agent_len + 254) / 255 +
	    (o->agent_len == 0));
}

size_t
dhcp_pkt_build(const struct dhcp_out *o, const uint8_t *prl, size_t prl_len,
    size_t maxsize, uint8_t *buf, size_t cap, enum dhcp_berr *why)
{
	const struct dhcp_outopt *order[DHCP_OUT_MAXOPTS];
	size_t			 norder, len, limit;

	*why = DHCP_BOK;
	if (o->nopts > DHCP_OUT_MAXOPTS) {
		*why = DHCP_BTOOMANY;
		return 0;
	}
	if ((o->sname != NULL && strlen(o->sname) > BOOTP_SNAME_LEN - 1) ||
	    (o->file != NULL && strlen(o->file) > BOOTP_FILE_LEN - 1)) {
		*why = DHCP_BBADNAME;
		return 0;
	}
	/* RFC 2132 9.10: honour option 57, never below 576 (IP+UDP incl.). */
	if (maxsize < 576)
		maxsize = 576;
	limit = maxsize - 28;
	if (limit > cap)
		limit = cap;
	if (limit < DHCP_MIN_LEN + 1 + 3) {
		*why = DHCP_BNOSPACE;
		return 0;
	}
	norder = dhcp_build_order(o, prl, prl_len, order);
	memset(buf, 0, limit);
	dhcp_build_header(o, buf);
	len = dhcp_build_options(o, order, norder, buf, limit,
	    dhcp_agent_room(o));
	if (len == 0 && o->agent != NULL) {
		/*
		 * RFC 3046 2.2: a server unable to copy the whole option 82
		 * SHALL send the reply without it.
		 */
		*why = DHCP_BNOAGENT;
		memset(buf, 0, limit);
		dhcp_build_header(o, buf);
		len = dhcp_build_options(o, order, norder, buf, limit, 0);
	}
	if (len == 0) {
		*why = DHCP_BNOSPACE;
		return 0;
	}
	/* RFC 1542 3.4: BOOTP relays and clients expect at least 300. */
	if (len < 300)
		len = 300 <= limit ? 300 : limit;
	return len;
}
