/*
 * pxed.c: the daemon's state between loop turns.
 *
 * A reload (SIGHUP, run from the loop, never in the handler) builds a
 * complete new config with conf_load(); only when it has no error does
 * the pointer swap, so the running config is never half-replaced.  Work
 * in flight that needs the old config holds a reference to it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf_watch.h"
#include "ev.h"
#include "log.h"
#include "pxed.h"
#include "tftp_io.h"
#include "dhcp_io.h"
#include "host_pg.h"
#include "dhcp6_io.h"
#include "ra_io.h"
#include "http.h"
#include "notify.h"

struct pxed pxed;

static int	pxed_reload_apply(void);

void
pxed_apply_loglevel(const struct conf *conf)
{
	int	level = conf->loglevel + pxed.verbose;

	log_setlevel(level > LOG_DEBUG ? LOG_DEBUG : level);
}

struct conf *
pxed_load(const struct conf_args *args, bool quiet)
{
	struct conf_errors	 errs = { NULL, 0 };
	struct conf		*conf;
	size_t			 i;

	conf = conf_load(args, &errs);
	if (conf == NULL && !quiet)
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.msg[i]);
	conf_errors_free(&errs);
	return conf;
}

/* The service manager's status line: generation and counts. */
void
pxed_notify_ready(void)
{
	char	sum[512], status[640];

	conf_summary(pxed.conf, sum, sizeof(sum));
	snprintf(status, sizeof(status), "generation %u%s: %s",
	    pxed.generation, pxed.last_reload_ok ? "" :
	    " (last reload failed)", sum);
	notify_ready(status);
}

int
pxed_reload(void)
{
	int	rc;

	notify_reloading();
	rc = pxed_reload_apply();
	/* watch-conf-dir may have been turned on or off, conf-dir moved. */
	if (rc == 0)
		conf_watch_apply(pxed.conf, pxed_reload);
	pxed_notify_ready();
	return rc;
}

static int
pxed_reload_apply(void)
{
	struct conf_errors	 errs = { NULL, 0 };
	struct conf		*conf;
	struct timespec		 t0, t1;
	char			 sum[512];
	size_t			 i;
	long			 ms;

	pxed.reloads++;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	conf = conf_load(&pxed.args, &errs);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) /
	    1000000;
	if (conf == NULL) {
		for (i = 0; i < errs.n; i++)
			log_warnx("conf: %s", errs.msg[i]);
		log_warnx("conf: reload failed with %zu error%s, still "
		    "serving generation %u", errs.n, errs.n == 1 ? "" : "s",
		    pxed.generation);
		conf_errors_free(&errs);
		pxed.last_reload_ok = false;
		pxed.reload_failures++;
		return -1;
	}
	if (pxed_check_runtime(conf, false) != PXED_EXIT_OK) {
		log_warnx("conf: reload refused, still serving generation %u",
		    pxed.generation);
		conf_free(conf);
		pxed.last_reload_ok = false;
		pxed.reload_failures++;
		return -1;
	}
	if ((conf->user == NULL) != (pxed.conf->user == NULL) ||
	    (conf->user != NULL && strcmp(conf->user, pxed.conf->user) != 0))
		log_warnx("conf: a new user takes effect at restart");
	conf->generation = ++pxed.generation;
	/* Modules switch before the old config goes. */
	tftp_io_reload(conf);
#ifdef HAVE_LIBPQ
	host_pg_reload(conf);
#endif
	dhcp_io_reload(conf);
	dhcp6_io_reload(conf);
	ra_io_reload(conf);
	http_reload(conf);
	conf_unref(pxed.conf);
	pxed.conf = conf;
	pxed.last_reload_ok = true;
	pxed.loaded_at = time(NULL);
	pxed_apply_loglevel(conf);
	conf_summary(conf, sum, sizeof(sum));
	log_info("conf: reloaded in %ld ms, generation %u: %s", ms,
	    pxed.generation, sum);
	if (pxed.write_pidfile && utimensat(AT_FDCWD, conf->pidfile, NULL,
	    0) == -1)
		log_warn("conf: cannot touch pidfile %s", conf->pidfile);
	return 0;
}

/* The boot entries in the order they are tried, with where they stand. */
static void
pxed_boot_list(const struct conf *conf)
{
	char	line[900];
	size_t	i, off = 0;
	int	n;

	line[0] = '\0';
	for (i = 0; i < conf->nboots && i < 20; i++) {
		n = snprintf(line + off, sizeof(line) - off, "%s%s (%s:%d)",
		    i ? ", " : "", conf->boots[i].name,
		    conf->boots[i].where.file, conf->boots[i].where.line);
		if (n < 0 || (size_t)n >= sizeof(line) - off)
			break;
		off += (size_t)n;
	}
	log_info("state: boot entries in order: %s%s", conf->nboots ? line :
	    "(none)", conf->nboots > i ? ", ..." : "");
}

void
pxed_summary(void)
{
	char	sum[512], when[32];

	conf_summary(pxed.conf, sum, sizeof(sum));
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S",
	    localtime(&pxed.loaded_at));
	log_info("state: generation %u loaded %s, last reload %s (%u reloads,"
	    " %u failed)", pxed.generation, when,
	    pxed.last_reload_ok ? "ok" : "FAILED", pxed.reloads,
	    pxed.reload_failures);
	log_info("state: config %s", sum);
	pxed_boot_list(pxed.conf);
	tftp_io_summary();
	dhcp_io_summary();
	dhcp6_io_summary();
	http_summary();
	log_info("state: %zu fds watched of %d, %zu timers", ev_fd_count(),
	    FD_SETSIZE, ev_timer_count());
}

static int
pxed_check_dir(const char *what, const char *path, bool fatal_errors)
{
	struct stat	 st;
	const char	*why = NULL;

	if (stat(path, &st) == -1)
		why = strerror(errno);
	else if (!S_ISDIR(st.st_mode))
		why = "not a directory";
	if (why == NULL)
		return PXED_EXIT_OK;
	if (fatal_errors)
		fprintf(stderr, "pxed: %s %s: %s\n", what, path, why);
	else
		log_warnx("%s %s: %s", what, path, why);
	return PXED_EXIT_FS;
}

int
pxed_check_runtime(const struct conf *conf, bool fatal_errors)
{
	size_t	i;
	int	rc;

	if (conf->tftp.enable &&
	    (rc = pxed_check_dir("tftp: root", conf->tftp.root,
	    fatal_errors)) != PXED_EXIT_OK)
		return rc;
	if (conf->http.enable &&
	    (rc = pxed_check_dir("http: root", conf->http.root,
	    fatal_errors)) != PXED_EXIT_OK)
		return rc;
	for (i = 0; i < conf->ninterfaces; i++)
		if (if_nametoindex(conf->interfaces[i]) == 0) {
			if (fatal_errors)
				fprintf(stderr, "pxed: interface %s: %s\n",
				    conf->interfaces[i], strerror(errno));
			else
				log_warnx("interface %s: %s",
				    conf->interfaces[i], strerror(errno));
			return PXED_EXIT_NETWORK;
		}
	return PXED_EXIT_OK;
}
