/*
 * page_river.c: the home page at /: the river of news a person reads.
 *
 * Each entry shows its title (linked to the article), its outlet (a link
 * that filters the river to that feed), its time (relative, the absolute
 * time on hover), its lead image when it has one, and the start of its
 * summary or article as plain text.  Around the river: a search box, the
 * views, tags and feeds as links that filter it, paging ("older",
 * "newer"), and a short feed-health line linking to the feeds table.
 *
 * The query is strict: unknown parameters, a parameter given twice,
 * numbers out of range and names of views, tags or feeds that do not
 * exist are refused with the reason (400), so a mistyped link never
 * passes for an empty selection.  Tags match without regard to case.
 *
 * Stored summaries are sanitized HTML; the river shows only their text
 * (tags dropped, the few entities the sanitizer writes decoded), escaped
 * again by page_text, so nothing from a feed reaches the page as markup.
 * Lead images are http(s) URLs only, loaded lazily and without a
 * referrer.  Paging reads offset + limit + 1 entries and skips offset of
 * them: the store has no offset, and offset is capped at
 * PAGE_OFFSET_MAX, which the feeds cover beyond.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "page_int.h"
#include "render.h"
#include "parsers/date.h"
#include "parsers/uri.h"
#include "base/util.h"

#define EXCERPT_BYTES	320	/* of text under a title */
#define EXCERPT_SCAN	(64 * 1024)	/* bytes of HTML read for it */
#define MAX_TAGS	64	/* spellings of one tag */

enum {
	SEEN_TAG = 1, SEEN_FEED = 2, SEEN_VIEW = 4, SEEN_Q = 8,
	SEEN_LIMIT = 16, SEEN_OFFSET = 32, SEEN_SHOW = 64
};

/* --- the query */

void
page_query_init(struct page_query *pq)
{
	memset(pq, 0, sizeof(*pq));
	pq->limit = PAGE_LIMIT;
	/* From the request target, which the HTTP layer caps. */
	buf_init(&pq->key, BUF_UNCAPPED);
}

void
page_query_reset(struct page_query *pq)
{
	free(pq->tag);
	free(pq->feed);
	free(pq->view);
	free(pq->q);
	free(pq->err);
	buf_reset(&pq->key);
}

static void
query_error(struct page_query *pq, char *msg)
{
	if (pq->err == NULL)
		pq->err = msg;
	else
		free(msg);
}

/* A whole decimal number from 0 to max into *n; -1 otherwise. */
static int
query_number(const char *v, size_t max, size_t *n)
{
	const char *p;

	if (*v == '\0' || strlen(v) > 7)
		return -1;
	for (p = v; *p != '\0'; p++)
		if (*p < '0' || *p > '9')
			return -1;
	*n = (size_t)strtoul(v, NULL, 10);
	return *n <= max ? 0 : -1;
}

static void
query_name(struct page_query *pq, char **slot, const char *k, const char *v)
{
	if (*v == '\0')
		query_error(pq, xasprintf("bad %s: empty", k));
	else if (strlen(v) > PAGE_NAME_MAX)
		query_error(pq, xasprintf("bad %s: longer than %d bytes", k,
		    PAGE_NAME_MAX));
	else
		*slot = xstrdup(v);
}

