/*
 * lease.c: DHCP bindings in memory, pools as bitmaps, and the journal.
 *
 * Journal format (see pxed.conf(5), FILES), one record per line:
 *
 *	# pxed leases 1
 *	A <address> <expires|never> <htype> <chaddr-hex> <id-hex> <host|->
 *	R <address>
 *	D <address> <until>
 *	A6 <address> <expires|never> <iaid> <duid-hex> <mac-hex|-> <host|->
 *	R6 <address>
 *	D6 <address> <until>
 *
 * A is an ACKed binding, R a release, D a declined address; the lines
 * ending in 6 are DHCPv6 bindings, kept by lease6.c.  Later lines
 * win.  A line that does not parse, or a last line without its newline
 * (a torn write), is skipped with a warning; the file is then rewritten.
 */
#include "config.h"

#include <sys/stat.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dhcp_proto.h"
#include "hash.h"
#include "lease.h"
#include "lease6.h"
#include "log.h"
#include "names.h"

#define LEASE_HASH_MIN		1024
#define LEASE_OFFER_SECS	60
/* Every lease l, bucket i by bucket, each in its address chain's order. */
#define LEASE_EACH(L, i, l)						\
	for ((i) = 0; (i) <= (L)->mask; (i)++)				\
		for ((l) = slab_get(&(L)->mem, (L)->byaddr[i]); (l) != NULL; \
		    (l) = slab_get(&(L)->mem, (l)->addrnext))

/* 50,000 leases in 3.2 MB (issue 14): a field added must not grow it. */
_Static_assert(sizeof(struct lease) <= 64, "struct lease over 64 bytes");

/* A full disk fails every group commit: one line a second. */
static struct log_rate	lease_io_rate, lease_trunc_rate;
static const struct lease_store_ops lease_journal_ops;

size_t
lease_client_id(const uint8_t *opt61, size_t len61, uint8_t htype,
    const uint8_t *chaddr, uint8_t hlen, uint8_t *id)
{
	if (opt61 != NULL && len61 > 0) {
		if (len61 > LEASE_ID_MAX)
			len61 = LEASE_ID_MAX;
		memcpy(id, opt61, len61);
		return len61;
	}
	if (hlen > 16)
		hlen = 16;
	id[0] = htype;
	memcpy(id + 1, chaddr, hlen);
	return (size_t)hlen + 1;
}

void
lease_init(struct leases *L)
{
	memset(L, 0, sizeof(*L));
	L->fd = -1;
	L->journal.ops = &lease_journal_ops;
	L->journal.ctx = L;
	L->store = &L->journal;
	slab_init(&L->mem, sizeof(struct lease));
	L->mask = LEASE_HASH_MIN - 1;
	if ((L->byid = calloc(LEASE_HASH_MIN, sizeof(*L->byid))) == NULL ||
	    (L->byaddr = calloc(LEASE_HASH_MIN, sizeof(*L->byaddr))) == NULL)
		fatal("lease: calloc");
}

/* What l holds on the heap, freed. */
static void
lease_free_heap(struct lease *l)
{
	if (l->idlen > LEASE_ID_INLINE)
		free(l->idu.ptr);
	free(l->hostname);
}

static void
lease_free_pools(struct leases *L)
{
	size_t	i;

	for (i = 0; i < L->npools; i++) {
		free(L->pools[i].used);
		free(L->pools[i].reserved);
	}
	free(L->pools);
	L->pools = NULL;
	L->npools = 0;
}

void
lease_fini(struct leases *L)
{
	struct lease	*l;
	size_t		 i;

	if (L->byaddr != NULL)
		LEASE_EACH(L, i, l)
			lease_free_heap(l);
	slab_fini(&L->mem);
	free(L->byid);
	free(L->byaddr);
	lease_free_pools(L);
	free(L->wbuf);
	free(L->path);
	if (L->fd != -1)
		close(L->fd);
	lease6_fini(L);
	memset(L, 0, sizeof(*L));
	L->fd = -1;
}

/* ---------- hash tables ---------- */

