/*
 * test_tftp.c: the TFTP transfer engine on an injected clock with a fake
 * send function: lost DATA and ACKs, duplicate ACKs, window resends,
 * rollover past 65535 blocks, the timeout option, abandonment, the UEFI
 * size probe and netascii.  The codec is in test_tftp_pkt.c, the path
 * resolver in test_fsroot.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ev.h"
#include "tftp_xfer.h"
#include "tftp_pkt.h"
#include "unit.h"

/* ---------- the engine ---------- */

struct sent {
	uint16_t	op, block;
	size_t		len;		/* data bytes */
	uint8_t		first;		/* first data byte */
};

static struct sent	out[200000];
static size_t		nout;
static int		ended;
static uint64_t		clk;

static uint64_t
fake_clock(void)
{
	return clk;
}

static void
fake_send(struct tftp_xfer *x, struct iovec *iov, size_t n)
{
	size_t	i;

	for (i = 0; i < n && nout < sizeof(out) / sizeof(out[0]); i++) {
		const uint8_t	*h = iov[2 * i].iov_base;
		struct sent	*s = &out[nout++];

		s->op = (uint16_t)(h[0] << 8 | h[1]);
		s->block = (uint16_t)(h[2] << 8 | h[3]);
		s->len = iov[2 * i].iov_len - 4 + iov[2 * i + 1].iov_len;
		s->first = iov[2 * i + 1].iov_len > 0 ?
		    ((const uint8_t *)iov[2 * i + 1].iov_base)[0] : 0;
	}
}

/* As fake_send, and asks for the next window to be read ahead. */
static void
fake_send_ahead(struct tftp_xfer *x, struct iovec *iov, size_t n)
{
	fake_send(x, iov, n);
	x->ahead = true;
}

static void
fake_end(struct tftp_xfer *x)
{
	ended++;
}

static int	 tfd = -1;
static char	 tpath[64];
static struct tftp_file tf;

/* A new empty, unlinked file as the one being served. */
static void
engine_tmpfile(uint64_t size)
{
	if (tfd != -1)
		close(tfd);
	snprintf(tpath, sizeof(tpath), "/tmp/pxed-tftp.XXXXXX");
	tfd = mkstemp(tpath);
	CU_ASSERT_FATAL(tfd >= 0);
	unlink(tpath);
	memset(&tf, 0, sizeof(tf));
	tf.fd = tfd;
	tf.size = size;
}

/* A file of size bytes; byte i is (i / 512 + add) & 0xff. */
static void
engine_file_add(uint64_t size, unsigned add)
{
	uint8_t		buf[4096];
	uint64_t	i;

	engine_tmpfile(size);
	for (i = 0; i < size; i += sizeof(buf)) {
		size_t	n = size - i < sizeof(buf) ? (size_t)(size - i) :
		    sizeof(buf), j;

		for (j = 0; j < n; j++)
			buf[j] = (uint8_t)((i + j) / 512 + add);
		CU_ASSERT_FATAL(write(tfd, buf, n) == (ssize_t)n);
	}
}

/* A file of size bytes; byte i is (i / 512) & 0xff for easy checks. */
static void
engine_file(uint64_t size)
{
	engine_file_add(size, 0);
}

static void
engine_new(struct tftp_xfer *x, unsigned blksize, unsigned window)
{
	memset(x, 0, sizeof(*x));
	x->file = &tf;
	x->p.blksize = blksize;
	x->p.windowsize = window;
	x->p.timeout_ms = 1000;
	x->p.retries = 5;
	x->p.idle_ms = 30000;
	x->send = fake_send;
	x->end = fake_end;
	nout = 0;
	ended = 0;
}

static void
ack(struct tftp_xfer *x, uint16_t b)
{
	uint8_t	p[4] = { 0, TFTP_ACK, (uint8_t)(b >> 8), (uint8_t)b };

	tftp_xfer_input(x, p, 4);
}

static void
advance(uint64_t ms)
{
	clk += ms;
	ev_update_now();
	ev_timers_run();
}

static int
engine_setup(void)
{
	clk = 1000000;
	ev_set_clock(fake_clock);
	return 0;
}

