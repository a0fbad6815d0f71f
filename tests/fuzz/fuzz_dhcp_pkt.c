/*
 * fuzz_dhcp_pkt.c: libFuzzer entry for the BOOTP/DHCP codec.
 *
 * Arbitrary bytes go through dhcp_pkt_parse(); what parses goes through
 * client_rules_req(), and a reply made of its header fields and options
 * goes through dhcp_pkt_out_add() and dhcp_pkt_build() and must parse back
 * to the same fields and options.  Any difference aborts.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "dhcp_pkt.h"
#include "dhcp_proto.h"
#include "rules.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_dhcp_pkt: %s\n", what);
	abort();
}

/* A NUL-terminated name in a field of cap bytes, or NULL. */
static const char *
field_name(const uint8_t *f, size_t cap, char *buf)
{
	size_t	n;

	for (n = 0; n < cap && f[n] != '\0'; n++)
		;
	if (n == cap || n == 0)
		return NULL;
	memcpy(buf, f, n + 1);
	return buf;
}

static void
check_req(const struct dhcp_msg *m, const struct rules_req *req)
{
	unsigned	code;

	if (req->mac_len != m->hlen || memcmp(req->mac, m->chaddr,
	    m->hlen) != 0)
		fail("rules_req: chaddr differs");
	for (code = 1; code < 255; code++) {
		const struct rules_opt	*o = &req->opt[code];

		if (o->present != m->opt[code].present)
			fail("rules_req: presence differs");
		if (o->present && (o->len != m->opt[code].len ||
		    (o->len > 0 && memcmp(o->data, m->optbuf +
		    m->opt[code].off, o->len) != 0)))
			fail("rules_req: value differs");
	}
	(void)rules_arch(req);
	(void)rules_userclass_has(req, (const uint8_t *)"iPXE", 4);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dhcp_msg	 m, back;
	static struct rules_req	 req;
	static uint8_t		 buf[DHCP_MAX_LEN];
	struct dhcp_out		 o;
	enum dhcp_berr		 why;
	char			 sname[64], file[128];
	const uint8_t		*prl, *p57, *p;
	size_t			 prl_len = 0, len57 = 0, maxsize = 0, limit;
	size_t			 len, l;
	unsigned		 code;
	uint8_t			 added[256];

	if (dhcp_pkt_parse(data, size, &m) != DHCP_POK)
		return 0;
	(void)dhcp_pkt_msgtype(&m);
	client_rules_req(&(struct client_src){ .msg = &m }, &req);
	check_req(&m, &req);

	/* A reply echoing the request's fields and its options. */
	memset(&o, 0, sizeof(o));
	memset(added, 0, sizeof(added));
	o.op = BOOTREPLY;
	o.htype = m.htype;
	o.hlen = m.hlen;
	o.hops = m.hops;
	o.xid = m.xid;
	o.secs = m.secs;
	o.flags = m.flags;
	o.ciaddr = m.ciaddr;
	o.yiaddr = m.yiaddr;
	o.siaddr = m.siaddr;
	o.giaddr = m.giaddr;
	memcpy(o.chaddr, m.chaddr, sizeof(o.chaddr));
	if (!(m.overload & 2))
		o.sname = field_name(m.sname, sizeof(m.sname), sname);
	if (!(m.overload & 1))
		o.file = field_name(m.file, sizeof(m.file), file);
	for (code = 1; code < 255; code++) {
		if (code == DHO_OPTION_OVERLOAD ||
		    (p = dhcp_pkt_opt(&m, (uint8_t)code, &l)) == NULL)
			continue;
		if (dhcp_pkt_out_add(&o, (uint8_t)code, p, l) == -1)
			break;
		added[code] = 1;
	}
	prl = dhcp_pkt_opt(&m, DHO_PARAMETER_REQUEST, &prl_len);
	if ((p57 = dhcp_pkt_opt(&m, DHO_MAX_MESSAGE_SIZE, &len57)) != NULL &&
	    len57 == 2)
		maxsize = (size_t)p57[0] << 8 | p57[1];
	len = dhcp_pkt_build(&o, prl, prl != NULL ? prl_len : 0, maxsize, buf,
	    sizeof(buf), &why);
	if (len == 0) {
		if (why != DHCP_BNOSPACE)
			fail("build: refused for another reason than space");
		return 0;
	}
	limit = (maxsize < 576 ? 576 : maxsize) - 28;
	if (len > limit || len > sizeof(buf) || (len < 300 && limit >= 300))
		fail("build: length out of bounds");

	/* Parse it back: the same header, the same options. */
	if (dhcp_pkt_parse(buf, len, &back) != DHCP_POK)
		fail("build: the reply does not parse");
	if (back.op != BOOTREPLY || back.htype != o.htype ||
	    back.hlen != o.hlen || back.hops != o.hops || back.xid != o.xid ||
	    back.secs != o.secs || back.flags != o.flags ||
	    back.ciaddr.s_addr != o.ciaddr.s_addr ||
	    back.yiaddr.s_addr != o.yiaddr.s_addr ||
	    back.siaddr.s_addr != o.siaddr.s_addr ||
	    back.giaddr.s_addr != o.giaddr.s_addr ||
	    memcmp(back.chaddr, o.chaddr, 16) != 0)
		fail("build: header differs");
	if ((o.sname != NULL && ((back.overload & 2) ||
	    strcmp((const char *)back.sname, o.sname) != 0)) ||
	    (o.file != NULL && ((back.overload & 1) ||
	    strncmp((const char *)back.file, o.file, 128) != 0)))
		fail("build: sname or file differs");
	for (code = 1; code < 255; code++) {
		const uint8_t	*q;
		size_t		 ql;

		if (code == DHO_OPTION_OVERLOAD)
			continue;
		q = dhcp_pkt_opt(&back, (uint8_t)code, &ql);
		if (!added[code]) {
			if (q != NULL)
				fail("build: an option appeared");
			continue;
		}
		p = dhcp_pkt_opt(&m, (uint8_t)code, &l);
		if (q == NULL || ql != l || (l > 0 && memcmp(p, q, l) != 0))
			fail("build: an option differs");
	}
	return 0;
}
