/*
 * test_ev.c: the loop's timers on an injected clock, the fd table's
 * FD_SETSIZE guard, signals through the self-pipe, and busy-polling.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include "ev.h"
#include "unit.h"

static uint64_t	fake_now;
static int	fired[64], nfired;

static uint64_t
fake_clock(void)
{
	return fake_now;
}

static void
on_timer(void *arg)
{
	if (nfired < 64)
		fired[nfired++] = (int)(intptr_t)arg;
}

static int
ev_setup(void)
{
	fake_now = 1000;
	ev_set_clock(fake_clock);
	return ev_init() == 0 ? 0 : -1;
}

static int
ev_teardown(void)
{
	ev_fini();
	ev_set_clock(NULL);
	return 0;
}

static void
test_order(void)
{
	struct ev_timer	t[5];
	int		i;

	nfired = 0;
	for (i = 0; i < 5; i++)
		ev_timer_init(&t[i], on_timer, (void *)(intptr_t)i);
	ev_timer_add(&t[0], 500);
	ev_timer_add(&t[1], 100);
	ev_timer_add(&t[2], 300);
	ev_timer_add(&t[3], 300);
	ev_timer_add(&t[4], 50);
	CU_ASSERT_EQUAL(ev_timer_count(), 5);
	CU_ASSERT_EQUAL(ev_timer_next(), 50);

	/* Nothing is due before its time. */
	fake_now += 49;
	ev_update_now();
	CU_ASSERT_EQUAL(ev_timers_run(), 0);
	fake_now += 1;
	ev_update_now();
	CU_ASSERT_EQUAL(ev_timers_run(), 1);
	CU_ASSERT_EQUAL(fired[0], 4);

	/* Deleting a queued timer and re-arming another. */
	ev_timer_del(&t[2]);
	CU_ASSERT_FALSE(ev_timer_pending(&t[2]));
	ev_timer_add(&t[1], 1000);		/* re-armed: 1050 from start */
	fake_now += 450;
	ev_update_now();
	CU_ASSERT_EQUAL(ev_timers_run(), 2);	/* t[3] at 300, t[0] at 500 */
	CU_ASSERT_EQUAL(fired[1], 3);
	CU_ASSERT_EQUAL(fired[2], 0);
	CU_ASSERT_EQUAL(ev_timer_count(), 1);
	CU_ASSERT_EQUAL(ev_timer_next(), 550);
	fake_now += 550;
	ev_update_now();
	CU_ASSERT_EQUAL(ev_timers_run(), 1);
	CU_ASSERT_EQUAL(fired[3], 1);
	CU_ASSERT_EQUAL(ev_timer_next(), -1);
}

/* Many timers with pseudo-random deadlines come out sorted. */
static uint64_t	last_when;
static int	order_ok;

static void
on_sorted(void *arg)
{
	struct ev_timer	*t = arg;

	if (t->when < last_when)
		order_ok = 0;
	last_when = t->when;
}

static void
test_heap(void)
{
	enum { N = 2000 };
	struct ev_timer	*t = calloc(N, sizeof(*t));
	unsigned	 seed = 12345;
	int		 i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	for (i = 0; i < N; i++) {
		seed = seed * 1103515245 + 12345;
		ev_timer_init(&t[i], on_sorted, &t[i]);
		ev_timer_add(&t[i], (seed >> 8) % 100000);
	}
	for (i = 0; i < N; i += 3)
		ev_timer_del(&t[i]);
	order_ok = 1;
	last_when = 0;
	fake_now += 100000;
	ev_update_now();
	CU_ASSERT_EQUAL(ev_timers_run(), N - (N + 2) / 3);
	CU_ASSERT_TRUE(order_ok);
	CU_ASSERT_EQUAL(ev_timer_count(), 0);
	free(t);
}

static void
on_fd(int fd, void *arg)
{
}

static void
test_fd_limit(void)
{
	size_t	before = ev_fd_count();

	errno = 0;
	CU_ASSERT_EQUAL(ev_fd_add(FD_SETSIZE, on_fd, NULL), -1);
	CU_ASSERT_EQUAL(errno, EMFILE);
	CU_ASSERT_EQUAL(ev_fd_add(-1, on_fd, NULL), -1);
	CU_ASSERT_EQUAL(ev_fd_count(), before);
	CU_ASSERT_EQUAL(ev_fd_add(FD_SETSIZE - 1, on_fd, NULL), 0);
	CU_ASSERT_EQUAL(ev_fd_count(), before + 1);
	ev_fd_del(FD_SETSIZE - 1);
	CU_ASSERT_EQUAL(ev_fd_count(), before);
}

