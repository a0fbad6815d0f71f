/*
 * dhcp_proto.c: the architecture names pxed accepts in rules and shows
 * in logs, and the names of the option 82 sub-options they match.  RFC
 * 4578 swapped 7 and 9 against what firmware sends (dnsmasq renamed them
 * in 2.76): both mean x64 UEFI here, and any number can still be matched.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include <stdio.h>

#include "dhcp_proto.h"

/*
 * The IANA "Processor Architecture Types" registry (DHCPv6 parameters,
 * shared with option 93 of RFC 4578 2.1), every entry from 0 to 41.
 * The registry's 9 is "EBC"; RFC 4578 first listed x64 as 9 and some
 * firmware sends it, so 9 stays with 7 under efi-x64.
 */
const struct dhcp_arch dhcp_arch_table[] = {
	{ "bios",		{ 0 },		1 },	/* x86 BIOS */
	{ "nec-pc98",		{ 1 },		1 },
	{ "efi-itanium",	{ 2 },		1 },
	{ "dec-alpha",		{ 3 },		1 },
	{ "arc-x86",		{ 4 },		1 },
	{ "intel-lean",		{ 5 },		1 },	/* Intel Lean Client */
	{ "efi-ia32",		{ 6 },		1 },
	{ "efi-x64",		{ 7, 9 },	2 },
	{ "efi-xscale",		{ 8 },		1 },
	{ "efi-arm32",		{ 10 },		1 },
	{ "efi-arm64",		{ 11 },		1 },
	{ "ppc-openfirmware",	{ 12 },		1 },
	{ "ppc-epapr",		{ 13 },		1 },
	{ "power-opal",		{ 14 },		1 },	/* POWER OPAL v3 */
	{ "http-ia32",		{ 15 },		1 },	/* x86 UEFI HTTP */
	{ "http-x64",		{ 16 },		1 },
	{ "http-ebc",		{ 17 },		1 },
	{ "http-arm32",		{ 18 },		1 },
	{ "http-arm64",		{ 19 },		1 },
	{ "http-bios",		{ 20 },		1 },	/* PC/AT BIOS HTTP */
	{ "uboot-arm32",	{ 21 },		1 },
	{ "uboot-arm64",	{ 22 },		1 },
	{ "uboot-http-arm32",	{ 23 },		1 },
	{ "uboot-http-arm64",	{ 24 },		1 },
	{ "efi-riscv32",	{ 25 },		1 },
	{ "http-riscv32",	{ 26 },		1 },
	{ "efi-riscv64",	{ 27 },		1 },
	{ "http-riscv64",	{ 28 },		1 },
	{ "efi-riscv128",	{ 29 },		1 },
	{ "http-riscv128",	{ 30 },		1 },
	{ "s390-basic",		{ 31 },		1 },
	{ "s390-extended",	{ 32 },		1 },
	{ "efi-mips32",		{ 33 },		1 },
	{ "efi-mips64",		{ 34 },		1 },
	{ "efi-sunway32",	{ 35 },		1 },
	{ "efi-sunway64",	{ 36 },		1 },
	{ "efi-loongarch32",	{ 37 },		1 },
	{ "http-loongarch32",	{ 38 },		1 },
	{ "efi-loongarch64",	{ 39 },		1 },
	{ "http-loongarch64",	{ 40 },		1 },
	{ "rpiboot",		{ 41 },		1 },	/* arm rpiboot */
	{ NULL,			{ 0 },		0 },
};

/* RFC 3046 3.1, 3.2 and RFC 3993 3. */
const struct dhcp_agent_key dhcp_agent_keys[] = {
	{ "circuit-id",		1 },
	{ "remote-id",		2 },
	{ "subscriber-id",	6 },
	{ NULL,			0 },
};

const char *
dhcp_proto_arch_name(uint16_t code)
{
	const struct dhcp_arch	*a;
	size_t			 i;

	for (a = dhcp_arch_table; a->name != NULL; a++)
		for (i = 0; i < a->ncodes; i++)
			if (a->codes[i] == code)
				return a->name;
	return NULL;
}

const struct dhcp_arch *
dhcp_proto_arch_lookup(const char *name)
{
	const struct dhcp_arch	*a;

	for (a = dhcp_arch_table; a->name != NULL; a++)
		if (strcasecmp(a->name, name) == 0)
			return a;
	return NULL;
}

void
dhcp_proto_arch_str(int arch, char *buf, size_t cap)
{
	const char	*n;

	if (cap == 0)
		return;
	buf[0] = '\0';
	if (arch < 0 || arch > 0xffff)
		return;
	/* The name first: "arch <n>" stays what log readers grep for. */
	n = dhcp_proto_arch_name((uint16_t)arch);
	snprintf(buf, cap, " %s%sarch %d", n != NULL ? n : "", n != NULL ?
	    " " : "", arch);
}

const char *
dhcp_proto_msgtype_name(int type)
{
	static const char *const names[] = {
		[0] = "BOOTP",
		[DHCPDISCOVER] = "DISCOVER",
		[DHCPOFFER] = "OFFER",
		[DHCPREQUEST] = "REQUEST",
		[DHCPDECLINE] = "DECLINE",
		[DHCPACK] = "ACK",
		[DHCPNAK] = "NAK",
		[DHCPRELEASE] = "RELEASE",
		[DHCPINFORM] = "INFORM",
	};
	static char		 buf[16];

	/* Unknown types are named by number: they come from the wire. */
	if (type >= 0 && (size_t)type < sizeof(names) / sizeof(names[0]))
		return names[type];
	snprintf(buf, sizeof(buf), "TYPE%d", type);
	return buf;
}

void
dhcp_proto_mac_str(const uint8_t *mac, size_t len, char *buf, size_t cap)
{
	static const char	hx[] = "0123456789abcdef";
	size_t			i, n = 0;

	if (cap == 0)
		return;
	for (i = 0; i < len && i < 16 && n + 3 <= cap; i++) {
		if (i > 0)
			buf[n++] = ':';
		buf[n++] = hx[mac[i] >> 4];
		buf[n++] = hx[mac[i] & 15];
	}
	if (n >= cap)
		n = cap - 1;
	buf[n] = '\0';
}
