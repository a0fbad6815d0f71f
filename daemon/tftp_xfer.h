/*
 * tftp_xfer.h: one TFTP read transfer as a state machine driven by the loop.
 */
#ifndef PXED_TFTP_XFER_H
#define PXED_TFTP_XFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "ev.h"
#include "tftp_pkt.h"

/* An open file shared by every transfer of it. */
struct tftp_file {
	int			 fd;
	dev_t			 dev;
	ino_t			 ino;
	uint64_t		 size;
	unsigned		 refs;
	struct tftp_file	*next;
};

enum tftp_end {
	TFTP_END_DONE,
	TFTP_END_PROBE,		/* ERROR 8 after an OACK with tsize (UEFI) */
	TFTP_END_PEER,		/* the client sent an ERROR */
	TFTP_END_TIMEOUT,	/* retries or idle time used up */
	TFTP_END_IO,		/* the file could not be read */
	TFTP_END_ABORT,		/* shutdown, or replaced by a new request */
};

struct tftp_params {
	unsigned	 blksize;
	unsigned	 windowsize;
	unsigned	 timeout_ms;	/* first retransmission */
	bool		 fixed_timeout;	/* the client's (RFC 2349): no backoff */
	unsigned	 retries;	/* retransmissions before giving up */
	unsigned	 idle_ms;	/* give up after this long without an ACK */
	unsigned	 rollover;	/* block after 65535: 0 or 1 */
	bool		 netascii;
	struct tftp_opts oack;		/* options to acknowledge; none: no OACK */
};

struct tftp_xfer;

/* Send npkts datagrams; pkt i is iov[2i] (header) + iov[2i+1] (data). */
typedef void	(*tftp_send_fn)(struct tftp_xfer *x, struct iovec *iov,
		    size_t npkts);
typedef void	(*tftp_end_fn)(struct tftp_xfer *x);

struct tftp_na {			/* netascii state at a block's start */
	uint64_t	 off;		/* file offset */
	int		 pending;	/* byte owed from the last expansion */
};

struct tftp_xfer {
	/* Set by the caller before tftp_xfer_start(). */
	struct tftp_file	*file;
	struct tftp_params	 p;
	tftp_send_fn		 send;
	tftp_end_fn		 end;
	void			*io;

	/* Engine state; blocks are counted from 1 without wrapping. */
	bool			 oack_pending;
	uint64_t		 acked, sent, last;	/* last: 0 unknown yet */
	size_t			 last_len;
	unsigned		 retries, retransmits;
	uint64_t		 started_ms, progress_ms, ended_ms;
	struct ev_timer		 timer;
	enum tftp_end		 result;
	uint16_t		 peer_code;
	char			 peer_msg[64];
	struct tftp_na		*na;
	bool			 finished;
	/* Set by send(): read the next window now, its ACK comes first. */
	bool			 ahead;
};

/* Begin: send the OACK or the first window; -1 if memory ran out. */
int		 tftp_xfer_start(struct tftp_xfer *x);
/* A packet from the transfer's peer (ACK or ERROR; others ignored). */
void		 tftp_xfer_input(struct tftp_xfer *x, const uint8_t *pkt,
		    size_t len);
/* End now (shutdown or replaced); calls end(). */
void		 tftp_xfer_abort(struct tftp_xfer *x);
/* Payload bytes delivered and acknowledged so far. */
uint64_t	 tftp_xfer_bytes(const struct tftp_xfer *x);
/* The block number on the wire for absolute block b. */
uint16_t	 tftp_xfer_wire_block(uint64_t b, unsigned rollover);
const char	*tftp_xfer_end_str(enum tftp_end e);
/* Windows read ahead while polling, and of them those sent. */
void		 tftp_xfer_ahead_stats(uint64_t *reads, uint64_t *used);
unsigned	 tftp_xfer_poll_us(unsigned cap, unsigned srtt_us,
		    unsigned gap_us, unsigned sends);
unsigned	 tftp_xfer_smooth_us(unsigned avg, uint64_t from_ns,
		    uint64_t to_ns);

#endif
