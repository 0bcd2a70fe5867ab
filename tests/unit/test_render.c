/*
 * test_render.c: the Atom and RSS renderers.  Each document is parsed
 * back with libxml2 (strictly: no RECOVER) and its structure checked with
 * XPath: the elements RFC 4287 and RSS 2.0 require, counts, identities,
 * sources and date formats, and that hostile text (markup, control
 * characters, invalid UTF-8) comes back as text, not as markup or a
 * parse error.  The Atom output is also validated against the RELAX NG
 * schema of RFC 4287 (tests/data/render/atom.rng).  JSON Feed output is
 * parsed back with jansson and checked against the spec's required fields.
 */
#include "config.h"

#include <check.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "daemon/render.h"
#include "parsers/date.h"
#include "base/util.h"

#define T0	1700000000

#define RE_3339	"^[0-9]{4}-[0-9]{2}-[0-9]{2}" \
		"T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"
#define RE_822	"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} " \
		"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) " \
		"[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} \\+0000$"

static char *cats[] = { (char *)"World", (char *)"Politics & <Power>" };
static struct enclosure encs[] = {
	{ (char *)"http://example.com/a.mp3", (char *)"audio/mpeg", 12345 },
	{ (char *)"http://example.com/b.ogg", NULL, -1 }
};

/* Three items: a full one with hostile text, a bare one, and one with
 * an enclosure of unknown length and bytes that are not UTF-8. */
static void
make_items(struct store_item it[3])
{
	memset(it, 0, 3 * sizeof(*it));

	it[0].id = 1;
	it[0].guid = (char *)"tag:feedd,2026:one";
	it[0].first_seen = T0;
	it[0].feed_name = (char *)"alpha";
	it[0].feed_title = (char *)"Alpha & Sons";
	it[0].feed_url = (char *)"http://alpha.example/feed.xml";
	it[0].feed_link = (char *)"http://alpha.example/";
	it[0].entry.id = (char *)"alpha-1";
	it[0].entry.title = (char *)"A <b>bold</b> & \x01\x1f"
	    "caf\xc3\xa9 \xe6\x97\xa5";
	it[0].entry.link = (char *)"http://alpha.example/1?a=1&b=2";
	it[0].entry.author = (char *)"Jane Doe";
	it[0].entry.summary = (char *)"<p>Summary &amp; more</p>";
	it[0].entry.content = (char *)"<p>Full <em>content</em></p>]]>";
	it[0].entry.published = T0 - 3600;
	it[0].entry.updated = T0 - 60;
	it[0].entry.categories = cats;
	it[0].entry.ncategories = 2;
	it[0].entry.enclosures = encs;
	it[0].entry.nenclosures = 1;

	it[1].id = 2;
	it[1].guid = (char *)"tag:feedd,2026:two";
	it[1].first_seen = T0 - 7200;
	it[1].feed_name = (char *)"beta";
	it[1].feed_url = (char *)"http://beta.example/rss";
	it[1].entry.title = (char *)"1 < 2 & 3";
	it[1].entry.published = FEED_NO_DATE;
	it[1].entry.updated = FEED_NO_DATE;

	it[2].id = 3;
	it[2].guid = (char *)"tag:feedd,2026:three";
	it[2].first_seen = T0 - 9000;
	it[2].feed_name = (char *)"alpha";
	it[2].feed_title = (char *)"Alpha & Sons";
	it[2].feed_url = (char *)"http://alpha.example/feed.xml";
	it[2].entry.title = (char *)"bad \xff\xfe utf8 \xed\xa0\x80 end";
	it[2].entry.link = (char *)"http://alpha.example/3";
	it[2].entry.content = (char *)"<p>only content</p>";
	it[2].entry.published = T0 - 10000;
	it[2].entry.updated = FEED_NO_DATE;
	it[2].entry.enclosures = encs + 1;
	it[2].entry.nenclosures = 1;
}

static struct render_channel
channel(const char *self)
{
	struct render_channel ch;

	memset(&ch, 0, sizeof(ch));
	ch.title = "feedd: all feeds";
	ch.self_url = self;
	ch.now = T0 + 5;
	return ch;
}

struct doc {
	xmlDocPtr		 doc;
	xmlXPathContextPtr	 xp;
	struct buf		 out;
};

