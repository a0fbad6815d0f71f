/*
 * arena.c: chunked bump allocation.  A failed allocation is fatal: it
 * only happens while building a config, where running out of memory
 * leaves nothing sensible to do.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "log.h"

#define ARENA_CHUNK	(64 * 1024)

struct arena_chunk {
	struct arena_chunk	*next;
	size_t			 size, off;
	max_align_t		 data[];
};

void *
arena_alloc(struct arena *a, size_t size)
{
	struct arena_chunk	*c = a->head;
	size_t			 al = _Alignof(max_align_t);
	void			*p;

	size = (size + al - 1) & ~(al - 1);
	if (size == 0)
		size = al;
	if (c == NULL || c->size - c->off < size) {
		size_t	csize = size > ARENA_CHUNK ? size : ARENA_CHUNK;

		c = malloc(sizeof(*c) + csize);
		if (c == NULL)
			fatal("arena: %zu bytes", csize);
		c->size = csize;
		c->off = 0;
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->data + c->off;
	c->off += size;
	a->used += size;
	memset(p, 0, size);
	return p;
}

void *
arena_memdup(struct arena *a, const void *p, size_t size)
{
	void	*n = arena_alloc(a, size);

	if (size > 0)
		memcpy(n, p, size);
	return n;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char	*d = arena_alloc(a, n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void
arena_free(struct arena *a)
{
	struct arena_chunk	*c, *n;

	for (c = a->head; c != NULL; c = n) {
		n = c->next;
		free(c);
	}
	a->head = NULL;
	a->used = 0;
}