void
page_query_add(struct page_query *pq, const char *k, const char *v)
{
	static const char *const names[] = { "tag", "feed", "view", "q",
	    "limit", "offset", "show" };
	size_t i, n;

	if (pq->err != NULL)
		return;
	if (v == NULL)
		v = "";
	for (i = 0; i < NELEM(names); i++)
		if (strcmp(k, names[i]) == 0)
			break;
	if (i == NELEM(names)) {
		query_error(pq, xasprintf("unknown parameter \"%.40s\": / "
		    "takes tag, feed, view, q, limit, offset and show", k));
		return;
	}
	if (pq->seen & 1u << i) {
		query_error(pq, xasprintf("%s given twice", k));
		return;
	}
	pq->seen |= 1u << i;
	switch (1u << i) {
	case SEEN_TAG:
		query_name(pq, &pq->tag, k, v);
		break;
	case SEEN_FEED:
		query_name(pq, &pq->feed, k, v);
		break;
	case SEEN_VIEW:
		query_name(pq, &pq->view, k, v);
		break;
	case SEEN_Q:
		/* The search box sends q= when left empty: no search. */
		if (strlen(v) > STORE_Q_MAX)
			query_error(pq, xasprintf("bad q: longer than %d "
			    "bytes", STORE_Q_MAX));
		else if (v[strspn(v, " \t\r\n")] != '\0')
			pq->q = xstrdup(v);
		break;
	case SEEN_LIMIT:
		if (query_number(v, PAGE_LIMIT_MAX, &n) == -1 || n == 0)
			query_error(pq, xasprintf("bad limit \"%.40s\": want "
			    "a number from 1 to %d", v, PAGE_LIMIT_MAX));
		else
			pq->limit = n;
		break;
	case SEEN_OFFSET:
		if (query_number(v, PAGE_OFFSET_MAX, &n) == -1)
			query_error(pq, xasprintf("bad offset \"%.40s\": want "
			    "a number from 0 to %d", v, PAGE_OFFSET_MAX));
		else
			pq->offset = n;
		break;
	default:
		if (strcmp(v, "feeds") == 0)
			pq->show_feeds = 1;
		else if (strcmp(v, "river") != 0)
			query_error(pq, xasprintf("bad show \"%.40s\": want "
			    "river or feeds", v));
	}
}

static void
key_str(struct buf *b, char c, const char *s)
{
	if (s != NULL)
		buf_printf(b, "%c%zu:%s", c, strlen(s), s);
	else
		buf_addch(b, c);
}

const char *
page_query_key(struct page_query *pq, int64_t now)
{
	buf_clear(&pq->key);
	key_str(&pq->key, 't', pq->tag);
	key_str(&pq->key, 'f', pq->feed);
	key_str(&pq->key, 'v', pq->view);
	key_str(&pq->key, 'q', pq->q);
	buf_printf(&pq->key, "l%zuo%zus%dm%lld", pq->limit, pq->offset,
	    pq->show_feeds, (long long)(now / 60));
	return pq->key.data;
}

static void
url_param(struct buf *q, const char *k, const char *v)
{
	if (v == NULL)
		return;
	if (q->len > 0)
		buf_addch(q, '&');
	buf_printf(q, "%s=", k);
	uri_escape(q, v);
}

void
page_url_query(struct buf *q, const char *tag, const char *feed,
    const char *words, const char *view, size_t limit, size_t offset,
    int show_feeds)
{
	char n[24];

	url_param(q, "view", view);
	url_param(q, "tag", tag);
	url_param(q, "feed", feed);
	url_param(q, "q", words);
	if (limit != 0 && limit != PAGE_LIMIT) {
		snprintf(n, sizeof(n), "%zu", limit);
		url_param(q, "limit", n);
	}
	if (offset != 0) {
		snprintf(n, sizeof(n), "%zu", offset);
		url_param(q, "offset", n);
	}
	if (show_feeds)
		url_param(q, "show", "feeds");
}

/* Appends href="/?QUERY" for these. */
static void
href(struct buf *out, const char *tag, const char *feed, const char *words,
    const char *view, size_t limit, size_t offset)
{
	struct buf q;

	/* A query of our own from a parsed request. */
	buf_init(&q, BUF_UNCAPPED);
	page_url_query(&q, tag, feed, words, view, limit, offset, 0);
	buf_addstr(out, "href=\"/");
	if (q.len > 0) {
		buf_addch(out, '?');
		page_text(out, q.data);
	}
	buf_addch(out, '"');
	buf_reset(&q);
}

/* --- text of an entry */

/* Decodes the entity at s (after '&') into out; returns its length
 * (up to and with ';'), or 0 when it is not one the river knows. */
