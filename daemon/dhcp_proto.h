/*
 * dhcp_proto.h: DHCP wire constants by their RFC names, and the client
 * system architecture table (RFC 4578 2.1, with the IANA registry).
 */
#ifndef PXED_DHCP_PROTO_H
#define PXED_DHCP_PROTO_H

#include <stddef.h>
#include <stdint.h>

/*
 * The fixed BOOTP header (RFC 951, RFC 2131 2): where each field starts.
 * The codec reads and writes it field by field at these offsets; I/O code
 * that peeks at a raw datagram (its xid, its chaddr) uses them too.
 */
#define BOOTP_OFF_OP		0	/* 1 byte */
#define BOOTP_OFF_HTYPE		1	/* 1 */
#define BOOTP_OFF_HLEN		2	/* 1 */
#define BOOTP_OFF_HOPS		3	/* 1 */
#define BOOTP_OFF_XID		4	/* 4, network order */
#define BOOTP_OFF_SECS		8	/* 2 */
#define BOOTP_OFF_FLAGS		10	/* 2 */
#define BOOTP_OFF_CIADDR	12	/* 4 */
#define BOOTP_OFF_YIADDR	16	/* 4 */
#define BOOTP_OFF_SIADDR	20	/* 4 */
#define BOOTP_OFF_GIADDR	24	/* 4 */
#define BOOTP_OFF_CHADDR	28	/* 16 */
#define BOOTP_OFF_SNAME		44	/* 64 */
#define BOOTP_OFF_FILE		108	/* 128 */
#define BOOTP_OFF_COOKIE	236	/* 4: the DHCP magic cookie */
#define BOOTP_CHADDR_LEN	16
#define BOOTP_SNAME_LEN		64
#define BOOTP_FILE_LEN		128

/* RFC 2132 and later option codes pxed cares about. */
#define DHO_PAD			0
#define DHO_SUBNET_MASK		1
#define DHO_ROUTERS		3
#define DHO_DOMAIN_NAME_SERVERS	6
#define DHO_HOST_NAME		12
#define DHO_DOMAIN_NAME		15
#define DHO_BROADCAST_ADDRESS	28
#define DHO_NTP_SERVERS		42
#define DHO_VENDOR_ENCAPSULATED	43
#define DHO_REQUESTED_ADDRESS	50
#define DHO_LEASE_TIME		51
#define DHO_OPTION_OVERLOAD	52
#define DHO_MESSAGE_TYPE	53
#define DHO_SERVER_IDENTIFIER	54
#define DHO_PARAMETER_REQUEST	55
#define DHO_MESSAGE		56
#define DHO_MAX_MESSAGE_SIZE	57
#define DHO_RENEWAL_TIME	58
#define DHO_REBINDING_TIME	59
#define DHO_VENDOR_CLASS_ID	60
#define DHO_CLIENT_IDENTIFIER	61
#define DHO_TFTP_SERVER_NAME	66
#define DHO_BOOTFILE_NAME	67
#define DHO_USER_CLASS		77
#define DHO_RELAY_AGENT_INFO	82
#define DHO_CLIENT_ARCH		93
#define DHO_CLIENT_NDI		94
#define DHO_CLIENT_UUID		97
#define DHO_IPXE_ENCAP		175
#define DHO_PXELINUX_MAGIC	208	/* RFC 5071 3, obsolete */
#define DHO_PXELINUX_CONFIG	209	/* RFC 5071 4 */
#define DHO_PXELINUX_PREFIX	210	/* RFC 5071 5 */
#define DHO_PXELINUX_REBOOT	211	/* RFC 5071 6 */
#define DHO_END			255

/* Message types (option 53), RFC 2132 9.6. */
#define DHCPDISCOVER	1
#define DHCPOFFER	2
#define DHCPREQUEST	3
#define DHCPDECLINE	4
#define DHCPACK		5
#define DHCPNAK		6
#define DHCPRELEASE	7
#define DHCPINFORM	8

/* "52:54:00:12:34:56" (at most 16 bytes of hardware address). */
void dhcp_proto_mac_str(const uint8_t *mac, size_t len, char *buf, size_t cap);

/* "DISCOVER", ..., "BOOTP" for 0, "TYPE<n>" for others (static buffer). */
const char *dhcp_proto_msgtype_name(int type);

/* One architecture name may stand for several numbers (7 and 9). */
struct dhcp_arch {
	const char	*name;
	uint16_t	 codes[2];
	size_t		 ncodes;
};

extern const struct dhcp_arch dhcp_arch_table[];

/* Name for a number ("efi-x64"), or NULL for one without a name. */
const char *dhcp_proto_arch_name(uint16_t code);
/* Entry for a name, or NULL. */
const struct dhcp_arch *dhcp_proto_arch_lookup(const char *name);
/* For a log line: " efi-x64 arch 7", " arch 300", "" for none (< 0). */
void dhcp_proto_arch_str(int arch, char *buf, size_t cap);

/*
 * The option 82 sub-options match sections and --explain name: circuit-id
 * (1), remote-id (2), subscriber-id (6); the table ends with a NULL name.
 */
struct dhcp_agent_key {
	const char	*name;
	uint8_t		 code;
};

extern const struct dhcp_agent_key dhcp_agent_keys[];

#endif
