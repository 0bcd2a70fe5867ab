/*
 * page.c: what the pages share (escaping, links, times, the frame with
 * its policy and top bar), the feeds table at /?show=feeds, and the
 * document at /status.  The river at / is page_river.c.
 *
 * The pages are plain server-rendered HTML5 with one inline style sheet
 * (allowed by its hash, page_csp.c) and no script: they must read well
 * in any browser, a text browser included.  The feeds table lists
 * failing feeds first so an operator sees them without scrolling
 * through healthy ones, retired ones last.  Every stored string is
 * cleaned to valid UTF-8 and escaped for HTML in one function
 * (page_text); links are emitted only when they are http(s) URLs, so a
 * stored "javascript:" link stays inert text.
 *
 * /status is the same data as JSON (built with jansson): the feeds in
 * the same order with their state, and the newest entries.  Times there
 * are RFC 3339 strings (null when unknown) so any client can read them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "due.h"
#include "page_int.h"
#include "render.h"
#include "parsers/date.h"
#include "base/util.h"

int
page_feed_failing(const struct store_feed_row *f)
{
	if (f->retired != 0)
		return 0;
	return due_failing(f->state.gone, f->state.failures,
	    f->state.last_error);
}

/* 0: failing, 1: healthy, 2: retired. */
static int
feed_rank(const struct store_feed_row *f)
{
	if (f->retired != 0)
		return 2;
	return page_feed_failing(f) ? 0 : 1;
}

static const struct store_feed_row *sort_base;

static int
feed_cmp(const void *a, const void *b)
{
	const struct store_feed_row *x = &sort_base[*(const size_t *)a];
	const struct store_feed_row *y = &sort_base[*(const size_t *)b];
	int rx = feed_rank(x), ry = feed_rank(y);

	if (rx != ry)
		return rx - ry;
	return strcmp(x->name ? x->name : "", y->name ? y->name : "");
}

/* The feeds' indexes in display order; caller frees. */
static size_t *
feed_order(const struct page_data *d)
{
	size_t *ix, i;

	ix = xcalloc(d->nfeeds + 1, sizeof(*ix));
	for (i = 0; i < d->nfeeds; i++)
		ix[i] = i;
	/* Single-threaded: qsort has no context argument in C11. */
	sort_base = d->feeds;
	qsort(ix, d->nfeeds, sizeof(*ix), feed_cmp);
	sort_base = NULL;
	return ix;
}

void
page_text(struct buf *out, const char *s)
{
	char *c, *p;

	if (s == NULL)
		return;
	c = render_text_clean(s);
	for (p = c; *p != '\0'; p++) {
		switch (*p) {
		case '&':
			buf_addstr(out, "&amp;");
			break;
		case '<':
			buf_addstr(out, "&lt;");
			break;
		case '>':
			buf_addstr(out, "&gt;");
			break;
		case '"':
			buf_addstr(out, "&quot;");
			break;
		case '\'':
			buf_addstr(out, "&#39;");
			break;
		default:
			buf_addch(out, *p);
		}
	}
	free(c);
}

int
page_is_web_url(const char *s)
{
	return s != NULL && (strncasecmp(s, "http://", 7) == 0 ||
	    strncasecmp(s, "https://", 8) == 0);
}

/* <a href="url">text</a>, or just the text when url is not http(s). */
void
page_link(struct buf *out, const char *url, const char *text)
{
	if (page_is_web_url(url)) {
		buf_addstr(out, "<a href=\"");
		page_text(out, url);
		buf_addstr(out, "\">");
		page_text(out, text);
		buf_addstr(out, "</a>");
	} else
		page_text(out, text);
}

void
page_abs_time(int64_t t, char *h, size_t n)
{
	struct tm tm;
	time_t tt = (time_t)t;

	/* The daemon's zone: a personal aggregator runs where its reader
	 * lives, and the page has no script to learn the browser's. */
	if (localtime_r(&tt, &tm) == NULL ||
	    strftime(h, n, "%Y-%m-%d %H:%M %Z", &tm) == 0)
		snprintf(h, n, "%lld", (long long)t);
}

/* <time datetime="RFC 3339">YYYY-MM-DD HH:MM ZONE</time>, or a dash. */
void
page_time(struct buf *out, int64_t t)
{
	char d[DATE_RFC3339_LEN], h[48];

	if (t <= 0) {
		buf_addstr(out, "&#8212;");
		return;
	}
	page_abs_time(t, h, sizeof(h));
	buf_printf(out, "<time datetime=\"%s\">", date_format_rfc3339(t, d));
	page_text(out, h);
	buf_addstr(out, "</time>");
}

