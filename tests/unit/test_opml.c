/*
 * test_opml.c: OPML subscriptions: a real newsboat export, nested
 * folders and categories as tags, names, hostile and broken documents,
 * the round trips (OPML -> feeds -> OPML, and -> feedd.conf sections),
 * and `opml = PATH` in feedd.conf.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/conf.h"
#include "daemon/errlist.h"
#include "daemon/opml.h"
#include "base/util.h"
#include "storage/store.h"

static char *
data_path(const char *name)
{
	const char *top = getenv("top_srcdir");

	return xasprintf("%s/tests/data/opml/%s", top != NULL ? top : ".",
	    name);
}

struct list {
	struct opml_list list;
	struct opml_feed *feeds;	/* list.feeds, after the read */
	size_t		 n;
	struct errlist	 errlist;
	char		*errors;	/* the errors as text ("" if none) */
	int		 rc;
};

static void
read_done(struct list *l)
{
	l->feeds = l->list.feeds;
	l->n = l->list.nfeeds;
	l->errors = errlist_steal(&l->errlist);
}

static void
read_file(struct list *l, const char *name)
{
	char *path = data_path(name);

	memset(l, 0, sizeof(*l));
	errlist_init(&l->errlist);
	l->rc = opml_read_file(path, &l->list, &l->errlist);
	read_done(l);
	free(path);
}

static void
read_mem(struct list *l, const char *doc)
{
	memset(l, 0, sizeof(*l));
	errlist_init(&l->errlist);
	l->rc = opml_read_mem("mem.opml", doc, strlen(doc), &l->list,
	    &l->errlist);
	read_done(l);
}

static void
list_free(struct list *l)
{
	opml_list_reset(&l->list);
	errlist_reset(&l->errlist);
	free(l->errors);
}

/* Tags joined with ',' (static buffer). */
static const char *
join(char *const *tags, size_t ntags)
{
	static char s[256];
	size_t i;

	s[0] = '\0';
	for (i = 0; i < ntags; i++) {
		if (i > 0)
			strcat(s, ",");
		strcat(s, tags[i]);
	}
	return s;
}

#define tags_of(f)	join((f)->tags, (f)->ntags)

static const struct opml_feed *
by_name(const struct opml_feed *feeds, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(feeds[i].name, name) == 0)
			return &feeds[i];
	return NULL;
}

/* newsboat 2.21's `newsboat -e` of a urls file (tests/data/opml). */
START_TEST(test_newsboat)
{
	struct list l;

	read_file(&l, "newsboat-2.21.opml");
	ck_assert_msg(l.rc == 0, "errors: %s", l.errors);
	/* Seven outlines, one repeating a URL. */
	ck_assert_uint_eq(l.n, 6);
	ck_assert_str_eq(l.feeds[0].name,
	    "feeds-bbci-co-uk-news-world-rss-xml");
	ck_assert_str_eq(l.feeds[0].url,
	    "https://feeds.bbci.co.uk/news/world/rss.xml");
	ck_assert_ptr_null(l.feeds[0].title);	/* title="" */
	ck_assert_uint_eq(l.feeds[0].ntags, 0);
	ck_assert_str_eq(l.feeds[1].name, "theguardian-com-world-rss");
	ck_assert_str_eq(l.feeds[4].name, "ampersands-angles");
	ck_assert_str_eq(l.feeds[4].url, "https://example.com/feed?a=1&b=2");
	ck_assert_str_eq(l.feeds[4].title, "Ampersands & <Angles>");
	ck_assert_str_eq(l.feeds[5].name, "the-guardian-world");
	ck_assert_str_eq(l.feeds[5].url, "http://news.example.net/rss");
	list_free(&l);
}
END_TEST

