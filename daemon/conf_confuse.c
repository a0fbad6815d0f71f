/*
 * conf_confuse.c: everything that knows libconfuse.  pxed uses it as a
 * grammar only: every option is a string (or a list of strings) that
 * conf_setting.c and conf_rules.c convert with their own range checks
 * and messages.  The option tables of the main file come from the table
 * of scalar settings plus the few options that are not scalars.
 *
 * Two libconfuse 3.3 behaviours are worked around by a pre-scan of the
 * file text: its lexer counts extra lines for every comment, and it
 * replaces ${NAME} inside double-quoted strings with the environment
 * variable NAME, which would silently eat pxed's templates.  The
 * pre-scan blanks comments out (keeping the newlines) and escapes "${"
 * inside double quotes; the text handed to libconfuse then has the same
 * lines as the file.
 *
 * libconfuse does not remember where a value was written, so every
 * option has a parse callback (conf_cb) that records the line of the
 * option it is setting; errors look the line up by option.  Nor does it
 * know where a titled section starts: the pre-scan records header lines.
 */
#include "config.h"

#include <confuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"
#include "hash.h"
#include "log.h"

/* libconfuse's callbacks cannot carry a context: loads do not nest. */
static struct conf_loader *conf_cur;

static const char *const conf_kind_names[CONF_NKINDS] = {
	"match", "boot", "host", "range", "range6"
};

static void
conf_cfg_errfunc(cfg_t *cfg, const char *fmt, va_list ap)
{
	struct conf_loader	*L = conf_cur;

	conf_verror_at(L, L->file, cfg->line, fmt, ap);
}

/* ---------- where options were written ---------- */

static size_t
conf_line_slot(const struct conf_lineent *tab, size_t cap, const void *opt)
{
	size_t	i = hash_bytes(&opt, sizeof(opt)) & (cap - 1);

	while (tab[i].opt != NULL && tab[i].opt != opt)
		i = (i + 1) & (cap - 1);
	return i;
}

static void
conf_line_put(struct conf_loader *L, const void *opt, int line)
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
			if (old[j].opt != NULL)
				L->lines[conf_line_slot(L->lines, L->lines_cap,
				    old[j].opt)] = old[j];
		free(old);
	}
	i = conf_line_slot(L->lines, L->lines_cap, opt);
	if (L->lines[i].opt == NULL)
		L->lines_n++;
	L->lines[i].opt = opt;
	L->lines[i].line = line;
}

static int
conf_line_get(const struct conf_loader *L, const void *opt)
{
	size_t	i;

	if (L->lines_cap == 0 || opt == NULL)
		return 0;
	i = conf_line_slot(L->lines, L->lines_cap, opt);
	return L->lines[i].opt == opt ? L->lines[i].line : 0;
}

