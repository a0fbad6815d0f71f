/*
 * tmpl.c: templates such as "http://${server}/boot.ipxe?mac=${mac}".
 *
 * A template is split at load time into literal and variable segments,
 * so a request only concatenates.  Which variable names are allowed is
 * the caller's business (conf.c checks them against the built-in set and
 * the variables hosts define), so an unknown name is a load-time error,
 * never a surprise at boot time.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tmpl.h"

const char *const tmpl_builtin_vars[] = {
	"mac", "ip", "hostname", "arch", "server", "http", "tags", NULL
};

bool
tmpl_is_builtin(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; tmpl_builtin_vars[i] != NULL; i++)
		if (strlen(tmpl_builtin_vars[i]) == len &&
		    memcmp(tmpl_builtin_vars[i], name, len) == 0)
			return true;
	return false;
}

static bool
tmpl_namechar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* The text from start to end is the last segment; fill out. */
static int
tmpl_finish(const char *src, size_t start, size_t end, struct tmpl_seg *segs,
    size_t nsegs, struct tmpl *out)
{
	if (end > start) {
		segs[nsegs].text = src + start;
		segs[nsegs++].len = end - start;
	}
	out->src = src;
	out->segs = segs;
	out->nsegs = nsegs;
	return 0;
}

int
tmpl_compile(struct arena *a, const char *src, struct tmpl *out,
    char *err, size_t errlen)
{
	size_t		 n = strlen(src), i, start, nsegs = 0, cap;
	struct tmpl_seg	*segs;

	/* Upper bound: every "$" may split the text into two more segments. */
	cap = 1;
	for (i = 0; i < n; i++)
		if (src[i] == '$')
			cap += 2;
	segs = arena_alloc(a, cap * sizeof(*segs));
	start = 0;
	for (i = 0; i < n; ) {
		if (src[i] != '$') {
			i++;
			continue;
		}
		if (i > start) {
			segs[nsegs].text = src + start;
			segs[nsegs++].len = i - start;
		}
		if (i + 1 < n && src[i + 1] == '$') {
			segs[nsegs].text = "$";
			segs[nsegs++].len = 1;
			i += 2;
			start = i;
			continue;
		}
		if (i + 1 >= n || src[i + 1] != '{') {
			snprintf(err, errlen, "template \"%s\": a lone '$' at "
			    "offset %zu (write $$ for a dollar sign)", src, i);
			return -1;
		}
		start = i + 2;
		for (i = start; i < n && tmpl_namechar(src[i]); i++)
			;
		if (i >= n || src[i] != '}' || i == start) {
			snprintf(err, errlen, "template \"%s\": bad variable at "
			    "offset %zu (expected ${name} with letters, digits, "
			    "'_' or '-')", src, start - 2);
			return -1;
		}
		segs[nsegs].text = src + start;
		segs[nsegs].len = i - start;
		segs[nsegs++].var = true;
		i++;
		start = i;
	}
	return tmpl_finish(src, start, i, segs, nsegs, out);
}

static size_t
tmpl_put(char *buf, size_t buflen, size_t off, const char *s, size_t len)
{
	if (off < buflen) {
		size_t	room = buflen - off - 1;

		memcpy(buf + off, s, len < room ? len : room);
	}
	return off + len;
}

size_t
tmpl_render(const struct tmpl *t, tmpl_lookup_fn fn, void *ctx,
    char *buf, size_t buflen)
{
	size_t	i, off = 0;

	for (i = 0; i < t->nsegs; i++) {
		const struct tmpl_seg	*s = &t->segs[i];
		const char		*v;

		if (!s->var) {
			off = tmpl_put(buf, buflen, off, s->text, s->len);
			continue;
		}
		v = fn(ctx, s->text, s->len);
		if (v != NULL)
			off = tmpl_put(buf, buflen, off, v, strlen(v));
		else {
			off = tmpl_put(buf, buflen, off, "${", 2);
			off = tmpl_put(buf, buflen, off, s->text, s->len);
			off = tmpl_put(buf, buflen, off, "}", 1);
		}
	}
	if (buflen > 0)
		buf[off < buflen ? off : buflen - 1] = '\0';
	return off;
}

