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
 * articles never has them merged.  When a key is new to the feed but the
 * feed already holds exactly one entry with the same canonical link and
 * title, the entry is that one under a new id (http became https, a
 * fragment or tracking parameters were added) and updates it instead of
 * adding a second.
 *
 * Writes.  The key lookup that precedes every write returns the stored
 * row's id and content hash (FNV-1a of every field), so an unchanged
 * entry is neither written nor counted and refetching a document costs
 * reads only.  The write is INSERT ... ON CONFLICT(feed_id, key) DO
 * UPDATE ... WHERE content_hash IS NOT excluded.content_hash, whose WHERE
 * repeats that guard in SQL.  It has no RETURNING clause: the lookup
 * already says whether the row is new, and SQLite buffers RETURNING rows
 * in an ephemeral table whose setup cost a third of the ingest rate.  The
 * row id, guid and first_seen of an entry never change.
 *
 * Retention runs when a document is committed, inside its transaction:
 * the feed's entries past its age or count limit are deleted, unless the
 * document holds them (its keys are in doc_keys), and each leaves a
 * tombstone of its key hash.  A key new to the feed that has a tombstone
 * is skipped, and the tombstone's seen time refreshed (at most daily), so
 * an entry a feed keeps serving never returns; tombstones unseen for a
 * year are dropped, so the table does not grow without bound.  Freed
 * pages go back to the file system by incremental vacuum after the
 * commit.
 *
 * Full-text search is a contentless FTS5 index (schema.c) kept in step
 * here: a changed row leaves the index before it is overwritten (its old
 * text names the tokens to remove), purged rows leave it in one
 * statement, and every row the document wrote enters it in one statement
 * at commit, because FTS5 flushes pending changes at each statement
 * boundary.  The SQL function feedd_text() it needs is registered on the
 * connection before anything touches the schema.  A reader's query is
 * never passed to FTS5 as syntax: each word becomes a quoted string, so
 * no input can make the MATCH fail to parse.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "schema.h"
#include "store.h"
#include "parsers/util.h"

#define BUSY_TIMEOUT_MS		100
#define JOURNAL_SIZE_LIMIT	(64 * 1024 * 1024)
/* An entry dated further than this past its first sighting is ordered by
 * the sighting: a publisher's bad clock cannot pin it to the top. */
#define FUTURE_SLACK		(24 * 60 * 60)
/* Tombstones unseen this long are dropped; their entries could return. */
#define TOMBSTONE_KEEP		(365 * 24 * 60 * 60)
/* A search with at least this many matches walks the merged order. */
#define DENSE_MATCHES		30000
#define STR(x)			#x
#define XSTR(x)			STR(x)

enum stmt_id {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_FEED_ENSURE,
	ST_FEED_NAME,
	ST_STATE_GET,
	ST_STATE_PUT,
	ST_INFO_PUT,
	ST_ENTRY_KEY,
	ST_ENTRY_CANON,
	ST_ENTRY_UPSERT,
	ST_ITEMS,
	ST_ITEMS_Q,
	ST_ITEMS_QDENSE,
	ST_FTS_COUNT,
	ST_JSON_STRINGS,
	ST_JSON_ENCLOSURES,
	ST_FEED_RETENTION,
	ST_PURGE_OLD,
	ST_PURGE_EXCESS,
	ST_ENTRY_DELETE,
	ST_FTS_DELETE,
	ST_FTS_INSERT,
	ST_TOMB_GET,
	ST_TOMB_PUT,
	ST_TOMB_EXPIRE,
	ST_COUNT
};

/*
 * The merged feed.  An article several feeds carry (same canonical link)
 * is shown once, from the feed that stored it first; each feed keeps its
 * own row.
 */
#define ITEMS_SELECT \
	"SELECT e.id, e.guid, e.src_id, e.title, e.link, e.author," \
	" e.summary, e.content, e.published, e.updated, e.categories," \
	" e.enclosures, e.first_seen, e.changed, f.name," \
	" coalesce(f.conf_title, f.title), f.url, f.link" \
	" FROM entries AS e JOIN feeds AS f ON f.id = e.feed_id" \
	" WHERE (e.canon_link IS NULL OR NOT EXISTS (SELECT 1" \
	"  FROM entries AS d WHERE d.canon_link = e.canon_link" \
	"  AND d.feed_id <> e.feed_id AND (d.first_seen < e.first_seen" \
	"  OR (d.first_seen = e.first_seen AND d.id < e.id))))"
/* An entry as the search index sees it (schema.c, step 3). */
#define FTS_COLUMNS \
	"id, title, feedd_text(summary), feedd_text(content), author," \
	" (SELECT group_concat(value, ' ') FROM json_each(categories))"
