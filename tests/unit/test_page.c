/*
 * test_page.c: the pages people read, without the HTTP server: the query
 * of / (what is accepted, what is refused and why), the river rendered
 * from made-up entries (escaping, excerpts, lead images, times, paging,
 * the policy and its hash), and page_index against a real store (the
 * filters, case-insensitive tags, paging, 400 for names that do not
 * exist).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/conf.h"
#include "daemon/page.h"
#include "daemon/page_int.h"
#include "parsers/feed.h"
#include "base/util.h"
#include "storage/store.h"

#define T0	1700000000	/* 2023-11-14T22:13:20Z */

/* --- helpers */

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* Parses "k=v&k=v" (no decoding) into pq; returns pq->err or NULL. */
static const char *
query(struct page_query *pq, const char *s)
{
	char *copy = xstrdup(s), *tok, *save = NULL, *eq;

	page_query_init(pq);
	for (tok = strtok_r(copy, "&", &save); tok != NULL;
	    tok = strtok_r(NULL, "&", &save)) {
		eq = strchr(tok, '=');
		if (eq != NULL)
			*eq++ = '\0';
		page_query_add(pq, tok, eq);
	}
	free(copy);
	return pq->err;
}

static char *
b64(const unsigned char *d, size_t n)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = xcalloc(n / 3 * 4 + 8, 1), *w = out;
	size_t i;
	unsigned v;

	for (i = 0; i < n; i += 3) {
		v = (unsigned)d[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)d[i + 1] << 8;
		if (i + 2 < n)
			v |= d[i + 2];
		*w++ = a[v >> 18 & 63];
		*w++ = a[v >> 12 & 63];
		*w++ = i + 1 < n ? a[v >> 6 & 63] : '=';
		*w++ = i + 2 < n ? a[v & 63] : '=';
	}
	return out;
}

static char *
hex(const unsigned char *d, size_t n)
{
	char *out = xcalloc(n * 2 + 1, 1);
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
	return out;
}

/* --- the query */

START_TEST(test_query_accepts)
{
	struct page_query pq;

	ck_assert_ptr_null(query(&pq, ""));
	ck_assert_uint_eq(pq.limit, PAGE_LIMIT);
	ck_assert_uint_eq(pq.offset, 0);
	ck_assert(pq.tag == NULL && pq.feed == NULL && pq.q == NULL &&
	    pq.view == NULL && !pq.show_feeds);
	page_query_reset(&pq);

	ck_assert_ptr_null(query(&pq, "tag=Europe&feed=bbc&q=kyiv war&"
	    "limit=100&offset=1000&show=river"));
	ck_assert_str_eq(pq.tag, "Europe");
	ck_assert_str_eq(pq.feed, "bbc");
	ck_assert_str_eq(pq.q, "kyiv war");
	ck_assert_uint_eq(pq.limit, 100);
	ck_assert_uint_eq(pq.offset, 1000);
	page_query_reset(&pq);

	/* An empty search box is no search; show=feeds is the table. */
	ck_assert_ptr_null(query(&pq, "q=&show=feeds&limit=1&offset=0"));
	ck_assert_ptr_null(pq.q);
	ck_assert_int_eq(pq.show_feeds, 1);
	ck_assert_uint_eq(pq.limit, 1);
	page_query_reset(&pq);
	ck_assert_ptr_null(query(&pq, "q=%20"));
	ck_assert_ptr_nonnull(pq.q);	/* not decoded here: a word */
	page_query_reset(&pq);
	ck_assert_ptr_null(query(&pq, "q=  "));
	ck_assert_ptr_null(pq.q);
	page_query_reset(&pq);
}
END_TEST

