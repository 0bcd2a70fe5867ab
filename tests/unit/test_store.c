/*
 * test_store.c: the SQLite store through its public API, each test on a
 * fresh database in its own mkdtemp directory: opening and migrating,
 * refusing foreign files, identity and de-duplication of entries, updates
 * in place, transactions, saved feed state, the merged feed's order and
 * the canonical form of links.
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include <sqlite3.h>

#include "parsers/feed.h"
#include "storage/schema.h"
#include "storage/store.h"

#define T0	1700000000	/* "now" of the first fetch */
#define DAY	(24 * 60 * 60)

static char tmpdir[64];
static char dbpath[128];

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_store.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(dbpath, sizeof(dbpath), "%s/feedd.db", tmpdir);
}

static void
teardown(void)
{
	char path[160];
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	size_t i;

	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", dbpath, sfx[i]);
		unlink(path);
	}
	rmdir(tmpdir);
}

static struct store *
open_ok(void)
{
	struct store *s;
	char *err = NULL;

	s = store_open(dbpath, &err);
	ck_assert_msg(s != NULL, "store_open: %s", err ? err : "?");
	return s;
}

/* An entry with the given fields (NULL for absent); borrowed strings. */
static struct entry
mk(const char *id, const char *title, const char *link, int64_t published)
{
	struct entry e;

	memset(&e, 0, sizeof(e));
	e.id = (char *)id;
	e.title = (char *)title;
	e.link = (char *)link;
	e.summary = (char *)"<p>summary</p>";
	e.published = published;
	e.updated = FEED_NO_DATE;
	return e;
}

/* Stores entries as one document; returns how many were added. */
static int
store_doc(struct store *s, int64_t feed, const struct entry *v, size_t n,
    int64_t now)
{
	struct feed_info info;
	size_t i;
	int added, total = 0;

	memset(&info, 0, sizeof(info));
	info.title = (char *)"Channel title";
	info.link = (char *)"https://example.org/";
	info.updated = FEED_NO_DATE;
	ck_assert_int_eq(store_doc_begin(s, feed), 0);
	for (i = 0; i < n; i++) {
		added = -1;
		ck_assert_int_eq(store_doc_entry(s, &v[i], now, &added), 0);
		ck_assert(added == 0 || added == 1);
		total += added;
	}
	ck_assert_int_eq(store_doc_info(s, &info), 0);
	ck_assert_int_eq(store_doc_commit(s), 0);
	return total;
}

static size_t
count_items(struct store *s)
{
	struct store_query q = { .limit = 1000 };
	struct store_item *items;
	size_t n;

	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	store_items_free(items, n);
	return n;
}

/* Rows in entries, including those the merged feed hides. */
static int64_t
count_rows(void)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t n = -1;

	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db,
	    "SELECT count(*) FROM entries", -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static int64_t
pragma_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void
write_file(const char *path, const char *data, size_t len)
{
	FILE *fp;

	fp = fopen(path, "wb");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(data, 1, len, fp), len);
	fclose(fp);
}

START_TEST(test_open_migrates_empty_file)
{
	struct store *s;
	sqlite3 *db;
	sqlite3_stmt *st;

	write_file(dbpath, "", 0);
	s = open_ok();
	store_close(s);

	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_int_eq(pragma_int(db, "PRAGMA user_version"),
	    SCHEMA_VERSION);
	ck_assert_int_eq(pragma_int(db, "PRAGMA application_id"),
	    SCHEMA_APPLICATION_ID);
	/* 2 = INCREMENTAL: set before WAL, so it took. */
	ck_assert_int_eq(pragma_int(db, "PRAGMA auto_vacuum"), 2);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1,
	    &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	ck_assert_int_eq(pragma_int(db,
	    "SELECT count(*) FROM sqlite_schema WHERE name = 'entries'"), 1);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_reopen_persists)
{
	struct store *s;
	struct entry e[2];
	struct store_feed_state st;
	int64_t id, id2;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	ck_assert_int_gt(id, 0);
	e[0] = mk("a", "A", "https://example.org/a", T0 - 100);
	e[1] = mk("b", "B", "https://example.org/b", T0 - 50);
	ck_assert_int_eq(store_doc(s, id, e, 2, T0), 2);
	memset(&st, 0, sizeof(st));
	st.etag = (char *)"\"v1\"";
	st.next_due = T0 + 600;
	ck_assert_int_eq(store_feed_state_put(s, id, &st), 0);
	store_close(s);

	s = open_ok();
	id2 = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	ck_assert_int_eq(id2, id);
	ck_assert_uint_eq(count_items(s), 2);
	ck_assert_int_eq(store_feed_state_get(s, id, &st), 0);
	ck_assert_str_eq(st.etag, "\"v1\"");
	ck_assert_int_eq(st.next_due, T0 + 600);
	store_feed_state_reset(&st);
	/* Refetching after the restart still adds nothing. */
	ck_assert_int_eq(store_doc(s, id, e, 2, T0 + 60), 0);
	store_close(s);
}
END_TEST

