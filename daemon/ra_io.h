/*
 * ra_io.h: sending router advertisements (ra.h builds them) on the
 * interfaces DHCPv6 serves, unsolicited and in answer to Router
 * Solicitations, from the one select() loop.
 */
#ifndef PXED_RA_IO_H
#define PXED_RA_IO_H

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"

struct ra_io_stats {
	uint64_t	 sent, solicits, errors;
};

/* Whether conf asks for router advertisements (dhcp.ra and its mode). */
bool	ra_io_wanted(const struct conf *conf);
/* Open the raw ICMPv6 socket when wanted (before the privilege drop). */
int	ra_io_init(const struct conf *conf);
void	ra_io_reload(const struct conf *conf);
void	ra_io_fini(void);
void	ra_io_stats(struct ra_io_stats *st);

#endif
