/*
 * conf_setting.c: the main file's settings.  Every scalar setting (one
 * value with a type, a range and a default) is a row of conf_settings[]:
 * the libconfuse schema (conf_confuse.c), the parsing and its "file:line"
 * messages, the defaults and the test that pxed.conf(5) documents them
 * all read it, so a new setting is one row and its man-page entry.  The
 * rest of the main file is here too: interfaces, dhcp options and ranges.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "conf_int.h"
#include "log.h"

#ifndef PXED_TFTPROOT
#define PXED_TFTPROOT	"/usr/share/pxed/tftpboot"
#endif
#ifndef PXED_PIDFILE
#define PXED_PIDFILE	"/run/pxed.pid"
#endif
#ifndef PXED_LEASEFILE
#define PXED_LEASEFILE	"/var/lib/pxed/leases"
#endif

static const struct conf_setting_name conf_loglevels[] = {
	{ "error", LOG_ERR, false },
	{ "warning", LOG_WARNING, false },
	{ "notice", LOG_NOTICE, false },
	{ "info", LOG_INFO, false },
	{ "debug", LOG_DEBUG, false },
	{ NULL, 0, false },
};

static const struct conf_setting_name conf_modes[] = {
	{ "server", CONF_DHCP_SERVER, false },
	{ "proxy", CONF_DHCP_PROXY, false },
	{ "off", CONF_DHCP_OFF, false },
	{ NULL, 0, false },
};

static const struct conf_setting_name conf_ras[] = {
	{ "auto", CONF_RA_AUTO, false },
	{ "yes", CONF_RA_ON, false },
	{ "no", CONF_RA_OFF, false },
	{ "on", CONF_RA_ON, true },
	{ "off", CONF_RA_OFF, true },
	{ NULL, 0, false },
};

static const struct conf_setting_name conf_unique_roots[] = {
	{ "ip", CONF_UNIQUE_IP, false },
	{ "mac", CONF_UNIQUE_MAC, false },
	{ "none", CONF_UNIQUE_NONE, false },
	{ "no", CONF_UNIQUE_NONE, true },
	{ NULL, 0, false },
};

#define FIELD(m)	offsetof(struct conf, m), sizeof(((struct conf *)0)->m)
#define ROW_UINT(sec, key, min, max, def, m) \
	{ sec, key, CONF_SET_UINT, min, max, 1, NULL, def, NULL, FIELD(m), 0 }
/* Written in one unit (seconds), kept in another (milliseconds). */
#define ROW_SCALED(sec, key, min, max, scale, def, m) \
	{ sec, key, CONF_SET_UINT, min, max, scale, NULL, def, NULL, \
	    FIELD(m), 0 }
#define ROW_BOOL(sec, key, def, m) \
	{ sec, key, CONF_SET_BOOL, 0, 1, 1, NULL, def, NULL, FIELD(m), 0 }
#define ROW_ENUM(sec, key, names, def, m) \
	{ sec, key, CONF_SET_ENUM, 0, 0, 1, names, def, NULL, FIELD(m), 0 }
#define ROW_STR(sec, key, def, m) \
	{ sec, key, CONF_SET_STRING, 0, 0, 1, NULL, 0, def, FIELD(m), 0 }
#define ROW_PATH(sec, key, def, m) \
	{ sec, key, CONF_SET_PATH, 0, 0, 1, NULL, 0, def, FIELD(m), 0 }
#define ROW_IP(sec, key, m) \
	{ sec, key, CONF_SET_IP, 0, 0, 1, NULL, 0, NULL, FIELD(m), 0 }
#define ROW_ADDRPORT(sec, key, m, port) \
	{ sec, key, CONF_SET_ADDRPORT, 0, 0, 1, NULL, 0, NULL, FIELD(m), \
	    offsetof(struct conf, port) }

/*
 * Section (NULL: top level), key, range, default, field.  A NULL string
 * default is decided in conf_load(): conf-dir (missing is fine only when
 * not given), http root (the TFTP root), user (no change).
 */
