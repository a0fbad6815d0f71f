/*
 * loadercfg.c: boot loaders' configs from one template per loader.
 *
 * GRUB, pxelinux (and syslinux.efi, same scheme) and U-Boot's pxe
 * command search a chain of names for their config, most specific
 * first, and take the first that exists:
 *
 *   GRUB      (Fedora's: grub.cfg-<uuid>), grub.cfg-01-<mac>,
 *             grub.cfg-<HEXIP>, ... shortened one digit at a time ...,
 *             (grub.cfg-<IPv6>, Fedora's grub.cfg-<aa:bb:..>), grub.cfg
 *   (GRUB also reads <platform>/command.lst, fs.lst, crypto.lst and
 *   terminal.lst at every start; a netboot tree rarely has them.)
 *   pxelinux  pxelinux.cfg/<uuid>, 01-<mac>, <HEXIP>, ... shortened ...,
 *             (U-Boot: default-<arch>-<soc>-<board>, ...), default
 *
 * A template NAME.tmpl under the root answers NAME for the machine
 * asking (as iPXE scripts are, by the client table); the template of a
 * chain's last name (grub.cfg.tmpl, pxelinux.cfg/default.tmpl) also
 * answers the chain's host names, 01-<mac> and the full hex IP, for
 * the machine the name carries (a hex IP: the machine DHCP knows at that
 * address, else the host entry with that fixed ip).  The other names of a chain are search
 * names: they miss quietly, since a loader tries them all on every boot.
 * A real file always wins: callers come here only when there is none.
 */
#include "config.h"

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "conf.h"
#include "loadercfg.h"

static int
loadercfg_hex(char c)
{
	return conf_value_hexval((unsigned char)c);
}

/* Two hex digits' value, -1 if they are not. */
static int
loadercfg_byte(const char *s)
{
	if (loadercfg_hex(s[0]) < 0 || loadercfg_hex(s[1]) < 0)
		return -1;
	return loadercfg_hex(s[0]) << 4 | loadercfg_hex(s[1]);
}

/* Only hex digits, and how many: 0 if anything else. */
static size_t
loadercfg_hexlen(const char *s)
{
	size_t	n;

	for (n = 0; s[n] != '\0'; n++)
		if (loadercfg_hex(s[n]) < 0)
			return 0;
	return n;
}

/*
 * "tt-aa-bb-..." (pxelinux's ARP type, then the hardware address):
 * the number of address bytes, 0 if it is not that form.
 */
static size_t
loadercfg_hwname(const char *s, uint8_t *type, uint8_t *hw, size_t cap)
{
	size_t	n = 0, i;

	for (i = 0; ; i += 3) {
		if (loadercfg_byte(s + i) < 0)
			return 0;
		if (i == 0)
			*type = (uint8_t)loadercfg_byte(s);
		else if (n < cap)
			hw[n++] = (uint8_t)loadercfg_byte(s + i);
		else
			n++;
		if (s[i + 2] == '\0')
			return n;
		if (s[i + 2] != '-')
			return 0;
	}
}

