/*
 * conf.c: read pxed.conf and conf.d/NAME.conf with libconfuse and compile
 * them into one immutable struct conf.
 *
 * Theory of operation:
 *
 *   main file ──┐            one cfg_t per file, freed after compiling
 *   conf.d/NAME.conf (sorted) ──┼─> pre-scan ─> cfg_parse ─> compile ──┐
 *   built-in rules (no main file) ──┘                                │
 *                                 cross-file checks <────────────────┘
 *                                 (tags, hosts, ranges, templates)
 *                                        │ any error: NULL + every message
 *                                        v
 *                                   struct conf
 *
 * Each file is parsed on its own so that every message names the right
 * file and line.  Two libconfuse 3.3 behaviours are worked around by a
 * pre-scan of the file text (conf_prescan): its lexer counts extra lines
 * for every comment, and it replaces ${NAME} inside double-quoted strings
 * with the environment variable NAME, which would silently eat pxed's
 * templates.  The pre-scan blanks comments out (keeping the newlines) and
 * escapes "${" inside double quotes; the text handed to libconfuse then
 * has the same lines as the file.
 *
 * libconfuse does not remember where a value was written, so every
 * option has a parse callback (conf_cb) that records the line of the
 * option it is setting; compile-time errors look the line up by option.
 * All values are taken as strings and converted here, with their own
 * range checks and messages.
 */
#include "config.h"

#include <arpa/inet.h>
#include <confuse.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

#include "conf.h"
#include "dhcp_enc.h"
#include "dhcp_proto.h"
#include "fsroot.h"
#include "log.h"

#ifndef PXED_SYSCONFDIR
#define PXED_SYSCONFDIR	"/etc"
#endif
#ifndef PXED_TFTPROOT
#define PXED_TFTPROOT	"/usr/share/pxed/tftpboot"
#endif
#ifndef PXED_PIDFILE
#define PXED_PIDFILE	"/run/pxed.pid"
#endif

#define CONF_DEFAULT_CONFDIR	PXED_SYSCONFDIR "/pxed/conf.d"

/*
 * Built-in defaults, used when the main file does not exist: safe on any
 * LAN (proxyDHCP never hands out addresses) and the classic chain.  The
 * rules are read after conf.d, so entries there come first.
 */
static const char conf_builtin_main[] =
	"dhcp { mode = proxy }\n"
	"http { port = 80 }\n";

static const char conf_builtin_rules[] =
	"match \"efi64\" { arch = efi-x64 }\n"
	"match \"ipxe\" { userclass = \"iPXE\" }\n"
	"match \"http64\" { arch = http-x64 }\n"
	"boot \"builtin-ipxe\" { if = \"ipxe\" "
	    "filename = \"${http}/boot.ipxe\" }\n"
	"boot \"builtin-uefi\" { if = \"efi64 & !ipxe\" "
	    "filename = \"ipxe.efi\" }\n"
	"boot \"builtin-http\" { if = \"http64 & !ipxe\" "
	    "filename = \"${http}/ipxe.efi\" }\n"
	"boot \"builtin-bios\" { if = \"!efi64 & !http64 & !ipxe\" "
	    "filename = \"undionly.kpxe\" }\n";

/* Titled sections whose header line the pre-scan records. */
enum conf_kind { KIND_MATCH, KIND_BOOT, KIND_HOST, KIND_RANGE, CONF_NKINDS };
static const char *const conf_kind_names[CONF_NKINDS] = {
	"match", "boot", "host", "range"
};

/* Where each option was set: keyed by the option instance. */
struct conf_lineent {
	const cfg_opt_t		*opt;
	int			 line;
};

/* A tag or template variable used somewhere, checked once all is read. */
struct conf_use {
	const char		*name;
	size_t			 len;
	unsigned		 tag;
	struct conf_where	 where;
	const char		*what;
};

struct conf_loader {
	struct conf		*conf;
	struct conf_errors	*errs;
	struct arena		*a;
	const char		*file;		/* arena copy */

	struct conf_lineent	*lines;
	size_t			 lines_cap, lines_n;

	size_t			 cap_matches, cap_boots, cap_hosts, cap_tags;
	size_t			 cap_ranges;
	uint32_t		*tag_hash;	/* index + 1, open addressing */
	size_t			 tag_hash_size;

	struct conf_use		*tag_uses, *var_uses;
	size_t			 ntag_uses, cap_tag_uses;
	size_t			 nvar_uses, cap_var_uses;

	/* Header lines of titled sections, per keyword, in file order. */
	int			*sec_lines[CONF_NKINDS];
	size_t			 nsec_lines[CONF_NKINDS], cap_sec_lines[CONF_NKINDS];
};

/* libconfuse's callbacks cannot carry a context: loads do not nest. */
static struct conf_loader *conf_cur;

static void conf_error(struct conf_loader *, int, const char *, ...)
    __attribute__((format(printf, 3, 4)));

/* ---------- errors ---------- */

static void
conf_adderr(struct conf_errors *errs, const char *msg)
{
	char	**n;

	if (errs->n >= CONF_MAX_ERRORS)
		return;
	n = reallocarray(errs->msg, errs->n + 1, sizeof(*n));
	if (n == NULL)
		fatal("conf: errors");
	errs->msg = n;
	if ((errs->msg[errs->n] = strdup(msg)) == NULL)
		fatal("conf: errors");
	errs->n++;
}