START_TEST(test_nested)
{
	struct list l;
	const struct opml_feed *f;

	read_file(&l, "nested.opml");
	ck_assert_msg(l.rc == 0, "errors: %s", l.errors);
	/* Not the gopher: one, the repeated URL nor the link. */
	ck_assert_uint_eq(l.n, 5);
	f = by_name(l.feeds, l.n, "world-news");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->url, "https://news.example.com/world.xml");
	ck_assert_str_eq(tags_of(f), "News");
	f = by_name(l.feeds, l.n, "le-monde");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(tags_of(f), "News,Europe,fr");
	/* The same title twice: the second gets -2. */
	f = by_name(l.feeds, l.n, "world-news-2");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->url, "https://tech.example.org/news.atom");
	ck_assert_str_eq(tags_of(f), "Tech");
	/* Latin-1 letters folded; folder without a title adds no tag;
	 * "tech" repeats "Tech" in another case. */
	f = by_name(l.feeds, l.n, "unicode-blog");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->title, "\xc3\x9cn\xc3\xaf" "code  Blog!");
	ck_assert_str_eq(tags_of(f), "Tech,personal");
	/* No title: from the URL, without "www.". */
	f = by_name(l.feeds, l.n, "example-org-feeds-all-rss");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_null(f->title);
	list_free(&l);
}
END_TEST

START_TEST(test_names_stable)
{
	struct list a, b;
	size_t i;

	read_file(&a, "nested.opml");
	read_file(&b, "nested.opml");
	ck_assert_uint_eq(a.n, b.n);
	for (i = 0; i < a.n; i++)
		ck_assert_str_eq(a.feeds[i].name, b.feeds[i].name);
	list_free(&a);
	list_free(&b);
}
END_TEST

START_TEST(test_entities_refused)
{
	struct list l;

	read_file(&l, "entities.opml");
	ck_assert_int_eq(l.rc, -1);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_ptr_nonnull(strstr(l.errors,
	    "entities.opml:3: entity declarations are not allowed"));
	list_free(&l);
}
END_TEST

/* An external DTD is never fetched (NONET, no DTDLOAD): the document
 * reads fine and nothing of the DTD shows. */
/*
 * An outline with 80,000 attributes: libxml2 checks them pairwise (2 s,
 * and a bigger file without end).  Refused before libxml2 reads it.
 */
START_TEST(test_attribute_flood)
{
	struct list l;
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	buf_addstr(&b, "<opml version=\"2.0\"><body><outline "
	    "xmlUrl=\"http://e/f\"");
	for (i = 0; i < 80000; i++)
		buf_printf(&b, " a%zu=\"x\"", i);
	buf_addstr(&b, "/></body></opml>");
	read_mem(&l, b.data);
	ck_assert_int_eq(l.rc, -1);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_ptr_nonnull(strstr(l.errors, "more than 128 "
	    "attributes"));
	list_free(&l);
	buf_reset(&b);
}
END_TEST

START_TEST(test_external_dtd_ignored)
{
	struct list l;

	read_mem(&l, "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE opml SYSTEM \"file:///etc/passwd\">\n"
	    "<opml version=\"2.0\"><body>"
	    "<outline text=\"A\" xmlUrl=\"https://a.example/f\"/>"
	    "</body></opml>\n");
	ck_assert_msg(l.rc == 0, "errors: %s", l.errors);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.feeds[0].name, "a");
	list_free(&l);
}
END_TEST

START_TEST(test_broken)
{
	struct list l;

	read_file(&l, "broken.opml");
	ck_assert_int_eq(l.rc, -1);
	ck_assert_ptr_nonnull(strstr(l.errors, "broken.opml:8: "
	    "not well-formed XML"));
	ck_assert_ptr_null(strchr(l.errors, '\n'));
	list_free(&l);

	read_file(&l, "notopml.opml");
	ck_assert_int_eq(l.rc, -1);
	ck_assert_ptr_nonnull(strstr(l.errors, "notopml.opml:2: "
	    "not an OPML document"));
	list_free(&l);

	read_file(&l, "missing.opml");
	ck_assert_int_eq(l.rc, -1);
	ck_assert_ptr_nonnull(strstr(l.errors,
	    "missing.opml: No such file or directory"));
	list_free(&l);

	read_mem(&l, "<opml version=\"2.0\"><head/></opml>");
	ck_assert_int_eq(l.rc, -1);
	ck_assert_ptr_nonnull(strstr(l.errors, "mem.opml:1: no <body>"));
	list_free(&l);
}
END_TEST

