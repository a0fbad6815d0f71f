/*
 * status_page.c: the live view of the boots, served at /status: one
 * self-contained page (HTML, CSS and JavaScript, no CDN: provisioning
 * networks are often offline) that polls /state every second.  Its source
 * is daemon/status.html; the build turns it into status_page.inc, a byte
 * array, so the daemon needs no file at run time.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "status.h"

static const unsigned char status_page_bytes[] = {
#include "status_page.inc"
};

char *
status_page_html(size_t *len)
{
	char	*p;

	if ((p = malloc(sizeof(status_page_bytes))) == NULL)
		fatal("http: malloc");
	memcpy(p, status_page_bytes, sizeof(status_page_bytes));
	*len = sizeof(status_page_bytes);
	return p;
}
