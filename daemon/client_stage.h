/*
 * client_stage.h: each machine's boot as the live view shows it: the
 * stages reached (DHCP, proxyDHCP, the boot program, iPXE, its script,
 * kernel and initrd), the file being downloaded and what went wrong.
 * Kept in the client table (client.c), fed by one-line hooks at the
 * protocols' log points, read by status.c for /state and /status.
 */
#ifndef PXED_CLIENT_STAGE_H
#define PXED_CLIENT_STAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "netaddr.h"

struct client_seen;

/* The stages of a network boot, in the order a machine reaches them. */
enum client_stage {
	CLIENT_STAGE_OFFER,		/* DHCP offer (server or proxy, 67) */
	CLIENT_STAGE_ACK,		/* DHCP ack */
	CLIENT_STAGE_PROXY,		/* proxyDHCP reply on 4011 */
	CLIENT_STAGE_NBP,		/* the network boot program */
	CLIENT_STAGE_IPXE,		/* iPXE's own DHCP */
	CLIENT_STAGE_SCRIPT,		/* an iPXE script */
	CLIENT_STAGE_KERNEL,
	CLIENT_STAGE_INITRD,
	CLIENT_STAGE_FILE,		/* any other file */
	CLIENT_STAGES
};

enum client_state {
	CLIENT_STATE_NONE,		/* not reached */
	CLIENT_STATE_RUNNING,
	CLIENT_STATE_DONE,
	CLIENT_STATE_FAILED
};

enum client_via {
	CLIENT_VIA_DHCP,
	CLIENT_VIA_TFTP,
	CLIENT_VIA_HTTP
};

/* client_stage_end's done when it is not known. */
#define CLIENT_DONE_UNKNOWN	UINT64_MAX
#define CLIENT_HOSTNAME_MAX	47	/* the live view keeps no more */

/* How a download ended. */
enum client_end {
	CLIENT_END_OK,
	CLIENT_END_PROBE,		/* a size probe: as if never begun */
	CLIENT_END_FAILED
};

struct client_step {
	uint64_t	 at;		/* monotonic ms it last began */
	uint32_t	 ms;		/* how long it took */
	uint16_t	 count;		/* times reached; 0: never */
	uint8_t		 state;		/* enum client_state */
	uint8_t		 via;		/* enum client_via */
};

/*
 * One machine's boot; all zero until it is seen.  The small fields last,
 * together, so that the table's 4,096 records pay no padding between.
 */
struct client_boot {
	uint64_t		 first, last;	/* monotonic ms */
	uint64_t		 done, size, dl_at;
	uint64_t		 problem_at;
	/*
	 * The file and the problem, on the heap once there is one: most
	 * records of a full table (4,096 machines) never have either.
	 */
	struct client_boot_text	*text;
	char			*hostname;	/* the same; NULL: none */
	struct client_step	 step[CLIENT_STAGES];
	struct netaddr		 addr;		/* the last one DHCP saw */
	uint32_t		 boots;		/* firmware starts seen */
	bool			 used;		/* seen since it was claimed */
	uint8_t			 dl_stage, dl_prev, dl_via;
	bool			 dl_active;
	bool			 problem_loop;
};

struct client_boot_text {
	char			 file[96];	/* downloading, or the last */
	char			 problem[120];	/* what went wrong last */
};

/* b's file being downloaded (or the last one) and its last problem; "". */
const char *client_stage_file_of(const struct client_boot *b);
const char *client_stage_problem_of(const struct client_boot *b);
/* b's hostname (at most CLIENT_HOSTNAME_MAX bytes); "" when none. */
const char *client_stage_hostname_of(const struct client_boot *b);
/* Free what b holds outside itself (the client table forgets b). */
void	client_stage_forget(struct client_boot *b);

/* The stage a file is: by its name, and whether a boot program came. */
enum client_stage client_stage_kind(const char *path, bool script,
	    bool nbp_seen);
const char *client_stage_name(enum client_stage st);
const char *client_stage_state_name(enum client_state st);
const char *client_stage_via_name(enum client_via via);

/* A DHCP request from s answered with type (-1: not answered). */
void	client_stage_dhcp(const struct client_seen *s, const char *hostname,
	    bool proxy_port, int reqtype, int type);
/* mac (NULL: unknown, ignored) begins downloading path of size bytes. */
void	client_stage_file(const uint8_t *mac, enum client_via via,
	    const char *path, uint64_t size, bool script);
/* mac's download has reached done bytes. */
void	client_stage_progress(const uint8_t *mac, uint64_t done);
/* mac's download ended after done bytes; why says a failure's cause. */
void	client_stage_end(const uint8_t *mac, uint64_t done,
	    enum client_end how, const char *why);
/* path was refused to mac (missing, forbidden). */
void	client_stage_refused(const uint8_t *mac, enum client_via via,
	    const char *path, const char *why);
/* Something went wrong for mac; loop: a chainload loop (kept). */
void	client_stage_problem(const uint8_t *mac, bool loop, const char *fmt,
	    ...) __attribute__((format(printf, 3, 4)));

#endif
