/*
 * conf_check.c: the checks that hold only across files, run once every
 * file has loaded without error: tags used but never set, template
 * variables nobody defines, names defined twice, ranges that overlap,
 * and hosts (a MAC or an address twice, an address outside every range,
 * a boot entry that does not exist).  The host MAC table is built here
 * too, since finding a duplicate MAC is building it.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"
#include "hash.h"
#include "log.h"

/* Tags that an expression uses but no match or host sets. */
static void
conf_check_tags(struct conf_loader *L)
{
	struct conf	*c = L->conf;
	size_t		 i;

	for (i = 0; i < L->ntag_uses; i++) {
		const struct conf_use	*u = &L->tag_uses[i];

		if (!c->tags[u->tag].set) {
			conf_error_where(L, &u->where, "if = \"%s\": tag \"%s\""
			    " is used but no match or host sets it", u->what,
			    c->tags[u->tag].name);
			c->tags[u->tag].set = true;	/* report once */
		}
	}
}

/* Template variables: built-in, or defined by some host. */
static void
conf_check_vars(struct conf_loader *L)
{
	const struct conf	*c = L->conf;
	size_t			 i, j, k;

	for (i = 0; i < L->nvar_uses; i++) {
		const struct conf_use	*u = &L->var_uses[i];
		bool			 found = false;

		for (j = 0; j < c->nhosts && !found; j++)
			for (k = 0; k < c->hosts[j].nvars && !found; k++)
				found = strlen(c->hosts[j].vars[k].name) ==
				    u->len && memcmp(c->hosts[j].vars[k].name,
				    u->name, u->len) == 0;
		if (!found)
			conf_error_where(L, &u->where, "\"%s\": unknown "
			    "template variable ${%.*s} (known: mac ip hostname "
			    "arch server http tags, and host vars)", u->what,
			    (int)u->len, u->name);
	}
}

static int
conf_name_cmp(const void *a, const void *b)
{
	const char *const	*x = a, *const *y = b;

	return strcmp(*x, *y);
}

/* The first two records named name, for the message. */
static void
conf_check_name_twice(struct conf_loader *L, const char *kind,
    const char *name, char *base, size_t n, size_t stride, size_t name_off,
    size_t where_off)
{
	const struct conf_where	*w1 = NULL, *w2 = NULL;
	size_t			 j;

	for (j = 0; j < n; j++) {
		char	*rec = base + j * stride;

		if (strcmp(*(const char **)(rec + name_off), name) != 0)
			continue;
		if (w1 == NULL)
			w1 = (const void *)(rec + where_off);
		else if (w2 == NULL)
			w2 = (const void *)(rec + where_off);
	}
	if (w1 != NULL && w2 != NULL)
		conf_error_where(L, w2, "%s \"%s\" is already defined at %s:%d",
		    kind, name, w1->file, w1->line);
}

/* Names must be unique: sort pointers to each record's name field. */
void
conf_check_names(struct conf_loader *L, const char *kind, void *base,
    size_t n, size_t stride, size_t name_off, size_t where_off)
{
	const char	**names;
	size_t		  i;

	if (n < 2)
		return;
	names = calloc(n, sizeof(*names));
	if (names == NULL)
		fatal("conf: names");
	for (i = 0; i < n; i++)
		names[i] = *(const char **)((char *)base + i * stride +
		    name_off);
	qsort(names, n, sizeof(*names), conf_name_cmp);
	for (i = 1; i < n; i++)
		if (strcmp(names[i - 1], names[i]) == 0) {
			conf_check_name_twice(L, kind, names[i], base, n,
			    stride, name_off, where_off);
			while (i + 1 < n && strcmp(names[i], names[i + 1]) == 0)
				i++;
		}
	free(names);
}

