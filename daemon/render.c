/*
 * render.c: the merged feed as Atom 1.0 (RFC 4287), RSS 2.0 or JSON Feed
 * 1.1 (https://jsonfeed.org/version/1.1).
 *
 * Documents are produced with libxml2's xmlTextWriter writing through an
 * output callback into the caller's struct buf; markup is never pasted
 * together from strings, so stored text cannot break the document.  What
 * the writer does not guard against is done here: every string goes
 * through xml_text() first, which drops the C0 control characters that
 * XML 1.0 forbids (and U+FFFE/U+FFFF) and replaces invalid UTF-8 with
 * U+FFFD, so the output is well-formed whatever the store holds.
 *
 * Required elements are always written, with fallbacks when the stored
 * entry lacks them: Atom's entry id/title/updated/author (RFC 4287
 * 4.1.2) and RSS's channel title/link/description (RSS 2.0 "Required
 * channel elements").  An entry's date for readers is updated, else
 * published, else its place in the merged feed (render_item_date).
 *
 * JSON Feed is built as a jansson tree and dumped, never printed by hand;
 * strings go through the same cleaning (jansson refuses invalid UTF-8).
 * JSON Feed has no element for an item's source, so it goes into the
 * extension object "_source" (title, feed_url, home_page_url), as the
 * spec's section on extensions allows.
 *
 * Most readers show neither <source> nor "_source", so the outlet is
 * also written where they look (render_channel.outlet): in the author
 * (Atom author/name, RSS dc:creator, JSON Feed authors) by default, or
 * in the title.
 *
 * This module does no I/O and keeps no state; serve.c caches its output.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <libxml/xmlwriter.h>

#include "render.h"
#include "parsers/date.h"
#include "parsers/html.h"
#include "parsers/uri.h"

#define NS_ATOM		"http://www.w3.org/2005/Atom"
#define NS_CONTENT	"http://purl.org/rss/1.0/modules/content/"
#define NS_DC		"http://purl.org/dc/elements/1.1/"

#define X(s)		((const xmlChar *)(s))

struct writer {
	xmlTextWriterPtr w;
	struct buf	*out;
	int		 failed;	/* the buf refused a write */
	char		*tmp;		/* xml_text's scratch */
	size_t		 tmpsize;
	enum render_outlet outlet;
};

/*
 * Output callback for xmlOutputBufferCreateIO.  When the buf refuses
 * (its cap), the rest is swallowed and render_feed fails afterwards:
 * reporting it to libxml2 would only make it print an I/O error.
 */
static int
out_write(void *ctx, const char *p, int len)
{
	struct writer *wr = ctx;

	if (len < 0)
		return -1;
	if (!wr->failed && buf_add(wr->out, p, (size_t)len) == -1)
		wr->failed = 1;
	return len;
}

static int
out_close(void *ctx)
{
	(void)ctx;
	return 0;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t
utf8_seq(const unsigned char *s)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && s[1] < 0xa0)
			return 0;	/* overlong */
		if (c == 0xed && s[1] >= 0xa0)
			return 0;	/* surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && s[1] < 0x90)
			return 0;	/* overlong */
		if (c == 0xf4 && s[1] >= 0x90)
			return 0;	/* past U+10FFFF */
		return 4;
	}
	return 0;
}

/*
 * Copies s into out (at least strlen(s) * 3 + 1 bytes) made safe for
 * XML 1.0 character data (see the note at the top).
 */
static void
clean_into(const char *s, char *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, j = 0;

	while (*p != '\0') {
		if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') {
			p++;
			continue;
		}
		n = utf8_seq(p);
		if (n == 0) {
			memcpy(out + j, "\xef\xbf\xbd", 3);
			j += 3;
			p++;
			continue;
		}
		/* U+FFFE and U+FFFF are not XML characters. */
		if (n == 3 && p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe) {
			p += 3;
			continue;
		}
		memcpy(out + j, p, n);
		j += n;
		p += n;
	}
	out[j] = '\0';
}

char *
render_text_clean(const char *s)
{
	char *out;

	out = xmalloc(strlen(s) * 3 + 1);
	clean_into(s, out);
	return out;
}

/* s cleaned into wr's scratch, valid until the next call. */
static const char *
xml_text(struct writer *wr, const char *s)
{
	size_t need;

	/* Each input byte becomes at most 3 output bytes (U+FFFD). */
	need = strlen(s) * 3 + 1;
	if (need > wr->tmpsize) {
		free(wr->tmp);
		wr->tmp = xmalloc(need);
		wr->tmpsize = need;
	}
	clean_into(s, wr->tmp);
	return wr->tmp;
}

