/*
 * page.h: the operator's views of the daemon: the HTML page served at /
 * and the same facts as JSON at /status.  Pure functions of what the
 * store returned; serve.c fetches, caches and serves them.
 */
#ifndef FEEDD_PAGE_H
#define FEEDD_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "parsers/util.h"
#include "storage/store.h"

struct page_data {
	const char		*title;		/* page heading */
	const struct store_item	*items;	/* newest first */
	size_t			 nitems;
	const struct store_feed_row *feeds;	/* any order */
	size_t			 nfeeds;
	int64_t			 now;		/* unix seconds */
};

/* Whether a feed counts as failing (its last poll failed, or it is
 * gone); retired feeds never do. */
int	page_feed_failing(const struct store_feed_row *f);

/* Appends the HTML page (UTF-8, no scripts) to out. */
void	page_html(const struct page_data *d, struct buf *out);

/* Appends the JSON document of /status to out.  Returns 0 or -1. */
int	page_status_json(const struct page_data *d, struct buf *out);

#endif