static int
engine_teardown(void)
{
	ev_set_clock(NULL);
	if (tfd != -1)
		close(tfd);
	tfd = -1;
	return 0;
}

static void
test_lockstep(void)
{
	struct tftp_xfer	x;

	engine_file(1025);		/* blocks of 512, 512, 1 */
	engine_new(&x, 512, 1);
	CU_ASSERT_EQUAL(tftp_xfer_start(&x), 0);
	CU_ASSERT_EQUAL(nout, 1);
	CU_ASSERT_EQUAL(out[0].op, TFTP_DATA);
	CU_ASSERT_EQUAL(out[0].block, 1);
	CU_ASSERT_EQUAL(out[0].len, 512);
	ack(&x, 1);
	CU_ASSERT_EQUAL(nout, 2);
	CU_ASSERT_EQUAL(out[1].block, 2);
	CU_ASSERT_EQUAL(out[1].first, 1);
	/* Duplicate ACK 1: nothing is sent (Sorcerer's Apprentice). */
	ack(&x, 1);
	ack(&x, 1);
	CU_ASSERT_EQUAL(nout, 2);
	/* An ACK for a block never sent: ignored. */
	ack(&x, 7);
	CU_ASSERT_EQUAL(nout, 2);
	ack(&x, 2);
	CU_ASSERT_EQUAL(nout, 3);
	CU_ASSERT_EQUAL(out[2].block, 3);
	CU_ASSERT_EQUAL(out[2].len, 1);
	CU_ASSERT_EQUAL(ended, 0);
	ack(&x, 3);
	CU_ASSERT_EQUAL(ended, 1);
	CU_ASSERT_EQUAL(x.result, TFTP_END_DONE);
	CU_ASSERT_EQUAL(tftp_xfer_bytes(&x), 1025);
	CU_ASSERT_FALSE(ev_timer_pending(&x.timer));

	/* An exact multiple of the block size ends with an empty block. */
	engine_file(1024);
	engine_new(&x, 512, 1);
	tftp_xfer_start(&x);
	ack(&x, 1);
	ack(&x, 2);
	CU_ASSERT_EQUAL(nout, 3);
	CU_ASSERT_EQUAL(out[2].len, 0);
	ack(&x, 3);
	CU_ASSERT_EQUAL(ended, 1);
	CU_ASSERT_EQUAL(tftp_xfer_bytes(&x), 1024);

	/* An empty file is one empty block. */
	engine_file(0);
	engine_new(&x, 512, 1);
	tftp_xfer_start(&x);
	CU_ASSERT_EQUAL(nout, 1);
	CU_ASSERT_EQUAL(out[0].len, 0);
	ack(&x, 1);
	CU_ASSERT_EQUAL(ended, 1);
}

static void
test_loss(void)
{
	struct tftp_xfer	x;

	engine_file(512 * 3 + 10);
	engine_new(&x, 512, 1);
	tftp_xfer_start(&x);
	/* DATA 1 lost: after the timeout it comes again. */
	advance(999);
	CU_ASSERT_EQUAL(nout, 1);
	advance(1);
	CU_ASSERT_EQUAL(nout, 2);
	CU_ASSERT_EQUAL(out[1].block, 1);
	CU_ASSERT_EQUAL(x.retransmits, 1);
	/* Backoff: the next wait is twice as long. */
	advance(1999);
	CU_ASSERT_EQUAL(nout, 2);
	advance(1);
	CU_ASSERT_EQUAL(nout, 3);
	ack(&x, 1);
	CU_ASSERT_EQUAL(out[3].block, 2);
	/* ACK 2 lost: DATA 2 again after one timeout (backoff reset). */
	advance(1000);
	CU_ASSERT_EQUAL(nout, 5);
	CU_ASSERT_EQUAL(out[4].block, 2);
	ack(&x, 2);
	ack(&x, 2);		/* the late duplicate changes nothing */
	CU_ASSERT_EQUAL(nout, 6);
	ack(&x, 3);
	ack(&x, 4);
	CU_ASSERT_EQUAL(ended, 1);
	CU_ASSERT_EQUAL(x.result, TFTP_END_DONE);
	CU_ASSERT_EQUAL(x.retransmits, 3);
}

