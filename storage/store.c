/*
 * store.c: the SQLite database behind feedd: subscriptions' state and
 * every entry ever seen, each stored once.  This file opens, migrates,
 * maintains and closes it, holds the SQL of every prepared statement
 * (stmt_sql) and the helpers the other parts share; the parts themselves
 * are listed in store_int.h.
 *
 * One connection, used only from the event loop thread, so it is opened
 * with SQLITE_OPEN_NOMUTEX and a small busy timeout (a wait blocks the
 * loop).  The file runs in WAL mode with synchronous=NORMAL: a process
 * crash loses nothing committed, an OS crash at most the last commits.
 * It is opened through store_vfs.c's VFS, the default one except that a
 * commit's WAL frames reach the file in a write call per 128 KiB, not
 * two a page.
 * auto_vacuum=INCREMENTAL is set on a new file before WAL, because once
 * WAL is on it only takes effect after a full VACUUM.  The schema and its
 * migrations live in schema.c; the SQL functions some of them (and the
 * search index) need, feedd_text(), feedd_fts() and the hashes, are
 * registered on the connection before anything touches the schema.
 *
 * Every statement is prepared once (SQLITE_PREPARE_PERSISTENT) and kept
 * until store_close(); each use ends in stmt_done(), which resets it,
 * because a SELECT left unreset holds its read snapshot and stops WAL
 * checkpoints.
 *
 * Feeds that leave the config are retired, not deleted: their entries
 * stay in the merged feed until retention, which store_maintain applies
 * to them since no document of theirs will ever commit again.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "canon.h"
#include "schema.h"
#include "store_int.h"
#include "store_test.h"

#define BUSY_TIMEOUT_MS		100
#define JOURNAL_SIZE_LIMIT	(64 * 1024 * 1024)
/* The page cache, in KiB (SQLite's negative form).  A poll cycle
 * writes mostly pages it will not read again, which a larger cache only
 * keeps: at 32 MiB a 1,000-feed cycle peaked at 72 MiB of RSS, at 8 MiB
 * at 46 MiB, for the same CPU time (bench/RESULTS.md). */
#define CACHE_KIB		(-8192)
/* A search bounds the order times of rows by blocks of 2^BLOCK_SHIFT
 * row ids (store_items). */
#define BLOCK_SHIFT		8
/* New entries wait for store_index_pending, a search, maintenance or
 * close to be indexed; a commit indexes them itself only once this many
 * wait (a backstop for a caller that never calls store_index_pending,
 * which bounds the work a search may find waiting). */
#define FTS_BATCH		10000
/* WAL pages from which an idle moment (store_checkpoint) copies the WAL
 * into the database (SQLite's automatic checkpoint defaults to 1000):
 * fewer, larger checkpoints during ingest; store_maintain truncates.  A
 * commit checkpoints by itself only past WAL_MAX_PAGES (wal_hook), which
 * bounds the WAL of a loop that is never idle. */
#define WAL_IDLE_PAGES		4000
#define WAL_MAX_PAGES		(4 * WAL_IDLE_PAGES)
#define STR(x)			#x
#define XSTR(x)			STR(x)

/* struct store_feed_state, in its order. */
#define STATE_COLUMNS \
	"etag, last_modified, next_due, last_attempt, last_success," \
	" last_error, failures, http_status, error_class, current_url," \
	" redirect_target, redirect_seen, gone, retry_after, hint_ttl," \
	" skip_hours, skip_days, poll_interval"
/* An entry as the search index sees it (schema.c, steps 3 and 6). */
#define FTS_COLUMNS \
	"id, feedd_fts(title, 0), feedd_fts(summary, 1)," \
	" feedd_fts(content, 1), feedd_fts(author, 0), feedd_fts((SELECT" \
	" group_concat(value, ' ') FROM json_each(categories)), 0)"
/* An entry's row; ?1 to ?18 bound by entry_write.  No guid: it is
 * derived from feed name and key when read (load_item). */
#define ENTRY_INSERT \
	"INSERT INTO entries (feed_id, key, key_hash, canon_link," \
	" canon_hash, content_hash, src_id, title, link, author, summary," \
	" content, published, updated, categories, enclosures, first_seen," \
	" sort_time)" \
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13," \
	"  ?14, ?15, ?16, ?17, ?18)"

