/*
 * test_conf.c: the configuration loader.  Every broken configuration
 * asserts its exact "file:line: message".
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_int.h"
#include "log.h"
#include "rules.h"
#include "unit.h"

static const char good_main[] =
	"# a comment on line 1\n"
	"log-level = debug\n"
	"dhcp {\n"
	"  mode = server\n"
	"  lease-time = 7200\n"
	"  option = { \"42=ip:10.0.0.1\" }\n"
	"  range \"lan\" {\n"
	"    start = 10.0.0.100\n"
	"    end = 10.0.0.200\n"
	"    netmask = 255.255.255.0\n"
	"    router = 10.0.0.1\n"
	"    dns = { 10.0.0.1, 10.0.0.2 }\n"
	"    domain = \"lab.example\"\n"
	"  }\n"
	"}\n"
	"tftp { port = 1069  max-transfers = 2000  max-windowsize = 32 }\n"
	"http { port = 8080  root = \"/elsewhere\" }\n";

static const char good_rules[] =
	"// C++ style comment\n"
	"/* a block\n"
	"   comment */\n"
	"match \"efi64\" { arch = { efi-x64 } }\n"
	"match \"ipxe\"  { userclass = \"iPXE\" }\n"
	"match \"lab\"   { mac = \"52:54:00:*:*:*\" }\n"
	"boot \"ipxe-script\" { if = \"ipxe\"  "
	    "filename = \"http://${server}/boot.ipxe?mac=${mac}\" }\n"
	"boot \"uefi\" { if = \"efi64 & !ipxe\"  filename = \"ipxe.efi\" }\n"
	"boot \"bios\" { if = \"!efi64 & !ipxe\" filename = \"undionly.kpxe\" }\n";

static void
test_good(void)
{
	struct conf		*c;
	const struct conf_host	*h;
	uint8_t			 mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };

	unit_tree_new();
	unit_tree_file("pxed.conf", good_main);
	unit_tree_file("conf.d/10-rules.conf", good_rules);
	unit_tree_file("conf.d/20-hosts.conf",
	    "host \"node01\" {\n"
	    "  mac = \"52:54:00:12:34:56\"\n"
	    "  ip = 10.0.0.50\n"
	    "  hostname = \"node01\"\n"
	    "  tags = { \"lab\", \"gpu\" }\n"
	    "  vars = { \"rack=r12\" }\n"
	    "}\n");
	c = unit_tree_load();
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_FALSE(c->builtin);
	CU_ASSERT_EQUAL(c->nfiles, 2);
	CU_ASSERT_EQUAL(c->loglevel, LOG_DEBUG);
	CU_ASSERT_EQUAL(c->dhcp.mode, CONF_DHCP_SERVER);
	CU_ASSERT_EQUAL(c->dhcp.lease_time, 7200);
	CU_ASSERT_EQUAL_FATAL(c->dhcp.nranges, 1);
	CU_ASSERT_EQUAL(c->dhcp.ranges[0].start.s_addr,
	    inet_addr("10.0.0.100"));
	CU_ASSERT_EQUAL(c->dhcp.ranges[0].subnet.s_addr,
	    inet_addr("10.0.0.0"));
	CU_ASSERT_EQUAL(c->dhcp.ranges[0].ndns, 2);
	CU_ASSERT_EQUAL(c->dhcp.ranges[0].lease_time, 7200);
	CU_ASSERT_STRING_EQUAL(c->dhcp.ranges[0].domain, "lab.example");
	CU_ASSERT_EQUAL(c->dhcp.ranges[0].where.line, 7);
	CU_ASSERT_EQUAL_FATAL(c->dhcp.noptions, 1);
	CU_ASSERT_EQUAL(c->dhcp.options[0].code, 42);
	CU_ASSERT_EQUAL(c->dhcp.options[0].len, 4);
	CU_ASSERT_EQUAL(c->tftp.port, 1069);
	CU_ASSERT_EQUAL(c->tftp.max_transfers, 2000);
	CU_ASSERT_EQUAL(c->tftp.max_windowsize, 32);
	CU_ASSERT_EQUAL(c->http.port, 8080);
	/* -r (args.root) beats both roots, even one the file sets. */
	CU_ASSERT_STRING_EQUAL(c->http.root, c->tftp.root);

	CU_ASSERT_EQUAL(c->nmatches, 3);
	CU_ASSERT_EQUAL(c->nboots, 3);
	CU_ASSERT_EQUAL(c->nhosts, 1);
	/* known, efi64, ipxe, lab, gpu */
	CU_ASSERT_EQUAL(c->ntags, 5);
	/* Lines are right in spite of the comments above them. */
	CU_ASSERT_EQUAL(c->matches[0].where.line, 4);
	CU_ASSERT_EQUAL(c->matches[2].where.line, 6);
	CU_ASSERT_EQUAL(c->boots[1].where.line, 8);
	CU_ASSERT_PTR_NOT_NULL(strstr(c->boots[1].where.file,
	    "conf.d/10-rules.conf"));
	/* ${...} inside double quotes is pxed's, not the environment's. */
	CU_ASSERT_STRING_EQUAL(c->boots[0].bs.filename.src,
	    "http://${server}/boot.ipxe?mac=${mac}");
	/* efi-x64 stands for 7 and 9. */
	CU_ASSERT_EQUAL(c->matches[0].conds[0].n, 2);

	h = conf_host_by_mac(c, mac);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_STRING_EQUAL(h->name, "node01");
	CU_ASSERT_EQUAL(h->where.line, 1);
	CU_ASSERT_EQUAL(h->ip.s_addr, inet_addr("10.0.0.50"));
	CU_ASSERT_EQUAL(h->ntags, 2);
	CU_ASSERT_EQUAL_FATAL(h->nvars, 1);
	CU_ASSERT_STRING_EQUAL(h->vars[0].value, "r12");
	mac[5] = 0x57;
	CU_ASSERT_PTR_NULL(conf_host_by_mac(c, mac));
	conf_free(c);
	unit_tree_free();
}