static int	got_signal;

static void
on_sig(int signo, void *arg)
{
	got_signal = signo;
}

static void
test_signal(void)
{
	got_signal = 0;
	CU_ASSERT_EQUAL(ev_signal_add(SIGUSR2, on_sig, NULL), 0);
	raise(SIGUSR2);
	/* The handler only wrote a byte; the loop runs the callback. */
	CU_ASSERT_EQUAL(got_signal, 0);
	CU_ASSERT_EQUAL(ev_run_once(0), 0);
	CU_ASSERT_EQUAL(got_signal, SIGUSR2);
}

/* A readable fd is dispatched by one turn of the loop. */
static int	read_fd_seen;

static void
on_readable(int fd, void *arg)
{
	char	c;

	read_fd_seen = (int)read(fd, &c, 1);
}

static void
test_dispatch(void)
{
	int	p[2];

	CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
	CU_ASSERT_EQUAL(ev_fd_add(p[0], on_readable, NULL), 0);
	read_fd_seen = 0;
	CU_ASSERT_EQUAL(ev_run_once(0), 0);
	CU_ASSERT_EQUAL(read_fd_seen, 0);
	CU_ASSERT_EQUAL(write(p[1], "x", 1), 1);
	CU_ASSERT_EQUAL(ev_run_once(1000), 0);
	CU_ASSERT_EQUAL(read_fd_seen, 1);
	ev_fd_del(p[0]);
	close(p[0]);
	close(p[1]);
}

/*
 * ev_spin: the next wait polls first, for the largest request of the
 * turn; a ready fd ends the poll at once; the request is for one turn.
 */
static void
test_spin(void)
{
	struct ev_spin_stats	a, b;
	int			p[2];

	CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
	CU_ASSERT_EQUAL(ev_fd_add(p[0], on_readable, NULL), 0);
	ev_spin_stats(&a);
	/* Nothing asked: no poll. */
	CU_ASSERT_EQUAL(ev_run_once(1), 0);
	ev_spin_stats(&b);
	CU_ASSERT_EQUAL(b.spins, a.spins);
	/* Nothing ready: polls for the largest request, then waits. */
	ev_spin(100000);
	ev_spin(300000);
	ev_spin(200000);
	CU_ASSERT_EQUAL(ev_run_once(1), 0);
	ev_spin_stats(&b);
	CU_ASSERT_EQUAL(b.spins, a.spins + 1);
	CU_ASSERT_EQUAL(b.hits, a.hits);
	CU_ASSERT(b.spin_ns - a.spin_ns >= 300000);
	/* Consumed: the next turn sleeps at once. */
	CU_ASSERT_EQUAL(ev_run_once(1), 0);
	ev_spin_stats(&a);
	CU_ASSERT_EQUAL(a.spins, b.spins);
	/* Ready: the poll ends at once and the fd is dispatched. */
	read_fd_seen = 0;
	CU_ASSERT_EQUAL(write(p[1], "x", 1), 1);
	ev_spin(5000000000ULL);
	CU_ASSERT_EQUAL(ev_run_once(1000), 0);
	CU_ASSERT_EQUAL(read_fd_seen, 1);
	ev_spin_stats(&b);
	CU_ASSERT_EQUAL(b.spins, a.spins + 1);
	CU_ASSERT_EQUAL(b.hits, a.hits + 1);
	CU_ASSERT(b.spin_ns - a.spin_ns < 1000000000ULL);
	/* A turn that does not wait does not poll either. */
	ev_spin(300000);
	CU_ASSERT_EQUAL(ev_run_once(0), 0);
	CU_ASSERT_EQUAL(ev_run_once(0), 0);
	ev_spin_stats(&a);
	CU_ASSERT_EQUAL(a.spins, b.spins);
	ev_fd_del(p[0]);
	close(p[0]);
	close(p[1]);
}

