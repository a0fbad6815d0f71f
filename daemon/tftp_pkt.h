/*
 * tftp_pkt.h: TFTP wire format (RFC 1350, 2347, 2348, 2349, 7440); no I/O.
 */
#ifndef PXED_TFTP_PKT_H
#define PXED_TFTP_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TFTP_RRQ	1
#define TFTP_WRQ	2
#define TFTP_DATA	3
#define TFTP_ACK	4
#define TFTP_ERROR	5
#define TFTP_OACK	6		/* RFC 2347 */

/* RFC 1350 5 and RFC 2347 error codes. */
#define TFTP_ENOTDEFINED	0
#define TFTP_ENOTFOUND		1
#define TFTP_EACCESS		2
#define TFTP_ENOSPACE		3
#define TFTP_EBADOP		4
#define TFTP_EBADID		5
#define TFTP_EEXISTS		6
#define TFTP_ENOUSER		7
#define TFTP_EOPTNEG		8

#define TFTP_BLKSIZE_MIN	8		/* RFC 2348 */
#define TFTP_BLKSIZE_MAX	65464
#define TFTP_BLKSIZE_DEFAULT	512
#define TFTP_WINDOW_MAX		65535		/* RFC 7440 */

enum tftp_mode {
	TFTP_MODE_OCTET,
	TFTP_MODE_NETASCII,
};

/* Why a request was rejected: tests assert these. */
enum tftp_perr {
	TFTP_POK,
	TFTP_PSHORT,		/* under 4 bytes */
	TFTP_PBADOP,		/* not RRQ or WRQ */
	TFTP_PNOFILE,		/* no NUL after the file name */
	TFTP_PEMPTY,		/* empty file name */
	TFTP_PNOMODE,		/* no NUL-terminated mode */
	TFTP_PBADMODE,		/* "mail" or anything unknown */
};

/* An option value the client asked for; "set" only when it parsed. */
struct tftp_optreq {
	bool		 set;
	uint64_t	 val;
};

struct tftp_rrq {
	uint16_t		 op;
	const char		*file;		/* points into the packet */
	enum tftp_mode		 mode;
	struct tftp_optreq	 blksize, tsize, timeout, windowsize;
	unsigned		 ignored;	/* options dropped: unknown, bad, dup */
};

enum tftp_perr	tftp_pkt_rrq_parse(const uint8_t *buf, size_t len,
		    struct tftp_rrq *rrq);
const char	*tftp_pkt_perr_str(enum tftp_perr e);

/* What the server accepted; only "set" options go into the OACK. */
struct tftp_opts {
	struct tftp_optreq	 blksize, tsize, timeout, windowsize;
};

/* Each returns the packet length, or 0 when it does not fit. */
size_t	tftp_pkt_oack_build(uint8_t *buf, size_t cap, const struct tftp_opts *o);
size_t	tftp_pkt_error_build(uint8_t *buf, size_t cap, uint16_t code,
	    const char *msg);
void	tftp_pkt_data_header(uint8_t hdr[4], uint16_t block);

/* ACK: *block; ERROR: *code and a bounded copy of the message. */
int	tftp_pkt_ack_parse(const uint8_t *buf, size_t len, uint16_t *block);
int	tftp_pkt_error_parse(const uint8_t *buf, size_t len, uint16_t *code,
	    char *msg, size_t msglen);

#endif
