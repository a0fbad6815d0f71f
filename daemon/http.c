/*
 * http.c: HTTP for iPXE and UEFI HTTP boot, through libmicrohttpd.
 *
 * libmicrohttpd runs in its external-select mode: no thread of its own.
 * Its descriptors join pxed's select() through an ev hook (prepare adds
 * them and takes the smaller of the two deadlines, dispatch runs it), so
 * HTTP, DHCP and TFTP share one loop.  RLIMIT_NOFILE is FD_SETSIZE (ev.c)
 * and the connection limit is below it, so no descriptor escapes select.
 *
 *   GET/HEAD /path ──> percent-decode (refuse %00, controls) ──> fsroot
 *       ├── *.ipxe known at load ──> render for the machine ──> 200
 *       └── a regular file ──> If-Modified-Since, Range ──> 200/206/304
 *                              sent from the descriptor (sendfile)
 *   /metrics, /state ──> status.c: counters (Prometheus text), state (JSON)
 *   /status ──> status_page.c: the live view (HTML that reads /state)
 *
 * libmicrohttpd's own unescaping is turned off (an identity callback):
 * it would turn "%00" into a NUL that ends the path early, so pxed
 * decodes the path itself and refuses what it must.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "client_stage.h"
#include "ev.h"
#include "fsroot.h"
#include "http.h"
#include "http_cache.h"
#include "http_conn.h"
#include "http_send.h"
#include "loadercfg.h"
#include "log.h"
#include "loopguard.h"
#include "rules.h"
#include "status.h"
#include "udp.h"

#define HTTP_SCRIPT_MAX		(256 * 1024)
/*
 * Files up to this size go out from memory: headers and body then leave
 * in one packet (from the descriptor they take two, and small files are
 * what iPXE and benchmarks ask for most).
 */
#define HTTP_SMALL_FILE		(64 * 1024)
/*
 * Ready connections libmicrohttpd serves in one turn of the loop while
 * DHCP or TFTP had a packet within the last HTTP_TURN_SHARE_MS.
 */
#define HTTP_TURN_CONNS		16
#define HTTP_TURN_SHARE_MS	100

struct http_req {
	uint64_t	 start;
	char		 method[8];
	char		 url[300];	/* as sent, sanitized, for the log */
	char		 client[NETADDR_STRLEN];
	unsigned	 status;
	uint64_t	 bytes;
	bool		 head;
	bool		 loop;		/* count it for the loop guard */
	uint8_t		 mac[6];
	char		 path[256];
	char		 rule[200];
	bool		 staged;	/* the live view follows it */
	uint8_t		 smac[6];
	bool		 quiet;		/* a loader's search name: debug */
	int		 sendfd;	/* sent by sendfile: http_send.c */
};

static struct {
	const struct conf	*conf;
	bool			 up;
	struct MHD_Daemon	*d, *sd;	/* main, status (may be NULL) */
	char			 where[NETADDR_STRLEN + 16]; /* for the log */
	struct fsroot		 root;
	struct ev_hook		 hook;
	struct http_stats	 st;
	bool			 send_known;	/* http_send_known() */
	/* libmicrohttpd's descriptors this turn, and where the next starts */
	fd_set			 mrd, mwr, mex;
	int			 mmax, mnext;
} H;

/* ---------- small pieces ---------- */

