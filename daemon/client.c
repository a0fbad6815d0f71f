/*
 * client.c: what pxed knows of a machine, whichever protocol it spoke.
 *
 *   DHCP request ──> client_seen_put ──┐       ┌── client_rules_req ── TFTP
 *   proxy offer  ──> client_offer_put ─┤ table ├── client_offer_done ─ TFTP
 *   port 4011    ──> client_offer_done ┤ (MAC) ├── client_rules_req ── HTTP
 *   dhcp tick    <── client_offer_expire       └── client_fetch ─ loop guard
 *
 * A booting machine speaks DHCP, then TFTP or HTTP from an address only;
 * what its DHCP request said (architecture, classes, iPXE) must still
 * decide what those serve it.  One direct-mapped table, keyed by the MAC,
 * holds per machine its last DHCP request, the proxy offer awaiting a
 * follow-up and the loop guard's fetch counts.  A machine landing in a
 * taken slot pushes the other out: the table forgets rather than grows,
 * and what it forgets is only a hint (the next DHCP request brings it
 * back).  A second index, chained through the records, finds a machine
 * by the address its last request showed: HTTP and TFTP know only that,
 * and a scan of the table cost every such request 4,096 records (15 % of
 * the CPU of a 1 KiB HTTP request, perf).
 *
 * Building the rules' request summary lives here too, so that DHCP, TFTP
 * and HTTP see a machine the same way.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "client_stage.h"
#include "dhcp_pkt.h"
#include "dhcp_proto.h"
#include "dhcp6_proto.h"
#include "hash.h"
#include "lease.h"
#include "wire.h"

#define CLIENT_SLOTS	4096		/* a power of two */
#define CLIENT_ADDR_BUCKETS 1024	/* the address index; a power of two */
#define CLIENT_FETCHES	4		/* files counted per machine */

/*
 * A machine's last request as the table keeps it: struct client_seen
 * less its variable-length fields (vendor class, user class, option 82),
 * which live in one heap block, var, and only when one is there.  Inline
 * they took 383 of a record's 1,128 bytes: once some 20,000 machines were
 * seen every record is touched, and the table was 4.5 MB of private
 * memory (bench/dhcp-ceiling.sh with 50,000 clients).
 */
struct client_kept {
	bool			 valid, ipxe175;
	uint8_t			 arch_len, vendor_len, uclass_len, agent_len;
	uint8_t			 arch[8];
	struct netaddr		 addr;		/* yiaddr, else ciaddr */
	struct in_addr		 giaddr;
	uint8_t			*var;		/* vendor, uclass, agent */
};

struct client {
	uint8_t			 mac[CLIENT_MAC_LEN];
	bool			 used;
	bool			 addr_linked;	/* in the address index */
	uint16_t		 addr_next;	/* next slot + 1 there; 0: end */
	struct client_kept	 seen;
	struct client_offer	 offer;
	struct client_fetch	*fetch;		/* CLIENT_FETCHES, once one */
	struct client_boot	 boot;		/* the live view's */
};

static struct {
	struct client		 tab[CLIENT_SLOTS];
	const struct leases	*leases;
	size_t			 noffers;	/* pending: 0 skips the scan */
	uint16_t		 addr_head[CLIENT_ADDR_BUCKETS]; /* slot + 1 */
} C;

/* ---------- the table ---------- */

static struct client *
client_slot(const uint8_t mac[CLIENT_MAC_LEN])
{
	return &C.tab[hash_bytes(mac, CLIENT_MAC_LEN) & (CLIENT_SLOTS - 1)];
}

static struct client *
client_find(const uint8_t mac[CLIENT_MAC_LEN])
{
	struct client	*c = client_slot(mac);

	return c->used && memcmp(c->mac, mac, CLIENT_MAC_LEN) == 0 ? c : NULL;
}

/* ---------- the address index ---------- */

static uint16_t *
client_addr_bucket(const struct netaddr *a)
{
	return &C.addr_head[netaddr_hash(a) & (CLIENT_ADDR_BUCKETS - 1)];
}