static size_t
entity(const char *s, struct buf *out)
{
	static const struct { const char *name; const char *text; } named[] =
	    { { "amp;", "&" }, { "lt;", "<" }, { "gt;", ">" },
	      { "quot;", "\"" }, { "apos;", "'" }, { "nbsp;", " " } };
	unsigned long c;
	char *end, u[4];
	size_t i;

	for (i = 0; i < NELEM(named); i++)
		if (strncmp(s, named[i].name, strlen(named[i].name)) == 0) {
			buf_addstr(out, named[i].text);
			return strlen(named[i].name);
		}
	if (*s != '#')
		return 0;
	if (s[1] == 'x' || s[1] == 'X')
		c = strtoul(s + 2, &end, 16);
	else
		c = strtoul(s + 1, &end, 10);
	if (*end != ';' || end == s + 1 || c == 0 || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	if (c < 0x20)
		c = ' ';
	buf_add(out, u, utf8_encode((uint32_t)c, u));
	return (size_t)(end - s) + 1;
}

/* Cuts the text in b to at most max bytes at a word (or character)
 * boundary, adding an ellipsis when it cut. */
static void
cut_text(struct buf *b, size_t max)
{
	size_t n = max;

	if (b->len <= max)
		return;
	while (n > 0 && ((unsigned char)b->data[n] & 0xc0) == 0x80)
		n--;
	while (n > max * 3 / 4 && b->data[n] != ' ')
		n--;
	if (b->data[n] != ' ')
		for (n = max; n > 0 &&
		    ((unsigned char)b->data[n] & 0xc0) == 0x80; n--)
			;
	b->len = n;
	b->data[n] = '\0';
	buf_addstr(b, "\xe2\x80\xa6");
}

/*
 * The start of the plain text of sanitized HTML: tags become spaces,
 * entities are decoded, whitespace runs collapse.  Into out (cleared);
 * the caller escapes it.
 */
static void
excerpt(const char *html, struct buf *out)
{
	const char *p, *end;
	char quote = 0;
	int in_tag = 0, space = 1;
	size_t n;

	buf_clear(out);
	if (html == NULL)
		return;
	n = strlen(html);
	end = html + (n < EXCERPT_SCAN ? n : EXCERPT_SCAN);
	for (p = html; p < end && out->len <= EXCERPT_BYTES + 8; p++) {
		if (in_tag) {
			if (quote != 0 && *p == quote)
				quote = 0;
			else if (quote == 0 && (*p == '"' || *p == '\''))
				quote = *p;
			else if (quote == 0 && *p == '>')
				in_tag = 0;
			continue;
		}
		if (*p == '<') {
			in_tag = 1;
			if (!space)
				buf_addch(out, ' ');
			space = 1;
			continue;
		}
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			if (!space)
				buf_addch(out, ' ');
			space = 1;
			continue;
		}
		space = 0;
		if (*p == '&' && (n = entity(p + 1, out)) > 0)
			p += n;
		else
			buf_addch(out, *p);
	}
	while (out->len > 0 && out->data[out->len - 1] == ' ')
		out->data[--out->len] = '\0';
	cut_text(out, EXCERPT_BYTES);
}

/* The src of the first <img> in sanitized HTML, decoded, into out;
 * 0 or -1. */
static int
first_img(const char *html, struct buf *out)
{
	const char *p, *src, *close, *q;
	size_t n;

	buf_clear(out);
	if (html == NULL)
		return -1;
	for (p = html; (p = strstr(p, "<img")) != NULL &&
	    p - html < EXCERPT_SCAN; p += 4) {
		close = strchr(p, '>');
		src = strstr(p, " src=\"");
		if (src == NULL || close == NULL || src > close)
			continue;
		src += 6;
		q = strchr(src, '"');
		if (q == NULL)
			return -1;
		for (; src < q; src++)
			if (*src == '&' && (n = entity(src + 1, out)) > 0)
				src += n;
			else
				buf_addch(out, *src);
		return out->len > 0 ? 0 : -1;
	}
	return -1;
}

/* The entry's lead image: an image enclosure, else the first picture
 * of its content or summary; http(s) only.  Into out; 0 or -1. */
static int
lead_image(const struct entry *e, struct buf *out)
{
	size_t i;

	for (i = 0; i < e->nenclosures; i++)
		if (e->enclosures[i].type != NULL &&
		    strncasecmp(e->enclosures[i].type, "image/", 6) == 0 &&
		    page_is_web_url(e->enclosures[i].url)) {
			buf_clear(out);
			buf_addstr(out, e->enclosures[i].url);
			return 0;
		}
	if (first_img(e->content, out) == 0 && page_is_web_url(out->data))
		return 0;
	if (first_img(e->summary, out) == 0 && page_is_web_url(out->data))
		return 0;
	return -1;
}