int
http_pct_decode(const char *in, char *out, size_t cap)
{
	size_t	n = 0;
	int	hi, lo, c;

	for (; *in != '\0'; in++) {
		c = (unsigned char)*in;
		if (c == '%') {
			if ((hi = conf_value_hexval(in[1])) < 0 ||
			    (lo = conf_value_hexval(in[2])) < 0)
				return -1;
			c = hi * 16 + lo;
			in += 2;
		}
		if (c < 0x20 || c == 0x7f)
			return -1;	/* NUL and controls, encoded or not */
		if (n + 1 >= cap)
			return -1;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return 0;
}

static bool
http_parse_u64(const char *s, const char *end, uint64_t *v)
{
	uint64_t	x = 0;

	if (s == end)
		return false;
	for (; s < end; s++) {
		if (!isdigit((unsigned char)*s) || x > (UINT64_MAX - 9) / 10)
			return false;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	return true;
}

int
http_range(const char *h, uint64_t size, uint64_t *first, uint64_t *last)
{
	const char	*dash, *end;
	uint64_t	 a, b;

	if (h == NULL || strncasecmp(h, "bytes=", 6) != 0)
		return 0;
	h += 6;
	while (*h == ' ')
		h++;
	if (strchr(h, ',') != NULL || (dash = strchr(h, '-')) == NULL)
		return 0;	/* several ranges: the whole file will do */
	for (end = dash + 1; *end != '\0' && *end != ' '; end++)
		;
	if (dash == h) {
		/* bytes=-n: the last n bytes. */
		if (!http_parse_u64(dash + 1, end, &b))
			return 0;
		if (b == 0 || size == 0)
			return -1;
		*first = b >= size ? 0 : size - b;
		*last = size - 1;
		return 1;
	}
	if (!http_parse_u64(h, dash, &a))
		return 0;
	if (dash + 1 == end)
		b = UINT64_MAX;
	else if (!http_parse_u64(dash + 1, end, &b) || b < a)
		return 0;
	if (a >= size)
		return -1;
	*first = a;
	*last = b >= size ? size - 1 : b;
	return 1;
}

static void
http_date(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static bool
http_parse_date(const char *s, time_t *t)
{
	struct tm	 tm;
	const char	*end;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || (end = strptime(s, "%a, %d %b %Y %H:%M:%S GMT",
	    &tm)) == NULL || *end != '\0')
		return false;
	*t = timegm(&tm);
	return *t != (time_t)-1;
}

static const char *
http_type(const char *path)
{
	static const struct {
		const char	*ext, *type;
	} types[] = {
		{ "ipxe", "text/plain; charset=utf-8" },
		{ "txt", "text/plain; charset=utf-8" },
		{ "cfg", "text/plain; charset=utf-8" },
		{ "conf", "text/plain; charset=utf-8" },
		{ "sh", "text/plain; charset=utf-8" },
		{ "html", "text/html; charset=utf-8" },
		{ "json", "application/json" },
		{ "efi", "application/efi" },
		{ "iso", "application/x-iso9660-image" },
		{ "img", "application/octet-stream" },
		{ "gz", "application/gzip" },
		{ "xz", "application/x-xz" },
		{ "zst", "application/zstd" },
		{ "tar", "application/x-tar" },
		{ NULL, NULL }
	};
	const char	*dot = strrchr(path, '.');
	size_t		 i;

	if (dot != NULL && strchr(dot, '/') == NULL)
		for (i = 0; types[i].ext != NULL; i++)
			if (strcasecmp(dot + 1, types[i].ext) == 0)
				return types[i].type;
	return "application/octet-stream";
}

/* Boot programs, whose repeated fetches mean a chainload loop. */
static bool
http_is_nbp(const char *path)
{
	static const char *const exts[] = { "efi", "kpxe", "kkpxe", "pxe",
	    "lkrn", "0", NULL };
	const char	*dot = strrchr(path, '.');
	size_t		 i;

	for (i = 0; dot != NULL && exts[i] != NULL; i++)
		if (strcasecmp(dot + 1, exts[i]) == 0)
			return true;
	return false;
}

static bool
http_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned	v[6];
	int		i;
	char		sep;

	if (strlen(s) != 17)
		return false;
	sep = s[2];
	if (sep != ':' && sep != '-')
		return false;
	for (i = 0; i < 6; i++) {
		if ((i < 5 && s[3 * i + 2] != sep) ||
		    conf_value_hexval(s[3 * i]) < 0 ||
		    conf_value_hexval(s[3 * i + 1]) < 0)
			return false;
		v[i] = (unsigned)(conf_value_hexval(s[3 * i]) * 16 +
		    conf_value_hexval(s[3 * i + 1]));
		mac[i] = (uint8_t)v[i];
	}
	return true;
}

/* ---------- responses ---------- */

static enum MHD_Result
http_queue(struct MHD_Connection *c, struct http_req *r, unsigned status,
    struct MHD_Response *resp, uint64_t body)
{
	enum MHD_Result	rc;

	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Server", "pxed/" PACKAGE_VERSION);
	r->status = status;
	r->bytes = r->head ? 0 : body;
	rc = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return rc;
}

/* A refused request: one line a second per client and URL. */
static void
http_refused_log(const struct http_req *r, const char *why)
{
	static struct log_rate	rate[LOG_RATE_SLOTS];

	log_rated(log_rate_client(rate, r->client, r->url), LOG_INFO,
	    "http: %s %s from %s refused: %s", r->method, r->url, r->client,
	    why);
}

static enum MHD_Result
http_error(struct MHD_Connection *c, struct http_req *r, unsigned status,
    const char *text)
{
	char			 body[128];
	int			 n;
	struct MHD_Response	*resp;

	n = snprintf(body, sizeof(body), "%u %s\n", status, text);
	resp = MHD_create_response_from_buffer((size_t)n, body,
	    MHD_RESPMEM_MUST_COPY);
	if (resp != NULL) {
		MHD_add_response_header(resp, "Content-Type",
		    "text/plain; charset=utf-8");
		if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
			MHD_add_response_header(resp, "Allow", "GET, HEAD");
	}
	return http_queue(c, r, status, resp, (uint64_t)n);
}

static enum MHD_Result
http_text(struct MHD_Connection *c, struct http_req *r, char *text,
    size_t len, const char *type)
{
	struct MHD_Response	*resp;

	resp = MHD_create_response_from_buffer(len, text,
	    MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	return http_queue(c, r, MHD_HTTP_OK, resp, len);
}

/* c's socket; -1 when libmicrohttpd does not say. */
static int
http_conn_fd(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo	*ci;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	return ci == NULL ? -1 : ci->connect_fd;
}

/* ---------- iPXE scripts ---------- */

/*
 * The address the client reached us at, as a URL's host: "10.0.0.1" or
 * "[fd77::1]" (what ${server} and ${http} say in a script).
 */
static void
http_local(struct MHD_Connection *c, char *buf, size_t len)
{
	union netaddr_sock	 sa;
	struct netaddr		 a;
	socklen_t		 sl = sizeof(sa);

	buf[0] = '\0';
	if (getsockname(http_conn_fd(c), &sa.sa, &sl) != 0)
		return;
	netaddr_sock_unmap(&sa);
	if (netaddr_from_sock(&sa.sa, &a, NULL) == 0)
		netaddr_url_host(&a, buf, len);
}

/*
 * Who asks: the ?mac= pxed put in the URL it handed out, else what DHCP
 * knows of the client's address, else (IPv6, where there is no DHCPv4
 * record to go by) the MAC in the kernel's neighbour table.  Fills req;
 * false when nobody is known.
 */
static bool
http_who(struct MHD_Connection *c, const union netaddr_sock *peer,
    struct rules_req *req, uint8_t mac[6])
{
	struct client_src	 src;
	struct netaddr		 a;
	const char		*q;
	char			 dec[64];

	memset(&src, 0, sizeof(src));
	q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "mac");
	if (q != NULL && http_pct_decode(q, dec, sizeof(dec)) == 0 &&
	    http_parse_mac(dec, mac))
		src.mac = mac;
	else if (peer != NULL)
		src.peer = &peer->sa;
	if (!client_rules_req(&src, req)) {
		if (src.peer == NULL || peer->sa.sa_family != AF_INET6 ||
		    netaddr_from_sock(&peer->sa, &a, NULL) == -1 ||
		    !udp_neighbour_mac(-1, &a, (int)peer->sin6.sin6_scope_id,
		    mac))
			return false;
		src.peer = NULL;
		src.mac = mac;
		client_rules_req(&src, req);
	}
	memcpy(mac, req->mac, 6);
	return true;
}

/* The machine asking (see http_who); false: unknown. */
static bool
http_mac(struct MHD_Connection *c, const union netaddr_sock *peer,
    uint8_t mac[6])
{
	struct rules_req	req;

	return http_who(c, peer, &req, mac);
}

/* The live view: the machine asking begins to fetch path. */
static void
http_stage(struct MHD_Connection *c, struct http_req *r,
    const union netaddr_sock *peer, const char *path, uint64_t size,
    bool script)
{
	if (r->head || !http_mac(c, peer, r->smac))
		return;
	r->staged = true;
	client_offer_done(r->smac);	/* a proxy offer followed up */
	client_stage_file(r->smac, CLIENT_VIA_HTTP, path, size, script);
}

/* The machine asking, pxed's address for it and the asking address. */
static void
http_asker(struct MHD_Connection *c, const union netaddr_sock *peer,
    struct rules_req *req, char server[NETADDR_STRLEN],
    char ip[NETADDR_STRLEN])
{
	struct netaddr	pa;
	uint8_t		mac[6];

	(void)http_who(c, peer, req, mac);
	http_local(c, server, NETADDR_STRLEN);
	ip[0] = '\0';
	if (peer != NULL && netaddr_from_sock(&peer->sa, &pa, NULL) == 0)
		netaddr_ntop(&pa, ip, NETADDR_STRLEN);
}

static enum MHD_Result
http_script(struct MHD_Connection *c, struct http_req *r,
    const struct conf_script *sc, const union netaddr_sock *peer)
{
	struct rules_req	 req;
	struct rules_result	 res;
	struct rules_vars	 v;
	char			 server[NETADDR_STRLEN], ip[NETADDR_STRLEN];
	char			*out;
	size_t			 need;

	http_asker(c, peer, &req, server, ip);
	rules_eval(H.conf, &req, &res);
	memset(&v, 0, sizeof(v));
	v.conf = H.conf;
	v.req = &req;
	v.res = &res;
	v.server = server;
	v.ip = ip;
	need = rules_render(&sc->t, &v, NULL, 0) + 1;
	if (need > HTTP_SCRIPT_MAX)
		return http_error(c, r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "Script Too Large");
	if ((out = malloc(need)) == NULL)
		return MHD_NO;
	rules_render(&sc->t, &v, out, need);
	H.st.scripts++;
	http_stage(c, r, peer, sc->path, strlen(out), true);
	return http_text(c, r, out, strlen(out), http_type(sc->path));
}

/* ---------- files ---------- */

/* Why fsroot would not open a file, as an HTTP status. */
static enum MHD_Result
http_file_refused(struct MHD_Connection *c, struct http_req *r,
    enum fsroot_err e)
{
	switch (e) {
	case FSROOT_NOTFOUND:
	case FSROOT_NOTREG:
	case FSROOT_EMPTY:
		return http_error(c, r, MHD_HTTP_NOT_FOUND, "Not Found");
	case FSROOT_IO:
		if (errno == EMFILE || errno == ENFILE)
			return http_error(c, r, MHD_HTTP_SERVICE_UNAVAILABLE,
			    "Busy");
		return http_error(c, r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "Error");
	default:
		http_refused_log(r, fsroot_strerror(e));
		return http_error(c, r, MHD_HTTP_FORBIDDEN, "Forbidden");
	}
}

/* A response without a body but one header (304, 416). */
static enum MHD_Result
http_bodyless(struct MHD_Connection *c, struct http_req *r, unsigned status,
    const char *header, const char *value)
{
	struct MHD_Response	*resp;

	resp = MHD_create_response_from_buffer(0, NULL,
	    MHD_RESPMEM_PERSISTENT);
	if (resp != NULL)
		MHD_add_response_header(resp, header, value);
	return http_queue(c, r, status, resp, 0);
}

/*
 * The bytes [first, last] of fd (which it takes) for connection c: small
 * files from memory, others by sendfile, sendfile-chunk at a time, the
 * header corked with the body (http_send.c).  NULL with *ioerr set when
 * the read failed.
 */
static struct MHD_Response *
http_file_body(struct MHD_Connection *c, struct http_req *r, int fd,
    uint64_t size, uint64_t first, uint64_t last, bool *ioerr)
{
	struct MHD_Response	*resp;

	*ioerr = false;
	if (size <= HTTP_SMALL_FILE) {
		size_t	 n = size == 0 ? 0 : (size_t)(last - first + 1);
		char	*buf = malloc(n + 1);
		int	 rc = buf == NULL ? -1 : fsroot_pread(fd, buf, n, first);

		close(fd);
		if (rc == -1) {
			free(buf);
			*ioerr = true;
			return NULL;
		}
		resp = MHD_create_response_from_buffer(n, buf,
		    MHD_RESPMEM_MUST_FREE);
		if (resp == NULL)
			free(buf);
		return resp;
	}
	/* The descriptor goes to libmicrohttpd: sendfile. */
	resp = MHD_create_response_from_fd_at_offset64(last - first + 1, fd,
	    (uint64_t)first);
	if (resp == NULL) {
		close(fd);
		return NULL;
	}
	http_send_register(fd, first, last + 1, H.send_known ?
	    H.conf->http.sendfile_chunk : HTTP_SEND_MHD_CHUNK);
	/* A HEAD has no body to carry the header. */
	if (H.send_known && H.conf->http.cork_header && !r->head)
		(void)http_send_cork(fd, http_conn_fd(c));
	r->sendfd = fd;
	return resp;
}

/* A boot program fetched whole counts for the loop guard. */
static void
http_file_loop(struct MHD_Connection *c, struct http_req *r,
    const char *canon, const union netaddr_sock *peer)
{
	struct rules_req	 req;
	struct rules_result	 res;

	if (r->head || H.conf->loop_count == 0 || !http_is_nbp(canon) ||
	    !http_who(c, peer, &req, r->mac))
		return;
	rules_eval(H.conf, &req, &res);
	loopguard_rule(res.boot, r->rule, sizeof(r->rule));
	snprintf(r->path, sizeof(r->path), "%.255s", canon);
	r->loop = true;
}

/*
 * No such file: a loader config rendered from its template, or a search
 * name that misses quietly (loadercfg.c).  0: not found as usual; 1:
 * answered; -1: answered with MHD_NO.
 */
static int
http_loader(struct MHD_Connection *c, struct http_req *r, const char *canon,
    const union netaddr_sock *peer)
{
	struct loadercfg_ask	 q;
	struct rules_req	 req;
	char			 server[NETADDR_STRLEN], ip[NETADDR_STRLEN];
	char			*out;
	size_t			 len;
	enum MHD_Result		 ret;

	http_asker(c, peer, &req, server, ip);
	memset(&q, 0, sizeof(q));
	q.conf = H.conf;
	q.path = canon;
	q.req = &req;
	q.server = server;
	q.ip = ip;
	switch (loadercfg_answer(&q, &out, &len)) {
	case LOADERCFG_MISS:
		return 0;
	case LOADERCFG_QUIET:
		r->quiet = true;
		ret = http_error(c, r, MHD_HTTP_NOT_FOUND, "Not Found");
		break;
	case LOADERCFG_TOOBIG:
		ret = http_error(c, r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "Config Too Large");
		break;
	default:
		H.st.scripts++;
		http_stage(c, r, peer, canon, len, true);
		ret = http_text(c, r, out, len, http_type(canon));
		break;
	}
	return ret == MHD_YES ? 1 : -1;
}

static enum MHD_Result
http_file(struct MHD_Connection *c, struct http_req *r, const char *canon,
    const union netaddr_sock *peer)
{
	struct MHD_Response	*resp;
	struct stat		 st;
	enum fsroot_err		 e;
	const char		*ims, *range, *ifrange;
	const uint8_t		*kept = NULL;
	char			 lm[64], cr[96];
	uint64_t		 first = 0, last = 0, size;
	time_t			 t;
	int			 fd = -1, rg = 0;
	bool			 ioerr;

	/* A small file from memory (http_cache.c), or opened and kept. */
	if (!http_cache_get(canon, ev_now(), &st, &kept)) {
		e = fsroot_open(&H.root, NULL, canon, &fd, &st);
		/* Out of descriptors: the kept files give theirs back. */
		if (e == FSROOT_IO && (errno == EMFILE || errno == ENFILE)) {
			http_cache_clear();
			e = fsroot_open(&H.root, NULL, canon, &fd, &st);
		}
		if (e != FSROOT_OK) {
			if (e == FSROOT_NOTFOUND && (rg = http_loader(c, r,
			    canon, peer)) != 0)
				return rg > 0 ? MHD_YES : MHD_NO;
			if (!r->head && http_mac(c, peer, r->smac))
				client_stage_refused(r->smac, CLIENT_VIA_HTTP,
				    canon, fsroot_strerror(e));
			return http_file_refused(c, r, e);
		}
		if ((kept = http_cache_fill(canon, fd, &st, ev_now())) != NULL)
			fd = -1;
	}
	size = (uint64_t)st.st_size;
	http_date(st.st_mtime, lm, sizeof(lm));
	ims = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
	if (ims != NULL && http_parse_date(ims, &t) && st.st_mtime <= t) {
		if (fd != -1)
			close(fd);
		return http_bodyless(c, r, MHD_HTTP_NOT_MODIFIED,
		    "Last-Modified", lm);
	}
	range = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_RANGE);
	ifrange = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_RANGE);
	if (range != NULL && (ifrange == NULL || strcmp(ifrange, lm) == 0))
		rg = http_range(range, size, &first, &last);
	if (rg < 0) {
		if (fd != -1)
			close(fd);
		snprintf(cr, sizeof(cr), "bytes */%" PRIu64, size);
		return http_bodyless(c, r, MHD_HTTP_RANGE_NOT_SATISFIABLE,
		    "Content-Range", cr);
	}
	if (rg == 0) {
		first = 0;
		last = size > 0 ? size - 1 : 0;
	}
	if (kept != NULL) {
		ioerr = false;
		resp = MHD_create_response_from_buffer(size == 0 ? 0 :
		    (size_t)(last - first + 1), (void *)(uintptr_t)(kept +
		    first), MHD_RESPMEM_MUST_COPY);
	} else
		resp = http_file_body(c, r, fd, size, first, last, &ioerr);
	if (resp == NULL)
		return ioerr ? http_error(c, r,
		    MHD_HTTP_INTERNAL_SERVER_ERROR, "Error") : MHD_NO;
	MHD_add_response_header(resp, "Content-Type", http_type(canon));
	MHD_add_response_header(resp, "Last-Modified", lm);
	MHD_add_response_header(resp, "Accept-Ranges", "bytes");
	if (rg > 0) {
		snprintf(cr, sizeof(cr), "bytes %" PRIu64 "-%" PRIu64 "/%"
		    PRIu64, first, last, size);
		MHD_add_response_header(resp, "Content-Range", cr);
	}
	if (rg == 0)
		http_file_loop(c, r, canon, peer);
	http_stage(c, r, peer, canon, size == 0 ? 0 : last - first + 1, false);
	return http_queue(c, r, rg > 0 ? MHD_HTTP_PARTIAL_CONTENT :
	    MHD_HTTP_OK, resp, size == 0 ? 0 : last - first + 1);
}

