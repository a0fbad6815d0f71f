/*
 * unit.c: the CUnit driver.  It runs every suite and exits non-zero if
 * any assertion, test or suite set-up failed, so "make check" cannot pass
 * over a failure.
 */
#include "config.h"

#include <CUnit/Basic.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "unit.h"

static char		 tree[256];
static char		*errs[CONF_MAX_ERRORS];
static size_t		 nerrs;

static void
unit_rmrf(const char *path)
{
	DIR		*d;
	struct dirent	*e;
	char		 p[512];
	struct stat	 st;

	if (lstat(path, &st) == -1)
		return;
	if (S_ISDIR(st.st_mode) && (d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
			unit_rmrf(p);
		}
		closedir(d);
		rmdir(path);
	} else
		unlink(path);
}

static void
unit_clear_errors(void)
{
	size_t	i;

	for (i = 0; i < nerrs; i++)
		free(errs[i]);
	nerrs = 0;
}

const char *
unit_tree_new(void)
{
	char	p[300];

	unit_tree_free();
	snprintf(tree, sizeof(tree), "/tmp/pxed-unit.XXXXXX");
	if (mkdtemp(tree) == NULL) {
		perror("mkdtemp");
		exit(99);
	}
	snprintf(p, sizeof(p), "%s/conf.d", tree);
	mkdir(p, 0755);
	return tree;
}

void
unit_tree_file(const char *rel, const char *text)
{
	char	p[512];
	FILE	*fp;

	snprintf(p, sizeof(p), "%s/%s", tree, rel);
	if ((fp = fopen(p, "w")) == NULL) {
		perror(p);
		exit(99);
	}
	fputs(text, fp);
	fclose(fp);
}

struct conf *
unit_tree_load(void)
{
	struct conf_args	 args;
	struct conf_errors	 e = { NULL, 0 };
	struct conf		*c;
	char			 main_file[300], root[300], confdir[300];
	size_t			 i, tl = strlen(tree);

	unit_clear_errors();
	snprintf(main_file, sizeof(main_file), "%s/pxed.conf", tree);
	snprintf(root, sizeof(root), "%s", tree);
	snprintf(confdir, sizeof(confdir), "%s/conf.d", tree);
	memset(&args, 0, sizeof(args));
	args.main_file = main_file;
	args.root = root;
	args.confdir = confdir;
	c = conf_load(&args, &e);
	/* Drop every "<tree>/" so that messages read as relative paths. */
	for (i = 0; i < e.n && nerrs < CONF_MAX_ERRORS; i++) {
		const char	*m = e.msg[i], *hit;
		char		*out = calloc(1, strlen(m) + 1), *o = out;

		while ((hit = strstr(m, tree)) != NULL && hit[tl] == '/') {
			memcpy(o, m, (size_t)(hit - m));
			o += hit - m;
			m = hit + tl + 1;
		}
		strcpy(o, m);
		errs[nerrs++] = out;
	}
	conf_errors_free(&e);
	return c;
}

void
unit_tree_free(void)
{
	if (tree[0] != '\0')
		unit_rmrf(tree);
	tree[0] = '\0';
	unit_clear_errors();
}

size_t
unit_nerrors(void)
{
	return nerrs;
}

const char *
unit_error(size_t i)
{
	return i < nerrs ? errs[i] : "";
}

int
unit_has_error(const char *msg)
{
	size_t	i;

	for (i = 0; i < nerrs; i++)
		if (strcmp(errs[i], msg) == 0)
			return 1;
	fprintf(stderr, "\n  expected error: %s\n", msg);
	for (i = 0; i < nerrs; i++)
		fprintf(stderr, "  got: %s\n", errs[i]);
	if (nerrs == 0)
		fprintf(stderr, "  got no error\n");
	return 0;
}

uint32_t
unit_hip(const char *dotted)
{
	return ntohl(inet_addr(dotted));
}

size_t
unit_slurp(const char *path, char *buf, size_t cap)
{
	FILE	*fp = fopen(path, "r");
	size_t	 n;

	buf[0] = '\0';
	if (fp == NULL)
		return 0;
	n = fread(buf, 1, cap - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return n;
}

static int
unit_cmpstr(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

void
unit_sorted_lines(const char *path, char *res, size_t cap)
{
	static char	 text[8192];
	char		*lines[64], *p, *save = NULL;
	size_t		 n = 0, i;

	unit_slurp(path, text, sizeof(text));
	for (p = strtok_r(text, "\n", &save); p != NULL && n < 64;
	    p = strtok_r(NULL, "\n", &save))
		lines[n++] = p;
	qsort(lines, n, sizeof(lines[0]), unit_cmpstr);
	res[0] = '\0';
	for (i = 0; i < n; i++) {
		strncat(res, lines[i], cap - strlen(res) - 2);
		strcat(res, "\n");
	}
}

size_t
unit_fixture(const char *name, unsigned char *buf, size_t len)
{
	char	p[512];
	ssize_t	n;
	int	fd;

	snprintf(p, sizeof(p), "%s/fixtures/%s", PXED_TESTDIR, name);
	if ((fd = open(p, O_RDONLY)) == -1) {
		perror(p);
		exit(99);
	}
	n = read(fd, buf, len);
	close(fd);
	return n > 0 ? (size_t)n : 0;
}

int
main(void)
{
	unsigned	failures;

	log_init("pxed-unit", 1, LOG_CRIT);	/* the tests assert, not log */
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	test_log_register();
	test_tmpl_register();
	test_conf_register();
	test_rules_register();
	test_ev_register();
	test_tftp_register();
	test_dhcp_pkt_register();
	test_dhcp_probe_register();
	test_http_register();
	test_dhcp_srv_register();
	test_lease_register();
	test_dhcp6_pkt_register();
	test_ra_register();
	test_dhcp6_srv_register();
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures() +
	    CU_get_number_of_tests_failed() + CU_get_number_of_suites_failed();
	printf("\n%u passed, %u failed\n",
	    CU_get_number_of_tests_run() - CU_get_number_of_tests_failed(),
	    CU_get_number_of_tests_failed());
	CU_cleanup_registry();
	unit_tree_free();
	return failures == 0 && CU_get_error() == CUE_SUCCESS ? 0 : 1;
}
