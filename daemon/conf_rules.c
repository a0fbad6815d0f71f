/*
 * conf_rules.c: the sections of any file that decide what a client gets:
 * match (conditions that set a tag), boot (an "if" expression and what to
 * send) and host (one machine by MAC, with its own overrides).  Each
 * section compiles into the struct conf or reports every error it finds
 * and is left out; cross-file checks come later, in conf_check.c.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf_int.h"
#include "dhcp_enc.h"
#include "dhcp_proto.h"
#include "fsroot.h"
#include "log.h"
/* ---------- templates ---------- */

static int
conf_template(struct conf_loader *L, struct cfg_t *sec, const char *name,
    struct tmpl *out)
{
	const char		*s = conf_confuse_str(sec, name);
	struct conf_where	 w = conf_confuse_at(L, sec, name);
	char			 err[256];
	size_t			 i;

	if (tmpl_compile(L->a, arena_strdup(L->a, s), out, err,
	    sizeof(err)) == -1) {
		conf_error_where(L, &w, "%s: %s", name, err);
		return -1;
	}
	for (i = 0; i < out->nsegs; i++) {
		struct conf_use	u;

		if (!out->segs[i].var ||
		    tmpl_is_builtin(out->segs[i].text, out->segs[i].len))
			continue;
		memset(&u, 0, sizeof(u));
		u.name = out->segs[i].text;
		u.len = out->segs[i].len;
		u.where = w;
		u.what = out->src;
		conf_expr_use_add(&L->var_uses, &L->nvar_uses, &L->cap_var_uses,
		    &u);
	}
	return 0;
}

/* ---------- boot settings (boot entries and host overrides) ---------- */

/* Options pxed builds itself; a rule may not set them by number. */
static bool
conf_managed_option(unsigned code)
{
	return code == DHO_PAD || code == DHO_END ||
	    code == DHO_LEASE_TIME || code == DHO_OPTION_OVERLOAD ||
	    code == DHO_MESSAGE_TYPE || code == DHO_SERVER_IDENTIFIER ||
	    code == DHO_PARAMETER_REQUEST || code == DHO_MAX_MESSAGE_SIZE;
}

struct conf_optname {
	const char	*name;
	unsigned	 code;
	bool		 u8;		/* a bare number is one byte */
};

/* iPXE's encapsulated options (include/ipxe/dhcp.h, DHCP_EB_*). */
static const struct conf_optname conf_ipxe_names[] = {
	{ "priority",		1,	true },
	{ "keep-san",		8,	true },
	{ "skip-san-boot",	9,	true },
	{ "no-pxedhcp",		176,	true },
	{ "bus-id",		177,	false },
	{ "use-cached",		178,	true },
	{ "san-filename",	188,	false },
	{ "username",		190,	false },
	{ "password",		191,	false },
	{ NULL,			0,	false },
};

/*
 * Parse a list of "CODE=VALUE" (or "NAME=VALUE" from names) into
 * conf_optvals.  Returns the count, or -1 after reporting.
 */
static int
conf_optlist(struct conf_loader *L, struct cfg_t *sec, const char *optname,
    const struct conf_optname *names, bool dhcp, struct conf_optval **out)
{
	unsigned		 i, n = conf_confuse_size(sec, optname);
	struct conf_where	 w = conf_confuse_at(L, sec, optname);
	struct conf_optval	*v;
	int			 bad = 0;

	v = arena_alloc(L->a, (n ? n : 1) * sizeof(*v));
	for (i = 0; i < n; i++) {
		const char		*s = conf_confuse_nstr(sec, optname, i);
		const char		*eq = strchr(s, '=');
		const struct conf_optname *nm = NULL;
		char			 key[32], err[256];
		unsigned long		 code;
		const uint8_t		*data;
		size_t			 len;
		const char		*val;
		char			 u8buf[16];

		if (eq == NULL || eq == s || (size_t)(eq - s) >= sizeof(key)) {
			conf_error_where(L, &w, "%s = \"%s\": expected "
			    "CODE=VALUE", optname, s);
			bad = 1;
			continue;
		}
		memcpy(key, s, (size_t)(eq - s));
		key[eq - s] = '\0';
		val = eq + 1;
		for (nm = names; nm != NULL && nm->name != NULL; nm++)
			if (strcasecmp(nm->name, key) == 0)
				break;
		if (nm != NULL && nm->name != NULL)
			code = nm->code;
		else if (!conf_value_parse_ulong(key, 1, 254, &code)) {
			conf_error_where(L, &w, "%s = \"%s\": \"%s\" is not an "
			    "option number from 1 to 254%s", optname, s, key,
			    names != NULL ? " or a known name" : "");
			bad = 1;
			continue;
		}
		if (dhcp && conf_managed_option((unsigned)code)) {
			conf_error_where(L, &w, "%s = \"%s\": option %lu is "
			    "managed by pxed and cannot be set", optname, s,
			    code);
			bad = 1;
			continue;
		}
		if (nm != NULL && nm->name != NULL && nm->u8 &&
		    isdigit((unsigned char)val[0])) {
			snprintf(u8buf, sizeof(u8buf), "u8:%s", val);
			val = u8buf;
		}
		if (conf_value_parse_optval(L->a, val, &data, &len, err,
		    sizeof(err)) == -1) {
			conf_error_where(L, &w, "%s: %s", optname, err);
			bad = 1;
			continue;
		}
		if (!dhcp && len > 255) {
			conf_error_where(L, &w, "%s = \"%.40s\": a sub-option "
			    "holds at most 255 bytes", optname, s);
			bad = 1;
			continue;
		}
		v[i].code = (uint8_t)code;
		v[i].data = data;
		v[i].len = (uint16_t)len;
		v[i].where = w;
	}
	*out = v;
	return bad ? -1 : (int)n;
}

