/*
 * hash.h: pxed's one hash function, for every table keyed by bytes (MACs,
 * client ids, tag names, peer addresses, pointers).  FNV-1a over 64 bits
 * with a final mix, so that the low bits are good enough for tables whose
 * size is a power of two (index = hash & (size - 1)).
 */
#ifndef PXED_HASH_H
#define PXED_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_INIT	1469598103934665603ULL	/* FNV-1a offset basis */

/* Feed n bytes into a running hash (start from HASH_INIT). */
uint64_t	hash_update(uint64_t h, const void *p, size_t n);
/* The value to index a table with. */
size_t		hash_final(uint64_t h);
/* hash_final(hash_update(HASH_INIT, p, n)). */
size_t		hash_bytes(const void *p, size_t n);

#endif