#define ITEMS_ORDER \
	" ORDER BY e.sort_time DESC, e.id DESC LIMIT ?1"

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
	    "   THEN feeds.last_modified END"
	    " RETURNING id",
	[ST_FEED_NAME] =
	    "SELECT name, keep_days, keep_entries FROM feeds WHERE id = ?1",
	[ST_STATE_GET] =
	    "SELECT etag, last_modified, next_due, last_attempt,"
	    " last_success, last_error, failures FROM feeds WHERE id = ?1",
	[ST_STATE_PUT] =
	    "UPDATE feeds SET etag = ?2, last_modified = ?3, next_due = ?4,"
	    " last_attempt = ?5, last_success = ?6, last_error = ?7,"
	    " failures = ?8 WHERE id = ?1",
	/* Writes only when something differs. */
	[ST_INFO_PUT] =
	    "UPDATE feeds SET title = ?2, link = ?3, ch_id = ?4, author = ?5,"
	    " language = ?6, subtitle = ?7, updated = ?8, format = ?9,"
	    " ttl = ?10 WHERE id = ?1 AND (title, link, ch_id, author,"
	    " language, subtitle, updated, format, ttl) IS NOT"
	    " (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[ST_ENTRY_KEY] =
	    "SELECT id, content_hash FROM entries"
	    " WHERE feed_id = ?1 AND key = ?2",
	[ST_ENTRY_CANON] =
	    "SELECT id, content_hash, key FROM entries"
	    " WHERE canon_link = ?2 AND feed_id = ?1 AND title IS ?3 LIMIT 2",
	[ST_ENTRY_UPSERT] =
	    "INSERT INTO entries (feed_id, key, guid, canon_link,"
	    " content_hash, src_id, title, link, author, summary, content,"
	    " published, updated, categories, enclosures, first_seen,"
	    " sort_time)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
	    "  ?14, ?15, ?16, ?17)"
	    " ON CONFLICT (feed_id, key) DO UPDATE SET"
	    "  canon_link = excluded.canon_link,"
	    "  content_hash = excluded.content_hash,"
	    "  src_id = excluded.src_id, title = excluded.title,"
	    "  link = excluded.link, author = excluded.author,"
	    "  summary = excluded.summary, content = excluded.content,"
	    "  published = excluded.published, updated = excluded.updated,"
	    "  categories = excluded.categories,"
	    "  enclosures = excluded.enclosures,"
	    "  changed = excluded.first_seen,"
	    "  sort_time = CASE"
	    "   WHEN coalesce(excluded.published, excluded.updated) IS NULL"
	    "    OR coalesce(excluded.published, excluded.updated) >"
	    "     entries.first_seen + " XSTR(FUTURE_SLACK)
	    "   THEN entries.first_seen"
	    "   ELSE coalesce(excluded.published, excluded.updated) END"
	    " WHERE entries.content_hash IS NOT excluded.content_hash",
	[ST_ITEMS] = ITEMS_SELECT ITEMS_ORDER,
	/*
	 * Two plans for a search.  Few matches: collect them from the index
	 * and sort them.  Many: walk the merged order and test each row
	 * against the index, stopping at the limit.  Each is slow exactly
	 * where the other is fast (the first must gather every match, the
	 * second may walk far for a rare word), so store_items picks by a
	 * capped count of the matches.
	 */
	[ST_ITEMS_Q] = ITEMS_SELECT
	    " AND e.id IN (SELECT rowid FROM entries_fts"
	    "  WHERE entries_fts MATCH ?2)" ITEMS_ORDER,
	[ST_ITEMS_QDENSE] = ITEMS_SELECT
	    " AND EXISTS (SELECT 1 FROM entries_fts"
	    "  WHERE entries_fts MATCH ?2 AND rowid = e.id)" ITEMS_ORDER,
	[ST_FTS_COUNT] =
	    "SELECT count(*) FROM (SELECT rowid FROM entries_fts"
	    " WHERE entries_fts MATCH ?1 LIMIT ?2)",
	[ST_JSON_STRINGS] =
	    "SELECT value FROM json_each(?1) ORDER BY key",
	[ST_JSON_ENCLOSURES] =
	    "SELECT json_extract(value, '$.url'),"
	    " json_extract(value, '$.type'), json_extract(value, '$.length')"
	    " FROM json_each(?1) ORDER BY key",
	[ST_FEED_RETENTION] =
	    "UPDATE feeds SET keep_days = ?2, keep_entries = ?3 WHERE id = ?1",
	[ST_PURGE_OLD] =
	    "SELECT id, key FROM entries WHERE feed_id = ?1"
	    " AND first_seen < ?2",
	[ST_PURGE_EXCESS] =
	    "SELECT id, key FROM entries WHERE feed_id = ?1"
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
	[ST_TOMB_GET] =
	    "SELECT 1 FROM tombstones WHERE feed_id = ?1 AND key_hash = ?2",
	/* Refreshes an existing tombstone at most once a day. */
	[ST_TOMB_PUT] =
	    "INSERT INTO tombstones (feed_id, key_hash, seen)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT (feed_id, key_hash) DO UPDATE"
	    " SET seen = excluded.seen"
	    " WHERE tombstones.seen < excluded.seen - 86400",
	[ST_TOMB_EXPIRE] = "DELETE FROM tombstones WHERE seen < ?1",
};