const char *
page_feed_label(const struct store_feed_row *f)
{
	if (f->title != NULL && *f->title != '\0')
		return f->title;
	return f->name != NULL ? f->name : "?";
}

const char *
page_item_label(const struct store_item *it)
{
	if (it->feed_title != NULL && *it->feed_title != '\0')
		return it->feed_title;
	return it->feed_name != NULL ? it->feed_name : "?";
}

/* Appends "/feed.EXT?QUERY" (or "/view/NAME.EXT") for what pq selects,
 * escaped for an attribute. */
static void
feed_href(struct buf *out, const struct page_query *pq, const char *ext)
{
	struct buf q;

	/* A query of our own from a parsed request. */
	buf_init(&q, BUF_UNCAPPED);
	if (pq != NULL && pq->view != NULL) {
		buf_addstr(out, "/view/");
		page_text(out, pq->view);
		buf_printf(out, ".%s", ext);
		buf_reset(&q);
		return;
	}
	buf_printf(out, "/feed.%s", ext);
	if (pq != NULL)
		page_url_query(&q, pq->tag, pq->feed, pq->q, NULL, 0, 0, 0);
	if (q.len > 0) {
		buf_addch(out, '?');
		page_text(out, q.data);
	}
	buf_reset(&q);
}

void
page_head(struct buf *out, const char *title, const struct page_query *pq)
{
	static const char *const alt[][3] = {
		{ "application/atom+xml", "Atom", "atom" },
		{ "application/rss+xml", "RSS", "rss" },
		{ "application/feed+json", "JSON Feed", "json" },
	};
	size_t i;

	buf_printf(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" "
	    "content=\"default-src 'none'; style-src %s; img-src http: "
	    "https:; form-action 'self'; base-uri 'none'\">\n"
	    "<meta name=\"referrer\" content=\"no-referrer\">\n"
	    "<meta name=\"color-scheme\" content=\"light dark\">\n<title>",
	    page_style_hash());
	page_text(out, title);
	buf_addstr(out, "</title>\n");
	for (i = 0; i < NELEM(alt); i++) {
		buf_printf(out, "<link rel=\"alternate\" type=\"%s\" "
		    "title=\"%s\" href=\"", alt[i][0], alt[i][1]);
		feed_href(out, pq, alt[i][2]);
		buf_addstr(out, "\">\n");
	}
	buf_printf(out, "<style>%s</style>\n</head>\n<body>\n"
	    "<a class=\"skip\" href=\"#content\">Skip to content</a>\n"
	    "<header class=\"top\">\n<p class=\"brand\"><a href=\"/\">feedd"
	    "</a></p>\n<form class=\"search\" role=\"search\" action=\"/\" "
	    "method=\"get\">\n<label class=\"vh\" for=\"q\">Search the "
	    "news</label>\n<input id=\"q\" name=\"q\" type=\"search\" "
	    "placeholder=\"Search\" value=\"", page_style);
	if (pq != NULL && pq->q != NULL)
		page_text(out, pq->q);
	buf_addstr(out, "\">\n");
	/* A search keeps the tag or feed being read. */
	if (pq != NULL && pq->tag != NULL) {
		buf_addstr(out, "<input type=\"hidden\" name=\"tag\" value=\"");
		page_text(out, pq->tag);
		buf_addstr(out, "\">\n");
	}
	if (pq != NULL && pq->feed != NULL) {
		buf_addstr(out, "<input type=\"hidden\" name=\"feed\" "
		    "value=\"");
		page_text(out, pq->feed);
		buf_addstr(out, "\">\n");
	}
	buf_addstr(out, "<button type=\"submit\">Search</button>\n</form>\n");
	/* On a phone the side column comes after the river: a way there. */
	if (pq != NULL)
		buf_addstr(out, "<nav class=\"jump\" aria-label=\"Site\">"
		    "<a href=\"#browse\">Tags and feeds</a> "
		    "<a href=\"/?show=feeds\">Feed health</a></nav>\n");
	buf_addstr(out, "</header>\n");
}

