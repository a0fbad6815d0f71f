/*
 * fuzz_dhcp_srv.c: libFuzzer entry for the whole DHCP engine.
 *
 * An input is a sequence of up to FUZZ_MAXPKT datagrams separated by
 * FUZZ_SEP, so that a DISCOVER can be followed by its REQUEST.  Each
 * sequence is played four times on a fresh in-memory lease store: in
 * server mode and in proxy mode (two small fixed configurations loaded
 * once), each on port 67 and on port 4011.  The clock is injected: it
 * moves on by each packet's secs field, so offers and leases expire.
 * Every reply the engine builds must parse back with dhcp_pkt_parse().
 */
#include "config.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "dhcp_pkt.h"
#include "dhcp_srv.h"
#include "lease.h"
#include "log.h"

#define T0		1800000000LL
#define FUZZ_SEP	"\0PKT"
#define FUZZ_SEPLEN	4
#define FUZZ_MAXPKT	16

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char server_main[] =
	"dhcp {\n"
	"  mode = server\n"
	"  lease-time = 3600\n"
	"  bootp = yes\n"
	"  option = { \"42=ip:192.168.0.3\", \"119=hex:03666f6f00\" }\n"
	"  range \"lan\" {\n"
	"    start = 192.168.0.100\n"
	"    end = 192.168.0.115\n"
	"    netmask = 255.255.255.0\n"
	"    router = 192.168.0.1\n"
	"    dns = { 192.168.0.1, 192.168.0.3 }\n"
	"    domain = \"lab.example\"\n"
	"  }\n"
	"  range \"relay\" {\n"
	"    start = 10.1.0.100\n"
	"    end = 10.1.0.103\n"
	"    netmask = 255.255.255.0\n"
	"    router = 10.1.0.1\n"
	"    lease-time = 600\n"
	"  }\n"
	"}\n";

static const char proxy_main[] =
	"dhcp {\n"
	"  mode = proxy\n"
	"}\n";

static const char rules[] =
	"match \"efi64\" { arch = efi-x64 }\n"
	"match \"bios\" { arch = bios }\n"
	"match \"ipxe\" { userclass = \"iPXE\" }\n"
	"match \"http\" { vendorclass = \"HTTPClient\" }\n"
	"match \"lab\" { mac = \"7c:10:c9:*:*:*\" }\n"
	"match \"remote\" { relay = { \"10.1.0.0/16\" } }\n"
	"match \"pxe7\" { option = 60  prefix = \"PXEClient:Arch:00007\" }\n"
	"match \"has97\" { option = 97 }\n"
	"match \"eth0\" { interface = { \"eth0\" } }\n"
	"match \"stranger\" { known = no }\n"
	"boot \"ipxe\" {\n"
	"  if = \"ipxe\"\n"
	"  filename = \"http://${server}/boot.ipxe?mac=${mac}&ip=${ip}"
	    "&h=${hostname}&a=${arch}&t=${tags}\"\n"
	"  ipxe = { \"priority=5\", \"username=text:bob\" }\n"
	"}\n"
	"boot \"http\" { if = \"http\" filename = \"${http}/ipxe.efi\" }\n"
	"boot \"uefi\" {\n"
	"  if = \"efi64 & !ipxe\"\n"
	"  filename = \"ipxe.efi\"\n"
	"  tftp-server-option = yes\n"
	"  option = { \"97=hex:00\" }\n"
	"  pxe {\n"
	"    discovery-control = 3\n"
	"    boot-servers = { \"1:192.168.0.2\" }\n"
	"    menu = { \"1:Boot\" }\n"
	"    prompt = \"Press F8\"\n"
	"    prompt-timeout = 5\n"
	"  }\n"
	"}\n"
	"boot \"bios\" {\n"
	"  if = \"(bios | remote) & !ipxe\"\n"
	"  filename = \"undionly.kpxe\"\n"
	"  next-server = 192.168.0.9\n"
	"  server-name = \"tftp.lab\"\n"
	"  bootfile-option = yes\n"
	"  delay = 100\n"
	"}\n"
	"boot \"raw43\" {\n"
	"  if = \"pxe7 & stranger & has97 & eth0 & !efi64\"\n"
	"  filename = \"raw.efi\"\n"
	"  option = { \"43=hex:01040000 0000ff\" }\n"
	"}\n"
	"host \"pinned\" {\n"
	"  mac = \"7c:10:c9:1c:79:f7\"\n"
	"  ip = 192.168.0.50\n"
	"  hostname = \"pinned\"\n"
	"  tags = { \"lab\" }\n"
	"  vars = { \"rack=r12\" }\n"
	"}\n"
	"host \"relayed\" {\n"
	"  mac = \"52:54:00:00:00:01\"\n"
	"  ip = 10.1.0.50\n"
	"  boot = \"bios\"\n"
	"  filename = \"${rack}/${hostname}.kpxe\"\n"
	"  vars = { \"rack=r1\" }\n"
	"}\n"
	"host \"in-pool\" {\n"
	"  mac = \"52:54:00:00:00:02\"\n"
	"  ip = 192.168.0.101\n"
	"}\n";

