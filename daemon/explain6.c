/*
 * explain6.c: pxed --explain for DHCPv6.  The words (or a captured
 * DHCPv6 message, which the other words override) are made into the
 * client's message, wrapped in a Relay-Forward when link= is given, and
 * handed to the DHCPv6 engine (dhcp6_srv.c) over an empty lease store in
 * memory: what is printed is what the daemon would decide and send, with
 * the rules' tags, host and boot entry and their file:line.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "dhcp6_pkt.h"
#include "dhcp6_srv.h"
#include "explain.h"
#include "lease.h"
#include "log.h"
#include "wire.h"

#define PXE_ENTERPRISE	343		/* Intel: PXEClient, HTTPClient */
#define EXPLAIN6_SCRATCH 2048		/* option values made from words */
#define EXPLAIN6_DUID_MAX 130		/* RFC 8415 11.1 */

/* The client's message being made, and where it is said to come from. */
struct explain6 {
	uint8_t			 type;
	uint32_t		 xid;
	struct dhcp6_opt	 opt[DHCP6_MAX_OPTS];
	size_t			 nopt;
	bool			 relayed;
	struct in6_addr		 link;		/* the relay's link-address */
	bool			 has_src;
	struct in6_addr		 src;		/* the datagram's source */
	bool			 has_mac;
	uint8_t			 mac[6];
	bool			 has_server;
	struct in6_addr		 server;	/* the interface's address */
	const char		*ifname;
	uint8_t			 scratch[EXPLAIN6_SCRATCH];
	size_t			 used;
	uint8_t			 pkt[DHCP6_MAX_LEN + 1];	/* packet6= */
	uint8_t			 wire[DHCP6_MAX_LEN];		/* made */
	size_t			 wlen;
};

/* The server's DUID in the replies: DUID-LL of 00:00:5e:00:53:00. */
static const uint8_t	explain6_sduid[] = { 0, 3, 0, 1, 0x00, 0x00, 0x5e,
			    0x00, 0x53, 0x00 };

/* "KEY=..." in argv[i]: the value, or NULL. */
static const char *
explain6_val(const char *word, const char *key)
{
	size_t	n = strlen(key);

	if (strncasecmp(word, key, n) == 0 && word[n] == '=')
		return word + n + 1;
	return NULL;
}

/* An IPv6 address, bracketed or not, into a. */
static int
explain6_addr(const char *s, struct in6_addr *a)
{
	char	buf[INET6_ADDRSTRLEN + 2];
	size_t	n = strlen(s);

	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		if (n - 2 >= sizeof(buf))
			return -1;
		memcpy(buf, s + 1, n - 2);
		buf[n - 2] = '\0';
		s = buf;
	}
	return inet_pton(AF_INET6, s, a) == 1 ? 0 : -1;
}

/* The magic cookie at 236 is BOOTP's; else a DHCPv6 message type. */
static bool
explain6_is_v6(const uint8_t *b, size_t n)
{
	static const uint8_t	cookie[4] = { 99, 130, 83, 99 };

	if (n >= 240 && memcmp(b + 236, cookie, 4) == 0)
		return false;
	return n >= DHCP6_HDR_LEN && b[0] >= DHCP6_SOLICIT &&
	    b[0] <= DHCP6_RELAY_REPL;
}

bool
explain6_wanted(int argc, char *const argv[])
{
	static uint8_t	 b[DHCP6_MAX_LEN + 1];
	struct in6_addr	 a;
	const char	*v;
	ssize_t		 n;
	FILE		*devnull;
	int		 i;

	/* family=4 says it all. */
	for (i = 0; i < argc; i++)
		if ((v = explain6_val(argv[i], "family")) != NULL &&
		    strcmp(v, "4") == 0)
			return false;
	for (i = 0; i < argc; i++) {
		if (((v = explain6_val(argv[i], "family")) != NULL &&
		    strcmp(v, "6") == 0) ||
		    explain6_val(argv[i], "packet6") != NULL ||
		    explain6_val(argv[i], "duid") != NULL ||
		    explain6_val(argv[i], "link") != NULL ||
		    explain6_val(argv[i], "src") != NULL)
			return true;
		if ((v = explain6_val(argv[i], "server")) != NULL &&
		    explain6_addr(v, &a) == 0)
			return true;
		if ((v = explain6_val(argv[i], "packet")) == NULL)
			continue;
		/* The v4 path says why a file cannot be read. */
		if ((devnull = fopen("/dev/null", "w")) == NULL)
			continue;
		n = explain_read(v, b, sizeof(b), devnull);
		fclose(devnull);
		if (n > 0 && explain6_is_v6(b, (size_t)n))
			return true;
	}
	return false;
}