void
conf_confuse_reset(struct conf_loader *L)
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
int
conf_confuse_secline(const struct conf_loader *L, struct cfg_t *sec)
{
	unsigned	i;
	int		best = 0, l;

	for (i = 0; i < cfg_num(sec); i++) {
		cfg_opt_t	*opt = cfg_getnopt(sec, i);

		if (opt->type == CFGT_SEC) {
			unsigned	j;

			for (j = 0; j < cfg_opt_size(opt); j++) {
				l = conf_confuse_secline(L,
				    cfg_opt_getnsec(opt, j));
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

int
conf_confuse_optline(const struct conf_loader *L, struct cfg_t *sec,
    const char *name)
{
	int	l = conf_line_get(L, cfg_getopt(sec, name));

	return l > 0 ? l : conf_confuse_secline(L, sec);
}

struct conf_where
conf_confuse_at(const struct conf_loader *L, struct cfg_t *sec,
    const char *name)
{
	struct conf_where	w;

	w.file = L->file;
	w.line = name != NULL ? conf_confuse_optline(L, sec, name) :
	    conf_confuse_secline(L, sec);
	return w;
}

/* Where a titled section starts: its header, else its first option. */
struct conf_where
conf_confuse_sec_at(const struct conf_loader *L, struct cfg_t *sec,
    enum conf_kind kind, unsigned idx)
{
	struct conf_where	w;

	w.file = L->file;
	w.line = idx < L->nsec_lines[kind] ? L->sec_lines[kind][idx] :
	    conf_confuse_secline(L, sec);
	return w;
}

/* ---------- reading a section ---------- */

const char *
conf_confuse_str(struct cfg_t *sec, const char *name)
{
	return cfg_size(sec, name) > 0 ? cfg_getstr(sec, name) : NULL;
}

unsigned
conf_confuse_size(struct cfg_t *sec, const char *name)
{
	return cfg_size(sec, name);
}

const char *
conf_confuse_nstr(struct cfg_t *sec, const char *name, unsigned i)
{
	return cfg_getnstr(sec, name, i);
}

struct cfg_t *
conf_confuse_sec(struct cfg_t *sec, const char *name)
{
	return cfg_getsec(sec, name);
}

struct cfg_t *
conf_confuse_nsec(struct cfg_t *sec, const char *name, unsigned i)
{
	return cfg_getnsec(sec, name, i);
}

const char *
conf_confuse_title(struct cfg_t *sec)
{
	return cfg_title(sec);
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
	OPT_S("delay"), \
	OPT_L("bootfile-param"), \
	OPT_S("pxelinux-magic"), \
	OPT_S("pxelinux-config-file"), \
	OPT_S("pxelinux-path-prefix"), \
	OPT_S("pxelinux-reboot-time")

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
	OPT_S("circuit-id"),
	OPT_S("circuit-id-prefix"),
	OPT_S("remote-id"),
	OPT_S("remote-id-prefix"),
	OPT_S("subscriber-id"),
	OPT_S("subscriber-id-prefix"),
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
	OPT_S("ip6"),
	OPT_S("duid"),
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
	OPT_S("subnet"),
	OPT_S("netmask"),
	OPT_S("router"),
	OPT_L("dns"),
	OPT_S("domain"),
	OPT_S("lease-time"),
	OPT_S("renew-time"),
	OPT_S("rebind-time"),
	CFG_END()
};

static cfg_opt_t range6_opts[] = {
	OPT_S("prefix"),
	OPT_S("start"),
	OPT_S("end"),
	OPT_L("dns"),
	OPT_S("domain"),
	OPT_S("preferred-lifetime"),
	OPT_S("valid-lifetime"),
	CFG_END()
};

static cfg_opt_t rule_opts[] = {
	RULE_SECS,
	CFG_END()
};

/* The main file's options that are not scalar settings. */
static cfg_opt_t main_extra[] = { OPT_L("interface"), RULE_SECS };
static cfg_opt_t dhcp_extra[] = {
	OPT_L("option"),
	CFG_SEC("range", range_opts, SEC_MULTI),
	CFG_SEC("range6", range6_opts, SEC_MULTI),
};

#define CONF_NSECTIONS	4
static const char *const conf_sections[CONF_NSECTIONS] = {
	NULL, "dhcp", "tftp", "http"
};

static bool
conf_same_section(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* One section's options: its table rows, then extra, then CFG_END. */
static cfg_opt_t *
conf_schema_section(const char *section, const cfg_opt_t *extra,
    size_t nextra, const cfg_opt_t *subs, size_t nsubs)
{
	const struct conf_setting	*s;
	cfg_opt_t			*v, end = CFG_END();
	size_t				 i, n = 0;

	for (i = 0; conf_setting_row(i) != NULL; i++)
		;
	if ((v = calloc(i + nextra + nsubs + 1, sizeof(*v))) == NULL)
		fatal("conf: schema");
	for (i = 0; (s = conf_setting_row(i)) != NULL; i++)
		if (conf_same_section(s->section, section)) {
			cfg_opt_t	o = OPT_S(s->key);

			v[n++] = o;
		}
	for (i = 0; i < nextra; i++)
		v[n++] = extra[i];
	for (i = 0; i < nsubs; i++)
		v[n++] = subs[i];
	v[n] = end;
	return v;
}

/*
 * The main file's schema, built from the table for each parse and kept
 * until the cfg_t is freed.
 */
static cfg_opt_t	*conf_schema[CONF_NSECTIONS];

static cfg_opt_t *
conf_schema_main(void)
{
	cfg_opt_t	**secs = conf_schema;
	cfg_opt_t	subs[CONF_NSECTIONS - 1];
	size_t		i;

	secs[1] = conf_schema_section("dhcp", dhcp_extra,
	    sizeof(dhcp_extra) / sizeof(dhcp_extra[0]), NULL, 0);
	for (i = 2; i < CONF_NSECTIONS; i++)
		secs[i] = conf_schema_section(conf_sections[i], NULL, 0,
		    NULL, 0);
	for (i = 1; i < CONF_NSECTIONS; i++) {
		cfg_opt_t	o = CFG_SEC(conf_sections[i], secs[i],
		    CFGF_NONE);

		subs[i - 1] = o;
	}
	secs[0] = conf_schema_section(NULL, main_extra,
	    sizeof(main_extra) / sizeof(main_extra[0]), subs,
	    CONF_NSECTIONS - 1);
	return secs[0];
}

/* ---------- the pre-scan ---------- */

struct conf_tok {
	size_t	start, len;
	int	line;
	bool	word;		/* a word or a quoted string */
	bool	quoted;
};

struct conf_scan {
	struct conf_loader	*L;
	const char		*src;
	size_t			 n, i;
	char			*out;
	size_t			 o;
	int			 line, start_line;
	enum { NORMAL, DQ, SQ, LINEC, BLOCKC } st;
	struct conf_tok		 tok[2];	/* the last two tokens */
};

/*
 * Remember the line of a section header "KEYWORD TITLE {": libconfuse only
 * knows where a section ends.  Sections of one keyword are created in
 * file order, so the k-th header recorded is the k-th section.
 */
static void
conf_scan_brace(struct conf_scan *s)
{
	struct conf_loader	*L = s->L;
	const struct conf_tok	*kw = &s->tok[0], *title = &s->tok[1];
	size_t			 k;

	if (!kw->word || kw->quoted || !title->word)
		return;
	for (k = 0; k < CONF_NKINDS; k++)
		if (kw->len == strlen(conf_kind_names[k]) && memcmp(s->src +
		    kw->start, conf_kind_names[k], kw->len) == 0)
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

static void
conf_scan_token(struct conf_scan *s, bool quoted)
{
	size_t	k;

	s->tok[0] = s->tok[1];
	s->tok[1].start = s->i + quoted;
	s->tok[1].line = s->line;
	s->tok[1].word = true;
	s->tok[1].quoted = quoted;
	if (quoted)
		return;
	for (k = s->i; k < s->n && conf_wordchar(s->src[k]); k++)
		;
	s->tok[1].len = k - s->i;
}

/* Outside strings and comments.  1: consumed, 0: copy it, -1: error. */
static int
conf_scan_normal(struct conf_scan *s, char c, char nx)
{
	const char	*src = s->src;

	if (c == '#' || (c == '/' && nx == '/')) {
		/* "http://x" unquoted would end at "//" silently. */
		if (s->i > 0 && conf_wordchar(src[s->i - 1])) {
			conf_error(s->L, s->line, "'%s' right after a value "
			    "starts a comment: put the value in quotes",
			    c == '#' ? "#" : "//");
			return -1;
		}
		s->st = LINEC;
		s->out[s->o++] = ' ';
		return 1;
	}
	if (c == '/' && nx == '*') {
		s->st = BLOCKC;
		s->start_line = s->line;
		s->out[s->o++] = ' ';
		s->out[s->o++] = ' ';
		s->i++;
		return 1;
	}
	if (c == '$' && nx == '{') {
		conf_error(s->L, s->line, "a ${...} template must be inside "
		    "quotes");
		return -1;
	}
	if (c == '"' || c == '\'') {
		s->st = c == '"' ? DQ : SQ;
		s->start_line = s->line;
		conf_scan_token(s, true);
	} else if (c == '{') {
		conf_scan_brace(s);
		memset(s->tok, 0, sizeof(s->tok));
	} else if (strchr("}=+,()", c) != NULL)
		memset(s->tok, 0, sizeof(s->tok));
	else if (conf_wordchar(c) && (s->i == 0 ||
	    !conf_wordchar(src[s->i - 1])))
		conf_scan_token(s, false);
	return 0;
}

/* Inside quotes, or a comment.  1: consumed, 0: copy it. */
static int
conf_scan_other(struct conf_scan *s, char c, char nx)
{
	switch (s->st) {
	case DQ:
	case SQ:
		if (c == '\\' && s->i + 1 < s->n) {
			s->out[s->o++] = c;
			s->out[s->o++] = nx;
			if (nx == '\n')
				s->line++;
			s->i++;
			return 1;
		}
		if (s->st == DQ && c == '$' && nx == '{')
			s->out[s->o++] = '\\';
		if ((s->st == DQ && c == '"') || (s->st == SQ && c == '\'')) {
			s->st = NORMAL;
			s->tok[1].len = s->i - s->tok[1].start;
		}
		return 0;
	case LINEC:
		if (c == '\n') {
			s->st = NORMAL;
			return 0;
		}
		break;
	case BLOCKC:
		if (c == '*' && nx == '/') {
			s->st = NORMAL;
			s->out[s->o++] = ' ';
			s->out[s->o++] = ' ';
			s->i++;
			return 1;
		}
		if (c == '\n')
			return 0;
		break;
	case NORMAL:
		return 0;
	}
	s->out[s->o++] = ' ';
	return 1;
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
	struct conf_scan	s;
	size_t			k;
	int			r;

	memset(&s, 0, sizeof(s));
	s.L = L;
	s.src = src;
	s.n = n;
	s.line = 1;
	if ((s.out = malloc(2 * n + 1)) == NULL)
		fatal("conf: prescan");
	for (k = 0; k < CONF_NKINDS; k++)
		L->nsec_lines[k] = 0;
	for (s.i = 0; s.i < n; s.i++) {
		char	c = src[s.i], nx = s.i + 1 < n ? src[s.i + 1] : '\0';

		if (c == '\n')
			s.line++;
		r = s.st == NORMAL ? conf_scan_normal(&s, c, nx) :
		    conf_scan_other(&s, c, nx);
		if (r < 0)
			goto fail;
		if (r == 0)
			s.out[s.o++] = c;
	}
	if (s.st == DQ || s.st == SQ) {
		conf_error(L, s.start_line, "unterminated string");
		goto fail;
	}
	if (s.st == BLOCKC) {
		conf_error(L, s.start_line, "unterminated /* comment");
		goto fail;
	}
	s.out[s.o] = '\0';
	*outn = s.o;
	return s.out;
fail:
	free(s.out);
	return NULL;
}

/* ---------- parsing ---------- */

/*
 * One text (a file's or a built-in) parsed against the main or the rule
 * file schema.  NULL after reporting; an empty text is valid.
 */
struct cfg_t *
conf_confuse_parse(struct conf_loader *L, const char *text, size_t len,
    bool is_main)
{
	char	*pre;
	size_t	 prelen, nerr = L->errs->n;
	cfg_t	*cfg;
	FILE	*fp;

	conf_confuse_reset(L);
	if ((pre = conf_prescan(L, text, len, &prelen)) == NULL)
		return NULL;
	conf_cur = L;
	cfg = cfg_init(is_main ? conf_schema_main() : rule_opts, CFGF_NONE);
	if (cfg == NULL)
		fatal("conf: cfg_init");
	cfg_set_error_function(cfg, conf_cfg_errfunc);
	free(cfg->filename);
	cfg->filename = strdup(L->file);
	cfg->line = 1;
	if (prelen > 0) {
		if ((fp = fmemopen(pre, prelen, "r")) == NULL)
			fatal("conf: fmemopen");
		if (cfg_parse_fp(cfg, fp) != CFG_SUCCESS && L->errs->n == nerr)
			conf_error(L, 0, "cannot be parsed");
		fclose(fp);
	}
	free(pre);
	if (L->errs->n != nerr) {
		conf_confuse_free(cfg);
		return NULL;
	}
	return cfg;
}

void
conf_confuse_free(struct cfg_t *cfg)
{
	size_t	i;

	cfg_free(cfg);
	for (i = 0; i < CONF_NSECTIONS; i++) {
		free(conf_schema[i]);
		conf_schema[i] = NULL;
	}
	conf_cur = NULL;
}
