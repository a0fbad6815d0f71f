/*
 * test_rules.c: the rule engine, on the seed-capture identities (real
 * UEFI firmware and iPXE packets) and on hand-made requests.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "dhcp_pkt.h"
#include "dhcp_proto.h"
#include "rules.h"
#include "unit.h"

static const char lab_rules[] =
	"match \"efi64\" { arch = { 7, 9 } }\n"
	"match \"ipxe\"  { userclass = \"iPXE\" }\n"
	"match \"lab\"   { mac = \"52:54:00:*:*:*\" }\n"
	"match \"uefi-http\" { vendorclass = \"HTTPClient\" }\n"
	"match \"dell\"  { option = 60  value = \"PXEClient:Arch:00007\" }\n"
	"match \"pxe7\"  { option = 60  prefix = \"PXEClient:Arch:00007\" }\n"
	"match \"has97\" { option = 97 }\n"
	"match \"eth1\"  { interface = { \"eth1\", \"br0\" } }\n"
	"match \"remote\" { relay = { \"10.9.0.0/16\" } }\n"
	"match \"stranger\" { known = no }\n"
	"boot \"ipxe-script\" { if = \"ipxe\" "
	    "filename = \"http://${server}/boot.ipxe?mac=${mac}\" }\n"
	"boot \"uefi-http\" { if = \"uefi-http\" "
	    "filename = \"${http}/ipxe.efi\" }\n"
	"boot \"uefi\" { if = \"efi64 & !ipxe\" filename = \"ipxe.efi\" }\n"
	"boot \"bios\" { if = \"!efi64 & !ipxe\" filename = \"undionly.kpxe\" "
	    "}\n";

static struct conf *lab;

static int
rules_setup(void)
{
	unit_tree_new();
	unit_tree_file("pxed.conf", "http { port = 8080 }\n");
	unit_tree_file("conf.d/10-lab.conf", lab_rules);
	unit_tree_file("conf.d/20-hosts.conf",
	    "host \"node01\" {\n"
	    "  mac = \"52:54:00:12:34:56\"\n"
	    "  hostname = \"node01\"\n"
	    "  tags = { \"lab\", \"gpu\" }\n"
	    "  vars = { \"rack=r12\" }\n"
	    "  filename = \"node01/${rack}/${hostname}.efi\"\n"
	    "}\n"
	    "host \"node02\" {\n"
	    "  mac = \"52:54:00:12:34:57\"\n"
	    "  boot = \"bios\"\n"
	    "}\n"
	    "boot \"gpu\" { if = \"gpu & known\" filename = \"gpu.efi\" }\n");
	lab = unit_tree_load();
	return lab != NULL ? 0 : -1;
}

static int
rules_teardown(void)
{
	conf_free(lab);
	lab = NULL;
	unit_tree_free();
	return 0;
}

/* Parse a captured packet with the DHCP codec and run the rules on it. */
static void
eval_fixture(const char *name, struct rules_req *req,
    struct rules_result *res, struct dhcp_msg *m)
{
	unsigned char	pkt[DHCP_MAX_LEN];
	size_t		n = unit_fixture(name, pkt, sizeof(pkt));

	CU_ASSERT_EQUAL_FATAL(dhcp_pkt_parse(pkt, n, m), DHCP_POK);
	client_rules_req(&(struct client_src){ .msg = m }, req);
	rules_eval(lab, req, res);
}

static void
render(const struct rules_req *req, const struct rules_result *res,
    char *buf, size_t len)
{
	struct rules_vars	v;

	memset(&v, 0, sizeof(v));
	v.conf = lab;
	v.req = req;
	v.res = res;
	v.server = "10.0.0.1";
	v.ip = "10.0.0.50";
	rules_render(&res->eff.filename, &v, buf, len);
}