/* option = { "CODE=VALUE", ... } of dhcp { }, a boot entry or a host. */
int
conf_rules_options(struct conf_loader *L, struct cfg_t *sec,
    struct conf_optval **out)
{
	return conf_optlist(L, sec, "option", NULL, true, out);
}

/*
 * "TYPE:REST", the type a number from 0 to 65535: REST, or NULL after
 * reporting.  maxtype bounds the type's text, maxlen the whole.
 */
static const char *
conf_pxe_type(struct conf_loader *L, const struct conf_where *w,
    const char *key, const char *form, const char *s, size_t maxtype,
    size_t maxlen, uint16_t *type)
{
	const char	*colon = strchr(s, ':');
	char		 tmp[256];
	unsigned long	 v;

	if (strlen(s) >= maxlen || colon == NULL ||
	    (size_t)(colon - s) >= maxtype || (size_t)(colon - s) >=
	    sizeof(tmp)) {
		conf_error_where(L, w, "%s = \"%s\": expected %s", key, s,
		    form);
		return NULL;
	}
	memcpy(tmp, s, (size_t)(colon - s));
	tmp[colon - s] = '\0';
	if (!conf_value_parse_ulong(tmp, 0, 65535, &v)) {
		conf_error_where(L, w, "%s = \"%s\": type \"%s\" is not a "
		    "number from 0 to 65535", key, s, tmp);
		return NULL;
	}
	*type = (uint16_t)v;
	return colon + 1;
}

/* boot-servers = { "TYPE:IP[,IP...]", ... } */
static int
conf_pxe_servers(struct conf_loader *L, struct cfg_t *pxe,
    struct dhcp_pxe *p)
{
	struct dhcp_pxe_servers	*srv;
	struct conf_where	 w = conf_confuse_at(L, pxe, "boot-servers");
	unsigned		 i, n = conf_confuse_size(pxe, "boot-servers");
	int			 bad = 0;