/* 8-4-4-4-12 hex digits: the SMBIOS UUID pxelinux tries first. */
static bool
loadercfg_is_uuid(const char *s)
{
	static const char	form[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	size_t			i;

	for (i = 0; form[i] != '\0'; i++)
		if (form[i] == '-' ? s[i] != '-' : loadercfg_hex(s[i]) < 0)
			return false;
	return s[i] == '\0';
}

/* GRUB 2.06 also tries its IPv6 address: hex digits and colons. */
static bool
loadercfg_is_ip6ish(const char *s)
{
	bool	colon = false;

	for (; *s != '\0'; s++)
		if (*s == ':')
			colon = true;
		else if (loadercfg_hex(*s) < 0)
			return false;
	return colon;
}

/*
 * The optional lists GRUB's normal mode reads from its platform
 * directory at every start (<prefix>/x86_64-efi/command.lst, ...): a
 * netboot tree without them is usual, so their misses are search names.
 */
static bool
loadercfg_grub_list(const char *base, const char *dir, size_t dlen)
{
	static const char *const lists[] = {
		"command.lst", "fs.lst", "crypto.lst", "terminal.lst", NULL
	};
	size_t	i, start;

	/* The last directory is a platform's: "x86_64-efi/", "i386-pc/". */
	if (dir == NULL || dlen < 2)
		return false;
	for (start = dlen - 1; start > 0 && dir[start - 1] != '/'; start--)
		;
	if (memchr(dir + start, '-', dlen - start) == NULL)
		return false;
	for (i = 0; lists[i] != NULL; i++)
		if (strcmp(base, lists[i]) == 0)
			return true;
	return false;
}

/* The part after the directory: MAC, hex IP, a shortening, or none. */
static enum loadercfg_kind
loadercfg_host_part(const char *s, struct loadercfg_name *n)
{
	uint8_t		type, hw[16];
	size_t		len = loadercfg_hexlen(s), i;
	uint32_t	v = 0;

	if (len == 8) {
		for (i = 0; i < 8; i++)
			v = v << 4 | (uint32_t)loadercfg_hex(s[i]);
		n->ip.s_addr = htonl(v);
		return LOADERCFG_HEXIP;
	}
	if (len > 0 && len < 8)
		return LOADERCFG_SEARCH;
	if ((len = loadercfg_hwname(s, &type, hw, sizeof(hw))) > 0) {
		if (type != 1 || len != 6)
			return LOADERCFG_SEARCH;	/* not Ethernet */
		memcpy(n->mac, hw, 6);
		return LOADERCFG_MAC;
	}
	return LOADERCFG_OTHER;
}

enum loadercfg_kind
loadercfg_parse(const char *path, struct loadercfg_name *n)
{
	const char	*slash = strrchr(path, '/'), *base;
	size_t		 dlen = slash != NULL ? (size_t)(slash - path) + 1 : 0;

	memset(n, 0, sizeof(*n));
	base = path + dlen;
	if (strncmp(base, "grub.cfg", 8) == 0) {
		snprintf(n->tmpl, sizeof(n->tmpl), "%.*sgrub.cfg%s", (int)dlen,
		    path, LOADERCFG_SUFFIX);
		if (base[8] == '\0')
			return n->kind = LOADERCFG_FINAL;
		if (base[8] != '-')
			return n->kind = LOADERCFG_OTHER;
		/* Fedora's GRUB also tries the SMBIOS UUID and MAC:ADDR. */
		if ((n->kind = loadercfg_host_part(base + 9, n)) ==
		    LOADERCFG_OTHER && (loadercfg_is_ip6ish(base + 9) ||
		    loadercfg_is_uuid(base + 9)))
			n->kind = LOADERCFG_SEARCH;
		return n->kind;
	}
	if (loadercfg_grub_list(base, dlen > 0 ? path : NULL, dlen))
		return n->kind = LOADERCFG_SEARCH;
	/* Only in a directory named pxelinux.cfg (at any depth). */
	if (dlen < 13 || strncmp(base - 13, "pxelinux.cfg/", 13) != 0 ||
	    (dlen > 13 && base[-14] != '/'))
		return n->kind = LOADERCFG_OTHER;
	snprintf(n->tmpl, sizeof(n->tmpl), "%.*sdefault%s", (int)dlen, path,
	    LOADERCFG_SUFFIX);
	if (strcmp(base, "default") == 0)
		return n->kind = LOADERCFG_FINAL;
	if (strncmp(base, "default-", 8) == 0 || loadercfg_is_uuid(base))
		return n->kind = LOADERCFG_SEARCH;	/* U-Boot; SMBIOS */
	return n->kind = loadercfg_host_part(base, n);
}

/* The MAC of the host entry with this fixed address, or NULL. */
static const uint8_t *
loadercfg_host_mac(const struct conf *c, struct in_addr ip)
{
	size_t	i;

	for (i = 0; i < c->nhosts; i++)
		if (c->hosts[i].has_mac && c->hosts[i].ip.s_addr == ip.s_addr)
			return c->hosts[i].mac;
	return NULL;
}

/* Render t for the machine req; *out malloc'd. */
static enum loadercfg_answer
loadercfg_render(struct loadercfg_ask *q, const struct conf_script *t,
    const struct rules_req *req, const char *ip, char **out, size_t *outlen)
{
	struct rules_result	res;
	struct rules_vars	v;
	size_t			need;

	rules_eval(q->conf, req, &res);
	memset(&v, 0, sizeof(v));
	v.conf = q->conf;
	v.req = req;
	v.res = &res;
	v.server = q->server;
	v.ip = ip;
	need = rules_render(&t->t, &v, NULL, 0) + 1;
	if (need > LOADERCFG_MAX)
		return LOADERCFG_TOOBIG;
	if ((*out = malloc(need)) == NULL)
		return LOADERCFG_TOOBIG;
	*outlen = rules_render(&t->t, &v, *out, need);
	q->used = t;
	return LOADERCFG_TEXT;
}

enum loadercfg_answer
loadercfg_answer(struct loadercfg_ask *q, char **out, size_t *outlen)
{
	const struct conf_script *t;
	struct loadercfg_name	 n;
	struct client_src	 src;
	struct rules_req	 req;
	struct sockaddr_in	 sin;
	char			 own[600], ip[INET_ADDRSTRLEN];

	*out = NULL;
	*outlen = 0;
	snprintf(own, sizeof(own), "%s%s", q->path, LOADERCFG_SUFFIX);
	if ((t = conf_tmpl_find(q->conf, q->tftp, own)) != NULL)
		return loadercfg_render(q, t, q->req, q->ip, out, outlen);
	switch (loadercfg_parse(q->path, &n)) {
	case LOADERCFG_OTHER:
	case LOADERCFG_FINAL:
		return LOADERCFG_MISS;
	case LOADERCFG_SEARCH:
		return LOADERCFG_QUIET;
	default:
		break;
	}
	if ((t = conf_tmpl_find(q->conf, q->tftp, n.tmpl)) == NULL)
		return LOADERCFG_QUIET;
	/* The machine the name carries, whoever asks. */
	memset(&src, 0, sizeof(src));
	src.ifname = q->req->ifname;
	if (n.kind == LOADERCFG_MAC) {
		src.mac = n.mac;
		client_rules_req(&src, &req);
		return loadercfg_render(q, t, &req, q->ip, out, outlen);
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = n.ip;
	src.peer = (const struct sockaddr *)&sin;
	if (!client_rules_req(&src, &req) &&
	    (src.mac = loadercfg_host_mac(q->conf, n.ip)) != NULL) {
		src.peer = NULL;
		client_rules_req(&src, &req);
	}
	inet_ntop(AF_INET, &n.ip, ip, sizeof(ip));
	return loadercfg_render(q, t, &req, ip, out, outlen);
}
