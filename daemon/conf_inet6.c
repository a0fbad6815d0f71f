/*
 * conf_inet6.c: the IPv6 parts of the configuration, beside their IPv4
 * counterparts in conf_setting.c, conf_rules.c and conf_check.c: the
 * range6 sections of dhcp (prefix, start, end, lifetimes, DNS), a host's
 * ip6 and duid, IPv6 prefixes in relay conditions, the DHCPv6 option 60
 * parameters of a boot entry, and the checks across files (overlapping
 * ranges, hosts outside every prefix, an address or a DUID twice).  The
 * host tables by DUID and by ip6 are built here, like the MAC table in
 * conf_check.c.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"
#include "dhcp6_proto.h"
#include "hash.h"
#include "log.h"
#include "netaddr.h"

#define CONF_DUID_MAX	130	/* RFC 8415 11.1: type and 128 octets */

bool
conf_inet6_in_prefix(const struct in6_addr *a, const struct in6_addr *net,
    unsigned plen)
{
	struct netaddr	x, n;

	x.family = n.family = AF_INET6;
	x.u.v6 = *a;
	n.u.v6 = *net;
	return netaddr_in_prefix(&x, &n, plen);
}

static bool
conf_inet6_parse(const char *s, struct in6_addr *a)
{
	return strchr(s, ':') != NULL && inet_pton(AF_INET6, s, a) == 1;
}

