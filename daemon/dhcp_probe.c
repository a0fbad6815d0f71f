/*
 * dhcp_probe.c: the packets of a PXE client looking for its servers, and
 * a one-line description of each reply.
 *
 * The DISCOVER carries what PXE firmware sends (PXE 2.1, RFC 4578), so
 * that servers which only answer PXE clients, proxyDHCP servers among
 * them, answer it.  A reply is read with dhcp_pkt_parse(); its strings
 * come from the network, so they are escaped before they are printed.
 */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dhcp_pkt.h"
#include "dhcp_probe.h"
#include "dhcp_proto.h"

#define DHCPDISCOVER	1
#define DHCPOFFER	2
#define DHCPREQUEST	3

void
dhcp_probe_sb_init(struct probe_sb *sb, char *p, size_t cap)
{
	sb->p = p;
	sb->cap = cap;
	sb->len = 0;
	sb->full = cap == 0;
	if (cap > 0)
		p[0] = '\0';
}

void
dhcp_probe_sb_printf(struct probe_sb *sb, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (sb->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->p + sb->len, sb->cap - sb->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sb->cap - sb->len) {
		/* Cut short: keep what fitted. */
		sb->len = strlen(sb->p);
		sb->full = true;
		return;
	}
	sb->len += (size_t)n;
}

/*
 * Append len bytes of s: bytes outside 0x20..0x7e and those in esc are
 * written \xNN, never split.
 */
void
dhcp_probe_sb_esc(struct probe_sb *sb, const uint8_t *s, size_t len,
    const char *esc)
{
	static const char	hex[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < len && !sb->full; i++) {
		uint8_t	c = s[i];

		if (c >= 0x20 && c < 0x7f && strchr(esc, c) == NULL) {
			if (sb->cap - sb->len < 2) {
				sb->full = true;
				break;
			}
			sb->p[sb->len++] = (char)c;
		} else {
			if (sb->cap - sb->len < 5) {
				sb->full = true;
				break;
			}
			sb->p[sb->len++] = '\\';
			sb->p[sb->len++] = 'x';
			sb->p[sb->len++] = hex[c >> 4];
			sb->p[sb->len++] = hex[c & 15];
		}
		sb->p[sb->len] = '\0';
	}
}

/* ---------- building ---------- */

static size_t
probe_build(const struct dhcp_probe_req *r, uint8_t type,
    struct in_addr ciaddr, uint8_t *buf, size_t cap)
{
	static const uint8_t	 prl[] = { DHO_SUBNET_MASK, DHO_ROUTERS,
	    DHO_DOMAIN_NAME_SERVERS, DHO_VENDOR_ENCAPSULATED,
	    DHO_SERVER_IDENTIFIER, DHO_VENDOR_CLASS_ID, DHO_TFTP_SERVER_NAME,
	    DHO_BOOTFILE_NAME, DHO_CLIENT_UUID, 128, 129, 130, 131, 132, 133,
	    134, 135, DHO_IPXE_ENCAP };
	static const uint8_t	 maxsize[2] = { 1500 >> 8, 1500 & 0xff };
	static const uint8_t	 ndi[3] = { 1, 2, 1 };	/* UNDI 2.1 */
	struct dhcp_out		 o;
	enum dhcp_berr		 why;
	uint8_t			 arch[2], guid[17];
	char			 vbuf[64];
	const char		*vendor = r->vendor;

	if (vendor == NULL) {
		snprintf(vbuf, sizeof(vbuf), "%s:Arch:%05u:UNDI:003016",
		    r->http ? "HTTPClient" : "PXEClient", (unsigned)r->arch);
		vendor = vbuf;
	}
	if (strlen(vendor) > 255)
		return 0;
	arch[0] = (uint8_t)(r->arch >> 8);
	arch[1] = (uint8_t)r->arch;
	/* Type 0, then a UUID (version 8) whose last six bytes are the MAC. */
	memset(guid, 0, sizeof(guid));
	memcpy(guid + 1, "pxed", 4);
	guid[7] = 0x80;
	guid[9] = 0x80;
	memcpy(guid + 11, r->mac, 6);

