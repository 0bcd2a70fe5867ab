/*
 * store.c: the SQLite database behind feedd: subscriptions' state and
 * every entry ever seen, each stored once.
 *
 * One connection, used only from the event loop thread, so it is opened
 * with SQLITE_OPEN_NOMUTEX and a small busy timeout (a wait blocks the
 * loop).  The file runs in WAL mode with synchronous=NORMAL: a process
 * crash loses nothing committed, an OS crash at most the last commits.
 * auto_vacuum=INCREMENTAL is set on a new file before WAL, because once
 * WAL is on it only takes effect after a full VACUUM.  The schema and its
 * migrations live in schema.c.
 *
 * Every statement is prepared once (SQLITE_PREPARE_PERSISTENT) and kept
 * until store_close(); each use ends in stmt_done(), which resets it,
 * because a SELECT left unreset holds its read snapshot and stops WAL
 * checkpoints.
 *
 * Identity.  An entry's key within its feed is, in order of preference,
 * its guid/atom:id, its (canonical) link, or a hash of title, date and
 * summary.  Within one document each key is used once: an entry whose id
 * an earlier entry of the same document already used falls back to its
 * link, then to the hash, so a feed that repeats one id for different
 * articles never has them merged.  Across documents, an id whose stored
 * row has both another canonical link and another title is taken for a
 * reused id (a shop that gives every item its home page as guid) and the
 * entry falls back to its next key the same way.  When a key is new to
 * the feed but the feed already holds exactly one entry with the same
 * canonical link (or the same under the other of http and https), the
 * entry is that one under a new id (http became https, a fragment or
 * tracking parameters were added, a guid that changes with every edit
 * while the headline gains "UPDATED:") and updates it instead of adding
 * a second.  A link that is only a site's home page identifies nothing,
 * so there the title must match too.  Within one document, an entry
 * without an id that repeats an earlier entry's article link is the
 * same story listed twice, and the first listing stands.
 *
 * Writes.  The key lookup that precedes every write returns the stored
 * row's id and content hash (of every field), so an unchanged entry is
 * neither written nor counted and refetching a document costs reads
 * only.  The indexes hold 64-bit hashes of key and canonical link, not
 * the strings (schema.c, step 5): a look-up finds the rows of the hash
 * and compares the strings, so a collision costs a row read, never a
 * merge.  Nothing in the schema makes keys unique any more; this look-up
 * does, before every insert, inside the document's transaction, on the
 * only connection that writes.  A new key is a plain INSERT, a changed
 * entry an UPDATE of the row found (WHERE content_hash IS NOT the new
 * one repeats the guard in SQL); neither has a RETURNING clause, which
 * SQLite buffers in an ephemeral table whose setup cost a third of the
 * ingest rate.  The row id, key, guid and first_seen of an entry never
 * change; the guid, a function of feed name and key, is derived when
 * read instead of stored.
 *
 * Retention runs when a document is committed, inside its transaction:
 * the feed's entries past its age or count limit are deleted, unless the
 * document holds them (its keys are in doc_keys), and each leaves a
 * tombstone of its key hash.  A key new to the feed that has a tombstone
 * is skipped, and the tombstone's seen time refreshed (at most daily), so
 * an entry a feed keeps serving never returns; tombstones unseen for a
 * year are dropped.  A publisher that rotates its ids would still make
 * the table grow by a document's worth per fetch, so it is bounded three
 * ways (store_set_bounds): a document adds at most doc_add new entries
 * (the rest wait for a later fetch that still carries them) and only its
 * first DOC_LOOK_FACTOR times that many are looked at; a feed keeps at
 * most tombs_feed tombstones, the most recently seen; and the table at
 * most tombs_total, the oldest going first.  The total is counted once
 * and then kept as an estimate (tomb_total), recounted after a rollback
 * and each daily expiry, so that the bound costs no scan per commit.
 * A tombstone dropped early only lets a rotated-out entry return as new
 * if the feed still serves it, which a rotating feed does not.  Freed
 * pages go back to the file system by incremental vacuum after the
 * commit.
 *
 * Dates.  An entry or channel date later than the time of the document
 * is stored as that time: a publisher's clock cannot put its feed at the
 * top of the merged feed, nor its date in the source's <updated>, for
 * years to come.  The content hash is of the dates as published, so an
 * unchanged entry is still recognised.
 *
 * Full-text search is a contentless FTS5 index (schema.c) kept in step
 * here.  New rows are indexed off the ingest path: the rows above a
 * watermark (fts_state) wait for store_index_pending (the loop's idle
 * moments), a search, maintenance or close, and then enter the index in
 * one statement per chunk of FTS_CHUNK, in a transaction that also moves
 * the watermark, because FTS5 writes a segment at every statement
 * boundary and tokenizing was ~40% of ingest even in batches.  A commit
 * finding FTS_BATCH rows waiting indexes them itself, a backstop that
 * bounds what a search may find to do.  Rows
 * at or below the watermark are in the index: a changed one leaves it
 * before it is overwritten (its old text names the tokens to remove) and
 * comes back at commit, and purged ones leave it in one statement; rows
 * above it are simply written or deleted.  A crash loses nothing: the
 * watermark commits with the rows it covers.  The SQL functions
 * feedd_text() and feedd_fts() it needs are registered on the
 * connection before anything touches the schema.  The index holds text
 * in store_fts_text's form (CJK runs as pairs of characters, letters
 * folded), and a reader's query is put in the same form first.  It is
 * never passed to FTS5 as syntax: each word is cut into tokens by the
 * index's own tokenizer and each token quoted, so no input can make the
 * MATCH fail to parse.
 *
 * Queries (store_items) are built per combination of filters and kept
 * prepared (items_stmt).  A search walks the matches newest row id first
 * and stops as soon as no row left can rank among the best found, which
 * a per-block bound on order times (bound[]) tells; see search_walk.
 * The bounds are kept by this connection's writes, so the file must
 * have no other writer while the store is open (feedd has one).
 *
 * Feeds that leave the config are retired, not deleted: their entries
 * stay in the merged feed until retention, which store_maintain applies
 * to them since no document of theirs will ever commit again.
 */
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
/* The page cache, in KiB (SQLite's negative form): the indexes that
 * every new entry probes stay in memory at a million entries. */
