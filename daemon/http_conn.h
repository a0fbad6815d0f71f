/*
 * http_conn.h: HTTP connections as libmicrohttpd accepts and closes them:
 * the per-client and global limits, with a logged refusal, and the
 * header-timeout of a connection's first request.
 */
#ifndef PXED_HTTP_CONN_H
#define PXED_HTTP_CONN_H

#include <microhttpd.h>
#include <stdint.h>

#include "conf.h"

struct http_stats;

int	http_conn_init(const struct conf *conf);
void	http_conn_reload(const struct conf *conf);
void	http_conn_fini(void);
/* libmicrohttpd's accept policy and connection callbacks (main daemon). */
enum MHD_Result http_conn_accept(void *cls, const struct sockaddr *sa,
	    socklen_t len);
void	http_conn_notify(void *cls, struct MHD_Connection *c, void **ctx,
	    enum MHD_ConnectionNotificationCode toe);
/* The first request's headers are in: no header deadline any more. */
void	http_conn_heard(struct MHD_Connection *c);
/* The refusal and timeout counters into st. */
void	http_conn_stats(struct http_stats *st);

#endif
