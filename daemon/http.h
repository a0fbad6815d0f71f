/*
 * http.h: HTTP through libmicrohttpd, inside pxed's one select() loop.
 */
#ifndef PXED_HTTP_H
#define PXED_HTTP_H

#include <stdint.h>

#include "conf.h"

struct http_stats {
	uint64_t	 requests, bytes, aborted;
	uint64_t	 by_code[6];	/* 1xx .. 5xx; [0] unused */
	uint64_t	 c200, c206, c304, c403, c404, c416;
	uint64_t	 scripts;	/* iPXE scripts rendered */
	uint64_t	 refused_client; /* max-connections-per-client */
	uint64_t	 refused_full;	/* max-connections */
	uint64_t	 header_timeouts;
};

/* Bind the port(s); -1 on error (logged). */
int	http_init(const struct conf *conf);
void	http_reload(const struct conf *conf);
void	http_fini(void);
void	http_stats(struct http_stats *st);
void	http_summary(void);

/*
 * Percent-decode in into out (NUL-terminated); -1 for a bad escape, an
 * encoded NUL or a control character.  Exposed for the tests.
 */
int	http_pct_decode(const char *in, char *out, size_t cap);
/*
 * A Range header against a file of size bytes: 0 serve it all (no range,
 * several ranges or a malformed one), 1 the bytes [*first, *last], -1
 * unsatisfiable (416).
 */
int	http_range(const char *h, uint64_t size, uint64_t *first,
	    uint64_t *last);

#endif
