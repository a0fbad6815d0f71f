/*
 * http_cache.c: small files kept open and in memory between HTTP requests.
 *
 * With wrk fetching a 1 KiB file over 64 connections (issue 14's test
 * bed, bench/README), opening, reading and closing the file took ~12 %
 * of the server's busy CPU per request: openat2() with RESOLVE_BENEATH
 * (fsroot.c), fstat(), pread() and close().  A file of at most
 * HTTP_CACHE_FILE bytes is therefore kept: its descriptor, what fstat(2)
 * said of it, its bytes.  The next request for the same path is answered
 * from memory when an fstat() of the kept descriptor says the file is
 * the one read: same device, inode, type and permissions, size,
 * modification and change times, and still linked.  So an edit in place,
 * a chmod, and a file renamed over it or removed (the old inode loses its
 * link) are seen at once.  What the kept descriptor cannot see is the
 * path leading elsewhere while the old file stays as it was (a directory
 * on the path swapped for another with mv): the path is opened again
 * HTTP_CACHE_MS after it last was, so that is seen within a second (as
 * nginx's open_file_cache_valid, 60 s by default when that cache is on).
 *
 * The kept descriptor sees the file, not the path: on a network
 * filesystem (NFS, FUSE) fstat() may answer from cached attributes, and a
 * change to a directory on the path (its permissions, a rename, a symlink
 * swapped in) leaves the file as it was; both are seen within a second.
 *
 * Direct-mapped by the path's hash: a new file in a slot taken for less
 * than HTTP_CACHE_MS is not kept (the one there stays), else replaces it.
 * At most HTTP_CACHE_SLOTS descriptors, which a request out of
 * descriptors takes back (http.c), and HTTP_CACHE_FILE bytes each.
 * Single-threaded, like the loop.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsroot.h"
#include "hash.h"
#include "http_cache.h"

struct http_cached {
	char		*path;		/* NULL: an empty slot */
	int		 fd;
	struct stat	 st;
	uint64_t	 opened_ms;
	uint8_t		*data;
};

static struct http_cached	 slots[HTTP_CACHE_SLOTS];
static uint64_t			 hits, fills;

static struct http_cached *
http_cache_slot(const char *path)
{
	return &slots[hash_bytes(path, strlen(path)) &
	    (HTTP_CACHE_SLOTS - 1)];
}

static void
http_cache_drop(struct http_cached *e)
{
	if (e->path == NULL)
		return;
	close(e->fd);
	free(e->path);
	free(e->data);
	memset(e, 0, sizeof(*e));
}

static bool
http_cache_same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* Whether now describes the file that was read (then). */
static bool
http_cache_same(const struct stat *then, const struct stat *now)
{
	return now->st_nlink > 0 && now->st_dev == then->st_dev &&
	    now->st_ino == then->st_ino && now->st_mode == then->st_mode &&
	    now->st_size == then->st_size &&
	    http_cache_same_time(&now->st_mtim, &then->st_mtim) &&
	    http_cache_same_time(&now->st_ctim, &then->st_ctim);
}

bool
http_cache_get(const char *path, uint64_t now_ms, struct stat *st,
    const uint8_t **data)
{
	struct http_cached	*e = http_cache_slot(path);
	struct stat		 now;

	if (e->path == NULL || strcmp(e->path, path) != 0)
		return false;
	if (now_ms - e->opened_ms >= HTTP_CACHE_MS ||
	    fstat(e->fd, &now) == -1 || !http_cache_same(&e->st, &now)) {
		http_cache_drop(e);
		return false;
	}
	hits++;
	*st = now;
	*data = e->data;
	return true;
}

const uint8_t *
http_cache_fill(const char *path, int fd, const struct stat *st,
    uint64_t now_ms)
{
	struct http_cached	*e = http_cache_slot(path);
	size_t			 len = (size_t)st->st_size;
	uint8_t			*data;
	char			*p;

	if (st->st_size < 0 || st->st_size > HTTP_CACHE_FILE)
		return NULL;
	/*
	 * Another file took the slot less than HTTP_CACHE_MS ago: it stays,
	 * so that two busy paths in one slot do not replace each other on
	 * every request (a read, a copy and a close each time).
	 */
	if (e->path != NULL && strcmp(e->path, path) != 0 &&
	    now_ms - e->opened_ms < HTTP_CACHE_MS)
		return NULL;
	/* One byte more: an empty file still has a buffer. */
	if ((data = malloc(len + 1)) == NULL)
		return NULL;
	if (fsroot_pread(fd, data, len, 0) == -1 ||
	    (p = strdup(path)) == NULL) {
		free(data);
		return NULL;
	}
	http_cache_drop(e);
	e->path = p;
	e->fd = fd;
	e->st = *st;
	e->opened_ms = now_ms;
	e->data = data;
	fills++;
	return data;
}

void
http_cache_clear(void)
{
	size_t	i;

	for (i = 0; i < HTTP_CACHE_SLOTS; i++)
		http_cache_drop(&slots[i]);
}

void
http_cache_stats(uint64_t *h, uint64_t *f)
{
	*h = hits;
	*f = fills;
}