START_TEST(test_query_refuses)
{
	static const struct { const char *q, *why; } bad[] = {
		{ "bogus=1", "unknown parameter \"bogus\"" },
		{ "feeds=mehr", "unknown parameter \"feeds\"" },
		{ "limit=0", "bad limit" },
		{ "limit=101", "bad limit" },
		{ "limit=-1", "bad limit" },
		{ "limit=1e2", "bad limit" },
		{ "limit=", "bad limit" },
		{ "limit=99999999999999999999", "bad limit" },
		{ "offset=1001", "bad offset" },
		{ "offset=x", "bad offset" },
		{ "show=all", "bad show" },
		{ "tag=", "bad tag: empty" },
		{ "feed", "bad feed: empty" },
		{ "view=", "bad view: empty" },
		{ "tag=a&tag=b", "tag given twice" },
		{ "q=a&q=b", "q given twice" },
		{ "limit=5&limit=5", "limit given twice" },
	};
	struct page_query pq;
	char *long_name;
	size_t i;

	for (i = 0; i < NELEM(bad); i++) {
		ck_assert_msg(query(&pq, bad[i].q) != NULL, "%s", bad[i].q);
		ck_assert_msg(strstr(pq.err, bad[i].why) != NULL,
		    "%s: %s", bad[i].q, pq.err);
		page_query_reset(&pq);
	}
	long_name = xcalloc(PAGE_NAME_MAX + 2, 1);
	memset(long_name, 'x', PAGE_NAME_MAX + 1);
	page_query_init(&pq);
	page_query_add(&pq, "tag", long_name);
	ck_assert_ptr_nonnull(strstr(pq.err, "longer than"));
	page_query_reset(&pq);
	free(long_name);
}
END_TEST

START_TEST(test_query_key)
{
	struct page_query a, b;
	char *ka;

	query(&a, "tag=x&q=y");
	query(&b, "q=y&tag=x");
	ka = xstrdup(page_query_key(&a, T0));
	/* Order does not matter; the minute does (relative times). */
	ck_assert_str_eq(ka, page_query_key(&b, T0 + 1));
	ck_assert_str_ne(ka, page_query_key(&b, T0 + 60));
	free(ka);
	page_query_reset(&b);
	/* A tag is not a feed of the same name. */
	query(&b, "feed=x&q=y");
	ck_assert_str_ne(page_query_key(&a, T0), page_query_key(&b, T0));
	page_query_reset(&a);
	page_query_reset(&b);
	query(&a, "limit=10");
	query(&b, "limit=10&offset=10");
	ck_assert_str_ne(page_query_key(&a, T0), page_query_key(&b, T0));
	page_query_reset(&a);
	page_query_reset(&b);
}
END_TEST

/* --- the policy */

START_TEST(test_sha256)
{
	static const struct { const char *in, *out; } v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb924"
		    "27ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223"
		    "b00361a396177a9cb410ff61f20015ad" },
		/* 56 bytes: the length needs a second block. */
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		    "248d6a61d20638b8e5c026930c3e6039"
		    "a33ce45964ff2167f6ecedd419db06c1" },
	};
	unsigned char d[32];
	char *h;
	size_t i;

	for (i = 0; i < NELEM(v); i++) {
		page_sha256(v[i].in, strlen(v[i].in), d);
		h = hex(d, 32);
		ck_assert_str_eq(h, v[i].out);
		free(h);
	}
}
END_TEST

/* The style in the page is the one the policy names, and the policy
 * allows no script. */
START_TEST(test_policy)
{
	struct page_data d;
	struct buf out;
	const char *s, *e;
	unsigned char dg[32];
	char *want, *b;

	memset(&d, 0, sizeof(d));
	d.now = T0;
	buf_init(&out, 0);
	page_html(&d, &out);
	s = strstr(out.data, "<style>");
	e = strstr(out.data, "</style>");
	ck_assert(s != NULL && e != NULL && s < e);
	s += strlen("<style>");
	page_sha256(s, (size_t)(e - s), dg);
	b = b64(dg, 32);
	want = xasprintf("style-src 'sha256-%s';", b);
	ck_assert_msg(strstr(out.data, want) != NULL, "%s", want);
	ck_assert_ptr_nonnull(strstr(out.data, "default-src 'none'"));
	ck_assert_ptr_null(strstr(out.data, "script-src"));
	ck_assert_ptr_null(strstr(out.data, "unsafe-"));
	ck_assert_ptr_null(strstr(out.data, "<script"));
	ck_assert_int_eq(count(out.data, "<style"), 1);
	ck_assert_ptr_null(strstr(out.data, " style="));
	free(want);
	free(b);
	buf_reset(&out);
}
END_TEST

/* --- the river */

static struct store_item items[6];
static struct enclosure encl[2];
static struct store_feed_row rows[3];
static char *row_tags0[] = { (char *)"Europe", (char *)"news" };
static char *row_tags1[] = { (char *)"europe" };
static struct conf_view views[1];

