/*
 * explain.c: show what pxed would decide for a machine, without a
 * network: the tags each match sets (with its file:line), the host entry,
 * the boot entry chosen and the rendered boot file name.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <strings.h>

#include "client.h"
#include "dhcp_pkt.h"
#include "dhcp_proto.h"
#include "explain.h"
#include "log.h"

ssize_t
explain_read(const char *path, uint8_t *buf, size_t cap, FILE *err)
{
	ssize_t	n;
	int	fd;

	if ((fd = open(path, O_RDONLY)) == -1) {
		fprintf(err, "pxed: --explain: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = read(fd, buf, cap);
	if (n < 0)
		fprintf(err, "pxed: --explain: %s: %s\n", path, strerror(errno));
	close(fd);
	return n;
}

/* A captured DHCP request: every option it carries, into req. */
static int
explain_packet(struct arena *a, const char *path, struct rules_req *req,
    FILE *err)
{
	struct dhcp_msg	*m = arena_alloc(a, sizeof(*m));
	uint8_t		*buf = arena_alloc(a, DHCP_MAX_LEN + 1);
	enum dhcp_perr	 e;
	ssize_t		 n;

	if ((n = explain_read(path, buf, DHCP_MAX_LEN + 1, err)) < 0)
		return -1;
	if ((e = dhcp_pkt_parse(buf, (size_t)n, m)) != DHCP_POK) {
		fprintf(err, "pxed: --explain: %s: %s\n", path,
		    dhcp_pkt_perr_str(e));
		return -1;
	}
	client_rules_req(&(struct client_src){ .msg = m }, req);
	return 0;
}

int
explain_arch_code(const char *val, uint16_t *code, FILE *err)
{
	const struct dhcp_arch	*ar = dhcp_proto_arch_lookup(val);
	unsigned long		 n;
	char			*end;

	if (ar != NULL)
		n = ar->codes[0];
	else {
		n = strtoul(val, &end, 0);
		if (*val == '\0' || *end != '\0' || n > 65535) {
			fprintf(err, "pxed: --explain: arch "
			    "\"%s\" is not a number or a "
			    "name\n", val);
			return -1;
		}
	}
	*code = (uint16_t)n;
	return 0;
}

/* arch=: a name or a number, as option 93. */
static int
explain_arch(struct arena *a, const char *val, struct rules_req *req,
    FILE *err)
{
	uint16_t	 n;
	uint8_t		*b = arena_alloc(a, 2);

	if (explain_arch_code(val, &n, err) == -1)
		return -1;
	b[0] = (uint8_t)(n >> 8);
	b[1] = (uint8_t)n;
	rules_req_setopt(req, DHO_CLIENT_ARCH, b, 2);
	return 0;
}

int
explain_optword(struct arena *a, const char *key, const char *val,
    unsigned long max, unsigned long *code, const uint8_t **data,
    size_t *len, FILE *err)
{
	const char	*num = key + 3;
	char		*end, msg[256];

	if (strncasecmp(key, "option", 6) == 0)
		num = key + 6;
	*code = strtoul(num, &end, 10);
	if (*num == '\0' || *end != '\0' || *code < 1 || *code > max) {
		fprintf(err, "pxed: --explain: \"%s\": option "
		    "number from 1 to %lu expected\n", key, max);
		return -1;
	}
	if (conf_value_parse_optval(a, val, data, len, msg,
	    sizeof(msg)) == -1) {
		fprintf(err, "pxed: --explain: %s\n", msg);
		return -1;
	}
	return 0;
}

/* optN= or optionN=: any option, its value as in option lists. */
static int
explain_opt(struct arena *a, const char *key, const char *val,
    struct rules_req *req, FILE *err)
{
	const uint8_t	*data;
	size_t		 len;
	unsigned long	 code;

	if (explain_optword(a, key, val, 254, &code, &data, &len, err) == -1)
		return -1;
	rules_req_setopt(req, (uint8_t)code, data, len);
	return 0;
}

/*
 * circuit-id=, remote-id=, subscriber-id=: a sub-option appended to the
 * request's option 82, its value as in option lists.  0 when key is none
 * of them, 1 when done, -1 when bad.
 */
static int
explain_agent(struct arena *a, const char *key, const char *val,
    struct rules_req *req, FILE *err)
{
	const struct rules_opt		*o = &req->opt[DHO_RELAY_AGENT_INFO];
	const struct dhcp_agent_key	*k;
	const uint8_t			*data;
	uint8_t				*b;
	size_t				 len, old = o->present ? o->len : 0;
	char				 msg[256];

