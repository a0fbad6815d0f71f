/*
 * loopguard.c: a small table of (MAC, file) fetch counts over a window.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dhcp_proto.h"
#include "ev.h"
#include "log.h"
#include "loopguard.h"

#define LOOP_SLOTS	1024

static struct loop_slot {
	uint8_t		 mac[6];
	uint32_t	 file;		/* hash of the path */
	uint64_t	 first;		/* monotonic ms of the window's start */
	unsigned	 count;
	bool		 warned;
} slots[LOOP_SLOTS];

static uint64_t	nwarnings;

static uint32_t
loop_hash(const uint8_t *p, size_t n, uint32_t h)
{
	size_t	i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619U;
	return h;
}

void
loopguard_rule(const struct conf_boot *boot, char *buf, size_t len)
{
	if (boot == NULL)
		snprintf(buf, len, "no boot entry");
	else
		snprintf(buf, len, "boot entry \"%s\" at %s:%d", boot->name,
		    boot->where.file, boot->where.line);
}

void
loopguard_note(const struct conf *conf, const uint8_t mac[6], const char *path,
    const char *proto, const char *rule)
{
	struct loop_slot	*s;
	uint32_t		 fh, h;
	uint64_t		 now = ev_now(), window;
	char			 m[20];

	if (conf->loop_count == 0)
		return;
	window = (uint64_t)conf->loop_window * 1000;
	fh = loop_hash((const uint8_t *)path, strlen(path), 2166136261U);
	h = loop_hash(mac, 6, fh);
	s = &slots[h % LOOP_SLOTS];
	if (memcmp(s->mac, mac, 6) != 0 || s->file != fh ||
	    now - s->first >= window) {
		memcpy(s->mac, mac, 6);
		s->file = fh;
		s->first = now;
		s->count = 0;
		s->warned = false;
	}
	if (++s->count < conf->loop_count || s->warned)
		return;
	s->warned = true;
	nwarnings++;
	dhcp_proto_mac_str(mac, 6, m, sizeof(m));
	log_warnx("loop: %s fetched %s over %s %u times in %u s: a "
	    "chainload loop?  The rules gave it %s, which should not match "
	    "what this file boots (for iPXE: add \"!ipxe\" to its if)", m,
	    path, proto, s->count, (unsigned)((now - s->first) / 1000), rule);
}

uint64_t
loopguard_warnings(void)
{
	return nwarnings;
}
