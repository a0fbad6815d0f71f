/*
 * conf.h: pxed's compiled, immutable configuration.
 *
 * conf_load() reads the main file and every conf.d/NAME.conf, checks them
 * one by one and then across files, and returns a struct conf that
 * nothing modifies afterwards.  A reload builds a new one and swaps the
 * pointer only when it loaded without error.
 */
#ifndef PXED_CONF_H
#define PXED_CONF_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "netaddr.h"
#include "tmpl.h"

#define CONF_MAX_TAGS	1024
#define CONF_TAG_WORDS	(CONF_MAX_TAGS / 64)
#define CONF_TAG_KNOWN	0		/* set when a host entry matched */
#define CONF_MAX_EXPR	256		/* tokens in one "if" expression */
#define CONF_MAX_OPTLEN	1024		/* bytes in one option value */
#define CONF_MAX_ERRORS	1000

struct conf_where {
	const char	*file;
	int		 line;
};

struct conf_tagset {
	uint64_t	 w[CONF_TAG_WORDS];
};

static inline void
conf_tag_set(struct conf_tagset *s, unsigned tag)
{
	s->w[tag / 64] |= (uint64_t)1 << (tag % 64);
}

static inline bool
conf_tag_isset(const struct conf_tagset *s, unsigned tag)
{
	return (s->w[tag / 64] >> (tag % 64)) & 1;
}

enum conf_unique_root {
	CONF_UNIQUE_NONE,
	CONF_UNIQUE_IP,
	CONF_UNIQUE_MAC,
};

enum conf_dhcp_mode {
	CONF_DHCP_OFF,
	CONF_DHCP_PROXY,
	CONF_DHCP_SERVER,
};

/* Router advertisements (ra_io.c): auto is on in server mode with range6. */
enum conf_ra {
	CONF_RA_AUTO,
	CONF_RA_ON,
	CONF_RA_OFF,
};

/* A DHCP option (or iPXE sub-option) value, already in wire form. */
struct conf_optval {
	uint8_t			 code;
	uint16_t		 len;
	const uint8_t		*data;
	struct conf_where	 where;
};

/* The shortest lease, s: labs test renewal with leases of seconds. */
#define CONF_LEASE_MIN		2

struct conf_range {
	const char		*name;
	struct conf_where	 where;
	struct in_addr		 start, end, netmask, subnet;
	struct in_addr		 router;		/* 0: none */
	struct in_addr		*dns;
	size_t			 ndns;
	const char		*domain;
	uint32_t		 lease_time;
	uint32_t		 t1, t2;	/* options 58, 59: s */
	bool			 nopool;	/* subnet only: INFORM, hosts */
};

/* An IPv6 range (dhcp.range6): addresses of start..end, on prefix. */
struct conf_range6 {
	const char		*name;
	struct conf_where	 where;
	struct in6_addr		 prefix, start, end;
	unsigned		 plen;
	struct in6_addr		*dns;			/* option 23 */
	size_t			 ndns;
	const char		*domain;		/* option 24 */
	uint32_t		 preferred, valid;	/* lifetimes, s */
};

/* An IPv6 prefix of a relay condition. */
struct conf_prefix6 {
	struct in6_addr		 net;
	unsigned		 plen;
};

enum conf_cond_kind {
	COND_ARCH,
	COND_USERCLASS,
	COND_VENDORCLASS,
	COND_MAC,
	COND_OPTION,
	COND_INTERFACE,
	COND_RELAY,
	COND_KNOWN,
	COND_AGENT,		/* option 82 sub-option (code), op */
};

enum conf_optop {
	OPTOP_PRESENT,
	OPTOP_EQUAL,
	OPTOP_PREFIX,
};

struct conf_macpat {
	uint8_t		 val[6], mask[6];
};

struct conf_subnet {
	uint32_t	 net, mask;		/* host order */
};

struct conf_cond {
	enum conf_cond_kind	 kind;
	struct conf_where	 where;
	size_t			 n;		/* entries in the array used */
	uint16_t		*arch;
	struct conf_macpat	*mac;
	const char		**names;	/* interfaces */
	struct conf_subnet	*nets;
	struct conf_prefix6	*nets6;		/* COND_RELAY, IPv6 */
	size_t			 n6;
	const uint8_t		*data;		/* userclass, vendorclass, option */
	size_t			 len;
	uint8_t			 code;		/* COND_OPTION, COND_AGENT */
	enum conf_optop		 op;
	bool			 known;
};