/* c leaves the address index (before its seen record changes). */
static void
client_addr_unlink(struct client *c)
{
	uint16_t	*pp, self = (uint16_t)(c - C.tab + 1);

	if (!c->addr_linked)
		return;
	for (pp = client_addr_bucket(&c->seen.addr); *pp != 0;
	    pp = &C.tab[*pp - 1].addr_next)
		if (*pp == self) {
			*pp = c->addr_next;
			break;
		}
	c->addr_linked = false;
	c->addr_next = 0;
}

/* c joins the address index when its seen record has an address. */
static void
client_addr_link(struct client *c)
{
	uint16_t	*head;

	if (!c->seen.valid || c->seen.addr.family == AF_UNSPEC)
		return;
	head = client_addr_bucket(&c->seen.addr);
	c->addr_next = *head;
	*head = (uint16_t)(c - C.tab + 1);
	c->addr_linked = true;
}

/* What c holds on the heap, freed. */
static void
client_forget(struct client *c)
{
	free(c->seen.var);
	free(c->fetch);
	client_stage_forget(&c->boot);
}

/* mac's record, made empty when the slot held nobody or another. */
static struct client *
client_claim(const uint8_t mac[CLIENT_MAC_LEN])
{
	struct client	*c = client_slot(mac);

	if (c->used && memcmp(c->mac, mac, CLIENT_MAC_LEN) == 0)
		return c;
	if (c->used && c->offer.pending)
		C.noffers--;
	client_addr_unlink(c);
	client_forget(c);
	memset(c, 0, sizeof(*c));
	memcpy(c->mac, mac, CLIENT_MAC_LEN);
	c->used = true;
	return c;
}

void
client_clear(void)
{
	size_t	i;

	for (i = 0; i < CLIENT_SLOTS; i++)
		client_forget(&C.tab[i]);
	memset(C.tab, 0, sizeof(C.tab));
	memset(C.addr_head, 0, sizeof(C.addr_head));
	C.noffers = 0;
}

/* ---------- the last DHCP request ---------- */

static void
client_copy_opt(const struct dhcp_msg *m, uint8_t code, uint8_t *dst,
    uint8_t *dlen, size_t cap)
{
	size_t		 len;
	const uint8_t	*p = dhcp_pkt_opt(m, code, &len);

	if (p == NULL)
		len = 0;
	if (len > cap)
		len = cap;
	if (len > 0)
		memcpy(dst, p, len);
	*dlen = (uint8_t)len;
}

void
client_seen_fill(const struct dhcp_msg *m, struct in_addr addr,
    struct client_seen *s)
{
	if (m->htype != 1 || m->hlen != CLIENT_MAC_LEN)
		return;
	memcpy(s->mac, m->chaddr, CLIENT_MAC_LEN);
	client_copy_opt(m, DHO_CLIENT_ARCH, s->arch, &s->arch_len,
	    sizeof(s->arch));
	client_copy_opt(m, DHO_VENDOR_CLASS_ID, s->vendor, &s->vendor_len,
	    sizeof(s->vendor));
	client_copy_opt(m, DHO_USER_CLASS, s->uclass, &s->uclass_len,
	    sizeof(s->uclass));
	s->ipxe175 = m->opt[DHO_IPXE_ENCAP].present;
	s->addr = netaddr_v4(addr);
	s->giaddr = m->giaddr;
	s->agent_len = 0;
	if (m->giaddr.s_addr != 0)
		client_copy_opt(m, DHO_RELAY_AGENT_INFO, s->agent,
		    &s->agent_len, sizeof(s->agent));
	s->valid = true;
}

/* Copy len bytes at p into dst (cap), cut; *dlen says how many. */
static void
client_copy6(const uint8_t *p, size_t len, uint8_t *dst, uint8_t *dlen,
    size_t cap)
{
	if (len > cap)
		len = cap;
	memcpy(dst, p, len);
	*dlen = (uint8_t)len;
}

