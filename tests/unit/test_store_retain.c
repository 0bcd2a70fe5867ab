/*
 * test_store_retain.c: retention and tombstones: the count and age
 * limits, purged entries staying gone while a feed serves them, the
 * bounds on a feed that rotates its ids, and the pages a purge frees
 * going back to the file system.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "parsers/feed.h"
#include "storage/store.h"
#include "test_store_util.h"

/* A document of n entries with ids "r<poll>-<i>", all new at each
 * poll: a publisher that rotates its ids. */
static int
rotate_poll(struct store *s, int64_t feed, int poll, int n, int64_t now)
{
	struct entry *v;
	char (*ids)[24];
	int i, added;

	v = calloc((size_t)n, sizeof(*v));
	ids = calloc((size_t)n, sizeof(*ids));
	ck_assert_ptr_nonnull(v);
	ck_assert_ptr_nonnull(ids);
	for (i = 0; i < n; i++) {
		snprintf(ids[i], sizeof(ids[i]), "r%d-%d", poll, i);
		v[i] = mk(ids[i], ids[i], NULL, now - n + i);
	}
	added = store_doc(s, feed, v, (size_t)n, now);
	free(ids);
	free(v);
	return added;
}

static int64_t
file_size(const char *suffix)
{
	char path[160];
	struct stat sb;

	snprintf(path, sizeof(path), "%s%s", dbpath, suffix);
	if (stat(path, &sb) == -1)
		return -1;
	return (int64_t)sb.st_size;
}

START_TEST(test_retention_count)
{
	struct store *s;
	struct entry e[5];
	int64_t id;
	uint64_t gen;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	ck_assert_int_eq(store_feed_retention(s, id, 0, 3), 0);
	ck_assert_int_eq(store_feed_retention(s, id + 9, 0, 3), -1);
	e[0] = mk("a", "A", NULL, T0 - 500);
	e[1] = mk("b", "B", NULL, T0 - 400);
	e[2] = mk("c", "C", NULL, T0 - 300);
	e[3] = mk("d", "D", NULL, T0 - 200);
	e[4] = mk("e", "E", NULL, T0 - 100);
	/* All five are in the latest document: none is purged. */
	ck_assert_int_eq(store_doc(s, id, e, 5, T0), 5);
	ck_assert_int_eq(count_rows(), 5);

	/* Two new ones; the old five dropped out of the feed.  The three
	 * most recently first seen stay: f, g and the newest row of the
	 * first fetch. */
	gen = store_generation(s);
	e[0] = mk("f", "F", NULL, T0 - 50);
	e[1] = mk("g", "G", NULL, T0 - 40);
	ck_assert_int_eq(store_doc(s, id, e, 2, T0 + 60), 2);
	ck_assert_int_eq(count_rows(), 3);
	ck_assert_int_eq(count_sql("SELECT count(*) FROM tombstones"), 4);
	ck_assert_int_eq(count_sql("SELECT count(*) FROM entries WHERE"
	    " src_id IN ('e', 'f', 'g')"), 3);
	ck_assert_uint_gt(store_generation(s), gen);

	/* The first document again: the purged entries stay purged. */
	e[0] = mk("a", "A", NULL, T0 - 500);
	e[1] = mk("b", "B", NULL, T0 - 400);
	gen = store_generation(s);
	ck_assert_int_eq(store_doc(s, id, e, 5, T0 + 120), 0);
	ck_assert_int_eq(count_rows(), 3);
	ck_assert_uint_eq(count_items(s), 3);
	ck_assert_uint_eq(store_generation(s), gen);

	/* An empty document purges nothing, whatever the limits. */
	ck_assert_int_eq(store_feed_retention(s, id, 0, 1), 0);
	ck_assert_int_eq(store_doc(s, id, NULL, 0, T0 + 180), 0);
	ck_assert_int_eq(count_rows(), 3);
	store_close(s);
	fts_check();
}
END_TEST

