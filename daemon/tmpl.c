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
	if (i > start) {
		segs[nsegs].text = src + start;
		segs[nsegs++].len = i - start;
	}
	out->src = src;
	out->segs = segs;
	out->nsegs = nsegs;
	return 0;
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
