/*
 * http_send.c: a file's body in larger sendfile(2) calls than
 * libmicrohttpd's.
 *
 * libmicrohttpd 0.9.75 in external-select mode sends a file at most 128
 * KiB per sendfile() call and loop turn (MHD_SENFILE_CHUNK_ in its
 * mhd_send.c; 2 MiB only with a thread per connection), and has no
 * option to change it.  Each call pushes what the congestion window
 * allows at once, from pxed's CPU, so that on a veth pair the client's
 * receive runs there too; nginx's sendfile() of up to 2 MiB leaves most
 * of its data queued, to go out as the client's ACKs come (bench/README,
 * HTTP).  Measured on 64 MiB downloads: 1.27-1.5x nginx's server CPU
 * with 128 KiB calls, the same as nginx's with 1 or 2 MiB calls.
 *
 * So pxed defines sendfile64(), which libmicrohttpd calls through the
 * dynamic linker (an executable's definition comes first in the lookup
 * scope): for a descriptor that http.c registered with the end of its
 * response, a response larger than libmicrohttpd's 128 KiB, a call is
 * widened to http { sendfile-chunk }, never past that end; every other
 * call is passed on unchanged.  The kernel returns
 * less when the socket is full, as it does for libmicrohttpd's own
 * calls, and libmicrohttpd advances by what came back.  libmicrohttpd
 * pushes the last bytes out of its cork (TCP_NODELAY on, which sends
 * what is pending) only on the call it knows to be the last: when a
 * widened call reaches the end, pxed does the same push itself.
 *
 * http { cork-header }: libmicrohttpd 0.9.75 sends a file response's
 * header alone and pushes it (send(), then TCP_NODELAY on), and only then
 * corks the socket for the body; nginx with tcp_nopush sends the header
 * in the first segment of the body.  http_send_cork() corks the socket
 * before libmicrohttpd sends the header, and pxed's setsockopt() below
 * withholds libmicrohttpd's push of it (TCP_NODELAY on; on a kept-alive
 * connection TCP_CORK off) until the first sendfile() on that socket has
 * queued the body behind it; then it does what it withheld, so that the
 * socket is as libmicrohttpd believes it to be (which libmicrohttpd
 * relies on: a body sent in one call, believed uncorked, gets no push of
 * its own).  The header then leaves with the body.  Measured with
 * bench/http-pair.sh (64 MiB into tmpfs, the client's CPU the bottleneck):
 * 1.04-1.15x the throughput of the lone header (bench/README, HTTP).  If
 * no sendfile() comes (the request ended first), http_send_forget() does
 * what was withheld.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "http_send.h"

/*
 * Per file descriptor: the end of its response (0: none), the chunk, and
 * the socket it goes out on when that was corked (-1: none).
 */
static struct {
	uint64_t	end;
	size_t		chunk;
	int		sock;
} HS[FD_SETSIZE];

/*
 * Per socket, while its header waits in the cork for the body
 * (cork-header): TCP_CORK as libmicrohttpd last set it or believes it
 * set, and whether its TCP_NODELAY on was withheld.
 */
static struct {
	bool	hold;
	bool	cork;
	bool	nodelay;
} SK[FD_SETSIZE];

typedef int	setsockopt_fn(int, int, int, const void *, socklen_t);

/* libc's setsockopt(), the one pxed's below stands in front of. */
static int
http_send_setsockopt(int s, int level, int name, const void *v,
    socklen_t len)
{
	static setsockopt_fn	*next;

	if (next == NULL) {
		/* POSIX: a data pointer converts to a function pointer. */
		*(void **)&next = dlsym(RTLD_NEXT, "setsockopt");
		if (next == NULL) {
			errno = ENOSYS;
			return -1;
		}
	}
	return next(s, level, name, v, len);
}

static void
http_send_opt(int sock, int name, int on)
{
	(void)http_send_setsockopt(sock, IPPROTO_TCP, name, &on, sizeof(on));
}

/* Pushes what waits in sock's cork (TCP_NODELAY on, as libmicrohttpd). */
static void
http_send_push(int sock)
{
	http_send_opt(sock, TCP_NODELAY, 1);
}

/* sock's header has its body behind it: do what was withheld. */
static void
http_send_release(int sock)
{
	if (sock < 0 || sock >= FD_SETSIZE || !SK[sock].hold)
		return;
	SK[sock].hold = false;
	if (SK[sock].nodelay)
		http_send_push(sock);
	if (!SK[sock].cork)
		http_send_opt(sock, TCP_CORK, 0);
}

/*
 * Whether libmicrohttpd version v is one whose sendfile() calls were
 * checked to advance by what the call returned, however much more than
 * it asked for (0.9.75, Debian 12's: mhd_send.c).  Another version keeps
 * its own calls: widening them is safe only where that was read.
 */
bool
http_send_known(const char *v)
{
	return v != NULL && strcmp(v, "0.9.75") == 0;
}

/*
 * fd's response is the bytes [first, end): widened calls when it is
 * larger than libmicrohttpd's own call, so that a response no larger than
 * the chunk goes out in one call.  With 100 clients fetching 1 MiB each,
 * libmicrohttpd's 8 calls a response cost 1.4x nginx's CPU once the
 * kernel has the client's TCP metrics from earlier connections, one call
 * 1.0x; without them both cost the same (bench/README).
 */