static void
render_parse(struct doc *d, enum render_format f,
    const struct store_item *items, size_t n)
{
	struct render_channel ch;

	ch = channel(f == RENDER_ATOM ? "http://localhost/feed.atom" :
	    "http://localhost/feed.rss");
	buf_init(&d->out, 0);
	ck_assert_int_eq(render_feed(f, &ch, items, n, &d->out), 0);
	ck_assert_ptr_nonnull(d->out.data);
	/* Strict: a document that needs recovery fails here. */
	d->doc = xmlReadMemory(d->out.data, (int)d->out.len, "out.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	ck_assert_msg(d->doc != NULL, "not well-formed:\n%s", d->out.data);
	d->xp = xmlXPathNewContext(d->doc);
	xmlXPathRegisterNs(d->xp, BAD_CAST "a",
	    BAD_CAST "http://www.w3.org/2005/Atom");
	xmlXPathRegisterNs(d->xp, BAD_CAST "content",
	    BAD_CAST "http://purl.org/rss/1.0/modules/content/");
	xmlXPathRegisterNs(d->xp, BAD_CAST "dc",
	    BAD_CAST "http://purl.org/dc/elements/1.1/");
}

static void
doc_free(struct doc *d)
{
	xmlXPathFreeContext(d->xp);
	xmlFreeDoc(d->doc);
	buf_reset(&d->out);
}

static double
xnum(struct doc *d, const char *expr)
{
	xmlXPathObjectPtr o;
	double v;

	o = xmlXPathEvalExpression(BAD_CAST expr, d->xp);
	ck_assert_msg(o != NULL, "bad xpath %s", expr);
	v = xmlXPathCastToNumber(o);
	xmlXPathFreeObject(o);
	return v;
}

/* The string value of expr; caller frees. */
static char *
xstr(struct doc *d, const char *expr)
{
	xmlXPathObjectPtr o;
	xmlChar *s;
	char *r;

	o = xmlXPathEvalExpression(BAD_CAST expr, d->xp);
	ck_assert_msg(o != NULL, "bad xpath %s", expr);
	s = xmlXPathCastToString(o);
	r = xstrdup((const char *)s);
	xmlFree(s);
	xmlXPathFreeObject(o);
	return r;
}

#define ck_count(d, expr, n) \
	ck_assert_msg(xnum((d), "count(" expr ")") == (n), \
	    "count(%s) = %g, want %d", expr, \
	    xnum((d), "count(" expr ")"), (n))

static void
ck_xstr(struct doc *d, const char *expr, const char *want)
{
	char *s = xstr(d, expr);

	ck_assert_msg(strcmp(s, want) == 0, "%s = \"%s\", want \"%s\"",
	    expr, s, want);
	free(s);
}

static void
ck_match(struct doc *d, const char *expr, const char *re)
{
	regex_t rx;
	char *s = xstr(d, expr);

	ck_assert_int_eq(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB), 0);
	ck_assert_msg(regexec(&rx, s, 0, NULL, 0) == 0, "%s = \"%s\"",
	    expr, s);
	regfree(&rx);
	free(s);
}

