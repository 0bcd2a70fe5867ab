/*
 * test_store_article.c: the full-article queue of the store: which new,
 * updated and unchanged entries want their article under each mode, the
 * due list, outcomes and the article served as the entry's content,
 * per-feed counts, robots.txt kept per host, and rows that go with
 * their entry.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "parsers/feed.h"
#include "storage/store.h"
#include "test_store_util.h"

/* An entry with a link and a summary of its own. */
static struct entry
mk_teaser(const char *id, const char *link, const char *summary)
{
	struct entry e;

	memset(&e, 0, sizeof(e));
	e.id = (char *)id;
	e.title = (char *)id;
	e.link = (char *)link;
	e.summary = (char *)summary;
	e.published = T0 - 60;
	e.updated = FEED_NO_DATE;
	return e;
}

/* Stores v as one document of feed with articles in mode. */
static void
doc(struct store *s, int64_t feed, enum store_articles mode,
    const struct entry *v, size_t n, int64_t now)
{
	size_t i;
	int added;

	ck_assert_int_eq(store_doc_begin(s, feed), 0);
	store_doc_articles(s, mode, 150);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(store_doc_entry(s, &v[i], now, &added), 0);
	ck_assert_int_eq(store_doc_commit(s), 0);
}

/* The urls of the due articles, space-separated, in a static buffer. */
static const char *
due(struct store *s, int64_t now)
{
	static char out[1024];
	struct store_article *a;
	size_t n, i;

	ck_assert_int_eq(store_articles_due(s, now, 100, &a, &n), 0);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(out, " ");
		strcat(out, a[i].url);
	}
	store_articles_free(a, n);
	return out;
}

static const char *long_text;

static void
make_long_text(void)
{
	static char buf[200 * 6 + 8];
	size_t i;

	for (i = 0; i < 200; i++)
		memcpy(buf + i * 6, "word, ", 6);
	strcpy(buf + 200 * 6 - 2, ".");
	long_text = buf;
}

/* NO wants nothing; AUTO only teasers; YES every web link. */
START_TEST(test_modes)
{
	struct store *s;
	int64_t a, b, c;
	struct entry v[4];

	make_long_text();
	s = open_ok();
	a = store_feed_ensure(s, "a", "http://o/a.xml", NULL);
	b = store_feed_ensure(s, "b", "http://o/b.xml", NULL);
	c = store_feed_ensure(s, "c", "http://o/c.xml", NULL);
	ck_assert(a > 0 && b > 0 && c > 0);
	v[0] = mk_teaser("1", "http://o/a1", "Two sentences. Only.");
	v[1] = mk_teaser("2", "http://o/a2", long_text);
	v[2] = mk_teaser("3", "mailto:x@o", "Short.");
	v[3] = mk_teaser("4", NULL, "Short.");
	doc(s, a, STORE_ARTICLES_NO, v, 4, T0);
	ck_assert_str_eq(due(s, T0), "");
	ck_assert_int_eq(store_articles_next(s), INT64_MAX);

	v[0].link = (char *)"http://o/b1";
	v[1].link = (char *)"http://o/b2";
	doc(s, b, STORE_ARTICLES_AUTO, v, 4, T0);
	ck_assert_str_eq(due(s, T0), "http://o/b1");

	v[0].link = (char *)"http://o/c1";
	v[1].link = (char *)"https://o/c2";
	doc(s, c, STORE_ARTICLES_YES, v, 4, T0);
	ck_assert_str_eq(due(s, T0), "http://o/b1 http://o/c1 https://o/c2");
	ck_assert_int_eq(store_articles_next(s), T0);
	store_close(s);
}
END_TEST

/*
 * An unchanged entry never wants its article again (nor after a
 * restart); a changed link does at once; an update with the same link
 * only when the article is over an hour old.
 */