void
client_seen_fill6(const struct rules_req *req, const uint8_t mac[6],
    const struct netaddr *addr, struct client_seen *s)
{
	const struct rules_opt	*o;

	/*
	 * Laid over what the machine's DHCPv4 said: its IPv4 address, relay
	 * and the options the DHCPv6 message lacks stay for TFTP and HTTP.
	 */
	if (!client_seen_get(mac, s))
		memset(s, 0, sizeof(*s));
	memcpy(s->mac, mac, CLIENT_MAC_LEN);
	o = &req->opt[D6O_CLIENT_ARCH_TYPE];
	if (o->present)
		client_copy6(o->data, o->len, s->arch, &s->arch_len,
		    sizeof(s->arch));
	/* RFC 8415 21.16: enterprise-number, then length-prefixed data. */
	o = &req->opt[D6O_VENDOR_CLASS];
	if (o->present && o->len >= 6 && (size_t)wire_get16(o->data + 4) <=
	    o->len - 6u)
		client_copy6(o->data + 6, wire_get16(o->data + 4), s->vendor,
		    &s->vendor_len, sizeof(s->vendor));
	/* RFC 8415 21.15: length-prefixed user-class-data. */
	o = &req->opt[D6O_USER_CLASS];
	if (o->present && o->len >= 2 && (size_t)wire_get16(o->data) <=
	    o->len - 2u)
		client_copy6(o->data + 2, wire_get16(o->data), s->uclass,
		    &s->uclass_len, sizeof(s->uclass));
	if (addr != NULL && addr->family != AF_UNSPEC)
		s->addr = *addr;
	s->valid = true;
}

/*
 * s into k, its variable-length fields into k->var (without memory they
 * are dropped: they are hints).
 */
static void
client_kept_set(struct client_kept *k, const struct client_seen *s)
{
	size_t	 n = (size_t)s->vendor_len + s->uclass_len + s->agent_len;
	uint8_t	*var = k->var;

	if (n == 0) {
		free(var);
		var = NULL;
	} else if ((var = realloc(var, n)) == NULL) {
		free(k->var);
		n = 0;
	}
	k->var = var;
	k->valid = s->valid;
	k->ipxe175 = s->ipxe175;
	k->arch_len = s->arch_len;
	memcpy(k->arch, s->arch, sizeof(k->arch));
	k->addr = s->addr;
	k->giaddr = s->giaddr;
	k->vendor_len = n > 0 ? s->vendor_len : 0;
	k->uclass_len = n > 0 ? s->uclass_len : 0;
	k->agent_len = n > 0 ? s->agent_len : 0;
	if (n == 0)
		return;
	memcpy(var, s->vendor, s->vendor_len);
	memcpy(var + s->vendor_len, s->uclass, s->uclass_len);
	memcpy(var + s->vendor_len + s->uclass_len, s->agent, s->agent_len);
}

/* c's record as a struct client_seen. */
static void
client_kept_get(const struct client *c, struct client_seen *out)
{
	const struct client_kept	*k = &c->seen;
	const uint8_t			*p = k->var;

	memset(out, 0, sizeof(*out));
	memcpy(out->mac, c->mac, CLIENT_MAC_LEN);
	out->valid = k->valid;
	out->ipxe175 = k->ipxe175;
	out->arch_len = k->arch_len;
	memcpy(out->arch, k->arch, sizeof(out->arch));
	out->addr = k->addr;
	out->giaddr = k->giaddr;
	out->vendor_len = k->vendor_len;
	out->uclass_len = k->uclass_len;
	out->agent_len = k->agent_len;
	if (p == NULL)
		return;
	memcpy(out->vendor, p, k->vendor_len);
	memcpy(out->uclass, p + k->vendor_len, k->uclass_len);
	memcpy(out->agent, p + k->vendor_len + k->uclass_len, k->agent_len);
}

void
client_seen_put(const struct client_seen *s)
{
	struct client	*c = client_claim(s->mac);

	client_addr_unlink(c);
	client_kept_set(&c->seen, s);
	client_addr_link(c);
}

bool
client_seen_get(const uint8_t mac[CLIENT_MAC_LEN], struct client_seen *out)
{
	const struct client	*c = client_find(mac);

	if (c == NULL || !c->seen.valid)
		return false;
	client_kept_get(c, out);
	return true;
}

void
client_leases(const struct leases *L)
{
	C.leases = L;
}