static void
test_seed_uefi(void)
{
	struct rules_req	req;
	struct rules_result	res;
	static struct dhcp_msg	store;
	char			tags[256], file[256];
	const char		*f[] = { "01-dhcpd-msg-discover.bin",
				    "06-proxydhcpd-msg-request.bin" };
	size_t			i;

	for (i = 0; i < 2; i++) {
		eval_fixture(f[i], &req, &res, &store);
		CU_ASSERT_EQUAL(rules_arch(&req), 7);
		CU_ASSERT_EQUAL(req.mac[0], 0x7c);
		rules_tags_string(lab, &res, tags, sizeof(tags));
		/* UEFI x64 firmware, unknown machine, "PXEClient:Arch:00007". */
		CU_ASSERT_STRING_EQUAL(tags, "efi64,pxe7,has97,stranger");
		CU_ASSERT_PTR_NULL(res.host);
		CU_ASSERT_PTR_NOT_NULL_FATAL(res.boot);
		CU_ASSERT_STRING_EQUAL(res.boot->name, "uefi");
		render(&req, &res, file, sizeof(file));
		CU_ASSERT_STRING_EQUAL(file, "ipxe.efi");
	}
}

static void
test_seed_ipxe(void)
{
	struct rules_req	req;
	struct rules_result	res;
	static struct dhcp_msg	store;
	char			tags[256], file[256];

	eval_fixture("08-dhcpd-msg-discover.bin", &req, &res, &store);
	rules_tags_string(lab, &res, tags, sizeof(tags));
	CU_ASSERT_STRING_EQUAL(tags, "efi64,ipxe,pxe7,has97,stranger");
	CU_ASSERT_PTR_NOT_NULL_FATAL(res.boot);
	CU_ASSERT_STRING_EQUAL(res.boot->name, "ipxe-script");
	render(&req, &res, file, sizeof(file));
	CU_ASSERT_STRING_EQUAL(file,
	    "http://10.0.0.1/boot.ipxe?mac=7c:10:c9:1c:79:f7");
}