START_TEST(test_refetch)
{
	struct store *s;
	struct store_article *a;
	size_t n;
	int64_t f, counts[STORE_ARTICLE_NSTATES];
	struct entry e = mk_teaser("1", "http://o/1", "Short.");

	s = open_ok();
	f = store_feed_ensure(s, "f", "http://o/f.xml", NULL);
	doc(s, f, STORE_ARTICLES_YES, &e, 1, T0);
	ck_assert_int_eq(store_articles_due(s, T0, 10, &a, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(a[0].tries, 0);
	ck_assert_int_eq(store_article_done(s, a[0].entry_id, a[0].url,
	    STORE_ARTICLE_EXTRACTED, "<p>Full</p>", NULL, 0, T0 + 10), 0);
	store_articles_free(a, n);
	ck_assert_str_eq(due(s, T0 + 100), "");

	/* The same document again, then after a restart. */
	doc(s, f, STORE_ARTICLES_YES, &e, 1, T0 + 200);
	store_close(s);
	s = open_ok();
	doc(s, f, STORE_ARTICLES_YES, &e, 1, T0 + 300);
	ck_assert_str_eq(due(s, T0 + 300), "");

	/* Updated, same link, article fresh: no. */
	e.summary = (char *)"Short, edited.";
	doc(s, f, STORE_ARTICLES_YES, &e, 1, T0 + 400);
	ck_assert_str_eq(due(s, T0 + 400), "");
	/* Updated again two hours later: once. */
	e.summary = (char *)"Short, edited twice.";
	doc(s, f, STORE_ARTICLES_YES, &e, 1, T0 + 7200);
	ck_assert_str_eq(due(s, T0 + 7200), "http://o/1");
	ck_assert_int_eq(store_article_counts(s, f, counts), 0);
	ck_assert_int_eq(counts[STORE_ARTICLE_WANTED], 1);
	ck_assert_int_eq(counts[STORE_ARTICLE_EXTRACTED], 0);

	/* A changed link: wanted at once, for the new link only; the
	 * outcome of a try for the old link is ignored. */
	ck_assert_int_eq(store_articles_due(s, T0 + 7200, 10, &a, &n), 0);
	ck_assert_uint_eq(n, 1);
	e.link = (char *)"http://o/1-moved";
	doc(s, f, STORE_ARTICLES_YES, &e, 1, T0 + 7300);
	ck_assert_int_eq(store_article_done(s, a[0].entry_id, "http://o/1",
	    STORE_ARTICLE_EXTRACTED, "<p>Old</p>", NULL, 0, T0 + 7300), 0);
	store_articles_free(a, n);
	ck_assert_str_eq(due(s, T0 + 7300), "http://o/1-moved");
	store_close(s);
}
END_TEST

/* Outcomes: a retry waits for its time; the extracted article is the
 * served content while the summary stays the feed's; counts by state. */
START_TEST(test_outcomes)
{
	struct store *s;
	struct store_article *a;
	struct store_item *items;
	struct store_query q;
	struct store_feed_row *rows;
	size_t n, ni, i, nrows;
	int64_t f, counts[STORE_ARTICLE_NSTATES];
	uint64_t gen;
	struct entry v[4];

	s = open_ok();
	f = store_feed_ensure(s, "f", "http://o/f.xml", NULL);
	v[0] = mk_teaser("1", "http://o/1", "Teaser one.");
	v[1] = mk_teaser("2", "http://o/2", "Teaser two.");
	v[2] = mk_teaser("3", "http://o/3", "Teaser three.");
	v[3] = mk_teaser("4", "http://o/4", "Teaser four.");
	v[1].published = T0 - 120;
	v[2].published = T0 - 180;
	v[3].published = T0 - 240;
	doc(s, f, STORE_ARTICLES_YES, v, 4, T0);
	ck_assert_int_eq(store_articles_due(s, T0, 10, &a, &n), 0);
	ck_assert_uint_eq(n, 4);
	gen = store_generation(s);
	for (i = 0; i < n; i++) {
		if (strcmp(a[i].url, "http://o/1") == 0)
			ck_assert_int_eq(store_article_done(s, a[i].entry_id,
			    a[i].url, STORE_ARTICLE_EXTRACTED,
			    "<p>The whole article.</p>", NULL, 0, T0 + 5), 0);
		else if (strcmp(a[i].url, "http://o/2") == 0)
			ck_assert_int_eq(store_article_done(s, a[i].entry_id,
			    a[i].url, STORE_ARTICLE_WANTED, NULL,
			    "HTTP 503", T0 + 600, T0 + 5), 0);
		else if (strcmp(a[i].url, "http://o/3") == 0)
			ck_assert_int_eq(store_article_done(s, a[i].entry_id,
			    a[i].url, STORE_ARTICLE_SKIPPED, NULL,
			    "robots.txt", 0, T0 + 5), 0);
		else
			ck_assert_int_eq(store_article_done(s, a[i].entry_id,
			    a[i].url, STORE_ARTICLE_FAILED, NULL,
			    "HTTP 404", 0, T0 + 5), 0);
	}
	store_articles_free(a, n);
	ck_assert(store_generation(s) != gen);
	ck_assert_str_eq(due(s, T0 + 599), "");
	ck_assert_str_eq(due(s, T0 + 600), "http://o/2");
	ck_assert_int_eq(store_articles_next(s), T0 + 600);
	ck_assert_int_eq(store_articles_due(s, T0 + 600, 10, &a, &n), 0);
	ck_assert_int_eq(a[0].tries, 1);
	store_articles_free(a, n);

	ck_assert_int_eq(store_article_counts(s, f, counts), 0);
	ck_assert_int_eq(counts[STORE_ARTICLE_WANTED], 1);
	ck_assert_int_eq(counts[STORE_ARTICLE_EXTRACTED], 1);
	ck_assert_int_eq(counts[STORE_ARTICLE_FAILED], 1);
	ck_assert_int_eq(counts[STORE_ARTICLE_SKIPPED], 1);
	/* The same counts in the list of feeds, for /status. */
	ck_assert_int_eq(store_feeds(s, &rows, &nrows), 0);
	ck_assert_uint_eq(nrows, 1);
	ck_assert_mem_eq(rows[0].articles, counts, sizeof(counts));
	store_feeds_free(rows, nrows);

	memset(&q, 0, sizeof(q));
	q.limit = 10;
	ck_assert_int_eq(store_items(s, &q, &items, &ni), 0);
	ck_assert_uint_eq(ni, 4);
	ck_assert_str_eq(items[0].entry.link, "http://o/1");
	ck_assert_str_eq(items[0].entry.content, "<p>The whole article.</p>");
	ck_assert_str_eq(items[0].entry.summary, "Teaser one.");
	ck_assert_ptr_null(items[1].entry.content);
	ck_assert_str_eq(items[1].entry.summary, "Teaser two.");
	store_items_free(items, ni);
	store_close(s);
}
END_TEST

/* robots.txt per host, and article rows that go with their entries
 * (retention) and their feed. */
START_TEST(test_robots_and_cascade)
{
	struct store *s;
	char *body;
	size_t len;
	int64_t fetched, f, counts[STORE_ARTICLE_NSTATES];
	int status;
	struct entry v[2];

	s = open_ok();
	ck_assert_int_eq(store_robots_get(s, "o", &fetched, &status, &body,
	    &len), 0);
	ck_assert_int_eq(store_robots_put(s, "o", T0, 200,
	    "User-agent: *\nDisallow: /x\n", 27), 0);
	ck_assert_int_eq(store_robots_get(s, "o", &fetched, &status, &body,
	    &len), 1);
	ck_assert_int_eq(fetched, T0);
	ck_assert_int_eq(status, 200);
	ck_assert_uint_eq(len, 27);
	ck_assert_str_eq(body, "User-agent: *\nDisallow: /x\n");
	free(body);
	ck_assert_int_eq(store_robots_put(s, "o", T0 + 9, 404, NULL, 0), 0);
	ck_assert_int_eq(store_robots_get(s, "o", &fetched, &status, &body,
	    &len), 1);
	ck_assert_int_eq(status, 404);
	ck_assert_ptr_null(body);
	ck_assert_uint_eq(len, 0);

	f = store_feed_ensure(s, "f", "http://o/f.xml", NULL);
	ck_assert_int_eq(store_feed_retention(s, f, 0, 1), 0);
	v[0] = mk_teaser("1", "http://o/1", "Short.");
	v[1] = mk_teaser("2", "http://o/2", "Short.");
	doc(s, f, STORE_ARTICLES_YES, &v[0], 1, T0);
	doc(s, f, STORE_ARTICLES_YES, &v[1], 1, T0 + 10);
	ck_assert_int_eq(store_article_counts(s, f, counts), 0);
	ck_assert_int_eq(counts[STORE_ARTICLE_WANTED], 1);
	ck_assert_str_eq(due(s, T0 + 10), "http://o/2");
	store_close(s);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("store_article");
	TCase *tc = tcase_create("store_article");
	SRunner *sr;
	int nf;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_modes);
	tcase_add_test(tc, test_refetch);
	tcase_add_test(tc, test_outcomes);
	tcase_add_test(tc, test_robots_and_cascade);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