static void
conf_verror_at(struct conf_loader *L, const char *file, int line,
    const char *fmt, va_list ap)
{
	char	msg[768], full[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (line > 0)
		snprintf(full, sizeof(full), "%s:%d: %s", file, line, msg);
	else
		snprintf(full, sizeof(full), "%s: %s", file, msg);
	conf_adderr(L->errs, full);
}

static void
conf_error(struct conf_loader *L, int line, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	conf_verror_at(L, L->file, line, fmt, ap);
	va_end(ap);
}

static void conf_error_where(struct conf_loader *, const struct conf_where *,
    const char *, ...) __attribute__((format(printf, 3, 4)));

static void
conf_error_where(struct conf_loader *L, const struct conf_where *w,
    const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	conf_verror_at(L, w->file, w->line, fmt, ap);
	va_end(ap);
}

static void
conf_cfg_errfunc(cfg_t *cfg, const char *fmt, va_list ap)
{
	struct conf_loader	*L = conf_cur;

	conf_verror_at(L, L->file, cfg->line, fmt, ap);
}

void
conf_errors_free(struct conf_errors *errs)
{
	size_t	i;

	for (i = 0; i < errs->n; i++)
		free(errs->msg[i]);
	free(errs->msg);
	errs->msg = NULL;
	errs->n = 0;
}

/* ---------- where options were written ---------- */

static size_t
conf_ptrhash(const void *p)
{
	uint64_t	x = (uint64_t)(uintptr_t)p;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x;
}

static void
conf_line_put(struct conf_loader *L, const cfg_opt_t *opt, int line)
{
	size_t	i;

	if ((L->lines_n + 1) * 2 > L->lines_cap) {
		struct conf_lineent	*old = L->lines;
		size_t			 oldcap = L->lines_cap, j;

		L->lines_cap = oldcap ? oldcap * 2 : 256;
		L->lines = calloc(L->lines_cap, sizeof(*L->lines));
		if (L->lines == NULL)
			fatal("conf: line table");
		for (j = 0; j < oldcap; j++)
			if (old[j].opt != NULL) {
				i = conf_ptrhash(old[j].opt) &
				    (L->lines_cap - 1);
				while (L->lines[i].opt != NULL)
					i = (i + 1) & (L->lines_cap - 1);
				L->lines[i] = old[j];
			}
		free(old);
	}
	i = conf_ptrhash(opt) & (L->lines_cap - 1);
	while (L->lines[i].opt != NULL && L->lines[i].opt != opt)
		i = (i + 1) & (L->lines_cap - 1);
	if (L->lines[i].opt == NULL)
		L->lines_n++;
	L->lines[i].opt = opt;
	L->lines[i].line = line;
}

static int
conf_line_get(const struct conf_loader *L, const cfg_opt_t *opt)
{
	size_t	i;

	if (L->lines_cap == 0 || opt == NULL)
		return 0;
	i = conf_ptrhash(opt) & (L->lines_cap - 1);
	while (L->lines[i].opt != NULL) {
		if (L->lines[i].opt == opt)
			return L->lines[i].line;
		i = (i + 1) & (L->lines_cap - 1);
	}
	return 0;
}

static void
conf_line_reset(struct conf_loader *L)
{
	if (L->lines != NULL)
		memset(L->lines, 0, L->lines_cap * sizeof(*L->lines));
	L->lines_n = 0;
}

/* Every option's parse callback: remember the line, keep the string. */
static int
conf_cb(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	conf_line_put(conf_cur, opt, cfg->line);
	*(const char **)result = value;
	return 0;
}

/* Line of a section: its first recorded option, else where it ended. */
static int
conf_secline(const struct conf_loader *L, cfg_t *sec)
{
	unsigned	i;
	int		best = 0, l;

	for (i = 0; i < cfg_num(sec); i++) {
		cfg_opt_t	*opt = cfg_getnopt(sec, i);

		if (opt->type == CFGT_SEC) {
			unsigned	j;

			for (j = 0; j < cfg_opt_size(opt); j++) {
				l = conf_secline(L, cfg_opt_getnsec(opt, j));
				if (l > 0 && (best == 0 || l < best))
					best = l;
			}
			continue;
		}
		l = conf_line_get(L, opt);
		if (l > 0 && (best == 0 || l < best))
			best = l;
	}
	return best > 0 ? best : sec->line;
}

static int
conf_optline(const struct conf_loader *L, cfg_t *sec, const char *name)
{
	int	l = conf_line_get(L, cfg_getopt(sec, name));

	return l > 0 ? l : conf_secline(L, sec);
}

static struct conf_where
conf_at(const struct conf_loader *L, cfg_t *sec, const char *name)
{
	struct conf_where	w;

	w.file = L->file;
	w.line = name != NULL ? conf_optline(L, sec, name) :
	    conf_secline(L, sec);
	return w;
}

/* ---------- schema ---------- */

#define OPT_S(n)	CFG_STR_CB(n, NULL, CFGF_NODEFAULT, conf_cb)
#define OPT_L(n)	CFG_STR_LIST_CB(n, NULL, CFGF_NODEFAULT, conf_cb)
#define SEC_MULTI	(CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES)

static cfg_opt_t pxe_opts[] = {
	OPT_S("discovery-control"),
	OPT_L("boot-servers"),
	OPT_L("menu"),
	OPT_S("prompt"),
	OPT_S("prompt-timeout"),
	CFG_END()
};

#define BOOTSET_OPTS \
	OPT_S("filename"), \
	OPT_S("next-server"), \
	OPT_S("server-name"), \
	OPT_S("bootfile-option"), \
	OPT_S("tftp-server-option"), \
	OPT_L("option"), \
	OPT_L("ipxe"), \
	CFG_SEC("pxe", pxe_opts, CFGF_NODEFAULT), \
	OPT_L("tftp-refuse"), \
	OPT_L("tftp-alias"), \
	OPT_S("delay")

static cfg_opt_t match_opts[] = {
	OPT_L("arch"),
	OPT_S("userclass"),
	OPT_S("vendorclass"),
	OPT_L("mac"),
	OPT_S("option"),
	OPT_S("value"),
	OPT_S("prefix"),
	OPT_L("interface"),
	OPT_L("relay"),
	OPT_S("known"),
	OPT_L("tftp-refuse"),
	CFG_END()
};

static cfg_opt_t boot_opts[] = {
	OPT_S("if"),
	BOOTSET_OPTS,
	CFG_END()
};

static cfg_opt_t host_opts[] = {
	OPT_S("mac"),
	OPT_S("ip"),
	OPT_S("hostname"),
	OPT_L("tags"),
	OPT_S("boot"),
	OPT_L("vars"),
	BOOTSET_OPTS,
	CFG_END()
};

#define RULE_SECS \
	CFG_SEC("match", match_opts, SEC_MULTI), \
	CFG_SEC("boot", boot_opts, SEC_MULTI), \
	CFG_SEC("host", host_opts, SEC_MULTI)

static cfg_opt_t range_opts[] = {
	OPT_S("start"),
	OPT_S("end"),
	OPT_S("netmask"),
	OPT_S("router"),
	OPT_L("dns"),
	OPT_S("domain"),
	OPT_S("lease-time"),
	CFG_END()
};

static cfg_opt_t dhcp_opts[] = {
	OPT_S("mode"),
	OPT_S("lease-time"),
	OPT_L("option"),
	OPT_S("lease-file"),
	OPT_S("bootp"),
	OPT_S("authoritative"),
	OPT_S("proxy-followup"),
	OPT_S("port"),
	OPT_S("proxy-port"),
	CFG_SEC("range", range_opts, SEC_MULTI),
	CFG_END()
};

static cfg_opt_t tftp_opts[] = {
	OPT_S("enable"),
	OPT_S("root"),
	OPT_S("port"),
	OPT_S("max-transfers"),
	OPT_S("max-blksize"),
	OPT_S("max-windowsize"),
	OPT_S("rollover"),
	OPT_S("timeout"),
	OPT_S("retries"),
	OPT_S("max-idle"),
	OPT_S("sockets"),
	OPT_S("unique-root"),
	CFG_END()
};

static cfg_opt_t http_opts[] = {
	OPT_S("enable"),
	OPT_S("port"),
	OPT_S("address"),
	OPT_S("root"),
	OPT_S("max-connections"),
	OPT_S("idle-timeout"),
	OPT_S("status"),
	OPT_S("status-address"),
	CFG_END()
};

static cfg_opt_t main_opts[] = {
	OPT_L("interface"),
	OPT_S("user"),
	OPT_S("pidfile"),
	OPT_S("log-level"),
	OPT_S("conf-dir"),
	OPT_S("loop-count"),
	OPT_S("loop-window"),
	CFG_SEC("dhcp", dhcp_opts, CFGF_NONE),
	CFG_SEC("tftp", tftp_opts, CFGF_NONE),
	CFG_SEC("http", http_opts, CFGF_NONE),
	RULE_SECS,
	CFG_END()
};

static cfg_opt_t rule_opts[] = {
	RULE_SECS,
	CFG_END()
};

/* ---------- the pre-scan ---------- */

/*
 * Remember the line of a section header "KEYWORD TITLE {": libconfuse only
 * knows where a section ends.  Sections of one keyword are created in
 * file order, so the k-th header recorded is the k-th section.
 */
struct conf_tok {
	size_t	start, len;
	int	line;
	bool	word;		/* a word or a quoted string */
	bool	quoted;
};

static void
conf_prescan_brace(struct conf_loader *L, const char *src,
    const struct conf_tok *kw, const struct conf_tok *title)
{
	size_t	k;

	if (!kw->word || kw->quoted || !title->word)
		return;
	for (k = 0; k < CONF_NKINDS; k++)
		if (kw->len == strlen(conf_kind_names[k]) &&
		    memcmp(src + kw->start, conf_kind_names[k], kw->len) == 0)
			break;
	if (k == CONF_NKINDS)
		return;
	if (L->nsec_lines[k] == L->cap_sec_lines[k]) {
		L->cap_sec_lines[k] = L->cap_sec_lines[k] ?
		    L->cap_sec_lines[k] * 2 : 64;
		L->sec_lines[k] = reallocarray(L->sec_lines[k],
		    L->cap_sec_lines[k], sizeof(int));
		if (L->sec_lines[k] == NULL)
			fatal("conf: section lines");
	}
	L->sec_lines[k][L->nsec_lines[k]++] = kw->line;
}

static bool
conf_wordchar(char c)
{
	return c != '\0' && strchr(" \t\r\n{}=+,()\"'#", c) == NULL;
}

/*
 * Copy src to a new buffer with comments blanked (newlines kept) and
 * "${" escaped inside double-quoted strings, noting section headers on
 * the way.  Returns NULL after reporting an unterminated string or
 * comment.
 */
static char *
conf_prescan(struct conf_loader *L, const char *src, size_t n, size_t *outn)
{
	enum { NORMAL, DQ, SQ, LINEC, BLOCKC } st = NORMAL;
	struct conf_tok	 tok[2];	/* the last two tokens */
	char		*out = malloc(2 * n + 1);
	size_t		 i, o = 0, k;
	int		 line = 1, start_line = 0;

	if (out == NULL)
		fatal("conf: prescan");
	memset(tok, 0, sizeof(tok));
	for (k = 0; k < CONF_NKINDS; k++)
		L->nsec_lines[k] = 0;
	for (i = 0; i < n; i++) {
		char	c = src[i], nx = i + 1 < n ? src[i + 1] : '\0';

		if (c == '\n')
			line++;
		switch (st) {
		case NORMAL:
			if (c == '#' || (c == '/' && nx == '/')) {
				/* "http://x" unquoted would end at "//" silently. */
				if (i > 0 && conf_wordchar(src[i - 1])) {
					conf_error(L, line, "'%s' right after a "
					    "value starts a comment: put the value "
					    "in quotes", c == '#' ? "#" : "//");
					goto fail;
				}
				st = LINEC;
				out[o++] = ' ';
				continue;
			}
			if (c == '/' && nx == '*') {
				st = BLOCKC;
				start_line = line;
				out[o++] = ' ';
				out[o++] = ' ';
				i++;
				continue;
			}
			if (c == '$' && nx == '{') {
				conf_error(L, line, "a ${...} template must be "
				    "inside quotes");
				goto fail;
			}
			if (c == '"' || c == '\'') {
				st = c == '"' ? DQ : SQ;
				start_line = line;
				tok[0] = tok[1];
				tok[1].start = i + 1;
				tok[1].line = line;
				tok[1].word = true;
				tok[1].quoted = true;
			} else if (c == '{') {
				conf_prescan_brace(L, src, &tok[0], &tok[1]);
				memset(tok, 0, sizeof(tok));
			} else if (strchr("}=+,()", c) != NULL) {
				memset(tok, 0, sizeof(tok));
			} else if (conf_wordchar(c) &&
			    (i == 0 || !conf_wordchar(src[i - 1]))) {
				tok[0] = tok[1];
				tok[1].start = i;
				tok[1].line = line;
				tok[1].word = true;
				tok[1].quoted = false;
				for (k = i; k < n && conf_wordchar(src[k]); k++)
					;
				tok[1].len = k - i;
			}
			break;
		case DQ:
		case SQ:
			if (c == '\\' && i + 1 < n) {
				out[o++] = c;
				out[o++] = nx;
				if (nx == '\n')
					line++;
				i++;
				continue;
			}
			if (st == DQ && c == '$' && nx == '{')
				out[o++] = '\\';
			if ((st == DQ && c == '"') || (st == SQ && c == '\'')) {
				st = NORMAL;
				tok[1].len = i - tok[1].start;
			}
			break;
		case LINEC:
			if (c == '\n')
				st = NORMAL;
			else {
				out[o++] = ' ';
				continue;
			}
			break;
		case BLOCKC:
			if (c == '*' && nx == '/') {
				st = NORMAL;
				out[o++] = ' ';
				out[o++] = ' ';
				i++;
				continue;
			}
			if (c != '\n') {
				out[o++] = ' ';
				continue;
			}
			break;
		}
		out[o++] = c;
	}
	if (st == DQ || st == SQ) {
		conf_error(L, start_line, "unterminated string");
		goto fail;
	}
	if (st == BLOCKC) {
		conf_error(L, start_line, "unterminated /* comment");
		goto fail;
	}
	out[o] = '\0';
	*outn = o;
	return out;
fail:
	free(out);
	return NULL;
}

/* Where a titled section starts: its header, else its first option. */
static struct conf_where
conf_sec_at(const struct conf_loader *L, cfg_t *sec, enum conf_kind kind,
    unsigned idx)
{
	struct conf_where	w;

	w.file = L->file;
	w.line = idx < L->nsec_lines[kind] ? L->sec_lines[kind][idx] :
	    conf_secline(L, sec);
	return w;
}

/* ---------- value parsers ---------- */

static bool
conf_parse_bool(const char *s, bool *b)
{
	static const char *const yes[] = { "yes", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "false", "off", "0", NULL };
	size_t	i;

	for (i = 0; yes[i] != NULL; i++)
		if (strcasecmp(s, yes[i]) == 0) {
			*b = true;
			return true;
		}
	for (i = 0; no[i] != NULL; i++)
		if (strcasecmp(s, no[i]) == 0) {
			*b = false;
			return true;
		}
	return false;
}

static bool
conf_parse_ulong(const char *s, unsigned long min, unsigned long max,
    unsigned long *v)
{
	char		*end;
	unsigned long	 n;

	if (*s == '\0' || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return false;
	errno = 0;
	n = strtoul(s, &end, 0);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return false;
	*v = n;
	return true;
}

static bool
conf_parse_ip(const char *s, struct in_addr *ip)
{
	return inet_pton(AF_INET, s, ip) == 1;
}

int
conf_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned	i;

	for (i = 0; i < 6; i++) {
		int	hi, lo;

		if (!isxdigit((unsigned char)s[0]) ||
		    !isxdigit((unsigned char)s[1]))
			return -1;
		hi = isdigit((unsigned char)s[0]) ? s[0] - '0' :
		    (tolower((unsigned char)s[0]) - 'a' + 10);
		lo = isdigit((unsigned char)s[1]) ? s[1] - '0' :
		    (tolower((unsigned char)s[1]) - 'a' + 10);
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5) {
			if (*s != ':' && *s != '-')
				return -1;
			s++;
		}
	}
	return *s == '\0' ? 0 : -1;
}

static int
conf_parse_macpat(const char *s, struct conf_macpat *p)
{
	char	buf[64], *tok, *save = NULL;
	size_t	n = 0;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	for (tok = strtok_r(buf, ":-", &save); tok != NULL;
	    tok = strtok_r(NULL, ":-", &save)) {
		unsigned long	v;
		char		*end;

		if (n >= 6)
			return -1;
		if (strcmp(tok, "*") == 0) {
			p->val[n] = p->mask[n] = 0;
		} else {
			if (strlen(tok) != 2 || !isxdigit((unsigned char)tok[0])
			    || !isxdigit((unsigned char)tok[1]))
				return -1;
			v = strtoul(tok, &end, 16);
			p->val[n] = (uint8_t)v;
			p->mask[n] = 0xff;
		}
		n++;
	}
	/* "52:54:00:*" is short for the rest of the bytes as wildcards. */
	if (n == 0 || (n < 6 && strcmp(s + strlen(s) - 1, "*") != 0))
		return -1;
	for (; n < 6; n++)
		p->val[n] = p->mask[n] = 0;
	return 0;
}

static int
conf_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * An option value: "hex:0a0b0c" or "0x0a:0b" (bytes), "ip:a.b.c.d,..."
 * (addresses), "u8:N", "u16:N", "u32:N" (big-endian numbers), "text:..."
 * or anything else (text as written).
 */