static void
lease_grow(struct leases *L)
{
	uint32_t	*byid, *byaddr, ref, next;
	struct lease	*l;
	size_t		 nb = (L->mask + 1) * 2, i;

	if ((byid = calloc(nb, sizeof(*byid))) == NULL ||
	    (byaddr = calloc(nb, sizeof(*byaddr))) == NULL)
		fatal("lease: calloc");
	for (i = 0; i <= L->mask; i++)
		for (ref = L->byaddr[i]; ref != 0; ref = next) {
			size_t	a, b;

			l = slab_get(&L->mem, ref);
			a = hash_bytes(&l->addr, sizeof(l->addr)) & (nb - 1);
			b = hash_bytes(lease_id(l), l->idlen) & (nb - 1);
			next = l->addrnext;
			l->addrnext = byaddr[a];
			byaddr[a] = ref;
			l->idnext = byid[b];
			byid[b] = ref;
		}
	free(L->byid);
	free(L->byaddr);
	L->byid = byid;
	L->byaddr = byaddr;
	L->mask = nb - 1;
}

struct lease *
lease_by_id(const struct leases *L, const uint8_t *id, size_t idlen)
{
	struct lease	*l;

	for (l = slab_get(&L->mem, L->byid[hash_bytes(id, idlen) & L->mask]);
	    l != NULL; l = slab_get(&L->mem, l->idnext))
		if (l->idlen == idlen && memcmp(lease_id(l), id, idlen) == 0)
			return l;
	return NULL;
}

struct lease *
lease_by_addr(const struct leases *L, uint32_t addr)
{
	struct lease	*l;

	for (l = slab_get(&L->mem, L->byaddr[hash_bytes(&addr, sizeof(addr)) &
	    L->mask]); l != NULL; l = slab_get(&L->mem, l->addrnext))
		if (l->addr == addr)
			return l;
	return NULL;
}

/* l out of both hash tables and back to the spares. */
static void
lease_drop(struct leases *L, struct lease *l)
{
	struct lease	*c;
	uint32_t	*pp, ref = 0;

	for (pp = &L->byaddr[hash_bytes(&l->addr, sizeof(l->addr)) &
	    L->mask]; (c = slab_get(&L->mem, *pp)) != NULL; pp = &c->addrnext)
		if (c == l) {
			ref = *pp;
			*pp = l->addrnext;
			break;
		}
	for (pp = &L->byid[hash_bytes(lease_id(l), l->idlen) & L->mask];
	    (c = slab_get(&L->mem, *pp)) != NULL; pp = &c->idnext)
		if (c == l) {
			*pp = l->idnext;
			break;
		}
	if (ref == 0)
		fatal("lease: %08x not in its address chain (a bug)", l->addr);
	lease_free_heap(l);
	slab_put(&L->mem, ref);
	L->n--;
}

/* ---------- pools ---------- */

int
lease_pool_of(const struct leases *L, uint32_t addr)
{
	size_t	i;

	for (i = 0; i < L->npools; i++)
		if (addr >= L->pools[i].start && addr <= L->pools[i].end)
			return (int)i;
	return -1;
}

/* Set or clear addr's bit; true when that changed it. */
static bool
lease_mark(struct leases *L, uint32_t addr, bool used)
{
	int			 i = lease_pool_of(L, addr);
	struct lease_pool	*p;
	uint32_t		 off;
	uint64_t		 bit;

	if (i < 0)
		return false;
	p = &L->pools[i];
	off = addr - p->start;
	bit = (uint64_t)1 << (off % 64);
	if (used && !(p->used[off / 64] & bit)) {
		p->used[off / 64] |= bit;
		p->nused++;
		return true;
	} else if (!used && (p->used[off / 64] & bit)) {
		p->used[off / 64] &= ~bit;
		p->nused--;
		return true;
	}
	return false;
}

bool
lease_is_live(const struct lease *l, int64_t now)
{
	return (l->state == LEASE_ACKED || l->state == LEASE_OFFERED ||
	    l->state == LEASE_DECLINED) && l->expires > now;
}

static void
lease_remark_all(struct leases *L, int64_t now)
{
	struct lease	*l;
	size_t		 i;

	LEASE_EACH(L, i, l)
		if (lease_is_live(l, now))
			lease_mark(L, l->addr, true);
}

static bool
lease_is_server(const struct leases *L, uint32_t addr)
{
	size_t	i;

	for (i = 0; i < L->nserver_addrs; i++)
		if (L->server_addrs[i] == addr)
			return true;
	return false;
}

void
lease_server_addr(struct leases *L, struct in_addr a)
{
	uint32_t	addr = ntohl(a.s_addr);

	if (lease_is_server(L, addr) ||
	    L->nserver_addrs == sizeof(L->server_addrs) /
	    sizeof(L->server_addrs[0]))
		return;
	L->server_addrs[L->nserver_addrs++] = addr;
}