/* Replies from servers carry no arch: only the "bios" fallback holds. */
static void
test_seed_replies(void)
{
	struct rules_req	req;
	struct rules_result	res;
	static struct dhcp_msg	store;

	eval_fixture("02-dhcpc-msg-bootp.bin", &req, &res, &store);
	CU_ASSERT_EQUAL(rules_arch(&req), -1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(res.boot);
	CU_ASSERT_STRING_EQUAL(res.boot->name, "bios");
	eval_fixture("03-dhcpd-offer_packet-offer.bin", &req, &res, &store);
	/* "PXEClient" alone is shorter than the prefix rule. */
	CU_ASSERT_FALSE(conf_tag_isset(&res.tags, lab->matches[5].tag));
}

static void
setopt_str(struct rules_req *req, uint8_t code, const char *s)
{
	rules_req_setopt(req, code, (const uint8_t *)s, strlen(s));
}

static void
test_userclass_forms(void)
{
	struct rules_req	req;
	struct rules_result	res;
	static const uint8_t	tuples[] = { 3, 'f', 'o', 'o', 4, 'i', 'P',
				    'X', 'E' };
	static const uint8_t	broken[] = { 9, 'i', 'P', 'X', 'E' };
	static const uint8_t	ipxe_lower[] = { 'i', 'p', 'x', 'e' };

	rules_req_init(&req);
	rules_req_setopt(&req, DHO_USER_CLASS, tuples, sizeof(tuples));
	rules_eval(lab, &req, &res);
	CU_ASSERT_STRING_EQUAL(res.boot->name, "ipxe-script");

	rules_req_setopt(&req, DHO_USER_CLASS, broken, sizeof(broken));
	rules_eval(lab, &req, &res);
	CU_ASSERT_STRING_EQUAL(res.boot->name, "bios");

	/* Exact, case-sensitive. */
	rules_req_setopt(&req, DHO_USER_CLASS, ipxe_lower, sizeof(ipxe_lower));
	rules_eval(lab, &req, &res);
	CU_ASSERT_STRING_EQUAL(res.boot->name, "bios");
}

static void
test_conditions(void)
{
	struct rules_req	req;
	struct rules_result	res;
	static const uint8_t	arch_list[] = { 0, 0, 0, 9 };
	static const uint8_t	mac[6] = { 0x52, 0x54, 0, 9, 9, 9 };
	unsigned		tag_lab = lab->matches[2].tag;
	unsigned		tag_dell = lab->matches[4].tag;
	unsigned		tag_eth1 = lab->matches[7].tag;
	unsigned		tag_remote = lab->matches[8].tag;

	/* Any arch of the option 93 list may match. */
	rules_req_init(&req);
	rules_req_setopt(&req, DHO_CLIENT_ARCH, arch_list, sizeof(arch_list));
	rules_eval(lab, &req, &res);
	CU_ASSERT_STRING_EQUAL(res.boot->name, "uefi");

	/* MAC wildcard, and only for 6-byte hardware addresses. */
	rules_req_init(&req);
	memcpy(req.mac, mac, 6);
	req.mac_len = 6;
	rules_eval(lab, &req, &res);
	CU_ASSERT_TRUE(conf_tag_isset(&res.tags, tag_lab));
	req.mac_len = 16;
	rules_eval(lab, &req, &res);
	CU_ASSERT_FALSE(conf_tag_isset(&res.tags, tag_lab));

	/* Option equal versus prefix. */
	rules_req_init(&req);
	setopt_str(&req, DHO_VENDOR_CLASS_ID, "PXEClient:Arch:00007");
	rules_eval(lab, &req, &res);
	CU_ASSERT_TRUE(conf_tag_isset(&res.tags, tag_dell));
	setopt_str(&req, DHO_VENDOR_CLASS_ID, "PXEClient:Arch:00007:UNDI");
	rules_eval(lab, &req, &res);
	CU_ASSERT_FALSE(conf_tag_isset(&res.tags, tag_dell));

	/* Vendor class is a prefix match: UEFI HTTP boot. */
	setopt_str(&req, DHO_VENDOR_CLASS_ID,
	    "HTTPClient:Arch:00016:UNDI:003000");
	rules_eval(lab, &req, &res);
	CU_ASSERT_STRING_EQUAL(res.boot->name, "uefi-http");

	/* Interface and relay subnet. */
	rules_req_init(&req);
	req.ifname = "br0";
	req.giaddr.s_addr = inet_addr("10.9.200.1");
	rules_eval(lab, &req, &res);
	CU_ASSERT_TRUE(conf_tag_isset(&res.tags, tag_eth1));
	CU_ASSERT_TRUE(conf_tag_isset(&res.tags, tag_remote));
	req.ifname = "eth0";
	req.giaddr.s_addr = inet_addr("10.8.0.1");
	rules_eval(lab, &req, &res);
	CU_ASSERT_FALSE(conf_tag_isset(&res.tags, tag_eth1));
	CU_ASSERT_FALSE(conf_tag_isset(&res.tags, tag_remote));
	req.ifname = NULL;
	req.giaddr.s_addr = 0;
	rules_eval(lab, &req, &res);
	CU_ASSERT_FALSE(conf_tag_isset(&res.tags, tag_remote));
}

/* match conditions on option 82's sub-options (RFC 3046 3, RFC 3993). */
static void
test_agent_conditions(void)
{
	static const char	 rules[] =
		"match \"c-eq\" { circuit-id = \"eth0/7\" }\n"
		"match \"c-pre\" { circuit-id-prefix = \"eth0/\" }\n"
		"match \"r-hex\" { remote-id = \"hex:00:11:22\" }\n"
		"match \"r-pre\" { remote-id-prefix = \"0x0011\" }\n"
		"match \"s-eq\" { subscriber-id = \"cust-1\" }\n"
		"match \"both\" { circuit-id = \"eth0/7\" "
		    "relay = { \"10.1.0.0/16\" } }\n"
		"boot \"p7\" { if = \"c-eq\" filename = \"p7.efi\" }\n";
	static const uint8_t	 ag[] = { 1, 6, 'e', 't', 'h', '0', '/', '7',
				    2, 3, 0, 0x11, 0x22, 6, 6, 'c', 'u',
				    's', 't', '-', '1' };
	static const uint8_t	 ag2[] = { 1, 7, 'e', 't', 'h', '0', '/', '7',
				    '7', 2, 4, 0, 0x11, 0x22, 0x33 };
	static const uint8_t	 bad[] = { 1, 6, 'e', 't', 'h', '0', '/', '7',
				    2, 9, 0 };
	struct conf		*c;
	struct rules_req	 req;
	struct rules_result	 res;
	char			 tags[256];

	unit_tree_new();
	unit_tree_file("conf.d/10-ag.conf", rules);
	c = unit_tree_load();
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);

	rules_req_init(&req);
	req.giaddr.s_addr = inet_addr("10.1.0.1");
	rules_req_setopt(&req, DHO_RELAY_AGENT_INFO, ag, sizeof(ag));
	rules_eval(c, &req, &res);
	rules_tags_string(c, &res, tags, sizeof(tags));
	CU_ASSERT_STRING_EQUAL(tags, "c-eq,c-pre,r-hex,r-pre,s-eq,both");
	CU_ASSERT_STRING_EQUAL(res.boot->name, "p7");

	/* Longer values: prefixes hold, equality does not. */
	rules_req_setopt(&req, DHO_RELAY_AGENT_INFO, ag2, sizeof(ag2));
	rules_eval(c, &req, &res);
	rules_tags_string(c, &res, tags, sizeof(tags));
	CU_ASSERT_STRING_EQUAL(tags, "c-pre,r-pre");
	/* The built-in entry, not p7. */
	CU_ASSERT_TRUE(res.boot == NULL || strcmp(res.boot->name, "p7") != 0);

	/* Malformed: no sub-option holds. */
	rules_req_setopt(&req, DHO_RELAY_AGENT_INFO, bad, sizeof(bad));
	rules_eval(c, &req, &res);
	rules_tags_string(c, &res, tags, sizeof(tags));
	CU_ASSERT_STRING_EQUAL(tags, "");

	/* No option 82, or a DHCPv6 request: none. */
	rules_req_init(&req);
	rules_eval(c, &req, &res);
	rules_tags_string(c, &res, tags, sizeof(tags));
	CU_ASSERT_STRING_EQUAL(tags, "");
	req.family = AF_INET6;
	rules_req_setopt(&req, DHO_RELAY_AGENT_INFO, ag, sizeof(ag));
	rules_eval(c, &req, &res);
	rules_tags_string(c, &res, tags, sizeof(tags));
	CU_ASSERT_STRING_EQUAL(tags, "");
	conf_free(c);
	unit_tree_free();
}

