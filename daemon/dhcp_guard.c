/*
 * dhcp_guard.c: at most a bound of DHCP offers outstanding per link; see
 * dhcp_guard.h.  A link's offers are a ring of up to its bound: a new
 * offer that finds it at the bound takes the oldest slot, and withdraws
 * that offer when it is still outstanding (not taken up by a REQUEST,
 * not expired, not replaced).  Each DISCOVER costs O(1) (amortised over
 * the ring's growth).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dhcp_guard.h"
#include "log.h"

void
dhcp_guard_fini(struct dhcp_guard *g)
{
	size_t	i;

	for (i = 0; i < g->nlinks; i++)
		free(g->links[i].ring);
	free(g->links);
	memset(g, 0, sizeof(*g));
}

static struct dhcp_guard_link *
dhcp_guard_link(struct dhcp_guard *g, uint32_t key)
{
	struct dhcp_guard_link	*k;
	size_t			 i;

	for (i = 0; i < g->nlinks; i++)
		if (g->links[i].key == key)
			return &g->links[i];
	if ((k = reallocarray(g->links, g->nlinks + 1, sizeof(*k))) == NULL)
		fatal("dhcp: guard");
	g->links = k;
	k = &g->links[g->nlinks++];
	memset(k, 0, sizeof(*k));
	k->key = key;
	return k;
}

/*
 * The ring to cap slots: grown as offers come (a large pool's bound costs
 * memory only when a flood reaches it), shrunk to a new bound (a reload)
 * keeping the newest offers.
 */
static void
dhcp_guard_resize(struct dhcp_guard_link *k, size_t cap)
{
	struct dhcp_guard_offer	*r;
	size_t			 i, keep = k->n < cap ? k->n : cap;

	if ((r = calloc(cap, sizeof(*r))) == NULL)
		fatal("dhcp: guard");
	for (i = 0; i < keep; i++)
		r[i] = k->ring[(k->head + k->n - keep + i) % k->cap];
	free(k->ring);
	k->ring = r;
	k->cap = cap;
	k->head = 0;
	k->n = keep;
}

/* Whether the noted offer is the one that still holds its address. */
static struct lease *
dhcp_guard_live(struct leases *L, const struct dhcp_guard_offer *o,
    int64_t now)
{
	struct lease	*l = lease_by_addr(L, o->addr);

	if (l == NULL || l->state != LEASE_OFFERED || l->expires !=
	    o->expires || !lease_is_live(l, now))
		return NULL;
	return l;
}

uint32_t
dhcp_guard_offer(struct dhcp_guard *g, struct leases *L, uint32_t link,
    size_t bound, uint32_t addr, int64_t expires, int64_t now)
{
	struct dhcp_guard_link	*k = dhcp_guard_link(g, link);
	struct dhcp_guard_offer	*o;
	struct lease		*l;
	uint32_t		 gone = 0;

	if (bound == 0)
		bound = 1;
	/*
	 * Before the ring grows, the offers at its oldest end that no longer
	 * hold their address (taken up, expired, replaced) leave it: it stays
	 * about as long as the offers really outstanding, not the bound (half
	 * the pool by default: 512 kB for 64,000 addresses once 32,000
	 * clients came), and a full ring withdraws the same offer as before.
	 */
	if (k->n == k->cap)
		while (k->n > 0 && dhcp_guard_live(L, &k->ring[k->head],
		    now) == NULL) {
			k->head = (k->head + 1) % k->cap;
			k->n--;
		}
	if (k->cap > bound)
		dhcp_guard_resize(k, bound);
	else if (k->n == k->cap && k->cap < bound)
		dhcp_guard_resize(k, k->cap == 0 ? (bound < 16 ? bound : 16) :
		    (k->cap < bound / 2 ? k->cap * 2 : bound));
	if (k->n == bound) {
		o = &k->ring[k->head];
		if ((l = dhcp_guard_live(L, o, now)) != NULL) {
			l->expires = now;	/* no longer live */
			gone = o->addr;
			g->withdrawn++;
		}
		k->head = (k->head + 1) % k->cap;
		k->n--;
	}
	o = &k->ring[(k->head + k->n) % k->cap];
	o->addr = addr;
	o->expires = expires;
	k->n++;
	return gone;
}
