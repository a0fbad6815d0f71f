/*
 * ra.c: the router advertisement message (RFC 4861 4.2, 4.6) and the
 * check of a router solicitation (RFC 4861 6.1.1); the sockets that send
 * and receive them are ra_io's.
 */
#include "config.h"

#include <string.h>

#include "ra.h"
#include "wire.h"

#define ND_ROUTER_SOLICIT	133
#define ND_ROUTER_ADVERT	134
#define ND_OPT_SOURCE_LLADDR	1
#define ND_OPT_PREFIX_INFO	3
#define ND_OPT_MTU		5
#define RA_FLAG_MANAGED		0x80
#define RA_FLAG_OTHER		0x40
#define RA_PI_ONLINK		0x80
#define RA_PI_AUTO		0x40
#define RA_CUR_HOP_LIMIT	64

size_t
ra_build(const struct ra_params *p, uint8_t *buf, size_t cap)
{
	size_t	n = 16;

	if (cap < 16 + 8 + 8 + 32)
		return 0;
	memset(buf, 0, 16);
	buf[0] = ND_ROUTER_ADVERT;
	buf[4] = RA_CUR_HOP_LIMIT;
	buf[5] = (uint8_t)((p->managed ? RA_FLAG_MANAGED : 0) |
	    (p->other ? RA_FLAG_OTHER : 0));
	wire_put16(buf + 6, p->router_lifetime);
	/* Reachable time and retrans timer 0: unspecified (RFC 4861 4.2). */
	if (p->has_lladdr) {
		buf[n] = ND_OPT_SOURCE_LLADDR;
		buf[n + 1] = 1;			/* in units of 8 bytes */
		memcpy(buf + n + 2, p->lladdr, 6);
		n += 8;
	}
	if (p->mtu != 0) {
		buf[n] = ND_OPT_MTU;
		buf[n + 1] = 1;
		wire_put16(buf + n + 2, 0);
		wire_put32(buf + n + 4, p->mtu);
		n += 8;
	}
	if (p->has_prefix) {
		uint8_t	*o = buf + n;

		memset(o, 0, 32);
		o[0] = ND_OPT_PREFIX_INFO;
		o[1] = 4;
		o[2] = p->prefix_len;
		o[3] = (uint8_t)(RA_PI_ONLINK |
		    (p->autonomous ? RA_PI_AUTO : 0));
		wire_put32(o + 4, p->valid);
		/* RFC 4862 5.5.3 c): preferred never above valid. */
		wire_put32(o + 8, p->preferred > p->valid ? p->valid :
		    p->preferred);
		memcpy(o + 16, &p->prefix, 16);
		n += 32;
	}
	return n;
}

bool
ra_is_solicit(const uint8_t *buf, size_t len, int hoplimit)
{
	size_t	off = 8;

	/* RFC 4861 6.1.1: validity checks a router must make. */
	if (hoplimit != 255 || len < 8 || buf[0] != ND_ROUTER_SOLICIT ||
	    buf[1] != 0)
		return false;
	while (off < len) {
		size_t	olen;

		if (len - off < 2 || buf[off + 1] == 0)
			return false;		/* a zero-length option */
		olen = (size_t)buf[off + 1] * 8;
		if (olen > len - off)
			return false;
		off += olen;
	}
	return true;
}
