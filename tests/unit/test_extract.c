/*
 * test_extract.c: the article extractor on small pages, one per kind of
 * page that trips extractors (tests/data/extract/): navigation, related
 * lists, captions, comments, cookie banners, share bars, pagination, no
 * <article>, layout tables, <noscript> images, JSON-LD articleBody; pages
 * with no article (home page, login wall, error page); metadata, URLs and
 * sanitizing; charsets; input that is not HTML; hostile sizes and depths.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/extract.h"
#include "parsers/feed.h"
#include "base/util.h"

#define URL	"https://news.example.com/2026/ferry.html"

/* The article's five paragraphs each hold one of these. */
static const char *const paras[] = {
	"the new ferry line, which links the two islands",
	"Officials in both towns welcomed the decision",
	"According to the ministry, the project cost eleven million",
	"Residents interviewed at the quay were mostly enthusiastic",
	"The first crossing is scheduled for the first Monday",
};

static char *
load(const char *name, size_t *len)
{
	const char *top = getenv("top_srcdir");
	char *path, *data;
	FILE *fp;
	long n;

	path = xasprintf("%s/tests/data/extract/%s", top ? top : ".", name);
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

static void
run(const char *name, const char *charset, struct extract_result *r)
{
	struct extract_opts o = { URL, charset, 0 };
	char *doc, *err = NULL;
	size_t len;

	doc = load(name, &len);
	ck_assert_msg(extract_page(doc, len, &o, r, &err) == 0, "%s: %s",
	    name, err ? err : "");
	free(doc);
}

/* Every paragraph of the article is there, one per line. */
static void
all_paras(const char *name, const struct extract_result *r)
{
	size_t i;

	ck_assert_msg(r->content != NULL, "%s: no content (%s)", name,
	    r->reason ? r->reason : "");
	ck_assert_ptr_nonnull(r->text);
	ck_assert_ptr_null(r->reason);
	for (i = 0; i < NELEM(paras); i++) {
		ck_assert_msg(strstr(r->text, paras[i]) != NULL,
		    "%s: paragraph %zu missing from [%s]", name, i, r->text);
		ck_assert_msg(strstr(r->content, paras[i]) != NULL,
		    "%s: paragraph %zu missing from content", name, i);
	}
}

struct kind {
	const char	*file;
	const char	*absent[4];	/* must not be in text or content */
};

static const struct kind kinds[] = {
	{ "nav.html", { "World news section", "Menu entry alpha",
	    "Footer contact information", "The Island Gazette" } },
	{ "related.html", { "Bridge project delayed",
	    "Related stories", "Ten things to do", "You may also like" } },
	{ "caption.html", { "Photo: Harbour Authority",
	    "The new ferry at the quay", NULL } },
	{ "comments.html", { "Commenter remark one",
	    "Commenter remark two", "Post comment", NULL } },
	{ "cookie.html", { "We use cookies", "Accept all cookies", NULL } },
	{ "share.html", { "Share on Facebook", "Share by email",
	    "Share this article", NULL } },
	{ "multipage.html", { "Page 1 of 3", "Next page", NULL } },
	{ "noarticle.html", { "Weather: sunny", NULL } },
	{ "table.html", { "News index", "Contact us", NULL } },
	{ "noscript.html", { "data:image", NULL } },
	{ "jsonld.html", { "Loading the article", NULL } },
	{ "meta.html", { "By Maria Souza", "1 January 2020", "alert(",
	    "javascript:" } },
};

START_TEST(test_kind)
{
	const struct kind *k = &kinds[_i];
	struct extract_result r;
	size_t i;

	run(k->file, NULL, &r);
	all_paras(k->file, &r);
	for (i = 0; i < 4 && k->absent[i] != NULL; i++) {
		ck_assert_msg(strstr(r.text, k->absent[i]) == NULL,
		    "%s: [%s] in text [%s]", k->file, k->absent[i], r.text);
		ck_assert_msg(strstr(r.content, k->absent[i]) == NULL,
		    "%s: [%s] in content [%s]", k->file, k->absent[i],
		    r.content);
	}
	/* One paragraph a line: no line holds two of them. */
	ck_assert_msg(strstr(r.text, "summer. Officials") == NULL &&
	    strstr(r.text, "summer.Officials") == NULL,
	    "%s: paragraphs run together", k->file);
	extract_result_reset(&r);
}
END_TEST

START_TEST(test_caption_keeps_image)
{
	struct extract_result r;

	run("caption.html", NULL, &r);
	ck_assert_ptr_nonnull(strstr(r.content,
	    "<img src=\"https://news.example.com/img/ferry.jpg\""));
	ck_assert_str_eq(r.image, "https://news.example.com/img/ferry.jpg");
	extract_result_reset(&r);
}
END_TEST

START_TEST(test_noscript_images)
{
	struct extract_result r;

	run("noscript.html", NULL, &r);
	/* The placeholder takes the noscript's source; an image only in a
	 * noscript shows too. */
	ck_assert_ptr_nonnull(strstr(r.content,
	    "src=\"https://news.example.com/img/lazy.jpg\""));
	ck_assert_ptr_nonnull(strstr(r.content,
	    "src=\"https://news.example.com/img/only-noscript.jpg\""));
	extract_result_reset(&r);
}
END_TEST

START_TEST(test_jsonld)
{
	struct extract_result r;

	run("jsonld.html", NULL, &r);
	ck_assert_str_eq(r.title, "Ferry line opens between the islands");
	ck_assert_str_eq(r.byline, "Ana Lima, Piet de Vries");
	/* 08:15 at +01:00. */
	ck_assert_int_eq(r.published, 1772435700);
	ck_assert_str_eq(r.lang, "en");
	ck_assert_str_eq(r.image, "https://news.example.com/img/lead.jpg");
	extract_result_reset(&r);
}
END_TEST

START_TEST(test_meta)
{
	struct extract_result r;

	run("meta.html", NULL, &r);
	ck_assert_str_eq(r.title, "Ferry line opens between the islands");
	ck_assert_str_eq(r.byline, "Maria Souza");
	/* article:published_time beats a <time> in the body. */
	ck_assert_int_eq(r.published, 1772439300);
	ck_assert_str_eq(r.lang, "pt-BR");
	ck_assert_str_eq(r.site_name, "The Island Gazette");
	/* URLs resolve against <base href>, not the page URL. */
	ck_assert_str_eq(r.image, "https://cdn.example.org/news/img/og.jpg");
	ck_assert_ptr_nonnull(strstr(r.content,
	    "href=\"https://cdn.example.org/about/ferry.html\""));
	ck_assert_ptr_nonnull(strstr(r.content,
	    "src=\"https://cdn.example.org/news/pics/quay.jpg\""));
	/* The feed sanitizer ran: no script, no handler, no javascript:. */
	ck_assert_ptr_null(strstr(r.content, "<script"));
	ck_assert_ptr_null(strstr(r.content, "onerror"));
	ck_assert_ptr_null(strstr(r.content, "javascript"));
	/* The headline is the title, not the body. */
	ck_assert_ptr_null(strstr(r.content, "<h1"));
	extract_result_reset(&r);
}
END_TEST

struct none {
	const char	*file;
	const char	*reason;	/* a word the reason holds */
};

static const struct none nones[] = {
	{ "home.html", "links" },
	{ "teasers.html", "links" },
	{ "login.html", "login" },
	{ "error.html", "error" },
};

START_TEST(test_no_article)
{
	const struct none *c = &nones[_i];
	struct extract_result r;

	run(c->file, NULL, &r);
	ck_assert_msg(r.content == NULL, "%s: content [%s]", c->file,
	    r.content);
	ck_assert_ptr_null(r.text);
	ck_assert_ptr_nonnull(r.reason);
	ck_assert_msg(strstr(r.reason, c->reason) != NULL, "%s: reason [%s]",
	    c->file, r.reason);
	/* Metadata is still read. */
	ck_assert_ptr_nonnull(r.title);
	extract_result_reset(&r);
}
END_TEST

/* A short piece the page calls an article is kept, however short. */
START_TEST(test_brief)
{
	struct extract_result r;

	run("brief.html", NULL, &r);
	ck_assert_ptr_null(r.reason);
	ck_assert_str_eq(r.text, "The morning ferry left two hours late on "
	    "Friday because of thick fog, the harbour office said.");
	ck_assert_str_eq(r.title, "Ferry delayed by fog");
	extract_result_reset(&r);
}
END_TEST

START_TEST(test_charsets)
{
	struct extract_result r;

	/* <meta http-equiv> windows-1252. */
	run("cp1252.html", NULL, &r);
	ck_assert_str_eq(r.title, "Caf\xc3\xa9");
	ck_assert_ptr_nonnull(strstr(r.text,
	    "The caf\xc3\xa9 \xe2\x80\x99harbour\xe2\x80\x99 authority"));
	extract_result_reset(&r);
	/* The HTTP header's charset, for a page that declares none. */
	run("koi8r.html", "koi8-r", &r);
	ck_assert_ptr_nonnull(strstr(r.text, "\xd0\x9f\xd1\x80\xd0\xb8"
	    "\xd0\xb2\xd0\xb5\xd1\x82, The harbour"));
	extract_result_reset(&r);
	/* A quoted label, as some servers send it. */
	run("koi8r.html", "\"KOI8-R\"", &r);
	ck_assert_ptr_nonnull(strstr(r.text, "\xd0\x9f\xd1\x80\xd0\xb8"));
	extract_result_reset(&r);
}
END_TEST

static void
mem(const char *doc, size_t len, const char *charset,
    struct extract_result *r)
{
	struct extract_opts o = { URL, charset, 0 };
	char *err = NULL;

	ck_assert_msg(extract_page(doc, len, &o, r, &err) == 0, "%s",
	    err ? err : "");
}

/* The article of the pages in tests/data/extract. */
static const char art_html[] =
    "<p>The harbour authority said on Tuesday that the new ferry line, "
    "which links the two islands for the first time since 1998, will "
    "carry about four hundred passengers a day.</p>\n"
    "<p>Officials in both towns welcomed the decision, although some "
    "fishermen worry that the extra traffic, the noise and the wake of "
    "larger boats will disturb the shallow bays.</p>\n"
    "<p>According to the ministry, the project cost eleven million euros, "
    "most of it paid by a regional development fund, and the remainder by "
    "the two municipalities.</p>\n"
    "<p>Residents interviewed at the quay were mostly enthusiastic, saying "
    "that a reliable connection would let students, patients and workers "
    "travel without spending a night away.</p>\n"
    "<p>The first crossing is scheduled for the first Monday of next "
    "month, weather permitting, and tickets will be sold both online and "
    "at the harbour office.</p>\n";

/* A page around those paragraphs, built in memory. */
static char *
page(const char *before, const char *after)
{
	return xasprintf("<html><head><title>t</title></head><body>%s<div>"
	    "%s</div>%s</body></html>", before, art_html, after);
}

/* Tracking pixels (in <noscript> or not) are not images of the article. */
START_TEST(test_pixels)
{
	struct extract_result r;
	char *doc;

	doc = page("", "<noscript><img height=\"1\" width=\"1\" "
	    "src=\"https://tracker.example/px?id=1\"></noscript>"
	    "<img src=\"/stat.gif\" width=\"1\" height=\"1\">");
	mem(doc, strlen(doc), NULL, &r);
	ck_assert_ptr_nonnull(r.content);
	ck_assert_ptr_null(strstr(r.content, "tracker.example"));
	ck_assert_ptr_null(strstr(r.content, "stat.gif"));
	ck_assert_ptr_null(r.image);
	extract_result_reset(&r);
	free(doc);
}
END_TEST

/* An articleBody holding HTML is sanitized, not shown as markup. */
START_TEST(test_jsonld_html_body)
{
	struct extract_result r;
	char *doc;

	doc = xasprintf("<html><head><script type=\"application/ld+json\">"
	    "{\"@type\": \"NewsArticle\", \"headline\": \"H\", "
	    "\"articleBody\": \"<p>%s</p><p>%s <b>x</b></p>"
	    "<script>alert(1)<\\/script>\"}</script></head><body>"
	    "<div id=\"app\">Loading...</div></body></html>",
	    "The harbour authority said on Tuesday that the new ferry line, "
	    "which links the two islands for the first time since 1998, will "
	    "carry about four hundred passengers a day.",
	    "Officials in both towns welcomed the decision, although some "
	    "fishermen worry about the extra traffic.");
	mem(doc, strlen(doc), NULL, &r);
	ck_assert_ptr_nonnull(r.content);
	ck_assert_ptr_nonnull(strstr(r.content, "<p>The harbour authority"));
	ck_assert_ptr_null(strstr(r.content, "script"));
	ck_assert_ptr_null(strstr(r.text, "<p>"));
	ck_assert_ptr_nonnull(strstr(r.text, "Officials in both towns"));
	extract_result_reset(&r);
	free(doc);
}
END_TEST

/* Calls to comment or share after the article go; a last sentence that
 * mentions comments stays. */
START_TEST(test_tail)
{
	struct extract_result r;
	char *doc;

	doc = xasprintf("<html><head><title>t</title></head><body><div>%s"
	    "<p>The mayor declined further comments on the plan.</p>"
	    "<h3>Tell us what YOU think...</h3><p>3 comments</p>"
	    "<p>Like this story? Share it with a friend!</p></div>"
	    "</body></html>", art_html);
	mem(doc, strlen(doc), NULL, &r);
	ck_assert_ptr_nonnull(r.text);
	ck_assert_ptr_nonnull(strstr(r.text, "declined further comments"));
	ck_assert_ptr_null(strstr(r.text, "Tell us"));
	ck_assert_ptr_null(strstr(r.text, "3 comments"));
	ck_assert_ptr_null(strstr(r.text, "Share it"));
	extract_result_reset(&r);
	free(doc);
}
END_TEST

START_TEST(test_encodings_detected)
{
	struct extract_result r;
	char *doc, *u16;
	size_t i, n;

	/* A byte-order mark beats the header. */
	doc = page("", "");
	n = strlen(doc);
	u16 = xmalloc(2 * n + 2);
	u16[0] = (char)0xff;
	u16[1] = (char)0xfe;
	for (i = 0; i < n; i++) {
		u16[2 + 2 * i] = doc[i];
		u16[3 + 2 * i] = 0;
	}
	mem(u16, 2 * n + 2, "iso-8859-1", &r);
	ck_assert_ptr_nonnull(r.text);
	ck_assert_ptr_nonnull(strstr(r.text, paras[2]));
	extract_result_reset(&r);
	free(u16);
	free(doc);
	/* Valid UTF-8 labelled Latin-1 is read as UTF-8. */
	doc = page("<p>Caf\xc3\xa9 na pra\xc3\xa7" "a, o dia todo, com "
	    "amigos e vizinhos da ilha, desde sempre.</p>", "");
	mem(doc, strlen(doc), "iso-8859-1", &r);
	ck_assert_ptr_nonnull(strstr(r.text, "Caf\xc3\xa9 na pra\xc3\xa7"));
	extract_result_reset(&r);
	free(doc);
	/* Labelled UTF-8 without one UTF-8 sequence: Latin-1 mislabelled. */
	doc = page("<p>Caf\xe9 na pra\xe7" "a, o dia todo, com amigos e "
	    "vizinhos da ilha, desde sempre.</p>", "");
	mem(doc, strlen(doc), "utf-8", &r);
	ck_assert_ptr_nonnull(strstr(r.text, "Caf\xc3\xa9 na pra\xc3\xa7"));
	extract_result_reset(&r);
	free(doc);
	/* Undeclared bytes that are not UTF-8 are windows-1252. */
	doc = page("<p>Caf\xe9 na pra\xe7" "a, o dia todo, com amigos e "
	    "vizinhos da ilha, desde sempre.</p>", "");
	mem(doc, strlen(doc), NULL, &r);
	ck_assert_ptr_nonnull(strstr(r.text, "Caf\xc3\xa9 na pra\xc3\xa7"));
	extract_result_reset(&r);
	free(doc);
}
END_TEST

struct bad {
	const char	*doc;
	size_t		 len;
	const char	*why;	/* a word of the reason */
};

/* len 0: strlen(doc). */
static const struct bad bads[] = {
	{ "", 0, "empty" },
	{ "   \n\t", 0, "empty" },
	{ "{\"title\": \"x\"}", 0, "JSON" },
	{ "%PDF-1.4 ...", 0, "binary" },
	{ "\x89PNG\r\n\x1a\n\0\0\0", 11, "binary" },
	{ "\x01\x02<html><body><p>x</p></body></html>", 0, "binary" },
	{ "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>"
	    "<title>t</title></channel></rss>", 0, "feed" },
	{ "<feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>", 0, "feed" },
	{ "Just some plain text, no markup at all.", 0, "not an HTML" },
};

START_TEST(test_not_html)
{
	const struct bad *b = &bads[_i];
	struct extract_opts o = { URL, NULL, 0 };
	struct extract_result r;
	char *err = NULL;

	ck_assert_int_eq(extract_page(b->doc, b->len ? b->len :
	    strlen(b->doc), &o, &r, &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err, b->why) != NULL, "reason [%s]", err);
	ck_assert_ptr_null(strchr(err, '\n'));
	free(err);
}
END_TEST

START_TEST(test_size_cap)
{
	struct extract_opts o = { URL, NULL, 100 };
	struct extract_result r;
	char *doc = page("", ""), *err = NULL;

	ck_assert_int_eq(extract_page(doc, strlen(doc), &o, &r, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "larger"));
	free(err);
	free(doc);
}
END_TEST

/*
 * A page is read in slices: the text must not depend on where they fall.
 * A reader handing out 7 bytes at a time, across multi-byte characters,
 * gives what the page in one piece gives.
 */
struct drip {
	const char	*doc;
	size_t		 len, pos;
};

static long
drip_read(void *arg, char *buf, size_t len)
{
	struct drip *d = arg;
	size_t n = d->len - d->pos;

	n = n < 7 ? n : 7;
	n = n < len ? n : len;
	memcpy(buf, d->doc + d->pos, n);
	d->pos += n;
	return (long)n;
}

START_TEST(test_slices)
{
	struct extract_opts o = { URL, NULL, 0 };
	struct extract_result r1, r2;
	struct drip d;
	struct buf b;
	char *err = NULL;
	size_t i;

	/* Past the first 2 MiB, where the page flows in slices: tags,
	 * attributes, a script with a false end, comments and multi-byte
	 * characters, each cut somewhere by 7-byte reads. */
	buf_init(&b, 0);
	buf_addstr(&b, "<html><head><title>t</title></head><body><div>");
	for (i = 0; i < 2400000 / 47; i++)
		buf_addstr(&b, "<!-- a comment of some fifty bytes, padding -->");
	buf_addstr(&b, "</div><script>var s = '</scr' + 'ipt>';</script>");
	buf_addstr(&b, "<div><p class=\"lead\" data-x='1' title=a/b>Summer, "
	    "\xc3\xa9t\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80 and "
	    "\xe6\x97\xa5\xe6\x9c\xac, came early this year.</p>");
	buf_addstr(&b, art_html);
	buf_addstr(&b, "</div></body></html>");
	d.doc = b.data;
	d.len = b.len;
	d.pos = 0;
	ck_assert_int_eq(extract_page(b.data, b.len, &o, &r1, &err), 0);
	ck_assert_int_eq(extract_page_read(drip_read, &d, &o, &r2, &err), 0);
	ck_assert_ptr_nonnull(r1.text);
	ck_assert_ptr_nonnull(strstr(r1.text, "\xf0\x9f\x98\x80"));
	ck_assert_ptr_nonnull(strstr(r1.text, paras[4]));
	ck_assert_str_eq(r1.text, r2.text);
	ck_assert_str_eq(r1.content, r2.content);
	extract_result_reset(&r1);
	extract_result_reset(&r2);
	buf_reset(&b);
}
END_TEST

/*
 * Pages longer than what is read before the charset is chosen (2 MiB),
 * whose first non-ASCII byte comes after that: UTF-8, undeclared Latin-1,
 * a declared charset, UTF-16.  Every paragraph of "\xc3\xa9" (e acute)
 * comes out whole.
 */
START_TEST(test_late_charset)
{
	static const struct {
		const char	*charset;
		int		 width;	/* bytes of e acute */
	} cases[] = { { NULL, 2 }, { NULL, 1 }, { "iso-8859-15", 1 },
	    { "utf-16le", 0 } };
	struct extract_opts o = { URL, NULL, 0 };
	struct extract_result r;
	struct buf b, w;
	char *err = NULL, *line, *next;
	size_t i, k, n;

	for (k = 0; k < NELEM(cases); k++) {
		buf_init(&b, 0);
		buf_addstr(&b, "<html><body>");
		for (i = 0; i < 45; i++) {
			buf_addstr(&b, "<div data-x=\"");
			for (n = 0; n < 60000; n++)
				buf_addch(&b, 'y');
			buf_addstr(&b, "\"></div>\n");
		}
		buf_addstr(&b, "<article>");
		for (i = 0; i < 3000; i++) {
			buf_addstr(&b, "<p>");
			for (n = 0; n < 100; n++)
				buf_addstr(&b, cases[k].width == 1 ? "\xe9" :
				    "\xc3\xa9");
			buf_addstr(&b, "</p>\n");
		}
		buf_addstr(&b, "</article></body></html>");
		if (cases[k].width == 0) {
			/* UTF-16LE with its byte-order mark. */
			buf_init(&w, 0);
			buf_add(&w, "\xff\xfe", 2);
			for (i = 0; i < b.len; i++) {
				if ((unsigned char)b.data[i] == 0xc3) {
					buf_add(&w, "\xe9\0", 2);
					i++;
				} else {
					buf_addch(&w, b.data[i]);
					buf_addch(&w, '\0');
				}
			}
			buf_reset(&b);
			b = w;
		}
		o.charset = cases[k].charset;
		ck_assert_int_eq(extract_page(b.data, b.len, &o, &r, &err), 0);
		ck_assert_ptr_nonnull(r.text);
		for (line = r.text, n = 0; line != NULL; line = next, n++) {
			next = strchr(line, '\n');
			if (next != NULL)
				*next++ = '\0';
			ck_assert_uint_eq(strlen(line), 200);
			for (i = 0; i < 200; i += 2)
				ck_assert(memcmp(line + i, "\xc3\xa9", 2) == 0);
		}
		ck_assert_uint_eq(n, 3000);
		extract_result_reset(&r);
		buf_reset(&b);
	}
}
END_TEST

/* Hostile shapes finish and keep what they can (no timing asserted). */
START_TEST(test_hostile)
{
	struct extract_result r;
	struct buf b;
	size_t i;
	char *doc;

	/* 100,000 nested divs, closed by stray end tags. */
	buf_init(&b, 0);
	buf_addstr(&b, "<html><body>");
	doc = page("", "");
	buf_addstr(&b, strstr(doc, "<div>"));
	free(doc);
	for (i = 0; i < 100000; i++)
		buf_addstr(&b, "<div>");
	buf_addstr(&b, "<p>deep</p>");
	for (i = 0; i < 100000; i++)
		buf_addstr(&b, "</span>");
	mem(b.data, b.len, NULL, &r);
	ck_assert_ptr_nonnull(r.text);
	ck_assert_ptr_nonnull(strstr(r.text, paras[4]));
	extract_result_reset(&r);
	buf_reset(&b);

	/* A 10 MiB text node: its first MiB is kept (the reader cuts text
	 * between two tags there, and the tree's text there too). */
	buf_init(&b, 0);
	buf_addstr(&b, "<html><body><p>");
	for (i = 0; i < 10 * 1024 * 1024 / 8; i++)
		buf_addstr(&b, "a word, ");
	buf_addstr(&b, "</p></body></html>");
	mem(b.data, b.len, NULL, &r);
	ck_assert_ptr_nonnull(r.text);
	ck_assert_uint_ge(strlen(r.text), 1000000);
	ck_assert_uint_le(strlen(r.text), 1024 * 1024);
	extract_result_reset(&r);
	buf_reset(&b);

	/* 400,000 attributes on one tag (libxml2 checks them pairwise: 80,000
	 * took 23 s before they were cut to the first 32). */
	buf_init(&b, 0);
	buf_addstr(&b, "<html><body><article><p");
	for (i = 0; i < 400000; i++)
		buf_printf(&b, " a%zu=\"x\"", i);
	buf_addstr(&b, ">");
	for (i = 0; i < 5; i++)
		buf_printf(&b, "%s ", paras[i]);
	buf_addstr(&b, "</p></article></body></html>");
	mem(b.data, b.len, NULL, &r);
	ck_assert_ptr_nonnull(r.text);
	ck_assert_ptr_nonnull(strstr(r.text, paras[4]));
	extract_result_reset(&r);
	buf_reset(&b);

	/* More elements than the tree keeps: the text still counts. */
	buf_init(&b, 0);
	buf_addstr(&b, "<html><body><article>");
	for (i = 0; i < 300000; i++)
		buf_addstr(&b, "<p><b>x</b></p>");
	buf_addstr(&b, "<p>last words of the page, at the end.</p>");
	buf_addstr(&b, "</article></body></html>");
	mem(b.data, b.len, NULL, &r);
	ck_assert_ptr_nonnull(r.text);
	ck_assert_ptr_nonnull(strstr(r.text, "last words of the page"));
	extract_result_reset(&r);
	buf_reset(&b);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("extract");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int nf;

	feed_init();
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_kind, 0,
	    (int)NELEM(kinds));
	tcase_add_test(tc, test_caption_keeps_image);
	tcase_add_test(tc, test_noscript_images);
	tcase_add_test(tc, test_jsonld);
	tcase_add_test(tc, test_meta);
	tcase_add_loop_test(tc, test_no_article, 0,
	    (int)NELEM(nones));
	tcase_add_test(tc, test_brief);
	tcase_add_test(tc, test_pixels);
	tcase_add_test(tc, test_tail);
	tcase_add_test(tc, test_jsonld_html_body);
	tcase_add_test(tc, test_charsets);
	tcase_add_test(tc, test_encodings_detected);
	tcase_add_loop_test(tc, test_not_html, 0,
	    (int)NELEM(bads));
	tcase_add_test(tc, test_size_cap);
	tcase_add_test(tc, test_hostile);
	tcase_add_test(tc, test_slices);
	tcase_add_test(tc, test_late_charset);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