void
lease_pools(struct leases *L, const struct conf *conf, int64_t now)
{
	size_t	i;

	lease_free_pools(L);
	if (conf->dhcp.nranges == 0)
		return;
	if ((L->pools = calloc(conf->dhcp.nranges, sizeof(*L->pools))) ==
	    NULL)
		fatal("lease: calloc");
	for (i = 0; i < conf->dhcp.nranges; i++) {
		const struct conf_range	*r = &conf->dhcp.ranges[i];
		struct lease_pool	*p = &L->pools[i];
		size_t			 words;

		if (r->nopool) {
			p->start = 1;	/* empty: holds no address */
			continue;
		}
		p->start = ntohl(r->start.s_addr);
		p->end = ntohl(r->end.s_addr);
		p->net = ntohl(r->start.s_addr) & ntohl(r->netmask.s_addr);
		p->bcast = p->net | ~ntohl(r->netmask.s_addr);
		words = ((size_t)(p->end - p->start) + 64) / 64;
		if ((p->used = calloc(words, sizeof(uint64_t))) == NULL ||
		    (p->reserved = calloc(words, sizeof(uint64_t))) == NULL)
			fatal("lease: calloc");
	}
	L->npools = conf->dhcp.nranges;
	for (i = 0; i < conf->nhosts; i++) {
		uint32_t	a = ntohl(conf->hosts[i].ip.s_addr);
		int		pi;

		if (a != 0 && (pi = lease_pool_of(L, a)) >= 0) {
			uint32_t	off = a - L->pools[pi].start;

			L->pools[pi].reserved[off / 64] |=
			    (uint64_t)1 << (off % 64);
		}
	}
	lease_remark_all(L, now);
	if (L->spread != 0)
		lease_spread(L, L->spread);
}

void
lease_spread(struct leases *L, uint64_t seed)
{
	size_t	i;

	L->spread = seed;
	for (i = 0; i < L->npools; i++) {
		struct lease_pool	*p = &L->pools[i];

		p->cursor = (uint32_t)((seed >> 16) % ((uint64_t)p->end -
		    p->start + 1));
	}
}

bool
lease_addr_free(const struct leases *L, uint32_t addr, const uint8_t *id,
    size_t idlen, bool static_ok, int64_t now)
{
	const struct lease	*l;
	int			 pi;

	if (addr == 0 || lease_is_server(L, addr))
		return false;
	if ((pi = lease_pool_of(L, addr)) >= 0) {
		const struct lease_pool	*p = &L->pools[pi];
		uint32_t		 off = addr - p->start;

		/* A range may span its subnet's network and broadcast. */
		if (addr == p->net || addr == p->bcast)
			return false;
		if (!static_ok && (p->reserved[off / 64] & ((uint64_t)1 <<
		    (off % 64))))
			return false;
	}
	if ((l = lease_by_addr(L, addr)) == NULL || !lease_is_live(l, now))
		return true;
	if (l->state == LEASE_DECLINED)
		return false;
	return l->idlen == idlen && memcmp(lease_id(l), id, idlen) == 0;
}

uint32_t
lease_alloc(struct leases *L, int pool, int64_t now)
{
	struct lease_pool	*p;
	uint32_t		 size, words, w, tries, first;
	int			 pass;

	if (pool < 0 || (size_t)pool >= L->npools ||
	    L->pools[pool].used == NULL)
		return 0;
	p = &L->pools[pool];
	size = p->end - p->start + 1;
	words = (size + 63) / 64;
	for (pass = 0; pass < 2; pass++) {
		first = p->cursor % size;
		w = first / 64;
		for (tries = 0; tries <= words; tries++, w = (w + 1) % words) {
			uint64_t	busy = p->used[w] | p->reserved[w];

			/*
			 * Start at the cursor, not at the start of its word;
			 * the last try sees that word's lower bits.
			 */
			if (tries == 0)
				busy |= ((uint64_t)1 << (first % 64)) - 1;

			while (busy != UINT64_MAX) {
				unsigned	bit = (unsigned)__builtin_ctzll(
				    ~busy);
				uint32_t	off = w * 64 + bit;
				uint32_t	a = p->start + off;

				busy |= (uint64_t)1 << bit;
				if (off >= size)
					break;
				/*
				 * Never the subnet's network or broadcast
				 * address, nor the server's.
				 */
				if (a == p->net || a == p->bcast ||
				    lease_is_server(L, a))
					continue;
				p->cursor = off + 1;
				return a;
			}
		}
		/* Full as far as the bitmap knows: reclaim expired ones. */
		if (pass == 0 && lease_expire(L, now) == 0)
			break;
	}
	return 0;
}