static void
test_environment_not_expanded(void)
{
	struct conf	*c;

	setenv("mac", "EVIL", 1);
	setenv("server", "EVIL", 1);
	unit_tree_new();
	unit_tree_file("pxed.conf", "");
	unit_tree_file("conf.d/a.conf",
	    "match \"x\" { vendorclass = \"PXEClient\" }\n"
	    "boot \"a\" { if = \"x\" filename = \"${server}/${mac}\" }\n"
	    "boot \"b\" { filename = '${server}/x' }\n"
	    "boot \"c\" { filename = \"\\${server}/y\" }\n");
	c = unit_tree_load();
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(c->boots[0].bs.filename.src, "${server}/${mac}");
	CU_ASSERT_STRING_EQUAL(c->boots[1].bs.filename.src, "${server}/x");
	CU_ASSERT_STRING_EQUAL(c->boots[2].bs.filename.src, "${server}/y");
	conf_free(c);
	unit_tree_free();
	unsetenv("mac");
	unsetenv("server");
}

static void
test_builtin(void)
{
	struct conf	*c;

	unit_tree_new();		/* no pxed.conf at all */
	c = unit_tree_load();
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_TRUE(c->builtin);
	CU_ASSERT_EQUAL(c->dhcp.mode, CONF_DHCP_PROXY);
	CU_ASSERT_EQUAL(c->http.port, 80);
	CU_ASSERT_TRUE(c->tftp.enable);
	CU_ASSERT_EQUAL(c->nboots, 4);
	CU_ASSERT_PTR_NOT_NULL(conf_boot_by_name(c, "builtin-bios"));
	CU_ASSERT_PTR_NOT_NULL(conf_boot_by_name(c, "builtin-http"));
	{
		/* UEFI HTTP boot (arch 16) gets ipxe.efi over HTTP. */
		static const uint8_t	 a16[2] = { 0, 16 }, a0[2] = { 0, 0 };
		struct rules_req	 req;
		struct rules_result	 res;

		rules_req_init(&req);
		rules_req_setopt(&req, 93, a16, 2);
		rules_eval(c, &req, &res);
		CU_ASSERT_PTR_NOT_NULL_FATAL(res.boot);
		CU_ASSERT_STRING_EQUAL(res.boot->name, "builtin-http");
		rules_req_init(&req);
		rules_req_setopt(&req, 93, a0, 2);
		rules_eval(c, &req, &res);
		CU_ASSERT_PTR_NOT_NULL_FATAL(res.boot);
		CU_ASSERT_STRING_EQUAL(res.boot->name, "builtin-bios");
	}
	CU_ASSERT_PTR_NOT_NULL(conf_boot_by_name(c, "builtin-uefi"));
	CU_ASSERT_PTR_NOT_NULL(conf_boot_by_name(c, "builtin-ipxe"));
	conf_free(c);

	/* conf.d rules come before the built-in ones. */
	unit_tree_file("conf.d/10-mine.conf",
	    "boot \"mine\" { filename = \"mine.efi\" }\n");
	c = unit_tree_load();
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->nboots, 5);
	CU_ASSERT_STRING_EQUAL(c->boots[0].name, "mine");
	conf_free(c);
	unit_tree_free();
}

