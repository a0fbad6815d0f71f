/*
 * host_pg.h: the host inventory in PostgreSQL (host-database).
 *
 * One connection of pg.c LISTENs on pxed_hosts and selects the whole
 * pxed_hosts table at connect and after each notification (debounced
 * by HOST_PG_DEBOUNCE ms); the rows are kept and compiled into a host
 * set against the config in use (tags and boot entries by name), then
 * swapped in.  conf_host_by_mac() finds them after conf.d's hosts, and
 * conf_inet6_host_by_duid() by the DUID column: a MAC or DUID in both is
 * conf.d's, and is logged once per change.  While the
 * database is down the last hosts loaded stay in effect.
 */
#ifndef PXED_HOST_PG_H
#define PXED_HOST_PG_H

#include <stddef.h>
#include <stdio.h>

#include "arena.h"
#include "conf.h"

#define HOST_PG_DEBOUNCE	50	/* ms of quiet after a NOTIFY */
#define HOST_PG_NCOLS		9	/* columns of HOST_PG_SELECT */

/*
 * One row (mac, name, ip, ip6, hostname, tags "a,b", boot, vars
 * "k=v\n...", duid in hex, NULL for SQL NULL) into h, allocated in a,
 * tags and boot entry resolved in conf.  -1 with why filled when the row is unusable;
 * a tag or boot entry conf does not know is dropped with a note in why
 * (0 returned, why non-empty).
 */
int	host_pg_row(const struct conf *conf, struct arena *a,
	    const char *const col[HOST_PG_NCOLS], struct conf_host *h,
	    char *why, size_t whylen);

#ifdef HAVE_LIBPQ
/* Start (url from conf), or follow a reload of the config. */
void	host_pg_init(const struct conf *conf);
void	host_pg_reload(const struct conf *conf);
void	host_pg_close(void);
/* pxed --explain: load the hosts now (blocking); -1 with a message. */
int	host_pg_load_now(const struct conf *conf, FILE *err);
#endif

#endif