int
conf_parse_optval(struct arena *a, const char *s, const uint8_t **data,
    size_t *len, char *err, size_t errlen)
{
	uint8_t		 buf[CONF_MAX_OPTLEN];
	size_t		 n = 0;
	unsigned long	 v;

	if (strncasecmp(s, "hex:", 4) == 0 || strncasecmp(s, "0x", 2) == 0) {
		const char	*p = s + (s[0] == '0' ? 2 : 4);

		while (*p != '\0') {
			int	hi, lo;

			if (*p == ':' || *p == ' ' || *p == '-') {
				p++;
				continue;
			}
			hi = conf_hexval((unsigned char)p[0]);
			lo = p[1] != '\0' ? conf_hexval((unsigned char)p[1]) :
			    -1;
			if (hi < 0 || lo < 0) {
				snprintf(err, errlen, "\"%s\": bad hex digits "
				    "(write byte pairs such as hex:0a0b)", s);
				return -1;
			}
			if (n >= sizeof(buf))
				goto toolong;
			buf[n++] = (uint8_t)(hi << 4 | lo);
			p += 2;
		}
	} else if (strncasecmp(s, "ip:", 3) == 0) {
		char	tmp[CONF_MAX_OPTLEN], *tok, *save = NULL;

		if (strlen(s + 3) >= sizeof(tmp))
			goto toolong;
		strcpy(tmp, s + 3);
		for (tok = strtok_r(tmp, ", ", &save); tok != NULL;
		    tok = strtok_r(NULL, ", ", &save)) {
			struct in_addr	ip;

			if (!conf_parse_ip(tok, &ip)) {
				snprintf(err, errlen, "\"%s\": \"%s\" is not an "
				    "IPv4 address", s, tok);
				return -1;
			}
			if (n + 4 > sizeof(buf))
				goto toolong;
			memcpy(buf + n, &ip, 4);
			n += 4;
		}
		if (n == 0) {
			snprintf(err, errlen, "\"%s\": no address", s);
			return -1;
		}
	} else if (strncasecmp(s, "u8:", 3) == 0 ||
	    strncasecmp(s, "u16:", 4) == 0 || strncasecmp(s, "u32:", 4) == 0) {
		unsigned	bytes = s[1] == '8' ? 1 : s[1] == '1' ? 2 : 4;
		unsigned long	max = bytes == 1 ? 0xff : bytes == 2 ? 0xffff :
		    0xffffffffUL;
		unsigned	i;

		if (!conf_parse_ulong(strchr(s, ':') + 1, 0, max, &v)) {
			snprintf(err, errlen, "\"%s\": not a number from 0 to "
			    "%lu", s, max);
			return -1;
		}
		for (i = 0; i < bytes; i++)
			buf[n++] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
	} else {
		const char	*t = strncasecmp(s, "text:", 5) == 0 ? s + 5 : s;

		n = strlen(t);
		if (n > sizeof(buf))
			goto toolong;
		memcpy(buf, t, n);
	}
	*data = arena_memdup(a, buf, n);
	*len = n;
	return 0;
toolong:
	snprintf(err, errlen, "\"%.40s...\": longer than %d bytes", s,
	    CONF_MAX_OPTLEN);
	return -1;
}

static bool
conf_validname(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' &&
		    *s != '.' && *s != ':')
			return false;
	return true;
}

/* ---------- typed getters ---------- */

static const char *
conf_str(cfg_t *sec, const char *name)
{
	return cfg_size(sec, name) > 0 ? cfg_getstr(sec, name) : NULL;
}

/* 1 set and valid, 0 absent, -1 invalid (reported). */
static int
conf_get_ulong(struct conf_loader *L, cfg_t *sec, const char *name,
    unsigned long min, unsigned long max, unsigned long *v)
{
	const char	*s = conf_str(sec, name);

	if (s == NULL)
		return 0;
	if (!conf_parse_ulong(s, min, max, v)) {
		conf_error(L, conf_optline(L, sec, name), "%s: \"%s\" is not "
		    "a number from %lu to %lu", name, s, min, max);
		return -1;
	}
	return 1;
}

static int
conf_get_bool(struct conf_loader *L, cfg_t *sec, const char *name, bool *b)
{
	const char	*s = conf_str(sec, name);

	if (s == NULL)
		return 0;
	if (!conf_parse_bool(s, b)) {
		conf_error(L, conf_optline(L, sec, name), "%s: \"%s\" is not "
		    "yes or no", name, s);
		return -1;
	}
	return 1;
}

static int
conf_get_ip(struct conf_loader *L, cfg_t *sec, const char *name,
    struct in_addr *ip)
{
	const char	*s = conf_str(sec, name);

	if (s == NULL)
		return 0;
	if (!conf_parse_ip(s, ip)) {
		conf_error(L, conf_optline(L, sec, name), "%s: \"%s\" is not "
		    "an IPv4 address", name, s);
		return -1;
	}
	return 1;
}

/* ---------- tags and expressions ---------- */

static size_t
conf_strhash(const char *s, size_t len)
{
	size_t	h = 5381, i;

	for (i = 0; i < len; i++)
		h = h * 33 + (unsigned char)s[i];
	return h;
}

/* Find or create a tag; returns its number or -1 past CONF_MAX_TAGS. */
static int
conf_tag(struct conf_loader *L, const char *name, size_t len)
{
	struct conf	*c = L->conf;
	size_t		 i;

	if (L->tag_hash == NULL) {
		L->tag_hash_size = 2 * CONF_MAX_TAGS;
		L->tag_hash = calloc(L->tag_hash_size, sizeof(*L->tag_hash));
		if (L->tag_hash == NULL)
			fatal("conf: tags");
	}
	i = conf_strhash(name, len) & (L->tag_hash_size - 1);
	while (L->tag_hash[i] != 0) {
		struct conf_tag	*t = &c->tags[L->tag_hash[i] - 1];

		if (strlen(t->name) == len && memcmp(t->name, name, len) == 0)
			return (int)(L->tag_hash[i] - 1);
		i = (i + 1) & (L->tag_hash_size - 1);
	}
	if (c->ntags >= CONF_MAX_TAGS)
		return -1;
	if (c->ntags == L->cap_tags) {
		L->cap_tags = L->cap_tags ? L->cap_tags * 2 : 32;
		c->tags = reallocarray(c->tags, L->cap_tags, sizeof(*c->tags));
		if (c->tags == NULL)
			fatal("conf: tags");
	}
	memset(&c->tags[c->ntags], 0, sizeof(c->tags[0]));
	c->tags[c->ntags].name = arena_strndup(L->a, name, len);
	L->tag_hash[i] = (uint32_t)c->ntags + 1;
	return (int)c->ntags++;
}

static int
conf_tag_setter(struct conf_loader *L, const char *name,
    const struct conf_where *w)
{
	int	t = conf_tag(L, name, strlen(name));

	if (t < 0) {
		conf_error_where(L, w, "more than %d distinct tags",
		    CONF_MAX_TAGS);
		return -1;
	}
	if (!L->conf->tags[t].set) {
		L->conf->tags[t].set = true;
		L->conf->tags[t].set_where = *w;
	}
	return t;
}

static void
conf_use_add(struct conf_use **v, size_t *n, size_t *cap,
    const struct conf_use *u)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*v = reallocarray(*v, *cap, sizeof(**v));
		if (*v == NULL)
			fatal("conf: uses");
	}
	(*v)[(*n)++] = *u;
}

struct conf_exprp {
	struct conf_loader	*L;
	const char		*s;
	size_t			 pos;
	uint16_t		 ops[CONF_MAX_EXPR];
	size_t			 nops;
	unsigned		 depth;		/* '!' and '(' nested */
	struct conf_where	 where;
	char			 err[160];
};

static bool
conf_tagchar(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' ||
	    c == '.' || c == ':';
}

static void
conf_expr_skip(struct conf_exprp *p)
{
	while (isspace((unsigned char)p->s[p->pos]))
		p->pos++;
}

static bool
conf_expr_emit(struct conf_exprp *p, uint16_t op)
{
	if (p->nops >= CONF_MAX_EXPR) {
		snprintf(p->err, sizeof(p->err), "more than %d terms",
		    CONF_MAX_EXPR);
		return false;
	}
	p->ops[p->nops++] = op;
	return true;
}

static bool conf_expr_or(struct conf_exprp *);
static bool conf_expr_unary1(struct conf_exprp *);

/* Each '!' and '(' recurses: bound the nesting, and so the stack. */
static bool
conf_expr_unary(struct conf_exprp *p)
{
	bool	ok;

	if (p->depth >= CONF_MAX_EXPR) {
		snprintf(p->err, sizeof(p->err), "nested more than %d deep",
		    CONF_MAX_EXPR);
		return false;
	}
	p->depth++;
	ok = conf_expr_unary1(p);
	p->depth--;
	return ok;
}

static bool
conf_expr_unary1(struct conf_exprp *p)
{
	size_t	start;

	conf_expr_skip(p);
	if (p->s[p->pos] == '!') {
		p->pos++;
		return conf_expr_unary(p) && conf_expr_emit(p, EXPR_NOT);
	}
	if (p->s[p->pos] == '(') {
		p->pos++;
		if (!conf_expr_or(p))
			return false;
		conf_expr_skip(p);
		if (p->s[p->pos] != ')') {
			snprintf(p->err, sizeof(p->err), "missing ')' at "
			    "offset %zu", p->pos);
			return false;
		}
		p->pos++;
		return true;
	}
	start = p->pos;
	while (conf_tagchar(p->s[p->pos]))
		p->pos++;
	if (p->pos == start) {
		if (p->s[p->pos] == '\0')
			snprintf(p->err, sizeof(p->err), "a tag is missing at "
			    "the end");
		else
			snprintf(p->err, sizeof(p->err), "unexpected '%c' at "
			    "offset %zu", p->s[p->pos], p->pos);
		return false;
	} else {
		struct conf_use	u;
		int		t = conf_tag(p->L, p->s + start,
		    p->pos - start);

		if (t < 0) {
			snprintf(p->err, sizeof(p->err), "more than %d "
			    "distinct tags", CONF_MAX_TAGS);
			return false;
		}
		memset(&u, 0, sizeof(u));
		u.tag = (unsigned)t;
		u.where = p->where;
		u.what = p->s;
		conf_use_add(&p->L->tag_uses, &p->L->ntag_uses,
		    &p->L->cap_tag_uses, &u);
		return conf_expr_emit(p, (uint16_t)t);
	}
}

static bool
conf_expr_and(struct conf_exprp *p)
{
	if (!conf_expr_unary(p))
		return false;
	for (;;) {
		conf_expr_skip(p);
		if (p->s[p->pos] != '&')
			return true;
		p->pos++;
		if (p->s[p->pos] == '&')	/* "&&" reads naturally too */
			p->pos++;
		if (!conf_expr_unary(p) || !conf_expr_emit(p, EXPR_AND))
			return false;
	}
}

static bool
conf_expr_or(struct conf_exprp *p)
{
	if (!conf_expr_and(p))
		return false;
	for (;;) {
		conf_expr_skip(p);
		if (p->s[p->pos] != '|')
			return true;
		p->pos++;
		if (p->s[p->pos] == '|')
			p->pos++;
		if (!conf_expr_and(p) || !conf_expr_emit(p, EXPR_OR))
			return false;
	}
}

static int
conf_expr_compile(struct conf_loader *L, const char *text,
    const struct conf_where *w, struct conf_expr *out)
{
	struct conf_exprp	*p = calloc(1, sizeof(*p));
	int			 rc = -1;

	if (p == NULL)
		fatal("conf: expr");
	/* Uses of tags point at the text: it must outlive the cfg_t. */
	text = arena_strdup(L->a, text);
	p->L = L;
	p->s = text;
	p->where = *w;
	if (conf_expr_or(p)) {
		conf_expr_skip(p);
		if (p->s[p->pos] == '\0')
			rc = 0;
		else
			snprintf(p->err, sizeof(p->err), "unexpected '%c' at "
			    "offset %zu", p->s[p->pos], p->pos);
	}
	if (rc == 0) {
		out->text = text;
		out->ops = arena_memdup(L->a, p->ops,
		    p->nops * sizeof(p->ops[0]));
		out->nops = p->nops;
	} else
		conf_error_where(L, w, "if = \"%s\": %s", text, p->err);
	free(p);
	return rc;
}

/* ---------- templates ---------- */

