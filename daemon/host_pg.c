/*
 * host_pg.c: the host inventory in PostgreSQL (host-database); see
 * host_pg.h.
 */
#include "config.h"

#include <arpa/inet.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf_int.h"
#include "host_pg.h"
#include "log.h"
#include "tmpl.h"

enum { HC_MAC, HC_NAME, HC_IP, HC_IP6, HC_HOSTNAME, HC_TAGS, HC_BOOT,
    HC_VARS, HC_DUID };

static int
host_pg_tag(const struct conf *conf, const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < conf->ntags; i++)
		if (strlen(conf->tags[i].name) == len &&
		    memcmp(conf->tags[i].name, s, len) == 0)
			return (int)i;
	return -1;
}

/* Append pre"s"post to why. */
static void
host_pg_note(char *why, size_t whylen, const char *pre, const char *s,
    size_t len, const char *post)
{
	size_t	off = strlen(why);

	if (off < whylen)
		snprintf(why + off, whylen - off, "%s\"%.*s\"%s", pre,
		    (int)len, s, post);
}

/* tags "a,b": the ones conf knows (a tag no rule tests does nothing). */
static void
host_pg_tags(const struct conf *conf, struct arena *a, const char *s,
    struct conf_host *h, char *why, size_t whylen)
{
	size_t	n = 1, len;
	int	t;

	for (len = 0; s[len] != '\0'; len++)
		n += s[len] == ',';
	h->tags = arena_alloc(a, n * sizeof(*h->tags));
	while (*s != '\0') {
		len = strcspn(s, ",");
		if (len == 5 && memcmp(s, "known", 5) == 0)
			t = -1;
		else
			t = host_pg_tag(conf, s, len);
		if (t < 0)
			host_pg_note(why, whylen, "tag ", s, len, " is not "
			    "used by any rule; ");
		else
			h->tags[h->ntags++] = (unsigned)t;
		s += len + (s[len] == ',');
	}
}

/* vars "k=v\n...": as the vars of a host section. */
static int
host_pg_vars(struct arena *a, const char *s, struct conf_host *h, char *why,
    size_t whylen)
{
	size_t	n = 1, len, k;

	for (len = 0; s[len] != '\0'; len++)
		n += s[len] == '\n';
	h->vars = arena_alloc(a, n * sizeof(*h->vars));
	while (*s != '\0') {
		len = strcspn(s, "\n");
		k = strcspn(s, "=");
		if (k == 0 || k >= len || tmpl_is_builtin(s, k)) {
			host_pg_note(why, whylen, "vars: ", s, len, " is not "
			    "NAME=VALUE of a variable of its own");
			return -1;
		}
		h->vars[h->nvars].name = arena_strndup(a, s, k);
		h->vars[h->nvars++].value = arena_strndup(a, s + k + 1,
		    len - k - 1);
		s += len + (s[len] == '\n');
	}
	return 0;
}

/*
 * The range whose pool holds a (network order), or NULL.  The pools
 * reserve conf.d's fixed addresses when they are built; a database host
 * comes later, so its address must lie outside every pool.
 */
static const struct conf_range *
host_pg_in_pool(const struct conf *conf, struct in_addr a)
{
	uint32_t	h = ntohl(a.s_addr);
	size_t		i;

	for (i = 0; i < conf->dhcp.nranges; i++) {
		const struct conf_range	*r = &conf->dhcp.ranges[i];

		if (!r->nopool && h >= ntohl(r->start.s_addr) &&
		    h <= ntohl(r->end.s_addr))
			return r;
	}
	return NULL;
}

/* The range6 holding a, or NULL: the allocator knows conf.d's ip6 only. */
static const struct conf_range6 *
host_pg_in_range6(const struct conf *conf, const struct in6_addr *a)
{
	size_t	i;

	for (i = 0; i < conf->dhcp.nranges6; i++) {
		const struct conf_range6	*r = &conf->dhcp.ranges6[i];

		if (memcmp(a, &r->start, sizeof(*a)) >= 0 &&
		    memcmp(a, &r->end, sizeof(*a)) <= 0)
			return r;
	}
	return NULL;
}