/* ---------- the handler ---------- */

/*
 * The client's address, into *out: an IPv4 client of the dual-stack
 * socket as the IPv4 address it is.  NULL when libmicrohttpd cannot say.
 */
static const union netaddr_sock *
http_peer(struct MHD_Connection *c, union netaddr_sock *out)
{
	const union MHD_ConnectionInfo	*ci;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL)
		return NULL;
	memset(out, 0, sizeof(*out));
	out->sa.sa_family = ci->client_addr->sa_family;
	if (netaddr_sock_len(out) == 0)
		return NULL;
	memcpy(out, ci->client_addr, netaddr_sock_len(out));
	netaddr_sock_unmap(out);
	return out;
}

static enum MHD_Result
http_handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct http_req			*r = *con_cls;
	union netaddr_sock		 ps;
	const union netaddr_sock	*peer = http_peer(c, &ps);
	const struct conf_script	*sc;
	bool				 status_daemon = cls != NULL;
	char				 dec[1024], canon[1024];
	enum fsroot_err			 e;
	size_t				 len;
	char				*body;

	(void)version;
	(void)upload;
	if (r == NULL) {
		if ((r = calloc(1, sizeof(*r))) == NULL)
			return MHD_NO;
		r->start = ev_now();
		r->sendfd = -1;
		snprintf(r->method, sizeof(r->method), "%s", method);
		log_sanitize(r->url, sizeof(r->url), (const uint8_t *)url,
		    strlen(url));
		if (peer != NULL)
			netaddr_sock_str(&peer->sa, r->client,
			    sizeof(r->client));
		else
			snprintf(r->client, sizeof(r->client), "?:0");
		r->head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
		*con_cls = r;
		http_conn_heard(c);
		/*
		 * Answer on the next call, once the whole request is in: a
		 * response queued before that closes the connection.
		 */
		return MHD_YES;
	}
	if (*upload_size != 0) {
		*upload_size = 0;	/* a body we do not want */
		return MHD_YES;
	}
	if (r->status != 0)
		return MHD_YES;		/* already answered */
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && !r->head)
		return http_error(c, r, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "Method Not Allowed");
	if (http_pct_decode(url, dec, sizeof(dec)) == -1) {
		http_refused_log(r, "bad percent-encoding, an encoded NUL or "
		    "a control character");
		return http_error(c, r, MHD_HTTP_BAD_REQUEST, "Bad Request");
	}
	if ((status_daemon || (H.conf->http.status &&
	    H.conf->http.status_port == 0)) && strcmp(dec, "/metrics") == 0) {
		body = status_metrics(&len);
		return http_text(c, r, body, len,
		    "text/plain; version=0.0.4; charset=utf-8");
	}
	if ((status_daemon || (H.conf->http.status &&
	    H.conf->http.status_port == 0)) && strcmp(dec, "/state") == 0) {
		body = status_state(H.conf, &len);
		return http_text(c, r, body, len, "application/json");
	}
	if ((status_daemon || (H.conf->http.status &&
	    H.conf->http.status_port == 0)) && strcmp(dec, "/status") == 0) {
		body = status_page_html(&len);
		return http_text(c, r, body, len, "text/html; charset=utf-8");
	}
	if (status_daemon)
		return http_error(c, r, MHD_HTTP_NOT_FOUND, "Not Found");
	if ((e = fsroot_clean(dec, canon, sizeof(canon))) != FSROOT_OK) {
		if (e == FSROOT_EMPTY)
			return http_error(c, r, MHD_HTTP_NOT_FOUND,
			    "Not Found");
		http_refused_log(r, fsroot_strerror(e));
		return http_error(c, r, MHD_HTTP_FORBIDDEN, "Forbidden");
	}
	if ((sc = conf_script_find(H.conf, canon)) != NULL)
		return http_script(c, r, sc, peer);
	return http_file(c, r, canon, peer);
}