/* iPXE's own settings (its manual, "Settings"), left for iPXE to expand. */
static const char *const tmpl_ipxe_settings[] = {
	"asset", "board-serial", "buildarch", "busid", "busloc", "bustype",
	"chip", "cpumodel", "cpuvendor", "cwduri", "cwuri", "dhcp-server",
	"dns", "dns6", "domain", "filename", "gateway", "ifname",
	"initiator-iqn", "keep-san", "manufacturer", "memsize", "netmask",
	"next-server", "ntp", "password", "platform", "priority", "product",
	"root-path", "san-filename", "serial", "skip-san-boot", "syslog",
	"syslogs", "unixtime", "user-class", "username", "uuid", "version",
	NULL
};

bool
tmpl_is_ipxe_setting(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (name[i] == '/' || name[i] == ':' || name[i] == '.')
			return true;
	for (i = 0; tmpl_ipxe_settings[i] != NULL; i++)
		if (strlen(tmpl_ipxe_settings[i]) == len &&
		    memcmp(tmpl_ipxe_settings[i], name, len) == 0)
			return true;
	return false;
}

/*
 * The one compiler of scripts and loader configs: ${name} is a variable
 * when is_var says so; otherwise it stays as written when pass (iPXE
 * scripts: tmpl_is_ipxe_setting) says so, and is an error when not.
 */
static int
tmpl_compile_text(struct arena *a, const char *src, tmpl_isvar_fn is_var,
    tmpl_pass_fn pass, void *ctx, struct tmpl *out, int *line, char *err,
    size_t errlen)
{
	size_t		 n = strlen(src), i, start = 0, nsegs = 0, cap = 1, end;
	struct tmpl_seg	*segs;
	int		 ln = 1;

	for (i = 0; i < n; i++)
		if (src[i] == '$')
			cap += 2;
	segs = arena_alloc(a, cap * sizeof(*segs));
	for (i = 0; i < n; ) {
		if (src[i] == '\n')
			ln++;
		if (src[i] != '$' || i + 1 >= n ||
		    (src[i + 1] != '$' && src[i + 1] != '{')) {
			i++;
			continue;
		}
		if (src[i + 1] == '$') {
			/* "$$": one "$", the second one dropped. */
			segs[nsegs].text = src + start;
			segs[nsegs++].len = i + 1 - start;
			i += 2;
			start = i;
			continue;
		}
		for (end = i + 2; end < n && src[end] != '}' &&
		    src[end] != '\n' && end - i < 128; end++)
			;
		if (end >= n || src[end] != '}' || end == i + 2) {
			*line = ln;
			snprintf(err, errlen, "unclosed or empty ${ (write $$ "
			    "for a dollar sign)");
			return -1;
		}
		if (is_var(ctx, src + i + 2, end - i - 2)) {
			if (i > start) {
				segs[nsegs].text = src + start;
				segs[nsegs++].len = i - start;
			}
			segs[nsegs].text = src + i + 2;
			segs[nsegs].len = end - i - 2;
			segs[nsegs++].var = true;
			start = end + 1;
		} else if (pass == NULL) {
			*line = ln;
			snprintf(err, errlen, "${%.*s} is not a pxed variable "
			    "(write $${%.*s} to leave it to the loader)",
			    (int)(end - i - 2), src + i + 2,
			    (int)(end - i - 2), src + i + 2);
			return -1;
		} else if (!pass(src + i + 2, end - i - 2)) {
			*line = ln;
			snprintf(err, errlen, "${%.*s} is neither a pxed "
			    "variable nor an iPXE setting (write $${%.*s} to "
			    "pass it to iPXE as it is)", (int)(end - i - 2),
			    src + i + 2, (int)(end - i - 2), src + i + 2);
			return -1;
		}
		i = end + 1;
	}
	return tmpl_finish(src, start, n, segs, nsegs, out);
}

int
tmpl_compile_script(struct arena *a, const char *src, tmpl_isvar_fn is_var,
    void *ctx, struct tmpl *out, int *line, char *err, size_t errlen)
{
	return tmpl_compile_text(a, src, is_var, tmpl_is_ipxe_setting, ctx,
	    out, line, err, errlen);
}

int
tmpl_compile_loader(struct arena *a, const char *src, tmpl_isvar_fn is_var,
    void *ctx, struct tmpl *out, int *line, char *err, size_t errlen)
{
	return tmpl_compile_text(a, src, is_var, NULL, ctx, out, line, err,
	    errlen);
}
