/*
 * test_store.c: the SQLite store through its public API, each test on a
 * fresh database in its own mkdtemp directory: opening and migrating,
 * refusing foreign files, identity and de-duplication of entries, updates
 * in place, transactions, saved feed state, the merged feed's order and
 * filters, the list of feeds, retired feeds, migrations from every older
 * schema, the canonical form of links, and documents modelled on real
 * feeds' habits (tests/data/store/) parsed and stored in turn.
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "parsers/feed.h"
#include "storage/canon.h"
#include "storage/schema.h"
#include "storage/store_test.h"
#include "storage/store.h"

#define T0	1700000000	/* "now" of the first fetch */
#define DAY	(24 * 60 * 60)

static char tmpdir[64];
static char dbpath[128];

static int64_t		 count_sql(const char *sql);
static const char	*titles(struct store *s, const struct store_query *q);

/* Runs SQL on a connection of the test's own (the store closed). */
static void
exec_ok(const char *sql)
{
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK,
	    "%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
}

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
	/* Added, not updated. */
	ck_assert_int_eq(store_doc_updated(s), 0);
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
	ck_assert_int_eq(store_doc_updated(s), 1);
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
	ck_assert_int_eq(store_doc_updated(s), 1);
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
	/* A new id and a new headline on the same article link: the story
	 * updated (its guid rotates with each edit). */
	e.id = (char *)"another";
	e.title = (char *)"UPDATED: Story";
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0 + 180), 0);
	ck_assert_int_eq(count_rows(), 1);
	/* On a site's home page link, a new id and title are another
	 * article. */
	e.link = (char *)"https://www.example.co.uk/";
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0 + 240), 1);
	e.id = (char *)"third";
	e.title = (char *)"Third story";
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0 + 300), 1);
	ck_assert_int_eq(count_rows(), 3);
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
	ck_assert_int_eq(store_doc_updated(s), 1);
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

/* Rows are found by a hash of their key; another key of the same hash
 * (made here by hand: FNV-1a collisions are too rare to meet) is another
 * entry. */
START_TEST(test_key_hash_collision)
{
	struct store *s;
	struct store_query q = { .limit = 10 };
	struct entry e;
	int64_t a;

	s = open_ok();
	a = store_feed_ensure(s, "world", "https://a.example/feed", NULL);
	e = mk("x", "X", NULL, T0 - 10);
	ck_assert_int_eq(store_doc(s, a, &e, 1, T0), 1);
	store_close(s);
	/* Row "x" now holds another key with the hash of "i:x". */
	exec_ok("UPDATE entries SET key = 'i:other', src_id = 'other',"
	    " title = 'Other'");

	s = open_ok();
	e = mk("x", "X", NULL, T0 - 10);
	ck_assert_int_eq(store_doc(s, a, &e, 1, T0 + 60), 1);
	ck_assert_int_eq(store_doc(s, a, &e, 1, T0 + 120), 0);
	e.title = (char *)"X changed";
	ck_assert_int_eq(store_doc(s, a, &e, 1, T0 + 180), 0);
	ck_assert_str_eq(titles(s, &q), "X changed,Other");
	store_close(s);
	ck_assert_int_eq(count_rows(), 2);
	ck_assert_int_eq(count_sql("SELECT count(DISTINCT key_hash)"
	    " FROM entries"), 1);
}
END_TEST

/* The canonical link's hash: one for http and https, the host's in the
 * top bits, and only a hint: articles whose links share a hash are told
 * apart by the links. */