START_TEST(test_atom_structure)
{
	struct store_item it[3];
	struct doc d;
	char expr[128], d3339[DATE_RFC3339_LEN];
	int i;

	make_items(it);
	render_parse(&d, RENDER_ATOM, it, 3);
	ck_count(&d, "/a:feed", 1);
	ck_count(&d, "/a:feed/a:id", 1);
	ck_count(&d, "/a:feed/a:title", 1);
	ck_count(&d, "/a:feed/a:updated", 1);
	ck_xstr(&d, "/a:feed/a:link[@rel='self']/@href",
	    "http://localhost/feed.atom");
	/* The feed's updated time is that of the newest entry. */
	ck_xstr(&d, "/a:feed/a:updated", date_format_rfc3339(T0 - 60, d3339));
	ck_count(&d, "/a:feed/a:entry", 3);
	/* RFC 4287 4.1.2: exactly one id, title, updated per entry, and an
	 * author since the feed has none. */
	ck_count(&d, "/a:feed/a:entry[count(a:id)=1 and count(a:title)=1 "
	    "and count(a:updated)=1 and count(a:author/a:name)=1]", 3);
	ck_count(&d, "//a:entry/a:author/a:name[normalize-space(.)='']", 0);
	for (i = 0; i < 3; i++) {
		snprintf(expr, sizeof(expr), "/a:feed/a:entry[%d]/a:id",
		    i + 1);
		ck_xstr(&d, expr, it[i].guid);
		snprintf(expr, sizeof(expr), "/a:feed/a:entry[%d]/a:updated",
		    i + 1);
		ck_match(&d, expr, RE_3339);
	}
	/* Hostile text arrives as text, control characters dropped. */
	ck_xstr(&d, "/a:feed/a:entry[1]/a:title",
	    "A <b>bold</b> & caf\xc3\xa9 \xe6\x97\xa5");
	ck_xstr(&d, "/a:feed/a:entry[1]/a:title/@type", "text");
	ck_xstr(&d, "/a:feed/a:entry[1]/a:link[@rel='alternate']/@href",
	    "http://alpha.example/1?a=1&b=2");
	ck_xstr(&d, "/a:feed/a:entry[1]/a:published",
	    date_format_rfc3339(T0 - 3600, d3339));
	/* The outlet in the author, for readers that ignore <source>. */
	ck_xstr(&d, "/a:feed/a:entry[1]/a:author/a:name",
	    "Jane Doe (Alpha & Sons)");
	ck_xstr(&d, "/a:feed/a:entry[2]/a:author/a:name", "beta");
	ck_xstr(&d, "/a:feed/a:entry[3]/a:author/a:name", "Alpha & Sons");
	ck_xstr(&d, "/a:feed/a:entry[1]/a:summary[@type='html']",
	    "<p>Summary &amp; more</p>");
	ck_xstr(&d, "/a:feed/a:entry[1]/a:content[@type='html']",
	    "<p>Full <em>content</em></p>]]>");
	ck_count(&d, "/a:feed/a:entry[1]/a:category", 2);
	ck_xstr(&d, "/a:feed/a:entry[1]/a:category[2]/@term",
	    "Politics & <Power>");
	ck_xstr(&d, "/a:feed/a:entry[1]/a:link[@rel='enclosure']/@length",
	    "12345");
	ck_xstr(&d, "/a:feed/a:entry[1]/a:link[@rel='enclosure']/@type",
	    "audio/mpeg");
	/* The source feed. */
	ck_count(&d, "/a:feed/a:entry[a:source]", 3);
	ck_xstr(&d, "/a:feed/a:entry[1]/a:source/a:id",
	    "http://alpha.example/feed.xml");
	ck_xstr(&d, "/a:feed/a:entry[1]/a:source/a:title", "Alpha & Sons");
	ck_xstr(&d, "/a:feed/a:entry[1]/a:source/a:link[@rel='self']/@href",
	    "http://alpha.example/feed.xml");
	ck_xstr(&d,
	    "/a:feed/a:entry[1]/a:source/a:link[@rel='alternate']/@href",
	    "http://alpha.example/");
	ck_match(&d, "/a:feed/a:entry[1]/a:source/a:updated", RE_3339);
	/* The bare entry: updated falls back to first_seen, the author to
	 * something non-empty, no published, no empty elements. */
	ck_xstr(&d, "/a:feed/a:entry[2]/a:updated",
	    date_format_rfc3339(T0 - 7200, d3339));
	ck_count(&d, "/a:feed/a:entry[2]/a:published", 0);
	ck_count(&d, "/a:feed/a:entry[2]/a:summary", 0);
	ck_count(&d, "/a:feed/a:entry[2]/a:link[@rel='alternate']", 0);
	ck_xstr(&d, "/a:feed/a:entry[2]/a:source/a:id",
	    "http://beta.example/rss");
	/* Updated falls back to published; invalid UTF-8 becomes U+FFFD. */
	ck_xstr(&d, "/a:feed/a:entry[3]/a:updated",
	    date_format_rfc3339(T0 - 10000, d3339));
	ck_xstr(&d, "/a:feed/a:entry[3]/a:title",
	    "bad \xef\xbf\xbd\xef\xbf\xbd utf8 "
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd end");
	ck_count(&d, "/a:feed/a:entry[3]/a:link[@rel='enclosure']/@length",
	    0);
	doc_free(&d);
}
END_TEST

static void
quiet(void *arg, xmlErrorPtr err)
{
	(void)arg;
	(void)err;
}

/* 0 if the document is valid Atom by RFC 4287's schema, else -1. */
static int
atom_valid(xmlDocPtr doc)
{
	xmlRelaxNGParserCtxtPtr pc;
	xmlRelaxNGValidCtxtPtr vc;
	xmlRelaxNGPtr rng;
	const char *top;
	char path[1024];
	int rc;

	top = getenv("top_srcdir");
	snprintf(path, sizeof(path), "%s/tests/data/render/atom.rng",
	    top != NULL ? top : ".");
	pc = xmlRelaxNGNewParserCtxt(path);
	ck_assert_ptr_nonnull(pc);
	rng = xmlRelaxNGParse(pc);
	ck_assert_msg(rng != NULL, "cannot load %s", path);
	vc = xmlRelaxNGNewValidCtxt(rng);
	xmlRelaxNGSetValidStructuredErrors(vc, quiet, NULL);
	rc = xmlRelaxNGValidateDoc(vc, doc);
	xmlRelaxNGFreeValidCtxt(vc);
	xmlRelaxNGFree(rng);
	xmlRelaxNGFreeParserCtxt(pc);
	return rc == 0 ? 0 : -1;
}

START_TEST(test_atom_schema)
{
	struct store_item it[3];
	struct doc d;
	xmlNodePtr root, entry, n;

	make_items(it);
	render_parse(&d, RENDER_ATOM, it, 3);
	ck_assert_msg(atom_valid(d.doc) == 0, "invalid Atom:\n%s",
	    d.out.data);
	/* The schema has teeth: an entry without its id is refused. */
	root = xmlDocGetRootElement(d.doc);
	for (entry = root->children; entry != NULL; entry = entry->next)
		if (entry->type == XML_ELEMENT_NODE &&
		    xmlStrcmp(entry->name, BAD_CAST "entry") == 0)
			break;
	ck_assert_ptr_nonnull(entry);
	for (n = entry->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    xmlStrcmp(n->name, BAD_CAST "id") == 0)
			break;
	ck_assert_ptr_nonnull(n);
	xmlUnlinkNode(n);
	xmlFreeNode(n);
	ck_assert_int_eq(atom_valid(d.doc), -1);
	doc_free(&d);

	render_parse(&d, RENDER_ATOM, NULL, 0);
	ck_assert_msg(atom_valid(d.doc) == 0, "invalid Atom:\n%s",
	    d.out.data);
	doc_free(&d);
}
END_TEST

START_TEST(test_rss_structure)
{
	struct store_item it[3];
	struct doc d;
	char expr[128];
	int i;

	make_items(it);
	render_parse(&d, RENDER_RSS, it, 3);
	ck_xstr(&d, "/rss/@version", "2.0");
	ck_count(&d, "/rss/channel", 1);
	ck_count(&d, "/rss/channel/title", 1);
	ck_count(&d, "/rss/channel/link", 1);
	ck_count(&d, "/rss/channel/description", 1);
	ck_match(&d, "/rss/channel/lastBuildDate", RE_822);
	ck_xstr(&d, "/rss/channel/a:link[@rel='self']/@href",
	    "http://localhost/feed.rss");
	ck_count(&d, "/rss/channel/item", 3);
	for (i = 0; i < 3; i++) {
		snprintf(expr, sizeof(expr), "/rss/channel/item[%d]/guid",
		    i + 1);
		ck_xstr(&d, expr, it[i].guid);
		snprintf(expr, sizeof(expr),
		    "/rss/channel/item[%d]/guid/@isPermaLink", i + 1);
		ck_xstr(&d, expr, "false");
		snprintf(expr, sizeof(expr), "/rss/channel/item[%d]/pubDate",
		    i + 1);
		ck_match(&d, expr, RE_822);
	}
	ck_count(&d, "/rss/channel/item[count(title)=1]", 3);
	/* Readers that show RSS titles as HTML must see the tag as text:
	 * it is escaped once more. */
	ck_xstr(&d, "/rss/channel/item[1]/title",
	    "A &lt;b&gt;bold&lt;/b&gt; &amp; caf\xc3\xa9 \xe6\x97\xa5");
	/* No tag: as it is. */
	ck_xstr(&d, "/rss/channel/item[2]/title", "1 < 2 & 3");
	ck_xstr(&d, "/rss/channel/item[1]/link",
	    "http://alpha.example/1?a=1&b=2");
	ck_xstr(&d, "/rss/channel/item[1]/pubDate",
	    "Tue, 14 Nov 2023 21:13:20 +0000");
	ck_xstr(&d, "/rss/channel/item[1]/description",
	    "<p>Summary &amp; more</p>");
	ck_xstr(&d, "/rss/channel/item[1]/content:encoded",
	    "<p>Full <em>content</em></p>]]>");
	ck_xstr(&d, "/rss/channel/item[1]/dc:creator",
	    "Jane Doe (Alpha & Sons)");
	ck_xstr(&d, "/rss/channel/item[3]/dc:creator", "Alpha & Sons");
	ck_count(&d, "/rss/channel/item/author", 0);
	ck_count(&d, "/rss/channel/item[1]/category", 2);
	ck_xstr(&d, "/rss/channel/item[1]/enclosure/@url",
	    "http://example.com/a.mp3");
	ck_xstr(&d, "/rss/channel/item[1]/enclosure/@length", "12345");
	ck_xstr(&d, "/rss/channel/item[1]/enclosure/@type", "audio/mpeg");
	/* Every item names its source feed. */
	ck_count(&d, "/rss/channel/item[count(source)=1]", 3);
	ck_xstr(&d, "/rss/channel/item[1]/source/@url",
	    "http://alpha.example/feed.xml");
	ck_xstr(&d, "/rss/channel/item[1]/source", "Alpha & Sons");
	ck_xstr(&d, "/rss/channel/item[2]/source", "http://beta.example/rss");
	/* Bare item: pubDate from first_seen, no empty elements. */
	ck_xstr(&d, "/rss/channel/item[2]/pubDate",
	    "Tue, 14 Nov 2023 20:13:20 +0000");
	ck_count(&d, "/rss/channel/item[2]/description", 0);
	ck_count(&d, "/rss/channel/item[2]/link", 0);
	ck_count(&d, "/rss/channel/item[2]/content:encoded", 0);
	/* Description falls back to content; RSS requires an enclosure
	 * length and type, so unknowns become 0 and a generic type. */
	ck_xstr(&d, "/rss/channel/item[3]/description",
	    "<p>only content</p>");
	ck_xstr(&d, "/rss/channel/item[3]/enclosure/@length", "0");
	ck_xstr(&d, "/rss/channel/item[3]/enclosure/@type",
	    "application/octet-stream");
	doc_free(&d);
}
END_TEST

START_TEST(test_empty)
{
	struct doc d;
	char d3339[DATE_RFC3339_LEN], d822[DATE_RFC822_LEN];

	render_parse(&d, RENDER_ATOM, NULL, 0);
	ck_count(&d, "/a:feed/a:id", 1);
	ck_count(&d, "/a:feed/a:title", 1);
	ck_xstr(&d, "/a:feed/a:updated", date_format_rfc3339(T0 + 5, d3339));
	ck_count(&d, "/a:feed/a:entry", 0);
	doc_free(&d);

	render_parse(&d, RENDER_RSS, NULL, 0);
	ck_count(&d, "/rss/channel", 1);
	ck_xstr(&d, "/rss/channel/title", "feedd: all feeds");
	/* No site URL: the channel link is the document itself. */
	ck_xstr(&d, "/rss/channel/link", "http://localhost/feed.rss");
	ck_count(&d, "/rss/channel/description[string-length(.)>0]", 1);
	ck_xstr(&d, "/rss/channel/lastBuildDate",
	    date_format_rfc822(T0 + 5, d822));
	ck_count(&d, "/rss/channel/item", 0);
	doc_free(&d);
}
END_TEST

/* The site URL, when given, is the channel link / alternate link. */
START_TEST(test_site_url)
{
	struct render_channel ch = channel("http://h/feed.rss");
	struct buf out;
	xmlDocPtr doc;

	ch.site_url = "http://h/";
	buf_init(&out, 0);
	ck_assert_int_eq(render_feed(RENDER_RSS, &ch, NULL, 0, &out), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "<link>http://h/</link>"));
	doc = xmlReadMemory(out.data, (int)out.len, "x", NULL,
	    XML_PARSE_NONET);
	ck_assert_ptr_nonnull(doc);
	xmlFreeDoc(doc);
	buf_clear(&out);
	ck_assert_int_eq(render_feed(RENDER_ATOM, &ch, NULL, 0, &out), 0);
	ck_assert_ptr_nonnull(strstr(out.data,
	    "<link rel=\"alternate\" href=\"http://h/\""));
	buf_reset(&out);
}
END_TEST

