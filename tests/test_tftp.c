/*
 * test_tftp.c: the TFTP codec (malformed requests, OACK byte for byte),
 * the safe path resolver, and the transfer engine on an injected clock
 * with a fake send function: lost DATA and ACKs, duplicate ACKs, window
 * resends, rollover past 65535 blocks, the timeout option, abandonment,
 * the UEFI size probe and netascii.
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
#include "fsroot.h"
#include "tftp_xfer.h"
#include "tftp_pkt.h"
#include "unit.h"

/* ---------- codec ---------- */

#define PKT(...)	((const uint8_t[]){ __VA_ARGS__ })
#define RRQ(s)		((const uint8_t *)("\0\1" s)), (sizeof("\0\1" s) - 1)

static void
test_rrq_good(void)
{
	struct tftp_rrq	r;

	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(RRQ("pxelinux.0\0octet\0"), &r),
	    TFTP_POK);
	CU_ASSERT_EQUAL(r.op, TFTP_RRQ);
	CU_ASSERT_STRING_EQUAL(r.file, "pxelinux.0");
	CU_ASSERT_EQUAL(r.mode, TFTP_MODE_OCTET);
	CU_ASSERT_FALSE(r.blksize.set);

	/* Mode and option names are case-insensitive; values digits only. */
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(RRQ("a\0NetAscii\0BLKSIZE\0001468\0"
	    "tSize\0000\0timeout\0005\0windowsize\0004\0"), &r), TFTP_POK);
	CU_ASSERT_EQUAL(r.mode, TFTP_MODE_NETASCII);
	CU_ASSERT_TRUE(r.blksize.set);
	CU_ASSERT_EQUAL(r.blksize.val, 1468);
	CU_ASSERT_TRUE(r.tsize.set);
	CU_ASSERT_EQUAL(r.tsize.val, 0);
	CU_ASSERT_EQUAL(r.timeout.val, 5);
	CU_ASSERT_EQUAL(r.windowsize.val, 4);
	CU_ASSERT_EQUAL(r.ignored, 0);

	/* tsize is 64-bit: files over 4 GiB. */
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(RRQ("a\0octet\0tsize\0"
	    "5368709120\0"), &r), TFTP_POK);
	CU_ASSERT_EQUAL(r.tsize.val, 5368709120ULL);
}

static void
test_rrq_malformed(void)
{
	struct tftp_rrq	r;
	uint8_t		big[600];

	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(PKT(0, 1, 'a'), 3, &r), TFTP_PSHORT);
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(PKT(0, 9, 'a', 0), 4, &r),
	    TFTP_PBADOP);
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(PKT(0, 3, 0, 1), 4, &r), TFTP_PBADOP);
	/* No NUL after the file name. */
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(PKT(0, 1, 'a', 'b', 'c'), 5, &r),
	    TFTP_PNOFILE);
	/* Empty name, no mode, mode without NUL, unknown mode. */
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(RRQ("\0octet\0"), &r), TFTP_PEMPTY);
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(RRQ("file\0"), &r), TFTP_PNOMODE);
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(PKT(0, 1, 'f', 0, 'o', 'c'), 6, &r),
	    TFTP_PNOMODE);
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(RRQ("file\0mail\0"), &r),
	    TFTP_PBADMODE);
	/* WRQ parses (the server refuses it). */
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse((const uint8_t *)"\0\2f\0octet\0", 10,
	    &r), TFTP_POK);
	CU_ASSERT_EQUAL(r.op, TFTP_WRQ);

	/* Bad values are ignored (RFC 2347), never fatal. */
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(RRQ("f\0octet\0blksize\0"
	    "7\0timeout\0000\0windowsize\00070000\0tsize\0-1\0"), &r),
	    TFTP_POK);
	CU_ASSERT_FALSE(r.blksize.set);
	CU_ASSERT_FALSE(r.timeout.set);
	CU_ASSERT_FALSE(r.windowsize.set);
	CU_ASSERT_FALSE(r.tsize.set);
	CU_ASSERT_EQUAL(r.ignored, 4);
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(RRQ("f\0octet\0blksize\0"
	    "1468x\0timeout\0 5\0blksize\0000065465\0tsize\0"
	    "99999999999999999999999\0"), &r), TFTP_POK);
	CU_ASSERT_FALSE(r.blksize.set);
	CU_ASSERT_FALSE(r.timeout.set);
	CU_ASSERT_FALSE(r.tsize.set);
	/* Duplicates: the first wins. */
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(RRQ("f\0octet\0blksize\0001024\0"
	    "BlkSize\0001468\0"), &r), TFTP_POK);
	CU_ASSERT_EQUAL(r.blksize.val, 1024);
	CU_ASSERT_EQUAL(r.ignored, 1);
	/* Unknown option ignored; a name without a value; trailing junk. */
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(RRQ("f\0octet\0multicast\0\0"
	    "blksize\0"), &r), TFTP_POK);
	CU_ASSERT_EQUAL(r.ignored, 2);
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(PKT(0, 1, 'f', 0, 'o', 'c', 't', 'e',
	    't', 0, 'x', 'y'), 12, &r), TFTP_POK);
	CU_ASSERT_EQUAL(r.ignored, 1);

	/* A 600-byte request with a long name is tolerated. */
	memset(big, 'a', sizeof(big));
	big[0] = 0;
	big[1] = 1;
	memcpy(big + 590, "\0octet\0\0\0", 10);
	CU_ASSERT_EQUAL(tftp_pkt_rrq_parse(big, 597, &r), TFTP_POK);
	CU_ASSERT_EQUAL(strlen(r.file), 588);
}