START_TEST(test_canon_hash)
{
	struct store *s;
	struct store_query q = { .limit = 10 };
	struct entry e;
	int64_t a, b;
	uint64_t h1, h2, h3;

	h1 = (uint64_t)store_canon_hash("https://a.example/1");
	h2 = (uint64_t)store_canon_hash("http://a.example/1");
	h3 = (uint64_t)store_canon_hash("https://a.example/2?x=1");
	ck_assert_uint_eq(h1, h2);
	ck_assert_uint_ne(h1, h3);
	ck_assert_uint_eq(h1 >> 40, h3 >> 40);
	ck_assert_uint_ne(h1 >> 40,
	    (uint64_t)store_canon_hash("https://b.example/1") >> 40);
	ck_assert_uint_ne(h1, (uint64_t)store_canon_hash("a.example/1?"));

	s = open_ok();
	a = store_feed_ensure(s, "a", "https://a.example/feed", NULL);
	b = store_feed_ensure(s, "b", "https://b.example/feed", NULL);
	e = mk("1", "One", "https://a.example/1", T0 - 20);
	ck_assert_int_eq(store_doc(s, a, &e, 1, T0), 1);
	/* The same article in b, under http: another canonical link. */
	e = mk("2", "Two", "http://a.example/1", T0 - 10);
	ck_assert_int_eq(store_doc(s, b, &e, 1, T0 + 60), 1);
	ck_assert_str_eq(titles(s, &q), "Two,One");
	e = mk("3", "Three", "https://c.example/3", T0 - 5);
	ck_assert_int_eq(store_doc(s, b, &e, 1, T0 + 120), 1);
	store_close(s);
	/* "One" gets the hash of "Three"'s link: still two articles. */
	exec_ok("UPDATE entries SET canon_hash = (SELECT canon_hash"
	    " FROM entries WHERE src_id = '3') WHERE src_id = '1'");
	s = open_ok();
	ck_assert_str_eq(titles(s, &q), "Three,Two,One");
	/* And a new id in a with "One"'s title and "Three"'s link (so
	 * "One"'s hash) is not taken for "One" under a new id. */
	e = mk("4", "One", "https://c.example/3", T0 - 1);
	ck_assert_int_eq(store_doc(s, a, &e, 1, T0 + 180), 1);
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

/* The issue's case at the default bounds: 5000 new ids per fetch,
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

/* A channel date ahead of the fetch is stored as the fetch's time. */
START_TEST(test_future_channel_date)
{
	struct store *s;
	struct feed_info info;
	struct entry e = mk("x", "X", NULL, T0 + 400 * DAY);
	int64_t id;
	int added;

	s = open_ok();
	id = store_feed_ensure(s, "f", "https://example.org/feed", NULL);
	memset(&info, 0, sizeof(info));
	info.title = (char *)"T";
	info.updated = (int64_t)253402300799LL;	/* 9999-12-31 */
	ck_assert_int_eq(store_doc_begin(s, id), 0);
	ck_assert_int_eq(store_doc_entry(s, &e, T0, &added), 0);
	ck_assert_int_eq(store_doc_info(s, &info), 0);
	ck_assert_int_eq(store_doc_commit(s), 0);
	store_close(s);
	ck_assert_int_eq(count_sql("SELECT updated FROM feeds"), T0);
	ck_assert_int_eq(count_sql("SELECT published FROM entries"), T0);
	/* Ordered by when it was seen, too. */
	ck_assert_int_eq(count_sql("SELECT sort_time FROM entries"), T0);
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
	/* Blocks of one row each bound the walk just as well. */
	store_set_block_shift(s, 0);
	ck_assert_uint_eq(search(s, "corridor"), 1);
	ck_assert_uint_eq(search(s, "summary"), 2);
	ck_assert_uint_eq(search(s, "nowhere"), 0);
	ck_assert_uint_eq(search(s, "corridor sahel"), 0);

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

/* Titles of the items q selects, newest first, joined by ",". */
static char *
query_titles(struct store *s, const struct store_query *q, int *rc)
{
	struct store_item *items;
	size_t i, n;
	static char out[1024];

	out[0] = '\0';
	*rc = store_items(s, q, &items, &n);
	if (*rc != 0)
		return out;
	for (i = 0; i < n; i++) {
		if (i > 0)
			strncat(out, ",", sizeof(out) - strlen(out) - 1);
		strncat(out, items[i].entry.title != NULL ?
		    items[i].entry.title : "(null)",
		    sizeof(out) - strlen(out) - 1);
	}
	store_items_free(items, n);
	return out;
}

static const char *
titles(struct store *s, const struct store_query *q)
{
	const char *t;
	int rc;

	t = query_titles(s, q, &rc);
	ck_assert_msg(rc == 0, "store_items: %d %s", rc, store_errmsg(s));
	return t;
}

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

START_TEST(test_query_words)
{
	struct store *s;
	struct store_query q;
	struct entry e[2];
	char big[STORE_Q_MAX + 2];
	const char *t;
	int64_t id;
	int rc;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	e[0] = mk("1", "Storage engines", NULL, T0 - 10);
	e[1] = mk("2", "Stories \"quoted\" here", NULL, T0 - 20);
	ck_assert_int_eq(store_doc(s, id, e, 2, T0), 2);
	memset(&q, 0, sizeof(q));
	q.limit = 10;
	q.q = "stora*";
	ck_assert_str_eq(titles(s, &q), "Storage engines");
	q.q = "sto**";
	ck_assert_str_eq(titles(s, &q),
	    "Storage engines,Stories \"quoted\" here");
	q.q = "storage*";
	ck_assert_str_eq(titles(s, &q), "Storage engines");
	/* A lone '*' is no word: everything. */
	q.q = " * ";
	ck_assert_str_eq(titles(s, &q),
	    "Storage engines,Stories \"quoted\" here");
	/* FTS5 syntax is just words. */
	q.q = "\"quoted OR NEAR( storage";
	ck_assert_str_eq(titles(s, &q), "");
	q.q = "quoted\"";
	ck_assert_str_eq(titles(s, &q), "Stories \"quoted\" here");
	/* Too long: a distinct error, and nothing else breaks. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	q.q = big;
	t = query_titles(s, &q, &rc);
	ck_assert_int_eq(rc, -2);
	ck_assert_str_eq(t, "");
	ck_assert_ptr_nonnull(strstr(store_errmsg(s), "too long"));
	q.q = "a b c d e f g h i j k l m n o p q r s t u v w x y z"
	    " a b c d e f g h";
	(void)query_titles(s, &q, &rc);
	ck_assert_int_eq(rc, -2);
	q.q = "storage";
	ck_assert_str_eq(titles(s, &q), "Storage engines");
	/* Words of several tokens, though the index keeps no positions. */
	e[0] = mk("3", "Send e-mail now, don\xe2\x80\x99t wait", NULL, T0);
	ck_assert_int_eq(store_doc(s, id, e, 1, T0 + 1), 1);
	q.q = "e-mail";
	ck_assert_str_eq(titles(s, &q),
	    "Send e-mail now, don\xe2\x80\x99t wait");
	q.q = "DON\xe2\x80\x99T e-ma*";
	ck_assert_str_eq(titles(s, &q),
	    "Send e-mail now, don\xe2\x80\x99t wait");
	q.q = "-- ,";
	ck_assert_str_eq(titles(s, &q),
	    "Send e-mail now, don\xe2\x80\x99t wait,Storage engines,"
	    "Stories \"quoted\" here");
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
	ck_assert_int_eq(rows[0].newest, T0 + 100);
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

/*
 * The search's early stop (store.c, search_walk) against the plain
 * merged order filtered here: random dates (none, old, future beyond
 * the day of slack), cross-feed duplicates, updates that move entries,
 * small blocks so that the bound matters.  _i seeds the run.
 */
START_TEST(test_search_order_random)
{
	static const char *const vocab[] = { "alpha", "bravo", "charlie",
	    "delta", "echo" };
	struct store *s;
	struct store_query q, all;
	struct store_item *items, *ref;
	struct entry e[20];
	char id[20][16], title[20][64], link[20][48];
	const char *feeds[] = { "f1" };
	int64_t feed[3], now = T0, date;
	size_t n, nref, i, j, k, want;
	unsigned seed = 1234u + (unsigned)_i;
	int doc, w, f, limit, shift;

	s = open_ok();
	for (f = 0; f < 3; f++) {
		char name[8];

		snprintf(name, sizeof(name), "f%d", f % 10);
		feed[f] = store_feed_ensure(s, name, "https://x.example/",
		    NULL);
		ck_assert_int_eq(store_feed_retention(s, feed[f], 0, 0), 0);
	}
	for (doc = 0; doc < 30; doc++) {
		f = rand_r(&seed) % 3;
		now += rand_r(&seed) % 4000;
		for (i = 0; i < 20; i++) {
			k = (size_t)(rand_r(&seed) % 200);
			snprintf(id[i], sizeof(id[i]), "e%zu", k);
			w = rand_r(&seed) % 5;
			snprintf(title[i], sizeof(title[i]), "%s %s v%d",
			    vocab[k % 5], vocab[w], rand_r(&seed) % 2);
			snprintf(link[i], sizeof(link[i]),
			    "https://news.example/%zu", k);
			switch (rand_r(&seed) % 5) {
			case 0:
				date = FEED_NO_DATE;
				break;
			case 1:
				date = now + DAY + rand_r(&seed) % 5000;
				break;
			case 2:
				date = now + rand_r(&seed) % DAY;
				break;
			default:
				date = now - rand_r(&seed) % (5 * DAY);
			}
			e[i] = mk(id[i], title[i], link[i], date);
		}
		store_doc(s, feed[f], e, 20, now);
	}
	for (shift = 0; shift <= 8; shift += 4) {
		store_set_block_shift(s, shift);
		for (w = 0; w < 5; w++) {
			for (limit = 1; limit <= 25; limit += 8) {
				memset(&all, 0, sizeof(all));
				all.limit = 10000;
				memset(&q, 0, sizeof(q));
				q.limit = (size_t)limit;
				q.q = vocab[w];
				if (limit == 9) {
					all.feeds = q.feeds = feeds;
					all.nfeeds = q.nfeeds = 1;
				}
				if (limit == 17)
					all.since = q.since = now - 3 * DAY;
				ck_assert_int_eq(store_items(s, &all, &ref,
				    &nref), 0);
				ck_assert_int_eq(store_items(s, &q, &items,
				    &n), 0);
				/* The first limit of ref holding the word. */
				for (i = j = 0; i < nref && j < n; i++) {
					if (strstr(ref[i].entry.title,
					    vocab[w]) == NULL)
						continue;
					ck_assert_msg(ref[i].id == items[j].id,
					    "shift %d word %s limit %d: item"
					    " %zu is %" PRId64 ", not %"
					    PRId64,
					    shift, vocab[w], limit, j,
					    items[j].id, ref[i].id);
					j++;
				}
				for (want = 0, k = 0; k < nref; k++)
					want += strstr(ref[k].entry.title,
					    vocab[w]) != NULL;
				ck_assert_uint_eq(n, want < (size_t)limit ?
				    want : (size_t)limit);
				store_items_free(items, n);
				store_items_free(ref, nref);
			}
		}
	}
	store_close(s);
}
END_TEST

/* New entries are indexed in batches (store.c, fts_flush); updates and
 * purges of entries not yet indexed must keep the index exact. */
START_TEST(test_fts_batches)
{
	struct store *s;
	struct entry e[3];
	int64_t id;
	int added;

	s = open_ok();
	store_set_fts_batch(s, 3);
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	e[0] = mk("1", "alpha one", NULL, T0 - 10);
	e[1] = mk("2", "bravo two", NULL, T0 - 20);
	ck_assert_int_eq(store_doc(s, id, e, 2, T0), 2);
	/* Pending: not in the index yet... */
	ck_assert_int_eq(fts_rows("alpha"), 0);
	/* ...changed while pending, and a third new one fills the batch. */
	e[0].title = (char *)"charlie one";
	e[2] = mk("3", "delta three", NULL, T0 - 5);
	ck_assert_int_eq(store_doc(s, id, e, 3, T0 + 60), 1);
	ck_assert_int_eq(fts_rows("alpha"), 0);
	ck_assert_int_eq(fts_rows("charlie"), 1);
	ck_assert_int_eq(fts_rows("delta"), 1);
	fts_check();
	/* An indexed row changes: out with the old words at once. */
	e[1].title = (char *)"echo two";
	ck_assert_int_eq(store_doc(s, id, &e[1], 1, T0 + 120), 0);
	ck_assert_int_eq(fts_rows("bravo"), 0);
	ck_assert_int_eq(fts_rows("echo"), 1);
	/* A pending row purged: nothing to take out of the index. */
	e[0] = mk("4", "foxtrot four", NULL, T0 + 100);
	ck_assert_int_eq(store_doc(s, id, e, 1, T0 + 180), 1);
	ck_assert_int_eq(store_feed_retention(s, id, 0, 1), 0);
	e[0] = mk("5", "golf five", NULL, T0 + 200);
	ck_assert_int_eq(store_doc(s, id, e, 1, T0 + 240), 1);
	ck_assert_int_eq(count_rows(), 1);
	fts_check();
	/* A rolled back document leaves nothing pending. */
	e[1] = mk("6", "hotel six", NULL, T0 + 250);
	ck_assert_int_eq(store_doc_begin(s, id), 0);
	ck_assert_int_eq(store_doc_entry(s, &e[1], T0 + 300, &added), 0);
	store_doc_rollback(s);
	ck_assert_uint_eq(search(s, "hotel"), 0);
	ck_assert_uint_eq(search(s, "golf"), 1);
	ck_assert_uint_eq(search(s, "foxtrot"), 0);
	ck_assert_int_eq(fts_rows("golf"), 1);
	/* Closing indexes what waits. */
	e[1] = mk("7", "india seven", NULL, T0 + 260);
	ck_assert_int_eq(store_doc(s, id, &e[1], 1, T0 + 360), 1);
	ck_assert_int_eq(fts_rows("india"), 0);
	store_close(s);
	ck_assert_int_eq(fts_rows("india"), 1);
	ck_assert_int_eq(count_sql("SELECT watermark FROM fts_state"),
	    count_sql("SELECT max(id) FROM entries"));
	fts_check();
}
END_TEST

/* store_index_pending indexes what commits left waiting, in chunks
 * within its budget, and keeps the watermark exact. */
START_TEST(test_index_pending)
{
	struct store *s;
	struct entry e[3];
	char ids[2500][16];
	struct entry *v;
	int64_t id, left;
	int i;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	ck_assert_int_eq(store_feed_retention(s, id, 0, 0), 0);
	/* One document of 2500 new entries: above the default bound. */
	store_set_bounds(s, 2500, 0, 0);
	v = calloc(2500, sizeof(*v));
	ck_assert_ptr_nonnull(v);
	for (i = 0; i < 2500; i++) {
		snprintf(ids[i], sizeof(ids[i]), "n%d", i);
		v[i] = mk(ids[i], i == 2499 ? "kilo last" : "lima word",
		    NULL, T0 - 2500 + i);
	}
	ck_assert_int_eq(store_doc(s, id, v, 2500, T0), 2500);
	/* Stored, not indexed: the commit left it for later. */
	ck_assert_int_eq(store_index_backlog(s), 2500);
	ck_assert_int_eq(fts_rows("lima"), 0);
	/* A budget of 0 still does one chunk (of 1000), and says what
	 * waits. */
	ck_assert_int_eq(store_index_pending(s, 0), 1500);
	ck_assert_int_eq(fts_rows("lima"), 1000);
	ck_assert_int_eq(count_sql("SELECT watermark FROM fts_state"),
	    count_sql("SELECT id FROM entries ORDER BY id LIMIT 1 OFFSET"
	    " 999"));
	fts_check();
	/* Inside a document it refuses. */
	ck_assert_int_eq(store_doc_begin(s, id), 0);
	ck_assert_int_eq(store_index_pending(s, 1000), -1);
	store_doc_rollback(s);
	left = store_index_pending(s, 60000);
	ck_assert_int_eq(left, 0);
	ck_assert_int_eq(store_index_backlog(s), 0);
	ck_assert_int_eq(fts_rows("lima"), 2499);
	ck_assert_int_eq(fts_rows("kilo"), 1);
	ck_assert_int_eq(count_sql("SELECT watermark FROM fts_state"),
	    count_sql("SELECT max(id) FROM entries"));
	fts_check();
	/* Nothing waits: nothing to do. */
	ck_assert_int_eq(store_index_pending(s, 0), 0);
	/* A new entry waits again, and a search still finds it. */
	e[0] = mk("x", "mike new", NULL, T0);
	ck_assert_int_eq(store_doc(s, id, e, 1, T0 + 60), 1);
	ck_assert_int_eq(store_index_backlog(s), 1);
	ck_assert_uint_eq(search(s, "mike"), 1);
	ck_assert_int_eq(store_index_backlog(s), 0);
	store_close(s);
	free(v);
}
END_TEST

/* A full disk (SQLITE_FULL): the document fails whole, with the reason,
 * nothing stored is lost, and the store goes on once there is room. */
START_TEST(test_disk_full)
{
	struct store *s;
	struct store_feed_state st;
	struct entry e[40];
	char ids[40][8], big[40][2048];
	int64_t id, pages;
	size_t i;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	e[0] = mk("first", "First", NULL, T0 - 10);
	ck_assert_int_eq(store_doc(s, id, e, 1, T0), 1);
	ck_assert_uint_eq(search(s, "first"), 1);
	for (i = 0; i < 40; i++) {
		snprintf(ids[i], sizeof(ids[i]), "b%zu", i);
		memset(big[i], 'a' + (int)(i % 26), sizeof(big[i]) - 1);
		big[i][sizeof(big[i]) - 1] = '\0';
		e[i] = mk(ids[i], "Big", NULL, T0);
		e[i].content = big[i];
	}
	pages = count_sql("PRAGMA page_count");
	store_set_max_pages(s, pages);
	ck_assert_int_eq(store_doc_begin(s, id), 0);
	for (i = 0; i < 40; i++) {
		int added;

		if (store_doc_entry(s, &e[i], T0 + 60, &added) == -1)
			break;
	}
	if (i == 40)
		ck_assert_int_eq(store_doc_commit(s), -1);
	ck_assert_msg(strstr(store_errmsg(s), "full") != NULL, "%s",
	    store_errmsg(s));
	store_doc_rollback(s);
	ck_assert_int_eq(count_rows(), 1);
	ck_assert_uint_eq(search(s, "first"), 1);
	/* The state can still say so, or fails cleanly too. */
	memset(&st, 0, sizeof(st));
	st.error_class = (char *)"store";
	st.last_error = (char *)"database or disk is full";
	(void)store_feed_state_put(s, id, &st);
	/* Room again: it goes on. */
	store_set_max_pages(s, 1000000);
	ck_assert_int_eq(store_doc(s, id, e, 40, T0 + 120), 40);
	ck_assert_int_eq(count_rows(), 41);
	store_close(s);
	fts_check();
}
END_TEST

/* The state store_feeds shows for the only feed: its last_error
 * (NULL for none) and, when etag is given, its etag. */
static void
check_shown_error(struct store *s, const char *error, const char *etag)
{
	struct store_feed_row *rows;
	size_t n;

	ck_assert_int_eq(store_feeds(s, &rows, &n), 0);
	ck_assert_uint_eq(n, 1);
	if (error == NULL)
		ck_assert_ptr_null(rows[0].state.last_error);
	else
		ck_assert_pstr_eq(rows[0].state.last_error, error);
	if (etag != NULL)
		ck_assert_pstr_eq(rows[0].state.etag, etag);
	store_feeds_free(rows, n);
}

/* Another process holds the write lock: the document fails after the
 * busy timeout with "locked", and succeeds once the lock is gone.  The
 * feed's state cannot be saved meanwhile, yet store_feeds and
 * store_feed_state_get show the failure; a later put saves for real. */
START_TEST(test_locked)
{
	struct store *s;
	struct store_feed_state st, got;
	struct entry e;
	sqlite3 *db;
	uint64_t gen;
	int64_t id;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL,
	    NULL), SQLITE_OK);
	ck_assert_int_eq(store_doc_begin(s, id), -1);
	ck_assert_msg(strstr(store_errmsg(s), "locked") != NULL, "%s",
	    store_errmsg(s));
	/* Reading goes on meanwhile (WAL). */
	ck_assert_uint_eq(count_items(s), 0);
	memset(&st, 0, sizeof(st));
	st.etag = (char *)"\"v1\"";
	st.failures = 1;
	st.error_class = (char *)"store";
	st.last_error = (char *)"database is locked";
	gen = store_feeds_generation(s);
	ck_assert_int_eq(store_feed_state_put(s, id, &st), -1);
	ck_assert_uint_gt(store_feeds_generation(s), gen);
	check_shown_error(s, "database is locked", "\"v1\"");
	ck_assert_int_eq(store_feed_state_get(s, id, &got), 0);
	ck_assert_pstr_eq(got.last_error, "database is locked");
	ck_assert_int_eq(got.failures, 1);
	store_feed_state_reset(&got);
	/* A second failure replaces the first. */
	st.failures = 2;
	st.last_error = (char *)"database is locked again";
	ck_assert_int_eq(store_feed_state_put(s, id, &st), -1);
	check_shown_error(s, "database is locked again", NULL);
	ck_assert_int_eq(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	e = mk("a", "After the lock", NULL, T0);
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0), 1);
	/* Until a put succeeds, the unsaved state is what shows. */
	check_shown_error(s, "database is locked again", NULL);
	memset(&st, 0, sizeof(st));
	st.etag = (char *)"\"v2\"";
	st.last_success = T0;
	ck_assert_int_eq(store_feed_state_put(s, id, &st), 0);
	check_shown_error(s, NULL, "\"v2\"");
	/* And it is the database's, as another connection reads it. */
	{
		sqlite3_stmt *q;

		ck_assert_int_eq(sqlite3_prepare_v2(db,
		    "SELECT etag, last_error FROM feeds", -1, &q, NULL),
		    SQLITE_OK);
		ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
		ck_assert_str_eq((const char *)sqlite3_column_text(q, 0),
		    "\"v2\"");
		ck_assert_int_eq(sqlite3_column_type(q, 1), SQLITE_NULL);
		sqlite3_finalize(q);
	}
	sqlite3_close(db);
	store_close(s);
}
END_TEST