/* ---------- the client's message ---------- */

static uint8_t *
explain6_alloc(struct explain6 *x, size_t n, FILE *err)
{
	uint8_t	*p;

	if (n > sizeof(x->scratch) - x->used) {
		fprintf(err, "pxed: --explain: the values are too long\n");
		return NULL;
	}
	p = x->scratch + x->used;
	x->used += n;
	return p;
}

/* Option code with this value: the first instance replaced, others out. */
static int
explain6_set(struct explain6 *x, uint16_t code, const uint8_t *d, size_t len,
    FILE *err)
{
	size_t	i, k = 0;
	bool	done = false;

	for (i = 0; i < x->nopt; i++) {
		if (x->opt[i].code == code) {
			if (done)
				continue;
			x->opt[i].len = (uint16_t)len;
			x->opt[i].data = d;
			done = true;
		}
		x->opt[k++] = x->opt[i];
	}
	x->nopt = k;
	if (done)
		return 0;
	if (x->nopt == DHCP6_MAX_OPTS || len > UINT16_MAX) {
		fprintf(err, "pxed: --explain: too many options\n");
		return -1;
	}
	x->opt[x->nopt].code = code;
	x->opt[x->nopt].len = (uint16_t)len;
	x->opt[x->nopt++].data = d;
	return 0;
}

static bool
explain6_has(const struct explain6 *x, uint16_t code)
{
	size_t	i;

	for (i = 0; i < x->nopt; i++)
		if (x->opt[i].code == code)
			return true;
	return false;
}

/* packet6= (or packet= read as DHCPv6): its options and its relay. */
static int
explain6_packet(struct explain6 *x, const char *path, FILE *err)
{
	struct dhcp6_msg	*m;
	enum dhcp6_perr		 e;
	ssize_t			 n;
	size_t			 i;

	if ((n = explain_read(path, x->pkt, sizeof(x->pkt), err)) < 0)
		return -1;
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		fprintf(err, "pxed: --explain: out of memory\n");
		return -1;
	}
	if ((e = dhcp6_pkt_parse(x->pkt, (size_t)n, m)) != DHCP6_POK ||
	    m->type < DHCP6_SOLICIT || m->type > DHCP6_RELAY_REPL) {
		fprintf(err, "pxed: --explain: %s: %s\n", path,
		    e != DHCP6_POK ? dhcp6_pkt_perr_str(e) :
		    "not a DHCPv6 message type");
		free(m);
		return -1;
	}
	x->type = m->type;
	x->xid = m->xid;
	/* The Server Identifier of another server is taken as pxed's. */
	for (i = 0; i < m->nopt && i < DHCP6_MAX_OPTS; i++)
		x->opt[x->nopt++] = m->opt[i].code == D6O_SERVERID ?
		    (struct dhcp6_opt){ D6O_SERVERID, sizeof(explain6_sduid),
		    explain6_sduid } : m->opt[i];
	for (i = m->nrelay; i > 0 && !x->relayed; i--)
		if (!IN6_IS_ADDR_UNSPECIFIED(&m->relay[i - 1].link)) {
			x->relayed = true;
			x->link = m->relay[i - 1].link;
		}
	if (m->nrelay > 0 && !x->has_src) {
		x->has_src = true;
		x->src = m->relay[m->nrelay - 1].peer;
	}
	free(m);
	return 0;
}

