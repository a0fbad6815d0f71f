/*
 * status.c: pxed's status pages, served by http.c: /metrics (Prometheus
 * text format 0.0.4) and /state (JSON).
 *
 * Each module hands out its counters through a small accessor
 * (dhcp_io_stats, tftp_io_stats, http_stats, loopguard_warnings) and its
 * live records through a visitor (leases, transfers, the machines'
 * boots); this file only formats them, so the modules' insides stay
 * their own.  The /status page (status_page.c) reads /state.
 */
#include "config.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "client_stage.h"
#include "dhcp_io.h"
#include "dhcp6_io.h"
#include "dhcp6_pkt.h"
#include "dhcp_proto.h"
#include "ev.h"
#include "http.h"
#include "lease.h"
#include "lease6.h"
#include "lease_pg.h"
#include "log.h"
#include "loopguard.h"
#include "pxed.h"
#include "ra_io.h"
#include "status.h"
#include "tftp_io.h"

struct status_buf {
	char	*p;
	size_t	 len, cap;
};

static void __attribute__((format(printf, 2, 3)))
status_printf(struct status_buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		b->cap = (b->cap + (size_t)n) * 2;
		if ((b->p = realloc(b->p, b->cap)) == NULL)
			fatal("http: realloc");
	}
}

static void
status_metric(struct status_buf *b, const char *name, const char *type,
    const char *help)
{
	status_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

/* A metric of one value, without labels. */
static void
status_one(struct status_buf *b, const char *name, const char *type,
    const char *help, uint64_t v)
{
	status_metric(b, name, type, help);
	status_printf(b, "%s %" PRIu64 "\n", name, v);
}

/* lease-database (lease_pg.c), when configured. */
static void
status_lease_db(struct status_buf *b)
{
	struct lease_pg_info	i;

	lease_pg_info(&i);
	if (!i.configured)
		return;
	status_one(b, "pxed_lease_database_up", "gauge",
	    "1 when the lease database is connected at the right schema.",
	    i.ready ? 1 : 0);
	status_one(b, "pxed_lease_database_connects_total", "counter",
	    "Connections made to the lease database.", i.connects);
	status_one(b, "pxed_lease_database_failures_total", "counter",
	    "Connections to the lease database lost or refused.",
	    i.failures);
	status_one(b, "pxed_lease_database_batches_total", "counter",
	    "Transactions of claims sent (group commits).", i.batches);
	status_metric(b, "pxed_lease_database_commit_seconds_total",
	    "counter", "Time from sending a transaction of claims to its "
	    "commit, summed over the transactions.");
	status_printf(b, "pxed_lease_database_commit_seconds_total "
	    "%.6f\n", (double)i.commit_us / 1e6);
	status_one(b, "pxed_lease_database_batch_errors_total", "counter",
	    "Transactions that failed: their replies were dropped.",
	    i.errors);
	status_one(b, "pxed_lease_database_claims_total", "counter",
	    "Addresses claimed in the lease database.", i.claims);
	status_one(b, "pxed_lease_database_claims_lost_total", "counter",
	    "Claims lost to another server's client.", i.lost);
}
static void
status_dhcp(struct status_buf *b)
{
	static const char *const types[] = { "bootp", "discover", "offer",
	    "request", "decline", "ack", "nak", "release", "inform" };
	struct dhcp_io_stats	ds;
	size_t			i;

	dhcp_io_stats(&ds);
	status_metric(b, "pxed_dhcp_received_total", "counter",
	    "DHCP requests received, by message type.");
	for (i = 0; i < 9; i++)
		if (i != DHCPOFFER && i != DHCPACK && i != DHCPNAK)
			status_printf(b, "pxed_dhcp_received_total"
			    "{type=\"%s\"} %" PRIu64 "\n", types[i], ds.in[i]);
	status_metric(b, "pxed_dhcp_sent_total", "counter",
	    "DHCP replies sent, by message type.");
	status_printf(b, "pxed_dhcp_sent_total{type=\"bootreply\"} %" PRIu64
	    "\n", ds.out[0]);
	for (i = DHCPOFFER; i <= DHCPNAK; i++)
		if (i != DHCPDECLINE && i != DHCPREQUEST)
			status_printf(b, "pxed_dhcp_sent_total{type=\"%s\"} "
			    "%" PRIu64 "\n", types[i], ds.out[i]);
	status_metric(b, "pxed_dhcp_dropped_total", "counter",
	    "DHCP requests not answered, by reason.");
	status_printf(b, "pxed_dhcp_dropped_total{reason=\"malformed\"} %"
	    PRIu64 "\n", ds.malformed);
	status_printf(b, "pxed_dhcp_dropped_total{reason=\"ignored\"} %"
	    PRIu64 "\n", ds.ignored);
	status_printf(b, "pxed_dhcp_dropped_total{reason=\"not_durable\"} %"
	    PRIu64 "\n", ds.dropped_sync);
	status_printf(b, "pxed_dhcp_dropped_total{reason=\"claimed_elsewhere\"}"
	    " %" PRIu64 "\n", ds.dropped_lost);
	status_metric(b, "pxed_dhcp_leases", "gauge", "Leases by state.");
	status_printf(b, "pxed_dhcp_leases{state=\"active\"} %u\n"
	    "pxed_dhcp_leases{state=\"offered\"} %u\n"
	    "pxed_dhcp_leases{state=\"declined\"} %u\n", ds.leases_active,
	    ds.leases_offered, ds.leases_declined);
	status_one(b, "pxed_dhcp_offers_withdrawn_total", "counter",
	    "DHCP offers withdrawn for a newer one on a link at its "
	    "max-offers-per-link.", ds.offers_withdrawn);
	status_one(b, "pxed_dhcp_offers_retried_total", "counter",
	    "DHCP offers made again with another address after another "
	    "server's client got theirs (lease-database).",
	    ds.offers_retried);
	status_lease_db(b);
	status_one(b, "pxed_dhcp_proxy_offers_total", "counter",
	    "proxyDHCP offers sent.", ds.proxy_offers);
	status_one(b, "pxed_dhcp_proxy_offers_unanswered_total", "counter",
	    "proxyDHCP offers not followed by a 4011 or TFTP request.",
	    ds.proxy_no_followup);
	status_metric(b, "pxed_dhcp_relay_agent_errors_total", "counter",
	    "Relay agent information (option 82): malformed (echoed, not "
	    "used), or not echoed for want of room (RFC 3046 2.2).");
	status_printf(b, "pxed_dhcp_relay_agent_errors_total"
	    "{reason=\"malformed\"} %" PRIu64 "\n"
	    "pxed_dhcp_relay_agent_errors_total{reason=\"not_echoed\"} %"
	    PRIu64 "\n", ds.agent_malformed, ds.agent_unechoed);
}

/* DHCPv6 and router advertisements, as pxed_dhcp6_* and pxed_ra_*. */
static void
status_dhcp6(struct status_buf *b)
{
	struct dhcp6_io_stats	ds;
	struct ra_io_stats	rs;
	int			i;

	dhcp6_io_stats(&ds);
	ra_io_stats(&rs);
	status_metric(b, "pxed_dhcp6_received_total", "counter",
	    "DHCPv6 messages received, by type.");
	for (i = DHCP6_SOLICIT; i < DHCP6_IO_TYPES; i++)
		if (i != DHCP6_ADVERTISE && i != DHCP6_REPLY &&
		    i != DHCP6_RECONFIGURE && i != DHCP6_RELAY_REPL)
			status_printf(b, "pxed_dhcp6_received_total"
			    "{type=\"%s\"} %" PRIu64 "\n",
			    dhcp6_pkt_type_name(i), ds.in[i]);
	status_metric(b, "pxed_dhcp6_sent_total", "counter",
	    "DHCPv6 replies sent, by type.");
	status_printf(b, "pxed_dhcp6_sent_total{type=\"ADVERTISE\"} %" PRIu64
	    "\npxed_dhcp6_sent_total{type=\"REPLY\"} %" PRIu64 "\n",
	    ds.out[DHCP6_ADVERTISE], ds.out[DHCP6_REPLY]);
	status_metric(b, "pxed_dhcp6_repeated_total", "counter",
	    "Replies on the PXE port 4011 sent a second time.");
	status_printf(b, "pxed_dhcp6_repeated_total %" PRIu64 "\n",
	    ds.repeats);
	status_metric(b, "pxed_dhcp6_dropped_total", "counter",
	    "DHCPv6 messages not answered, by reason.");
	status_printf(b, "pxed_dhcp6_dropped_total{reason=\"malformed\"} %"
	    PRIu64 "\npxed_dhcp6_dropped_total{reason=\"ignored\"} %" PRIu64
	    "\npxed_dhcp6_dropped_total{reason=\"not_durable\"} %" PRIu64
	    "\npxed_dhcp6_dropped_total{reason=\"claimed_elsewhere\"} %"
	    PRIu64 "\n", ds.malformed, ds.ignored, ds.dropped_sync,
	    ds.dropped_lost);
	status_metric(b, "pxed_dhcp6_bindings", "gauge",
	    "DHCPv6 bindings by state.");
	status_printf(b, "pxed_dhcp6_bindings{state=\"active\"} %u\n"
	    "pxed_dhcp6_bindings{state=\"offered\"} %u\n"
	    "pxed_dhcp6_bindings{state=\"declined\"} %u\n",
	    ds.bindings_active, ds.bindings_offered, ds.bindings_declined);
	status_one(b, "pxed_ra_sent_total", "counter",
	    "Router advertisements sent.", rs.sent);
	status_one(b, "pxed_ra_solicits_total", "counter",
	    "Router solicitations answered.", rs.solicits);
}

static void
status_tftp(struct status_buf *b)
{
	struct tftp_io_stats	ts;

	tftp_io_stats(&ts);
	status_one(b, "pxed_tftp_transfers_active", "gauge",
	    "TFTP transfers in progress.", ts.active);
	status_metric(b, "pxed_tftp_transfers_total", "counter",
	    "TFTP transfers ended, by result.");
	status_printf(b, "pxed_tftp_transfers_total{result=\"completed\"} %"
	    PRIu64 "\npxed_tftp_transfers_total{result=\"failed\"} %" PRIu64
	    "\npxed_tftp_transfers_total{result=\"probe\"} %" PRIu64
	    "\npxed_tftp_transfers_total{result=\"refused\"} %" PRIu64
	    "\npxed_tftp_transfers_total{result=\"busy\"} %" PRIu64 "\n",
	    ts.completed, ts.failed, ts.probes, ts.refused, ts.busy);
	status_one(b, "pxed_tftp_sent_bytes_total", "counter",
	    "Bytes of files sent over TFTP.", ts.bytes);
	status_metric(b, "pxed_tftp_requests_limited_total", "counter",
	    "TFTP requests refused by a per-client limit, by limit.");
	status_printf(b, "pxed_tftp_requests_limited_total{limit=\"transfers"
	    "\"} %" PRIu64 "\npxed_tftp_requests_limited_total{limit=\"rate\"} "
	    "%" PRIu64 "\n", ts.client_limit, ts.rate_limit);
}

static void
status_http(struct status_buf *b)
{
	struct http_stats	hs;
	size_t			i;

	http_stats(&hs);
	status_metric(b, "pxed_http_requests_total", "counter",
	    "HTTP requests, by status code class.");
	for (i = 1; i <= 5; i++)
		status_printf(b, "pxed_http_requests_total{code=\"%zuxx\"} %"
		    PRIu64 "\n", i, hs.by_code[i]);
	status_one(b, "pxed_http_sent_bytes_total", "counter",
	    "Bytes of HTTP bodies sent.", hs.bytes);
	status_one(b, "pxed_http_scripts_total", "counter",
	    "iPXE scripts rendered.", hs.scripts);
	status_metric(b, "pxed_http_connections_refused_total", "counter",
	    "HTTP connections refused at accept, by limit.");
	status_printf(b, "pxed_http_connections_refused_total{limit=\"per-"
	    "client\"} %" PRIu64 "\npxed_http_connections_refused_total{limit="
	    "\"max-connections\"} %" PRIu64 "\n", hs.refused_client,
	    hs.refused_full);
	status_one(b, "pxed_http_header_timeouts_total", "counter",
	    "Connections closed for a first request not complete within "
	    "header-timeout.", hs.header_timeouts);
}

/* The daemon as a whole: loop warnings, then the configuration. */
static void
status_daemon(struct status_buf *b)
{
	status_one(b, "pxed_boot_loop_warnings_total", "counter",
	    "Warnings of a machine fetching one boot file again and again.",
	    loopguard_warnings());
	status_one(b, "pxed_config_generation", "gauge",
	    "Configuration generation in use.", pxed.generation);
	status_one(b, "pxed_config_last_reload_success", "gauge",
	    "1 when the last reload succeeded.", pxed.last_reload_ok ? 1 : 0);
	status_metric(b, "pxed_config_reloads_total", "counter",
	    "Reloads, by result.");
	status_printf(b, "pxed_config_reloads_total{result=\"ok\"} %u\n"
	    "pxed_config_reloads_total{result=\"failed\"} %u\n",
	    pxed.reloads - pxed.reload_failures, pxed.reload_failures);
}

char *
status_metrics(size_t *len)
{
	struct status_buf	b = { NULL, 0, 0 };

	if ((b.p = malloc(b.cap = 8192)) == NULL)
		fatal("http: malloc");
	status_dhcp(&b);
	status_dhcp6(&b);
	status_tftp(&b);
	status_http(&b);
	status_daemon(&b);
	*len = b.len;
	return b.p;
}

struct status_ctx {
	struct status_buf	*b;
	int64_t			 now;
	bool			 first;
};

#define STATUS_MACHINES	256		/* the most recent, in /state */
#define STATUS_RECENT	(3600 * 1000)	/* ms: "seen recently" */

/* The machines to show, newest first, and the clocks to show them by. */
struct status_machines {
	struct client_view	 v[STATUS_MACHINES];
	size_t			 n;
	uint64_t		 mono;		/* ev_now() */
	int64_t			 wall;		/* epoch ms */
};

static void
status_lease(const struct lease *l, void *arg)
{
	struct status_ctx	*x = arg;
	char			 addr[INET_ADDRSTRLEN], mac[50];
	struct in_addr		 a = { htonl(l->addr) };

	if (!lease_is_live(l, x->now))
		return;
	inet_ntop(AF_INET, &a, addr, sizeof(addr));
	dhcp_proto_mac_str(l->chaddr, l->hlen, mac, sizeof(mac));
	status_printf(x->b, "%s\n    {\"address\": \"%s\", \"mac\": \"%s\", "
	    "\"expires\": %" PRId64 ", \"state\": \"%s\"}", x->first ? "" : ",",
	    addr, mac, l->expires == LEASE_NEVER ? (int64_t)-1 : l->expires,
	    l->state == LEASE_ACKED ? "acked" : l->state == LEASE_OFFERED ?
	    "offered" : "declined");
	x->first = false;
}

static void
status_lease6(const struct lease6 *l, void *arg)
{
	struct status_ctx	*x = arg;
	char			 addr[INET6_ADDRSTRLEN], mac[20] = "";

	if (!lease6_is_live(l, x->now))
		return;
	inet_ntop(AF_INET6, &l->addr, addr, sizeof(addr));
	if (l->has_mac)
		dhcp_proto_mac_str(l->mac, 6, mac, sizeof(mac));
	status_printf(x->b, "%s\n    {\"address\": \"%s\", \"mac\": \"%s\", "
	    "\"iaid\": %" PRIu32 ", \"expires\": %" PRId64 ", \"state\": "
	    "\"%s\"}", x->first ? "" : ",", addr, mac, l->iaid, l->expires,
	    l->state == LEASE_ACKED ? "acked" : l->state == LEASE_OFFERED ?
	    "offered" : "declined");
	x->first = false;
}

static void
status_xfer(const char *client, const char *file, uint64_t sent,
    uint64_t size, void *arg)
{
	struct status_ctx	*x = arg;
	char			 f[600], *p;

	/* Names as the client sent them: keep the JSON a string. */
	log_sanitize(f, sizeof(f), (const uint8_t *)file, strlen(file));
	for (p = f; *p != '\0'; p++)
		if (*p == '"' || *p == '\\')
			*p = '_';
	status_printf(x->b, "%s\n    {\"client\": \"%s\", \"file\": \"%s\", "
	    "\"sent\": %" PRIu64 ", \"size\": %" PRIu64 "}", x->first ? "" :
	    ",", client, f, sent, size);
	x->first = false;
}

/*
 * s as the inside of a JSON string: names come from the clients, so
 * anything but plain printable ASCII is escaped (and <, >, & too: the
 * page never parses them as markup).
 */
static void
status_str(struct status_buf *b, const char *s)
{
	unsigned char	u;

	for (; (u = (unsigned char)*s) != '\0'; s++)
		if (u < 0x20 || u >= 0x7f || strchr("\"\\<>&", u) != NULL)
			status_printf(b, "\\u%04x", u);
		else
			status_printf(b, "%c", u);
}

/* A monotonic time as epoch ms. */
static int64_t
status_wall(const struct status_machines *m, uint64_t t)
{
	return m->wall - (int64_t)(m->mono - t);
}

static int
status_newest(const void *a, const void *b)
{
	const struct client_view	*x = a, *y = b;

	return x->boot->last < y->boot->last ? 1 :
	    x->boot->last > y->boot->last ? -1 : 0;
}

/* Keep v when recent; when full, it replaces the oldest kept. */
static void
status_keep(const struct client_view *v, void *arg)
{
	struct status_machines	*m = arg;
	size_t			 i, old = 0;

	if (m->mono - v->boot->last > STATUS_RECENT)
		return;
	if (m->n < STATUS_MACHINES) {
		m->v[m->n++] = *v;
		return;
	}
	for (i = 1; i < m->n; i++)
		if (m->v[i].boot->last < m->v[old].boot->last)
			old = i;
	if (v->boot->last > m->v[old].boot->last)
		m->v[old] = *v;
}

static void
status_steps(struct status_buf *b, const struct status_machines *m,
    const struct client_boot *boot)
{
	const struct client_step	*s;
	size_t				 i;
	bool				 first = true;

	for (i = 0; i < CLIENT_STAGES; i++) {
		s = &boot->step[i];
		if (s->count == 0)
			continue;
		status_printf(b, "%s{\"stage\": \"%s\", \"state\": \"%s\", "
		    "\"via\": \"%s\", \"at\": %" PRId64 ", \"ms\": %u, "
		    "\"count\": %u}", first ? "" : ", ", client_stage_name(i),
		    client_stage_state_name(s->state),
		    client_stage_via_name(s->via), status_wall(m, s->at),
		    s->state == CLIENT_STATE_RUNNING ? (unsigned)(m->mono -
		    s->at) : s->ms, s->count);
		first = false;
	}
}

static void
status_machine(struct status_buf *b, const struct status_machines *m,
    const struct client_view *v)
{
	const struct client_boot	*bt = v->boot;
	char				 mac[20];

	dhcp_proto_mac_str(v->mac, CLIENT_MAC_LEN, mac, sizeof(mac));
	status_printf(b, "\n    {\"mac\": \"%s\", \"hostname\": \"", mac);
	status_str(b, client_stage_hostname_of(bt));
	status_printf(b, "\", \"address\": \"%s\", \"arch\": %d, "
	    "\"ipxe\": %s, \"boots\": %u, \"first\": %" PRId64 ", "
	    "\"last\": %" PRId64 ",\n     \"stages\": [", v->addr, v->arch,
	    v->ipxe ? "true" : "false", bt->boots, status_wall(m, bt->first),
	    status_wall(m, bt->last));
	status_steps(b, m, bt);
	status_printf(b, "],\n     \"download\": ");
	if (client_stage_file_of(bt)[0] != '\0') {
		status_printf(b, "{\"file\": \"");
		status_str(b, client_stage_file_of(bt));
		status_printf(b, "\", \"via\": \"%s\", \"stage\": \"%s\", "
		    "\"done\": %" PRIu64 ", \"size\": %" PRIu64 ", "
		    "\"active\": %s}", client_stage_via_name(bt->dl_via),
		    client_stage_name(bt->dl_stage), bt->done, bt->size,
		    bt->dl_active ? "true" : "false");
	} else
		status_printf(b, "null");
	status_printf(b, ",\n     \"problem\": ");
	if (client_stage_problem_of(bt)[0] != '\0') {
		status_printf(b, "{\"text\": \"");
		status_str(b, client_stage_problem_of(bt));
		status_printf(b, "\", \"at\": %" PRId64 ", \"loop\": %s}",
		    status_wall(m, bt->problem_at),
		    bt->problem_loop ? "true" : "false");
	} else
		status_printf(b, "null");
	status_printf(b, "}");
}

/* "now" and "machines": the boots seen recently, newest first. */
static void
status_machines(struct status_buf *b)
{
	struct status_machines	*m;
	struct timespec		 ts;
	size_t			 i;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		fatal("http: calloc");
	clock_gettime(CLOCK_REALTIME, &ts);
	m->wall = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	m->mono = ev_now();
	client_foreach(status_keep, m);
	qsort(m->v, m->n, sizeof(m->v[0]), status_newest);
	status_printf(b, ",\n  \"now\": %" PRId64 ",\n  \"machines\": [",
	    m->wall);
	for (i = 0; i < m->n; i++) {
		status_printf(b, "%s", i > 0 ? "," : "");
		status_machine(b, m, &m->v[i]);
	}
	status_printf(b, "%s]", m->n > 0 ? "\n  " : "");
	free(m);
}

/* "lease_database": {...}, when configured. */
static void
status_lease_db_state(struct status_buf *b)
{
	struct lease_pg_info	i;

	lease_pg_info(&i);
	if (!i.configured)
		return;
	status_printf(b, ",\n  \"lease_database\": {\"state\": \"%s\", "
	    "\"ready\": %s, \"since\": %" PRId64 ", \"error\": ", i.state,
	    i.ready ? "true" : "false", i.since);
	status_str(b, i.error);
	status_printf(b, "}");
}

char *
status_state(const struct conf *conf, size_t *len)
{
	struct status_buf	b = { NULL, 0, 0 };
	struct status_ctx	x = { &b, (int64_t)time(NULL), true };
	struct tftp_io_stats	ts;

	if ((b.p = malloc(b.cap = 4096)) == NULL)
		fatal("http: malloc");
	tftp_io_stats(&ts);
	status_printf(&b, "{\n  \"version\": \"%s\",\n  \"generation\": %u,\n"
	    "  \"last_reload_ok\": %s,\n  \"dhcp_mode\": \"%s\",\n"
	    "  \"tftp_active\": %u", PACKAGE_VERSION,
	    pxed.generation, pxed.last_reload_ok ? "true" : "false",
	    conf_dhcp_mode_name(conf->dhcp.mode), ts.active);
	status_lease_db_state(&b);
	status_printf(&b, ",\n  \"leases\": [");
	dhcp_io_foreach_lease(status_lease, &x);
	status_printf(&b, "%s],\n  \"leases6\": [", x.first ? "" : "\n  ");
	x.first = true;
	dhcp6_io_foreach_lease(status_lease6, &x);
	status_printf(&b, "%s],\n  \"tftp_transfers\": [", x.first ? "" :
	    "\n  ");
	x.first = true;
	tftp_io_foreach_active(status_xfer, &x);
	status_printf(&b, "%s]", x.first ? "" : "\n  ");
	status_machines(&b);
	status_printf(&b, "\n}\n");
	*len = b.len;
	return b.p;
}

