/*
 * test_loadercfg.c: the names GRUB, pxelinux (syslinux.efi) and U-Boot
 * search for their config (loadercfg_parse), and how loader templates
 * compile (tmpl_compile_loader).
 */
#include "config.h"

#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "loadercfg.h"
#include "tmpl.h"
#include "unit.h"

/* path is of kind; tmpl (NULL: none) is its chain's template. */
static void
expect(const char *path, enum loadercfg_kind kind, const char *tmpl)
{
	struct loadercfg_name	n;

	CU_ASSERT_EQUAL(loadercfg_parse(path, &n), kind);
	CU_ASSERT_EQUAL(n.kind, kind);
	if (tmpl != NULL)
		CU_ASSERT_STRING_EQUAL(n.tmpl, tmpl);
	if (n.kind != kind || (tmpl != NULL && strcmp(n.tmpl, tmpl) != 0))
		fprintf(stderr, "\n  %s: kind %d, template \"%s\"\n", path,
		    n.kind, n.tmpl);
}

static void
test_grub(void)
{
	struct loadercfg_name	n;
	char			ip[INET_ADDRSTRLEN];
	static const uint8_t	mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0xab };

	expect("grub.cfg", LOADERCFG_FINAL, "grub.cfg.tmpl");
	expect("boot/grub/grub.cfg", LOADERCFG_FINAL,
	    "boot/grub/grub.cfg.tmpl");
	expect("boot/grub/grub.cfg-01-52-54-00-12-34-ab", LOADERCFG_MAC,
	    "boot/grub/grub.cfg.tmpl");
	loadercfg_parse("grub/grub.cfg-01-52-54-00-12-34-AB", &n);
	CU_ASSERT_EQUAL(n.kind, LOADERCFG_MAC);
	CU_ASSERT_EQUAL(memcmp(n.mac, mac, 6), 0);
	loadercfg_parse("grub.cfg-C0A8010A", &n);
	CU_ASSERT_EQUAL(n.kind, LOADERCFG_HEXIP);
	inet_ntop(AF_INET, &n.ip, ip, sizeof(ip));
	CU_ASSERT_STRING_EQUAL(ip, "192.168.1.10");
	/* GRUB's shortenings, down to one digit, and its IPv6 names. */
	expect("grub.cfg-C0A8010", LOADERCFG_SEARCH, "grub.cfg.tmpl");
	expect("grub.cfg-C", LOADERCFG_SEARCH, NULL);
	expect("grub/grub.cfg-fd00::1", LOADERCFG_SEARCH, NULL);
	/* Fedora's GRUB: the SMBIOS UUID first, the MAC with colons. */
	expect("grub.cfg-b8945908-d6a6-41a9-611d-74a6ab80b83d",
	    LOADERCFG_SEARCH, NULL);
	expect("grub.cfg-52:54:00:12:34:56", LOADERCFG_SEARCH, NULL);
	/* The lists GRUB's normal mode reads at start (Debian 2.06). */
	expect("grub/x86_64-efi/command.lst", LOADERCFG_SEARCH, NULL);
	expect("boot/grub/i386-pc/terminal.lst", LOADERCFG_SEARCH, NULL);
	expect("grub/x86_64-efi/moddep.lst", LOADERCFG_OTHER, NULL);
	expect("command.lst", LOADERCFG_OTHER, NULL);
	expect("grub/fs.lst", LOADERCFG_OTHER, NULL);
	expect("my-tree/grub/fs.lst", LOADERCFG_OTHER, NULL);
	/* Not GRUB's: other names beside it. */
	expect("grub.cfg.tmpl", LOADERCFG_OTHER, NULL);
	expect("grub.cfg-", LOADERCFG_OTHER, NULL);
	expect("grub.cfg-rescue", LOADERCFG_OTHER, NULL);
	expect("grub.cfg-C0A8010A0", LOADERCFG_OTHER, NULL);
	expect("mygrub.cfg", LOADERCFG_OTHER, NULL);
	expect("grub/x86_64-efi/normal.mod", LOADERCFG_OTHER, NULL);
}