/* The DUID and the fixed IPv6 address of a row. */
static int
host_pg_row6(const struct conf *conf, struct arena *a,
    const char *const col[HOST_PG_NCOLS], struct conf_host *h, char *why,
    size_t whylen)
{
	const struct conf_range6	*r;
	uint8_t				 d[130];	/* RFC 8415 11.1 */

	if (col[HC_IP6] != NULL &&
	    inet_pton(AF_INET6, col[HC_IP6], &h->ip6) != 1) {
		snprintf(why, whylen, "ip6 \"%s\" is not an IPv6 address",
		    col[HC_IP6]);
		return -1;
	}
	if (col[HC_IP6] != NULL &&
	    (r = host_pg_in_range6(conf, &h->ip6)) != NULL) {
		snprintf(why, whylen, "ip6 %s is in range6 \"%s\" (give a "
		    "database host an address outside the ranges)",
		    col[HC_IP6], r->name);
		return -1;
	}
	if (col[HC_DUID] == NULL)
		return 0;
	if ((h->duid_len = conf_inet6_duid(col[HC_DUID], d, sizeof(d))) == 0) {
		snprintf(why, whylen, "duid \"%s\" is not a DUID", col[HC_DUID]);
		return -1;
	}
	h->duid = arena_memdup(a, d, h->duid_len);
	return 0;
}

int
host_pg_row(const struct conf *conf, struct arena *a,
    const char *const col[HOST_PG_NCOLS], struct conf_host *h, char *why,
    size_t whylen)
{
	const struct conf_range	*r;

	if (whylen > 0)
		why[0] = '\0';
	memset(h, 0, sizeof(*h));
	h->where.file = "database";
	if (col[HC_MAC] == NULL ||
	    conf_value_parse_mac(col[HC_MAC], h->mac) == -1) {
		snprintf(why, whylen, "mac \"%s\" is not a MAC address",
		    col[HC_MAC] != NULL ? col[HC_MAC] : "");
		return -1;
	}
	h->has_mac = true;
	h->name = arena_strdup(a, col[HC_NAME] != NULL ? col[HC_NAME] :
	    col[HC_MAC]);
	if (col[HC_IP] != NULL && inet_pton(AF_INET, col[HC_IP], &h->ip) != 1) {
		snprintf(why, whylen, "ip \"%s\" is not an IPv4 address",
		    col[HC_IP]);
		return -1;
	}
	if (h->ip.s_addr != 0 && (r = host_pg_in_pool(conf, h->ip)) != NULL) {
		snprintf(why, whylen, "ip %s is in the pool of range \"%s\" "
		    "(give a database host an address outside the ranges)",
		    col[HC_IP], r->name);
		return -1;
	}
	if (host_pg_row6(conf, a, col, h, why, whylen) == -1)
		return -1;
	if (col[HC_HOSTNAME] != NULL) {
		if (!conf_value_validhostname(col[HC_HOSTNAME])) {
			snprintf(why, whylen, "hostname \"%s\" is not a valid "
			    "host name", col[HC_HOSTNAME]);
			return -1;
		}
		h->hostname = arena_strdup(a, col[HC_HOSTNAME]);
	}
	if (col[HC_VARS] != NULL && host_pg_vars(a, col[HC_VARS], h, why,
	    whylen) == -1)
		return -1;
	if (col[HC_TAGS] != NULL)
		host_pg_tags(conf, a, col[HC_TAGS], h, why, whylen);
	if (col[HC_BOOT] != NULL) {
		h->boot_name = arena_strdup(a, col[HC_BOOT]);
		if ((h->boot = conf_boot_by_name(conf, h->boot_name)) == NULL)
			host_pg_note(why, whylen, "boot ", h->boot_name,
			    strlen(h->boot_name), " is not defined; ");
	}
	return 0;
}

#ifdef HAVE_LIBPQ
#include "pg.h"