START_TEST(test_not_a_database)
{
	char junk[4096];
	struct store *s;
	char *err = NULL;

	memset(junk, 'x', sizeof(junk));
	memcpy(junk, "this is not an SQLite database\n", 31);
	write_file(dbpath, junk, sizeof(junk));
	s = store_open(dbpath, &err);
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err, "not a database") != NULL, "%s", err);
	free(err);
}
END_TEST

START_TEST(test_newer_version_refused)
{
	struct store *s;
	sqlite3 *db;
	char *err = NULL;

	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA application_id = "
	    "1717921124; PRAGMA user_version = 99; CREATE TABLE x (y);",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	s = store_open(dbpath, &err);
	ck_assert_ptr_null(s);
	ck_assert_msg(strstr(err, "newer") != NULL, "%s", err);
	free(err);
}
END_TEST

START_TEST(test_foreign_database_refused)
{
	struct store *s;
	sqlite3 *db;
	char *err = NULL;

	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE notes (x);",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	s = store_open(dbpath, &err);
	ck_assert_ptr_null(s);
	ck_assert_msg(strstr(err, "not a feedd database") != NULL, "%s", err);
	free(err);
}
END_TEST

START_TEST(test_same_document_twice)
{
	struct store *s;
	struct entry e[3];
	int64_t id;
	uint64_t gen;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	e[0] = mk("a", "A", "https://example.org/a", T0 - 300);
	e[1] = mk("b", "B", "https://example.org/b", T0 - 200);
	e[2] = mk("c", "C", "https://example.org/c", T0 - 100);
	gen = store_generation(s);
	ck_assert_int_eq(store_doc(s, id, e, 3, T0), 3);
	ck_assert_uint_gt(store_generation(s), gen);
	gen = store_generation(s);
	ck_assert_int_eq(store_doc(s, id, e, 3, T0 + 60), 0);
	ck_assert_uint_eq(store_generation(s), gen);
	ck_assert_uint_eq(count_items(s), 3);
	store_close(s);
}
END_TEST

START_TEST(test_reorder_adds_nothing)
{
	struct store *s;
	struct entry e[3], r[3];
	int64_t id;
	uint64_t gen;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	e[0] = mk("a", "A", "https://example.org/a", T0 - 300);
	e[1] = mk("b", "B", "https://example.org/b", T0 - 200);
	e[2] = mk(NULL, "C", NULL, FEED_NO_DATE);
	r[0] = e[2];
	r[1] = e[0];
	r[2] = e[1];
	ck_assert_int_eq(store_doc(s, id, e, 3, T0), 3);
	gen = store_generation(s);
	ck_assert_int_eq(store_doc(s, id, r, 3, T0 + 60), 0);
	ck_assert_uint_eq(store_generation(s), gen);
	ck_assert_int_eq(count_rows(), 3);
	store_close(s);
}
END_TEST