/* Option 16 (RFC 8415 21.16) of enterprise 343, or 15 (21.15): one item. */
static int
explain6_class(struct explain6 *x, uint16_t code, const char *s, FILE *err)
{
	size_t	 n = strlen(s), h = code == D6O_VENDOR_CLASS ? 4 : 0;
	uint8_t	*b;

	if (n > 255 || (b = explain6_alloc(x, h + 2 + n, err)) == NULL) {
		if (n > 255)
			fprintf(err, "pxed: --explain: a class over 255 "
			    "bytes\n");
		return -1;
	}
	if (h > 0)
		wire_put32(b, PXE_ENTERPRISE);
	wire_put16(b + h, (uint16_t)n);
	memcpy(b + h + 2, s, n);
	return explain6_set(x, code, b, h + 2 + n, err);
}

static int
explain6_duid(struct explain6 *x, const char *s, FILE *err)
{
	uint8_t	*b = explain6_alloc(x, EXPLAIN6_DUID_MAX, err);
	size_t	 n;

	if (b == NULL)
		return -1;
	if ((n = conf_inet6_duid(s, b, EXPLAIN6_DUID_MAX)) == 0) {
		fprintf(err, "pxed: --explain: duid \"%s\" is not a DUID in "
		    "hex\n", s);
		return -1;
	}
	return explain6_set(x, D6O_CLIENTID, b, n, err);
}

/* optN=: any DHCPv6 option but 9, its value as in option lists. */
static int
explain6_opt(struct explain6 *x, struct arena *a, const char *key,
    const char *val, FILE *err)
{
	const uint8_t	*data;
	unsigned long	 code;
	size_t		 len;

	if (explain_optword(a, key, val, 65535, &code, &data, &len, err) ==
	    -1)
		return -1;
	if (code == D6O_RELAY_MSG) {
		fprintf(err, "pxed: --explain: option 9 is the relay's\n");
		return -1;
	}
	return explain6_set(x, (uint16_t)code, data, len, err);
}

/* An address-valued word into a; -1 after saying why. */
static int
explain6_addr_word(const char *key, const char *val, struct in6_addr *a,
    bool *flag, FILE *err)
{
	if (explain6_addr(val, a) == -1) {
		fprintf(err, "pxed: --explain: %s \"%s\" is not an IPv6 "
		    "address\n", key, val);
		return -1;
	}
	*flag = true;
	return 0;
}

/* One KEY=VALUE word but packet=; -1 if bad. */
static int
explain6_word(struct explain6 *x, struct arena *a, const char *key,
    const char *val, FILE *err)
{
	uint16_t	 arch;
	uint8_t		*b;

	if (strcasecmp(key, "packet") == 0 || strcasecmp(key, "packet6") == 0)
		return 0;
	if (strcasecmp(key, "family") == 0)
		return strcmp(val, "6") == 0 ? 0 : (fprintf(err, "pxed: "
		    "--explain: family=%s with DHCPv6 words\n", val), -1);
	if (strcasecmp(key, "duid") == 0)
		return explain6_duid(x, val, err);
	if (strcasecmp(key, "mac") == 0) {
		if (conf_value_parse_mac(val, x->mac) == -1) {
			fprintf(err, "pxed: --explain: mac \"%s\" is not a "
			    "MAC address\n", val);
			return -1;
		}
		x->has_mac = true;
		return 0;
	}
	if (strcasecmp(key, "arch") == 0) {
		if (explain_arch_code(val, &arch, err) == -1 ||
		    (b = explain6_alloc(x, 2, err)) == NULL)
			return -1;
		wire_put16(b, arch);
		return explain6_set(x, D6O_CLIENT_ARCH_TYPE, b, 2, err);
	}
	if (strcasecmp(key, "vendorclass") == 0)
		return explain6_class(x, D6O_VENDOR_CLASS, val, err);
	if (strcasecmp(key, "userclass") == 0)
		return explain6_class(x, D6O_USER_CLASS, val, err);
	if (strcasecmp(key, "interface") == 0) {
		x->ifname = val;
		return 0;
	}
	if (strcasecmp(key, "link") == 0 || strcasecmp(key, "relay") == 0)
		return explain6_addr_word(key, val, &x->link, &x->relayed, err);
	if (strcasecmp(key, "src") == 0)
		return explain6_addr_word(key, val, &x->src, &x->has_src, err);
	if (strcasecmp(key, "server") == 0)
		return explain6_addr_word(key, val, &x->server,
		    &x->has_server, err);
	if (strncasecmp(key, "opt", 3) == 0)
		return explain6_opt(x, a, key, val, err);
	fprintf(err, "pxed: --explain: unknown DHCPv6 key \"%s\" (family, "
	    "packet, packet6, duid, mac, arch, vendorclass, userclass, "
	    "interface, link, src, server, optN)\n", key);
	return -1;
}

