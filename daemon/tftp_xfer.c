/*
 * tftp_xfer.c: the transfer engine.  No sockets: it calls send() with ready
 * datagrams and end() once when the transfer is over; time comes from the
 * loop's timers, so tests drive it with an injected clock.
 *
 * Theory of operation (RFC 1350, 2347, 7440):
 *
 *   client                         pxed
 *   RRQ file octet blksize=1468 ──>
 *                              <── OACK blksize=1468     (options accepted)
 *   ACK 0                      ──>                       (wait for it)
 *                              <── DATA 1 .. DATA w      (one window, one
 *   ACK w                      ──>                        sendmmsg)
 *                              <── DATA w+1 .. 2w
 *   ...                                                  a short block ends it
 *
 * Blocks are counted from 1 in 64 bits and mapped to the 16-bit wire
 * number only when sent or acknowledged, so rollover past 65535 (to 0, or
 * to 1 like tftpd-hpa's option) is one function.  An ACK moves the window
 * only forward: a duplicate ACK never causes a resend (the Sorcerer's
 * Apprentice bug); an ACK inside the window means the client missed what
 * followed, and the next window starts right after it (RFC 7440 4).  On a
 * timeout the window is sent again from the last acknowledged block, with
 * the delay doubling up to 8 times the first (but not when the client set
 * the interval with the timeout option), until the retries or the idle
 * time run out.
 *
 * Octet blocks are read with one pread() per window; netascii (LF to
 * CR LF, CR to CR NUL) is produced on the fly, and the conversion state
 * at the start of each block in flight is kept so a window can be
 * produced again.  Memory per transfer is this struct plus, in netascii,
 * windowsize + 1 small records.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsroot.h"
#include "log.h"
#include "names.h"
#include "tftp_xfer.h"

/* One scratch area for the window being sent: the loop is single-threaded. */
static uint8_t		*scratch;
static size_t		 scratch_len;
static struct iovec	*iovs;
static uint8_t		(*hdrs)[4];
static size_t		 iov_pkts;

/*
 * Read-ahead (octet mode): while the loop polls for a window's ACK, the
 * window after it is read into a second buffer, so that the ACK is
 * answered without a pread() in between; the buffers then swap.  One
 * transfer's at a time, the one the I/O layer says answers next (x->ahead).
 * It is used only by that transfer, when the ACK moves the window to
 * exactly where it was read from (the offset and the length match), and
 * forgotten at every send and when the transfer ends (its memory may
 * become another transfer's).  The bytes sent are those read at the send
 * before, not at the ACK: a file edited in place during a transfer was
 * inconsistent before as well.  The
 * read comes after the send, inside the round trip that busy-poll
 * measures (tftp_rtt()), which it lengthens by the read when the ACK
 * comes during it.
 */
static struct {
	uint8_t			*buf;
	size_t			 len;		/* allocated */
	const struct tftp_xfer	*x;		/* NULL: nothing read ahead */
	uint64_t		 off;
	size_t			 got;
	uint64_t		 reads, used;
} ahead;

static int
tftp_scratch(size_t bytes, size_t pkts)
{
	if (bytes > scratch_len) {
		uint8_t	*n = realloc(scratch, bytes);

		if (n == NULL)
			return -1;
		scratch = n;
		scratch_len = bytes;
	}
	if (pkts > iov_pkts) {
		struct iovec	*v = reallocarray(iovs, 2 * pkts, sizeof(*v));
		uint8_t		(*h)[4];

		if (v == NULL)
			return -1;
		iovs = v;
		if ((h = reallocarray(hdrs, pkts, sizeof(*h))) == NULL)
			return -1;
		hdrs = h;
		iov_pkts = pkts;
	}
	return 0;
}

uint16_t
tftp_xfer_wire_block(uint64_t b, unsigned rollover)
{
	if (rollover == 1)
		return (uint16_t)((b - 1) % 65535 + 1);
	return (uint16_t)(b & 0xffff);
}