static const struct conf_setting conf_settings[] = {
	ROW_ENUM(NULL, "log-level", conf_loglevels, LOG_INFO, loglevel),
	ROW_STR(NULL, "user", NULL, user),
	ROW_STR(NULL, "pidfile", PXED_PIDFILE, pidfile),
	ROW_STR(NULL, "conf-dir", NULL, confdir),
	ROW_UINT(NULL, "loop-count", 0, 1000, 3, loop_count),
	ROW_UINT(NULL, "loop-window", 1, 86400, 300, loop_window),
	ROW_BOOL(NULL, "watch-conf-dir", 0, watch_conf_dir),
	ROW_STR(NULL, "host-database", NULL, host_database),
	ROW_UINT(NULL, "watch-delay", 10, 60000, 200, watch_delay_ms),

	ROW_ENUM("dhcp", "mode", conf_modes, CONF_DHCP_PROXY, dhcp.mode),
	ROW_UINT("dhcp", "lease-time", CONF_LEASE_MIN, 0xfffffffeUL, 3600,
	    dhcp.lease_time),
	/* RFC 2131 4.4.5: 0 is its default, half and 7/8 of the lease. */
	ROW_UINT("dhcp", "renew-time", 0, 0xfffffffdUL, 0, dhcp.renew_time),
	ROW_UINT("dhcp", "rebind-time", 0, 0xfffffffdUL, 0, dhcp.rebind_time),
	ROW_UINT("dhcp", "decline-time", 1, 0xfffffffeUL, 600,
	    dhcp.decline_time),
	ROW_UINT("dhcp", "max-offers-per-link", 0, 16777216, 0,
	    dhcp.max_offers),
	ROW_PATH("dhcp", "lease-file", PXED_LEASEFILE, dhcp.lease_file),
	ROW_STR("dhcp", "lease-database", NULL, dhcp.lease_database),
	ROW_BOOL("dhcp", "bootp", 0, dhcp.bootp),
	ROW_BOOL("dhcp", "authoritative", 1, dhcp.authoritative),
	ROW_UINT("dhcp", "proxy-followup", 0, 3600, 10, dhcp.proxy_followup),
	ROW_UINT("dhcp", "port", 1, 65535, 67, dhcp.port),
	ROW_UINT("dhcp", "proxy-port", 0, 65535, 4011, dhcp.proxy_port),
	ROW_BOOL("dhcp", "ipv6", 1, dhcp.ipv6),
	ROW_BOOL("dhcp", "rapid-commit", 1, dhcp.rapid_commit),
	ROW_UINT("dhcp", "t1-percent", 1, 100, 50, dhcp.t1_pct),
	ROW_UINT("dhcp", "t2-percent", 1, 100, 80, dhcp.t2_pct),
	ROW_ENUM("dhcp", "ra", conf_ras, CONF_RA_AUTO, dhcp.ra),
	ROW_BOOL("dhcp", "ra-managed", 1, dhcp.ra_managed),
	ROW_BOOL("dhcp", "ra-other", 1, dhcp.ra_other),
	ROW_BOOL("dhcp", "ra-autonomous", 0, dhcp.ra_autonomous),
	/* RFC 4861 6.2.1: 0, or MaxRtrAdvInterval to 9000 s. */
	ROW_UINT("dhcp", "ra-router-lifetime", 0, 9000, 0, dhcp.ra_lifetime),
	/* RFC 4861 6.2.1: MaxRtrAdvInterval, 4 to 1800 s. */
	ROW_UINT("dhcp", "ra-interval", 4, 1800, 600, dhcp.ra_interval),

	ROW_BOOL("tftp", "enable", 1, tftp.enable),
	ROW_STR("tftp", "root", PXED_TFTPROOT, tftp.root),
	ROW_UINT("tftp", "port", 1, 65535, 69, tftp.port),
	ROW_UINT("tftp", "max-transfers", 1, 100000, 1000,
	    tftp.max_transfers),
	ROW_UINT("tftp", "max-transfers-per-client", 0, 100000, 8,
	    tftp.max_per_client),
	ROW_UINT("tftp", "max-requests-per-second", 0, 100000, 20,
	    tftp.max_rps),
	ROW_UINT("tftp", "max-blksize", 8, 65464, 65464, tftp.max_blksize),
	ROW_UINT("tftp", "max-windowsize", 1, 65535, 64, tftp.max_windowsize),
	ROW_UINT("tftp", "rollover", 0, 1, 0, tftp.rollover),
	ROW_UINT("tftp", "timeout", 10, 60000, 1000, tftp.timeout_ms),
	ROW_UINT("tftp", "retries", 0, 100, 6, tftp.retries),
	ROW_SCALED("tftp", "max-idle", 1, 3600, 1000, 30, tftp.max_idle_ms),
	ROW_UINT("tftp", "sockets", 1, 512, 8, tftp.sockets),
	ROW_UINT("tftp", "busy-poll", 0, 1000, 200, tftp.busy_poll_us),
	ROW_ENUM("tftp", "unique-root", conf_unique_roots, CONF_UNIQUE_NONE,
	    tftp.unique_root),

	ROW_BOOL("http", "enable", 1, http.enable),
	ROW_UINT("http", "port", 1, 65535, 80, http.port),
	ROW_STR("http", "root", NULL, http.root),
	ROW_IP("http", "address", http.address),
	ROW_UINT("http", "max-connections", 1, 900, 512,
	    http.max_connections),
	ROW_UINT("http", "max-connections-per-client", 0, 900, 16,
	    http.max_per_client),
	ROW_UINT("http", "idle-timeout", 1, 3600, 30, http.idle_timeout),
	ROW_UINT("http", "header-timeout", 1, 3600, 10, http.header_timeout),
	/* KiB; 128 is libmicrohttpd's own (http_send.c). */
	ROW_SCALED("http", "sendfile-chunk", 128, 16384, 1024, 2048,
	    http.sendfile_chunk),
	ROW_BOOL("http", "cork-header", 1, http.cork_header),
	ROW_BOOL("http", "status", 1, http.status),
	ROW_ADDRPORT("http", "status-address", http.status_address,
	    http.status_port),
};

