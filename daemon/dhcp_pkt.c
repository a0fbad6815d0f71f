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
dhcp_perr_str(enum dhcp_perr e)
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
dhcp_opt(const struct dhcp_msg *m, uint8_t code, size_t *len)
{
	if (!m->opt[code].present)
		return NULL;
	*len = m->opt[code].len;
	return m->optbuf + m->opt[code].off;
}

int
dhcp_msgtype(const struct dhcp_msg *m)
{
	size_t		 len;
	const uint8_t	*p = dhcp_opt(m, DHO_MESSAGE_TYPE, &len);

	return p != NULL && len == 1 ? p[0] : 0;
}

void
dhcp_rules_req(const struct dhcp_msg *m, struct rules_req *req)
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