size_t
lease_expire(struct leases *L, int64_t now)
{
	struct lease	*l;
	size_t		 i, n = 0;

	LEASE_EACH(L, i, l) {
		if (lease_is_live(l, now))
			continue;
		if (l->state != LEASE_RELEASED)
			l->state = LEASE_EXPIRED;
		if (lease_mark(L, l->addr, false))
			n++;
	}
	return n;
}

/* ---------- journal ---------- */

void
lease_hex(char *out, const uint8_t *p, size_t n)
{
	static const char	hx[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hx[p[i] >> 4];
		out[2 * i + 1] = hx[p[i] & 15];
	}
	out[2 * n] = '\0';
}

size_t
lease_unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t	n = 0;

	if (strcmp(s, "-") == 0)
		return 0;
	while (s[0] != '\0') {
		unsigned	v;

		if (!isxdigit((unsigned char)s[0]) ||
		    !isxdigit((unsigned char)s[1]) || n == cap)
			return SIZE_MAX;
		sscanf(s, "%2x", &v);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/*
 * A line is built by hand, not with snprintf(): under a boot storm one
 * is written per ACK, and printf's machinery was a fifth of pxed's time.
 */
struct lease_buf {
	char	*p;
	size_t	 len, cap;
	bool	 full;
};

static void
lease_put(struct lease_buf *b, const char *s, size_t n)
{
	if (b->full || b->len + n >= b->cap) {
		b->full = true;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void
lease_put_u64(struct lease_buf *b, uint64_t v)
{
	char	tmp[24];
	size_t	n = sizeof(tmp);

	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	lease_put(b, tmp + n, sizeof(tmp) - n);
}

static void
lease_put_addr(struct lease_buf *b, uint32_t a)
{
	int	i;

	for (i = 3; i >= 0; i--) {
		lease_put_u64(b, (a >> (8 * i)) & 0xff);
		if (i > 0)
			lease_put(b, ".", 1);
	}
}

static void
lease_put_hex(struct lease_buf *b, const uint8_t *p, size_t n)
{
	char	tmp[2 * LEASE_ID_MAX + 1];

	if (n == 0) {
		lease_put(b, "-", 1);
		return;
	}
	lease_hex(tmp, p, n);
	lease_put(b, tmp, 2 * n);
}

/* One A/R/D line for l into buf (with its newline). */
static size_t
lease_line(const struct lease *l, char *buf, size_t len)
{
	struct lease_buf	b = { buf, 0, len, false };

	if (l->state == LEASE_RELEASED) {
		lease_put(&b, "R ", 2);
		lease_put_addr(&b, l->addr);
	} else if (l->state == LEASE_DECLINED) {
		lease_put(&b, "D ", 2);
		lease_put_addr(&b, l->addr);
		lease_put(&b, " ", 1);
		lease_put_u64(&b, (uint64_t)l->expires);
	} else {
		lease_put(&b, "A ", 2);
		lease_put_addr(&b, l->addr);
		lease_put(&b, " ", 1);
		if (l->expires == LEASE_NEVER)
			lease_put(&b, "never", 5);
		else
			lease_put_u64(&b, (uint64_t)l->expires);
		lease_put(&b, " ", 1);
		lease_put_u64(&b, l->htype);
		lease_put(&b, " ", 1);
		lease_put_hex(&b, l->chaddr, l->hlen);
		lease_put(&b, " ", 1);
		lease_put_hex(&b, lease_id(l), l->idlen);
		lease_put(&b, " ", 1);
		if (l->hostname != NULL)
			lease_put(&b, l->hostname, strlen(l->hostname));
		else
			lease_put(&b, "-", 1);
	}
	lease_put(&b, "\n", 1);
	return b.full ? 0 : b.len;
}

/* The store records l (the journal: a line for lease_sync()). */
static void
lease_queue(struct leases *L, const struct lease *l)
{
	if (L->store == NULL)
		return;			/* loading */
	L->store->seq++;
	L->store->ops->record(L->store, l);
}

static void
lease_journal_record(struct lease_store *s, const struct lease *l)
{
	struct leases	*L = s->ctx;
	char		 line[2 * LEASE_ID_MAX + 200];
	size_t		 n;

	if (L->path == NULL || (n = lease_line(l, line, sizeof(line))) == 0)
		return;
	lease_journal_add(L, line, n);
}

static bool
lease_journal_pending(const struct lease_store *s)
{
	return lease_pending(s->ctx);
}

static void
lease_journal_sync(struct lease_store *s)
{
	bool	ok = lease_sync(s->ctx) == 0;

	if (s->done != NULL)
		s->done(s, ok);
}

static bool
lease_journal_lost(const struct lease_store *s, uint64_t seq)
{
	(void)s;
	(void)seq;
	return false;		/* one server owns the journal's pool */
}

static const struct lease_store_ops lease_journal_ops = {
	"journal", lease_journal_record, lease_journal_pending,
	lease_journal_sync, lease_journal_lost, lease6_journal_record
};

bool
lease_shared(const struct leases *L)
{
	return L != NULL && L->store != NULL && L->store->shared;
}

void
lease_use_store(struct leases *L, struct lease_store *s)
{
	L->store = s != NULL ? s : &L->journal;
}

void
lease_journal_add(struct leases *L, const char *line, size_t n)
{
	if (L->path == NULL || n == 0)
		return;
	if (L->wlen + n > L->wcap) {
		size_t	cap = L->wcap == 0 ? 65536 : L->wcap * 2;
		char	*p;

		while (cap < L->wlen + n)
			cap *= 2;
		if ((p = realloc(L->wbuf, cap)) == NULL)
			fatal("lease: realloc");
		L->wbuf = p;
		L->wcap = cap;
	}
	memcpy(L->wbuf + L->wlen, line, n);
	L->wlen += n;
	L->unsynced++;
}

bool
lease_pending(const struct leases *L)
{
	return L->wlen > 0;
}

int
lease_sync(struct leases *L)
{
	size_t	off = 0;
	off_t	start;

	if (L->wlen == 0)
		return 0;
	if (L->fd == -1 || (start = lseek(L->fd, 0, SEEK_END)) == -1) {
		L->st.sync_errors++;
		L->wlen = 0;
		L->unsynced = 0;
		return -1;
	}
	while (off < L->wlen) {
		ssize_t	n = write(L->fd, L->wbuf + off, L->wlen - off);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			log_rated(&lease_io_rate, LOG_WARNING,
			    "lease: write %s: %s", L->path, strerror(errno));
			goto fail;
		}
		off += (size_t)n;
	}
	if (fdatasync(L->fd) == -1) {
		log_rated(&lease_io_rate, LOG_WARNING, "lease: fdatasync "
		    "%s: %s", L->path, strerror(errno));
		goto fail;
	}
	L->lines += L->unsynced;
	L->st.journal_lines = L->lines;
	L->st.syncs++;
	L->wlen = 0;
	L->unsynced = 0;
	return 0;
fail:
	/*
	 * Nothing queued is durable: drop it (the ACKs are not sent, the
	 * clients ask again) and cut the file back to whole lines.
	 */
	if (ftruncate(L->fd, start) == -1)
		log_rated(&lease_trunc_rate, LOG_WARNING, "lease: ftruncate "
		    "%s: %s", L->path, strerror(errno));
	L->st.sync_errors++;
	L->wlen = 0;
	L->unsynced = 0;
	return -1;
}

/* ---------- binding ---------- */

char *
lease_hostname(const char *h)
{
	char	buf[64];
	size_t	i, n = 0;

	if (h == NULL)
		return NULL;
	for (i = 0; h[i] != '\0' && n < sizeof(buf) - 1; i++)
		if (isalnum((unsigned char)h[i]) || h[i] == '-' ||
		    h[i] == '.' || h[i] == '_')
			buf[n++] = h[i];
	buf[n] = '\0';
	return n > 0 ? strdup(buf) : NULL;
}

struct lease *
lease_bind(struct leases *L, uint32_t addr, const uint8_t *id, size_t idlen,
    uint8_t htype, const uint8_t *chaddr, uint8_t hlen, enum lease_state st,
    int64_t expires, const char *hostname)
{
	struct lease	*l, *o;
	size_t		 a, b;
	uint32_t	 ref;

	if (idlen > LEASE_ID_MAX)
		idlen = LEASE_ID_MAX;
	if (hlen > 16)
		hlen = 16;
	/* One binding per client and one per address. */
	if (idlen > 0 && (o = lease_by_id(L, id, idlen)) != NULL &&
	    o->addr != addr) {
		lease_mark(L, o->addr, false);
		lease_drop(L, o);
	}
	if ((l = lease_by_addr(L, addr)) != NULL && (l->idlen != idlen ||
	    memcmp(lease_id(l), id, idlen) != 0)) {
		lease_drop(L, l);
		l = NULL;
	}
	if (l == NULL) {
		/* Two leases a bucket: 256 kB less at 50,000 leases. */
		if (L->n >= 2 * (L->mask + 1))
			lease_grow(L);
		l = slab_new(&L->mem, &ref);
		l->addr = addr;
		l->idlen = (uint8_t)idlen;
		if (idlen > LEASE_ID_INLINE) {
			if ((l->idu.ptr = malloc(idlen)) == NULL)
				fatal("lease: malloc");
			memcpy(l->idu.ptr, id, idlen);
		} else
			memcpy(l->idu.buf, id, idlen);
		a = hash_bytes(&addr, sizeof(addr)) & L->mask;
		b = hash_bytes(id, idlen) & L->mask;
		l->addrnext = L->byaddr[a];
		L->byaddr[a] = ref;
		l->idnext = L->byid[b];
		L->byid[b] = ref;
		L->n++;
	}
	l->state = (uint8_t)st;
	l->htype = htype;
	l->hlen = hlen;
	memset(l->chaddr, 0, sizeof(l->chaddr));
	if (chaddr != NULL)
		memcpy(l->chaddr, chaddr, hlen);
	l->expires = expires;
	if (hostname != NULL) {
		free(l->hostname);
		l->hostname = lease_hostname(hostname);
	}
	lease_mark(L, addr, true);
	/* A shared store claims the address when it is offered. */
	if (st == LEASE_ACKED || (st == LEASE_OFFERED && L->store != NULL &&
	    L->store->shared))
		lease_queue(L, l);
	return l;
}

void
lease_release(struct leases *L, struct lease *l, int64_t now)
{
	l->state = LEASE_RELEASED;
	l->expires = now;
	lease_mark(L, l->addr, false);
	lease_queue(L, l);
}

void
lease_decline(struct leases *L, uint32_t addr, int64_t until)
{
	static const uint8_t	declined[] = { 0 };
	struct lease		*l;

	if ((l = lease_by_addr(L, addr)) != NULL)
		lease_drop(L, l);
	/* Held by no client: an identity no client can have (length 1, 0). */
	l = lease_bind(L, addr, declined, 0, 0, NULL, 0, LEASE_DECLINED,
	    until, NULL);
	lease_queue(L, l);
}

void
lease_foreign(struct leases *L, uint32_t addr, int64_t until)
{
	static const uint8_t	foreign[] = { 0 };
	struct lease_store	*s = L->store;
	struct lease		*l;

	if ((l = lease_by_addr(L, addr)) != NULL)
		lease_drop(L, l);
	L->store = NULL;	/* the cache only */
	lease_bind(L, addr, foreign, 0, 0, NULL, 0, LEASE_DECLINED, until,
	    NULL);
	L->store = s;
}

/* ---------- loading and compaction ---------- */

/* Apply one journal line; -1 when it does not parse. */
static int
lease_apply(struct leases *L, char *line)
{
	char		*f[8], *p, *save = NULL;
	size_t		 nf = 0;
	struct in_addr	 a;
	uint8_t		 ch[16], id[LEASE_ID_MAX];
	size_t		 chlen, idlen;
	char		*end;
	long long	 exp;
	unsigned long	 ht;
	struct lease	*l;

	if (line[0] != '\0' && line[1] == '6')
		return lease6_apply(L, line);
	for (p = strtok_r(line, " ", &save); p != NULL && nf < 8;
	    p = strtok_r(NULL, " ", &save))
		f[nf++] = p;
	if (nf < 2 || strlen(f[0]) != 1 || inet_pton(AF_INET, f[1], &a) != 1)
		return -1;
	switch (f[0][0]) {
	case 'A':
		if (nf != 7)
			return -1;
		if (strcmp(f[2], "never") == 0)
			exp = LEASE_NEVER;
		else {
			errno = 0;
			exp = strtoll(f[2], &end, 10);
			if (errno != 0 || *end != '\0' || exp < 0)
				return -1;
		}
		errno = 0;
		ht = strtoul(f[3], &end, 10);
		if (errno != 0 || *end != '\0' || ht > 255)
			return -1;
		if ((chlen = lease_unhex(f[4], ch, sizeof(ch))) == SIZE_MAX ||
		    (idlen = lease_unhex(f[5], id, sizeof(id))) == SIZE_MAX ||
		    idlen == 0)
			return -1;
		lease_bind(L, ntohl(a.s_addr), id, idlen, (uint8_t)ht, ch,
		    (uint8_t)chlen, LEASE_ACKED, exp,
		    strcmp(f[6], "-") == 0 ? NULL : f[6]);
		return 0;
	case 'R':
		if (nf != 2)
			return -1;
		if ((l = lease_by_addr(L, ntohl(a.s_addr))) != NULL) {
			l->state = LEASE_RELEASED;
			l->expires = 0;
			lease_mark(L, l->addr, false);
		}
		return 0;
	case 'D':
		if (nf != 3)
			return -1;
		errno = 0;
		exp = strtoll(f[2], &end, 10);
		if (errno != 0 || *end != '\0' || exp < 0)
			return -1;
		lease_decline(L, ntohl(a.s_addr), exp);
		return 0;
	}
	return -1;
}

/* Read path into L; journal lines are not re-queued. */
static int
lease_read(struct leases *L, const char *path)
{
	FILE	*fp;
	char	*line = NULL;
	size_t	 cap = 0;
	ssize_t	 n;
	int	 lineno = 0;
	char	*saved = L->path;

	if ((fp = fopen(path, "re")) == NULL)
		return errno == ENOENT ? 0 : -1;
	L->path = NULL;			/* replaying: queue nothing */
	while ((n = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if (n == 0 || line[n - 1] != '\n') {
			log_warnx("lease: %s:%d: torn last line skipped",
			    path, lineno);
			L->st.load_skipped++;
			break;
		}
		line[n - 1] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (lease_apply(L, line) == -1) {
			log_warnx("lease: %s:%d: bad line skipped", path,
			    lineno);
			L->st.load_skipped++;
		}
	}
	free(line);
	fclose(fp);
	L->path = saved;
	return 0;
}

int
lease_open(struct leases *L, const char *path, int64_t now)
{
	if ((L->path = strdup(path)) == NULL)
		fatal("lease: strdup");
	if (lease_read(L, path) == -1) {
		log_warn("lease: %s", path);
		return -1;
	}
	lease_expire(L, now);
	return lease_compact(L, now);
}

static int
lease_fsync_dir(const char *path)
{
	char	*copy = strdup(path), *dir;
	int	 fd, rc = -1;

	if (copy == NULL)
		return -1;
	dir = dirname(copy);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		rc = fsync(fd);
		close(fd);
	}
	free(copy);
	return rc;
}

int
lease_compact(struct leases *L, int64_t now)
{
	char		 tmp[4096], line[2 * LEASE_ID_MAX + 200];
	struct lease	*l;
	FILE		*fp;
	int		 fd;
	size_t		 i, n;
	uint64_t	 lines = 0;

	if (L->path == NULL)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", L->path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1 || (fp = fdopen(fd, "w")) == NULL) {
		log_warn("lease: %s", tmp);
		if (fd != -1)
			close(fd);
		return -1;
	}
	fprintf(fp, "# pxed leases 1\n");
	LEASE_EACH(L, i, l)
		if ((l->state == LEASE_ACKED ||
		    l->state == LEASE_DECLINED) && l->expires > now &&
		    (n = lease_line(l, line, sizeof(line))) > 0) {
			fwrite(line, 1, n, fp);
			lines++;
		}
	lines += lease6_compact(L, fp, now);
	if (fflush(fp) != 0 || fsync(fd) == -1) {
		log_warn("lease: %s", tmp);
		fclose(fp);
		unlink(tmp);
		return -1;
	}
	fclose(fp);
	if (rename(tmp, L->path) == -1) {
		log_warn("lease: rename %s", tmp);
		unlink(tmp);
		return -1;
	}
	lease_fsync_dir(L->path);
	/*
	 * Whatever was queued is in the new file with the rest; until it
	 * is, the queue stays for lease_sync() (the ACKs wait for it).
	 */
	L->wlen = 0;
	L->unsynced = 0;
	if (L->fd != -1)
		close(L->fd);
	if ((L->fd = open(L->path, O_WRONLY | O_APPEND | O_CLOEXEC)) == -1) {
		log_warn("lease: %s", L->path);
		return -1;
	}
	L->lines = lines;
	L->st.journal_lines = lines;
	L->st.compactions++;
	return 0;
}

bool
lease_want_compact(const struct leases *L)
{
	return L->path != NULL && L->lines > 10000 &&
	    L->lines > 4 * (L->n + lease6_count(L));
}

/* ---------- listing ---------- */

void
lease_foreach(const struct leases *L,
    void (*fn)(const struct lease *, void *), void *arg)
{
	struct lease	*l;
	size_t		 i;

	LEASE_EACH(L, i, l)
		fn(l, arg);
}

static const char *
lease_state_name(const struct lease *l, int64_t now)
{
	static const char *const names[] = {
		[LEASE_EXPIRED] = "expired",
		[LEASE_OFFERED] = "offered",
		[LEASE_ACKED] = "acked",
		[LEASE_DECLINED] = "declined",
		[LEASE_RELEASED] = "released",
	};

	if (!lease_is_live(l, now))
		return l->state == LEASE_RELEASED ? "released" : "expired";
	return l->state == LEASE_RELEASED ? "expired" :
	    NAMES_GET(names, l->state);
}

size_t
lease_format(const struct lease *l, int64_t now, char *buf, size_t len)
{
	char		addr[INET_ADDRSTRLEN], mac[16 * 3 + 1] = "-";
	char		exp[32] = "never";
	struct in_addr	a = { htonl(l->addr) };
	int		n;

	inet_ntop(AF_INET, &a, addr, sizeof(addr));
	if (l->hlen > 0)
		dhcp_proto_mac_str(l->chaddr, l->hlen, mac, sizeof(mac));
	if (l->expires != LEASE_NEVER) {
		time_t		t = (time_t)l->expires;
		struct tm	tm;

		gmtime_r(&t, &tm);
		strftime(exp, sizeof(exp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	n = snprintf(buf, len, "%s %s %s %s %s", addr, mac, exp,
	    lease_state_name(l, now), l->hostname != NULL ? l->hostname :
	    "-");
	return n > 0 ? (size_t)n : 0;
}

struct lease_dumpctx {
	FILE		*out;
	int64_t		 now;
	bool		 json, first;
};

static void
lease_dump_one(const struct lease *l, void *arg)
{
	struct lease_dumpctx	*d = arg;
	char			 line[256], addr[INET_ADDRSTRLEN], exp[32];
	char			 mac[16 * 3 + 1];
	struct in_addr		 a = { htonl(l->addr) };

	if (!lease_is_live(l, d->now))
		return;
	if (!d->json) {
		lease_format(l, d->now, line, sizeof(line));
		fprintf(d->out, "%s\n", line);
		return;
	}
	inet_ntop(AF_INET, &a, addr, sizeof(addr));
	mac[0] = '\0';
	if (l->hlen > 0)
		dhcp_proto_mac_str(l->chaddr, l->hlen, mac, sizeof(mac));
	if (l->expires == LEASE_NEVER)
		snprintf(exp, sizeof(exp), "null");
	else
		snprintf(exp, sizeof(exp), "%" PRId64, l->expires);
	fprintf(d->out, "%s\n  {\"address\": \"%s\", \"mac\": \"%s\", "
	    "\"expires\": %s, \"state\": \"%s\", \"hostname\": %s%s%s}",
	    d->first ? "" : ",", addr, mac, exp, lease_state_name(l, d->now),
	    l->hostname != NULL ? "\"" : "", l->hostname != NULL ?
	    l->hostname : "null", l->hostname != NULL ? "\"" : "");
	d->first = false;
}

int
lease_dump(const char *path, int64_t now, bool json, FILE *out)
{
	struct leases		L;
	struct stat		st;

	if (stat(path, &st) == -1) {
		fprintf(stderr, "pxed: %s: %s\n", path, strerror(errno));
		return -1;
	}
	lease_init(&L);
	if (lease_read(&L, path) == -1) {
		fprintf(stderr, "pxed: %s: %s\n", path, strerror(errno));
		lease_fini(&L);
		return -1;
	}
	lease_dump_leases(&L, now, json, out);
	lease_fini(&L);
	return 0;
}

void
lease_dump_leases(const struct leases *L, int64_t now, bool json, FILE *out)
{
	struct lease_dumpctx	d = { out, now, json, true };

	if (json)
		fprintf(out, "[");
	lease_foreach(L, lease_dump_one, &d);
	lease6_dump(L, now, json, &d.first, out);
	if (json)
		fprintf(out, "%s]\n", d.first ? "" : "\n");
}

void
lease_stats(const struct leases *L, struct lease_stats *st)
{
	struct lease	*l;
	size_t		 i;
	int64_t		 now = (int64_t)time(NULL);

	*st = L->st;
	st->records = L->n;
	st->acked = st->offered = st->declined = 0;
	LEASE_EACH(L, i, l) {
		if (!lease_is_live(l, now))
			continue;
		if (l->state == LEASE_ACKED)
			st->acked++;
		else if (l->state == LEASE_OFFERED)
			st->offered++;
		else if (l->state == LEASE_DECLINED)
			st->declined++;
	}
}
