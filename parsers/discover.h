/*
 * discover.h: telling an HTML page from a feed, and finding the feeds a
 * page links (<link rel="alternate" type="application/rss+xml" ...>), as
 * readers do when they are given a site's address instead of its feed's.
 */
#ifndef FEEDD_DISCOVER_H
#define FEEDD_DISCOVER_H

#include <stddef.h>

/* At most this many links are returned: a page listing more is a
 * directory, and the reader picks from the first ones. */
#define DISCOVER_MAX	32

struct discover_link {
	char	*url;		/* absolute when base was */
	char	*kind;		/* "rss", "atom" or "json" */
	char	*title;		/* the link's title, plain text, or NULL */
};

/* 1 if doc[0..len) is an HTML page, else 0: its first element, after a
 * BOM, blanks, an XML declaration, comments and a DOCTYPE, is <html>,
 * <head> or <body>, or it has <!DOCTYPE html> and a first element that
 * is no feed's root. */
int	discover_is_html(const char *doc, size_t len);

/*
 * The feeds the page doc[0..len) links, in document order, without
 * duplicates, with URLs resolved against the page's <base href> and base
 * (the page's URL, or NULL).  Returns how many (0..DISCOVER_MAX) and sets
 * *links (free with discover_free) to them, or to NULL when none.
 */
size_t	discover_links(const char *doc, size_t len, const char *base,
	    struct discover_link **links);
void	discover_free(struct discover_link *links, size_t n);

/*
 * The reason a page is not a feed: "not a feed: an HTML page", and, when
 * it links feeds, "; it links the feed URL" or "the feeds URL, URL and N
 * more".  Caller frees.
 */
char	*discover_reason(const char *doc, size_t len, const char *base);

#endif
