/*
 * loopguard.c: a machine fetching one file again and again within a
 * window is in a chainload loop; say so once per window, with the rule
 * that sent it there.  The counts are kept per machine by client.c.
 */
#include "config.h"

#include <stdio.h>

#include "client.h"
#include "client_stage.h"
#include "dhcp_proto.h"
#include "ev.h"
#include "log.h"
#include "loopguard.h"

static uint64_t	nwarnings;

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
	struct client_fetch	*s;
	uint64_t		 now = ev_now(), window;
	char			 m[20];

	if (conf->loop_count == 0)
		return;
	window = (uint64_t)conf->loop_window * 1000;
	s = client_fetch(mac, path);
	if (s->count == 0 || now - s->first >= window) {
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
	client_stage_problem(mac, true, "chainload loop: %s fetched over %s "
	    "%u times in %u s (%s)", path, proto, s->count,
	    (unsigned)((now - s->first) / 1000), rule);
}

uint64_t
loopguard_warnings(void)
{
	return nwarnings;
}