#define CACHE_KIB		(-32768)
/* A search bounds the order times of rows by blocks of 2^BLOCK_SHIFT
 * row ids (store_items). */
#define BLOCK_SHIFT		8
/* New entries wait for store_index_pending, a search, maintenance or
 * close to be indexed; a commit indexes them itself only once this many
 * wait (a backstop for a caller that never calls store_index_pending,
 * which bounds the work a search may find waiting). */
#define FTS_BATCH		10000
/* WAL pages between automatic checkpoints (SQLite's default is 1000):
 * fewer, larger checkpoints during ingest; store_maintain truncates. */
#define WAL_AUTOCHECKPOINT	4000
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
	 * tombstone (1), and at most two rows with its canonical link (?4,
	 * or ?5, the same under the other of http and https, which has the
	 * same hash ?7) and, unless ?8 says the link names an article, its
	 * title (2), those with its title first (column 3).  The indexes are
	 * pinned: the planner might otherwise walk a feed's rows by
	 * entries_feed_seen.
	 */
	[ST_ENTRY_FIND] =
	    "SELECT 0, id, content_hash, canon_link, title, key"
	    " FROM entries INDEXED BY entries_key"
	    " WHERE feed_id = ?1 AND key_hash = ?3"
	    " UNION ALL SELECT 1, NULL, NULL, NULL, NULL, NULL FROM tombstones"
	    " WHERE feed_id = ?1 AND key_hash = ?3"
	    " UNION ALL SELECT * FROM (SELECT 2, id, content_hash,"
	    "  title IS ?6 AS same_title, NULL, key_hash"
	    "  FROM entries INDEXED BY entries_canon"
	    "  WHERE canon_hash = ?7 AND feed_id = ?1"
	    "  AND canon_link IN (?4, ?5) AND (?8 OR title IS ?6)"
	    "  ORDER BY same_title DESC LIMIT 2)",
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
	[ST_FEED_RETIRE] =
	    "UPDATE feeds SET retired = ?2 WHERE id = ?1 AND retired = 0",
	[ST_FEED_RETIRE_ABSENT] =
	    "UPDATE feeds SET retired = ?2 WHERE retired = 0"
	    " AND name NOT IN (SELECT value FROM json_each(?1))",
	[ST_FEEDS] =
	    "SELECT id, name, url, coalesce(conf_title, title), link,"
	    " n_entries, (SELECT max(first_seen) FROM entries"
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
	buf_init(&s->keybuf, 0);
	buf_init(&s->altbuf, 0);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
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
	    sql_content_hash, NULL, NULL) != SQLITE_OK) {
		store_dberr(s, "registering functions");
		goto fail;
	}
	if (store_migrate(s) == -1)
		goto fail;
	snprintf(pragmas, sizeof(pragmas),
	    "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
	    " PRAGMA temp_store = MEMORY; PRAGMA journal_size_limit = %d;"
	    " PRAGMA cache_size = %d; PRAGMA wal_autocheckpoint = %d;",
	    JOURNAL_SIZE_LIMIT, CACHE_KIB, WAL_AUTOCHECKPOINT);
	if (exec_sql(s, pragmas, "setting pragmas") == -1)
		goto fail;
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
	free(s->doc_feed_name);
	free(s->doc_index);
	free(s->doc_undated);
	while (s->nunsaved > 0)
		store_feed_state_reset(&s->unsaved[--s->nunsaved].state);
	free(s->unsaved);
	free(s);
}

