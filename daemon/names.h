/*
 * names.h: an enum's names as an array indexed by the enum, so that a
 * value and its string sit side by side in one table, and one bounds
 * check serves every such table.
 */
#ifndef PXED_NAMES_H
#define PXED_NAMES_H

#include <stddef.h>

static inline const char *
names_get(const char *const *names, size_t n, size_t i)
{
	return i < n && names[i] != NULL ? names[i] : "?";
}

/* names[i], or "?" for a value outside the table (negative ones too). */
#define NAMES_GET(names, i) \
	names_get((names), sizeof(names) / sizeof((names)[0]), (size_t)(i))

#endif