struct conf_match {
	const char		*tag_name;
	unsigned		 tag;
	unsigned		 tftp_refuse;	/* TFTP_REFUSE_* when it holds */
	struct conf_where	 where;
	struct conf_cond	*conds;
	size_t			 nconds;
};

/* "if" expressions in reverse Polish notation over tag numbers. */
#define EXPR_NOT	0xfffd
#define EXPR_AND	0xfffe
#define EXPR_OR		0xffff

struct conf_expr {
	const char		*text;		/* NULL: always true */
	uint16_t		*ops;
	size_t			 nops;
};

/* TFTP options a rule may refuse to negotiate (pain point 10). */
#define TFTP_REFUSE_BLKSIZE	0x01
#define TFTP_REFUSE_TSIZE	0x02
#define TFTP_REFUSE_TIMEOUT	0x04
#define TFTP_REFUSE_WINDOWSIZE	0x08

/* Which fields of a conf_bootset were given (hosts override per field). */
#define BS_FILENAME	0x001
#define BS_NEXT_SERVER	0x002
#define BS_SERVER_NAME	0x004
#define BS_OPT66	0x008
#define BS_OPT67	0x010
#define BS_OPTIONS	0x020
#define BS_PXE		0x040
#define BS_IPXE		0x080
#define BS_TFTP_REFUSE	0x100
#define BS_DELAY	0x200
#define BS_TFTP_ALIAS	0x400
#define BS_BOOTPARAM6	0x800
#define BS_PXL_MAGIC	0x1000		/* RFC 5071 208 */
#define BS_PXL_CONFIG	0x2000		/* 209 */
#define BS_PXL_PREFIX	0x4000		/* 210 */
#define BS_PXL_REBOOT	0x8000		/* 211 */

/* A TFTP path alias: a request for "from" is served "to". */
struct conf_alias {
	const char		*from, *to;	/* clean relative paths */
};

/* What a boot entry (or a host's own override) says to send. */
struct conf_bootset {
	unsigned		 set;		/* BS_* */
	struct tmpl		 filename;
	struct in_addr		 next_server;
	const char		*server_name;
	bool			 opt66, opt67;
	struct conf_optval	*options;	/* any numbered option */
	size_t			 noptions;
	const uint8_t		*pxe;		/* option 43 body, encoded */
	size_t			 pxe_len;
	const uint8_t		*ipxe;		/* option 175 body, encoded */
	size_t			 ipxe_len;
	unsigned		 tftp_refuse;	/* TFTP_REFUSE_* */
	struct conf_alias	*aliases;
	size_t			 naliases;
	unsigned		 delay_ms;
	const uint8_t		*param6;	/* DHCPv6 option 60 body */
	size_t			 param6_len;
	bool			 pxl_magic;	/* pxelinux, RFC 5071 */
	const char		*pxl_config;
	const char		*pxl_prefix;
	uint32_t		 pxl_reboot;
};

struct conf_boot {
	const char		*name;
	struct conf_where	 where;
	struct conf_expr	 cond;
	struct conf_bootset	 bs;
};

struct conf_var {
	const char		*name, *value;
};

struct conf_host {
	const char		*name;
	struct conf_where	 where;
	uint8_t			 mac[6];
	bool			 has_mac;		/* else known by duid */
	struct in_addr		 ip;			/* 0: none */
	struct in6_addr		 ip6;			/* :: none */
	const uint8_t		*duid;			/* NULL: none */
	size_t			 duid_len;
	const char		*hostname;
	unsigned		*tags;
	size_t			 ntags;
	const char		*boot_name;		/* pinned boot entry */
	const struct conf_boot	*boot;
	struct conf_bootset	 bs;			/* per-host overrides */
	struct conf_var		*vars;
	size_t			 nvars;
	struct conf_host	*hnext;			/* MAC hash chain */
	struct conf_host	*dnext;			/* DUID hash chain */
	struct conf_host	*i6next;		/* ip6 hash chain */
};

/* An iPXE script under the HTTP root, compiled at load. */
struct conf_script {
	const char		*path;		/* clean, relative to the root */
	struct tmpl		 t;
};