/* The keys used so far by the open document, as hashes, each with the
 * content hash of the entry that used it (open addressing; a key hash of
 * 0 marks a free slot). */
struct keyslot {
	uint64_t	 key;
	uint64_t	 content;
};

struct keyset {
	struct keyslot	*slot;
	size_t		 size;	/* a power of two, or 0 */
	size_t		 used;
};

struct store {
	sqlite3		*db;
	sqlite3_stmt	*stmt[ST_COUNT];
	uint64_t	 generation;
	char		 err[256];
	int		 keep_days;	/* defaults; 0 = off */
	int		 keep_entries;
	int64_t		 tomb_expired;	/* when tombstones last expired */
	int		 dense_matches;	/* DENSE_MATCHES; tests lower it */

	/* The open document, if any. */
	int		 in_doc;
	int64_t		 doc_feed;
	char		*doc_feed_name;
	int		 doc_keep_days;
	int		 doc_keep_entries;
	int64_t		 doc_now;	/* latest "now" of its entries */
	size_t		 doc_nentries;
	int		 doc_changed;
	int		 doc_failed;	/* a write failed: rollback only */
	int64_t		*doc_index;	/* rows to add to the search index */
	size_t		 doc_nindex;
	struct keyset	 doc_keys;
};

static void
store_seterr(struct store *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
store_seterr(struct store *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
}

/* Records SQLite's message for what just failed. */
static void
store_dberr(struct store *s, const char *what)
{
	store_seterr(s, "%s: %s", what, sqlite3_errmsg(s->db));
}

static void
stmt_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static int
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
static int
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

static void
bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

static void
bind_date(sqlite3_stmt *st, int i, int64_t v)
{
	if (v == FEED_NO_DATE)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, v);
}

static char *
column_strdup(sqlite3_stmt *st, int i)
{
	const unsigned char *v;

	v = sqlite3_column_text(st, i);
	return v != NULL ? xstrdup((const char *)v) : NULL;
}

static int64_t
column_date(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return FEED_NO_DATE;
	return sqlite3_column_int64(st, i);
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

struct store *
store_open(const char *path, char **errstr)
{
	struct store *s;
	char pragmas[256];
	int i;

	s = xcalloc(1, sizeof(*s));
	s->keep_days = STORE_KEEP_DAYS;
	s->keep_entries = STORE_KEEP_ENTRIES;
	s->dense_matches = DENSE_MATCHES;
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
	    NULL, NULL) != SQLITE_OK) {
		store_dberr(s, "registering functions");
		goto fail;
	}
	if (store_migrate(s) == -1)
		goto fail;
	snprintf(pragmas, sizeof(pragmas),
	    "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
	    " PRAGMA temp_store = MEMORY; PRAGMA journal_size_limit = %d;",
	    JOURNAL_SIZE_LIMIT);
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
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	if (s->db != NULL && s->stmt[ST_COUNT - 1] != NULL)
		sqlite3_exec(s->db, "PRAGMA optimize", NULL, NULL, NULL);
	sqlite3_close(s->db);
	free(s->doc_keys.slot);
	free(s->doc_feed_name);
	free(s->doc_index);
	free(s);
}

/* --- feeds */

int64_t
store_feed_ensure(struct store *s, const char *name, const char *url,
    const char *title)
{
	sqlite3_stmt *st = s->stmt[ST_FEED_ENSURE];
	int64_t id = -1;

	bind_text(st, 1, name);
	bind_text(st, 2, url);
	bind_text(st, 3, title);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else
		store_dberr(s, "saving feed");
	stmt_done(st);
	return id;
}

int
store_feed_state_get(struct store *s, int64_t feed_id,
    struct store_feed_state *st)
{
	sqlite3_stmt *q = s->stmt[ST_STATE_GET];
	int rc;

