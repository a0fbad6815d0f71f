/*
 * lease_store.h: where the bindings of lease.c are made durable.
 *
 * Two implementations: the journal (lease.c, one fdatasync() per loop
 * turn, the default) and PostgreSQL (lease_pg.c, lease-database, a
 * pipeline of claims committed in one transaction per batch).  lease.c
 * hands every binding that must outlive a crash to record(); commit.c
 * calls sync() once per loop turn and sends the held replies when done()
 * says the batch is durable, or drops them.
 *
 * A shared store (PostgreSQL) is one pool for several servers: offers are
 * recorded too (the address is claimed before the OFFER leaves), and a
 * record can lose its address to another server's claim: lost() says so
 * for its number, and the reply that carries it is never sent.  IPv4
 * leases and DHCPv6 bindings share the numbering: record() and record6().
 */
#ifndef PXED_LEASE_STORE_H
#define PXED_LEASE_STORE_H

#include <stdbool.h>
#include <stdint.h>

struct lease;
struct lease6;
struct lease_store;

struct lease_store_ops {
	const char	*name;			/* "journal", "postgresql" */
	/* Queue the binding l, numbered s->seq. */
	void		(*record)(struct lease_store *s, const struct lease *l);
	/* Records queued and not yet part of a sync. */
	bool		(*pending)(const struct lease_store *s);
	/* Make the queued records durable; s->done() follows, maybe at once. */
	void		(*sync)(struct lease_store *s);
	/* Whether record seq lost its address to another server. */
	bool		(*lost)(const struct lease_store *s, uint64_t seq);
	/* Queue the DHCPv6 binding l (lease6.c), numbered s->seq. */
	void		(*record6)(struct lease_store *s,
			    const struct lease6 *l);
};

struct lease_store {
	const struct lease_store_ops *ops;
	void		*ctx;
	uint64_t	 seq;			/* number of the last record */
	bool		 busy;			/* a sync in flight */
	bool		 shared;		/* other servers claim too */
	/* commit.c: the batch handed to sync() is durable (ok) or not. */
	void		(*done)(struct lease_store *s, bool ok);
};

#endif