	srv = arena_alloc(L->a, (n + 1) * sizeof(*srv));
	p->servers = srv;
	for (i = 0; i < n; i++) {
		const char	*s = conf_confuse_nstr(pxe, "boot-servers", i);
		const char	*rest;
		char		 tmp[256], *tok, *save = NULL;
		struct in_addr	*addrs;
		size_t		 k = 0;

		if ((rest = conf_pxe_type(L, &w, "boot-servers",
		    "TYPE:IP[,IP...]", s, sizeof(tmp), sizeof(tmp),
		    &srv[p->nservers].type)) == NULL) {
			bad = 1;
			continue;
		}
		strcpy(tmp, rest);
		/* At most one address per two characters of the text. */
		addrs = arena_alloc(L->a, (strlen(s) / 2 + 1) *
		    sizeof(*addrs));
		for (tok = strtok_r(tmp, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			if (!conf_value_parse_ip(tok, &addrs[k])) {
				conf_error_where(L, &w, "boot-servers = \"%s\":"
				    " \"%s\" is not an IPv4 address", s, tok);
				bad = 1;
				break;
			}
			k++;
		}
		srv[p->nservers].addrs = addrs;
		srv[p->nservers].naddrs = k;
		p->nservers++;
	}
	return bad;
}

/* menu = { "TYPE:DESCRIPTION", ... } */
static int
conf_pxe_menu(struct conf_loader *L, struct cfg_t *pxe, struct dhcp_pxe *p)
{
	struct dhcp_pxe_item	*menu;
	struct conf_where	 w = conf_confuse_at(L, pxe, "menu");
	unsigned		 i, n = conf_confuse_size(pxe, "menu");
	int			 bad = 0;

	menu = arena_alloc(L->a, (n + 1) * sizeof(*menu));
	p->menu = menu;
	for (i = 0; i < n; i++) {
		const char	*s = conf_confuse_nstr(pxe, "menu", i);
		const char	*text;

		if ((text = conf_pxe_type(L, &w, "menu", "TYPE:DESCRIPTION", s,
		    16, SIZE_MAX, &menu[p->nmenu].type)) == NULL) {
			bad = 1;
			continue;
		}
		menu[p->nmenu].text = text;
		p->nmenu++;
	}
	return bad;
}

/*
 * PXE option 43 (PXE spec 2.1, table 2-1): parse the pxe { } section
 * into a struct dhcp_pxe, which dhcp_enc_pxe() turns into bytes.
 */
static int
conf_pxe(struct conf_loader *L, struct cfg_t *pxe, struct conf_bootset *bs)
{
	struct dhcp_pxe		 p;
	uint8_t			 buf[1024];
	size_t			 len;
	unsigned long		 v;
	int			 bad = 0, r;
	struct conf_where	 w;

	memset(&p, 0, sizeof(p));
	p.control = -1;
	if ((r = conf_setting_ulong(L, pxe, "discovery-control", 0, 255,
	    &v)) < 0)
		bad = 1;
	else if (r > 0)
		p.control = (int)v;
	bad |= conf_pxe_servers(L, pxe, &p);
	bad |= conf_pxe_menu(L, pxe, &p);
	p.prompt_text = conf_confuse_str(pxe, "prompt");
	if ((r = conf_setting_ulong(L, pxe, "prompt-timeout", 0, 255, &v)) < 0)
		bad = 1;
	if (p.prompt_text != NULL || r > 0) {
		p.prompt = true;
		p.prompt_timeout = r > 0 ? (uint8_t)v : 0;
	}
	if (bad)
		return -1;
	if ((len = dhcp_enc_pxe(&p, buf, sizeof(buf))) == 0) {
		w = conf_confuse_at(L, pxe, NULL);
		conf_error_where(L, &w, "pxe: a sub-option is longer than 255 "
		    "bytes");
		return -1;
	}
	bs->pxe = arena_memdup(L->a, buf, len);
	bs->pxe_len = len;
	return 0;
}

static int
conf_tftp_refuse(struct conf_loader *L, struct cfg_t *sec, unsigned *bits)
{
	static const struct {
		const char	*name;
		unsigned	 bit;
	} refuse[] = {
		{ "blksize", TFTP_REFUSE_BLKSIZE },
		{ "tsize", TFTP_REFUSE_TSIZE },
		{ "timeout", TFTP_REFUSE_TIMEOUT },
		{ "windowsize", TFTP_REFUSE_WINDOWSIZE },
		{ "all", TFTP_REFUSE_BLKSIZE | TFTP_REFUSE_TSIZE |
		    TFTP_REFUSE_TIMEOUT | TFTP_REFUSE_WINDOWSIZE },
	};
	unsigned	i;
	size_t		j;
	int		bad = 0;

	for (i = 0; i < conf_confuse_size(sec, "tftp-refuse"); i++) {
		const char	*s = conf_confuse_nstr(sec, "tftp-refuse", i);

		for (j = 0; j < sizeof(refuse) / sizeof(refuse[0]); j++)
			if (strcasecmp(s, refuse[j].name) == 0)
				break;
		if (j == sizeof(refuse) / sizeof(refuse[0])) {
			conf_error(L, conf_confuse_optline(L, sec,
			    "tftp-refuse"), "tftp-refuse: \"%s\" is not "
			    "blksize, tsize, timeout, windowsize or all", s);
			bad = 1;
			continue;
		}
		*bits |= refuse[j].bit;
	}
	return bad ? -1 : 0;
}

/* A raw option "option = CODE=..." would be sent twice: refuse it. */
static int
conf_bootset_twice(struct conf_loader *L, struct cfg_t *sec,
    const struct conf_bootset *bs, unsigned code, const char *form)
{
	size_t	i;
	int	bad = 0;

	for (i = 0; i < bs->noptions; i++)
		if (bs->options[i].code == code) {
			conf_error(L, conf_confuse_optline(L, sec, "option"),
			    "option %u is given both raw and as %s: keep one",
			    code, form);
			bad = 1;
		}
	return bad;
}

/* ipxe = { "NAME=VALUE", ... }: option 175's sub-options, encoded. */
static int
conf_bootset_ipxe(struct conf_loader *L, struct cfg_t *sec,
    struct conf_bootset *bs)
{
	struct conf_optval	*sub;
	struct dhcp_sub		*subs;
	uint8_t			 buf[CONF_MAX_OPTLEN];
	size_t			 len = 0;
	int			 n, i, bad = 0;

	if ((n = conf_optlist(L, sec, "ipxe", conf_ipxe_names, false,
	    &sub)) < 0)
		return 1;
	subs = arena_alloc(L->a, ((size_t)n + 1) * sizeof(*subs));
	for (i = 0; i < n; i++) {
		subs[i].code = sub[i].code;
		subs[i].len = sub[i].len;
		subs[i].data = sub[i].data;
	}
	if (n > 0 && (len = dhcp_enc_ipxe(subs, (size_t)n, buf,
	    sizeof(buf))) == 0) {
		conf_error(L, conf_confuse_optline(L, sec, "ipxe"),
		    "ipxe: more than %d bytes in all", CONF_MAX_OPTLEN);
		bad = 1;
	}
	bs->ipxe = arena_memdup(L->a, buf, len);
	bs->ipxe_len = len;
	return bad;
}

/* tftp-alias = { "REQUESTED=SERVED", ... }, both clean relative paths. */
static int
conf_bootset_alias(struct conf_loader *L, struct cfg_t *sec,
    struct conf_bootset *bs)
{
	struct conf_where	 w = conf_confuse_at(L, sec, "tftp-alias");
	char			 from[1024], to[1024];
	unsigned		 i, n = conf_confuse_size(sec, "tftp-alias");
	int			 bad = 0;