/* The modified EUI-64 link-local address of a MAC (RFC 4291 A). */
static void
explain6_eui64(const uint8_t mac[6], struct in6_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr[0] = 0xfe;
	a->s6_addr[1] = 0x80;
	a->s6_addr[8] = mac[0] ^ 0x02;
	a->s6_addr[9] = mac[1];
	a->s6_addr[10] = mac[2];
	a->s6_addr[11] = 0xff;
	a->s6_addr[12] = 0xfe;
	a->s6_addr[13] = mac[3];
	a->s6_addr[14] = mac[4];
	a->s6_addr[15] = mac[5];
}

/*
 * What a request made from words lacks: a Client Identifier (DUID-LL of
 * mac=, else a DUID-UUID of zeros, which carries no MAC), an IA_NA for a
 * Solicit or Request, and the Option Request option of EDK2.
 */
static int
explain6_defaults(struct explain6 *x, FILE *err)
{
	static const uint8_t	oro[] = { 0, D6O_BOOTFILE_URL, 0,
				    D6O_BOOTFILE_PARAM, 0, D6O_DNS_SERVERS, 0,
				    D6O_VENDOR_CLASS };
	static const uint8_t	ia[12] = { 0, 0, 0, 1 };
	static const uint8_t	uuid0[18] = { 0, DUID_UUID };
	uint8_t			*b;

	if (!explain6_has(x, D6O_CLIENTID)) {
		if (x->has_mac) {
			if ((b = explain6_alloc(x, 10, err)) == NULL)
				return -1;
			memcpy(b, (const uint8_t[4]){ 0, DUID_LL, 0, 1 }, 4);
			memcpy(b + 4, x->mac, 6);
			if (explain6_set(x, D6O_CLIENTID, b, 10, err) == -1)
				return -1;
		} else if (explain6_set(x, D6O_CLIENTID, uuid0, sizeof(uuid0),
		    err) == -1)
			return -1;
	}
	if ((x->type == DHCP6_SOLICIT || x->type == DHCP6_REQUEST) &&
	    !explain6_has(x, D6O_IA_NA) && !explain6_has(x, D6O_IA_TA) &&
	    explain6_set(x, D6O_IA_NA, ia, sizeof(ia), err) == -1)
		return -1;
	if (x->type == DHCP6_REQUEST && !explain6_has(x, D6O_SERVERID) &&
	    explain6_set(x, D6O_SERVERID, explain6_sduid,
	    sizeof(explain6_sduid), err) == -1)
		return -1;
	if (!explain6_has(x, D6O_ORO))
		return explain6_set(x, D6O_ORO, oro, sizeof(oro), err);
	return 0;
}

/* The datagram: the client's message, in a Relay-Forward with link=. */
static int
explain6_build(struct explain6 *x, FILE *err)
{
	struct dhcp6_out	o;
	struct dhcp6_relay	r;
	uint8_t			ll[8] = { 0, 1 };
	size_t			i, mark = 0;

	if (x->has_mac && !x->has_src) {
		explain6_eui64(x->mac, &x->src);
		x->has_src = true;
	}
	dhcp6_pkt_out_init(&o, x->wire, sizeof(x->wire));
	if (x->relayed) {
		memset(&r, 0, sizeof(r));
		r.link = x->link;
		r.peer = x->src;
		dhcp6_pkt_out_relay(&o, DHCP6_RELAY_FORW, &r);
		/* RFC 6939: what a relay says of the client's MAC. */
		if (x->has_mac) {
			memcpy(ll + 2, x->mac, 6);
			dhcp6_pkt_out_opt(&o, D6O_CLIENT_LINKLAYER_ADDR, ll, 8);
		}
		mark = dhcp6_pkt_out_begin(&o, D6O_RELAY_MSG);
	}
	dhcp6_pkt_out_hdr(&o, x->type, x->xid);
	for (i = 0; i < x->nopt; i++)
		dhcp6_pkt_out_opt(&o, x->opt[i].code, x->opt[i].data,
		    x->opt[i].len);
	if (x->relayed)
		dhcp6_pkt_out_end(&o, mark);
	if (o.overflow) {
		fprintf(err, "pxed: --explain: the request is too large\n");
		return -1;
	}
	x->wlen = o.len;
	return 0;
}

