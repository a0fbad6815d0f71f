/*
 * test_fsroot.c: the safe path resolver: names cleaned or refused, and
 * files opened beneath the root (symlinks in and out, a directory, a
 * fifo, a per-client directory), with openat2 and with the walk.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsroot.h"
#include "unit.h"

static void
test_clean(void)
{
	char	c[64];

	CU_ASSERT_EQUAL(fsroot_clean("pxelinux.0", c, sizeof(c)), FSROOT_OK);
	CU_ASSERT_STRING_EQUAL(c, "pxelinux.0");
	CU_ASSERT_EQUAL(fsroot_clean("\\EFI\\BOOT\\grubx64.efi", c,
	    sizeof(c)), FSROOT_OK);
	CU_ASSERT_STRING_EQUAL(c, "EFI/BOOT/grubx64.efi");
	CU_ASSERT_EQUAL(fsroot_clean("//a/./b//c/", c, sizeof(c)), FSROOT_OK);
	CU_ASSERT_STRING_EQUAL(c, "a/b/c");
	CU_ASSERT_EQUAL(fsroot_clean("a/.../b", c, sizeof(c)), FSROOT_OK);
	CU_ASSERT_STRING_EQUAL(c, "a/.../b");
	CU_ASSERT_EQUAL(fsroot_clean("../etc/passwd", c, sizeof(c)),
	    FSROOT_DOTDOT);
	CU_ASSERT_EQUAL(fsroot_clean("/../../x", c, sizeof(c)), FSROOT_DOTDOT);
	CU_ASSERT_EQUAL(fsroot_clean("a/../../b", c, sizeof(c)),
	    FSROOT_DOTDOT);
	CU_ASSERT_EQUAL(fsroot_clean("a\\..\\b", c, sizeof(c)), FSROOT_DOTDOT);
	CU_ASSERT_EQUAL(fsroot_clean("a/..", c, sizeof(c)), FSROOT_DOTDOT);
	CU_ASSERT_EQUAL(fsroot_clean("/", c, sizeof(c)), FSROOT_EMPTY);
	CU_ASSERT_EQUAL(fsroot_clean("./.", c, sizeof(c)), FSROOT_EMPTY);
	CU_ASSERT_EQUAL(fsroot_clean("a\nb", c, sizeof(c)), FSROOT_BADCHAR);
	CU_ASSERT_EQUAL(fsroot_clean("0123456789012345678901234567890123456789"
	    "012345678901234567890123456789", c, sizeof(c)), FSROOT_TOOLONG);
}

static char	troot[64];

static void
mkfile(const char *rel, const char *text, mode_t mode)
{
	char	p[256];
	int	fd;

	snprintf(p, sizeof(p), "%s/%s", troot, rel);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

static void
test_open(void)
{
	struct fsroot	r;
	struct stat	st;
	char		p[256], outside[96];
	enum fsroot_err	ferr;
	int		fd, walk;

	snprintf(troot, sizeof(troot), "/tmp/pxed-fsroot.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(troot));
	snprintf(outside, sizeof(outside), "%s-outside", troot);
	fd = open(outside, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CU_ASSERT(fd >= 0);
	close(fd);
	snprintf(p, sizeof(p), "%s/sub", troot);
	mkdir(p, 0755);
	mkfile("sub/file", "hello", 0644);
	snprintf(p, sizeof(p), "%s/in-link", troot);
	CU_ASSERT_EQUAL(symlink("sub/file", p), 0);
	snprintf(p, sizeof(p), "%s/out-link", troot);
	CU_ASSERT_EQUAL(symlink(outside, p), 0);
	snprintf(p, sizeof(p), "%s/sub/up-link", troot);
	CU_ASSERT_EQUAL(symlink("../../", p), 0);
	snprintf(p, sizeof(p), "%s/fifo", troot);
	CU_ASSERT_EQUAL(mkfifo(p, 0644), 0);

	CU_ASSERT_EQUAL_FATAL(fsroot_init(&r, troot), 0);
	/* openat2 where the kernel has it (not under valgrind), then the walk. */
	for (walk = fsroot_openat2_works() ? 0 : 1; walk <= 1; walk++) {
		fsroot_set_walk(walk);
		CU_ASSERT_EQUAL(fsroot_open(&r, NULL, "sub/file", &fd, &st),
		    FSROOT_OK);
		CU_ASSERT_EQUAL(st.st_size, 5);
		close(fd);
		/*
		 * A symlink that stays inside is followed with openat2; the
		 * walk follows none.  One that leaves is never followed.
		 */
		ferr = fsroot_open(&r, NULL, "in-link", &fd, &st);
		CU_ASSERT_EQUAL(ferr, walk ? FSROOT_ESCAPE : FSROOT_OK);
		if (ferr == FSROOT_OK)
			close(fd);
		CU_ASSERT_EQUAL(fsroot_open(&r, NULL, "out-link", &fd, &st),
		    FSROOT_ESCAPE);
		CU_ASSERT_EQUAL(fsroot_open(&r, NULL, "sub/up-link/x", &fd,
		    &st), FSROOT_ESCAPE);
		/* Not regular: a directory and a fifo (without blocking). */
		CU_ASSERT_EQUAL(fsroot_open(&r, NULL, "sub", &fd, &st),
		    FSROOT_NOTREG);
		CU_ASSERT_EQUAL(fsroot_open(&r, NULL, "fifo", &fd, &st),
		    FSROOT_NOTREG);
		CU_ASSERT_EQUAL(fsroot_open(&r, NULL, "nope", &fd, &st),
		    FSROOT_NOTFOUND);
		CU_ASSERT_EQUAL(fsroot_open(&r, NULL, "sub/nope/x", &fd, &st),
		    FSROOT_NOTFOUND);
		/* A per-client directory. */
		CU_ASSERT_EQUAL(fsroot_open(&r, "sub", "file", &fd, &st),
		    FSROOT_OK);
		close(fd);
	}
	fsroot_set_walk(false);
	fsroot_fini(&r);
	snprintf(p, sizeof(p), "rm -rf '%s' '%s'", troot, outside);
	CU_ASSERT_EQUAL(system(p), 0);
}

void
test_fsroot_register(void)
{
	CU_pSuite	s = CU_add_suite("fsroot", NULL, NULL);

	CU_add_test(s, "clean names", test_clean);
	CU_add_test(s, "open beneath the root", test_open);
}