static void
http_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http_req	*r = *con_cls;
	uint64_t	 ms;

	(void)cls;
	(void)c;
	if (r == NULL)
		return;
	/* libmicrohttpd closes the file with the response. */
	if (r->sendfd != -1)
		http_send_forget(r->sendfd);
	ms = ev_now() - r->start;
	if (r->staged && toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
		client_stage_end(r->smac, r->bytes, CLIENT_END_OK, NULL);
	else if (r->staged)
		client_stage_end(r->smac, CLIENT_DONE_UNKNOWN,
		    CLIENT_END_FAILED, "the connection closed early");
	H.st.requests++;
	if (r->status >= 100 && r->status < 600)
		H.st.by_code[r->status / 100]++;
	if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK) {
		H.st.bytes += r->bytes;
		log_emit(r->quiet ? LOG_DEBUG : LOG_INFO, "http: %s %s %s %u %"
		    PRIu64 " bytes %.3f s%s", r->client, r->method, r->url,
		    r->status, r->bytes, ms / 1000.0, r->quiet ? " (a "
		    "loader's search name)" : "");
		if (r->loop)
			loopguard_note(H.conf, r->mac, r->path, "http", r->rule);
	} else {
		H.st.aborted++;
		log_info("http: %s %s %s %u aborted after %.3f s (%s)",
		    r->client, r->method, r->url, r->status, ms / 1000.0,
		    toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? "idle" :
		    toe == MHD_REQUEST_TERMINATED_CLIENT_ABORT ? "client "
		    "closed" : "error");
	}
	free(r);
	*con_cls = NULL;
}

