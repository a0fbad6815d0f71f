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

enum dhcp_perr
dhcp_pkt_parse(const uint8_t *buf, size_t len, struct dhcp_msg *m)
{
	struct dhcp_inst	inst[DHCP_MAX_LEN / 2];
	size_t			ninst = 0, i, off;
	uint16_t		total[256];
	enum dhcp_perr		e;

	memset(m, 0, offsetof(struct dhcp_msg, optbuf));
	if (len < DHCP_MIN_LEN)
		return DHCP_PSHORT;
	if (len > DHCP_MAX_LEN)
		return DHCP_PLONG;
	m->op = buf[0];
	m->htype = buf[1];
	m->hlen = buf[2];
	m->hops = buf[3];
	if (m->op != BOOTREQUEST && m->op != BOOTREPLY)
		return DHCP_PBADOP;
	if (m->hlen > 16)
		return DHCP_PBADHLEN;
	m->xid = dhcp_get32(buf + 4);
	m->secs = (uint16_t)(buf[8] << 8 | buf[9]);
	m->flags = (uint16_t)(buf[10] << 8 | buf[11]);
	memcpy(&m->ciaddr, buf + 12, 4);
	memcpy(&m->yiaddr, buf + 16, 4);
	memcpy(&m->siaddr, buf + 20, 4);
	memcpy(&m->giaddr, buf + 24, 4);
	memcpy(m->chaddr, buf + 28, 16);
	memcpy(m->sname, buf + 44, 64);
	memcpy(m->file, buf + 108, 128);
	if (memcmp(buf + DHCP_FIXED_LEN, dhcp_cookie, 4) != 0)
		return DHCP_PNOCOOKIE;

	/* RFC 3396 7: options, then file, then sname. */
	if ((e = dhcp_walk(buf + DHCP_MIN_LEN, len - DHCP_MIN_LEN, true,
	    &m->overload, inst, &ninst, sizeof(inst) / sizeof(inst[0]))) !=
	    DHCP_POK)
		return e;
	if ((m->overload & 1) && (e = dhcp_walk(buf + 108, 128, false,
	    &m->overload, inst, &ninst, sizeof(inst) / sizeof(inst[0]))) !=
	    DHCP_POK)
		return e;
	if ((m->overload & 2) && (e = dhcp_walk(buf + 44, 64, false,
	    &m->overload, inst, &ninst, sizeof(inst) / sizeof(inst[0]))) !=
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
	switch (e) {
	case DHCP_POK:
		return "ok";
	case DHCP_PSHORT:
		return "shorter than a BOOTP header and cookie";
	case DHCP_PLONG:
		return "longer than 4096 bytes";
	case DHCP_PBADOP:
		return "op is neither BOOTREQUEST nor BOOTREPLY";
	case DHCP_PBADHLEN:
		return "hlen over 16";
	case DHCP_PNOCOOKIE:
		return "no DHCP magic cookie";
	case DHCP_PTRUNC:
		return "an option runs past the end";
	case DHCP_PBADOVERLOAD:
		return "bad option overload (52)";
	case DHCP_POVERLOADLOOP:
		return "option overload inside an overloaded field";
	}
	return "?";
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

void
dhcp_pkt_rules_req(const struct dhcp_msg *m, struct rules_req *req)
{
	unsigned	code;

	rules_req_init(req);
	req->mac_len = m->hlen;
	memcpy(req->mac, m->chaddr, m->hlen);
	req->giaddr = m->giaddr;
	for (code = 1; code < 255; code++)
		if (m->opt[code].present)
			rules_req_setopt(req, (uint8_t)code,
			    m->optbuf + m->opt[code].off, m->opt[code].len);
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
	switch (e) {
	case DHCP_BOK:
		return "ok";
	case DHCP_BNOSPACE:
		return "the options do not fit in the client's maximum size";
	case DHCP_BTOOMANY:
		return "too many options";
	case DHCP_BBADNAME:
		return "server name or file name too long";
	}
	return "?";
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

size_t
dhcp_pkt_build(const struct dhcp_out *o, const uint8_t *prl, size_t prl_len,
    size_t maxsize, uint8_t *buf, size_t cap, enum dhcp_berr *why)
{
	struct dhcp_area	 areas[3];
	bool			 used[DHCP_OUT_MAXOPTS];
	const struct dhcp_outopt *order[DHCP_OUT_MAXOPTS];
	size_t			 norder = 0, i, j, nareas = 1, ai = 0, len;
	size_t			 limit;
	uint8_t			 ovl = 0;
	static const uint8_t	 first[] = { DHO_MESSAGE_TYPE,
				    DHO_SERVER_IDENTIFIER, DHO_LEASE_TIME };

	*why = DHCP_BOK;
	if (o->nopts > DHCP_OUT_MAXOPTS) {
		*why = DHCP_BTOOMANY;
		return 0;
	}
	if ((o->sname != NULL && strlen(o->sname) > 63) ||
	    (o->file != NULL && strlen(o->file) > 127)) {
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

	/* The order: 53, 54, 51, then option 55's, then as added. */
	memset(used, 0, sizeof(used));
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

	memset(buf, 0, limit);
	buf[0] = o->op;
	buf[1] = o->htype;
	buf[2] = o->hlen;
	buf[3] = o->hops;
	buf[4] = (uint8_t)(o->xid >> 24);
	buf[5] = (uint8_t)(o->xid >> 16);
	buf[6] = (uint8_t)(o->xid >> 8);
	buf[7] = (uint8_t)o->xid;
	buf[8] = (uint8_t)(o->secs >> 8);
	buf[9] = (uint8_t)o->secs;
	buf[10] = (uint8_t)(o->flags >> 8);
	buf[11] = (uint8_t)o->flags;
	memcpy(buf + 12, &o->ciaddr, 4);
	memcpy(buf + 16, &o->yiaddr, 4);
	memcpy(buf + 20, &o->siaddr, 4);
	memcpy(buf + 24, &o->giaddr, 4);
	memcpy(buf + 28, o->chaddr, 16);
	if (o->sname != NULL)
		memcpy(buf + 44, o->sname, strlen(o->sname));
	if (o->file != NULL)
		memcpy(buf + 108, o->file, strlen(o->file));
	memcpy(buf + DHCP_FIXED_LEN, dhcp_cookie, 4);

	/*
	 * The options field keeps 3 bytes for option 52 in case it is
	 * needed, and 1 for END; file and sname come next when free.
	 */
	areas[0].p = buf + DHCP_MIN_LEN;
	areas[0].cap = limit - DHCP_MIN_LEN - 1 - 3;
	areas[0].used = 0;
	if (o->file == NULL) {
		areas[nareas].p = buf + 108;
		areas[nareas].cap = 127;
		areas[nareas++].used = 0;
	}
	if (o->sname == NULL) {
		areas[nareas].p = buf + 44;
		areas[nareas].cap = 63;
		areas[nareas++].used = 0;
	}
	for (i = 0; i < norder; i++)
		if (!dhcp_put(areas, nareas, &ai, order[i])) {
			*why = DHCP_BNOSPACE;
			return 0;
		}
	/* Which overflow areas were used: option 52, then END everywhere. */
	for (i = 1; i < nareas; i++)
		if (areas[i].used > 0) {
			ovl |= areas[i].p == buf + 108 ? 1 : 2;
			areas[i].p[areas[i].used] = DHO_END;
		}
	len = DHCP_MIN_LEN + areas[0].used;
	if (ovl != 0) {
		buf[len++] = DHO_OPTION_OVERLOAD;
		buf[len++] = 1;
		buf[len++] = ovl;
	}
	buf[len++] = DHO_END;
	/* RFC 1542 3.4: BOOTP relays and clients expect at least 300. */
	if (len < 300)
		len = 300 <= limit ? 300 : limit;
	return len;
}