static int
elem(struct writer *wr, const char *name, const char *text)
{
	if (xmlTextWriterStartElement(wr->w, X(name)) < 0)
		return -1;
	if (text != NULL && xmlTextWriterWriteString(wr->w,
	    X(xml_text(wr, text))) < 0)
		return -1;
	return xmlTextWriterEndElement(wr->w) < 0 ? -1 : 0;
}

static int
start(struct writer *wr, const char *name)
{
	return xmlTextWriterStartElement(wr->w, X(name)) < 0 ? -1 : 0;
}

static int
end(struct writer *wr)
{
	return xmlTextWriterEndElement(wr->w) < 0 ? -1 : 0;
}

static int
attr(struct writer *wr, const char *name, const char *value)
{
	return xmlTextWriterWriteAttribute(wr->w, X(name),
	    X(xml_text(wr, value))) < 0 ? -1 : 0;
}

/* <name type="..."> text </name>; type NULL for none. */
static int
elem_typed(struct writer *wr, const char *name, const char *type,
    const char *text)
{
	if (start(wr, name) == -1)
		return -1;
	if (type != NULL && attr(wr, "type", type) == -1)
		return -1;
	if (xmlTextWriterWriteString(wr->w, X(xml_text(wr, text))) < 0)
		return -1;
	return end(wr);
}

/* <link rel href [type] [length]/>; length < 0 for none. */
static int
atom_link(struct writer *wr, const char *rel, const char *href,
    const char *type, int64_t length)
{
	char num[24];

	if (start(wr, "link") == -1 || attr(wr, "rel", rel) == -1 ||
	    attr(wr, "href", href) == -1)
		return -1;
	if (type != NULL && attr(wr, "type", type) == -1)
		return -1;
	if (length >= 0) {
		snprintf(num, sizeof(num), "%" PRId64, length);
		if (attr(wr, "length", num) == -1)
			return -1;
	}
	return end(wr);
}

static int
date3339(struct writer *wr, const char *name, int64_t t)
{
	char d[DATE_RFC3339_LEN];

	return elem(wr, name, date_format_rfc3339(t, d));
}

static int
date822(struct writer *wr, const char *name, int64_t t)
{
	char d[DATE_RFC822_LEN];

	return elem(wr, name, date_format_rfc822(t, d));
}

static int
nonempty(const char *s)
{
	return s != NULL && *s != '\0';
}

/*
 * A URL published as a link: http, https or relative, else NULL.  The
 * parser drops other schemes already; this holds for what a store
 * written by an older feedd still carries, and for the configured
 * subscription URLs.
 */
static const char *
web(const char *url)
{
	return nonempty(url) && uri_is_web(url, 0) ? url : NULL;
}

/* The date readers see for an item: updated, else published, else where
 * the store placed it (the channel's date or the first sighting, a
 * second apart in document order, so that readers sorting by date keep
 * the publisher's order). */
int64_t
render_item_date(const struct store_item *it)
{
	if (it->entry.updated != FEED_NO_DATE)
		return it->entry.updated;
	if (it->entry.published != FEED_NO_DATE)
		return it->entry.published;
	return it->order_time != 0 ? it->order_time : it->first_seen;
}

/* The newest item date, or ch->now for an empty list. */
static int64_t
newest(const struct render_channel *ch, const struct store_item *items,
    size_t nitems)
{
	int64_t t, max = INT64_MIN;
	size_t i;

	for (i = 0; i < nitems; i++) {
		t = render_item_date(&items[i]);
		if (t > max)
			max = t;
	}
	return nitems == 0 ? ch->now : max;
}

/* The newest date among the listed items of the same source as it: the
 * best "updated" we know for that feed (RFC 4287 4.2.11 source). */
static int64_t
source_updated(const struct store_item *items, size_t nitems,
    const struct store_item *it)
{
	int64_t t, max = render_item_date(it);
	size_t i;

	if (it->feed_name == NULL)
		return max;
	for (i = 0; i < nitems; i++) {
		if (items[i].feed_name == NULL ||
		    strcmp(items[i].feed_name, it->feed_name) != 0)
			continue;
		t = render_item_date(&items[i]);
		if (t > max)
			max = t;
	}
	return max;
}