/* "just now", "5 min ago", "3 h ago", "2 d ago", else the date. */
static void
rel_time(struct buf *out, int64_t now, int64_t t)
{
	char h[48];
	int64_t d = now - t;

	if (d < -60 || d >= 7 * 86400) {
		page_abs_time(t, h, sizeof(h));
		h[10] = '\0';	/* the date part */
		buf_addstr(out, h);
	} else if (d < 60)
		buf_addstr(out, "just now");
	else if (d < 3600)
		buf_printf(out, "%lld min ago", (long long)(d / 60));
	else if (d < 86400)
		buf_printf(out, "%lld h ago", (long long)(d / 3600));
	else
		buf_printf(out, "%lld d ago", (long long)(d / 86400));
}

static void
river_item(const struct page_data *d, const struct store_item *it,
    struct buf *tmp, struct buf *out)
{
	const struct entry *e = &it->entry;
	char rfc[DATE_RFC3339_LEN], h[48];
	int64_t t = render_item_date(it);
	const char *title;

	buf_addstr(out, "<li><article>\n");
	if (lead_image(e, tmp) == 0) {
		/* Decorative: the title says what the story is. */
		buf_addstr(out, "<img class=\"lead\" src=\"");
		page_text(out, tmp->data);
		buf_addstr(out, "\" alt=\"\" loading=\"lazy\" "
		    "decoding=\"async\" referrerpolicy=\"no-referrer\">\n");
	}
	title = e->title != NULL && *e->title != '\0' ? e->title :
	    "(untitled)";
	/* dir="auto": a title or text in Arabic or Hebrew reads right to
	 * left, whatever the page's language. */
	buf_addstr(out, "<h2 dir=\"auto\">");
	page_link(out, e->link, title);
	buf_addstr(out, "</h2>\n<p class=\"meta\"><a ");
	href(out, NULL, it->feed_name, NULL, NULL, 0, 0);
	buf_addch(out, '>');
	page_text(out, page_item_label(it));
	buf_addstr(out, "</a>");
	if (e->author != NULL && *e->author != '\0' &&
	    strcmp(e->author, page_item_label(it)) != 0) {
		buf_addstr(out, " &#183; ");
		page_text(out, e->author);
	}
	if (t > 0) {
		page_abs_time(t, h, sizeof(h));
		buf_printf(out, " &#183; <time datetime=\"%s\" title=\"",
		    date_format_rfc3339(t, rfc));
		page_text(out, h);
		buf_addstr(out, "\">");
		buf_clear(tmp);
		rel_time(tmp, d->now, t);
		page_text(out, tmp->data);
		buf_addstr(out, "</time>");
	}
	buf_addstr(out, "</p>\n");
	excerpt(e->summary != NULL && *e->summary != '\0' ? e->summary :
	    e->content, tmp);
	/* Feeds that repeat the title as the summary say nothing more. */
	if (tmp->len > 0 && strcmp(tmp->data, title) != 0) {
		buf_addstr(out, "<p class=\"sum\" dir=\"auto\">");
		page_text(out, tmp->data);
		buf_addstr(out, "</p>\n");
	}
	buf_addstr(out, "</article></li>\n");
}

/* --- around the river */

static const struct conf_view *
find_view(const struct page_data *d, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < d->nviews; i++)
		if (strcmp(d->views[i].name, name) == 0)
			return &d->views[i];
	return NULL;
}

static const struct store_feed_row *
find_feed(const struct page_data *d, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < d->nfeeds; i++)
		if (strcmp(d->feeds[i].name, name) == 0)
			return &d->feeds[i];
	for (i = 0; name != NULL && i < d->nfeeds; i++)
		if (strcasecmp(d->feeds[i].name, name) == 0)
			return &d->feeds[i];
	return NULL;
}

/* What the page shows, as its heading. */
static void
heading(const struct page_data *d, const struct page_query *pq,
    struct buf *h)
{
	const struct conf_view *v = find_view(d, pq->view);
	const struct store_feed_row *f = find_feed(d, pq->feed);

	if (v != NULL)
		buf_addstr(h, v->title != NULL ? v->title : v->name);
	if (f != NULL)
		buf_printf(h, "%s%s", h->len ? " \xc2\xb7 " : "",
		    page_feed_label(f));
	if (pq->tag != NULL)
		buf_printf(h, "%sTag: %s", h->len ? " \xc2\xb7 " : "",
		    pq->tag);
	if (pq->q != NULL)
		buf_printf(h, "%sSearch: \xe2\x80\x9c%s\xe2\x80\x9d",
		    h->len ? " \xc2\xb7 " : "", pq->q);
	if (h->len == 0)
		buf_addstr(h, "Latest news");
}