	memset(&o, 0, sizeof(o));
	o.op = BOOTREQUEST;
	o.htype = 1;
	o.hlen = 6;
	o.xid = r->xid;
	o.ciaddr = ciaddr;
	/* A client without an address cannot take a unicast reply. */
	o.flags = type == DHCPDISCOVER ? 0x8000 : 0;
	memcpy(o.chaddr, r->mac, 6);
	if (dhcp_pkt_out_add(&o, DHO_MESSAGE_TYPE, &type, 1) == -1 ||
	    dhcp_pkt_out_add(&o, DHO_PARAMETER_REQUEST, prl, sizeof(prl)) == -1 ||
	    dhcp_pkt_out_add(&o, DHO_MAX_MESSAGE_SIZE, maxsize, 2) == -1 ||
	    dhcp_pkt_out_add(&o, DHO_VENDOR_CLASS_ID, vendor, strlen(vendor)) ==
	    -1 ||
	    dhcp_pkt_out_add(&o, DHO_CLIENT_ARCH, arch, 2) == -1 ||
	    dhcp_pkt_out_add(&o, DHO_CLIENT_NDI, ndi, 3) == -1 ||
	    dhcp_pkt_out_add(&o, DHO_CLIENT_UUID, guid, sizeof(guid)) == -1)
		return 0;
	if (r->ipxe && dhcp_pkt_out_add(&o, DHO_USER_CLASS, "iPXE", 4) == -1)
		return 0;
	return dhcp_pkt_build(&o, NULL, 0, 0, buf, cap, &why);
}

size_t
dhcp_probe_discover(const struct dhcp_probe_req *r, uint8_t *buf, size_t cap)
{
	struct in_addr	none = { 0 };

	return probe_build(r, DHCPDISCOVER, none, buf, cap);
}

size_t
dhcp_probe_request4011(const struct dhcp_probe_req *r, struct in_addr ciaddr,
    uint8_t *buf, size_t cap)
{
	return probe_build(r, DHCPREQUEST, ciaddr, buf, cap);
}

/* ---------- reading ---------- */

static uint16_t
probe_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
probe_hex(struct probe_sb *sb, const uint8_t *p, size_t len)
{
	size_t	i;

	for (i = 0; i < len && i < 16; i++)
		dhcp_probe_sb_printf(sb, "%02x", p[i]);
	if (len > 16)
		dhcp_probe_sb_printf(sb, "...");
}

static void
probe_ip(struct probe_sb *sb, const uint8_t *p)
{
	dhcp_probe_sb_printf(sb, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
}

/* A string inside the summary: single quotes, nothing to re-escape. */
static void
probe_str(struct probe_sb *sb, const uint8_t *p, size_t len)
{
	dhcp_probe_sb_printf(sb, "'");
	dhcp_probe_sb_esc(sb, p, len, "'\"\\");
	dhcp_probe_sb_printf(sb, "'");
}

/* Sub-option 8: boot servers, (type, count, count addresses)... */
static bool
probe_pxe_servers(struct probe_sb *sb, const uint8_t *p, size_t len)
{
	size_t	i = 0, k;

	for (i = 0; i < len; i += 3 + (size_t)p[i + 2] * 4)
		if (len - i < 3 || len - i - 3 < (size_t)p[i + 2] * 4)
			return false;
	dhcp_probe_sb_printf(sb, "[");
	for (i = 0; i < len; i += 3 + (size_t)p[i + 2] * 4) {
		dhcp_probe_sb_printf(sb, "%stype %u:", i > 0 ? ", " : "",
		    probe_get16(p + i));
		for (k = 0; k < p[i + 2]; k++) {
			dhcp_probe_sb_printf(sb, " ");
			probe_ip(sb, p + i + 3 + k * 4);
		}
	}
	dhcp_probe_sb_printf(sb, "]");
	return true;
}

/* Sub-option 9: the boot menu, (type, length, description)... */
static bool
probe_pxe_menu(struct probe_sb *sb, const uint8_t *p, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i += 3 + (size_t)p[i + 2])
		if (len - i < 3 || len - i - 3 < p[i + 2])
			return false;
	dhcp_probe_sb_printf(sb, "[");
	for (i = 0; i < len; i += 3 + (size_t)p[i + 2]) {
		dhcp_probe_sb_printf(sb, "%s%u ", i > 0 ? ", " : "",
		    probe_get16(p + i));
		probe_str(sb, p + i + 3, p[i + 2]);
	}
	dhcp_probe_sb_printf(sb, "]");
	return true;
}

/*
 * One PXE sub-option (PXE 2.1, table 2-1).  False, with nothing written,
 * when its length does not fit its code: the caller shows it in hex.
 */