/* The outlet an item came from: its feed's title (the config's, else
 * the feed's own), else its config name; or NULL. */
static const char *
outlet_name(const struct store_item *it)
{
	if (nonempty(it->feed_title))
		return it->feed_title;
	return nonempty(it->feed_name) ? it->feed_name : NULL;
}

/*
 * The author readers see (caller frees; NULL for none).  Most clients
 * (newsboat among them) ignore <source> but show the author, so by
 * default the outlet goes there: "Author (Outlet)", or "Outlet" alone
 * when the entry names no author or names the outlet itself.
 */
static char *
item_author(enum render_outlet mode, const struct store_item *it)
{
	const char *a = it->entry.author, *o = outlet_name(it);

	if (mode != RENDER_OUTLET_AUTHOR || o == NULL)
		return nonempty(a) ? xstrdup(a) : NULL;
	if (!nonempty(a) || strcasecmp(a, o) == 0)
		return xstrdup(o);
	return xasprintf("%s (%s)", a, o);
}

/* The title readers see (caller frees): "[Outlet] Title" when the outlet
 * goes in the title, as planet aggregators do. */
static char *
item_title(enum render_outlet mode, const struct store_item *it)
{
	const char *t = it->entry.title, *o = outlet_name(it);

	if (mode != RENDER_OUTLET_TITLE || o == NULL)
		return xstrdup(t != NULL ? t : "");
	return nonempty(t) ? xasprintf("[%s] %s", o, t) :
	    xasprintf("[%s]", o);
}

static const char *
item_guid(const struct store_item *it, char *tmp, size_t tmpsize)
{
	if (nonempty(it->guid))
		return it->guid;
	snprintf(tmp, tmpsize, "urn:feedd:entry:%" PRId64, it->id);
	return tmp;
}

static int
atom_entry(struct writer *wr, const struct store_item *items, size_t nitems,
    const struct store_item *it)
{
	const struct entry *e = &it->entry;
	const struct enclosure *enc;
	const char *src_id;
	char idbuf[48], *author, *title;
	size_t i;
	int rc;

	title = item_title(wr->outlet, it);
	rc = start(wr, "entry") == -1 ||
	    elem(wr, "id", item_guid(it, idbuf, sizeof(idbuf))) == -1 ||
	    elem_typed(wr, "title", "text", title) == -1 ? -1 : 0;
	free(title);
	if (rc == -1)
		return -1;
	if (web(e->link) != NULL &&
	    atom_link(wr, "alternate", e->link, NULL, -1) == -1)
		return -1;
	if (e->published != FEED_NO_DATE &&
	    date3339(wr, "published", e->published) == -1)
		return -1;
	if (date3339(wr, "updated", render_item_date(it)) == -1)
		return -1;
	/* The merged feed has no author of its own, so every entry needs
	 * one (RFC 4287 4.1.1). */
	author = item_author(wr->outlet, it);
	rc = start(wr, "author") == -1 || elem(wr, "name", author != NULL ?
	    author : nonempty(it->feed_title) ? it->feed_title : "unknown") ==
	    -1 || end(wr) == -1 ? -1 : 0;
	free(author);
	if (rc == -1)
		return -1;
	for (i = 0; i < e->ncategories; i++) {
		if (!nonempty(e->categories[i]))
			continue;
		if (start(wr, "category") == -1 ||
		    attr(wr, "term", e->categories[i]) == -1 || end(wr) == -1)
			return -1;
	}
	for (i = 0; i < e->nenclosures; i++) {
		enc = &e->enclosures[i];
		if (web(enc->url) == NULL)
			continue;
		if (atom_link(wr, "enclosure", enc->url,
		    nonempty(enc->type) ? enc->type : NULL, enc->length) == -1)
			return -1;
	}
	if (nonempty(e->summary) &&
	    elem_typed(wr, "summary", "html", e->summary) == -1)
		return -1;
	if (nonempty(e->content) &&
	    elem_typed(wr, "content", "html", e->content) == -1)
		return -1;

	/* RFC 4287 4.2.11: where the entry came from. */
	src_id = web(it->feed_url);
	if (start(wr, "source") == -1)
		return -1;
	if (src_id != NULL && elem(wr, "id", src_id) == -1)
		return -1;
	if (nonempty(it->feed_title) &&
	    elem_typed(wr, "title", "text", it->feed_title) == -1)
		return -1;
	if (web(it->feed_link) != NULL &&
	    atom_link(wr, "alternate", it->feed_link, NULL, -1) == -1)
		return -1;
	if (src_id != NULL && atom_link(wr, "self", src_id, NULL, -1) == -1)
		return -1;
	if (date3339(wr, "updated", source_updated(items, nitems, it)) == -1)
		return -1;
	if (end(wr) == -1)	/* source */
		return -1;
	return end(wr);		/* entry */
}