	for (k = dhcp_agent_keys; k->name != NULL; k++)
		if (strcasecmp(key, k->name) == 0)
			break;
	if (k->name == NULL)
		return 0;
	if (conf_value_parse_optval(a, val, &data, &len, msg,
	    sizeof(msg)) == -1) {
		fprintf(err, "pxed: --explain: %s: %s\n", key, msg);
		return -1;
	}
	if (old + 2 + len > 255) {
		fprintf(err, "pxed: --explain: %s: option 82 would be over "
		    "255 bytes\n", key);
		return -1;
	}
	b = arena_alloc(a, old + 2 + len);
	if (old > 0)
		memcpy(b, o->data, old);
	b[old] = k->code;
	b[old + 1] = (uint8_t)len;
	memcpy(b + old + 2, data, len);
	rules_req_setopt(req, DHO_RELAY_AGENT_INFO, b, old + 2 + len);
	return 1;
}

/* One KEY=VALUE word but packet= into req, server or ip; -1 if bad. */
static int
explain_word(struct arena *a, const char *key, const char *val,
    struct rules_req *req, const char **server, const char **ip, FILE *err)
{
	int	r;

	if ((r = explain_agent(a, key, val, req, err)) != 0)
		return r < 0 ? -1 : 0;
	if (strcasecmp(key, "packet") == 0 ||
	    strcasecmp(key, "packet4") == 0) {
		return 0;		/* read before the others */
	} else if (strcasecmp(key, "family") == 0) {
		if (strcmp(val, "4") != 0) {
			fprintf(err, "pxed: --explain: family=%s: 4 or 6 "
			    "expected\n", val);
			return -1;
		}
	} else if (strcasecmp(key, "mac") == 0) {
		if (conf_value_parse_mac(val, req->mac) == -1) {
			fprintf(err, "pxed: --explain: mac \"%s\" is "
			    "not a MAC address\n", val);
			return -1;
		}
		req->mac_len = 6;
	} else if (strcasecmp(key, "arch") == 0)
		return explain_arch(a, val, req, err);
	else if (strcasecmp(key, "vendorclass") == 0)
		rules_req_setopt(req, DHO_VENDOR_CLASS_ID,
		    (const uint8_t *)val, strlen(val));
	else if (strcasecmp(key, "userclass") == 0)
		rules_req_setopt(req, DHO_USER_CLASS,
		    (const uint8_t *)val, strlen(val));
	else if (strcasecmp(key, "interface") == 0)
		req->ifname = val;
	else if (strcasecmp(key, "giaddr") == 0 ||
	    strcasecmp(key, "relay") == 0) {
		if (inet_pton(AF_INET, val, &req->giaddr) != 1) {
			fprintf(err, "pxed: --explain: giaddr \"%s\" is "
			    "not an IPv4 address\n", val);
			return -1;
		}
	} else if (strcasecmp(key, "server") == 0)
		*server = val;
	else if (strcasecmp(key, "ip") == 0)
		*ip = val;
	else if (strncasecmp(key, "opt", 3) == 0)
		return explain_opt(a, key, val, req, err);
	else {
		fprintf(err, "pxed: --explain: unknown key \"%s\" "
		    "(family, packet, mac, arch, vendorclass, userclass, "
		    "interface, giaddr, circuit-id, remote-id, "
		    "subscriber-id, server, ip, optN; DHCPv6: pxed(8))\n",
		    key);
		return -1;
	}
	return 0;
}

int
explain_parse(struct arena *a, int argc, char *const argv[],
    struct rules_req *req, const char **server, const char **ip, FILE *err)
{
	int	i;

	rules_req_init(req);
	*server = NULL;
	*ip = NULL;
	/* A packet first, so that the other words can override it. */
	for (i = 0; i < argc; i++)
		if ((strncasecmp(argv[i], "packet=", 7) == 0 &&
		    explain_packet(a, argv[i] + 7, req, err) == -1) ||
		    (strncasecmp(argv[i], "packet4=", 8) == 0 &&
		    explain_packet(a, argv[i] + 8, req, err) == -1))
			return -1;
	for (i = 0; i < argc; i++) {
		const char	*val;
		char		 key[32];

		if (explain_key(argv[i], key, sizeof(key), &val, err) == -1 ||
		    explain_word(a, key, val, req, server, ip, err) == -1)
			return -1;
	}
	return 0;
}

int
explain_key(const char *word, char *key, size_t cap, const char **val,
    FILE *err)
{
	const char	*eq = strchr(word, '=');
	size_t		 klen;

	if (eq == NULL || (klen = (size_t)(eq - word)) == 0 || klen >= cap) {
		fprintf(err, "pxed: --explain: \"%s\" is not KEY=VALUE\n",
		    word);
		return -1;
	}
	memcpy(key, word, klen);
	key[klen] = '\0';
	*val = eq + 1;
	return 0;
}