/* Feeds already in the array (the [feed] sections) win by URL, and
 * their names are not reused. */
START_TEST(test_existing_win)
{
	static const char doc[] = "<opml version=\"1.0\"><body>\n"
	    "<outline text=\"World\" xmlUrl=\"https://news.example.com/"
	    "world.xml\"/>\n"
	    "<outline text=\"Le Monde\" xmlUrl=\"https://lemonde.example/"
	    "rss\"/>\n</body></opml>";
	struct list l;

	memset(&l, 0, sizeof(l));
	errlist_init(&l.errlist);
	opml_list_reserve(&l.list, "mine",
	    "https://news.example.com/world.xml");
	opml_list_reserve(&l.list, "le-monde", "https://other.example/feed");
	l.rc = opml_read_mem("m.opml", doc, strlen(doc), &l.list,
	    &l.errlist);
	read_done(&l);
	ck_assert_msg(l.rc == 0, "errors: %s", l.errors);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.feeds[0].name, "le-monde-2");
	ck_assert_str_eq(l.feeds[0].url, "https://lemonde.example/rss");
	list_free(&l);
}
END_TEST

/* A big export where every feed has the same title and every URL comes
 * twice: each feed is read once, names "same", "same-2", ... in order,
 * all distinct (the checks are hashed: this is 3000 outlines). */
START_TEST(test_many_same_title)
{
	enum { N = 1500 };
	struct buf doc;
	struct list l;
	char want[32];
	size_t i;

	buf_init(&doc, 0);
	buf_addstr(&doc, "<opml version=\"2.0\"><body>\n");
	for (i = 0; i < 2 * N; i++)
		buf_printf(&doc, "<outline text=\"Same\" "
		    "xmlUrl=\"https://example.org/%zu.xml\"/>\n", i % N);
	buf_addstr(&doc, "</body></opml>\n");
	read_mem(&l, doc.data);
	ck_assert_msg(l.rc == 0, "errors: %s", l.errors);
	ck_assert_uint_eq(l.n, N);
	ck_assert_str_eq(l.feeds[0].name, "same");
	for (i = 1; i < N; i++) {
		snprintf(want, sizeof(want), "same-%zu", i + 1);
		ck_assert_str_eq(l.feeds[i].name, want);
	}
	list_free(&l);
	buf_reset(&doc);
}
END_TEST

/* Feeds -> OPML -> feeds gives the same names, URLs, titles and tags. */
START_TEST(test_round_trip)
{
	struct list a, b;
	struct buf out;
	size_t i, j;

	read_file(&a, "nested.opml");
	ck_assert_int_eq(a.rc, 0);
	/* A title that needs escaping, and a name that does not come from
	 * the title. */
	free(a.feeds[0].title);
	a.feeds[0].title = xstrdup("A & B <\"quoted\"> 'x'");
	buf_init(&out, 0);
	opml_write(a.feeds, a.n, &out);
	ck_assert_ptr_nonnull(strstr(out.data, "<opml version=\"2.0\""));
	ck_assert_ptr_nonnull(strstr(out.data, "A &amp; B &lt;&quot;quoted"));
	read_mem(&b, out.data);
	ck_assert_msg(b.rc == 0, "errors: %s\n%s", b.errors, out.data);
	ck_assert_uint_eq(a.n, b.n);
	for (i = 0; i < a.n; i++) {
		ck_assert_str_eq(a.feeds[i].name, b.feeds[i].name);
		ck_assert_str_eq(a.feeds[i].url, b.feeds[i].url);
		if (a.feeds[i].title == NULL)
			ck_assert_ptr_null(b.feeds[i].title);
		else
			ck_assert_str_eq(a.feeds[i].title, b.feeds[i].title);
		ck_assert_uint_eq(a.feeds[i].ntags, b.feeds[i].ntags);
		for (j = 0; j < a.feeds[i].ntags; j++)
			ck_assert_str_eq(a.feeds[i].tags[j],
			    b.feeds[i].tags[j]);
	}
	/* Deterministic: the same config gives the same bytes. */
	{
		struct buf again;

		buf_init(&again, 0);
		opml_write(a.feeds, a.n, &again);
		ck_assert_str_eq(out.data, again.data);
		buf_reset(&again);
	}
	buf_reset(&out);
	list_free(&a);
	list_free(&b);
}
END_TEST

