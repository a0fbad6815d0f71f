/*
 * http_conn.c: HTTP connections, as libmicrohttpd accepts and closes them.
 *
 * libmicrohttpd's MHD_OPTION_PER_IP_CONNECTION_LIMIT (0.9.75 in Debian
 * 12) refuses a connection before any callback of pxed's runs: the only
 * trace is an anonymous "Server reached connection limit" through the
 * error logger, with no address, and the same words for the global
 * limit.  pxed therefore counts connections itself: the accept policy
 * callback sees every new connection with its address, before
 * libmicrohttpd allocates anything for it, and refuses one beyond
 * max-connections-per-client from its address (peerlim.c) or beyond
 * max-connections in all, with a log line (at most one a second per
 * address, with the count) and a counter for /metrics.  libmicrohttpd's
 * own limit is one above max-connections, a backstop that is never
 * reached.
 *
 * Slowloris: libmicrohttpd's timeout (idle-timeout) is an idle time, so
 * a client that sends a byte every few seconds keeps a connection for
 * ever.  The first request of a connection must be complete within
 * header-timeout of the accept: a timer walks the connections still
 * waiting, oldest first, and shuts the socket down (shutdown(2), not
 * close: the descriptor stays libmicrohttpd's, which then reads the end
 * of the stream and closes the connection as it would any other).  Later
 * requests of a kept-alive connection have idle-timeout only.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ev.h"
#include "http.h"
#include "http_conn.h"
#include "log.h"
#include "netaddr.h"
#include "peerlim.h"

struct http_conn {
	struct netaddr		 addr;
	char			 who[NETADDR_STRLEN];
	uint64_t		 start;		/* ev_now() at the accept */
	int			 fd;
	bool			 held;		/* counted by peerlim */
	bool			 waiting;	/* for its first request */
	struct http_conn	*next, *prev;	/* waiting, oldest first */
};

static struct {
	const struct conf	*conf;
	struct peerlim		*lim;
	unsigned		 n;		/* open connections */
	struct http_conn	*head, *tail;	/* waiting */
	struct ev_timer		 timer;
	uint64_t		 refused_client, refused_full, timeouts;
} HC;

static void	http_conn_sweep(void *);

/* The address of a socket address, IPv4 ones of a dual-stack socket too. */
static void
http_conn_addr(const struct sockaddr *sa, socklen_t len, struct netaddr *a,
    char *who, size_t wlen)
{
	union netaddr_sock	s;

	memset(&s, 0, sizeof(s));
	memcpy(&s, sa, len < sizeof(s) ? len : sizeof(s));
	netaddr_sock_unmap(&s);
	netaddr_from_sock(&s.sa, a, NULL);
	netaddr_sock_str(&s.sa, who, wlen);
}

enum MHD_Result
http_conn_accept(void *cls, const struct sockaddr *sa, socklen_t len)
{
	static struct log_rate	 rate[LOG_RATE_SLOTS];
	struct peerlim_limits	 lim = { 0, 0, 1 };
	struct netaddr		 a;
	char			 who[NETADDR_STRLEN];
	bool			 full;

	(void)cls;
	http_conn_addr(sa, len, &a, who, sizeof(who));
	lim.max_active = HC.conf->http.max_per_client;
	full = HC.n >= HC.conf->http.max_connections;
	if (!full && peerlim_admit(HC.lim, &a, &lim, ev_now()) == PEERLIM_OK)
		return MHD_YES;
	if (full)
		HC.refused_full++;
	else
		HC.refused_client++;
	log_rated(log_rate_client(rate, who, NULL), LOG_WARNING,
	    "http: refused a connection from %s: %s (%s %u)", who,
	    full ? "the server is full" : "too many at once from its address",
	    full ? "max-connections" : "max-connections-per-client", full ?
	    HC.conf->http.max_connections : lim.max_active);
	return MHD_NO;
}