static void
test_confd_order(void)
{
	struct conf	*c;

	unit_tree_new();
	unit_tree_file("pxed.conf", "");
	unit_tree_file("conf.d/20-b.conf", "boot \"b\" { filename = \"b\" }\n");
	unit_tree_file("conf.d/10-a.conf", "boot \"a\" { filename = \"a\" }\n");
	unit_tree_file("conf.d/30-c.conf", "boot \"c\" { filename = \"c\" }\n");
	/* Skipped: dotfiles, backups, other suffixes. */
	unit_tree_file("conf.d/.05-hidden.conf", "this is { broken\n");
	unit_tree_file("conf.d/15-x.conf~", "this is { broken\n");
	unit_tree_file("conf.d/15-y.conf.bak", "this is { broken\n");
	unit_tree_file("conf.d/15-z.conf.dpkg-old", "this is { broken\n");
	unit_tree_file("conf.d/README", "this is { broken\n");
	c = unit_tree_load();
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->nfiles, 3);
	CU_ASSERT_EQUAL_FATAL(c->nboots, 3);
	CU_ASSERT_STRING_EQUAL(c->boots[0].name, "a");
	CU_ASSERT_STRING_EQUAL(c->boots[1].name, "b");
	CU_ASSERT_STRING_EQUAL(c->boots[2].name, "c");
	conf_free(c);
	unit_tree_free();
}

static void
test_pxe_encoding(void)
{
	struct conf	*c;
	static const uint8_t want43[] = {
		6, 1, 8,
		8, 7, 0x80, 0x00, 1, 10, 0, 0, 1,
		9, 6, 0x80, 0x00, 3, 'N', 'e', 't',
		10, 5, 5, 'B', 'o', 'o', 't',
		255
	};
	static const uint8_t want175[] = { 176, 1, 1, 8, 1, 1 };
	const struct conf_optval *o;

	unit_tree_new();
	unit_tree_file("pxed.conf", "");
	unit_tree_file("conf.d/pxe.conf",
	    "boot \"p\" {\n"
	    "  filename = \"pxelinux.0\"\n"
	    "  pxe {\n"
	    "    discovery-control = 8\n"
	    "    boot-servers = { \"32768:10.0.0.1\" }\n"
	    "    menu = { \"32768:Net\" }\n"
	    "    prompt = \"Boot\"\n"
	    "    prompt-timeout = 5\n"
	    "  }\n"
	    "  ipxe = { \"no-pxedhcp=1\", \"keep-san=1\" }\n"
	    "  option = { \"66=hex:0a:00:00:01\", \"128=u16:513\", "
	    "\"209=pxelinux.cfg/default\", \"150=ip:10.0.0.1,10.0.0.2\" }\n"
	    "  tftp-refuse = { \"blksize\", \"windowsize\" }\n"
	    "  delay = 250\n"
	    "}\n");
	c = unit_tree_load();
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL_FATAL(c->nboots, 1);
	CU_ASSERT_EQUAL_FATAL(c->boots[0].bs.pxe_len, sizeof(want43));
	CU_ASSERT_EQUAL(memcmp(c->boots[0].bs.pxe, want43, sizeof(want43)), 0);
	CU_ASSERT_EQUAL_FATAL(c->boots[0].bs.ipxe_len, sizeof(want175));
	CU_ASSERT_EQUAL(memcmp(c->boots[0].bs.ipxe, want175,
	    sizeof(want175)), 0);
	CU_ASSERT_EQUAL_FATAL(c->boots[0].bs.noptions, 4);
	o = c->boots[0].bs.options;
	CU_ASSERT_EQUAL(o[0].code, 66);
	CU_ASSERT_EQUAL(o[0].len, 4);
	CU_ASSERT_EQUAL(o[0].data[0], 10);
	CU_ASSERT_EQUAL(o[1].len, 2);
	CU_ASSERT_EQUAL(o[1].data[0], 2);
	CU_ASSERT_EQUAL(o[1].data[1], 1);
	CU_ASSERT_EQUAL(o[2].len, strlen("pxelinux.cfg/default"));
	CU_ASSERT_EQUAL(o[3].len, 8);
	CU_ASSERT_EQUAL(c->boots[0].bs.tftp_refuse,
	    TFTP_REFUSE_BLKSIZE | TFTP_REFUSE_WINDOWSIZE);
	CU_ASSERT_EQUAL(c->boots[0].bs.delay_ms, 250);
	conf_free(c);
	unit_tree_free();
}