static void
test_abandon(void)
{
	struct tftp_xfer	x;
	int			i;

	/* Retries run out: 1 + 5 sends, then the end. */
	engine_file(100);
	engine_new(&x, 512, 1);
	x.p.idle_ms = 1000000;
	tftp_xfer_start(&x);
	for (i = 0; i < 20 && !ended; i++)
		advance(8000);
	CU_ASSERT_EQUAL(ended, 1);
	CU_ASSERT_EQUAL(x.result, TFTP_END_TIMEOUT);
	CU_ASSERT_EQUAL(nout, 6);

	/* Idle time runs out first when it is shorter. */
	engine_new(&x, 512, 1);
	x.p.retries = 100;
	x.p.idle_ms = 2500;
	tftp_xfer_start(&x);
	advance(1000);			/* a retransmission */
	CU_ASSERT_EQUAL(ended, 0);
	CU_ASSERT_EQUAL(nout, 2);
	advance(2000);			/* 3 s without an ACK: over 2.5 */
	CU_ASSERT_EQUAL(ended, 1);
	CU_ASSERT_EQUAL(nout, 2);
	CU_ASSERT_EQUAL(x.result, TFTP_END_TIMEOUT);
}

static void
test_oack_probe(void)
{
	struct tftp_xfer	x;
	static const uint8_t	err8[] = { 0, 5, 0, 8, 'n', 'o', 0 };

	engine_file(5000);
	engine_new(&x, 1468, 1);
	x.p.oack.tsize.set = true;
	x.p.oack.tsize.val = 5000;
	x.p.oack.blksize.set = true;
	x.p.oack.blksize.val = 1468;
	tftp_xfer_start(&x);
	CU_ASSERT_EQUAL(nout, 1);
	CU_ASSERT_EQUAL(out[0].op, TFTP_OACK);
	/* No DATA before ACK 0; a wrong ACK is ignored. */
	ack(&x, 1);
	CU_ASSERT_EQUAL(nout, 1);
	/* UEFI: ERROR 8 right after the OACK is a size probe. */
	tftp_xfer_input(&x, err8, sizeof(err8));
	CU_ASSERT_EQUAL(ended, 1);
	CU_ASSERT_EQUAL(x.result, TFTP_END_PROBE);
	CU_ASSERT_FALSE(ev_timer_pending(&x.timer));

	/* The real download: ACK 0, then DATA 1; OACK lost is resent. */
	engine_new(&x, 1468, 1);
	x.p.oack.blksize.set = true;
	x.p.oack.blksize.val = 1468;
	tftp_xfer_start(&x);
	advance(1000);
	CU_ASSERT_EQUAL(nout, 2);
	CU_ASSERT_EQUAL(out[1].op, TFTP_OACK);
	ack(&x, 0);
	CU_ASSERT_EQUAL(out[2].op, TFTP_DATA);
	CU_ASSERT_EQUAL(out[2].block, 1);
	CU_ASSERT_EQUAL(out[2].len, 1468);
	/* An ERROR later is the client giving up: quietly. */
	tftp_xfer_input(&x, err8, sizeof(err8));
	CU_ASSERT_EQUAL(x.result, TFTP_END_PEER);
	CU_ASSERT_EQUAL(x.peer_code, 8);
	CU_ASSERT_STRING_EQUAL(x.peer_msg, "no");
}

static void
test_timeout_option(void)
{
	struct tftp_xfer	x;

	engine_file(100);
	engine_new(&x, 512, 1);
	x.p.oack.timeout.set = true;
	x.p.oack.timeout.val = 3;
	x.p.timeout_ms = 3000;
	x.p.fixed_timeout = true;
	tftp_xfer_start(&x);
	advance(2999);
	CU_ASSERT_EQUAL(nout, 1);
	advance(1);
	CU_ASSERT_EQUAL(nout, 2);
	CU_ASSERT_EQUAL(out[1].op, TFTP_OACK);
	/* The client's interval, every time: no backoff. */
	advance(3000);
	CU_ASSERT_EQUAL(nout, 3);
	advance(3000);
	CU_ASSERT_EQUAL(nout, 4);
	/* Every test ends its transfers: their timers live in the loop. */
	tftp_xfer_abort(&x);
	CU_ASSERT_EQUAL(x.result, TFTP_END_ABORT);
	CU_ASSERT_EQUAL(ev_timer_count(), 0);
}