/* Output appends; a buf whose cap is too small fails cleanly and keeps
 * what it held. */
START_TEST(test_append_and_cap)
{
	struct store_item it[3];
	struct render_channel ch = channel("http://h/feed.atom");
	struct buf out;

	make_items(it);
	buf_init(&out, 0);
	buf_addstr(&out, "PREFIX");
	ck_assert_int_eq(render_feed(RENDER_ATOM, &ch, it, 3, &out), 0);
	ck_assert_int_eq(strncmp(out.data, "PREFIX<?xml", 11), 0);
	buf_reset(&out);

	buf_init(&out, 200);
	buf_addstr(&out, "keep");
	ck_assert_int_eq(render_feed(RENDER_RSS, &ch, it, 3, &out), -1);
	ck_assert_uint_eq(out.len, 4);
	ck_assert_str_eq(out.data, "keep");
	buf_reset(&out);
}
END_TEST

START_TEST(test_content_type)
{
	ck_assert_str_eq(render_content_type(RENDER_ATOM),
	    "application/atom+xml; charset=utf-8");
	ck_assert_str_eq(render_content_type(RENDER_RSS),
	    "application/rss+xml; charset=utf-8");
	ck_assert_str_eq(render_content_type(RENDER_JSON),
	    "application/feed+json; charset=utf-8");
}
END_TEST

