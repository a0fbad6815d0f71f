/*
 * lease.h: the DHCP lease store.
 *
 * Every binding lives in memory in two hash tables, by client identity
 * (option 61, else hardware type and address) and by address, and each
 * range has a bitmap of the addresses in use, so choosing a free address
 * never walks the leases.  Bindings that were ACKed are written to a
 * journal: lease_commit() queues a line, lease_sync() writes every queued
 * line and calls fdatasync() once, and only then may the ACKs leave.  The
 * journal is compacted (temporary file, fsync, rename, fsync of the
 * directory) when it has grown well past the live bindings.  Times are
 * wall-clock seconds, passed in by the caller.
 */
#ifndef PXED_LEASE_H
#define PXED_LEASE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "conf.h"
#include "lease_store.h"
#include "slab.h"

#define LEASE_ID_MAX		255
/*
 * Identities kept in the lease itself: htype and a MAC (7 bytes), RFC
 * 4361's 255, IAID and DUID-LL (15); longer ones (a DUID-LLT, a GUID) are
 * allocated, the pointer in place of the inline bytes.  16 keeps struct
 * lease at 64 bytes, 50,000 of them 3.1 MB.
 */
#define LEASE_ID_INLINE		16
#define LEASE_NEVER		INT64_MAX	/* BOOTP: no expiry */

enum lease_state {
	LEASE_EXPIRED,		/* kept only to give the client it back */
	LEASE_OFFERED,		/* in memory only, until expires */
	LEASE_ACKED,
	LEASE_DECLINED,		/* quarantined until expires */
	LEASE_RELEASED,
};

struct lease {
	uint32_t	 addr;			/* host order */
	uint8_t		 state;			/* enum lease_state */
	uint8_t		 htype, hlen;
	uint8_t		 idlen;
	uint8_t		 chaddr[16];
	union {
		uint8_t	 buf[LEASE_ID_INLINE];	/* idlen <= LEASE_ID_INLINE */
		uint8_t	*ptr;			/* longer: allocated */
	}		 idu;			/* lease_id() */
	int64_t		 expires;		/* wall seconds */
	char		*hostname;		/* NULL: none */
	uint32_t	 idnext, addrnext;	/* hash chains: slab refs */
};

struct lease_pool {
	uint32_t	 start, end;		/* host order, inclusive */
	uint32_t	 net, bcast;		/* never handed out */
	uint64_t	*used;			/* a live binding */
	uint64_t	*reserved;		/* static host addresses */
	uint32_t	 cursor;		/* next offset to try */
	uint32_t	 nused;
};

struct lease_stats {
	size_t		 records, acked, offered, declined;
	uint64_t	 journal_lines, syncs, compactions, sync_errors;
	uint64_t	 load_skipped;
};

struct leases {
	uint32_t	*byid, *byaddr;		/* slab refs; 0: none */
	size_t		 mask;			/* buckets - 1 */
	struct slab	 mem;			/* every struct lease */
	size_t		 n;
	struct lease_pool *pools;
	size_t		 npools;
	uint32_t	 server_addrs[16];	/* never handed out */
	size_t		 nserver_addrs;

	char		*path;			/* NULL: in memory only */
	int		 fd;
	char		*wbuf;			/* lines not yet written */
	size_t		 wlen, wcap;
	size_t		 unsynced;		/* commits since last sync */
	uint64_t	 lines;			/* in the journal file */
	struct lease_stats st;
	struct lease6_store *v6;		/* lease6.c: IPv6 bindings */
	struct lease_store journal;		/* the journal as a store */
	struct lease_store *store;		/* journal, or lease_pg.c */
	uint64_t	 spread;		/* lease_spread(), 0: none */
};

/* l's client identity (l->idlen bytes). */
static inline const uint8_t *
lease_id(const struct lease *l)
{
	return l->idlen <= LEASE_ID_INLINE ? l->idu.buf : l->idu.ptr;
}

/* Client identity: option 61 when sent, else htype followed by chaddr. */
size_t		 lease_client_id(const uint8_t *opt61, size_t len61,
		    uint8_t htype, const uint8_t *chaddr, uint8_t hlen,
		    uint8_t *id);

void		 lease_init(struct leases *L);
void		 lease_fini(struct leases *L);
/* (Re)build the pools from conf's ranges and static hosts. */
void		 lease_pools(struct leases *L, const struct conf *conf,
		    int64_t now);
