/*
 * fuzz_tmpl.c: libFuzzer entry for ${name} templates and iPXE scripts.
 *
 * The input, as text, goes through tmpl_compile() and
 * tmpl_compile_script(); what compiles is rendered with a lookup that
 * returns fixed values, into buffers of every interesting size.  Two
 * invariants: rendered with a lookup that knows nothing, a template
 * reads as its source with each "$$" made one "$" (in a script, outside
 * the iPXE settings it keeps as written); and a render into a short
 * buffer is a NUL-terminated prefix of the full one.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "tmpl.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_tmpl: %s\n", what);
	abort();
}

static bool
is_var(void *ctx, const char *name, size_t len)
{
	(void)ctx;
	return tmpl_is_builtin(name, len) ||
	    (len == 4 && memcmp(name, "rack", 4) == 0);
}

static const char *
lookup(void *ctx, const char *name, size_t len)
{
	(void)ctx;
	if (len == 3 && memcmp(name, "mac", 3) == 0)
		return "52:54:00:12:34:56";
	if (len == 2 && memcmp(name, "ip", 2) == 0)
		return "10.0.0.50";
	if (len == 6 && memcmp(name, "server", 6) == 0)
		return "10.0.0.1";
	if (len == 4 && memcmp(name, "tags", 4) == 0)
		return "";
	if (tmpl_is_builtin(name, len))
		return "x";
	return NULL;
}

static const char *
lookup_none(void *ctx, const char *name, size_t len)
{
	(void)ctx;
	(void)name;
	(void)len;
	return NULL;
}

/* src with each "$$" read as one "$", left to right. */
static size_t
undollar(const char *src, char *dst)
{
	size_t	i, n = 0;

	for (i = 0; src[i] != '\0'; i++) {
		dst[n++] = src[i];
		if (src[i] == '$' && src[i + 1] == '$')
			i++;
	}
	dst[n] = '\0';
	return n;
}

/*
 * strict: "$$" is a "$" everywhere (tmpl_compile).  An iPXE script
 * keeps a ${...} iPXE setting as written, "$$" inside it included, so
 * there the text must be the source only when it holds no "$$".
 */
static void
check(const struct tmpl *t, const char *src, size_t srclen, bool strict)
{
	char	*full, *part, *want;
	size_t	 need, n, sizes[5], i;

	if ((want = malloc(srclen + 1)) == NULL ||
	    (part = malloc(srclen + 1)) == NULL)
		abort();
	/* Nothing known: the source, "$$" undone. */
	n = undollar(src, want);
	need = tmpl_render(t, lookup_none, NULL, NULL, 0);
	if (need < n || need > srclen)
		fail("render: length out of bounds");
	if (tmpl_render(t, lookup_none, NULL, part, srclen + 1) != need ||
	    strlen(part) != need)
		fail("render: length differs");
	if ((strict || strstr(src, "$$") == NULL) && (need != n ||
	    strcmp(part, want) != 0))
		fail("render: text differs from the source");
	free(part);
	free(want);

	/* Fixed values: a short buffer holds a prefix of the full text. */
	need = tmpl_render(t, lookup, NULL, NULL, 0);
	if ((full = malloc(need + 1)) == NULL || (part = malloc(need + 1)) ==
	    NULL)
		abort();
	if (tmpl_render(t, lookup, NULL, full, need + 1) != need ||
	    strlen(full) != need)
		fail("render: full length differs");
	sizes[0] = 1;
	sizes[1] = 2;
	sizes[2] = need / 2 + 1;
	sizes[3] = need;
	sizes[4] = need + 1;
	for (i = 0; i < 5; i++) {
		if (sizes[i] == 0 || sizes[i] > need + 1)
			continue;
		memset(part, 'Z', need + 1);
		if (tmpl_render(t, lookup, NULL, part, sizes[i]) != need ||
		    strlen(part) != sizes[i] - 1 ||
		    memcmp(part, full, sizes[i] - 1) != 0)
			fail("render: a short buffer is not a prefix");
	}
	free(part);
	free(full);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	 a;
	struct tmpl	 t;
	char		*src, err[256];
	int		 line = 0;
	size_t		 n;

	if ((src = malloc(size + 1)) == NULL)
		return 0;
	memcpy(src, data, size);
	src[size] = '\0';
	n = strlen(src);

	memset(&a, 0, sizeof(a));
	err[0] = '\0';
	if (tmpl_compile(&a, src, &t, err, sizeof(err)) == 0)
		check(&t, src, n, true);
	else if (err[0] == '\0')
		fail("compile: an error without a message");
	arena_free(&a);

	memset(&a, 0, sizeof(a));
	err[0] = '\0';
	if (tmpl_compile_script(&a, src, is_var, NULL, &t, &line, err,
	    sizeof(err)) == 0)
		check(&t, src, n, false);
	else if (err[0] == '\0' || line < 1)
		fail("compile_script: an error without a message or line");
	arena_free(&a);
	free(src);
	return 0;
}
