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
