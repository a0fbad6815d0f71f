/*
 * explain.h: pxed --explain, the rule engine run offline.
 */
#ifndef PXED_EXPLAIN_H
#define PXED_EXPLAIN_H

#include <stdio.h>

#include "conf.h"
#include "rules.h"

/*
 * Fill req from KEY=VALUE words: packet (a captured DHCP message, read
 * first), mac, arch, vendorclass, userclass, interface, giaddr, optN (any
 * option, value as in option lists); the other words override the packet.
 * Strings point into argv or the arena.  Returns -1 after printing why.
 */
int	explain_parse(struct arena *a, int argc, char *const argv[],
	    struct rules_req *req, const char **server, const char **ip,
	    FILE *err);
/* Evaluate and print tags, host and boot entry with their file:line. */
void	explain_print(const struct conf *conf, const struct rules_req *req,
	    const char *server, const char *ip, FILE *out);

#endif
