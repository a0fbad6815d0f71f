/*
 * arena.h: a bump allocator; everything a compiled config owns lives in
 * one arena and is freed at once.
 */
#ifndef PXED_ARENA_H
#define PXED_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk	*head;
	size_t			 used;	/* bytes handed out, for summaries */
};

void	*arena_alloc(struct arena *a, size_t size);	/* zeroed */
void	*arena_memdup(struct arena *a, const void *p, size_t size);
char	*arena_strdup(struct arena *a, const char *s);
char	*arena_strndup(struct arena *a, const char *s, size_t n);
void	 arena_free(struct arena *a);

#endif
