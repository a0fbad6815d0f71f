/*
 * rules.c: decide per machine what to boot.
 *
 * Evaluation order, documented in pxed.conf(5):
 *   1. the host entry is found by MAC (a hash lookup, never a scan); its
 *      tags and the tag "known" are set;
 *   2. every match section, in load order (main file, then conf.d files
 *      in sorted order, each in section order), sets its tag when all of
 *      its conditions hold; several sections may set the same tag (or);
 *   3. the boot entry is the host's pinned one ("boot = NAME"), else the
 *      first boot entry, in load order, whose "if" expression holds (an
 *      entry without "if" always holds);
 *   4. the host's own boot settings replace the entry's, field by field.
 * The engine is pure: no I/O, no clock, no allocation.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "dhcp6_proto.h"
#include "dhcp_pkt.h"
#include "dhcp_proto.h"
#include "rules.h"
#include "wire.h"

#define RULES_V6(req)	((req)->family == AF_INET6)

void
rules_req_init(struct rules_req *req)
{
	memset(req, 0, sizeof(*req));
}

void
rules_req_setopt(struct rules_req *req, uint8_t code, const uint8_t *data,
    size_t len)
{
	req->opt[code].data = data;
	req->opt[code].len = (uint16_t)(len > 0xffff ? 0xffff : len);
	req->opt[code].present = true;
}

/* Option 93 and DHCPv6 option 61 are both lists of 16-bit types. */
static const struct rules_opt *
rules_arch_opt(const struct rules_req *req)
{
	return &req->opt[RULES_V6(req) ? D6O_CLIENT_ARCH_TYPE :
	    DHO_CLIENT_ARCH];
}

int
rules_arch(const struct rules_req *req)
{
	const struct rules_opt	*o = rules_arch_opt(req);

	if (!o->present || o->len < 2)
		return -1;
	return o->data[0] << 8 | o->data[1];
}

/* Option 93 is a list of 16-bit types (RFC 4578 2.1): any may match. */
static bool
rules_arch_holds(const struct conf_cond *c, const struct rules_req *req)
{
	const struct rules_opt	*o = rules_arch_opt(req);
	size_t			 i, j;

	if (!o->present)
		return false;
	for (i = 0; i + 1 < o->len; i += 2) {
		uint16_t	a = (uint16_t)(o->data[i] << 8 | o->data[i + 1]);

		for (j = 0; j < c->n; j++)
			if (c->arch[j] == a)
				return true;
	}
	return false;
}

/*
 * DHCPv6 options 15 and 16 (RFC 8415 21.15, 21.16) hold items with a
 * 16-bit length each (16 after a 4-byte enterprise number): does one
 * begin with s (whole: equal to s)?
 */
static bool
rules_v6_items(const struct rules_opt *o, size_t skip, const uint8_t *s,
    size_t len, bool whole)
{
	size_t	i, n;

	if (!o->present)
		return false;
	for (i = skip; i + 2 <= o->len; i += 2 + n) {
		n = wire_get16(o->data + i);
		if (i + 2 + n > o->len)
			return false;
		if ((whole ? n == len : n >= len) &&
		    memcmp(o->data + i + 2, s, len) == 0)
			return true;
	}
	return false;
}

/*
 * Option 77: iPXE sends its name as a raw string; RFC 3004 clients send
 * length-prefixed tuples.  Either form matches.
 */
bool
rules_userclass_has(const struct rules_req *req, const uint8_t *s,
    size_t len)
{
	const struct rules_opt	*o = &req->opt[DHO_USER_CLASS];
	size_t			 i;

	if (RULES_V6(req))
		return rules_v6_items(&req->opt[D6O_USER_CLASS], 0, s, len,
		    true);
	if (!o->present)
		return false;
	if (o->len == len && memcmp(o->data, s, len) == 0)
		return true;
	for (i = 0; i < o->len; ) {
		size_t	n = o->data[i];

		if (n == 0 || i + 1 + n > o->len)
			return false;	/* not RFC 3004 after all */
		if (n == len && memcmp(o->data + i + 1, s, n) == 0)
			return true;
		i += 1 + n;
	}
	return false;
}

static bool
rules_userclass_holds(const struct conf_cond *c, const struct rules_req *req)
{
	return rules_userclass_has(req, c->data, c->len);
}

static bool
rules_prefix(const struct rules_opt *o, const uint8_t *p, size_t len)
{
	return o->present && o->len >= len && memcmp(o->data, p, len) == 0;
}

/* The relay's link-address in one of the condition's IPv6 prefixes. */
static bool
rules_relay6_holds(const struct conf_cond *c, const struct rules_req *req)
{
	size_t	i;

	if (IN6_IS_ADDR_UNSPECIFIED(&req->link6))
		return false;
	for (i = 0; i < c->n6; i++)
		if (conf_inet6_in_prefix(&req->link6, &c->nets6[i].net,
		    c->nets6[i].plen))
			return true;
	return false;
}

