/*
 * main.c: pxed's command line, start-up and shutdown.
 *
 * Start-up order: parse arguments; load the whole configuration (errors
 * go to the terminal, exit 1); -t and --explain stop here; check roots
 * (exit 3) and interfaces (exit 2); set up the loop and, later, bind the
 * ports; drop privileges; detach unless -d; write the pidfile; serve.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf_watch.h"
#include "dhcp_io.h"
#include "dhcp6_io.h"
#include "ra_io.h"
#include "ev.h"
#include "explain.h"
#include "host_pg.h"
#include "http.h"
#include "lease.h"
#include "lease_pg.h"
#include "log.h"
#include "notify.h"
#include "priv.h"
#include "pxed.h"
#include "tftp_io.h"

#ifndef PXED_SYSCONFDIR
#define PXED_SYSCONFDIR	"/etc"
#endif

enum { OPT_EXPLAIN = 256, OPT_LEASES, OPT_JSON, OPT_DB_INIT };

static const struct option longopts[] = {
	{ "config",	required_argument,	NULL, 'f' },
	{ "debug",	no_argument,		NULL, 'd' },
	{ "test",	no_argument,		NULL, 't' },
	{ "root",	required_argument,	NULL, 'r' },
	{ "interface",	required_argument,	NULL, 'i' },
	{ "pidfile",	required_argument,	NULL, 'p' },
	{ "user",	required_argument,	NULL, 'u' },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "version",	no_argument,		NULL, 'V' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "explain",	no_argument,		NULL, OPT_EXPLAIN },
	{ "leases",	no_argument,		NULL, OPT_LEASES },
	{ "json",	no_argument,		NULL, OPT_JSON },
	{ "db-init",	required_argument,	NULL, OPT_DB_INIT },
	{ NULL,		0,			NULL, 0 }
};

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: pxed [-dtvVh] [-f file] [-r dir] [-i interface]... "
	    "[-p pidfile] [-u user]\n"
	    "       pxed [-f file] --explain KEY=VALUE...\n"
	    "       pxed [-f file] --leases [--json]\n"
	    "       pxed --db-init URL\n"
	    "  -f, --config FILE     main configuration (default %s/pxed/pxed.conf)\n"
	    "  -d, --debug           stay in the foreground, log to stderr\n"
	    "  -t, --test            check the configuration and exit\n"
	    "  -r, --root DIR        TFTP and HTTP root (overrides the file)\n"
	    "  -i, --interface NAME  serve on this interface (repeatable)\n"
	    "  -p, --pidfile FILE    write the process id here\n"
	    "  -u, --user USER       run as USER once the ports are bound\n"
	    "  -v, --verbose         log more (repeat for debug)\n"
	    "  -V, --version         print the version and exit\n"
	    "  -h, --help            print this help and exit\n"
	    "  --explain KEY=VALUE.. show tags, host and boot entry for a machine:\n"
	    "                        mac= arch= vendorclass= userclass= interface=\n"
	    "                        giaddr= circuit-id= remote-id= subscriber-id=\n"
	    "                        server= ip= optN= packet=FILE\n"
	    "                        DHCPv6: family=6 duid= link= src= packet6=\n"
	    "  --leases [--json]     list the leases (lease file or lease-database)\n"
	    "  --db-init URL         create or upgrade the lease database schema\n",
	    PXED_SYSCONFDIR);
}

static void
on_signal(int signo, void *arg)
{
	switch (signo) {
	case SIGHUP:
		log_info("conf: SIGHUP, reloading");
		pxed_reload();
		break;
	case SIGUSR1:
		pxed_summary();
		break;
	case SIGTERM:
	case SIGINT:
		log_info("%s, exiting", signo == SIGTERM ? "SIGTERM" :
		    "SIGINT");
		ev_break();
		break;
	}
}

/* Repeated errors held back: their count goes out within a second. */
static void
on_log_flush(void *arg)
{
	struct ev_timer	*t = arg;

	log_rate_flush(0);
	ev_timer_add(t, LOG_RATE_MS);
}