int64_t
store_doc_skipped(const struct store *s)
{
	return s->doc_skipped;
}

/* --- documents */

/* The slot of the key of hash h (store_key_hash), or NULL if the
 * document has not used it. */
static const struct keyslot *
keyset_find(const struct keyset *ks, uint64_t h)
{
	size_t i;

	if (ks->size == 0)
		return NULL;
	for (i = h & (ks->size - 1); ks->slot[i].key != 0;
	    i = (i + 1) & (ks->size - 1))
		if (ks->slot[i].key == h)
			return &ks->slot[i];
	return NULL;
}

int
doc_key_used(const struct store *s, uint64_t h)
{
	return keyset_find(&s->doc_keys, h) != NULL;
}

static void
keyset_put(struct keyset *ks, uint64_t h, uint64_t content)
{
	size_t i;

	for (i = h & (ks->size - 1); ks->slot[i].key != 0;
	    i = (i + 1) & (ks->size - 1))
		if (ks->slot[i].key == h)
			return;
	ks->slot[i].key = h;
	ks->slot[i].content = content;
	ks->used++;
}

static void
keyset_add(struct keyset *ks, uint64_t h, uint64_t content)
{
	struct keyslot *old;
	size_t i, oldsize;

	/* Keep the load under one half. */
	if (2 * (ks->used + 1) > ks->size) {
		old = ks->slot;
		oldsize = ks->size;
		ks->size = oldsize != 0 ? 2 * oldsize : 64;
		ks->slot = xcalloc(ks->size, sizeof(*ks->slot));
		ks->used = 0;
		for (i = 0; i < oldsize; i++)
			if (old[i].key != 0)
				keyset_put(ks, old[i].key, old[i].content);
		free(old);
	}
	keyset_put(ks, h, content);
}

static void
keyset_clear(struct keyset *ks)
{
	if (ks->size > 0)
		memset(ks->slot, 0, ks->size * sizeof(*ks->slot));
	ks->used = 0;
}

int
store_doc_begin(struct store *s, int64_t feed_id)
{
	sqlite3_stmt *st = s->stmt[ST_FEED_NAME];
	int rc;

	if (s->in_doc) {
		store_seterr(s, "a document is already open");
		return -1;
	}
	sqlite3_bind_int64(st, 1, feed_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		free(s->doc_feed_name);
		s->doc_feed_name = column_strdup(st, 0);
		s->doc_keep_days = sqlite3_column_type(st, 1) == SQLITE_NULL ?
		    s->keep_days : sqlite3_column_int(st, 1);
		s->doc_keep_entries = sqlite3_column_type(st, 2) ==
		    SQLITE_NULL ? s->keep_entries : sqlite3_column_int(st, 2);
		s->doc_feed_rows = sqlite3_column_int64(st, 3);
		s->doc_prev_seen = sqlite3_column_int64(st, 4);
	} else if (rc == SQLITE_DONE)
		store_seterr(s, "no feed %" PRId64, feed_id);
	else
		store_dberr(s, "reading feed");
	stmt_done(st);
	if (rc != SQLITE_ROW)
		return -1;
	if (step_done(s, ST_BEGIN, "beginning transaction") == -1)
		return -1;
	s->in_doc = 1;
	s->doc_feed = feed_id;
	s->doc_changed = 0;
	s->doc_now = 0;
	s->doc_failed = 0;
	s->doc_nentries = 0;
	s->doc_added = 0;
	s->doc_updated = 0;
	s->doc_skipped = 0;
	s->doc_nindex = 0;
	s->doc_nundated = 0;
	s->doc_prev_date = FEED_NO_DATE;
	s->doc_ties = 0;
	s->doc_chan_date = FEED_NO_DATE;
	s->doc_oldest = INT64_MAX;
	s->doc_fts_w = s->fts_w;
	s->doc_fts_pending = s->fts_pending;
	keyset_clear(&s->doc_keys);
	return 0;
}

/* Hashes an optional string so that NULL, "" and adjacent fields cannot
 * be confused. */
static uint64_t
hash_str(uint64_t h, const char *v)
{
	if (v == NULL)
		return fnv64(h, "", 1);
	h = fnv64(h, "\1", 1);
	return fnv64(h, v, strlen(v) + 1);
}

