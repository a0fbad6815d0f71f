/*
 * priv.c: switch to an unprivileged user, keeping one capability.
 *
 * libcap (Debian libcap-dev) does the capability sets; prctl() keeps the
 * permitted set across setuid() and then forbids new privileges.
 */
#include "config.h"

#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "priv.h"
#include "pxed.h"

static const struct passwd *
priv_user(const char *user)
{
	const struct passwd	*pw;

	if (user != NULL && *user != '\0') {
		if ((pw = getpwnam(user)) == NULL)
			fprintf(stderr, "pxed: user %s does not exist\n",
			    user);
		return pw;
	}
	if ((pw = getpwnam(PRIV_USER)) != NULL)
		return pw;
	if ((pw = getpwnam(PRIV_USER_FALLBACK)) == NULL)
		fprintf(stderr, "pxed: neither user %s nor %s exists: set "
		    "one with user = or -u\n", PRIV_USER, PRIV_USER_FALLBACK);
	return pw;
}

/* Give path to the user when it exists (the lease dir, file, pidfile). */
static void
priv_chown(const char *path, uid_t uid, gid_t gid)
{
	if (path != NULL && chown(path, uid, gid) == -1 && errno != ENOENT)
		log_warn("cannot give %s to uid %d", path, (int)uid);
}

/* Only CAP_NET_ADMIN, in the permitted and effective sets and the bound. */
static int
priv_caps(void)
{
	cap_value_t	keep[] = { CAP_NET_ADMIN };
	cap_t		c;
	int		rc;

	if ((c = cap_init()) == NULL)
		return -1;
	rc = cap_set_flag(c, CAP_PERMITTED, 1, keep, CAP_SET) == -1 ||
	    cap_set_flag(c, CAP_EFFECTIVE, 1, keep, CAP_SET) == -1 ||
	    cap_set_proc(c) == -1 ? -1 : 0;
	cap_free(c);
	return rc;
}

static int
priv_check(const char *what, const char *path, int mode)
{
	if (path == NULL || access(path, mode) == 0)
		return 0;
	fprintf(stderr, "pxed: %s %s is not %s by user %d: %s\n", what, path,
	    mode & W_OK ? "writable" : "readable", (int)geteuid(),
	    strerror(errno));
	return -1;
}

int
priv_drop(const struct conf *conf, const char *pidfile)
{
	const struct passwd	*pw;
	char			*copy = NULL, *dir = NULL;
	cap_value_t		 c;
	int			 rc = PXED_EXIT_OK;

	if (geteuid() != 0) {
		if (conf->user != NULL)
			log_warnx("not root: keeping user %d, user %s ignored",
			    (int)geteuid(), conf->user);
		return PXED_EXIT_OK;
	}
	if (conf->user != NULL && strcmp(conf->user, "root") == 0) {
		log_warnx("running as root (user = \"root\")");
		return PXED_EXIT_OK;
	}
	if ((pw = priv_user(conf->user)) == NULL)
		return PXED_EXIT_CONFIG;
	/* The lease file's directory; lease-database has none. */
	if (conf->dhcp.mode == CONF_DHCP_SERVER &&
	    conf->dhcp.lease_database == NULL) {
		if ((copy = strdup(conf->dhcp.lease_file)) == NULL)
			fatal("priv: strdup");
		dir = dirname(copy);
		priv_chown(dir, pw->pw_uid, pw->pw_gid);
		priv_chown(conf->dhcp.lease_file, pw->pw_uid, pw->pw_gid);
	}
	priv_chown(pidfile, pw->pw_uid, pw->pw_gid);
	/* The bound first: nothing dropped can come back. */
	for (c = 0; c <= CAP_LAST_CAP; c++)
		if (c != CAP_NET_ADMIN && cap_drop_bound(c) == -1 &&
		    errno != EINVAL) {
			fprintf(stderr, "pxed: cannot drop capability %d: %s\n",
			    (int)c, strerror(errno));
			rc = PXED_EXIT_CONFIG;
			goto out;
		}
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == -1 ||
	    initgroups(pw->pw_name, pw->pw_gid) == -1 ||
	    setgid(pw->pw_gid) == -1 || setuid(pw->pw_uid) == -1 ||
	    priv_caps() == -1 || prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) == -1 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		fprintf(stderr, "pxed: cannot become %s: %s\n", pw->pw_name,
		    strerror(errno));
		rc = PXED_EXIT_CONFIG;
		goto out;
	}
	/* What pxed needs from here on, checked now rather than at boot. */
	if ((conf->tftp.enable && priv_check("tftp root", conf->tftp.root,
	    R_OK | X_OK) == -1) || (conf->http.enable &&
	    priv_check("http root", conf->http.root, R_OK | X_OK) == -1) ||
	    priv_check("lease directory", dir, W_OK | X_OK) == -1) {
		rc = PXED_EXIT_FS;
		goto out;
	}
	log_info("running as %s (uid %d), keeping CAP_NET_ADMIN only",
	    pw->pw_name, (int)pw->pw_uid);
out:
	free(copy);
	return rc;
}
