/*
 * tftp_pkt.c: parse read requests and build replies, by hand.
 *
 * A request is walked with a cursor and the bytes left; every string must
 * end in a NUL inside the packet (never strlen on packet data) and every
 * number goes through a digits-only, range-checked parser.  RFC 2347
 * lets a server ignore options it does not like: an unknown option, a
 * malformed or out-of-range value, a repeated option and a name without
 * a value are ignored and counted, never fatal.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "names.h"
#include "tftp_pkt.h"

/* Length of the NUL-terminated string at p, or -1 if none in [p, end). */
static long
tftp_strnlen(const uint8_t *p, const uint8_t *end)
{
	const uint8_t	*q = memchr(p, '\0', (size_t)(end - p));

	return q == NULL ? -1 : (long)(q - p);
}

/* Decimal digits only, at most 20, value <= max. */
static bool
tftp_number(const char *s, uint64_t max, uint64_t *v)
{
	uint64_t	n = 0;
	size_t		i;

	if (s[0] == '\0')
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 20)
			return false;
		if (n > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return false;
		n = n * 10 + (uint64_t)(s[i] - '0');
	}
	if (n > max)
		return false;
	*v = n;
	return true;
}

enum tftp_perr
tftp_pkt_rrq_parse(const uint8_t *buf, size_t len, struct tftp_rrq *rrq)
{
	const uint8_t	*p = buf + 2, *end = buf + len;
	long		 n;

	memset(rrq, 0, sizeof(*rrq));
	if (len < 4)
		return TFTP_PSHORT;
	rrq->op = (uint16_t)(buf[0] << 8 | buf[1]);
	if (rrq->op != TFTP_RRQ && rrq->op != TFTP_WRQ)
		return TFTP_PBADOP;
	if ((n = tftp_strnlen(p, end)) < 0)
		return TFTP_PNOFILE;
	if (n == 0)
		return TFTP_PEMPTY;
	rrq->file = (const char *)p;
	p += n + 1;
	if (p >= end || (n = tftp_strnlen(p, end)) < 0)
		return TFTP_PNOMODE;
	if (strcasecmp((const char *)p, "octet") == 0)
		rrq->mode = TFTP_MODE_OCTET;
	else if (strcasecmp((const char *)p, "netascii") == 0)
		rrq->mode = TFTP_MODE_NETASCII;
	else
		return TFTP_PBADMODE;
	p += n + 1;

	/* RFC 2347: name NUL value NUL pairs, names case-insensitive. */
	while (p < end) {
		const char		*name = (const char *)p, *val;
		struct tftp_optreq	*o = NULL;
		uint64_t		 max = 0, min = 0, v;

		if ((n = tftp_strnlen(p, end)) < 0) {
			rrq->ignored++;		/* trailing garbage */
			break;
		}
		p += n + 1;
		if (p >= end || (n = tftp_strnlen(p, end)) < 0) {
			rrq->ignored++;		/* a name without a value */
			break;
		}
		val = (const char *)p;
		p += n + 1;
		if (strcasecmp(name, "blksize") == 0) {
			o = &rrq->blksize;
			min = TFTP_BLKSIZE_MIN;
			max = TFTP_BLKSIZE_MAX;
		} else if (strcasecmp(name, "tsize") == 0) {
			o = &rrq->tsize;
			max = UINT64_MAX;
		} else if (strcasecmp(name, "timeout") == 0) {
			o = &rrq->timeout;		/* RFC 2349 */
			min = 1;
			max = 255;
		} else if (strcasecmp(name, "windowsize") == 0) {
			o = &rrq->windowsize;		/* RFC 7440 */
			min = 1;
			max = TFTP_WINDOW_MAX;
		}
		if (o == NULL || o->set || !tftp_number(val, max, &v) ||
		    v < min) {
			rrq->ignored++;
			continue;
		}
		o->set = true;
		o->val = v;
	}
	return TFTP_POK;
}

const char *
tftp_pkt_perr_str(enum tftp_perr e)
{
	static const char *const names[] = {
		[TFTP_POK] = "ok",
		[TFTP_PSHORT] = "shorter than 4 bytes",
		[TFTP_PBADOP] = "not a read or write request",
		[TFTP_PNOFILE] = "file name not NUL-terminated",
		[TFTP_PEMPTY] = "empty file name",
		[TFTP_PNOMODE] = "no mode",
		[TFTP_PBADMODE] = "mode not octet or netascii",
	};

	return NAMES_GET(names, e);
}

static bool
tftp_put_opt(uint8_t *buf, size_t cap, size_t *off, const char *name,
    uint64_t val)
{
	char	num[24];
	size_t	nl = strlen(name) + 1, vl;

	snprintf(num, sizeof(num), "%llu", (unsigned long long)val);
	vl = strlen(num) + 1;
	if (*off + nl + vl > cap)
		return false;
	memcpy(buf + *off, name, nl);
	*off += nl;
	memcpy(buf + *off, num, vl);
	*off += vl;
	return true;
}

size_t
tftp_pkt_oack_build(uint8_t *buf, size_t cap, const struct tftp_opts *o)
{
	size_t	off = 2;

	if (cap < 2)
		return 0;
	buf[0] = 0;
	buf[1] = TFTP_OACK;
	/* RFC 2347: only the options accepted, each NUL-terminated, no pad. */
	if ((o->blksize.set && !tftp_put_opt(buf, cap, &off, "blksize",
	    o->blksize.val)) ||
	    (o->tsize.set && !tftp_put_opt(buf, cap, &off, "tsize",
	    o->tsize.val)) ||
	    (o->timeout.set && !tftp_put_opt(buf, cap, &off, "timeout",
	    o->timeout.val)) ||
	    (o->windowsize.set && !tftp_put_opt(buf, cap, &off, "windowsize",
	    o->windowsize.val)))
		return 0;
	return off;
}

size_t
tftp_pkt_error_build(uint8_t *buf, size_t cap, uint16_t code, const char *msg)
{
	size_t	ml = strlen(msg) + 1;

	if (cap < 4 + ml)
		return 0;
	buf[0] = 0;
	buf[1] = TFTP_ERROR;
	buf[2] = (uint8_t)(code >> 8);
	buf[3] = (uint8_t)code;
	memcpy(buf + 4, msg, ml);
	return 4 + ml;
}

void
tftp_pkt_data_header(uint8_t hdr[4], uint16_t block)
{
	hdr[0] = 0;
	hdr[1] = TFTP_DATA;
	hdr[2] = (uint8_t)(block >> 8);
	hdr[3] = (uint8_t)block;
}

int
tftp_pkt_ack_parse(const uint8_t *buf, size_t len, uint16_t *block)
{
	if (len < 4 || buf[0] != 0 || buf[1] != TFTP_ACK)
		return -1;
	*block = (uint16_t)(buf[2] << 8 | buf[3]);
	return 0;
}

int
tftp_pkt_error_parse(const uint8_t *buf, size_t len, uint16_t *code, char *msg,
    size_t msglen)
{
	size_t	i, n;

	if (len < 4 || buf[0] != 0 || buf[1] != TFTP_ERROR)
		return -1;
	*code = (uint16_t)(buf[2] << 8 | buf[3]);
	/* The message may lack its NUL: copy what is there, bounded. */
	n = len - 4;
	for (i = 0; i < n && i + 1 < msglen && buf[4 + i] != '\0'; i++)
		msg[i] = (char)buf[4 + i];
	if (msglen > 0)
		msg[i] = '\0';
	return 0;
}