static void
river_setup(void)
{
	static char longtext[2000];
	size_t i;

	memset(items, 0, sizeof(items));
	for (i = 0; i < 6; i++) {
		items[i].feed_name = (char *)"bbc";
		items[i].feed_title = (char *)"BBC <News>";
		items[i].entry.published = FEED_NO_DATE;
		items[i].entry.updated = FEED_NO_DATE;
	}
	/* 0: markup in the title, HTML in the summary, 5 minutes old. */
	items[0].entry.title = (char *)"Kyiv <b>talks</b> & \"peace\"";
	items[0].entry.link = (char *)"https://news.example/a?x=1&y=2";
	items[0].entry.summary = (char *)"<p>Hello &amp; <b>world</b>"
	    "</p><p>&#8220;Second&#x201d; &lt;para&gt;</p>";
	items[0].entry.published = T0 - 300;
	/* 1: a javascript: link, an image enclosure, 3 hours old. */
	items[1].entry.title = (char *)"Inert link";
	items[1].entry.link = (char *)"javascript:alert(1)";
	items[1].entry.published = T0 - 3 * 3600;
	encl[0].url = (char *)"data:image/png;base64,AAAA";
	encl[0].type = (char *)"image/png";
	encl[1].url = (char *)"https://img.example/lead.jpg?a=1&b=2";
	encl[1].type = (char *)"image/jpeg";
	items[1].entry.enclosures = encl;
	items[1].entry.nenclosures = 2;
	/* 2: a picture in the content, a long text of several scripts. */
	for (i = 0; i + 12 < sizeof(longtext) - 1; i += 12)
		memcpy(longtext + i, "Кыïв 中国 ab ", 12);
	items[2].entry.title = (char *)"Long";
	items[2].entry.content = xasprintf("<figure><img alt=\"x\" "
	    "src=\"https://img.example/c.png?w=1&amp;h=2\"></figure><p>%s"
	    "</p>", longtext);
	items[2].entry.published = T0 - 2 * 86400;
	/* 3: a summary that only repeats the title; no date at all. */
	items[3].entry.title = (char *)"Same";
	items[3].entry.summary = (char *)"<p>Same</p>";
	/* 4: old, with an author. */
	items[4].entry.title = (char *)"Old";
	items[4].entry.author = (char *)"Ann Writer";
	items[4].entry.published = T0 - 400 * 86400;
	/* 5: untitled. */
	items[5].entry.published = T0 + 3600;

	memset(rows, 0, sizeof(rows));
	rows[0].name = (char *)"bbc";
	rows[0].title = (char *)"BBC <News>";
	rows[0].tags = row_tags0;
	rows[0].ntags = 2;
	rows[0].entries = 6;
	rows[0].state.last_success = T0;
	rows[1].name = (char *)"broken";
	rows[1].tags = row_tags1;
	rows[1].ntags = 1;
	rows[1].state.failures = 3;
	rows[1].state.last_error = (char *)"HTTP 500";
	rows[2].name = (char *)"gone-away";
	rows[2].retired = T0 - 10;
	memset(views, 0, sizeof(views));
	views[0].name = (char *)"eu";
	views[0].title = (char *)"Europe & more";
}

static void
river_teardown(void)
{
	free(items[2].entry.content);
}

static char *
river(const char *q, size_t nitems, int more)
{
	struct page_query pq;
	struct page_data d;
	struct buf out;

	ck_assert_ptr_null(query(&pq, q));
	memset(&d, 0, sizeof(d));
	d.items = items;
	d.nitems = nitems;
	d.feeds = rows;
	d.nfeeds = 3;
	d.now = T0;
	d.views = views;
	d.nviews = 1;
	d.more = more;
	buf_init(&out, 0);
	page_river_html(&d, &pq, &out);
	page_query_reset(&pq);
	return buf_steal(&out);
}

