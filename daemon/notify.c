/*
 * notify.c: systemd readiness.  pxed -d under Type=notify sends READY=1
 * once every port is bound and it serves, RELOADING=1 (with the
 * CLOCK_MONOTONIC time in MONOTONIC_USEC=, as systemd's reload protocol
 * asks) then READY=1 around each reload, whether it applied or not (the
 * daemon keeps serving), STATUS= with the generation and the counts, and
 * STOPPING=1 on the way out.  The socket comes from NOTIFY_SOCKET, which
 * is kept in the environment for the later messages.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "log.h"
#include "notify.h"

#ifdef HAVE_LIBSYSTEMD
static void
notify_send(const char *msg)
{
	int	rc;

	/* 0: not under a service manager (no NOTIFY_SOCKET). */
	if ((rc = sd_notify(0, msg)) < 0)
		log_debug("notify: sd_notify: %s", strerror(-rc));
}
#else
static void
notify_send(const char *msg)
{
	(void)msg;
}
#endif

bool
notify_enabled(void)
{
#ifdef HAVE_LIBSYSTEMD
	return true;
#else
	return false;
#endif
}

void
notify_ready(const char *status)
{
	char	msg[700];

	snprintf(msg, sizeof(msg), "READY=1\nSTATUS=%s", status);
	notify_send(msg);
}

void
notify_reloading(void)
{
	struct timespec	ts;
	char		msg[80];

	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000ULL);
	notify_send(msg);
}

void
notify_stopping(void)
{
	notify_send("STOPPING=1\nSTATUS=stopping");
}