/* The machine at peer's address: by lease, else by the requests seen. */
static bool
client_by_addr(const struct sockaddr *peer, struct client_seen *out)
{
	const struct lease	*l;
	const struct client	*c;
	struct netaddr		 a;
	uint16_t		 i;

	if (netaddr_from_sock(peer, &a, NULL) == -1)
		return false;
	/* A lease of ours says who has the address now (IPv4 leases). */
	if (a.family == AF_INET && C.leases != NULL && (l = lease_by_addr(
	    C.leases, ntohl(a.u.v4.s_addr))) != NULL && lease_is_live(l,
	    (int64_t)time(NULL)) && l->htype == 1 &&
	    l->hlen == CLIENT_MAC_LEN) {
		if (client_seen_get(l->chaddr, out))
			return true;
		memset(out, 0, sizeof(*out));
		memcpy(out->mac, l->chaddr, CLIENT_MAC_LEN);
		out->addr = a;
		out->valid = true;
		return true;
	}
	/* The latest request from the address first. */
	for (i = *client_addr_bucket(&a); i != 0; i = c->addr_next) {
		c = &C.tab[i - 1];
		if (c->used && c->seen.valid && netaddr_eq(&c->seen.addr, &a)) {
			client_kept_get(c, out);
			return true;
		}
	}
	return false;
}

/* ---------- the rules' request summary ---------- */

static void
client_req_dhcp(const struct dhcp_msg *m, struct rules_req *req)
{
	unsigned	code;

	req->mac_len = m->hlen;
	memcpy(req->mac, m->chaddr, m->hlen);
	req->giaddr = m->giaddr;
	/*
	 * Option 82 is a relay agent's (RFC 3046 2.1): one in a request
	 * that no relay forwarded (giaddr 0) came from the client itself,
	 * and no rule sees it.
	 */
	for (code = 1; code < DHO_END; code++)
		if (m->opt[code].present && (code != DHO_RELAY_AGENT_INFO ||
		    m->giaddr.s_addr != 0))
			rules_req_setopt(req, (uint8_t)code,
			    m->optbuf + m->opt[code].off, m->opt[code].len);
}

/*
 * n bytes at p into req's own storage from *off on; where they went.  s
 * is a copy on its caller's stack: req must not point into it.
 */
static const uint8_t *
client_req_own(struct rules_req *req, size_t *off, const void *p, size_t n)
{
	uint8_t	*d = req->own + *off;

	memcpy(d, p, n);
	*off += n;
	return d;
}

/* What s remembers, laid into req as if the request had said it. */
static void
client_req_seen(const struct client_seen *s, struct rules_req *req)
{
	static const uint8_t	present[1] = { 0 };
	size_t			off = 0;

	_Static_assert(sizeof(s->arch) + sizeof(s->vendor) +
	    sizeof(s->uclass) + sizeof(s->agent) <= RULES_REQ_OWN,
	    "rules_req's own storage holds what a machine's request kept");
	memcpy(req->mac, s->mac, CLIENT_MAC_LEN);
	req->mac_len = CLIENT_MAC_LEN;
	req->giaddr = s->giaddr;
	if (s->arch_len > 0)
		rules_req_setopt(req, DHO_CLIENT_ARCH, client_req_own(req,
		    &off, s->arch, s->arch_len), s->arch_len);
	if (s->vendor_len > 0)
		rules_req_setopt(req, DHO_VENDOR_CLASS_ID, client_req_own(req,
		    &off, s->vendor, s->vendor_len), s->vendor_len);
	if (s->uclass_len > 0)
		rules_req_setopt(req, DHO_USER_CLASS, client_req_own(req,
		    &off, s->uclass, s->uclass_len), s->uclass_len);
	if (s->ipxe175)
		rules_req_setopt(req, DHO_IPXE_ENCAP, present, 0);
	if (s->agent_len > 0)
		rules_req_setopt(req, DHO_RELAY_AGENT_INFO, client_req_own(req,
		    &off, s->agent, s->agent_len), s->agent_len);
}

bool
client_rules_req(const struct client_src *src, struct rules_req *req)
{
	struct client_seen	seen;

	rules_req_init(req);
	req->ifname = src->ifname;
	if (src->msg != NULL) {
		client_req_dhcp(src->msg, req);
		return true;
	}
	if (src->mac != NULL) {
		if (client_seen_get(src->mac, &seen))
			client_req_seen(&seen, req);
		memcpy(req->mac, src->mac, CLIENT_MAC_LEN);
		req->mac_len = CLIENT_MAC_LEN;
		return true;
	}
	if (src->peer != NULL && client_by_addr(src->peer, &seen)) {
		client_req_seen(&seen, req);
		return true;
	}
	return false;
}