	bs->aliases = arena_alloc(L->a, n * sizeof(*bs->aliases));
	for (i = 0; i < n; i++) {
		const char	*s = conf_confuse_nstr(sec, "tftp-alias", i);
		const char	*eq;
		enum fsroot_err	 e1, e2 = FSROOT_OK;

		if ((eq = strchr(s, '=')) == NULL ||
		    (size_t)(eq - s) >= sizeof(from)) {
			conf_error_where(L, &w, "tftp-alias = \"%s\": expected "
			    "REQUESTED=SERVED", s);
			bad = 1;
			continue;
		}
		memcpy(from, s, (size_t)(eq - s));
		from[eq - s] = '\0';
		if ((e1 = fsroot_clean(from, from, sizeof(from))) !=
		    FSROOT_OK || (e2 = fsroot_clean(eq + 1, to,
		    sizeof(to))) != FSROOT_OK) {
			conf_error_where(L, &w, "tftp-alias = \"%s\": %s", s,
			    fsroot_strerror(e1 != FSROOT_OK ? e1 : e2));
			bad = 1;
			continue;
		}
		bs->aliases[bs->naliases].from = arena_strdup(L->a, from);
		bs->aliases[bs->naliases++].to = arena_strdup(L->a, to);
	}
	return bad;
}

/* A yes/no that sets a bit of bs->set when given. */
static int
conf_bootset_flag(struct conf_loader *L, struct cfg_t *sec, const char *name,
    bool *b, struct conf_bootset *bs, unsigned bit)
{
	int	r = conf_setting_bool(L, sec, name, b);

	if (r > 0)
		bs->set |= bit;
	return r < 0;
}

/* The scalar fields: file name, next server, server name, 66 and 67. */
static int
conf_bootset_scalars(struct conf_loader *L, struct cfg_t *sec,
    struct conf_bootset *bs)
{
	const char	*s;
	int		 bad = 0, r;

	if (conf_confuse_str(sec, "filename") != NULL) {
		if (conf_template(L, sec, "filename", &bs->filename) == -1)
			bad = 1;
		bs->set |= BS_FILENAME;
	}
	if ((r = conf_setting_ip(L, sec, "next-server",
	    &bs->next_server)) < 0)
		bad = 1;
	else if (r > 0)
		bs->set |= BS_NEXT_SERVER;
	if ((s = conf_confuse_str(sec, "server-name")) != NULL) {
		if (strlen(s) > 63) {
			conf_error(L, conf_confuse_optline(L, sec,
			    "server-name"), "server-name: longer than the 63 "
			    "bytes of sname");
			bad = 1;
		}
		bs->server_name = arena_strdup(L->a, s);
		bs->set |= BS_SERVER_NAME;
	}
	bad |= conf_bootset_flag(L, sec, "bootfile-option", &bs->opt67, bs,
	    BS_OPT67);
	bad |= conf_bootset_flag(L, sec, "tftp-server-option", &bs->opt66, bs,
	    BS_OPT66);
	return bad;
}

/* A pxelinux text option (209, 210): 1 to 255 bytes. */
static int
conf_bootset_pxltext(struct conf_loader *L, struct cfg_t *sec,
    const char *name, const char **out)
{
	const char	*s = conf_confuse_str(sec, name);

	if (s == NULL)
		return 0;
	if (*s == '\0' || strlen(s) > 255) {
		conf_error(L, conf_confuse_optline(L, sec, name), "%s: \"%s\" "
		    "must be 1 to 255 bytes (one DHCP option)", name, s);
		return -1;
	}
	*out = arena_strdup(L->a, s);
	return 1;
}

/*
 * pxelinux's options, RFC 5071: 209 configuration file, 210 path prefix,
 * 211 reboot time; 208, the magic number, only when asked for (RFC 5071
 * 3.3: obsolete; pxelinux 3.55 and later do not need it).
 */
static int
conf_bootset_pxelinux(struct conf_loader *L, struct cfg_t *sec,
    struct conf_bootset *bs)
{
	unsigned long	v;
	int		bad = 0, r;

