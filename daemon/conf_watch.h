/*
 * conf_watch.h: watch-conf-dir: reload when conf.d or the main file
 * changes (inotify in the loop, debounced).
 */
#ifndef PXED_CONF_WATCH_H
#define PXED_CONF_WATCH_H

#include <stdbool.h>

#include "conf.h"

/*
 * Follow conf's settings: start watching its conf.d and main file, move
 * the watches when they changed, stop when watch-conf-dir is off.  reload
 * is what a change runs (pxed_reload: the SIGHUP path).
 */
void	conf_watch_apply(const struct conf *conf, int (*reload)(void));
void	conf_watch_stop(void);
bool	conf_watch_active(void);

#endif
