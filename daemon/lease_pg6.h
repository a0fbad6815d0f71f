/*
 * lease_pg6.h: the DHCPv6 bindings in the PostgreSQL lease store
 * (lease-database), the pxed_lease6 table of share/pxed.sql.
 *
 * lease_pg.c owns the connection and the batch; these functions add the
 * IPv6 part to it.  record6() queues a DHCPv6 binding; the loop turn's
 * sync sends the queued claims in the same pipeline as the IPv4 ones and
 * commits them in the same transaction.  A claim is one prepared
 * statement,
 *
 *   INSERT INTO pxed_lease6 ... ON CONFLICT (addr) DO UPDATE ...
 *       WHERE the row is this IA's (DUID and IAID), or no longer live
 *
 * so of two servers claiming one address for two IAs exactly one wins;
 * the loser marks the address taken in its cache (lease6_foreign()) and
 * its reply is never sent.
 */
#ifndef PXED_LEASE_PG6_H
#define PXED_LEASE_PG6_H

#ifdef HAVE_LIBPQ
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <libpq-fe.h>

struct leases;
struct lease6;
struct lease_store;

/* The store's record6: queue l, numbered s->seq. */
void	 lease_pg6_record(struct lease_store *s, const struct lease6 *l);
bool	 lease_pg6_pending(void);
/* Forget what is queued (nothing can be made durable). */
void	 lease_pg6_drop(void);
/* The connection is gone: in-flight claims are forgotten; queued ones
 * stay for the next sync() to fail. */
void	 lease_pg6_reset(void);
void	 lease_pg6_free(void);
/* Connected: prepare the claim, ask for the rows; queries sent, or -1. */
int	 lease_pg6_up(PGconn *c, int64_t now);
/* The rows asked for by lease_pg6_up() into L's cache. */
void	 lease_pg6_loaded(struct leases *L, PGresult *r);
/* Send the queued claims; how many (one result each), or -1. */
int	 lease_pg6_send(PGconn *c, const char *now, const char *server);
/*
 * The result of the oldest claim sent: 1 claimed, 0 lost to another
 * server's client (the cache says so), -1 failed.  *seq: its record.
 */
int	 lease_pg6_claimed(struct leases *L, PGresult *r, uint64_t *seq);
/* Offline (pxed --leases): the live rows into L's cache. */
int	 lease_pg6_load_now(PGconn *c, struct leases *L, int64_t now,
	    FILE *err);
#endif

#endif
