/*
 * status.h: the status pages, /metrics and /state, as text for http.c.
 */
#ifndef PXED_STATUS_H
#define PXED_STATUS_H

#include <stddef.h>

#include "conf.h"

/* Every counter in Prometheus text format; malloc'd, *len set. */
char	*status_metrics(size_t *len);
/*
 * Version, generation, leases, transfers and the machines' boots as
 * JSON; malloc'd.
 */
char	*status_state(const struct conf *conf, size_t *len);
/* The live view's page (status_page.c), HTML; malloc'd, *len set. */
char	*status_page_html(size_t *len);

#endif