/*
 * ev_sets_trim: at most max kept, going round from *next; a descriptor
 * ready for writing only, or both ways, counts once.
 */
static void
test_trim(void)
{
	fd_set	r, w, e;
	int	next = 0, fd, n;

	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_ZERO(&e);
	CU_ASSERT_EQUAL(ev_sets_trim(&r, &w, &e, -1, 4, &next), 0);
	CU_ASSERT_EQUAL(ev_sets_trim(&r, &w, &e, 20, 4, &next), 0);
	CU_ASSERT_EQUAL(next, 0);
	/* 3, 5 (both ways), 7 (writing), 9, 11, 13: six set, four kept */
	FD_SET(3, &r);
	FD_SET(5, &r);
	FD_SET(5, &w);
	FD_SET(7, &w);
	FD_SET(9, &e);
	FD_SET(11, &r);
	FD_SET(13, &r);
	CU_ASSERT_EQUAL(ev_sets_trim(&r, &w, &e, 13, 4, &next), 6);
	CU_ASSERT(FD_ISSET(3, &r) && FD_ISSET(5, &r) && FD_ISSET(5, &w));
	CU_ASSERT(FD_ISSET(7, &w) && FD_ISSET(9, &e));
	CU_ASSERT(!FD_ISSET(11, &r) && !FD_ISSET(13, &r));
	CU_ASSERT_EQUAL(next, 10);
	/* The next turn starts at 10 and goes round: 11, 13, 3, 5. */
	FD_SET(7, &w);
	FD_SET(11, &r);
	FD_SET(13, &r);
	CU_ASSERT_EQUAL(ev_sets_trim(&r, &w, &e, 13, 4, &next), 6);
	CU_ASSERT(FD_ISSET(11, &r) && FD_ISSET(13, &r));
	CU_ASSERT(FD_ISSET(3, &r) && FD_ISSET(5, &r) && FD_ISSET(5, &w));
	CU_ASSERT(!FD_ISSET(7, &w) && !FD_ISSET(9, &e));
	CU_ASSERT_EQUAL(next, 6);
	/* No more than max: all kept; *next past the last. */
	CU_ASSERT_EQUAL(ev_sets_trim(&r, &w, &e, 13, 16, &next), 4);
	CU_ASSERT(FD_ISSET(3, &r) && FD_ISSET(13, &r));
	CU_ASSERT_EQUAL(next, 6);
	/* *next at maxfd: 13 first, then round to 3. */
	next = 13;
	CU_ASSERT_EQUAL(ev_sets_trim(&r, &w, &e, 13, 2, &next), 4);
	CU_ASSERT(FD_ISSET(13, &r) && FD_ISSET(3, &r));
	CU_ASSERT(!FD_ISSET(5, &r) && !FD_ISSET(11, &r));
	CU_ASSERT_EQUAL(next, 4);
	FD_SET(5, &r);
	FD_SET(5, &w);
	FD_SET(11, &r);
	/* A *next out of range starts at 0. */
	next = 99;
	n = ev_sets_trim(&r, &w, &e, 13, 1, &next);
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT(FD_ISSET(3, &r));
	for (fd = 4; fd <= 13; fd++)
		CU_ASSERT(!FD_ISSET(fd, &r) && !FD_ISSET(fd, &w));
	CU_ASSERT_EQUAL(next, 4);
}

/*
 * A hook with many ready descriptors that trims itself: the loop's own
 * descriptor is served in the first turn, and every one of the hook's
 * within as many turns as it takes to go round once (so, for the few
 * served at the start of the last turn, twice).
 */
#define TRIM_N		40
#define TRIM_MAX	16
static struct {
	int	p[TRIM_N][2];
	int	served[TRIM_N];
	int	maxfd, next;
} trim;

static void
trim_prepare(void *arg, fd_set *rd, fd_set *wr, fd_set *ex, int *maxfd,
    uint64_t *timeout_ms)
{
	int	i;

	(void)arg;
	(void)wr;
	(void)ex;
	(void)timeout_ms;
	for (i = 0; i < TRIM_N; i++) {
		FD_SET(trim.p[i][0], rd);
		if (trim.p[i][0] > *maxfd)
			*maxfd = trim.p[i][0];
		if (trim.p[i][0] > trim.maxfd)
			trim.maxfd = trim.p[i][0];
	}
}