const char *
tftp_xfer_end_str(enum tftp_end e)
{
	static const char *const names[] = {
		[TFTP_END_DONE] = "done",
		[TFTP_END_PROBE] = "size probe",
		[TFTP_END_PEER] = "client error",
		[TFTP_END_TIMEOUT] = "timed out",
		[TFTP_END_IO] = "read error",
		[TFTP_END_ABORT] = "aborted",
	};

	return NAMES_GET(names, e);
}

static void
tftp_finish(struct tftp_xfer *x, enum tftp_end why)
{
	if (ahead.x == x)
		ahead.x = NULL;
	if (x->finished)
		return;
	x->finished = true;
	x->result = why;
	x->ended_ms = ev_now();
	ev_timer_del(&x->timer);
	x->end(x);
}

uint64_t
tftp_xfer_bytes(const struct tftp_xfer *x)
{
	uint64_t	bs = x->p.blksize;

	if (x->acked == 0)
		return 0;
	if (x->last != 0 && x->acked >= x->last)
		return (x->last - 1) * bs + x->last_len;
	return x->acked * bs;
}

/* Fill out[] with up to len netascii bytes from *st; returns the count. */
static ssize_t
tftp_na_fill(struct tftp_xfer *x, struct tftp_na *st, uint8_t *out,
    size_t len)
{
	uint8_t	in[4096];
	size_t	o = 0;

	while (o < len) {
		ssize_t	n, i;
		size_t	want;

		if (st->pending >= 0) {
			out[o++] = (uint8_t)st->pending;
			st->pending = -1;
			continue;
		}
		/* Each input byte yields at most two: read half of what fits. */
		want = (len - o + 1) / 2;
		if (want > sizeof(in))
			want = sizeof(in);
		n = pread(x->file->fd, in, want, (off_t)st->off);
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		for (i = 0; i < n && o < len; i++) {
			uint8_t	c = in[i];

			st->off++;
			if (c == '\n' || c == '\r') {
				out[o++] = '\r';
				if (o < len)
					out[o++] = c == '\n' ? '\n' : '\0';
				else
					st->pending = c == '\n' ? '\n' : '\0';
			} else
				out[o++] = c;
		}
	}
	return (ssize_t)o;
}

/* The octet bytes of blocks from..to: the count to read at *off. */
static size_t
tftp_octet_span(const struct tftp_xfer *x, uint64_t from, uint64_t to,
    uint64_t *off)
{
	uint64_t	size = x->file->size, bytes = (to - from + 1) *
			    x->p.blksize;

	*off = (from - 1) * x->p.blksize;
	if (*off >= size)
		return 0;
	return (size_t)(size - *off < bytes ? size - *off : bytes);
}

/* Read the window after the one just sent into the read-ahead buffer. */
static void
tftp_read_ahead(struct tftp_xfer *x)
{
	uint64_t	from = x->sent + 1, to = x->sent + x->p.windowsize, off;
	size_t		want;

	ahead.x = NULL;
	if (x->last != 0 && to > x->last)
		to = x->last;
	if (from > to || (want = tftp_octet_span(x, from, to, &off)) == 0)
		return;
	if (want > ahead.len) {
		uint8_t	*n = realloc(ahead.buf, want);

		if (n == NULL)
			return;			/* read when the ACK comes */
		ahead.buf = n;
		ahead.len = want;
	}
	if (fsroot_pread(x->file->fd, ahead.buf, want, off) == -1)
		return;				/* the send reads and fails */
	ahead.x = x;
	ahead.off = off;
	ahead.got = want;
	ahead.reads++;
}

void
tftp_xfer_ahead_stats(uint64_t *reads, uint64_t *used)
{
	*reads = ahead.reads;
	*used = ahead.used;
}

