/*
 * fsroot.c: open a file a client asked for, beneath a root, and nothing
 * else.
 *
 * Names are cleaned first (fsroot_clean): firmware writes "\EFI\BOOT\x"
 * or "/pxelinux.0", both taken relative to the root; a ".." anywhere is
 * refused outright rather than resolved.  Opening then goes through
 * openat2(2) with RESOLVE_BENEATH, which makes the kernel refuse any
 * resolution, symlinks included, that would leave the root directory
 * (symlinks that stay inside are fine).  Where openat2 is missing
 * (Linux < 5.6) a component walk with O_NOFOLLOW does the same job,
 * more strictly: it follows no symlink at all.  Files are opened with
 * O_NONBLOCK so that a fifo cannot stall the loop, then must be regular.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/openat2.h>
#endif

#include "fsroot.h"

#define FSROOT_OFLAGS	(O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)

int
fsroot_init(struct fsroot *r, const char *path)
{
	r->path = NULL;
	r->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r->dirfd == -1)
		return -1;
	if ((r->path = strdup(path)) == NULL) {
		close(r->dirfd);
		r->dirfd = -1;
		return -1;
	}
	return 0;
}

void
fsroot_fini(struct fsroot *r)
{
	if (r->dirfd != -1)
		close(r->dirfd);
	r->dirfd = -1;
	free(r->path);
	r->path = NULL;
}

enum fsroot_err
fsroot_clean(const char *name, char *canon, size_t len)
{
	size_t	o = 0, comp = 0;
	const char *p;

	if (len == 0)
		return FSROOT_TOOLONG;
	for (p = name; ; p++) {
		char	c = *p == '\\' ? '/' : *p;

		if (c != '\0' && (unsigned char)c < 0x20)
			return FSROOT_BADCHAR;
		if (c == '/' || c == '\0') {
			/* Close the component that ends here. */
			if (comp == 1 && canon[o - 1] == '.') {
				o -= 1;
			} else if (comp == 2 && canon[o - 1] == '.' &&
			    canon[o - 2] == '.') {
				return FSROOT_DOTDOT;
			} else if (comp > NAME_MAX) {
				return FSROOT_TOOLONG;
			} else if (comp > 0) {
				if (o + 1 >= len)
					return FSROOT_TOOLONG;
				canon[o++] = '/';
			}
			comp = 0;
			if (c == '\0')
				break;
			continue;
		}
		if (o + 1 >= len)
			return FSROOT_TOOLONG;
		canon[o++] = c;
		comp++;
	}
	if (o > 0)
		o--;		/* the trailing '/' */
	canon[o] = '\0';
	return o == 0 ? FSROOT_EMPTY : FSROOT_OK;
}

static enum fsroot_err
fsroot_errno(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		return FSROOT_NOTFOUND;
	case EACCES:
	case EPERM:
		return FSROOT_ACCESS;
	case EXDEV:
	case ELOOP:
		return FSROOT_ESCAPE;
	case ENAMETOOLONG:
		return FSROOT_TOOLONG;
	default:
		return FSROOT_IO;
	}
}

static bool	fsroot_walk_only;

void
fsroot_set_walk(bool on)
{
	fsroot_walk_only = on;
}

/* Without openat2, a symlink anywhere is refused: say so, not ENOTDIR. */
static int
fsroot_walk_fail(int dirfd, const char *comp)
{
	struct stat	st;
	int		e = errno;

	if (fstatat(dirfd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode))
		e = ELOOP;
	errno = e;
	return -1;
}

/*
 * One step of the walk: open comp beneath fd with flags, then close fd
 * unless it is the root; errno is that of the open.
 */
static int
fsroot_step(int dirfd, int fd, const char *comp, int flags)
{
	int	next = openat(fd, comp, flags | O_NOFOLLOW), e;

	if (next == -1)
		fsroot_walk_fail(fd, comp);
	if (fd != dirfd) {
		e = errno;
		close(fd);
		errno = e;
	}
	return next;
}

/* Without openat2: one component at a time, following no symlink. */
static int
fsroot_walk(int dirfd, const char *canon)
{
	char	buf[PATH_MAX], *comp, *slash;
	int	fd = dirfd;

	if (strlen(canon) >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(buf, canon);
	comp = buf;
	while ((slash = strchr(comp, '/')) != NULL) {
		*slash = '\0';
		fd = fsroot_step(dirfd, fd, comp, O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC);
		if (fd == -1)
			return -1;
		comp = slash + 1;
	}
	return fsroot_step(dirfd, fd, comp, FSROOT_OFLAGS);
}

static int
fsroot_openat(int dirfd, const char *canon)
{
#if defined(SYS_openat2) && defined(RESOLVE_BENEATH)
	static bool	 no_openat2;
	struct open_how	 how;
	long		 fd;

	if (!no_openat2 && !fsroot_walk_only) {
		memset(&how, 0, sizeof(how));
		how.flags = FSROOT_OFLAGS;
		how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
		fd = syscall(SYS_openat2, dirfd, canon, &how, sizeof(how));
		if (fd >= 0 || errno != ENOSYS)
			return (int)fd;
		no_openat2 = true;
	}
#endif
	return fsroot_walk(dirfd, canon);
}

int
fsroot_pread(int fd, void *buf, size_t len, uint64_t off)
{
	size_t	got = 0;
	ssize_t	n;

	while (got < len) {
		n = pread(fd, (char *)buf + got, len - got, (off_t)(off + got));
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

enum fsroot_err
fsroot_open(const struct fsroot *r, const char *sub, const char *canon,
    int *fd, struct stat *st)
{
	char	path[PATH_MAX];
	int	f;

	if (sub != NULL) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", sub, canon) >=
		    sizeof(path))
			return FSROOT_TOOLONG;
		canon = path;
	}
	if ((f = fsroot_openat(r->dirfd, canon)) == -1)
		return fsroot_errno(errno);
	if (fstat(f, st) == -1) {
		int	e = errno;

		close(f);
		return fsroot_errno(e);
	}
	if (!S_ISREG(st->st_mode)) {
		close(f);
		return FSROOT_NOTREG;
	}
	*fd = f;
	return FSROOT_OK;
}

const char *
fsroot_strerror(enum fsroot_err e)
{
	switch (e) {
	case FSROOT_OK:
		return "ok";
	case FSROOT_EMPTY:
		return "empty file name";
	case FSROOT_DOTDOT:
		return "\"..\" in the path";
	case FSROOT_BADCHAR:
		return "control character in the name";
	case FSROOT_TOOLONG:
		return "name too long";
	case FSROOT_NOTFOUND:
		return "file not found";
	case FSROOT_ACCESS:
		return "permission denied";
	case FSROOT_ESCAPE:
		return "symlink leaves the root";
	case FSROOT_NOTREG:
		return "not a regular file";
	case FSROOT_IO:
		return "I/O error";
	}
	return "?";
}

bool
fsroot_openat2_works(void)
{
#if defined(SYS_openat2) && defined(RESOLVE_BENEATH)
	struct open_how	how;
	long		fd;

	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
	how.resolve = RESOLVE_BENEATH;
	fd = syscall(SYS_openat2, AT_FDCWD, ".", &how, sizeof(how));
	if (fd >= 0) {
		close((int)fd);
		return true;
	}
#endif
	return false;
}

int
fsroot_switch(struct fsroot *r, const char *path)
{
	struct fsroot	n;

	if (r->path != NULL && strcmp(r->path, path) == 0)
		return 0;
	if (fsroot_init(&n, path) == -1)
		return -1;
	fsroot_fini(r);
	*r = n;
	return 0;
}