static int
tag_cmp(const void *a, const void *b)
{
	return strcasecmp(*(const char *const *)a, *(const char *const *)b);
}

/* The tags of all active feeds, each once (any case), with how many
 * feeds carry it. */
static void
aside_tags(const struct page_data *d, const struct page_query *pq,
    struct buf *out)
{
	const char **all;
	size_t i, j, n = 0, count;

	for (i = 0; i < d->nfeeds; i++)
		n += d->feeds[i].retired ? 0 : d->feeds[i].ntags;
	if (n == 0)
		return;
	all = xcalloc(n, sizeof(*all));
	for (i = n = 0; i < d->nfeeds; i++)
		for (j = 0; !d->feeds[i].retired && j < d->feeds[i].ntags; j++)
			all[n++] = d->feeds[i].tags[j];
	qsort(all, n, sizeof(*all), tag_cmp);
	buf_addstr(out, "<nav aria-labelledby=\"h-tags\">\n<h2 id=\"h-tags\">"
	    "Tags</h2>\n<ul class=\"chips\">\n");
	for (i = 0; i < n; i += count) {
		for (count = 1; i + count < n &&
		    strcasecmp(all[i], all[i + count]) == 0; count++)
			;
		buf_addstr(out, "<li><a ");
		href(out, all[i], NULL, NULL, NULL, 0, 0);
		if (pq->tag != NULL && strcasecmp(pq->tag, all[i]) == 0)
			buf_addstr(out, " aria-current=\"page\"");
		buf_addch(out, '>');
		page_text(out, all[i]);
		buf_printf(out, " <span class=\"count\">%zu</span></a></li>\n",
		    count);
	}
	buf_addstr(out, "</ul>\n</nav>\n");
	free(all);
}

static void
aside_feeds(const struct page_data *d, const struct page_query *pq,
    struct buf *out)
{
	const struct store_feed_row *f;
	size_t i;

	buf_addstr(out, "<nav aria-labelledby=\"h-feeds\">\n<h2 id=\"h-feeds\">"
	    "Feeds</h2>\n<ul class=\"list\">\n");
	for (i = 0; i < d->nfeeds; i++) {
		f = &d->feeds[i];
		if (f->retired)
			continue;
		buf_addstr(out, "<li><a ");
		href(out, NULL, f->name, NULL, NULL, 0, 0);
		if (pq->feed != NULL && strcasecmp(pq->feed, f->name) == 0)
			buf_addstr(out, " aria-current=\"page\"");
		buf_addch(out, '>');
		page_text(out, page_feed_label(f));
		buf_addstr(out, "</a>");
		if (page_feed_failing(f))
			buf_addstr(out, " <span class=\"err\">(failing)"
			    "</span>");
		buf_printf(out, " <span class=\"count\">%lld</span></li>\n",
		    (long long)f->entries);
	}
	buf_addstr(out, "</ul>\n</nav>\n");
}

static void
aside(const struct page_data *d, const struct page_query *pq,
    struct buf *out)
{
	size_t i, active = 0, failing = 0;
	int64_t last = 0;

