/*
 * client_stage.c: the stages of each machine's boot, for the live view.
 *
 *   dhcp_io  ── client_stage_dhcp ───────┐
 *   tftp_io  ── client_stage_file ───────┤  client_boot(mac) in the
 *           ── client_stage_progress ────┤  client table (client.c)
 *           ── client_stage_end/refused ─┤        │
 *   http     ── the same ────────────────┤        v
 *   loopguard, dhcp tick ── _problem ────┘  status.c: /state, /status
 *
 * Every hook is one call at a log point that already exists.  A machine's
 * firmware asking for an address again after it got further starts a new
 * boot: the stages start over (a chainload loop found stays shown).  The
 * times are the loop's monotonic clock (ev_now()); status.c turns them
 * into wall-clock times.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client.h"
#include "client_stage.h"
#include "netaddr.h"
#include "dhcp_proto.h"
#include "ev.h"
#include "log.h"

static const char *const stage_names[CLIENT_STAGES] = {
	[CLIENT_STAGE_OFFER] = "dhcp-offer",
	[CLIENT_STAGE_ACK] = "dhcp-ack",
	[CLIENT_STAGE_PROXY] = "proxy-4011",
	[CLIENT_STAGE_NBP] = "nbp",
	[CLIENT_STAGE_IPXE] = "ipxe-dhcp",
	[CLIENT_STAGE_SCRIPT] = "script",
	[CLIENT_STAGE_KERNEL] = "kernel",
	[CLIENT_STAGE_INITRD] = "initrd",
	[CLIENT_STAGE_FILE] = "file",
};

const char *
client_stage_name(enum client_stage st)
{
	return (unsigned)st < CLIENT_STAGES ? stage_names[st] : "?";
}

const char *
client_stage_state_name(enum client_state st)
{
	static const char *const n[] = { "none", "running", "done", "failed" };

	return (unsigned)st < 4 ? n[st] : "?";
}

const char *
client_stage_via_name(enum client_via via)
{
	static const char *const n[] = { "dhcp", "tftp", "http" };

	return (unsigned)via < 3 ? n[via] : "?";
}

static bool
client_stage_has(const char *s, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strcasestr(s, *words) != NULL)
			return true;
	return false;
}

static bool
client_stage_ext(const char *base, const char *const *exts)
{
	const char	*dot = strrchr(base, '.');

	for (; dot != NULL && *exts != NULL; exts++)
		if (strcasecmp(dot + 1, *exts) == 0)
			return true;
	return false;
}

enum client_stage
client_stage_kind(const char *path, bool script, bool nbp_seen)
{
	static const char *const initrd[] = { "initrd", "initramfs", "initrfs",
	    ".cpio", NULL };
	static const char *const kernel[] = { "vmlinu", "bzimage", "kernel",
	    "wimboot", NULL };
	static const char *const nbp[] = { "efi", "kpxe", "kkpxe", "pxe",
	    "lkrn", "0", "com", "n12", "undi", NULL };
	static const char *const scripts[] = { "ipxe", NULL };
	const char	*base = strrchr(path, '/');

	base = base != NULL ? base + 1 : path;
	if (script || client_stage_ext(base, scripts))
		return CLIENT_STAGE_SCRIPT;
	if (client_stage_has(base, initrd) || client_stage_ext(base,
	    (const char *const []){ "img", "cpio", "gz", "xz", "zst", NULL }))
		return CLIENT_STAGE_INITRD;
	if (client_stage_has(base, kernel) || strncasecmp(base, "linux", 5) ==
	    0)
		return CLIENT_STAGE_KERNEL;
	if (client_stage_ext(base, nbp) || !nbp_seen)
		return CLIENT_STAGE_NBP;
	return CLIENT_STAGE_FILE;
}

/* mac's record, noted as seen now. */
static struct client_boot *
client_stage_touch(const uint8_t *mac, bool claim)
{
	struct client_boot	*b;

	if (mac == NULL || (b = client_boot(mac, claim)) == NULL)
		return NULL;
	b->last = ev_now();
	if (!b->used) {
		b->used = true;
		b->first = b->last;
	}
	return b;
}

/* b's text, allocated the first time (NULL without memory). */
static struct client_boot_text *
client_stage_text(struct client_boot *b)
{
	if (b->text == NULL)
		b->text = calloc(1, sizeof(*b->text));
	return b->text;
}

const char *
client_stage_file_of(const struct client_boot *b)
{
	return b->text != NULL ? b->text->file : "";
}

const char *
client_stage_problem_of(const struct client_boot *b)
{
	return b->text != NULL ? b->text->problem : "";
}

const char *
client_stage_hostname_of(const struct client_boot *b)
{
	return b->hostname != NULL ? b->hostname : "";
}

void
client_stage_forget(struct client_boot *b)
{
	free(b->text);
	b->text = NULL;
	free(b->hostname);
	b->hostname = NULL;
}

/* A new boot: the stages start over; a loop found stays shown. */
static void
client_stage_restart(struct client_boot *b)
{
	memset(b->step, 0, sizeof(b->step));
	b->dl_active = false;
	if (b->text != NULL)
		b->text->file[0] = '\0';
	b->done = b->size = 0;
	if (!b->problem_loop && b->text != NULL)
		b->text->problem[0] = '\0';
	b->first = b->last;
	b->boots++;
}

static void
client_stage_reach(struct client_boot *b, enum client_stage st,
    enum client_state state, enum client_via via)
{
	struct client_step	*s = &b->step[st];

	s->at = b->last;
	s->ms = 0;
	s->state = (uint8_t)state;
	s->via = (uint8_t)via;
	if (s->count < UINT16_MAX)
		s->count++;
}

