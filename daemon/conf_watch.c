/*
 * conf_watch.c: with watch-conf-dir = yes, pxed reloads by itself when a
 * *.conf file in conf.d is added, changed, renamed or removed, when
 * conf.d itself is replaced or removed, or when the main file changes.
 *
 * One inotify descriptor in the loop with up to three watches: conf.d
 * (its *.conf files, and its own removal), conf.d's parent (conf.d
 * appearing again, or replaced by a rename) and the main file's parent
 * (the main file, also when an editor replaces it by a rename).  When
 * two of them are one directory, inotify gives one descriptor for both
 * and each event is looked at for each role.
 *
 * Changes are gathered: the reload runs once nothing has changed for
 * watch-delay ms, and at the latest WATCH_MAX_FACTOR times that (at least
 * WATCH_MAX_MIN_MS) after the first change, so a stream of writes causes
 * a reload every few seconds, not one per file.  The reload is the
 * SIGHUP one (pxed_reload): built, checked, applied only without error.
 * An overflowed event queue (IN_Q_OVERFLOW) just counts as a change.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "conf_watch.h"
#include "ev.h"
#include "log.h"

#define WATCH_MAX_FACTOR	10
#define WATCH_MAX_MIN_MS	2000
#define WATCH_MASK	(IN_CREATE | IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | \
			    IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | \
			    IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | \
			    IN_EXCL_UNLINK)

/* A path as a directory to watch and the name looked for in it. */
struct watch_path {
	char	full[PATH_MAX];
	char	parent[PATH_MAX];
	char	name[NAME_MAX + 1];
};

static struct {
	int			 fd;		/* inotify; -1: not watching */
	int			 wd_dir;	/* conf.d */
	int			 wd_dirparent;	/* conf.d's parent */
	int			 wd_mainparent;	/* the main file's parent */
	struct watch_path	 dir, main;
	unsigned		 delay_ms;
	uint64_t		 first_ms;	/* first change not reloaded */
	unsigned		 changes;
	char			 what[PATH_MAX + 8];
	struct ev_timer		 timer;
	int			(*reload)(void);
} W = {
	.fd = -1, .wd_dir = -1, .wd_dirparent = -1, .wd_mainparent = -1
};

static void
conf_watch_split(struct watch_path *p, const char *path)
{
	char	*slash;
	size_t	 len;

	snprintf(p->full, sizeof(p->full), "%s", path);
	len = strlen(p->full);
	while (len > 1 && p->full[len - 1] == '/')
		p->full[--len] = '\0';
	if ((slash = strrchr(p->full, '/')) == NULL) {
		snprintf(p->parent, sizeof(p->parent), ".");
		snprintf(p->name, sizeof(p->name), "%s", p->full);
	} else {
		snprintf(p->parent, sizeof(p->parent), "%.*s",
		    slash == p->full ? 1 : (int)(slash - p->full), p->full);
		snprintf(p->name, sizeof(p->name), "%s", slash + 1);
	}
}

/* (Re)watch conf.d itself: it may have been replaced, or be missing. */
static void
conf_watch_dir(void)
{
	if (W.wd_dir >= 0 && W.wd_dir != W.wd_dirparent &&
	    W.wd_dir != W.wd_mainparent)
		inotify_rm_watch(W.fd, W.wd_dir);
	W.wd_dir = inotify_add_watch(W.fd, W.dir.full, WATCH_MASK);
	if (W.wd_dir == -1)
		log_debug("conf: watch: %s: %s", W.dir.full, strerror(errno));
}

static void
conf_watch_fire(void *arg)
{
	int	(*reload)(void) = W.reload;

	(void)arg;
	if (W.changes > 1)
		log_info("conf: %s changed (%u events), reloading", W.what,
		    W.changes);
	else
		log_info("conf: %s changed, reloading", W.what);
	W.changes = 0;
	/* The reload may move or stop the watches: W is not used after. */
	if (reload != NULL)
		reload();
}

/* A change: (re)arm the timer for the quiet time, within the cap. */
static void
conf_watch_note(const char *what, const char *name)
{
	uint64_t	now = ev_now(), max, due;

	if (W.changes++ == 0) {
		W.first_ms = now;
		snprintf(W.what, sizeof(W.what), "%s%s%s", what,
		    name != NULL ? "/" : "", name != NULL ? name : "");
	}
	max = (uint64_t)W.delay_ms * WATCH_MAX_FACTOR;
	if (max < WATCH_MAX_MIN_MS)
		max = WATCH_MAX_MIN_MS;
	due = now + W.delay_ms;
	if (due > W.first_ms + max)
		due = W.first_ms + max;
	ev_timer_add(&W.timer, due > now ? due - now : 0);
}