static struct conf	*server_conf, *proxy_conf;

static void
sink(int prio, const char *line)
{
	(void)prio;
	(void)line;
}

static void
put(const char *path, const char *text)
{
	FILE	*f = fopen(path, "w");

	if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0) {
		perror(path);
		abort();
	}
}

/* Load main and the rules from a scratch tree, which is then removed. */
static struct conf *
load(const char *main_text)
{
	char			 tmpl[PATH_MAX], path[PATH_MAX + 32];
	char			 confdir[PATH_MAX + 16];
	const char		*tmp = getenv("TMPDIR");
	struct conf_args	 args;
	struct conf_errors	 e = { NULL, 0 };
	struct conf		*c;
	size_t			 i;

	snprintf(tmpl, sizeof(tmpl), "%s/fuzz_dhcp_srv.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(tmpl) == NULL) {
		perror("mkdtemp");
		abort();
	}
	snprintf(confdir, sizeof(confdir), "%s/conf.d", tmpl);
	if (mkdir(confdir, 0755) == -1) {
		perror(confdir);
		abort();
	}
	snprintf(path, sizeof(path), "%s/pxed.conf", tmpl);
	put(path, main_text);
	snprintf(path, sizeof(path), "%s/10-rules.conf", confdir);
	put(path, rules);
	memset(&args, 0, sizeof(args));
	snprintf(path, sizeof(path), "%s/pxed.conf", tmpl);
	args.main_file = path;
	args.root = tmpl;
	args.confdir = confdir;
	c = conf_load(&args, &e);
	for (i = 0; i < e.n; i++)
		fprintf(stderr, "fuzz_dhcp_srv: %s\n", e.msg[i]);
	conf_errors_free(&e);
	unlink(path);
	snprintf(path, sizeof(path), "%s/10-rules.conf", confdir);
	unlink(path);
	rmdir(confdir);
	rmdir(tmpl);
	if (c == NULL)
		abort();
	return c;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_sink(sink);
	server_conf = load(server_main);
	proxy_conf = load(proxy_main);
	/* Debug: dhcp_log_options() runs too. */
	log_setlevel(LOG_DEBUG);
	return 0;
}

static void
check_reply(const struct dhcp_srv_out *out)
{
	static struct dhcp_msg	m;
	enum dhcp_perr		e;

	if (out->type < 0)
		return;
	if (out->len < DHCP_MIN_LEN || out->len > sizeof(out->buf)) {
		fprintf(stderr, "fuzz_dhcp_srv: reply of %zu bytes\n",
		    out->len);
		abort();
	}
	if ((e = dhcp_pkt_parse(out->buf, out->len, &m)) != DHCP_POK) {
		fprintf(stderr, "fuzz_dhcp_srv: reply does not parse: %s\n",
		    dhcp_pkt_perr_str(e));
		abort();
	}
	if (m.op != BOOTREPLY || (out->type > 0 && dhcp_pkt_msgtype(&m) !=
	    out->type)) {
		fprintf(stderr, "fuzz_dhcp_srv: reply op %u type %d, "
		    "expected %d\n", m.op, dhcp_pkt_msgtype(&m), out->type);
		abort();
	}
	if (memchr(out->log, '\0', sizeof(out->log)) == NULL)
		abort();
}

static void
play(const struct conf *conf, bool proxy_port, const uint8_t *data,
    size_t size)
{
	static struct dhcp_srv_out	 out;
	struct leases			 L;
	struct dhcp_srv_in		 in;
	const uint8_t			*p = data, *end = data + size, *sep;
	size_t				 n, k;

	lease_init(&L);
	memset(&in, 0, sizeof(in));
	in.conf = conf;
	in.leases = &L;
	in.now = T0;
	in.ifname = "eth0";
	in.ifaddr.s_addr = inet_addr("192.168.0.2");
	in.ifmask.s_addr = inet_addr("255.255.255.0");
	in.proxy_port = proxy_port;
	in.src.sin_family = AF_INET;
	in.src.sin_port = htons(proxy_port ? 4011 : 68);
	lease_pools(&L, conf, in.now);
	lease_server_addr(&L, in.ifaddr);

	for (k = 0; k < FUZZ_MAXPKT && p <= end; k++) {
		sep = memmem(p, (size_t)(end - p), FUZZ_SEP, FUZZ_SEPLEN);
		n = sep != NULL ? (size_t)(sep - p) : (size_t)(end - p);
		/* The clock moves on by secs; the source is ciaddr. */
		if (n >= 16) {
			in.now += (int64_t)(p[8] << 8 | p[9]);
			memcpy(&in.src.sin_addr, p + 12, 4);
		}
		dhcp_srv_handle(&in, p, n, &out);
		check_reply(&out);
		if ((k & 3) == 3)
			lease_expire(&L, in.now);
		if (sep == NULL)
			break;
		p = sep + FUZZ_SEPLEN;
	}
	lease_fini(&L);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	play(server_conf, false, data, size);
	play(server_conf, true, data, size);
	play(proxy_conf, false, data, size);
	play(proxy_conf, true, data, size);
	return 0;
}