/* import-opml's output is a valid feedd.conf giving the same feeds. */
START_TEST(test_conf_sections)
{
	struct list a;
	struct buf out;
	struct conf *conf;
	const struct conf_feed *f;
	char path[] = "/tmp/feedd-test-opml-XXXXXX";
	char *err = NULL;
	size_t i, j;
	FILE *fp;
	int fd;

	read_file(&a, "nested.opml");
	ck_assert_int_eq(a.rc, 0);
	free(a.feeds[1].title);
	a.feeds[1].title = xstrdup("Semi ; colon");
	buf_init(&out, 0);
	buf_addstr(&out, "[feedd]\n");
	conf_write_sections(a.feeds, a.n, &out);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	fputs(out.data, fp);
	fclose(fp);
	conf = conf_load(path, &err);
	unlink(path);
	ck_assert_msg(conf != NULL, "%s\n%s", err, out.data);
	ck_assert_uint_eq(conf->nfeeds, a.n);
	for (i = 0; i < a.n; i++) {
		f = conf_find_feed(conf, a.feeds[i].name);
		ck_assert_ptr_nonnull(f);
		ck_assert_str_eq(f->url, a.feeds[i].url);
		ck_assert_uint_eq(f->ntags, a.feeds[i].ntags);
		for (j = 0; j < f->ntags; j++)
			ck_assert_str_eq(f->tags[j], a.feeds[i].tags[j]);
	}
	/* inih would cut " ; colon" as a comment: the space goes. */
	ck_assert_str_eq(conf_find_feed(conf, a.feeds[1].name)->title,
	    "Semi; colon");
	conf_free(conf);
	buf_reset(&out);
	list_free(&a);
}
END_TEST

/* `opml = PATH` in feedd.conf: relative to the config's directory,
 * [feed] sections win, views may name OPML feeds, errors carry lines. */