START_TEST(test_river_entries)
{
	char *h = river("", 6, 0);

	ck_assert_int_eq(count(h, "<article>"), 6);
	ck_assert_int_eq(count(h, "<h1>"), 1);
	ck_assert_ptr_nonnull(strstr(h, "<h1>Latest news</h1>"));
	/* Escaped once, everywhere. */
	ck_assert_ptr_nonnull(strstr(h, "<h2 dir=\"auto\"><a href=\"https://"
	    "news.example/a?x=1&amp;y=2\">Kyiv &lt;b&gt;talks&lt;/b&gt; &amp; &quot;peace"
	    "&quot;</a></h2>"));
	ck_assert_ptr_null(strstr(h, "<b>"));
	/* The outlet filters the river to its feed. */
	ck_assert_ptr_nonnull(strstr(h, "<a href=\"/?feed=bbc\">BBC &lt;News"
	    "&gt;</a>"));
	/* The summary as text: tags gone, entities decoded then escaped. */
	ck_assert_ptr_nonnull(strstr(h, "<p class=\"sum\" dir=\"auto\">Hello "
	    "&amp; world \xe2\x80\x9cSecond\xe2\x80\x9d &lt;para&gt;</p>"));
	/* Relative times, the absolute one on hover. */
	ck_assert_ptr_nonnull(strstr(h, "<time datetime=\"2023-11-14T22:08:"
	    "20Z\" title=\""));
	ck_assert_ptr_nonnull(strstr(h, "\">5 min ago</time>"));
	ck_assert_ptr_nonnull(strstr(h, "\">3 h ago</time>"));
	ck_assert_ptr_nonnull(strstr(h, "\">2 d ago</time>"));
	ck_assert_ptr_nonnull(strstr(h, "\">2022-"));	/* 400 days */
	/* A javascript: link is text; a data: image is not shown. */
	ck_assert_ptr_nonnull(strstr(h, "<h2 dir=\"auto\">Inert link</h2>"));
	ck_assert_ptr_null(strstr(h, "javascript:"));
	ck_assert_ptr_null(strstr(h, "data:"));
	ck_assert_ptr_nonnull(strstr(h, "<img class=\"lead\" src=\"https://"
	    "img.example/lead.jpg?a=1&amp;b=2\" alt=\"\" loading=\"lazy\" "
	    "decoding=\"async\" referrerpolicy=\"no-referrer\">"));
	ck_assert_ptr_nonnull(strstr(h, "src=\"https://img.example/c.png?w=1"
	    "&amp;h=2\""));
	ck_assert_int_eq(count(h, "<img"), 2);
	/* A summary that says the title again is left out. */
	ck_assert_ptr_null(strstr(h, "<p class=\"sum\" dir=\"auto\">Same"));
	ck_assert_ptr_nonnull(strstr(h, " &#183; Ann Writer"));
	ck_assert_ptr_nonnull(strstr(h, "(untitled)"));
	/* Nothing to page through. */
	ck_assert_ptr_null(strstr(h, "class=\"pager\""));
	free(h);
}
END_TEST

/* The excerpt is cut at a word, in valid UTF-8, with an ellipsis. */
START_TEST(test_river_excerpt)
{
	char *h = river("", 3, 0), *s, *e, *text;
	const unsigned char *p;
	size_t n;

	s = strstr(h, "<h2 dir=\"auto\">Long</h2>");
	ck_assert_ptr_nonnull(s);
	s = strstr(s, "<p class=\"sum\" dir=\"auto\">");
	ck_assert_ptr_nonnull(s);
	s += strlen("<p class=\"sum\" dir=\"auto\">");
	e = strstr(s, "</p>");
	text = xasprintf("%.*s", (int)(e - s), s);
	n = strlen(text);
	ck_assert_uint_le(n, 330);
	ck_assert_uint_ge(n, 200);
	ck_assert_str_eq(text + n - 3, "\xe2\x80\xa6");
	ck_assert_int_ne(text[n - 4], ' ');
	ck_assert(strncmp(text, "\xd0\x9a\xd1\x8b\xc3\xaf\xd0\xb2 ", 9) == 0);
	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		if (*p < 0x80)
			continue;
		/* Every multi-byte character is whole. */
		n = *p >= 0xf0 ? 3 : *p >= 0xe0 ? 2 : 1;
		ck_assert(*p >= 0xc2);
		for (; n > 0; n--)
			ck_assert((*++p & 0xc0) == 0x80);
	}
	free(text);
	free(h);
}
END_TEST