/* One broken configuration: load fails and names file:line. */
static void
expect_error(const char *main_text, const char *rules_text, const char *msg)
{
	struct conf	*c;

	unit_tree_new();
	unit_tree_file("pxed.conf", main_text != NULL ? main_text : "");
	if (rules_text != NULL)
		unit_tree_file("conf.d/10-x.conf", rules_text);
	c = unit_tree_load();
	CU_ASSERT_PTR_NULL(c);
	CU_ASSERT_TRUE(unit_has_error(msg));
	conf_free(c);
	unit_tree_free();
}

/* circuit-id, remote-id, subscriber-id: bad values name file:line. */
static void
test_bad_agent(void)
{
	expect_error(NULL, "\nmatch \"a\" {\n  circuit-id = \"x\"\n"
	    "  circuit-id-prefix = \"y\"\n}\n",
	    "conf.d/10-x.conf:4: match \"a\": give circuit-id or "
	    "circuit-id-prefix, not both");
	expect_error(NULL, "match \"a\" {\n  remote-id = \"hex:0g\"\n}\n",
	    "conf.d/10-x.conf:2: remote-id: \"hex:0g\": bad hex digits "
	    "(write byte pairs such as hex:0a0b)");
	expect_error(NULL, "match \"a\" {\n\n  subscriber-id-prefix = "
	    "\"u16:70000\"\n}\n", "conf.d/10-x.conf:3: subscriber-id-prefix: "
	    "\"u16:70000\": not a number from 0 to 65535");
	expect_error(NULL, "match \"a\" { circuit-ids = \"x\" }\n",
	    "conf.d/10-x.conf:1: no such option 'circuit-ids'");
}

static void
test_bad_syntax(void)
{
	expect_error(NULL, "\n\nmatch \"a\" {\n  arch = 7\n  color = red\n}\n",
	    "conf.d/10-x.conf:5: no such option 'color'");
	expect_error(NULL, "# one\n# two\n# three\nboot \"a\" { filename = "
	    "\"a\" }\n}\n",
	    "conf.d/10-x.conf:5: unexpected closing brace");
	expect_error(NULL, "match \"a\" { vendorclass = \"PXEClient }\n\n",
	    "conf.d/10-x.conf:1: unterminated string");
	expect_error(NULL, "/* never closed\nmatch \"a\" { arch = 7 }\n",
	    "conf.d/10-x.conf:1: unterminated /* comment");
	expect_error(NULL, "match \"a\" { arch = 7 }\nmatch \"a\" { arch = 9 "
	    "}\n",
	    "conf.d/10-x.conf:2: found duplicate title 'a'");
	expect_error(NULL, "\nboot \"a\" { filename = http://x/y }\n",
	    "conf.d/10-x.conf:2: '//' right after a value starts a comment: "
	    "put the value in quotes");
	expect_error(NULL, "boot \"a\" { filename = \"x\" }#c\n"
	    "match \"b\" { arch = 7# seven\n}\n",
	    "conf.d/10-x.conf:2: '#' right after a value starts a comment: "
	    "put the value in quotes");
	expect_error(NULL, "boot \"a\" { filename = ${mac} }\n",
	    "conf.d/10-x.conf:1: a ${...} template must be inside quotes");
	/* Global settings belong in the main file. */
	expect_error(NULL, "dhcp { mode = server }\n",
	    "conf.d/10-x.conf:1: no such option 'dhcp'");
	expect_error("dhcp {\n  mode = relay\n}\n", NULL,
	    "pxed.conf:2: mode: \"relay\" is not server, proxy or off");
	expect_error("tftp {\n  port = 70000\n}\n", NULL,
	    "pxed.conf:2: port: \"70000\" is not a number from 1 to 65535");
	expect_error("log-level = loud\n", NULL,
	    "pxed.conf:1: log-level: \"loud\" is not error, warning, notice, "
	    "info or debug");
}

