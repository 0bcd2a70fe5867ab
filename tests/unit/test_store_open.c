/*
 * test_store_open.c: the database file: a new file is created and
 * migrated, an old one persists, foreign and newer files are refused, every
 * older schema migrates keeping what it holds, and the file survives a
 * process killed mid-ingest, a full disk, a lock held by another process
 * and a corrupt schema; commits leave checkpoints to store_checkpoint
 * up to a bound.
 */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "base/util.h"
#include "parsers/feed.h"
#include "storage/canon.h"
#include "storage/schema.h"
#include "storage/store.h"
#include "storage/store_test.h"
#include "test_seed.h"
#include "test_store_util.h"

static void
write_file(const char *path, const char *data, size_t len)
{
	FILE *fp;

	fp = fopen(path, "wb");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(data, 1, len, fp), len);
	fclose(fp);
}

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

	srand(test_seed("test_kill_during_ingest", (unsigned)getpid()));
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

static off_t
file_size(const char *path)
{
	struct stat sb;

	ck_assert_int_eq(stat(path, &sb), 0);
	return sb.st_size;
}

/* Stores document d of ten new entries. */
static void
store_ten(struct store *s, int64_t feed, int d)
{
	struct entry v[10];
	char id[10][32];
	int k;

	for (k = 0; k < 10; k++) {
		snprintf(id[k], sizeof(id[k]), "d%d-k%d", d, k);
		v[k] = mk(id[k], id[k], NULL, T0 + d);
	}
	ck_assert_int_eq(store_doc(s, feed, v, 10, T0 + d), 10);
}

/* Commits leave the WAL to store_checkpoint, called when the loop is
 * idle, up to a bound past which a commit copies it back itself; the
 * database file grows only then, and nothing is lost either way. */
START_TEST(test_checkpoint_off_commit)
{
	struct store *s;
	int64_t feed;
	off_t size;
	int d = 0, pages = 0;

	s = open_ok();
	store_set_retention(s, 0, 0);
	feed = store_feed_ensure(s, "world", "https://example.org/feed",
	    NULL);
	ck_assert_int_gt(feed, 0);
	ck_assert_int_eq(store_checkpoint(s), 0);
	store_set_wal_pages(s, 60, 200);
	/* An empty WAL (maintenance truncates it). */
	ck_assert_int_eq(store_maintain(s), 0);
	ck_assert_int_eq(store_wal_pages(s), 0);
	size = file_size(dbpath);
	/* Below the idle size: nothing to do. */
	while (store_wal_pages(s) < 30) {
		store_ten(s, feed, d++);
		ck_assert_int_gt(store_wal_pages(s), pages);
		pages = store_wal_pages(s);
	}
	ck_assert(!store_checkpoint_due(s));
	ck_assert_int_eq(store_checkpoint(s), 0);
	/* Past it: the commits still only append. */
	while (store_wal_pages(s) < 60) {
		store_ten(s, feed, d++);
		ck_assert_int_gt(store_wal_pages(s), pages);
		pages = store_wal_pages(s);
	}
	ck_assert(store_checkpoint_due(s));
	ck_assert_int_eq(file_size(dbpath), size);
	ck_assert_int_eq(store_doc_begin(s, feed), 0);
	ck_assert_int_eq(store_checkpoint(s), -1);
	store_doc_rollback(s);
	ck_assert_int_eq(store_checkpoint(s), 1);
	ck_assert_int_eq(store_wal_pages(s), 0);
	ck_assert(!store_checkpoint_due(s));
	ck_assert_int_gt(file_size(dbpath), size);
	ck_assert_int_eq(count_rows(), 10 * d);
	/* Never idle: a commit copies the WAL back at the bound. */
	size = file_size(dbpath);
	pages = 0;
	while (store_wal_pages(s) >= pages) {
		pages = store_wal_pages(s);
		ck_assert_int_lt(pages, 200);
		store_ten(s, feed, d++);
	}
	ck_assert_int_eq(store_wal_pages(s), 0);
	ck_assert_int_gt(file_size(dbpath), size);
	ck_assert_int_eq(count_rows(), 10 * d);
	store_close(s);
	s = open_ok();
	ck_assert_uint_eq(count_items(s), (size_t)(10 * d));
	store_close(s);
}
END_TEST

/*
 * The WAL's writes are gathered per commit (store_vfs.c): a document
 * whose frames overflow the buffer many times, one that is rolled back
 * after its pages went to the WAL, and small ones after it; another
 * connection, with SQLite's default VFS, sees each commit as soon as it
 * returns, and the file is whole.
 */
START_TEST(test_wal_gathered)
{
	struct store *s;
	struct entry *v;
	char (*id)[16], *text;
	int64_t feed;
	int added, k, n = 400;

	v = xcalloc((size_t)n, sizeof(*v));
	id = xcalloc((size_t)n, sizeof(*id));
	text = xmalloc(6001);
	memset(text, 'x', 6000);
	text[6000] = '\0';
	s = open_ok();
	store_set_retention(s, 0, 0);
	feed = store_feed_ensure(s, "big", "https://example.org/feed", NULL);
	for (k = 0; k < n; k++) {
		snprintf(id[k], sizeof(id[k]), "e%d", k);
		v[k] = mk(id[k], id[k], NULL, T0 + k);
		v[k].content = text;
	}
	ck_assert_int_eq(store_doc(s, feed, v, (size_t)n, T0), n);
	ck_assert_int_eq(count_rows(), n);
	ck_assert_int_eq(store_doc_begin(s, feed), 0);
	for (k = 0; k < n; k++) {
		snprintf(id[k], sizeof(id[k]), "r%d", k);
		ck_assert_int_eq(store_doc_entry(s, &v[k], T0, &added), 0);
	}
	store_doc_rollback(s);
	ck_assert_int_eq(count_rows(), n);
	for (k = 0; k < 5; k++) {
		store_ten(s, feed, k);
		ck_assert_int_eq(count_rows(), n + 10 * (k + 1));
	}
	ck_assert_int_eq(count_sql("SELECT count(*) FROM"
	    " pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
	store_close(s);
	s = open_ok();
	ck_assert_uint_eq(count_items(s), (size_t)(n + 50));
	store_close(s);
	free(text);
	free(id);
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

static Suite *
store_open_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("store_open");
	tc = tcase_create("db");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_open_migrates_empty_file);
	tcase_add_test(tc, test_reopen_persists);
	tcase_add_test(tc, test_not_a_database);
	tcase_add_test(tc, test_newer_version_refused);
	tcase_add_test(tc, test_foreign_database_refused);
	tcase_add_test(tc, test_migrate_from_v1);
	tcase_add_test(tc, test_kill_during_ingest);
	tcase_add_test(tc, test_checkpoint_off_commit);
	tcase_add_test(tc, test_wal_gathered);
	tcase_add_test(tc, test_disk_full);
	tcase_add_test(tc, test_locked);
	tcase_add_test(tc, test_corrupt_schema);
	tcase_add_loop_test(tc, test_migrate_from_each, 1,
	    SCHEMA_VERSION + 1);
	tcase_add_test(tc, test_migrate_cjk_index);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int nf;

	feed_init();
	sr = srunner_create(store_open_suite());
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	feed_cleanup();
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
