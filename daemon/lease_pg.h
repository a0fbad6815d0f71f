/*
 * lease_pg.h: the PostgreSQL lease store (lease-database).
 *
 * The bindings of lease.c stay in memory as a cache; the database, shared
 * by every server pointed at it, decides who holds an address.  Each
 * record is a claim, one prepared statement:
 *
 *   INSERT INTO pxed_lease4 ... ON CONFLICT (addr) DO UPDATE ...
 *       WHERE the row is this client's, or no longer live
 *
 * so of two servers claiming one address for two clients, the primary
 * key lets exactly one win; the loser marks the address taken in its
 * cache until the winner's expiry and never sends the reply (the client
 * asks again and is given another address).  The claims of one loop turn
 * are sent in pipeline mode and committed in one implicit transaction at
 * the pipeline sync (synchronous_commit as the server is configured: on
 * by default), the group commit of commit.c.  Offers are claimed too.
 *
 * Down (or at the wrong schema version): every sync fails at once, so
 * server mode answers nothing it cannot make durable; pg.c reconnects
 * with backoff and the cache is reloaded from the database.
 */
#ifndef PXED_LEASE_PG_H
#define PXED_LEASE_PG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define LEASE_PG_SCHEMA	3		/* pxed_schema.version */

struct leases;

struct lease_pg_info {
	bool		 configured;
	const char	*state;			/* "up", "down", ... */
	bool		 ready;			/* up, schema checked */
	const char	*error;			/* why not ready ("" if it is) */
	int64_t		 since;			/* wall seconds */
	uint64_t	 connects, failures, batches, claims, lost, errors;
	uint64_t	 commit_us;		/* batches' round trips, summed */
};

#ifdef HAVE_LIBPQ
/* Keep L's bindings in the database at url (connecting in the loop). */
int		 lease_pg_open(struct leases *L, const char *url);
void		 lease_pg_close(struct leases *L);
/* A state of lease.h as the tables spell it ("acked", ...). */
const char	*lease_pg_state_name(unsigned st);
/* "\x0102..." (bytea, text format) into out; SIZE_MAX when bad. */
size_t		 lease_pg_unbytea(const char *s, uint8_t *out, size_t cap);
#endif
void		 lease_pg_info(struct lease_pg_info *i);

/* Offline (blocking, for the command line); messages go to err. */
int		 lease_pg_db_init(const char *url, FILE *err);
/* -t: reachable and at LEASE_PG_SCHEMA; 0, else -1 with a message. */
int		 lease_pg_check(const char *url, FILE *out, FILE *err);
/* The live bindings in the database into L's cache (nothing recorded). */
int		 lease_pg_load(const char *url, struct leases *L, int64_t now,
		    FILE *err);
/* pxed --leases with lease-database. */
int		 lease_pg_dump(const char *url, int64_t now, bool json,
		    FILE *out, FILE *err);

#endif