	memset(st, 0, sizeof(*st));
	sqlite3_bind_int64(q, 1, feed_id);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		st->etag = column_strdup(q, 0);
		st->last_modified = column_strdup(q, 1);
		st->next_due = sqlite3_column_int64(q, 2);
		st->last_attempt = sqlite3_column_int64(q, 3);
		st->last_success = sqlite3_column_int64(q, 4);
		st->last_error = column_strdup(q, 5);
		st->failures = sqlite3_column_int(q, 6);
	} else if (rc == SQLITE_DONE)
		store_seterr(s, "reading feed state: no feed %" PRId64,
		    feed_id);
	else
		store_dberr(s, "reading feed state");
	stmt_done(q);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
store_feed_state_put(struct store *s, int64_t feed_id,
    const struct store_feed_state *st)
{
	sqlite3_stmt *q = s->stmt[ST_STATE_PUT];

	sqlite3_bind_int64(q, 1, feed_id);
	bind_text(q, 2, st->etag);
	bind_text(q, 3, st->last_modified);
	sqlite3_bind_int64(q, 4, st->next_due);
	sqlite3_bind_int64(q, 5, st->last_attempt);
	sqlite3_bind_int64(q, 6, st->last_success);
	bind_text(q, 7, st->last_error);
	sqlite3_bind_int(q, 8, st->failures);
	if (step_done(s, ST_STATE_PUT, "saving feed state") == -1)
		return -1;
	if (sqlite3_changes(s->db) == 0) {
		store_seterr(s, "saving feed state: no feed %" PRId64,
		    feed_id);
		return -1;
	}
	return 0;
}

void
store_feed_state_reset(struct store_feed_state *st)
{
	free(st->etag);
	free(st->last_modified);
	free(st->last_error);
	memset(st, 0, sizeof(*st));
}

/* --- retention */

void
store_set_retention(struct store *s, int keep_days, int keep_entries)
{
	s->keep_days = keep_days > 0 ? keep_days : 0;
	s->keep_entries = keep_entries > 0 ? keep_entries : 0;
}

int
store_feed_retention(struct store *s, int64_t feed_id, int keep_days,
    int keep_entries)
{
	sqlite3_stmt *st = s->stmt[ST_FEED_RETENTION];

	sqlite3_bind_int64(st, 1, feed_id);
	if (keep_days < 0)
		sqlite3_bind_null(st, 2);
	else
		sqlite3_bind_int(st, 2, keep_days);
	if (keep_entries < 0)
		sqlite3_bind_null(st, 3);
	else
		sqlite3_bind_int(st, 3, keep_entries);
	if (step_done(s, ST_FEED_RETENTION, "saving retention") == -1)
		return -1;
	if (sqlite3_changes(s->db) == 0) {
		store_seterr(s, "saving retention: no feed %" PRId64, feed_id);
		return -1;
	}
	return 0;
}

/* --- documents */

static uint64_t
keyset_hash(const char *key)
{
	uint64_t h;

	h = fnv64(FNV64_INIT, key, strlen(key));
	return h != 0 ? h : 1;
}