/* A file with a good header but a damaged schema page: a clear error at
 * open, not a crash. */
START_TEST(test_corrupt_schema)
{
	struct store *s;
	struct entry e;
	char *err = NULL, junk[512];
	FILE *fp;
	int64_t id;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	e = mk("a", "A", NULL, T0);
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0), 1);
	store_close(s);
	/* Checkpointed at close: the WAL is empty; damage page 1 past the
	 * 100-byte header. */
	memset(junk, 0xa5, sizeof(junk));
	fp = fopen(dbpath, "r+b");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(fseek(fp, 100, SEEK_SET), 0);
	ck_assert_uint_eq(fwrite(junk, 1, sizeof(junk), fp), sizeof(junk));
	fclose(fp);
	s = store_open(dbpath, &err);
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err, "malformed") != NULL ||
	    strstr(err, "corrupt") != NULL, "%s", err);
	free(err);
}
END_TEST

/* A steady stream of new entries under retention: the file stops
 * growing (freed pages return by incremental vacuum, the search index
 * merges away what it deleted). */
START_TEST(test_steady_stream)
{
	struct store *s;
	struct entry e[5];
	char ids[5][32], body[1024];
	int64_t id, pages60 = 0, pages;
	int doc, i;

	memset(body, 'q', sizeof(body) - 1);
	body[sizeof(body) - 1] = '\0';
	s = open_ok();
	store_set_fts_batch(s, 10);
	id = store_feed_ensure(s, "stream", "https://example.org/feed", NULL);
	ck_assert_int_eq(store_feed_retention(s, id, 0, 20), 0);
	for (doc = 0; doc < 300; doc++) {
		for (i = 0; i < 5; i++) {
			snprintf(ids[i], sizeof(ids[i]), "s-%d-%d", doc, i);
			e[i] = mk(ids[i], ids[i], NULL, T0 + doc * 60 + i);
			e[i].content = body;
		}
		ck_assert_int_eq(store_doc(s, id, e, 5, T0 + doc * 60 + 10),
		    5);
		if (doc == 59) {
			ck_assert_int_eq(store_maintain(s), 0);
			pages60 = count_sql("PRAGMA page_count");
		}
	}
	ck_assert_int_eq(store_maintain(s), 0);
	pages = count_sql("PRAGMA page_count");
	ck_assert_int_eq(count_rows(), 20);
	/* 1,200 more entries of over 1 KiB each would be 300+ pages. */
	ck_assert_msg(pages < pages60 + 30, "%" PRId64 " pages, %" PRId64
	    " after 60 documents", pages, pages60);
	store_close(s);
	fts_check();
}
END_TEST

