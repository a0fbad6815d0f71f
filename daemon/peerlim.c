/*
 * peerlim.c: per-address fairness limits (see peerlim.h).
 *
 * Entries live in one array allocated at peerlim_new(), chained in a
 * hash table keyed by the address and a random seed (so that no one can
 * choose addresses that share a chain).  An entry that holds nothing is
 * on the idle list, oldest first; a new address takes a free entry, else
 * the oldest idle one.  Forgetting an idle address loses at most its
 * bucket's debt, which only ever errs toward letting a client in.
 *
 * The token bucket counts thousandths of a token: rate tokens a second
 * are rate thousandths a millisecond, and the bucket holds burst tokens.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "names.h"
#include "peerlim.h"

struct peerlim_ent {
	struct netaddr		 addr;
	unsigned		 active;
	uint64_t		 milli;		/* tokens x 1000 */
	uint64_t		 refill_ms;	/* when milli was last topped up */
	struct peerlim_ent	*hnext;		/* in its hash chain */
	struct peerlim_ent	*inext, *iprev;	/* on the idle list */
};

struct peerlim {
	struct peerlim_ent	*ents;
	size_t			 cap, nfree, nused;
	struct peerlim_ent	**hash;
	size_t			 mask;
	uint64_t		 seed;
	struct peerlim_ent	*ihead, *itail;	/* idle, oldest first */
	struct peerlim_ent	*free;		/* chained by hnext */
};

struct peerlim *
peerlim_new(size_t capacity, uint64_t seed)
{
	struct peerlim	*pl;
	size_t		 size, i;

	if (capacity < 16)
		capacity = 16;
	for (size = 16; size < capacity; size *= 2)
		;
	if ((pl = calloc(1, sizeof(*pl))) == NULL)
		return NULL;
	pl->ents = calloc(capacity, sizeof(*pl->ents));
	pl->hash = calloc(size, sizeof(*pl->hash));
	if (pl->ents == NULL || pl->hash == NULL) {
		peerlim_free(pl);
		return NULL;
	}
	pl->cap = capacity;
	pl->mask = size - 1;
	pl->seed = seed;
	for (i = capacity; i > 0; i--) {
		pl->ents[i - 1].hnext = pl->free;
		pl->free = &pl->ents[i - 1];
	}
	return pl;
}

void
peerlim_free(struct peerlim *pl)
{
	if (pl == NULL)
		return;
	free(pl->ents);
	free(pl->hash);
	free(pl);
}

static size_t
peerlim_slot(const struct peerlim *pl, const struct netaddr *a)
{
	uint64_t	h = hash_update(HASH_INIT, &pl->seed, sizeof(pl->seed));

	return hash_final(netaddr_hash_feed(h, a)) & pl->mask;
}

static struct peerlim_ent *
peerlim_find(const struct peerlim *pl, const struct netaddr *a)
{
	struct peerlim_ent	*e;

	for (e = pl->hash[peerlim_slot(pl, a)]; e != NULL; e = e->hnext)
		if (netaddr_eq(&e->addr, a))
			return e;
	return NULL;
}

static void
peerlim_idle_del(struct peerlim *pl, struct peerlim_ent *e)
{
	if (e->iprev != NULL)
		e->iprev->inext = e->inext;
	else if (pl->ihead == e)
		pl->ihead = e->inext;
	if (e->inext != NULL)
		e->inext->iprev = e->iprev;
	else if (pl->itail == e)
		pl->itail = e->iprev;
	e->inext = e->iprev = NULL;
}

/* To the young end of the idle list. */
static void
peerlim_idle_add(struct peerlim *pl, struct peerlim_ent *e)
{
	e->inext = NULL;
	e->iprev = pl->itail;
	if (pl->itail != NULL)
		pl->itail->inext = e;
	else
		pl->ihead = e;
	pl->itail = e;
}