/* libmicrohttpd's unescaping, off: pxed decodes (and refuses) itself. */
static size_t
http_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

static void
http_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char	buf[512];

	(void)cls;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	log_debug("http: libmicrohttpd: %s", buf);
}

/* ---------- the loop ---------- */

static void
http_prepare_one(struct MHD_Daemon *d, fd_set *rd, fd_set *wr, fd_set *ex,
    int *maxfd, uint64_t *timeout_ms)
{
	MHD_socket		 m = 0;
	MHD_UNSIGNED_LONG_LONG	 to;

	if (d == NULL)
		return;
	/* MHD_NO may leave the sets partly filled: watch what is there. */
	(void)MHD_get_fdset2(d, rd, wr, ex, &m, FD_SETSIZE);
	if ((int)m > *maxfd)
		*maxfd = (int)m;
	if (MHD_get_timeout(d, &to) == MHD_YES && to < *timeout_ms)
		*timeout_ms = to;
}

static void
http_prepare(void *arg, fd_set *rd, fd_set *wr, fd_set *ex, int *maxfd,
    uint64_t *timeout_ms)
{
	int	fd;

	(void)arg;
	FD_ZERO(&H.mrd);
	FD_ZERO(&H.mwr);
	FD_ZERO(&H.mex);
	H.mmax = -1;
	http_prepare_one(H.d, &H.mrd, &H.mwr, &H.mex, &H.mmax, timeout_ms);
	http_prepare_one(H.sd, &H.mrd, &H.mwr, &H.mex, &H.mmax, timeout_ms);
	for (fd = 0; fd <= H.mmax; fd++) {
		if (FD_ISSET(fd, &H.mrd))
			FD_SET(fd, rd);
		if (FD_ISSET(fd, &H.mwr))
			FD_SET(fd, wr);
		if (FD_ISSET(fd, &H.mex))
			FD_SET(fd, ex);
	}
	if (H.mmax > *maxfd)
		*maxfd = H.mmax;
}

