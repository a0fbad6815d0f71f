/*
 * dhcp_enc.h: encoders of the encapsulated options a boot reply carries:
 * PXE's option 43 (PXE 2.1, table 2-1) and iPXE's option 175.  Pure
 * functions; the configuration encodes each boot entry's once, at load.
 */
#ifndef PXED_DHCP_ENC_H
#define PXED_DHCP_ENC_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DHCP_PXE_CONTROL	6
#define DHCP_PXE_SERVERS	8
#define DHCP_PXE_MENU		9
#define DHCP_PXE_PROMPT		10

/* One sub-option of an encapsulated option. */
struct dhcp_sub {
	uint8_t		 code;
	uint16_t	 len;
	const uint8_t	*data;
};

/* The boot servers of one server type (sub-option 8). */
struct dhcp_pxe_servers {
	uint16_t		 type;
	const struct in_addr	*addrs;
	size_t			 naddrs;
};

/* One boot menu item (sub-option 9). */
struct dhcp_pxe_item {
	uint16_t	 type;
	const char	*text;
};

struct dhcp_pxe {
	int				 control;	/* 6; -1: none */
	const struct dhcp_pxe_servers	*servers;	/* 8 */
	size_t				 nservers;
	const struct dhcp_pxe_item	*menu;		/* 9 */
	size_t				 nmenu;
	bool				 prompt;	/* 10 */
	uint8_t				 prompt_timeout;
	const char			*prompt_text;	/* NULL: "" */
};

/* pxelinux's options (RFC 5071), top-level options, not encapsulated. */
struct dhcp_pxelinux {
	bool		 magic;		/* 208 F1:00:74:7E (obsolete) */
	const char	*config;	/* 209; NULL: none */
	const char	*prefix;	/* 210; NULL: none */
	bool		 has_reboot;
	uint32_t	 reboot;	/* 211, seconds; 0: never */
};

/* Append a sub-option; false when it is over 255 bytes or has no room. */
bool	dhcp_enc_sub_put(uint8_t *buf, size_t cap, size_t *off, uint8_t code,
	    const void *data, size_t len);
/* Whether an encapsulated option body holds sub-option code. */
bool	dhcp_enc_sub_has(const uint8_t *body, size_t len, uint8_t code);
/*
 * Option 43 for PXE: sub-options 6, 8, 9 and 10, those given, in this
 * order, then 255.  Returns the length, or 0 when a sub-option would be
 * over 255 bytes or buf is too small.
 */
size_t	dhcp_enc_pxe(const struct dhcp_pxe *p, uint8_t *buf, size_t cap);
/* Option 175 for iPXE: the sub-options in order; 0 when they do not fit. */
size_t	dhcp_enc_ipxe(const struct dhcp_sub *subs, size_t n, uint8_t *buf,
	    size_t cap);
/*
 * Options 208 to 211 as code, length, value each, in that order, those
 * given (an empty string is none); 0 when none is or they do not fit.
 */
size_t	dhcp_enc_pxelinux(const struct dhcp_pxelinux *p, uint8_t *buf,
	    size_t cap);

#endif
