/*
 * loopguard.h: warn when one machine fetches the same boot file again and
 * again (an iPXE chainload loop, pain point 3), naming the rule to fix.
 */
#ifndef PXED_LOOPGUARD_H
#define PXED_LOOPGUARD_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

/*
 * mac finished fetching path over proto ("tftp", "http"); rule says which
 * boot entry matched that machine ("" when none), see loopguard_rule().  Warns,
 * once per window, when that makes conf->loop_count fetches within
 * conf->loop_window seconds.
 */
void		loopguard_note(const struct conf *conf, const uint8_t mac[6],
		    const char *path, const char *proto, const char *rule);
/* "boot entry \"x\" at file:line" for boot (may be NULL) into buf. */
void		loopguard_rule(const struct conf_boot *boot, char *buf, size_t len);
uint64_t	loopguard_warnings(void);

#endif