static bool
probe_pxe_sub(struct probe_sb *sb, uint8_t code, const uint8_t *p,
    size_t len)
{
	switch (code) {
	case 1:		/* MTFTP multicast address */
	case 7:		/* discovery multicast address */
		if (len != 4)
			return false;
		probe_ip(sb, p);
		return true;
	case 2:		/* MTFTP client port */
	case 3:		/* MTFTP server port */
		if (len != 2)
			return false;
		dhcp_probe_sb_printf(sb, "%u", probe_get16(p));
		return true;
	case 4:		/* MTFTP timeout */
	case 5:		/* MTFTP delay */
	case 6:		/* discovery control */
		if (len != 1)
			return false;
		dhcp_probe_sb_printf(sb, "%u", p[0]);
		return true;
	case 8:
		return probe_pxe_servers(sb, p, len);
	case 9:
		return probe_pxe_menu(sb, p, len);
	case 10:	/* menu prompt: timeout, text */
		if (len < 1)
			return false;
		dhcp_probe_sb_printf(sb, "[%u ", p[0]);
		probe_str(sb, p + 1, len - 1);
		dhcp_probe_sb_printf(sb, "]");
		return true;
	case 71:	/* boot item: type, layer */
		if (len != 4)
			return false;
		dhcp_probe_sb_printf(sb, "[type %u layer %u]", probe_get16(p),
		    probe_get16(p + 2));
		return true;
	}
	return false;
}

/*
 * Option 43 as "code=value ...".  A PXE reply's option 43 is a list of
 * sub-options; anyone else's is opaque and shown in hex ("raw:...").
 */
static void
probe_opt43(char *out, size_t cap, const uint8_t *p, size_t len, bool pxe)
{
	struct probe_sb	sb;
	size_t		i;
	bool		first = true;

	if (cap < 4) {
		if (cap > 0)
			out[0] = '\0';
		return;
	}
	/* Room for "..." when cut short. */
	dhcp_probe_sb_init(&sb, out, cap - 3);
	/* Check the whole list first: a bad one is shown raw. */
	for (i = 0; pxe && i < len && p[i] != DHO_END; ) {
		if (p[i] == DHO_PAD)
			i++;
		else if (len - i < 2 || len - i - 2 < p[i + 1])
			pxe = false;
		else
			i += 2 + (size_t)p[i + 1];
	}
	if (!pxe) {
		dhcp_probe_sb_printf(&sb, "raw:");
		probe_hex(&sb, p, len);
	}
	for (i = 0; pxe && i < len && p[i] != DHO_END; ) {
		if (p[i] == DHO_PAD) {
			i++;
			continue;
		}
		dhcp_probe_sb_printf(&sb, "%s%u=", first ? "" : " ", p[i]);
		first = false;
		if (!probe_pxe_sub(&sb, p[i], p + i + 2, p[i + 1]))
			probe_hex(&sb, p + i + 2, p[i + 1]);
		i += 2 + (size_t)p[i + 1];
	}
	if (sb.full)
		memcpy(out + sb.len, "...", 4);
}