/* Words (and a packet first) into x; -1 after printing why. */
static int
explain6_parse(struct explain6 *x, struct arena *a, int argc,
    char *const argv[], FILE *err)
{
	const char	*v;
	char		 key[32];
	int		 i;

	x->type = DHCP6_SOLICIT;
	x->xid = 0x5e0006;
	for (i = 0; i < argc; i++)
		if (((v = explain6_val(argv[i], "packet")) != NULL ||
		    (v = explain6_val(argv[i], "packet6")) != NULL) &&
		    explain6_packet(x, v, err) == -1)
			return -1;
	for (i = 0; i < argc; i++) {
		if (explain_key(argv[i], key, sizeof(key), &v, err) == -1 ||
		    explain6_word(x, a, key, v, err) == -1)
			return -1;
	}
	if (explain6_defaults(x, err) == -1)
		return -1;
	return explain6_build(x, err);
}

/* ---------- printing ---------- */

static void
explain6_hex(FILE *out, const uint8_t *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		fprintf(out, "%s%02x", i > 0 ? ":" : "", p[i]);
}

/* The first item of option 16 (after its enterprise) or 15, printable. */
static const char *
explain6_item(const struct rules_opt *o, size_t skip, char *s, size_t cap)
{
	size_t	n;

	if (!o->present || o->len < skip + 2)
		return NULL;
	n = wire_get16(o->data + skip);
	if (n > o->len - skip - 2)
		n = o->len - skip - 2;
	return log_sanitize(s, cap, o->data + skip + 2, n);
}

static void
explain6_request(const struct explain6 *x, const struct rules_req *req,
    FILE *out)
{
	char		 s[256], a[INET6_ADDRSTRLEN];
	const char	*v;
	int		 arch = rules_arch(req);

	fprintf(out, "request: DHCPv6 %s", dhcp6_pkt_type_name(x->type));
	if (req->duid_len > 0) {
		fprintf(out, " duid=");
		explain6_hex(out, req->duid, req->duid_len);
	}
	if (req->mac_len == 6)
		fprintf(out, " mac=%02x:%02x:%02x:%02x:%02x:%02x",
		    req->mac[0], req->mac[1], req->mac[2], req->mac[3],
		    req->mac[4], req->mac[5]);
	explain_arch_print(out, arch);
	if ((v = explain6_item(&req->opt[D6O_VENDOR_CLASS], 4, s,
	    sizeof(s))) != NULL)
		fprintf(out, " vendorclass=\"%s\"", v);
	if ((v = explain6_item(&req->opt[D6O_USER_CLASS], 0, s,
	    sizeof(s))) != NULL)
		fprintf(out, " userclass=\"%s\"", v);
	if (x->ifname != NULL)
		fprintf(out, " interface=%s", x->ifname);
	if (x->relayed)
		fprintf(out, " link=%s", inet_ntop(AF_INET6, &x->link, a,
		    sizeof(a)));
	else if (x->has_src)
		fprintf(out, " src=%s", inet_ntop(AF_INET6, &x->src, a,
		    sizeof(a)));
	fprintf(out, "\n");
}

