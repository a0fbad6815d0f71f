/*
 * pg.c: one asynchronous PostgreSQL connection in the select() loop
 * (lease-database).  See pg.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "pg.h"

static const char *const pg_states[] = {
	[PG_DOWN] = "down",
	[PG_CONNECTING] = "connecting",
	[PG_UP] = "up",
};

const char *
pg_state_name(enum pg_state s)
{
	return (size_t)s < sizeof(pg_states) / sizeof(pg_states[0]) ?
	    pg_states[s] : "?";
}

static void
pg_set_state(struct pg_conn *p, enum pg_state s)
{
	if (p->state != s)
		p->st.since = (int64_t)time(NULL);
	p->state = s;
}

/* The first line of libpq's message, for one log line. */
static void
pg_error_copy(struct pg_conn *p, const char *why)
{
	char	*nl;

	snprintf(p->error, sizeof(p->error), "%s", why != NULL && *why !=
	    '\0' ? why : "connection lost");
	if ((nl = strchr(p->error, '\n')) != NULL)
		*nl = '\0';
}

static void
pg_close(struct pg_conn *p)
{
	if (p->c != NULL)
		PQfinish(p->c);
	p->c = NULL;
	p->inflight = 0;
	p->want_write = false;
}

void
pg_conn_fail(struct pg_conn *p, const char *why)
{
	bool	was_up = p->state == PG_UP;

	pg_error_copy(p, why);
	pg_close(p);
	p->st.failures++;
	/* Logged once per state change: up -> down, not each retry. */
	if (p->backoff_ms == 0 && was_up)
		log_warnx("%s: connection lost (%s): reconnecting with "
		    "backoff", p->what, p->error);
	else if (p->backoff_ms == 0)
		log_warnx("%s: cannot connect (%s): retrying with backoff",
		    p->what, p->error);
	pg_set_state(p, PG_DOWN);
	if (p->backoff_ms == 0)
		p->backoff_ms = PG_BACKOFF_MIN;
	else if ((p->backoff_ms *= 2) > PG_BACKOFF_MAX)
		p->backoff_ms = PG_BACKOFF_MAX;
	ev_timer_add(&p->retry, p->backoff_ms);
	if (p->cb.down != NULL)
		p->cb.down(p, p->arg);
}

static void
pg_connect(void *arg)
{
	struct pg_conn	*p = arg;

	if ((p->c = PQconnectStart(p->url)) == NULL)
		fatalx("%s: out of memory", p->what);
	if (PQstatus(p->c) == CONNECTION_BAD) {
		pg_conn_fail(p, PQerrorMessage(p->c));
		return;
	}
	p->polling = PGRES_POLLING_WRITING;
	pg_set_state(p, PG_CONNECTING);
}

static void
pg_connected(struct pg_conn *p)
{
	if (PQsetnonblocking(p->c, 1) == -1 ||
	    PQenterPipelineMode(p->c) != 1) {
		pg_conn_fail(p, PQerrorMessage(p->c));
		return;
	}
	pg_set_state(p, PG_UP);
	p->st.connects++;
	p->error[0] = '\0';
	log_debug("%s: connected (server %d, database %s)", p->what,
	    PQserverVersion(p->c), PQdb(p->c));
	if (p->cb.up != NULL)
		p->cb.up(p, p->arg);
}

void
pg_conn_ready(struct pg_conn *p)
{
	p->backoff_ms = 0;
}

bool
pg_sent(struct pg_conn *p, size_t n)
{
	int	r;

	p->inflight += n;
	if ((r = PQflush(p->c)) == -1) {
		pg_conn_fail(p, PQerrorMessage(p->c));
		return false;
	}
	p->want_write = r == 1;
	return true;
}

static void
pg_prepare(void *arg, fd_set *rd, fd_set *wr, fd_set *ex, int *maxfd,
    uint64_t *timeout_ms)
{
	struct pg_conn	*p = arg;
	int		 fd;

	(void)ex;
	(void)timeout_ms;
	if (p->c == NULL || (fd = PQsocket(p->c)) < 0 || fd >= FD_SETSIZE)
		return;
	if (p->state == PG_CONNECTING) {
		if (p->polling == PGRES_POLLING_READING)
			FD_SET(fd, rd);
		else
			FD_SET(fd, wr);
	} else {
		FD_SET(fd, rd);
		if (p->want_write)
			FD_SET(fd, wr);
	}
	if (fd > *maxfd)
		*maxfd = fd;
}

/* Every result that is complete, in order. */
static void
pg_results(struct pg_conn *p)
{
	PGresult	*r;
	PGnotify	*n;

	while (p->c != NULL && p->inflight > 0 && !PQisBusy(p->c)) {
		if ((r = PQgetResult(p->c)) == NULL) {
			p->inflight--;	/* the end of one query's results */
			continue;
		}
		if (PQresultStatus(r) == PGRES_PIPELINE_SYNC)
			p->inflight--;	/* a sync has no NULL after it */
		p->cb.result(p, r, p->arg);
		PQclear(r);
	}
	while (p->c != NULL && (n = PQnotifies(p->c)) != NULL) {
		if (p->cb.notify != NULL)
			p->cb.notify(p, n->relname, n->extra, p->arg);
		PQfreemem(n);
	}
}

static void
pg_dispatch(void *arg, fd_set *rd, fd_set *wr, fd_set *ex)
{
	struct pg_conn	*p = arg;
	int		 fd;

	(void)ex;
	if (p->c == NULL || (fd = PQsocket(p->c)) < 0 || fd >= FD_SETSIZE ||
	    (!FD_ISSET(fd, rd) && !FD_ISSET(fd, wr)))
		return;
	if (p->state == PG_CONNECTING) {
		p->polling = PQconnectPoll(p->c);
		if (p->polling == PGRES_POLLING_OK)
			pg_connected(p);
		else if (p->polling == PGRES_POLLING_FAILED)
			pg_conn_fail(p, PQerrorMessage(p->c));
		return;
	}
	if (FD_ISSET(fd, wr) && !pg_sent(p, 0))
		return;
	if (FD_ISSET(fd, rd)) {
		if (PQconsumeInput(p->c) == 0) {
			pg_conn_fail(p, PQerrorMessage(p->c));
			return;
		}
		pg_results(p);
	}
	if (p->c != NULL && PQstatus(p->c) == CONNECTION_BAD)
		pg_conn_fail(p, PQerrorMessage(p->c));
}

void
pg_conn_start(struct pg_conn *p, const char *url, const char *what,
    const struct pg_cbs *cb, void *arg)
{
	memset(p, 0, sizeof(*p));
	if ((p->url = strdup(url)) == NULL)
		fatal("%s", what);
	p->what = what;
	p->cb = *cb;
	p->arg = arg;
	p->st.since = (int64_t)time(NULL);
	ev_timer_init(&p->retry, pg_connect, p);
	p->hook.prepare = pg_prepare;
	p->hook.dispatch = pg_dispatch;
	p->hook.arg = p;
	ev_hook_add(&p->hook);
	p->hooked = true;
	pg_connect(p);
}

void
pg_conn_stop(struct pg_conn *p)
{
	if (p->hooked) {
		ev_hook_del(&p->hook);
		ev_timer_del(&p->retry);
	}
	p->hooked = false;
	pg_close(p);
	free(p->url);
	p->url = NULL;
}
