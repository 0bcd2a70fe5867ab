/*
 * page_int.h: what the files of the page module share (page.c: the frame,
 * the feeds table and /status; page_river.c: the river at /; page_csp.c:
 * the Content-Security-Policy).  Not for other modules: page.h is the
 * interface.
 */
#ifndef FEEDD_PAGE_INT_H
#define FEEDD_PAGE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "page.h"

/* Appends s cleaned to valid UTF-8 and escaped for HTML text and
 * attribute values; NULL appends nothing. */
void	 page_text(struct buf *out, const char *s);
/* Whether s is an http(s) URL (the only links a page emits). */
int	 page_is_web_url(const char *s);
/* <a href="url">text</a>, or only the text when url is not http(s). */
void	 page_link(struct buf *out, const char *url, const char *text);
/* <time datetime="RFC 3339">absolute</time>, or a dash for t <= 0. */
void	 page_time(struct buf *out, int64_t t);
/* The absolute time as shown to readers, in the daemon's time zone
 * ("2024-03-01 12:00 CET") into h (at least 48 bytes). */
void	 page_abs_time(int64_t t, char *h, size_t n);
/* A feed's or an item's outlet name: its title, else its config name. */
const char *page_feed_label(const struct store_feed_row *f);
const char *page_item_label(const struct store_item *it);

/* The document up to and including the top bar (brand, search form):
 * the policy, the title, the style, and alternate links to the feed of
 * what pq selects (everything when pq is NULL). */
void	 page_head(struct buf *out, const char *title,
	    const struct page_query *pq);
/* Appends the query string "k=v&k=v" (percent-encoded, not yet
 * escaped for HTML) selecting these; NULL, 0 and the defaults are
 * left out. */
void	 page_url_query(struct buf *q, const char *tag, const char *feed,
	    const char *words, const char *view, size_t limit, size_t offset,
	    int show_feeds);
/* Closes what page_head opened, with the footer. */
void	 page_foot(struct buf *out);

/* The feeds table (failing first, retired last), with its heading. */
void	 page_feeds_table(const struct page_data *d, struct buf *out);

/* The inline style sheet and its CSP source expression
 * ('sha256-BASE64'), computed once. */
extern const char page_style[];
const char *page_style_hash(void);

/* SHA-256 of data[0..len) (FIPS 180-4) into digest. */
void	 page_sha256(const void *data, size_t len,
	    unsigned char digest[32]);

#endif