/* A rule file: *.conf, not a dotfile (what conf.c reads). */
static bool
conf_watch_rule_name(const char *name)
{
	size_t	len = strlen(name);

	return name[0] != '.' && len > 5 &&
	    strcmp(name + len - 5, ".conf") == 0;
}

static void
conf_watch_event(const struct inotify_event *ev)
{
	const char	*name = ev->len > 0 ? ev->name : "";

	if (ev->mask & IN_Q_OVERFLOW) {
		conf_watch_note("(inotify queue overflow)", NULL);
		return;
	}
	if (ev->wd == W.wd_dir) {
		if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
			/* Gone or moved away: watch the path again. */
			if (ev->mask & IN_IGNORED)
				W.wd_dir = -1;
			conf_watch_dir();
			conf_watch_note(W.dir.full, NULL);
		} else if (!(ev->mask & IN_ISDIR) &&
		    conf_watch_rule_name(name))
			conf_watch_note(W.dir.full, name);
	}
	if (ev->wd == W.wd_dirparent && strcmp(name, W.dir.name) == 0) {
		conf_watch_dir();
		conf_watch_note(W.dir.full, NULL);
	}
	if (ev->wd == W.wd_mainparent && strcmp(name, W.main.name) == 0)
		conf_watch_note(W.main.full, NULL);
}

static void
conf_watch_read(int fd, void *arg)
{
	char				 buf[16384]
					    __attribute__((aligned(8)));
	const struct inotify_event	*ev;
	ssize_t				 n, off;

	(void)arg;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (off = 0; off < n; off += (ssize_t)sizeof(*ev) +
		    (ssize_t)ev->len) {
			ev = (const struct inotify_event *)(buf + off);
			conf_watch_event(ev);
		}
	if (n == -1 && errno != EAGAIN && errno != EINTR)
		log_warn("conf: watch: read");
}

bool
conf_watch_active(void)
{
	return W.fd != -1;
}

void
conf_watch_stop(void)
{
	if (W.fd == -1)
		return;
	ev_timer_del(&W.timer);
	ev_fd_del(W.fd);
	close(W.fd);
	W.fd = W.wd_dir = W.wd_dirparent = W.wd_mainparent = -1;
	W.changes = 0;
}

static int
conf_watch_start(void)
{
	if ((W.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		log_warn("conf: watch-conf-dir: inotify");
		return -1;
	}
	if (ev_fd_add(W.fd, conf_watch_read, NULL) == -1) {
		log_warn("conf: watch-conf-dir");
		close(W.fd);
		W.fd = -1;
		return -1;
	}
	ev_timer_init(&W.timer, conf_watch_fire, NULL);
	W.wd_dirparent = inotify_add_watch(W.fd, W.dir.parent, WATCH_MASK);
	W.wd_mainparent = inotify_add_watch(W.fd, W.main.parent, WATCH_MASK);
	if (W.wd_dirparent == -1)
		log_warn("conf: watch-conf-dir: %s", W.dir.parent);
	if (W.wd_mainparent == -1)
		log_warn("conf: watch-conf-dir: %s", W.main.parent);
	conf_watch_dir();
	log_info("conf: watching %s/*.conf and %s for changes", W.dir.full,
	    W.main.full);
	return 0;
}

void
conf_watch_apply(const struct conf *conf, int (*reload)(void))
{
	struct watch_path	dir, mainf;

	if (!conf->watch_conf_dir) {
		if (W.fd != -1)
			log_info("conf: no longer watching %s", W.dir.full);
		conf_watch_stop();
		return;
	}
	W.reload = reload;
	W.delay_ms = conf->watch_delay_ms;
	conf_watch_split(&dir, conf->confdir);
	conf_watch_split(&mainf, conf->main_file);
	if (W.fd != -1 && strcmp(dir.full, W.dir.full) == 0 &&
	    strcmp(mainf.full, W.main.full) == 0) {
		/* Just reloaded: what was pending is in it. */
		ev_timer_del(&W.timer);
		W.changes = 0;
		return;
	}
	conf_watch_stop();
	W.dir = dir;
	W.main = mainf;
	conf_watch_start();
}