	for (i = 0; i < d->nfeeds; i++) {
		active += d->feeds[i].retired == 0;
		failing += page_feed_failing(&d->feeds[i]);
		if (d->feeds[i].retired == 0 &&
		    d->feeds[i].state.last_success > last)
			last = d->feeds[i].state.last_success;
	}
	buf_printf(out, "<aside id=\"browse\" aria-label=\"Browse\">\n"
	    "<section aria-labelledby=\"h-health\">\n<h2 id=\"h-health\">"
	    "Feed health</h2>\n<p>%zu feed%s, ", active,
	    active == 1 ? "" : "s");
	if (failing > 0)
		buf_printf(out, "<a class=\"err\" href=\"/?show=feeds\">%zu "
		    "failing</a>", failing);
	else
		buf_addstr(out, "none failing");
	if (last > 0) {
		buf_addstr(out, " &#183; last read ");
		rel_time(out, d->now, last);
	}
	buf_addstr(out, " &#183; <a href=\"/?show=feeds\">the feeds table"
	    "</a></p>\n</section>\n");
	if (d->nviews > 0) {
		buf_addstr(out, "<nav aria-labelledby=\"h-views\">\n"
		    "<h2 id=\"h-views\">Views</h2>\n<ul class=\"list\">\n");
		for (i = 0; i < d->nviews; i++) {
			buf_addstr(out, "<li><a ");
			href(out, NULL, NULL, NULL, d->views[i].name, 0, 0);
			if (pq->view != NULL &&
			    strcmp(pq->view, d->views[i].name) == 0)
				buf_addstr(out, " aria-current=\"page\"");
			buf_addch(out, '>');
			page_text(out, d->views[i].title != NULL ?
			    d->views[i].title : d->views[i].name);
			buf_addstr(out, "</a></li>\n");
		}
		buf_addstr(out, "</ul>\n</nav>\n");
	}
	aside_tags(d, pq, out);
	if (active > 0)
		aside_feeds(d, pq, out);
	buf_addstr(out, "</aside>\n");
}

static void
pager(const struct page_data *d, const struct page_query *pq,
    struct buf *out)
{
	size_t older = pq->offset + pq->limit;

	if (pq->offset == 0 && !d->more)
		return;
	buf_addstr(out, "<nav class=\"pager\" aria-label=\"Pages\">\n");
	if (pq->offset > 0) {
		buf_addstr(out, "<a rel=\"prev\" ");
		href(out, pq->tag, pq->feed, pq->q, pq->view, pq->limit,
		    pq->offset > pq->limit ? pq->offset - pq->limit : 0);
		buf_addstr(out, ">&#8592; Newer</a>\n");
	} else
		buf_addstr(out, "<span></span>\n");
	if (d->more && older <= PAGE_OFFSET_MAX) {
		buf_addstr(out, "<a rel=\"next\" ");
		href(out, pq->tag, pq->feed, pq->q, pq->view, pq->limit,
		    older);
		buf_addstr(out, ">Older &#8594;</a>\n");
	} else if (d->more)
		buf_addstr(out, "<span>Older entries: in the feeds</span>\n");
	buf_addstr(out, "</nav>\n");
}

void
page_river_html(const struct page_data *d, const struct page_query *pq,
    struct buf *out)
{
	struct buf h, tmp;
	size_t i;
	int filtered = pq->tag || pq->feed || pq->view || pq->q;

	/* A heading from the query and the configured names. */
	buf_init(&h, BUF_UNCAPPED);
	buf_init(&tmp, BUF_UNCAPPED);
	heading(d, pq, &h);
	buf_addstr(&tmp, h.data);
	buf_addstr(&tmp, " \xc2\xb7 feedd");
	page_head(out, tmp.data, pq);
	buf_addstr(out, "<div class=\"wrap\">\n<main id=\"content\">\n<h1>");
	page_text(out, h.data);
	buf_addstr(out, "</h1>\n<p class=\"sel\">");
	if (d->nitems > 0)
		buf_printf(out, "Entries %zu to %zu", pq->offset + 1,
		    pq->offset + d->nitems);
	else if (filtered || pq->offset > 0)
		buf_addstr(out, "Nothing here.");
	else
		buf_addstr(out, "No entries yet: the feeds have not been "
		    "read.");
	if (filtered)
		buf_addstr(out, " &#183; <a href=\"/\">all the news</a>");
	buf_addstr(out, "</p>\n");
	if (d->nitems > 0) {
		buf_addstr(out, "<ol class=\"river\">\n");
		for (i = 0; i < d->nitems; i++)
			river_item(d, &d->items[i], &tmp, out);
		buf_addstr(out, "</ol>\n");
	}
	pager(d, pq, out);
	buf_addstr(out, "</main>\n");
	aside(d, pq, out);
	buf_addstr(out, "</div>\n");
	page_foot(out);
	buf_reset(&h);
	buf_reset(&tmp);
}

/* --- reading the store */

/* Every spelling of tag among the feeds (tags compare without regard
 * to case); returns how many, 0 when no feed has it. */