	bad |= conf_bootset_flag(L, sec, "pxelinux-magic", &bs->pxl_magic, bs,
	    BS_PXL_MAGIC);
	if ((r = conf_bootset_pxltext(L, sec, "pxelinux-config-file",
	    &bs->pxl_config)) < 0)
		bad = 1;
	else if (r > 0)
		bs->set |= BS_PXL_CONFIG;
	if ((r = conf_bootset_pxltext(L, sec, "pxelinux-path-prefix",
	    &bs->pxl_prefix)) < 0)
		bad = 1;
	else if (r > 0)
		bs->set |= BS_PXL_PREFIX;
	if ((r = conf_setting_ulong(L, sec, "pxelinux-reboot-time", 0,
	    UINT32_MAX, &v)) < 0)
		bad = 1;
	else if (r > 0) {
		bs->pxl_reboot = (uint32_t)v;
		bs->set |= BS_PXL_REBOOT;
	}
	if (bs->set & BS_PXL_MAGIC)
		bad |= conf_bootset_twice(L, sec, bs, DHO_PXELINUX_MAGIC,
		    "pxelinux-magic");
	if (bs->set & BS_PXL_CONFIG)
		bad |= conf_bootset_twice(L, sec, bs, DHO_PXELINUX_CONFIG,
		    "pxelinux-config-file");
	if (bs->set & BS_PXL_PREFIX)
		bad |= conf_bootset_twice(L, sec, bs, DHO_PXELINUX_PREFIX,
		    "pxelinux-path-prefix");
	if (bs->set & BS_PXL_REBOOT)
		bad |= conf_bootset_twice(L, sec, bs, DHO_PXELINUX_REBOOT,
		    "pxelinux-reboot-time");
	return bad;
}

static int
conf_bootset(struct conf_loader *L, struct cfg_t *sec,
    struct conf_bootset *bs)
{
	unsigned long	v;
	int		bad, n, r;

	memset(bs, 0, sizeof(*bs));
	bad = conf_bootset_scalars(L, sec, bs);
	if (conf_confuse_size(sec, "option") > 0) {
		if ((n = conf_rules_options(L, sec, &bs->options)) < 0)
			bad = 1;
		else
			bs->noptions = (size_t)n;
		bs->set |= BS_OPTIONS;
	}
	if (conf_confuse_size(sec, "pxe") > 0) {
		if (conf_pxe(L, conf_confuse_sec(sec, "pxe"), bs) == -1)
			bad = 1;
		bs->set |= BS_PXE;
		bad |= conf_bootset_twice(L, sec, bs, DHO_VENDOR_ENCAPSULATED,
		    "pxe { }");
	}
	if (conf_confuse_size(sec, "ipxe") > 0) {
		bad |= conf_bootset_ipxe(L, sec, bs);
		bs->set |= BS_IPXE;
		bad |= conf_bootset_twice(L, sec, bs, DHO_IPXE_ENCAP, "ipxe");
	}
	if (conf_confuse_size(sec, "tftp-refuse") > 0) {
		if (conf_tftp_refuse(L, sec, &bs->tftp_refuse) == -1)
			bad = 1;
		bs->set |= BS_TFTP_REFUSE;
	}
	if (conf_confuse_size(sec, "tftp-alias") > 0) {
		bad |= conf_bootset_alias(L, sec, bs);
		bs->set |= BS_TFTP_ALIAS;
	}
	if ((r = conf_setting_ulong(L, sec, "delay", 0, 10000, &v)) < 0)
		bad = 1;
	else if (r > 0) {
		bs->delay_ms = (unsigned)v;
		bs->set |= BS_DELAY;
	}
	if (conf_inet6_bootparam(L, sec, bs) < 0)
		bad = 1;
	bad |= conf_bootset_pxelinux(L, sec, bs);
	return bad ? -1 : 0;
}

/* ---------- rule sections ---------- */

static struct conf_cond *
conf_cond_new(struct conf_loader *L, struct conf_cond *conds, size_t *n,
    enum conf_cond_kind kind, struct cfg_t *sec, const char *name)
{
	struct conf_cond	*c = &conds[(*n)++];

	c->kind = kind;
	c->where = conf_confuse_at(L, sec, name);
	return c;
}

static int
conf_match_arch(struct conf_loader *L, struct cfg_t *sec, struct conf_cond *c)
{
	unsigned	i, n = conf_confuse_size(sec, "arch");
	int		bad = 0;

	/* A name may stand for two codes (efi-x64 is 7 and 9). */
	c->arch = arena_alloc(L->a, 2 * n * sizeof(*c->arch));
	for (i = 0; i < n; i++) {
		const char		*s = conf_confuse_nstr(sec, "arch", i);
		const struct dhcp_arch	*a;
		unsigned long		 v;
		size_t			 j;

		if ((a = dhcp_proto_arch_lookup(s)) != NULL) {
			for (j = 0; j < a->ncodes; j++)
				c->arch[c->n++] = a->codes[j];
		} else if (conf_value_parse_ulong(s, 0, 65535, &v))
			c->arch[c->n++] = (uint16_t)v;
		else {
			conf_error_where(L, &c->where, "arch: \"%s\" is "
			    "neither a number from 0 to 65535 nor an "
			    "architecture name of pxed.conf(5) (bios, "
			    "efi-x64, efi-arm64, http-x64, uboot-arm64, "
			    "efi-riscv64, ...)", s);
			bad = 1;
		}
	}
	return bad;
}

static int
conf_match_mac(struct conf_loader *L, struct cfg_t *sec, struct conf_cond *c)
{
	unsigned	i, n = conf_confuse_size(sec, "mac");
	int		bad = 0;

	c->mac = arena_alloc(L->a, n * sizeof(*c->mac));
	for (i = 0; i < n; i++) {
		const char	*s = conf_confuse_nstr(sec, "mac", i);

		if (conf_value_parse_macpat(s, &c->mac[c->n]) == -1) {
			conf_error_where(L, &c->where, "mac: \"%s\" is not a "
			    "MAC pattern such as 52:54:00:*:*:* or "
			    "52:54:00:*", s);
			bad = 1;
		} else
			c->n++;
	}
	return bad;
}

static int
conf_match_relay(struct conf_loader *L, struct cfg_t *sec,
    struct conf_cond *c)
{
	unsigned	i, n = conf_confuse_size(sec, "relay");
	int		bad = 0;

