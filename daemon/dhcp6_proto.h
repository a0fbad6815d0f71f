/*
 * dhcp6_proto.h: DHCPv6 wire constants by their RFC names (RFC 8415
 * sections 7 and 21, RFC 5970 for network boot, RFC 4578 for the client
 * architecture, RFC 6939 for the client link-layer address).
 */
#ifndef PXED_DHCP6_PROTO_H
#define PXED_DHCP6_PROTO_H

/* RFC 8415 7.2: ports. */
#define DHCP6_CLIENT_PORT	546
#define DHCP6_SERVER_PORT	547
/* RFC 8415 7.1: All_DHCP_Relay_Agents_and_Servers. */
#define DHCP6_ALL_AGENTS	"ff02::1:2"

/* RFC 8415 7.3: message types. */
#define DHCP6_SOLICIT		1
#define DHCP6_ADVERTISE		2
#define DHCP6_REQUEST		3
#define DHCP6_CONFIRM		4
#define DHCP6_RENEW		5
#define DHCP6_REBIND		6
#define DHCP6_REPLY		7
#define DHCP6_RELEASE		8
#define DHCP6_DECLINE		9
#define DHCP6_RECONFIGURE	10
#define DHCP6_INFORMATION_REQUEST 11
#define DHCP6_RELAY_FORW	12
#define DHCP6_RELAY_REPL	13

/* RFC 8415 21 (and the RFCs named) option codes pxed cares about. */
#define D6O_CLIENTID		1
#define D6O_SERVERID		2
#define D6O_IA_NA		3
#define D6O_IA_TA		4
#define D6O_IAADDR		5
#define D6O_ORO			6
#define D6O_PREFERENCE		7
#define D6O_ELAPSED_TIME	8
#define D6O_RELAY_MSG		9
#define D6O_AUTH		11
#define D6O_UNICAST		12
#define D6O_STATUS_CODE		13
#define D6O_RAPID_COMMIT	14
#define D6O_USER_CLASS		15
#define D6O_VENDOR_CLASS	16
#define D6O_VENDOR_OPTS		17
#define D6O_INTERFACE_ID	18
#define D6O_RECONF_ACCEPT	20
#define D6O_DNS_SERVERS		23	/* RFC 3646 */
#define D6O_DOMAIN_LIST		24	/* RFC 3646 */
#define D6O_IA_PD		25
#define D6O_IAPREFIX		26
#define D6O_REMOTE_ID		37	/* RFC 4649 */
#define D6O_BOOTFILE_URL	59	/* RFC 5970 3.1 */
#define D6O_BOOTFILE_PARAM	60	/* RFC 5970 3.2 */
#define D6O_CLIENT_ARCH_TYPE	61	/* RFC 5970 3.3 */
#define D6O_NII			62	/* RFC 5970 3.4 */
#define D6O_CLIENT_LINKLAYER_ADDR 79	/* RFC 6939 */
#define D6O_SOL_MAX_RT		82

/* RFC 8415 21.13: status codes. */
#define DHCP6_SUCCESS		0
#define DHCP6_UNSPEC_FAIL	1
#define DHCP6_NO_ADDRS_AVAIL	2
#define DHCP6_NO_BINDING	3
#define DHCP6_NOT_ON_LINK	4
#define DHCP6_USE_MULTICAST	5
#define DHCP6_NO_PREFIX_AVAIL	6

/* RFC 8415 11.1: DUID types. */
#define DUID_LLT		1
#define DUID_EN			2
#define DUID_LL			3
#define DUID_UUID		4	/* RFC 6355 */

/* RFC 8415 7.6: relays nest at most HOP_COUNT_LIMIT deep. */
#define DHCP6_HOP_COUNT_LIMIT	8

#endif
