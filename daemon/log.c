/*
 * log.c: one place for pxed's messages.  With -d they go to stderr,
 * otherwise to syslog with the daemon facility.  Callers prefix their
 * module ("conf:", "dhcp:", "tftp:", "http:").  Strings that come from
 * clients go through log_sanitize() first, so a hostile packet cannot
 * forge log lines or write terminal escapes.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "hash.h"
#include "log.h"
#include "names.h"

static int	log_to_stderr = 1;
static int	log_level = LOG_INFO;
static log_sink_t log_sink;
static uint64_t	(*log_clock)(void);
static struct log_rate *log_held;	/* rates holding a line back */

/* By syslog priority; the levels pxed accepts are the named ones. */
static const char *const log_levels[] = {
	[LOG_ERR] = "error",
	[LOG_WARNING] = "warning",
	[LOG_NOTICE] = "notice",
	[LOG_INFO] = "info",
	[LOG_DEBUG] = "debug",
};

void
log_init(const char *ident, int to_stderr, int level)
{
	log_to_stderr = to_stderr;
	log_level = level;
	if (!to_stderr)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_setlevel(int level)
{
	log_level = level;
}

int
log_getlevel(void)
{
	return log_level;
}

int
log_level_parse(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof(log_levels) / sizeof(log_levels[0]); i++)
		if (log_levels[i] != NULL && strcasecmp(name,
		    log_levels[i]) == 0)
			return (int)i;
	return -1;
}

const char *
log_level_name(int level)
{
	return NAMES_GET(log_levels, level);
}

void
log_set_sink(log_sink_t sink)
{
	log_sink = sink;
}

void
log_vemit(int prio, const char *fmt, va_list ap)
{
	char	line[1024];

	if (prio > log_level)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	if (log_sink != NULL)
		log_sink(prio, line);
	else if (log_to_stderr) {
		struct timespec	ts;
		struct tm	tm;
		char		stamp[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld pxed: %s\n", stamp,
		    ts.tv_nsec / 1000000, line);
	} else
		syslog(prio, "%s", line);
}

void
log_emit(int prio, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vemit(prio, fmt, ap);
	va_end(ap);
}

static void
log_verrno(int prio, int saved, const char *fmt, va_list ap)
{
	char	msg[900];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	log_emit(prio, "%s: %s", msg, strerror(saved));
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	log_verrno(LOG_WARNING, saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vemit(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vemit(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vemit(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	log_verrno(LOG_CRIT, saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vemit(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}

void
log_set_clock(uint64_t (*fn)(void))
{
	log_clock = fn;
}

static uint64_t
log_now_ms(void)
{
	struct timespec	ts;

	if (log_clock != NULL)
		return log_clock();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
log_rate_unhold(struct log_rate *r)
{
	struct log_rate	**p;

	for (p = &log_held; *p != NULL; p = &(*p)->next)
		if (*p == r) {
			*p = r->next;
			break;
		}
	free(r->held);
	r->held = NULL;
	r->next = NULL;
}

/* Out goes msg, with the count of those held back before it. */
static void
log_rate_out(struct log_rate *r, int prio, const char *msg, unsigned before,
    uint64_t now)
{
	if (before > 0)
		log_emit(prio, "%s (%u more suppressed)", msg, before);
	else
		log_emit(prio, "%s", msg);
	r->used = 1;
	r->last_ms = now;
	r->suppressed = 0;
}

void
log_rated(struct log_rate *r, int prio, const char *fmt, ...)
{
	va_list		 ap;
	char		 msg[900], *held;
	uint64_t	 now;

	if (prio > log_level)
		return;
	now = log_now_ms();
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->used && now - r->last_ms < LOG_RATE_MS) {
		/* Keep the latest, for log_rate_flush(). */
		if ((held = strdup(msg)) == NULL)
			return;
		if (r->held == NULL) {
			r->next = log_held;
			log_held = r;
		}
		free(r->held);
		r->held = held;
		r->prio = prio;
		r->suppressed++;
		return;
	}
	if (r->held != NULL)
		log_rate_unhold(r);
	log_rate_out(r, prio, msg, r->suppressed, now);
}

void
log_rate_flush(int all)
{
	struct log_rate	*r, *next;
	uint64_t	 now = log_now_ms();

	for (r = log_held; r != NULL; r = next) {
		next = r->next;
		if (!all && now - r->last_ms < LOG_RATE_MS)
			continue;
		/* The held line goes out; the others were before it. */
		log_rate_out(r, r->prio, r->held, r->suppressed - 1, now);
		log_rate_unhold(r);
	}
}

struct log_rate *
log_rate_slot(struct log_rate tab[LOG_RATE_SLOTS], const void *key,
    size_t len)
{
	size_t		 h = hash_bytes(key, len);
	struct log_rate	*r = &tab[h % LOG_RATE_SLOTS];

	/*
	 * Another client's slot that spoke within the second: share it, so
	 * that a flood from many addresses still makes at most a line a
	 * second per slot (the count then covers both).  Else say what it
	 * held and start afresh.
	 */
	if (r->used && r->key != h && log_now_ms() - r->last_ms < LOG_RATE_MS)
		return r;
	if (!r->used || r->key != h) {
		if (r->held != NULL) {
			log_rate_out(r, r->prio, r->held, r->suppressed - 1,
			    log_now_ms());
			log_rate_unhold(r);
		}
		memset(r, 0, sizeof(*r));
		r->key = h;
	}
	return r;
}

struct log_rate *
log_rate_client(struct log_rate tab[LOG_RATE_SLOTS], const char *who,
    const char *what)
{
	char		 key[1400];
	const char	*colon = strrchr(who, ':');
	int		 n;

	n = snprintf(key, sizeof(key), "%.*s %s", colon != NULL ?
	    (int)(colon - who) : (int)strlen(who), who,
	    what != NULL ? what : "");
	if (n < 0 || (size_t)n >= sizeof(key))
		n = (int)sizeof(key) - 1;
	return log_rate_slot(tab, key, (size_t)n);
}

char *
log_sanitize(char *dst, size_t dstlen, const uint8_t *src, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t	i, o = 0;

	if (dstlen == 0)
		return dst;
	for (i = 0; i < len; i++) {
		uint8_t	c = src[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 >= dstlen)
				break;
			dst[o++] = (char)c;
		} else {
			if (o + 4 >= dstlen)
				break;
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 15];
		}
	}
	dst[o] = '\0';
	return dst;
}