static int
render_atom(struct writer *wr, const struct render_channel *ch,
    const struct store_item *items, size_t nitems)
{
	size_t i;

	if (start(wr, "feed") == -1 || attr(wr, "xmlns", NS_ATOM) == -1)
		return -1;
	/* The self URL names this document, so it is a stable id. */
	if (elem(wr, "id", ch->self_url) == -1 ||
	    elem_typed(wr, "title", "text", ch->title) == -1 ||
	    date3339(wr, "updated", newest(ch, items, nitems)) == -1 ||
	    atom_link(wr, "self", ch->self_url, "application/atom+xml",
	    -1) == -1)
		return -1;
	if (nonempty(ch->site_url) &&
	    atom_link(wr, "alternate", ch->site_url, "text/html", -1) == -1)
		return -1;
	if (elem(wr, "generator", "feedd") == -1)
		return -1;
	for (i = 0; i < nitems; i++)
		if (atom_entry(wr, items, nitems, &items[i]) == -1)
			return -1;
	return end(wr);
}

/* "<" then what starts a tag, an end tag or a declaration in HTML. */
static int
has_tag(const char *s)
{
	const char *p;

	for (p = s; (p = strchr(p, '<')) != NULL; p++)
		if ((p[1] >= 'a' && p[1] <= 'z') || (p[1] >= 'A' &&
		    p[1] <= 'Z') || p[1] == '/' || p[1] == '!' || p[1] == '?')
			return 1;
	return 0;
}

/*
 * An RSS <title> is plain text, but many readers show it as HTML: a
 * title that would hold a tag there ("<img src=x onerror=...>" from
 * an Atom type="text" title, or from one a publisher escaped twice) is
 * escaped once more, so that such readers show it as written (feedparser
 * reads escaped markup in RSS text as HTML, and decodes it again).
 * Other titles ("1 < 2") are left alone for readers that take them as
 * text.
 */
static int
rss_title(struct writer *wr, const char *title)
{
	char *esc;
	int rc;

	if (title == NULL || !has_tag(title))
		return elem(wr, "title", title != NULL ? title : "");
	esc = html_escape(title, strlen(title));
	rc = elem(wr, "title", esc);
	free(esc);
	return rc;
}

static int
rss_item(struct writer *wr, const struct store_item *it)
{
	const struct entry *e = &it->entry;
	const struct enclosure *enc = NULL;
	char idbuf[48], num[24], *author, *title;
	int64_t date;
	size_t i;
	int rc;

	title = item_title(wr->outlet, it);
	rc = start(wr, "item") == -1 || rss_title(wr, title) == -1 ? -1 : 0;
	free(title);
	if (rc == -1)
		return -1;
	if (web(e->link) != NULL && elem(wr, "link", e->link) == -1)
		return -1;
	if (nonempty(e->summary) || nonempty(e->content)) {
		if (elem(wr, "description", nonempty(e->summary) ?
		    e->summary : e->content) == -1)
			return -1;
	}
	if (nonempty(e->content) &&
	    elem(wr, "content:encoded", e->content) == -1)
		return -1;
	/* RSS's <author> must be an e-mail address; names go in
	 * dc:creator. */
	author = item_author(wr->outlet, it);
	rc = author != NULL && elem(wr, "dc:creator", author) == -1 ? -1 : 0;
	free(author);
	if (rc == -1)
		return -1;
	for (i = 0; i < e->ncategories; i++)
		if (nonempty(e->categories[i]) &&
		    elem(wr, "category", e->categories[i]) == -1)
			return -1;
	/* RSS 2.0 has one enclosure per item; url, length and type are
	 * all required. */
	for (i = 0; i < e->nenclosures && enc == NULL; i++)
		if (web(e->enclosures[i].url) != NULL)
			enc = &e->enclosures[i];
	if (enc != NULL) {
		snprintf(num, sizeof(num), "%" PRId64,
		    enc->length >= 0 ? enc->length : 0);
		if (start(wr, "enclosure") == -1 ||
		    attr(wr, "url", enc->url) == -1 ||
		    attr(wr, "length", num) == -1 ||
		    attr(wr, "type", nonempty(enc->type) ? enc->type :
		    "application/octet-stream") == -1 || end(wr) == -1)
			return -1;
	}
	if (start(wr, "guid") == -1 ||
	    attr(wr, "isPermaLink", "false") == -1 ||
	    xmlTextWriterWriteString(wr->w,
	    X(xml_text(wr, item_guid(it, idbuf, sizeof(idbuf))))) < 0 ||
	    end(wr) == -1)
		return -1;
	date = e->published != FEED_NO_DATE ? e->published :
	    render_item_date(it);
	if (date822(wr, "pubDate", date) == -1)
		return -1;
	if (e->updated != FEED_NO_DATE && e->updated != date &&
	    date3339(wr, "atom:updated", e->updated) == -1)
		return -1;
	if (web(it->feed_url) != NULL) {
		if (start(wr, "source") == -1 ||
		    attr(wr, "url", it->feed_url) == -1 ||
		    xmlTextWriterWriteString(wr->w, X(xml_text(wr,
		    nonempty(it->feed_title) ? it->feed_title :
		    it->feed_url))) < 0 || end(wr) == -1)
			return -1;
	}
	return end(wr);
}

