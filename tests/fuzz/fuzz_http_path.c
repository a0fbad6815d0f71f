/*
 * fuzz_http_path.c: libFuzzer entry for what an HTTP or TFTP client
 * names: http_pct_decode(), fsroot_clean() and http_range().
 *
 * The input, as text, is percent-decoded and cleaned the way http.c
 * does it (and cleaned raw, the way tftp_xfer.c does).  A path that
 * fsroot_clean() accepts must never hold a ".." component, never start
 * with "/", never hold a control byte or a backslash, never be empty,
 * and cleaning it again must change nothing.  The same text is a Range
 * header against a few file sizes: a range served lies inside the file.
 */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsroot.h"
#include "http.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fail(const char *what, const char *s)
{
	fprintf(stderr, "fuzz_http_path: %s: \"%s\"\n", what, s);
	abort();
}

static void
check_clean(const char *name, size_t cap)
{
	char		 canon[PATH_MAX], again[PATH_MAX], *inplace;
	const char	*c;
	size_t		 n;
	enum fsroot_err	 e;

	/* Cleaning in place (conf.c does, for tftp-alias) is the same. */
	if ((inplace = malloc(cap)) == NULL)
		abort();
	snprintf(inplace, cap, "%s", name);
	if (strlen(name) < cap) {
		e = fsroot_clean(inplace, inplace, cap);
		if (e != fsroot_clean(name, canon, cap) ||
		    (e == FSROOT_OK && strcmp(inplace, canon) != 0))
			fail("clean: in place differs", name);
	}
	free(inplace);
	if (fsroot_clean(name, canon, cap) != FSROOT_OK)
		return;
	n = strlen(canon);
	if (n == 0 || n >= cap)
		fail("clean: empty or overlong", canon);
	if (canon[0] == '/' || canon[n - 1] == '/')
		fail("clean: a leading or trailing slash", canon);
	for (c = canon; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == '\\')
			fail("clean: a control byte or a backslash", canon);
	if (strstr(canon, "//") != NULL)
		fail("clean: an empty component", canon);
	/* Components: never "..", never ".". */
	for (c = canon; c != NULL; c = strchr(c, '/') != NULL ?
	    strchr(c, '/') + 1 : NULL) {
		size_t	len = strcspn(c, "/");

		if ((len == 2 && c[0] == '.' && c[1] == '.') ||
		    (len == 1 && c[0] == '.'))
			fail("clean: a dot component", canon);
		if (len > NAME_MAX)
			fail("clean: a component over NAME_MAX", canon);
	}
	if (fsroot_clean(canon, again, sizeof(again)) != FSROOT_OK ||
	    strcmp(canon, again) != 0)
		fail("clean: not idempotent", canon);
}

static void
check_range(const char *h, uint64_t size)
{
	uint64_t	first = 0, last = 0;
	int		r = http_range(h, size, &first, &last);

	if (r < -1 || r > 1)
		fail("range: an unknown result", h);
	if (r == 1 && (first > last || last >= size))
		fail("range: outside the file", h);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s, *dec, small[8];
	size_t	 i;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if ((dec = malloc(size + 1)) == NULL) {
		free(s);
		return 0;
	}

	/* As tftp_xfer.c: the raw name. */
	check_clean(s, 512);
	check_clean(s, 16);
	/* As http.c: decoded first. */
	if (http_pct_decode(s, dec, size + 1) == 0) {
		for (i = 0; dec[i] != '\0'; i++)
			if ((unsigned char)dec[i] < 0x20 ||
			    (unsigned char)dec[i] == 0x7f)
				fail("decode: a control byte", s);
		if (strlen(dec) > strlen(s))
			fail("decode: longer than its input", s);
		check_clean(dec, 1024);
	}
	/* A short buffer: -1 or a NUL inside it, never past it. */
	if (http_pct_decode(s, small, sizeof(small)) == 0 &&
	    memchr(small, '\0', sizeof(small)) == NULL)
		fail("decode: no NUL in a short buffer", s);

	check_range(s, 0);
	check_range(s, 1);
	check_range(s, 100);
	check_range(s, (uint64_t)5 << 30);
	check_range(s, UINT64_MAX);
	free(dec);
	free(s);
	return 0;
}