/* ---------- proxy offers awaiting a follow-up ---------- */

void
client_offer_put(const uint8_t mac[CLIENT_MAC_LEN], uint32_t xid,
    const char *ifname, uint64_t now)
{
	struct client	*c = client_claim(mac);

	if (!c->offer.pending)
		C.noffers++;
	c->offer.pending = true;
	c->offer.xid = xid;
	c->offer.when = now;
	snprintf(c->offer.ifname, sizeof(c->offer.ifname), "%s", ifname);
}

void
client_offer_done(const uint8_t mac[CLIENT_MAC_LEN])
{
	struct client	*c = client_find(mac);

	if (c != NULL && c->offer.pending) {
		c->offer.pending = false;
		C.noffers--;
	}
}

void
client_offer_expire(uint64_t now, uint64_t limit_ms,
    void (*fn)(const uint8_t *mac, const struct client_offer *o, void *arg),
    void *arg)
{
	size_t	i;

	for (i = 0; C.noffers > 0 && i < CLIENT_SLOTS; i++) {
		struct client	*c = &C.tab[i];

		if (!c->used || !c->offer.pending ||
		    now - c->offer.when < limit_ms)
			continue;
		c->offer.pending = false;
		C.noffers--;
		fn(c->mac, &c->offer, arg);
	}
}

/* ---------- fetch counts for the loop guard ---------- */

struct client_fetch *
client_fetch(const uint8_t mac[CLIENT_MAC_LEN], const char *path)
{
	static struct client_fetch	 none;	/* without memory: forgotten */
	struct client			*c = client_claim(mac);
	struct client_fetch		*f, *reuse;
	uint64_t			 file = hash_update(HASH_INIT, path,
					    strlen(path));
	size_t				 i;

	/* On the heap: most machines of a full table never fetch a file. */
	if (c->fetch == NULL && (c->fetch = calloc(CLIENT_FETCHES,
	    sizeof(*c->fetch))) == NULL) {
		memset(&none, 0, sizeof(none));
		return &none;
	}
	reuse = &c->fetch[0];
	for (i = 0; i < CLIENT_FETCHES; i++) {
		f = &c->fetch[i];
		if (f->count > 0 && f->file == file)
			return f;
		/* A free counter, else the one whose window began first. */
		if (reuse->count > 0 && (f->count == 0 ||
		    f->first < reuse->first))
			reuse = f;
	}
	memset(reuse, 0, sizeof(*reuse));
	reuse->file = file;
	return reuse;
}

/* ---------- the live view ---------- */

struct client_boot *
client_boot(const uint8_t mac[CLIENT_MAC_LEN], bool claim)
{
	struct client	*c = claim ? client_claim(mac) : client_find(mac);

	return c != NULL ? &c->boot : NULL;
}

bool
client_seen_ipxe(const struct client_seen *s)
{
	size_t	i;

	if (s->ipxe175)
		return true;
	/* Option 77: raw "iPXE", or among RFC 3004 tuples. */
	for (i = 0; i + 4 <= s->uclass_len; i++)
		if (memcmp(s->uclass + i, "iPXE", 4) == 0)
			return true;
	return false;
}

static void
client_view_fill(const struct client *c, struct client_view *v)
{
	struct client_seen	s;

	memset(v, 0, sizeof(*v));
	v->mac = c->mac;
	v->boot = &c->boot;
	v->arch = -1;
	if (netaddr_is_set(&c->boot.addr))
		netaddr_ntop(&c->boot.addr, v->addr, sizeof(v->addr));
	if (!c->seen.valid)
		return;
	client_kept_get(c, &s);
	if (s.arch_len >= 2)
		v->arch = s.arch[0] << 8 | s.arch[1];
	v->ipxe = client_seen_ipxe(&s);
}

void
client_foreach(void (*fn)(const struct client_view *v, void *arg), void *arg)
{
	struct client_view	v;
	size_t			i;

	for (i = 0; i < CLIENT_SLOTS; i++)
		if (C.tab[i].used && C.tab[i].boot.used) {
			client_view_fill(&C.tab[i], &v);
			fn(&v, arg);
		}
}

