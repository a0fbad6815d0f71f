/*
 * test_http.c: the HTTP pieces that need no socket: percent-decoding
 * (what a path may hold), Range headers, and how much of a file goes per
 * sendfile() call, and the small files kept between requests.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <CUnit/CUnit.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http.h"
#include "hash.h"
#include "http_cache.h"
#include "http_send.h"
#include "unit.h"

static void
test_decode(void)
{
	char	out[64];

	CU_ASSERT_EQUAL(http_pct_decode("/a%20b/%2e%2E", out, sizeof(out)),
	    0);
	CU_ASSERT_STRING_EQUAL(out, "/a b/..");
	CU_ASSERT_EQUAL(http_pct_decode("/plain", out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "/plain");
	/* An encoded NUL would cut the path short: refused. */
	CU_ASSERT_EQUAL(http_pct_decode("/a%00b", out, sizeof(out)), -1);
	CU_ASSERT_EQUAL(http_pct_decode("/a%0ab", out, sizeof(out)), -1);
	CU_ASSERT_EQUAL(http_pct_decode("/a%7f", out, sizeof(out)), -1);
	CU_ASSERT_EQUAL(http_pct_decode("/a%zz", out, sizeof(out)), -1);
	CU_ASSERT_EQUAL(http_pct_decode("/a%2", out, sizeof(out)), -1);
	CU_ASSERT_EQUAL(http_pct_decode("/a%", out, sizeof(out)), -1);
	CU_ASSERT_EQUAL(http_pct_decode("/a\tb", out, sizeof(out)), -1);
	/* Too long for the buffer. */
	CU_ASSERT_EQUAL(http_pct_decode("/abcdefgh", out, 5), -1);
	/* Bytes above 0x7f pass (UTF-8 names). */
	CU_ASSERT_EQUAL(http_pct_decode("/%c3%a9", out, sizeof(out)), 0);
	CU_ASSERT_EQUAL((unsigned char)out[1], 0xc3);
}

static void
test_range(void)
{
	uint64_t	a = 0, b = 0;
	uint64_t	big = (uint64_t)5 << 30;

	CU_ASSERT_EQUAL(http_range(NULL, 100, &a, &b), 0);
	CU_ASSERT_EQUAL(http_range("bytes=0-9", 100, &a, &b), 1);
	CU_ASSERT_EQUAL(a, 0);
	CU_ASSERT_EQUAL(b, 9);
	CU_ASSERT_EQUAL(http_range("bytes=90-", 100, &a, &b), 1);
	CU_ASSERT_EQUAL(a, 90);
	CU_ASSERT_EQUAL(b, 99);
	CU_ASSERT_EQUAL(http_range("bytes=90-1000", 100, &a, &b), 1);
	CU_ASSERT_EQUAL(b, 99);
	CU_ASSERT_EQUAL(http_range("bytes=-10", 100, &a, &b), 1);
	CU_ASSERT_EQUAL(a, 90);
	CU_ASSERT_EQUAL(b, 99);
	CU_ASSERT_EQUAL(http_range("bytes=-1000", 100, &a, &b), 1);
	CU_ASSERT_EQUAL(a, 0);
	CU_ASSERT_EQUAL(http_range("bytes=100-", 100, &a, &b), -1);
	CU_ASSERT_EQUAL(http_range("bytes=-0", 100, &a, &b), -1);
	CU_ASSERT_EQUAL(http_range("bytes=0-", 0, &a, &b), -1);
	/* Ignored: several ranges, bad syntax, other units, a > b. */
	CU_ASSERT_EQUAL(http_range("bytes=0-1,5-6", 100, &a, &b), 0);
	CU_ASSERT_EQUAL(http_range("bytes=x-y", 100, &a, &b), 0);
	CU_ASSERT_EQUAL(http_range("items=0-1", 100, &a, &b), 0);
	CU_ASSERT_EQUAL(http_range("bytes=9-1", 100, &a, &b), 0);
	CU_ASSERT_EQUAL(http_range("bytes=99999999999999999999-", 100, &a,
	    &b), 0);
	/* Past 4 GiB. */
	CU_ASSERT_EQUAL(http_range("bytes=4294967396-4294967402", big, &a,
	    &b), 1);
	CU_ASSERT_EQUAL(a, 4294967396ULL);
	CU_ASSERT_EQUAL(b, 4294967402ULL);
}

