/*
 * page.h: the pages people read: the home page at / (the river of news,
 * filtered by the query, with search, tags, views, feeds and paging),
 * the feeds table at /?show=feeds, and the same facts as JSON at
 * /status.  serve.c hands over the query and caches what comes back.
 */
#ifndef FEEDD_PAGE_H
#define FEEDD_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "base/util.h"
#include "storage/store.h"

#define PAGE_LIMIT	30	/* entries per page by default */
#define PAGE_LIMIT_MAX	100
#define PAGE_OFFSET_MAX	1000
#define PAGE_NAME_MAX	200	/* bytes of a tag, feed or view name */

struct page_data {
	const char	*title;		/* page heading */
	const struct store_item	*items;	/* newest first */
	size_t			 nitems;
	const struct store_feed_row *feeds;	/* any order */
	size_t			 nfeeds;
	int64_t			 now;		/* unix seconds */
	/* The river only: */
	const struct conf_view	*views;	/* the configured views */
	size_t			 nviews;
	int			 more;	/* older entries exist */
};

/*
 * The query of /, validated parameter by parameter: tag, feed, view
 * (names), q (words to search), limit (1 to PAGE_LIMIT_MAX), offset (0
 * to PAGE_OFFSET_MAX), show ("river" or "feeds").  Anything else, or a
 * parameter given twice, is an error; the first one is kept in err.
 * Init, add each parameter, read err, then reset.
 */
struct page_query {
	size_t		 limit;
	size_t		 offset;
	char		*tag, *feed, *view, *q;	/* NULL: not given */
	int		 show_feeds;
	unsigned	 seen;		/* bits: parameters given */
	char		*err;		/* first problem, or NULL */
	struct buf	 key;		/* canonical form, for caches */
};

void	 page_query_init(struct page_query *pq);
void	 page_query_add(struct page_query *pq, const char *k,
	    const char *v);
/* The cache key of the page: the parameters and the minute of now
 * (the page says "5 min ago"). */
const char *page_query_key(struct page_query *pq, int64_t now);
void	 page_query_reset(struct page_query *pq);

/*
 * Renders / for a valid pq: reads the entries and feeds from store,
 * views from conf.  Returns 0, or an HTTP status (400 for a query
 * naming what does not exist, 500) with a reason in *reason (caller
 * frees).
 */
unsigned page_index(struct store *store, const struct conf *conf,
	    const struct page_query *pq, int64_t now, struct buf *out,
	    char **reason);

/* Whether a feed counts as failing (its last poll failed, or it is
 * gone); retired feeds never do. */
int	page_feed_failing(const struct store_feed_row *f);

/* Appends the feeds table page (/?show=feeds; UTF-8, no scripts). */
void	page_html(const struct page_data *d, struct buf *out);

/* Appends the river page for pq (UTF-8, no scripts); d->items are the
 * entries of this page. */
void	page_river_html(const struct page_data *d,
	    const struct page_query *pq, struct buf *out);

/* Appends the JSON document of /status to out.  Returns 0 or -1. */
int	page_status_json(const struct page_data *d, struct buf *out);

#endif