static void
test_bad_rules(void)
{
	expect_error(NULL, "match \"a\" {\n  arch = { 7, efi-sparc }\n}\n",
	    "conf.d/10-x.conf:2: arch: \"efi-sparc\" is neither a number from "
	    "0 to 65535 nor an architecture name of pxed.conf(5) (bios, "
	    "efi-x64, efi-arm64, http-x64, uboot-arm64, efi-riscv64, ...)");
	expect_error(NULL, "boot \"b\" {\n  filename = \"x\"\n"
	    "  pxelinux-reboot-time = 4294967296\n}\n",
	    "conf.d/10-x.conf:3: pxelinux-reboot-time: \"4294967296\" is not "
	    "a number from 0 to 4294967295");
	expect_error(NULL, "boot \"b\" {\n  filename = \"x\"\n"
	    "  pxelinux-path-prefix = \"\"\n}\n",
	    "conf.d/10-x.conf:3: pxelinux-path-prefix: \"\" must be 1 to 255 "
	    "bytes (one DHCP option)");
	expect_error(NULL, "boot \"b\" {\n  filename = \"x\"\n"
	    "  option = { \"209=text:a\" }\n"
	    "  pxelinux-config-file = \"b\"\n}\n",
	    "conf.d/10-x.conf:3: option 209 is given both raw and as "
	    "pxelinux-config-file: keep one");
	expect_error(NULL, "match \"a\" { }\n",
	    "conf.d/10-x.conf:1: match \"a\" has no condition");
	expect_error(NULL, "match \"a\" {\n  mac = \"52:54:00:zz:*:*\"\n}\n",
	    "conf.d/10-x.conf:2: mac: \"52:54:00:zz:*:*\" is not a MAC pattern "
	    "such as 52:54:00:*:*:* or 52:54:00:*");
	expect_error(NULL, "match \"a\" {\n  value = \"x\"\n}\n",
	    "conf.d/10-x.conf:2: match \"a\": value and prefix need option = "
	    "NUMBER");
	expect_error(NULL, "match \"a\" { vendorclass = \"x\" }\n"
	    "boot \"b\" {\n  if = \"a & (b\"\n  filename = \"x\"\n}\n",
	    "conf.d/10-x.conf:3: if = \"a & (b\": missing ')' at offset 6");
	expect_error(NULL, "match \"a\" { vendorclass = \"x\" }\n"
	    "boot \"b\" {\n  if = \"a & | c\"\n  filename = \"x\"\n}\n",
	    "conf.d/10-x.conf:3: if = \"a & | c\": unexpected '|' at offset 4");
	expect_error(NULL, "match \"efi64\" { arch = 7 }\n"
	    "boot \"b\" {\n  if = \"efi64 & !ipxe\"\n  filename = \"x\"\n}\n",
	    "conf.d/10-x.conf:3: if = \"efi64 & !ipxe\": tag \"ipxe\" is used "
	    "but no match or host sets it");
	expect_error(NULL, "boot \"b\" {\n  filename = \"${server}/${rack}\"\n}\n",
	    "conf.d/10-x.conf:2: \"${server}/${rack}\": unknown template "
	    "variable ${rack} (known: mac ip hostname arch server http tags, "
	    "and host vars)");
	expect_error(NULL, "boot \"b\" {\n  filename = \"a$b\"\n}\n",
	    "conf.d/10-x.conf:2: filename: template \"a$b\": a lone '$' at "
	    "offset 1 (write $$ for a dollar sign)");
	expect_error(NULL, "boot \"b\" {\n  delay = 5\n}\n",
	    "conf.d/10-x.conf:1: boot \"b\" has no filename");
	expect_error(NULL, "boot \"b\" {\n  filename = \"x\"\n"
	    "  option = { \"53=u8:1\" }\n}\n",
	    "conf.d/10-x.conf:3: option = \"53=u8:1\": option 53 is managed by "
	    "pxed and cannot be set");
	expect_error(NULL, "boot \"b\" {\n  filename = \"x\"\n"
	    "  option = { \"43=hex:0601ff\" }\n  pxe { discovery-control = 8 }"
	    "\n}\n",
	    "conf.d/10-x.conf:3: option 43 is given both raw and as pxe { }: "
	    "keep one");
	expect_error(NULL, "boot \"b\" {\n  filename = \"x\"\n"
	    "  tftp-refuse = { \"tsize\", \"mtu\" }\n}\n",
	    "conf.d/10-x.conf:3: tftp-refuse: \"mtu\" is not blksize, tsize, "
	    "timeout, windowsize or all");
	expect_error(NULL, "host \"h\" {\n  ip = 10.0.0.5\n}\n",
	    "conf.d/10-x.conf:1: host \"h\" has no mac");
	expect_error(NULL, "host \"h\" {\n  mac = \"52:54:00:12:34\"\n}\n",
	    "conf.d/10-x.conf:2: mac: \"52:54:00:12:34\" is not a MAC address "
	    "such as 52:54:00:12:34:56");
	expect_error(NULL, "host \"h\" {\n  mac = \"52:54:00:12:34:56\"\n"
	    "  boot = \"nope\"\n}\n",
	    "conf.d/10-x.conf:1: host \"h\": boot \"nope\" is not defined");
	expect_error(NULL, "host \"h\" {\n  mac = \"52:54:00:12:34:56\"\n"
	    "  ip = 10.0.0.300\n}\n",
	    "conf.d/10-x.conf:3: ip: \"10.0.0.300\" is not an IPv4 address");
}