/* The slot of key, or NULL if the document has not used it. */
static const struct keyslot *
keyset_find(const struct keyset *ks, const char *key)
{
	uint64_t h = keyset_hash(key);
	size_t i;

	if (ks->size == 0)
		return NULL;
	for (i = h & (ks->size - 1); ks->slot[i].key != 0;
	    i = (i + 1) & (ks->size - 1))
		if (ks->slot[i].key == h)
			return &ks->slot[i];
	return NULL;
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
keyset_add(struct keyset *ks, const char *key, uint64_t content)
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
	keyset_put(ks, keyset_hash(key), content);
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
	s->doc_nindex = 0;
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

static void
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
 * The entry's identity key in the open document: the first of id, link
 * and hash that no earlier entry of the document used.  NULL when an
 * earlier entry with the same content used one of them (the same entry
 * twice in one document), or when all three are used.
 */
static char *
entry_key(struct store *s, const struct entry *e, const char *canon,
    uint64_t content)
{
	const struct keyslot *ks;
	char *key[3];
	uint64_t h;
	size_t i, n = 0;
	char *found = NULL;
	int repeat = 0;

	if (e->id != NULL)
		key[n++] = xasprintf("i:%s", e->id);
	if (canon != NULL)
		key[n++] = xasprintf("l:%s", canon);
	h = hash_str(FNV64_INIT, e->title);
	h = hash_int(h, entry_date(e));
	h = hash_str(h, e->summary);
	key[n++] = xasprintf("h:%016" PRIx64, h);

	for (i = 0; i < n && found == NULL && !repeat; i++) {
		ks = keyset_find(&s->doc_keys, key[i]);
		if (ks == NULL) {
			found = key[i];
			key[i] = NULL;
		} else if (ks->content == content)
			repeat = 1;
	}
	for (i = 0; i < n; i++)
		free(key[i]);
	return found;
}

/*
 * The row of the entry with key in the feed: *row_id (0 if none) and its
 * *row_hash.  If there is none, but the feed holds exactly one entry with
 * the same canonical link and title that no earlier entry of this
 * document matched, that is the row (the same article under a new id)
 * and *oldkey is its key.  If neither, *buried tells whether retention
 * purged the key.  Returns 0 or -1.
 */
static int
entry_lookup(struct store *s, const struct entry *e, const char *canon,
    const char *key, int64_t *row_id, int64_t *row_hash, int *buried,
    char **oldkey)
{
	sqlite3_stmt *st;
	int rc, n = 0;

	*oldkey = NULL;
	*buried = 0;
	*row_id = 0;
	st = s->stmt[ST_ENTRY_KEY];
	sqlite3_bind_int64(st, 1, s->doc_feed);
	bind_text(st, 2, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*row_id = sqlite3_column_int64(st, 0);
		*row_hash = sqlite3_column_int64(st, 1);
	}
	stmt_done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_dberr(s, "looking up entry");
		return -1;
	}
	if (*row_id != 0)
		return 0;
	if (canon == NULL)
		goto tomb;

	st = s->stmt[ST_ENTRY_CANON];
	sqlite3_bind_int64(st, 1, s->doc_feed);
	bind_text(st, 2, canon);
	bind_text(st, 3, e->title);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && ++n == 1) {
		*row_id = sqlite3_column_int64(st, 0);
		*row_hash = sqlite3_column_int64(st, 1);
		*oldkey = column_strdup(st, 2);
	}
	stmt_done(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_dberr(s, "looking up link");
		n = 0;
	}
	if (n != 1 || keyset_find(&s->doc_keys, *oldkey) != NULL) {
		free(*oldkey);
		*oldkey = NULL;
		*row_id = 0;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return -1;
	if (*row_id != 0)
		return 0;
tomb:
	st = s->stmt[ST_TOMB_GET];
	sqlite3_bind_int64(st, 1, s->doc_feed);
	sqlite3_bind_int64(st, 2, (int64_t)keyset_hash(key));
	rc = sqlite3_step(st);
	stmt_done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_dberr(s, "looking up tombstone");
		return -1;
	}
	*buried = rc == SQLITE_ROW;
	return 0;
}

/* A JSON array of the ids, to bind to "IN (SELECT value FROM
 * json_each(?))". */
static char *
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
static int
run_ids(struct store *s, enum stmt_id id, const int64_t *ids, size_t n,
    const char *what)
{
	if (n == 0)
		return 0;
	sqlite3_bind_text(s->stmt[id], 1, ids_json(ids, n), -1, free);
	return step_done(s, id, what);
}

/* Leaves (or refreshes) the tombstone of key, at time now. */
static int
tomb_put(struct store *s, const char *key, int64_t now)
{
	sqlite3_stmt *st = s->stmt[ST_TOMB_PUT];

	sqlite3_bind_int64(st, 1, s->doc_feed);
	sqlite3_bind_int64(st, 2, (int64_t)keyset_hash(key));
	sqlite3_bind_int64(st, 3, now);
	return step_done(s, ST_TOMB_PUT, "saving tombstone");
}

/* Remembers a written row, to be (re)indexed at commit. */
static void
index_later(struct store *s, int64_t id)
{
	s->doc_index = xreallocarray(s->doc_index, s->doc_nindex + 1,
	    sizeof(*s->doc_index));
	s->doc_index[s->doc_nindex++] = id;
}