/* Little-endian bytes, so the hash is the same on every machine. */
static uint64_t
hash_int(uint64_t h, int64_t v)
{
	unsigned char b[8];
	uint64_t u = (uint64_t)v;
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)(u >> (8 * i));
	return fnv64(h, b, sizeof(b));
}

/* content_hash's parts: a string (NULL apart from "") and a date. */
static uint64_t
content_str(uint64_t h, const char *v)
{
	if (v == NULL)
		return (h ^ 0xff) * 0x100000001b3ULL;
	return store_hash(h, v, strlen(v));
}

static uint64_t
content_int(uint64_t h, int64_t v)
{
	h = (h ^ (uint64_t)v) * 0x100000001b3ULL;
	return h ^ (h >> 29);
}

/*
 * The hash of everything stored of an entry (entries.content_hash): a
 * refetched entry whose hash is unchanged writes nothing.  Computed from
 * the stored columns too (sql_content_hash), so the parts are what is
 * stored: the JSON of categories and enclosures, FEED_NO_DATE for NULL.
 */
uint64_t
content_hash(const char *title, const char *link, const char *author,
    const char *summary, const char *content, int64_t published,
    int64_t updated, const char *cats, const char *encls)
{
	uint64_t h = FNV64_INIT;

	h = content_str(h, title);
	h = content_str(h, link);
	h = content_str(h, author);
	h = content_str(h, summary);
	h = content_str(h, content);
	h = content_int(h, published);
	h = content_int(h, updated);
	h = content_str(h, cats);
	return content_str(h, encls);
}

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

/* JSON arrays of the categories and enclosures, or NULL when empty. */
static char *
json_categories(const struct entry *e)
{
	struct buf b;
	size_t i;

	if (e->ncategories == 0)
		return NULL;
	buf_init(&b, 0);
	buf_addch(&b, '[');
	for (i = 0; i < e->ncategories; i++) {
		if (i > 0)
			buf_addch(&b, ',');
		json_add_str(&b, e->categories[i]);
	}
	buf_addch(&b, ']');
	return buf_steal(&b);
}

static char *
json_enclosures(const struct entry *e)
{
	struct buf b;
	size_t i;

	if (e->nenclosures == 0)
		return NULL;
	buf_init(&b, 0);
	buf_addch(&b, '[');
	for (i = 0; i < e->nenclosures; i++) {
		buf_addstr(&b, i > 0 ? ",{\"url\":" : "{\"url\":");
		json_add_str(&b, e->enclosures[i].url);
		buf_addstr(&b, ",\"type\":");
		json_add_str(&b, e->enclosures[i].type);
		buf_printf(&b, ",\"length\":%" PRId64 "}",
		    e->enclosures[i].length);
	}
	buf_addch(&b, ']');
	return buf_steal(&b);
}

static int64_t
entry_date(const struct entry *e)
{
	return e->published != FEED_NO_DATE ? e->published : e->updated;
}

/*
 * Whether a canonical link names a page of its own rather than a site's
 * home page (nothing, or only "/", after the host), which some feeds
 * give every item: only an article link identifies a story by itself.
 */
static int
link_is_article(const char *canon)
{
	const char *p;

	if (canon == NULL || (p = strstr(canon, "://")) == NULL)
		return 0;
	p += 3;
	p += strcspn(p, "/?#");
	return !(p[0] == '\0' || (p[0] == '/' && p[1] == '\0'));
}

/*
 * The entry's next candidate identity key in the open document, trying
 * from *stage on (0 its id, 1 its link, 2 a hash of title, date and
 * summary) for one that no earlier entry of the document used; built
 * only when needed, in s->keybuf (valid until the next call), with its
 * hash in *hash.  NULL when none is left, or when the first key that
 * exists was used by an earlier entry with the same content (the same
 * entry twice in one document; *found tells whether a candidate was
 * offered already).
 */
static const char *
entry_key_next(struct store *s, const struct entry *e, const char *canon,
    uint64_t content, int *stage, int *found, uint64_t *hash)
{
	const struct keyslot *ks;
	struct buf *b = &s->keybuf;
	uint64_t h;

	while (*stage < 3) {
		buf_clear(b);
		switch ((*stage)++) {
		case 0:
			if (e->id == NULL)
				continue;
			buf_add(b, "i:", 2);
			buf_addstr(b, e->id);
			break;
		case 1:
			if (canon == NULL)
				continue;
			buf_add(b, "l:", 2);
			buf_addstr(b, canon);
			break;
		default:
			h = hash_str(FNV64_INIT, e->title);
			h = hash_int(h, entry_date(e));
			h = hash_str(h, e->summary);
			buf_printf(b, "h:%016" PRIx64, h);
		}
		*hash = store_key_hash(b->data, b->len);
		ks = keyset_find(&s->doc_keys, *hash);
		if (ks == NULL) {
			*found = 1;
			return b->data;
		}
		if (ks->content == content && !*found) {
			*stage = 3;
			return NULL;
		}
		/* An entry without an id repeating an earlier one's article
		 * link is the same story listed twice (perhaps in two
		 * versions): the first stands. */
		if (*stage == 2 && !*found && e->id == NULL &&
		    link_is_article(canon)) {
			*stage = 3;
			return NULL;
		}
	}
	return NULL;
}