	c->nets = arena_alloc(L->a, n * sizeof(*c->nets));
	for (i = 0; i < n; i++) {
		const char	*s = conf_confuse_nstr(sec, "relay", i);

		if (conf_value_parse_subnet(s, &c->nets[c->n]))
			c->n++;
		else if (!conf_inet6_relay(L, s, c, n)) {
			conf_error_where(L, &c->where, "relay: \"%s\" is not a "
			    "subnet such as 10.1.0.0/16 or 2001:db8:1::/64", s);
			bad = 1;
		}
	}
	return bad;
}

/* option = CODE with value = ... (equal) or prefix = ... or neither. */
static int
conf_match_option(struct conf_loader *L, struct cfg_t *sec,
    const char *title, struct conf_cond *c)
{
	const char	*val = conf_confuse_str(sec, "value");
	const char	*pre = conf_confuse_str(sec, "prefix");
	unsigned long	 code;
	char		 err[256];
	int		 bad = 0;

	if (conf_setting_ulong(L, sec, "option", 1, 254, &code) < 0)
		bad = 1;
	c->code = (uint8_t)code;
	c->op = val != NULL ? OPTOP_EQUAL : pre != NULL ? OPTOP_PREFIX :
	    OPTOP_PRESENT;
	if (val != NULL && pre != NULL) {
		conf_error_where(L, &c->where, "match \"%s\": give value or "
		    "prefix, not both", title);
		bad = 1;
	} else if ((val != NULL || pre != NULL) &&
	    conf_value_parse_optval(L->a, val != NULL ? val : pre, &c->data,
	    &c->len, err, sizeof(err)) == -1) {
		const char		*key = val != NULL ? "value" : "prefix";
		struct conf_where	 w = conf_confuse_at(L, sec, key);

		conf_error_where(L, &w, "%s: %s", key, err);
		bad = 1;
	}
	return bad;
}

/* userclass and vendorclass: the bytes as written. */
static void
conf_match_string(struct conf_loader *L, struct cfg_t *sec,
    struct conf_cond *conds, size_t *n, enum conf_cond_kind kind,
    const char *name)
{
	const char		*s = conf_confuse_str(sec, name);
	struct conf_cond	*c;

	if (s == NULL)
		return;
	c = conf_cond_new(L, conds, n, kind, sec, name);
	c->data = (const uint8_t *)arena_strdup(L->a, s);
	c->len = strlen(s);
}

/*
 * circuit-id, remote-id, subscriber-id (option 82 sub-options 1, 2, 6):
 * KEY = VALUE is equal, KEY-prefix = VALUE begins with; values as in
 * option lists (text, hex:, 0x).
 */
static int
conf_match_agent(struct conf_loader *L, struct cfg_t *sec, const char *title,
    struct conf_cond *conds, size_t *n)
{
	const struct dhcp_agent_key	*k;
	int				 bad = 0;

	for (k = dhcp_agent_keys; k->name != NULL; k++) {
		char			 pkey[32], err[256];
		const char		*val = conf_confuse_str(sec, k->name);
		const char		*pre, *key = k->name;
		struct conf_cond	*c;

		snprintf(pkey, sizeof(pkey), "%s-prefix", k->name);
		pre = conf_confuse_str(sec, pkey);
		if (val != NULL && pre != NULL) {
			struct conf_where w = conf_confuse_at(L, sec, pkey);

			conf_error_where(L, &w, "match \"%s\": give %s or %s, "
			    "not both", title, k->name, pkey);
			bad = 1;
			continue;
		}
		if (val == NULL && pre == NULL)
			continue;
		if (val == NULL) {
			key = pkey;
			val = pre;
		}
		c = conf_cond_new(L, conds, n, COND_AGENT, sec, key);
		c->code = k->code;
		c->op = pre != NULL ? OPTOP_PREFIX : OPTOP_EQUAL;
		if (conf_value_parse_optval(L->a, val, &c->data, &c->len, err,
		    sizeof(err)) == -1) {
			conf_error_where(L, &c->where, "%s: %s", key, err);
			bad = 1;
		} else if (c->len > 255) {
			conf_error_where(L, &c->where, "%s: a sub-option holds "
			    "at most 255 bytes", key);
			bad = 1;
		}
	}
	return bad;
}

/* Every condition of a match section; the count in *n. */
static int
conf_match_conds(struct conf_loader *L, struct cfg_t *sec, const char *title,
    struct conf_cond *conds, size_t *n)
{
	struct conf_cond	*c;
	int			 bad = 0;
	bool			 b;