START_TEST(test_changed_updates_in_place)
{
	struct store *s;
	struct store_query q = { .limit = 10 };
	struct store_item *items;
	struct entry e;
	int64_t id, rowid, first_seen;
	uint64_t gen;
	char *guid;
	size_t n;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	e = mk("urn:a", "Old title", "https://example.org/a", T0 - 300);
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0), 1);
	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(items[0].changed, 0);
	ck_assert_int_eq(items[0].first_seen, T0);
	guid = strdup(items[0].guid);
	rowid = items[0].id;
	first_seen = items[0].first_seen;
	store_items_free(items, n);

	gen = store_generation(s);
	e.title = (char *)"New title";
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0 + 3600), 0);
	ck_assert_uint_gt(store_generation(s), gen);
	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(items[0].entry.title, "New title");
	ck_assert_str_eq(items[0].guid, guid);
	ck_assert_int_eq(items[0].id, rowid);
	ck_assert_int_eq(items[0].first_seen, first_seen);
	ck_assert_int_eq(items[0].changed, T0 + 3600);
	store_items_free(items, n);

	/* A changed summary is a change too; the same again is not. */
	e.summary = (char *)"<p>corrected</p>";
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0 + 7200), 0);
	gen = store_generation(s);
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0 + 9000), 0);
	ck_assert_uint_eq(store_generation(s), gen);
	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_int_eq(items[0].changed, T0 + 7200);
	ck_assert_str_eq(items[0].guid, guid);
	store_items_free(items, n);
	free(guid);
	store_close(s);
}
END_TEST

START_TEST(test_key_fallbacks)
{
	struct store *s;
	struct entry e[2];
	int64_t id;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	/* No id: the link is the key, so a new title updates in place. */
	e[0] = mk(NULL, "Linked", "https://example.org/linked", T0 - 10);
	/* No id, no link: the hash of title, date and summary. */
	e[1] = mk(NULL, "Bare", NULL, T0 - 20);
	ck_assert_int_eq(store_doc(s, id, e, 2, T0), 2);
	ck_assert_int_eq(store_doc(s, id, e, 2, T0 + 1), 0);
	e[0].title = (char *)"Linked, retitled";
	ck_assert_int_eq(store_doc(s, id, e, 1, T0 + 2), 0);
	ck_assert_int_eq(count_rows(), 2);
	/* With the hash as key, another title is another entry. */
	e[1].title = (char *)"Bare, retitled";
	ck_assert_int_eq(store_doc(s, id, &e[1], 1, T0 + 3), 1);
	ck_assert_int_eq(count_rows(), 3);
	store_close(s);
}
END_TEST

START_TEST(test_repeated_id_not_merged)
{
	struct store *s;
	struct entry e[3];
	int64_t id;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	/* One id for different articles in the same document. */
	e[0] = mk("same", "One", "https://example.org/1", T0 - 10);
	e[1] = mk("same", "Two", "https://example.org/2", T0 - 20);
	e[2] = mk("same", "Three", NULL, T0 - 30);
	ck_assert_int_eq(store_doc(s, id, e, 3, T0), 3);
	ck_assert_int_eq(store_doc(s, id, e, 3, T0 + 60), 0);
	ck_assert_int_eq(count_rows(), 3);
	/* The same entry twice in one document is stored once. */
	e[1] = e[0];
	ck_assert_int_eq(store_doc(s, id, e, 2, T0 + 120), 0);
	ck_assert_int_eq(count_rows(), 3);
	store_close(s);
}
END_TEST

START_TEST(test_id_scheme_change)
{
	struct store *s;
	struct entry e;
	int64_t id;

	s = open_ok();
	id = store_feed_ensure(s, "bbc", "https://example.org/feed", NULL);
	e = mk("http://www.example.co.uk/news/world-1", "Story",
	    "http://www.example.co.uk/news/world-1", T0 - 10);
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0), 1);
	/* BBC style: the same story with a fragment on id and link. */
	e.id = (char *)"http://www.example.co.uk/news/world-1#2";
	e.link = (char *)"http://www.example.co.uk/news/world-1#2";
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0 + 60), 0);
	/* http to https plus tracking parameters. */
	e.id = (char *)"https://www.example.co.uk/news/world-1";
	e.link = (char *)"HTTP://WWW.example.co.uk:80/news/world-1"
	    "?utm_source=rss&utm_medium=feed";
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0 + 120), 0);
	ck_assert_int_eq(count_rows(), 1);
	/* Same link, different title: a different article. */
	e.id = (char *)"another";
	e.title = (char *)"Another story";
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0 + 180), 1);
	ck_assert_int_eq(count_rows(), 2);
	store_close(s);
}
END_TEST

