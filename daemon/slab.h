/*
 * slab.h: records of one size, named by a 32-bit reference instead of a
 * pointer, in chunks of SLAB_CHUNK records, with a list of the freed
 * ones.  A table of many small records (the DHCPv4 leases) chains them
 * with 4-byte references rather than 8-byte pointers, and pays neither a
 * malloc header nor a rounding per record.
 */
#ifndef PXED_SLAB_H
#define PXED_SLAB_H

#include <stddef.h>
#include <stdint.h>

#define SLAB_CHUNK	1024		/* records per chunk */

struct slab {
	uint8_t		**chunk;
	uint32_t	  nchunk;	/* chunks allocated */
	uint32_t	  top;		/* references handed out: 1 to top */
	uint32_t	  spare;	/* a freed record; 0: none */
	uint32_t	  n;		/* records in use */
	size_t		  size;		/* a record's bytes */
};

/* s empty, for records of size bytes (at least 4). */
void	 slab_init(struct slab *s, size_t size);
/* A zeroed record, its reference (never 0) in *ref; fatal without memory. */
void	*slab_new(struct slab *s, uint32_t *ref);
/* ref back to the spares (ref from slab_new, not already freed). */
void	 slab_put(struct slab *s, uint32_t ref);
/* Every record and chunk freed; s as after slab_init. */
void	 slab_fini(struct slab *s);

/* The record of ref; NULL for 0. */
static inline void *
slab_get(const struct slab *s, uint32_t ref)
{
	if (ref == 0)
		return NULL;
	ref--;
	return s->chunk[ref / SLAB_CHUNK] + (size_t)(ref % SLAB_CHUNK) *
	    s->size;
}

#endif