/* s with the stand-in server address "[sub]" shown as "[<server>]". */
static void
explain6_subst(FILE *out, const char *s, size_t n, const char *sub)
{
	const char	*p;
	size_t		 k = strlen(sub);

	while (n > 0 && k > 0 && (p = memmem(s, n, sub, k)) != NULL) {
		fprintf(out, "%.*s[<server>]", (int)(p - s), s);
		n -= (size_t)(p - s) + k;
		s = p + k;
	}
	fprintf(out, "%.*s", (int)n, s);
}

/* RFC 8415 21.13: a status code and its name. */
static void
explain6_status(FILE *out, const uint8_t *p, size_t len)
{
	static const char *const names[] = { "Success", "UnspecFail",
	    "NoAddrsAvail", "NoBinding", "NotOnLink", "UseMulticast",
	    "NoPrefixAvail" };
	char		s[256];
	uint16_t	code = wire_get16(p);

	fprintf(out, " status %u", code);
	if (code < sizeof(names) / sizeof(names[0]))
		fprintf(out, " (%s)", names[code]);
	fprintf(out, " \"%s\"", log_sanitize(s, sizeof(s), p + 2, len - 2));
}

/* An IA of the reply: its addresses and its status. */
static void
explain6_ia(FILE *out, const struct dhcp6_opt *o)
{
	char		 a[INET6_ADDRSTRLEN];
	size_t		 off = o->code == D6O_IA_NA ? 12 : 4;
	uint16_t	 code, len;

	fprintf(out, "  %s %08x:", o->code == D6O_IA_NA ? "IA_NA" : "IA_TA",
	    o->len >= 4 ? wire_get32(o->data) : 0);
	for (; off + 4 <= o->len; off += 4 + (size_t)len) {
		code = wire_get16(o->data + off);
		len = wire_get16(o->data + off + 2);
		if (off + 4 + len > o->len)
			break;
		if (code == D6O_IAADDR && len >= 24)
			fprintf(out, " address %s preferred %u s valid %u s",
			    inet_ntop(AF_INET6, o->data + off + 4, a,
			    sizeof(a)), wire_get32(o->data + off + 20),
			    wire_get32(o->data + off + 24));
		else if (code == D6O_STATUS_CODE && len >= 2)
			explain6_status(out, o->data + off + 4, len);
	}
	fprintf(out, "\n");
}

/* One option of the reply. */
static void
explain6_opt_line(FILE *out, const struct dhcp6_opt *o, const char *sub)
{
	char	s[256], a[INET6_ADDRSTRLEN];
	size_t	i;

	switch (o->code) {
	case D6O_CLIENTID:
	case D6O_SERVERID:
		return;
	case D6O_IA_NA:
	case D6O_IA_TA:
		return explain6_ia(out, o);
	case D6O_BOOTFILE_URL:
		fprintf(out, "  option 59 (bootfile-url): ");
		explain6_subst(out, (const char *)o->data, o->len, sub);
		fprintf(out, "\n");
		return;
	case D6O_VENDOR_CLASS:
		if (o->len >= 6)
			fprintf(out, "  option 16 (vendor-class): enterprise "
			    "%u \"%s\"\n", wire_get32(o->data),
			    log_sanitize(s, sizeof(s), o->data + 6,
			    o->len - 6u));
		return;
	case D6O_DNS_SERVERS:
		fprintf(out, "  option 23 (dns-servers):");
		for (i = 0; i + 16 <= o->len; i += 16)
			fprintf(out, " %s", inet_ntop(AF_INET6, o->data + i,
			    a, sizeof(a)));
		fprintf(out, "\n");
		return;
	case D6O_STATUS_CODE:
		if (o->len >= 2) {
			fprintf(out, " ");
			explain6_status(out, o->data, o->len);
			fprintf(out, "\n");
		}
		return;
	}
	fprintf(out, "  option %u: ", o->code);
	explain6_hex(out, o->data, o->len);
	fprintf(out, "\n");
}