static void
test_build(void)
{
	uint8_t			 b[128];
	struct tftp_opts	 o;
	static const uint8_t	 want[] = { 0, 6, 'b', 'l', 'k', 's', 'i',
				    'z', 'e', 0, '1', '4', '6', '8', 0, 't',
				    's', 'i', 'z', 'e', 0, '5', '3', '6', '8',
				    '7', '0', '9', '1', '2', '0', 0 };
	uint16_t		 v;
	char			 msg[8];

	memset(&o, 0, sizeof(o));
	o.blksize.set = true;
	o.blksize.val = 1468;
	o.tsize.set = true;
	o.tsize.val = 5368709120ULL;
	CU_ASSERT_EQUAL(tftp_pkt_oack_build(b, sizeof(b), &o), sizeof(want));
	CU_ASSERT_EQUAL(memcmp(b, want, sizeof(want)), 0);
	CU_ASSERT_EQUAL(tftp_pkt_oack_build(b, 10, &o), 0);
	CU_ASSERT_EQUAL(tftp_pkt_error_build(b, sizeof(b), 1, "file not found"),
	    4 + 15);
	CU_ASSERT_EQUAL(b[1], TFTP_ERROR);
	CU_ASSERT_EQUAL(b[3], 1);
	CU_ASSERT_EQUAL(b[18], 0);
	CU_ASSERT_EQUAL(tftp_pkt_ack_parse(PKT(0, 4, 0x12, 0x34), 4, &v), 0);
	CU_ASSERT_EQUAL(v, 0x1234);
	CU_ASSERT_EQUAL(tftp_pkt_ack_parse(PKT(0, 4, 0x12), 3, &v), -1);
	/* An ERROR without its NUL is read up to its end, bounded. */
	CU_ASSERT_EQUAL(tftp_pkt_error_parse(PKT(0, 5, 0, 8, 'a', 'b', 'c', 'd',
	    'e', 'f', 'g', 'h', 'i'), 13, &v, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(v, 8);
	CU_ASSERT_STRING_EQUAL(msg, "abcdefg");
}

/* ---------- paths ---------- */

static void
test_clean(void)
{
	char	c[64];

	CU_ASSERT_EQUAL(fsroot_clean("pxelinux.0", c, sizeof(c)), FSROOT_OK);
	CU_ASSERT_STRING_EQUAL(c, "pxelinux.0");
	CU_ASSERT_EQUAL(fsroot_clean("\\EFI\\BOOT\\grubx64.efi", c,
	    sizeof(c)), FSROOT_OK);
	CU_ASSERT_STRING_EQUAL(c, "EFI/BOOT/grubx64.efi");
	CU_ASSERT_EQUAL(fsroot_clean("//a/./b//c/", c, sizeof(c)), FSROOT_OK);
	CU_ASSERT_STRING_EQUAL(c, "a/b/c");
	CU_ASSERT_EQUAL(fsroot_clean("a/.../b", c, sizeof(c)), FSROOT_OK);
	CU_ASSERT_STRING_EQUAL(c, "a/.../b");
	CU_ASSERT_EQUAL(fsroot_clean("../etc/passwd", c, sizeof(c)),
	    FSROOT_DOTDOT);
	CU_ASSERT_EQUAL(fsroot_clean("/../../x", c, sizeof(c)), FSROOT_DOTDOT);
	CU_ASSERT_EQUAL(fsroot_clean("a/../../b", c, sizeof(c)),
	    FSROOT_DOTDOT);
	CU_ASSERT_EQUAL(fsroot_clean("a\\..\\b", c, sizeof(c)), FSROOT_DOTDOT);
	CU_ASSERT_EQUAL(fsroot_clean("a/..", c, sizeof(c)), FSROOT_DOTDOT);
	CU_ASSERT_EQUAL(fsroot_clean("/", c, sizeof(c)), FSROOT_EMPTY);
	CU_ASSERT_EQUAL(fsroot_clean("./.", c, sizeof(c)), FSROOT_EMPTY);
	CU_ASSERT_EQUAL(fsroot_clean("a\nb", c, sizeof(c)), FSROOT_BADCHAR);
	CU_ASSERT_EQUAL(fsroot_clean("0123456789012345678901234567890123456789"
	    "012345678901234567890123456789", c, sizeof(c)), FSROOT_TOOLONG);
}

static char	troot[64];

static void
mkfile(const char *rel, const char *text, mode_t mode)
{
	char	p[256];
	int	fd;

	snprintf(p, sizeof(p), "%s/%s", troot, rel);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

static void
test_open(void)
{
	struct fsroot	r;
	struct stat	st;
	char		p[256], outside[96];
	enum fsroot_err	ferr;
	int		fd, walk;

	snprintf(troot, sizeof(troot), "/tmp/pxed-fsroot.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(troot));
	snprintf(outside, sizeof(outside), "%s-outside", troot);
	fd = open(outside, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CU_ASSERT(fd >= 0);
	close(fd);
	snprintf(p, sizeof(p), "%s/sub", troot);
	mkdir(p, 0755);
	mkfile("sub/file", "hello", 0644);
	snprintf(p, sizeof(p), "%s/in-link", troot);
	CU_ASSERT_EQUAL(symlink("sub/file", p), 0);
	snprintf(p, sizeof(p), "%s/out-link", troot);
	CU_ASSERT_EQUAL(symlink(outside, p), 0);
	snprintf(p, sizeof(p), "%s/sub/up-link", troot);
	CU_ASSERT_EQUAL(symlink("../../", p), 0);
	snprintf(p, sizeof(p), "%s/fifo", troot);
	CU_ASSERT_EQUAL(mkfifo(p, 0644), 0);

	CU_ASSERT_EQUAL_FATAL(fsroot_init(&r, troot), 0);
	/* openat2 where the kernel has it (not under valgrind), then the walk. */
	for (walk = fsroot_openat2_works() ? 0 : 1; walk <= 1; walk++) {
		fsroot_set_walk(walk);
		CU_ASSERT_EQUAL(fsroot_open(&r, NULL, "sub/file", &fd, &st),
		    FSROOT_OK);
		CU_ASSERT_EQUAL(st.st_size, 5);
		close(fd);
		/*
		 * A symlink that stays inside is followed with openat2; the
		 * walk follows none.  One that leaves is never followed.
		 */
		ferr = fsroot_open(&r, NULL, "in-link", &fd, &st);
		CU_ASSERT_EQUAL(ferr, walk ? FSROOT_ESCAPE : FSROOT_OK);
		if (ferr == FSROOT_OK)
			close(fd);
		CU_ASSERT_EQUAL(fsroot_open(&r, NULL, "out-link", &fd, &st),
		    FSROOT_ESCAPE);
		CU_ASSERT_EQUAL(fsroot_open(&r, NULL, "sub/up-link/x", &fd,
		    &st), FSROOT_ESCAPE);
		/* Not regular: a directory and a fifo (without blocking). */
		CU_ASSERT_EQUAL(fsroot_open(&r, NULL, "sub", &fd, &st),
		    FSROOT_NOTREG);
		CU_ASSERT_EQUAL(fsroot_open(&r, NULL, "fifo", &fd, &st),
		    FSROOT_NOTREG);
		CU_ASSERT_EQUAL(fsroot_open(&r, NULL, "nope", &fd, &st),
		    FSROOT_NOTFOUND);
		CU_ASSERT_EQUAL(fsroot_open(&r, NULL, "sub/nope/x", &fd, &st),
		    FSROOT_NOTFOUND);
		/* A per-client directory. */
		CU_ASSERT_EQUAL(fsroot_open(&r, "sub", "file", &fd, &st),
		    FSROOT_OK);
		close(fd);
	}
	fsroot_set_walk(false);
	fsroot_fini(&r);
	snprintf(p, sizeof(p), "rm -rf '%s' '%s'", troot, outside);
	CU_ASSERT_EQUAL(system(p), 0);
}

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

/* A file of size bytes; byte i is (i / 512) & 0xff for easy checks. */
static void
engine_file(uint64_t size)
{
	uint8_t		buf[4096];
	uint64_t	i;

	engine_tmpfile(size);
	for (i = 0; i < size; i += sizeof(buf)) {
		size_t	n = size - i < sizeof(buf) ? (size_t)(size - i) :
		    sizeof(buf), j;

		for (j = 0; j < n; j++)
			buf[j] = (uint8_t)((i + j) / 512);
		CU_ASSERT_FATAL(write(tfd, buf, n) == (ssize_t)n);
	}
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

void
test_tftp_register(void)
{
	CU_pSuite	s = CU_add_suite("tftp-pkt", NULL, NULL);

	CU_add_test(s, "RRQ good", test_rrq_good);
	CU_add_test(s, "RRQ malformed", test_rrq_malformed);
	CU_add_test(s, "OACK, ERROR, ACK", test_build);
	s = CU_add_suite("fsroot", NULL, NULL);
	CU_add_test(s, "clean names", test_clean);
	CU_add_test(s, "open beneath the root", test_open);
	s = CU_add_suite("tftp-engine", engine_setup, engine_teardown);
	CU_add_test(s, "lock-step, duplicate ACKs", test_lockstep);
	CU_add_test(s, "lost DATA and ACK, backoff", test_loss);
	CU_add_test(s, "retries and idle abandonment", test_abandon);
	CU_add_test(s, "OACK, ACK 0, size probe", test_oack_probe);
	CU_add_test(s, "timeout option", test_timeout_option);
	CU_add_test(s, "window and resend", test_window);
	CU_add_test(s, "rollover past 65535", test_rollover);
	CU_add_test(s, "netascii", test_netascii);
}