void
dhcp_probe_copy(char *dst, size_t cap, const uint8_t *src, size_t len)
{
	const uint8_t	*nul = memchr(src, '\0', len);

	/* Servers often end strings with a NUL: stop there. */
	if (nul != NULL)
		len = (size_t)(nul - src);
	if (len > cap - 1)
		len = cap - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

int
dhcp_probe_offer_parse(const uint8_t *buf, size_t len, uint32_t xid,
    struct in_addr from, struct dhcp_probe_offer *o)
{
	struct dhcp_msg	 m;
	const uint8_t	*p;
	size_t		 plen;
	bool		 pxe;

	memset(o, 0, sizeof(*o));
	if (dhcp_pkt_parse(buf, len, &m) != DHCP_POK || m.op != BOOTREPLY ||
	    m.xid != xid)
		return -1;
	o->from = from;
	o->server = from;
	if ((p = dhcp_pkt_opt(&m, DHO_SERVER_IDENTIFIER, &plen)) != NULL &&
	    plen == 4)
		memcpy(&o->server, p, 4);
	o->yiaddr = m.yiaddr;
	o->siaddr = m.siaddr;
	o->msgtype = dhcp_pkt_msgtype(&m);
	if ((p = dhcp_pkt_opt(&m, DHO_VENDOR_CLASS_ID, &plen)) != NULL)
		dhcp_probe_copy(o->vendor, sizeof(o->vendor), p, plen);
	pxe = strncmp(o->vendor, "PXEClient", 9) == 0 ||
	    strncmp(o->vendor, "HTTPClient", 10) == 0;
	o->proxy = m.yiaddr.s_addr == INADDR_ANY && pxe;
	if ((p = dhcp_pkt_opt(&m, DHO_BOOTFILE_NAME, &plen)) != NULL)
		dhcp_probe_copy(o->file, sizeof(o->file), p, plen);
	else if (!(m.overload & 1))
		dhcp_probe_copy(o->file, sizeof(o->file), m.file, sizeof(m.file));
	if (!(m.overload & 2))
		dhcp_probe_copy(o->sname, sizeof(o->sname), m.sname,
		    sizeof(m.sname));
	if ((p = dhcp_pkt_opt(&m, DHO_TFTP_SERVER_NAME, &plen)) != NULL)
		dhcp_probe_copy(o->tftp, sizeof(o->tftp), p, plen);
	if ((p = dhcp_pkt_opt(&m, DHO_VENDOR_ENCAPSULATED, &plen)) != NULL)
		probe_opt43(o->opt43, sizeof(o->opt43), p, plen, pxe);
	else
		snprintf(o->opt43, sizeof(o->opt43), "-");
	return 0;
}

/* ---------- the line ---------- */

static const char *
probe_addr(struct in_addr a, char *buf, size_t len)
{
	if (a.s_addr == INADDR_ANY)
		return "-";
	return inet_ntop(AF_INET, &a, buf, (socklen_t)len);
}

void
dhcp_probe_sb_field(struct probe_sb *sb, const char *key, const char *val,
    const char *esc)
{
	dhcp_probe_sb_printf(sb, " %s=\"", key);
	dhcp_probe_sb_esc(sb, (const uint8_t *)val, strlen(val), esc);
	dhcp_probe_sb_printf(sb, "\"");
}

void
dhcp_probe_sb_word(struct probe_sb *sb, const char *key, const char *val)
{
	const char	*v;
	bool		 word = val[0] != '\0';

	for (v = val; *v != '\0'; v++)
		if (*v <= ' ' || *v >= 0x7f || *v == '"' || *v == '\\')
			word = false;
	if (word)
		dhcp_probe_sb_printf(sb, " %s=%s", key, val);
	else if (val[0] == '\0')
		dhcp_probe_sb_printf(sb, " %s=-", key);
	else
		dhcp_probe_sb_field(sb, key, val, "\"\\");
}

size_t
dhcp_probe_format(const struct dhcp_probe_offer *o, char *buf, size_t len)
{
	static const char *const types[] = { "bootp", "discover", "offer",
	    "request", "decline", "ack", "nak", "release", "inform" };
	struct probe_sb	 sb;
	char		 a[4][INET_ADDRSTRLEN];

	dhcp_probe_sb_init(&sb, buf, len);
	dhcp_probe_sb_printf(&sb, "%s proxy=%s offer=%s next-server=%s",
	    inet_ntop(AF_INET, &o->server, a[0], sizeof(a[0])),
	    o->proxy ? "yes" : "no", probe_addr(o->yiaddr, a[1], sizeof(a[1])),
	    probe_addr(o->siaddr, a[2], sizeof(a[2])));
	dhcp_probe_sb_field(&sb, "file", o->file, "\"\\");
	/* The summary is made printable already: its backslashes stay. */
	dhcp_probe_sb_field(&sb, "pxe", o->opt43, "\"");
	dhcp_probe_sb_word(&sb, "vendor", o->vendor);
	if (o->tftp[0] != '\0')
		dhcp_probe_sb_field(&sb, "tftp-server", o->tftp, "\"\\");
	if (o->sname[0] != '\0')
		dhcp_probe_sb_field(&sb, "sname", o->sname, "\"\\");
	if (o->from.s_addr != o->server.s_addr)
		dhcp_probe_sb_printf(&sb, " from=%s",
		    inet_ntop(AF_INET, &o->from, a[3], sizeof(a[3])));
	if (o->msgtype != DHCPOFFER) {
		if (o->msgtype >= 0 &&
		    (size_t)o->msgtype < sizeof(types) / sizeof(types[0]))
			dhcp_probe_sb_printf(&sb, " msg=%s", types[o->msgtype]);
		else
			dhcp_probe_sb_printf(&sb, " msg=%d", o->msgtype);
	}
	return sb.len;
}

/* ---------- the socket ---------- */

int
dhcp_probe_socket(const char *ifname, uint16_t port)
{
	struct sockaddr_in	sin;
	int			fd, on = 1, saved;

	if (ifname == NULL || *ifname == '\0' || strlen(ifname) >= IFNAMSIZ) {
		errno = ENODEV;
		return -1;
	}
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
	    (socklen_t)strlen(ifname) + 1) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}