static void
trim_dispatch(void *arg, fd_set *rd, fd_set *wr, fd_set *ex)
{
	fd_set	r, w, e;
	int	i;

	(void)arg;
	(void)wr;
	(void)ex;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_ZERO(&e);
	for (i = 0; i < TRIM_N; i++)
		if (FD_ISSET(trim.p[i][0], rd))
			FD_SET(trim.p[i][0], &r);
	CU_ASSERT_EQUAL(ev_sets_trim(&r, &w, &e, trim.maxfd, TRIM_MAX,
	    &trim.next), TRIM_N);
	for (i = 0; i < TRIM_N; i++)
		if (FD_ISSET(trim.p[i][0], &r))
			trim.served[i]++;	/* left readable */
}

static void
test_trim_loop(void)
{
	struct ev_hook	h = { trim_prepare, trim_dispatch, NULL, NULL };
	int		p[2], i, n, turns;

	memset(&trim, 0, sizeof(trim));
	for (i = 0; i < TRIM_N; i++) {
		CU_ASSERT_EQUAL_FATAL(pipe(trim.p[i]), 0);
		CU_ASSERT_EQUAL(write(trim.p[i][1], "x", 1), 1);
	}
	CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
	CU_ASSERT_EQUAL(ev_fd_add(p[0], on_readable, NULL), 0);
	ev_hook_add(&h);
	read_fd_seen = 0;
	/* ev_fds_active: nothing served in the last second... */
	fake_now += 1000;
	CU_ASSERT_EQUAL(ev_run_once(0), 0);
	CU_ASSERT_FALSE(ev_fds_active(999));
	CU_ASSERT_EQUAL(read_fd_seen, 0);
	memset(trim.served, 0, sizeof(trim.served));
	trim.next = 0;
	/* ... the loop's fd is served at once beside the hook's 40 */
	CU_ASSERT_EQUAL(write(p[1], "x", 1), 1);
	CU_ASSERT_EQUAL(ev_run_once(1000), 0);
	CU_ASSERT_EQUAL(read_fd_seen, 1);
	CU_ASSERT_TRUE(ev_fds_active(0));
	CU_ASSERT_TRUE(ev_fds_active(100));
	turns = 1;
	while (turns < (TRIM_N + TRIM_MAX - 1) / TRIM_MAX) {
		CU_ASSERT_EQUAL(ev_run_once(1000), 0);
		turns++;
	}
	/* 3 turns of 16: every one of the 40 once, 8 of them twice */
	for (i = 0, n = 0; i < TRIM_N; i++) {
		CU_ASSERT(trim.served[i] == 1 || trim.served[i] == 2);
		n += trim.served[i];
	}
	CU_ASSERT_EQUAL(n, turns * TRIM_MAX);
	/* Not since: active within 100 ms until 100 ms have passed. */
	fake_now += 100;
	CU_ASSERT_EQUAL(ev_run_once(0), 0);
	CU_ASSERT_TRUE(ev_fds_active(100));
	CU_ASSERT_FALSE(ev_fds_active(99));
	fake_now += 1;
	CU_ASSERT_EQUAL(ev_run_once(0), 0);
	CU_ASSERT_FALSE(ev_fds_active(100));
	ev_hook_del(&h);
	ev_fd_del(p[0]);
	close(p[0]);
	close(p[1]);
	for (i = 0; i < TRIM_N; i++) {
		close(trim.p[i][0]);
		close(trim.p[i][1]);
	}
}

void
test_ev_register(void)
{
	CU_pSuite	s = CU_add_suite("ev", ev_setup, ev_teardown);

	CU_add_test(s, "timer order, delete, re-arm", test_order);
	CU_add_test(s, "2000 timers through the heap", test_heap);
	CU_add_test(s, "FD_SETSIZE guard", test_fd_limit);
	CU_add_test(s, "signal via self-pipe", test_signal);
	CU_add_test(s, "fd dispatch", test_dispatch);
	CU_add_test(s, "busy-poll before the wait", test_spin);
	CU_add_test(s, "a hook's descriptors trimmed, going round",
	    test_trim);
	CU_add_test(s, "the loop's fds served beside a trimmed hook",
	    test_trim_loop);
}