#define CONF_NSETTINGS	(sizeof(conf_settings) / sizeof(conf_settings[0]))

const struct conf_setting *
conf_setting_row(size_t i)
{
	return i < CONF_NSETTINGS ? &conf_settings[i] : NULL;
}

/* ---------- typed getters, for any section ---------- */

int
conf_setting_ulong(struct conf_loader *L, struct cfg_t *sec, const char *name,
    unsigned long min, unsigned long max, unsigned long *v)
{
	const char	*s = conf_confuse_str(sec, name);

	if (s == NULL)
		return 0;
	if (!conf_value_parse_ulong(s, min, max, v)) {
		conf_error(L, conf_confuse_optline(L, sec, name), "%s: \"%s\" "
		    "is not a number from %lu to %lu", name, s, min, max);
		return -1;
	}
	return 1;
}

int
conf_setting_bool(struct conf_loader *L, struct cfg_t *sec, const char *name,
    bool *b)
{
	const char	*s = conf_confuse_str(sec, name);

	if (s == NULL)
		return 0;
	if (!conf_value_parse_bool(s, b)) {
		conf_error(L, conf_confuse_optline(L, sec, name), "%s: \"%s\" "
		    "is not yes or no", name, s);
		return -1;
	}
	return 1;
}

int
conf_setting_ip(struct conf_loader *L, struct cfg_t *sec, const char *name,
    struct in_addr *ip)
{
	const char	*s = conf_confuse_str(sec, name);

	if (s == NULL)
		return 0;
	if (!conf_value_parse_ip(s, ip)) {
		conf_error(L, conf_confuse_optline(L, sec, name), "%s: \"%s\" "
		    "is not an IPv4 address", name, s);
		return -1;
	}
	return 1;
}

/* ---------- the table ---------- */