static int
render_rss(struct writer *wr, const struct render_channel *ch,
    const struct store_item *items, size_t nitems)
{
	size_t i;

	if (start(wr, "rss") == -1 || attr(wr, "version", "2.0") == -1 ||
	    attr(wr, "xmlns:atom", NS_ATOM) == -1 ||
	    attr(wr, "xmlns:content", NS_CONTENT) == -1 ||
	    attr(wr, "xmlns:dc", NS_DC) == -1 || start(wr, "channel") == -1)
		return -1;
	if (elem(wr, "title", ch->title) == -1 ||
	    elem(wr, "link", nonempty(ch->site_url) ? ch->site_url :
	    ch->self_url) == -1 ||
	    elem(wr, "description", ch->title) == -1 ||
	    date822(wr, "lastBuildDate", newest(ch, items, nitems)) == -1 ||
	    elem(wr, "generator", "feedd") == -1)
		return -1;
	if (start(wr, "atom:link") == -1 || attr(wr, "rel", "self") == -1 ||
	    attr(wr, "href", ch->self_url) == -1 ||
	    attr(wr, "type", "application/rss+xml") == -1 || end(wr) == -1)
		return -1;
	for (i = 0; i < nitems; i++)
		if (rss_item(wr, &items[i]) == -1)
			return -1;
	if (end(wr) == -1)	/* channel */
		return -1;
	return end(wr);
}

/* --- JSON Feed 1.1 */

json_t *
render_json_text(const char *s)
{
	json_t *v;
	char *c;

	c = render_text_clean(s);
	v = json_string(c);
	free(c);
	return v;
}

json_t *
render_json_date(int64_t t)
{
	char d[DATE_RFC3339_LEN];

	return json_string(date_format_rfc3339(t, d));
}

/* Sets key to s cleaned; nothing when s is empty (JSON Feed 1.1 leaves
 * out what an item does not have). */
static void
json_setstr(json_t *o, const char *key, const char *s)
{
	if (nonempty(s))
		json_object_set_new(o, key, render_json_text(s));
}

