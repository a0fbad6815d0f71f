/*
 * http_send.h: how much of a file libmicrohttpd sends per sendfile(2)
 * call (http { sendfile-chunk }), and its header corked with the body
 * (http { cork-header }).
 */
#ifndef PXED_HTTP_SEND_H
#define PXED_HTTP_SEND_H

#include <sys/types.h>
#include <sys/socket.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* libmicrohttpd 0.9.75's own chunk in external-select mode. */
#define HTTP_SEND_MHD_CHUNK	(128 * 1024)

bool	http_send_known(const char *);
void	http_send_register(int, uint64_t, uint64_t, size_t);
bool	http_send_cork(int, int);
bool	http_send_withheld(int, int, int, const void *, socklen_t);
void	http_send_forget(int);
size_t	http_send_count(size_t, uint64_t, uint64_t, size_t);
/* Defined here, called by libmicrohttpd (and by the unit tests). */
ssize_t	sendfile64(int, int, int64_t *, size_t);
/* So is setsockopt() (sys/socket.h declares it). */

#endif