/* Numbers of any width the row's field has; bools as bool. */
static void
conf_setting_store(struct conf *c, const struct conf_setting *s,
    unsigned long v)
{
	char		*p = (char *)c + s->off;
	bool		 b = v != 0;
	uint8_t		 u8 = (uint8_t)v;
	uint16_t	 u16 = (uint16_t)v;
	uint32_t	 u32 = (uint32_t)v;
	uint64_t	 u64 = v;

	if (s->type == CONF_SET_BOOL)
		memcpy(p, &b, sizeof(b));
	else if (s->size == 1)
		memcpy(p, &u8, 1);
	else if (s->size == 2)
		memcpy(p, &u16, 2);
	else if (s->size == 4)
		memcpy(p, &u32, 4);
	else if (s->size == 8)
		memcpy(p, &u64, 8);
	else
		fatalx("conf: %s: a field of %zu bytes", s->key, s->size);
}

static void
conf_setting_store_str(struct conf *c, const struct conf_setting *s,
    const char *v)
{
	memcpy((char *)c + s->off, &v, sizeof(v));
}

void
conf_setting_defaults(struct conf *c)
{
	const struct conf_setting	*s;
	size_t				 i;

	for (i = 0; i < CONF_NSETTINGS; i++) {
		s = &conf_settings[i];
		switch (s->type) {
		case CONF_SET_BOOL:
		case CONF_SET_UINT:
		case CONF_SET_ENUM:
			conf_setting_store(c, s, s->def * (s->scale ? s->scale :
			    1));
			break;
		case CONF_SET_STRING:
		case CONF_SET_PATH:
			conf_setting_store_str(c, s, s->defstr);
			break;
		case CONF_SET_IP:
		case CONF_SET_ADDRPORT:
			break;		/* AF_UNSPEC: none */
		}
	}
}

/* "a, b or c": the names a message lists. */
static void
conf_setting_names(const struct conf_setting_name *nm, char *buf,
    size_t len)
{
	size_t	i, n = 0, k = 0;

	for (i = 0; nm[i].name != NULL; i++)
		n += !nm[i].alias;
	buf[0] = '\0';
	for (i = 0; nm[i].name != NULL; i++) {
		if (nm[i].alias)
			continue;
		k++;
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
		    k == 1 ? "" : k == n ? " or " : ", ", nm[i].name);
	}
}

static void
conf_setting_enum(struct conf_loader *L, struct cfg_t *sec,
    const struct conf_setting *s, const char *v)
{
	const struct conf_setting_name	*nm;
	char				 list[256];

	for (nm = s->names; nm->name != NULL; nm++)
		if (strcasecmp(v, nm->name) == 0) {
			conf_setting_store(L->conf, s,
			    (unsigned long)nm->value);
			return;
		}
	conf_setting_names(s->names, list, sizeof(list));
	conf_error(L, conf_confuse_optline(L, sec, s->key),
	    "%s: \"%s\" is not %s", s->key, v, list);
}

/* The types written as text: a string, a path, a name, ADDRESS:PORT. */
static void
conf_setting_text(struct conf_loader *L, struct cfg_t *sec,
    const struct conf_setting *s)
{
	const char	*v = conf_confuse_str(sec, s->key);
	struct netaddr	 ip;
	uint16_t	 port;

	if (v == NULL)
		return;
	if (s->type == CONF_SET_ENUM) {
		conf_setting_enum(L, sec, s, v);
		return;
	}
	if (s->type == CONF_SET_ADDRPORT) {
		if (!conf_value_parse_addrport(v, &ip, &port)) {
			conf_error(L, conf_confuse_optline(L, sec, s->key),
			    "%s: \"%s\" is not ADDRESS:PORT or [IPV6]:PORT",
			    s->key, v);
			return;
		}
		memcpy((char *)L->conf + s->off, &ip, sizeof(ip));
		memcpy((char *)L->conf + s->off2, &port, sizeof(port));
		return;
	}
	if (s->type == CONF_SET_PATH && *v != '/')
		conf_error(L, conf_confuse_optline(L, sec, s->key),
		    "%s: \"%s\" is not an absolute path", s->key, v);
	conf_setting_store_str(L->conf, s, arena_strdup(L->a, v));
}

