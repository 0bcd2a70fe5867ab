/*
 * test_store_read.c: the merged feed (store_items): its order,
 * every field of an item, guids per feed and derived ones, one article
 * carried by several feeds shown once, and the tags/feeds/since filters
 * under each plan.
 */
#include "config.h"

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/feed.h"
#include "storage/canon.h"
#include "storage/store.h"
#include "storage/store_test.h"
#include "test_store_util.h"

START_TEST(test_ordering)
{
	struct store *s;
	struct store_query q = { .limit = 10 };
	struct store_item *items;
	struct entry e[4];
	int64_t id;
	size_t n;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	e[0] = mk("old", "Old", NULL, T0 - 2 * DAY);
	e[1] = mk("mid", "Mid", NULL, T0 - DAY);
	/* A bad clock: a week ahead; ordered by first_seen (T0). */
	e[2] = mk("future", "Future", NULL, T0 + 7 * DAY);
	/* Less than a day ahead is believed. */
	e[3] = mk("soon", "Soon", NULL, T0 + 3600);
	ck_assert_int_eq(store_doc(s, id, e, 4, T0), 4);
	/* No date: ordered by first_seen (T0 - 12 h, seen in an earlier
	 * fetch), between Mid and the future entry. */
	e[0] = mk("undated", "Undated", NULL, FEED_NO_DATE);
	ck_assert_int_eq(store_doc(s, id, e, 1, T0 - DAY / 2), 1);

	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(items[0].entry.id, "soon");
	ck_assert_str_eq(items[1].entry.id, "future");
	ck_assert_str_eq(items[2].entry.id, "undated");
	ck_assert_str_eq(items[3].entry.id, "mid");
	ck_assert_str_eq(items[4].entry.id, "old");
	/* A date ahead of the fetch is stored as the fetch's time, so
	 * that no reader is told of an article from the future. */
	ck_assert_int_eq(items[0].entry.published, T0);
	ck_assert_int_eq(items[1].entry.published, T0);
	ck_assert_int_eq(items[2].entry.published, FEED_NO_DATE);
	ck_assert_int_eq(items[3].entry.published, T0 - DAY);
	store_items_free(items, n);

	/* Limit. */
	q.limit = 2;
	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(items[0].entry.id, "soon");
	ck_assert_str_eq(items[1].entry.id, "future");
	store_items_free(items, n);
	q.limit = 0;
	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_uint_eq(n, 0);
	store_items_free(items, n);
	store_close(s);
}
END_TEST

START_TEST(test_update_keeps_order_rule)
{
	struct store *s;
	struct store_query q = { .limit = 10 };
	struct store_item *items;
	struct entry e[2];
	int64_t id;
	size_t n;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	e[0] = mk("a", "A", NULL, T0 - 100);
	e[1] = mk("b", "B", NULL, T0 + 3600);
	ck_assert_int_eq(store_doc(s, id, e, 2, T0), 2);
	/* An update that moves A's date far ahead, days later: ordered by
	 * its first sighting still, not by the fetch of the update. */
	e[0].published = T0 + 30 * DAY;
	ck_assert_int_eq(store_doc(s, id, e, 2, T0 + 5 * DAY), 0);
	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(items[0].entry.id, "b");
	ck_assert_str_eq(items[1].entry.id, "a");
	store_items_free(items, n);
	/* An update to a believable date orders by it. */
	e[0].published = T0 + 7200;
	ck_assert_int_eq(store_doc(s, id, e, 2, T0 + 6 * DAY), 0);
	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_str_eq(items[0].entry.id, "a");
	store_items_free(items, n);
	store_close(s);
}
END_TEST