START_TEST(test_rollback_leaves_nothing)
{
	struct store *s;
	struct entry e[2];
	struct feed_info info;
	int64_t id;
	uint64_t gen;
	int added;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed",
	    NULL);
	e[0] = mk("a", "A", "https://example.org/a", T0 - 300);
	e[1] = mk("b", "B", "https://example.org/b", T0 - 200);
	ck_assert_int_eq(store_doc(s, id, e, 1, T0), 1);
	gen = store_generation(s);

	memset(&info, 0, sizeof(info));
	info.title = (char *)"Renamed channel";
	info.updated = FEED_NO_DATE;
	ck_assert_int_eq(store_doc_begin(s, id), 0);
	/* Only one document at a time. */
	ck_assert_int_eq(store_doc_begin(s, id), -1);
	ck_assert_int_eq(store_doc_entry(s, &e[1], T0 + 10, &added), 0);
	ck_assert_int_eq(added, 1);
	e[0].title = (char *)"A changed";
	ck_assert_int_eq(store_doc_entry(s, &e[0], T0 + 10, &added), 0);
	ck_assert_int_eq(added, 0);
	ck_assert_int_eq(store_doc_info(s, &info), 0);
	store_doc_rollback(s);

	ck_assert_uint_eq(store_generation(s), gen);
	ck_assert_int_eq(count_rows(), 1);
	{
		struct store_query q = { .limit = 10 };
		struct store_item *items;
		size_t n;

		ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
		ck_assert_uint_eq(n, 1);
		ck_assert_str_eq(items[0].entry.title, "A");
		ck_assert_str_eq(items[0].feed_title, "Channel title");
		store_items_free(items, n);
	}
	/* Outside a document, entries are refused. */
	ck_assert_int_eq(store_doc_entry(s, &e[1], T0, &added), -1);
	ck_assert_int_eq(store_doc_commit(s), -1);
	/* The store still works after a rollback. */
	e[0].title = (char *)"A";
	ck_assert_int_eq(store_doc(s, id, e, 2, T0 + 20), 1);
	store_close(s);
}
END_TEST

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
	/* The dates themselves are kept as the publisher gave them. */
	ck_assert_int_eq(items[1].entry.published, T0 + 7 * DAY);
	ck_assert_int_eq(items[2].entry.published, FEED_NO_DATE);
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

START_TEST(test_generation)
{
	struct store *s;
	struct entry e;
	struct feed_info info;
	int64_t id;
	uint64_t gen;
	int added;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	gen = store_generation(s);
	/* An empty document changes nothing visible... */
	memset(&info, 0, sizeof(info));
	info.updated = FEED_NO_DATE;
	ck_assert_int_eq(store_doc_begin(s, id), 0);
	ck_assert_int_eq(store_doc_commit(s), 0);
	ck_assert_uint_eq(store_generation(s), gen);
	/* ...a new channel title does. */
	ck_assert_int_eq(store_doc(s, id, NULL, 0, T0), 0);
	ck_assert_uint_eq(store_generation(s), gen + 1);
	ck_assert_int_eq(store_doc(s, id, NULL, 0, T0), 0);
	ck_assert_uint_eq(store_generation(s), gen + 1);
	e = mk("a", "A", NULL, T0);
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0), 1);
	ck_assert_uint_eq(store_generation(s), gen + 2);
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0), 0);
	ck_assert_uint_eq(store_generation(s), gen + 2);
	/* A rolled back change does not count. */
	e.title = (char *)"B";
	ck_assert_int_eq(store_doc_begin(s, id), 0);
	ck_assert_int_eq(store_doc_entry(s, &e, T0, &added), 0);
	store_doc_rollback(s);
	ck_assert_uint_eq(store_generation(s), gen + 2);
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0), 0);
	ck_assert_uint_eq(store_generation(s), gen + 3);
	store_close(s);
}
END_TEST

START_TEST(test_unknown_feed)
{
	struct store *s;

	s = open_ok();
	ck_assert_int_eq(store_doc_begin(s, 42), -1);
	ck_assert_ptr_nonnull(strstr(store_errmsg(s), "no feed"));
	store_close(s);
	store_close(NULL);
}
END_TEST

static int64_t
count_sql(const char *sql)
{
	sqlite3 *db;
	int64_t n;

	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	n = pragma_int(db, sql);
	sqlite3_close(db);
	return n;
}