static void
conf_setting_parse(struct conf_loader *L, struct cfg_t *sec,
    const struct conf_setting *s)
{
	unsigned long	v;
	bool		b;
	struct netaddr	ip;
	const char	*str;

	switch (s->type) {
	case CONF_SET_BOOL:
		if (conf_setting_bool(L, sec, s->key, &b) > 0)
			conf_setting_store(L->conf, s, b);
		break;
	case CONF_SET_UINT:
		if (conf_setting_ulong(L, sec, s->key, s->min, s->max, &v) > 0)
			conf_setting_store(L->conf, s, v * (s->scale ?
			    s->scale : 1));
		break;
	case CONF_SET_IP:
		if ((str = conf_confuse_str(sec, s->key)) == NULL)
			break;
		if (netaddr_pton(str, &ip) == -1)
			conf_error(L, conf_confuse_optline(L, sec, s->key),
			    "%s: \"%s\" is not an IPv4 or IPv6 address",
			    s->key, str);
		else
			memcpy((char *)L->conf + s->off, &ip, sizeof(ip));
		break;
	default:
		conf_setting_text(L, sec, s);
		break;
	}
}

/* ---------- the rest of the main file ---------- */

/* The addresses of a range agree with its netmask and with each other. */
static int
conf_range_addrs(struct conf_loader *L, struct cfg_t *sec,
    struct conf_range *r)
{
	const char	*start = conf_confuse_str(sec, "start");
	const char	*end = conf_confuse_str(sec, "end");
	const char	*mask = conf_confuse_str(sec, "netmask");
	uint32_t	 m;

	if (conf_setting_ip(L, sec, "start", &r->start) < 0 ||
	    conf_setting_ip(L, sec, "end", &r->end) < 0 ||
	    conf_setting_ip(L, sec, "subnet", &r->subnet) < 0 ||
	    conf_setting_ip(L, sec, "netmask", &r->netmask) < 0 ||
	    conf_setting_ip(L, sec, "router", &r->router) < 0)
		return -1;
	m = ntohl(r->netmask.s_addr);
	if (m != 0 && (~m & (~m + 1)) != 0) {
		conf_error(L, conf_confuse_optline(L, sec, "netmask"),
		    "netmask: %s is not a contiguous netmask", mask);
		return -1;
	}
	if (r->subnet.s_addr != 0 &&
	    (r->subnet.s_addr & r->netmask.s_addr) != r->subnet.s_addr) {
		conf_error(L, conf_confuse_optline(L, sec, "subnet"), "range "
		    "\"%s\": subnet %s is not the network address of netmask "
		    "%s", r->name, conf_confuse_str(sec, "subnet"), mask);
		return -1;
	}
	if (r->nopool)
		r->start = r->end = r->subnet;
	else if (r->subnet.s_addr != 0 && r->subnet.s_addr !=
	    (r->start.s_addr & r->netmask.s_addr)) {
		conf_error(L, conf_confuse_optline(L, sec, "subnet"), "range "
		    "\"%s\": start %s is not in subnet %s", r->name, start,
		    conf_confuse_str(sec, "subnet"));
		return -1;
	}
	r->subnet.s_addr = r->start.s_addr & r->netmask.s_addr;
	if (ntohl(r->start.s_addr) > ntohl(r->end.s_addr)) {
		conf_error_where(L, &r->where, "range \"%s\": start %s is "
		    "after end %s", r->name, start, end);
		return -1;
	}
	if ((r->end.s_addr & r->netmask.s_addr) != r->subnet.s_addr) {
		conf_error(L, conf_confuse_optline(L, sec, "end"), "range "
		    "\"%s\": end %s is not in the subnet of start %s/%s",
		    r->name, end, start, mask);
		return -1;
	}
	if (r->router.s_addr != 0 &&
	    (r->router.s_addr & r->netmask.s_addr) != r->subnet.s_addr) {
		conf_error(L, conf_confuse_optline(L, sec, "router"), "range "
		    "\"%s\": router %s is outside the range's subnet", r->name,
		    conf_confuse_str(sec, "router"));
		return -1;
	}
	return 0;
}

