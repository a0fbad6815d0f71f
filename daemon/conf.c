/*
 * conf.c: read pxed.conf and conf.d/NAME.conf and compile them into one
 * immutable struct conf; free it, count references to it, look things up
 * in it.
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
 * file and line.  The work is split by concern: conf_confuse.c (the
 * grammar, the pre-scan, where options were written), conf_value.c (one
 * value), conf_setting.c (the main file, its table of scalar settings),
 * conf_expr.c (tags and "if"), conf_rules.c (match, boot, host) and
 * conf_check.c (what holds across files).  Their shared state is struct
 * conf_loader in conf_int.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

#include "conf_int.h"
#include "hash.h"
#include "loadercfg.h"
#include "log.h"

#ifndef PXED_SYSCONFDIR
#define PXED_SYSCONFDIR	"/etc"
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

static const char *const conf_dhcp_modes[] = {
	[CONF_DHCP_OFF] = "off",
	[CONF_DHCP_PROXY] = "proxy",
	[CONF_DHCP_SERVER] = "server",
};

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

void
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

void
conf_error(struct conf_loader *L, int line, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	conf_verror_at(L, L->file, line, fmt, ap);
	va_end(ap);
}

void
conf_error_where(struct conf_loader *L, const struct conf_where *w,
    const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	conf_verror_at(L, w->file, w->line, fmt, ap);
	va_end(ap);
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

/* Where a walk of a root puts what it compiles. */
struct conf_walk {
	bool			 ipxe;		/* *.ipxe into http.scripts */
	struct conf_script	**tmpls;	/* *.tmpl here */
	size_t			*ntmpls;
	size_t			 seen;		/* entries looked at */
	size_t			 cap, tcap;
};

static void
conf_script_file(struct conf_loader *L, const char *full, const char *rel,
    bool loader, struct conf_walk *W)
{
	struct conf		*c = L->conf;
	struct conf_script	 sc;
	struct conf_where	 w;
	char			*text, err[256];
	size_t			 len;
	bool			 missing;
	int			 line = 0, r;

	if ((text = conf_readfile(L, full, &len, &missing)) == NULL)
		return;
	memset(&sc, 0, sizeof(sc));
	sc.path = arena_strdup(L->a, rel);
	if (loader)
		r = tmpl_compile_loader(L->a, arena_strndup(L->a, text, len),
		    conf_is_var, c, &sc.t, &line, err, sizeof(err));
	else
		r = tmpl_compile_script(L->a, arena_strndup(L->a, text, len),
		    conf_is_var, c, &sc.t, &line, err, sizeof(err));
	if (r == -1) {
		w.file = arena_strdup(L->a, full);
		w.line = line;
		conf_error_where(L, &w, "%s", err);
	} else if (loader) {
		CONF_GROW(*W->tmpls, *W->ntmpls, W->tcap);
		(*W->tmpls)[(*W->ntmpls)++] = sc;
	} else {
		CONF_GROW(c->http.scripts, c->http.nscripts, W->cap);
		c->http.scripts[c->http.nscripts++] = sc;
	}
	free(text);
}

static bool
conf_suffix(const char *name, const char *suffix)
{
	size_t	n = strlen(name), k = strlen(suffix);

	return n > k && strcmp(name + n - k, suffix) == 0;
}

static void
conf_script_dir(struct conf_loader *L, const char *dir, const char *rel,
    int depth, struct conf_walk *W)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 st;
	char		 full[4096], sub[4096];

	if (depth > CONF_SCRIPT_DEPTH || (d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL && W->seen++ < CONF_SCRIPT_ENTRIES) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(full, sizeof(full), "%s/%s", dir, e->d_name);
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "",
		    e->d_name);
		if (lstat(full, &st) == -1)
			continue;
		if (S_ISDIR(st.st_mode))
			conf_script_dir(L, full, sub, depth + 1, W);
		else if (!S_ISREG(st.st_mode) || st.st_size > CONF_SCRIPT_MAX)
			continue;
		else if (W->ipxe && conf_suffix(e->d_name, ".ipxe"))
			conf_script_file(L, full, sub, false, W);
		else if (W->tmpls != NULL &&
		    conf_suffix(e->d_name, LOADERCFG_SUFFIX))
			conf_script_file(L, full, sub, true, W);
	}
	closedir(d);
}