/* Registered on the test's own connection so older steps can run. */
static void
sql_identity(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_result_value(ctx, argv[0]);
}

/* The store's hash functions, for writing rows as it would. */
static void
sql_key_hash(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_result_int64(ctx, (int64_t)store_key_hash(
	    (const char *)sqlite3_value_text(argv[0]),
	    (size_t)sqlite3_value_bytes(argv[0])));
}

static void
sql_canon_hash(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_result_int64(ctx, store_canon_hash(
	    (const char *)sqlite3_value_text(argv[0])));
}

/* A database at schema version _i (with a feed, an entry, a tag-less
 * state) migrates to the current one, keeping everything. */
START_TEST(test_migrate_from_each)
{
	struct store *s;
	struct store_feed_row *rows;
	struct store_item *items;
	struct store_query q;
	struct entry e;
	sqlite3 *db;
	int v, version = _i;
	char sql[64];
	size_t n;

	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_create_function(db, "feedd_text", 1,
	    SQLITE_UTF8, NULL, sql_identity, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_create_function(db, "feedd_fts", 2,
	    SQLITE_UTF8, NULL, sql_identity, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_create_function(db, "feedd_key_hash", 1,
	    SQLITE_UTF8, NULL, sql_key_hash, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_create_function(db, "feedd_canon_hash", 1,
	    SQLITE_UTF8, NULL, sql_canon_hash, NULL, NULL), SQLITE_OK);
	/* (Step 5 computes it from rows: there are none yet.) */
	ck_assert_int_eq(sqlite3_create_function(db, "feedd_content_hash", 9,
	    SQLITE_UTF8, NULL, sql_identity, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA auto_vacuum = INCREMENTAL;"
	    " PRAGMA journal_mode = WAL;", NULL, NULL, NULL), SQLITE_OK);
	for (v = 1; v <= version; v++)
		ck_assert_int_eq(sqlite3_exec(db, schema_step(v), NULL, NULL,
		    NULL), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db,
	    "INSERT INTO feeds (id, name, url, etag, failures) VALUES"
	    " (3, 'world', 'https://example.org/feed', '\"e\"', 2);",
	    NULL, NULL, NULL), SQLITE_OK);
	/* As the store of that version wrote it. */
	ck_assert_int_eq(sqlite3_exec(db, version < 5 ?
	    "INSERT INTO entries (feed_id, key, guid, content_hash, src_id,"
	    " title, link, canon_link, summary, published, first_seen,"
	    " sort_time) VALUES (3, 'i:old', 'tag:feedd,2026:0', 1, 'old',"
	    " 'Old', 'https://example.org/old', 'https://example.org/old',"
	    " '<p>summary</p>', 5, 5, 5);" :
	    "INSERT INTO entries (feed_id, key, key_hash, guid, content_hash,"
	    " src_id, title, link, canon_link, canon_hash, summary,"
	    " published, first_seen, sort_time) VALUES (3, 'i:old',"
	    " feedd_key_hash('i:old'), 'tag:feedd,2026:0', 1, 'old', 'Old',"
	    " 'https://example.org/old', 'https://example.org/old',"
	    " feedd_canon_hash('https://example.org/old'), '<p>summary</p>',"
	    " 5, 5, 5);",
	    NULL, NULL, NULL), SQLITE_OK);
	if (version >= 4)
		ck_assert_int_eq(sqlite3_exec(db, "UPDATE feeds SET"
		    " n_entries = 1", NULL, NULL, NULL), SQLITE_OK);
	if (version >= 3)
		ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO entries_fts"
		    " (rowid, title) VALUES (1, 'Old')", NULL, NULL, NULL),
		    SQLITE_OK);
	sqlite3_close(db);

	s = open_ok();
	ck_assert_int_eq(count_sql("PRAGMA user_version"), SCHEMA_VERSION);
	/* The pages of the entries step 5 rebuilt went back. */
	if (version < 5)
		ck_assert_int_eq(count_sql("PRAGMA freelist_count"), 0);
	ck_assert_int_eq(store_feeds(s, &rows, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(rows[0].id, 3);
	ck_assert_int_eq(rows[0].entries, 1);
	ck_assert_str_eq(rows[0].state.etag, "\"e\"");
	ck_assert_int_eq(rows[0].state.failures, 2);
	ck_assert_ptr_null(rows[0].state.current_url);
	store_feeds_free(rows, n);
	memset(&q, 0, sizeof(q));
	q.limit = 10;
	q.q = "old";
	ck_assert_str_eq(titles(s, &q), "Old");
	e = mk("new", "New", NULL, T0);
	ck_assert_int_eq(store_feed_retention(s, 3, 0, 0), 0);
	ck_assert_int_eq(store_doc(s, 3, &e, 1, T0), 1);
	q.q = NULL;
	ck_assert_str_eq(titles(s, &q), "New,Old");
	/* The old entry is found by its key (an update, nothing added)
	 * and by its canonical link under a new id, and keeps its guid. */
	e = mk("old", "Old", "https://example.org/old", 5);
	ck_assert_int_eq(store_doc(s, 3, &e, 1, T0 + 60), 0);
	/* Step 5 computed the content hashes anew from the rows: the same
	 * entry again is no change.  (A row planted at version 5 has a
	 * made-up hash.) */
	ck_assert_int_eq(store_doc_updated(s), (version < 5 ? 0 : 1));
	e = mk("https://example.org/old", "Old", "https://example.org/old",
	    5);
	ck_assert_int_eq(store_doc(s, 3, &e, 1, T0 + 120), 0);
	ck_assert_int_eq(store_doc_updated(s), 0);
	q.feeds = NULL;
	q.limit = 10;
	ck_assert_str_eq(titles(s, &q), "New,Old");
	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(items[1].guid, "tag:feedd,2026:0");
	store_items_free(items, n);
	store_close(s);
	ck_assert_int_eq(count_sql("SELECT n_entries FROM feeds"), 2);
	ck_assert_int_eq(count_rows(), 2);
	ck_assert_int_eq(count_sql("SELECT count(*) FROM"
	    " pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
	fts_check();
}
END_TEST

/*
 * Documents from real feeds' habits (tests/data/store/), stored in turn
 * as one feed: how many entries each adds, and how many rows are left.
 */
struct fixture_case {
	const char	*files[5];
	int		 keep_entries;	/* 0 = off */
	int		 added[5];
	int		 rows;
};

static const struct fixture_case fcases[] = {
	/* BBC: guids gain a "#N" fragment between fetches, reordered. */
	{ { "bbc-1", "bbc-2", "bbc-3" }, 0, { 3, 0, 0 }, 3 },
	/* WordPress: ?p= guids on http become https permalinks, links
	 * gain utm_ parameters. */
	{ { "guidchurn-1", "guidchurn-2" }, 0, { 2, 1 }, 3 },
	/* Every item has the site URL as its guid. */
	{ { "repeated-1", "repeated-2", "repeated-1" }, 0, { 3, 1, 0 }, 4 },
	/* A corrected headline and body: updated in place. */
	{ { "changed-1", "changed-2", "changed-1" }, 0, { 2, 0, 0 }, 2 },
	/* A window of three moving on, and a stale copy coming back. */
	{ { "comeback-1", "comeback-2", "comeback-3", "comeback-4" }, 0,
	    { 3, 2, 0, 1 }, 6 },
	/* The same with retention: purged entries stay gone. */
	{ { "comeback-1", "comeback-2", "comeback-3", "comeback-4" }, 3,
	    { 3, 2, 0, 1 }, 3 },
};

struct doc_sink {
	struct store	*s;
	int64_t		 now;
	int		 added;
};

static int
fixture_entry(void *arg, const struct entry *e, char **errstr)
{
	struct doc_sink *ds = arg;
	int added;

	(void)errstr;
	ck_assert_int_eq(store_doc_entry(ds->s, e, ds->now, &added), 0);
	ds->added += added;
	return 0;
}

/* Parses tests/data/store/name.xml into feed id as one document;
 * returns how many entries it added. */
static int
store_fixture(struct store *s, int64_t id, const char *name, int64_t now)
{
	struct feed_parse_opts o = { NULL, NULL, 0 };
	struct doc_sink ds = { s, now, 0 };
	struct feed_sink sink = { fixture_entry, &ds };
	struct feed_info info;
	const char *top;
	char path[512], *doc, *err = NULL;
	FILE *fp;
	long len;

	top = getenv("top_srcdir");
	snprintf(path, sizeof(path), "%s/tests/data/store/%s.xml",
	    top != NULL ? top : ".", name);
	fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "%s", path);
	ck_assert_int_eq(fseek(fp, 0, SEEK_END), 0);
	len = ftell(fp);
	rewind(fp);
	doc = malloc((size_t)len + 1);
	ck_assert_uint_eq(fread(doc, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	memset(&info, 0, sizeof(info));
	ck_assert_int_eq(store_doc_begin(s, id), 0);
	ck_assert_msg(feed_parse(doc, (size_t)len, &o, &sink, &info,
	    &err) == 0, "%s: %s", name, err ? err : "?");
	ck_assert_int_eq(store_doc_info(s, &info), 0);
	ck_assert_int_eq(store_doc_commit(s), 0);
	feed_info_reset(&info);
	free(doc);
	return ds.added;
}

START_TEST(test_fixtures)
{
	const struct fixture_case *fc = &fcases[_i];
	struct store *s;
	int64_t id;
	size_t i;

	s = open_ok();
	id = store_feed_ensure(s, "fixture", "https://example.org/f", NULL);
	ck_assert_int_eq(store_feed_retention(s, id, 0, fc->keep_entries),
	    0);
	for (i = 0; i < 5 && fc->files[i] != NULL; i++)
		ck_assert_msg(store_fixture(s, id, fc->files[i],
		    T0 + (int64_t)i * 3600) == fc->added[i],
		    "%s: wrong count", fc->files[i]);
	store_close(s);
	ck_assert_int_eq(count_rows(), fc->rows);
	fts_check();
}
END_TEST

START_TEST(test_fixture_changed)
{
	struct store *s;
	struct store_query q;
	struct store_item *items;
	int64_t id;
	size_t n;

	s = open_ok();
	id = store_feed_ensure(s, "news", "https://news.example/f", NULL);
	ck_assert_int_eq(store_fixture(s, id, "changed-1", T0), 2);
	ck_assert_int_eq(store_fixture(s, id, "changed-2", T0 + 600), 0);
	memset(&q, 0, sizeof(q));
	q.limit = 10;
	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(items[0].entry.title, "Mayor resigns after vote");
	ck_assert_int_eq(items[0].first_seen, T0);
	ck_assert_int_eq(items[0].changed, T0 + 600);
	ck_assert_int_eq(items[1].changed, 0);
	store_items_free(items, n);
	/* The old words left the index, the new ones are in. */
	q.q = "vote";
	ck_assert_str_eq(titles(s, &q), "Mayor resigns after vote");
	q.q = "resigned.";
	ck_assert_str_eq(titles(s, &q), "Mayor resigns after vote");
	store_close(s);
	fts_check();
}
END_TEST

START_TEST(test_fixture_two_feeds)
{
	struct store *s;
	struct store_query q;
	const char *fb[] = { "paper" };
	int64_t a, b;

	s = open_ok();
	a = store_feed_ensure(s, "wire", "https://wire.example/f", NULL);
	b = store_feed_ensure(s, "paper", "https://paper.example/f", NULL);
	ck_assert_int_eq(store_fixture(s, a, "twofeeds-a", T0), 2);
	ck_assert_int_eq(store_fixture(s, b, "twofeeds-b", T0 + 60), 2);
	ck_assert_int_eq(count_rows(), 4);
	memset(&q, 0, sizeof(q));
	q.limit = 10;
	ck_assert_str_eq(titles(s, &q), "Quake strikes,Wire only,Local only");
	q.feeds = fb;
	q.nfeeds = 1;
	ck_assert_str_eq(titles(s, &q), "Quake strikes coastal town,"
	    "Local only");
	store_close(s);
}
END_TEST

/* Stores entries as one document whose channel carries the date chan
 * (FEED_NO_DATE for none); returns how many were added. */
static int
store_doc_chan(struct store *s, int64_t feed, const struct entry *v,
    size_t n, int64_t now, int64_t chan)
{
	struct feed_info info;
	size_t i;
	int added, total = 0;

	memset(&info, 0, sizeof(info));
	info.updated = chan;
	ck_assert_int_eq(store_doc_begin(s, feed), 0);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(store_doc_entry(s, &v[i], now, &added), 0);
		total += added;
	}
	ck_assert_int_eq(store_doc_info(s, &info), 0);
	ck_assert_int_eq(store_doc_commit(s), 0);
	return total;
}

/* The ids of the merged feed's first items, comma-separated. */
static const char *
ids_of(struct store *s, size_t limit)
{
	static char out[512];
	struct store_query q = { .limit = limit };
	struct store_item *items;
	size_t i, n;

	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	out[0] = '\0';
	for (i = 0; i < n; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out),
		    "%s%s", i > 0 ? "," : "", items[i].entry.id ?
		    items[i].entry.id : "-");
	store_items_free(items, n);
	return out;
}

/* Japan Times: a channel dated January 2017 and 118 undated items (six
 * of them here), added beside a feed of today's news.  They go to the
 * channel's date, in the document's order, not to the top of the river
 * in reverse. */
START_TEST(test_undated_channel_date)
{
	struct store *s;
	struct store_query q = { .limit = 10 };
	struct store_item *items;
	struct entry e[2];
	int64_t a, b;
	size_t n;

	s = open_ok();
	a = store_feed_ensure(s, "wire", "https://wire.example/f", NULL);
	b = store_feed_ensure(s, "jt", "http://www.japantimes.co.jp/", NULL);
	e[0] = mk("w1", "Today", "https://wire.example/1", T0 - 3600);
	e[1] = mk("w2", "Yesterday", "https://wire.example/2", T0 - DAY);
	ck_assert_int_eq(store_doc(s, a, e, 2, T0 - 60), 2);
	ck_assert_int_eq(store_fixture(s, b, "rw-japantimes", T0), 6);
	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_uint_eq(n, 8);
	ck_assert_str_eq(items[0].entry.title, "Today");
	ck_assert_str_eq(items[1].entry.title, "Yesterday");
	/* Sun, 08 Jan 2017 00:10:21 +0900, then a second per place. */
	ck_assert_int_eq(items[2].order_time, 1483801821);
	ck_assert_int_eq(items[3].order_time, 1483801820);
	ck_assert_int_eq(items[7].order_time, 1483801816);
	ck_assert_ptr_nonnull(strstr(items[2].entry.title, "Trump shock"));
	ck_assert_ptr_nonnull(strstr(items[3].entry.title, "Abe aide"));
	ck_assert_ptr_nonnull(strstr(items[7].entry.title,
	    "In rare move"));
	ck_assert_int_eq(items[2].first_seen, T0);
	ck_assert_int_eq(items[2].entry.published, FEED_NO_DATE);
	store_items_free(items, n);
	/* Refetched (and edited), they stay where they are. */
	ck_assert_int_eq(store_fixture(s, b, "rw-japantimes", T0 + 600), 0);
	ck_assert_str_eq(ids_of(s, 2), "w1,w2");
	store_close(s);
}
END_TEST

/* Undated entries without a channel date: a new feed's backlog goes
 * below its own oldest dated entry; later, new ones come at the time
 * they were seen, in document order; a stale channel date is not
 * believed. */
START_TEST(test_undated_order)
{
	struct store *s;
	struct store_query q = { .limit = 2 };
	struct store_item *items;
	struct entry e[4];
	int64_t a, b;
	size_t n;

	s = open_ok();
	a = store_feed_ensure(s, "wire", "https://wire.example/f", NULL);
	b = store_feed_ensure(s, "blog", "https://blog.example/f", NULL);
	e[0] = mk("w1", "Wire", "https://wire.example/1", T0 - 3 * DAY);
	ck_assert_int_eq(store_doc(s, a, e, 1, T0), 1);
	e[0] = mk("u1", "U1", "https://blog.example/u1", FEED_NO_DATE);
	e[1] = mk("d1", "D1", "https://blog.example/d1", T0 - 5 * DAY);
	e[2] = mk("u2", "U2", "https://blog.example/u2", FEED_NO_DATE);
	ck_assert_int_eq(store_doc_chan(s, b, e, 3, T0, FEED_NO_DATE), 3);
	ck_assert_str_eq(ids_of(s, 10), "w1,d1,u1,u2");
	/* New undated entries of a later fetch are news: on top, in the
	 * document's order, even with a stale channel date. */
	e[0] = mk("u3", "U3", "https://blog.example/u3", FEED_NO_DATE);
	e[1] = mk("u4", "U4", "https://blog.example/u4", FEED_NO_DATE);
	e[2] = mk("u5", "U5", "https://blog.example/u5", FEED_NO_DATE);
	ck_assert_int_eq(store_doc_chan(s, b, e, 3, T0 + 600,
	    T0 - 10 * DAY), 3);
	ck_assert_str_eq(ids_of(s, 3), "u3,u4,u5");
	/* Entries of one date (days, not times) keep the document's order
	 * too. */
	e[0] = mk("s1", "S1", "https://blog.example/s1", T0 + 300);
	e[1] = mk("s2", "S2", "https://blog.example/s2", T0 + 300);
	e[2] = mk("s3", "S3", "https://blog.example/s3", T0 + 300);
	ck_assert_int_eq(store_doc_chan(s, a, e, 3, T0 + 900, FEED_NO_DATE),
	    3);
	ck_assert_str_eq(ids_of(s, 6), "u3,u4,u5,s1,s2,s3");
	/* A believable channel date places them. */
	e[0] = mk("u6", "U6", "https://blog.example/u6", FEED_NO_DATE);
	e[1] = mk("u7", "U7", "https://blog.example/u7", FEED_NO_DATE);
	ck_assert_int_eq(store_doc_chan(s, b, e, 2, T0 + 1200, T0 + 900),
	    2);
	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(items[0].entry.id, "u6");
	ck_assert_int_eq(items[0].order_time, T0 + 900);
	ck_assert_str_eq(items[1].entry.id, "u7");
	ck_assert_int_eq(items[1].order_time, T0 + 899);
	store_items_free(items, n);
	store_close(s);
}
END_TEST

/* Suspilne: one story listed twice in the document (same link, same
 * headline, no guid; the versions differ in date and text). */
START_TEST(test_repeated_link_once)
{
	struct store *s;
	int64_t id;

	s = open_ok();
	id = store_feed_ensure(s, "suspilne", "https://suspilne.media/rss",
	    NULL);
	ck_assert_int_eq(store_fixture(s, id, "rw-suspilne", T0), 4);
	ck_assert_int_eq(store_fixture(s, id, "rw-suspilne", T0 + 600), 0);
	ck_assert_int_eq(count_rows(), 4);
	store_close(s);
	fts_check();
}
END_TEST

/* Al Jazeera: guids rotate (?t=...) while a headline gains "UPDATED:";
 * the canonical link says it is the same story, updated in place with
 * its guid for readers kept. */
START_TEST(test_rotating_guid_once)
{
	struct store *s;
	struct store_query q = { .limit = 10 };
	struct store_item *items;
	struct entry e;
	char *guid;
	int64_t id;
	size_t n, i;

	s = open_ok();
	id = store_feed_ensure(s, "aje", "https://www.aljazeera.com/xml",
	    NULL);
	ck_assert_int_eq(store_fixture(s, id, "rw-aljazeera-1", T0), 3);
	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(items[1].entry.title,
	    "Oman says oil spill from stricken tanker has reached its coast");
	guid = strdup(items[1].guid);
	store_items_free(items, n);
	ck_assert_int_eq(store_fixture(s, id, "rw-aljazeera-2", T0 + 600),
	    1);
	ck_assert_int_eq(count_rows(), 4);
	ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
	ck_assert_uint_eq(n, 4);
	for (i = 0; i < n; i++)
		if (strstr(items[i].entry.title, "Oman") != NULL)
			break;
	ck_assert_uint_lt(i, n);
	ck_assert_str_eq(items[i].entry.title, "UPDATED: Oman says oil "
	    "spill from stricken tanker has reached its coast");
	ck_assert_str_eq(items[i].guid, guid);
	ck_assert_int_eq(items[i].changed, T0 + 600);
	store_items_free(items, n);
	free(guid);

	/* A home-page link names no story: a new id and headline there
	 * is a new entry. */
	e = mk("x1", "One", "https://shop.example/", T0 - 10);
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0 + 700), 1);
	e = mk("x2", "Two", "https://shop.example/", T0 - 5);
	ck_assert_int_eq(store_doc(s, id, &e, 1, T0 + 800), 1);
	ck_assert_int_eq(count_rows(), 6);
	store_close(s);
	fts_check();
}
END_TEST