#define HOST_PG_SELECT \
	"SELECT mac::text, name, host(ip), host(ip6), hostname, " \
	"array_to_string(tags, ','), boot, (SELECT string_agg(key || '=' " \
	"|| value, E'\\n' ORDER BY key) FROM jsonb_each_text(vars)), " \
	"encode(duid, 'hex') FROM pxed_hosts ORDER BY mac"
#define HOST_PG_RETIRE	60	/* s a replaced host set is kept */

/* The compiled hosts, sorted by MAC. */
struct host_pg_set {
	struct arena		 a;
	struct conf_host	*h;
	size_t			 n;
	const struct conf_host	**byduid;	/* those with a DUID, sorted */
	size_t			 nduid;
	unsigned		 generation;	/* of the conf compiled for */
	time_t			 retired;
	struct host_pg_set	*next;		/* retired sets */
};

static struct {
	struct pg_conn		 pg;
	bool			 open;
	const struct conf	*conf;		/* in use */
	struct arena		 rows_a;	/* the last rows loaded */
	const char		*(*rows)[HOST_PG_NCOLS];
	size_t			 nrows;
	bool			 loaded;
	unsigned		 changes;	/* loads, for the set */
	unsigned		 built_changes;
	struct host_pg_set	*cur, *old;
	struct ev_timer		 debounce;
	bool			 busy, again;	/* a select in flight */
} H;

static int
host_pg_cmp(const void *a, const void *b)
{
	return memcmp(((const struct conf_host *)a)->mac,
	    ((const struct conf_host *)b)->mac, 6);
}

static int
host_pg_duid_cmp(const void *a, const void *b)
{
	const struct conf_host	*x = *(const struct conf_host *const *)a;
	const struct conf_host	*y = *(const struct conf_host *const *)b;

	if (x->duid_len != y->duid_len)
		return x->duid_len < y->duid_len ? -1 : 1;
	return memcmp(x->duid, y->duid, x->duid_len);
}

/* The host conf.d has with h's MAC or DUID (conf.d's wins), or NULL. */
static const struct conf_host *
host_pg_in_file(const struct conf *conf, const struct conf_host *h)
{
	const struct conf_host	*o;

	if ((o = conf_file_host_by_mac(conf, h->mac)) == NULL &&
	    h->duid != NULL)
		o = conf_inet6_file_host_by_duid(conf, h->duid, h->duid_len);
	return o;
}

/* The hosts of s with a DUID, sorted for host_pg_by_duid(). */
static void
host_pg_index(struct host_pg_set *s)
{
	size_t	i;

	s->byduid = arena_alloc(&s->a, (s->n + 1) * sizeof(*s->byduid));
	for (i = 0; i < s->n; i++)
		if (s->h[i].duid != NULL)
			s->byduid[s->nduid++] = &s->h[i];
	qsort(s->byduid, s->nduid, sizeof(*s->byduid), host_pg_duid_cmp);
}

static void
host_pg_retire(struct host_pg_set *s)
{
	struct host_pg_set	**pp, *o;
	time_t			 now = time(NULL);

	/* A transaction may hold a host of a replaced set for a while. */
	for (pp = &H.old; (o = *pp) != NULL; )
		if (now - o->retired > HOST_PG_RETIRE) {
			*pp = o->next;
			arena_free(&o->a);
			free(o);
		} else
			pp = &o->next;
	if (s == NULL)
		return;
	s->retired = now;
	s->next = H.old;
	H.old = s;
}