static int
write_pidfile(const char *path)
{
	FILE	*fp;

	if ((fp = fopen(path, "w")) == NULL) {
		log_warn("pxed: pidfile %s", path);
		return -1;
	}
	fprintf(fp, "%ld\n", (long)getpid());
	return fclose(fp);
}

/* What the command line asked for, besides pxed.args. */
struct main_opts {
	const char	**ifs;
	size_t		  nifs;
	char		 *main_file;	/* -f, made absolute */
	bool		  debug, test, explain;
	bool		  pidfile_given, leases, json;
	const char	 *db_init;	/* --db-init URL */
};

/* Go on: the command line does not end the process yet. */
#define MAIN_CONTINUE	(-1)

/*
 * The options, into pxed.args and o.  Returns MAIN_CONTINUE, or the exit
 * status when they end the process (-V, -h, a usage error).
 */
static int
main_options(int argc, char *argv[], struct main_opts *o)
{
	int	ch;

	while ((ch = getopt_long(argc, argv, "f:dtr:i:p:u:vVh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'f':
			/* Absolute: the daemon's directory becomes /. */
			free(o->main_file);
			o->main_file = realpath(optarg, NULL);
			pxed.args.main_file = o->main_file != NULL ?
			    o->main_file : optarg;
			pxed.args.main_given = true;
			break;
		case 'd':
			o->debug = true;
			break;
		case 't':
			o->test = true;
			break;
		case 'r':
			pxed.args.root = optarg;
			break;
		case 'i':
			o->ifs = reallocarray(o->ifs, o->nifs + 1,
			    sizeof(*o->ifs));
			if (o->ifs == NULL)
				fatal("pxed");
			o->ifs[o->nifs++] = optarg;
			break;
		case 'p':
			pxed.args.pidfile = optarg;
			o->pidfile_given = true;
			break;
		case 'u':
			pxed.args.user = optarg;
			break;
		case 'v':
			pxed.verbose++;
			break;
		case 'V':
			printf("pxed %s\n", PACKAGE_VERSION);
			return PXED_EXIT_OK;
		case 'h':
			usage(stdout);
			return PXED_EXIT_OK;
		case OPT_EXPLAIN:
			o->explain = true;
			break;
		case OPT_LEASES:
			o->leases = true;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_DB_INIT:
			o->db_init = optarg;
			break;
		default:
			usage(stderr);
			return PXED_EXIT_CONFIG;
		}
	}
	pxed.args.interfaces = o->ifs;
	pxed.args.ninterfaces = o->nifs;
	if (o->db_init != NULL)
		return lease_pg_db_init(o->db_init, stderr) == 0 ?
		    PXED_EXIT_OK : PXED_EXIT_CONFIG;
	if (optind < argc && !o->explain) {
		fprintf(stderr, "pxed: unexpected argument \"%s\"\n",
		    argv[optind]);
		usage(stderr);
		return PXED_EXIT_CONFIG;
	}
	return MAIN_CONTINUE;
}

/*
 * The modes that stop once the configuration is loaded: --explain with
 * the words left in argv, --leases and -t.  Returns their exit status, or
 * MAIN_CONTINUE when none was asked for.
 */
static int
main_oneshot(const struct main_opts *o, int argc, char *argv[])
{
	char	sum[512];
	int	rc;

	if (o->explain) {
		struct arena		 a = { NULL, 0 };
		struct rules_req	 req;
		const char		*server, *ip;

#ifdef HAVE_LIBPQ
		if (host_pg_load_now(pxed.conf, stderr) == -1) {
			conf_unref(pxed.conf);
			return PXED_EXIT_CONFIG;
		}
#endif
		if (explain6_wanted(argc, argv))
			rc = explain6_run(pxed.conf, argc, argv, stdout,
			    stderr);
		else if ((rc = explain_parse(&a, argc, argv, &req, &server,
		    &ip, stderr)) == 0)
			explain_print(pxed.conf, &req, server, ip, stdout);
		arena_free(&a);
		conf_unref(pxed.conf);
		return rc == 0 ? PXED_EXIT_OK : PXED_EXIT_CONFIG;
	}
	if (o->leases) {
		if (pxed.conf->dhcp.lease_database != NULL)
			rc = lease_pg_dump(pxed.conf->dhcp.lease_database,
			    (int64_t)time(NULL), o->json, stdout, stderr);
		else
			rc = lease_dump(pxed.conf->dhcp.lease_file,
			    (int64_t)time(NULL), o->json, stdout);
		conf_unref(pxed.conf);
		return rc == 0 ? PXED_EXIT_OK : PXED_EXIT_FS;
	}
	if (o->test) {
		conf_summary(pxed.conf, sum, sizeof(sum));
		printf("pxed: configuration OK: %s\n", sum);
		printf("pxed: tftp %s, root %s, port %u; http %s, root %s, "
		    "port %u\n", pxed.conf->tftp.enable ? "on" : "off",
		    pxed.conf->tftp.root, pxed.conf->tftp.port,
		    pxed.conf->http.enable ? "on" : "off",
		    pxed.conf->http.root, pxed.conf->http.port);
		(void)conf_check_warn(pxed.conf, stderr);
		/* Not a configuration error, but a start would fail. */
		if (pxed_check_runtime(pxed.conf, true) != PXED_EXIT_OK)
			fprintf(stderr, "pxed: warning: pxed would not start "
			    "as things are\n");
		/* Server mode would answer nothing until the database is. */
		if (pxed.conf->dhcp.lease_database != NULL &&
		    pxed.conf->dhcp.mode == CONF_DHCP_SERVER &&
		    lease_pg_check(pxed.conf->dhcp.lease_database, stdout,
		    stderr) == -1)
			fprintf(stderr, "pxed: warning: server mode would "
			    "answer nothing until the lease database is "
			    "reachable at schema version %d\n",
			    LEASE_PG_SCHEMA);
		conf_unref(pxed.conf);
		return PXED_EXIT_OK;
	}
	return MAIN_CONTINUE;
}

/*
 * Everything between the loaded configuration and serving: check roots
 * and interfaces, bind the ports, drop privileges, detach unless -d and
 * write the pidfile.  Returns MAIN_CONTINUE, or the exit status.
 */
static int
main_start(const struct main_opts *o)
{
	int	rc;

	if ((rc = pxed_check_runtime(pxed.conf, true)) != PXED_EXIT_OK)
		return rc;
	pxed_apply_loglevel(pxed.conf);
	if (ev_init() == -1) {
		fprintf(stderr, "pxed: event loop: %s\n", strerror(errno));
		return PXED_EXIT_NETWORK;
	}
	/* Protocol modules bind their ports here, before the drop. */
	if (tftp_io_init(pxed.conf) == -1) {
		fprintf(stderr, "pxed: tftp: cannot serve on port %u: %s\n",
		    pxed.conf->tftp.port, strerror(errno));
		return PXED_EXIT_NETWORK;
	}
	if (dhcp_io_init(pxed.conf) == -1) {
		fprintf(stderr, "pxed: dhcp: cannot start (see the log "
		    "above)\n");
		return PXED_EXIT_NETWORK;
	}
	if (dhcp6_io_init(pxed.conf) == -1 || ra_io_init(pxed.conf) == -1) {
		fprintf(stderr, "pxed: dhcp6: cannot start (see the log "
		    "above)\n");
		return PXED_EXIT_NETWORK;
	}
	if (http_init(pxed.conf) == -1) {
		fprintf(stderr, "pxed: http: cannot start (see the log "
		    "above)\n");
		return PXED_EXIT_NETWORK;
	}
#ifdef HAVE_LIBPQ
	host_pg_init(pxed.conf);
#endif
	/*
	 * The pidfile is created empty while root (its directory is root's)
	 * and handed to the user; the pid goes in once the process that
	 * serves exists, after the fork.
	 */
	pxed.write_pidfile = !o->debug || o->pidfile_given;
	if (pxed.write_pidfile && truncate(pxed.conf->pidfile, 0) == -1 &&
	    errno == ENOENT) {
		int	fd = open(pxed.conf->pidfile, O_WRONLY | O_CREAT |
		    O_CLOEXEC, 0644);

		if (fd != -1)
			close(fd);
	}
	if ((rc = priv_drop(pxed.conf, pxed.write_pidfile ?
	    pxed.conf->pidfile : NULL)) != PXED_EXIT_OK)
		return rc;
	if (!o->debug) {
		if (daemon(0, 0) == -1) {
			fprintf(stderr, "pxed: daemon: %s\n", strerror(errno));
			return PXED_EXIT_CONFIG;
		}
		log_init("pxed", 0, LOG_INFO);
	}
	if (pxed.write_pidfile)
		write_pidfile(pxed.conf->pidfile);
	pxed_apply_loglevel(pxed.conf);
	return MAIN_CONTINUE;
}

/* Serve until SIGTERM or SIGINT, then stop in order; the exit status. */
static int
main_run(void)
{
	struct ev_timer	flush;
	struct stat	st;
	char		sum[512];
	int		rc;

	ev_signal_add(SIGHUP, on_signal, NULL);
	ev_signal_add(SIGUSR1, on_signal, NULL);
	ev_signal_add(SIGTERM, on_signal, NULL);
	ev_signal_add(SIGINT, on_signal, NULL);
	signal(SIGPIPE, SIG_IGN);
	ev_timer_init(&flush, on_log_flush, &flush);
	ev_timer_add(&flush, LOG_RATE_MS);

	pxed.last_reload_ok = true;
	pxed.loaded_at = time(NULL);
	conf_summary(pxed.conf, sum, sizeof(sum));
	/* One line: what was loaded, from where. */
	log_info("pxed %s started, generation 1: %s; %s%sconf.d %s%s",
	    PACKAGE_VERSION, sum, pxed.conf->builtin ? pxed.conf->main_file :
	    "", pxed.conf->builtin ? " not found, " : "", pxed.conf->confdir,
	    stat(pxed.conf->confdir, &st) == 0 && S_ISDIR(st.st_mode) ? "" :
	    " (none)");
	conf_watch_apply(pxed.conf, pxed_reload);
	/* Every port is bound, privileges dropped, the pidfile written. */
	pxed_notify_ready();

	rc = ev_loop() == 0 ? PXED_EXIT_OK : PXED_EXIT_NETWORK;
	notify_stopping();
	conf_watch_stop();
	ev_timer_del(&flush);
	log_rate_flush(1);

	http_fini();
#ifdef HAVE_LIBPQ
	host_pg_close();
#endif
	tftp_io_fini();
	ra_io_fini();
	dhcp6_io_fini();
	dhcp_io_fini();
	/* After the switch of user its directory may be root's: empty it. */
	if (pxed.write_pidfile && unlink(pxed.conf->pidfile) == -1 &&
	    truncate(pxed.conf->pidfile, 0) == -1)
		log_debug("pidfile %s: %s", pxed.conf->pidfile,
		    strerror(errno));
	conf_unref(pxed.conf);
	ev_fini();
	return rc;
}

int
main(int argc, char *argv[])
{
	struct main_opts	o;
	int			rc;

	memset(&pxed, 0, sizeof(pxed));
	memset(&o, 0, sizeof(o));
	if ((rc = main_options(argc, argv, &o)) != MAIN_CONTINUE)
		return rc;

	log_init("pxed", 1, LOG_WARNING + pxed.verbose);
	if ((pxed.conf = pxed_load(&pxed.args, false)) == NULL) {
		fprintf(stderr, "pxed: configuration has errors\n");
		return PXED_EXIT_CONFIG;
	}
	pxed.conf->generation = pxed.generation = 1;
	/* With -d the start-up line says it: not twice on stderr. */
	if (pxed.conf->builtin && !o.explain && (!o.debug || o.test ||
	    o.leases))
		fprintf(stderr, "pxed: %s not found, using built-in "
		    "defaults\n", pxed.conf->main_file);
	if ((rc = main_oneshot(&o, argc - optind, argv + optind)) !=
	    MAIN_CONTINUE)
		return rc;
	if ((rc = main_start(&o)) != MAIN_CONTINUE)
		return rc;
	rc = main_run();
	free(o.ifs);
	free(o.main_file);
	log_info("stopped");
	return rc;
}
