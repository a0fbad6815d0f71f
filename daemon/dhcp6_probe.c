/*
 * dhcp6_probe.c: the Solicit of a PXE client looking for its DHCPv6
 * servers, and a one-line description of each Advertise.
 *
 * The Solicit carries what EDK2's PxeBcDxe sends (see the captures in
 * tests/fixtures/dhcpv6), so that servers which answer only network boot
 * clients answer it too.  An answer is read with dhcp6_pkt_parse(); its
 * strings come from the network, so they are escaped before they are
 * printed (dhcp_probe.c's bounded strings).
 */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dhcp_probe.h"
#include "dhcp6_pkt.h"
#include "dhcp6_probe.h"
#include "wire.h"

#define PXE_ENTERPRISE	343	/* Intel: PXEClient, HTTPClient */

/* ---------- building ---------- */

size_t
dhcp6_probe_solicit(const struct dhcp6_probe_req *r, uint8_t *buf,
    size_t cap)
{
	static const uint8_t	 oro[] = { 0, D6O_BOOTFILE_URL, 0,
				    D6O_BOOTFILE_PARAM, 0, D6O_DNS_SERVERS, 0,
				    D6O_VENDOR_CLASS };
	static const uint8_t	 nii[3] = { 1, 3, 0 };	/* UNDI 3.0 */
	static const uint8_t	 elapsed[2] = { 0, 0 };
	struct dhcp6_out	 o;
	uint8_t			 duid[10] = { 0, DUID_LL, 0, 1 }, ia[12];
	uint8_t			 arch[2], vc[6 + 255], uc[2 + 4];
	char			 vbuf[64];
	const char		*vendor = r->vendor;
	size_t			 vlen;

	if (vendor == NULL) {
		snprintf(vbuf, sizeof(vbuf), "%s:Arch:%05u:UNDI:003000",
		    r->http ? "HTTPClient" : "PXEClient", (unsigned)r->arch);
		vendor = vbuf;
	}
	if ((vlen = strlen(vendor)) > 255)
		return 0;
	memcpy(duid + 4, r->mac, 6);
	memset(ia, 0, sizeof(ia));
	memcpy(ia, r->mac + 2, 4);		/* IAID: T1, T2 0 */
	wire_put16(arch, r->arch);
	wire_put32(vc, PXE_ENTERPRISE);
	wire_put16(vc + 4, (uint16_t)vlen);
	memcpy(vc + 6, vendor, vlen);
	wire_put16(uc, 4);
	memcpy(uc + 2, "iPXE", 4);

	dhcp6_pkt_out_init(&o, buf, cap);
	dhcp6_pkt_out_hdr(&o, DHCP6_SOLICIT, r->xid & 0xffffff);
	dhcp6_pkt_out_opt(&o, D6O_CLIENTID, duid, sizeof(duid));
	dhcp6_pkt_out_opt(&o, D6O_ELAPSED_TIME, elapsed, sizeof(elapsed));
	dhcp6_pkt_out_opt(&o, D6O_IA_NA, ia, sizeof(ia));
	dhcp6_pkt_out_opt(&o, D6O_ORO, oro, sizeof(oro));
	dhcp6_pkt_out_opt(&o, D6O_NII, nii, sizeof(nii));
	dhcp6_pkt_out_opt(&o, D6O_CLIENT_ARCH_TYPE, arch, sizeof(arch));
	dhcp6_pkt_out_opt(&o, D6O_VENDOR_CLASS, vc, 6 + vlen);
	if (r->ipxe)
		dhcp6_pkt_out_opt(&o, D6O_USER_CLASS, uc, sizeof(uc));
	return o.overflow ? 0 : o.len;
}

/* ---------- reading ---------- */

static void
probe6_status(struct dhcp6_probe_adv *a, const uint8_t *p, size_t len)
{
	if (len < 2)
		return;
	a->status = wire_get16(p);
	dhcp_probe_copy(a->status_msg, sizeof(a->status_msg), p + 2, len - 2);
}

/* The first IA_NA: its first address, and its status. */
static void
probe6_ia(struct dhcp6_probe_adv *a, const struct dhcp6_opt *o)
{
	size_t		off;
	uint16_t	code, len;

	a->has_ia = true;
	for (off = 12; off + 4 <= o->len; off += 4 + (size_t)len) {
		code = wire_get16(o->data + off);
		len = wire_get16(o->data + off + 2);
		if (len > o->len - off - 4)
			return;
		if (code == D6O_IAADDR && len >= 24 && !a->has_addr) {
			memcpy(&a->addr, o->data + off + 4, 16);
			a->has_addr = true;
		} else if (code == D6O_STATUS_CODE)
			probe6_status(a, o->data + off + 4, len);
	}
}

/* Option 60 (RFC 5970 3.2): 16-bit-length strings, joined by ", ". */
static void
probe6_param(struct dhcp6_probe_adv *a, const struct dhcp6_opt *o)
{
	size_t	off, n, k = 0;

	for (off = 0; off + 2 <= o->len; off += 2 + n) {
		n = wire_get16(o->data + off);
		if (n > o->len - off - 2)
			break;
		if (k > 0 && k + 2 < sizeof(a->param)) {
			memcpy(a->param + k, ", ", 2);
			k += 2;
		}
		dhcp_probe_copy(a->param + k, sizeof(a->param) - k,
		    o->data + off + 2, n);
		k = strlen(a->param);
	}
}