static int
conf_cmp_u32(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

static int
conf_range_cmp(const void *a, const void *b)
{
	const struct conf_range	*x = a, *y = b;

	return conf_cmp_u32(ntohl(x->start.s_addr), ntohl(y->start.s_addr));
}

static int
conf_hostip_cmp(const void *a, const void *b)
{
	const struct conf_host	*x = *(struct conf_host *const *)a;
	const struct conf_host	*y = *(struct conf_host *const *)b;

	return conf_cmp_u32(ntohl(x->ip.s_addr), ntohl(y->ip.s_addr));
}

/* Ranges must not overlap: sorted by start, each ends before the next. */
static void
conf_check_ranges(struct conf_loader *L)
{
	const struct conf	*c = L->conf;
	struct conf_range	*r;
	size_t			 i;

	if (c->dhcp.nranges < 2)
		return;
	if ((r = calloc(c->dhcp.nranges, sizeof(*r))) == NULL)
		fatal("conf: ranges");
	memcpy(r, c->dhcp.ranges, c->dhcp.nranges * sizeof(*r));
	qsort(r, c->dhcp.nranges, sizeof(*r), conf_range_cmp);
	for (i = 1; i < c->dhcp.nranges; i++)
		if (ntohl(r[i].start.s_addr) <= ntohl(r[i - 1].end.s_addr))
			conf_error_where(L, &r[i].where, "range \"%s\" "
			    "overlaps range \"%s\" at %s:%d", r[i].name,
			    r[i - 1].name, r[i - 1].where.file,
			    r[i - 1].where.line);
	free(r);
}

/* Into the MAC table, unless another host has the MAC. */
static void
conf_check_host_mac(struct conf_loader *L, struct conf_host *h)
{
	struct conf		*c = L->conf;
	struct conf_host	*o;
	size_t			 b = hash_bytes(h->mac, 6) & c->host_hash_mask;

	for (o = c->host_hash[b]; o != NULL; o = o->hnext)
		if (memcmp(o->mac, h->mac, 6) == 0)
			break;
	if (o != NULL) {
		conf_error_where(L, &h->where, "host \"%s\": MAC "
		    "%02x:%02x:%02x:%02x:%02x:%02x is already host \"%s\" at "
		    "%s:%d", h->name, h->mac[0], h->mac[1], h->mac[2],
		    h->mac[3], h->mac[4], h->mac[5], o->name, o->where.file,
		    o->where.line);
		return;
	}
	h->hnext = c->host_hash[b];
	c->host_hash[b] = h;
}

/* With ranges, a host's address must be in the subnet of one. */
static void
conf_check_host_ip(struct conf_loader *L, const struct conf_host *h)
{
	const struct conf	*c = L->conf;
	char			 ip[INET_ADDRSTRLEN];
	size_t			 j;

	if (c->dhcp.nranges == 0)
		return;
	for (j = 0; j < c->dhcp.nranges; j++) {
		const struct conf_range	*r = &c->dhcp.ranges[j];

		if ((h->ip.s_addr & r->netmask.s_addr) == r->subnet.s_addr)
			return;
	}
	inet_ntop(AF_INET, &h->ip, ip, sizeof(ip));
	conf_error_where(L, &h->where, "host \"%s\": ip %s is outside every "
	    "range's subnet", h->name, ip);
}

/* Two hosts with one address: sorted by address, neighbours differ. */
static void
conf_check_host_ips(struct conf_loader *L, struct conf_host **byip,
    size_t nip)
{
	char	ip[INET_ADDRSTRLEN];
	size_t	i;

	qsort(byip, nip, sizeof(*byip), conf_hostip_cmp);
	for (i = 1; i < nip; i++)
		if (byip[i]->ip.s_addr == byip[i - 1]->ip.s_addr) {
			inet_ntop(AF_INET, &byip[i]->ip, ip, sizeof(ip));
			conf_error_where(L, &byip[i]->where, "host \"%s\": ip "
			    "%s is already host \"%s\" at %s:%d",
			    byip[i]->name, ip, byip[i - 1]->name,
			    byip[i - 1]->where.file, byip[i - 1]->where.line);
		}
}

static void
conf_check_hosts(struct conf_loader *L)
{
	struct conf		*c = L->conf;
	struct conf_host	**byip;
	size_t			  i, nip = 0, size;

	for (size = 16; size < 2 * c->nhosts; size *= 2)
		;
	c->host_hash = arena_alloc(&c->arena, size * sizeof(*c->host_hash));
	c->host_hash_mask = size - 1;
	byip = calloc(c->nhosts ? c->nhosts : 1, sizeof(*byip));
	if (byip == NULL)
		fatal("conf: hosts");
	for (i = 0; i < c->nhosts; i++) {
		struct conf_host	*h = &c->hosts[i];

		if (h->has_mac)
			conf_check_host_mac(L, h);
		if (h->ip.s_addr != 0) {
			byip[nip++] = h;
			conf_check_host_ip(L, h);
		}
		if (h->boot_name != NULL &&
		    (h->boot = conf_boot_by_name(c, h->boot_name)) == NULL)
			conf_error_where(L, &h->where, "host \"%s\": boot "
			    "\"%s\" is not defined", h->name, h->boot_name);
	}
	conf_check_host_ips(L, byip, nip);
	free(byip);
}

void
conf_check_all(struct conf_loader *L)
{
	struct conf	*c = L->conf;

	conf_check_tags(L);
	conf_check_vars(L);
	conf_check_names(L, "boot", c->boots, c->nboots, sizeof(*c->boots),
	    offsetof(struct conf_boot, name), offsetof(struct conf_boot,
	    where));
	conf_check_names(L, "host", c->hosts, c->nhosts, sizeof(*c->hosts),
	    offsetof(struct conf_host, name), offsetof(struct conf_host,
	    where));
	conf_check_names(L, "range", c->dhcp.ranges, c->dhcp.nranges,
	    sizeof(*c->dhcp.ranges), offsetof(struct conf_range, name),
	    offsetof(struct conf_range, where));
	conf_check_ranges(L);
	conf_check_hosts(L);
	conf_inet6_check(L);
}
