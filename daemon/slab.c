/*
 * slab.c: fixed-size records by 32-bit reference (see slab.h).  A freed
 * record keeps the next spare's reference in its first four bytes.  As
 * with arena.c, running out of memory is fatal.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "slab.h"

void
slab_init(struct slab *s, size_t size)
{
	memset(s, 0, sizeof(*s));
	s->size = size < sizeof(uint32_t) ? sizeof(uint32_t) : size;
}

void *
slab_new(struct slab *s, uint32_t *ref)
{
	uint8_t		**c;
	uint32_t	  i;
	void		 *p;

	if ((p = slab_get(s, s->spare)) != NULL) {
		*ref = s->spare;
		memcpy(&s->spare, p, sizeof(s->spare));
		memset(p, 0, s->size);
		s->n++;
		return p;
	}
	if (s->top == UINT32_MAX - 1)
		fatal("slab: %u records", s->top);
	if (s->top / SLAB_CHUNK == s->nchunk) {
		if ((c = reallocarray(s->chunk, s->nchunk + 1,
		    sizeof(*c))) == NULL ||
		    (c[s->nchunk] = calloc(SLAB_CHUNK, s->size)) == NULL)
			fatal("slab: %zu bytes", SLAB_CHUNK * s->size);
		s->chunk = c;
		s->nchunk++;
	}
	i = s->top++;
	s->n++;
	*ref = s->top;
	return s->chunk[i / SLAB_CHUNK] + (size_t)(i % SLAB_CHUNK) * s->size;
}

void
slab_put(struct slab *s, uint32_t ref)
{
	void	*p;

	if ((p = slab_get(s, ref)) == NULL)
		return;
	memcpy(p, &s->spare, sizeof(s->spare));
	s->spare = ref;
	s->n--;
}

void
slab_fini(struct slab *s)
{
	uint32_t	i;

	for (i = 0; i < s->nchunk; i++)
		free(s->chunk[i]);
	free(s->chunk);
	slab_init(s, s->size);
}
