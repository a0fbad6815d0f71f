/*
 * fsroot.h: the one safe path resolver for TFTP and HTTP.
 */
#ifndef PXED_FSROOT_H
#define PXED_FSROOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

enum fsroot_err {
	FSROOT_OK,
	FSROOT_EMPTY,		/* nothing left after cleaning */
	FSROOT_DOTDOT,		/* a ".." component */
	FSROOT_BADCHAR,		/* a control character */
	FSROOT_TOOLONG,		/* path or component too long */
	FSROOT_NOTFOUND,
	FSROOT_ACCESS,		/* permission denied */
	FSROOT_ESCAPE,		/* a symlink that leaves the root */
	FSROOT_NOTREG,		/* a directory, fifo, device... */
	FSROOT_IO,		/* anything else, errno says */
};

struct fsroot {
	int		 dirfd;
	char		*path;
};

/* Open the root directory; -1 with errno on failure. */
int		 fsroot_init(struct fsroot *r, const char *path);
void		 fsroot_fini(struct fsroot *r);

/*
 * Turn a client's name into a clean relative path in canon:
 * backslashes become slashes, leading and repeated slashes and "."
 * components go, ".." is refused.
 */
enum fsroot_err	 fsroot_clean(const char *name, char *canon, size_t len);

/*
 * Open canon (already clean) beneath the root, read-only, never through
 * a symlink that leaves the root; regular files only.  On success *fd
 * and *st are set.  sub, when not NULL, is a directory beneath the root
 * to look in (a per-client root).
 */
/* Read len bytes of fd at off into buf: 0, or -1 (EIO, or shorter now). */
int		 fsroot_pread(int fd, void *buf, size_t len, uint64_t off);
enum fsroot_err	 fsroot_open(const struct fsroot *r, const char *sub,
		    const char *canon, int *fd, struct stat *st);

const char	*fsroot_strerror(enum fsroot_err e);

/*
 * On reload: open path as the new root when it differs from r's, and
 * close the old one; on failure keep r and return -1 (errno set).
 */
int		 fsroot_switch(struct fsroot *r, const char *path);

/* Tests: force the component walk; does this kernel have openat2? */
void		 fsroot_set_walk(bool on);
bool		 fsroot_openat2_works(void);

#endif