/* Whether two optional strings differ (NULL equals only NULL). */
static int
str_differ(const char *a, const unsigned char *b)
{
	if (a == NULL || b == NULL)
		return a != NULL || b != NULL;
	return strcmp(a, (const char *)b) != 0;
}

/* The same URL under the other of http and https (in s->altbuf), or
 * NULL. */
static const char *
other_scheme(struct store *s, const char *canon)
{
	buf_clear(&s->altbuf);
	if (strncmp(canon, "http://", 7) == 0) {
		buf_add(&s->altbuf, "https://", 8);
		buf_addstr(&s->altbuf, canon + 7);
	} else if (strncmp(canon, "https://", 8) == 0) {
		buf_add(&s->altbuf, "http://", 7);
		buf_addstr(&s->altbuf, canon + 8);
	} else
		return NULL;
	return s->altbuf.data;
}

/*
 * The row of the entry with key (of hash kh) in the feed: *row_id (0 if
 * none) and its *row_hash.  If there is none, but the feed holds exactly
 * one entry with the same canonical link (of hash ch), and the same
 * title unless the link names an article (link_is_article), that no
 * earlier entry of this document matched, that is the row (the same
 * article under a new id) and *oldkey is the hash of its key.  If
 * neither, *buried tells whether retention purged the key.
 *
 * An id key whose row has another link and another title names another
 * article: the feed reuses ids across documents (a shop that gives every
 * item its home page as guid).  Then *conflict is set and the caller
 * tries the next key.  Returns 0 or -1.
 */
static int
entry_lookup(struct store *s, const struct entry *e, const char *canon,
    int64_t ch, const char *key, uint64_t kh, int64_t *row_id,
    int64_t *row_hash, int *buried, uint64_t *oldkey, int *conflict)
{
	sqlite3_stmt *st = s->stmt[ST_ENTRY_FIND];
	const unsigned char *k;
	int rc, n = 0, tomb = 0, title1 = 0, title2 = 0;

	*oldkey = 0;
	*buried = 0;
	*conflict = 0;
	*row_id = 0;
	/* One statement for the three questions; its arms run in order and
	 * only as far as it is stepped, so a known key costs one probe. */
	sqlite3_bind_int64(st, 1, s->doc_feed);
	sqlite3_bind_int64(st, 3, (int64_t)kh);
	/* The same article moved between http and https counts too. */
	if (canon != NULL) {
		bind_text(st, 4, canon);
		bind_text(st, 5, other_scheme(s, canon));
		bind_text(st, 6, e->title);
		sqlite3_bind_int64(st, 7, ch);
		sqlite3_bind_int(st, 8, link_is_article(canon));
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		switch (sqlite3_column_int(st, 0)) {
		case 0:
			/* Another key of the same hash. */
			k = sqlite3_column_text(st, 5);
			if (k == NULL || strcmp((const char *)k, key) != 0)
				continue;
			*row_id = sqlite3_column_int64(st, 1);
			*row_hash = sqlite3_column_int64(st, 2);
			if (key[0] == 'i' && canon != NULL &&
			    sqlite3_column_type(st, 3) != SQLITE_NULL &&
			    str_differ(canon, sqlite3_column_text(st, 3)) &&
			    str_differ(e->title, sqlite3_column_text(st, 4))) {
				*conflict = 1;
				*row_id = 0;
			}
			break;
		case 1:
			tomb = 1;
			continue;
		default:
			if (++n == 1) {
				*row_id = sqlite3_column_int64(st, 1);
				*row_hash = sqlite3_column_int64(st, 2);
				*oldkey = (uint64_t)sqlite3_column_int64(st,
				    5);
				title1 = sqlite3_column_int(st, 3);
			} else
				title2 = sqlite3_column_int(st, 3);
			continue;
		}
		break;
	}
	stmt_done(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_dberr(s, "looking up entry");
		*oldkey = 0;
		return -1;
	}
	/* One row with the link (the title may have changed, if the link
	 * names an article), or one of two with the title too. */
	if (*oldkey != 0 && ((n != 1 && !(n == 2 && title1 && !title2)) ||
	    keyset_find(&s->doc_keys, *oldkey) != NULL)) {
		*oldkey = 0;
		*row_id = 0;
	}
	if (*row_id == 0 && !*conflict)
		*buried = tomb;
	return 0;
}

