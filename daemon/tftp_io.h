/*
 * tftp_io.h: pxed's TFTP server in the loop.
 */
#ifndef PXED_TFTP_IO_H
#define PXED_TFTP_IO_H

#include <stdint.h>

#include "conf.h"

struct tftp_io_stats {
	unsigned	 active;
	uint64_t	 started, completed, failed, probes, refused, busy;
	uint64_t	 client_limit;	/* max-transfers-per-client */
	uint64_t	 rate_limit;	/* max-requests-per-second */
	uint64_t	 strangers, bytes, packets;
};

/* Bind port 69 and the transfer sockets (before dropping privileges). */
int	tftp_io_init(const struct conf *conf);
/* A new config: new requests follow it; transfers keep their settings. */
void	tftp_io_reload(const struct conf *conf);
void	tftp_io_fini(void);
void	tftp_io_stats(struct tftp_io_stats *st);
/* Visit each transfer in progress. */
void	tftp_io_foreach_active(void (*fn)(const char *client, const char *file,
	    uint64_t sent, uint64_t size, void *arg), void *arg);
void	tftp_io_summary(void);

#endif