static json_t *
json_item(const struct render_channel *ch, const struct store_item *it)
{
	const struct entry *e = &it->entry;
	const struct enclosure *enc;
	json_t *o, *a, *x;
	char idbuf[48], *author, *title;
	size_t i;

	o = json_object();
	json_setstr(o, "id", item_guid(it, idbuf, sizeof(idbuf)));
	json_setstr(o, "url", web(e->link));
	json_object_set_new(o, "title", json_string(""));
	title = item_title(ch->outlet, it);
	json_setstr(o, "title", title);
	free(title);
	/* One of content_html and content_text is required. */
	if (nonempty(e->content))
		json_setstr(o, "content_html", e->content);
	else if (nonempty(e->summary))
		json_setstr(o, "content_html", e->summary);
	else
		json_object_set_new(o, "content_text", json_string(""));
	if (nonempty(e->content))
		json_setstr(o, "summary", e->summary);
	if (e->published != FEED_NO_DATE)
		json_object_set_new(o, "date_published",
		    render_json_date(e->published));
	json_object_set_new(o, "date_modified",
	    render_json_date(render_item_date(it)));
	if ((author = item_author(ch->outlet, it)) != NULL) {
		x = json_object();
		json_setstr(x, "name", author);
		a = json_array();
		json_array_append_new(a, x);
		json_object_set_new(o, "authors", a);
		free(author);
	}
	a = json_array();
	for (i = 0; i < e->ncategories; i++) {
		if (nonempty(e->categories[i]))
			json_array_append_new(a,
			    render_json_text(e->categories[i]));
	}
	if (json_array_size(a) > 0)
		json_object_set_new(o, "tags", a);
	else
		json_decref(a);
	a = json_array();
	for (i = 0; i < e->nenclosures; i++) {
		enc = &e->enclosures[i];
		if (web(enc->url) == NULL)
			continue;
		x = json_object();
		json_setstr(x, "url", enc->url);
		/* mime_type is required for an attachment. */
		json_setstr(x, "mime_type", nonempty(enc->type) ? enc->type :
		    "application/octet-stream");
		if (enc->length >= 0)
			json_object_set_new(x, "size_in_bytes",
			    json_integer(enc->length));
		json_array_append_new(a, x);
	}
	if (json_array_size(a) > 0)
		json_object_set_new(o, "attachments", a);
	else
		json_decref(a);
	x = json_object();
	json_setstr(x, "title", nonempty(it->feed_title) ? it->feed_title :
	    it->feed_name);
	json_setstr(x, "feed_url", web(it->feed_url));
	json_setstr(x, "home_page_url", web(it->feed_link));
	json_object_set_new(o, "_source", x);
	return o;
}

int
render_json_dump(json_t *root, struct buf *out)
{
	char *s;
	int rc;

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

static int
render_json(const struct render_channel *ch, const struct store_item *items,
    size_t nitems, struct buf *out)
{
	json_t *root, *a;
	size_t i;

	root = json_object();
	json_object_set_new(root, "version",
	    json_string("https://jsonfeed.org/version/1.1"));
	json_setstr(root, "title", ch->title);
	json_setstr(root, "home_page_url", ch->site_url);
	json_setstr(root, "feed_url", ch->self_url);
	json_setstr(root, "description", ch->title);
	a = json_array();
	for (i = 0; i < nitems; i++)
		json_array_append_new(a, json_item(ch, &items[i]));
	json_object_set_new(root, "items", a);
	return render_json_dump(root, out);
}

int
render_feed(enum render_format format, const struct render_channel *ch,
    const struct store_item *items, size_t nitems, struct buf *out)
{
	struct render_channel c = *ch;
	struct writer wr;
	xmlOutputBufferPtr ob;
	size_t oldlen = out->len;
	int rc;

	if (c.title == NULL || *c.title == '\0')
		c.title = "feedd";
	if (c.self_url == NULL || *c.self_url == '\0')
		c.self_url = "http://localhost/";
	if (format == RENDER_JSON) {
		rc = render_json(&c, items, nitems, out);
		if (rc == -1) {
			out->len = oldlen;
			if (out->data != NULL)
				out->data[oldlen] = '\0';
		}
		return rc;
	}
	memset(&wr, 0, sizeof(wr));
	wr.out = out;
	wr.outlet = c.outlet;
	ob = xmlOutputBufferCreateIO(out_write, out_close, &wr, NULL);
	if (ob == NULL)
		return -1;
	wr.w = xmlNewTextWriter(ob);	/* owns ob from here */
	if (wr.w == NULL) {
		xmlOutputBufferClose(ob);
		return -1;
	}
	rc = xmlTextWriterStartDocument(wr.w, "1.0", "UTF-8", NULL) < 0 ?
	    -1 : 0;
	if (rc == 0)
		rc = format == RENDER_ATOM ?
		    render_atom(&wr, &c, items, nitems) :
		    render_rss(&wr, &c, items, nitems);
	if (rc == 0 && xmlTextWriterEndDocument(wr.w) < 0)
		rc = -1;
	/* Freeing the writer flushes and closes ob. */
	xmlFreeTextWriter(wr.w);
	free(wr.tmp);
	if (rc == -1 || wr.failed) {
		out->len = oldlen;
		if (out->data != NULL)
			out->data[oldlen] = '\0';
		return -1;
	}
	return 0;
}

const char *
render_content_type(enum render_format format)
{
	switch (format) {
	case RENDER_ATOM:
		return "application/atom+xml; charset=utf-8";
	case RENDER_JSON:
		return "application/feed+json; charset=utf-8";
	default:
		return "application/rss+xml; charset=utf-8";
	}
}
