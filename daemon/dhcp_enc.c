/*
 * dhcp_enc.c: PXE option 43, iPXE option 175 and pxelinux (RFC 5071)
 * encoders.
 */
#include "config.h"

#include <string.h>

#include "dhcp_enc.h"
#include "dhcp_proto.h"
#include "wire.h"

bool
dhcp_enc_sub_put(uint8_t *buf, size_t cap, size_t *off, uint8_t code,
    const void *data, size_t len)
{
	if (len > 255 || *off + 2 + len > cap)
		return false;
	buf[(*off)++] = code;
	buf[(*off)++] = (uint8_t)len;
	if (len > 0)
		memcpy(buf + *off, data, len);
	*off += len;
	return true;
}

bool
dhcp_enc_sub_has(const uint8_t *body, size_t len, uint8_t code)
{
	size_t	i;

	for (i = 0; i + 1 < len; i += 2 + body[i + 1]) {
		if (body[i] == code)
			return true;
		if (body[i] == 255)
			break;
	}
	return false;
}

size_t
dhcp_enc_pxe(const struct dhcp_pxe *p, uint8_t *buf, size_t cap)
{
	uint8_t		sub[255], c;
	size_t		off = 0, slen, i, j, dlen;

	if (p->control >= 0) {
		c = (uint8_t)p->control;
		if (!dhcp_enc_sub_put(buf, cap, &off, DHCP_PXE_CONTROL, &c, 1))
			return 0;
	}
	/* 8: per server type, type (2), count (1), the addresses. */
	slen = 0;
	for (i = 0; i < p->nservers; i++) {
		const struct dhcp_pxe_servers	*s = &p->servers[i];

		if (s->naddrs > 255 || slen + 3 + 4 * s->naddrs > sizeof(sub))
			return 0;
		sub[slen++] = (uint8_t)(s->type >> 8);
		sub[slen++] = (uint8_t)s->type;
		sub[slen++] = (uint8_t)s->naddrs;
		for (j = 0; j < s->naddrs; j++, slen += 4)
			memcpy(sub + slen, &s->addrs[j], 4);
	}
	if (slen > 0 &&
	    !dhcp_enc_sub_put(buf, cap, &off, DHCP_PXE_SERVERS, sub, slen))
		return 0;
	/* 9: per item, type (2), length (1), the text. */
	slen = 0;
	for (i = 0; i < p->nmenu; i++) {
		dlen = strlen(p->menu[i].text);
		if (dlen > 255 || slen + 3 + dlen > sizeof(sub))
			return 0;
		sub[slen++] = (uint8_t)(p->menu[i].type >> 8);
		sub[slen++] = (uint8_t)p->menu[i].type;
		sub[slen++] = (uint8_t)dlen;
		memcpy(sub + slen, p->menu[i].text, dlen);
		slen += dlen;
	}
	if (slen > 0 && !dhcp_enc_sub_put(buf, cap, &off, DHCP_PXE_MENU, sub, slen))
		return 0;
	/* 10: timeout (1), the prompt. */
	if (p->prompt) {
		dlen = p->prompt_text != NULL ? strlen(p->prompt_text) : 0;
		if (dlen + 1 > sizeof(sub))
			return 0;
		sub[0] = p->prompt_timeout;
		memcpy(sub + 1, p->prompt_text != NULL ? p->prompt_text : "",
		    dlen);
		if (!dhcp_enc_sub_put(buf, cap, &off, DHCP_PXE_PROMPT, sub,
		    dlen + 1))
			return 0;
	}
	if (off >= cap)
		return 0;
	buf[off++] = 255;
	return off;
}

size_t
dhcp_enc_ipxe(const struct dhcp_sub *subs, size_t n, uint8_t *buf,
    size_t cap)
{
	size_t	off = 0, i;

	for (i = 0; i < n; i++)
		if (!dhcp_enc_sub_put(buf, cap, &off, subs[i].code, subs[i].data,
		    subs[i].len))
			return 0;
	return off;
}

size_t
dhcp_enc_pxelinux(const struct dhcp_pxelinux *p, uint8_t *buf, size_t cap)
{
	/* RFC 5071 3.2: four octets, the magic number. */
	static const uint8_t	magic[4] = { 0xf1, 0x00, 0x74, 0x7e };
	uint8_t			reboot[4];
	size_t			off = 0;

	if (p->magic && !dhcp_enc_sub_put(buf, cap, &off, DHO_PXELINUX_MAGIC,
	    magic, sizeof(magic)))
		return 0;
	/* RFC 5071 4.2, 5.2: NVT ASCII text, no terminating NUL. */
	if (p->config != NULL && *p->config != '\0' &&
	    !dhcp_enc_sub_put(buf, cap, &off, DHO_PXELINUX_CONFIG, p->config,
	    strlen(p->config)))
		return 0;
	if (p->prefix != NULL && *p->prefix != '\0' &&
	    !dhcp_enc_sub_put(buf, cap, &off, DHO_PXELINUX_PREFIX, p->prefix,
	    strlen(p->prefix)))
		return 0;
	/* RFC 5071 6.2: a 32-bit unsigned integer, network byte order. */
	if (p->has_reboot) {
		wire_put32(reboot, p->reboot);
		if (!dhcp_enc_sub_put(buf, cap, &off, DHO_PXELINUX_REBOOT,
		    reboot, sizeof(reboot)))
			return 0;
	}
	return off;
}
