/*
 * commit.h: the lease journal's group commit, shared by DHCPv4 and
 * DHCPv6.
 *
 * A reply whose binding must be durable (an ACK, a DHCPv6 Reply; with a
 * shared store, an OFFER too) is held by its I/O module in a queue.  Once
 * per loop turn (the loop's prepare hook) the lease store syncs what was
 * recorded (the journal: one fdatasync(); PostgreSQL: one transaction,
 * answered later in the loop), and when it is done every queue is told
 * to send the replies of that batch, or to drop them when it failed.
 * Replies held while a batch is in flight wait for the next one.
 * Replies wait at most COMMIT_MS (or for COMMIT_MAX of them) so that one
 * sync covers many under load.
 */
#ifndef PXED_COMMIT_H
#define PXED_COMMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COMMIT_MS	2
#define COMMIT_MAX	1024

struct leases;

struct commit_queue {
	/* Send (synced) or drop the first batch held replies. */
	void			(*flush)(struct commit_queue *q, bool synced);
	size_t			 n;		/* replies held */
	size_t			 batch;		/* of them, flush() these */
	uint64_t		 since;		/* monotonic ms of the first */
	struct commit_queue	*next;
};

/* The store whose journal is synced (NULL: none, e.g. proxy mode). */
void	commit_leases(struct leases *L);
struct leases *commit_store(void);
/* A queue joins (the first one adds the loop hook) or leaves. */
void	commit_add(struct commit_queue *q);
void	commit_del(struct commit_queue *q);
/* One more reply held in q. */
void	commit_held(struct commit_queue *q);
/* Sync now and flush every queue (compaction, shutdown). */
void	commit_flush(void);
/* Whether a reply made now must wait for a sync: records are pending. */
bool	commit_pending(void);
/* The number of the store's last record (0: none). */
uint64_t commit_seq(void);
/* Whether record seq lost its address to another server (never: 0). */
bool	commit_lost(uint64_t seq);

#endif