static void
probe6_opt(struct dhcp6_probe_adv *a, const struct dhcp6_opt *o)
{
	switch (o->code) {
	case D6O_SERVERID:
		if (a->duid_len == 0 && o->len <= sizeof(a->duid)) {
			memcpy(a->duid, o->data, o->len);
			a->duid_len = o->len;
		}
		break;
	case D6O_IA_NA:
		if (!a->has_ia && o->len >= 12)
			probe6_ia(a, o);
		break;
	case D6O_STATUS_CODE:
		if (a->status < 0)
			probe6_status(a, o->data, o->len);
		break;
	case D6O_PREFERENCE:
		if (o->len == 1)
			a->pref = o->data[0];
		break;
	case D6O_BOOTFILE_URL:
		dhcp_probe_copy(a->url, sizeof(a->url), o->data, o->len);
		break;
	case D6O_BOOTFILE_PARAM:
		probe6_param(a, o);
		break;
	case D6O_VENDOR_CLASS:
		if (o->len >= 6 && wire_get32(o->data) == PXE_ENTERPRISE &&
		    wire_get16(o->data + 4) <= o->len - 6)
			dhcp_probe_copy(a->vendor, sizeof(a->vendor), o->data + 6,
			    wire_get16(o->data + 4));
		break;
	}
}

int
dhcp6_probe_adv_parse(const uint8_t *buf, size_t len,
    const struct dhcp6_probe_req *r, const struct in6_addr *from,
    struct dhcp6_probe_adv *a)
{
	static struct dhcp6_msg	 m;
	const struct dhcp6_opt	*cid;
	size_t			 i;

	memset(a, 0, sizeof(*a));
	a->status = a->pref = -1;
	if (dhcp6_pkt_parse(buf, len, &m) != DHCP6_POK || m.nrelay > 0 ||
	    (m.type != DHCP6_ADVERTISE && m.type != DHCP6_REPLY) ||
	    m.xid != (r->xid & 0xffffff))
		return -1;
	/* RFC 8415 16.3: our own Client Identifier, when there is one. */
	if ((cid = dhcp6_pkt_opt(&m, D6O_CLIENTID)) != NULL &&
	    (cid->len != 10 || memcmp(cid->data + 4, r->mac, 6) != 0))
		return -1;
	a->from = *from;
	a->msgtype = m.type;
	for (i = 0; i < m.nopt; i++)
		probe6_opt(a, &m.opt[i]);
	a->proxy = !a->has_ia && (a->url[0] != '\0' ||
	    strncmp(a->vendor, "PXEClient", 9) == 0 ||
	    strncmp(a->vendor, "HTTPClient", 10) == 0);
	return 0;
}

/* ---------- the line ---------- */

size_t
dhcp6_probe_format(const struct dhcp6_probe_adv *a, char *buf, size_t len)
{
	static const char *const st[] = { "Success", "UnspecFail",
	    "NoAddrsAvail", "NoBinding", "NotOnLink", "UseMulticast",
	    "NoPrefixAvail" };
	struct probe_sb	 sb;
	char		 s[2][INET6_ADDRSTRLEN];
	size_t		 i;

	dhcp_probe_sb_init(&sb, buf, len);
	dhcp_probe_sb_printf(&sb, "%s duid=", inet_ntop(AF_INET6, &a->from,
	    s[0], sizeof(s[0])));
	for (i = 0; i < a->duid_len; i++)
		dhcp_probe_sb_printf(&sb, "%02x", a->duid[i]);
	if (a->duid_len == 0)
		dhcp_probe_sb_printf(&sb, "-");
	dhcp_probe_sb_printf(&sb, " proxy=%s offer=%s", a->proxy ? "yes" :
	    "no", a->has_addr ? inet_ntop(AF_INET6, &a->addr, s[1],
	    sizeof(s[1])) : "-");
	dhcp_probe_sb_field(&sb, "url", a->url, "\"\\");
	if (a->pref >= 0)
		dhcp_probe_sb_printf(&sb, " pref=%d", a->pref);
	else
		dhcp_probe_sb_printf(&sb, " pref=-");
	dhcp_probe_sb_word(&sb, "vendor", a->vendor);
	/* Success goes without saying. */
	if (a->status > 0 && (size_t)a->status < sizeof(st) / sizeof(st[0]))
		dhcp_probe_sb_printf(&sb, " status=%s", st[a->status]);
	else if (a->status > 0)
		dhcp_probe_sb_printf(&sb, " status=%d", a->status);
	if (a->status > 0 && a->status_msg[0] != '\0')
		dhcp_probe_sb_field(&sb, "status-msg", a->status_msg, "\"\\");
	if (a->param[0] != '\0')
		dhcp_probe_sb_field(&sb, "param", a->param, "\"\\");
	if (a->msgtype == DHCP6_REPLY)
		dhcp_probe_sb_printf(&sb, " msg=reply");
	return sb.len;
}

/* ---------- the socket ---------- */

int
dhcp6_probe_socket(const char *ifname, uint16_t port)
{
	struct sockaddr_in6	sin6;
	unsigned		idx;
	int			fd, on = 1, hops = 1, saved;

	if (ifname == NULL || *ifname == '\0' || strlen(ifname) >= IFNAMSIZ ||
	    (idx = if_nametoindex(ifname)) == 0) {
		errno = ENODEV;
		return -1;
	}
	if ((fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(port);
	sin6.sin6_addr = in6addr_any;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
	    (socklen_t)strlen(ifname) + 1) == -1 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx,
	    sizeof(idx)) == -1 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
	    sizeof(hops)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}
