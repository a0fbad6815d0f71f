/*
 * unit.h: pxed's CUnit suites and the helpers they share.
 */
#ifndef PXED_UNIT_H
#define PXED_UNIT_H

#include <CUnit/CUnit.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"

/*
 * The suites: each tests/test_NAME.c defines test_NAME_register(), which
 * adds its CUnit suites.  tests/unit-suites.h, which make writes from
 * UNIT_SUITES in Makefile.am, says UNIT_SUITE(NAME) for each file, in
 * that order: a new suite is its file and its name in that list.
 */
#define UNIT_SUITE(name)	void test_##name##_register(void);
#include "tests/unit-suites.h"
#undef UNIT_SUITE

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