/* Writes e under key: a new row if row_id is 0, else an update of it. */
static int
entry_write(struct store *s, const struct entry *e, const char *key,
    const char *canon, uint64_t h, const char *cats, const char *encls,
    int64_t row_id, int64_t now)
{
	sqlite3_stmt *st = s->stmt[ST_ENTRY_UPSERT];
	char *guid;
	int64_t date;
	int rc;

	/* A changed row leaves the search index now, while its old text
	 * still names the tokens to remove; it comes back at commit. */
	if (row_id != 0 &&
	    run_ids(s, ST_FTS_DELETE, &row_id, 1, "indexing") == -1)
		return -1;
	guid = xasprintf("tag:feedd,2026:%016" PRIx64 "%016" PRIx64,
	    fnv64(FNV64_INIT, s->doc_feed_name, strlen(s->doc_feed_name)),
	    fnv64(FNV64_INIT, key, strlen(key)));
	date = entry_date(e);

	sqlite3_bind_int64(st, 1, s->doc_feed);
	bind_text(st, 2, key);
	bind_text(st, 3, guid);
	bind_text(st, 4, canon);
	sqlite3_bind_int64(st, 5, (int64_t)h);
	bind_text(st, 6, e->id);
	bind_text(st, 7, e->title);
	bind_text(st, 8, e->link);
	bind_text(st, 9, e->author);
	bind_text(st, 10, e->summary);
	bind_text(st, 11, e->content);
	bind_date(st, 12, e->published);
	bind_date(st, 13, e->updated);
	bind_text(st, 14, cats);
	bind_text(st, 15, encls);
	sqlite3_bind_int64(st, 16, now);
	sqlite3_bind_int64(st, 17, date == FEED_NO_DATE ||
	    date > now + FUTURE_SLACK ? now : date);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		store_dberr(s, "storing entry");
	else {
		/* An updated row left the index above: back it goes. */
		if (row_id != 0)
			index_later(s, row_id);
		if (sqlite3_changes(s->db) > 0) {
			if (row_id == 0)
				index_later(s,
				    sqlite3_last_insert_rowid(s->db));
			s->doc_changed = 1;
		}
	}
	stmt_done(st);
	free(guid);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_doc_entry(struct store *s, const struct entry *e, int64_t now,
    int *added)
{
	char *canon, *key, *oldkey = NULL, *cats, *encls;
	uint64_t h;
	int64_t row_id = 0, row_hash = 0;
	int rc = 0, buried = 0;

	*added = 0;
	if (!s->in_doc) {
		store_seterr(s, "no document is open");
		return -1;
	}
	s->doc_nentries++;
	if (now > s->doc_now)
		s->doc_now = now;
	canon = store_canon_link(e->link);
	cats = json_categories(e);
	encls = json_enclosures(e);
	h = hash_str(FNV64_INIT, e->title);
	h = hash_str(h, e->link);
	h = hash_str(h, e->author);
	h = hash_str(h, e->summary);
	h = hash_str(h, e->content);
	h = hash_int(h, e->published);
	h = hash_int(h, e->updated);
	h = hash_str(h, cats);
	h = hash_str(h, encls);

	/*
	 * No key left: a repeat of an earlier entry of the document, stored
	 * already, or (rarely) one that differs from two earlier ones only
	 * in content, which cannot be told apart from them: keep the first.
	 */
	key = entry_key(s, e, canon, h);
	if (key != NULL)
		rc = entry_lookup(s, e, canon, key, &row_id, &row_hash,
		    &buried, &oldkey);
	if (key != NULL && rc == 0) {
		keyset_add(&s->doc_keys, key, h);
		if (oldkey != NULL) {
			/* The stored row keeps its key. */
			keyset_add(&s->doc_keys, oldkey, h);
			free(key);
			key = oldkey;
		}
		if (buried)
			/* Purged: it stays gone while the feed serves it. */
			rc = tomb_put(s, key, now);
		else if (row_id == 0 || (uint64_t)row_hash != h) {
			rc = entry_write(s, e, key, canon, h, cats, encls,
			    row_id, now);
			if (rc == 0 && row_id == 0)
				*added = 1;
		}
	}
	free(canon);
	free(key);
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
	bind_date(st, 8, info->updated);
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

static int
cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Collects into *victims the ids, and into *keys the keys, of the rows
 * stmt id selects for the open document's feed whose keys the document
 * did not use.
 */
static int
purge_collect(struct store *s, enum stmt_id id, int64_t arg,
    int64_t **victims, char ***keys, size_t *n)
{
	sqlite3_stmt *st = s->stmt[id];
	const char *key;
	int rc;

	sqlite3_bind_int64(st, 1, s->doc_feed);
	sqlite3_bind_int64(st, 2, arg);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		key = (const char *)sqlite3_column_text(st, 1);
		if (key == NULL || keyset_find(&s->doc_keys, key) != NULL)
			continue;
		*victims = xreallocarray(*victims, *n + 1, sizeof(**victims));
		*keys = xreallocarray(*keys, *n + 1, sizeof(**keys));
		(*victims)[*n] = sqlite3_column_int64(st, 0);
		(*keys)[*n] = xstrdup(key);
		(*n)++;
	}
	if (rc != SQLITE_DONE)
		store_dberr(s, "finding entries to purge");
	stmt_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Applies the open document's feed's retention limits; sets *purged to
 * the number of entries deleted.  Rows are collected first and deleted
 * after, so no SELECT walks a table while it changes; and they leave the
 * search index in one statement, because FTS5 flushes its pending
 * changes at every statement boundary.
 */
static int
store_purge(struct store *s, size_t *purged)
{
	sqlite3_stmt *st;
	int64_t *victims = NULL, now = s->doc_now;
	char **keys = NULL;
	size_t i, j, n = 0;
	int rc = 0;

	*purged = 0;
	/* An empty document is more likely a publisher's glitch than a
	 * feed that dropped everything. */
	if (s->doc_nentries == 0)
		return 0;
	if (s->doc_keep_days > 0)
		rc = purge_collect(s, ST_PURGE_OLD,
		    now - (int64_t)s->doc_keep_days * 24 * 60 * 60,
		    &victims, &keys, &n);
	if (rc == 0 && s->doc_keep_entries > 0)
		rc = purge_collect(s, ST_PURGE_EXCESS, s->doc_keep_entries,
		    &victims, &keys, &n);
	/* Both passes may list a row; the index and the count must see it
	 * once. */
	if (n > 1)
		qsort(victims, n, sizeof(*victims), cmp_id);
	for (i = 0; rc == 0 && i < n; i++)
		rc = tomb_put(s, keys[i], now);
	for (i = 0; i < n; i++)
		free(keys[i]);
	for (i = j = 0; i < n; i++)
		if (j == 0 || victims[j - 1] != victims[i])
			victims[j++] = victims[i];
	if (rc == 0)
		rc = run_ids(s, ST_FTS_DELETE, victims, j, "unindexing");
	if (rc == 0)
		rc = run_ids(s, ST_ENTRY_DELETE, victims, j, "purging");
	if (rc == 0 && j > 0)
		*purged = (size_t)sqlite3_changes(s->db);
	free(keys);
	free(victims);

	/* At most daily: tombstones of keys no document has shown for a
	 * year. */
	if (rc == 0 && now - s->tomb_expired > 24 * 60 * 60) {
		st = s->stmt[ST_TOMB_EXPIRE];
		sqlite3_bind_int64(st, 1, now - TOMBSTONE_KEEP);
		rc = step_done(s, ST_TOMB_EXPIRE, "expiring tombstones");
		if (rc == 0)
			s->tomb_expired = now;
	}
	return rc;
}

int
store_doc_commit(struct store *s)
{
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
	if (store_purge(s, &purged) == -1 ||
	    run_ids(s, ST_FTS_INSERT, s->doc_index, s->doc_nindex,
	    "indexing") == -1)
		return -1;
	if (step_done(s, ST_COMMIT, "committing") == -1)
		return -1;
	s->in_doc = 0;
	if (s->doc_changed || purged > 0)
		s->generation++;
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
	s->in_doc = 0;
	s->doc_changed = 0;
}

/* --- reading */

static int
load_categories(struct store *s, const char *json, struct entry *e)
{
	sqlite3_stmt *st = s->stmt[ST_JSON_STRINGS];
	size_t n = 0;
	int rc;

	bind_text(st, 1, json);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) == SQLITE_NULL)
			continue;
		e->categories = xreallocarray(e->categories, n + 1,
		    sizeof(*e->categories));
		e->categories[n++] = column_strdup(st, 0);
		e->ncategories = n;
	}
	if (rc != SQLITE_DONE)
		store_dberr(s, "reading categories");
	stmt_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