/* FTS5's own check of its index. */
static void
fts_check(void)
{
	sqlite3 *db;
	int rc;

	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	rc = sqlite3_exec(db, "INSERT INTO entries_fts (entries_fts)"
	    " VALUES ('integrity-check')", NULL, NULL, NULL);
	ck_assert_msg(rc == SQLITE_OK, "%s", sqlite3_errmsg(db));
	sqlite3_close(db);
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

START_TEST(test_migrate_from_v1)
{
	struct store *s;
	sqlite3 *db;
	struct store_query q = { .limit = 10 };
	struct store_item *items;
	struct entry e;
	int64_t id;
	size_t n;

	/* A database as the first schema left it. */
	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, schema_step(1), NULL, NULL, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA user_version = 1;"
	    "INSERT INTO feeds (id, name, url, etag) VALUES"
	    " (7, 'world', 'https://example.org/feed', '\"e\"');"
	    "INSERT INTO entries (feed_id, key, guid, content_hash, src_id,"
	    " title, first_seen, sort_time) VALUES"
	    " (7, 'i:old', 'tag:feedd,2026:0', 1, 'old', 'Old', 5, 5);",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	ck_assert_int_eq(id, 7);
	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(items[0].entry.title, "Old");
	ck_assert_str_eq(items[0].guid, "tag:feedd,2026:0");
	store_items_free(items, n);
	/* Step 3 indexed what was there. */
	q.q = "old";
	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_uint_eq(n, 1);
	store_items_free(items, n);
	ck_assert_int_eq(store_feed_retention(s, id, 0, 1), 0);
	e = mk("new", "New", NULL, T0);
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0), 1);
	store_close(s);

	ck_assert_int_eq(count_sql("PRAGMA user_version"), SCHEMA_VERSION);
	ck_assert_int_eq(count_sql("SELECT count(*) FROM tombstones"), 1);
	ck_assert_int_eq(count_rows(), 1);
}
END_TEST

/* How many items the merged feed has for query q. */
static size_t
search(struct store *s, const char *q)
{
	struct store_query sq = { .limit = 100, .q = q };
	struct store_item *items;
	size_t n;

	ck_assert_msg(store_items(s, &sq, &items, &n) == 0, "%s: %s", q,
	    store_errmsg(s));
	store_items_free(items, n);
	return n;
}

/* Rows the FTS index itself returns for an FTS5 query. */
static int64_t
fts_rows(const char *match)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM entries_fts"
	    " WHERE entries_fts MATCH '%s'", match);
	return count_sql(sql);
}

