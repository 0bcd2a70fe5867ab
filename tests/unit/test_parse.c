/*
 * test_parse.c: the feed parser (parsers/feed.c, feed_xml.c, jsonfeed.c)
 * on the fixtures in tests/data/parse/ and on small inline documents:
 * fields per format, recovery without duplicates, hostile input (XXE,
 * billion laughs), entities, encodings and determinism.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/date.h"
#include "parsers/feed.h"
#include "parsers/feed_int.h"
#include "parsers/util.h"

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
	};
	char in[64], got[64], want[64];
	size_t i, off;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
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

	for (k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
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

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		parse_str(t[i].doc, &g, &info);
		ck_assert_int_eq(info.format, t[i].fmt);
		ck_assert_str_eq(info.title, "t");
		feed_info_reset(&info);
		got_free(&g);
	}
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
	tcase_add_test(tc, test_schedule_hints);
	tcase_add_test(tc, test_atom10);
	tcase_add_test(tc, test_truncated_no_duplicates);
	tcase_add_test(tc, test_xxe);
	tcase_add_test(tc, test_billion_laughs);
	tcase_add_test(tc, test_entities);
	tcase_add_test(tc, test_controls_and_junk);
	tcase_add_test(tc, test_windows1252_fallback);
	tcase_add_test(tc, test_latin2_fallback);
	tcase_add_test(tc, test_c1_references);
	tcase_add_test(tc, test_charset_option);
	tcase_add_test(tc, test_utf16);
	tcase_add_test(tc, test_unreadable);
	tcase_add_test(tc, test_size_cap);
	tcase_add_test(tc, test_sink_abort);
	tcase_add_test(tc, test_jsonfeed);
	tcase_add_test(tc, test_empty_base64);
	tcase_add_test(tc, test_fix_utf8);
	tcase_add_test(tc, test_html_page);
	tcase_add_test(tc, test_reparse_identical);
	tcase_add_test(tc, test_formats);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	feed_cleanup();
	return nf ? 1 : 0;
}