load_enclosures(struct store *s, const char *json, struct entry *e)
{
	sqlite3_stmt *st = s->stmt[ST_JSON_ENCLOSURES];
	struct enclosure *enc;
	size_t n = 0;
	int rc;

	bind_text(st, 1, json);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		e->enclosures = xreallocarray(e->enclosures, n + 1,
		    sizeof(*e->enclosures));
		enc = &e->enclosures[n++];
		enc->url = column_strdup(st, 0);
		enc->type = column_strdup(st, 1);
		enc->length = sqlite3_column_type(st, 2) == SQLITE_INTEGER ?
		    sqlite3_column_int64(st, 2) : -1;
		e->nenclosures = n;
	}
	if (rc != SQLITE_DONE)
		store_dberr(s, "reading enclosures");
	stmt_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Fills it from the current row of ST_ITEMS. */
static int
load_item(struct store *s, sqlite3_stmt *st, struct store_item *it)
{
	struct entry *e = &it->entry;
	char *cats, *encls;
	int rc = 0;

	it->id = sqlite3_column_int64(st, 0);
	it->guid = column_strdup(st, 1);
	e->id = column_strdup(st, 2);
	e->title = column_strdup(st, 3);
	e->link = column_strdup(st, 4);
	e->author = column_strdup(st, 5);
	e->summary = column_strdup(st, 6);
	e->content = column_strdup(st, 7);
	e->published = column_date(st, 8);
	e->updated = column_date(st, 9);
	cats = column_strdup(st, 10);
	encls = column_strdup(st, 11);
	it->first_seen = sqlite3_column_int64(st, 12);
	it->changed = sqlite3_column_int64(st, 13);
	it->feed_name = column_strdup(st, 14);
	it->feed_title = column_strdup(st, 15);
	it->feed_url = column_strdup(st, 16);
	it->feed_link = column_strdup(st, 17);
	if (cats != NULL)
		rc = load_categories(s, cats, e);
	if (rc == 0 && encls != NULL)
		rc = load_enclosures(s, encls, e);
	free(cats);
	free(encls);
	return rc;
}

