/*
 * peerlim.h: per-address fairness limits, the pure engine behind
 * tftp { max-transfers-per-client, max-requests-per-second } and
 * http { max-connections-per-client }.
 *
 * A bounded table keyed by client address (the port is not part of it):
 * for each address, how many transfers or connections it holds and a
 * token bucket of new requests.  The table has a fixed number of entries
 * chosen at peerlim_new(); an address holding nothing is forgotten first
 * (least recently used), so the table is no memory for a flood of
 * addresses to fill.  When every entry holds something, a new address is
 * admitted uncounted (peerlim_hold() says so): the global limit of the
 * caller still applies.  The clock is the caller's (milliseconds), so
 * tests drive it.
 */
#ifndef PXED_PEERLIM_H
#define PXED_PEERLIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"

struct peerlim_limits {
	unsigned	max_active;	/* held at once; 0: no limit */
	unsigned	rate;		/* new requests a second; 0: none */
	unsigned	burst;		/* the bucket's depth, >= 1 */
};

enum peerlim_verdict {
	PEERLIM_OK,
	PEERLIM_ACTIVE,		/* holds max_active already */
	PEERLIM_RATE		/* no token left in its bucket */
};

struct peerlim;

/* A table of capacity entries (at least 16); the seed keys its hash. */
struct peerlim	*peerlim_new(size_t capacity, uint64_t seed);
void		 peerlim_free(struct peerlim *pl);
/*
 * May a new request from a go on?  Spends one token when it may (and a
 * rate is set); changes nothing else.
 */
enum peerlim_verdict peerlim_admit(struct peerlim *pl,
		    const struct netaddr *a, const struct peerlim_limits *lim,
		    uint64_t now_ms);
/*
 * a now holds one more transfer or connection.  False when the table had
 * no room to count it: then do not call peerlim_release() for it.
 */
bool		 peerlim_hold(struct peerlim *pl, const struct netaddr *a,
		    uint64_t now_ms);
void		 peerlim_release(struct peerlim *pl, const struct netaddr *a);
/* What a holds now (0 when unknown), and the entries in use. */
unsigned	 peerlim_active(const struct peerlim *pl,
		    const struct netaddr *a);
size_t		 peerlim_used(const struct peerlim *pl);
const char	*peerlim_verdict_str(enum peerlim_verdict v);

#endif