START_TEST(test_river_around)
{
	char *h = river("", 2, 0);

	/* Landmarks, a labelled search box, the language. */
	ck_assert_ptr_nonnull(strstr(h, "<html lang=\"en\">"));
	ck_assert_int_eq(count(h, "<main id=\"content\">"), 1);
	ck_assert_int_eq(count(h, "<header"), 1);
	ck_assert_int_eq(count(h, "<footer>"), 1);
	ck_assert_ptr_nonnull(strstr(h, "<aside id=\"browse\" aria-label=\"Browse\">"));
	ck_assert_ptr_nonnull(strstr(h, "role=\"search\""));
	ck_assert_ptr_nonnull(strstr(h, "<label class=\"vh\" for=\"q\">"));
	ck_assert_ptr_nonnull(strstr(h, "<input id=\"q\" name=\"q\""));
	ck_assert_ptr_nonnull(strstr(h, "href=\"#content\""));
	/* Feed health: two active feeds, one failing, the table linked. */
	ck_assert_ptr_nonnull(strstr(h, "<p>2 feeds, <a class=\"err\" "
	    "href=\"/?show=feeds\">1 failing</a> &#183; last read just now"));
	ck_assert_ptr_nonnull(strstr(h, "<aside id=\"browse\""));
	ck_assert_ptr_nonnull(strstr(h, "<a href=\"#browse\">"));
	/* Tags once whatever their case, with how many feeds have them. */
	ck_assert_ptr_nonnull(strstr(h, "<a href=\"/?tag=Europe\">Europe "
	    "<span class=\"count\">2</span></a>"));
	ck_assert_ptr_null(strstr(h, "href=\"/?tag=europe\""));
	ck_assert_ptr_nonnull(strstr(h, "href=\"/?tag=news\""));
	ck_assert_ptr_nonnull(strstr(h, "<a href=\"/?view=eu\">Europe &amp; "
	    "more</a>"));
	ck_assert_ptr_nonnull(strstr(h, "<a href=\"/?feed=broken\">broken"
	    "</a> <span class=\"err\">(failing)</span>"));
	ck_assert_ptr_null(strstr(h, "gone-away"));	/* retired */
	free(h);
}
END_TEST

START_TEST(test_river_filters)
{
	char *h;

	h = river("tag=europe&q=a%26b&limit=2&offset=4", 2, 1);
	ck_assert_ptr_nonnull(strstr(h, "<h1>Tag: europe \xc2\xb7 Search: "
	    "\xe2\x80\x9c" "a%26b\xe2\x80\x9d</h1>"));
	ck_assert_ptr_nonnull(strstr(h, "<title>Tag: europe"));
	ck_assert_ptr_nonnull(strstr(h, "Entries 5 to 6"));
	ck_assert_ptr_nonnull(strstr(h, "aria-current=\"page\">Europe"));
	/* The search keeps the tag; the box shows the words. */
	ck_assert_ptr_nonnull(strstr(h, "<input type=\"hidden\" name=\"tag\" "
	    "value=\"europe\">"));
	ck_assert_ptr_nonnull(strstr(h, "value=\"a%26b\""));
	/* Paging both ways keeps the filters; values are encoded. */
	ck_assert_ptr_nonnull(strstr(h, "<a rel=\"prev\" href=\"/?tag=europe"
	    "&amp;q=a%2526b&amp;limit=2&amp;offset=2\">"));
	ck_assert_ptr_nonnull(strstr(h, "<a rel=\"next\" href=\"/?tag=europe"
	    "&amp;q=a%2526b&amp;limit=2&amp;offset=6\">"));
	/* So do the alternate feeds. */
	ck_assert_ptr_nonnull(strstr(h, "type=\"application/atom+xml\" "
	    "title=\"Atom\" href=\"/feed.atom?tag=europe&amp;q=a%2526b\">"));
	ck_assert_ptr_nonnull(strstr(h, "<a href=\"/\">all the news</a>"));
	free(h);

	h = river("view=eu&offset=1000", 0, 1);
	ck_assert_ptr_nonnull(strstr(h, "<h1>Europe &amp; more</h1>"));
	ck_assert_ptr_nonnull(strstr(h, "href=\"/view/eu.atom\""));
	ck_assert_ptr_nonnull(strstr(h, "Nothing here."));
	/* Past the last offset there is no "older" link. */
	ck_assert_ptr_null(strstr(h, "rel=\"next\""));
	ck_assert_ptr_nonnull(strstr(h, "rel=\"prev\""));
	free(h);

	h = river("", 0, 0);
	ck_assert_ptr_nonnull(strstr(h, "No entries yet"));
	ck_assert_ptr_null(strstr(h, "<ol class=\"river\">"));
	free(h);

	h = river("feed=BBC", 6, 1);
	ck_assert_ptr_nonnull(strstr(h, "<h1>BBC &lt;News&gt;</h1>"));
	ck_assert_ptr_nonnull(strstr(h, "<a rel=\"next\" href=\"/?feed=BBC"
	    "&amp;offset=30\">"));
	free(h);
}
END_TEST