/* The case at the default bounds: 5000 new ids per fetch,
 * keep_entries 500.  Unbounded, ten fetches left 45,000 tombstones (and
 * 100,000 per fetch stalled the loop for seconds). */
START_TEST(test_rotating_ids_default_bounds)
{
	struct store *s;
	int64_t id, tombs;
	int poll;

	s = open_ok();
	id = store_feed_ensure(s, "rot", "https://example.org/feed", NULL);
	for (poll = 0; poll < 12; poll++) {
		/* At most 1000 new entries per document; the rest wait. */
		ck_assert_int_eq(rotate_poll(s, id, poll, 5000,
		    T0 + poll * 600), 1000);
		/* 10 * 1000 looked at, 1000 of them added. */
		ck_assert_int_eq(store_doc_skipped(s), 4000);
		tombs = count_sql("SELECT count(*) FROM tombstones");
		ck_assert_int_le(tombs, 10000);
	}
	/* Twelve fetches purged 11 * 1000 + 500 - 500: the oldest went. */
	ck_assert_int_eq(count_sql("SELECT count(*) FROM tombstones"), 10000);
	/* The document's own entries stay, past keep_entries. */
	ck_assert_int_eq(count_rows(), 1000);
	store_close(s);
	fts_check();
}
END_TEST

/* Lowered bounds: per document, per feed and in total. */
START_TEST(test_tombstone_bounds)
{
	struct store *s;
	int64_t a, b;
	int poll;

	s = open_ok();
	store_set_bounds(s, 40, 100, 150);
	a = store_feed_ensure(s, "a", "https://a.example/feed", NULL);
	b = store_feed_ensure(s, "b", "https://b.example/feed", NULL);
	ck_assert_int_eq(store_feed_retention(s, a, 0, 10), 0);
	ck_assert_int_eq(store_feed_retention(s, b, 0, 10), 0);
	for (poll = 0; poll < 6; poll++) {
		ck_assert_int_eq(rotate_poll(s, a, poll, 70, T0 + poll * 60),
		    40);
		/* 70 in the document, 40 added, 30 left for later. */
		ck_assert_int_eq(store_doc_skipped(s), 30);
		ck_assert_int_le(count_sql("SELECT count(*) FROM tombstones"
		    " WHERE feed_id = 1"), 100);
		ck_assert_int_eq(rotate_poll(s, b, poll + 100, 500,
		    T0 + poll * 60 + 30), 40);
		/* Only 10 * 40 of the 500 were looked at. */
		ck_assert_int_eq(store_doc_skipped(s), 500 - 40);
		ck_assert_int_le(count_sql("SELECT count(*) FROM tombstones"),
		    150);
	}
	/* The total is trimmed to nine tenths when it passes 150, the
	 * least recently seen first. */
	ck_assert_int_ge(count_sql("SELECT count(*) FROM tombstones"), 135);
	ck_assert_int_le(count_sql("SELECT max(n) FROM (SELECT count(*) AS n"
	    " FROM tombstones GROUP BY feed_id)"), 100);
	ck_assert_int_eq(count_rows(), 80);
	/* The second half of a document the bound cut is added later. */
	ck_assert_int_eq(rotate_poll(s, a, 5, 70, T0 + 3600), 30);
	ck_assert_int_eq(store_doc_skipped(s), 0);
	store_close(s);
	fts_check();
}
END_TEST