void
client_stage_dhcp(const struct client_seen *s, const char *hostname,
    bool proxy_port, int reqtype, int type)
{
	struct client_boot	*b;
	enum client_stage	 st;
	bool			 ipxe = client_seen_ipxe(s);
	size_t			 i;

	if (!s->valid || type < 0 || (b = client_stage_touch(s->mac,
	    true)) == NULL)
		return;
	if (hostname != NULL && hostname[0] != '\0' &&
	    strncmp(client_stage_hostname_of(b), hostname,
	    CLIENT_HOSTNAME_MAX) != 0) {
		free(b->hostname);
		/* As in slab.c and lease.c, no memory is fatal. */
		if ((b->hostname = strndup(hostname,
		    CLIENT_HOSTNAME_MAX)) == NULL)
			fatal("client_stage: strndup");
	}
	if (netaddr_is_set(&s->addr))
		b->addr = s->addr;
	if (ipxe)
		st = CLIENT_STAGE_IPXE;
	else if (proxy_port)
		st = CLIENT_STAGE_PROXY;
	else if (reqtype == DHCPDISCOVER)
		st = CLIENT_STAGE_OFFER;
	else
		st = CLIENT_STAGE_ACK;
	/* The firmware again, after it got further: a new boot. */
	for (i = CLIENT_STAGE_ACK; st == CLIENT_STAGE_OFFER &&
	    i < CLIENT_STAGES; i++)
		if (b->step[i].count > 0)
			break;
	if (b->boots == 0 || (st == CLIENT_STAGE_OFFER && i < CLIENT_STAGES))
		client_stage_restart(b);
	if (type == DHCPNAK) {
		client_stage_reach(b, st, CLIENT_STATE_FAILED, CLIENT_VIA_DHCP);
		client_stage_problem(s->mac, false, "DHCP NAK");
		return;
	}
	client_stage_reach(b, st, CLIENT_STATE_DONE, CLIENT_VIA_DHCP);
}

void
client_stage_file(const uint8_t *mac, enum client_via via, const char *path,
    uint64_t size, bool script)
{
	struct client_boot	*b;
	enum client_stage	 st;

	if ((b = client_stage_touch(mac, true)) == NULL)
		return;
	st = client_stage_kind(path, script,
	    b->step[CLIENT_STAGE_NBP].count > 0);
	b->dl_prev = b->step[st].state;
	client_stage_reach(b, st, CLIENT_STATE_RUNNING, via);
	if (client_stage_text(b) != NULL)
		snprintf(b->text->file, sizeof(b->text->file), "%s", path);
	b->done = 0;
	b->size = size;
	b->dl_at = b->last;
	b->dl_stage = (uint8_t)st;
	b->dl_via = (uint8_t)via;
	b->dl_active = true;
}

void
client_stage_progress(const uint8_t *mac, uint64_t done)
{
	struct client_boot	*b;

	if (mac != NULL && (b = client_boot(mac, false)) != NULL &&
	    b->dl_active) {
		b->done = done;
		b->last = ev_now();
	}
}

void
client_stage_end(const uint8_t *mac, uint64_t done, enum client_end how,
    const char *why)
{
	struct client_boot	*b;
	struct client_step	*s;

	if (mac == NULL || (b = client_boot(mac, false)) == NULL ||
	    !b->dl_active)
		return;
	b->last = ev_now();
	b->dl_active = false;
	if (done != CLIENT_DONE_UNKNOWN)
		b->done = done;
	s = &b->step[b->dl_stage];
	s->ms = (uint32_t)(b->last - b->dl_at);
	if (how == CLIENT_END_PROBE) {
		if (s->count > 0)
			s->count--;
		s->state = s->count > 0 ? b->dl_prev : CLIENT_STATE_NONE;
		return;
	}
	s->state = how == CLIENT_END_OK ? CLIENT_STATE_DONE :
	    CLIENT_STATE_FAILED;
	if (how == CLIENT_END_FAILED && done == CLIENT_DONE_UNKNOWN)
		client_stage_problem(mac, false, "%s of %s aborted: %s",
		    client_stage_via_name(b->dl_via), client_stage_file_of(b),
		    why);
	else if (how == CLIENT_END_FAILED)
		client_stage_problem(mac, false, "%s of %s aborted after %llu "
		    "of %llu bytes: %s", client_stage_via_name(b->dl_via),
		    client_stage_file_of(b), (unsigned long long)done,
		    (unsigned long long)b->size, why);
}

void
client_stage_refused(const uint8_t *mac, enum client_via via,
    const char *path, const char *why)
{
	struct client_boot	*b;
	enum client_stage	 st;

	if ((b = client_stage_touch(mac, true)) == NULL)
		return;
	st = client_stage_kind(path, false,
	    b->step[CLIENT_STAGE_NBP].count > 0);
	/* A stage done stays done: iPXE asks for optional files. */
	if (b->step[st].state != CLIENT_STATE_DONE)
		client_stage_reach(b, st, CLIENT_STATE_FAILED, via);
	client_stage_problem(mac, false, "%s refused %s: %s",
	    client_stage_via_name(via), path, why);
}

void
client_stage_problem(const uint8_t *mac, bool loop, const char *fmt, ...)
{
	struct client_boot	*b;
	va_list			 ap;

	if ((b = client_stage_touch(mac, true)) == NULL ||
	    client_stage_text(b) == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(b->text->problem, sizeof(b->text->problem), fmt, ap);
	va_end(ap);
	b->problem_at = b->last;
	b->problem_loop = loop;
}