/*
 * T1 and T2 (options 58 and 59) of a range: its own renew-time and
 * rebind-time, else the dhcp section's, else RFC 2131 4.4.5's defaults,
 * half and seven eighths of the lease.  T1 < T2 < lease time, checked
 * here with the line of the setting that breaks it (for a lease of 2 s
 * the defaults round to T1 = T2 = 1).
 */
static int
conf_range_timers(struct conf_loader *L, struct cfg_t *dsec,
    struct cfg_t *sec, struct conf_range *r)
{
	const struct conf	*c = L->conf;
	unsigned long		 v;
	uint32_t		 t1 = c->dhcp.renew_time, t2 = c->dhcp.rebind_time;
	int			 line1, line2;

	line1 = conf_confuse_optline(L, dsec, "renew-time");
	line2 = conf_confuse_optline(L, dsec, "rebind-time");
	if (conf_setting_ulong(L, sec, "renew-time", 1, 0xfffffffdUL, &v) < 0)
		return -1;
	if (conf_confuse_str(sec, "renew-time") != NULL) {
		t1 = (uint32_t)v;
		line1 = conf_confuse_optline(L, sec, "renew-time");
	}
	if (conf_setting_ulong(L, sec, "rebind-time", 1, 0xfffffffdUL, &v) < 0)
		return -1;
	if (conf_confuse_str(sec, "rebind-time") != NULL) {
		t2 = (uint32_t)v;
		line2 = conf_confuse_optline(L, sec, "rebind-time");
	}
	r->t1 = t1 != 0 ? t1 : r->lease_time / 2;
	r->t2 = t2 != 0 ? t2 : (uint32_t)((uint64_t)r->lease_time * 7 / 8);
	if (t2 != 0 && r->t2 >= r->lease_time) {
		conf_error(L, line2, "range \"%s\": rebind-time %u is not "
		    "below its lease time %u", r->name, r->t2, r->lease_time);
		return -1;
	}
	if (t1 != 0 && r->t1 >= r->t2) {
		conf_error(L, line1, "range \"%s\": renew-time %u is not "
		    "below its rebind time %u", r->name, r->t1, r->t2);
		return -1;
	}
	if (t2 != 0 && r->t1 >= r->t2) {
		conf_error(L, line2, "range \"%s\": rebind-time %u is not "
		    "above its renew time %u", r->name, r->t2, r->t1);
		return -1;
	}
	return 0;
}

/* What the clients of a range are told: DNS servers, domain, lease. */
static int
conf_range_client(struct conf_loader *L, struct cfg_t *dsec,
    struct cfg_t *sec, struct conf_range *r)
{
	const char	*s;
	unsigned long	 v;
	unsigned	 i, n = conf_confuse_size(sec, "dns");

	if (n > 0) {
		r->dns = arena_alloc(L->a, n * sizeof(*r->dns));
		for (i = 0; i < n; i++) {
			s = conf_confuse_nstr(sec, "dns", i);
			if (!conf_value_parse_ip(s, &r->dns[r->ndns++])) {
				conf_error(L, conf_confuse_optline(L, sec,
				    "dns"), "dns: \"%s\" is not an IPv4 "
				    "address", s);
				return -1;
			}
		}
	}
	if ((s = conf_confuse_str(sec, "domain")) != NULL) {
		if (!conf_value_validhostname(s)) {
			conf_error(L, conf_confuse_optline(L, sec, "domain"),
			    "domain: \"%s\" is not a domain name", s);
			return -1;
		}
		r->domain = arena_strdup(L->a, s);
	}
	if (conf_setting_ulong(L, sec, "lease-time", CONF_LEASE_MIN,
	    0xfffffffeUL, &v) < 0)
		return -1;
	if (conf_confuse_str(sec, "lease-time") != NULL)
		r->lease_time = (uint32_t)v;
	return conf_range_timers(L, dsec, sec, r);
}