/*
 * A sub-option of option 82 (RFC 3046 3): equal to the condition's value
 * or beginning with it.  client.c drops an option 82 that did not come
 * through a relay; a malformed one holds no sub-option.
 */
static bool
rules_agent_holds(const struct conf_cond *c, const struct rules_req *req)
{
	const struct rules_opt		*o = &req->opt[DHO_RELAY_AGENT_INFO];
	const struct dhcp_agent_sub	*sub;
	struct dhcp_agent		 a;

	if (RULES_V6(req) || !o->present ||
	    dhcp_pkt_agent(o->data, o->len, &a) != DHCP_AOK)
		return false;
	sub = &a.sub[c->code];
	if (!sub->present || sub->len < c->len ||
	    (c->op == OPTOP_EQUAL && sub->len != c->len))
		return false;
	return memcmp(sub->data, c->data, c->len) == 0;
}

static bool
rules_cond_holds(const struct conf_cond *c, const struct rules_req *req,
    const struct conf_host *host)
{
	const struct rules_opt	*o;
	size_t			 i, j;

	switch (c->kind) {
	case COND_ARCH:
		return rules_arch_holds(c, req);
	case COND_USERCLASS:
		return rules_userclass_holds(c, req);
	case COND_VENDORCLASS:
		if (RULES_V6(req))
			return rules_v6_items(&req->opt[D6O_VENDOR_CLASS], 4,
			    c->data, c->len, false);
		return rules_prefix(&req->opt[DHO_VENDOR_CLASS_ID], c->data,
		    c->len);
	case COND_MAC:
		if (req->mac_len != 6)
			return false;
		for (i = 0; i < c->n; i++) {
			for (j = 0; j < 6; j++)
				if ((req->mac[j] & c->mac[i].mask[j]) !=
				    c->mac[i].val[j])
					break;
			if (j == 6)
				return true;
		}
		return false;
	case COND_OPTION:
		o = &req->opt[c->code];
		switch (c->op) {
		case OPTOP_PRESENT:
			return o->present;
		case OPTOP_EQUAL:
			return o->present && o->len == c->len &&
			    memcmp(o->data, c->data, c->len) == 0;
		case OPTOP_PREFIX:
			return rules_prefix(o, c->data, c->len);
		}
		return false;
	case COND_INTERFACE:
		if (req->ifname == NULL)
			return false;
		for (i = 0; i < c->n; i++)
			if (strcmp(c->names[i], req->ifname) == 0)
				return true;
		return false;
	case COND_RELAY:
		if (RULES_V6(req))
			return rules_relay6_holds(c, req);
		if (req->giaddr.s_addr == 0)
			return false;
		for (i = 0; i < c->n; i++)
			if ((ntohl(req->giaddr.s_addr) & c->nets[i].mask) ==
			    c->nets[i].net)
				return true;
		return false;
	case COND_KNOWN:
		return (host != NULL) == c->known;
	case COND_AGENT:
		return rules_agent_holds(c, req);
	}
	return false;
}

bool
rules_match_holds(const struct conf_match *m, const struct rules_req *req,
    const struct conf_host *host)
{
	size_t	i;

	for (i = 0; i < m->nconds; i++)
		if (!rules_cond_holds(&m->conds[i], req, host))
			return false;
	return true;
}

bool
rules_expr_holds(const struct conf_expr *e, const struct conf_tagset *tags)
{
	bool	stack[CONF_MAX_EXPR];
	size_t	sp = 0, i;

	if (e->text == NULL)
		return true;
	/* conf.c only builds well-formed RPN: the stack cannot underflow. */
	for (i = 0; i < e->nops; i++) {
		uint16_t	op = e->ops[i];

		switch (op) {
		case EXPR_NOT:
			stack[sp - 1] = !stack[sp - 1];
			break;
		case EXPR_AND:
			sp--;
			stack[sp - 1] = stack[sp - 1] && stack[sp];
			break;
		case EXPR_OR:
			sp--;
			stack[sp - 1] = stack[sp - 1] || stack[sp];
			break;
		default:
			stack[sp++] = conf_tag_isset(tags, op);
			break;
		}
	}
	return sp == 1 && stack[0];
}

static void
rules_overlay(struct conf_bootset *dst, const struct conf_bootset *src)
{
	if (src->set & BS_FILENAME)
		dst->filename = src->filename;
	if (src->set & BS_NEXT_SERVER)
		dst->next_server = src->next_server;
	if (src->set & BS_SERVER_NAME)
		dst->server_name = src->server_name;
	if (src->set & BS_OPT66)
		dst->opt66 = src->opt66;
	if (src->set & BS_OPT67)
		dst->opt67 = src->opt67;
	if (src->set & BS_OPTIONS) {
		dst->options = src->options;
		dst->noptions = src->noptions;
	}
	if (src->set & BS_PXE) {
		dst->pxe = src->pxe;
		dst->pxe_len = src->pxe_len;
	}
	if (src->set & BS_IPXE) {
		dst->ipxe = src->ipxe;
		dst->ipxe_len = src->ipxe_len;
	}
	if (src->set & BS_TFTP_REFUSE)
		dst->tftp_refuse = src->tftp_refuse;
	if (src->set & BS_DELAY)
		dst->delay_ms = src->delay_ms;
	if (src->set & BS_PXL_MAGIC)
		dst->pxl_magic = src->pxl_magic;
	if (src->set & BS_PXL_CONFIG)
		dst->pxl_config = src->pxl_config;
	if (src->set & BS_PXL_PREFIX)
		dst->pxl_prefix = src->pxl_prefix;
	if (src->set & BS_PXL_REBOOT)
		dst->pxl_reboot = src->pxl_reboot;
	if (src->set & BS_BOOTPARAM6) {
		dst->param6 = src->param6;
		dst->param6_len = src->param6_len;
	}
	if (src->set & BS_TFTP_ALIAS) {
		dst->aliases = src->aliases;
		dst->naliases = src->naliases;
	}
	dst->set |= src->set;
}