	if (conf_confuse_size(sec, "arch") > 0)
		bad |= conf_match_arch(L, sec, conf_cond_new(L, conds, n,
		    COND_ARCH, sec, "arch"));
	conf_match_string(L, sec, conds, n, COND_USERCLASS, "userclass");
	conf_match_string(L, sec, conds, n, COND_VENDORCLASS, "vendorclass");
	if (conf_confuse_size(sec, "mac") > 0)
		bad |= conf_match_mac(L, sec, conf_cond_new(L, conds, n,
		    COND_MAC, sec, "mac"));
	if (conf_confuse_str(sec, "option") != NULL)
		bad |= conf_match_option(L, sec, title, conf_cond_new(L, conds,
		    n, COND_OPTION, sec, "option"));
	else if (conf_confuse_str(sec, "value") != NULL ||
	    conf_confuse_str(sec, "prefix") != NULL) {
		struct conf_where w = conf_confuse_at(L, sec,
		    conf_confuse_str(sec, "value") ? "value" : "prefix");

		conf_error_where(L, &w, "match \"%s\": value and prefix need "
		    "option = NUMBER", title);
		bad = 1;
	}
	if (conf_confuse_size(sec, "interface") > 0) {
		unsigned	i, k = conf_confuse_size(sec, "interface");

		c = conf_cond_new(L, conds, n, COND_INTERFACE, sec,
		    "interface");
		c->names = arena_alloc(L->a, k * sizeof(*c->names));
		for (i = 0; i < k; i++)
			c->names[c->n++] = arena_strdup(L->a,
			    conf_confuse_nstr(sec, "interface", i));
	}
	if (conf_confuse_size(sec, "relay") > 0)
		bad |= conf_match_relay(L, sec, conf_cond_new(L, conds, n,
		    COND_RELAY, sec, "relay"));
	bad |= conf_match_agent(L, sec, title, conds, n);
	switch (conf_setting_bool(L, sec, "known", &b)) {
	case -1:
		bad = 1;
		break;
	case 1:
		c = conf_cond_new(L, conds, n, COND_KNOWN, sec, "known");
		c->known = b;
		break;
	}
	return bad;
}

static void
conf_match(struct conf_loader *L, struct cfg_t *sec, unsigned idx)
{
	struct conf		*conf = L->conf;
	struct conf_match	 m;
	struct conf_cond	 conds[16];
	const char		*title = conf_confuse_title(sec);
	size_t			 n = 0;
	int			 bad, t;

	memset(&m, 0, sizeof(m));
	memset(conds, 0, sizeof(conds));
	m.where = conf_confuse_sec_at(L, sec, KIND_MATCH, idx);
	if (!conf_value_validname(title)) {
		conf_error_where(L, &m.where, "match \"%s\": a tag name is "
		    "letters, digits, '_', '-', '.' or ':'", title);
		return;
	}
	if (strcmp(title, "known") == 0) {
		conf_error_where(L, &m.where, "match \"known\": the tag known "
		    "is set by pxed for machines with a host entry");
		return;
	}
	bad = conf_match_conds(L, sec, title, conds, &n);
	if (conf_confuse_size(sec, "tftp-refuse") > 0 &&
	    conf_tftp_refuse(L, sec, &m.tftp_refuse) == -1)
		bad = 1;
	if (n == 0) {
		conf_error_where(L, &m.where, "match \"%s\" has no condition",
		    title);
		return;
	}
	if (bad || (t = conf_expr_tag_setter(L, title, &m.where)) < 0)
		return;
	m.tag_name = conf->tags[t].name;
	m.tag = (unsigned)t;
	m.conds = arena_memdup(L->a, conds, n * sizeof(conds[0]));
	m.nconds = n;
	CONF_GROW(conf->matches, conf->nmatches, L->cap_matches);
	conf->matches[conf->nmatches++] = m;
}

static void
conf_boot(struct conf_loader *L, struct cfg_t *sec, unsigned idx)
{
	struct conf		*conf = L->conf;
	struct conf_boot	 b;
	const char		*s;
	int			 bad = 0;

	memset(&b, 0, sizeof(b));
	b.where = conf_confuse_sec_at(L, sec, KIND_BOOT, idx);
	b.name = arena_strdup(L->a, conf_confuse_title(sec));
	if (!conf_value_validname(b.name)) {
		conf_error_where(L, &b.where, "boot \"%s\": a name is letters, "
		    "digits, '_', '-', '.' or ':'", b.name);
		bad = 1;
	}
	if ((s = conf_confuse_str(sec, "if")) != NULL) {
		struct conf_where	w = conf_confuse_at(L, sec, "if");

		if (conf_expr_compile(L, s, &w, &b.cond) == -1)
			bad = 1;
	}
	if (conf_bootset(L, sec, &b.bs) == -1)
		bad = 1;
	if (!(b.bs.set & BS_FILENAME) && !bad) {
		conf_error_where(L, &b.where, "boot \"%s\" has no filename",
		    b.name);
		bad = 1;
	}
	if (bad)
		return;
	CONF_GROW(conf->boots, conf->nboots, L->cap_boots);
	conf->boots[conf->nboots++] = b;
}

static int
conf_host_tags(struct conf_loader *L, struct cfg_t *sec, struct conf_host *h)
{
	struct conf_where	 w = conf_confuse_at(L, sec, "tags");
	unsigned		 i, n = conf_confuse_size(sec, "tags");
	int			 bad = 0, t;

	h->tags = arena_alloc(L->a, n * sizeof(*h->tags));
	for (i = 0; i < n; i++) {
		const char	*s = conf_confuse_nstr(sec, "tags", i);

		if (!conf_value_validname(s) || strcmp(s, "known") == 0) {
			conf_error_where(L, &w, "tags: \"%s\" is not a tag "
			    "name a host can set", s);
			bad = 1;
			continue;
		}
		if ((t = conf_expr_tag_setter(L, s, &w)) < 0) {
			bad = 1;
			continue;
		}
		h->tags[h->ntags++] = (unsigned)t;
	}
	return bad;
}

/* vars = { "NAME=VALUE", ... }: template variables of this host. */
static int
conf_host_vars(struct conf_loader *L, struct cfg_t *sec, struct conf_host *h)
{
	struct conf_where	 w = conf_confuse_at(L, sec, "vars");
	unsigned		 i, n = conf_confuse_size(sec, "vars");
	int			 bad = 0;

	h->vars = arena_alloc(L->a, n * sizeof(*h->vars));
	for (i = 0; i < n; i++) {
		const char	*s = conf_confuse_nstr(sec, "vars", i);
		const char	*eq = strchr(s, '=');
		size_t		 k;

		for (k = 0; eq != NULL && s + k < eq; k++)
			if (!isalnum((unsigned char)s[k]) && s[k] != '_' &&
			    s[k] != '-')
				break;
		if (eq == NULL || eq == s || s + k != eq) {
			conf_error_where(L, &w, "vars: \"%s\" is not "
			    "NAME=VALUE", s);
			bad = 1;
			continue;
		}
		if (tmpl_is_builtin(s, (size_t)(eq - s))) {
			conf_error_where(L, &w, "vars: \"%.*s\" is a built-in "
			    "variable", (int)(eq - s), s);
			bad = 1;
			continue;
		}
		h->vars[h->nvars].name = arena_strndup(L->a, s,
		    (size_t)(eq - s));
		h->vars[h->nvars++].value = arena_strdup(L->a, eq + 1);
	}
	return bad;
}

static void
conf_host(struct conf_loader *L, struct cfg_t *sec, unsigned idx)
{
	struct conf		*conf = L->conf;
	struct conf_host	 h;
	struct conf_where	 w;
	const char		*s;
	int			 bad = 0;

	memset(&h, 0, sizeof(h));
	h.where = conf_confuse_sec_at(L, sec, KIND_HOST, idx);
	h.name = arena_strdup(L->a, conf_confuse_title(sec));
	if ((s = conf_confuse_str(sec, "mac")) == NULL) {
		if (conf_confuse_str(sec, "duid") == NULL) {
			conf_error_where(L, &h.where, "host \"%s\" has no mac",
			    h.name);
			bad = 1;
		}
	} else if (conf_value_parse_mac(s, h.mac) == -1) {
		w = conf_confuse_at(L, sec, "mac");
		conf_error_where(L, &w, "mac: \"%s\" is not a MAC address such "
		    "as 52:54:00:12:34:56", s);
		bad = 1;
	} else
		h.has_mac = true;
	if (conf_setting_ip(L, sec, "ip", &h.ip) < 0 ||
	    conf_inet6_host(L, sec, &h) < 0)
		bad = 1;
	if ((s = conf_confuse_str(sec, "hostname")) != NULL) {
		if (!conf_value_validhostname(s)) {
			w = conf_confuse_at(L, sec, "hostname");
			conf_error_where(L, &w, "hostname: \"%s\" is not a "
			    "valid host name", s);
			bad = 1;
		}
		h.hostname = arena_strdup(L->a, s);
	}
	if (conf_confuse_size(sec, "tags") > 0)
		bad |= conf_host_tags(L, sec, &h);
	if ((s = conf_confuse_str(sec, "boot")) != NULL)
		h.boot_name = arena_strdup(L->a, s);
	if (conf_confuse_size(sec, "vars") > 0)
		bad |= conf_host_vars(L, sec, &h);
	if (conf_bootset(L, sec, &h.bs) == -1)
		bad = 1;
	if (bad)
		return;
	CONF_GROW(conf->hosts, conf->nhosts, L->cap_hosts);
	conf->hosts[conf->nhosts++] = h;
}

void
conf_rules_compile(struct conf_loader *L, struct cfg_t *cfg)
{
	unsigned	i;

	for (i = 0; i < conf_confuse_size(cfg, "match"); i++)
		conf_match(L, conf_confuse_nsec(cfg, "match", i), i);
	for (i = 0; i < conf_confuse_size(cfg, "boot"); i++)
		conf_boot(L, conf_confuse_nsec(cfg, "boot", i), i);
	for (i = 0; i < conf_confuse_size(cfg, "host"); i++)
		conf_host(L, conf_confuse_nsec(cfg, "host", i), i);
}