/*
 * libmicrohttpd serves every ready connection in one call: under load
 * from many connections (64 of them at 10 us a request, or 100 sending
 * 128 KiB each) a turn of the loop took a millisecond or more, and each
 * DHCP or TFTP packet waited for it: a lock-step TFTP download beside
 * one host's wrk took 0.47 to 1.88 s for 1 MiB (median 0.71) instead of
 * 0.03.  So while
 * the loop's own descriptors are in use (one served within the last
 * HTTP_TURN_SHARE_MS), libmicrohttpd is given at most HTTP_TURN_CONNS
 * ready descriptors a turn, going round; the others are still ready at
 * the next select(), which does not wait.  When HTTP has the loop to
 * itself it is not trimmed: each extra turn costs a select() and
 * libmicrohttpd's walk over every connection, 6 to 9 % of the 1 KiB
 * requests a second.
 */
static void
http_dispatch(void *arg, fd_set *rd, fd_set *wr, fd_set *ex)
{
	fd_set	r, w, e;
	int	fd;

	(void)arg;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_ZERO(&e);
	for (fd = 0; fd <= H.mmax; fd++) {
		if (FD_ISSET(fd, &H.mrd) && FD_ISSET(fd, rd))
			FD_SET(fd, &r);
		if (FD_ISSET(fd, &H.mwr) && FD_ISSET(fd, wr))
			FD_SET(fd, &w);
		if (FD_ISSET(fd, &H.mex) && FD_ISSET(fd, ex))
			FD_SET(fd, &e);
	}
	if (ev_fds_active(HTTP_TURN_SHARE_MS))
		(void)ev_sets_trim(&r, &w, &e, H.mmax, HTTP_TURN_CONNS,
		    &H.mnext);
	if (H.d != NULL)
		MHD_run_from_select(H.d, &r, &w, &e);
	if (H.sd != NULL)
		MHD_run_from_select(H.sd, &r, &w, &e);
}