/* pxelinux's options (RFC 5071) of the effective entry. */
static void
explain_pxelinux(const struct conf_bootset *bs, FILE *out)
{
	if (bs->pxl_magic)
		fprintf(out, "  pxelinux-magic (208): f1:00:74:7e\n");
	if (bs->pxl_config != NULL)
		fprintf(out, "  pxelinux-config-file (209): %s\n",
		    bs->pxl_config);
	if (bs->pxl_prefix != NULL)
		fprintf(out, "  pxelinux-path-prefix (210): %s\n",
		    bs->pxl_prefix);
	if (bs->set & BS_PXL_REBOOT)
		fprintf(out, "  pxelinux-reboot-time (211): %" PRIu32 " s\n",
		    bs->pxl_reboot);
}

static void
explain_bootset(const struct conf *conf, const struct rules_req *req,
    const struct rules_result *res, const char *server, const char *ip,
    FILE *out)
{
	const struct conf_bootset	*bs = &res->eff;
	struct rules_vars		 v;
	char				 file[1024], addr[INET_ADDRSTRLEN];
	size_t				 i;

	memset(&v, 0, sizeof(v));
	v.conf = conf;
	v.req = req;
	v.res = res;
	v.server = server != NULL ? server : "<server>";
	v.ip = ip;
	if (bs->set & BS_FILENAME) {
		rules_render(&bs->filename, &v, file, sizeof(file));
		fprintf(out, "  filename: %s\n", file);
		if (strcmp(file, bs->filename.src) != 0)
			fprintf(out, "  template: %s\n", bs->filename.src);
	}
	if (bs->set & BS_NEXT_SERVER) {
		inet_ntop(AF_INET, &bs->next_server, addr, sizeof(addr));
		fprintf(out, "  next-server: %s\n", addr);
	}
	if (bs->set & BS_SERVER_NAME)
		fprintf(out, "  server-name: %s\n", bs->server_name);
	if (bs->set & BS_OPT66)
		fprintf(out, "  tftp-server-option: %s\n",
		    bs->opt66 ? "yes" : "no");
	if (bs->set & BS_OPT67)
		fprintf(out, "  bootfile-option: %s\n",
		    bs->opt67 ? "yes" : "no");
	for (i = 0; i < bs->noptions; i++)
		fprintf(out, "  option %u: %u bytes\n", bs->options[i].code,
		    bs->options[i].len);
	if (bs->pxe_len > 0) {
		fprintf(out, "  option 43 (pxe):");
		for (i = 0; i < bs->pxe_len; i++)
			fprintf(out, " %02x", bs->pxe[i]);
		fprintf(out, "\n");
	}
	if (bs->ipxe_len > 0) {
		fprintf(out, "  option 175 (ipxe):");
		for (i = 0; i < bs->ipxe_len; i++)
			fprintf(out, " %02x", bs->ipxe[i]);
		fprintf(out, "\n");
	}
	if (bs->tftp_refuse != 0)
		fprintf(out, "  tftp-refuse:%s%s%s%s\n",
		    bs->tftp_refuse & TFTP_REFUSE_BLKSIZE ? " blksize" : "",
		    bs->tftp_refuse & TFTP_REFUSE_TSIZE ? " tsize" : "",
		    bs->tftp_refuse & TFTP_REFUSE_TIMEOUT ? " timeout" : "",
		    bs->tftp_refuse & TFTP_REFUSE_WINDOWSIZE ?
		    " windowsize" : "");
	if (bs->delay_ms > 0)
		fprintf(out, "  delay: %u ms\n", bs->delay_ms);
	explain_pxelinux(bs, out);
}

/* Where a host was read: "file:line", or "database" (host-database). */
static const char *
explain_host_at(const struct conf_host *h, char *buf, size_t len)
{
	if (h->where.line == 0)
		snprintf(buf, len, "%s", h->where.file);
	else
		snprintf(buf, len, "%s:%d", h->where.file, h->where.line);
	return buf;
}