static int
conf_template(struct conf_loader *L, cfg_t *sec, const char *name,
    struct tmpl *out)
{
	const char		*s = conf_str(sec, name);
	struct conf_where	 w = conf_at(L, sec, name);
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
		conf_use_add(&L->var_uses, &L->nvar_uses, &L->cap_var_uses,
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
conf_optlist(struct conf_loader *L, cfg_t *sec, const char *optname,
    const struct conf_optname *names, bool dhcp, struct conf_optval **out)
{
	unsigned		 i, n = cfg_size(sec, optname);
	struct conf_where	 w = conf_at(L, sec, optname);
	struct conf_optval	*v;
	int			 bad = 0;

	v = arena_alloc(L->a, (n ? n : 1) * sizeof(*v));
	for (i = 0; i < n; i++) {
		const char		*s = cfg_getnstr(sec, optname, i);
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
		else if (!conf_parse_ulong(key, 1, 254, &code)) {
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
		if (conf_parse_optval(L->a, val, &data, &len, err,
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

/*
 * PXE option 43 (PXE spec 2.1, table 2-1): parse the pxe { } section
 * into a struct dhcp_pxe, which dhcp_enc_pxe() turns into bytes.
 */
static int
conf_pxe(struct conf_loader *L, cfg_t *pxe, struct conf_bootset *bs)
{
	struct dhcp_pxe			 p;
	struct dhcp_pxe_servers		*srv;
	struct dhcp_pxe_item		*menu;
	uint8_t				 buf[1024];
	size_t				 len;
	unsigned long			 v;
	unsigned			 i;
	const char			*s;
	int				 bad = 0, r;
	struct conf_where		 w;

	memset(&p, 0, sizeof(p));
	p.control = -1;
	if ((r = conf_get_ulong(L, pxe, "discovery-control", 0, 255, &v)) < 0)
		bad = 1;
	else if (r > 0)
		p.control = (int)v;

	/* boot-servers = { "TYPE:IP[,IP...]", ... } */
	w = conf_at(L, pxe, "boot-servers");
	srv = arena_alloc(L->a, (cfg_size(pxe, "boot-servers") + 1) *
	    sizeof(*srv));
	p.servers = srv;
	for (i = 0; i < cfg_size(pxe, "boot-servers"); i++) {
		char		 tmp[256], *colon, *tok, *save = NULL;
		struct in_addr	*addrs;
		size_t		 n = 0;

		s = cfg_getnstr(pxe, "boot-servers", i);
		if (strlen(s) >= sizeof(tmp) || (colon = strchr(s, ':')) ==
		    NULL) {
			conf_error_where(L, &w, "boot-servers = \"%s\": "
			    "expected TYPE:IP[,IP...]", s);
			bad = 1;
			continue;
		}
		strcpy(tmp, s);
		tmp[colon - s] = '\0';
		if (!conf_parse_ulong(tmp, 0, 65535, &v)) {
			conf_error_where(L, &w, "boot-servers = \"%s\": type "
			    "\"%s\" is not a number from 0 to 65535", s, tmp);
			bad = 1;
			continue;
		}
		/* At most one address per two characters of the text. */
		addrs = arena_alloc(L->a, (strlen(s) / 2 + 1) *
		    sizeof(*addrs));
		for (tok = strtok_r(tmp + (colon - s) + 1, ",", &save);
		    tok != NULL; tok = strtok_r(NULL, ",", &save)) {
			if (!conf_parse_ip(tok, &addrs[n])) {
				conf_error_where(L, &w, "boot-servers = \"%s\":"
				    " \"%s\" is not an IPv4 address", s, tok);
				bad = 1;
				break;
			}
			n++;
		}
		srv[p.nservers].type = (uint16_t)v;
		srv[p.nservers].addrs = addrs;
		srv[p.nservers].naddrs = n;
		p.nservers++;
	}

	/* menu = { "TYPE:DESCRIPTION", ... } */
	w = conf_at(L, pxe, "menu");
	menu = arena_alloc(L->a, (cfg_size(pxe, "menu") + 1) * sizeof(*menu));
	p.menu = menu;
	for (i = 0; i < cfg_size(pxe, "menu"); i++) {
		char		 tmp[16];
		const char	*colon;

		s = cfg_getnstr(pxe, "menu", i);
		colon = strchr(s, ':');
		if (colon == NULL || (size_t)(colon - s) >= sizeof(tmp)) {
			conf_error_where(L, &w, "menu = \"%s\": expected "
			    "TYPE:DESCRIPTION", s);
			bad = 1;
			continue;
		}
		memcpy(tmp, s, (size_t)(colon - s));
		tmp[colon - s] = '\0';
		if (!conf_parse_ulong(tmp, 0, 65535, &v)) {
			conf_error_where(L, &w, "menu = \"%s\": type \"%s\" is "
			    "not a number from 0 to 65535", s, tmp);
			bad = 1;
			continue;
		}
		menu[p.nmenu].type = (uint16_t)v;
		menu[p.nmenu].text = colon + 1;
		p.nmenu++;
	}

	p.prompt_text = conf_str(pxe, "prompt");
	if ((r = conf_get_ulong(L, pxe, "prompt-timeout", 0, 255, &v)) < 0)
		bad = 1;
	if (p.prompt_text != NULL || r > 0) {
		p.prompt = true;
		p.prompt_timeout = r > 0 ? (uint8_t)v : 0;
	}
	if (bad)
		return -1;
	if ((len = dhcp_enc_pxe(&p, buf, sizeof(buf))) == 0) {
		w = conf_at(L, pxe, NULL);
		conf_error_where(L, &w, "pxe: a sub-option is longer than 255 "
		    "bytes");
		return -1;
	}
	bs->pxe = arena_memdup(L->a, buf, len);
	bs->pxe_len = len;
	return 0;
}

static int
conf_tftp_refuse(struct conf_loader *L, cfg_t *sec, unsigned *bits)
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

	for (i = 0; i < cfg_size(sec, "tftp-refuse"); i++) {
		const char	*s = cfg_getnstr(sec, "tftp-refuse", i);

		for (j = 0; j < sizeof(refuse) / sizeof(refuse[0]); j++)
			if (strcasecmp(s, refuse[j].name) == 0)
				break;
		if (j == sizeof(refuse) / sizeof(refuse[0])) {
			conf_error(L, conf_optline(L, sec, "tftp-refuse"),
			    "tftp-refuse: \"%s\" is not blksize, tsize, "
			    "timeout, windowsize or all", s);
			bad = 1;
			continue;
		}
		*bits |= refuse[j].bit;
	}
	return bad ? -1 : 0;
}

static int
conf_bootset(struct conf_loader *L, cfg_t *sec, struct conf_bootset *bs)
{
	int		 bad = 0, r, n;
	unsigned long	 v;
	unsigned	 i;
	bool		 b;
	const char	*s;

	memset(bs, 0, sizeof(*bs));
	if (conf_str(sec, "filename") != NULL) {
		if (conf_template(L, sec, "filename", &bs->filename) == -1)
			bad = 1;
		bs->set |= BS_FILENAME;
	}
	if ((r = conf_get_ip(L, sec, "next-server", &bs->next_server)) < 0)
		bad = 1;
	else if (r > 0)
		bs->set |= BS_NEXT_SERVER;
	if ((s = conf_str(sec, "server-name")) != NULL) {
		if (strlen(s) > 63) {
			conf_error(L, conf_optline(L, sec, "server-name"),
			    "server-name: longer than the 63 bytes of sname");
			bad = 1;
		}
		bs->server_name = arena_strdup(L->a, s);
		bs->set |= BS_SERVER_NAME;
	}
	if ((r = conf_get_bool(L, sec, "bootfile-option", &b)) < 0)
		bad = 1;
	else if (r > 0) {
		bs->opt67 = b;
		bs->set |= BS_OPT67;
	}
	if ((r = conf_get_bool(L, sec, "tftp-server-option", &b)) < 0)
		bad = 1;
	else if (r > 0) {
		bs->opt66 = b;
		bs->set |= BS_OPT66;
	}
	if (cfg_size(sec, "option") > 0) {
		if ((n = conf_optlist(L, sec, "option", NULL, true,
		    &bs->options)) < 0)
			bad = 1;
		else
			bs->noptions = (size_t)n;
		bs->set |= BS_OPTIONS;
	}
	if (cfg_size(sec, "pxe") > 0) {
		if (conf_pxe(L, cfg_getsec(sec, "pxe"), bs) == -1)
			bad = 1;
		bs->set |= BS_PXE;
		for (i = 0; i < bs->noptions; i++)
			if (bs->options[i].code == DHO_VENDOR_ENCAPSULATED) {
				conf_error(L, conf_optline(L, sec, "option"),
				    "option 43 is given both raw and as pxe { }:"
				    " keep one");
				bad = 1;
			}
	}
	if (cfg_size(sec, "ipxe") > 0) {
		struct conf_optval	*sub;
		struct dhcp_sub		*subs;
		uint8_t			 buf[CONF_MAX_OPTLEN];
		size_t			 len = 0;

		if ((n = conf_optlist(L, sec, "ipxe", conf_ipxe_names, false,
		    &sub)) < 0)
			bad = 1;
		else {
			subs = arena_alloc(L->a, ((size_t)n + 1) *
			    sizeof(*subs));
			for (i = 0; i < (unsigned)n; i++) {
				subs[i].code = sub[i].code;
				subs[i].len = sub[i].len;
				subs[i].data = sub[i].data;
			}
			if (n > 0 && (len = dhcp_enc_ipxe(subs, (size_t)n,
			    buf, sizeof(buf))) == 0) {
				conf_error(L, conf_optline(L, sec, "ipxe"),
				    "ipxe: more than %d bytes in all",
				    CONF_MAX_OPTLEN);
				bad = 1;
			}
			bs->ipxe = arena_memdup(L->a, buf, len);
			bs->ipxe_len = len;
		}
		bs->set |= BS_IPXE;
		for (i = 0; i < bs->noptions; i++)
			if (bs->options[i].code == DHO_IPXE_ENCAP) {
				conf_error(L, conf_optline(L, sec, "option"),
				    "option 175 is given both raw and as ipxe:"
				    " keep one");
				bad = 1;
			}
	}
	if (cfg_size(sec, "tftp-refuse") > 0) {
		if (conf_tftp_refuse(L, sec, &bs->tftp_refuse) == -1)
			bad = 1;
		bs->set |= BS_TFTP_REFUSE;
	}
	if (cfg_size(sec, "tftp-alias") > 0) {
		struct conf_where w = conf_at(L, sec, "tftp-alias");
		char	from[1024], to[1024];

		bs->aliases = arena_alloc(L->a, cfg_size(sec, "tftp-alias") *
		    sizeof(*bs->aliases));
		for (i = 0; i < cfg_size(sec, "tftp-alias"); i++) {
			const char	*eq;
			enum fsroot_err	 e1, e2 = FSROOT_OK;

			s = cfg_getnstr(sec, "tftp-alias", i);
			if ((eq = strchr(s, '=')) == NULL ||
			    (size_t)(eq - s) >= sizeof(from)) {
				conf_error_where(L, &w, "tftp-alias = \"%s\": "
				    "expected REQUESTED=SERVED", s);
				bad = 1;
				continue;
			}
			memcpy(from, s, (size_t)(eq - s));
			from[eq - s] = '\0';
			if ((e1 = fsroot_clean(from, from, sizeof(from))) !=
			    FSROOT_OK || (e2 = fsroot_clean(eq + 1, to,
			    sizeof(to))) != FSROOT_OK) {
				conf_error_where(L, &w, "tftp-alias = \"%s\": "
				    "%s", s, fsroot_strerror(e1 != FSROOT_OK ?
				    e1 : e2));
				bad = 1;
				continue;
			}
			bs->aliases[bs->naliases].from = arena_strdup(L->a,
			    from);
			bs->aliases[bs->naliases++].to = arena_strdup(L->a, to);
		}
		bs->set |= BS_TFTP_ALIAS;
	}
	if ((r = conf_get_ulong(L, sec, "delay", 0, 10000, &v)) < 0)
		bad = 1;
	else if (r > 0) {
		bs->delay_ms = (unsigned)v;
		bs->set |= BS_DELAY;
	}
	return bad ? -1 : 0;
}

/* ---------- rule sections ---------- */

#define CONF_GROW(L, arr, n, cap) do {					\
	if ((n) == (cap)) {						\
		(cap) = (cap) ? (cap) * 2 : 16;				\
		(arr) = reallocarray((arr), (cap), sizeof(*(arr)));	\
		if ((arr) == NULL)					\
			fatal("conf: %s", #arr);			\
	}								\
} while (0)

static struct conf_cond *
conf_cond_new(struct conf_loader *L, struct conf_cond *conds, size_t *n,
    enum conf_cond_kind kind, cfg_t *sec, const char *name)
{
	struct conf_cond	*c = &conds[(*n)++];

	c->kind = kind;
	c->where = conf_at(L, sec, name);
	return c;
}

static void
conf_match(struct conf_loader *L, cfg_t *sec, unsigned idx)
{
	struct conf		*conf = L->conf;
	struct conf_match	 m;
	struct conf_cond	 conds[8];
	struct conf_cond	*c;
	const char		*title = cfg_title(sec), *s;
	unsigned		 i;
	size_t			 n = 0;
	int			 bad = 0, t;
	bool			 b;

	memset(&m, 0, sizeof(m));
	memset(conds, 0, sizeof(conds));
	m.where = conf_sec_at(L, sec, KIND_MATCH, idx);
	if (!conf_validname(title)) {
		conf_error_where(L, &m.where, "match \"%s\": a tag name is "
		    "letters, digits, '_', '-', '.' or ':'", title);
		return;
	}
	if (strcmp(title, "known") == 0) {
		conf_error_where(L, &m.where, "match \"known\": the tag known "
		    "is set by pxed for machines with a host entry");
		return;
	}
	if (cfg_size(sec, "arch") > 0) {
		c = conf_cond_new(L, conds, &n, COND_ARCH, sec, "arch");
		c->arch = arena_alloc(L->a, 2 * cfg_size(sec, "arch") *
		    sizeof(*c->arch));
		for (i = 0; i < cfg_size(sec, "arch"); i++) {
			const struct dhcp_arch	*a;
			unsigned long		 v;

			s = cfg_getnstr(sec, "arch", i);
			if ((a = dhcp_proto_arch_lookup(s)) != NULL) {
				size_t	j;

				for (j = 0; j < a->ncodes; j++)
					c->arch[c->n++] = a->codes[j];
			} else if (conf_parse_ulong(s, 0, 65535, &v))
				c->arch[c->n++] = (uint16_t)v;
			else {
				conf_error_where(L, &c->where, "arch: \"%s\" is "
				    "neither a number from 0 to 65535 nor an "
				    "architecture name (bios, efi-ia32, efi-x64, "
				    "efi-arm32, efi-arm64, http-ia32, http-x64, "
				    "http-arm32, http-arm64)", s);
				bad = 1;
			}
		}
	}
	if ((s = conf_str(sec, "userclass")) != NULL) {
		c = conf_cond_new(L, conds, &n, COND_USERCLASS, sec,
		    "userclass");
		c->data = (const uint8_t *)arena_strdup(L->a, s);
		c->len = strlen(s);
	}
	if ((s = conf_str(sec, "vendorclass")) != NULL) {
		c = conf_cond_new(L, conds, &n, COND_VENDORCLASS, sec,
		    "vendorclass");
		c->data = (const uint8_t *)arena_strdup(L->a, s);
		c->len = strlen(s);
	}
	if (cfg_size(sec, "mac") > 0) {
		c = conf_cond_new(L, conds, &n, COND_MAC, sec, "mac");
		c->mac = arena_alloc(L->a, cfg_size(sec, "mac") *
		    sizeof(*c->mac));
		for (i = 0; i < cfg_size(sec, "mac"); i++) {
			s = cfg_getnstr(sec, "mac", i);
			if (conf_parse_macpat(s, &c->mac[c->n]) == -1) {
				conf_error_where(L, &c->where, "mac: \"%s\" is "
				    "not a MAC pattern such as "
				    "52:54:00:*:*:* or 52:54:00:*", s);
				bad = 1;
			} else
				c->n++;
		}
	}
	if (conf_str(sec, "option") != NULL) {
		unsigned long	 code;
		const char	*val = conf_str(sec, "value");
		const char	*pre = conf_str(sec, "prefix");
		char		 err[256];

		c = conf_cond_new(L, conds, &n, COND_OPTION, sec, "option");
		if (conf_get_ulong(L, sec, "option", 1, 254, &code) < 0)
			bad = 1;
		c->code = (uint8_t)code;
		c->op = val != NULL ? OPTOP_EQUAL : pre != NULL ? OPTOP_PREFIX :
		    OPTOP_PRESENT;
		if (val != NULL && pre != NULL) {
			conf_error_where(L, &c->where, "match \"%s\": give "
			    "value or prefix, not both", title);
			bad = 1;
		} else if ((val != NULL || pre != NULL) &&
		    conf_parse_optval(L->a, val != NULL ? val : pre, &c->data,
		    &c->len, err, sizeof(err)) == -1) {
			struct conf_where w = conf_at(L, sec,
			    val != NULL ? "value" : "prefix");

			conf_error_where(L, &w, "%s: %s",
			    val != NULL ? "value" : "prefix", err);
			bad = 1;
		}
	} else if (conf_str(sec, "value") != NULL ||
	    conf_str(sec, "prefix") != NULL) {
		struct conf_where w = conf_at(L, sec, conf_str(sec, "value") ?
		    "value" : "prefix");

		conf_error_where(L, &w, "match \"%s\": value and prefix need "
		    "option = NUMBER", title);
		bad = 1;
	}
	if (cfg_size(sec, "interface") > 0) {
		c = conf_cond_new(L, conds, &n, COND_INTERFACE, sec,
		    "interface");
		c->names = arena_alloc(L->a, cfg_size(sec, "interface") *
		    sizeof(*c->names));
		for (i = 0; i < cfg_size(sec, "interface"); i++)
			c->names[c->n++] = arena_strdup(L->a,
			    cfg_getnstr(sec, "interface", i));
	}
	if (cfg_size(sec, "relay") > 0) {
		c = conf_cond_new(L, conds, &n, COND_RELAY, sec, "relay");
		c->nets = arena_alloc(L->a, cfg_size(sec, "relay") *
		    sizeof(*c->nets));
		for (i = 0; i < cfg_size(sec, "relay"); i++) {
			char		 tmp[64], *slash;
			unsigned long	 plen = 32;
			struct in_addr	 ip;

			s = cfg_getnstr(sec, "relay", i);
			if (strlen(s) >= sizeof(tmp))
				goto badrelay;
			strcpy(tmp, s);
			if ((slash = strchr(tmp, '/')) != NULL) {
				*slash = '\0';
				if (!conf_parse_ulong(slash + 1, 0, 32, &plen))
					goto badrelay;
			}
			if (!conf_parse_ip(tmp, &ip))
				goto badrelay;
			c->nets[c->n].mask = plen == 0 ? 0 :
			    0xffffffffU << (32 - plen);
			c->nets[c->n].net = ntohl(ip.s_addr) &
			    c->nets[c->n].mask;
			c->n++;
			continue;
badrelay:
			conf_error_where(L, &c->where, "relay: \"%s\" is not a "
			    "subnet such as 10.1.0.0/16", s);
			bad = 1;
		}
	}
	switch (conf_get_bool(L, sec, "known", &b)) {
	case -1:
		bad = 1;
		break;
	case 1:
		c = conf_cond_new(L, conds, &n, COND_KNOWN, sec, "known");
		c->known = b;
		break;
	}
	if (cfg_size(sec, "tftp-refuse") > 0 &&
	    conf_tftp_refuse(L, sec, &m.tftp_refuse) == -1)
		bad = 1;
	if (n == 0) {
		conf_error_where(L, &m.where, "match \"%s\" has no condition",
		    title);
		return;
	}
	if (bad)
		return;
	if ((t = conf_tag_setter(L, title, &m.where)) < 0)
		return;
	m.tag_name = conf->tags[t].name;
	m.tag = (unsigned)t;
	m.conds = arena_memdup(L->a, conds, n * sizeof(conds[0]));
	m.nconds = n;
	CONF_GROW(L, conf->matches, conf->nmatches, L->cap_matches);
	conf->matches[conf->nmatches++] = m;
}

static void
conf_boot(struct conf_loader *L, cfg_t *sec, unsigned idx)
{
	struct conf		*conf = L->conf;
	struct conf_boot	 b;
	const char		*s;
	int			 bad = 0;

	memset(&b, 0, sizeof(b));
	b.where = conf_sec_at(L, sec, KIND_BOOT, idx);
	b.name = arena_strdup(L->a, cfg_title(sec));
	if (!conf_validname(b.name)) {
		conf_error_where(L, &b.where, "boot \"%s\": a name is letters, "
		    "digits, '_', '-', '.' or ':'", b.name);
		bad = 1;
	}
	if ((s = conf_str(sec, "if")) != NULL) {
		struct conf_where	w = conf_at(L, sec, "if");

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
	CONF_GROW(L, conf->boots, conf->nboots, L->cap_boots);
	conf->boots[conf->nboots++] = b;
}

static bool
conf_validhostname(const char *s)
{
	size_t	n = strlen(s);

	if (n == 0 || n > 253 || s[0] == '-' || s[0] == '.')
		return false;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '.')
			return false;
	return true;
}

static void
conf_host(struct conf_loader *L, cfg_t *sec, unsigned idx)
{
	struct conf		*conf = L->conf;
	struct conf_host	 h;
	struct conf_where	 w;
	const char		*s;
	unsigned		 i;
	int			 bad = 0, r;

	memset(&h, 0, sizeof(h));
	h.where = conf_sec_at(L, sec, KIND_HOST, idx);
	h.name = arena_strdup(L->a, cfg_title(sec));
	if ((s = conf_str(sec, "mac")) == NULL) {
		conf_error_where(L, &h.where, "host \"%s\" has no mac", h.name);
		bad = 1;
	} else if (conf_parse_mac(s, h.mac) == -1) {
		w = conf_at(L, sec, "mac");
		conf_error_where(L, &w, "mac: \"%s\" is not a MAC address such "
		    "as 52:54:00:12:34:56", s);
		bad = 1;
	}
	if ((r = conf_get_ip(L, sec, "ip", &h.ip)) < 0)
		bad = 1;
	if ((s = conf_str(sec, "hostname")) != NULL) {
		if (!conf_validhostname(s)) {
			w = conf_at(L, sec, "hostname");
			conf_error_where(L, &w, "hostname: \"%s\" is not a "
			    "valid host name", s);
			bad = 1;
		}
		h.hostname = arena_strdup(L->a, s);
	}
	if (cfg_size(sec, "tags") > 0) {
		w = conf_at(L, sec, "tags");
		h.tags = arena_alloc(L->a, cfg_size(sec, "tags") *
		    sizeof(*h.tags));
		for (i = 0; i < cfg_size(sec, "tags"); i++) {
			int	t;

			s = cfg_getnstr(sec, "tags", i);
			if (!conf_validname(s) || strcmp(s, "known") == 0) {
				conf_error_where(L, &w, "tags: \"%s\" is not a "
				    "tag name a host can set", s);
				bad = 1;
				continue;
			}
			if ((t = conf_tag_setter(L, s, &w)) < 0) {
				bad = 1;
				continue;
			}
			h.tags[h.ntags++] = (unsigned)t;
		}
	}
	if ((s = conf_str(sec, "boot")) != NULL)
		h.boot_name = arena_strdup(L->a, s);
	if (cfg_size(sec, "vars") > 0) {
		w = conf_at(L, sec, "vars");
		h.vars = arena_alloc(L->a, cfg_size(sec, "vars") *
		    sizeof(*h.vars));
		for (i = 0; i < cfg_size(sec, "vars"); i++) {
			const char	*eq;
			size_t		 k;

			s = cfg_getnstr(sec, "vars", i);
			eq = strchr(s, '=');
			for (k = 0; eq != NULL && s + k < eq; k++)
				if (!isalnum((unsigned char)s[k]) &&
				    s[k] != '_' && s[k] != '-')
					break;
			if (eq == NULL || eq == s || s + k != eq) {
				conf_error_where(L, &w, "vars: \"%s\" is not "
				    "NAME=VALUE", s);
				bad = 1;
				continue;
			}
			if (tmpl_is_builtin(s, (size_t)(eq - s))) {
				conf_error_where(L, &w, "vars: \"%.*s\" is a "
				    "built-in variable", (int)(eq - s), s);
				bad = 1;
				continue;
			}
			h.vars[h.nvars].name = arena_strndup(L->a, s,
			    (size_t)(eq - s));
			h.vars[h.nvars++].value = arena_strdup(L->a, eq + 1);
		}
	}
	if (conf_bootset(L, sec, &h.bs) == -1)
		bad = 1;
	if (bad)
		return;
	CONF_GROW(L, conf->hosts, conf->nhosts, L->cap_hosts);
	conf->hosts[conf->nhosts++] = h;
}

static void
conf_rules(struct conf_loader *L, cfg_t *cfg)
{
	unsigned	i;

	for (i = 0; i < cfg_size(cfg, "match"); i++)
		conf_match(L, cfg_getnsec(cfg, "match", i), i);
	for (i = 0; i < cfg_size(cfg, "boot"); i++)
		conf_boot(L, cfg_getnsec(cfg, "boot", i), i);
	for (i = 0; i < cfg_size(cfg, "host"); i++)
		conf_host(L, cfg_getnsec(cfg, "host", i), i);
}

/* ---------- main file settings ---------- */

static void
conf_range(struct conf_loader *L, cfg_t *sec, unsigned idx,
    uint32_t deflease)
{
	struct conf		*conf = L->conf;
	struct conf_range	 r;
	unsigned long		 v;
	unsigned		 i;
	int			 bad = 0;
	const char		*need[] = { "start", "end", "netmask" };
	uint32_t		 mask;

	memset(&r, 0, sizeof(r));
	r.name = arena_strdup(L->a, cfg_title(sec));
	r.where = conf_sec_at(L, sec, KIND_RANGE, idx);
	r.lease_time = deflease;
	for (i = 0; i < 3; i++)
		if (conf_str(sec, need[i]) == NULL) {
			conf_error_where(L, &r.where, "range \"%s\" has no %s",
			    r.name, need[i]);
			bad = 1;
		}
	if (bad)
		return;
	if (conf_get_ip(L, sec, "start", &r.start) < 0 ||
	    conf_get_ip(L, sec, "end", &r.end) < 0 ||
	    conf_get_ip(L, sec, "netmask", &r.netmask) < 0 ||
	    conf_get_ip(L, sec, "router", &r.router) < 0)
		bad = 1;
	if (bad)
		return;
	mask = ntohl(r.netmask.s_addr);
	if (mask != 0 && (~mask & (~mask + 1)) != 0) {
		conf_error(L, conf_optline(L, sec, "netmask"), "netmask: %s "
		    "is not a contiguous netmask", conf_str(sec, "netmask"));
		return;
	}
	r.subnet.s_addr = r.start.s_addr & r.netmask.s_addr;
	if (ntohl(r.start.s_addr) > ntohl(r.end.s_addr)) {
		conf_error_where(L, &r.where, "range \"%s\": start %s is after "
		    "end %s", r.name, conf_str(sec, "start"),
		    conf_str(sec, "end"));
		return;
	}
	if ((r.end.s_addr & r.netmask.s_addr) != r.subnet.s_addr) {
		conf_error(L, conf_optline(L, sec, "end"), "range \"%s\": end "
		    "%s is not in the subnet of start %s/%s", r.name,
		    conf_str(sec, "end"), conf_str(sec, "start"),
		    conf_str(sec, "netmask"));
		return;
	}
	if (r.router.s_addr != 0 &&
	    (r.router.s_addr & r.netmask.s_addr) != r.subnet.s_addr) {
		conf_error(L, conf_optline(L, sec, "router"), "range \"%s\": "
		    "router %s is outside the range's subnet", r.name,
		    conf_str(sec, "router"));
		return;
	}
	if (cfg_size(sec, "dns") > 0) {
		r.dns = arena_alloc(L->a, cfg_size(sec, "dns") *
		    sizeof(*r.dns));
		for (i = 0; i < cfg_size(sec, "dns"); i++)
			if (!conf_parse_ip(cfg_getnstr(sec, "dns", i),
			    &r.dns[r.ndns++])) {
				conf_error(L, conf_optline(L, sec, "dns"),
				    "dns: \"%s\" is not an IPv4 address",
				    cfg_getnstr(sec, "dns", i));
				return;
			}
	}
	if (conf_str(sec, "domain") != NULL) {
		if (!conf_validhostname(conf_str(sec, "domain"))) {
			conf_error(L, conf_optline(L, sec, "domain"),
			    "domain: \"%s\" is not a domain name",
			    conf_str(sec, "domain"));
			return;
		}
		r.domain = arena_strdup(L->a, conf_str(sec, "domain"));
	}
	if (conf_get_ulong(L, sec, "lease-time", 60, 0xfffffffeUL, &v) < 0)
		return;
	if (conf_str(sec, "lease-time") != NULL)
		r.lease_time = (uint32_t)v;
	CONF_GROW(L, conf->dhcp.ranges, conf->dhcp.nranges, L->cap_ranges);
	conf->dhcp.ranges[conf->dhcp.nranges++] = r;
}

static void
conf_main(struct conf_loader *L, cfg_t *cfg, const struct conf_args *args)
{
	struct conf	*conf = L->conf;
	cfg_t		*sec;
	const char	*s;
	unsigned long	 v;
	unsigned	 i;
	bool		 b;

	if ((s = conf_str(cfg, "log-level")) != NULL) {
		if ((conf->loglevel = log_level_parse(s)) < 0)
			conf_error(L, conf_optline(L, cfg, "log-level"),
			    "log-level: \"%s\" is not error, warning, notice, "
			    "info or debug", s);
	}
	if ((s = conf_str(cfg, "user")) != NULL)
		conf->user = arena_strdup(L->a, s);
	if ((s = conf_str(cfg, "pidfile")) != NULL)
		conf->pidfile = arena_strdup(L->a, s);
	if ((s = conf_str(cfg, "conf-dir")) != NULL)
		conf->confdir = arena_strdup(L->a, s);
	if (cfg_size(cfg, "interface") > 0 && args->ninterfaces == 0) {
		conf->ninterfaces = cfg_size(cfg, "interface");
		conf->interfaces = arena_alloc(L->a, conf->ninterfaces *
		    sizeof(*conf->interfaces));
		for (i = 0; i < conf->ninterfaces; i++)
			conf->interfaces[i] = arena_strdup(L->a,
			    cfg_getnstr(cfg, "interface", i));
	}

	sec = cfg_getsec(cfg, "dhcp");
	if ((s = conf_str(sec, "mode")) != NULL) {
		if (strcasecmp(s, "server") == 0)
			conf->dhcp.mode = CONF_DHCP_SERVER;
		else if (strcasecmp(s, "proxy") == 0)
			conf->dhcp.mode = CONF_DHCP_PROXY;
		else if (strcasecmp(s, "off") == 0)
			conf->dhcp.mode = CONF_DHCP_OFF;
		else
			conf_error(L, conf_optline(L, sec, "mode"), "mode: "
			    "\"%s\" is not server, proxy or off", s);
	}
	if (conf_get_ulong(L, sec, "lease-time", 60, 0xfffffffeUL, &v) > 0)
		conf->dhcp.lease_time = (uint32_t)v;
	if ((s = conf_str(sec, "lease-file")) != NULL) {
		if (*s != '/')
			conf_error(L, conf_optline(L, sec, "lease-file"),
			    "lease-file: \"%s\" is not an absolute path", s);
		conf->dhcp.lease_file = arena_strdup(L->a, s);
	}
	if (conf_get_bool(L, sec, "bootp", &b) > 0)
		conf->dhcp.bootp = b;
	if (conf_get_bool(L, sec, "authoritative", &b) > 0)
		conf->dhcp.authoritative = b;
	if (conf_get_ulong(L, sec, "proxy-followup", 0, 3600, &v) > 0)
		conf->dhcp.proxy_followup = (unsigned)v;
	if (conf_get_ulong(L, sec, "port", 1, 65535, &v) > 0)
		conf->dhcp.port = (uint16_t)v;
	if (conf_get_ulong(L, sec, "proxy-port", 0, 65535, &v) > 0)
		conf->dhcp.proxy_port = (uint16_t)v;
	if (cfg_size(sec, "option") > 0) {
		int	n = conf_optlist(L, sec, "option", NULL, true,
		    &conf->dhcp.options);

		conf->dhcp.noptions = n > 0 ? (size_t)n : 0;
	}
	for (i = 0; i < cfg_size(sec, "range"); i++)
		conf_range(L, cfg_getnsec(sec, "range", i), i,
		    conf->dhcp.lease_time);
	if (conf->dhcp.mode == CONF_DHCP_SERVER && conf->dhcp.nranges == 0 &&
	    cfg_size(sec, "range") == 0)
		conf_error(L, conf_secline(L, sec), "dhcp: mode server needs "
		    "at least one range");

	sec = cfg_getsec(cfg, "tftp");
	if (conf_get_bool(L, sec, "enable", &b) > 0)
		conf->tftp.enable = b;
	if ((s = conf_str(sec, "root")) != NULL)
		conf->tftp.root = arena_strdup(L->a, s);
	if (conf_get_ulong(L, sec, "port", 1, 65535, &v) > 0)
		conf->tftp.port = (uint16_t)v;
	if (conf_get_ulong(L, sec, "max-transfers", 1, 100000, &v) > 0)
		conf->tftp.max_transfers = (unsigned)v;
	if (conf_get_ulong(L, sec, "max-blksize", 8, 65464, &v) > 0)
		conf->tftp.max_blksize = (unsigned)v;
	if (conf_get_ulong(L, sec, "max-windowsize", 1, 65535, &v) > 0)
		conf->tftp.max_windowsize = (unsigned)v;
	if (conf_get_ulong(L, sec, "rollover", 0, 1, &v) > 0)
		conf->tftp.rollover = (unsigned)v;
	if (conf_get_ulong(L, sec, "timeout", 10, 60000, &v) > 0)
		conf->tftp.timeout_ms = (unsigned)v;
	if (conf_get_ulong(L, sec, "retries", 0, 100, &v) > 0)
		conf->tftp.retries = (unsigned)v;
	if (conf_get_ulong(L, sec, "max-idle", 1, 3600, &v) > 0)
		conf->tftp.max_idle_ms = (unsigned)v * 1000;
	if (conf_get_ulong(L, sec, "sockets", 1, 512, &v) > 0)
		conf->tftp.sockets = (unsigned)v;
	if ((s = conf_str(sec, "unique-root")) != NULL) {
		if (strcasecmp(s, "ip") == 0)
			conf->tftp.unique_root = CONF_UNIQUE_IP;
		else if (strcasecmp(s, "mac") == 0)
			conf->tftp.unique_root = CONF_UNIQUE_MAC;
		else if (strcasecmp(s, "no") == 0 || strcasecmp(s, "none") == 0)
			conf->tftp.unique_root = CONF_UNIQUE_NONE;
		else
			conf_error(L, conf_optline(L, sec, "unique-root"),
			    "unique-root: \"%s\" is not ip, mac or none", s);
	}

	sec = cfg_getsec(cfg, "http");
	if (conf_get_bool(L, sec, "enable", &b) > 0)
		conf->http.enable = b;
	if (conf_get_ulong(L, sec, "port", 1, 65535, &v) > 0)
		conf->http.port = (uint16_t)v;
	if ((s = conf_str(sec, "root")) != NULL)
		conf->http.root = arena_strdup(L->a, s);
	if ((s = conf_str(sec, "address")) != NULL &&
	    !conf_parse_ip(s, &conf->http.address))
		conf_error(L, conf_optline(L, sec, "address"), "address: "
		    "\"%s\" is not an IPv4 address", s);
	if (conf_get_ulong(L, sec, "max-connections", 1, 900, &v) > 0)
		conf->http.max_connections = (unsigned)v;
	if (conf_get_ulong(L, sec, "idle-timeout", 1, 3600, &v) > 0)
		conf->http.idle_timeout = (unsigned)v;
	if (conf_get_bool(L, sec, "status", &b) > 0)
		conf->http.status = b;
	if ((s = conf_str(sec, "status-address")) != NULL) {
		char		 host[64], *colon;
		unsigned long	 port;

		snprintf(host, sizeof(host), "%s", s);
		if ((colon = strrchr(host, ':')) == NULL ||
		    (*colon = '\0', !conf_parse_ip(host,
		    &conf->http.status_address)) ||
		    !conf_parse_ulong(colon + 1, 1, 65535, &port))
			conf_error(L, conf_optline(L, sec, "status-address"),
			    "status-address: \"%s\" is not ADDRESS:PORT", s);
		else
			conf->http.status_port = (uint16_t)port;
	}

	if (conf_get_ulong(L, cfg, "loop-count", 0, 1000, &v) > 0)
		conf->loop_count = (unsigned)v;
	if (conf_get_ulong(L, cfg, "loop-window", 1, 86400, &v) > 0)
		conf->loop_window = (unsigned)v;
}

/* ---------- iPXE scripts under the HTTP root ---------- */

static char	*conf_readfile(struct conf_loader *, const char *, size_t *,
		    bool *);

#define CONF_SCRIPT_MAX		65536	/* bytes in one script */
#define CONF_SCRIPT_DEPTH	4
#define CONF_SCRIPT_ENTRIES	20000	/* entries looked at in all */

static bool
conf_is_var(void *ctx, const char *name, size_t len)
{
	const struct conf	*c = ctx;
	size_t			 i, k;

	if (tmpl_is_builtin(name, len))
		return true;
	for (i = 0; i < c->nhosts; i++)
		for (k = 0; k < c->hosts[i].nvars; k++)
			if (strlen(c->hosts[i].vars[k].name) == len &&
			    memcmp(c->hosts[i].vars[k].name, name, len) == 0)
				return true;
	return false;
}

static void
conf_script_file(struct conf_loader *L, const char *full, const char *rel,
    size_t *cap)
{
	struct conf		*c = L->conf;
	struct conf_script	 sc;
	struct conf_where	 w;
	char			*text, err[256];
	size_t			 len;
	bool			 missing;
	int			 line = 0;

	if ((text = conf_readfile(L, full, &len, &missing)) == NULL)
		return;
	memset(&sc, 0, sizeof(sc));
	sc.path = arena_strdup(L->a, rel);
	if (tmpl_compile_script(L->a, arena_strndup(L->a, text, len),
	    conf_is_var, c, &sc.t, &line, err, sizeof(err)) == -1) {
		w.file = arena_strdup(L->a, full);
		w.line = line;
		conf_error_where(L, &w, "%s", err);
	} else {
		CONF_GROW(L, c->http.scripts, c->http.nscripts, *cap);
		c->http.scripts[c->http.nscripts++] = sc;
	}
	free(text);
}

static void
conf_script_dir(struct conf_loader *L, const char *dir, const char *rel,
    int depth, size_t *seen, size_t *cap)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 st;
	char		 full[4096], sub[4096];
	size_t		 n;

	if (depth > CONF_SCRIPT_DEPTH || (d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL && (*seen)++ < CONF_SCRIPT_ENTRIES) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(full, sizeof(full), "%s/%s", dir, e->d_name);
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "",
		    e->d_name);
		if (lstat(full, &st) == -1)
			continue;
		n = strlen(e->d_name);
		if (S_ISDIR(st.st_mode))
			conf_script_dir(L, full, sub, depth + 1, seen, cap);
		else if (S_ISREG(st.st_mode) && n > 5 &&
		    strcmp(e->d_name + n - 5, ".ipxe") == 0 &&
		    st.st_size <= CONF_SCRIPT_MAX)
			conf_script_file(L, full, sub, cap);
	}
	closedir(d);
}

const struct conf_script *
conf_script_find(const struct conf *c, const char *path)
{
	size_t	i;

	for (i = 0; i < c->http.nscripts; i++)
		if (strcmp(c->http.scripts[i].path, path) == 0)
			return &c->http.scripts[i];
	return NULL;
}

/* ---------- files ---------- */

static char *
conf_readfile(struct conf_loader *L, const char *path, size_t *len,
    bool *missing)
{
	struct stat	 st;
	char		*buf = NULL;
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd;

	*missing = false;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		*missing = errno == ENOENT;
		if (!*missing)
			conf_error(L, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		conf_error(L, 0, "not a regular file");
		goto fail;
	}
	if (st.st_size > 64 * 1024 * 1024) {
		conf_error(L, 0, "larger than 64 MiB");
		goto fail;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		fatal("conf: read");
	while (off < (size_t)st.st_size &&
	    (n = read(fd, buf + off, (size_t)st.st_size - off)) > 0)
		off += (size_t)n;
	for (n = 0; (size_t)n < off; n++)
		if (buf[n] == '\0') {
			conf_error(L, 0, "contains a NUL byte: not a text "
			    "file");
			goto fail;
		}
	buf[off] = '\0';
	*len = off;
	close(fd);
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}

/* Parse one text (a file's or a built-in) and compile what it holds. */
static int
conf_text(struct conf_loader *L, const char *name, const char *text,
    size_t len, bool is_main, const struct conf_args *args)
{
	char	*pre;
	size_t	 prelen;
	cfg_t	*cfg;
	FILE	*fp;
	size_t	 nerr = L->errs->n;

	L->file = arena_strdup(L->a, name);
	conf_line_reset(L);
	if ((pre = conf_prescan(L, text, len, &prelen)) == NULL)
		return -1;
	cfg = cfg_init(is_main ? main_opts : rule_opts, CFGF_NONE);
	if (cfg == NULL)
		fatal("conf: cfg_init");
	cfg_set_error_function(cfg, conf_cfg_errfunc);
	free(cfg->filename);
	cfg->filename = strdup(name);
	cfg->line = 1;
	/* An empty file is valid: every setting keeps its default. */
	if (prelen > 0) {
		if ((fp = fmemopen(pre, prelen, "r")) == NULL)
			fatal("conf: fmemopen");
		if (cfg_parse_fp(cfg, fp) != CFG_SUCCESS && L->errs->n == nerr)
			conf_error(L, 0, "cannot be parsed");
		fclose(fp);
	}
	if (L->errs->n == nerr) {
		if (is_main)
			conf_main(L, cfg, args);
		conf_rules(L, cfg);
	}
	cfg_free(cfg);
	free(pre);
	return L->errs->n == nerr ? 0 : -1;
}

static void
conf_file(struct conf_loader *L, const char *path, bool is_main,
    const struct conf_args *args, bool *missing)
{
	char	*text;
	size_t	 len = 0;

	L->file = arena_strdup(L->a, path);
	if ((text = conf_readfile(L, path, &len, missing)) == NULL)
		return;
	conf_text(L, path, text, len, is_main, args);
	free(text);
}

static void
conf_dir(struct conf_loader *L, const char *dir, bool explicit)
{
	glob_t		 g;
	char		 pattern[PATH_MAX];
	struct stat	 st;
	size_t		 i;
	int		 r;

	L->file = arena_strdup(L->a, dir);
	if (stat(dir, &st) == -1) {
		if (errno == ENOENT && !explicit)
			return;
		conf_error(L, 0, "conf-dir: %s", strerror(errno));
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		conf_error(L, 0, "conf-dir: not a directory");
		return;
	}
	snprintf(pattern, sizeof(pattern), "%s/*.conf", dir);
	/* glob() sorts in the C locale pxed runs in; "*" skips dotfiles. */
	r = glob(pattern, 0, NULL, &g);
	if (r == GLOB_NOMATCH)
		return;
	if (r != 0) {
		conf_error(L, 0, "conf-dir: cannot list");
		return;
	}
	for (i = 0; i < g.gl_pathc; i++) {
		bool	missing;

		if (stat(g.gl_pathv[i], &st) == 0 && !S_ISREG(st.st_mode))
			continue;
		conf_file(L, g.gl_pathv[i], false, NULL, &missing);
		L->conf->nfiles++;
	}
	globfree(&g);
}

/* ---------- cross-file checks ---------- */

static int
conf_cmp_u32(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

static int
conf_hostip_cmp(const void *a, const void *b)
{
	const struct conf_host	*x = *(struct conf_host *const *)a;
	const struct conf_host	*y = *(struct conf_host *const *)b;

	return conf_cmp_u32(ntohl(x->ip.s_addr), ntohl(y->ip.s_addr));
}

static int
conf_range_cmp(const void *a, const void *b)
{
	const struct conf_range	*x = a, *y = b;

	return conf_cmp_u32(ntohl(x->start.s_addr), ntohl(y->start.s_addr));
}

static int
conf_name_cmp(const void *a, const void *b)
{
	const char *const	*x = a, *const *y = b;

	return strcmp(*x, *y);
}

static size_t
conf_machash(const uint8_t mac[6])
{
	return conf_strhash((const char *)mac, 6);
}

/* Names must be unique: sort pointers to each record's name field. */
static void
conf_check_names(struct conf_loader *L, const char *kind, void *base,
    size_t n, size_t stride, size_t name_off, size_t where_off)
{
	const char	**names;
	size_t		  i;

	if (n < 2)
		return;
	names = calloc(n, sizeof(*names));
	if (names == NULL)
		fatal("conf: names");
	for (i = 0; i < n; i++)
		names[i] = *(const char **)((char *)base + i * stride +
		    name_off);
	/* Sort the addresses of the name fields, keeping the records. */
	qsort(names, n, sizeof(*names), conf_name_cmp);
	for (i = 1; i < n; i++)
		if (strcmp(names[i - 1], names[i]) == 0) {
			const struct conf_where	*w1 = NULL, *w2 = NULL;
			size_t			 j;

			for (j = 0; j < n; j++) {
				char	*rec = (char *)base + j * stride;

				if (strcmp(*(const char **)(rec + name_off),
				    names[i]) != 0)
					continue;
				if (w1 == NULL)
					w1 = (const void *)(rec + where_off);
				else if (w2 == NULL)
					w2 = (const void *)(rec + where_off);
			}
			if (w1 != NULL && w2 != NULL)
				conf_error_where(L, w2, "%s \"%s\" is already "
				    "defined at %s:%d", kind, names[i],
				    w1->file, w1->line);
			while (i + 1 < n && strcmp(names[i], names[i + 1]) == 0)
				i++;
		}
	free(names);
}

static void
conf_finish(struct conf_loader *L)
{
	struct conf		*c = L->conf;
	struct conf_host	**byip;
	size_t			  i, j, nip = 0, size;

	/* Tags that an expression uses but no match or host sets. */
	for (i = 0; i < L->ntag_uses; i++) {
		const struct conf_use	*u = &L->tag_uses[i];

		if (!c->tags[u->tag].set) {
			conf_error_where(L, &u->where, "if = \"%s\": tag \"%s\""
			    " is used but no match or host sets it", u->what,
			    c->tags[u->tag].name);
			c->tags[u->tag].set = true;	/* report once */
		}
	}
	/* Template variables: built-in, or defined by some host. */
	for (i = 0; i < L->nvar_uses; i++) {
		const struct conf_use	*u = &L->var_uses[i];
		bool			 found = false;
		size_t			 k;

		for (j = 0; j < c->nhosts && !found; j++)
			for (k = 0; k < c->hosts[j].nvars && !found; k++)
				found = strlen(c->hosts[j].vars[k].name) ==
				    u->len && memcmp(c->hosts[j].vars[k].name,
				    u->name, u->len) == 0;
		if (!found)
			conf_error_where(L, &u->where, "\"%s\": unknown "
			    "template variable ${%.*s} (known: mac ip hostname "
			    "arch server http tags, and host vars)", u->what,
			    (int)u->len, u->name);
	}

	conf_check_names(L, "boot", c->boots, c->nboots, sizeof(*c->boots),
	    offsetof(struct conf_boot, name), offsetof(struct conf_boot,
	    where));
	conf_check_names(L, "host", c->hosts, c->nhosts, sizeof(*c->hosts),
	    offsetof(struct conf_host, name), offsetof(struct conf_host,
	    where));
	conf_check_names(L, "range", c->dhcp.ranges, c->dhcp.nranges,
	    sizeof(*c->dhcp.ranges), offsetof(struct conf_range, name),
	    offsetof(struct conf_range, where));

	/* Ranges must not overlap. */
	if (c->dhcp.nranges > 1) {
		struct conf_range	*r = calloc(c->dhcp.nranges,
		    sizeof(*r));

		if (r == NULL)
			fatal("conf: ranges");
		memcpy(r, c->dhcp.ranges, c->dhcp.nranges * sizeof(*r));
		qsort(r, c->dhcp.nranges, sizeof(*r), conf_range_cmp);
		for (i = 1; i < c->dhcp.nranges; i++)
			if (ntohl(r[i].start.s_addr) <=
			    ntohl(r[i - 1].end.s_addr)) {
				const struct conf_range	*a = &r[i - 1];

				conf_error_where(L, &r[i].where, "range \"%s\" "
				    "overlaps range \"%s\" at %s:%d",
				    r[i].name, a->name, a->where.file,
				    a->where.line);
			}
		free(r);
	}

	/* Hosts: MAC hash (duplicates are errors), IPs unique and in a range. */
	for (size = 16; size < 2 * c->nhosts; size *= 2)
		;
	c->host_hash = arena_alloc(&c->arena, size * sizeof(*c->host_hash));
	c->host_hash_mask = size - 1;
	byip = calloc(c->nhosts ? c->nhosts : 1, sizeof(*byip));
	if (byip == NULL)
		fatal("conf: hosts");
	for (i = 0; i < c->nhosts; i++) {
		struct conf_host	*h = &c->hosts[i], *o;
		size_t			 b = conf_machash(h->mac) &
		    c->host_hash_mask;

		for (o = c->host_hash[b]; o != NULL; o = o->hnext)
			if (memcmp(o->mac, h->mac, 6) == 0)
				break;
		if (o != NULL) {
			conf_error_where(L, &h->where, "host \"%s\": MAC "
			    "%02x:%02x:%02x:%02x:%02x:%02x is already host "
			    "\"%s\" at %s:%d", h->name, h->mac[0], h->mac[1],
			    h->mac[2], h->mac[3], h->mac[4], h->mac[5],
			    o->name, o->where.file, o->where.line);
		} else {
			h->hnext = c->host_hash[b];
			c->host_hash[b] = h;
		}
		if (h->ip.s_addr != 0) {
			byip[nip++] = h;
			if (c->dhcp.nranges > 0) {
				for (j = 0; j < c->dhcp.nranges; j++) {
					const struct conf_range	*r =
					    &c->dhcp.ranges[j];

					if ((h->ip.s_addr & r->netmask.s_addr)
					    == r->subnet.s_addr)
						break;
				}
				if (j == c->dhcp.nranges) {
					char	ip[INET_ADDRSTRLEN];

					inet_ntop(AF_INET, &h->ip, ip,
					    sizeof(ip));
					conf_error_where(L, &h->where, "host "
					    "\"%s\": ip %s is outside every "
					    "range's subnet", h->name, ip);
				}
			}
		}
		if (h->boot_name != NULL &&
		    (h->boot = conf_boot_by_name(c, h->boot_name)) == NULL)
			conf_error_where(L, &h->where, "host \"%s\": boot \"%s\""
			    " is not defined", h->name, h->boot_name);
	}
	qsort(byip, nip, sizeof(*byip), conf_hostip_cmp);
	for (i = 1; i < nip; i++)
		if (byip[i]->ip.s_addr == byip[i - 1]->ip.s_addr) {
			char	ip[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, &byip[i]->ip, ip, sizeof(ip));
			conf_error_where(L, &byip[i]->where, "host \"%s\": ip "
			    "%s is already host \"%s\" at %s:%d",
			    byip[i]->name, ip, byip[i - 1]->name,
			    byip[i - 1]->where.file, byip[i - 1]->where.line);
		}
	free(byip);
}

/* ---------- entry points ---------- */

struct conf *
conf_load(const struct conf_args *args, struct conf_errors *errs)
{
	struct conf_loader	 L;
	struct conf		*c;
	const char		*main_file = args->main_file;
	bool			 missing = false;
	size_t			 i;

	if (main_file == NULL)
		main_file = PXED_SYSCONFDIR "/pxed/pxed.conf";
	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("conf: calloc");
	memset(&L, 0, sizeof(L));
	L.conf = c;
	L.errs = errs;
	L.a = &c->arena;
	conf_cur = &L;

	c->refs = 1;
	c->main_file = arena_strdup(L.a, main_file);
	c->loglevel = LOG_INFO;
	c->dhcp.mode = CONF_DHCP_PROXY;
	c->dhcp.lease_time = 3600;
	c->dhcp.lease_file = PXED_LEASEFILE;
	c->dhcp.authoritative = true;
	c->dhcp.proxy_followup = 10;
	c->dhcp.port = 67;
	c->dhcp.proxy_port = 4011;
	c->tftp.enable = true;
	c->tftp.port = 69;
	c->tftp.max_transfers = 1000;
	c->tftp.max_blksize = 65464;
	c->tftp.max_windowsize = 64;
	c->tftp.timeout_ms = 1000;
	c->tftp.retries = 6;
	c->tftp.max_idle_ms = 30000;
	c->tftp.sockets = 8;
	c->http.enable = true;
	c->http.port = 80;
	c->http.max_connections = 512;
	c->http.idle_timeout = 30;
	c->http.status = true;
	c->loop_count = 3;
	c->loop_window = 300;
	/* Tag 0 is "known", set by the engine itself. */
	conf_tag(&L, "known", 5);
	c->tags[CONF_TAG_KNOWN].set = true;
	c->tags[CONF_TAG_KNOWN].set_where.file = "<pxed>";

	conf_file(&L, main_file, true, args, &missing);
	if (missing) {
		c->builtin = true;
		conf_text(&L, "<built-in>", conf_builtin_main,
		    strlen(conf_builtin_main), true, args);
	}
	if (args->confdir != NULL)
		c->confdir = arena_strdup(L.a, args->confdir);
	/* Read every file even after an error, to report all of them. */
	conf_dir(&L, c->confdir != NULL ? c->confdir : CONF_DEFAULT_CONFDIR,
	    c->confdir != NULL);
	if (c->confdir == NULL)
		c->confdir = CONF_DEFAULT_CONFDIR;
	if (c->builtin)
		conf_text(&L, "<built-in rules>", conf_builtin_rules,
		    strlen(conf_builtin_rules), false, args);
	/* Cross-file checks on a partial config would only add noise. */
	if (errs->n == 0)
		conf_finish(&L);

	/* Command-line settings beat the file. */
	/* -r is the root of both TFTP and HTTP. */
	if (args->root != NULL)
		c->tftp.root = c->http.root = arena_strdup(L.a, args->root);
	if (c->tftp.root == NULL)
		c->tftp.root = PXED_TFTPROOT;
	if (c->http.root == NULL)
		c->http.root = c->tftp.root;
	/* iPXE scripts: their variables are checked now, not at boot. */
	if (errs->n == 0 && c->http.enable) {
		size_t	seen = 0, cap = 0;

		conf_script_dir(&L, c->http.root, "", 0, &seen, &cap);
	}
	if (args->user != NULL)
		c->user = arena_strdup(L.a, args->user);
	if (args->pidfile != NULL)
		c->pidfile = arena_strdup(L.a, args->pidfile);
	if (c->pidfile == NULL)
		c->pidfile = PXED_PIDFILE;
	if (args->ninterfaces > 0) {
		c->ninterfaces = args->ninterfaces;
		c->interfaces = arena_alloc(L.a, c->ninterfaces *
		    sizeof(*c->interfaces));
		for (i = 0; i < c->ninterfaces; i++)
			c->interfaces[i] = arena_strdup(L.a,
			    args->interfaces[i]);
	}

	free(L.lines);
	free(L.tag_hash);
	free(L.tag_uses);
	free(L.var_uses);
	for (i = 0; i < CONF_NKINDS; i++)
		free(L.sec_lines[i]);
	conf_cur = NULL;
	if (errs->n > 0) {
		conf_free(c);
		return NULL;
	}
	return c;
}

void
conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	free(c->matches);
	free(c->boots);
	free(c->hosts);
	free(c->tags);
	free(c->dhcp.ranges);
	free(c->http.scripts);
	arena_free(&c->arena);
	free(c);
}

const struct conf_host *
conf_host_by_mac(const struct conf *c, const uint8_t mac[6])
{
	const struct conf_host	*h;

	if (c->host_hash == NULL)
		return NULL;
	for (h = c->host_hash[conf_machash(mac) & c->host_hash_mask];
	    h != NULL; h = h->hnext)
		if (memcmp(h->mac, mac, 6) == 0)
			return h;
	return NULL;
}

const struct conf_boot *
conf_boot_by_name(const struct conf *c, const char *name)
{
	size_t	i;

	for (i = 0; i < c->nboots; i++)
		if (strcmp(c->boots[i].name, name) == 0)
			return &c->boots[i];
	return NULL;
}

const char *
conf_dhcp_mode_name(enum conf_dhcp_mode mode)
{
	switch (mode) {
	case CONF_DHCP_OFF:
		return "off";
	case CONF_DHCP_PROXY:
		return "proxy";
	case CONF_DHCP_SERVER:
		return "server";
	}
	return "?";
}

struct conf *
conf_ref(struct conf *c)
{
	c->refs++;
	return c;
}

void
conf_unref(struct conf *c)
{
	if (c != NULL && --c->refs == 0)
		conf_free(c);
}

void
conf_summary(const struct conf *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s, %zu conf.d file%s, dhcp %s with %zu range%s, "
	    "%zu match%s, %zu boot entr%s, %zu host%s, %zu tag%s",
	    c->builtin ? "built-in defaults" : c->main_file, c->nfiles,
	    c->nfiles == 1 ? "" : "s", conf_dhcp_mode_name(c->dhcp.mode),
	    c->dhcp.nranges, c->dhcp.nranges == 1 ? "" : "s", c->nmatches,
	    c->nmatches == 1 ? "" : "es", c->nboots,
	    c->nboots == 1 ? "y" : "ies", c->nhosts,
	    c->nhosts == 1 ? "" : "s", c->ntags, c->ntags == 1 ? "" : "s");
}