struct conf_tag {
	const char		*name;
	bool			 set;		/* some match or host sets it */
	struct conf_where	 set_where;	/* first place that sets it */
};

struct conf {
	unsigned		 refs;		/* conf_ref()/conf_unref() */
	unsigned		 generation;
	bool			 builtin;	/* main file missing: defaults */
	const char		*main_file;
	const char		*confdir;
	size_t			 nfiles;	/* rule files read (conf.d) */

	const char		**interfaces;
	size_t			 ninterfaces;
	const char		*user;
	const char		*pidfile;
	int			 loglevel;

	struct {
		enum conf_dhcp_mode	 mode;
		uint32_t		 lease_time;
		struct conf_range	*ranges;
		size_t			 nranges;
		struct conf_optval	*options;
		size_t			 noptions;
		const char		*lease_file;
		const char		*lease_database; /* NULL: journal */
		bool			 bootp;		/* answer BOOTP */
		bool			 authoritative;	/* ACK unknown */
		uint32_t		 renew_time;	/* T1, 0: lease / 2 */
		uint32_t		 rebind_time;	/* T2, 0: lease * 7/8 */
		uint32_t		 decline_time;	/* quarantine, s */
		unsigned		 max_offers;	/* per link, 0: auto */
		unsigned		 proxy_followup; /* s, 0: off */
		uint16_t		 port;		/* 67 */
		uint16_t		 proxy_port;	/* 4011, 0: off */
		/* DHCPv6 (dhcp6_srv.c): same mode, its own ranges. */
		bool			 ipv6;
		bool			 rapid_commit;
		unsigned		 t1_pct, t2_pct; /* of preferred */
		struct conf_range6	*ranges6;
		size_t			 nranges6;
		/* Router advertisements (RFC 4861). */
		enum conf_ra		 ra;
		bool			 ra_managed;	/* M flag */
		bool			 ra_other;	/* O flag */
		bool			 ra_autonomous;	/* prefix A flag */
		unsigned		 ra_lifetime;	/* router, s */
		unsigned		 ra_interval;	/* max interval, s */
	} dhcp;

	struct {
		bool		 enable;
		const char	*root;
		uint16_t	 port;
		unsigned	 max_transfers;
		unsigned	 max_per_client; /* at once; 0: no limit */
		unsigned	 max_rps;	/* RRQs a second; 0: no limit */
		unsigned	 max_blksize;
		unsigned	 max_windowsize;
		unsigned	 rollover;	/* block after 65535: 0 or 1 */
		unsigned	 timeout_ms;	/* first retransmission */
		unsigned	 retries;
		unsigned	 max_idle_ms;	/* abandon without progress */
		unsigned	 sockets;	/* transfer sockets (TIDs) */
		unsigned	 busy_poll_us;	/* spin for an ACK; 0: off */
		enum conf_unique_root unique_root;
		struct conf_script *tmpls;	/* *.tmpl under the root */
		size_t		 ntmpls;
	} tftp;

	struct {
		bool		 enable;
		uint16_t	 port;
		struct netaddr	 address;	/* unset: every address */
		const char	*root;
		unsigned	 max_connections;
		unsigned	 max_per_client; /* at once; 0: no limit */
		unsigned	 idle_timeout;	/* seconds */
		unsigned	 header_timeout; /* first request, seconds */
		unsigned	 sendfile_chunk; /* bytes per sendfile() */
		bool		 cork_header;	/* header with the body */
		bool		 status;	/* /metrics and /state */
		struct netaddr	 status_address;
		uint16_t	 status_port;	/* 0: on the main port */
		struct conf_script *scripts;	/* *.ipxe under the root */
		size_t		 nscripts;
		struct conf_script *tmpls;	/* *.tmpl (loadercfg.c) */
		size_t		 ntmpls;
	} http;

	/* Chainload loop guard: one MAC fetching one boot file this often. */
	unsigned		 loop_count;	/* 0: off */
	unsigned		 loop_window;	/* seconds */

	/* Hosts from PostgreSQL (host_pg.c), after conf.d's; NULL: none. */
	const char		*host_database;

	/* Reload when conf.d or the main file changes (conf_watch.c). */
	bool			 watch_conf_dir;
	unsigned		 watch_delay_ms;	/* quiet time */