void
explain_rules(const struct conf *conf, const struct rules_req *req,
    const struct rules_result *res, FILE *out)
{
	char	s[256], at[PATH_MAX + 16];
	size_t	i;

	rules_tags_string(conf, res, s, sizeof(s));
	fprintf(out, "tags: %s\n", s[0] != '\0' ? s : "(none)");
	if (res->host != NULL)
		fprintf(out, "  known      set by host \"%s\" at %s\n",
		    res->host->name, explain_host_at(res->host, at,
		    sizeof(at)));
	for (i = 0; res->host != NULL && i < res->host->ntags; i++)
		fprintf(out, "  %-10s set by host \"%s\" at %s\n",
		    conf->tags[res->host->tags[i]].name, res->host->name,
		    explain_host_at(res->host, at, sizeof(at)));
	for (i = 0; i < conf->nmatches; i++) {
		const struct conf_match	*m = &conf->matches[i];

		if (rules_match_holds(m, req, res->host))
			fprintf(out, "  %-10s set by match at %s:%d\n",
			    m->tag_name, m->where.file, m->where.line);
	}

	if (res->host != NULL)
		fprintf(out, "host: \"%s\" at %s\n", res->host->name,
		    explain_host_at(res->host, at, sizeof(at)));
	else
		fprintf(out, "host: none\n");
	if (res->boot != NULL) {
		fprintf(out, "boot: \"%s\" at %s:%d", res->boot->name,
		    res->boot->where.file, res->boot->where.line);
		if (res->host != NULL && res->host->boot == res->boot)
			fprintf(out, " (pinned by host)\n");
		else if (res->boot->cond.text != NULL)
			fprintf(out, " (if \"%s\")\n", res->boot->cond.text);
		else
			fprintf(out, " (no condition)\n");
	} else if (res->eff.set != 0)
		fprintf(out, "boot: none; the host's own settings apply\n");
	else
		fprintf(out, "boot: none (no boot entry holds: pxed would not "
		    "offer a boot file)\n");
}

void
explain_arch_print(FILE *out, int arch)
{
	const char	*n;

	if (arch < 0)
		return;
	n = dhcp_proto_arch_name((uint16_t)arch);
	fprintf(out, " arch=%d%s%s%s", arch, n ? " (" : "", n ? n : "",
	    n ? ")" : "");
}

/* Option 82's sub-options that rules match, as text or hex. */
static void
explain_agent_print(const struct rules_req *req, FILE *out)
{
	const struct rules_opt		*o = &req->opt[DHO_RELAY_AGENT_INFO];
	const struct dhcp_agent_key	*k;
	struct dhcp_agent		 ag;
	char				 s[256];
	size_t				 i;

	if (!o->present)
		return;
	if (dhcp_pkt_agent(o->data, o->len, &ag) != DHCP_AOK) {
		fprintf(out, " option82=malformed");
		return;
	}
	for (k = dhcp_agent_keys; k->name != NULL; k++) {
		const struct dhcp_agent_sub	*sub = &ag.sub[k->code];
		bool				 text = sub->len > 0;

		if (!sub->present)
			continue;
		for (i = 0; i < sub->len; i++)
			if (sub->data[i] < 0x20 || sub->data[i] > 0x7e ||
			    sub->data[i] == '"')
				text = false;
		if (text) {
			fprintf(out, " %s=\"%s\"", k->name, log_sanitize(s,
			    sizeof(s), sub->data, sub->len));
			continue;
		}
		fprintf(out, " %s=hex:", k->name);
		for (i = 0; i < sub->len; i++)
			fprintf(out, "%02x", sub->data[i]);
	}
	if (ag.link.s_addr != 0)
		fprintf(out, " link-selection=%s", inet_ntoa(ag.link));
}

void
explain_print(const struct conf *conf, const struct rules_req *req,
    const char *server, const char *ip, FILE *out)
{
	struct rules_result	 res;
	char			 s[256];
	int			 arch = rules_arch(req);

	rules_eval(conf, req, &res);

	fprintf(out, "request:");
	if (req->mac_len == 6)
		fprintf(out, " mac=%02x:%02x:%02x:%02x:%02x:%02x",
		    req->mac[0], req->mac[1], req->mac[2], req->mac[3],
		    req->mac[4], req->mac[5]);
	explain_arch_print(out, arch);
	if (req->opt[DHO_VENDOR_CLASS_ID].present)
		fprintf(out, " vendorclass=\"%s\"", log_sanitize(s, sizeof(s),
		    req->opt[DHO_VENDOR_CLASS_ID].data,
		    req->opt[DHO_VENDOR_CLASS_ID].len));
	if (req->opt[DHO_USER_CLASS].present)
		fprintf(out, " userclass=\"%s\"", log_sanitize(s, sizeof(s),
		    req->opt[DHO_USER_CLASS].data,
		    req->opt[DHO_USER_CLASS].len));
	if (req->ifname != NULL)
		fprintf(out, " interface=%s", req->ifname);
	if (req->giaddr.s_addr != 0)
		fprintf(out, " giaddr=%s", inet_ntoa(req->giaddr));
	explain_agent_print(req, out);
	fprintf(out, "\n");

	explain_rules(conf, req, &res, out);
	if (res.eff.set != 0)
		explain_bootset(conf, req, &res, server, ip, out);
}