START_TEST(test_item_fields)
{
	struct store *s;
	struct store_query q = { .limit = 10 };
	struct store_item *items;
	struct entry e;
	struct enclosure enc[2];
	char *cats[3];
	int64_t a, b;
	size_t n;

	s = open_ok();
	a = store_feed_ensure(s, "world", "https://example.org/feed",
	    "My World");
	b = store_feed_ensure(s, "analysis", "https://example.net/atom",
	    NULL);
	ck_assert_int_ne(a, b);

	e = mk("x", "Quote \"and\" \\ back", "https://example.org/x",
	    T0 - 10);
	e.author = (char *)"Jane Doe";
	e.content = (char *)"<p>full</p>";
	e.updated = T0 - 5;
	cats[0] = (char *)"Europe";
	cats[1] = (char *)"Tab\there";
	cats[2] = (char *)"\xc3\xa9t\xc3\xa9";
	e.categories = cats;
	e.ncategories = 3;
	enc[0].url = (char *)"https://example.org/x.mp3";
	enc[0].type = (char *)"audio/mpeg";
	enc[0].length = 12345;
	enc[1].url = (char *)"https://example.org/x.jpg";
	enc[1].type = NULL;
	enc[1].length = -1;
	e.enclosures = enc;
	e.nenclosures = 2;
	ck_assert_int_eq(store_doc(s, a, &e, 1, T0), 1);
	ck_assert_int_eq(store_doc(s, a, &e, 1, T0 + 1), 0);

	e = mk("y", "Y", "https://example.net/y", T0 - 20);
	ck_assert_int_eq(store_doc(s, b, &e, 1, T0), 1);

	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(items[0].entry.title, "Quote \"and\" \\ back");
	ck_assert_str_eq(items[0].entry.author, "Jane Doe");
	ck_assert_str_eq(items[0].entry.summary, "<p>summary</p>");
	ck_assert_str_eq(items[0].entry.content, "<p>full</p>");
	ck_assert_str_eq(items[0].entry.link, "https://example.org/x");
	ck_assert_int_eq(items[0].entry.published, T0 - 10);
	ck_assert_int_eq(items[0].entry.updated, T0 - 5);
	ck_assert_uint_eq(items[0].entry.ncategories, 3);
	ck_assert_str_eq(items[0].entry.categories[0], "Europe");
	ck_assert_str_eq(items[0].entry.categories[1], "Tab\there");
	ck_assert_str_eq(items[0].entry.categories[2], "\xc3\xa9t\xc3\xa9");
	ck_assert_uint_eq(items[0].entry.nenclosures, 2);
	ck_assert_str_eq(items[0].entry.enclosures[0].url,
	    "https://example.org/x.mp3");
	ck_assert_str_eq(items[0].entry.enclosures[0].type, "audio/mpeg");
	ck_assert_int_eq(items[0].entry.enclosures[0].length, 12345);
	ck_assert_ptr_null(items[0].entry.enclosures[1].type);
	ck_assert_int_eq(items[0].entry.enclosures[1].length, -1);
	ck_assert_str_eq(items[0].feed_name, "world");
	/* The configured title wins over the channel's. */
	ck_assert_str_eq(items[0].feed_title, "My World");
	ck_assert_str_eq(items[0].feed_url, "https://example.org/feed");
	ck_assert_str_eq(items[0].feed_link, "https://example.org/");
	ck_assert_str_eq(items[1].feed_name, "analysis");
	ck_assert_str_eq(items[1].feed_title, "Channel title");
	ck_assert_ptr_null(items[1].entry.author);
	ck_assert_uint_eq(items[1].entry.ncategories, 0);
	ck_assert_ptr_null(items[1].entry.categories);
	/* guids are distinct, and differ across feeds for one id. */
	ck_assert_str_ne(items[0].guid, items[1].guid);
	store_items_free(items, n);
	store_close(s);
}
END_TEST

