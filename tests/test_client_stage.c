/*
 * test_client_stage.c: the live view's record of each machine's boot:
 * which stage a file is, a boot from DHCP to initrd with times and
 * durations, size probes, failures and refusals, a new boot starting the
 * stages over, and what /state says of it.
 */
#include "config.h"

#include <CUnit/CUnit.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "client_stage.h"
#include "conf.h"
#include "dhcp_proto.h"
#include "ev.h"
#include "status.h"
#include "unit.h"

static const uint8_t	mac[6] = { 0x52, 0x54, 0x00, 0x51, 0xa6, 0xe0 };
static uint64_t		clock_ms;

static uint64_t
test_clock(void)
{
	return clock_ms;
}

static void
at(uint64_t ms)
{
	clock_ms = ms;
	ev_update_now();
}

static const struct client_step *
step(enum client_stage st)
{
	return &client_boot(mac, false)->step[st];
}

static void
seen(struct client_seen *s, bool ipxe)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->mac, mac, 6);
	s->valid = true;
	s->arch_len = 2;
	s->arch[1] = 7;
	s->ipxe175 = ipxe;
}

static void
test_kind(void)
{
	CU_ASSERT_EQUAL(client_stage_kind("ipxe.efi", false, false),
	    CLIENT_STAGE_NBP);
	CU_ASSERT_EQUAL(client_stage_kind("pxelinux.0", false, true),
	    CLIENT_STAGE_NBP);
	CU_ASSERT_EQUAL(client_stage_kind("boot.ipxe", false, true),
	    CLIENT_STAGE_SCRIPT);
	CU_ASSERT_EQUAL(client_stage_kind("menu", true, true),
	    CLIENT_STAGE_SCRIPT);
	CU_ASSERT_EQUAL(client_stage_kind("debian/linux", false, true),
	    CLIENT_STAGE_KERNEL);
	CU_ASSERT_EQUAL(client_stage_kind("sub/vmlinuz-6.1", false, true),
	    CLIENT_STAGE_KERNEL);
	CU_ASSERT_EQUAL(client_stage_kind("debian/initrd.gz", false, true),
	    CLIENT_STAGE_INITRD);
	CU_ASSERT_EQUAL(client_stage_kind("initramfs-6.1.img", false, true),
	    CLIENT_STAGE_INITRD);
	CU_ASSERT_EQUAL(client_stage_kind("pxelinux.cfg/default", false,
	    true), CLIENT_STAGE_FILE);
	/* Whatever comes first is the boot program. */
	CU_ASSERT_EQUAL(client_stage_kind("grub/core", false, false),
	    CLIENT_STAGE_NBP);
	CU_ASSERT_STRING_EQUAL(client_stage_name(CLIENT_STAGE_PROXY),
	    "proxy-4011");
}