/* libmicrohttpd asks for 128 KiB; pxed widens it to the chunk. */
static void
test_send_count(void)
{
	size_t		k = HTTP_SEND_MHD_CHUNK, m = 2048 * 1024;
	uint64_t	big = (uint64_t)5 << 30;

	/* Widened to the chunk, from any offset, past 4 GiB too. */
	CU_ASSERT_EQUAL(http_send_count(k, 0, 64 << 20, m), m);
	CU_ASSERT_EQUAL(http_send_count(k, 4096, 64 << 20, m), m);
	CU_ASSERT_EQUAL(http_send_count(k, big - (8 << 20), big, m), m);
	/* Never past the end of the response (a range ends before EOF). */
	CU_ASSERT_EQUAL(http_send_count(k, 0, 1 << 20, m), 1 << 20);
	CU_ASSERT_EQUAL(http_send_count(k, 100, 1500000, m), 1500000 - 100);
	/* What is left fits libmicrohttpd's own call: unchanged. */
	CU_ASSERT_EQUAL(http_send_count(1000, 5000, 6000, m), 1000);
	CU_ASSERT_EQUAL(http_send_count(k, 0, k, m), k);
	/* Never less than asked, never at or past the end. */
	CU_ASSERT_EQUAL(http_send_count(k, 0, 64 << 20, k), k);
	CU_ASSERT_EQUAL(http_send_count(k, 0, 64 << 20, 4096), k);
	CU_ASSERT_EQUAL(http_send_count(k, 64 << 20, 64 << 20, m), k);
	CU_ASSERT_EQUAL(http_send_count(k, 70 << 20, 64 << 20, m), k);
}

/* A registered descriptor is widened; another is not; forget ends it. */
static void
test_send_call(void)
{
	char		 path[] = "/tmp/pxed-test-send.XXXXXX";
	char		 opath[] = "/tmp/pxed-test-send.XXXXXX";
	char		 buf[4096];
	int		 fd, out, i;
	int64_t		 off = 0;
	ssize_t		 r;

	memset(buf, 'x', sizeof(buf));
	CU_ASSERT_FATAL((fd = mkstemp(path)) != -1);
	unlink(path);
	for (i = 0; i < 1024; i++)	/* 4 MiB */
		CU_ASSERT_EQUAL(write(fd, buf, sizeof(buf)), sizeof(buf));
	/* Into a file: a socket's buffer could take less at once. */
	CU_ASSERT_FATAL((out = mkstemp(opath)) != -1);
	unlink(opath);
	/* Unregistered: the count asked for. */
	r = sendfile64(out, fd, &off, 1000);
	CU_ASSERT_EQUAL(r, 1000);
	CU_ASSERT_EQUAL(off, 1000);
	/* A response of 3 MiB + 1000 to 2 MiB chunks: to the chunk. */
	http_send_register(fd, 1000, (3 << 20) + 1000, 2048 * 1024);
	r = sendfile64(out, fd, &off, 100);
	CU_ASSERT_EQUAL(r, 2048 * 1024);
	CU_ASSERT_EQUAL(off, 2048 * 1024 + 1000);
	/* Then at most to its end. */
	r = sendfile64(out, fd, &off, 100);
	CU_ASSERT_EQUAL(r, 1024 * 1024);
	CU_ASSERT_EQUAL(off, (3 << 20) + 1000);
	/* A response no larger than the chunk: in one call. */
	off = 1000;
	http_send_register(fd, 1000, (1 << 20) + 1000, 2048 * 1024);
	r = sendfile64(out, fd, &off, HTTP_SEND_MHD_CHUNK);
	CU_ASSERT_EQUAL(r, 1 << 20);
	CU_ASSERT_EQUAL(off, (1 << 20) + 1000);
	/* One no larger than libmicrohttpd's call: its calls. */
	off = 1000;
	http_send_register(fd, 1000, HTTP_SEND_MHD_CHUNK + 1000, 2048 * 1024);
	CU_ASSERT_EQUAL(sendfile64(out, fd, &off, 100), 100);
	/* A chunk of libmicrohttpd's size or less: the same. */
	http_send_register(fd, 0, 4 << 20, HTTP_SEND_MHD_CHUNK);
	CU_ASSERT_EQUAL(sendfile64(out, fd, &off, 100), 100);
	http_send_register(fd, 0, 4 << 20, 2048 * 1024);
	http_send_forget(fd);
	CU_ASSERT_EQUAL(sendfile64(out, fd, &off, 100), 100);
	close(out);
	close(fd);
}