START_TEST(test_guid_per_feed)
{
	struct store *s;
	struct store_query q = { .limit = 10 };
	struct store_item *items;
	struct entry e;
	int64_t a, b;
	size_t n;

	s = open_ok();
	a = store_feed_ensure(s, "a", "https://a.example/feed", NULL);
	b = store_feed_ensure(s, "b", "https://b.example/feed", NULL);
	e = mk("1", "One", "https://a.example/1", T0 - 10);
	ck_assert_int_eq(store_doc(s, a, &e, 1, T0), 1);
	e.link = (char *)"https://b.example/1";
	ck_assert_int_eq(store_doc(s, b, &e, 1, T0), 1);
	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_ne(items[0].guid, items[1].guid);
	ck_assert(strncmp(items[0].guid, "tag:feedd,", 10) == 0);
	store_items_free(items, n);
	store_close(s);
}
END_TEST

/* A guid is derived from feed name and key when read (schema.c, step
 * 5), exactly as the store wrote it into each row before. */
START_TEST(test_guid_derived)
{
	struct store *s;
	struct store_query q = { .limit = 10 };
	struct store_item *items;
	struct entry e;
	char want[64];
	int64_t a;
	size_t n;

	s = open_ok();
	a = store_feed_ensure(s, "world", "https://a.example/feed", NULL);
	e = mk("x-1", "One", "https://a.example/1", T0 - 10);
	ck_assert_int_eq(store_doc(s, a, &e, 1, T0), 1);
	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_uint_eq(n, 1);
	snprintf(want, sizeof(want), "tag:feedd,2026:%016" PRIx64 "%016"
	    PRIx64, fnv64(FNV64_INIT, "world", 5),
	    fnv64(FNV64_INIT, "i:x-1", 5));
	ck_assert_str_eq(items[0].guid, want);
	store_items_free(items, n);
	store_close(s);
	ck_assert_int_eq(count_sql("SELECT count(*) FROM entries"
	    " WHERE guid IS NULL"), 1);
}
END_TEST

START_TEST(test_cross_feed_duplicate)
{
	struct store *s;
	struct store_query q = { .limit = 10 };
	struct store_item *items;
	struct entry e;
	int64_t a, b;
	size_t n;

	s = open_ok();
	a = store_feed_ensure(s, "wire", "https://a.example/feed", NULL);
	b = store_feed_ensure(s, "paper", "https://b.example/feed", NULL);
	e = mk("wire-1", "Story", "https://news.example/story?utm_source=a",
	    T0 - 10);
	ck_assert_int_eq(store_doc(s, a, &e, 1, T0), 1);
	e.id = (char *)"paper-77";
	e.title = (char *)"The story";
	e.link = (char *)"https://NEWS.example/story#top";
	ck_assert_int_eq(store_doc(s, b, &e, 1, T0 + 60), 1);
	/* Both feeds keep a row; the merged feed shows the first once. */
	ck_assert_int_eq(count_rows(), 2);
	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(items[0].feed_name, "wire");
	store_items_free(items, n);
	store_close(s);
}
END_TEST

/* Feeds a (tags news, tech), b (news) and c (none); a and b share one
 * article, stored by a first.  _i is the plan forced (0 = by cost). */
