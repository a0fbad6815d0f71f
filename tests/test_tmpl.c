/*
 * test_tmpl.c: template compilation and rendering.
 */
#include "config.h"

#include <string.h>

#include "tmpl.h"
#include "unit.h"

static const char *
lookup(void *ctx, const char *name, size_t len)
{
	if (len == 3 && memcmp(name, "mac", 3) == 0)
		return "52:54:00:12:34:56";
	if (len == 6 && memcmp(name, "server", 6) == 0)
		return "10.0.0.1";
	return NULL;	/* not ours: passes through */
}

static void
test_render(void)
{
	struct arena	a = { NULL, 0 };
	struct tmpl	t;
	char		err[256], buf[256];
	size_t		n;

	CU_ASSERT_EQUAL(tmpl_compile(&a, "http://${server}/boot.ipxe?mac="
	    "${mac}", &t, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(t.nsegs, 4);
	n = tmpl_render(&t, lookup, NULL, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf,
	    "http://10.0.0.1/boot.ipxe?mac=52:54:00:12:34:56");
	CU_ASSERT_EQUAL(n, strlen(buf));

	/* "$$" is a dollar; unknown names pass through as written. */
	CU_ASSERT_EQUAL(tmpl_compile(&a, "$${x} ${net0/mac", &t, err,
	    sizeof(err)), -1);
	CU_ASSERT_EQUAL(tmpl_compile(&a, "cost $$5 ${buildarch}", &t, err,
	    sizeof(err)), 0);
	tmpl_render(&t, lookup, NULL, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "cost $5 ${buildarch}");

	/* No variables at all. */
	CU_ASSERT_EQUAL(tmpl_compile(&a, "ipxe.efi", &t, err, sizeof(err)),
	    0);
	CU_ASSERT_EQUAL(t.nsegs, 1);
	CU_ASSERT_FALSE(t.segs[0].var);
	CU_ASSERT_EQUAL(tmpl_compile(&a, "", &t, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(t.nsegs, 0);
	tmpl_render(&t, lookup, NULL, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "");
	arena_free(&a);
}

static void
test_errors(void)
{
	struct arena	a = { NULL, 0 };
	struct tmpl	t;
	char		err[256];

	CU_ASSERT_EQUAL(tmpl_compile(&a, "a$b", &t, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "lone '$' at offset 1"));
	CU_ASSERT_EQUAL(tmpl_compile(&a, "x${mac", &t, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad variable at offset 1"));
	CU_ASSERT_EQUAL(tmpl_compile(&a, "${}", &t, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(tmpl_compile(&a, "${a b}", &t, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(tmpl_compile(&a, "end$", &t, err, sizeof(err)), -1);
	arena_free(&a);
}

static void
test_truncation(void)
{
	struct arena	a = { NULL, 0 };
	struct tmpl	t;
	char		err[64], buf[8];
	size_t		n;

	CU_ASSERT_EQUAL(tmpl_compile(&a, "abc${server}xyz", &t, err,
	    sizeof(err)), 0);
	memset(buf, 'Z', sizeof(buf));
	n = tmpl_render(&t, lookup, NULL, buf, sizeof(buf));
	CU_ASSERT_EQUAL(n, strlen("abc10.0.0.1xyz"));
	CU_ASSERT_EQUAL(buf[7], '\0');
	CU_ASSERT_STRING_EQUAL(buf, "abc10.0");
	arena_free(&a);
}

void
test_tmpl_register(void)
{
	CU_pSuite	s = CU_add_suite("tmpl", NULL, NULL);

	CU_add_test(s, "render", test_render);
	CU_add_test(s, "errors", test_errors);
	CU_add_test(s, "truncation", test_truncation);
}