/* A JSON array of the ids, to bind to "IN (SELECT value FROM
 * json_each(?))". */
char *
ids_json(const int64_t *ids, size_t n)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
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

/* Remembers a written row, to be (re)indexed at commit. */
static void
index_later(struct store *s, int64_t id)
{
	s->doc_index = xreallocarray(s->doc_index, s->doc_nindex + 1,
	    sizeof(*s->doc_index));
	s->doc_index[s->doc_nindex++] = id;
}

/* Writes e under key (of hash kh): a new row if row_id is 0, else an
 * update of it (whose key stays). */
static int
entry_write(struct store *s, const struct entry *e, const char *key,
    uint64_t kh, const char *canon, int64_t ch, uint64_t h,
    const char *cats, const char *encls, int64_t row_id, int64_t now)
{
	sqlite3_stmt *st = s->stmt[row_id == 0 ? ST_ENTRY_INSERT :
	    ST_ENTRY_UPDATE];
	int64_t date, sort_time;
	int rc;

	/* A changed row leaves the search index now, while its old text
	 * still names the tokens to remove; it comes back at commit. */
	if (row_id != 0 && row_id <= s->fts_w &&
	    run_ids(s, ST_FTS_DELETE, &row_id, 1, "indexing") == -1)
		return -1;
	date = entry_date(e);

	if (row_id == 0) {
		sqlite3_bind_int64(st, 1, s->doc_feed);
		bind_text(st, 2, key);
		sqlite3_bind_int64(st, 3, (int64_t)kh);
	} else
		sqlite3_bind_int64(st, 19, row_id);
	bind_text(st, 4, canon);
	if (canon != NULL)
		sqlite3_bind_int64(st, 5, ch);
	sqlite3_bind_int64(st, 6, (int64_t)h);
	bind_text(st, 7, e->id);
	bind_text(st, 8, e->title);
	bind_text(st, 9, e->link);
	bind_text(st, 10, e->author);
	bind_text(st, 11, e->summary);
	bind_text(st, 12, e->content);
	bind_date(st, 13, e->published == FEED_NO_DATE ? FEED_NO_DATE :
	    e->published > now ? now : e->published);
	bind_date(st, 14, e->updated == FEED_NO_DATE ? FEED_NO_DATE :
	    e->updated > now ? now : e->updated);
	bind_text(st, 15, cats);
	bind_text(st, 16, encls);
	sqlite3_bind_int64(st, 17, now);
	sort_time = date == FEED_NO_DATE || date > now + FUTURE_SLACK ? now :
	    date;
	/* Undated: below the entries before it in the document, so that
	 * the document's order survives; store_doc_commit may move the
	 * whole run to the channel's date. */
	if (date == FEED_NO_DATE && s->doc_nentries > 0)
		sort_time -= (int64_t)s->doc_nentries - 1;
	/* Entries of one date (a feed that gives days, not times) keep the
	 * document's order the same way: a second apart. */
	else if (sort_time == date)
		sort_time -= s->doc_ties;
	if (row_id == 0)
		sqlite3_bind_int64(st, 18, sort_time);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		store_dberr(s, "storing entry");
	else {
		/* The search's bounds.  An update keeps first_seen, which
		 * is at most now: its order time is at most the later of
		 * now and the date (capped as above). */
		if (row_id == 0)
			bound_raise(s, sqlite3_last_insert_rowid(s->db),
			    sort_time);
		if (row_id == 0 && date == FEED_NO_DATE) {
			s->doc_undated = xreallocarray(s->doc_undated,
			    s->doc_nundated + 1, sizeof(*s->doc_undated));
			s->doc_undated[s->doc_nundated].id =
			    sqlite3_last_insert_rowid(s->db);
			s->doc_undated[s->doc_nundated++].pos =
			    (int64_t)s->doc_nentries - 1;
		}
		else
			bound_raise(s, row_id, date == FEED_NO_DATE ? now :
			    date > now + FUTURE_SLACK ? now + FUTURE_SLACK :
			    date > now ? date : now);
		/* An updated row left the index above: back it goes.  A
		 * row above the watermark waits for the next batch. */
		if (row_id != 0 && row_id <= s->fts_w)
			index_later(s, row_id);
		if (sqlite3_changes(s->db) > 0) {
			if (row_id == 0 &&
			    sqlite3_last_insert_rowid(s->db) <= s->fts_w)
				index_later(s,
				    sqlite3_last_insert_rowid(s->db));
			else if (row_id == 0)
				s->fts_pending++;
			s->doc_changed = 1;
		}
	}
	stmt_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_doc_entry(struct store *s, const struct entry *e, int64_t now,
    int *added)
{
	char *canon, *cats, *encls;
	const char *key = NULL, *cand;
	uint64_t h, kh = 0, oldkey = 0;
	int64_t row_id = 0, row_hash = 0, ch = 0;
	int rc = 0, buried = 0, conflict = 0, stage = 0, found = 0;

	*added = 0;
	if (!s->in_doc) {
		store_seterr(s, "no document is open");
		return -1;
	}
	s->doc_nentries++;
	if (now > s->doc_now)
		s->doc_now = now;
	/* Past this many a document is not even looked at: each entry
	 * costs a probe, whether or not it is new. */
	if ((int64_t)s->doc_nentries > s->doc_add_max * DOC_LOOK_FACTOR) {
		s->doc_skipped++;
		return 0;
	}
	if (entry_date(e) != FEED_NO_DATE && entry_date(e) < s->doc_oldest)
		s->doc_oldest = entry_date(e);
	if (entry_date(e) != FEED_NO_DATE) {
		s->doc_ties = entry_date(e) == s->doc_prev_date ?
		    s->doc_ties + 1 : 0;
		s->doc_prev_date = entry_date(e);
	}
	canon = store_canon_link(e->link);
	if (canon != NULL)
		ch = store_canon_hash(canon);
	cats = json_categories(e);
	encls = json_enclosures(e);
	h = content_hash(e->title, e->link, e->author, e->summary, e->content,
	    e->published, e->updated, cats, encls);

	/*
	 * No key left: a repeat of an earlier entry of the document, stored
	 * already, or (rarely) one that differs from two earlier ones only
	 * in content, which cannot be told apart from them: keep the first.
	 */
	while (rc == 0 && key == NULL && (cand = entry_key_next(s, e, canon,
	    h, &stage, &found, &kh)) != NULL) {
		rc = entry_lookup(s, e, canon, ch, cand, kh, &row_id,
		    &row_hash, &buried, &oldkey, &conflict);
		if (rc == 0 && !conflict)
			key = cand;
	}
	if (key != NULL && rc == 0 && row_id == 0 && !buried &&
	    s->doc_added >= s->doc_add_max) {
		/* New, but the document added its share: a later fetch
		 * that still carries it adds it. */
		s->doc_skipped++;
		key = NULL;
	}
	if (key != NULL && rc == 0) {
		keyset_add(&s->doc_keys, kh, h);
		/* The stored row keeps its key. */
		if (oldkey != 0)
			keyset_add(&s->doc_keys, oldkey, h);
		if (buried)
			/* Purged: it stays gone while the feed serves it. */
			rc = tomb_put(s, kh, now);
		else if (row_id == 0 || (uint64_t)row_hash != h) {
			rc = entry_write(s, e, key, kh, canon, ch, h, cats,
			    encls, row_id, now);
			if (rc == 0 && row_id == 0) {
				*added = 1;
				s->doc_added++;
			} else if (rc == 0)
				s->doc_updated++;
		}
	}
	free(canon);
	free(cats);
	free(encls);
	if (rc == -1)
		s->doc_failed = 1;
	return rc;
}

int
store_doc_info(struct store *s, const struct feed_info *info)
{
	sqlite3_stmt *st = s->stmt[ST_INFO_PUT];
	int64_t now;

	if (!s->in_doc) {
		store_seterr(s, "no document is open");
		return -1;
	}
	sqlite3_bind_int64(st, 1, s->doc_feed);
	bind_text(st, 2, info->title);
	bind_text(st, 3, info->link);
	bind_text(st, 4, info->id);
	bind_text(st, 5, info->author);
	bind_text(st, 6, info->language);
	bind_text(st, 7, info->subtitle);
	now = s->doc_now > 0 ? s->doc_now : (int64_t)time(NULL);
	bind_date(st, 8, info->updated == FEED_NO_DATE ? FEED_NO_DATE :
	    info->updated > now ? now : info->updated);
	s->doc_chan_date = info->updated;
	bind_text(st, 9, feed_format_name(info->format));
	sqlite3_bind_int(st, 10, info->ttl);
	if (step_done(s, ST_INFO_PUT, "saving feed metadata") == -1) {
		s->doc_failed = 1;
		return -1;
	}
	/* The channel's title and link show in every item. */
	if (sqlite3_changes(s->db) > 0)
		s->doc_changed = 1;
	return 0;
}

/*
 * Where the document's new undated entries go in the merged feed.  They
 * were written at the time of the fetch, less one second per place in
 * the document (entry_write), which keeps them in document order.  The
 * channel's own date (RSS lastBuildDate, else pubDate; Atom's feed
 * updated) is a better guess, when it is believable: not in the future
 * past FUTURE_SLACK, and, once the feed has entries, later than its
 * newest entry's first sighting (a channel date older than that is
 * stale and would bury entries that are new).  A feed's first document
 * is its backlog, of unknown age: without a channel date it goes just
 * below the document's oldest dated entry, and only a document with no
 * date at all stays at the time of the fetch.  The run moves as a
 * whole, so its order stays.  Returns 0 or -1.
 */
static int
undated_place(struct store *s)
{
	sqlite3_stmt *st = s->stmt[ST_UNDATED_PLACE];
	int64_t now = s->doc_now, base = now, chan = s->doc_chan_date;
	size_t i;

	if (s->doc_nundated == 0)
		return 0;
	if (chan != FEED_NO_DATE && chan > now + FUTURE_SLACK)
		chan = FEED_NO_DATE;
	if (chan != FEED_NO_DATE && chan > now)
		chan = now;
	if (s->doc_prev_seen == 0) {
		if (chan != FEED_NO_DATE)
			base = chan;
		else if (s->doc_oldest != INT64_MAX && s->doc_oldest <= now)
			base = s->doc_oldest - 1;
	} else if (chan != FEED_NO_DATE && chan > s->doc_prev_seen)
		base = chan;
	if (base == now)
		return 0;
	for (i = 0; i < s->doc_nundated; i++) {
		sqlite3_bind_int64(st, 1, s->doc_undated[i].id);
		sqlite3_bind_int64(st, 2, base - s->doc_undated[i].pos);
		if (step_done(s, ST_UNDATED_PLACE, "placing entries") == -1)
			return -1;
	}
	return 0;
}

int
store_doc_commit(struct store *s)
{
	sqlite3_stmt *st;
	size_t purged;

	if (!s->in_doc) {
		store_seterr(s, "no document is open");
		return -1;
	}
	/*
	 * After a failed write the document is half done (a changed row may
	 * be out of the search index); and after a failed attempt here the
	 * purge and the indexing have run once already.  Either way only a
	 * rollback is right.  On failure the transaction stays open for it.
	 */
	if (s->doc_failed) {
		store_seterr(s, "a write of this document failed");
		return -1;
	}
	s->doc_failed = 1;
	if (undated_place(s) == -1 || store_purge(s, &purged) == -1 ||
	    run_ids(s, ST_FTS_INSERT, s->doc_index, s->doc_nindex,
	    "indexing") == -1)
		return -1;
	if (s->fts_pending >= s->fts_batch && fts_flush(s, -1) == -1)
		return -1;
	if (s->doc_added != (int64_t)purged) {
		st = s->stmt[ST_FEED_COUNT];
		sqlite3_bind_int64(st, 1, s->doc_feed);
		sqlite3_bind_int64(st, 2, s->doc_added - (int64_t)purged);
		if (step_done(s, ST_FEED_COUNT, "counting entries") == -1)
			return -1;
	}
	if (step_done(s, ST_COMMIT, "committing") == -1)
		return -1;
	s->in_doc = 0;
	if (s->doc_changed || purged > 0)
		s->generation++;
	s->feeds_generation++;
	/* Hands the pages the purge freed back to the file system; a
	 * failure here loses nothing, they are reused. */
	if (purged > 0)
		sqlite3_exec(s->db, "PRAGMA incremental_vacuum", NULL, NULL,
		    NULL);
	return 0;
}

void
store_doc_rollback(struct store *s)
{
	if (!s->in_doc)
		return;
	/* SQLite may have rolled back already (a full disk, say). */
	if (!sqlite3_get_autocommit(s->db))
		step_done(s, ST_ROLLBACK, "rolling back");
	s->fts_w = s->doc_fts_w;
	s->fts_pending = s->doc_fts_pending;
	s->tomb_total = -1;	/* the document's tombstones are undone */
	s->in_doc = 0;
	s->doc_changed = 0;
}

/* A JSON array of the strings v[0..n) (NULLs skipped). */
char *
json_strings(const char *const *v, size_t n)
{
	struct buf b;
	size_t i;
	int first = 1;

	buf_init(&b, 0);
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

int
store_maintain(struct store *s)
{
	if (s->in_doc) {
		store_seterr(s, "maintenance inside a document");
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
	return 0;
}

void
store_set_max_pages(struct store *s, int64_t n)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %" PRId64, n);
	sqlite3_exec(s->db, sql, NULL, NULL, NULL);
}

int64_t
store_doc_updated(const struct store *s)
{
	return s->doc_updated;
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
