/*
 * http_cache.h: small files kept open and in memory between HTTP requests.
 */
#ifndef PXED_HTTP_CACHE_H
#define PXED_HTTP_CACHE_H

#include <sys/types.h>
#include <sys/stat.h>
#include <stdbool.h>
#include <stdint.h>

#define HTTP_CACHE_FILE		(16 * 1024)	/* largest file kept, bytes */
#define HTTP_CACHE_SLOTS	32		/* files kept (a power of 2) */
#define HTTP_CACHE_MS		1000		/* reopened through the path */

/*
 * The file at path, answered from the cache: true with *st as fstat(2)
 * says now and *data its st_size bytes (valid until the next call here),
 * when it was opened through the path less than HTTP_CACHE_MS before now
 * and is unchanged since.
 */
bool		 http_cache_get(const char *path, uint64_t now_ms,
		    struct stat *st, const uint8_t **data);
/*
 * Read fd (what fsroot_open() gave for path, with *st) whole and keep
 * it: its bytes, or NULL when it is too large or cannot be read or kept,
 * fd then still the caller's.  Otherwise the cache owns fd.
 */
const uint8_t	*http_cache_fill(const char *path, int fd,
		    const struct stat *st, uint64_t now_ms);
/* Forget every file (a reload: the root may have changed). */
void		 http_cache_clear(void);
void		 http_cache_stats(uint64_t *hits, uint64_t *fills);

#endif