static const char *const stmt_sql[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	/* Tags: one savepoint, so that they join a batch's transaction. */
	[ST_SAVEPOINT] = "SAVEPOINT feed_tags",
	[ST_RELEASE] = "RELEASE feed_tags",
	[ST_ROLLBACK_TO] = "ROLLBACK TO feed_tags",
	/* A feed registered before just as it is now: nothing to write. */
	[ST_FEED_FIND] =
	    "SELECT id FROM feeds WHERE name = ?1 AND url = ?2"
	    " AND conf_title IS ?3 AND retired = 0",
	/* A changed URL drops the validators: they belong to the old one. */
	[ST_FEED_ENSURE] =
	    "INSERT INTO feeds (name, url, conf_title) VALUES (?1, ?2, ?3)"
	    " ON CONFLICT (name) DO UPDATE SET"
	    "  url = excluded.url, conf_title = excluded.conf_title,"
	    "  etag = CASE WHEN feeds.url IS excluded.url"
	    "   THEN feeds.etag END,"
	    "  last_modified = CASE WHEN feeds.url IS excluded.url"
	    "   THEN feeds.last_modified END,"
	    "  current_url = CASE WHEN feeds.url IS excluded.url"
	    "   THEN feeds.current_url END,"
	    "  redirect_target = CASE WHEN feeds.url IS excluded.url"
	    "   THEN feeds.redirect_target END,"
	    "  redirect_seen = CASE WHEN feeds.url IS excluded.url"
	    "   THEN feeds.redirect_seen ELSE 0 END,"
	    "  gone = CASE WHEN feeds.url IS excluded.url"
	    "   THEN feeds.gone ELSE 0 END,"
	    "  retry_after = CASE WHEN feeds.url IS excluded.url"
	    "   THEN feeds.retry_after ELSE 0 END,"
	    "  retired = 0"
	    " RETURNING id",
	[ST_FEED_NAME] =
	    "SELECT name, keep_days, keep_entries, n_entries,"
	    " (SELECT max(first_seen) FROM entries WHERE feed_id = ?1)"
	    " FROM feeds WHERE id = ?1",
	[ST_STATE_GET] =
	    "SELECT " STATE_COLUMNS " FROM feeds WHERE id = ?1",
	[ST_STATE_PUT] =
	    "UPDATE feeds SET etag = ?2, last_modified = ?3, next_due = ?4,"
	    " last_attempt = ?5, last_success = ?6, last_error = ?7,"
	    " failures = ?8, http_status = ?9, error_class = ?10,"
	    " current_url = ?11, redirect_target = ?12, redirect_seen = ?13,"
	    " gone = ?14, retry_after = ?15, hint_ttl = ?16,"
	    " skip_hours = ?17, skip_days = ?18, poll_interval = ?19"
	    " WHERE id = ?1",
	/* Writes only when something differs. */
	[ST_INFO_PUT] =
	    "UPDATE feeds SET title = ?2, link = ?3, ch_id = ?4, author = ?5,"
	    " language = ?6, subtitle = ?7, updated = ?8, format = ?9,"
	    " ttl = ?10 WHERE id = ?1 AND (title, link, ch_id, author,"
	    " language, subtitle, updated, format, ttl) IS NOT"
	    " (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	/*
	 * The rows of a key's hash (0: the caller compares the keys), its
	 * tombstone (1), and the rows with its canonical link (?4, or ?5,
	 * the same under the other of http and https, which has the same
	 * hash ?7) and, unless ?8 says the link names an article, its title
	 * (2; column 3 says whether the title is the same).  Unsorted: an
	 * ORDER BY (same title first) opened an ephemeral table for every
	 * entry looked up; the caller prefers the row with the title.  The
	 * indexes are pinned: the planner might otherwise walk a feed's rows
	 * by entries_feed_seen.
	 */
	[ST_ENTRY_FIND] =
	    "SELECT 0, id, content_hash, canon_link, title, key"
	    " FROM entries INDEXED BY entries_key"
	    " WHERE feed_id = ?1 AND key_hash = ?3"
	    " UNION ALL SELECT 1, NULL, NULL, NULL, NULL, NULL FROM tombstones"
	    " WHERE feed_id = ?1 AND key_hash = ?3"
	    " UNION ALL SELECT 2, id, content_hash, title IS ?6, NULL,"
	    "  key_hash FROM entries INDEXED BY entries_canon"
	    "  WHERE canon_hash = ?7 AND feed_id = ?1"
	    "  AND canon_link IN (?4, ?5) AND (?8 OR title IS ?6)",
	/* A changed entry, row ?19 (bound as for ENTRY_INSERT); its key,
	 * first_seen and row id stay. */
	[ST_ENTRY_UPDATE] =
	    "UPDATE entries SET canon_link = ?4, canon_hash = ?5,"
	    "  content_hash = ?6, src_id = ?7, title = ?8, link = ?9,"
	    "  author = ?10, summary = ?11, content = ?12, published = ?13,"
	    "  updated = ?14, categories = ?15, enclosures = ?16,"
	    "  changed = ?17,"
	    "  sort_time = CASE"
	    "   WHEN coalesce(?13, ?14) IS NULL THEN sort_time"
	    "   WHEN coalesce(?13, ?14) > first_seen + " XSTR(FUTURE_SLACK)
	    "   THEN first_seen ELSE coalesce(?13, ?14) END"
	    " WHERE id = ?19 AND content_hash IS NOT ?6",
	/* A key the look-up found new: no conflict clause to set up. */
	[ST_ENTRY_INSERT] = ENTRY_INSERT,
	[ST_JSON_STRINGS] =
	    "SELECT value FROM json_each(?1) ORDER BY key",
	[ST_JSON_ENCLOSURES] =
	    "SELECT json_extract(value, '$.url'),"
	    " json_extract(value, '$.type'), json_extract(value, '$.length')"
	    " FROM json_each(?1) ORDER BY key",
	[ST_FEED_RETENTION_GET] =
	    "SELECT keep_days, keep_entries FROM feeds WHERE id = ?1",
	[ST_FEED_RETENTION] =
	    "UPDATE feeds SET keep_days = ?2, keep_entries = ?3 WHERE id = ?1",
	[ST_PURGE_OLD] =
	    "SELECT id, key_hash FROM entries WHERE feed_id = ?1"
	    " AND first_seen < ?2",
	[ST_PURGE_EXCESS] =
	    "SELECT id, key_hash FROM entries WHERE feed_id = ?1"
	    " ORDER BY first_seen DESC, id DESC LIMIT -1 OFFSET ?2",
	/* The rows whose ids the JSON array ?1 lists. */
	[ST_ENTRY_DELETE] =
	    "DELETE FROM entries WHERE id IN (SELECT value FROM json_each(?1))",
	[ST_FTS_DELETE] =
	    "INSERT INTO entries_fts (entries_fts, rowid, title, summary,"
	    " content, author, categories) SELECT 'delete', " FTS_COLUMNS
	    " FROM entries WHERE id IN (SELECT value FROM json_each(?1))",
	[ST_FTS_INSERT] =
	    "INSERT INTO entries_fts (rowid, title, summary, content, author,"
	    " categories) SELECT " FTS_COLUMNS
	    " FROM entries WHERE id IN (SELECT value FROM json_each(?1))",
	/* The entries above the watermark up to ?2, into the index. */
	[ST_FTS_FLUSH] =
	    "INSERT INTO entries_fts (rowid, title, summary, content, author,"
	    " categories) SELECT " FTS_COLUMNS
	    " FROM entries WHERE id > ?1 AND id <= ?2",
	[ST_FTS_MARK] = "UPDATE fts_state SET watermark = ?1",
	[ST_FTS_STATE] = "SELECT watermark FROM fts_state",
	[ST_FTS_PENDING] = "SELECT count(*) FROM entries WHERE id > ?1",
	/* The last id and the number of the next ?2 (-1: all) entries
	 * above the watermark. */
	[ST_FTS_RANGE] =
	    "SELECT max(id), count(*) FROM (SELECT id FROM entries"
	    " WHERE id > ?1 ORDER BY id LIMIT ?2)",
	/* Refreshes an existing tombstone at most once a day. */
	[ST_TOMB_PUT] =
	    "INSERT INTO tombstones (feed_id, key_hash, seen)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT (feed_id, key_hash) DO UPDATE"
	    " SET seen = excluded.seen"
	    " WHERE tombstones.seen < excluded.seen - 86400",
	[ST_TOMB_EXPIRE] = "DELETE FROM tombstones WHERE seen < ?1",
	/* All but the ?2 most recently seen of feed ?1's tombstones. */
	[ST_TOMB_TRIM_FEED] =
	    "DELETE FROM tombstones WHERE feed_id = ?1 AND key_hash IN"
	    " (SELECT key_hash FROM tombstones WHERE feed_id = ?1"
	    "  ORDER BY seen DESC, key_hash DESC LIMIT -1 OFFSET ?2)",
	/* The ?1 least recently seen tombstones of all feeds. */
	[ST_TOMB_TRIM_ALL] =
	    "DELETE FROM tombstones WHERE (feed_id, key_hash) IN"
	    " (SELECT feed_id, key_hash FROM tombstones"
	    "  ORDER BY seen, feed_id, key_hash LIMIT ?1)",
	[ST_TOMB_COUNT] = "SELECT count(*) FROM tombstones",
	[ST_TOMB_COUNT_FEED] =
	    "SELECT count(*) FROM tombstones WHERE feed_id = ?1",
	[ST_FEED_COUNT] =
	    "UPDATE feeds SET n_entries = n_entries + ?2 WHERE id = ?1",
	[ST_FEED_TAGS_CLEAR] = "DELETE FROM feed_tags WHERE feed_id = ?1",
	[ST_FEED_TAG_ADD] =
	    "INSERT OR IGNORE INTO feed_tags (tag, feed_id) VALUES (?2, ?1)",
	[ST_FEED_TAGS] =
	    "SELECT tag FROM feed_tags WHERE feed_id = ?1 ORDER BY tag",
	[ST_FEED_TAG_LIST] =
	    "SELECT tag FROM feed_tags WHERE feed_id = ?1",
	[ST_FEED_RETIRE] =
	    "UPDATE feeds SET retired = ?2 WHERE id = ?1 AND retired = 0",
	[ST_FEED_RETIRE_ABSENT] =
	    "UPDATE feeds SET retired = ?2 WHERE retired = 0"
	    " AND name NOT IN (SELECT value FROM json_each(?1))",
	[ST_FEEDS] =
	    "SELECT id, name, url, coalesce(conf_title, title), link,"
	    " n_entries, (SELECT max(sort_time) FROM entries"
	    "  WHERE feed_id = feeds.id), retired, " STATE_COLUMNS
	    " FROM feeds ORDER BY name",
	/* The feeds a query's tags and names select, with their sizes. */
	[ST_FEED_SELECT] =
	    "SELECT id, n_entries FROM feeds WHERE (?1 IS NULL OR id IN"
	    " (SELECT feed_id FROM feed_tags WHERE tag IN"
	    "  (SELECT value FROM json_each(?1))))"
	    " AND (?2 IS NULL OR name IN (SELECT value FROM json_each(?2)))"
	    " ORDER BY id",
	[ST_ENTRIES_TOTAL] = "SELECT total(n_entries) FROM feeds",
	[ST_RETIRED] = "SELECT id FROM feeds WHERE retired <> 0",
	[ST_FEED_DROP] =
	    "DELETE FROM feeds WHERE id = ?1 AND retired <> 0"
	    " AND NOT EXISTS (SELECT 1 FROM entries WHERE feed_id = ?1)",
	[ST_UNDATED_PLACE] =
	    "UPDATE entries SET sort_time = ?2 WHERE id = ?1",
	[ST_PUBLISH_TIMES] =
	    "SELECT sort_time FROM entries WHERE feed_id = ?1"
	    " AND sort_time >= ?2 ORDER BY sort_time",
	/* Wanted anew: a new row, a changed link, or an update of an
	 * article last fetched before ?5. */
	[ST_ART_WANT] =
	    "INSERT INTO articles (entry_id, feed_id, url, next_try)"
	    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (entry_id) DO UPDATE"
	    " SET url = excluded.url, state = 0, tries = 0,"
	    " next_try = excluded.next_try, error = NULL"
	    " WHERE articles.url <> excluded.url OR (articles.state <> 0"
	    " AND coalesce(articles.fetched, 0) < ?5)",
	[ST_ART_DUE] =
	    "SELECT entry_id, feed_id, url, tries FROM articles"
	    " WHERE state = 0 AND next_try <= ?1"
	    " ORDER BY next_try, entry_id LIMIT ?2",
	[ST_ART_NEXT] =
	    "SELECT min(next_try) FROM articles WHERE state = 0",
	[ST_ART_DONE] =
	    "UPDATE articles SET state = ?3, content = ?4, error = ?5,"
	    " next_try = ?6, fetched = ?7, tries = tries + 1"
	    " WHERE entry_id = ?1 AND url = ?2",
	[ST_ART_COUNTS] =
	    "SELECT state, count(*) FROM articles WHERE feed_id = ?1"
	    " GROUP BY state",
	[ST_ROBOTS_GET] =
	    "SELECT fetched, status, body FROM robots WHERE host = ?1",
	[ST_ROBOTS_PUT] =
	    "INSERT INTO robots (host, fetched, status, body)"
	    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (host) DO UPDATE"
	    " SET fetched = excluded.fetched, status = excluded.status,"
	    " body = excluded.body",
};

