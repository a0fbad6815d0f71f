/*
 * hash.c: the hash function behind every table in pxed (see hash.h).
 * One algorithm everywhere: a table's speed then depends on its sizing,
 * not on which of several functions its author picked.
 */
#include "config.h"

#include "hash.h"

#define HASH_PRIME	1099511628211ULL	/* FNV 64-bit prime */

uint64_t
hash_update(uint64_t h, const void *p, size_t n)
{
	const uint8_t	*b = p;
	size_t		 i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= HASH_PRIME;
	}
	return h;
}

size_t
hash_final(uint64_t h)
{
	/* FNV's low bits mix poorly for short keys: fold the high ones in. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (size_t)h;
}

size_t
hash_bytes(const void *p, size_t n)
{
	return hash_final(hash_update(HASH_INIT, p, n));
}