START_TEST(test_search)
{
	struct store *s;
	struct entry e[3];
	char *cats[2] = { (char *)"Ukraine", (char *)"Food security" };
	int64_t id;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	e[0] = mk("grain", "Grain talks resume", "https://example.org/g",
	    T0 - 10);
	e[0].summary = (char *)"<p>The <b>corridor</b> talks&amp;the Black"
	    "&#x20;Sea</p>";
	e[0].content = (char *)"<p>Caf&#233; diplomacy in <a href="
	    "\"https://example.org/odesa\">Odesa</a></p>";
	e[0].author = (char *)"Jane Doe";
	e[0].categories = cats;
	e[0].ncategories = 2;
	e[1] = mk("sahel", "Sahel mandate", "https://example.org/s", T0 - 20);
	e[2] = mk("quote", "Say \"hello\" OR else", NULL, T0 - 30);
	ck_assert_int_eq(store_doc(s, id, e, 3, T0), 3);

	ck_assert_uint_eq(search(s, NULL), 3);
	ck_assert_uint_eq(search(s, "  \t "), 3);
	ck_assert_uint_eq(search(s, "corridor"), 1);
	ck_assert_uint_eq(search(s, "CORRIDOR  black"), 1);
	ck_assert_uint_eq(search(s, "corridor sahel"), 0);
	ck_assert_uint_eq(search(s, "talks"), 1);
	ck_assert_uint_eq(search(s, "sea"), 1);
	ck_assert_uint_eq(search(s, "cafe"), 1);
	ck_assert_uint_eq(search(s, "odesa"), 1);
	ck_assert_uint_eq(search(s, "jane"), 1);
	ck_assert_uint_eq(search(s, "security"), 1);
	ck_assert_uint_eq(search(s, "mandate"), 1);
	/* Markup is not text. */
	ck_assert_uint_eq(search(s, "href"), 0);
	ck_assert_uint_eq(search(s, "amp"), 0);
	ck_assert_uint_eq(search(s, "b"), 0);
	/* Reader input is words, never FTS5 syntax. */
	ck_assert_uint_eq(search(s, "sahel OR grain"), 0);
	ck_assert_uint_eq(search(s, "\"hello"), 1);
	ck_assert_uint_eq(search(s, "hello\" OR"), 1);
	ck_assert_uint_eq(search(s, "title:sahel"), 0);
	ck_assert_uint_eq(search(s, "sahel*"), 1);
	ck_assert_uint_eq(search(s, "( - ) NEAR"), 0);
	/* The plan for words with many matches finds the same. */
	store_set_dense_matches(s, 1);
	ck_assert_uint_eq(search(s, "corridor"), 1);
	ck_assert_uint_eq(search(s, "summary"), 2);
	ck_assert_uint_eq(search(s, "nowhere"), 0);
	ck_assert_uint_eq(search(s, "corridor sahel"), 0);
	store_set_dense_matches(s, 30000);
	ck_assert_uint_eq(search(s, "summary"), 2);

	/* The index follows updates and purges. */
	e[1].title = (char *)"Niger mandate";
	ck_assert_int_eq(store_doc(s, id, e, 3, T0 + 60), 0);
	ck_assert_uint_eq(search(s, "sahel"), 0);
	ck_assert_uint_eq(search(s, "niger"), 1);
	ck_assert_int_eq(fts_rows("sahel"), 0);
	ck_assert_int_eq(fts_rows("mandate"), 1);
	ck_assert_int_eq(store_feed_retention(s, id, 0, 1), 0);
	ck_assert_int_eq(store_doc(s, id, &e[2], 1, T0 + 120), 0);
	ck_assert_int_eq(count_rows(), 1);
	ck_assert_int_eq(fts_rows("mandate"), 0);
	ck_assert_int_eq(fts_rows("corridor"), 0);
	ck_assert_int_eq(fts_rows("hello"), 1);
	store_close(s);
	fts_check();
}
END_TEST

START_TEST(test_failed_write_rolls_back)
{
	struct store *s;
	struct entry e[2];
	sqlite3 *db;
	int64_t id;
	int added;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	e[0] = mk("a", "Alpha", NULL, T0 - 10);
	ck_assert_int_eq(store_doc(s, id, e, 1, T0), 1);
	store_close(s);
	/* Make every update fail, as a full disk would. */
	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "CREATE TRIGGER boom BEFORE UPDATE"
	    " ON entries BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	s = open_ok();
	e[0].title = (char *)"Alpha changed";
	e[1] = mk("b", "Beta", NULL, T0 - 5);
	ck_assert_int_eq(store_doc_begin(s, id), 0);
	ck_assert_int_eq(store_doc_entry(s, &e[1], T0 + 60, &added), 0);
	ck_assert_int_eq(store_doc_entry(s, &e[0], T0 + 60, &added), -1);
	ck_assert_ptr_nonnull(strstr(store_errmsg(s), "disk on fire"));
	/* Half a document is never committed. */
	ck_assert_int_eq(store_doc_commit(s), -1);
	store_doc_rollback(s);
	ck_assert_int_eq(count_rows(), 1);
	ck_assert_uint_eq(search(s, "alpha"), 1);
	ck_assert_uint_eq(search(s, "changed"), 0);
	ck_assert_uint_eq(search(s, "beta"), 0);
	/* And the store goes on. */
	ck_assert_int_eq(store_doc(s, id, &e[1], 1, T0 + 120), 1);
	ck_assert_uint_eq(search(s, "beta"), 1);
	store_close(s);
	fts_check();
}
END_TEST

/* The child of test_kill_during_ingest: stores 100-entry documents
 * until it is killed, writing a byte to fd after the first commit. */