static void
test_pxelinux(void)
{
	struct loadercfg_name	n;
	char			ip[INET_ADDRSTRLEN];

	expect("pxelinux.cfg/default", LOADERCFG_FINAL,
	    "pxelinux.cfg/default.tmpl");
	expect("bios/pxelinux.cfg/default", LOADERCFG_FINAL,
	    "bios/pxelinux.cfg/default.tmpl");
	expect("efi64/pxelinux.cfg/01-52-54-00-12-34-56", LOADERCFG_MAC,
	    "efi64/pxelinux.cfg/default.tmpl");
	loadercfg_parse("pxelinux.cfg/0A000032", &n);
	CU_ASSERT_EQUAL(n.kind, LOADERCFG_HEXIP);
	inet_ntop(AF_INET, &n.ip, ip, sizeof(ip));
	CU_ASSERT_STRING_EQUAL(ip, "10.0.0.50");
	/* pxelinux's chain: UUID, (MAC), hex IP shortened, (default). */
	expect("pxelinux.cfg/b8945908-d6a6-41a9-611d-74a6ab80b83d",
	    LOADERCFG_SEARCH, "pxelinux.cfg/default.tmpl");
	expect("pxelinux.cfg/0A00003", LOADERCFG_SEARCH, NULL);
	expect("pxelinux.cfg/0", LOADERCFG_SEARCH, NULL);
	/* Another ARP type (InfiniBand 32) or length: searched, not served. */
	expect("pxelinux.cfg/20-00-01-02-03-04-05-06-07", LOADERCFG_SEARCH,
	    NULL);
	expect("pxelinux.cfg/01-52-54-00-12-34", LOADERCFG_SEARCH, NULL);
	/* U-Boot's default-<arch>-<soc>-<board> and shorter. */
	expect("pxelinux.cfg/default-arm-sunxi-sun7i", LOADERCFG_SEARCH, NULL);
	expect("pxelinux.cfg/default-arm", LOADERCFG_SEARCH, NULL);
	/* Only in a directory called pxelinux.cfg. */
	expect("pxelinux.cfg", LOADERCFG_OTHER, NULL);
	expect("default", LOADERCFG_OTHER, NULL);
	expect("xpxelinux.cfg/default", LOADERCFG_OTHER, NULL);
	expect("pxelinux.cfg/menu.c32", LOADERCFG_OTHER, NULL);
	expect("pxelinux.cfg/01-52-54-00-12-34-5g", LOADERCFG_OTHER, NULL);
	expect("pxelinux.cfg/default.tmpl", LOADERCFG_OTHER, NULL);
}

static bool
is_var(void *ctx, const char *name, size_t len)
{
	(void)ctx;
	return tmpl_is_builtin(name, len) ||
	    (len == 4 && memcmp(name, "role", 4) == 0);
}

static const char *
lookup(void *ctx, const char *name, size_t len)
{
	(void)ctx;
	if (len == 4 && memcmp(name, "role", 4) == 0)
		return "compute";
	if (len == 8 && memcmp(name, "hostname", 8) == 0)
		return "node01";
	return "";
}

static void
test_compile(void)
{
	struct arena	a = { NULL, 0 };
	struct tmpl	t;
	char		err[256], buf[256];
	int		line = 0;

	CU_ASSERT_EQUAL_FATAL(tmpl_compile_loader(&a,
	    "menuentry \"${hostname}\" {\n"
	    "  linux /vmlinuz role=${role} root=$${root} $root $$ $\n}\n",
	    is_var, NULL, &t, &line, err, sizeof(err)), 0);
	tmpl_render(&t, lookup, NULL, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "menuentry \"node01\" {\n"
	    "  linux /vmlinuz role=compute root=${root} $root $ $\n}\n");
	/* Not a pxed variable: an error with its line, iPXE's or not. */
	CU_ASSERT_EQUAL(tmpl_compile_loader(&a, "DEFAULT x\n\nAPPEND ${rol}\n",
	    is_var, NULL, &t, &line, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(line, 3);
	CU_ASSERT_STRING_EQUAL(err, "${rol} is not a pxed variable (write "
	    "$${rol} to leave it to the loader)");
	CU_ASSERT_EQUAL(tmpl_compile_loader(&a, "${platform}", is_var, NULL,
	    &t, &line, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(tmpl_compile_loader(&a, "x\n${net_default_mac}",
	    is_var, NULL, &t, &line, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(line, 2);
	CU_ASSERT_EQUAL(tmpl_compile_loader(&a, "${mac", is_var, NULL, &t,
	    &line, err, sizeof(err)), -1);
	/* The same text as an iPXE script keeps iPXE's own setting. */
	CU_ASSERT_EQUAL(tmpl_compile_script(&a, "${platform}", is_var, NULL,
	    &t, &line, err, sizeof(err)), 0);
	arena_free(&a);
}

void
test_loadercfg_register(void)
{
	CU_pSuite	s = CU_add_suite("loadercfg", NULL, NULL);

	CU_add_test(s, "GRUB's names", test_grub);
	CU_add_test(s, "pxelinux, syslinux.efi and U-Boot's names",
	    test_pxelinux);
	CU_add_test(s, "loader templates compile strictly", test_compile);
}