static const char server_main[] =
	"dhcp {\n"
	"  mode = server\n"
	"  range \"a\" {\n"
	"    start = 10.0.0.10\n"
	"    end = 10.0.0.100\n"
	"    netmask = 255.255.255.0\n"
	"  }\n"
	"  range \"b\" {\n"
	"    start = 10.0.0.90\n"
	"    end = 10.0.0.120\n"
	"    netmask = 255.255.255.0\n"
	"  }\n"
	"}\n";

static void
test_bad_crossfile(void)
{
	struct conf	*c;

	/* Overlapping ranges. */
	expect_error(server_main, NULL,
	    "pxed.conf:8: range \"b\" overlaps range \"a\" at pxed.conf:3");
	expect_error("dhcp {\n  mode = server\n  range \"a\" {\n"
	    "    start = 10.0.0.100\n    end = 10.0.0.10\n"
	    "    netmask = 255.255.255.0\n  }\n}\n", NULL,
	    "pxed.conf:3: range \"a\": start 10.0.0.100 is after end 10.0.0.10");
	expect_error("dhcp {\n  mode = server\n}\n", NULL,
	    "pxed.conf:2: dhcp: mode server needs at least one range");

	/* A host outside every range's subnet. */
	expect_error("dhcp {\n  mode = server\n  range \"a\" {\n"
	    "    start = 10.0.0.10\n    end = 10.0.0.100\n"
	    "    netmask = 255.255.255.0\n  }\n}\n",
	    "host \"h\" {\n  mac = \"52:54:00:12:34:56\"\n  ip = 10.1.0.5\n}\n",
	    "conf.d/10-x.conf:1: host \"h\": ip 10.1.0.5 is outside every "
	    "range's subnet");

	/* Duplicates across files name both places. */
	unit_tree_new();
	unit_tree_file("pxed.conf", "");
	unit_tree_file("conf.d/a.conf", "\nhost \"n1\" {\n"
	    "  mac = \"52:54:00:00:00:01\"\n  ip = 10.0.0.5\n}\n"
	    "boot \"x\" { filename = \"x\" }\n");
	unit_tree_file("conf.d/b.conf", "host \"n2\" {\n"
	    "  mac = \"52:54:00:00:00:01\"\n  ip = 10.0.0.5\n}\n"
	    "host \"n1\" { mac = \"52:54:00:00:00:09\" }\n"
	    "boot \"x\" { filename = \"y\" }\n");
	c = unit_tree_load();
	CU_ASSERT_PTR_NULL(c);
	CU_ASSERT_TRUE(unit_has_error("conf.d/b.conf:1: host \"n2\": MAC "
	    "52:54:00:00:00:01 is already host \"n1\" at conf.d/a.conf:2"));
	CU_ASSERT_TRUE(unit_has_error("conf.d/b.conf:1: host \"n2\": ip "
	    "10.0.0.5 is already host \"n1\" at conf.d/a.conf:2"));
	CU_ASSERT_TRUE(unit_has_error("conf.d/b.conf:5: host \"n1\" is "
	    "already defined at conf.d/a.conf:2"));
	CU_ASSERT_TRUE(unit_has_error("conf.d/b.conf:6: boot \"x\" is "
	    "already defined at conf.d/a.conf:6"));
	CU_ASSERT_EQUAL(unit_nerrors(), 4);
	conf_free(c);
	unit_tree_free();
}