static void
test_window(void)
{
	struct tftp_xfer	x;
	size_t			i;

	engine_file(512 * 10);		/* blocks 1..10 full, 11 empty */
	engine_new(&x, 512, 4);
	tftp_xfer_start(&x);
	CU_ASSERT_EQUAL(nout, 4);
	for (i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(out[i].block, i + 1);
	/* The client saw 1 and 2 only: the next window starts at 3. */
	ack(&x, 2);
	CU_ASSERT_EQUAL(nout, 8);
	CU_ASSERT_EQUAL(out[4].block, 3);
	CU_ASSERT_EQUAL(out[7].block, 6);
	CU_ASSERT_EQUAL(out[4].first, 2);
	/* Timeout: the window is resent from the last ACK. */
	advance(1000);
	CU_ASSERT_EQUAL(nout, 12);
	CU_ASSERT_EQUAL(out[8].block, 3);
	CU_ASSERT_EQUAL(x.retransmits, 4);
	ack(&x, 6);
	CU_ASSERT_EQUAL(out[12].block, 7);
	CU_ASSERT_EQUAL(out[15].block, 10);
	ack(&x, 10);
	/* Only block 11 (empty) is left. */
	CU_ASSERT_EQUAL(nout, 17);
	CU_ASSERT_EQUAL(out[16].block, 11);
	CU_ASSERT_EQUAL(out[16].len, 0);
	ack(&x, 11);
	CU_ASSERT_EQUAL(ended, 1);
	CU_ASSERT_EQUAL(tftp_xfer_bytes(&x), 5120);
}

static void
test_rollover(void)
{
	struct tftp_xfer	x;
	uint64_t		b, blocks = 65536 + 10;
	unsigned		r;

	CU_ASSERT_EQUAL(tftp_xfer_wire_block(65535, 0), 65535);
	CU_ASSERT_EQUAL(tftp_xfer_wire_block(65536, 0), 0);
	CU_ASSERT_EQUAL(tftp_xfer_wire_block(65537, 0), 1);
	CU_ASSERT_EQUAL(tftp_xfer_wire_block(65536, 1), 1);
	CU_ASSERT_EQUAL(tftp_xfer_wire_block(131071, 1), 1);

	/* 65546 blocks of 8 bytes, acknowledged by wire number. */
	for (r = 0; r <= 1; r++) {
		engine_file(blocks * 8 - 3);
		engine_new(&x, 8, 1);
		x.p.rollover = r;
		tftp_xfer_start(&x);
		for (b = 1; b <= blocks && !ended; b++) {
			CU_ASSERT_EQUAL_FATAL(out[nout - 1].block,
			    tftp_xfer_wire_block(b, r));
			ack(&x, tftp_xfer_wire_block(b, r));
		}
		CU_ASSERT_EQUAL(ended, 1);
		CU_ASSERT_EQUAL(x.result, TFTP_END_DONE);
		CU_ASSERT_EQUAL(nout, blocks);
		CU_ASSERT_EQUAL(out[65535].block, r == 0 ? 0 : 1);
		CU_ASSERT_EQUAL(out[nout - 1].len, 5);
		CU_ASSERT_EQUAL(tftp_xfer_bytes(&x), blocks * 8 - 3);
	}
}

static void
test_netascii(void)
{
	struct tftp_xfer	x;
	static const char	text[] = "ab\nc\r";	/* 5 bytes */

	/*
	 * "a b CR LF c CR NUL" is 7 bytes: blocks of 3 split both pairs,
	 * "ab\r" | "\nc\r" | "\0".
	 */
	engine_tmpfile(5);
	CU_ASSERT(write(tfd, text, 5) == 5);
	engine_new(&x, 3, 2);
	x.p.netascii = true;
	CU_ASSERT_EQUAL(tftp_xfer_start(&x), 0);
	CU_ASSERT_EQUAL(nout, 2);
	CU_ASSERT_EQUAL(out[0].len, 3);
	CU_ASSERT_EQUAL(out[0].first, 'a');
	CU_ASSERT_EQUAL(out[1].len, 3);
	CU_ASSERT_EQUAL(out[1].first, '\n');	/* the pending half */
	/* Only block 1 arrived: the window restarts at 2, produced again. */
	ack(&x, 1);
	CU_ASSERT_EQUAL(nout, 4);
	CU_ASSERT_EQUAL(out[2].block, 2);
	CU_ASSERT_EQUAL(out[2].first, '\n');
	CU_ASSERT_EQUAL(out[3].block, 3);
	CU_ASSERT_EQUAL(out[3].len, 1);
	CU_ASSERT_EQUAL(out[3].first, '\0');
	/* A timeout resends 2 and 3 the same way. */
	advance(1000);
	CU_ASSERT_EQUAL(nout, 6);
	CU_ASSERT_EQUAL(out[4].first, '\n');
	CU_ASSERT_EQUAL(out[5].first, '\0');
	ack(&x, 3);
	CU_ASSERT_EQUAL(ended, 1);
	CU_ASSERT_EQUAL(x.result, TFTP_END_DONE);
	CU_ASSERT_EQUAL(tftp_xfer_bytes(&x), 7);
	free(x.na);
}

/* busy-poll: the next answer due from any transfer, vectors. */
/*
 * Read-ahead: the window after the one sent is read while the loop polls
 * and sent when the ACK comes; a partial ACK, a new transfer or another
 * file never gets bytes read ahead for something else.
 */
static void
test_read_ahead(void)
{
	struct tftp_xfer	x;
	uint64_t		r0, u0, r, u;
	size_t			i;

	tftp_xfer_ahead_stats(&r0, &u0);
	engine_file(512 * 20);		/* blocks 1..20 full, 21 empty */
	engine_new(&x, 512, 4);
	x.send = fake_send_ahead;
	tftp_xfer_start(&x);
	CU_ASSERT_EQUAL(nout, 4);
	tftp_xfer_ahead_stats(&r, &u);
	CU_ASSERT_EQUAL(r - r0, 1);	/* blocks 5..8 */
	CU_ASSERT_EQUAL(u - u0, 0);
	ack(&x, 4);
	CU_ASSERT_EQUAL(nout, 8);
	for (i = 4; i < 8; i++) {
		CU_ASSERT_EQUAL(out[i].block, i + 1);
		CU_ASSERT_EQUAL(out[i].first, i);
		CU_ASSERT_EQUAL(out[i].len, 512);
	}
	tftp_xfer_ahead_stats(&r, &u);
	CU_ASSERT_EQUAL(r - r0, 2);	/* and then 9..12 */
	CU_ASSERT_EQUAL(u - u0, 1);
	/*
	 * The client saw 5 and 6 only: 7..10 are read again, not the 9..12
	 * read ahead (as many bytes, at another offset).
	 */
	ack(&x, 6);
	CU_ASSERT_EQUAL(nout, 12);
	for (i = 8; i < 12; i++) {
		CU_ASSERT_EQUAL(out[i].block, i - 1);
		CU_ASSERT_EQUAL(out[i].first, i - 2);
	}
	tftp_xfer_ahead_stats(&r, &u);
	CU_ASSERT_EQUAL(u - u0, 1);
	ack(&x, 10);
	ack(&x, 14);
	/* 19, 20 and the empty 21 were read ahead; nothing after them. */
	ack(&x, 18);
	CU_ASSERT_EQUAL(nout, 23);
	CU_ASSERT_EQUAL(out[20].block, 19);
	CU_ASSERT_EQUAL(out[20].first, 18);
	CU_ASSERT_EQUAL(out[21].first, 19);
	CU_ASSERT_EQUAL(out[22].block, 21);
	CU_ASSERT_EQUAL(out[22].len, 0);
	tftp_xfer_ahead_stats(&r, &u);
	CU_ASSERT_EQUAL(r - r0, 5);
	CU_ASSERT_EQUAL(u - u0, 4);
	ack(&x, 21);
	CU_ASSERT_EQUAL(ended, 1);

	/*
	 * Two transfers at the same point of two files: the window read
	 * ahead for one (same offset, same length) never goes to the other.
	 * y on another file has sent 1..4; x sends 1..4 and reads 5..8 of
	 * its own file ahead; y's ACK of 4 must send y's file's 5..8.
	 */
	{
		struct tftp_xfer	y;
		struct tftp_file	yf;
		int			xfd;

		engine_file(512 * 10);
		xfd = tfd;
		tfd = -1;
		engine_file_add(512 * 10, 100);
		yf = tf;
		engine_new(&y, 512, 4);		/* fake_send: no read-ahead */
		y.file = &yf;
		tftp_xfer_start(&y);
		tf.fd = xfd;			/* x: the first file */
		engine_new(&x, 512, 4);
		x.send = fake_send_ahead;
		tftp_xfer_start(&x);
		tftp_xfer_ahead_stats(&r0, &u0);
		nout = 0;
		ack(&y, 4);
		CU_ASSERT_EQUAL(nout, 4);
		CU_ASSERT_EQUAL(out[0].block, 5);
		CU_ASSERT_EQUAL(out[0].first, 104);
		tftp_xfer_ahead_stats(&r, &u);
		CU_ASSERT_EQUAL(u - u0, 0);
		tftp_xfer_abort(&x);
		tftp_xfer_abort(&y);
		close(xfd);
		tf.fd = tfd;
	}
}

static void
test_poll_rule(void)
{
	/* Off. */
	CU_ASSERT_EQUAL(tftp_xfer_poll_us(0, 30, 10, 1), 0);
	/* Nothing known yet: poll for the whole cap. */
	CU_ASSERT_EQUAL(tftp_xfer_poll_us(200, 0, 0, 1), 200);
	/* A fast client alone: twice its round trip and 20 us. */
	CU_ASSERT_EQUAL(tftp_xfer_poll_us(200, 30, 0, 1), 80);
	CU_ASSERT_EQUAL(tftp_xfer_poll_us(200, 30, 100, 1), 80);
	/* Due later than half the cap: the cap. */
	CU_ASSERT_EQUAL(tftp_xfer_poll_us(200, 150, 0, 1), 200);
	/* A slow client alone: no poll, but one send in 32. */
	CU_ASSERT_EQUAL(tftp_xfer_poll_us(200, 1700, 0, 1), 0);
	CU_ASSERT_EQUAL(tftp_xfer_poll_us(200, 1700, 500, 31), 0);
	CU_ASSERT_EQUAL(tftp_xfer_poll_us(200, 1700, 0, 32), 200);
	/* A storm of slow clients answering every 15 us: poll. */
	CU_ASSERT_EQUAL(tftp_xfer_poll_us(200, 1700, 15, 1), 50);
	/* Smoothing: the first sample as is, then 1/8, capped at 1 s. */
	CU_ASSERT_EQUAL(tftp_xfer_smooth_us(0, 1000, 5001000), 5000);
	CU_ASSERT_EQUAL(tftp_xfer_smooth_us(8, 0, 16000), 9);
	CU_ASSERT_EQUAL(tftp_xfer_smooth_us(0, 0, 5000000000ULL), 1000000);
}

void
test_tftp_register(void)
{
	CU_pSuite	s;

	s = CU_add_suite("tftp-engine", engine_setup, engine_teardown);
	CU_add_test(s, "lock-step, duplicate ACKs", test_lockstep);
	CU_add_test(s, "lost DATA and ACK, backoff", test_loss);
	CU_add_test(s, "retries and idle abandonment", test_abandon);
	CU_add_test(s, "OACK, ACK 0, size probe", test_oack_probe);
	CU_add_test(s, "timeout option", test_timeout_option);
	CU_add_test(s, "window and resend", test_window);
	CU_add_test(s, "rollover past 65535", test_rollover);
	CU_add_test(s, "netascii", test_netascii);
	CU_add_test(s, "read-ahead of the next window", test_read_ahead);
	CU_add_test(s, "busy-poll: the next answer due", test_poll_rule);
}
