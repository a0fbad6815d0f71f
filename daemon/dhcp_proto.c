/*
 * dhcp_proto.c: the architecture names pxed accepts in rules, and the
 * names of the option 82 sub-options they match.  RFC 4578
 * swapped 7 and 9 against what firmware sends (dnsmasq renamed them in
 * 2.76): both mean x64 UEFI here, and any number can still be matched.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include <stdio.h>

#include "dhcp_proto.h"

const struct dhcp_arch dhcp_arch_table[] = {
	{ "bios",	{ 0 },		1 },
	{ "efi-ia32",	{ 6 },		1 },
	{ "efi-x64",	{ 7, 9 },	2 },
	{ "efi-arm32",	{ 10 },		1 },
	{ "efi-arm64",	{ 11 },		1 },
	{ "http-ia32",	{ 15 },		1 },
	{ "http-x64",	{ 16 },		1 },
	{ "http-arm32",	{ 18 },		1 },
	{ "http-arm64",	{ 19 },		1 },
	{ NULL,		{ 0 },		0 },
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
