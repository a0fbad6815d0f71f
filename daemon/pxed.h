/*
 * pxed.h: the running daemon's state: the current config, reload,
 * state summaries, start-up checks.
 */
#ifndef PXED_PXED_H
#define PXED_PXED_H

#include <stdbool.h>
#include <time.h>

#include "conf.h"

/* Exit codes, as dnsmasq's. */
#define PXED_EXIT_OK		0
#define PXED_EXIT_CONFIG	1
#define PXED_EXIT_NETWORK	2
#define PXED_EXIT_FS		3

struct pxed {
	struct conf		*conf;		/* current, immutable */
	struct conf_args	 args;
	unsigned		 generation;
	bool			 last_reload_ok;
	time_t			 loaded_at;
	unsigned		 reloads, reload_failures;
	int			 verbose;	/* -v count */
	bool			 write_pidfile;
};

extern struct pxed pxed;

/* Load the first config; prints errors to stderr. NULL on error. */
struct conf	*pxed_load(const struct conf_args *args, bool quiet);
/* Build, validate, swap; on error keep the running config. 0 or -1. */
int		 pxed_reload(void);
/* READY=1 and STATUS= to the service manager (notify.c). */
void		 pxed_notify_ready(void);
void		 pxed_summary(void);
/* Checks done before serving: the roots and the interfaces. */
int		 pxed_check_runtime(const struct conf *conf, bool fatal_errors);
void		 pxed_apply_loglevel(const struct conf *conf);

#endif