void
page_foot(struct buf *out)
{
	buf_addstr(out, "<footer>\n<p>Subscribe: <a href=\"/feed.atom\">"
	    "Atom</a> &#183; <a href=\"/feed.rss\">RSS</a> &#183; "
	    "<a href=\"/feed.json\">JSON Feed</a> &#183; "
	    "<a href=\"/feeds.opml\">OPML</a> &#183; <a href=\"/?show=feeds\">"
	    "feeds</a> &#183; <a href=\"/status\">status</a></p>\n</footer>\n"
	    "</body>\n</html>\n");
}

static void
feed_row(const struct store_feed_row *f, struct buf *out)
{
	size_t j;

	buf_printf(out, "<tr class=\"%s\"><td>",
	    feed_rank(f) == 0 ? "failing" :
	    feed_rank(f) == 2 ? "retired" : "ok");
	page_link(out, f->link != NULL ? f->link : f->url,
	    page_feed_label(f));
	buf_addstr(out, "<br><span class=\"src\">");
	page_text(out, f->name);
	buf_addstr(out, "</span></td><td>");
	if (f->retired != 0)
		buf_addstr(out, "retired");
	else if (f->state.gone)
		buf_addstr(out, "<span class=\"err\">gone</span>");
	else if (page_feed_failing(f))
		buf_printf(out, "<span class=\"err\">failing (%d)</span>",
		    f->state.failures);
	else if (f->state.last_success == 0)
		buf_addstr(out, "not fetched yet");
	else
		buf_addstr(out, "ok");
	buf_addstr(out, "</td><td>");
	for (j = 0; j < f->ntags; j++) {
		if (j > 0)
			buf_addstr(out, ", ");
		page_text(out, f->tags[j]);
	}
	buf_printf(out, "</td><td>%lld</td><td>", (long long)f->entries);
	page_time(out, f->state.last_success);
	buf_addstr(out, "</td><td>");
	if (f->state.last_error != NULL) {
		buf_addstr(out, "<span class=\"err\">");
		page_text(out, f->state.last_error);
		buf_addstr(out, "</span> ");
		page_time(out, f->state.last_attempt);
	} else
		buf_addstr(out, "&#8212;");
	buf_addstr(out, "</td><td>");
	if (f->retired != 0 || f->state.gone)
		buf_addstr(out, "never");
	else
		page_time(out, f->state.next_due);
	buf_addstr(out, "</td></tr>\n");
}

