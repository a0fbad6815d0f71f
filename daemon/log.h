/*
 * log.h: pxed's logging, to syslog (daemon facility) or to stderr.
 */
#ifndef PXED_LOG_H
#define PXED_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <syslog.h>

#define LOG_FMT(a, b) __attribute__((format(printf, a, b)))

void	log_init(const char *ident, int to_stderr, int level);
void	log_setlevel(int level);
int	log_getlevel(void);
int	log_level_parse(const char *name);
const char *log_level_name(int level);

void	log_emit(int prio, const char *fmt, ...) LOG_FMT(2, 3);
void	log_vemit(int prio, const char *fmt, va_list ap) LOG_FMT(2, 0);
void	log_warn(const char *fmt, ...) LOG_FMT(1, 2);
void	log_warnx(const char *fmt, ...) LOG_FMT(1, 2);
void	log_info(const char *fmt, ...) LOG_FMT(1, 2);
void	log_debug(const char *fmt, ...) LOG_FMT(1, 2);
void	fatal(const char *fmt, ...) LOG_FMT(1, 2) __attribute__((noreturn));
void	fatalx(const char *fmt, ...) LOG_FMT(1, 2) __attribute__((noreturn));

/*
 * Repeated messages: at most one line a second per struct log_rate (one
 * per kind of message, static at its call site), and the next line that
 * goes out says how many were held back: "... (37 more suppressed)".
 * When the storm ends, log_rate_flush() (once a second from the loop)
 * writes the last line held back with that count, so none goes unsaid.
 * Kinds that are per client use a table of LOG_RATE_SLOTS and
 * log_rate_slot() with the client's key (its address, plus what it asked
 * for where repeats of one request are the noise).  A slot that spoke for
 * another key within the second is shared rather than taken over, so a
 * table writes at most LOG_RATE_SLOTS lines a second however many
 * addresses flood it.
 */
struct log_rate {
	size_t		 key;		/* log_rate_slot()'s hash */
	uint64_t	 last_ms;	/* when the last line went out */
	unsigned	 suppressed;	/* held back since then */
	int		 used;
	int		 prio;		/* of the line held */
	char		*held;		/* the last line held back */
	struct log_rate	*next;		/* in the list of those holding one */
};
#define LOG_RATE_SLOTS	64
#define LOG_RATE_MS	1000

void	log_rated(struct log_rate *r, int prio, const char *fmt, ...)
	    LOG_FMT(3, 4);
struct log_rate *log_rate_slot(struct log_rate tab[LOG_RATE_SLOTS],
	    const void *key, size_t len);
/* The slot of a client "address:port" (any port) and what it asked. */
struct log_rate *log_rate_client(struct log_rate tab[LOG_RATE_SLOTS],
	    const char *who, const char *what);
/* Write the lines held a second or more (all of them: at exit). */
void	log_rate_flush(int all);
/* Tests inject a monotonic clock (milliseconds); NULL restores it. */
void	log_set_clock(uint64_t (*fn)(void));

/* Test hook: when set, every emitted line goes here instead. */
typedef void (*log_sink_t)(int prio, const char *line);
void	log_set_sink(log_sink_t sink);

/*
 * Copy untrusted bytes into dst as printable ASCII: anything outside
 * 0x20..0x7e (and the backslash) is written as \xNN.  dst is always
 * NUL-terminated; the result is cut short rather than overflowing.
 */
char	*log_sanitize(char *dst, size_t dstlen, const uint8_t *src, size_t len);

#endif