START_TEST(test_retention_age)
{
	struct store *s;
	struct entry e[2];
	int64_t id;

	s = open_ok();
	store_set_retention(s, 1, 0);
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	e[0] = mk("a", "A", NULL, T0 - 10);
	e[1] = mk("b", "B", NULL, T0 - 20);
	ck_assert_int_eq(store_doc(s, id, e, 2, T0), 2);
	/* Two days on, a and b are gone from the feed: purged. */
	e[0] = mk("c", "C", NULL, T0 + DAY);
	ck_assert_int_eq(store_doc(s, id, e, 1, T0 + 2 * DAY), 1);
	ck_assert_int_eq(count_rows(), 1);
	/* c is old by now but still served: kept.  a is back: not new. */
	e[1] = mk("a", "A", NULL, T0 - 10);
	ck_assert_int_eq(store_doc(s, id, e, 2, T0 + 5 * DAY), 0);
	ck_assert_int_eq(count_rows(), 1);
	/* An empty document purges nothing. */
	ck_assert_int_eq(store_doc(s, id, NULL, 0, T0 + 10 * DAY), 0);
	ck_assert_int_eq(count_rows(), 1);
	/* A per-feed setting overrides the default. */
	ck_assert_int_eq(store_feed_retention(s, id, 0, 0), 0);
	e[1] = mk("d", "D", NULL, T0 + 11 * DAY);
	ck_assert_int_eq(store_doc(s, id, &e[1], 1, T0 + 11 * DAY), 1);
	ck_assert_int_eq(count_rows(), 2);
	ck_assert_int_eq(store_feed_retention(s, id, -1, -1), 0);
	ck_assert_int_eq(store_doc(s, id, &e[1], 1, T0 + 12 * DAY), 0);
	ck_assert_int_eq(count_rows(), 1);

	/* Tombstones unseen for a year go; then the entry may return. */
	ck_assert_int_eq(count_sql("SELECT count(*) FROM tombstones"), 3);
	ck_assert_int_eq(store_doc(s, id, &e[1], 1, T0 + 400 * DAY), 0);
	ck_assert_int_eq(count_sql("SELECT count(*) FROM tombstones"), 0);
	e[0] = mk("a", "A", NULL, T0 - 10);
	ck_assert_int_eq(store_doc(s, id, e, 1, T0 + 401 * DAY), 1);
	store_close(s);
}
END_TEST

START_TEST(test_retention_frees_pages)
{
	struct store *s;
	static char big[8192];
	struct entry e;
	char idbuf[32];
	int64_t id, pages;
	int i, added;

	memset(big, 'x', sizeof(big) - 1);
	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	ck_assert_int_eq(store_feed_retention(s, id, 0, 5), 0);
	ck_assert_int_eq(store_doc_begin(s, id), 0);
	for (i = 0; i < 300; i++) {
		snprintf(idbuf, sizeof(idbuf), "big-%d", i);
		e = mk(idbuf, "Big", NULL, T0 - i);
		e.content = big;
		ck_assert_int_eq(store_doc_entry(s, &e, T0, &added), 0);
		ck_assert_int_eq(added, 1);
	}
	ck_assert_int_eq(store_doc_commit(s), 0);
	pages = count_sql("PRAGMA page_count");
	ck_assert_int_gt(pages, 300);

	e = mk("small", "Small", NULL, T0);
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0 + 60), 1);
	ck_assert_int_eq(count_rows(), 5);
	ck_assert_int_eq(count_sql("PRAGMA freelist_count"), 0);
	ck_assert_int_lt(count_sql("PRAGMA page_count"), pages / 4);

	/* The WAL holds those writes until a checkpoint empties it. */
	ck_assert_int_gt(file_size("-wal"), 0);
	ck_assert_int_eq(store_maintain(s), 0);
	ck_assert_int_eq(file_size("-wal"), 0);
	ck_assert_int_eq(store_doc_begin(s, id), 0);
	ck_assert_int_eq(store_maintain(s), -1);
	store_doc_rollback(s);
	store_close(s);
}
END_TEST

static Suite *
store_retain_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("store_retain");
	tc = tcase_create("db");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_retention_count);
	tcase_add_test(tc, test_retention_age);
	tcase_add_test(tc, test_rotating_ids_default_bounds);
	tcase_add_test(tc, test_tombstone_bounds);
	tcase_add_test(tc, test_retention_frees_pages);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int nf;

	feed_init();
	sr = srunner_create(store_retain_suite());
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	feed_cleanup();
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
