/*
 * notify.h: tell the service manager (systemd's sd_notify protocol)
 * where pxed stands: ready, reloading, stopping, and a status line.
 * Without libsystemd, or when NOTIFY_SOCKET is not set, they do nothing.
 */
#ifndef PXED_NOTIFY_H
#define PXED_NOTIFY_H

#include <stdbool.h>

/* Built with libsystemd. */
bool	notify_enabled(void);
/* Every port is bound, privileges dropped, the pidfile written. */
void	notify_ready(const char *status);
/* A reload starts (RELOADING=1 with MONOTONIC_USEC=). */
void	notify_reloading(void);
void	notify_stopping(void);
#endif