START_TEST(test_conf_opml)
{
	char dir[] = "/tmp/feedd-test-opmldir-XXXXXX";
	char *cpath, *opath, *err, *text;
	struct conf *conf;
	const struct conf_feed *f;
	struct list back;
	struct store_feed_row rows[2];
	struct buf out;
	FILE *fp;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	opath = xasprintf("%s/subs.opml", dir);
	fp = fopen(opath, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("<opml version=\"2.0\"><body>\n"
	    "<outline text=\"News\">\n"
	    "<outline text=\"Mine too\" xmlUrl=\"https://a.example/f\"/>\n"
	    "<outline text=\"Other\" xmlUrl=\"https://b.example/f\"/>\n"
	    "</outline></body></opml>\n", fp);
	fclose(fp);

	cpath = xasprintf("%s/feedd.conf", dir);
	fp = fopen(cpath, "w");
	fputs("[feedd]\nopml = subs.opml\n"
	    "[feed mine]\nurl = https://a.example/f\ntags = x\n"
	    "[view news]\ntags = News\nfeeds = other\n", fp);
	fclose(fp);
	err = NULL;
	conf = conf_load(cpath, &err);
	ck_assert_msg(conf != NULL, "%s", err);
	ck_assert_str_eq(conf->opml, opath);
	ck_assert_uint_eq(conf->nfeeds, 2);
	f = conf_find_feed(conf, "mine");
	ck_assert_str_eq(tags_of(f), "x");
	ck_assert_int_gt(f->line, 0);
	f = conf_find_feed(conf, "other");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->url, "https://b.example/f");
	ck_assert_str_eq(tags_of(f), "News");
	/* A feed from the file inherits what a section could set. */
	ck_assert_int_eq(f->line, 0);
	ck_assert_int_eq(f->interval, 0);
	ck_assert_int_eq(f->interval_auto, CONF_INHERIT);
	ck_assert_int_eq(f->keep_days, CONF_INHERIT);
	ck_assert_int_eq(f->keep_entries, CONF_INHERIT);
	ck_assert_ptr_null(f->user_agent);
	/* Exported, the config reads back as the same feeds. */
	buf_init(&out, 0);
	conf_write_opml(conf, NULL, 0, &out);
	ck_assert_ptr_null(strstr(out.data, "htmlUrl"));
	read_mem(&back, out.data);
	ck_assert_msg(back.rc == 0, "%s", back.errors);
	ck_assert_uint_eq(back.n, 2);
	ck_assert_str_eq(back.feeds[0].name, "mine");
	ck_assert_str_eq(back.feeds[0].url, "https://a.example/f");
	ck_assert_str_eq(tags_of(&back.feeds[0]), "x");
	ck_assert_str_eq(back.feeds[1].name, "other");
	ck_assert_str_eq(back.feeds[1].title, "Other");
	ck_assert_str_eq(tags_of(&back.feeds[1]), "News");
	list_free(&back);
	buf_reset(&out);
	/* With what the store knows: a feed without a configured title
	 * gets its own, not its section name, and its site as htmlUrl;
	 * a configured title wins; a link that is not http(s) is left
	 * out. */
	memset(rows, 0, sizeof(rows));
	rows[0].name = (char *)"mine";
	rows[0].title = (char *)"Mine, as it calls itself";
	rows[0].link = (char *)"https://a.example/";
	rows[1].name = (char *)"other";
	rows[1].title = (char *)"Other";
	rows[1].link = (char *)"javascript:alert(1)";
	buf_init(&out, 0);
	conf_write_opml(conf, rows, 2, &out);
	ck_assert_ptr_nonnull(strstr(out.data, "text=\"Mine, as it calls "
	    "itself\" title=\"Mine, as it calls itself\" "
	    "xmlUrl=\"https://a.example/f\" htmlUrl=\"https://a.example/\""));
	ck_assert_ptr_null(strstr(out.data, "javascript"));
	buf_reset(&out);
	conf_free(conf);

	/* A broken OPML file rejects the config, with every other error. */
	fp = fopen(opath, "w");
	fputs("<opml version=\"2.0\"><body>\n<outline>\n</body></opml>\n",
	    fp);
	fclose(fp);
	fp = fopen(cpath, "w");
	fputs("[feedd]\nopml = subs.opml\nbogus = 1\n", fp);
	fclose(fp);
	conf = conf_load(cpath, &err);
	ck_assert_ptr_null(conf);
	/* libxml2 notices the mismatch at the end of the data. */
	text = xasprintf("%s:4: not well-formed XML", opath);
	ck_assert_msg(strstr(err, text) != NULL, "%s", err);
	ck_assert_ptr_nonnull(strstr(err, "feedd.conf:3: unknown option"));
	free(text);
	free(err);

	/* A missing one too. */
	unlink(opath);
	conf = conf_load(cpath, &err);
	ck_assert_ptr_null(conf);
	ck_assert_ptr_nonnull(strstr(err, "subs.opml: No such file"));
	free(err);

	unlink(cpath);
	rmdir(dir);
	free(cpath);
	free(opath);
}
END_TEST

static Suite *
opml_suite(void)
{
	Suite *s = suite_create("opml");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_newsboat);
	tcase_add_test(tc, test_nested);
	tcase_add_test(tc, test_names_stable);
	tcase_add_test(tc, test_entities_refused);
	tcase_add_test(tc, test_attribute_flood);
	tcase_add_test(tc, test_external_dtd_ignored);
	tcase_add_test(tc, test_broken);
	tcase_add_test(tc, test_existing_win);
	tcase_add_test(tc, test_many_same_title);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_conf_sections);
	tcase_add_test(tc, test_conf_opml);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(opml_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
