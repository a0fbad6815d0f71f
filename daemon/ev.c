/*
 * ev.c: the one select() loop pxed runs in.
 *
 * Descriptors are kept in a table indexed by fd, so adding, removing and
 * dispatching are O(1) per descriptor.  select() cannot watch an fd at or
 * above FD_SETSIZE, so ev_init() lowers RLIMIT_NOFILE to FD_SETSIZE: the
 * kernel then refuses (EMFILE) to create such an fd at all, and the
 * protocol code turns that into a clean refusal of new work instead of
 * memory corruption in FD_SET.  Transfers and connections must therefore
 * share a bounded set of sockets (see the TFTP module), never one each.
 *
 * Timers live in a binary min-heap on a monotonic millisecond clock that
 * is read once per turn (ev_now()), so one turn sees one "now".  A test
 * can inject its own clock.
 *
 * Busy-polling (ev_spin): on a virtual machine whose idle vCPU halts,
 * going to sleep in select() and being woken by the next packet costs
 * tens of microseconds and more CPU than polling for a while: a module
 * that expects an answer within microseconds (TFTP, after sending a
 * window) asks for a spin, and the next wait starts with select()s of
 * zero timeout over the same sets, every descriptor watched as usual,
 * until one is ready or the time is up; only then does it block.
 *
 * Signals never do work in the handler: the handler writes the signal
 * number to a non-blocking self-pipe and the loop runs the callback.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "ev.h"
#include "log.h"

struct ev_fd {
	ev_fd_cb	 cb;
	void		*arg;
};

static struct ev_fd	 fds[FD_SETSIZE];
static int		 fd_max = -1;
static size_t		 fd_count;

static struct ev_timer	**heap;
static size_t		 heap_len, heap_cap;

static struct ev_hook	*hooks;

static ev_clock_fn	 clock_fn;
static uint64_t		 now_ms;

static int		 sigpipe_fd[2] = { -1, -1 };
static struct {
	ev_signal_cb	 cb;
	void		*arg;
} sigtab[NSIG];

static volatile sig_atomic_t loop_break;

static uint64_t		 spin_want;	/* ns, for the next wait */
static uint64_t		 fd_served_ms;	/* now_ms when a fd was last served */
static bool		 fd_served;
static struct ev_spin_stats spin_st;

uint64_t
ev_clock_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

static uint64_t
ev_monotonic(void)
{
	return ev_clock_ns() / 1000000;
}

void
ev_spin(uint64_t ns)
{
	if (ns > spin_want)
		spin_want = ns;
}

void
ev_spin_stats(struct ev_spin_stats *st)
{
	*st = spin_st;
}

/*
 * Poll the sets with a zero timeout for up to ns: the count select()
 * returned, the sets then holding what is ready, or 0 (sets untouched)
 * when nothing came.
 */
static int
ev_spin_wait(int maxfd, fd_set *rd, fd_set *wr, fd_set *ex, uint64_t ns)
{
	uint64_t	start = ev_clock_ns(), t = start;
	fd_set		r, w, e;
	int		n;

	spin_st.spins++;
	do {
		struct timeval	zero = { 0, 0 };

		r = *rd;
		w = *wr;
		e = *ex;
		if ((n = select(maxfd + 1, &r, &w, &e, &zero)) != 0)
			break;
		t = ev_clock_ns();
	} while (t - start < ns);
	spin_st.spin_ns += ev_clock_ns() - start;
	if (n <= 0)
		return 0;
	spin_st.hits++;
	*rd = r;
	*wr = w;
	*ex = e;
	return n;
}

void
ev_set_clock(ev_clock_fn fn)
{
	clock_fn = fn;
	ev_update_now();
}

uint64_t
ev_update_now(void)
{
	now_ms = clock_fn != NULL ? clock_fn() : ev_monotonic();
	return now_ms;
}

uint64_t
ev_now(void)
{
	return now_ms;
}

static void
ev_sigpipe_read(int fd, void *arg)
{
	unsigned char	buf[64];
	ssize_t		n, i;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++)
			if (buf[i] < NSIG && sigtab[buf[i]].cb != NULL)
				sigtab[buf[i]].cb(buf[i], sigtab[buf[i]].arg);
}

static void
ev_sighandler(int signo)
{
	unsigned char	b = (unsigned char)signo;
	int		saved = errno;

	/* A full pipe already holds a wake-up: dropping this byte is fine. */
	(void)!write(sigpipe_fd[1], &b, 1);
	errno = saved;
}