	struct conf_match	*matches;
	size_t			 nmatches;
	struct conf_boot	*boots;
	size_t			 nboots;
	struct conf_host	*hosts;
	size_t			 nhosts;
	struct conf_host	**host_hash;
	size_t			 host_hash_mask;
	/* By DUID and by ip6, the size of host_hash (conf_inet6.c). */
	struct conf_host	**host_duid_hash, **host_ip6_hash;
	struct conf_tag		*tags;
	size_t			 ntags;

	struct arena		 arena;
};

/* Command-line settings that override the file (and are reloaded with it). */
struct conf_args {
	const char		*main_file;
	const char		*root;		/* -r */
	const char		**interfaces;	/* -i, repeatable */
	size_t			 ninterfaces;
	const char		*user;		/* -u */
	const char		*pidfile;	/* -p */
	const char		*confdir;	/* tests: beats conf-dir */
	bool			 main_given;	/* -f: it must exist */
};

struct conf_errors {
	char			**msg;		/* "file:line: message" */
	size_t			 n;
};

/* Returns NULL and fills errs (every error found) when anything is wrong. */
struct conf	*conf_load(const struct conf_args *args, struct conf_errors *errs);
void		 conf_free(struct conf *conf);
/* Work that outlives a reload (a transfer) holds a reference. */
struct conf	*conf_ref(struct conf *conf);
void		 conf_unref(struct conf *conf);
/* One line: counts of files, matches, boot entries, hosts, tags, ranges. */
void		 conf_summary(const struct conf *conf, char *buf, size_t len);
/*
 * Print to out, as "file:line: warning: ...", each configured option that
 * is never sent, or not to every client (pxed -t).  Returns how many.
 */
size_t		 conf_check_warn(const struct conf *conf, FILE *out);
void		 conf_errors_free(struct conf_errors *errs);

/* conf.d's host, else the host-database's (conf_host_extra). */
const struct conf_host *conf_host_by_mac(const struct conf *conf,
		    const uint8_t mac[6]);
/* conf.d's host only. */
const struct conf_host *conf_file_host_by_mac(const struct conf *conf,
		    const uint8_t mac[6]);
/* Set by host_pg.c while host-database is in use. */
extern const struct conf_host *(*conf_host_extra)(const struct conf *conf,
		    const uint8_t mac[6]);
/* conf_inet6.c: hosts by DUID (conf.d's, else the host-database's). */
const struct conf_host *conf_inet6_host_by_duid(const struct conf *conf,
		    const uint8_t *duid, size_t len);
/* conf.d's host only. */
const struct conf_host *conf_inet6_file_host_by_duid(const struct conf *conf,
		    const uint8_t *duid, size_t len);
/* Set by host_pg.c while host-database is in use. */
extern const struct conf_host *(*conf_inet6_duid_extra)(
		    const struct conf *conf, const uint8_t *duid, size_t len);
/* Hosts by fixed IPv6 address. */
const struct conf_host *conf_inet6_host_by_ip6(const struct conf *conf,
		    const struct in6_addr *a);
/* Whether a lies in net/plen. */
bool		 conf_inet6_in_prefix(const struct in6_addr *a,
		    const struct in6_addr *net, unsigned plen);
/* The first range6 whose prefix holds a, or NULL. */
const struct conf_range6 *conf_inet6_range_of(const struct conf *conf,
		    const struct in6_addr *a);
const struct conf_boot *conf_boot_by_name(const struct conf *conf,
		    const char *name);
const char	*conf_dhcp_mode_name(enum conf_dhcp_mode mode);
/* The compiled loader template at path, of the TFTP or the HTTP root. */
const struct conf_script *conf_tmpl_find(const struct conf *c, bool tftp,
	    const char *path);
/* The compiled iPXE script at path (clean, relative to the root). */
const struct conf_script *conf_script_find(const struct conf *c,
		    const char *path);

/* The parsers shared with --explain and the tests. */
int		 conf_value_parse_mac(const char *s, uint8_t mac[6]);
/* One hex digit's value (either case), -1 for any other character. */
int		 conf_value_hexval(int c);
int		 conf_value_parse_optval(struct arena *a, const char *s,
		    const uint8_t **data, size_t *len, char *err, size_t errlen);
/* A DUID in hex, colons or dashes allowed: its length, 0 if not one. */
size_t		 conf_inet6_duid(const char *s, uint8_t *out, size_t cap);

#endif