void
rules_eval(const struct conf *conf, const struct rules_req *req,
    struct rules_result *res)
{
	size_t	i;

	memset(res, 0, sizeof(*res));
	/* DHCPv6: a host is known by its DUID first, then by MAC. */
	if (req->duid_len > 0)
		res->host = conf_inet6_host_by_duid(conf, req->duid,
		    req->duid_len);
	if (res->host == NULL && req->mac_len == 6)
		res->host = conf_host_by_mac(conf, req->mac);
	if (res->host != NULL) {
		conf_tag_set(&res->tags, CONF_TAG_KNOWN);
		for (i = 0; i < res->host->ntags; i++)
			conf_tag_set(&res->tags, res->host->tags[i]);
	}
	for (i = 0; i < conf->nmatches; i++)
		if (rules_match_holds(&conf->matches[i], req, res->host)) {
			conf_tag_set(&res->tags, conf->matches[i].tag);
			res->tftp_refuse |= conf->matches[i].tftp_refuse;
		}
	if (res->host != NULL && res->host->boot != NULL)
		res->boot = res->host->boot;
	else
		for (i = 0; i < conf->nboots; i++)
			if (rules_expr_holds(&conf->boots[i].cond,
			    &res->tags)) {
				res->boot = &conf->boots[i];
				break;
			}
	if (res->boot != NULL)
		rules_overlay(&res->eff, &res->boot->bs);
	if (res->host != NULL)
		rules_overlay(&res->eff, &res->host->bs);
	res->tftp_refuse |= res->eff.tftp_refuse;
}

size_t
rules_tags_string(const struct conf *conf, const struct rules_result *res,
    char *buf, size_t len)
{
	size_t	i, off = 0;

	if (len > 0)
		buf[0] = '\0';
	for (i = 0; i < conf->ntags; i++) {
		int	n;

		if (!conf_tag_isset(&res->tags, (unsigned)i))
			continue;
		n = snprintf(buf + (off < len ? off : len),
		    off < len ? len - off : 0, "%s%s", off ? "," : "",
		    conf->tags[i].name);
		if (n > 0)
			off += (size_t)n;
	}
	return off;
}

static bool
rules_is(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && memcmp(name, want, len) == 0;
}

const char *
rules_var(void *ctx, const char *name, size_t len)
{
	struct rules_vars	*v = ctx;
	const struct conf_host	*h = v->res->host;
	size_t			 i;

	if (rules_is(name, len, "mac")) {
		const uint8_t	*m = v->req->mac;

		if (v->req->mac_len != 6)
			return "";
		snprintf(v->buf, sizeof(v->buf),
		    "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
		    m[4], m[5]);
		return v->buf;
	}
	if (rules_is(name, len, "ip"))
		return v->ip != NULL ? v->ip : "";
	if (rules_is(name, len, "hostname"))
		return h == NULL ? "" : h->hostname != NULL ? h->hostname :
		    h->name;
	if (rules_is(name, len, "arch")) {
		int	a = rules_arch(v->req);

		if (a < 0)
			return "";
		snprintf(v->buf, sizeof(v->buf), "%d", a);
		return v->buf;
	}
	if (rules_is(name, len, "server"))
		return v->server != NULL ? v->server : "";
	if (rules_is(name, len, "http")) {
		uint16_t	port = v->conf->http.port;

		if (port == 80)
			snprintf(v->buf, sizeof(v->buf), "http://%s",
			    v->server != NULL ? v->server : "");
		else
			snprintf(v->buf, sizeof(v->buf), "http://%s:%u",
			    v->server != NULL ? v->server : "", port);
		return v->buf;
	}
	if (rules_is(name, len, "tags")) {
		rules_tags_string(v->conf, v->res, v->buf, sizeof(v->buf));
		return v->buf;
	}
	if (h != NULL)
		for (i = 0; i < h->nvars; i++)
			if (rules_is(name, len, h->vars[i].name))
				return h->vars[i].value;
	/* Defined by some other host only: empty for this one. */
	return "";
}

size_t
rules_render(const struct tmpl *t, struct rules_vars *v, char *buf,
    size_t len)
{
	return tmpl_render(t, rules_var, v, buf, len);
}