static void
test_hosts(void)
{
	struct rules_req	req;
	struct rules_result	res;
	static const uint8_t	n1[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
	static const uint8_t	n2[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x57 };
	static const uint8_t	efi[2] = { 0, 7 };
	char			file[256];

	/* node01: tags from the host, "known", its own filename wins. */
	rules_req_init(&req);
	memcpy(req.mac, n1, 6);
	req.mac_len = 6;
	rules_req_setopt(&req, DHO_CLIENT_ARCH, efi, 2);
	rules_eval(lab, &req, &res);
	CU_ASSERT_PTR_NOT_NULL_FATAL(res.host);
	CU_ASSERT_STRING_EQUAL(res.host->name, "node01");
	CU_ASSERT_TRUE(conf_tag_isset(&res.tags, CONF_TAG_KNOWN));
	CU_ASSERT_FALSE(conf_tag_isset(&res.tags, lab->matches[9].tag));
	CU_ASSERT_PTR_NOT_NULL_FATAL(res.boot);
	CU_ASSERT_STRING_EQUAL(res.boot->name, "uefi");
	render(&req, &res, file, sizeof(file));
	CU_ASSERT_STRING_EQUAL(file, "node01/r12/node01.efi");

	/* node02 is pinned to "bios" even though it is UEFI. */
	memcpy(req.mac, n2, 6);
	rules_eval(lab, &req, &res);
	CU_ASSERT_PTR_NOT_NULL_FATAL(res.boot);
	CU_ASSERT_STRING_EQUAL(res.boot->name, "bios");
	render(&req, &res, file, sizeof(file));
	CU_ASSERT_STRING_EQUAL(file, "undionly.kpxe");
}

/* The first boot entry that holds wins, in file then section order. */
static void
test_first_match(void)
{
	struct conf		*c;
	struct rules_req	 req;
	struct rules_result	 res;
	static const uint8_t	 bios[2] = { 0, 0 };

	unit_tree_new();
	unit_tree_file("pxed.conf", "");
	unit_tree_file("conf.d/20-b.conf",
	    "boot \"late\" { if = \"x\" filename = \"late\" }\n"
	    "boot \"any\" { filename = \"any\" }\n");
	unit_tree_file("conf.d/10-a.conf",
	    "match \"x\" { arch = bios }\n"
	    "match \"y\" { arch = 11 }\n"
	    "boot \"early\" { if = \"y | x & !y\" filename = \"early\" }\n");
	c = unit_tree_load();
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	rules_req_init(&req);
	rules_req_setopt(&req, DHO_CLIENT_ARCH, bios, 2);
	rules_eval(c, &req, &res);
	CU_ASSERT_STRING_EQUAL(res.boot->name, "early");
	rules_req_init(&req);
	rules_eval(c, &req, &res);
	CU_ASSERT_STRING_EQUAL(res.boot->name, "any");
	conf_free(c);
	unit_tree_free();
}

static void
test_expressions(void)
{
	struct conf		*c;
	struct conf_tagset	 t;
	const struct conf_boot	*b;

	unit_tree_new();
	unit_tree_file("pxed.conf", "");
	unit_tree_file("conf.d/a.conf",
	    "match \"a\" { arch = 1 }\nmatch \"b\" { arch = 2 }\n"
	    "match \"c\" { arch = 3 }\n"
	    "boot \"e1\" { if = \"a | b & !c\" filename = \"x\" }\n"
	    "boot \"e2\" { if = \"(a | b) & !c\" filename = \"x\" }\n"
	    "boot \"e3\" { if = \"!(a || b) && !!c\" filename = \"x\" }\n");
	c = unit_tree_load();
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	/* tags: 0 known, 1 a, 2 b, 3 c */
	memset(&t, 0, sizeof(t));
	conf_tag_set(&t, 1);
	conf_tag_set(&t, 3);
	b = conf_boot_by_name(c, "e1");
	CU_ASSERT_TRUE(rules_expr_holds(&b->cond, &t));	/* a | (b & !c) */
	b = conf_boot_by_name(c, "e2");
	CU_ASSERT_FALSE(rules_expr_holds(&b->cond, &t));
	memset(&t, 0, sizeof(t));
	conf_tag_set(&t, 3);
	b = conf_boot_by_name(c, "e3");
	CU_ASSERT_TRUE(rules_expr_holds(&b->cond, &t));
	conf_tag_set(&t, 2);
	CU_ASSERT_FALSE(rules_expr_holds(&b->cond, &t));
	conf_free(c);
	unit_tree_free();
}

/* Ten thousand hosts: every one found by MAC, strangers not. */
static void
test_many_hosts(void)
{
	struct conf	*c;
	char		*text;
	size_t		 i, off = 0, cap = 10000 * 80;
	uint8_t		 mac[6] = { 0x02, 0, 0, 0, 0, 0 };
	int		 found = 0;

	text = malloc(cap);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	for (i = 0; i < 10000; i++)
		off += (size_t)snprintf(text + off, cap - off,
		    "host \"h%zu\" { mac = \"02:00:00:00:%02zx:%02zx\" }\n", i,
		    i >> 8, i & 0xff);
	unit_tree_new();
	unit_tree_file("pxed.conf", "");
	unit_tree_file("conf.d/hosts.conf", text);
	free(text);
	c = unit_tree_load();
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->nhosts, 10000);
	for (i = 0; i < 10000; i++) {
		const struct conf_host	*h;

		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		h = conf_host_by_mac(c, mac);
		found += h != NULL && h->where.line == (int)i + 1;
	}
	CU_ASSERT_EQUAL(found, 10000);
	mac[3] = 1;
	CU_ASSERT_PTR_NULL(conf_host_by_mac(c, mac));
	conf_free(c);
	unit_tree_free();
}

void
test_rules_register(void)
{
	CU_pSuite	s = CU_add_suite("rules", rules_setup, rules_teardown);

	CU_add_test(s, "seed capture: UEFI x64 firmware", test_seed_uefi);
	CU_add_test(s, "seed capture: iPXE", test_seed_ipxe);
	CU_add_test(s, "seed capture: server replies", test_seed_replies);
	CU_add_test(s, "user class raw and RFC 3004", test_userclass_forms);
	CU_add_test(s, "conditions", test_conditions);
	CU_add_test(s, "option 82 conditions", test_agent_conditions);
	CU_add_test(s, "hosts: tags, pin, overrides", test_hosts);
	s = CU_add_suite("rules-order", NULL, NULL);
	CU_add_test(s, "first boot entry wins", test_first_match);
	CU_add_test(s, "expression precedence", test_expressions);
	CU_add_test(s, "10000 hosts by hash", test_many_hosts);
}