void
http_send_register(int fd, uint64_t first, uint64_t end, size_t chunk)
{
	if (fd < 0 || fd >= FD_SETSIZE)
		return;
	HS[fd].end = chunk > HTTP_SEND_MHD_CHUNK && end > first &&
	    end - first > HTTP_SEND_MHD_CHUNK ? end : 0;
	HS[fd].chunk = chunk;
	HS[fd].sock = -1;
}

/*
 * The response registered for fd goes out on socket sock: cork sock now,
 * before libmicrohttpd sends the header, and withhold its push of the
 * header until the body's first sendfile() on sock (cork-header, above).
 * False when the socket could not be corked; nothing is withheld then.
 */
bool
http_send_cork(int fd, int sock)
{
	int		cork;
	socklen_t	sl = sizeof(cork);

	if (fd < 0 || fd >= FD_SETSIZE || sock < 0 || sock >= FD_SETSIZE ||
	    getsockopt(sock, IPPROTO_TCP, TCP_CORK, &cork, &sl) != 0 ||
	    http_send_setsockopt(sock, IPPROTO_TCP, TCP_CORK, &(int){ 1 },
	    sizeof(int)) != 0)
		return false;
	HS[fd].sock = sock;
	SK[sock].hold = true;
	SK[sock].cork = cork != 0;	/* what libmicrohttpd left */
	SK[sock].nodelay = false;
	return true;
}

/*
 * fd's response has ended (libmicrohttpd closes fd next).  A header still
 * held (no sendfile() came) is released now.
 */
void
http_send_forget(int fd)
{
	if (fd < 0 || fd >= FD_SETSIZE)
		return;
	HS[fd].end = 0;
	http_send_release(HS[fd].sock);
	HS[fd].sock = -1;
}

/*
 * Whether setsockopt(s, level, name, v, len) sets an int option of TCP on
 * a socket whose header waits for the body: its value in *on.
 */
static bool
http_send_held_opt(int s, int level, const void *v, socklen_t len, int *on)
{
	if (s < 0 || s >= FD_SETSIZE || !SK[s].hold || level != IPPROTO_TCP ||
	    v == NULL || len < (socklen_t)sizeof(int))
		return false;
	memcpy(on, v, sizeof(*on));
	return true;
}

/*
 * Whether setsockopt(s, level, name, v) would push what waits in s's cork
 * while its header waits for the body: TCP_NODELAY on (libmicrohttpd's
 * push after the first response's header), TCP_CORK off (its push after
 * a kept-alive connection's next header).
 */
bool
http_send_withheld(int s, int level, int name, const void *v,
    socklen_t len)
{
	int	on;

	return http_send_held_opt(s, level, v, len, &on) &&
	    ((name == TCP_NODELAY && on != 0) || (name == TCP_CORK &&
	    on == 0));
}

/*
 * Called for every setsockopt() of pxed and its libraries (an executable's
 * definition comes first, as for sendfile64()): while a header waits for
 * its body, records what libmicrohttpd asks of TCP_CORK and TCP_NODELAY
 * and withholds a push; passes everything else on.
 */
int
setsockopt(int s, int level, int name, const void *v, socklen_t len)
{
	int	on, r;

	if (!http_send_withheld(s, level, name, v, len) &&
	    (r = http_send_setsockopt(s, level, name, v, len)) != 0)
		return r;
	/* Done or withheld: what libmicrohttpd now believes. */
	if (http_send_held_opt(s, level, v, len, &on)) {
		if (name == TCP_CORK)
			SK[s].cork = on != 0;
		else if (name == TCP_NODELAY)
			SK[s].nodelay = on != 0;
	}
	return 0;
}

/*
 * The bytes to ask for when libmicrohttpd asks for count at offset off of
 * a response that ends at end: up to chunk, never past the end, never
 * less than it asked for.
 */
size_t
http_send_count(size_t count, uint64_t off, uint64_t end, size_t chunk)
{
	if (chunk <= count || off >= end || end - off <= count)
		return count;
	return end - off < chunk ? (size_t)(end - off) : chunk;
}

ssize_t
sendfile64(int out, int in, int64_t *off, size_t count)
{
	size_t	n = count;
	ssize_t	r;
	int	err;

	if (off != NULL && *off >= 0 && in >= 0 && in < FD_SETSIZE &&
	    HS[in].end != 0)
		n = http_send_count(count, (uint64_t)*off, HS[in].end,
		    HS[in].chunk);
#ifdef SYS_sendfile64
	r = syscall(SYS_sendfile64, out, in, off, n);
#else
	r = syscall(SYS_sendfile, out, in, off, n);
#endif
	/* The body's first call has queued it behind a held header. */
	err = errno;
	http_send_release(out);
	errno = err;
	/*
	 * libmicrohttpd keeps its own record of TCP_NODELAY, which this
	 * leaves out of date: harmless with 0.9.75 (its last send of the next
	 * response takes the cork off whatever it recorded), one more reason
	 * http_send_known() admits only the version that was read.
	 */
	if (r > 0 && n > count && (uint64_t)*off == HS[in].end)
		http_send_push(out);
	return r;
}
