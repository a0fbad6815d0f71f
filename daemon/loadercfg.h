/*
 * loadercfg.h: boot loaders' configs rendered per machine from one
 * template, and the names loaders search on the way to their config.
 */
#ifndef PXED_LOADERCFG_H
#define PXED_LOADERCFG_H

#include <netinet/in.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules.h"

#define LOADERCFG_SUFFIX	".tmpl"
#define LOADERCFG_MAX		(256 * 1024)	/* bytes rendered */

enum loadercfg_kind {
	LOADERCFG_OTHER,	/* no loader's search name */
	LOADERCFG_FINAL,	/* the last name: grub.cfg, pxelinux.cfg/default */
	LOADERCFG_MAC,		/* 01-<mac>: a machine by its MAC */
	LOADERCFG_HEXIP,	/* 8 hex digits: a machine by its address */
	LOADERCFG_SEARCH,	/* tried on the way: UUID, shorter hex, ... */
};

struct loadercfg_name {
	enum loadercfg_kind	 kind;
	char			 tmpl[512];	/* the chain's template */
	uint8_t			 mac[6];	/* LOADERCFG_MAC */
	struct in_addr		 ip;		/* LOADERCFG_HEXIP */
};

/*
 * What a clean path relative to the root is to GRUB (grub.cfg,
 * grub.cfg-01-<mac>, grub.cfg-<hex IP> and its shortenings, in any
 * directory) or to pxelinux, syslinux.efi and U-Boot (pxelinux.cfg/
 * default, 01-<mac>, <hex IP> and its shortenings, <uuid>, default-*).
 * Pure.
 */
enum loadercfg_kind loadercfg_parse(const char *path,
	    struct loadercfg_name *n);

enum loadercfg_answer {
	LOADERCFG_MISS,		/* not found, as any file */
	LOADERCFG_QUIET,	/* not found, a search name: log at debug */
	LOADERCFG_TEXT,		/* rendered: *out, *outlen (malloc'd) */
	LOADERCFG_TOOBIG,	/* rendered beyond LOADERCFG_MAX */
};

struct conf;
struct conf_script;

struct loadercfg_ask {
	const struct conf		*conf;
	bool				 tftp;	/* which root's templates */
	const char			*path;	/* clean, not a file */
	const struct rules_req		*req;	/* the machine asking */
	const char			*server; /* pxed's address, for it */
	const char			*ip;	/* the asking address */
	const struct conf_script	*used;	/* out: the template */
};

/*
 * The answer to a name that is no file: its own template (path.tmpl)
 * rendered for the machine asking; a chain's host name (01-<mac>, hex
 * IP) rendered from the chain's template for the machine it names; a
 * quiet miss for the names a loader searches on the way.
 */
enum loadercfg_answer loadercfg_answer(struct loadercfg_ask *q, char **out,
	    size_t *outlen);

#endif