int
ev_init(void)
{
	struct rlimit	rl;
	int		i;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > FD_SETSIZE)) {
		rl.rlim_cur = FD_SETSIZE;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			log_warn("ev: cannot lower RLIMIT_NOFILE to %d",
			    FD_SETSIZE);
	}
	if (pipe2(sigpipe_fd, O_NONBLOCK | O_CLOEXEC) == -1)
		return -1;
	for (i = 0; i < 2; i++)
		if (sigpipe_fd[i] >= FD_SETSIZE) {
			errno = EMFILE;
			return -1;
		}
	loop_break = 0;
	fd_served = false;
	ev_update_now();
	return ev_fd_add(sigpipe_fd[0], ev_sigpipe_read, NULL);
}

void
ev_fini(void)
{
	int	i;

	for (i = 1; i < NSIG; i++)
		if (sigtab[i].cb != NULL) {
			signal(i, SIG_DFL);
			sigtab[i].cb = NULL;
		}
	for (i = 0; i < 2; i++)
		if (sigpipe_fd[i] != -1) {
			ev_fd_del(sigpipe_fd[i]);
			close(sigpipe_fd[i]);
			sigpipe_fd[i] = -1;
		}
	while (heap_len > 0)
		ev_timer_del(heap[0]);
	free(heap);
	heap = NULL;
	heap_cap = 0;
	hooks = NULL;
	fd_served = false;
}

int
ev_fd_add(int fd, ev_fd_cb cb, void *arg)
{
	if (fd < 0 || fd >= FD_SETSIZE) {
		errno = fd < 0 ? EBADF : EMFILE;
		return -1;
	}
	if (fds[fd].cb == NULL)
		fd_count++;
	fds[fd].cb = cb;
	fds[fd].arg = arg;
	if (fd > fd_max)
		fd_max = fd;
	return 0;
}

void
ev_fd_del(int fd)
{
	if (fd < 0 || fd >= FD_SETSIZE || fds[fd].cb == NULL)
		return;
	fds[fd].cb = NULL;
	fds[fd].arg = NULL;
	fd_count--;
	while (fd_max >= 0 && fds[fd_max].cb == NULL)
		fd_max--;
}

size_t
ev_fd_count(void)
{
	return fd_count;
}

void
ev_hook_add(struct ev_hook *hook)
{
	hook->next = hooks;
	hooks = hook;
}

void
ev_hook_del(struct ev_hook *hook)
{
	struct ev_hook	**pp;

	for (pp = &hooks; *pp != NULL; pp = &(*pp)->next)
		if (*pp == hook) {
			*pp = hook->next;
			return;
		}
}

/* Heap helpers: slot is index + 1 so that 0 means "not queued". */
static void
heap_set(size_t i, struct ev_timer *t)
{
	heap[i] = t;
	t->slot = i + 1;
}

static void
heap_up(size_t i)
{
	struct ev_timer	*t = heap[i];

	while (i > 0) {
		size_t	parent = (i - 1) / 2;

		if (heap[parent]->when <= t->when)
			break;
		heap_set(i, heap[parent]);
		i = parent;
	}
	heap_set(i, t);
}

static void
heap_down(size_t i)
{
	struct ev_timer	*t = heap[i];

	for (;;) {
		size_t	c = 2 * i + 1;

		if (c >= heap_len)
			break;
		if (c + 1 < heap_len && heap[c + 1]->when < heap[c]->when)
			c++;
		if (t->when <= heap[c]->when)
			break;
		heap_set(i, heap[c]);
		i = c;
	}
	heap_set(i, t);
}

void
ev_timer_init(struct ev_timer *t, ev_timer_cb cb, void *arg)
{
	t->when = 0;
	t->cb = cb;
	t->arg = arg;
	t->slot = 0;
}

void
ev_timer_del(struct ev_timer *t)
{
	size_t	i;

	if (t->slot == 0)
		return;
	i = t->slot - 1;
	t->slot = 0;
	heap_len--;
	if (i == heap_len)
		return;
	heap_set(i, heap[heap_len]);
	heap_up(i);
	heap_down(heap[i]->slot - 1);
}

void
ev_timer_add(struct ev_timer *t, uint64_t delay_ms)
{
	ev_timer_del(t);
	if (heap_len == heap_cap) {
		size_t		 ncap = heap_cap ? heap_cap * 2 : 64;
		struct ev_timer	**n = reallocarray(heap, ncap, sizeof(*n));

		if (n == NULL)
			fatal("ev: timer heap");
		heap = n;
		heap_cap = ncap;
	}
	t->when = now_ms + delay_ms;
	heap_set(heap_len, t);
	heap_len++;
	heap_up(heap_len - 1);
}