static const struct conf_script *
conf_script_in(const struct conf_script *v, size_t n, const char *path)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].path, path) == 0)
			return &v[i];
	return NULL;
}

const struct conf_script *
conf_script_find(const struct conf *c, const char *path)
{
	return conf_script_in(c->http.scripts, c->http.nscripts, path);
}

const struct conf_script *
conf_tmpl_find(const struct conf *c, bool tftp, const char *path)
{
	if (tftp)
		return conf_script_in(c->tftp.tmpls, c->tftp.ntmpls, path);
	return conf_script_in(c->http.tmpls, c->http.ntmpls, path);
}

/*
 * iPXE scripts and loader templates: their variables are checked now,
 * not at boot.  One walk when TFTP and HTTP share the root.
 */
static void
conf_load_scripts(struct conf_loader *L)
{
	struct conf		*c = L->conf;
	struct conf_walk	 W;
	bool			 same = c->tftp.root != NULL &&
				    strcmp(c->tftp.root, c->http.root) == 0;

	if (L->errs->n > 0)
		return;
	if (c->http.enable) {
		memset(&W, 0, sizeof(W));
		W.ipxe = true;
		W.tmpls = &c->http.tmpls;
		W.ntmpls = &c->http.ntmpls;
		conf_script_dir(L, c->http.root, "", 0, &W);
	}
	if (c->tftp.enable && c->http.enable && same) {
		c->tftp.tmpls = c->http.tmpls;
		c->tftp.ntmpls = c->http.ntmpls;
	} else if (c->tftp.enable && c->tftp.root != NULL) {
		memset(&W, 0, sizeof(W));
		W.tmpls = &c->tftp.tmpls;
		W.ntmpls = &c->tftp.ntmpls;
		conf_script_dir(L, c->tftp.root, "", 0, &W);
	}
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
static void
conf_text(struct conf_loader *L, const char *name, const char *text,
    size_t len, bool is_main, const struct conf_args *args)
{
	struct cfg_t	*cfg;

	L->file = arena_strdup(L->a, name);
	if ((cfg = conf_confuse_parse(L, text, len, is_main)) == NULL)
		return;
	if (is_main)
		conf_setting_main(L, cfg, args);
	conf_rules_compile(L, cfg);
	conf_confuse_free(cfg);
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

/* ---------- entry points ---------- */

/* Every file, in order; the built-ins stand in for a missing main file. */
static void
conf_load_files(struct conf_loader *L, const char *main_file,
    const struct conf_args *args)
{
	struct conf	*c = L->conf;
	bool		 missing = false;

	conf_file(L, main_file, true, args, &missing);
	if (missing && args->main_given)
		conf_error(L, 0, "cannot open: %s (a file given with -f "
		    "must exist: only the default path falls back to the "
		    "built-in defaults)", strerror(ENOENT));
	else if (missing) {
		c->builtin = true;
		conf_text(L, "<built-in>", conf_builtin_main,
		    strlen(conf_builtin_main), true, args);
	}
	if (args->confdir != NULL)
		c->confdir = arena_strdup(L->a, args->confdir);
	/* Read every file even after an error, to report all of them. */
	conf_dir(L, c->confdir != NULL ? c->confdir : CONF_DEFAULT_CONFDIR,
	    c->confdir != NULL);
	if (c->confdir == NULL)
		c->confdir = CONF_DEFAULT_CONFDIR;
	if (c->builtin)
		conf_text(L, "<built-in rules>", conf_builtin_rules,
		    strlen(conf_builtin_rules), false, args);
}

/* Command-line settings beat the file. */
static void
conf_load_args(struct conf_loader *L, const struct conf_args *args)
{
	struct conf	*c = L->conf;
	size_t		 i;

	/* -r is the root of both TFTP and HTTP. */
	if (args->root != NULL)
		c->tftp.root = c->http.root = arena_strdup(L->a, args->root);
	if (c->http.root == NULL)
		c->http.root = c->tftp.root;
	conf_load_scripts(L);
	if (args->user != NULL)
		c->user = arena_strdup(L->a, args->user);
	if (args->pidfile != NULL)
		c->pidfile = arena_strdup(L->a, args->pidfile);
	if (args->ninterfaces > 0) {
		c->ninterfaces = args->ninterfaces;
		c->interfaces = arena_alloc(L->a, c->ninterfaces *
		    sizeof(*c->interfaces));
		for (i = 0; i < c->ninterfaces; i++)
			c->interfaces[i] = arena_strdup(L->a,
			    args->interfaces[i]);
	}
}

struct conf *
conf_load(const struct conf_args *args, struct conf_errors *errs)
{
	struct conf_loader	 L;
	struct conf		*c;
	const char		*main_file = args->main_file;
	size_t			 i;

	if (main_file == NULL)
		main_file = PXED_SYSCONFDIR "/pxed/pxed.conf";
	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("conf: calloc");
	memset(&L, 0, sizeof(L));
	L.conf = c;
	L.errs = errs;
	L.a = &c->arena;

	c->refs = 1;
	c->main_file = arena_strdup(L.a, main_file);
	conf_setting_defaults(c);
	/* Tag 0 is "known", set by the engine itself. */
	conf_expr_tag(&L, "known", 5);
	c->tags[CONF_TAG_KNOWN].set = true;
	c->tags[CONF_TAG_KNOWN].set_where.file = "<pxed>";

	conf_load_files(&L, main_file, args);
	/* Cross-file checks on a partial config would only add noise. */
	if (errs->n == 0)
		conf_check_all(&L);
	conf_load_args(&L, args);

	free(L.lines);
	free(L.tag_hash);
	free(L.tag_uses);
	free(L.var_uses);
	for (i = 0; i < CONF_NKINDS; i++)
		free(L.sec_lines[i]);
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
	free(c->dhcp.ranges6);
	free(c->http.scripts);
	if (c->tftp.tmpls != c->http.tmpls)
		free(c->tftp.tmpls);
	free(c->http.tmpls);
	arena_free(&c->arena);
	free(c);
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

/* ---------- lookups ---------- */

const struct conf_host *(*conf_host_extra)(const struct conf *,
    const uint8_t [6]);

const struct conf_host *
conf_host_by_mac(const struct conf *c, const uint8_t mac[6])
{
	const struct conf_host	*h;

	if ((h = conf_file_host_by_mac(c, mac)) == NULL &&
	    conf_host_extra != NULL)
		h = conf_host_extra(c, mac);
	return h;
}

const struct conf_host *
conf_file_host_by_mac(const struct conf *c, const uint8_t mac[6])
{
	const struct conf_host	*h;

	if (c->host_hash == NULL)
		return NULL;
	for (h = c->host_hash[hash_bytes(mac, 6) & c->host_hash_mask];
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
	if ((size_t)mode >= sizeof(conf_dhcp_modes) /
	    sizeof(conf_dhcp_modes[0]) || conf_dhcp_modes[mode] == NULL)
		return "?";
	return conf_dhcp_modes[mode];
}

void
conf_summary(const struct conf *c, char *buf, size_t len)
{
	char	r6[48] = "";

	if (c->dhcp.nranges6 > 0)
		snprintf(r6, sizeof(r6), " and %zu range6", c->dhcp.nranges6);
	snprintf(buf, len, "%s, %zu conf.d file%s, dhcp %s with %zu range%s%s, "
	    "%zu match%s, %zu boot entr%s, %zu host%s, %zu tag%s",
	    c->builtin ? "built-in defaults" : c->main_file, c->nfiles,
	    c->nfiles == 1 ? "" : "s", conf_dhcp_mode_name(c->dhcp.mode),
	    c->dhcp.nranges, c->dhcp.nranges == 1 ? "" : "s", r6, c->nmatches,
	    c->nmatches == 1 ? "" : "es", c->nboots,
	    c->nboots == 1 ? "y" : "ies", c->nhosts,
	    c->nhosts == 1 ? "" : "s", c->ntags, c->ntags == 1 ? "" : "s");
}