/* Send blocks from..to (to >= from; to may shrink at the end of file). */
static int
tftp_send_blocks(struct tftp_xfer *x, uint64_t from, uint64_t to)
{
	size_t		bs = x->p.blksize, npk = (size_t)(to - from + 1), i;
	uint64_t	b;

	if (tftp_scratch(npk * bs, npk) == -1)
		return -1;
	if (!x->p.netascii) {
		uint64_t	off;
		size_t		got = tftp_octet_span(x, from, to, &off);

		if (ahead.x == x && ahead.off == off && ahead.got == got) {
			uint8_t	*t = scratch;
			size_t	 l = scratch_len;

			scratch = ahead.buf;
			scratch_len = ahead.len;
			ahead.buf = t;
			ahead.len = l;
			ahead.used++;
		} else if (fsroot_pread(x->file->fd, scratch, got, off) == -1)
			return -1;
		ahead.x = NULL;
		for (i = 0, b = from; b <= to; b++, i++) {
			size_t	start = i * bs, len = 0;

			if (start < got)
				len = got - start < bs ? got - start : bs;
			tftp_pkt_data_header(hdrs[i], tftp_xfer_wire_block(b,
			    x->p.rollover));
			iovs[2 * i].iov_base = hdrs[i];
			iovs[2 * i].iov_len = 4;
			iovs[2 * i + 1].iov_base = scratch + start;
			iovs[2 * i + 1].iov_len = len;
		}
	} else {
		size_t	ring = x->p.windowsize + 1;

		for (i = 0, b = from; b <= to; b++, i++) {
			struct tftp_na	st = x->na[b % ring];
			ssize_t		n = tftp_na_fill(x, &st, scratch +
			    i * bs, bs);

			if (n < 0)
				return -1;
			x->na[(b + 1) % ring] = st;
			tftp_pkt_data_header(hdrs[i], tftp_xfer_wire_block(b,
			    x->p.rollover));
			iovs[2 * i].iov_base = hdrs[i];
			iovs[2 * i].iov_len = 4;
			iovs[2 * i + 1].iov_base = scratch + i * bs;
			iovs[2 * i + 1].iov_len = (size_t)n;
			if ((size_t)n < bs) {		/* the last block */
				x->last = b;
				x->last_len = (size_t)n;
				to = b;
				i++;
				break;
			}
		}
		npk = i;
	}
	x->ahead = false;
	x->send(x, iovs, npk);
	if (to > x->sent)
		x->sent = to;
	if (x->ahead && !x->p.netascii)
		tftp_read_ahead(x);
	return 0;
}

static void
tftp_arm(struct tftp_xfer *x)
{
	unsigned	shift = x->retries < 3 ? x->retries : 3;

	/* A timeout the client asked for is the interval it expects. */
	if (x->p.fixed_timeout)
		shift = 0;

	ev_timer_add(&x->timer, (uint64_t)x->p.timeout_ms << shift);
}

/* Send the window that starts right after the last acknowledged block. */
static void
tftp_send_window(struct tftp_xfer *x)
{
	uint64_t	from = x->acked + 1, to = x->acked + x->p.windowsize;

	if (x->last != 0 && to > x->last)
		to = x->last;
	if (tftp_send_blocks(x, from, to) == -1) {
		log_warn("tftp: read");
		tftp_finish(x, TFTP_END_IO);
		return;
	}
	tftp_arm(x);
}

static void
tftp_send_oack(struct tftp_xfer *x)
{
	uint8_t		pkt[128];
	struct iovec	iov[2];
	size_t		n = tftp_pkt_oack_build(pkt, sizeof(pkt), &x->p.oack);

	iov[0].iov_base = pkt;
	iov[0].iov_len = n;
	iov[1].iov_base = pkt + n;
	iov[1].iov_len = 0;
	x->send(x, iov, 1);
	tftp_arm(x);
}

static void
tftp_timeout(void *arg)
{
	struct tftp_xfer	*x = arg;

	if (x->retries >= x->p.retries ||
	    ev_now() - x->progress_ms >= x->p.idle_ms) {
		tftp_finish(x, TFTP_END_TIMEOUT);
		return;
	}
	x->retries++;
	if (x->oack_pending) {
		x->retransmits++;
		tftp_send_oack(x);
		return;
	}
	x->retransmits += (unsigned)(x->sent - x->acked);
	tftp_send_window(x);
}