static void
ingest_forever(int round, int fd)
{
	struct store *s;
	struct entry e;
	char *err = NULL, id[64], title[64];
	int64_t feed;
	int d, k, added;

	s = store_open(dbpath, &err);
	if (s == NULL)
		_exit(2);
	store_set_retention(s, 0, 0);
	feed = store_feed_ensure(s, "world", "https://example.org/feed",
	    NULL);
	for (d = 0; ; d++) {
		if (store_doc_begin(s, feed) == -1)
			_exit(3);
		for (k = 0; k < 100; k++) {
			snprintf(id, sizeof(id), "r%d-d%d-k%d", round, d, k);
			snprintf(title, sizeof(title), "Entry %d %d", d, k);
			e = mk(id, title, NULL, T0 + d);
			if (store_doc_entry(s, &e, T0 + d, &added) == -1)
				_exit(4);
		}
		if (store_doc_commit(s) == -1)
			_exit(5);
		if (d == 0 && write(fd, "", 1) != 1)
			_exit(6);
	}
}

START_TEST(test_kill_during_ingest)
{
	struct store *s;
	struct store_query q = { .limit = 0 };
	struct store_item *items;
	sqlite3 *db;
	sqlite3_stmt *st;
	size_t nitems;
	int64_t n, last = 0;
	pid_t pid;
	int round, status, fds[2];
	char c;

	srand((unsigned)getpid());
	for (round = 0; round < 8; round++) {
		ck_assert_int_eq(pipe(fds), 0);
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			close(fds[0]);
			ingest_forever(round, fds[1]);
		}
		close(fds[1]);
		/* The first kill may land anywhere, even in the migration;
		 * the others after some progress, so that every run (even
		 * under valgrind) has something to lose. */
		if (round > 0)
			ck_assert_int_eq(read(fds[0], &c, 1), 1);
		usleep((useconds_t)(rand() % 40000));
		close(fds[0]);
		ck_assert_int_eq(kill(pid, SIGKILL), 0);
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert_msg(WIFSIGNALED(status), "child exited %d",
		    WEXITSTATUS(status));

		ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
		ck_assert_int_eq(sqlite3_prepare_v2(db,
		    "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		ck_assert_str_eq((const char *)sqlite3_column_text(st, 0),
		    "ok");
		sqlite3_finalize(st);
		sqlite3_close(db);
		/* Whole documents only, and none lost.  (An early kill may
		 * come before the schema's first step committed.) */
		n = count_sql("SELECT count(*) FROM sqlite_schema"
		    " WHERE name = 'entries'") == 1 ? count_rows() : 0;
		ck_assert_int_eq(n % 100, 0);
		ck_assert_int_ge(n, last);
		last = n;
	}
	ck_assert_int_gt(last, 0);
	s = open_ok();
	q.limit = (size_t)last + 1;
	ck_assert_int_eq(store_items(s, &q, &items, &nitems), 0);
	ck_assert_uint_eq(nitems, (size_t)last);
	store_items_free(items, nitems);
	/* The index holds every committed row, none twice. */
	q.q = "entry";
	ck_assert_int_eq(store_items(s, &q, &items, &nitems), 0);
	ck_assert_uint_eq(nitems, (size_t)last);
	store_items_free(items, nitems);
	store_close(s);
	fts_check();
}
END_TEST

struct tcase_text {
	const char	*in, *want;
};

static const struct tcase_text tcases[] = {
	{ "plain", "plain" },
	{ "<p>a</p><p>b</p>", " a  b " },
	{ "x<br/>y", "x y" },
	{ "&amp;&lt;&gt;&quot;&apos;&nbsp;", "&<>\"' " },
	{ "&#233;&#xe9;&#XE9;", "\xc3\xa9\xc3\xa9\xc3\xa9" },
	{ "&#x1F600;", "\xf0\x9f\x98\x80" },
	{ "&#0; &#xD800; &#x110000; &#; &#x; &bogus; & alone",
	    "&#0; &#xD800; &#x110000; &#; &#x; &bogus; & alone" },
	{ "a <unclosed", "a " },
	{ "", "" },
};

START_TEST(test_html_text)
{
	const struct tcase_text *c = &tcases[_i];
	char *got;

	got = store_html_text(c->in);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, c->want);
	free(got);
	ck_assert_ptr_null(store_html_text(NULL));
}
END_TEST

struct ccase {
	const char	*in, *want;
};

