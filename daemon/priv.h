/*
 * priv.h: dropping root once the ports are bound.
 */
#ifndef PXED_PRIV_H
#define PXED_PRIV_H

#include "conf.h"

/* The user pxed runs as when none is configured: pxed, else nobody. */
#define PRIV_USER		"pxed"
#define PRIV_USER_FALLBACK	"nobody"

/*
 * When root: hand the lease directory and file and the pidfile to the
 * user, switch to it, keep CAP_NET_ADMIN only (the ARP entries of DHCP
 * replies), forbid new privileges, then check that the roots can be read
 * and the lease directory written.  user "root" keeps root (a warning).
 * Returns a PXED_EXIT_* code, with the error printed.
 */
int	priv_drop(const struct conf *conf, const char *pidfile);

#endif