void
store_seterr(struct store *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
}

/* Records SQLite's message for what just failed. */
void
store_dberr(struct store *s, const char *what)
{
	store_seterr(s, "%s: %s", what, sqlite3_errmsg(s->db));
}

int
exec_sql(struct store *s, const char *sql, const char *what)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		store_dberr(s, what);
		return -1;
	}
	return 0;
}

/* Runs a statement that returns one integer (a PRAGMA read). */
static int
query_int(struct store *s, const char *sql, int64_t *out)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		store_dberr(s, "reading the database");
		return -1;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		*out = 0;
	else
		store_dberr(s, "reading the database");
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Runs a statement that returns no row we need. */
int
step_done(struct store *s, enum stmt_id id, const char *what)
{
	sqlite3_stmt *st = s->stmt[id];
	int rc;

	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		store_dberr(s, what);
	stmt_done(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

/* --- helpers the parts share (store_int.h) */

void
json_add_str(struct buf *b, const char *v)
{
	const unsigned char *p;

	if (v == NULL) {
		buf_addstr(b, "null");
		return;
	}
	buf_addch(b, '"');
	for (p = (const unsigned char *)v; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			buf_addch(b, '\\');
			buf_addch(b, (char)*p);
		} else if (*p < 0x20)
			buf_printf(b, "\\u%04x", *p);
		else
			buf_addch(b, (char)*p);
	}
	buf_addch(b, '"');
}

/* A JSON array of the strings v[0..n) (NULLs skipped). */
char *
json_strings(const char *const *v, size_t n)
{
	struct buf b;
	size_t i;
	int first = 1;

	/* Strings the caller holds, escaped. */
	buf_init(&b, BUF_UNCAPPED);
	buf_addch(&b, '[');
	for (i = 0; i < n; i++) {
		if (v[i] == NULL)
			continue;
		if (!first)
			buf_addch(&b, ',');
		first = 0;
		json_add_str(&b, v[i]);
	}
	buf_addch(&b, ']');
	return buf_steal(&b);
}

/* A JSON array of the ids, to bind to "IN (SELECT value FROM
 * json_each(?))". */
char *
ids_json(const int64_t *ids, size_t n)
{
	struct buf b;
	size_t i;

	/* Our row ids. */
	buf_init(&b, BUF_UNCAPPED);
	buf_addch(&b, '[');
	for (i = 0; i < n; i++)
		buf_printf(&b, i > 0 ? ",%" PRId64 : "%" PRId64, ids[i]);
	buf_addch(&b, ']');
	return buf_steal(&b);
}

/* Runs one of the statements that take a JSON array of row ids. */
int
run_ids(struct store *s, enum stmt_id id, const int64_t *ids, size_t n,
    const char *what)
{
	if (n == 0)
		return 0;
	sqlite3_bind_text(s->stmt[id], 1, ids_json(ids, n), -1, free);
	return step_done(s, id, what);
}

/* --- migrations */

static int
store_migrate(struct store *s)
{
	int64_t version, appid, ntables;
	const char *step;
	char sql[64];
	int v;

	/* The first read of the file: this is where a file that is not a
	 * database fails. */
	if (query_int(s, "PRAGMA user_version", &version) == -1 ||
	    query_int(s, "PRAGMA application_id", &appid) == -1)
		return -1;
	if (version > SCHEMA_VERSION) {
		store_seterr(s, "database schema version %" PRId64 " is newer "
		    "than this feedd supports (%d)", version, SCHEMA_VERSION);
		return -1;
	}
	if (version > 0 && appid != SCHEMA_APPLICATION_ID) {
		store_seterr(s, "not a feedd database (application_id %"
		    PRId64 ")", appid);
		return -1;
	}
	if (version == 0) {
		if (query_int(s, "SELECT count(*) FROM sqlite_schema",
		    &ntables) == -1)
			return -1;
		if (ntables > 0 && appid != SCHEMA_APPLICATION_ID) {
			store_seterr(s, "not a feedd database (it holds "
			    "other tables)");
			return -1;
		}
		/* Must precede journal_mode=WAL on a new file. */
		if (exec_sql(s, "PRAGMA auto_vacuum = INCREMENTAL",
		    "setting auto_vacuum") == -1)
			return -1;
	}
	if (exec_sql(s, "PRAGMA journal_mode = WAL", "setting WAL") == -1)
		return -1;
	/* Each step a commit without an fsync, as every later commit: in
	 * WAL mode a crash still leaves a step whole or undone, and a step
	 * lost to a power cut is run again at the next open.  (The default,
	 * FULL, cost a new database seven fsyncs before its first feed.) */
	if (exec_sql(s, "PRAGMA synchronous = NORMAL", "setting sync") == -1)
		return -1;

	for (v = (int)version + 1; v <= SCHEMA_VERSION; v++) {
		step = schema_step(v);
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
		if (exec_sql(s, "BEGIN IMMEDIATE", "migrating") == -1)
			return -1;
		if (sqlite3_exec(s->db, step, NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) !=
		    SQLITE_OK) {
			store_seterr(s, "migrating to schema version %d: %s",
			    v, sqlite3_errmsg(s->db));
			if (!sqlite3_get_autocommit(s->db))
				sqlite3_exec(s->db, "ROLLBACK", NULL, NULL,
				    NULL);
			return -1;
		}
	}
	/* Step 5 rebuilt the entries: their old pages go back to the file
	 * system now, once, rather than at the first purge in the loop.  A
	 * failure loses nothing: the pages are reused. */
	if (version > 0 && version < 5)
		sqlite3_exec(s->db, "PRAGMA incremental_vacuum", NULL, NULL,
		    NULL);
	return 0;
}

/* --- open, close */

/* feedd_text(html): the search index's view of an HTML fragment. */
static void
sql_html_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *html;
	char *text;

	(void)argc;
	html = sqlite3_value_text(argv[0]);
	if (html == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	text = store_html_text((const char *)html);
	sqlite3_result_text(ctx, text, -1, free);
}

/* feedd_fts(text, html): the search index's form of a column
 * (store_fts_text), of its plain text first if html is true. */
static void
sql_fts_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *v;
	char *text, *fts;

	(void)argc;
	v = sqlite3_value_text(argv[0]);
	if (v == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	if (sqlite3_value_int(argv[1])) {
		text = store_html_text((const char *)v);
		fts = store_fts_text(text, 0);
		free(text);
	} else
		fts = store_fts_text((const char *)v, 0);
	sqlite3_result_text(ctx, fts, -1, free);
}

/* feedd_key_hash(key) and feedd_canon_hash(canon_link): the stored
 * hashes (schema.h), for migrating older rows. */
static void
sql_key_hash(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *v;

	(void)argc;
	if ((v = sqlite3_value_text(argv[0])) == NULL)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_int64(ctx, (int64_t)store_key_hash(
		    (const char *)v, (size_t)sqlite3_value_bytes(argv[0])));
}

/* feedd_content_hash(title, link, author, summary, content, published,
 * updated, categories, enclosures): content_hash of stored columns. */
static void
sql_content_hash(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int64_t d[2];
	int i;

	(void)argc;
	for (i = 0; i < 2; i++)
		d[i] = sqlite3_value_type(argv[5 + i]) == SQLITE_NULL ?
		    FEED_NO_DATE : sqlite3_value_int64(argv[5 + i]);
	sqlite3_result_int64(ctx, (int64_t)content_hash(
	    (const char *)sqlite3_value_text(argv[0]),
	    (const char *)sqlite3_value_text(argv[1]),
	    (const char *)sqlite3_value_text(argv[2]),
	    (const char *)sqlite3_value_text(argv[3]),
	    (const char *)sqlite3_value_text(argv[4]), d[0], d[1],
	    (const char *)sqlite3_value_text(argv[7]),
	    (const char *)sqlite3_value_text(argv[8])));
}

static void
sql_canon_hash(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *v;

	(void)argc;
	if ((v = sqlite3_value_text(argv[0])) == NULL)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_int64(ctx,
		    store_canon_hash((const char *)v));
}

/*
 * After every commit in WAL mode, with the pages the WAL now holds.
 * SQLite's own hook (wal_autocheckpoint) copies the WAL into the
 * database inside the commit that fills it, which made checkpoints,
 * with their fdatasync, two fifths of the cost of committing a
 * document; here a commit does so only past wal_max_pages, and
 * store_checkpoint does it from an idle moment.
 */
static int
wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct store *s = arg;

	s->wal_pages = pages;
	if (pages >= s->wal_max_pages) {
		/* As SQLite's hook: a failure is not the commit's, and the
		 * next commit tries again. */
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE,
		    NULL, NULL);
		s->wal_pages = 0;
	}
	return SQLITE_OK;
}

