/*
 * explain.h: pxed --explain, the rule engine run offline.
 */
#ifndef PXED_EXPLAIN_H
#define PXED_EXPLAIN_H

#include <sys/types.h>

#include <stdbool.h>
#include <stdint.h>
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

/* Shared with explain6.c: the lines tags:, host: and boot: of res. */
void	explain_rules(const struct conf *conf, const struct rules_req *req,
	    const struct rules_result *res, FILE *out);
/* " arch=N (name)" of the request line, nothing when arch < 0. */
void	explain_arch_print(FILE *out, int arch);
/* arch=: a name (efi-x64) or a number; -1 after printing why. */
int	explain_arch_code(const char *val, uint16_t *code, FILE *err);
/* optN= or optionN=, N from 1 to max: the code and the value. */
int	explain_optword(struct arena *a, const char *key, const char *val,
	    unsigned long max, unsigned long *code, const uint8_t **data,
	    size_t *len, FILE *err);
/* Split a KEY=VALUE word: key into key[cap], *val after the "=". */
int	explain_key(const char *word, char *key, size_t cap, const char **val,
	    FILE *err);
/* Read a captured packet: its length, or -1 after printing why. */
ssize_t	explain_read(const char *path, uint8_t *buf, size_t cap, FILE *err);

/*
 * DHCPv6 (explain6.c).  The words ask for DHCPv6 when one is family=6,
 * packet6=, duid=, link= or src=, server= is an IPv6 address, or packet=
 * names a DHCPv6 message: a file that is not a BOOTP message (the DHCP
 * magic cookie at offset 236) and begins with a DHCPv6 message type
 * (1 to 13).
 */
bool	explain6_wanted(int argc, char *const argv[]);
/*
 * The request made from the words (or the packet, which the other words
 * override) goes through the DHCPv6 engine over an empty lease store:
 * prints the request, tags, host, boot entry and the reply pxed would
 * send.  Returns 0, or -1 after printing why.
 */
int	explain6_run(const struct conf *conf, int argc, char *const argv[],
	    FILE *out, FILE *err);

#endif