/* JSON Feed 1.1: the spec's required fields, attachments, sources,
 * and hostile text kept as valid UTF-8 text. */
/* The other places for the outlet: the title ("[Outlet] Title", the
 * entry's own author), or nowhere (the entry's own author only; Atom's
 * required author falls back to the feed title as it always did). */
START_TEST(test_outlet_modes)
{
	struct store_item it[3];
	struct render_channel ch;
	struct doc d;
	json_t *root, *x;
	json_error_t jerr;
	struct buf out;

	make_items(it);
	/* An author that is the outlet itself is not repeated. */
	it[2].entry.author = (char *)"ALPHA & SONS";
	memset(&d, 0, sizeof(d));

	ch = channel("http://localhost/feed.rss");
	ch.outlet = RENDER_OUTLET_TITLE;
	buf_init(&d.out, 0);
	ck_assert_int_eq(render_feed(RENDER_RSS, &ch, it, 3, &d.out), 0);
	d.doc = xmlReadMemory(d.out.data, (int)d.out.len, "out.xml", NULL,
	    XML_PARSE_NONET);
	ck_assert_ptr_nonnull(d.doc);
	d.xp = xmlXPathNewContext(d.doc);
	xmlXPathRegisterNs(d.xp, BAD_CAST "dc",
	    BAD_CAST "http://purl.org/dc/elements/1.1/");
	/* A plain-text title that looks like markup is escaped once more
	 * in RSS, whose readers take titles as HTML. */
	ck_xstr(&d, "/rss/channel/item[1]/title", "[Alpha &amp; Sons] A "
	    "&lt;b&gt;bold&lt;/b&gt; &amp; caf\xc3\xa9 \xe6\x97\xa5");
	ck_xstr(&d, "/rss/channel/item[2]/title", "[beta] 1 < 2 & 3");
	ck_xstr(&d, "/rss/channel/item[1]/dc:creator", "Jane Doe");
	ck_count(&d, "/rss/channel/item[2]/dc:creator", 0);
	doc_free(&d);

	ch = channel("http://localhost/feed.atom");
	ch.outlet = RENDER_OUTLET_NONE;
	buf_init(&d.out, 0);
	ck_assert_int_eq(render_feed(RENDER_ATOM, &ch, it, 3, &d.out), 0);
	d.doc = xmlReadMemory(d.out.data, (int)d.out.len, "out.xml", NULL,
	    XML_PARSE_NONET);
	ck_assert_ptr_nonnull(d.doc);
	d.xp = xmlXPathNewContext(d.doc);
	xmlXPathRegisterNs(d.xp, BAD_CAST "a",
	    BAD_CAST "http://www.w3.org/2005/Atom");
	ck_xstr(&d, "/a:feed/a:entry[1]/a:title", "A <b>bold</b> & "
	    "caf\xc3\xa9 \xe6\x97\xa5");
	ck_xstr(&d, "/a:feed/a:entry[1]/a:author/a:name", "Jane Doe");
	ck_xstr(&d, "/a:feed/a:entry[3]/a:author/a:name", "ALPHA & SONS");
	doc_free(&d);

	ch = channel("http://localhost/feed.atom");
	buf_init(&d.out, 0);
	ck_assert_int_eq(render_feed(RENDER_ATOM, &ch, it, 3, &d.out), 0);
	d.doc = xmlReadMemory(d.out.data, (int)d.out.len, "out.xml", NULL,
	    XML_PARSE_NONET);
	d.xp = xmlXPathNewContext(d.doc);
	xmlXPathRegisterNs(d.xp, BAD_CAST "a",
	    BAD_CAST "http://www.w3.org/2005/Atom");
	ck_xstr(&d, "/a:feed/a:entry[3]/a:author/a:name", "Alpha & Sons");
	doc_free(&d);

	ch = channel("http://localhost/feed.json");
	ch.outlet = RENDER_OUTLET_TITLE;
	buf_init(&out, 0);
	ck_assert_int_eq(render_feed(RENDER_JSON, &ch, it, 3, &out), 0);
	root = json_loads(out.data, 0, &jerr);
	ck_assert_ptr_nonnull(root);
	x = json_array_get(json_object_get(root, "items"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(x, "title")),
	    "[Alpha & Sons] A <b>bold</b> & caf\xc3\xa9 \xe6\x97\xa5");
	ck_assert_str_eq(json_string_value(json_object_get(
	    json_array_get(json_object_get(x, "authors"), 0), "name")),
	    "Jane Doe");
	x = json_array_get(json_object_get(root, "items"), 1);
	ck_assert_ptr_null(json_object_get(x, "authors"));
	json_decref(root);
	buf_reset(&out);
}
END_TEST

