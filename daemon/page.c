/*
 * page.c: the page at / and the document at /status.
 *
 * The page is plain server-rendered HTML5 with a little inline CSS and no
 * script: it must read well in any browser, a text browser included.  Its
 * first section is the river of news (the newest entries, each with its
 * source); the second the table of feeds, failing ones first so an
 * operator sees them without scrolling through healthy ones, retired ones
 * last.  Every stored string is cleaned to valid UTF-8 and escaped for
 * HTML here, in one function (html_text); links are emitted only when
 * they are http(s) URLs, so a stored "javascript:" link stays inert text.
 *
 * /status is the same data as JSON (built with jansson): the feeds in
 * the same order with their state, and the newest entries.  Times there
 * are RFC 3339 strings (null when unknown) so any client can read them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "due.h"
#include "page.h"
#include "render.h"
#include "parsers/date.h"

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

static void
html_text(struct buf *out, const char *s)
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

static int
is_web_url(const char *s)
{
	return s != NULL && (strncasecmp(s, "http://", 7) == 0 ||
	    strncasecmp(s, "https://", 8) == 0);
}

/* <a href="url">text</a>, or just the text when url is not http(s). */
static void
html_link(struct buf *out, const char *url, const char *text)
{
	if (is_web_url(url)) {
		buf_addstr(out, "<a href=\"");
		html_text(out, url);
		buf_addstr(out, "\">");
		html_text(out, text);
		buf_addstr(out, "</a>");
	} else
		html_text(out, text);
}

/* <time datetime="RFC 3339">YYYY-MM-DD HH:MM UTC</time>, or a dash. */
static void
html_time(struct buf *out, int64_t t)
{
	char d[DATE_RFC3339_LEN], h[32];
	struct tm tm;
	time_t tt = (time_t)t;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL) {
		buf_addstr(out, "&#8212;");
		return;
	}
	strftime(h, sizeof(h), "%Y-%m-%d %H:%M UTC", &tm);
	buf_printf(out, "<time datetime=\"%s\">%s</time>",
	    date_format_rfc3339(t, d), h);
}

static const char *
feed_label(const struct store_feed_row *f)
{
	if (f->title != NULL && *f->title != '\0')
		return f->title;
	return f->name != NULL ? f->name : "?";
}

static const char *
item_label(const struct store_item *it)
{
	if (it->feed_title != NULL && *it->feed_title != '\0')
		return it->feed_title;
	return it->feed_name != NULL ? it->feed_name : "?";
}

static const char style[] =
    "body{font-family:system-ui,sans-serif;max-width:72em;margin:0 auto;"
    "padding:0 1em;line-height:1.4;color:#222;background:#fff}"
    "h1{margin-bottom:.2em}header p{margin-top:0;color:#555}"
    "ol.river{padding-left:1.5em}ol.river li{margin:.35em 0}"
    ".src,.when{color:#666;font-size:.9em}"
    "table{border-collapse:collapse;width:100%;font-size:.92em}"
    "th,td{text-align:left;padding:.3em .5em;border-bottom:1px solid #ddd;"
    "vertical-align:top}"
    "th{background:#f3f3f3}tr.failing td{background:#fde8e8}"
    "tr.retired td{color:#888}.err{color:#a00}";

static void
html_river(const struct page_data *d, struct buf *out)
{
	const struct store_item *it;
	size_t i;

	buf_printf(out, "<section id=\"river\">\n<h2>Newest entries</h2>\n");
	if (d->nitems == 0) {
		buf_addstr(out, "<p>No entries yet.</p>\n</section>\n");
		return;
	}
	buf_addstr(out, "<ol class=\"river\">\n");
	for (i = 0; i < d->nitems; i++) {
		it = &d->items[i];
		buf_addstr(out, "<li>");
		html_link(out, it->entry.link, it->entry.title != NULL &&
		    *it->entry.title != '\0' ? it->entry.title : "(untitled)");
		buf_addstr(out, " <span class=\"src\">from ");
		html_link(out, it->feed_link, item_label(it));
		buf_addstr(out, "</span> <span class=\"when\">");
		html_time(out, render_item_date(it));
		buf_addstr(out, "</span></li>\n");
	}
	buf_addstr(out, "</ol>\n</section>\n");
}

