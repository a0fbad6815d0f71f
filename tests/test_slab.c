/*
 * test_slab.c: fixed-size records by reference (slab.c): references
 * start at 1 and name the same record for its life, records come zeroed
 * (a reused one too), freed ones are reused last freed first, chunks
 * are added past SLAB_CHUNK records and the count follows.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "slab.h"
#include "unit.h"

struct rec {
	uint32_t	 a;
	uint8_t		 b[20];
};

static void
test_refs(void)
{
	struct slab	 s;
	struct rec	*r, *q;
	uint32_t	 ref, ref2, ref3;

	slab_init(&s, sizeof(struct rec));
	CU_ASSERT_PTR_NULL(slab_get(&s, 0));
	r = slab_new(&s, &ref);
	CU_ASSERT_EQUAL(ref, 1);
	CU_ASSERT_PTR_EQUAL(slab_get(&s, ref), r);
	CU_ASSERT_EQUAL(r->a, 0);
	r->a = 0xdeadbeef;
	memset(r->b, 0x5a, sizeof(r->b));
	q = slab_new(&s, &ref2);
	CU_ASSERT_EQUAL(ref2, 2);
	CU_ASSERT_EQUAL((char *)q - (char *)r, (long)sizeof(struct rec));
	CU_ASSERT_EQUAL(s.n, 2);
	/* freed, then handed out again zeroed under the same reference */
	slab_put(&s, ref);
	CU_ASSERT_EQUAL(s.n, 1);
	r = slab_new(&s, &ref3);
	CU_ASSERT_EQUAL(ref3, 1);
	CU_ASSERT_EQUAL(r->a, 0);
	CU_ASSERT_EQUAL(r->b[0], 0);
	CU_ASSERT_EQUAL(r->b[sizeof(r->b) - 1], 0);
	/* last freed, first reused; then new ones again */
	slab_put(&s, ref2);
	slab_put(&s, ref3);
	slab_new(&s, &ref);
	CU_ASSERT_EQUAL(ref, ref3);
	slab_new(&s, &ref);
	CU_ASSERT_EQUAL(ref, ref2);
	slab_new(&s, &ref);
	CU_ASSERT_EQUAL(ref, 3);
	CU_ASSERT_EQUAL(s.n, 3);
	slab_put(&s, 0);		/* no record: nothing */
	CU_ASSERT_EQUAL(s.n, 3);
	slab_fini(&s);
	CU_ASSERT_EQUAL(s.n, 0);
	CU_ASSERT_EQUAL(s.top, 0);
	CU_ASSERT_PTR_NULL(s.chunk);
	CU_ASSERT_EQUAL(s.size, sizeof(struct rec));
}

static void
test_chunks(void)
{
	struct slab	 s;
	struct rec	*r;
	uint32_t	 ref, i, n = 3 * SLAB_CHUNK + 7, bad = 0;

	slab_init(&s, sizeof(struct rec));
	for (i = 1; i <= n; i++) {
		r = slab_new(&s, &ref);
		if (ref != i)
			bad++;
		r->a = i;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(s.nchunk, 4);
	CU_ASSERT_EQUAL(s.n, n);
	/* every record still holds what was written through its own ref */
	for (i = 1; i <= n; i++)
		if (((struct rec *)slab_get(&s, i))->a != i)
			bad++;
	CU_ASSERT_EQUAL(bad, 0);
	/* the records on either side of a chunk's end are distinct */
	CU_ASSERT_PTR_NOT_EQUAL(slab_get(&s, SLAB_CHUNK),
	    slab_get(&s, SLAB_CHUNK + 1));
	/* freeing every other one and taking them back adds no chunk */
	for (i = 1; i <= n; i += 2)
		slab_put(&s, i);
	for (i = 1; i <= n; i += 2)
		slab_new(&s, &ref);
	CU_ASSERT_EQUAL(s.nchunk, 4);
	CU_ASSERT_EQUAL(s.top, n);
	CU_ASSERT_EQUAL(s.n, n);
	slab_fini(&s);
	/* a record smaller than a reference is made one */
	slab_init(&s, 1);
	CU_ASSERT_EQUAL(s.size, sizeof(uint32_t));
	slab_new(&s, &ref);
	slab_put(&s, ref);
	slab_new(&s, &ref);
	CU_ASSERT_EQUAL(ref, 1);
	slab_fini(&s);
}

void
test_slab_register(void)
{
	CU_pSuite	s = CU_add_suite("slab", NULL, NULL);

	CU_add_test(s, "references, zeroed records, reuse", test_refs);
	CU_add_test(s, "chunks past SLAB_CHUNK records", test_chunks);
}