static void
peerlim_unhash(struct peerlim *pl, struct peerlim_ent *e)
{
	struct peerlim_ent	**pp;

	for (pp = &pl->hash[peerlim_slot(pl, &e->addr)]; *pp != NULL;
	    pp = &(*pp)->hnext)
		if (*pp == e) {
			*pp = e->hnext;
			return;
		}
}

/* The entry of a, made (full bucket, idle) if need be; NULL if no room. */
static struct peerlim_ent *
peerlim_get(struct peerlim *pl, const struct netaddr *a, unsigned burst,
    uint64_t now_ms)
{
	struct peerlim_ent	*e;
	size_t			 slot;

	if ((e = peerlim_find(pl, a)) != NULL) {
		if (e->active == 0) {	/* seen again: young once more */
			peerlim_idle_del(pl, e);
			peerlim_idle_add(pl, e);
		}
		return e;
	}
	if ((e = pl->free) != NULL) {
		pl->free = e->hnext;
		pl->nused++;
	} else if ((e = pl->ihead) != NULL) {
		peerlim_idle_del(pl, e);
		peerlim_unhash(pl, e);
	} else
		return NULL;
	memset(e, 0, sizeof(*e));
	e->addr = *a;
	e->milli = (uint64_t)burst * 1000;
	e->refill_ms = now_ms;
	slot = peerlim_slot(pl, a);
	e->hnext = pl->hash[slot];
	pl->hash[slot] = e;
	peerlim_idle_add(pl, e);
	return e;
}

enum peerlim_verdict
peerlim_admit(struct peerlim *pl, const struct netaddr *a,
    const struct peerlim_limits *lim, uint64_t now_ms)
{
	struct peerlim_ent	*e;
	uint64_t		 full;

	if (lim->max_active == 0 && lim->rate == 0)
		return PEERLIM_OK;
	full = (uint64_t)(lim->burst > 0 ? lim->burst : 1) * 1000;
	if ((e = peerlim_get(pl, a, (unsigned)(full / 1000), now_ms)) == NULL)
		return PEERLIM_OK;	/* no room to judge: the global limit */
	if (lim->max_active != 0 && e->active >= lim->max_active)
		return PEERLIM_ACTIVE;
	if (lim->rate == 0)
		return PEERLIM_OK;
	if (now_ms > e->refill_ms) {
		e->milli += (now_ms - e->refill_ms) * lim->rate;
		e->refill_ms = now_ms;
	}
	if (e->milli > full)
		e->milli = full;	/* a smaller burst since, too */
	if (e->milli < 1000)
		return PEERLIM_RATE;
	e->milli -= 1000;
	return PEERLIM_OK;
}

bool
peerlim_hold(struct peerlim *pl, const struct netaddr *a, uint64_t now_ms)
{
	struct peerlim_ent	*e;

	if ((e = peerlim_get(pl, a, 1, now_ms)) == NULL)
		return false;
	if (e->active++ == 0)
		peerlim_idle_del(pl, e);
	return true;
}

void
peerlim_release(struct peerlim *pl, const struct netaddr *a)
{
	struct peerlim_ent	*e;

	if ((e = peerlim_find(pl, a)) == NULL || e->active == 0)
		return;
	if (--e->active == 0)
		peerlim_idle_add(pl, e);
}

unsigned
peerlim_active(const struct peerlim *pl, const struct netaddr *a)
{
	const struct peerlim_ent	*e = peerlim_find(pl, a);

	return e != NULL ? e->active : 0;
}

size_t
peerlim_used(const struct peerlim *pl)
{
	return pl->nused;
}

const char *
peerlim_verdict_str(enum peerlim_verdict v)
{
	static const char *const	names[] = {
		[PEERLIM_OK] = "admitted",
		[PEERLIM_ACTIVE] = "too many at once from its address",
		[PEERLIM_RATE] = "too many requests a second from its address",
	};

	return NAMES_GET(names, v);
}