static void
html_feeds(const struct page_data *d, const size_t *ix, struct buf *out)
{
	const struct store_feed_row *f;
	size_t i, j;

	buf_addstr(out, "<section id=\"feeds\">\n<h2>Feeds</h2>\n");
	if (d->nfeeds == 0) {
		buf_addstr(out, "<p>No subscriptions.</p>\n</section>\n");
		return;
	}
	buf_addstr(out, "<table>\n<thead><tr><th>Feed</th><th>State</th>"
	    "<th>Tags</th><th>Entries</th><th>Last success</th>"
	    "<th>Last error</th><th>Next poll</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < d->nfeeds; i++) {
		f = &d->feeds[ix[i]];
		buf_printf(out, "<tr class=\"%s\"><td>",
		    feed_rank(f) == 0 ? "failing" :
		    feed_rank(f) == 2 ? "retired" : "ok");
		html_link(out, f->link != NULL ? f->link : f->url,
		    feed_label(f));
		buf_addstr(out, "<br><span class=\"src\">");
		html_text(out, f->name);
		buf_addstr(out, "</span></td><td>");
		if (f->retired != 0)
			buf_addstr(out, "retired");
		else if (f->state.gone)
			buf_addstr(out, "<span class=\"err\">gone</span>");
		else if (page_feed_failing(f))
			buf_printf(out, "<span class=\"err\">failing (%d)"
			    "</span>", f->state.failures);
		else if (f->state.last_success == 0)
			buf_addstr(out, "not fetched yet");
		else
			buf_addstr(out, "ok");
		buf_addstr(out, "</td><td>");
		for (j = 0; j < f->ntags; j++) {
			if (j > 0)
				buf_addstr(out, ", ");
			html_text(out, f->tags[j]);
		}
		buf_printf(out, "</td><td>%lld</td><td>",
		    (long long)f->entries);
		html_time(out, f->state.last_success);
		buf_addstr(out, "</td><td>");
		if (f->state.last_error != NULL) {
			buf_addstr(out, "<span class=\"err\">");
			html_text(out, f->state.last_error);
			buf_addstr(out, "</span> ");
			html_time(out, f->state.last_attempt);
		} else
			buf_addstr(out, "&#8212;");
		buf_addstr(out, "</td><td>");
		if (f->retired != 0 || f->state.gone)
			buf_addstr(out, "never");
		else
			html_time(out, f->state.next_due);
		buf_addstr(out, "</td></tr>\n");
	}
	buf_addstr(out, "</tbody>\n</table>\n</section>\n");
}

void
page_html(const struct page_data *d, struct buf *out)
{
	const char *title = d->title != NULL ? d->title : "feedd";
	size_t *ix, i, failing = 0, retired = 0;

	ix = feed_order(d);
	for (i = 0; i < d->nfeeds; i++) {
		failing += page_feed_failing(&d->feeds[i]);
		retired += d->feeds[i].retired != 0;
	}
	buf_addstr(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>");
	html_text(out, title);
	buf_addstr(out, "</title>\n"
	    "<link rel=\"alternate\" type=\"application/atom+xml\" "
	    "title=\"Atom\" href=\"/feed.atom\">\n"
	    "<link rel=\"alternate\" type=\"application/rss+xml\" "
	    "title=\"RSS\" href=\"/feed.rss\">\n"
	    "<link rel=\"alternate\" type=\"application/feed+json\" "
	    "title=\"JSON Feed\" href=\"/feed.json\">\n<style>");
	buf_addstr(out, style);
	buf_addstr(out, "</style>\n</head>\n<body>\n<header>\n<h1>");
	html_text(out, title);
	buf_printf(out, "</h1>\n<p>%zu feeds", d->nfeeds - retired);
	if (failing > 0)
		buf_printf(out, ", <a class=\"err\" href=\"#feeds\">%zu "
		    "failing</a>", failing);
	if (retired > 0)
		buf_printf(out, ", %zu retired", retired);
	buf_addstr(out, " &#183; updated ");
	html_time(out, d->now);
	buf_addstr(out, " &#183; <a href=\"/feed.atom\">Atom</a> "
	    "&#183; <a href=\"/feed.rss\">RSS</a> "
	    "&#183; <a href=\"/feed.json\">JSON Feed</a> "
	    "&#183; <a href=\"/feeds.opml\">OPML</a> "
	    "&#183; <a href=\"/status\">status</a></p>\n</header>\n<main>\n");
	html_river(d, out);
	html_feeds(d, ix, out);
	buf_addstr(out, "</main>\n</body>\n</html>\n");
	free(ix);
}

/* --- /status */

static void
jset_str(json_t *o, const char *key, const char *s)
{
	char *c;

	if (s == NULL) {
		json_object_set_new(o, key, json_null());
		return;
	}
	c = render_text_clean(s);
	json_object_set_new(o, key, json_string(c));
	free(c);
}

static void
jset_time(json_t *o, const char *key, int64_t t)
{
	char d[DATE_RFC3339_LEN];

	if (t <= 0)
		json_object_set_new(o, key, json_null());
	else
		json_object_set_new(o, key,
		    json_string(date_format_rfc3339(t, d)));
}

static json_t *
json_feed_row(const struct store_feed_row *f)
{
	json_t *o, *a;
	size_t j;

	o = json_object();
	jset_str(o, "name", f->name);
	jset_str(o, "title", f->title);
	jset_str(o, "url", f->url);
	/* Publishers' links only where a page could show them as one. */
	jset_str(o, "link", is_web_url(f->link) ? f->link : NULL);
	a = json_array();
	for (j = 0; j < f->ntags; j++) {
		char *c = render_text_clean(f->tags[j]);

		json_array_append_new(a, json_string(c));
		free(c);
	}
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
	jset_str(o, "link", is_web_url(it->entry.link) ? it->entry.link :
	    NULL);
	jset_time(o, "date", render_item_date(it));
	src = json_object();
	jset_str(src, "name", it->feed_name);
	jset_str(src, "title", item_label(it));
	jset_str(src, "url", it->feed_url);
	jset_str(src, "link", is_web_url(it->feed_link) ? it->feed_link :
	    NULL);
	json_object_set_new(o, "source", src);
	return o;
}

int
page_status_json(const struct page_data *d, struct buf *out)
{
	json_t *root, *a;
	size_t *ix, i, failing = 0;
	char *s;
	int rc;

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
	s = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (s == NULL)
		return -1;
	rc = buf_add(out, s, strlen(s));
	if (rc == 0)
		rc = buf_addch(out, '\n');
	free(s);
	return rc;
}