/* Compile the rows against conf and swap the set in. */
static void
host_pg_build(const struct conf *conf)
{
	struct host_pg_set	*s;
	char			 why[256];
	size_t			 i, dup = 0;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		fatal("host-database: calloc");
	s->generation = conf->generation;
	s->h = arena_alloc(&s->a, (H.nrows + 1) * sizeof(*s->h));
	for (i = 0; i < H.nrows; i++) {
		struct conf_host	*h = &s->h[s->n];
		const struct conf_host	*o;

		if (host_pg_row(conf, &s->a, H.rows[i], h, why,
		    sizeof(why)) == -1) {
			log_warnx("host-database: host %s skipped: %s",
			    H.rows[i][HC_MAC] != NULL ? H.rows[i][HC_MAC] : "?",
			    why);
			continue;
		}
		if (why[0] != '\0')
			log_warnx("host-database: host %s: %s", h->name, why);
		if ((o = host_pg_in_file(conf, h)) != NULL) {
			log_warnx("host-database: host %s: %s also in host "
			    "\"%s\" at %s:%d, which wins", h->name,
			    o->has_mac && memcmp(o->mac, h->mac, 6) == 0 ?
			    "MAC" : "DUID", o->name, o->where.file,
			    o->where.line);
			dup++;
			continue;
		}
		s->n++;
	}
	qsort(s->h, s->n, sizeof(*s->h), host_pg_cmp);
	host_pg_index(s);
	host_pg_retire(H.cur);
	H.cur = s;
	H.built_changes = H.changes;
	log_info("host-database: %zu host%s loaded, generation %u (%zu in "
	    "conf.d too)", s->n, s->n == 1 ? "" : "s", H.changes, dup);
}

/* The set compiled for conf and the last rows, or NULL before a load. */
static const struct host_pg_set *
host_pg_current(const struct conf *conf)
{
	if (!H.loaded)
		return NULL;
	if (H.cur == NULL || H.cur->generation != conf->generation ||
	    H.built_changes != H.changes)
		host_pg_build(conf);
	return H.cur;
}

static const struct conf_host *
host_pg_by_mac(const struct conf *conf, const uint8_t mac[6])
{
	const struct host_pg_set	*s = host_pg_current(conf);
	struct conf_host		 key;

	if (s == NULL)
		return NULL;
	memcpy(key.mac, mac, 6);
	return bsearch(&key, s->h, s->n, sizeof(key), host_pg_cmp);
}

static const struct conf_host *
host_pg_by_duid(const struct conf *conf, const uint8_t *duid, size_t len)
{
	const struct host_pg_set	*s = host_pg_current(conf);
	struct conf_host		 key;
	const struct conf_host		*kp = &key, *const *f;

	if (s == NULL)
		return NULL;
	key.duid = duid;
	key.duid_len = len;
	f = bsearch(&kp, s->byduid, s->nduid, sizeof(*s->byduid),
	    host_pg_duid_cmp);
	return f != NULL ? *f : NULL;
}

/* Keep a copy of the rows: pg.c frees r after this. */
static void
host_pg_rows(PGresult *r)
{
	int	i, j, n = PQntuples(r);

	arena_free(&H.rows_a);
	memset(&H.rows_a, 0, sizeof(H.rows_a));
	H.rows = arena_alloc(&H.rows_a, ((size_t)n + 1) * sizeof(*H.rows));
	H.nrows = (size_t)n;
	for (i = 0; i < n; i++)
		for (j = 0; j < HOST_PG_NCOLS && j < PQnfields(r); j++)
			H.rows[i][j] = PQgetisnull(r, i, j) ? NULL :
			    arena_strdup(&H.rows_a, PQgetvalue(r, i, j));
	H.loaded = true;
	H.changes++;
}

static void
host_pg_result(struct pg_conn *p, PGresult *r, void *arg)
{
	char	why[sizeof(p->error)];

	(void)arg;
	switch (PQresultStatus(r)) {
	case PGRES_COMMAND_OK:		/* LISTEN */
		break;
	case PGRES_TUPLES_OK:
		host_pg_rows(r);
		host_pg_build(H.conf);
		break;
	case PGRES_PIPELINE_SYNC:
		H.busy = false;
		if (p->error[0] != '\0') {
			snprintf(why, sizeof(why), "%s", p->error);
			pg_conn_fail(p, why);
			return;
		}
		pg_conn_ready(p);
		if (H.again) {
			H.again = false;
			ev_timer_add(&H.debounce, HOST_PG_DEBOUNCE);
		}
		break;
	default:
		snprintf(p->error, sizeof(p->error), "%.*s (run pxed "
		    "--db-init)", (int)strcspn(PQresultErrorMessage(r), "\n"),
		    PQresultErrorMessage(r));
		break;
	}
}