/* An undated item's date is where the store placed it (the channel's
 * date), not when it was first seen. */
START_TEST(test_order_time_date)
{
	struct store_item it[3];
	struct doc d;
	char d3339[DATE_RFC3339_LEN];

	make_items(it);
	it[1].order_time = 1483801821;
	render_parse(&d, RENDER_ATOM, it, 3);
	ck_xstr(&d, "/a:feed/a:entry[2]/a:updated",
	    date_format_rfc3339(1483801821, d3339));
	doc_free(&d);
}
END_TEST

START_TEST(test_json_feed)
{
	struct store_item it[3];
	struct render_channel ch = channel("http://h/feed.json");
	struct buf out;
	json_error_t e;
	json_t *j, *items, *x, *a;
	size_t i;

	make_items(it);
	ch.site_url = "http://h/";
	buf_init(&out, 0);
	ck_assert_int_eq(render_feed(RENDER_JSON, &ch, it, 3, &out), 0);
	j = json_loads(out.data, 0, &e);
	ck_assert_msg(j != NULL, "not JSON: %s\n%s", e.text, out.data);
	ck_assert_str_eq(json_string_value(json_object_get(j, "version")),
	    "https://jsonfeed.org/version/1.1");
	ck_assert_str_eq(json_string_value(json_object_get(j, "title")),
	    "feedd: all feeds");
	ck_assert_str_eq(json_string_value(json_object_get(j, "feed_url")),
	    "http://h/feed.json");
	ck_assert_str_eq(json_string_value(json_object_get(j,
	    "home_page_url")), "http://h/");
	items = json_object_get(j, "items");
	ck_assert_uint_eq(json_array_size(items), 3);
	json_array_foreach(items, i, x) {
		/* id is required; one of content_html, content_text. */
		ck_assert(json_is_string(json_object_get(x, "id")));
		ck_assert(json_is_string(json_object_get(x,
		    "content_html")) || json_is_string(json_object_get(x,
		    "content_text")));
		ck_assert(json_is_string(json_object_get(x,
		    "date_modified")));
	}
	x = json_array_get(items, 0);
	ck_assert_str_eq(json_string_value(json_object_get(x, "id")),
	    "tag:feedd,2026:one");
	ck_assert_str_eq(json_string_value(json_object_get(x, "url")),
	    "http://alpha.example/1?a=1&b=2");
	ck_assert_str_eq(json_string_value(json_object_get(x, "title")),
	    "A <b>bold</b> & caf\xc3\xa9 \xe6\x97\xa5");
	ck_assert_str_eq(json_string_value(json_object_get(x,
	    "content_html")), "<p>Full <em>content</em></p>]]>");
	ck_assert_str_eq(json_string_value(json_object_get(x, "summary")),
	    "<p>Summary &amp; more</p>");
	ck_assert_str_eq(json_string_value(json_object_get(x,
	    "date_published")), "2023-11-14T21:13:20Z");
	ck_assert_str_eq(json_string_value(json_object_get(x,
	    "date_modified")), "2023-11-14T22:12:20Z");
	a = json_object_get(x, "authors");
	ck_assert_str_eq(json_string_value(json_object_get(
	    json_array_get(a, 0), "name")), "Jane Doe (Alpha & Sons)");
	ck_assert_uint_eq(json_array_size(json_object_get(x, "tags")), 2);
	a = json_array_get(json_object_get(x, "attachments"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(a, "mime_type")),
	    "audio/mpeg");
	ck_assert_int_eq(json_integer_value(json_object_get(a,
	    "size_in_bytes")), 12345);
	a = json_object_get(x, "_source");
	ck_assert_str_eq(json_string_value(json_object_get(a, "title")),
	    "Alpha & Sons");
	ck_assert_str_eq(json_string_value(json_object_get(a, "feed_url")),
	    "http://alpha.example/feed.xml");
	/* A bare item: empty title, text content, the feed name as its
	 * source's title. */
	x = json_array_get(items, 1);
	ck_assert_str_eq(json_string_value(json_object_get(x,
	    "content_text")), "");
	ck_assert_ptr_null(json_object_get(x, "date_published"));
	ck_assert_str_eq(json_string_value(json_object_get(
	    json_object_get(x, "_source"), "title")), "beta");
	/* Unknown type and length: the required mime_type still there. */
	a = json_array_get(json_object_get(json_array_get(items, 2),
	    "attachments"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(a, "mime_type")),
	    "application/octet-stream");
	ck_assert_ptr_null(json_object_get(a, "size_in_bytes"));
	json_decref(j);
	buf_reset(&out);
}
END_TEST

