/*
 * ev.h: pxed's single-threaded select() loop.
 */
#ifndef PXED_EV_H
#define PXED_EV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/select.h>

typedef void	(*ev_fd_cb)(int fd, void *arg);
typedef void	(*ev_timer_cb)(void *arg);
typedef void	(*ev_signal_cb)(int signo, void *arg);
typedef uint64_t (*ev_clock_fn)(void);

struct ev_timer {
	uint64_t	 when;		/* monotonic milliseconds */
	ev_timer_cb	 cb;
	void		*arg;
	size_t		 slot;		/* heap index + 1, 0 when idle */
};

/*
 * A hook lets a library with its own descriptors (libmicrohttpd in
 * external-select mode) join the loop: prepare() adds its fds to the
 * sets and may lower *timeout_ms; dispatch() runs after select().
 */
struct ev_hook {
	void	(*prepare)(void *arg, fd_set *rd, fd_set *wr, fd_set *ex,
		    int *maxfd, uint64_t *timeout_ms);
	void	(*dispatch)(void *arg, fd_set *rd, fd_set *wr, fd_set *ex);
	void	*arg;
	struct ev_hook *next;
};

int	 ev_init(void);
void	 ev_fini(void);

/* Descriptors are watched for reading; fds >= FD_SETSIZE are refused. */
int	 ev_fd_add(int fd, ev_fd_cb cb, void *arg);
void	 ev_fd_del(int fd);
size_t	 ev_fd_count(void);

void	 ev_hook_add(struct ev_hook *hook);
void	 ev_hook_del(struct ev_hook *hook);

void	 ev_timer_init(struct ev_timer *t, ev_timer_cb cb, void *arg);
void	 ev_timer_add(struct ev_timer *t, uint64_t delay_ms);
void	 ev_timer_del(struct ev_timer *t);
bool	 ev_timer_pending(const struct ev_timer *t);
size_t	 ev_timer_count(void);
/* Milliseconds until the next timer (0 if due), or -1 when none. */
int64_t	 ev_timer_next(void);
/* Run every timer that is due at ev_now(); returns how many ran. */
size_t	 ev_timers_run(void);

int	 ev_signal_add(int signo, ev_signal_cb cb, void *arg);

/* Cached monotonic clock, refreshed once per loop turn. */
uint64_t ev_now(void);
uint64_t ev_update_now(void);
/* Tests inject a clock; NULL restores CLOCK_MONOTONIC. */
void	 ev_set_clock(ev_clock_fn fn);

/*
 * Busy-polling: the next wait starts with up to ns nanoseconds of
 * select() with a zero timeout (the largest request of the turn wins;
 * every turn starts with none).  ev_spun() says what the last turn did.
 */
void	 ev_spin(uint64_t ns);
/* Monotonic nanoseconds, read now (the vDSO: no system call). */
uint64_t ev_clock_ns(void);
struct ev_spin_stats {
	uint64_t	 spins;		/* waits that began with a spin */
	uint64_t	 hits;		/* ... ended by a ready descriptor */
	uint64_t	 spin_ns;	/* time spent spinning */
};
void	 ev_spin_stats(struct ev_spin_stats *);

/*
 * Fairness for a hook that serves many descriptors in one dispatch: of
 * the descriptors 0..maxfd set in any of rd, wr and ex, keep at most max
 * (the first ones at or after *next, going round), clear the others from
 * all three sets and move *next past the last one kept, so that the next
 * turn starts where this one stopped.  What is cleared is still ready at
 * the next select(), which then does not wait; the loop's own
 * descriptors (DHCP, TFTP) get their turn in between.  Returns how many
 * were set.
 */
int	 ev_sets_trim(fd_set *rd, fd_set *wr, fd_set *ex, int maxfd, int max,
	    int *next);
/*
 * Whether one of the loop's own descriptors (ev_fd_add) was served within
 * the last within_ms (by ev_now()): whether a hook has anyone to share
 * its turns with.
 */
bool	 ev_fds_active(uint64_t within_ms);

/* One turn: wait at most max_wait_ms (-1: no cap), dispatch, run timers. */
int	 ev_run_once(int64_t max_wait_ms);
int	 ev_loop(void);
void	 ev_break(void);

#endif
