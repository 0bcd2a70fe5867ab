/*
 * test_parse.c: the feed parser (parsers/feed.c, feed_xml.c, jsonfeed.c)
 * on the fixtures in tests/data/parse/ and on small inline documents:
 * fields per format, recovery without duplicates, hostile input (XXE,
 * billion laughs), entities, encodings and determinism.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/date.h"
#include "parsers/feed.h"
#include "parsers/feed_bytes.h"
#include "parsers/feed_int.h"
#include "parsers/html.h"
#include "base/util.h"

struct got {
	struct entry	*e;
	size_t		 n;
	int		 stop_after;	/* abort after this many, or 0 */
};

static int
collect(void *arg, const struct entry *e, char **errstr)
{
	struct got *g = arg;

	if (g->stop_after > 0 && g->n >= (size_t)g->stop_after) {
		*errstr = xstrdup("enough");
		return -1;
	}
	g->e = xreallocarray(g->e, g->n + 1, sizeof(*g->e));
	entry_copy(&g->e[g->n++], e);
	return 0;
}

static void
got_free(struct got *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		entry_reset(&g->e[i]);
	free(g->e);
	memset(g, 0, sizeof(*g));
}

static char *
load(const char *name, size_t *len)
{
	const char *top = getenv("top_srcdir");
	char *path, *data;
	FILE *fp;
	long n;

	path = xasprintf("%s/tests/data/parse/%s", top ? top : ".", name);
	fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	free(path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	data = xmalloc((size_t)n + 1);
	ck_assert_uint_eq(fread(data, 1, (size_t)n, fp), (size_t)n);
	data[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return data;
}

static int
parse_mem(const char *doc, size_t len, const struct feed_parse_opts *o,
    struct got *g, struct feed_info *info, char **err)
{
	struct feed_sink sink = { collect, g };

	return feed_parse(doc, len, o, &sink, info, err);
}

static int
parse_file(const char *name, struct got *g, struct feed_info *info,
    char **err)
{
	size_t len;
	char *doc = load(name, &len);
	int rc = parse_mem(doc, len, NULL, g, info, err);

	free(doc);
	return rc;
}

static const char *
rfc3339(int64_t t, char *buf)
{
	return t == FEED_NO_DATE ? "none" : date_format_rfc3339(t, buf);
}

/* The start-tag scan counts only real tags' attributes, across any
 * split of the input: "=" in text, CDATA, comments and end tags do not
 * count, and the sections end only at their own closing bytes, even
 * when those arrive in separate pieces. */
static char *
tagscan_doc(int natts, const char *filler)
{
	struct buf b;
	int i;

	buf_init(&b, 0);
	buf_addstr(&b, "<?xml version=\"1.0\"?><rss>a = b ");
	buf_addstr(&b, filler);
	buf_addstr(&b, "<x");
	for (i = 0; i < natts; i++)
		buf_addstr(&b, " a=\"1\"");
	buf_addstr(&b, "/></rss>");
	return buf_steal(&b);
}

static int
tagscan_split(const char *doc, size_t piece)
{
	struct tagscan t;
	size_t off, len = strlen(doc), n;

	memset(&t, 0, sizeof(t));
	for (off = 0; off < len; off += n) {
		n = len - off < piece ? len - off : piece;
		if (fbytes_tagscan(&t, doc + off, n) == -1)
			return -1;
	}
	return 0;
}

START_TEST(test_tagscan)
{
	static const char *const fillers[] = {
		"",
		"<![CDATA[<y b=1 c=2 d=3 e=4 ]] ] > ]]]>",
		"<!-- <y b=1 c=2 d=3> - -> -- - --->",
		"<?pi b=1 c=2 ? > ?>",
		"</z b=1 c=2>",
	};
	static const size_t pieces[] = { 1, 2, 3, 7, 4096 };
	char *ok, *big, *pad;
	const char *why;
	size_t f, p;
	struct buf b;
	int i;

	for (f = 0; f < NELEM(fillers); f++) {
		/* 200 '=' inside the filler's section must not count. */
		buf_init(&b, 0);
		for (i = 0; i < 200; i++)
			buf_addstr(&b, i % 2 ? "=" : fillers[f]);
		pad = buf_steal(&b);
		ok = tagscan_doc(XML_MAXATTS - 1, f == 0 ? "" : pad);
		big = tagscan_doc(XML_MAXATTS + 1, f == 0 ? "" : pad);
		for (p = 0; p < NELEM(pieces); p++) {
			ck_assert_msg(tagscan_split(ok, pieces[p]) == 0,
			    "filler %zu piece %zu", f, pieces[p]);
			ck_assert_msg(tagscan_split(big, pieces[p]) == -1,
			    "filler %zu piece %zu", f, pieces[p]);
		}
		ck_assert_int_eq(feed_xml_tags_bounded(ok, strlen(ok), &why), 0);
		ck_assert_int_eq(feed_xml_tags_bounded(big, strlen(big), &why),
		    -1);
		free(ok);
		free(big);
		free(pad);
	}
	/* A section left open swallows the tag. */
	big = tagscan_doc(XML_MAXATTS + 1, "<![CDATA[ ]]");
	ck_assert_int_eq(tagscan_split(big, 1), 0);
	free(big);
	big = tagscan_doc(XML_MAXATTS + 1, "<!-- -- ->");
	ck_assert_int_eq(tagscan_split(big, 3), 0);
	free(big);
}
END_TEST

START_TEST(test_rss20)
{
	struct got g = { 0 };
	struct feed_info info;
	char *err = NULL, d[DATE_RFC3339_LEN];

	ck_assert_int_eq(parse_file("rss20.xml", &g, &info, &err), 0);
	ck_assert_ptr_null(err);
	ck_assert_int_eq(info.format, FEED_FORMAT_RSS20);
	ck_assert_str_eq(feed_format_name(info.format), "rss2.0");
	ck_assert_int_eq(info.flags & FEED_RECOVERED, 0);
	ck_assert_str_eq(info.title, "Example & Co\xc2\xa0News");
	ck_assert_str_eq(info.link, "http://example.com/");
	ck_assert_str_eq(info.subtitle, "All the news");
	ck_assert_str_eq(info.language, "en-us");
	ck_assert_str_eq(info.author, "The Editor");
	ck_assert_str_eq(rfc3339(info.updated, d), "2004-01-01T19:48:21Z");
	ck_assert_int_eq(info.ttl, 45);
	ck_assert_uint_eq(g.n, 2);

	/* guid as link; entities; dates; sanitizing; xml:base. */
	ck_assert_str_eq(g.e[0].title, "First \xc3\xa9t\xc3\xa9");
	ck_assert_str_eq(g.e[0].id, "http://example.com/1");
	ck_assert_str_eq(g.e[0].link, "http://example.com/1");
	ck_assert_str_eq(rfc3339(g.e[0].published, d),
	    "2004-01-02T07:00:00Z");
	ck_assert(g.e[0].updated == FEED_NO_DATE);
	ck_assert_str_eq(g.e[0].author, "Jane Doe");
	ck_assert_ptr_nonnull(strstr(g.e[0].summary,
	    "href=\"http://example.com/blog/two\""));
	ck_assert_ptr_null(strstr(g.e[0].summary, "onclick"));
	ck_assert_ptr_null(strstr(g.e[0].summary, "script"));
	ck_assert_ptr_null(strstr(g.e[0].summary, "x()"));
	ck_assert_str_eq(g.e[0].content, "<p>Full <em>text</em></p>");
	ck_assert_uint_eq(g.e[0].ncategories, 2);
	ck_assert_str_eq(g.e[0].categories[0], "World");
	ck_assert_str_eq(g.e[0].categories[1], "Asia");
	ck_assert_uint_eq(g.e[0].nenclosures, 1);
	ck_assert_str_eq(g.e[0].enclosures[0].url,
	    "http://example.com/blog/media/a.mp3");
	ck_assert_str_eq(g.e[0].enclosures[0].type, "audio/mpeg");
	ck_assert_int_eq(g.e[0].enclosures[0].length, 12345);

	/* isPermaLink="false": the guid is an id, never a link. */
	ck_assert_str_eq(g.e[1].id, "tag:example.com,2004:2");
	ck_assert_str_eq(g.e[1].link, "http://example.com/second");
	ck_assert_ptr_null(g.e[1].summary);
	ck_assert(g.e[1].published == FEED_NO_DATE);
	ck_assert_int_eq(g.e[1].enclosures[0].length, -1);
	got_free(&g);
	feed_info_reset(&info);
}
END_TEST

START_TEST(test_atom10)
{
	struct got g = { 0 };
	struct feed_info info;
	char *err = NULL, d[DATE_RFC3339_LEN];

	ck_assert_int_eq(parse_file("atom10.xml", &g, &info, &err), 0);
	ck_assert_int_eq(info.format, FEED_FORMAT_ATOM10);
	ck_assert_str_eq(info.title, "Atom feed");
	ck_assert_str_eq(info.subtitle, "A subtitle");
	/* rel="self" is not the link; "/" resolves against xml:base. */
	ck_assert_str_eq(info.link, "http://example.org/");
	ck_assert_str_eq(info.id,
	    "urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6");
	ck_assert_str_eq(info.author, "feed@example.org");
	ck_assert_str_eq(info.language, "en-GB");
	ck_assert_str_eq(rfc3339(info.updated, d), "2005-07-31T12:29:29Z");
	ck_assert_uint_eq(g.n, 1);
	ck_assert_str_eq(g.e[0].title, "History of the <blink> tag");
	ck_assert_str_eq(g.e[0].link, "http://example.org/base/entries/1");
	ck_assert_str_eq(g.e[0].id, "tag:example.org,2003:3.2397");
	ck_assert_str_eq(rfc3339(g.e[0].published, d),
	    "2003-12-13T12:29:29Z");
	ck_assert_str_eq(rfc3339(g.e[0].updated, d), "2005-07-31T12:29:29Z");
	ck_assert_str_eq(g.e[0].author, "Mark");
	ck_assert_str_eq(g.e[0].summary, "Less &lt; more");
	/* xhtml: the wrapping div's children, URLs resolved. */
	ck_assert_ptr_nonnull(strstr(g.e[0].content, "<p>See <a "));
	ck_assert_ptr_nonnull(strstr(g.e[0].content,
	    "href=\"http://example.org/other/img\""));
	ck_assert_uint_eq(g.e[0].ncategories, 1);
	ck_assert_str_eq(g.e[0].categories[0], "tech");
	ck_assert_uint_eq(g.e[0].nenclosures, 1);
	ck_assert_int_eq(g.e[0].enclosures[0].length, 1337);
	got_free(&g);
	feed_info_reset(&info);
}
END_TEST

/* Strict pass delivers three entries and fails at the end; the
 * recovering pass must add the fourth without repeating the others. */
START_TEST(test_truncated_no_duplicates)
{
	struct got g = { 0 };
	struct feed_info info;
	char *err = NULL;

	ck_assert_int_eq(parse_file("truncated.xml", &g, &info, &err), 0);
	ck_assert(info.flags & FEED_RECOVERED);
	ck_assert_str_eq(info.title, "Cut");
	ck_assert_uint_eq(g.n, 4);
	ck_assert_str_eq(g.e[0].id, "1");
	ck_assert_str_eq(g.e[1].id, "2");
	ck_assert_str_eq(g.e[2].id, "3");
	ck_assert_str_eq(g.e[2].title, "Three & < four");
	ck_assert_str_eq(g.e[3].id, "4");
	got_free(&g);
	feed_info_reset(&info);
}
END_TEST

static int
contains(const char *s, const char *what)
{
	return s != NULL && strstr(s, what) != NULL;
}

START_TEST(test_xxe)
{
	struct got g = { 0 };
	struct feed_info info;
	char *err = NULL;
	size_t i;

	ck_assert_int_eq(parse_file("xxe.xml", &g, &info, &err), 0);
	ck_assert(!contains(info.title, "root:"));
	ck_assert_str_eq(info.title, "XY");
	for (i = 0; i < g.n; i++) {
		ck_assert(!contains(g.e[i].title, "root:"));
		ck_assert(!contains(g.e[i].summary, "root:"));
	}
	got_free(&g);
	feed_info_reset(&info);
}
END_TEST

START_TEST(test_billion_laughs)
{
	struct got g = { 0 };
	struct feed_info info;
	char *err = NULL;
	size_t i;
	int rc;

	rc = parse_file("laughs.xml", &g, &info, &err);
	if (rc == 0) {
		ck_assert(info.title == NULL || strlen(info.title) < 100000);
		for (i = 0; i < g.n; i++)
			ck_assert(g.e[i].title == NULL ||
			    strlen(g.e[i].title) < 100000);
		feed_info_reset(&info);
	} else
		free(err);
	got_free(&g);
}
END_TEST

static void
parse_str(const char *doc, struct got *g, struct feed_info *info)
{
	char *err = NULL;
	int rc = parse_mem(doc, strlen(doc), NULL, g, info, &err);

	ck_assert_msg(rc == 0, "parse failed: %s", err ? err : "?");
}

START_TEST(test_schedule_hints)
{
	struct got g = { 0 };
	struct feed_info info;

	/* RSS 2.0 skipHours/skipDays (24 taken as 0, junk ignored). */
	parse_str("<rss version=\"2.0\"><channel><title>t</title>"
	    "<ttl>60</ttl><skipHours><hour>0</hour><hour> 7 </hour>"
	    "<hour>23</hour><hour>24</hour><hour>25</hour><hour>x</hour>"
	    "</skipHours><skipDays><day>Saturday</day><day>sunday</day>"
	    "<day>Caturday</day></skipDays><item><title>i</title></item>"
	    "</channel></rss>", &g, &info);
	ck_assert_int_eq(info.ttl, 60);
	ck_assert_uint_eq(info.skip_hours, (1u << 0) | (1u << 7) | (1u << 23));
	ck_assert_uint_eq(info.skip_days, (1u << 0) | (1u << 6));
	ck_assert_int_eq(info.update_period, 0);
	/* An <hour> outside skipHours means nothing. */
	ck_assert_uint_eq(g.n, 1);
	got_free(&g);
	feed_info_reset(&info);

	/* The syndication module, in RSS 1.0. */
	parse_str("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/"
	    "22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\" "
	    "xmlns:sy=\"http://purl.org/rss/1.0/modules/syndication/\">"
	    "<channel><title>t</title><sy:updatePeriod>daily"
	    "</sy:updatePeriod><sy:updateFrequency>4</sy:updateFrequency>"
	    "</channel><item><title>i</title></item></rdf:RDF>", &g, &info);
	ck_assert_int_eq(info.update_period, 86400 / 4);
	ck_assert_uint_eq(info.skip_hours, 0);
	got_free(&g);
	feed_info_reset(&info);

	parse_str("<rss version=\"2.0\" xmlns:sy=\"http://purl.org/rss/1.0/"
	    "modules/syndication/\"><channel><title>t</title>"
	    "<sy:updatePeriod>hourly</sy:updatePeriod><item><hour>3</hour>"
	    "</item></channel></rss>", &g, &info);
	ck_assert_int_eq(info.update_period, 3600);
	ck_assert_uint_eq(info.skip_hours, 0);
	got_free(&g);
	feed_info_reset(&info);
}
END_TEST

START_TEST(test_entities)
{
	struct got g = { 0 };
	struct feed_info info;

	parse_str("<rss version=\"2.0\"><channel><title>A&nbsp;B&hellip;"
	    "&eacute;&doesnotexist;</title><item><title>x &amp; y &copy;"
	    "</title><link>http://e/?a=1&b=2</link></item></channel></rss>",
	    &g, &info);
	ck_assert_int_eq(info.flags & FEED_RECOVERED, 0);
	ck_assert_str_eq(info.title,
	    "A\xc2\xa0" "B\xe2\x80\xa6\xc3\xa9&doesnotexist;");
	ck_assert_uint_eq(g.n, 1);
	ck_assert_str_eq(g.e[0].title, "x & y \xc2\xa9");
	ck_assert_str_eq(g.e[0].link, "http://e/?a=1&b=2");
	got_free(&g);
	feed_info_reset(&info);
}
END_TEST

START_TEST(test_controls_and_junk)
{
	struct got g = { 0 };
	struct feed_info info;

	parse_str("\n\n  junk<?xml version=\"1.0\"?><rss version=\"0.91\">"
	    "<channel><title>a\x01\x02" "b\x1f</title></channel></rss>",
	    &g, &info);
	ck_assert_int_eq(info.format, FEED_FORMAT_RSS09X);
	ck_assert_str_eq(info.title, "ab");
	got_free(&g);
	feed_info_reset(&info);
}
END_TEST

START_TEST(test_windows1252_fallback)
{
	struct got g = { 0 };
	struct feed_info info;
	char *err = NULL;

	ck_assert_int_eq(parse_file("cp1252.xml", &g, &info, &err), 0);
	ck_assert_str_eq(info.title,
	    "\xe2\x80\x9cQuoted\xe2\x80\x9d caf\xc3\xa9");
	got_free(&g);
	feed_info_reset(&info);
}
END_TEST

/*
 * A byte windows-1252 leaves undefined (0x9d) means the document is not
 * windows-1252 either: feedparser then reads ISO-8859-2 (0xa9 is S with
 * caron, not the copyright sign), and C1 controls become cp1252 in text.
 */
START_TEST(test_latin2_fallback)
{
	static const char doc[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    "<rss version=\"2.0\"><channel><item><description>"
	    "\x93x\x9d\xa9</description></item></channel></rss>";
	struct got g = { 0 };
	struct feed_info info;
	char *err = NULL;

	ck_assert_int_eq(parse_mem(doc, sizeof(doc) - 1, NULL, &g, &info,
	    &err), 0);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_str_eq(g.e[0].summary, "\xe2\x80\x9cx\xc2\x9d\xc5\xa0");
	got_free(&g);
	feed_info_reset(&info);
}
END_TEST

/* &#146; and friends are windows-1252 in every text field, as in
 * feedparser; ids stay as written. */
START_TEST(test_c1_references)
{
	static const char doc[] = "<rss version=\"2.0\"><channel>"
	    "<title>It&#146;s &#150; x&#157;</title><item>"
	    "<title>a&#x92;b</title><category>&#147;c&#148;</category>"
	    "<guid isPermaLink=\"false\">g&#146;</guid>"
	    "</item></channel></rss>";
	struct got g = { 0 };
	struct feed_info info;
	char *err = NULL;

	ck_assert_int_eq(parse_mem(doc, sizeof(doc) - 1, NULL, &g, &info,
	    &err), 0);
	ck_assert_str_eq(info.title,
	    "It\xe2\x80\x99s \xe2\x80\x93 x\xc2\x9d");
	ck_assert_uint_eq(g.n, 1);
	ck_assert_str_eq(g.e[0].title, "a\xe2\x80\x99" "b");
	ck_assert_str_eq(g.e[0].categories[0],
	    "\xe2\x80\x9c" "c\xe2\x80\x9d");
	ck_assert_str_eq(g.e[0].id, "g\xc2\x92");
	got_free(&g);
	feed_info_reset(&info);
}
END_TEST

START_TEST(test_charset_option)
{
	static const char doc[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    "<rss version=\"2.0\"><channel><title>caf\xe9</title>"
	    "</channel></rss>";
	struct feed_parse_opts o = { NULL, "iso-8859-1", 0 };
	struct got g = { 0 };
	struct feed_info info;
	char *err = NULL;

	ck_assert_int_eq(parse_mem(doc, sizeof(doc) - 1, &o, &g, &info,
	    &err), 0);
	ck_assert_str_eq(info.title, "caf\xc3\xa9");
	ck_assert_int_eq(info.flags & FEED_RECOVERED, 0);
	feed_info_reset(&info);
}
END_TEST

START_TEST(test_utf16)
{
	static const char src[] = "<?xml version=\"1.0\" encoding=\"utf-16\"?>"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Wide</title>"
	    "</feed>";
	struct got g = { 0 };
	struct feed_info info;
	char *doc, *err = NULL;
	size_t i, n = sizeof(src) - 1;

	doc = xmalloc(2 + 2 * n);
	doc[0] = (char)0xff;
	doc[1] = (char)0xfe;
	for (i = 0; i < n; i++) {
		doc[2 + 2 * i] = src[i];
		doc[3 + 2 * i] = 0;
	}
	ck_assert_int_eq(parse_mem(doc, 2 + 2 * n, NULL, &g, &info, &err), 0);
	ck_assert_int_eq(info.format, FEED_FORMAT_ATOM10);
	ck_assert_str_eq(info.title, "Wide");
	free(doc);
	feed_info_reset(&info);
}
END_TEST

/* The first four bytes may name a UCS-4 byte order libxml2 cannot
 * read: the error it raises while the parser is made is the parse's
 * error, not a crash. */
START_TEST(test_unsupported_ucs4)
{
	static const char *const heads[] = { "\0\0<\0", "\0<\0\0" };
	struct got g = { 0 };
	struct feed_info info;
	char doc[32], *err = NULL;
	size_t i;

	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		memcpy(doc, heads[i], 4);
		memcpy(doc + 4, "<rss/>QQQQQQQQ", 14);
		ck_assert_int_eq(parse_mem(doc, 18, NULL, &g, &info, &err),
		    -1);
		ck_assert_ptr_nonnull(strstr(err, "encoding not supported"));
		free(err);
		err = NULL;
	}
	ck_assert_uint_eq(g.n, 0);
}
END_TEST

START_TEST(test_unreadable)
{
	struct got g = { 0 };
	struct feed_info info;
	char *err = NULL;

	ck_assert_int_eq(parse_file("garbage.txt", &g, &info, &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_null(strchr(err, '\n'));
	free(err);
	err = NULL;
	ck_assert_int_eq(parse_file("html.xml", &g, &info, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a feed"));
	free(err);
	err = NULL;
	ck_assert_int_eq(parse_mem("<rss><channel><title>x</titl", 28, NULL,
	    &g, &info, &err), 0);
	ck_assert(info.flags & FEED_RECOVERED);
	feed_info_reset(&info);
	ck_assert_int_eq(parse_mem("<?xml version=\"1.0\"?>\n\n<1rss>", 29,
	    NULL, &g, &info, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "line 3"));
	free(err);
	ck_assert_uint_eq(g.n, 0);
}
END_TEST

/* A site's page given as a feed is named as such, with the feeds it
 * links (absolute, against <base href> and the document URL); text
 * before markup that is not a feed is not a feed; a feed behind a
 * server's warning still parses. */
START_TEST(test_html_page)
{
	static const char page[] =
	    "<!-- generated -->\n<!DOCTYPE html>\n<html><head>"
	    "<meta charset=utf-8><title>Site</title>\n"
	    "<link rel=\"alternate\" type=\"application/rss+xml\" "
	    "href=\"/rss.xml\">\n"
	    "<link rel=\"ALTERNATE\" type=\"application/atom+xml; "
	    "charset=utf-8\" href=\"atom.xml\">\n"
	    "<link rel=\"alternate\" type=\"application/rss+xml\" "
	    "href=\"javascript:alert(1)\">\n"
	    "<link rel=\"alternate\" hreflang=de href=\"/de/\">\n"
	    "<link rel=\"stylesheet\" type=\"text/css\" href=\"s.css\">\n"
	    "</head><body><p>Hi<br></body></html>\n";
	static const char junk_feed[] = "Warning: x in y.php line 3\n"
	    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>"
	    "<title>T</title><item><title>A</title></item>"
	    "<item><title>B</title></channel></rss>";
	static const char readme[] = "# A project\n\nIt serves "
	    "<https://example.org/> and <item>s with a <title>.\n";
	struct feed_parse_opts o = { .url = "https://news.example/world/" };
	struct got g = { 0 };
	struct feed_info info;
	char *err = NULL;

	ck_assert_int_eq(parse_mem(page, sizeof(page) - 1, &o, &g, &info,
	    &err), -1);
	ck_assert_str_eq(err, "not a feed: an HTML page; it links the feeds "
	    "https://news.example/rss.xml and "
	    "https://news.example/world/atom.xml");
	free(err);
	err = NULL;
	ck_assert_int_eq(parse_mem(junk_feed, sizeof(junk_feed) - 1, NULL,
	    &g, &info, &err), 0);
	ck_assert(info.flags & FEED_RECOVERED);
	feed_info_reset(&info);
	ck_assert_uint_eq(g.n, 2);
	ck_assert_int_eq(parse_mem(readme, sizeof(readme) - 1, NULL, &g,
	    &info, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a feed"));
	free(err);
	ck_assert_uint_eq(g.n, 2);
	got_free(&g);
}
END_TEST

START_TEST(test_size_cap)
{
	struct feed_parse_opts o = { NULL, NULL, 16 };
	struct got g = { 0 };
	struct feed_info info;
	char *err = NULL;
	const char *doc = "<rss version=\"2.0\"><channel/></rss>";

	ck_assert_int_eq(parse_mem(doc, strlen(doc), &o, &g, &info, &err),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "too large"));
	free(err);
}
END_TEST

START_TEST(test_sink_abort)
{
	struct got g = { 0 };
	struct feed_info info;
	char *err = NULL;

	g.stop_after = 1;
	ck_assert_int_eq(parse_file("rss20.xml", &g, &info, &err), -1);
	ck_assert_str_eq(err, "enough");
	ck_assert_uint_eq(g.n, 1);
	free(err);
	got_free(&g);
}
END_TEST

START_TEST(test_jsonfeed)
{
	struct got g = { 0 };
	struct feed_info info;
	char *err = NULL, d[DATE_RFC3339_LEN];

	ck_assert_int_eq(parse_file("feed.json", &g, &info, &err), 0);
	ck_assert_int_eq(info.format, FEED_FORMAT_JSON11);
	ck_assert_str_eq(info.title, "JSON Example");
	ck_assert_str_eq(info.author, "Ann");
	ck_assert_uint_eq(g.n, 2);
	ck_assert_str_eq(g.e[0].link, "https://example.org/posts/2");
	ck_assert_str_eq(g.e[0].content, "<p>Hi</p>");
	ck_assert_str_eq(rfc3339(g.e[0].published, d),
	    "2020-01-02T03:04:05Z");
	ck_assert_uint_eq(g.e[0].ncategories, 2);
	ck_assert_int_eq(g.e[0].enclosures[0].length, 99);
	ck_assert_str_eq(g.e[1].id, "1");
	ck_assert_str_eq(g.e[1].content, "a &lt; b");
	got_free(&g);
	feed_info_reset(&info);
}
END_TEST

/*
 * Links feedd republishes keep only http(s) (or relative references):
 * javascript:, vbscript:, data: and the rest go, however they are
 * spelled, in entry, guid-permalink, enclosure and feed links of every
 * dialect.
 */
static const char *const link_docs[] = {
	"<rss version=\"2.0\"><channel><title>t</title>"
	"<link>javascript:alert(1)</link>"
	"<item><title>a</title><link> JaVa&#9;ScRiPt:alert(1)</link>"
	"<enclosure url=\"data:text/html,x\" type=\"text/html\"/>"
	"<enclosure url=\"http://e/ok.mp3\" type=\"audio/mpeg\"/></item>"
	"<item><title>b</title><guid>vbscript:msgbox</guid></item>"
	"<item><title>c</title><link>https://e/c</link></item>"
	"</channel></rss>",
	"<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>t</title>"
	"<link href=\"data:text/html,x\"/>"
	"<entry><title>a</title><link href=\"javascript:alert(1)\"/>"
	"<link rel=\"enclosure\" href=\"file:///etc/passwd\"/>"
	"<link rel=\"enclosure\" href=\"http://e/ok.mp3\"/></entry>"
	"<entry><title>b</title><link href=\"&#1;javascript:x\"/></entry>"
	"<entry><title>c</title><link href=\"https://e/c\"/></entry></feed>",
	"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
	"xmlns=\"http://purl.org/rss/1.0/\"><channel><title>t</title>"
	"<link>javascript:x</link></channel>"
	"<item><title>a</title><link>javascript:x</link></item>"
	"<item><title>b</title><link>mailto:a@b.c</link></item>"
	"<item><title>c</title><link>https://e/c</link></item></rdf:RDF>",
	"{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"t\","
	"\"home_page_url\": \"javascript:x\", \"items\": ["
	"{\"id\": \"1\", \"title\": \"a\", \"url\": \"javascript:x\","
	"\"attachments\": [{\"url\": \"data:x\", \"mime_type\": \"a/b\"},"
	"{\"url\": \"http://e/ok.mp3\", \"mime_type\": \"audio/mpeg\"}]},"
	"{\"id\": \"2\", \"title\": \"b\", \"external_url\": \"vbscript:x\"},"
	"{\"id\": \"3\", \"title\": \"c\", \"url\": \"https://e/c\"}]}",
};

START_TEST(test_unsafe_links)
{
	struct got g = { 0 };
	struct feed_info info;

	parse_str(link_docs[_i], &g, &info);
	ck_assert_ptr_null(info.link);
	ck_assert_uint_eq(g.n, 3);
	ck_assert_ptr_null(g.e[0].link);
	if (g.e[0].nenclosures > 0) {
		ck_assert_uint_eq(g.e[0].nenclosures, 1);
		ck_assert_str_eq(g.e[0].enclosures[0].url, "http://e/ok.mp3");
	}
	ck_assert_ptr_null(g.e[1].link);
	ck_assert_str_eq(g.e[2].link, "https://e/c");
	got_free(&g);
	feed_info_reset(&info);
}
END_TEST

/*
 * An integer past int64 anywhere in a JSON Feed, even in an extension,
 * made jansson refuse the whole document ("too big integer").  It now
 * parses; a numeric id and a size that fit stay exact.
 */
START_TEST(test_json_big_integer)
{
	static const char doc[] = "{\"version\":"
	    "\"https://jsonfeed.org/version/1.1\",\"title\":\"T\","
	    "\"_ext\":{\"n\":123456789012345678901234567890},"
	    "\"items\":[{\"id\":42,\"title\":\"a\","
	    "\"attachments\":[{\"url\":\"http://e/a.mp3\","
	    "\"size_in_bytes\":1000}],"
	    "\"_big\":99999999999999999999999}]}";
	struct got g = { 0 };
	struct feed_info info;
	char *err = NULL;

	ck_assert_int_eq(parse_mem(doc, strlen(doc), NULL, &g, &info, &err),
	    0);
	ck_assert_ptr_null(err);
	ck_assert_str_eq(info.title, "T");
	ck_assert_uint_eq(g.n, 1);
	ck_assert_str_eq(g.e[0].id, "42");
	ck_assert_str_eq(g.e[0].title, "a");
	ck_assert_uint_eq(g.e[0].nenclosures, 1);
	ck_assert_int_eq(g.e[0].enclosures[0].length, 1000);
	got_free(&g);
	feed_info_reset(&info);
}
END_TEST

/*
 * A real number past a double's range (1e400), in an extension or as an
 * id, made jansson refuse the whole document.  It parses; such an id is
 * no id (the entry falls back like one without), other fields stay, and
 * "-Infinity" and hexadecimal are still not JSON.
 */
START_TEST(test_json_beyond_double)
{
	static const char doc[] = "{\"version\":"
	    "\"https://jsonfeed.org/version/1.1\",\"title\":\"T\","
	    "\"_ext\":{\"r\":-1e400,\"s\":\"1e400 in a string\"},"
	    "\"items\":[{\"id\":1e400,\"title\":\"a\","
	    "\"url\":\"http://e/a\",\"_x\":[2E+999,1e-400,0.5]},"
	    "{\"id\":7,\"title\":\"1e400\"}]}";
	static const char *bad[] = {
		"{\"version\":\"https://jsonfeed.org/version/1.1\","
		"\"items\":[],\"x\":-Infinity,\"y\":1e400}",
		"{\"version\":\"https://jsonfeed.org/version/1.1\","
		"\"items\":[],\"x\":0x1p5000,\"y\":1e400}",
	};
	struct got g = { 0 };
	struct feed_info info;
	char *err = NULL;
	size_t i;

	ck_assert_int_eq(parse_mem(doc, strlen(doc), NULL, &g, &info, &err),
	    0);
	ck_assert_ptr_null(err);
	ck_assert_str_eq(info.title, "T");
	ck_assert_uint_eq(g.n, 2);
	ck_assert_ptr_null(g.e[0].id);
	ck_assert_str_eq(g.e[0].title, "a");
	ck_assert_str_eq(g.e[0].link, "http://e/a");
	ck_assert_str_eq(g.e[1].id, "7");
	ck_assert_str_eq(g.e[1].title, "1e400");
	got_free(&g);
	feed_info_reset(&info);

	for (i = 0; i < NELEM(bad); i++) {
		memset(&g, 0, sizeof(g));
		ck_assert_int_eq(parse_mem(bad[i], strlen(bad[i]), NULL, &g,
		    &info, &err), -1);
		ck_assert_ptr_nonnull(err);
		free(err);
		err = NULL;
		got_free(&g);
		feed_info_reset(&info);
	}
}
END_TEST

/*
 * CDATA text the driver hands over itself (cdata_direct) and text it
 * leaves to libxml2 (a carriage return, a control, invalid UTF-8) read
 * alike; the line of a later error counts the section's newlines.
 */
START_TEST(test_cdata_direct)
{
	static const char doc[] = "<rss version=\"2.0\"><channel><item>"
	    "<description><![CDATA[<p>a\n\nb</p>]]></description>"
	    "<title>x<![CDATA[ & ]]>y<![CDATA[]]>z</title></item><item>"
	    "<description><![CDATA[c\r\nd\x01" "e]]></description>"
	    "<title><![CDATA[caf\xc3\xa9 \xf0\x9f\x98\x80]]></title>"
	    "</item></channel></rss>";
	struct got g = { 0 };
	struct feed_info info;
	char *err = NULL;

	parse_str(doc, &g, &info);
	ck_assert_uint_eq(g.n, 2);
	ck_assert_str_eq(g.e[0].summary, "<p>a\n\nb</p>");
	ck_assert_str_eq(g.e[0].title, "x & yz");
	/* As before: libxml2 keeps a CR in CDATA (push mode). */
	ck_assert_str_eq(g.e[1].summary, "c\r\nde");
	ck_assert_str_eq(g.e[1].title, "caf\xc3\xa9 \xf0\x9f\x98\x80");
	got_free(&g);
	feed_info_reset(&info);

	ck_assert_int_eq(parse_mem("<x><![CDATA[\n\n]]>\n</y>", 22, NULL,
	    &g, &info, &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strncmp(err, "line 4:", 7) == 0, "%s", err);
	free(err);
	got_free(&g);
}
END_TEST

/*
 * Text with references that the driver decodes itself (text_direct) reads
 * as libxml2 reads it: the five names and character references decoded,
 * a bare '&' and a '<' that opens nothing kept, CRLF as LF, "]]" kept;
 * "]]>" (a control between) is left to libxml2; a text longer than one
 * piece arrives whole; the line of a later error counts its newlines.
 */
START_TEST(test_text_direct)
{
	static const char doc[] = "<rss version=\"2.0\"><channel><item>"
	    "<guid>a&amp;b&#233;&#x20AC;&#X41;c AT&T x\r\ny ]] z "
	    "&quot;&apos; a < b &lt;</guid></item><item>"
	    "<guid>p&amp;q]]\x01>r</guid></item></channel></rss>";
	struct got g = { 0 };
	struct feed_info info;
	struct buf b;
	char *err = NULL;
	size_t i;

	parse_mem(doc, strlen(doc), NULL, &g, &info, &err);
	ck_assert_uint_eq(g.n, 2);
	ck_assert_str_eq(g.e[0].id, "a&b\xc3\xa9\xe2\x82\xac" "Ac AT&T x\ny "
	    "]] z \"' a < b <");
	/* Recovered as libxml2 does: the reference after the error is
	 * dropped. */
	ck_assert_str_eq(g.e[1].id, "p&]>r");
	got_free(&g);
	feed_info_reset(&info);
	free(err);
	err = NULL;

	buf_init(&b, BUF_UNCAPPED);	/* a test document of ours */
	buf_addstr(&b, "<rss version=\"2.0\"><channel><item><guid>");
	for (i = 0; i < 20000; i++)
		buf_addstr(&b, "a&amp;");
	buf_addstr(&b, "</guid></item></channel></rss>");
	parse_str(b.data, &g, &info);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(strlen(g.e[0].id), 40000);
	ck_assert(strncmp(g.e[0].id + 39990, "a&a&a&a&a&", 10) == 0);
	got_free(&g);
	feed_info_reset(&info);
	buf_reset(&b);

	ck_assert_int_eq(parse_mem("<x>a&amp;\n\nb\n</y>", 18, NULL,
	    &g, &info, &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strncmp(err, "line 4:", 7) == 0, "%s", err);
	free(err);
	got_free(&g);
}
END_TEST

/*
 * Titles are plain text as readers show them: RSS text that holds a tag
 * (escaped or in CDATA) loses its markup, entities decoded; Atom
 * type="text" stays literal.
 */
START_TEST(test_title_markup)
{
	struct got g = { 0 };
	struct feed_info info;

	parse_str("<rss version=\"2.0\"><channel>"
	    "<title>&lt;img src=x onerror=alert(1)&gt;Feed</title>"
	    "<item><title>&lt;img src=x onerror=alert(1)&gt;Title</title>"
	    "</item>"
	    "<item><title><![CDATA[<b onmouseover=x>Bold</b> &amp; "
	    "<script>alert(1)</script>more]]></title></item>"
	    "<item><title><![CDATA[<svg/onload=alert(1)>S]]></title></item>"
	    "<item><title>1 &lt; 2 &amp; 3 &gt; 2</title></item>"
	    "<item><title>&amp;lt;b&amp;gt; is bold</title></item>"
	    "<item><title>&lt;!-- c --&gt;C</title></item>"
	    "<item><title>Mail &lt;joe@example.com&gt;</title>"
	    "<author>&lt;joe@example.com&gt;</author></item>"
	    "</channel></rss>", &g, &info);
	ck_assert_str_eq(info.title, "Feed");
	ck_assert_uint_eq(g.n, 7);
	ck_assert_str_eq(g.e[0].title, "Title");
	ck_assert_str_eq(g.e[1].title, "Bold & more");
	ck_assert_str_eq(g.e[2].title, "S");
	ck_assert_str_eq(g.e[3].title, "1 < 2 & 3 > 2");
	/* Escaped twice: the publisher meant the text "<b>". */
	ck_assert_str_eq(g.e[4].title, "<b> is bold");
	ck_assert_str_eq(g.e[5].title, "C");
	/* An address in brackets is not markup. */
	ck_assert_str_eq(g.e[6].title, "Mail <joe@example.com>");
	ck_assert_str_eq(g.e[6].author, "joe@example.com");
	got_free(&g);
	feed_info_reset(&info);

	parse_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">"
	    "<title type=\"html\">&lt;img src=x onerror=alert(1)&gt;F</title>"
	    "<entry><title type=\"text\">History of the &lt;blink&gt; tag"
	    "</title></entry>"
	    "<entry><title type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/"
	    "xhtml\"><img src=\"x\" onerror=\"alert(1)\"/>X</div></title>"
	    "</entry>"
	    "<entry><title>&lt;img src=x&gt;Plain</title></entry></feed>",
	    &g, &info);
	ck_assert_str_eq(info.title, "F");
	ck_assert_uint_eq(g.n, 3);
	ck_assert_str_eq(g.e[0].title, "History of the <blink> tag");
	ck_assert_str_eq(g.e[1].title, "X");
	/* No type is type="text" (RFC 4287 3.1.1). */
	ck_assert_str_eq(g.e[2].title, "<img src=x>Plain");
	got_free(&g);
	feed_info_reset(&info);
}
END_TEST

/* Hostile JSON: too deep, too many values, a too long string. */
START_TEST(test_json_bounds)
{
	static const char head[] = "{\"version\":"
	    "\"https://jsonfeed.org/version/1.1\",\"items\":[";
	struct got g = { 0 };
	struct feed_info info;
	struct buf b;
	char *err = NULL;
	size_t i;

	buf_init(&b, 0);
	buf_addstr(&b, head);
	for (i = 0; i < 300000; i++)
		buf_addstr(&b, i ? ",{}" : "{}");
	buf_addstr(&b, "]}");
	ck_assert_int_eq(parse_mem(b.data, b.len, NULL, &g, &info, &err),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "JSON values"));
	free(err);
	err = NULL;
	buf_clear(&b);
	buf_addstr(&b, head);
	buf_addstr(&b, "{\"id\":\"1\",\"content_text\":\"");
	for (i = 0; i < 5 * 1024 * 1024; i += 8)
		buf_addstr(&b, "xxxxxxxx");
	buf_addstr(&b, "\"}]}");
	ck_assert_int_eq(parse_mem(b.data, b.len, NULL, &g, &info, &err),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "longer than"));
	free(err);
	err = NULL;
	buf_clear(&b);
	buf_addstr(&b, "{\"version\":\"https://jsonfeed.org/version/1\","
	    "\"x\":");
	for (i = 0; i < 5000; i++)
		buf_addch(&b, '[');
	for (i = 0; i < 5000; i++)
		buf_addch(&b, ']');
	buf_addstr(&b, ",\"items\":[]}");
	ck_assert_int_eq(parse_mem(b.data, b.len, NULL, &g, &info, &err),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "depth"));
	free(err);
	ck_assert_uint_eq(g.n, 0);
	buf_reset(&b);
}
END_TEST

/*
 * Entity expansion is bounded by the document's size: one 50 KB entity
 * referenced 20,000 times (110 KB) gave a 268 MB summary.  It is refused
 * with a reason, at once; short entities used as feeds use them still
 * work.
 */
START_TEST(test_entity_budget)
{
	static const char ok[] = "<!DOCTYPE rss [<!ENTITY co \"Example "
	    "&amp; Co\"><!ENTITY nbsp \"&#160;\">]><rss version=\"2.0\">"
	    "<channel><title>&co;</title><item><title>a&nbsp;&co;</title>"
	    "</item></channel></rss>";
	struct got g = { 0 };
	struct feed_info info;
	struct buf b;
	char *err = NULL;
	size_t i;

	ck_assert_int_eq(parse_mem(ok, strlen(ok), NULL, &g, &info, &err),
	    0);
	ck_assert_str_eq(info.title, "Example & Co");
	ck_assert_str_eq(g.e[0].title, "a\xc2\xa0" "Example & Co");
	got_free(&g);
	feed_info_reset(&info);

	buf_init(&b, 0);
	buf_addstr(&b, "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY e \"");
	for (i = 0; i < 50000; i++)
		buf_addch(&b, 'x');
	buf_addstr(&b, "\">]><rss version=\"2.0\"><channel><title>t</title>"
	    "<item><title>a</title><description>");
	for (i = 0; i < 20000; i++)
		buf_addstr(&b, "&e;");
	buf_addstr(&b, "</description></item></channel></rss>");
	ck_assert_int_eq(parse_mem(b.data, b.len, NULL, &g, &info, &err),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "expand"));
	free(err);
	err = NULL;
	ck_assert_uint_eq(g.n, 0);

	/* Also where no field captures the text. */
	buf_clear(&b);
	buf_addstr(&b, "<!DOCTYPE rss [<!ENTITY e \"");
	for (i = 0; i < 10000; i++)
		buf_addch(&b, 'y');
	buf_addstr(&b, "\">]><rss version=\"2.0\"><channel><foo>");
	for (i = 0; i < 5000; i++)
		buf_addstr(&b, "&e;");
	buf_addstr(&b, "</foo></channel></rss>");
	ck_assert_int_eq(parse_mem(b.data, b.len, NULL, &g, &info, &err),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "expand"));
	free(err);
	buf_reset(&b);
}
END_TEST

/*
 * Attributes: libxml2 checks an element's attributes pairwise (80,000
 * took 2 s in XML, 11 s in the HTML sanitizer).  In XML the document is
 * refused before libxml2 reads such a tag; in HTML the attributes past
 * the 32nd are cut, and what the sanitizer allows of the first ones stays.
 */
START_TEST(test_attribute_floods)
{
	struct got g = { 0 };
	struct feed_info info;
	struct buf b;
	char *err = NULL, *h;
	size_t i;

	buf_init(&b, 0);
	buf_addstr(&b, "<rss version=\"2.0\"><channel><item><foo");
	for (i = 0; i < 80000; i++)
		buf_printf(&b, " a%zu=\"x\"", i);
	buf_addstr(&b, "/></item></channel></rss>");
	ck_assert_int_eq(parse_mem(b.data, b.len, NULL, &g, &info, &err),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "attributes"));
	free(err);
	err = NULL;

	/* The same hidden in an entity. */
	buf_clear(&b);
	buf_addstr(&b, "<!DOCTYPE rss [<!ENTITY e \"<p");
	for (i = 0; i < 20000; i++)
		buf_printf(&b, " a%zu=''", i);
	buf_addstr(&b, "/>\">]><rss version=\"2.0\"><channel><item>"
	    "<description>&e;</description></item></channel></rss>");
	ck_assert_int_eq(parse_mem(b.data, b.len, NULL, &g, &info, &err),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "attributes"));
	free(err);
	err = NULL;

	/* In HTML, behind a comment so that the fast path gives up. */
	buf_clear(&b);
	buf_addstr(&b, "<!-- --><a title=\"t\" href=\"http://e/\"");
	for (i = 0; i < 80000; i++)
		buf_printf(&b, " a%zu=\"x\"", i);
	buf_addstr(&b, " title=\"late\">x</a>");
	h = html_sanitize(b.data, b.len, NULL);
	ck_assert_str_eq(h, "<a title=\"t\" href=\"http://e/\">x</a>");
	free(h);
	ck_assert_uint_eq(g.n, 0);
	buf_reset(&b);
}
END_TEST

/*
 * The start-tag scan runs over the chunks libxml2 is given (64 KiB, after
 * the first 4 bytes): a comment holding a quote, a CDATA section or a PI
 * split across a chunk boundary at every offset must not hide the flood
 * that follows them.
 */
START_TEST(test_attribute_scan_chunks)
{
	static const char *const tricks[] = { "<!-- ' -->",
	    "<![CDATA[ \" ]]>", "<?pi ' ?>" };
	struct got g = { 0 };
	struct feed_info info;
	struct buf b;
	char *err;
	size_t i, shift, t, pad;

	buf_init(&b, 0);
	for (t = 0; t < 3; t++)
		for (shift = 0; shift < strlen(tricks[t]) + 2; shift++) {
			buf_clear(&b);
			buf_addstr(&b, "<rss version=\"2.0\"><channel><item>"
			    "<title>");
			/* The boundary falls shift bytes before the
			 * trick ends. */
			pad = 4 + 65536 - b.len - strlen("</title>") -
			    strlen(tricks[t]) + shift;
			for (i = 0; i < pad; i++)
				buf_addch(&b, 'x');
			buf_addstr(&b, "</title>");
			buf_addstr(&b, tricks[t]);
			buf_addstr(&b, "<foo");
			for (i = 0; i < 200; i++)
				buf_printf(&b, " a%zu=\"\"", i);
			buf_addstr(&b, "/></item></channel></rss>");
			err = NULL;
			ck_assert_int_eq(parse_mem(b.data, b.len, NULL, &g,
			    &info, &err), -1);
			ck_assert_msg(err != NULL && strstr(err,
			    "128 attributes") != NULL, "%s, shift %zu: %s",
			    tricks[t], shift, err);
			free(err);
			got_free(&g);
		}
	buf_reset(&b);
}
END_TEST

/*
 * Found by tests/fuzz/fuzz_parse: an empty Atom text construct of a
 * base64 media type decoded a string literal in place (SIGSEGV).  The
 * base64 value beside it must still be decoded, once.
 */
START_TEST(test_empty_base64)
{
	static const char doc[] =
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>"
	    "<title type=\"application/octet-stream\"></title>"
	    "<summary type=\"application/octet-stream\"/>"
	    "<content type=\"image/png\">PGI+aGk8L2I+</content>"
	    "</entry></feed>";
	struct got g = { 0 };
	struct feed_info info;
	char *err = NULL;

	ck_assert_int_eq(parse_mem(doc, sizeof(doc) - 1, NULL, &g, &info,
	    &err), 0);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_ptr_null(g.e[0].title);
	ck_assert_ptr_null(g.e[0].summary);
	ck_assert_str_eq(g.e[0].content, "<b>hi</b>");
	got_free(&g);
	feed_info_reset(&info);
}
END_TEST

/*
 * feed_fix_utf8 checks eight bytes at a time: bad bytes at every offset
 * around and across the word boundaries, against a byte-by-byte model.
 */
static void
fix_model(const char *in, char *out)
{
	const unsigned char *r = (const unsigned char *)in;
	unsigned int c, n, i;

	while (*r != '\0') {
		if (*r < 0x80) {
			if (*r >= 0x20 || *r == '\t' || *r == '\n' ||
			    *r == '\r')
				*out++ = (char)*r;
			r++;
			continue;
		}
		n = *r >= 0xc2 && *r <= 0xdf ? 1 : *r >= 0xe0 && *r <= 0xef ?
		    2 : *r >= 0xf0 && *r <= 0xf4 ? 3 : 0;
		c = n == 1 ? *r & 0x1f : n == 2 ? *r & 0x0f : *r & 0x07;
		for (i = 1; n > 0 && i <= n; i++) {
			if ((r[i] & 0xc0) != 0x80)
				break;
			c = (c << 6) | (r[i] & 0x3f);
		}
		if (n == 0 || i <= n || (n == 2 && c < 0x800) ||
		    (n == 3 && (c < 0x10000 || c > 0x10ffff)) ||
		    (c >= 0xd800 && c <= 0xdfff)) {
			r++;
			continue;
		}
		memcpy(out, r, n + 1);
		out += n + 1;
		r += n + 1;
	}
	*out = '\0';
}

START_TEST(test_fix_utf8)
{
	static const char *bad[] = {
		"\x01", "\n", "\xff", "\xc3", "\xc3\xa9", "\xe2\x80\x99",
		"\xe2\x80", "\xed\xa0\x80", "\xe0\x80\xaf", "\xf0\x9f\x98\x80",
		"\xf4\x90\x80\x80", "\xc0\xaf", "\x7f", "\"\\",
		/* Valid sequences first (read in place), then a drop. */
		"\xc3\xa9\x01\xc3\xa9", "\xe2\x80\x99\xe0\x80\xaf\xe2\x80\x99",
		"\xed\x9f\xbf\xe0\xa0\x80\xed\xa0\x80", "\xe2\x80\x99\xc3",
		"\xc3\xa9\xf0\x9f\x98\x80\xff\xc3\xa9",
	};
	char in[64], got[64], want[64];
	size_t i, off;

	for (i = 0; i < NELEM(bad); i++)
		for (off = 0; off < 20; off++) {
			memset(in, 'a', off);
			strcpy(in + off, bad[i]);
			strcat(in, "bcdefghijklmnopq");
			fix_model(in, want);
			strcpy(got, in);
			feed_fix_utf8(got);
			ck_assert_msg(strcmp(got, want) == 0,
			    "case %zu at offset %zu", i, off);
		}
}
END_TEST

/*
 * feed_collapse under each set of blanks: a blank of a wider set is a
 * plain character to a narrower one, runs become one space, the ends
 * are trimmed, and nothing left means NULL.
 */
static const struct {
	enum feed_blanks	 blanks;
	const char		*in;
	const char		*want;
} collapse_cases[] = {
	{ FEED_BLANKS_XML, " a \t\n\r b ", "a b" },
	{ FEED_BLANKS_XML, "a\fb\vc", "a\fb\vc" },
	{ FEED_BLANKS_XML, "a\xc2\xa0" "b", "a\xc2\xa0" "b" },
	{ FEED_BLANKS_XML, " \r\n\t ", NULL },
	{ FEED_BLANKS_XML, "\f", "\f" },
	{ FEED_BLANKS_HTML, "\fa\f\vb\v", "a b" },
	{ FEED_BLANKS_HTML, "a\xc2\xa0" "b", "a\xc2\xa0" "b" },
	{ FEED_BLANKS_HTML, "\f\v ", NULL },
	{ FEED_BLANKS_HTML_NBSP, "\xc2\xa0" "a\xc2\xa0\xc2\xa0" "b\f", "a b" },
	{ FEED_BLANKS_HTML_NBSP, "\xc2\xa0 \xc2\xa0", NULL },
	/* Other characters that start with 0xc2 stay whole. */
	{ FEED_BLANKS_HTML_NBSP, "a\xc2\xa9 \xc2", "a\xc2\xa9 \xc2" },
	{ FEED_BLANKS_HTML_NBSP, "", NULL },
};

START_TEST(test_collapse)
{
	const char *want = collapse_cases[_i].want;
	char *got;

	got = feed_collapse(xstrdup(collapse_cases[_i].in),
	    collapse_cases[_i].blanks);
	if (want == NULL)
		ck_assert_msg(got == NULL, "case %d gave \"%s\"", _i, got);
	else {
		ck_assert_msg(got != NULL, "case %d gave NULL", _i);
		ck_assert_str_eq(got, want);
	}
	free(got);
	ck_assert_ptr_null(feed_collapse(NULL, collapse_cases[_i].blanks));
}
END_TEST

/* A canonical dump, to compare two parses. */
static char *
dump(const struct got *g, const struct feed_info *info)
{
	struct buf b;
	size_t i, j;

	buf_init(&b, 0);
	buf_printf(&b, "%d|%s|%s|%s\n", info->format,
	    info->title ? info->title : "", info->link ? info->link : "",
	    info->subtitle ? info->subtitle : "");
	for (i = 0; i < g->n; i++) {
		const struct entry *e = &g->e[i];

		buf_printf(&b, "%s|%s|%s|%s|%s|%s|%lld|%lld",
		    e->id ? e->id : "", e->title ? e->title : "",
		    e->link ? e->link : "", e->author ? e->author : "",
		    e->summary ? e->summary : "",
		    e->content ? e->content : "", (long long)e->published,
		    (long long)e->updated);
		for (j = 0; j < e->ncategories; j++)
			buf_printf(&b, "|%s", e->categories[j]);
		buf_addch(&b, '\n');
	}
	return buf_steal(&b);
}

START_TEST(test_reparse_identical)
{
	static const char *files[] = { "rss20.xml", "atom10.xml",
	    "truncated.xml", "feed.json" };
	struct got g1 = { 0 }, g2 = { 0 };
	struct feed_info i1, i2;
	char *err = NULL, *d1, *d2;
	size_t k;

	for (k = 0; k < NELEM(files); k++) {
		ck_assert_int_eq(parse_file(files[k], &g1, &i1, &err), 0);
		ck_assert_int_eq(parse_file(files[k], &g2, &i2, &err), 0);
		d1 = dump(&g1, &i1);
		d2 = dump(&g2, &i2);
		ck_assert_str_eq(d1, d2);
		ck_assert_uint_gt(strlen(d1), 10);
		free(d1);
		free(d2);
		got_free(&g1);
		got_free(&g2);
		feed_info_reset(&i1);
		feed_info_reset(&i2);
	}
}
END_TEST

START_TEST(test_formats)
{
	static const struct {
		const char	*doc;
		enum feed_format fmt;
	} t[] = {
		{ "<rss version=\"2.0\"><channel><title>t</title></channel>"
		  "</rss>", FEED_FORMAT_RSS20 },
		{ "<rss version=\"0.92\"><channel><title>t</title></channel>"
		  "</rss>", FEED_FORMAT_RSS09X },
		{ "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-"
		  "syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\"><channel>"
		  "<title>t</title></channel><item><title>i</title></item>"
		  "</rdf:RDF>", FEED_FORMAT_RSS10 },
		{ "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-"
		  "syntax-ns#\" xmlns=\"http://my.netscape.com/rdf/simple/"
		  "0.9/\"><channel><title>t</title></channel></rdf:RDF>",
		  FEED_FORMAT_RSS090 },
		{ "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\">"
		  "<title>t</title></feed>", FEED_FORMAT_ATOM03 },
		{ "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>t"
		  "</title></feed>", FEED_FORMAT_ATOM10 },
	};
	struct got g = { 0 };
	struct feed_info info;
	size_t i;

	for (i = 0; i < NELEM(t); i++) {
		parse_str(t[i].doc, &g, &info);
		ck_assert_int_eq(info.format, t[i].fmt);
		ck_assert_str_eq(info.title, "t");
		feed_info_reset(&info);
		got_free(&g);
	}
}
END_TEST

/* Shorthands for the one-entry documents below. */
#define RSS_HEAD "<rss version=\"2.0\" " \
	"xmlns:media=\"http://search.yahoo.com/mrss/\" " \
	"xmlns:dc=\"http://purl.org/dc/elements/1.1/\" " \
	"xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" " \
	"xmlns:atom=\"http://www.w3.org/2005/Atom\" " \
	"xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\">" \
	"<channel><title>c</title>"
#define RSS_TAIL "</channel></rss>"
#define ATOM_HEAD "<feed xmlns=\"http://www.w3.org/2005/Atom\" " \
	"xmlns:media=\"http://search.yahoo.com/mrss/\" " \
	"xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><title>f</title>"
#define ATOM_TAIL "</feed>"

static void
ck_str_or_null(const char *got, const char *want, const char *what)
{
	if (want == NULL)
		ck_assert_msg(got == NULL, "%s: want none, got \"%s\"", what,
		    got);
	else
		ck_assert_msg(got != NULL && strcmp(got, want) == 0,
		    "%s: want \"%s\", got \"%s\"", what, want,
		    got ? got : "(none)");
}

/*
 * An extension container that hands its children to the entry
 * (media:group) must not end the entry: what follows it stays the
 * entry's (Fox News lost title, description, pubDate and author).
 */
START_TEST(test_nested_container)
{
	struct got g = { 0 };
	struct feed_info info;
	char buf[32];

	parse_str(RSS_HEAD "<item><media:group><media:title>MT</media:title>"
	    "<media:content url=\"http://e/v.mp4\"/></media:group>"
	    "<title>T1</title><description>D1</description>"
	    "<pubDate>Sun, 17 Oct 2021 13:12:26 GMT</pubDate>"
	    "<dc:creator>A1</dc:creator><link>http://e/1</link></item>"
	    "<item><title>T2</title><media:group><media:description>MD"
	    "</media:description></media:group></item>" RSS_TAIL,
	    &g, &info);
	ck_assert_uint_eq(g.n, 2);
	ck_str_or_null(g.e[0].title, "T1", "title");
	ck_str_or_null(g.e[0].summary, "D1", "summary");
	ck_str_or_null(g.e[0].author, "A1", "author");
	ck_str_or_null(g.e[0].link, "http://e/1", "link");
	ck_assert_str_eq(rfc3339(g.e[0].published, buf),
	    "2021-10-17T13:12:26Z");
	ck_str_or_null(g.e[1].title, "T2", "title");
	ck_str_or_null(g.e[1].summary, "MD", "summary");
	got_free(&g);
	feed_info_reset(&info);

	/* In Atom the group's media:title was the entry's title. */
	parse_str(ATOM_HEAD "<entry><media:group><media:title>MT"
	    "</media:title></media:group><title>T</title>"
	    "<updated>2021-10-17T13:12:26Z</updated><id>i</id></entry>"
	    ATOM_TAIL, &g, &info);
	ck_assert_uint_eq(g.n, 1);
	ck_str_or_null(g.e[0].title, "T", "atom title");
	ck_str_or_null(g.e[0].id, "i", "atom id");
	ck_assert_str_eq(rfc3339(g.e[0].updated, buf),
	    "2021-10-17T13:12:26Z");
	got_free(&g);
	feed_info_reset(&info);

	/* Other containers (an entry's source, unknown extensions, a
	 * media:content) neither end the entry nor lend it their
	 * children's values, before or after the entry's own. */
	parse_str(ATOM_HEAD "<entry><source><title>S</title><id>s</id>"
	    "<updated>2001-01-01T00:00:00Z</updated></source>"
	    "<x:box xmlns:x=\"urn:x\"><title>X</title><summary>X</summary>"
	    "</x:box><media:content url=\"http://e/v\"><media:title>MC"
	    "</media:title></media:content><title>T</title><id>i</id>"
	    "<updated>2021-10-17T13:12:26Z</updated><summary>S1</summary>"
	    "<source><title>S2</title></source></entry>" ATOM_TAIL,
	    &g, &info);
	ck_assert_uint_eq(g.n, 1);
	ck_str_or_null(g.e[0].title, "T", "title beside containers");
	ck_str_or_null(g.e[0].id, "i", "id beside containers");
	ck_str_or_null(g.e[0].summary, "S1", "summary beside containers");
	ck_assert_str_eq(rfc3339(g.e[0].updated, buf),
	    "2021-10-17T13:12:26Z");
	got_free(&g);
	feed_info_reset(&info);
}
END_TEST

/* Element and attribute names and namespace names match without case,
 * as in feedparser: <pubdate> (Rutube), iTunes's DTD spelled any way. */
START_TEST(test_name_case)
{
	struct got g = { 0 };
	struct feed_info info;
	char buf[32];

	parse_str("<rss version=\"2.0\" xmlns:itunes=\"http://www.itunes.com/"
	    "DTDs/PodCast-1.0.dtd\"><channel><title>c</title>"
	    "<item><Title>t</Title><pubdate>2022-09-03 09:37:11+03:00"
	    "</pubdate><itunes:Author>Me</itunes:Author>"
	    "<guid IsPermaLink=\"false\">g1</guid></item></channel></rss>",
	    &g, &info);
	ck_assert_uint_eq(g.n, 1);
	ck_str_or_null(g.e[0].title, "t", "title");
	ck_assert_str_eq(rfc3339(g.e[0].published, buf),
	    "2022-09-03T06:37:11Z");
	ck_str_or_null(g.e[0].author, "Me", "author");
	ck_str_or_null(g.e[0].id, "g1", "id");
	ck_str_or_null(g.e[0].link, NULL, "link of a non-permalink guid");
	got_free(&g);
	feed_info_reset(&info);
}
END_TEST

START_TEST(test_itunes_categories)
{
	struct got g = { 0 };
	struct feed_info info;

	parse_str(RSS_HEAD "<item><title>t</title>"
	    "<itunes:category text=\"Arts\"><itunes:category text=\"Design\"/>"
	    "</itunes:category><category>Arts</category><category>News"
	    "</category><category>News</category>"
	    "<itunes:keywords> a, b ,,Arts</itunes:keywords>"
	    "</item>" RSS_TAIL, &g, &info);
	ck_assert_uint_eq(g.n, 1);
	/* Repeats within a vocabulary go (feedparser's tags are unique by
	 * term and scheme); "Arts" is both an iTunes and a plain term. */
	ck_assert_uint_eq(g.e[0].ncategories, 6);
	ck_assert_str_eq(g.e[0].categories[0], "Arts");
	ck_assert_str_eq(g.e[0].categories[1], "Design");
	ck_assert_str_eq(g.e[0].categories[2], "Arts");
	ck_assert_str_eq(g.e[0].categories[3], "News");
	ck_assert_str_eq(g.e[0].categories[4], "a");
	ck_assert_str_eq(g.e[0].categories[5], "b");
	got_free(&g);
	feed_info_reset(&info);
}
END_TEST

/*
 * The first summary element is the summary; a second one is the content
 * when there is no content element; a real content element wins anyway.
 */
START_TEST(test_summary_precedence)
{
	static const struct {
		const char	*body;
		const char	*summary, *content;
	} t[] = {
		{ "<description>D</description><itunes:summary>S"
		  "</itunes:summary>", "D", "S" },
		{ "<itunes:summary>S</itunes:summary><description>D"
		  "</description>", "S", "D" },
		{ "<description>A</description><description>B</description>",
		  "A", "B" },
		{ "<dc:description>A</dc:description><atom:summary>B"
		  "</atom:summary>", "A", "B" },
		{ "<description>D</description><itunes:summary>S"
		  "</itunes:summary><content:encoded>C</content:encoded>",
		  "D", "C" },
		{ "<content:encoded>C</content:encoded><description>D"
		  "</description><itunes:summary>S</itunes:summary>",
		  "D", "C" },
		{ "<media:group><media:description>M</media:description>"
		  "</media:group><description>D</description>", "D", NULL },
		{ "<media:description>M</media:description>", "M", NULL },
		/* Atom's names in RSS are the same elements. */
		{ "<description>D</description><summary>S</summary>",
		  "D", "S" },
		{ "<content>C</content><description>D</description>",
		  "D", "C" },
	};
	struct got g = { 0 };
	struct feed_info info;
	char *doc;
	size_t i;

	for (i = 0; i < NELEM(t); i++) {
		doc = xasprintf(RSS_HEAD "<item><title>t</title>%s</item>"
		    RSS_TAIL, t[i].body);
		parse_str(doc, &g, &info);
		ck_assert_uint_eq(g.n, 1);
		ck_str_or_null(g.e[0].summary, t[i].summary, t[i].body);
		ck_str_or_null(g.e[0].content, t[i].content, t[i].body);
		got_free(&g);
		feed_info_reset(&info);
		free(doc);
	}
	/* Atom: a second summary is the content too. */
	parse_str(ATOM_HEAD "<entry><title>t</title><summary>A</summary>"
	    "<summary>B</summary></entry>" ATOM_TAIL, &g, &info);
	ck_str_or_null(g.e[0].summary, "A", "atom summary");
	ck_str_or_null(g.e[0].content, "B", "atom second summary");
	got_free(&g);
	feed_info_reset(&info);
}
END_TEST

/* Several dates of one kind: the last readable one, as feedparser. */
START_TEST(test_dates_last_wins)
{
	struct got g = { 0 };
	struct feed_info info;
	char buf[32];

	parse_str(RSS_HEAD "<lastBuildDate>Mon, 01 Jan 2001 00:00:00 GMT"
	    "</lastBuildDate><dc:date>2002-01-01T00:00:00Z</dc:date>"
	    "<pubDate>Tue, 01 Jan 2019 00:00:00 GMT</pubDate>"
	    "<item><title>t</title>"
	    "<pubDate>Mon, 01 Jan 2001 00:00:00 GMT</pubDate>"
	    "<pubDate>Tue, 02 Jan 2001 00:00:00 GMT</pubDate>"
	    "<pubDate>not a date</pubDate>"
	    "<atom:updated>2003-01-01T00:00:00Z</atom:updated>"
	    "<dc:date>2004-01-01T00:00:00Z</dc:date></item>" RSS_TAIL,
	    &g, &info);
	ck_assert_str_eq(rfc3339(info.updated, buf), "2002-01-01T00:00:00Z");
	ck_assert_str_eq(rfc3339(g.e[0].published, buf),
	    "2001-01-02T00:00:00Z");
	ck_assert_str_eq(rfc3339(g.e[0].updated, buf), "2004-01-01T00:00:00Z");
	got_free(&g);
	feed_info_reset(&info);

	parse_str(ATOM_HEAD "<updated>2001-01-01T00:00:00Z</updated>"
	    "<updated>2002-01-01T00:00:00Z</updated><entry><title>t</title>"
	    "<dc:date>2003-01-01T00:00:00Z</dc:date>"
	    "<updated>2004-01-01T00:00:00Z</updated></entry>" ATOM_TAIL,
	    &g, &info);
	ck_assert_str_eq(rfc3339(info.updated, buf), "2002-01-01T00:00:00Z");
	ck_assert_str_eq(rfc3339(g.e[0].updated, buf), "2004-01-01T00:00:00Z");
	got_free(&g);
	feed_info_reset(&info);
}
END_TEST

/* RSS 1.0 items are named by rdf:about, unless a guid says better. */
START_TEST(test_rdf_about)
{
	struct got g = { 0 };
	struct feed_info info;

	parse_str("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/"
	    "22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\">"
	    "<channel rdf:about=\"http://e/\"><title>c</title></channel>"
	    "<item rdf:about=\"http://e/1\"><title>a</title>"
	    "<link>http://e/1?from=rss</link></item>"
	    "<item rdf:about=\"http://e/2\"><title>b</title>"
	    "<guid isPermaLink=\"false\">g2</guid></item>"
	    "<item><title>c</title></item></rdf:RDF>", &g, &info);
	ck_assert_uint_eq(g.n, 3);
	ck_str_or_null(info.id, NULL, "channel id");
	ck_str_or_null(g.e[0].id, "http://e/1", "id 0");
	ck_str_or_null(g.e[0].link, "http://e/1?from=rss", "link 0");
	ck_str_or_null(g.e[1].id, "g2", "id 1");
	ck_str_or_null(g.e[1].link, NULL, "link 1");
	ck_str_or_null(g.e[2].id, NULL, "id 2");
	got_free(&g);
	feed_info_reset(&info);
}
END_TEST

/* Numeric character references as HTML and feedparser read them. */
START_TEST(test_numeric_refs)
{
	struct got g = { 0 };
	struct feed_info info;

	parse_str(RSS_HEAD "<item><title>a&#X2019;b&#x2019;c&#8217;d"
	    "&#x96;e</title></item>" RSS_TAIL, &g, &info);
	ck_assert_int_eq(info.flags & FEED_RECOVERED, 0);
	ck_str_or_null(g.e[0].title, "a\xe2\x80\x99" "b\xe2\x80\x99"
	    "c\xe2\x80\x99" "d\xe2\x80\x93" "e", "title");
	got_free(&g);
	feed_info_reset(&info);
}
END_TEST

/* Atom content types: the xhtml div, "plain". */
START_TEST(test_atom_content_types)
{
	static const struct {
		const char	*content;
		const char	*want;
	} t[] = {
		/* Blanks around the wrapper div are not content. */
		{ "<content type=\"xhtml\">\n  <div xmlns=\"http://www.w3.org/"
		  "1999/xhtml\"><p>x</p></div>\n</content>", "<p>x</p>" },
		{ "<content type=\"application/xhtml+xml\"><div xmlns=\""
		  "http://www.w3.org/1999/xhtml\">a <b>c</b></div></content>",
		  "a <b>c</b>" },
		/* Two divs: none of them is a wrapper. */
		{ "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/"
		  "1999/xhtml\">a</div><div xmlns=\"http://www.w3.org/1999/"
		  "xhtml\">b</div></content>", "<div>a</div><div>b</div>" },
		{ "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/"
		  "1999/xhtml\">a</div>b</content>", "<div>a</div>b" },
		{ "<content type=\"plain\">a &lt;b&gt;</content>",
		  "a &lt;b&gt;" },
		/* Inline XHTML under a type that says HTML (TypePad). */
		{ "<content type=\"html\"><div xmlns=\"http://www.w3.org/"
		  "1999/xhtml\">a <b>c</b></div></content>", "a <b>c</b>" },
	};
	struct got g = { 0 };
	struct feed_info info;
	char *doc;
	size_t i;

	for (i = 0; i < NELEM(t); i++) {
		doc = xasprintf(ATOM_HEAD "<entry><title>t</title>%s</entry>"
		    ATOM_TAIL, t[i].content);
		parse_str(doc, &g, &info);
		ck_assert_uint_eq(g.n, 1);
		ck_str_or_null(g.e[0].content, t[i].want, t[i].content);
		got_free(&g);
		feed_info_reset(&info);
		free(doc);
	}
	/* Atom 0.3: base64 of XHTML is decoded; mode="escaped" is markup
	 * even where the type defaults to text/plain. */
	parse_str("<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\">"
	    "<title>f</title><entry><title mode=\"escaped\">a &lt;b&gt;c"
	    "&lt;/b&gt;</title><content type=\"application/xhtml+xml\" "
	    "mode=\"base64\">PHA+eDwvcD4=</content></entry></feed>",
	    &g, &info);
	ck_str_or_null(g.e[0].title, "a c", "escaped title");
	ck_str_or_null(g.e[0].content, "<p>x</p>", "base64 xhtml");
	got_free(&g);
	feed_info_reset(&info);
}
END_TEST

/* An Atom entry whose only web address is its id (not a feed's). */
START_TEST(test_atom_id_link)
{
	struct got g = { 0 };
	struct feed_info info;

	parse_str(ATOM_HEAD "<id>https://e/</id>"
	    "<link rel=\"self\" href=\"https://e/feed\"/>"
	    "<entry><title>a</title><id>https://e/a</id>"
	    "<link rel=\"related\" href=\"https://e/rel\"/></entry>"
	    "<entry><title>b</title><id>tag:e,2001:b</id></entry>"
	    "<entry><title>c</title><id>https://e/c</id>"
	    "<link rel=\"alternate\" type=\"application/pdf\" "
	    "href=\"https://e/c.pdf\"/><link href=\"https://e/c.html\" "
	    "type=\"text/html\"/></entry>" ATOM_TAIL, &g, &info);
	ck_assert_uint_eq(g.n, 3);
	ck_str_or_null(info.link, NULL, "feed link");
	ck_str_or_null(g.e[0].link, "https://e/a", "link a");
	ck_str_or_null(g.e[0].id, "https://e/a", "id a");
	ck_str_or_null(g.e[1].link, NULL, "link b");
	ck_str_or_null(g.e[2].link, "https://e/c.html", "link c");
	got_free(&g);
	feed_info_reset(&info);
}
END_TEST

/* Slips feedparser forgives: a link escaped twice, RSS names in Atom. */
START_TEST(test_publisher_slips)
{
	struct got g = { 0 };
	struct feed_info info;

	parse_str(RSS_HEAD "<item><title>t</title><link>http://e/a?b=1&amp;amp;"
	    "c=2</link></item>" RSS_TAIL, &g, &info);
	ck_str_or_null(g.e[0].link, "http://e/a?b=1&c=2", "link");
	got_free(&g);
	feed_info_reset(&info);

	parse_str(ATOM_HEAD "<description>About</description><language>bn-BD"
	    "</language><entry><title>t</title></entry>" ATOM_TAIL, &g, &info);
	ck_str_or_null(info.subtitle, "About", "subtitle");
	ck_str_or_null(info.language, "bn-BD", "language");
	got_free(&g);
	feed_info_reset(&info);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("parse");
	TCase *tc = tcase_create("parse");
	SRunner *sr;
	int nf;

	feed_init();
	tcase_add_test(tc, test_rss20);
	tcase_add_test(tc, test_cdata_direct);
	tcase_add_test(tc, test_text_direct);
	tcase_add_test(tc, test_schedule_hints);
	tcase_add_test(tc, test_atom10);
	tcase_add_test(tc, test_truncated_no_duplicates);
	tcase_add_test(tc, test_xxe);
	tcase_add_test(tc, test_billion_laughs);
	tcase_add_test(tc, test_json_big_integer);
	tcase_add_test(tc, test_json_beyond_double);
	tcase_add_test(tc, test_json_bounds);
	tcase_add_test(tc, test_entity_budget);
	tcase_add_test(tc, test_attribute_floods);
	tcase_add_test(tc, test_attribute_scan_chunks);
	tcase_add_test(tc, test_entities);
	tcase_add_test(tc, test_controls_and_junk);
	tcase_add_test(tc, test_windows1252_fallback);
	tcase_add_test(tc, test_latin2_fallback);
	tcase_add_test(tc, test_c1_references);
	tcase_add_test(tc, test_charset_option);
	tcase_add_test(tc, test_utf16);
	tcase_add_test(tc, test_unreadable);
	tcase_add_test(tc, test_unsupported_ucs4);
	tcase_add_test(tc, test_size_cap);
	tcase_add_test(tc, test_sink_abort);
	tcase_add_test(tc, test_jsonfeed);
	tcase_add_test(tc, test_empty_base64);
	tcase_add_test(tc, test_fix_utf8);
	tcase_add_loop_test(tc, test_collapse, 0, (int)NELEM(collapse_cases));
	tcase_add_test(tc, test_html_page);
	tcase_add_test(tc, test_reparse_identical);
	tcase_add_test(tc, test_formats);
	tcase_add_test(tc, test_nested_container);
	tcase_add_test(tc, test_name_case);
	tcase_add_test(tc, test_itunes_categories);
	tcase_add_test(tc, test_summary_precedence);
	tcase_add_test(tc, test_dates_last_wins);
	tcase_add_test(tc, test_rdf_about);
	tcase_add_test(tc, test_numeric_refs);
	tcase_add_test(tc, test_atom_content_types);
	tcase_add_test(tc, test_atom_id_link);
	tcase_add_test(tc, test_publisher_slips);
	tcase_add_loop_test(tc, test_unsafe_links, 0,
	    (int)NELEM(link_docs));
	tcase_add_test(tc, test_title_markup);
	tcase_add_test(tc, test_tagscan);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	feed_cleanup();
	return nf ? 1 : 0;
}