/* The hostname on the heap only once there is one, kept, cut, replaced. */
static void
test_hostname(void)
{
	struct client_seen	 s;
	struct client_boot	*b;
	const char		*h;
	char			 longname[80];

	client_clear();
	ev_set_clock(test_clock);
	at(1000);
	seen(&s, false);
	client_stage_dhcp(&s, NULL, false, DHCPDISCOVER, DHCPOFFER);
	b = client_boot(mac, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_PTR_NULL(b->hostname);
	CU_ASSERT_STRING_EQUAL(client_stage_hostname_of(b), "");
	client_stage_dhcp(&s, "", false, DHCPREQUEST, DHCPACK);
	CU_ASSERT_PTR_NULL(b->hostname);
	client_stage_dhcp(&s, "node1", false, DHCPREQUEST, DHCPACK);
	h = b->hostname;
	CU_ASSERT_STRING_EQUAL(client_stage_hostname_of(b), "node1");
	/* the same name again: the same block; none: the name stays */
	client_stage_dhcp(&s, "node1", false, DHCPREQUEST, DHCPACK);
	client_stage_dhcp(&s, NULL, false, DHCPREQUEST, DHCPACK);
	CU_ASSERT_PTR_EQUAL(b->hostname, h);
	CU_ASSERT_STRING_EQUAL(client_stage_hostname_of(b), "node1");
	/* a prefix of it is another name */
	client_stage_dhcp(&s, "node", false, DHCPREQUEST, DHCPACK);
	CU_ASSERT_STRING_EQUAL(client_stage_hostname_of(b), "node");
	/* a long one is cut to CLIENT_HOSTNAME_MAX bytes */
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	client_stage_dhcp(&s, longname, false, DHCPREQUEST, DHCPACK);
	CU_ASSERT_EQUAL(strlen(client_stage_hostname_of(b)),
	    CLIENT_HOSTNAME_MAX);
	CU_ASSERT_EQUAL(strncmp(client_stage_hostname_of(b), longname,
	    CLIENT_HOSTNAME_MAX), 0);
	/* forgotten with the machine (valgrind: nothing left) */
	client_clear();
	b = client_boot(mac, false);
	CU_ASSERT_TRUE(b == NULL || b->hostname == NULL);
}

static void
test_boot(void)
{
	struct client_seen	 s;
	struct client_boot	*b;

	client_clear();
	ev_set_clock(test_clock);
	at(1000);
	seen(&s, false);
	client_stage_dhcp(&s, "node1", false, DHCPDISCOVER, DHCPOFFER);
	at(1100);
	client_stage_dhcp(&s, NULL, false, DHCPREQUEST, DHCPACK);
	at(1200);
	client_stage_dhcp(&s, NULL, true, DHCPREQUEST, DHCPACK);
	b = client_boot(mac, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_STRING_EQUAL(client_stage_hostname_of(b), "node1");
	CU_ASSERT_EQUAL(b->boots, 1);
	CU_ASSERT_EQUAL(step(CLIENT_STAGE_OFFER)->at, 1000);
	CU_ASSERT_EQUAL(step(CLIENT_STAGE_ACK)->state, CLIENT_STATE_DONE);
	CU_ASSERT_EQUAL(step(CLIENT_STAGE_PROXY)->count, 1);
	/* DHCP only: no file, no problem, nothing on the heap. */
	CU_ASSERT_PTR_NULL(b->text);
	CU_ASSERT_STRING_EQUAL(client_stage_file_of(b), "");
	CU_ASSERT_STRING_EQUAL(client_stage_problem_of(b), "");
	/* A size probe leaves no trace; the download then runs. */
	client_stage_file(mac, CLIENT_VIA_TFTP, "ipxe.efi", 1000000, false);
	CU_ASSERT_STRING_EQUAL(client_stage_file_of(b), "ipxe.efi");
	client_stage_end(mac, 0, CLIENT_END_PROBE, "probe");
	CU_ASSERT_EQUAL(step(CLIENT_STAGE_NBP)->count, 0);
	CU_ASSERT_EQUAL(step(CLIENT_STAGE_NBP)->state, CLIENT_STATE_NONE);
	client_stage_file(mac, CLIENT_VIA_TFTP, "ipxe.efi", 1000000, false);
	at(1500);
	client_stage_progress(mac, 400000);
	CU_ASSERT_EQUAL(b->done, 400000);
	CU_ASSERT_TRUE(b->dl_active);
	CU_ASSERT_EQUAL(step(CLIENT_STAGE_NBP)->state, CLIENT_STATE_RUNNING);
	at(1900);
	client_stage_end(mac, 1000000, CLIENT_END_OK, NULL);
	CU_ASSERT_EQUAL(step(CLIENT_STAGE_NBP)->state, CLIENT_STATE_DONE);
	CU_ASSERT_EQUAL(step(CLIENT_STAGE_NBP)->ms, 700);
	CU_ASSERT_FALSE(b->dl_active);
	/* iPXE: its DHCP, its script, a kernel refused, an initrd cut. */
	seen(&s, true);
	at(2000);
	client_stage_dhcp(&s, NULL, false, DHCPDISCOVER, DHCPOFFER);
	CU_ASSERT_EQUAL(step(CLIENT_STAGE_IPXE)->count, 1);
	CU_ASSERT_EQUAL(b->boots, 1);		/* iPXE is no new boot */
	client_stage_file(mac, CLIENT_VIA_HTTP, "boot.ipxe", 100, true);
	client_stage_end(mac, 100, CLIENT_END_OK, NULL);
	client_stage_refused(mac, CLIENT_VIA_HTTP, "vmlinuz", "not found");
	CU_ASSERT_EQUAL(step(CLIENT_STAGE_KERNEL)->state, CLIENT_STATE_FAILED);
	CU_ASSERT_PTR_NOT_NULL(strstr(client_stage_problem_of(b), "vmlinuz"));
	client_stage_file(mac, CLIENT_VIA_HTTP, "initrd.img", 5000, false);
	client_stage_end(mac, CLIENT_DONE_UNKNOWN, CLIENT_END_FAILED,
	    "closed");
	CU_ASSERT_EQUAL(step(CLIENT_STAGE_INITRD)->state, CLIENT_STATE_FAILED);
	CU_ASSERT_PTR_NOT_NULL(strstr(client_stage_problem_of(b),
	    "initrd.img aborted"));
	/* A loop is kept across a new boot; the stages start over. */
	client_stage_problem(mac, true, "chainload loop");
	seen(&s, false);
	at(9000);
	client_stage_dhcp(&s, NULL, false, DHCPDISCOVER, DHCPOFFER);
	CU_ASSERT_EQUAL(b->boots, 2);
	CU_ASSERT_EQUAL(b->first, 9000);
	CU_ASSERT_EQUAL(step(CLIENT_STAGE_NBP)->count, 0);
	CU_ASSERT_STRING_EQUAL(client_stage_problem_of(b), "chainload loop");
	/* A DISCOVER again before getting further is the same boot. */
	client_stage_dhcp(&s, NULL, false, DHCPDISCOVER, DHCPOFFER);
	CU_ASSERT_EQUAL(b->boots, 2);
	CU_ASSERT_EQUAL(step(CLIENT_STAGE_OFFER)->count, 2);
	/* Unknown machines and unanswered requests leave nothing. */
	client_stage_file(NULL, CLIENT_VIA_TFTP, "x.efi", 1, false);
	s.mac[5] ^= 1;
	client_stage_dhcp(&s, NULL, false, DHCPDISCOVER, -1);
	CU_ASSERT_PTR_NULL(client_boot(s.mac, false));
	ev_set_clock(NULL);
	client_clear();
}

static void
test_state(void)
{
	struct client_seen	 s;
	struct conf		*conf;
	char			*json;
	size_t			 len;

	client_clear();
	seen(&s, false);
	s.addr = netaddr_v4((struct in_addr){ htonl(0x0a000205) });
	client_seen_put(&s);
	client_stage_dhcp(&s, "ho\"st<", false, DHCPDISCOVER, DHCPOFFER);
	client_stage_file(mac, CLIENT_VIA_TFTP, "ipxe.efi", 4096, false);
	client_stage_progress(mac, 1024);
	unit_tree_new();
	conf = unit_tree_load();
	CU_ASSERT_PTR_NOT_NULL_FATAL(conf);
	json = status_state(conf, &len);
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"mac\": \"52:54:00:51:a6:e0\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"hostname\": "
	    "\"ho\\u0022st\\u003c\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"stage\": \"dhcp-offer\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"address\": \"10.0.2.5\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"arch\": 7"));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"file\": \"ipxe.efi\", "
	    "\"via\": \"tftp\", \"stage\": \"nbp\", \"done\": 1024, "
	    "\"size\": 4096, \"active\": true"));
	/* The fields that were there before stay. */
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"tftp_transfers\": []"));
	free(json);
	json = status_page_html(&len);
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "fetch(\"state\""));
	CU_ASSERT_TRUE(len > 1000);
	free(json);
	conf_free(conf);
	unit_tree_free();
	client_clear();
}

void
test_client_stage_register(void)
{
	CU_pSuite	s = CU_add_suite("client_stage", NULL, NULL);

	CU_add_test(s, "which stage a file is", test_kind);
	CU_add_test(s, "a boot, stage by stage", test_boot);
	CU_add_test(s, "the hostname, on the heap once there is one",
	    test_hostname);
	CU_add_test(s, "the machines in /state, and the page", test_state);
}
