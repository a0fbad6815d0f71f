/*
 * unit.h: pxed's CUnit suites and the helpers they share.
 */
#ifndef PXED_UNIT_H
#define PXED_UNIT_H

#include <CUnit/CUnit.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"

void	test_conf_register(void);
void	test_rules_register(void);
void	test_ev_register(void);
void	test_tmpl_register(void);
void	test_log_register(void);
void	test_tftp_register(void);
void	test_dhcp_pkt_register(void);
void	test_dhcp_probe_register(void);
void	test_http_register(void);
void	test_dhcp_srv_register(void);
void	test_lease_register(void);
void	test_dhcp6_pkt_register(void);
void	test_ra_register(void);
void	test_dhcp6_srv_register(void);

/*
 * A scratch configuration tree: unit_tree_new() makes an empty directory
 * with conf.d/ inside; unit_tree_file() writes a file relative to it;
 * unit_tree_load() loads "pxed.conf" there (which need not exist) with
 * conf-dir pointing at conf.d.  Error messages come back with the tree's
 * directory removed, so tests compare "conf.d/10-x.conf:3: ...".
 */
const char	*unit_tree_new(void);
void		 unit_tree_file(const char *rel, const char *text);
struct conf	*unit_tree_load(void);
void		 unit_tree_free(void);
size_t		 unit_nerrors(void);
const char	*unit_error(size_t i);
/* True when some error message equals msg exactly. */
int		 unit_has_error(const char *msg);

/* An IPv4 address in host order. */
uint32_t	 unit_hip(const char *dotted);
/* Read a file into buf (NUL-terminated); returns its length, 0 if none. */
size_t		 unit_slurp(const char *path, char *buf, size_t cap);
/* A file's lines, sorted, each followed by a newline, into res. */
void		 unit_sorted_lines(const char *path, char *res, size_t cap);

/* Read a fixture from tests/fixtures into buf; returns its length. */
size_t		 unit_fixture(const char *name, unsigned char *buf, size_t len);

#endif
