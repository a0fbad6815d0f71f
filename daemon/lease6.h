/*
 * lease6.h: the DHCPv6 bindings, in the same store and journal as the
 * IPv4 leases (lease.h): one binding per (DUID, IAID) and per address,
 * in two hash tables, journaled as A6/R6/D6 lines by the same group
 * commit, so a Reply leaves only after lease_sync() like an ACK.
 *
 * Ranges may be a whole /64, so there is no bitmap: an address for a
 * client is found by probing from a hash of its DUID and IAID (the same
 * address each time it asks, across restarts), every address of a small
 * range, LEASE6_PROBES of a large one.
 */
#ifndef PXED_LEASE6_H
#define PXED_LEASE6_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "lease.h"

#define LEASE6_DUID_MAX		130	/* RFC 8415 11.1 */
#define LEASE6_SCAN_MAX		4096	/* ranges this small: every address */
#define LEASE6_PROBES		64	/* larger: this many hashed tries */
#define LEASE6_KEEP_SECS	86400	/* an expired binding stays a day */

struct lease6 {
	struct in6_addr	 addr;
	uint32_t	 iaid;
	uint8_t		 state;			/* enum lease_state */
	uint8_t		 duidlen;
	bool		 has_mac;
	uint8_t		 mac[6];
	uint8_t		*duid;			/* duidbuf or allocated */
	uint8_t		 duidbuf[LEASE_ID_INLINE];
	int64_t		 expires;		/* wall seconds */
	char		*hostname;
	struct lease6	*idnext, *addrnext;
};

struct lease6_store {
	struct lease6	**byid, **byaddr;
	size_t		  mask, n;
};

struct lease6	*lease6_by_id(const struct leases *L, const uint8_t *duid,
		    size_t len, uint32_t iaid);
struct lease6	*lease6_by_addr(const struct leases *L,
		    const struct in6_addr *a);
bool		 lease6_is_live(const struct lease6 *l, int64_t now);
/*
 * Whether the client (duid, iaid) may have a: no live binding of another
 * client, not declined.
 */
bool		 lease6_addr_free(const struct leases *L,
		    const struct in6_addr *a, const uint8_t *duid, size_t len,
		    uint32_t iaid, int64_t now);
/*
 * A free address of r for the client, skipping hosts' fixed addresses
 * and the Subnet-Router anycast address; -1 when none was found.
 */
int		 lease6_alloc(const struct leases *L, const struct conf *conf,
		    const struct conf_range6 *r, const uint8_t *duid,
		    size_t len, uint32_t iaid, int64_t now,
		    struct in6_addr *out);
/*
 * Bind a to the client (mac may be NULL); its other binding and the
 * address's binding of another client go.  LEASE_ACKED is journaled.
 */
struct lease6	*lease6_bind(struct leases *L, const struct in6_addr *a,
		    const uint8_t *duid, size_t len, uint32_t iaid,
		    const uint8_t *mac, enum lease_state st, int64_t expires,
		    const char *hostname);
void		 lease6_release(struct leases *L, struct lease6 *l,
		    int64_t now);
void		 lease6_decline(struct leases *L, const struct in6_addr *a,
		    int64_t until);
/*
 * A cache-only record: a is held by another server's client until until
 * (a shared store lost the claim, or loaded the row); nothing recorded.
 */
void		 lease6_foreign(struct leases *L, const struct in6_addr *a,
		    int64_t until);
/*
 * Free the records that serve no more: Advertise holds and quarantines
 * past their end, releases, bindings expired LEASE6_KEEP_SECS ago.  No
 * journal line.  Returns how many went.
 */
size_t		 lease6_expire(struct leases *L, int64_t now);
size_t		 lease6_count(const struct leases *L);
void		 lease6_foreach(const struct leases *L,
		    void (*fn)(const struct lease6 *, void *), void *arg);
/* "2001:db8::5 52:54:00:12:34:56 2026-...Z acked host duid-hex iaid" */
size_t		 lease6_format(const struct lease6 *l, int64_t now, char *buf,
		    size_t len);

/* The journal's record6 (lease_store.h): an A6/R6/D6 line. */
void		 lease6_journal_record(struct lease_store *s,
		    const struct lease6 *l);
/* lease.c's hooks: a journal line, compaction, --leases, the end. */
int		 lease6_apply(struct leases *L, char *line);
uint64_t	 lease6_compact(const struct leases *L, FILE *fp, int64_t now);
void		 lease6_dump(const struct leases *L, int64_t now, bool json,
		    bool *first, FILE *out);
void		 lease6_fini(struct leases *L);

#endif