struct store *
store_open(const char *path, char **errstr)
{
	struct store *s;
	char pragmas[256];
	int i;

	s = xcalloc(1, sizeof(*s));
	s->keep_days = STORE_KEEP_DAYS;
	s->keep_entries = STORE_KEEP_ENTRIES;
	s->block_shift = BLOCK_SHIFT;
	/* Identity keys of entries parsed under their document's cap. */
	buf_init(&s->keybuf, BUF_UNCAPPED);
	buf_init(&s->altbuf, BUF_UNCAPPED);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, store_vfs()) !=
	    SQLITE_OK) {
		if (s->db == NULL)
			store_seterr(s, "out of memory");
		else
			store_dberr(s, "opening");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	if (sqlite3_create_function(s->db, "feedd_text", 1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, sql_html_text,
	    NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(s->db, "feedd_fts", 2, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, sql_fts_text,
	    NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(s->db, "feedd_key_hash", 1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, sql_key_hash,
	    NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(s->db, "feedd_canon_hash", 1,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
	    sql_canon_hash, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(s->db, "feedd_content_hash", 9,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
	    sql_content_hash, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(s->db, "feedd_feed_may", 2,
	    SQLITE_UTF8 | SQLITE_DIRECTONLY, s, sql_feed_may, NULL, NULL) !=
	    SQLITE_OK) {
		store_dberr(s, "registering functions");
		goto fail;
	}
	if (store_migrate(s) == -1)
		goto fail;
	snprintf(pragmas, sizeof(pragmas),
	    "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; PRAGMA journal_size_limit = %d;"
	    " PRAGMA cache_size = %d;", JOURNAL_SIZE_LIMIT, CACHE_KIB);
	if (exec_sql(s, pragmas, "setting pragmas") == -1)
		goto fail;
	/* Replaces SQLite's automatic checkpoint. */
	s->wal_idle_pages = WAL_IDLE_PAGES;
	s->wal_max_pages = WAL_MAX_PAGES;
	sqlite3_wal_hook(s->db, wal_hook, s);
	for (i = 0; i < ST_COUNT; i++) {
		if (sqlite3_prepare_v3(s->db, stmt_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->stmt[i], NULL) !=
		    SQLITE_OK) {
			store_dberr(s, "preparing statements");
			goto fail;
		}
	}
	s->fts_batch = FTS_BATCH;
	s->tomb_total = -1;
	s->doc_add_max = DOC_ADD;
	s->tombs_feed_max = TOMBS_FEED;
	s->tombs_total_max = TOMBS_TOTAL;
	if (tokenizer_open(s) == -1)
		goto fail;
	if (sqlite3_step(s->stmt[ST_FTS_STATE]) == SQLITE_ROW)
		s->fts_w = sqlite3_column_int64(s->stmt[ST_FTS_STATE], 0);
	else
		s->fts_w = -1;
	stmt_done(s->stmt[ST_FTS_STATE]);
	sqlite3_bind_int64(s->stmt[ST_FTS_PENDING], 1, s->fts_w);
	if (s->fts_w >= 0 &&
	    sqlite3_step(s->stmt[ST_FTS_PENDING]) == SQLITE_ROW)
		s->fts_pending = sqlite3_column_int64(s->stmt[ST_FTS_PENDING],
		    0);
	else
		s->fts_w = -1;
	stmt_done(s->stmt[ST_FTS_PENDING]);
	if (s->fts_w < 0) {
		store_dberr(s, "reading the search index's state");
		goto fail;
	}
	return s;
fail:
	*errstr = xstrdup(s->err);
	store_close(s);
	return NULL;
}

void
store_close(struct store *s)
{
	int i;

	if (s == NULL)
		return;
	if (s->in_doc)
		store_doc_rollback(s);
	if (s->in_batch) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		s->in_batch = 0;
	}
	/* What is pending would wait for the next search otherwise. */
	if (s->stmt[ST_COUNT - 1] != NULL)
		fts_catch_up(s);
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	for (i = 0; i < IQ_SHAPES; i++)
		sqlite3_finalize(s->items_st[i]);
	if (s->tok != NULL)
		s->tok_api.xDelete(s->tok);
	if (s->db != NULL && s->stmt[ST_COUNT - 1] != NULL)
		sqlite3_exec(s->db, "PRAGMA optimize", NULL, NULL, NULL);
	sqlite3_close(s->db);
	free(s->doc_keys.slot);
	buf_reset(&s->keybuf);
	buf_reset(&s->altbuf);
	free(s->bound);
	rowfeed_free(s);
	free(s->doc_feed_name);
	free(s->doc_index);
	free(s->doc_undated);
	while (s->nunsaved > 0)
		store_feed_state_reset(&s->unsaved[--s->nunsaved].state);
	free(s->unsaved);
	free(s);
}

/* --- maintenance and accessors */

int
store_maintain(struct store *s)
{
	if (s->in_doc || s->in_batch) {
		store_seterr(s, "maintenance inside a transaction");
		return -1;
	}
	if (store_purge_retired(s, (int64_t)time(NULL)) == -1 ||
	    fts_catch_up(s) == -1)
		return -1;
	/* optimize may write (statistics), so it goes first. */
	if (exec_sql(s, "PRAGMA optimize", "optimizing") == -1 ||
	    exec_sql(s, "PRAGMA wal_checkpoint(TRUNCATE)",
	    "checkpointing") == -1)
		return -1;
	s->wal_pages = 0;
	return 0;
}

int
store_checkpoint_due(const struct store *s)
{
	return s->wal_pages >= s->wal_idle_pages;
}

int
store_checkpoint(struct store *s)
{
	if (s->in_doc || s->in_batch) {
		store_seterr(s, "checkpoint inside a transaction");
		return -1;
	}
	if (!store_checkpoint_due(s))
		return 0;
	/* PASSIVE: this connection is the only one, so nothing makes it
	 * wait or stop short. */
	if (sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    NULL, NULL) != SQLITE_OK) {
		store_dberr(s, "checkpointing");
		return -1;
	}
	s->wal_pages = 0;
	return 1;
}

void
store_set_wal_pages(struct store *s, int idle, int max)
{
	s->wal_idle_pages = idle;
	s->wal_max_pages = max;
}

int
store_wal_pages(const struct store *s)
{
	return s->wal_pages;
}

void
store_set_max_pages(struct store *s, int64_t n)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %" PRId64, n);
	sqlite3_exec(s->db, sql, NULL, NULL, NULL);
}

uint64_t
store_generation(const struct store *s)
{
	return s->generation;
}

const char *
store_errmsg(const struct store *s)
{
	return s->err[0] != '\0' ? s->err : "no error";
}