static void
http_conn_unwait(struct http_conn *hc)
{
	if (!hc->waiting)
		return;
	if (hc->prev != NULL)
		hc->prev->next = hc->next;
	else
		HC.head = hc->next;
	if (hc->next != NULL)
		hc->next->prev = hc->prev;
	else
		HC.tail = hc->prev;
	hc->next = hc->prev = NULL;
	hc->waiting = false;
}

/* The timer for the oldest connection still waiting, if any. */
static void
http_conn_arm(void)
{
	uint64_t	due, now = ev_now();

	if (HC.head == NULL || ev_timer_pending(&HC.timer))
		return;
	due = HC.head->start + HC.conf->http.header_timeout * 1000ULL;
	ev_timer_add(&HC.timer, due > now ? due - now : 0);
}

static void
http_conn_open(struct MHD_Connection *c, void **ctx)
{
	const union MHD_ConnectionInfo	*ci;
	struct http_conn		*hc;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL ||
	    (hc = calloc(1, sizeof(*hc))) == NULL)
		return;
	http_conn_addr(ci->client_addr, ci->client_addr->sa_family ==
	    AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in),
	    &hc->addr, hc->who, sizeof(hc->who));
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	hc->fd = ci != NULL ? ci->connect_fd : -1;
	hc->start = ev_now();
	hc->held = peerlim_hold(HC.lim, &hc->addr, hc->start);
	hc->waiting = true;
	hc->prev = HC.tail;
	if (HC.tail != NULL)
		HC.tail->next = hc;
	else
		HC.head = hc;
	HC.tail = hc;
	HC.n++;
	*ctx = hc;
	http_conn_arm();
}

void
http_conn_notify(void *cls, struct MHD_Connection *c, void **ctx,
    enum MHD_ConnectionNotificationCode toe)
{
	struct http_conn	*hc = *ctx;

	(void)cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		http_conn_open(c, ctx);
		return;
	}
	if (hc == NULL)
		return;
	http_conn_unwait(hc);
	if (hc->held)
		peerlim_release(HC.lim, &hc->addr);
	HC.n--;
	free(hc);
	*ctx = NULL;
}

void
http_conn_heard(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo	*ci;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci != NULL && ci->socket_context != NULL)
		http_conn_unwait(ci->socket_context);
}

/* Shut down the connections whose first request is late. */
static void
http_conn_sweep(void *arg)
{
	static struct log_rate	 rate[LOG_RATE_SLOTS];
	uint64_t		 limit = HC.conf->http.header_timeout * 1000ULL;
	struct http_conn	*hc;

	(void)arg;
	while ((hc = HC.head) != NULL && ev_now() - hc->start >= limit) {
		http_conn_unwait(hc);
		if (hc->fd != -1)
			shutdown(hc->fd, SHUT_RDWR);
		HC.timeouts++;
		log_rated(log_rate_client(rate, hc->who, NULL), LOG_WARNING,
		    "http: closed a connection from %s: no complete request "
		    "within %u s (header-timeout)", hc->who,
		    HC.conf->http.header_timeout);
	}
	http_conn_arm();
}

int
http_conn_init(const struct conf *conf)
{
	uint64_t	seed;

	HC.conf = conf;
	arc4random_buf(&seed, sizeof(seed));
	/* Every connection's address, and as many again gone quiet. */
	if ((HC.lim = peerlim_new(2 * (size_t)conf->http.max_connections,
	    seed)) == NULL)
		return -1;
	ev_timer_init(&HC.timer, http_conn_sweep, NULL);
	return 0;
}

void
http_conn_reload(const struct conf *conf)
{
	HC.conf = conf;
	/* A new header-timeout: the next deadline from it. */
	ev_timer_del(&HC.timer);
	http_conn_arm();
}

void
http_conn_fini(void)
{
	ev_timer_del(&HC.timer);
	peerlim_free(HC.lim);
	HC.lim = NULL;
}

void
http_conn_stats(struct http_stats *st)
{
	st->refused_client = HC.refused_client;
	st->refused_full = HC.refused_full;
	st->header_timeouts = HC.timeouts;
}