/* The feeds table: failing first, retired last, every time shown. */
START_TEST(test_feeds_table)
{
	struct page_data d;
	struct buf out;
	const char *fail, *ok, *ret;

	memset(&d, 0, sizeof(d));
	d.feeds = rows;
	d.nfeeds = 3;
	d.now = T0;
	buf_init(&out, 0);
	page_html(&d, &out);
	fail = strstr(out.data, "<tr class=\"failing\">");
	ok = strstr(out.data, "<tr class=\"ok\">");
	ret = strstr(out.data, "<tr class=\"retired\">");
	ck_assert(fail != NULL && ok != NULL && ret != NULL);
	ck_assert(fail < ok && ok < ret);
	ck_assert_ptr_nonnull(strstr(out.data, "<h1 id=\"feeds\">Feeds</h1>"));
	ck_assert_ptr_nonnull(strstr(out.data, "<div class=\"scroll\" "
	    "role=\"region\""));
	ck_assert_ptr_nonnull(strstr(out.data, "<th scope=\"col\">Feed</th>"));
	ck_assert_ptr_nonnull(strstr(out.data, "2 feeds, <span class=\"err\">"
	    "1 failing</span>, 1 retired"));
	buf_reset(&out);
}
END_TEST

/* --- page_index against a store */

static char tmpdir[64];
static struct store *store;
static struct conf conf;
static char *tags_a[] = { (char *)"Europe", (char *)"news" };
static char *view_feeds[] = { (char *)"beta" };

static void
store_setup(void)
{
	struct feed_info info;
	struct entry e;
	char path[128], id[16], title[32];
	char *err = NULL;
	int64_t fa, fb;
	int i, added;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_page.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/feedd.db", tmpdir);
	store = store_open(path, &err);
	ck_assert_msg(store != NULL, "store_open: %s", err ? err : "?");
	fa = store_feed_ensure(store, "alpha", "http://a.example/", NULL);
	fb = store_feed_ensure(store, "beta", "http://b.example/", "Beta");
	ck_assert_int_eq(store_feed_set_tags(store, fa, tags_a, 2), 0);
	memset(&info, 0, sizeof(info));
	info.title = (char *)"Alpha";
	info.updated = FEED_NO_DATE;
	/* alpha: 45 entries a minute apart; beta: one, older. */
	ck_assert_int_eq(store_doc_begin(store, fa), 0);
	for (i = 0; i < 45; i++) {
		memset(&e, 0, sizeof(e));
		snprintf(id, sizeof(id), "a%d", i);
		snprintf(title, sizeof(title), "Alpha %d", i);
		e.id = id;
		e.title = title;
		e.published = T0 - 60 * i;
		e.updated = FEED_NO_DATE;
		ck_assert_int_eq(store_doc_entry(store, &e, T0, &added), 0);
	}
	ck_assert_int_eq(store_doc_info(store, &info), 0);
	ck_assert_int_eq(store_doc_commit(store), 0);
	ck_assert_int_eq(store_doc_begin(store, fb), 0);
	memset(&e, 0, sizeof(e));
	e.id = (char *)"b0";
	e.title = (char *)"Beta zebra";
	e.published = T0 - 86400;
	e.updated = FEED_NO_DATE;
	ck_assert_int_eq(store_doc_entry(store, &e, T0, &added), 0);
	ck_assert_int_eq(store_doc_commit(store), 0);
	memset(&conf, 0, sizeof(conf));
	memset(views, 0, sizeof(views));
	views[0].name = (char *)"b";
	views[0].feeds = view_feeds;
	views[0].nfeeds = 1;
	conf.views = views;
	conf.nviews = 1;
}