static struct MHD_Daemon *
http_start_at(const union netaddr_sock *sa, unsigned flags, unsigned conns,
    unsigned idle, void *cls)
{
	uint16_t	port;
	struct netaddr	a;

	netaddr_from_sock(&sa->sa, &a, &port);
	/*
	 * The main daemon's connections are counted and limited by
	 * http_conn.c, which logs what it refuses; libmicrohttpd's limit,
	 * one above, is a backstop.
	 */
	return MHD_start_daemon(MHD_USE_ERROR_LOG | flags, port,
	    cls == NULL ? http_conn_accept : NULL, NULL, http_handler, cls,
	    MHD_OPTION_EXTERNAL_LOGGER, http_mhd_log, NULL,
	    MHD_OPTION_SOCK_ADDR, &sa->sa,
	    MHD_OPTION_CONNECTION_LIMIT, cls == NULL ? conns + 1 : conns,
	    MHD_OPTION_NOTIFY_CONNECTION, cls == NULL ? http_conn_notify : NULL,
	    NULL,
	    MHD_OPTION_CONNECTION_TIMEOUT, idle,
	    MHD_OPTION_NOTIFY_COMPLETED, http_completed, NULL,
	    MHD_OPTION_UNESCAPE_CALLBACK, http_unescape, NULL,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024,
	    /* main() ignores SIGPIPE: this lets it use sendfile(). */
	    MHD_OPTION_SIGPIPE_HANDLED_BY_APP, 1,
	    /* Boot clients send small headers; the pool is zeroed per request. */
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)8192,
	    MHD_OPTION_END);
}

/*
 * A daemon on addr (either family), or on every address of both families
 * when addr is unset: one dual-stack socket, so that max-connections
 * stays one limit below FD_SETSIZE, whose IPv4 peers http_peer() unmaps.
 * Without IPv6 on the host, every IPv4 address.  The address and port
 * served go to where, for the log.
 */