bool
ev_timer_pending(const struct ev_timer *t)
{
	return t->slot != 0;
}

size_t
ev_timer_count(void)
{
	return heap_len;
}

int64_t
ev_timer_next(void)
{
	if (heap_len == 0)
		return -1;
	if (heap[0]->when <= now_ms)
		return 0;
	return (int64_t)(heap[0]->when - now_ms);
}

size_t
ev_timers_run(void)
{
	size_t	ran = 0;

	while (heap_len > 0 && heap[0]->when <= now_ms) {
		struct ev_timer	*t = heap[0];

		ev_timer_del(t);
		ran++;
		t->cb(t->arg);	/* may re-arm t or free it */
	}
	return ran;
}

int
ev_signal_add(int signo, ev_signal_cb cb, void *arg)
{
	struct sigaction	sa;

	if (signo <= 0 || signo >= NSIG || signo > 255) {
		errno = EINVAL;
		return -1;
	}
	sigtab[signo].cb = cb;
	sigtab[signo].arg = arg;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ev_sighandler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	return sigaction(signo, &sa, NULL);
}

bool
ev_fds_active(uint64_t within_ms)
{
	return fd_served && now_ms - fd_served_ms <= within_ms;
}

int
ev_sets_trim(fd_set *rd, fd_set *wr, fd_set *ex, int maxfd, int max,
    int *next)
{
	int	fd, i, start, set = 0, kept = 0;

	if (maxfd < 0)
		return 0;
	if (maxfd >= FD_SETSIZE)
		maxfd = FD_SETSIZE - 1;
	start = *next >= 0 && *next <= maxfd ? *next : 0;
	for (i = 0; i <= maxfd; i++) {
		fd = start + i > maxfd ? start + i - maxfd - 1 : start + i;
		if (!FD_ISSET(fd, rd) && !FD_ISSET(fd, wr) &&
		    !FD_ISSET(fd, ex))
			continue;
		set++;
		if (kept < max) {
			kept++;
			*next = fd + 1;
			continue;
		}
		FD_CLR(fd, rd);
		FD_CLR(fd, wr);
		FD_CLR(fd, ex);
	}
	return set;
}

int
ev_run_once(int64_t max_wait_ms)
{
	fd_set		 rd, wr, ex;
	struct timeval	 tv, *tvp = NULL;
	struct ev_hook	*h;
	uint64_t	 hook_to = UINT64_MAX;
	int64_t		 wait = ev_timer_next();
	uint64_t	 spin = spin_want;
	int		 maxfd = fd_max, fd, n = 0;

	spin_want = 0;
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_ZERO(&ex);
	for (fd = 0; fd <= fd_max; fd++)
		if (fds[fd].cb != NULL)
			FD_SET(fd, &rd);
	for (h = hooks; h != NULL; h = h->next)
		h->prepare(h->arg, &rd, &wr, &ex, &maxfd, &hook_to);
	/* The smaller of every deadline wins. */
	if (hook_to != UINT64_MAX && (wait < 0 || (uint64_t)wait > hook_to))
		wait = (int64_t)hook_to;
	if (max_wait_ms >= 0 && (wait < 0 || wait > max_wait_ms))
		wait = max_wait_ms;
	if (wait >= 0) {
		tv.tv_sec = wait / 1000;
		tv.tv_usec = (wait % 1000) * 1000;
		tvp = &tv;
	}
	if (spin > 0 && wait != 0)
		n = ev_spin_wait(maxfd, &rd, &wr, &ex, spin);
	if (n == 0)
		n = select(maxfd + 1, &rd, &wr, &ex, tvp);
	if (n == -1 && errno != EINTR)
		return -1;
	if (n <= 0) {
		/* After EINTR or a timeout the sets say nothing. */
		FD_ZERO(&rd);
		FD_ZERO(&wr);
		FD_ZERO(&ex);
	}
	ev_update_now();
	if (n > 0) {
		for (fd = 0; fd <= fd_max; fd++)
			if (fds[fd].cb != NULL && FD_ISSET(fd, &rd)) {
				fd_served = true;
				fd_served_ms = now_ms;
				fds[fd].cb(fd, fds[fd].arg);
			}
	}
	for (h = hooks; h != NULL; h = h->next)
		h->dispatch(h->arg, &rd, &wr, &ex);
	ev_timers_run();
	return 0;
}

int
ev_loop(void)
{
	loop_break = 0;
	while (!loop_break)
		if (ev_run_once(-1) == -1) {
			log_warn("ev: select");
			return -1;
		}
	return 0;
}

void
ev_break(void)
{
	loop_break = 1;
}