int
tftp_xfer_start(struct tftp_xfer *x)
{
	const struct tftp_opts	*o = &x->p.oack;

	x->acked = x->sent = 0;
	x->last = 0;
	x->retries = x->retransmits = 0;
	x->finished = false;
	x->started_ms = x->progress_ms = ev_now();
	ev_timer_init(&x->timer, tftp_timeout, x);
	if (x->p.windowsize == 0)
		x->p.windowsize = 1;
	if (!x->p.netascii)
		x->last = x->file->size / x->p.blksize + 1,
		x->last_len = (size_t)(x->file->size % x->p.blksize);
	else {
		x->na = calloc(x->p.windowsize + 1, sizeof(*x->na));
		if (x->na == NULL)
			return -1;
		x->na[1 % (x->p.windowsize + 1)].pending = -1;
	}
	x->oack_pending = o->blksize.set || o->tsize.set || o->timeout.set ||
	    o->windowsize.set;
	if (x->oack_pending)
		tftp_send_oack(x);
	else
		tftp_send_window(x);
	return 0;
}

void
tftp_xfer_input(struct tftp_xfer *x, const uint8_t *pkt, size_t len)
{
	uint16_t	w, code;
	uint64_t	b;

	if (x->finished)
		return;
	if (tftp_pkt_error_parse(pkt, len, &code, x->peer_msg,
	    sizeof(x->peer_msg)) == 0) {
		x->peer_code = code;
		/* UEFI reads tsize from the OACK, then stops: not a failure. */
		tftp_finish(x, x->oack_pending && code == TFTP_EOPTNEG &&
		    x->p.oack.tsize.set ? TFTP_END_PROBE : TFTP_END_PEER);
		return;
	}
	if (tftp_pkt_ack_parse(pkt, len, &w) == -1)
		return;				/* neither: ignored */
	if (x->oack_pending) {
		if (w != 0)
			return;
		x->oack_pending = false;
	} else {
		/* Find the block in flight with this wire number. */
		for (b = x->acked + 1; b <= x->sent; b++)
			if (tftp_xfer_wire_block(b, x->p.rollover) == w)
				break;
		if (b > x->sent)
			return;		/* duplicate or stale: never resend */
		x->acked = b;
	}
	x->retries = 0;
	x->progress_ms = ev_now();
	if (x->last != 0 && x->acked >= x->last) {
		tftp_finish(x, TFTP_END_DONE);
		return;
	}
	tftp_send_window(x);
}

void
tftp_xfer_abort(struct tftp_xfer *x)
{
	tftp_finish(x, TFTP_END_ABORT);
}

/*
 * busy-poll: how long the loop polls after a send before it sleeps, in
 * microseconds (0: it sleeps at once).  It polls while an answer is due
 * within cap, for twice that time and 20 us more, at most cap.  The
 * answer due is the next from any transfer: the sooner of this client's
 * smoothed round trip (as TCP's SRTT, RFC 6298 2) and the smoothed gap
 * between answers from all transfers (0 for either: not known yet).  A
 * storm of 100 lock-step transfers, each with a round trip of ~1.7 ms,
 * has an ACK every ~15 us: polling for it spares the clients' CPU a
 * wake-up of the daemon for every block (issue 14: 11,000-22,000
 * wake-ups in a 100 x 1 MiB storm, against ~600 with polling or with
 * dnsmasq, and 1.15-1.3x dnsmasq's wall time without).  Transfers whose
 * clients went quiet do not count, as they would in the round trip
 * divided by the transfers in flight.  One send in 32 polls anyway, so
 * a client that got faster is seen again.
 */
unsigned
tftp_xfer_poll_us(unsigned cap, unsigned srtt_us, unsigned gap_us,
    unsigned sends)
{
	unsigned	due = gap_us > 0 && gap_us < srtt_us ? gap_us : srtt_us;

	if (cap == 0 || (due > cap && sends % 32 != 0))
		return 0;
	if (due > 0 && due <= cap && 2 * due + 20 < cap)
		return 2 * due + 20;
	return cap;
}

/* An interval in microseconds, at most a second, smoothed (alpha 1/8). */
unsigned
tftp_xfer_smooth_us(unsigned avg, uint64_t from_ns, uint64_t to_ns)
{
	uint64_t	us = (to_ns - from_ns) / 1000;

	if (us > 1000000)
		us = 1000000;
	return avg == 0 ? (unsigned)us : (unsigned)((7 * (uint64_t)avg + us) /
	    8);
}