/* The reply in out->buf, unwrapped from its Relay-Replies. */
static void
explain6_reply(FILE *out, const struct dhcp6_srv_out *so, const char *sub)
{
	struct dhcp6_msg	*m;
	const uint8_t		*p = so->buf;
	size_t			 n = so->len, off, i;

	while (n > DHCP6_RELAY_HDR_LEN && p[0] == DHCP6_RELAY_REPL) {
		for (off = DHCP6_RELAY_HDR_LEN; off + 4 <= n &&
		    wire_get16(p + off) != D6O_RELAY_MSG;
		    off += 4 + wire_get16(p + off + 2))
			;
		if (off + 4 > n)
			return;
		n = wire_get16(p + off + 2);
		p += off + 4;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return;
	if (dhcp6_pkt_parse(p, n, m) == DHCP6_POK)
		for (i = 0; i < m->nopt; i++)
			explain6_opt_line(out, &m->opt[i], sub);
	free(m);
}

/* What the engine answers, for a server at ifaddr (none when NULL). */
static void
explain6_answer(const struct conf *conf, const struct explain6 *x,
    const struct in6_addr *ifaddr, FILE *out)
{
	struct dhcp6_srv_in	 in;
	struct dhcp6_srv_out	*so;
	struct leases		 L;
	char			 sub[INET6_ADDRSTRLEN + 2] = "[";

	if ((so = calloc(1, sizeof(*so))) == NULL)
		return;
	lease_init(&L);
	memset(&in, 0, sizeof(in));
	in.conf = conf;
	in.leases = &L;
	in.now = (int64_t)time(NULL);
	in.duid = explain6_sduid;
	in.duid_len = sizeof(explain6_sduid);
	in.ifname = x->ifname;
	in.ifaddrs = ifaddr;
	in.nifaddrs = ifaddr != NULL;
	in.src.sin6_family = AF_INET6;
	in.src.sin6_port = htons(x->relayed ? DHCP6_SERVER_PORT :
	    DHCP6_CLIENT_PORT);
	in.src.sin6_addr = x->src;
	dhcp6_srv_handle(&in, x->wire, x->wlen, so);
	/* Without server=, the stand-in address is shown as <server>. */
	if (!x->has_server)
		inet_ntop(AF_INET6, ifaddr != NULL ? ifaddr : &in6addr_any,
		    sub + 1, sizeof(sub) - 2);
	strcat(sub, "]");
	if (so->type < 0)
		fprintf(out, "answer: none\n");
	else {
		fprintf(out, "answer: %s\n", dhcp6_pkt_type_name(so->type));
		explain6_reply(out, so, x->has_server ? "" : sub);
	}
	fprintf(out, "log: ");
	explain6_subst(out, so->log, strlen(so->log), x->has_server ? "" :
	    sub);
	fprintf(out, "\n");
	lease_fini(&L);
	free(so);
}

int
explain6_run(const struct conf *conf, int argc, char *const argv[],
    FILE *out, FILE *err)
{
	struct explain6		*x;
	struct arena		 a = { NULL, 0 };
	struct dhcp6_msg	*m;
	struct rules_req	 req;
	struct rules_result	 res;
	const struct in6_addr	*ifaddr = NULL;
	int			 rc = -1;

	x = calloc(1, sizeof(*x));
	m = calloc(1, sizeof(*m));
	if (x == NULL || m == NULL) {
		fprintf(err, "pxed: --explain: out of memory\n");
		goto done;
	}
	if (explain6_parse(x, &a, argc, argv, err) == -1)
		goto done;
	if (dhcp6_pkt_parse(x->wire, x->wlen, m) != DHCP6_POK) {
		fprintf(err, "pxed: --explain: the request made is "
		    "malformed\n");
		goto done;
	}
	/* As the engine does (dhcp6_classify). */
	if (x->relayed || !x->has_src)
		x->src = in6addr_any;
	dhcp6_srv_rules_req(m, &x->src, &req);
	req.ifname = x->ifname;
	rules_eval(conf, &req, &res);
	explain6_request(x, &req, out);
	explain_rules(conf, &req, &res, out);
	/* Without server=: an address of the first range6's prefix. */
	if (x->has_server)
		ifaddr = &x->server;
	else if (conf->dhcp.nranges6 > 0)
		ifaddr = &conf->dhcp.ranges6[0].prefix;
	explain6_answer(conf, x, ifaddr, out);
	rc = 0;
done:
	arena_free(&a);
	free(m);
	free(x);
	return rc;
}