/* Every error of every file is reported, not just the first. */
static void
test_all_errors(void)
{
	struct conf	*c;
	size_t		 i;
	int		 a = 0, b = 0;

	unit_tree_new();
	unit_tree_file("pxed.conf", "");
	unit_tree_file("conf.d/a.conf", "match \"a\" { arch = x }\n");
	unit_tree_file("conf.d/b.conf", "\nmatch \"b\" { mac = \"q\" }\n");
	c = unit_tree_load();
	CU_ASSERT_PTR_NULL(c);
	CU_ASSERT_EQUAL(unit_nerrors(), 2);
	for (i = 0; i < unit_nerrors(); i++) {
		a += strncmp(unit_error(i), "conf.d/a.conf:1: arch:", 22) == 0;
		b += strncmp(unit_error(i), "conf.d/b.conf:2: mac:", 21) == 0;
	}
	CU_ASSERT_EQUAL(a, 1);
	CU_ASSERT_EQUAL(b, 1);
	conf_free(c);
	unit_tree_free();
}

static void
test_optval(void)
{
	struct arena	 a = { NULL, 0 };
	const uint8_t	*d;
	size_t		 n;
	char		 err[256];

	CU_ASSERT_EQUAL(conf_value_parse_optval(&a, "hex:0A0b:0c", &d, &n,
	    err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(d[0], 0x0a);
	CU_ASSERT_EQUAL(d[2], 0x0c);
	CU_ASSERT_EQUAL(conf_value_parse_optval(&a, "0x0", &d, &n, err,
	    sizeof(err)), -1);
	CU_ASSERT_EQUAL(conf_value_parse_optval(&a, "u32:4294967295", &d, &n,
	    err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_EQUAL(d[3], 0xff);
	CU_ASSERT_EQUAL(conf_value_parse_optval(&a, "u8:256", &d, &n, err,
	    sizeof(err)), -1);
	CU_ASSERT_EQUAL(conf_value_parse_optval(&a, "u16:-1", &d, &n, err,
	    sizeof(err)), -1);
	CU_ASSERT_EQUAL(conf_value_parse_optval(&a, "ip:1.2.3.4, 5.6.7.8", &d,
	    &n, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(n, 8);
	CU_ASSERT_EQUAL(conf_value_parse_optval(&a, "ip:1.2.3", &d, &n, err,
	    sizeof(err)), -1);
	CU_ASSERT_EQUAL(conf_value_parse_optval(&a, "text:hex:00", &d, &n, err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(n, 6);
	CU_ASSERT_EQUAL(conf_value_parse_optval(&a, "PXEClient", &d, &n, err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(n, 9);
	arena_free(&a);
}

/*
 * Found by fuzzing (issue 6): each '!' and '(' of an "if" expression
 * recursed without a bound, so a long enough run of them overflowed the
 * stack while loading.  Nesting is limited to CONF_MAX_EXPR levels.
 */
static void
test_expr_depth(void)
{
	static const char	 head[] = "boot \"b\" { if = \"";
	static const char	 tail[] = "\" filename = \"x\" }\n"
				    "match \"a\" { arch = bios }\n";
	const size_t		 deep = 1000000;
	char			*text, *want;
	size_t			 i, n;
	struct conf		*c;

	text = malloc(sizeof(head) + 2 * deep + sizeof(tail) + 1);
	want = malloc(2 * deep + 128);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(want);

	/* A million '!': refused, not a crash. */
	n = strlen(head);
	memcpy(text, head, n);
	memset(text + n, '!', deep);
	n += deep;
	text[n++] = 'a';
	strcpy(text + n, tail);
	unit_tree_new();
	unit_tree_file("pxed.conf", "");
	unit_tree_file("conf.d/10-x.conf", text);
	c = unit_tree_load();
	CU_ASSERT_PTR_NULL(c);
	CU_ASSERT_EQUAL(unit_nerrors(), 1);
	CU_ASSERT_EQUAL(strncmp(unit_error(0),
	    "conf.d/10-x.conf:1: if = \"!!!!", 30), 0);
	conf_free(c);
	unit_tree_free();

	/* 300 levels of parentheses: refused with the reason. */
	n = strlen(head);
	for (i = 0; i < 300; i++)
		text[n++] = '(';
	text[n++] = 'a';
	for (i = 0; i < 300; i++)
		text[n++] = ')';
	strcpy(text + n, tail);
	n = 0;
	n += (size_t)sprintf(want, "conf.d/10-x.conf:1: if = \"");
	memcpy(want + n, text + strlen(head), 601);
	n += 601;
	strcpy(want + n, "\": nested more than 256 deep");
	expect_error(NULL, text, want);

	/* 200 levels still load. */
	n = strlen(head);
	for (i = 0; i < 200; i++)
		text[n++] = '(';
	text[n++] = 'a';
	for (i = 0; i < 200; i++)
		text[n++] = ')';
	strcpy(text + n, tail);
	unit_tree_new();
	unit_tree_file("pxed.conf", "");
	unit_tree_file("conf.d/10-x.conf", text);
	c = unit_tree_load();
	CU_ASSERT_PTR_NOT_NULL(c);
	conf_free(c);
	unit_tree_free();
	free(want);
	free(text);
}

/*
 * pxed.conf(5) documents exactly the table of scalar settings: every row
 * is an ".It Ic key" of its section, and every such item of the main
 * file's sections is a row or one of the few settings that are not
 * scalars.  Items of nested lists (a range's settings) do not count.
 */
#define MAN_MAX_KEYS	128

static const char *
man_section(const char *sh)
{
	static const char *const map[][2] = {
		{ "GLOBAL SETTINGS", "global" },
		{ "DHCP", "dhcp" },
		{ "TFTP", "tftp" },
		{ "HTTP", "http" },
	};
	size_t	i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(sh, map[i][0]) == 0)
			return map[i][1];
	return NULL;
}

/* "section.key" for every depth-1 ".It Ic key" of the four sections. */
static size_t
man_keys(char keys[][64])
{
	FILE		*fp;
	char		 line[512], key[48];
	const char	*sec = NULL;
	size_t		 n = 0;
	int		 depth = 0;

	fp = fopen(PXED_TESTDIR "/../man/pxed.conf.5", "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, ".Sh ", 4) == 0) {
			sec = man_section(line + 4);
			depth = 0;
		} else if (strncmp(line, ".Bl", 3) == 0)
			depth++;
		else if (strncmp(line, ".El", 3) == 0)
			depth--;
		else if (sec != NULL && depth == 1 &&
		    sscanf(line, ".It Ic %47s", key) == 1 && n < MAN_MAX_KEYS)
			snprintf(keys[n++], 64, "%s.%s", sec, key);
	}
	fclose(fp);
	return n;
}

static bool
man_has(char keys[][64], size_t n, const char *want)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(keys[i], want) == 0)
			return true;
	return false;
}

static void
test_settings_documented(void)
{
	/* Main-file settings that are not scalars, so not rows. */
	static const char *const other[] = {
		"global.interface", "dhcp.option", "dhcp.range", "dhcp.range6",
		NULL
	};
	static char			 keys[MAN_MAX_KEYS][64];
	char				 name[64];
	const struct conf_setting	*s;
	size_t				 i, j, n, missing = 0;

	n = man_keys(keys);
	CU_ASSERT(n > 0);
	for (i = 0; (s = conf_setting_row(i)) != NULL; i++) {
		snprintf(name, sizeof(name), "%s.%s",
		    s->section != NULL ? s->section : "global", s->key);
		if (!man_has(keys, n, name)) {
			fprintf(stderr, "pxed.conf.5 lacks %s\n", name);
			missing++;
		}
	}
	for (i = 0; i < n; i++) {
		bool	found = false;

		for (j = 0; other[j] != NULL; j++)
			found |= strcmp(keys[i], other[j]) == 0;
		for (j = 0; !found && (s = conf_setting_row(j)) != NULL; j++) {
			snprintf(name, sizeof(name), "%s.%s",
			    s->section != NULL ? s->section : "global", s->key);
			found = strcmp(keys[i], name) == 0;
		}
		if (!found) {
			fprintf(stderr, "pxed.conf.5 documents %s, which is "
			    "not a setting\n", keys[i]);
			missing++;
		}
	}
	CU_ASSERT_EQUAL(missing, 0);
}

void
test_conf_register(void)
{
	CU_pSuite	s = CU_add_suite("conf", NULL, NULL);

	CU_add_test(s, "a good configuration", test_good);
	CU_add_test(s, "environment not expanded", test_environment_not_expanded);
	CU_add_test(s, "built-in defaults", test_builtin);
	CU_add_test(s, "conf.d order and skipped files", test_confd_order);
	CU_add_test(s, "option 43/175 encoding", test_pxe_encoding);
	CU_add_test(s, "broken syntax", test_bad_syntax);
	CU_add_test(s, "broken rules", test_bad_rules);
	CU_add_test(s, "broken option 82 conditions", test_bad_agent);
	CU_add_test(s, "broken across files", test_bad_crossfile);
	CU_add_test(s, "every error reported", test_all_errors);
	CU_add_test(s, "option values", test_optval);
	CU_add_test(s, "deeply nested if (fuzzing)", test_expr_depth);
	CU_add_test(s, "pxed.conf(5) lists the settings table",
	    test_settings_documented);
}