/* A version 5 database whose index holds a Chinese title as one token
 * (as unicode61 made it): step 6 indexes it again, so a word inside it
 * is found, and an update afterwards removes exactly the tokens the
 * index holds (the integrity check would fail otherwise). */
START_TEST(test_migrate_cjk_index)
{
	struct store *s;
	struct store_query q;
	struct entry e;
	sqlite3 *db;
	int v;

	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_create_function(db, "feedd_text", 1,
	    SQLITE_UTF8, NULL, sql_identity, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_create_function(db, "feedd_key_hash", 1,
	    SQLITE_UTF8, NULL, sql_key_hash, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_create_function(db, "feedd_canon_hash", 1,
	    SQLITE_UTF8, NULL, sql_canon_hash, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_create_function(db, "feedd_content_hash", 9,
	    SQLITE_UTF8, NULL, sql_identity, NULL, NULL), SQLITE_OK);
	for (v = 1; v <= 5; v++)
		ck_assert_int_eq(sqlite3_exec(db, schema_step(v), NULL, NULL,
		    NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA user_version = 5;"
	    "INSERT INTO feeds (id, name, url, n_entries) VALUES"
	    " (3, 'bbc', 'https://example.org/feed', 1);"
	    "INSERT INTO entries (feed_id, key, key_hash, content_hash,"
	    " src_id, title, summary, published, first_seen, sort_time)"
	    " VALUES (3, 'i:zh', feedd_key_hash('i:zh'), 1, 'zh',"
	    " '中国足球新改革方案', '<p>Αθήνα</p>', 5, 5, 5);"
	    "INSERT INTO entries_fts (rowid, title, summary) VALUES"
	    " (1, '中国足球新改革方案', ' Αθήνα ');"
	    "UPDATE fts_state SET watermark = 1;", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);

	s = open_ok();
	memset(&q, 0, sizeof(q));
	q.limit = 10;
	q.q = "中国";
	ck_assert_str_eq(titles(s, &q), "中国足球新改革方案");
	q.q = "ΑΘΗΝΑ";
	ck_assert_str_eq(titles(s, &q), "中国足球新改革方案");
	e = mk("zh", "中国成为世界第三大武器出口国", NULL, 5);
	ck_assert_int_eq(store_doc(s, 3, &e, 1, T0), 0);
	ck_assert_int_eq(store_doc_updated(s), 1);
	q.q = "武器";
	ck_assert_str_eq(titles(s, &q), "中国成为世界第三大武器出口国");
	q.q = "足球";
	ck_assert_str_eq(titles(s, &q), "");
	store_close(s);
	fts_check();
}
END_TEST

/*
 * Search in every script of the real-world corpus (titles taken from
 * it, a few made up for letters it lacks).  Chinese and Japanese have no
 * spaces between words: a word inside a longer run must be found (FTS5's
 * unicode61 kept the run as one token, and 中国 found a tenth of the
 * entries holding it).  Letters typed in another form are found too.
 */
static const char *const script_titles[] = {
	"视频：习近平会见英国剑桥公爵威廉王子",
	"法广｜习近平打乱中共官场是一场冒险赌博",
	"中国足球新改革方案：足协与体育总局脱钩",
	"中国成为世界第三大武器出口国",
	"1：▼つω・。▼ ◆Q2Ql4Ejios ＠涙のバレンタインφ ★",
	"Stand UP: Артём Винокур - неожиданное предложение",
	"«Πορτραίτα καραντίνας» για έμπνευση από τη συλλογή Φέλιου",
	"امریکہ کے ساتھ خفیہ معلومات کا تبادلہ اور فوجی تعاون معطل کر دیا",
	"Shelling resumes in Kyïv",
	"Die Straße nach Zürich",
	"Le cœur de Paris",
	"שָׁלוֹם עֲלֵיכֶם",
	"مُحَمَّد في القاهرة",
	"أحمد يكتب رسالة",
	"서울에서 열린 회의",
};

struct script_query {
	const char	*q;
	const char	*want;	/* indexes into script_titles, newest first */
};

static const struct script_query script_queries[] = {
	{ "习近平", "0,1" },
	{ "中国", "2,3" },
	{ "国", "0,2,3" },		/* one character: anywhere in a run */
	{ "出口国", "3" },
	{ "中国 武器", "3" },
	{ "バレンタイン", "4" },
	{ "Артем", "5" },		/* ё typed as е */
	{ "артём", "5" },
	{ "ΠΟΡΤΡΑΙΤΑ", "6" },		/* capitals carry no tonos */
	{ "πορτραιτα", "6" },
	{ "συλλογη", "6" },
	{ "امريكہ", "7" },		/* Arabic yeh for Farsi yeh */
	{ "Kyiv", "8" },
	{ "strasse", "9" },
	{ "zurich", "9" },
	{ "coeur", "10" },
	{ "שלום", "11" },		/* without points */
	{ "محمد", "12" },		/* without harakat */
	{ "احمد", "13" },		/* alef without hamza */
	{ "서울", "14" },
	{ "회의", "14" },
	{ "中国足球新改革", "2" },
	{ "中", "1,2,3" },
};

START_TEST(test_search_scripts)
{
	const size_t nt = sizeof(script_titles) / sizeof(script_titles[0]);
	struct store *s;
	struct store_query q;
	struct store_item *items;
	struct entry e[sizeof(script_titles) / sizeof(script_titles[0])];
	char ids[sizeof(script_titles) / sizeof(script_titles[0])][8];
	char got[64];
	int64_t id;
	size_t i, j, n;

	s = open_ok();
	id = store_feed_ensure(s, "world", "https://example.org/feed", NULL);
	for (i = 0; i < nt; i++) {
		snprintf(ids[i], sizeof(ids[i]), "%zu", i);
		e[i] = mk(ids[i], script_titles[i], NULL,
		    T0 - (int64_t)i * 60);
	}
	ck_assert_int_eq(store_doc(s, id, e, nt, T0), (int)nt);
	for (i = 0; i < sizeof(script_queries) / sizeof(script_queries[0]);
	    i++) {
		memset(&q, 0, sizeof(q));
		q.limit = 50;
		q.q = script_queries[i].q;
		ck_assert_int_eq(store_items(s, &q, &items, &n), 0);
		got[0] = '\0';
		for (j = 0; j < n; j++)
			snprintf(got + strlen(got), sizeof(got) - strlen(got),
			    "%s%s", j > 0 ? "," : "", items[j].entry.id);
		store_items_free(items, n);
		ck_assert_msg(strcmp(got, script_queries[i].want) == 0,
		    "q=%s: found %s, want %s", script_queries[i].q, got,
		    script_queries[i].want);
	}
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
	tcase_add_test(tc, test_guid_derived);
	tcase_add_test(tc, test_key_hash_collision);
	tcase_add_test(tc, test_canon_hash);
	tcase_add_test(tc, test_cross_feed_duplicate);
	tcase_add_test(tc, test_generation);
	tcase_add_test(tc, test_unknown_feed);
	tcase_add_test(tc, test_retention_count);
	tcase_add_test(tc, test_retention_age);
	tcase_add_test(tc, test_rotating_ids_default_bounds);
	tcase_add_test(tc, test_tombstone_bounds);
	tcase_add_test(tc, test_future_channel_date);
	tcase_add_test(tc, test_retention_frees_pages);
	tcase_add_test(tc, test_migrate_from_v1);
	tcase_add_test(tc, test_search);
	tcase_add_test(tc, test_kill_during_ingest);
	tcase_add_test(tc, test_failed_write_rolls_back);
	tcase_add_test(tc, test_feed_state_fetch_fields);
	tcase_add_loop_test(tc, test_query_filters, 0, 3);
	tcase_add_test(tc, test_query_words);
	tcase_add_test(tc, test_fts_batches);
	tcase_add_test(tc, test_index_pending);
	tcase_add_test(tc, test_disk_full);
	tcase_add_test(tc, test_steady_stream);
	tcase_add_test(tc, test_locked);
	tcase_add_test(tc, test_corrupt_schema);
	tcase_add_loop_test(tc, test_search_order_random, 0, 4);
	tcase_add_test(tc, test_feeds_list);
	tcase_add_test(tc, test_retired_feed);
	tcase_add_test(tc, test_publish_times);
	tcase_add_loop_test(tc, test_migrate_from_each, 1,
	    SCHEMA_VERSION + 1);
	tcase_add_loop_test(tc, test_fixtures, 0,
	    (int)(sizeof(fcases) / sizeof(fcases[0])));
	tcase_add_test(tc, test_fixture_changed);
	tcase_add_test(tc, test_fixture_two_feeds);
	tcase_add_test(tc, test_undated_channel_date);
	tcase_add_test(tc, test_undated_order);
	tcase_add_test(tc, test_repeated_link_once);
	tcase_add_test(tc, test_rotating_guid_once);
	tcase_add_test(tc, test_search_scripts);
	tcase_add_test(tc, test_migrate_cjk_index);
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

	feed_init();
	sr = srunner_create(store_suite());
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	feed_cleanup();
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