/*
 * The FTS5 query for a reader's words: each whitespace-separated word as
 * a quoted string ('"' doubled inside), all required.  NULL if there is
 * no word.
 */
static char *
fts_query(const char *q)
{
	struct buf b;
	const char *p, *c;
	size_t n;

	if (q == NULL)
		return NULL;
	buf_init(&b, 0);
	for (p = q; *p != '\0'; p += n) {
		n = strspn(p, " \t\r\n\f\v");
		if (n > 0)
			continue;
		n = strcspn(p, " \t\r\n\f\v");
		buf_addstr(&b, b.len > 0 ? " \"" : "\"");
		for (c = p; c < p + n; c++) {
			if (*c == '"')
				buf_addch(&b, '"');
			buf_addch(&b, *c);
		}
		buf_addch(&b, '"');
	}
	if (b.len == 0) {
		buf_reset(&b);
		return NULL;
	}
	return buf_steal(&b);
}

int
store_items(struct store *s, const struct store_query *q,
    struct store_item **items, size_t *nitems)
{
	sqlite3_stmt *st;
	struct store_item *v = NULL;
	char *match;
	size_t n = 0;
	int rc, bad = 0;

	*items = NULL;
	*nitems = 0;
	if (q->limit == 0)
		return 0;
	match = fts_query(q->q);
	st = s->stmt[ST_ITEMS];
	if (match != NULL) {
		st = s->stmt[ST_FTS_COUNT];
		bind_text(st, 1, match);
		sqlite3_bind_int(st, 2, s->dense_matches);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			st = s->stmt[sqlite3_column_int(st, 0) <
			    s->dense_matches ? ST_ITEMS_Q : ST_ITEMS_QDENSE];
		else
			store_dberr(s, "searching");
		stmt_done(s->stmt[ST_FTS_COUNT]);
		if (rc != SQLITE_ROW) {
			free(match);
			return -1;
		}
	}
	sqlite3_bind_int64(st, 1, q->limit > INT64_MAX ? INT64_MAX :
	    (int64_t)q->limit);
	if (match != NULL)
		sqlite3_bind_text(st, 2, match, -1, free);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, n + 1, sizeof(*v));
		memset(&v[n], 0, sizeof(v[n]));
		if (load_item(s, st, &v[n++]) == -1) {
			bad = 1;
			break;
		}
	}
	if (!bad && rc != SQLITE_DONE)
		store_dberr(s, "reading items");
	stmt_done(st);
	if (bad || rc != SQLITE_DONE) {
		store_items_free(v, n);
		return -1;
	}
	*items = v;
	*nitems = n;
	return 0;
}

/* The entry's fields as load_item allocated them.  (Not entry_reset():
 * what store allocates, store frees.) */
static void
item_entry_free(struct entry *e)
{
	size_t i;

	free(e->id);
	free(e->title);
	free(e->link);
	free(e->author);
	free(e->summary);
	free(e->content);
	for (i = 0; i < e->ncategories; i++)
		free(e->categories[i]);
	free(e->categories);
	for (i = 0; i < e->nenclosures; i++) {
		free(e->enclosures[i].url);
		free(e->enclosures[i].type);
	}
	free(e->enclosures);
}

void
store_items_free(struct store_item *items, size_t nitems)
{
	size_t i;

	for (i = 0; i < nitems; i++) {
		item_entry_free(&items[i].entry);
		free(items[i].guid);
		free(items[i].feed_name);
		free(items[i].feed_title);
		free(items[i].feed_url);
		free(items[i].feed_link);
	}
	free(items);
}

int
store_maintain(struct store *s)
{
	if (s->in_doc) {
		store_seterr(s, "maintenance inside a document");
		return -1;
	}
	/* optimize may write (statistics), so it goes first. */
	if (exec_sql(s, "PRAGMA optimize", "optimizing") == -1 ||
	    exec_sql(s, "PRAGMA wal_checkpoint(TRUNCATE)",
	    "checkpointing") == -1)
		return -1;
	return 0;
}

void
store_set_dense_matches(struct store *s, int n)
{
	s->dense_matches = n > 0 ? n : 1;
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