/* Only the libmicrohttpd whose sendfile() calls were read is widened. */
static void
test_send_known(void)
{
	CU_ASSERT_TRUE(http_send_known("0.9.75"));
	CU_ASSERT_FALSE(http_send_known("0.9.7"));
	CU_ASSERT_FALSE(http_send_known("0.9.750"));
	CU_ASSERT_FALSE(http_send_known("1.0.1"));
	CU_ASSERT_FALSE(http_send_known(""));
	CU_ASSERT_FALSE(http_send_known(NULL));
}

/* Reads what is waiting on s, without blocking. */
static void
send_drain(int s)
{
	char	buf[65536];

	while (recv(s, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		continue;
}

/* A file at path (a mkstemp() template) of n 4 KiB blocks, unlinked. */
static int
send_file(char *path, int n)
{
	char	buf[4096];
	int	fd, i;

	memset(buf, 'y', sizeof(buf));
	CU_ASSERT_FATAL((fd = mkstemp(path)) != -1);
	unlink(path);
	for (i = 0; i < n; i++)
		CU_ASSERT_EQUAL(write(fd, buf, sizeof(buf)), sizeof(buf));
	return fd;
}

/*
 * A loopback TCP connection: *l listens, *out sends (1 MiB of send
 * buffer), *in receives.
 */
static void
send_pair(int *l, int *out, int *in)
{
	struct sockaddr_in	sin;
	socklen_t		sl = sizeof(sin);
	int			big = 1 << 20;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CU_ASSERT_FATAL((*l = socket(AF_INET, SOCK_STREAM, 0)) != -1);
	CU_ASSERT_FATAL(bind(*l, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	CU_ASSERT_FATAL(listen(*l, 1) == 0);
	CU_ASSERT_FATAL(getsockname(*l, (struct sockaddr *)&sin, &sl) == 0);
	CU_ASSERT_FATAL((*out = socket(AF_INET, SOCK_STREAM, 0)) != -1);
	(void)setsockopt(*out, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	CU_ASSERT_FATAL(connect(*out, (struct sockaddr *)&sin,
	    sizeof(sin)) == 0);
	CU_ASSERT_FATAL((*in = accept(*l, NULL, NULL)) != -1);
}

/* Socket option name of s at level IPPROTO_TCP, or -1. */
static int
send_opt(int s, int name)
{
	int		v;
	socklen_t	sl = sizeof(v);

	return getsockopt(s, IPPROTO_TCP, name, &v, &sl) == 0 ? v : -1;
}

/*
 * A widened call that ends the response pushes the cork as libmicrohttpd
 * does on its last call (TCP_NODELAY on): the last bytes would otherwise
 * wait 200 ms for the cork's timer.  One that does not end it leaves the
 * socket alone.  Over a loopback TCP connection.
 */
static void
test_send_push(void)
{
	char		 path[] = "/tmp/pxed-test-push.XXXXXX";
	socklen_t	 sl;
	int		 fd, l, out, in, i, v, on = 1;
	int64_t		 off = 0, end = 384 * 1024;
	ssize_t		 r;

	fd = send_file(path, 96);	/* 384 KiB */
	send_pair(&l, &out, &in);
	CU_ASSERT_FATAL(setsockopt(out, IPPROTO_TCP, TCP_CORK, &on,
	    sizeof(on)) == 0);
	http_send_register(fd, 0, (uint64_t)end, 256 * 1024);
	/* libmicrohttpd asks for 128 KiB; the socket may take less. */
	for (i = 0; i < 1000 && off < 256 * 1024; i++) {
		r = sendfile64(out, fd, &off, HTTP_SEND_MHD_CHUNK);
		CU_ASSERT_FATAL(r > 0 || (r == -1 && errno == EAGAIN));
		send_drain(in);
	}
	CU_ASSERT_FATAL(off >= 256 * 1024 && off < end);
	sl = sizeof(v);
	CU_ASSERT_EQUAL(getsockopt(out, IPPROTO_TCP, TCP_NODELAY, &v, &sl),
	    0);
	CU_ASSERT_EQUAL(v, 0);
	/*
	 * The rest is less than the chunk and more than asked: widened.
	 * Asking for 1 byte, every call but one that ends 1 byte short is
	 * widened, and so is the call that reaches the end.
	 */
	CU_ASSERT_FATAL(end - off > 4096);
	for (i = 0; i < 1000 && off < end; i++) {
		r = sendfile64(out, fd, &off, 1);
		CU_ASSERT_FATAL(r > 0);
		send_drain(in);
	}
	CU_ASSERT_EQUAL(off, end);
	sl = sizeof(v);
	CU_ASSERT_EQUAL(getsockopt(out, IPPROTO_TCP, TCP_NODELAY, &v, &sl),
	    0);
	CU_ASSERT_EQUAL(v, 1);
	http_send_forget(fd);
	close(in);
	close(out);
	close(l);
	close(fd);
}

/* setsockopt(s, level, name) to the int v. */
static int
send_set(int s, int level, int name, int v)
{
	return setsockopt(s, level, name, &v, sizeof(v));
}

/* libmicrohttpd's call for a body: count asked from offset 0, want back. */
static void
send_body(int out, int fd, size_t count, ssize_t want)
{
	int64_t	off = 0;

	CU_ASSERT_EQUAL(sendfile64(out, fd, &off, count), want);
}

/*
 * What libmicrohttpd does for a response of fd's first end bytes on out
 * with cork-header: pxed registers and corks it, then the header is sent.
 */
static void
send_header(int fd, int out, uint64_t end)
{
	http_send_register(fd, 0, end, 2048 * 1024);
	CU_ASSERT_TRUE_FATAL(http_send_cork(fd, out));
	CU_ASSERT_EQUAL(send(out, "HTTP/1.1 200 OK\r\n\r\n", 19, 0), 19);
}

/*
 * cork-header: the socket is corked before libmicrohttpd sends the
 * header, and its push of the header (TCP_NODELAY on; TCP_CORK off on a
 * kept-alive connection) is withheld until the body's first sendfile();
 * then what was withheld is done, so that the socket is as libmicrohttpd
 * believes it to be; a response that ends without a sendfile() does it
 * at its end.  libmicrohttpd 0.9.75's calls, as strace shows them, over
 * a loopback TCP connection; the outcome read back from the kernel's
 * socket options.
 */
static void
test_send_cork(void)
{
	char		 path[] = "/tmp/pxed-test-cork.XXXXXX";
	int		 fd, l, out, in, on = 1;

	fd = send_file(path, 64);	/* 256 KiB */
	send_pair(&l, &out, &in);
	/* Nothing to withhold on a socket not corked for a header. */
	CU_ASSERT_FALSE(http_send_withheld(out, IPPROTO_TCP, TCP_NODELAY, &on,
	    sizeof(on)));
	http_send_register(fd, 0, 256 * 1024, 2048 * 1024);
	CU_ASSERT_FALSE(http_send_cork(-1, out));
	CU_ASSERT_FALSE(http_send_cork(fd, -1));
	CU_ASSERT_FALSE(http_send_cork(fd, FD_SETSIZE));
	/* Not a socket: cannot be corked, nothing withheld on it. */
	CU_ASSERT_FALSE(http_send_cork(fd, fd));
	CU_ASSERT_FALSE(http_send_withheld(fd, IPPROTO_TCP, TCP_NODELAY, &on,
	    sizeof(on)));
	CU_ASSERT_EQUAL(send_opt(out, TCP_CORK), 0);
	CU_ASSERT_EQUAL(send_opt(out, TCP_NODELAY), 0);

	/*
	 * A new connection, a body larger than libmicrohttpd's call: header,
	 * TCP_NODELAY on (withheld), TCP_CORK on, the body's first call.
	 */
	CU_ASSERT_TRUE_FATAL(http_send_cork(fd, out));
	CU_ASSERT_EQUAL(send_opt(out, TCP_CORK), 1);
	CU_ASSERT_EQUAL(send(out, "HTTP/1.1 200 OK\r\n\r\n", 19, 0), 19);
	CU_ASSERT_TRUE(http_send_withheld(out, IPPROTO_TCP, TCP_NODELAY, &on,
	    sizeof(on)));
	CU_ASSERT_EQUAL(send_set(out, IPPROTO_TCP, TCP_NODELAY, 1), 0);
	CU_ASSERT_EQUAL(send_opt(out, TCP_NODELAY), 0);	/* withheld */
	/* Not a push: passed on (corking, other levels, a short value). */
	CU_ASSERT_FALSE(http_send_withheld(out, IPPROTO_TCP, TCP_CORK, &on,
	    sizeof(on)));
	CU_ASSERT_FALSE(http_send_withheld(out, SOL_SOCKET, SO_KEEPALIVE, &on,
	    sizeof(on)));
	CU_ASSERT_FALSE(http_send_withheld(out, IPPROTO_TCP, TCP_NODELAY, &on,
	    1));
	CU_ASSERT_EQUAL(send_set(out, SOL_SOCKET, SO_KEEPALIVE, 1), 0);
	CU_ASSERT_EQUAL(send_set(out, IPPROTO_TCP, TCP_CORK, 1), 0);
	send_body(out, fd, HTTP_SEND_MHD_CHUNK, 256 * 1024);
	/* Done now: TCP_NODELAY on; corked, as libmicrohttpd asked. */
	CU_ASSERT_EQUAL(send_opt(out, TCP_NODELAY), 1);
	CU_ASSERT_EQUAL(send_opt(out, TCP_CORK), 1);
	CU_ASSERT_FALSE(http_send_withheld(out, IPPROTO_TCP, TCP_NODELAY, &on,
	    sizeof(on)));
	http_send_forget(fd);
	send_drain(in);

	/*
	 * Kept alive, corked from the last response: header, TCP_CORK off
	 * (withheld), TCP_CORK on, the body.
	 */
	send_header(fd, out, 256 * 1024);
	CU_ASSERT_EQUAL(send_set(out, IPPROTO_TCP, TCP_CORK, 0), 0);
	CU_ASSERT_EQUAL(send_opt(out, TCP_CORK), 1);	/* withheld */
	CU_ASSERT_EQUAL(send_set(out, IPPROTO_TCP, TCP_CORK, 1), 0);
	send_body(out, fd, HTTP_SEND_MHD_CHUNK, 256 * 1024);
	CU_ASSERT_EQUAL(send_opt(out, TCP_CORK), 1);
	http_send_forget(fd);
	send_drain(in);

	/*
	 * Kept alive, corked from the last response, a body in one call:
	 * TCP_CORK off withheld, and done after the call (libmicrohttpd
	 * believes the socket uncorked and gives the body no push).
	 */
	send_header(fd, out, 100 * 1024);
	CU_ASSERT_EQUAL(send_set(out, IPPROTO_TCP, TCP_CORK, 0), 0);
	CU_ASSERT_EQUAL(send_opt(out, TCP_CORK), 1);	/* withheld */
	send_body(out, fd, 100 * 1024, 100 * 1024);
	CU_ASSERT_EQUAL(send_opt(out, TCP_CORK), 0);
	http_send_forget(fd);
	send_drain(in);

	/*
	 * A sendfile() that fails (libmicrohttpd then sends the body another
	 * way): its errno is kept, and what was withheld is done.
	 */
	send_header(fd, out, 100 * 1024);
	CU_ASSERT_EQUAL(send_set(out, IPPROTO_TCP, TCP_CORK, 0), 0);
	errno = 0;
	send_body(out, -1, 100 * 1024, -1);
	CU_ASSERT_EQUAL(errno, EBADF);
	CU_ASSERT_EQUAL(send_opt(out, TCP_CORK), 0);
	http_send_forget(fd);
	send_drain(in);

	/*
	 * A body in one call on a socket libmicrohttpd believes uncorked
	 * (its push after the body is then skipped as done): TCP_CORK off
	 * and TCP_NODELAY on, both withheld, are done after the call.
	 */
	CU_ASSERT_EQUAL(send_set(out, IPPROTO_TCP, TCP_CORK, 0), 0);
	CU_ASSERT_EQUAL(send_set(out, IPPROTO_TCP, TCP_NODELAY, 0), 0);
	send_header(fd, out, 100 * 1024);
	CU_ASSERT_EQUAL(send_set(out, IPPROTO_TCP, TCP_NODELAY, 1), 0);
	send_body(out, fd, 100 * 1024, 100 * 1024);
	CU_ASSERT_EQUAL(send_opt(out, TCP_CORK), 0);
	CU_ASSERT_EQUAL(send_opt(out, TCP_NODELAY), 1);
	http_send_forget(fd);
	send_drain(in);

	/* A response that ends with its header still held (no sendfile). */
	CU_ASSERT_EQUAL(send_set(out, IPPROTO_TCP, TCP_NODELAY, 0), 0);
	http_send_register(fd, 0, 256 * 1024, 2048 * 1024);
	CU_ASSERT_TRUE_FATAL(http_send_cork(fd, out));
	CU_ASSERT_EQUAL(send_set(out, IPPROTO_TCP, TCP_NODELAY, 1), 0);
	CU_ASSERT_EQUAL(send_opt(out, TCP_NODELAY), 0);
	http_send_forget(fd);
	CU_ASSERT_EQUAL(send_opt(out, TCP_NODELAY), 1);
	CU_ASSERT_EQUAL(send_opt(out, TCP_CORK), 0);
	CU_ASSERT_FALSE(http_send_withheld(out, IPPROTO_TCP, TCP_NODELAY, &on,
	    sizeof(on)));
	close(in);
	close(out);
	close(l);
	close(fd);
}

/* ---------- small files kept (http_cache.c) ---------- */

static char	cache_dir[64];

/* path in cache_dir, holding len bytes of c; its descriptor and stat. */
static int
cache_file(const char *name, char c, size_t len, struct stat *st)
{
	char	path[128], buf[32 * 1024];
	int	fd;

	snprintf(path, sizeof(path), "%s/%s", cache_dir, name);
	memset(buf, c, sizeof(buf));
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(write(fd, buf, len) == (ssize_t)len);
	CU_ASSERT_FATAL(fstat(fd, st) == 0);
	return fd;
}

static void
test_cache(void)
{
	struct stat	 st, got, big;
	const uint8_t	*d;
	char		 a[128], b[128], other[16];
	int		 fd, fd2, i;
	struct timespec	 ts[2];

	snprintf(cache_dir, sizeof(cache_dir), "/tmp/pxed-hcache.XXXXXX");
	CU_ASSERT_FATAL(mkdtemp(cache_dir) != NULL);
	snprintf(a, sizeof(a), "%s/a", cache_dir);
	snprintf(b, sizeof(b), "%s/b", cache_dir);
	http_cache_clear();

	/* Kept, then answered from memory with what fstat says now. */
	fd = cache_file("a", 'x', 1024, &st);
	CU_ASSERT_FALSE(http_cache_get("a", 1000, &got, &d));
	d = http_cache_fill("a", fd, &st, 1000);
	CU_ASSERT_FATAL(d != NULL);
	CU_ASSERT_EQUAL(d[0], 'x');
	CU_ASSERT_EQUAL(d[1023], 'x');
	d = NULL;
	CU_ASSERT_TRUE(http_cache_get("a", 1500, &got, &d));
	CU_ASSERT_EQUAL(got.st_size, 1024);
	CU_ASSERT_TRUE(d != NULL && d[512] == 'x');
	/* Another path is not this one. */
	CU_ASSERT_FALSE(http_cache_get("b", 1500, &got, &d));

	/* Changed in place (another modification time): read again. */
	CU_ASSERT_EQUAL(pwrite(fd, "y", 1, 0), 1);
	ts[0].tv_sec = ts[1].tv_sec = 1000000;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	CU_ASSERT_EQUAL(futimens(fd, ts), 0);
	CU_ASSERT_FALSE(http_cache_get("a", 1500, &got, &d));
	fd = open(a, O_RDONLY);
	CU_ASSERT_FATAL(fd >= 0 && fstat(fd, &st) == 0);
	d = http_cache_fill("a", fd, &st, 2000);
	CU_ASSERT_TRUE(d != NULL && d[0] == 'y' && d[1] == 'x');
	CU_ASSERT_TRUE(http_cache_get("a", 2000, &got, &d));

	/* A chmod: the mode differs, and the kept descriptor is closed. */
	CU_ASSERT_EQUAL(chmod(a, 0600), 0);
	CU_ASSERT_FALSE(http_cache_get("a", 2000, &got, &d));
	CU_ASSERT_EQUAL(fcntl(fd, F_GETFD), -1);

	/* Another file renamed over it: the kept one is unlinked. */
	fd = open(a, O_RDONLY);
	CU_ASSERT_FATAL(fd >= 0 && fstat(fd, &st) == 0);
	CU_ASSERT_FATAL(http_cache_fill("a", fd, &st, 3000) != NULL);
	fd2 = cache_file("b", 'z', 1024, &got);
	close(fd2);
	CU_ASSERT_EQUAL(rename(b, a), 0);
	CU_ASSERT_FALSE(http_cache_get("a", 3000, &got, &d));

	/* Reopened through the path a second after it last was. */
	fd = open(a, O_RDONLY);
	CU_ASSERT_FATAL(fd >= 0 && fstat(fd, &st) == 0);
	CU_ASSERT_FATAL(http_cache_fill("a", fd, &st, 4000) != NULL);
	CU_ASSERT_TRUE(http_cache_get("a", 4000 + HTTP_CACHE_MS - 1, &got,
	    &d));
	CU_ASSERT_FALSE(http_cache_get("a", 4000 + HTTP_CACHE_MS, &got, &d));

	/* A reload forgets every file. */
	fd = open(a, O_RDONLY);
	CU_ASSERT_FATAL(fd >= 0 && fstat(fd, &st) == 0);
	CU_ASSERT_FATAL(http_cache_fill("a", fd, &st, 5000) != NULL);
	http_cache_clear();
	CU_ASSERT_EQUAL(fcntl(fd, F_GETFD), -1);
	CU_ASSERT_FALSE(http_cache_get("a", 5000, &got, &d));

	/*
	 * Another path in the slot of a path kept less than a second ago
	 * is not kept (the two would replace each other on every request);
	 * a second later it is.
	 */
	fd = open(a, O_RDONLY);
	CU_ASSERT_FATAL(fd >= 0 && fstat(fd, &st) == 0);
	CU_ASSERT_FATAL(http_cache_fill("a", fd, &st, 5000) != NULL);
	for (i = 0; i < 100000; i++) {
		snprintf(other, sizeof(other), "c%d", i);
		if ((hash_bytes(other, strlen(other)) ^ hash_bytes("a", 1)) %
		    HTTP_CACHE_SLOTS == 0)
			break;
	}
	CU_ASSERT_FATAL(i < 100000);
	fd2 = cache_file(other, 'o', 100, &big);
	CU_ASSERT_TRUE(http_cache_fill(other, fd2, &big, 5500) == NULL);
	CU_ASSERT_TRUE(http_cache_get("a", 5500, &got, &d));
	CU_ASSERT_TRUE(http_cache_fill(other, fd2, &big, 6000) != NULL);
	CU_ASSERT_FALSE(http_cache_get("a", 6000, &got, &d));
	CU_ASSERT_TRUE(http_cache_get(other, 6000, &got, &d) && d[0] == 'o');
	http_cache_clear();
	snprintf(b, sizeof(b), "%s/%s", cache_dir, other);
	unlink(b);

	/* Too large: not kept, the descriptor stays the caller's. */
	fd = cache_file("big", 'q', HTTP_CACHE_FILE + 1, &big);
	CU_ASSERT_TRUE(http_cache_fill("big", fd, &big, 7000) == NULL);
	CU_ASSERT_NOT_EQUAL(fcntl(fd, F_GETFD), -1);
	close(fd);
	CU_ASSERT_FALSE(http_cache_get("big", 7000, &got, &d));

	snprintf(b, sizeof(b), "%s/big", cache_dir);
	unlink(b);
	unlink(a);
	rmdir(cache_dir);
}

void
test_http_register(void)
{
	CU_pSuite	s = CU_add_suite("http", NULL, NULL);

	CU_add_test(s, "percent-decoding", test_decode);
	CU_add_test(s, "range headers", test_range);
	CU_add_test(s, "sendfile-chunk: the count", test_send_count);
	CU_add_test(s, "sendfile-chunk: sendfile64()", test_send_call);
	CU_add_test(s, "sendfile-chunk: libmicrohttpd versions",
	    test_send_known);
	CU_add_test(s, "sendfile-chunk: the last call pushes", test_send_push);
	CU_add_test(s, "cork-header: the header waits for the body",
	    test_send_cork);
	CU_add_test(s, "small files kept", test_cache);
}