static size_t
tag_spellings(const struct store_feed_row *rows, size_t nrows,
    const char *tag, const char **out)
{
	size_t i, j, k, n = 0;

	for (i = 0; i < nrows; i++)
		for (j = 0; j < rows[i].ntags; j++) {
			if (strcasecmp(rows[i].tags[j], tag) != 0)
				continue;
			for (k = 0; k < n; k++)
				if (strcmp(out[k], rows[i].tags[j]) == 0)
					break;
			if (k == n && n < MAX_TAGS)
				out[n++] = rows[i].tags[j];
		}
	return n;
}

/* Fills q from pq; returns 0, or 400 with a reason. */
static unsigned
river_query(const struct page_query *pq, const struct conf *conf,
    const struct page_data *d, const char **tags, const char **feed,
    struct store_query *q, char **reason)
{
	const struct conf_view *v;
	const struct store_feed_row *f;

	memset(q, 0, sizeof(*q));
	q->limit = pq->offset + pq->limit + 1;
	if (pq->show_feeds) {
		if (pq->tag || pq->feed || pq->view || pq->q || pq->offset) {
			*reason = xstrdup("show=feeds takes no other "
			    "parameters");
			return 400;
		}
		return 0;
	}
	if (pq->view != NULL) {
		v = conf_find_view(conf, pq->view);
		if (v == NULL) {
			*reason = xasprintf("no view named \"%.100s\"",
			    pq->view);
			return 400;
		}
		if (pq->tag || pq->feed || pq->q) {
			*reason = xasprintf("view \"%.100s\" has its own "
			    "filters: only limit and offset apply to it",
			    pq->view);
			return 400;
		}
		q->tags = (const char *const *)v->tags;
		q->ntags = v->ntags;
		q->feeds = (const char *const *)v->feeds;
		q->nfeeds = v->nfeeds;
		q->q = v->query;
		return 0;
	}
	if (pq->tag != NULL) {
		q->ntags = tag_spellings(d->feeds, d->nfeeds, pq->tag, tags);
		if (q->ntags == 0) {
			*reason = xasprintf("no feed has the tag \"%.100s\"",
			    pq->tag);
			return 400;
		}
		q->tags = tags;
	}
	if (pq->feed != NULL) {
		f = find_feed(d, pq->feed);
		if (f == NULL) {
			*reason = xasprintf("no feed named \"%.100s\"",
			    pq->feed);
			return 400;
		}
		*feed = f->name;
		q->feeds = feed;
		q->nfeeds = 1;
	}
	q->q = pq->q;
	return 0;
}

unsigned
page_index(struct store *store, const struct conf *conf,
    const struct page_query *pq, int64_t now, struct buf *out,
    char **reason)
{
	struct store_feed_row *rows = NULL;
	struct store_item *items = NULL;
	struct store_query q;
	struct page_data d;
	const char *tags[MAX_TAGS], *feed = NULL;
	size_t nrows = 0, nitems = 0, skip;
	unsigned status;
	int rc;

	if (store_feeds(store, &rows, &nrows) != 0) {
		*reason = xstrdup("internal error: cannot read the feeds");
		return 500;
	}
	memset(&d, 0, sizeof(d));
	d.title = "feedd";
	d.feeds = rows;
	d.nfeeds = nrows;
	d.now = now;
	d.views = conf != NULL ? conf->views : NULL;
	d.nviews = conf != NULL ? conf->nviews : 0;
	status = river_query(pq, conf, &d, tags, &feed, &q, reason);
	if (status == 0 && pq->show_feeds)
		page_html(&d, out);
	else if (status == 0) {
		rc = store_items(store, &q, &items, &nitems);
		if (rc == -2) {
			*reason = xasprintf("bad q: %s", store_errmsg(store));
			status = 400;
		} else if (rc != 0) {
			*reason = xstrdup("internal error: cannot read the "
			    "entries");
			status = 500;
		} else {
			skip = nitems < pq->offset ? nitems : pq->offset;
			/* No items is a NULL list: no offset on it. */
			d.items = items != NULL ? items + skip : NULL;
			d.nitems = nitems - skip < pq->limit ?
			    nitems - skip : pq->limit;
			d.more = nitems > pq->offset + pq->limit;
			page_river_html(&d, pq, out);
		}
	}
	store_items_free(items, nitems);
	store_feeds_free(rows, nrows);
	return status;
}