static void
conf_range(struct conf_loader *L, struct cfg_t *dsec, struct cfg_t *sec,
    unsigned idx, uint32_t deflease)
{
	static const char *const need[] = { "start", "end", "netmask" };
	struct conf		*conf = L->conf;
	struct conf_range	 r;
	unsigned		 i;
	int			 bad = 0;

	memset(&r, 0, sizeof(r));
	r.name = arena_strdup(L->a, conf_confuse_title(sec));
	r.where = conf_confuse_sec_at(L, sec, KIND_RANGE, idx);
	r.lease_time = deflease;
	/* A subnet without a pool: INFORM and hosts' fixed addresses. */
	r.nopool = conf_confuse_str(sec, "start") == NULL &&
	    conf_confuse_str(sec, "end") == NULL &&
	    conf_confuse_str(sec, "subnet") != NULL;
	for (i = r.nopool ? 2 : 0; i < 3; i++)
		if (conf_confuse_str(sec, need[i]) == NULL) {
			conf_error_where(L, &r.where, "range \"%s\" has no %s",
			    r.name, need[i]);
			bad = 1;
		}
	if (bad || conf_range_addrs(L, sec, &r) == -1 ||
	    conf_range_client(L, dsec, sec, &r) == -1)
		return;
	CONF_GROW(conf->dhcp.ranges, conf->dhcp.nranges, L->cap_ranges);
	conf->dhcp.ranges[conf->dhcp.nranges++] = r;
}

/* lease-database: built with libpq (IPv4 leases and DHCPv6 bindings). */
static void
conf_lease_database(struct conf_loader *L, struct cfg_t *sec)
{
#ifndef HAVE_LIBPQ
	if (L->conf->dhcp.lease_database != NULL)
		conf_error(L, conf_confuse_optline(L, sec, "lease-database"),
		    "dhcp lease-database: pxed was built without libpq "
		    "(configure --with-libpq; Debian package libpq-dev)");
#else
	(void)L;
	(void)sec;
#endif
}
void
conf_setting_main(struct conf_loader *L, struct cfg_t *cfg,
    const struct conf_args *args)
{
	struct conf	*conf = L->conf;
	struct cfg_t	*sec;
	unsigned	 i;
	int		 n;

	for (i = 0; i < CONF_NSETTINGS; i++) {
		const struct conf_setting	*s = &conf_settings[i];

		conf_setting_parse(L, s->section != NULL ?
		    conf_confuse_sec(cfg, s->section) : cfg, s);
	}
	/* -i replaces the file's interfaces rather than adding to them. */
	if (conf_confuse_size(cfg, "interface") > 0 && args->ninterfaces == 0) {
		conf->ninterfaces = conf_confuse_size(cfg, "interface");
		conf->interfaces = arena_alloc(L->a, conf->ninterfaces *
		    sizeof(*conf->interfaces));
		for (i = 0; i < conf->ninterfaces; i++)
			conf->interfaces[i] = arena_strdup(L->a,
			    conf_confuse_nstr(cfg, "interface", i));
	}
	sec = conf_confuse_sec(cfg, "dhcp");
	if (conf_confuse_size(sec, "option") > 0) {
		n = conf_rules_options(L, sec, &conf->dhcp.options);
		conf->dhcp.noptions = n > 0 ? (size_t)n : 0;
	}
	for (i = 0; i < conf_confuse_size(sec, "range"); i++)
		conf_range(L, sec, conf_confuse_nsec(sec, "range", i), i,
		    conf->dhcp.lease_time);
	conf_inet6_dhcp(L, sec);
	conf_lease_database(L, sec);
#ifndef HAVE_LIBPQ
	if (conf->host_database != NULL)
		conf_error(L, conf_confuse_optline(L, cfg, "host-database"),
		    "host-database: pxed was built without libpq (configure "
		    "--with-libpq; Debian package libpq-dev)");
#endif
	if (conf->dhcp.mode == CONF_DHCP_SERVER && conf->dhcp.nranges == 0 &&
	    conf_confuse_size(sec, "range") == 0 &&
	    conf_confuse_size(sec, "range6") == 0)
		conf_error(L, conf_confuse_secline(L, sec), "dhcp: mode server "
		    "needs at least one range");
}
