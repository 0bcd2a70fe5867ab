/*
 * test_store_feed.c: subscriptions: the state the scheduler saves
 * round-trips field by field, the list of feeds with their tags and
 * counts, retired feeds and their entries, the publication times the
 * adaptive interval reads, and registrations batched in one transaction.
 */
#include "config.h"

#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parsers/feed.h"
#include "storage/store.h"
#include "test_store_util.h"

START_TEST(test_feed_state_round_trip)
{
	struct store *s;
	struct store_feed_state in, out;
	int64_t id;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	ck_assert_int_eq(store_feed_state_get(s, id, &out), 0);
	ck_assert_ptr_null(out.etag);
	ck_assert_ptr_null(out.last_modified);
	ck_assert_ptr_null(out.last_error);
	ck_assert_int_eq(out.next_due, 0);
	ck_assert_int_eq(out.last_attempt, 0);
	ck_assert_int_eq(out.last_success, 0);
	ck_assert_int_eq(out.failures, 0);
	store_feed_state_reset(&out);

	memset(&in, 0, sizeof(in));
	in.etag = (char *)"W/\"abc\"";
	in.last_modified = (char *)"Tue, 14 Nov 2023 22:13:20 GMT";
	in.next_due = T0 + 1800;
	in.last_attempt = T0;
	in.last_success = T0 - 1800;
	in.last_error = (char *)"HTTP 503";
	in.failures = 3;
	ck_assert_int_eq(store_feed_state_put(s, id, &in), 0);
	ck_assert_int_eq(store_feed_state_get(s, id, &out), 0);
	ck_assert_str_eq(out.etag, in.etag);
	ck_assert_str_eq(out.last_modified, in.last_modified);
	ck_assert_str_eq(out.last_error, in.last_error);
	ck_assert_int_eq(out.next_due, in.next_due);
	ck_assert_int_eq(out.last_attempt, in.last_attempt);
	ck_assert_int_eq(out.last_success, in.last_success);
	ck_assert_int_eq(out.failures, 3);
	store_feed_state_reset(&out);

	/* NULLs overwrite: a success clears the error, no validators. */
	in.etag = NULL;
	in.last_modified = NULL;
	in.last_error = NULL;
	in.failures = 0;
	ck_assert_int_eq(store_feed_state_put(s, id, &in), 0);
	ck_assert_int_eq(store_feed_state_get(s, id, &out), 0);
	ck_assert_ptr_null(out.etag);
	ck_assert_ptr_null(out.last_modified);
	ck_assert_ptr_null(out.last_error);
	ck_assert_int_eq(out.failures, 0);
	store_feed_state_reset(&out);

	/* Unknown feeds fail. */
	ck_assert_int_eq(store_feed_state_get(s, id + 100, &out), -1);
	ck_assert_int_eq(store_feed_state_put(s, id + 100, &in), -1);

	/* A new URL drops the validators, which belonged to the old one. */
	in.etag = (char *)"\"x\"";
	ck_assert_int_eq(store_feed_state_put(s, id, &in), 0);
	ck_assert_int_eq(store_feed_ensure(s, "world",
	    "https://example.org/feed", "T"), id);
	ck_assert_int_eq(store_feed_state_get(s, id, &out), 0);
	ck_assert_str_eq(out.etag, "\"x\"");
	store_feed_state_reset(&out);
	ck_assert_int_eq(store_feed_ensure(s, "world",
	    "https://example.org/new-feed", "T"), id);
	ck_assert_int_eq(store_feed_state_get(s, id, &out), 0);
	ck_assert_ptr_null(out.etag);
	ck_assert_int_eq(out.next_due, T0 + 1800);
	store_feed_state_reset(&out);
	store_close(s);
}
END_TEST