/* "2001:db8::/64": the prefix with its host bits cleared. */
static bool
conf_inet6_parse_prefix(const char *s, struct in6_addr *net, unsigned *plen)
{
	char		 tmp[INET6_ADDRSTRLEN + 8], *slash;
	unsigned long	 v;
	unsigned	 i;

	if (strlen(s) >= sizeof(tmp))
		return false;
	strcpy(tmp, s);
	if ((slash = strchr(tmp, '/')) == NULL)
		return false;
	*slash = '\0';
	if (!conf_value_parse_ulong(slash + 1, 0, 128, &v) ||
	    !conf_inet6_parse(tmp, net))
		return false;
	*plen = (unsigned)v;
	for (i = *plen; i < 128; i++)
		net->s6_addr[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
	return true;
}

/* 1 set, 0 absent, -1 invalid (reported). */
static int
conf_inet6_opt(struct conf_loader *L, struct cfg_t *sec, const char *name,
    struct in6_addr *a)
{
	const char	*s = conf_confuse_str(sec, name);

	if (s == NULL)
		return 0;
	if (!conf_inet6_parse(s, a)) {
		conf_error(L, conf_confuse_optline(L, sec, name), "%s: \"%s\" "
		    "is not an IPv6 address", name, s);
		return -1;
	}
	return 1;
}

/* ---------- range6 ---------- */

static int
conf_inet6_range_addrs(struct conf_loader *L, struct cfg_t *sec,
    struct conf_range6 *r)
{
	const char	*pfx = conf_confuse_str(sec, "prefix");
	const char	*key = NULL;

	if (!conf_inet6_parse_prefix(pfx, &r->prefix, &r->plen) ||
	    r->plen == 0) {
		conf_error(L, conf_confuse_optline(L, sec, "prefix"), "prefix: "
		    "\"%s\" is not an IPv6 prefix such as 2001:db8:1::/64", pfx);
		return -1;
	}
	if (conf_inet6_opt(L, sec, "start", &r->start) < 0 ||
	    conf_inet6_opt(L, sec, "end", &r->end) < 0)
		return -1;
	if (!conf_inet6_in_prefix(&r->start, &r->prefix, r->plen))
		key = "start";
	else if (!conf_inet6_in_prefix(&r->end, &r->prefix, r->plen))
		key = "end";
	if (key != NULL) {
		conf_error(L, conf_confuse_optline(L, sec, key), "range6 "
		    "\"%s\": %s %s is outside prefix %s", r->name, key,
		    conf_confuse_str(sec, key), pfx);
		return -1;
	}
	if (memcmp(&r->start, &r->end, 16) > 0) {
		conf_error_where(L, &r->where, "range6 \"%s\": start %s is "
		    "after end %s", r->name, conf_confuse_str(sec, "start"),
		    conf_confuse_str(sec, "end"));
		return -1;
	}
	return 0;
}

/* DNS servers, domain and lifetimes (preferred <= valid, RFC 8415 21.6). */
static int
conf_inet6_range_client(struct conf_loader *L, struct cfg_t *sec,
    struct conf_range6 *r, uint32_t deflife)
{
	const char	*s;
	unsigned long	 v, p;
	unsigned	 i, n = conf_confuse_size(sec, "dns");
	int		 rv, rp;

	r->dns = arena_alloc(L->a, (n ? n : 1) * sizeof(*r->dns));
	for (i = 0; i < n; i++) {
		s = conf_confuse_nstr(sec, "dns", i);
		if (!conf_inet6_parse(s, &r->dns[r->ndns++])) {
			conf_error(L, conf_confuse_optline(L, sec, "dns"),
			    "dns: \"%s\" is not an IPv6 address", s);
			return -1;
		}
	}
	if ((s = conf_confuse_str(sec, "domain")) != NULL) {
		if (!conf_value_validhostname(s)) {
			conf_error(L, conf_confuse_optline(L, sec, "domain"),
			    "domain: \"%s\" is not a domain name", s);
			return -1;
		}
		r->domain = arena_strdup(L->a, s);
	}
	if ((rv = conf_setting_ulong(L, sec, "valid-lifetime", 60,
	    0xfffffffeUL, &v)) < 0 || (rp = conf_setting_ulong(L, sec,
	    "preferred-lifetime", 60, 0xfffffffeUL, &p)) < 0)
		return -1;
	r->valid = rv > 0 ? (uint32_t)v : deflife;
	r->preferred = rp > 0 ? (uint32_t)p : r->valid;
	if (r->preferred > r->valid) {
		conf_error(L, conf_confuse_optline(L, sec,
		    "preferred-lifetime"), "range6 \"%s\": preferred-lifetime "
		    "%u is longer than valid-lifetime %u", r->name,
		    r->preferred, r->valid);
		return -1;
	}
	return 0;
}

static void
conf_inet6_range(struct conf_loader *L, struct cfg_t *sec, unsigned idx)
{
	static const char *const need[] = { "prefix", "start", "end" };
	struct conf		*conf = L->conf;
	struct conf_range6	 r;
	unsigned		 i;
	int			 bad = 0;

	memset(&r, 0, sizeof(r));
	r.name = arena_strdup(L->a, conf_confuse_title(sec));
	r.where = conf_confuse_sec_at(L, sec, KIND_RANGE6, idx);
	for (i = 0; i < 3; i++)
		if (conf_confuse_str(sec, need[i]) == NULL) {
			conf_error_where(L, &r.where, "range6 \"%s\" has no %s",
			    r.name, need[i]);
			bad = 1;
		}
	if (bad || conf_inet6_range_addrs(L, sec, &r) == -1 ||
	    conf_inet6_range_client(L, sec, &r, conf->dhcp.lease_time) == -1)
		return;
	CONF_GROW(conf->dhcp.ranges6, conf->dhcp.nranges6, L->cap_ranges6);
	conf->dhcp.ranges6[conf->dhcp.nranges6++] = r;
}

void
conf_inet6_dhcp(struct conf_loader *L, struct cfg_t *sec)
{
	const struct conf	*c = L->conf;
	unsigned		 i;

	for (i = 0; i < conf_confuse_size(sec, "range6"); i++)
		conf_inet6_range(L, conf_confuse_nsec(sec, "range6", i), i);
	/* RFC 8415 21.4: a client discards an IA_NA whose T1 > T2. */
	if (c->dhcp.t1_pct > c->dhcp.t2_pct)
		conf_error(L, conf_confuse_optline(L, sec, "t1-percent"),
		    "t1-percent %u is above t2-percent %u", c->dhcp.t1_pct,
		    c->dhcp.t2_pct);
}

/* ---------- hosts, relays, boot entries ---------- */

/* "00:03:00:01:52:54:00:12:34:56" or "000300015254...": the bytes. */
size_t
conf_inet6_duid(const char *s, uint8_t *out, size_t cap)
{
	size_t	n = 0;
	char	hx[3] = { 0, 0, 0 };

	while (*s != '\0') {
		if (*s == ':' || *s == '-') {
			s++;
			continue;
		}
		if (!isxdigit((unsigned char)s[0]) ||
		    !isxdigit((unsigned char)s[1]) || n == cap)
			return 0;
		hx[0] = s[0];
		hx[1] = s[1];
		out[n++] = (uint8_t)strtoul(hx, NULL, 16);
		s += 2;
	}
	return n >= 3 ? n : 0;
}

int
conf_inet6_host(struct conf_loader *L, struct cfg_t *sec,
    struct conf_host *h)
{
	uint8_t			 d[CONF_DUID_MAX];
	const char		*s;
	struct conf_where	 w;

	if (conf_inet6_opt(L, sec, "ip6", &h->ip6) < 0)
		return -1;
	if ((s = conf_confuse_str(sec, "duid")) == NULL)
		return 0;
	if ((h->duid_len = conf_inet6_duid(s, d, sizeof(d))) == 0) {
		w = conf_confuse_at(L, sec, "duid");
		conf_error_where(L, &w, "duid: \"%s\" is not a DUID in hex "
		    "such as 00:03:00:01:52:54:00:12:34:56", s);
		return -1;
	}
	h->duid = arena_memdup(L->a, d, h->duid_len);
	return 0;
}

bool
conf_inet6_relay(struct conf_loader *L, const char *s, struct conf_cond *c,
    size_t cap)
{
	struct conf_prefix6	p;

	if (!conf_inet6_parse_prefix(s, &p.net, &p.plen))
		return false;
	if (c->nets6 == NULL)
		c->nets6 = arena_alloc(L->a, cap * sizeof(*c->nets6));
	c->nets6[c->n6++] = p;
	return true;
}

/*
 * bootfile-param: DHCPv6 option 60 (RFC 5970 3.2), each parameter with
 * its 16-bit length.  EDK2 reads the first one as the boot file size, 1
 * to 5 digits, and fails on anything else: only numbers are accepted.
 */
int
conf_inet6_bootparam(struct conf_loader *L, struct cfg_t *sec,
    struct conf_bootset *bs)
{
	unsigned	 i, n = conf_confuse_size(sec, "bootfile-param");
	uint8_t		 buf[CONF_MAX_OPTLEN];
	size_t		 len = 0, k;
	const char	*s;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		s = conf_confuse_nstr(sec, "bootfile-param", i);
		k = strlen(s);
		if (k == 0 || k > 5 || strspn(s, "0123456789") != k ||
		    len + 2 + k > sizeof(buf)) {
			conf_error(L, conf_confuse_optline(L, sec,
			    "bootfile-param"), "bootfile-param: \"%s\" is not "
			    "a number of 1 to 5 digits (UEFI reads it as the "
			    "boot file size)", s);
			return -1;
		}
		buf[len++] = (uint8_t)(k >> 8);
		buf[len++] = (uint8_t)k;
		memcpy(buf + len, s, k);
		len += k;
	}
	bs->param6 = arena_memdup(L->a, buf, len);
	bs->param6_len = len;
	bs->set |= BS_BOOTPARAM6;
	return 0;
}

