/*
 * pg.h: one asynchronous PostgreSQL connection in the select() loop.
 *
 * The connection is made with PQconnectStart()/PQconnectPoll(), its
 * socket joins the loop through a hook (read, and write while libpq has
 * output to flush), and it is used in pipeline mode: the owner sends
 * queries with libpq's PQsend* calls, counts them with pg_sent(), and
 * gets every result in order through result().  A lost connection (or a
 * failed attempt) calls down() and is retried with exponential backoff
 * (PG_BACKOFF_MIN to PG_BACKOFF_MAX ms); each state change is logged once.
 * Nothing here blocks, provided the URL names a socket directory or an
 * address (hostaddr) rather than a name to resolve.
 */
#ifndef PXED_PG_H
#define PXED_PG_H

#include <stdbool.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "ev.h"

#define PG_BACKOFF_MIN	250
#define PG_BACKOFF_MAX	10000

enum pg_state {
	PG_DOWN,		/* waiting to retry */
	PG_CONNECTING,
	PG_UP,
};

struct pg_stats {
	uint64_t	 connects, failures;	/* attempts that ended so */
	int64_t		 since;			/* wall seconds, last change */
};

struct pg_conn;

struct pg_cbs {
	/* Connected, in pipeline mode: send the first queries. */
	void	(*up)(struct pg_conn *p, void *arg);
	/* One result of a query, or a pipeline sync; freed afterwards. */
	void	(*result)(struct pg_conn *p, PGresult *r, void *arg);
	/* The connection is gone: every query in flight is lost. */
	void	(*down)(struct pg_conn *p, void *arg);
	/* A NOTIFY arrived (may be NULL). */
	void	(*notify)(struct pg_conn *p, const char *channel,
		    const char *payload, void *arg);
};

struct pg_conn {
	char		*url;
	const char	*what;		/* setting name, for log lines */
	PGconn		*c;
	enum pg_state	 state;
	PostgresPollingStatusType polling;
	bool		 want_write;
	size_t		 inflight;	/* queries and syncs sent */
	uint32_t	 backoff_ms;
	struct ev_timer	 retry;
	struct ev_hook	 hook;
	bool		 hooked;
	struct pg_cbs	 cb;
	void		*arg;
	char		 error[256];	/* why it is down */
	struct pg_stats	 st;
};

/* Start connecting to url (a libpq URL or conninfo); retried for ever. */
void		 pg_conn_start(struct pg_conn *p, const char *url,
		    const char *what, const struct pg_cbs *cb, void *arg);
void		 pg_conn_stop(struct pg_conn *p);
/* Drop the connection (down() is called) and retry after the backoff. */
void		 pg_conn_fail(struct pg_conn *p, const char *why);
/*
 * The owner found the connection usable (e.g. the schema checked): the
 * next loss is logged and retried from the shortest backoff.  Until then
 * failures (a wrong schema) back off and are logged only the first time.
 */
void		 pg_conn_ready(struct pg_conn *p);
/* n more queries or syncs were sent: flush them (false: connection lost). */
bool		 pg_sent(struct pg_conn *p, size_t n);
const char	*pg_state_name(enum pg_state s);

#endif