START_TEST(test_feed_state_fetch_fields)
{
	struct store *s;
	struct store_feed_state in, out;
	uint64_t gen;
	int64_t id;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	ck_assert_int_eq(store_feed_state_get(s, id, &out), 0);
	ck_assert_int_eq(out.http_status, 0);
	ck_assert_ptr_null(out.error_class);
	ck_assert_ptr_null(out.current_url);
	ck_assert_ptr_null(out.redirect_target);
	ck_assert_int_eq(out.gone, 0);
	ck_assert_int_eq(out.skip_hours, 0);
	store_feed_state_reset(&out);

	memset(&in, 0, sizeof(in));
	in.etag = (char *)"\"v1\"";
	in.http_status = 503;
	in.error_class = (char *)"http";
	in.current_url = (char *)"https://example.org/moved";
	in.redirect_target = (char *)"https://example.org/moved-again";
	in.redirect_seen = 2;
	in.gone = 1;
	in.retry_after = T0 + 3600;
	in.ttl = 60 * 60;
	in.skip_hours = 1u << 0 | 1u << 23;
	in.skip_days = 1u << 0 | 1u << 6;
	in.interval = 7200;
	gen = store_feeds_generation(s);
	ck_assert_int_eq(store_feed_state_put(s, id, &in), 0);
	ck_assert_uint_gt(store_feeds_generation(s), gen);
	ck_assert_int_eq(store_feed_state_get(s, id, &out), 0);
	ck_assert_int_eq(out.http_status, 503);
	ck_assert_str_eq(out.error_class, "http");
	ck_assert_str_eq(out.current_url, "https://example.org/moved");
	ck_assert_str_eq(out.redirect_target,
	    "https://example.org/moved-again");
	ck_assert_int_eq(out.redirect_seen, 2);
	ck_assert_int_eq(out.gone, 1);
	ck_assert_int_eq(out.retry_after, T0 + 3600);
	ck_assert_int_eq(out.ttl, 3600);
	ck_assert_uint_eq(out.skip_hours, 1u << 0 | 1u << 23);
	ck_assert_uint_eq(out.skip_days, 1u << 0 | 1u << 6);
	ck_assert_int_eq(out.interval, 7200);
	store_feed_state_reset(&out);

	/* Survives a restart. */
	store_close(s);
	s = open_ok();
	ck_assert_int_eq(store_feed_state_get(s, id, &out), 0);
	ck_assert_str_eq(out.current_url, "https://example.org/moved");
	ck_assert_uint_eq(out.skip_hours, 1u << 0 | 1u << 23);
	store_feed_state_reset(&out);

	/* The same URL again keeps everything... */
	ck_assert_int_eq(store_feed_ensure(s, "world",
	    "https://example.org/feed", NULL), id);
	ck_assert_int_eq(store_feed_state_get(s, id, &out), 0);
	ck_assert_int_eq(out.gone, 1);
	ck_assert_str_eq(out.etag, "\"v1\"");
	store_feed_state_reset(&out);
	/* ...a new one drops what belonged to the old URL, and keeps the
	 * publisher's hints and the interval. */
	ck_assert_int_eq(store_feed_ensure(s, "world",
	    "https://example.net/feed", NULL), id);
	ck_assert_int_eq(store_feed_state_get(s, id, &out), 0);
	ck_assert_ptr_null(out.etag);
	ck_assert_ptr_null(out.current_url);
	ck_assert_ptr_null(out.redirect_target);
	ck_assert_int_eq(out.redirect_seen, 0);
	ck_assert_int_eq(out.gone, 0);
	ck_assert_int_eq(out.retry_after, 0);
	ck_assert_int_eq(out.ttl, 3600);
	ck_assert_int_eq(out.interval, 7200);
	store_feed_state_reset(&out);
	store_close(s);
}
END_TEST