static void
host_pg_select(struct pg_conn *p)
{
	if (PQsendQueryParams(p->c, HOST_PG_SELECT, 0, NULL, NULL, NULL,
	    NULL, 0) != 1 || PQpipelineSync(p->c) != 1) {
		pg_conn_fail(p, PQerrorMessage(p->c));
		return;
	}
	H.busy = true;
	pg_sent(p, 2);
}

static void
host_pg_up(struct pg_conn *p, void *arg)
{
	(void)arg;
	p->error[0] = '\0';
	H.again = false;
	if (PQsendQueryParams(p->c, "LISTEN pxed_hosts", 0, NULL, NULL, NULL,
	    NULL, 0) != 1) {
		pg_conn_fail(p, PQerrorMessage(p->c));
		return;
	}
	if (pg_sent(p, 1))
		host_pg_select(p);
}

static void
host_pg_down(struct pg_conn *p, void *arg)
{
	(void)p;
	(void)arg;
	H.busy = false;
	ev_timer_del(&H.debounce);
}

static void
host_pg_notify(struct pg_conn *p, const char *channel, const char *payload,
    void *arg)
{
	(void)p;
	(void)channel;
	(void)arg;
	log_debug("host-database: notified (%s)", payload);
	if (!ev_timer_pending(&H.debounce))
		ev_timer_add(&H.debounce, HOST_PG_DEBOUNCE);
}

static void
host_pg_debounced(void *arg)
{
	(void)arg;
	if (H.pg.state != PG_UP)
		return;
	if (H.busy)
		H.again = true;
	else
		host_pg_select(&H.pg);
}

void
host_pg_init(const struct conf *conf)
{
	static const struct pg_cbs	cb = { host_pg_up, host_pg_result,
	    host_pg_down, host_pg_notify };

	if (conf->host_database == NULL)
		return;
	H.conf = conf;
	ev_timer_init(&H.debounce, host_pg_debounced, NULL);
	conf_host_extra = host_pg_by_mac;
	conf_inet6_duid_extra = host_pg_by_duid;
	pg_conn_start(&H.pg, conf->host_database, "host-database", &cb, NULL);
	H.open = true;
}

void
host_pg_reload(const struct conf *conf)
{
	H.conf = conf;
	if (!H.open)
		host_pg_init(conf);
	else if (conf->host_database == NULL ||
	    strcmp(conf->host_database, H.pg.url) != 0)
		log_warnx("host-database: a new host-database takes a "
		    "restart");
}

int
host_pg_load_now(const struct conf *conf, FILE *err)
{
	PGconn		*c;
	PGresult	*r;
	int		 rc = -1;

	if (conf->host_database == NULL)
		return 0;
	c = PQconnectdb(conf->host_database);
	if (c == NULL || PQstatus(c) != CONNECTION_OK) {
		fprintf(err, "pxed: host-database: %s", c != NULL ?
		    PQerrorMessage(c) : "out of memory\n");
		PQfinish(c);
		return -1;
	}
	r = PQexec(c, HOST_PG_SELECT);
	if (PQresultStatus(r) == PGRES_TUPLES_OK) {
		H.conf = conf;
		host_pg_rows(r);
		host_pg_build(conf);
		conf_host_extra = host_pg_by_mac;
		conf_inet6_duid_extra = host_pg_by_duid;
		rc = 0;
	} else
		fprintf(err, "pxed: host-database: %s",
		    PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(c);
	return rc;
}

void
host_pg_close(void)
{
	if (!H.open)
		return;
	ev_timer_del(&H.debounce);
	pg_conn_stop(&H.pg);
	conf_host_extra = NULL;
	conf_inet6_duid_extra = NULL;
	host_pg_retire(H.cur);
	H.cur = NULL;
	H.conf = NULL;
	H.open = false;
}
#endif