static const struct ccase ccases[] = {
	{ "HTTP://Example.COM/Path?Q=1", "http://example.com/Path?Q=1" },
	{ "http://example.com:80/a", "http://example.com/a" },
	{ "https://example.com:443/a", "https://example.com/a" },
	{ "http://example.com:443/a", "http://example.com:443/a" },
	{ "https://example.com:8443/a", "https://example.com:8443/a" },
	{ "http://example.com:/a", "http://example.com/a" },
	{ "http://example.com", "http://example.com/" },
	{ "http://example.com?x=1", "http://example.com/?x=1" },
	{ "http://example.com/a#frag", "http://example.com/a" },
	{ "http://example.com/a?x=1#f?utm_source=z",
	    "http://example.com/a?x=1" },
	{ "  https://example.com/a  ", "https://example.com/a" },
	{ "https://example.com/a?utm_source=rss&utm_medium=feed",
	    "https://example.com/a" },
	{ "https://example.com/a?id=7&utm_campaign=x&fbclid=abc&b=2",
	    "https://example.com/a?id=7&b=2" },
	{ "https://example.com/a?gclid=1&mc_cid=2&mc_eid=3&UTM_Term=4",
	    "https://example.com/a" },
	{ "https://example.com/a?utm=1&utm_=2&xutm_source=3",
	    "https://example.com/a?utm=1&utm_=2&xutm_source=3" },
	{ "https://example.com/a?&&x&", "https://example.com/a?x" },
	{ "https://User@Example.com/", "https://User@example.com/" },
	{ "http://[2001:DB8::1]:80/a", "http://[2001:db8::1]/a" },
	{ "http://[2001:DB8::1]/a", "http://[2001:db8::1]/a" },
	{ "mailto:Someone@Example.com", "mailto:Someone@Example.com" },
	{ "/relative/Path#x", "/relative/Path" },
	{ "#only", NULL },
	{ "", NULL },
	{ NULL, NULL },
};

START_TEST(test_canon_link)
{
	const struct ccase *c = &ccases[_i];
	char *got;

	got = store_canon_link(c->in);
	if (c->want == NULL)
		ck_assert_msg(got == NULL, "%s -> %s", c->in, got);
	else {
		ck_assert_msg(got != NULL, "%s -> NULL", c->in);
		ck_assert_str_eq(got, c->want);
	}
	free(got);
}
END_TEST

static Suite *
store_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("store");
	tc = tcase_create("db");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_open_migrates_empty_file);
	tcase_add_test(tc, test_reopen_persists);
	tcase_add_test(tc, test_not_a_database);
	tcase_add_test(tc, test_newer_version_refused);
	tcase_add_test(tc, test_foreign_database_refused);
	tcase_add_test(tc, test_same_document_twice);
	tcase_add_test(tc, test_reorder_adds_nothing);
	tcase_add_test(tc, test_changed_updates_in_place);
	tcase_add_test(tc, test_key_fallbacks);
	tcase_add_test(tc, test_repeated_id_not_merged);
	tcase_add_test(tc, test_id_scheme_change);
	tcase_add_test(tc, test_rollback_leaves_nothing);
	tcase_add_test(tc, test_feed_state_round_trip);
	tcase_add_test(tc, test_ordering);
	tcase_add_test(tc, test_update_keeps_order_rule);
	tcase_add_test(tc, test_item_fields);
	tcase_add_test(tc, test_guid_per_feed);
	tcase_add_test(tc, test_cross_feed_duplicate);
	tcase_add_test(tc, test_generation);
	tcase_add_test(tc, test_unknown_feed);
	tcase_add_test(tc, test_retention_count);
	tcase_add_test(tc, test_retention_age);
	tcase_add_test(tc, test_retention_frees_pages);
	tcase_add_test(tc, test_migrate_from_v1);
	tcase_add_test(tc, test_search);
	tcase_add_test(tc, test_kill_during_ingest);
	tcase_add_test(tc, test_failed_write_rolls_back);
	suite_add_tcase(s, tc);

	tc = tcase_create("canon");
	tcase_add_loop_test(tc, test_canon_link, 0,
	    (int)(sizeof(ccases) / sizeof(ccases[0])));
	tcase_add_loop_test(tc, test_html_text, 0,
	    (int)(sizeof(tcases) / sizeof(tcases[0])));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int nf;

	sr = srunner_create(store_suite());
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