START_TEST(test_feeds_list)
{
	struct store *s;
	struct store_feed_row *rows;
	struct store_feed_state st;
	struct entry e[3];
	char *const tags[] = { (char *)"zeta", (char *)"alpha" };
	uint64_t gen;
	int64_t a, b;
	size_t n;

	s = open_ok();
	ck_assert_int_eq(store_feeds(s, &rows, &n), 0);
	ck_assert_uint_eq(n, 0);
	store_feeds_free(rows, n);
	b = store_feed_ensure(s, "beta", "https://b.example/feed", "Beta!");
	a = store_feed_ensure(s, "alpha", "https://a.example/feed", NULL);
	ck_assert_int_eq(store_feed_set_tags(s, a, tags, 2), 0);
	ck_assert_int_eq(store_feed_retention(s, a, 0, 2), 0);
	e[0] = mk("1", "One", NULL, T0 - 30);
	e[1] = mk("2", "Two", NULL, T0 - 20);
	e[2] = mk("3", "Three", NULL, T0 - 10);
	ck_assert_int_eq(store_doc(s, a, e, 2, T0), 2);
	gen = store_feeds_generation(s);
	/* One more: count retention purges one. */
	ck_assert_int_eq(store_doc(s, a, &e[2], 1, T0 + 100), 1);
	ck_assert_uint_gt(store_feeds_generation(s), gen);
	memset(&st, 0, sizeof(st));
	st.http_status = 200;
	st.last_success = T0 + 100;
	ck_assert_int_eq(store_feed_state_put(s, a, &st), 0);

	ck_assert_int_eq(store_feeds(s, &rows, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(rows[0].id, a);
	ck_assert_str_eq(rows[0].name, "alpha");
	ck_assert_str_eq(rows[0].url, "https://a.example/feed");
	/* The channel's own title when the config has none. */
	ck_assert_str_eq(rows[0].title, "Channel title");
	ck_assert_str_eq(rows[0].link, "https://example.org/");
	ck_assert_uint_eq(rows[0].ntags, 2);
	ck_assert_str_eq(rows[0].tags[0], "alpha");
	ck_assert_str_eq(rows[0].tags[1], "zeta");
	ck_assert_int_eq(rows[0].entries, 2);
	/* The newest entry's date, not when it was first seen (T0 + 100). */
	ck_assert_int_eq(rows[0].newest, T0 - 10);
	ck_assert_int_eq(rows[0].retired, 0);
	ck_assert_int_eq(rows[0].state.http_status, 200);
	ck_assert_int_eq(rows[0].state.last_success, T0 + 100);
	ck_assert_int_eq(rows[1].id, b);
	ck_assert_str_eq(rows[1].title, "Beta!");
	ck_assert_ptr_null(rows[1].link);
	ck_assert_uint_eq(rows[1].ntags, 0);
	ck_assert_int_eq(rows[1].entries, 0);
	ck_assert_int_eq(rows[1].newest, 0);
	store_feeds_free(rows, n);
	ck_assert_int_eq(count_sql("SELECT n_entries FROM feeds"
	    " WHERE name = 'alpha'"), count_rows());
	store_close(s);
}
END_TEST

START_TEST(test_retired_feed)
{
	struct store *s;
	struct store_feed_row *rows;
	struct store_query q;
	struct entry e[2];
	const char *keep[] = { "kept" };
	int64_t old, kept, now;
	size_t n;

	s = open_ok();
	old = store_feed_ensure(s, "old", "https://old.example/feed", NULL);
	kept = store_feed_ensure(s, "kept", "https://k.example/feed", NULL);
	now = (int64_t)time(NULL);
	/* One entry first seen long ago, one recently. */
	e[0] = mk("1", "Ancient", NULL, T0 - 10);
	ck_assert_int_eq(store_doc(s, old, e, 1, T0), 1);
	e[1] = mk("2", "Recent", NULL, now - 10);
	/* (Still in the feed, Ancient escapes the feed's own purge.) */
	ck_assert_int_eq(store_doc(s, old, e, 2, now), 1);
	e[0] = mk("k", "Kept", NULL, T0 - 10);
	ck_assert_int_eq(store_doc(s, kept, e, 1, T0), 1);

	ck_assert_int_eq(store_feed_retire_absent(s, keep, 1, now), 0);
	ck_assert_int_eq(store_feeds(s, &rows, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(rows[0].name, "kept");
	ck_assert_int_eq(rows[0].retired, 0);
	ck_assert_str_eq(rows[1].name, "old");
	ck_assert_int_eq(rows[1].retired, now);
	store_feeds_free(rows, n);
	/* Still served, merged and by name. */
	memset(&q, 0, sizeof(q));
	q.limit = 10;
	ck_assert_str_eq(titles(s, &q), "Recent,Kept,Ancient");
	/* Maintenance applies its age limit (90 days) and nothing to the
	 * configured feed, whose documents do that. */
	ck_assert_int_eq(store_maintain(s), 0);
	ck_assert_str_eq(titles(s, &q), "Recent,Kept");
	ck_assert_int_eq(count_sql("SELECT count(*) FROM feeds"), 2);
	/* Configured again: active, with its entries. */
	ck_assert_int_eq(store_feed_ensure(s, "old",
	    "https://old.example/feed", NULL), old);
	ck_assert_int_eq(store_maintain(s), 0);
	ck_assert_str_eq(titles(s, &q), "Recent,Kept");
	/* Retired with nothing left: the row goes. */
	ck_assert_int_eq(store_feed_retention(s, old, 1, -1), 0);
	ck_assert_int_eq(store_feed_retire(s, old, now), 0);
	ck_assert_int_eq(store_maintain(s), 0);
	ck_assert_str_eq(titles(s, &q), "Recent,Kept");
	ck_assert_int_eq(store_feed_retire(s, old, now + 2 * DAY), 0);
	store_close(s);
	/* (Maintenance uses the clock: make the entry old instead.) */
	ck_assert_int_eq(count_sql("UPDATE entries SET first_seen = 5"
	    " WHERE title = 'Recent' RETURNING 1"), 1);
	s = open_ok();
	ck_assert_int_eq(store_maintain(s), 0);
	ck_assert_str_eq(titles(s, &q), "Kept");
	ck_assert_int_eq(count_sql("SELECT count(*) FROM feeds"), 1);
	ck_assert_int_eq(count_sql("SELECT count(*) FROM tombstones"), 0);
	store_close(s);
	fts_check();
}
END_TEST

START_TEST(test_publish_times)
{
	struct store *s;
	struct entry e[4];
	int64_t id, *t;
	size_t n;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	e[0] = mk("1", "A", NULL, T0 - 3 * 3600);
	e[1] = mk("2", "B", NULL, T0 - 1 * 3600);
	e[2] = mk("3", "C", NULL, FEED_NO_DATE);
	e[3] = mk("4", "D", NULL, T0 - 2 * 3600);
	ck_assert_int_eq(store_doc(s, id, e, 4, T0), 4);
	ck_assert_int_eq(store_feed_publish_times(s, id, 0, &t, &n), 0);
	ck_assert_uint_eq(n, 4);
	/* Undated in the feed's first document: below its oldest dated
	 * entry, less its place in the document. */
	ck_assert_int_eq(t[0], T0 - 3 * 3600 - 1 - 2);
	ck_assert_int_eq(t[1], T0 - 3 * 3600);
	ck_assert_int_eq(t[2], T0 - 2 * 3600);
	ck_assert_int_eq(t[3], T0 - 1 * 3600);
	free(t);
	ck_assert_int_eq(store_feed_publish_times(s, id, T0 - 2 * 3600, &t,
	    &n), 0);
	ck_assert_uint_eq(n, 2);
	free(t);
	/* Undated in a later one: when it was first seen. */
	e[0] = mk("5", "E", NULL, FEED_NO_DATE);
	ck_assert_int_eq(store_doc(s, id, e, 1, T0 + 60), 1);
	ck_assert_int_eq(store_feed_publish_times(s, id, T0, &t, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(t[0], T0 + 60);
	free(t);
	ck_assert_int_eq(store_feed_publish_times(s, id + 1, 0, &t, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(t);
	store_close(s);
}
END_TEST

/* The tags of feed id as "a,b" (sorted), read on a connection of the
 * test's own, so only what is committed shows. */
static const char *
committed_tags(int64_t id)
{
	static char out[256];
	char sql[128];
	sqlite3 *db;
	sqlite3_stmt *st;

	out[0] = '\0';
	snprintf(sql, sizeof(sql), "SELECT group_concat(tag, ',') FROM"
	    " (SELECT tag FROM feed_tags WHERE feed_id = %lld ORDER BY tag)",
	    (long long)id);
	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_text(st, 0) != NULL)
		snprintf(out, sizeof(out), "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

START_TEST(test_batch)
{
	struct store *s;
	struct store_feed_state st;
	char *const tags[] = { (char *)"news", (char *)"art" };
	char *const other[] = { (char *)"x" };
	char *const again[] = { (char *)"art", NULL, (char *)"news",
	    (char *)"art" };
	int64_t a, b;

	s = open_ok();
	ck_assert_int_eq(store_batch_commit(s), -1);
	ck_assert_int_eq(store_batch_begin(s), 0);
	ck_assert_int_eq(store_batch_begin(s), -1);
	a = store_feed_ensure(s, "a", "https://a.example/feed", NULL);
	b = store_feed_ensure(s, "b", "https://b.example/feed", "B");
	ck_assert_int_gt(a, 0);
	ck_assert_int_gt(b, a);
	ck_assert_int_eq(store_feed_set_tags(s, a, tags, 2), 0);
	ck_assert_int_eq(store_feed_set_tags(s, b, NULL, 0), 0);
	ck_assert_int_eq(store_feed_retention(s, b, 7, -1), 0);
	ck_assert_int_eq(store_feed_state_get(s, b, &st), 0);
	store_feed_state_reset(&st);
	/* A failing tag write (no such feed: the foreign key) undoes its
	 * own writes only. */
	ck_assert_int_eq(store_feed_set_tags(s, b + 100, other, 1), -1);
	/* No document and no indexing inside. */
	ck_assert_int_eq(store_doc_begin(s, a), -1);
	ck_assert_int_eq(store_index_pending(s, 10), -1);
	ck_assert_int_eq(store_maintain(s), -1);
	/* Nothing is committed before the end. */
	ck_assert_int_eq(count_sql("SELECT count(*) FROM feeds"), 0);
	ck_assert_int_eq(store_batch_commit(s), 0);
	ck_assert_int_eq(count_sql("SELECT count(*) FROM feeds"), 2);
	ck_assert_str_eq(committed_tags(a), "art,news");
	ck_assert_str_eq(committed_tags(b), "");
	ck_assert_int_eq(count_sql("SELECT keep_days FROM feeds"
	    " WHERE name = 'b'"), 7);
	ck_assert_int_eq(count_sql("SELECT count(*) FROM feed_tags"), 2);

	/* Outside a batch, each call is its own transaction again, and a
	 * failing tag write still leaves the feed's tags as they were. */
	ck_assert_int_eq(store_feed_set_tags(s, a, other, 1), 0);
	ck_assert_str_eq(committed_tags(a), "x");
	ck_assert_int_eq(store_feed_set_tags(s, b + 100, tags, 2), -1);
	ck_assert_str_eq(committed_tags(a), "x");
	ck_assert_int_eq(store_feed_set_tags(s, a, NULL, 0), 0);
	ck_assert_str_eq(committed_tags(a), "");
	/* Tags compared as sets: the same in another order (a duplicate, a
	 * NULL) stay; one more, one fewer or another one is written. */
	ck_assert_int_eq(store_feed_set_tags(s, a, tags, 2), 0);
	ck_assert_int_eq(store_feed_set_tags(s, a, again, 4), 0);
	ck_assert_str_eq(committed_tags(a), "art,news");
	ck_assert_int_eq(store_feed_set_tags(s, a, tags, 1), 0);
	ck_assert_str_eq(committed_tags(a), "news");
	ck_assert_int_eq(store_feed_set_tags(s, a, again, 4), 0);
	ck_assert_str_eq(committed_tags(a), "art,news");
	ck_assert_int_eq(store_feed_set_tags(s, a, other, 1), 0);
	ck_assert_str_eq(committed_tags(a), "x");
	ck_assert_int_eq(store_feed_set_tags(s, a, NULL, 0), 0);
	/* Retention: written when it changes, back to the default too. */
	ck_assert_int_eq(store_feed_retention(s, b, 7, -1), 0);
	ck_assert_int_eq(store_feed_retention(s, b, -1, -1), 0);
	ck_assert_int_eq(count_sql("SELECT count(*) FROM feeds WHERE name = 'b'"
	    " AND keep_days IS NULL AND keep_entries IS NULL"), 1);
	ck_assert_int_eq(store_feed_retention(s, b, -1, 0), 0);
	ck_assert_int_eq(count_sql("SELECT keep_entries FROM feeds"
	    " WHERE name = 'b'"), 0);
	ck_assert_int_eq(store_feed_retention(s, b + 100, 1, 1), -1);
	/* An unchanged registration finds the feed; a changed one writes. */
	ck_assert_int_eq(store_feed_ensure(s, "b", "https://b.example/feed",
	    "B"), b);
	ck_assert_int_eq(store_feed_ensure(s, "b", "https://b.example/feed",
	    NULL), b);
	ck_assert_int_eq(count_sql("SELECT count(*) FROM feeds WHERE name = 'b'"
	    " AND conf_title IS NULL"), 1);

	/* store_close rolls back a batch left open. */
	ck_assert_int_eq(store_batch_begin(s), 0);
	ck_assert_int_gt(store_feed_ensure(s, "c", "https://c.example/", NULL),
	    0);
	store_close(s);
	ck_assert_int_eq(count_sql("SELECT count(*) FROM feeds"), 2);
	/* And a document after a batch works. */
	s = open_ok();
	ck_assert_int_eq(store_batch_begin(s), 0);
	ck_assert_int_eq(store_batch_commit(s), 0);
	ck_assert_int_eq(store_doc_begin(s, a), 0);
	ck_assert_int_eq(store_doc_commit(s), 0);
	store_close(s);
}
END_TEST

static Suite *
store_feed_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("store_feed");
	tc = tcase_create("db");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_feed_state_round_trip);
	tcase_add_test(tc, test_feed_state_fetch_fields);
	tcase_add_test(tc, test_feeds_list);
	tcase_add_test(tc, test_retired_feed);
	tcase_add_test(tc, test_publish_times);
	tcase_add_test(tc, test_batch);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int nf;

	feed_init();
	sr = srunner_create(store_feed_suite());
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	feed_cleanup();
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
