/*
 * fuzz_dhcp6_pkt.c: libFuzzer entry for the DHCPv6 codec.
 *
 * Arbitrary bytes go through dhcp6_pkt_parse().  What parses is built
 * again, relays outermost first with a Relay-Message each, the client
 * message with every option it kept, and the result must parse back to
 * the same relays, type, transaction id and options (IA options, relay
 * nesting and option lengths are where a codec goes wrong).  Any
 * difference aborts.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp6_pkt.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_dhcp6_pkt: %s\n", what);
	abort();
}

static int
same_opt(const struct dhcp6_opt *a, const struct dhcp6_opt *b)
{
	if (a->code != b->code || a->len != b->len ||
	    (a->data == NULL) != (b->data == NULL))
		return 0;
	return a->data == NULL || memcmp(a->data, b->data, a->len) == 0;
}

/* Build m again: its Relay-Forward layers around the message. */
static size_t
rebuild(const struct dhcp6_msg *m, uint8_t *buf, size_t cap)
{
	struct dhcp6_out	 o;
	size_t			 mark[DHCP6_HOP_COUNT_LIMIT + 1], i;

	dhcp6_pkt_out_init(&o, buf, cap);
	for (i = 0; i < m->nrelay; i++) {
		dhcp6_pkt_out_relay(&o, DHCP6_RELAY_FORW, &m->relay[i]);
		mark[i] = dhcp6_pkt_out_begin(&o, D6O_RELAY_MSG);
	}
	dhcp6_pkt_out_hdr(&o, m->type, m->xid);
	for (i = 0; i < m->nopt; i++)
		dhcp6_pkt_out_opt(&o, m->opt[i].code, m->opt[i].data,
		    m->opt[i].len);
	for (i = m->nrelay; i-- > 0;)
		dhcp6_pkt_out_end(&o, mark[i]);
	return o.overflow ? 0 : o.len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dhcp6_msg	 m, m2;
	static uint8_t		 out[DHCP6_MAX_LEN * 2];
	uint8_t			*copy;
	size_t			 i, n;

	/* An exact-size copy: ASan sees any read past the datagram. */
	if ((copy = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	if (dhcp6_pkt_parse(copy, size, &m) != DHCP6_POK)
		goto done;
	if (m.nrelay > DHCP6_HOP_COUNT_LIMIT + 1 || m.nopt > DHCP6_MAX_OPTS ||
	    m.nia > DHCP6_MAX_IA)
		fail("counts past their bounds");
	for (i = 0; i < m.nopt; i++)
		if (m.opt[i].data < copy ||
		    m.opt[i].data + m.opt[i].len > copy + size)
			fail("an option outside the datagram");
	(void)dhcp6_pkt_oro_has(&m, D6O_BOOTFILE_URL);
	n = rebuild(&m, out, sizeof(out));
	if (n == 0)
		goto done;	/* a relay header grew past the buffer */
	if (dhcp6_pkt_parse(out, n, &m2) != DHCP6_POK)
		fail("the rebuilt message does not parse");
	if (m2.type != m.type || m2.xid != m.xid || m2.nopt != m.nopt ||
	    m2.nrelay != m.nrelay || m2.nia != m.nia)
		fail("the rebuilt message differs");
	for (i = 0; i < m.nopt; i++)
		if (!same_opt(&m.opt[i], &m2.opt[i]))
			fail("an option differs");
	for (i = 0; i < m.nrelay; i++)
		if (m.relay[i].hops != m2.relay[i].hops ||
		    memcmp(&m.relay[i].link, &m2.relay[i].link, 16) != 0 ||
		    !same_opt(&m.relay[i].ifid, &m2.relay[i].ifid))
			fail("a relay differs");
	for (i = 0; i < m.nia; i++)
		if (m.ia[i].iaid != m2.ia[i].iaid ||
		    m.ia[i].naddr != m2.ia[i].naddr)
			fail("an IA differs");
done:
	free(copy);
	return 0;
}