START_TEST(test_query_filters)
{
	struct store *s;
	struct store_query q;
	struct entry e[3];
	char *const ta[] = { (char *)"news", (char *)"tech" };
	char *const tb[] = { (char *)"news", (char *)"news", NULL };
	const char *news[] = { "news" }, *tech[] = { "tech" };
	const char *none[] = { "nope" }, *fb[] = { "b" };
	const char *fc[] = { "c", "nosuch" }, *fab[] = { "b", "a" };
	int64_t a, b, c;
	uint64_t gen;

	s = open_ok();
	store_set_feed_plan(s, _i);
	a = store_feed_ensure(s, "a", "https://a.example/feed", NULL);
	b = store_feed_ensure(s, "b", "https://b.example/feed", NULL);
	c = store_feed_ensure(s, "c", "https://c.example/feed", NULL);
	gen = store_generation(s);
	ck_assert_int_eq(store_feed_set_tags(s, a, ta, 2), 0);
	ck_assert_uint_gt(store_generation(s), gen);
	ck_assert_int_eq(store_feed_set_tags(s, b, tb, 3), 0);
	e[0] = mk("a1", "A1", "https://a.example/1", T0 - 300);
	e[1] = mk("a2", "Shared", "https://wire.example/s?utm_source=a",
	    T0 - 200);
	ck_assert_int_eq(store_doc(s, a, e, 2, T0), 2);
	e[0] = mk("b1", "B1", "https://b.example/1", T0 - 250);
	e[1] = mk("b2", "Shared in b", "https://wire.example/s", T0 - 100);
	ck_assert_int_eq(store_doc(s, b, e, 2, T0 + 10), 2);
	e[0] = mk("c1", "C1", "https://c.example/1", T0 - 50);
	ck_assert_int_eq(store_doc(s, c, e, 1, T0 + 20), 1);

	memset(&q, 0, sizeof(q));
	q.limit = 10;
	ck_assert_str_eq(titles(s, &q), "C1,Shared,B1,A1");
	q.tags = tech;
	q.ntags = 1;
	ck_assert_str_eq(titles(s, &q), "Shared,A1");
	q.tags = news;
	ck_assert_str_eq(titles(s, &q), "Shared,B1,A1");
	q.tags = none;
	ck_assert_str_eq(titles(s, &q), "");
	/* A feed's own view shows its copy of the shared article. */
	q.tags = NULL;
	q.ntags = 0;
	q.feeds = fb;
	q.nfeeds = 1;
	ck_assert_str_eq(titles(s, &q), "Shared in b,B1");
	q.feeds = fab;
	q.nfeeds = 2;
	ck_assert_str_eq(titles(s, &q), "Shared,B1,A1");
	q.limit = 1;
	ck_assert_str_eq(titles(s, &q), "Shared");
	q.limit = 10;
	/* Filters combine with AND. */
	q.feeds = fc;
	ck_assert_str_eq(titles(s, &q), "C1");
	q.tags = news;
	q.ntags = 1;
	ck_assert_str_eq(titles(s, &q), "");
	q.feeds = fb;
	q.nfeeds = 1;
	ck_assert_str_eq(titles(s, &q), "Shared in b,B1");
	q.since = T0 - 120;
	ck_assert_str_eq(titles(s, &q), "Shared in b");
	q.q = "b1";
	ck_assert_str_eq(titles(s, &q), "");
	q.since = 0;
	ck_assert_str_eq(titles(s, &q), "B1");
	/* since alone. */
	memset(&q, 0, sizeof(q));
	q.limit = 10;
	q.since = T0 - 250;
	ck_assert_str_eq(titles(s, &q), "C1,Shared,B1");
	q.since = T0 + 1;
	ck_assert_str_eq(titles(s, &q), "");

	/* New tags replace the old; none clears them. */
	ck_assert_int_eq(store_feed_set_tags(s, a, NULL, 0), 0);
	memset(&q, 0, sizeof(q));
	q.limit = 10;
	q.tags = tech;
	q.ntags = 1;
	ck_assert_str_eq(titles(s, &q), "");
	q.tags = news;
	ck_assert_str_eq(titles(s, &q), "Shared in b,B1");
	store_close(s);
}
END_TEST

static Suite *
store_read_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("store_read");
	tc = tcase_create("db");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ordering);
	tcase_add_test(tc, test_update_keeps_order_rule);
	tcase_add_test(tc, test_item_fields);
	tcase_add_test(tc, test_guid_per_feed);
	tcase_add_test(tc, test_guid_derived);
	tcase_add_test(tc, test_cross_feed_duplicate);
	tcase_add_loop_test(tc, test_query_filters, 0, 3);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int nf;

	feed_init();
	sr = srunner_create(store_read_suite());
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	feed_cleanup();
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
