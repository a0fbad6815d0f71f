/*
 * rules.h: the tag matcher, a pure function from a request summary and
 * a compiled config to (tags set, host entry, boot entry).
 */
#ifndef PXED_RULES_H
#define PXED_RULES_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "conf.h"

struct rules_opt {
	const uint8_t	*data;
	uint16_t	 len;
	bool		 present;
};

#define RULES_REQ_OWN	392	/* arch, classes, option 82 (client.h) */

/*
 * What the engine looks at in a request; the DHCP code fills it in.  An
 * IPv4 request (family 0 or AF_INET) has its options by DHCP code; an
 * IPv6 one (AF_INET6, dhcp6_srv_rules_req()) by DHCPv6 code (those below
 * 256), so that "option N" means the request's own family's option N,
 * while arch, vendorclass and userclass read options 61, 16 and 15 in
 * their DHCPv6 formats.
 */
struct rules_req {
	uint8_t		 mac[16];	/* chaddr */
	uint8_t		 mac_len;	/* hlen; only 6 matches MAC rules */
	struct rules_opt opt[256];	/* options by code, concatenated */
	const char	*ifname;	/* receiving interface, may be NULL */
	struct in_addr	 giaddr;	/* relay, 0 when not relayed */
	sa_family_t	 family;	/* 0 or AF_INET; AF_INET6 */
	const uint8_t	*duid;		/* IPv6: the client's DUID */
	size_t		 duid_len;
	struct in6_addr	 link6;		/* IPv6: relay link-address, or :: */
	/*
	 * Option bytes the request owns, for a summary built from a copy
	 * that does not outlive its builder (client.c: a machine's last
	 * DHCP request, for TFTP and HTTP).
	 */
	uint8_t		 own[RULES_REQ_OWN];
};

struct rules_result {
	struct conf_tagset	 tags;
	const struct conf_host	*host;
	const struct conf_boot	*boot;
	/* Boot entry settings with the host's own settings laid over. */
	struct conf_bootset	 eff;
	/* TFTP options refused: the boot settings' and every holding match's. */
	unsigned		 tftp_refuse;
};

void	rules_req_init(struct rules_req *req);
void	rules_req_setopt(struct rules_req *req, uint8_t code,
	    const uint8_t *data, size_t len);

/* Does this one match section hold for the request (host may be NULL)? */
bool	rules_match_holds(const struct conf_match *m,
	    const struct rules_req *req, const struct conf_host *host);
bool	rules_expr_holds(const struct conf_expr *e,
	    const struct conf_tagset *tags);
void	rules_eval(const struct conf *conf, const struct rules_req *req,
	    struct rules_result *res);

/* First architecture in option 93 (DHCPv6: 61), or -1 when absent. */
int	rules_arch(const struct rules_req *req);
/*
 * Option 77 holds s, as the raw string or as one RFC 3004 tuple; for
 * DHCPv6, option 15 holds it as one user-class-data (RFC 8415 21.15).
 */
bool	rules_userclass_has(const struct rules_req *req, const uint8_t *s,
	    size_t len);

/* Comma-separated tag names set in res, into buf. */
size_t	rules_tags_string(const struct conf *conf,
	    const struct rules_result *res, char *buf, size_t len);



/*
 * Template variables for one request: ${mac} ${ip} ${hostname} ${arch}
 * ${server} ${http} ${tags} and the host's own vars.  server and ip are
 * dotted quads the caller knows (the receiving interface, the lease).
 */
struct rules_vars {
	const struct conf		*conf;
	const struct rules_req		*req;
	const struct rules_result	*res;
	const char			*server;
	const char			*ip;
	char				 buf[512];	/* scratch */
};

const char *rules_var(void *ctx, const char *name, size_t len);
size_t	rules_render(const struct tmpl *t, struct rules_vars *v, char *buf,
	    size_t len);
#endif