/* ---------- checks across files, and lookups ---------- */

static int
conf_inet6_range_cmp(const void *a, const void *b)
{
	const struct conf_range6	*x = a, *y = b;

	return memcmp(&x->start, &y->start, 16);
}

static void
conf_inet6_check_ranges(struct conf_loader *L)
{
	const struct conf	*c = L->conf;
	struct conf_range6	*r;
	size_t			 i, n = c->dhcp.nranges6;

	conf_check_names(L, "range6", c->dhcp.ranges6, n, sizeof(*r),
	    offsetof(struct conf_range6, name), offsetof(struct conf_range6,
	    where));
	if (n < 2)
		return;
	if ((r = calloc(n, sizeof(*r))) == NULL)
		fatal("conf: ranges6");
	memcpy(r, c->dhcp.ranges6, n * sizeof(*r));
	qsort(r, n, sizeof(*r), conf_inet6_range_cmp);
	for (i = 1; i < n; i++)
		if (memcmp(&r[i].start, &r[i - 1].end, 16) <= 0)
			conf_error_where(L, &r[i].where, "range6 \"%s\" "
			    "overlaps range6 \"%s\" at %s:%d", r[i].name,
			    r[i - 1].name, r[i - 1].where.file,
			    r[i - 1].where.line);
	free(r);
}

static size_t
conf_inet6_slot(const struct conf *c, const void *p, size_t n)
{
	return hash_bytes(p, n) & c->host_hash_mask;
}