/*
 * Links with schemes readers must not follow (script, data, files), as
 * a store written before the parser refused them may hold: no format
 * publishes them, while http(s) and relative ones stay.
 */
static const char *const bad_links[] = {
	"javascript:alert(1)", " JaVa\tScript:alert(1)", "vbscript:msgbox",
	"data:text/html,<script>alert(1)</script>", "file:///etc/passwd",
};

static void
bad_items(struct store_item it[2], const char *bad, struct enclosure *enc)
{
	memset(it, 0, 2 * sizeof(*it));
	enc[0].url = (char *)bad;
	enc[0].type = (char *)"audio/mpeg";
	enc[0].length = 1;
	enc[1].url = (char *)"http://ok.example/a.mp3";
	enc[1].type = (char *)"audio/mpeg";
	enc[1].length = 2;
	it[0].id = 1;
	it[0].guid = (char *)"g1";
	it[0].first_seen = T0;
	it[0].feed_name = (char *)"bad";
	it[0].feed_url = (char *)bad;
	it[0].feed_link = (char *)bad;
	it[0].entry.title = (char *)"t";
	it[0].entry.link = (char *)bad;
	it[0].entry.published = it[0].entry.updated = FEED_NO_DATE;
	it[0].entry.enclosures = enc;
	it[0].entry.nenclosures = 1;
	it[1] = it[0];
	it[1].id = 2;
	it[1].guid = (char *)"g2";
	it[1].feed_url = (char *)"http://ok.example/feed";
	it[1].feed_link = (char *)"/home";
	it[1].entry.link = (char *)"https://ok.example/2";
	it[1].entry.enclosures = enc + 1;
}