/* Addresses of the server itself, never handed out. */
void		 lease_server_addr(struct leases *L, struct in_addr a);
/*
 * Open (creating) the journal at path and load it; torn or bad lines are
 * skipped with a warning.  The file is rewritten compacted.  -1 on error.
 */
int		 lease_open(struct leases *L, const char *path, int64_t now);

struct lease	*lease_by_id(const struct leases *L, const uint8_t *id,
		    size_t idlen);
struct lease	*lease_by_addr(const struct leases *L, uint32_t addr);
/* Index of the pool holding addr, or -1. */
int		 lease_pool_of(const struct leases *L, uint32_t addr);
/* Whether the binding still holds at now. */
bool		 lease_is_live(const struct lease *l, int64_t now);
/*
 * Whether the client id may have addr: in no live binding of another
 * client, not declined, not reserved for a static host (unless
 * static_ok), not a server address, not its range's network or
 * broadcast address.
 */
bool		 lease_addr_free(const struct leases *L, uint32_t addr,
		    const uint8_t *id, size_t idlen, bool static_ok,
		    int64_t now);
/* A free address of pool, or 0 when the pool is exhausted. */
uint32_t	 lease_alloc(struct leases *L, int pool, int64_t now);
/*
 * Bind addr to the client: any other binding of the client or of the
 * address is dropped.  ACKED bindings are journaled (lease_sync() makes
 * them durable).  Returns the binding.
 */
struct lease	*lease_bind(struct leases *L, uint32_t addr,
		    const uint8_t *id, size_t idlen, uint8_t htype,
		    const uint8_t *chaddr, uint8_t hlen, enum lease_state st,
		    int64_t expires, const char *hostname);
/* The client gave its address back (RELEASE) or declined it. */
void		 lease_release(struct leases *L, struct lease *l, int64_t now);
void		 lease_decline(struct leases *L, uint32_t addr, int64_t until);
/* Clear expired bindings out of the pools' bitmaps. */
size_t		 lease_expire(struct leases *L, int64_t now);

/*
 * A cache-only binding: addr is held by another server's client until
 * until (a shared store lost the claim); nothing is recorded.
 */
void		 lease_foreign(struct leases *L, uint32_t addr, int64_t until);
/* Bindings are recorded in s (NULL: the journal). */
void		 lease_use_store(struct leases *L, struct lease_store *s);
/*
 * Start allocating at a place of each pool given by seed (0: the start),
 * now and after every lease_pools(): servers sharing a pool start far
 * apart, and one that lost a claim moves on.
 */
void		 lease_spread(struct leases *L, uint64_t seed);
/* Whether other servers share the pool (the claim decides). */
bool		 lease_shared(const struct leases *L);

/* Queue one journal line (with its newline) for lease_sync(). */
void		 lease_journal_add(struct leases *L, const char *line,
		    size_t n);
/* Hex of n bytes into out (2n + 1); back: bytes, 0 for "-", SIZE_MAX bad. */
void		 lease_hex(char *out, const uint8_t *p, size_t n);
size_t		 lease_unhex(const char *s, uint8_t *out, size_t cap);
/* A client's host name cut to [A-Za-z0-9._-], allocated; NULL if empty. */
char		*lease_hostname(const char *h);

/* Bytes waiting to be written and synced. */
bool		 lease_pending(const struct leases *L);
/* Write and fdatasync what is pending: 0, or -1 (nothing is durable). */
int		 lease_sync(struct leases *L);
/* Rewrite the journal with only the live bindings. */
int		 lease_compact(struct leases *L, int64_t now);
bool		 lease_want_compact(const struct leases *L);

/* Visit each binding. */
void		 lease_foreach(const struct leases *L,
		    void (*fn)(const struct lease *, void *), void *arg);
/* "10.0.0.5 52:54:00:12:34:56 2026-11-22T21:00:00Z acked host" */
size_t		 lease_format(const struct lease *l, int64_t now, char *buf,
		    size_t len);
/* Load path read-only and print the live bindings (pxed --leases). */
int		 lease_dump(const char *path, int64_t now, bool json,
		    FILE *out);
/* Print L's live bindings, as pxed --leases does. */
void		 lease_dump_leases(const struct leases *L, int64_t now,
		    bool json, FILE *out);
void		 lease_stats(const struct leases *L, struct lease_stats *st);

#endif