static struct MHD_Daemon *
http_start(const struct netaddr *addr, uint16_t port, unsigned conns,
    unsigned idle, void *cls, char *where, size_t wlen)
{
	union netaddr_sock	 sa;
	struct netaddr		 any;
	struct MHD_Daemon	*d;

	if (addr->family != AF_UNSPEC) {
		netaddr_to_sock(addr, port, &sa);
		netaddr_sock_str(&sa.sa, where, wlen);
		return http_start_at(&sa, addr->family == AF_INET6 ?
		    MHD_USE_IPv6 : 0, conns, idle, cls);
	}
	memset(&any, 0, sizeof(any));
	any.family = AF_INET6;
	netaddr_to_sock(&any, port, &sa);
	if ((d = http_start_at(&sa, MHD_USE_DUAL_STACK, conns, idle,
	    cls)) != NULL) {
		snprintf(where, wlen, "port %u (IPv4 and IPv6)", port);
		return d;
	}
	log_debug("http: no dual-stack socket (%s): IPv4 only",
	    strerror(errno));
	any.family = AF_INET;
	netaddr_to_sock(&any, port, &sa);
	snprintf(where, wlen, "port %u (IPv4)", port);
	return http_start_at(&sa, 0, conns, idle, cls);
}

int
http_init(const struct conf *conf)
{
	static int	status_cls;
	char		swhere[NETADDR_STRLEN + 16];

	H.conf = conf;
	if (!conf->http.enable)
		return 0;
	if (!(H.send_known = http_send_known(MHD_get_version())))
		log_info("http: libmicrohttpd %s: sendfile-chunk is not "
		    "used (checked with 0.9.75 only)", MHD_get_version());
	if (fsroot_init(&H.root, conf->http.root) == -1) {
		log_warn("http: root %s", conf->http.root);
		return -1;
	}
	if (http_conn_init(conf) == -1)
		return -1;
	if ((H.d = http_start(&conf->http.address, conf->http.port,
	    conf->http.max_connections, conf->http.idle_timeout,
	    NULL, H.where, sizeof(H.where))) == NULL) {
		log_warn("http: cannot serve on port %u", conf->http.port);
		return -1;
	}
	if (conf->http.status && conf->http.status_port != 0 &&
	    (H.sd = http_start(&conf->http.status_address,
	    conf->http.status_port, 16, 10, &status_cls, swhere,
	    sizeof(swhere))) == NULL) {
		log_warn("http: cannot serve status on port %u",
		    conf->http.status_port);
		return -1;
	}
	H.hook.prepare = http_prepare;
	H.hook.dispatch = http_dispatch;
	ev_hook_add(&H.hook);
	H.up = true;
	log_info("http: serving %s on %s, %zu iPXE script%s, up to %u "
	    "connections, %u per client", conf->http.root, H.where,
	    conf->http.nscripts, conf->http.nscripts == 1 ? "" : "s",
	    conf->http.max_connections, conf->http.max_per_client);
	return 0;
}

void
http_reload(const struct conf *conf)
{
	const struct conf	*old = H.conf;

	H.conf = conf;
	if (!H.up) {
		if (conf->http.enable)
			log_warnx("http: enabling HTTP takes a restart");
		return;
	}
	if (!conf->http.enable || conf->http.port != old->http.port ||
	    !netaddr_eq(&conf->http.address, &old->http.address) ||
	    !netaddr_eq(&conf->http.status_address,
	    &old->http.status_address) ||
	    conf->http.status_port != old->http.status_port ||
	    conf->http.max_connections != old->http.max_connections ||
	    conf->http.idle_timeout != old->http.idle_timeout)
		log_warnx("http: a new enable, port, address, status-address, "
		    "max-connections or idle-timeout takes a restart");
	http_conn_reload(conf);
	http_cache_clear();
	if (fsroot_switch(&H.root, conf->http.root) == -1)
		log_warn("http: new root %s, keeping %s", conf->http.root,
		    H.root.path);
}

void
http_fini(void)
{
	if (!H.up)
		return;
	ev_hook_del(&H.hook);
	if (H.d != NULL)
		MHD_stop_daemon(H.d);
	if (H.sd != NULL)
		MHD_stop_daemon(H.sd);
	H.d = H.sd = NULL;
	http_conn_fini();
	http_cache_clear();
	fsroot_fini(&H.root);
	H.up = false;
}

void
http_stats(struct http_stats *st)
{
	*st = H.st;
	http_conn_stats(st);
}

void
http_summary(void)
{
	uint64_t	hits, fills;

	if (!H.up) {
		log_info("http: off");
		return;
	}
	http_cache_stats(&hits, &fills);
	log_info("http: %" PRIu64 " requests (2xx %" PRIu64 ", 3xx %" PRIu64
	    ", 4xx %" PRIu64 ", 5xx %" PRIu64 "), %" PRIu64 " aborted, %"
	    PRIu64 " bytes, %" PRIu64 " scripts rendered, small files read %"
	    PRIu64 " times and answered %" PRIu64 " times from memory",
	    H.st.requests, H.st.by_code[2], H.st.by_code[3], H.st.by_code[4],
	    H.st.by_code[5], H.st.aborted, H.st.bytes, H.st.scripts, fills,
	    hits);
}
