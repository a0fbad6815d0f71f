/*
 * fuzz_conf.c: libFuzzer entry for the configuration loader.
 *
 * The input is split at FUZZ_SEP into up to three files of a scratch
 * tree: pxed.conf, conf.d/10-x.conf and boot.ipxe (an iPXE script under
 * the HTTP root, compiled at load).  conf_load() reads them as it does
 * at startup; a configuration that loads is run through the rule engine
 * once with a fixed request, and everything is freed again, so that
 * LeakSanitizer sees what an error path forgets.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "dhcp_proto.h"
#include "log.h"
#include "rules.h"

#define FUZZ_SEP	"\n%%\n"
#define FUZZ_SEPLEN	4

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	tree[PATH_MAX], main_file[PATH_MAX + 16];
static char	confdir[PATH_MAX + 16], rule_file[PATH_MAX + 32];
static char	script_file[PATH_MAX + 16];

static void
sink(int prio, const char *line)
{
	(void)prio;
	(void)line;
}

static void
cleanup(void)
{
	unlink(main_file);
	unlink(rule_file);
	unlink(script_file);
	rmdir(confdir);
	rmdir(tree);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	log_set_sink(sink);
	snprintf(tree, sizeof(tree), "%s/fuzz_conf.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(tree) == NULL) {
		perror("mkdtemp");
		abort();
	}
	snprintf(main_file, sizeof(main_file), "%s/pxed.conf", tree);
	snprintf(confdir, sizeof(confdir), "%s/conf.d", tree);
	snprintf(rule_file, sizeof(rule_file), "%s/10-x.conf", confdir);
	snprintf(script_file, sizeof(script_file), "%s/boot.ipxe", tree);
	if (mkdir(confdir, 0755) == -1) {
		perror(confdir);
		abort();
	}
	atexit(cleanup);
	return 0;
}

static void
put(const char *path, const uint8_t *p, size_t n)
{
	int	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd == -1 || (n > 0 && write(fd, p, n) != (ssize_t)n) ||
	    close(fd) == -1) {
		perror(path);
		abort();
	}
}

/* The next part of the input; false when there is none. */
static bool
next_part(const uint8_t **p, const uint8_t *end, const uint8_t **part,
    size_t *n)
{
	const uint8_t	*sep;

	if (*p == NULL)
		return false;
	sep = memmem(*p, (size_t)(end - *p), FUZZ_SEP, FUZZ_SEPLEN);
	*part = *p;
	*n = sep != NULL ? (size_t)(sep - *p) : (size_t)(end - *p);
	*p = sep != NULL ? sep + FUZZ_SEPLEN : NULL;
	return true;
}

/* The rules on a fixed UEFI iPXE request, each boot template rendered. */
static void
exercise(const struct conf *c)
{
	static const uint8_t	 mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
	static const uint8_t	 arch[2] = { 0, 7 };
	static const char	 vc[] = "PXEClient:Arch:00007:UNDI:003016";
	static struct rules_req	 req;
	static struct rules_result res;
	static struct rules_vars v;
	static char		 buf[2048];
	size_t			 i;

	rules_req_init(&req);
	memcpy(req.mac, mac, 6);
	req.mac_len = 6;
	req.ifname = "eth0";
	rules_req_setopt(&req, DHO_CLIENT_ARCH, arch, sizeof(arch));
	rules_req_setopt(&req, DHO_VENDOR_CLASS_ID, (const uint8_t *)vc,
	    strlen(vc));
	rules_req_setopt(&req, DHO_USER_CLASS, (const uint8_t *)"iPXE", 4);
	rules_eval(c, &req, &res);
	rules_tags_string(c, &res, buf, sizeof(buf));
	memset(&v, 0, sizeof(v));
	v.conf = c;
	v.req = &req;
	v.res = &res;
	v.server = "192.168.0.2";
	v.ip = "192.168.0.50";
	if (res.eff.set & BS_FILENAME)
		rules_render(&res.eff.filename, &v, buf, sizeof(buf));
	for (i = 0; i < c->nboots; i++)
		if (c->boots[i].bs.set & BS_FILENAME)
			rules_render(&c->boots[i].bs.filename, &v, buf,
			    sizeof(buf));
	for (i = 0; i < c->http.nscripts; i++)
		rules_render(&c->http.scripts[i].t, &v, buf, sizeof(buf));
	(void)conf_host_by_mac(c, mac);
	(void)conf_boot_by_name(c, "uefi");
	(void)conf_script_find(c, "boot.ipxe");
	conf_summary(c, buf, sizeof(buf));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t		*p = data, *end = data + size, *part;
	size_t			 n;
	struct conf_args	 args;
	struct conf_errors	 e = { NULL, 0 };
	struct conf		*c;

	if (next_part(&p, end, &part, &n))
		put(main_file, part, n);
	if (next_part(&p, end, &part, &n))
		put(rule_file, part, n);
	else
		unlink(rule_file);
	if (next_part(&p, end, &part, &n))
		put(script_file, part, n);
	else
		unlink(script_file);

	memset(&args, 0, sizeof(args));
	args.main_file = main_file;
	args.root = tree;
	args.confdir = confdir;
	c = conf_load(&args, &e);
	if (c != NULL) {
		if (e.n != 0)
			abort();	/* loaded despite errors */
		exercise(c);
	} else if (e.n == 0) {
		fprintf(stderr, "fuzz_conf: refused without an error\n");
		abort();
	}
	conf_errors_free(&e);
	conf_free(c);
	return 0;
}