static void
store_teardown(void)
{
	char cmd[128];

	store_close(store);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Renders / for q; returns the status, the page or reason in *out. */
static unsigned
index_of(const char *q, char **out)
{
	struct page_query pq;
	struct buf b;
	char *reason = NULL;
	unsigned st;

	ck_assert_ptr_null(query(&pq, q));
	buf_init(&b, 0);
	st = page_index(store, &conf, &pq, T0, &b, &reason);
	page_query_reset(&pq);
	if (st != 0) {
		ck_assert_ptr_nonnull(reason);
		buf_reset(&b);
		*out = reason;
	} else {
		ck_assert_ptr_null(reason);
		*out = buf_steal(&b);
	}
	return st;
}

START_TEST(test_index)
{
	char *h;

	ck_assert_uint_eq(index_of("", &h), 0);
	ck_assert_int_eq(count(h, "<article>"), 30);
	ck_assert_ptr_nonnull(strstr(h, ">Alpha 0<"));
	ck_assert_ptr_nonnull(strstr(h, ">Alpha 29<"));
	ck_assert_ptr_nonnull(strstr(h, "rel=\"next\" href=\"/?offset=30\""));
	free(h);
	/* The second page: the other 15 of alpha, then beta's. */
	ck_assert_uint_eq(index_of("offset=30", &h), 0);
	ck_assert_int_eq(count(h, "<article>"), 16);
	ck_assert_ptr_nonnull(strstr(h, ">Alpha 30<"));
	ck_assert_ptr_nonnull(strstr(h, ">Beta zebra<"));
	ck_assert_ptr_null(strstr(h, ">Alpha 29<"));
	ck_assert_ptr_null(strstr(h, "rel=\"next\""));
	free(h);
	/* Tags in any case; feeds; views; search. */
	ck_assert_uint_eq(index_of("tag=EUROPE&limit=100", &h), 0);
	ck_assert_int_eq(count(h, "<article>"), 45);
	free(h);
	ck_assert_uint_eq(index_of("feed=beta", &h), 0);
	ck_assert_int_eq(count(h, "<article>"), 1);
	free(h);
	ck_assert_uint_eq(index_of("view=b", &h), 0);
	ck_assert_int_eq(count(h, "<article>"), 1);
	free(h);
	ck_assert_uint_eq(index_of("q=zebra", &h), 0);
	ck_assert_int_eq(count(h, "<article>"), 1);
	ck_assert_ptr_nonnull(strstr(h, ">Beta zebra<"));
	free(h);
	ck_assert_uint_eq(index_of("show=feeds", &h), 0);
	ck_assert_int_eq(count(h, "<tr class="), 2);
	ck_assert_int_eq(count(h, "<article>"), 0);
	free(h);
}
END_TEST

START_TEST(test_index_refuses)
{
	static const struct { const char *q, *why; } bad[] = {
		{ "tag=nosuch", "no feed has the tag \"nosuch\"" },
		{ "feed=nosuch", "no feed named \"nosuch\"" },
		{ "view=nosuch", "no view named \"nosuch\"" },
		{ "view=b&tag=news", "has its own filters" },
		{ "show=feeds&tag=news", "show=feeds takes no other" },
	};
	char *h;
	size_t i;

	for (i = 0; i < NELEM(bad); i++) {
		ck_assert_uint_eq(index_of(bad[i].q, &h), 400);
		ck_assert_msg(strstr(h, bad[i].why) != NULL, "%s: %s",
		    bad[i].q, h);
		free(h);
	}
}
END_TEST

static Suite *
page_suite(void)
{
	Suite *s = suite_create("page");
	TCase *tc;

	tc = tcase_create("query");
	tcase_add_test(tc, test_query_accepts);
	tcase_add_test(tc, test_query_refuses);
	tcase_add_test(tc, test_query_key);
	tcase_add_test(tc, test_sha256);
	tcase_add_test(tc, test_policy);
	suite_add_tcase(s, tc);
	tc = tcase_create("river");
	tcase_add_checked_fixture(tc, river_setup, river_teardown);
	tcase_add_test(tc, test_river_entries);
	tcase_add_test(tc, test_river_excerpt);
	tcase_add_test(tc, test_river_around);
	tcase_add_test(tc, test_river_filters);
	tcase_add_test(tc, test_feeds_table);
	suite_add_tcase(s, tc);
	tc = tcase_create("index");
	tcase_add_checked_fixture(tc, store_setup, store_teardown);
	tcase_add_test(tc, test_index);
	tcase_add_test(tc, test_index_refuses);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	/* Absolute times in a known zone. */
	setenv("TZ", "UTC", 1);
	sr = srunner_create(page_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