/* None of bad_links' payloads in out. */
static void
ck_no_payload(const struct buf *out)
{
	ck_assert_msg(strstr(out->data, "alert") == NULL &&
	    strstr(out->data, "msgbox") == NULL &&
	    strstr(out->data, "passwd") == NULL, "%s", out->data);
}

START_TEST(test_unsafe_links)
{
	struct store_item it[2];
	struct enclosure enc[2];
	struct render_channel ch = channel("http://h/feed.json");
	struct doc d;
	struct buf out;

	bad_items(it, bad_links[_i], enc);
	render_parse(&d, RENDER_ATOM, it, 2);
	ck_no_payload(&d.out);
	ck_count(&d, "/a:feed/a:entry[1]/a:link", 0);
	ck_xstr(&d, "/a:feed/a:entry[2]/a:link[@rel='alternate']/@href",
	    "https://ok.example/2");
	ck_xstr(&d, "/a:feed/a:entry[2]/a:link[@rel='enclosure']/@href",
	    "http://ok.example/a.mp3");
	ck_xstr(&d, "/a:feed/a:entry[2]/a:source/a:link[@rel='alternate']"
	    "/@href", "/home");
	doc_free(&d);

	render_parse(&d, RENDER_RSS, it, 2);
	ck_no_payload(&d.out);
	ck_count(&d, "/rss/channel/item[1]/link", 0);
	ck_count(&d, "/rss/channel/item[1]/enclosure", 0);
	ck_count(&d, "/rss/channel/item[1]/source", 0);
	ck_xstr(&d, "/rss/channel/item[2]/link", "https://ok.example/2");
	ck_xstr(&d, "/rss/channel/item[2]/enclosure/@url",
	    "http://ok.example/a.mp3");
	ck_xstr(&d, "/rss/channel/item[2]/source/@url",
	    "http://ok.example/feed");
	doc_free(&d);

	buf_init(&out, 0);
	ck_assert_int_eq(render_feed(RENDER_JSON, &ch, it, 2, &out), 0);
	ck_no_payload(&out);
	ck_assert_msg(strstr(out.data, "https://ok.example/2") != NULL &&
	    strstr(out.data, "http://ok.example/a.mp3") != NULL, "%s",
	    out.data);
	buf_reset(&out);
}
END_TEST

int
main(void)
{
	Suite *s;
	TCase *tc;
	SRunner *sr;
	int nf;

	xmlInitParser();
	s = suite_create("render");
	tc = tcase_create("render");
	tcase_add_test(tc, test_atom_structure);
	tcase_add_test(tc, test_atom_schema);
	tcase_add_test(tc, test_rss_structure);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_site_url);
	tcase_add_test(tc, test_append_and_cap);
	tcase_add_test(tc, test_content_type);
	tcase_add_test(tc, test_json_feed);
	tcase_add_loop_test(tc, test_unsafe_links, 0,
	    (int)(sizeof(bad_links) / sizeof(bad_links[0])));
	tcase_add_test(tc, test_outlet_modes);
	tcase_add_test(tc, test_order_time_date);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	xmlCleanupParser();
	return nf ? 1 : 0;
}