/* The host's DUID into the table, unless another host has it. */
static void
conf_inet6_check_duid(struct conf_loader *L, struct conf_host *h)
{
	struct conf		*c = L->conf;
	struct conf_host	*o;
	size_t			 b = conf_inet6_slot(c, h->duid, h->duid_len);

	for (o = c->host_duid_hash[b]; o != NULL; o = o->dnext)
		if (o->duid_len == h->duid_len &&
		    memcmp(o->duid, h->duid, h->duid_len) == 0) {
			conf_error_where(L, &h->where, "host \"%s\": duid is "
			    "already host \"%s\" at %s:%d", h->name, o->name,
			    o->where.file, o->where.line);
			return;
		}
	h->dnext = c->host_duid_hash[b];
	c->host_duid_hash[b] = h;
}

/* ip6: on the prefix of a range6 (when there are any), and once. */
static void
conf_inet6_check_ip6(struct conf_loader *L, struct conf_host *h)
{
	struct conf		*c = L->conf;
	struct conf_host	*o;
	char			 ip[INET6_ADDRSTRLEN];
	size_t			 b = conf_inet6_slot(c, &h->ip6, 16);

	inet_ntop(AF_INET6, &h->ip6, ip, sizeof(ip));
	if (c->dhcp.nranges6 > 0 && conf_inet6_range_of(c, &h->ip6) == NULL)
		conf_error_where(L, &h->where, "host \"%s\": ip6 %s is outside "
		    "every range6's prefix", h->name, ip);
	for (o = c->host_ip6_hash[b]; o != NULL; o = o->i6next)
		if (memcmp(&o->ip6, &h->ip6, 16) == 0) {
			conf_error_where(L, &h->where, "host \"%s\": ip6 %s is "
			    "already host \"%s\" at %s:%d", h->name, ip,
			    o->name, o->where.file, o->where.line);
			return;
		}
	h->i6next = c->host_ip6_hash[b];
	c->host_ip6_hash[b] = h;
}

void
conf_inet6_check(struct conf_loader *L)
{
	struct conf	*c = L->conf;
	size_t		 i, size = c->host_hash_mask + 1;

	conf_inet6_check_ranges(L);
	c->host_duid_hash = arena_alloc(&c->arena, size *
	    sizeof(*c->host_duid_hash));
	c->host_ip6_hash = arena_alloc(&c->arena, size *
	    sizeof(*c->host_ip6_hash));
	for (i = 0; i < c->nhosts; i++) {
		struct conf_host	*h = &c->hosts[i];

		if (h->duid != NULL)
			conf_inet6_check_duid(L, h);
		if (!IN6_IS_ADDR_UNSPECIFIED(&h->ip6))
			conf_inet6_check_ip6(L, h);
	}
}

const struct conf_host *(*conf_inet6_duid_extra)(const struct conf *,
    const uint8_t *, size_t);

const struct conf_host *
conf_inet6_host_by_duid(const struct conf *c, const uint8_t *duid,
    size_t len)
{
	const struct conf_host	*h;

	if ((h = conf_inet6_file_host_by_duid(c, duid, len)) == NULL &&
	    conf_inet6_duid_extra != NULL && len > 0)
		h = conf_inet6_duid_extra(c, duid, len);
	return h;
}

const struct conf_host *
conf_inet6_file_host_by_duid(const struct conf *c, const uint8_t *duid,
    size_t len)
{
	const struct conf_host	*h;

	if (c->host_duid_hash == NULL || len == 0)
		return NULL;
	for (h = c->host_duid_hash[conf_inet6_slot(c, duid, len)]; h != NULL;
	    h = h->dnext)
		if (h->duid_len == len && memcmp(h->duid, duid, len) == 0)
			return h;
	return NULL;
}

const struct conf_host *
conf_inet6_host_by_ip6(const struct conf *c, const struct in6_addr *a)
{
	const struct conf_host	*h;

	if (c->host_ip6_hash == NULL)
		return NULL;
	for (h = c->host_ip6_hash[conf_inet6_slot(c, a, 16)]; h != NULL;
	    h = h->i6next)
		if (memcmp(&h->ip6, a, 16) == 0)
			return h;
	return NULL;
}

const struct conf_range6 *
conf_inet6_range_of(const struct conf *c, const struct in6_addr *a)
{
	size_t	i;

	for (i = 0; i < c->dhcp.nranges6; i++)
		if (conf_inet6_in_prefix(a, &c->dhcp.ranges6[i].prefix,
		    c->dhcp.ranges6[i].plen))
			return &c->dhcp.ranges6[i];
	return NULL;
}