void
page_feeds_table(const struct page_data *d, struct buf *out)
{
	size_t *ix, i;

	if (d->nfeeds == 0) {
		buf_addstr(out, "<p>No subscriptions.</p>\n");
		return;
	}
	ix = feed_order(d);
	/* Wide tables scroll in their own box, never the page. */
	buf_addstr(out, "<div class=\"scroll\" role=\"region\" "
	    "aria-labelledby=\"feeds-caption\" tabindex=\"0\">\n<table>\n"
	    "<caption id=\"feeds-caption\">Every subscription, failing ones "
	    "first</caption>\n<thead><tr><th scope=\"col\">Feed</th>"
	    "<th scope=\"col\">State</th><th scope=\"col\">Tags</th>"
	    "<th scope=\"col\">Entries</th><th scope=\"col\">Last success"
	    "</th><th scope=\"col\">Last error</th><th scope=\"col\">Next "
	    "poll</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < d->nfeeds; i++)
		feed_row(&d->feeds[ix[i]], out);
	buf_addstr(out, "</tbody>\n</table>\n</div>\n");
	free(ix);
}

void
page_html(const struct page_data *d, struct buf *out)
{
	size_t i, failing = 0, retired = 0;

	for (i = 0; i < d->nfeeds; i++) {
		failing += page_feed_failing(&d->feeds[i]);
		retired += d->feeds[i].retired != 0;
	}
	page_head(out, "Feeds \xc2\xb7 feedd", NULL);
	buf_addstr(out, "<div class=\"wrap\">\n<main id=\"content\">\n"
	    "<h1 id=\"feeds\">Feeds</h1>\n");
	buf_printf(out, "<p class=\"sel\">%zu feeds", d->nfeeds - retired);
	if (failing > 0)
		buf_printf(out, ", <span class=\"err\">%zu failing</span>",
		    failing);
	if (retired > 0)
		buf_printf(out, ", %zu retired", retired);
	buf_addstr(out, " &#183; as of ");
	page_time(out, d->now);
	buf_addstr(out, " &#183; <a href=\"/\">back to the news</a></p>\n");
	page_feeds_table(d, out);
	buf_addstr(out, "</main>\n</div>\n");
	page_foot(out);
}

/* --- /status */

/* /status names every field: null where there is no value (no text, no
 * time yet). */
static void
jset_str(json_t *o, const char *key, const char *s)
{
	json_object_set_new(o, key, s != NULL ? render_json_text(s) :
	    json_null());
}

static void
jset_time(json_t *o, const char *key, int64_t t)
{
	json_object_set_new(o, key, t > 0 ? render_json_date(t) :
	    json_null());
}

static json_t *
json_feed_row(const struct store_feed_row *f)
{
	json_t *o, *a, *art;
	size_t j;

	o = json_object();
	jset_str(o, "name", f->name);
	jset_str(o, "title", f->title);
	jset_str(o, "url", f->url);
	/* Publishers' links only where a page could show them as one. */
	jset_str(o, "link", page_is_web_url(f->link) ? f->link : NULL);
	a = json_array();
	for (j = 0; j < f->ntags; j++)
		json_array_append_new(a, render_json_text(f->tags[j]));
	json_object_set_new(o, "tags", a);
	json_object_set_new(o, "state", json_string(f->retired ? "retired" :
	    f->state.gone ? "gone" : page_feed_failing(f) ? "failing" :
	    f->state.last_success == 0 ? "new" : "ok"));
	json_object_set_new(o, "entries", json_integer(f->entries));
	jset_time(o, "newest_entry", f->newest);
	jset_time(o, "last_attempt", f->state.last_attempt);
	jset_time(o, "last_success", f->state.last_success);
	jset_str(o, "last_error", f->state.last_error);
	jset_str(o, "error_class", f->state.error_class);
	json_object_set_new(o, "http_status",
	    json_integer(f->state.http_status));
	json_object_set_new(o, "failures", json_integer(f->state.failures));
	art = json_object();
	json_object_set_new(art, "extracted", json_integer(
	    f->articles[STORE_ARTICLE_EXTRACTED]));
	json_object_set_new(art, "failed", json_integer(
	    f->articles[STORE_ARTICLE_FAILED]));
	json_object_set_new(art, "skipped", json_integer(
	    f->articles[STORE_ARTICLE_SKIPPED]));
	json_object_set_new(art, "waiting", json_integer(
	    f->articles[STORE_ARTICLE_WANTED]));
	json_object_set_new(o, "articles", art);
	jset_time(o, "next_poll", f->retired || f->state.gone ? 0 :
	    f->state.next_due);
	jset_str(o, "current_url", f->state.current_url);
	jset_time(o, "retired", f->retired);
	return o;
}

static json_t *
json_entry(const struct store_item *it)
{
	json_t *o, *src;

	o = json_object();
	jset_str(o, "id", it->guid);
	jset_str(o, "title", it->entry.title);
	jset_str(o, "link", page_is_web_url(it->entry.link) ? it->entry.link :
	    NULL);
	jset_time(o, "date", render_item_date(it));
	src = json_object();
	jset_str(src, "name", it->feed_name);
	jset_str(src, "title", page_item_label(it));
	jset_str(src, "url", it->feed_url);
	jset_str(src, "link", page_is_web_url(it->feed_link) ? it->feed_link :
	    NULL);
	json_object_set_new(o, "source", src);
	return o;
}

int
page_status_json(const struct page_data *d, struct buf *out)
{
	json_t *root, *a;
	size_t *ix, i, failing = 0;

	ix = feed_order(d);
	root = json_object();
	jset_time(root, "generated", d->now);
	a = json_array();
	for (i = 0; i < d->nfeeds; i++) {
		failing += page_feed_failing(&d->feeds[ix[i]]);
		json_array_append_new(a, json_feed_row(&d->feeds[ix[i]]));
	}
	json_object_set_new(root, "feeds_total", json_integer(
	    (json_int_t)d->nfeeds));
	json_object_set_new(root, "feeds_failing", json_integer(
	    (json_int_t)failing));
	json_object_set_new(root, "feeds", a);
	a = json_array();
	for (i = 0; i < d->nitems; i++)
		json_array_append_new(a, json_entry(&d->items[i]));
	json_object_set_new(root, "entries", a);
	free(ix);
	return render_json_dump(root, out);
}
