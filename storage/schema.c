/*
 * schema.c: the database schema, in one place, as the list of migrations
 * that build it.
 *
 * The schema version is PRAGMA user_version: a database at version N has
 * had steps 1..N applied.  store_open() applies the missing steps in
 * order, each in its own BEGIN IMMEDIATE transaction together with the
 * user_version bump, so a crash mid-migration leaves the previous version
 * intact.  Steps are never edited once released: a change is a new step
 * appended below.  A database whose version is above the last step comes
 * from a newer feedd and is refused.
 *
 * PRAGMA application_id marks the file as feedd's ("feed" in ASCII), so
 * another program's SQLite file is refused instead of being migrated.
 *
 * Times are unix seconds (UTC) in INTEGER columns; NULL where the model
 * says FEED_NO_DATE or "never".
 *
 * feeds: one row per subscription, keyed by its config section name.
 *	name		config section name (UNIQUE)
 *	url		subscription URL (from the config)
 *	conf_title	title set in the config, or NULL
 *	title, link, ch_id, author, language, subtitle, updated, format, ttl
 *			the channel as the latest stored document described it
 *	etag, last_modified
 *			validators exactly as received, for conditional GET
 *	next_due, last_attempt, last_success, last_error, failures
 *			the scheduler's state (0 = never)
 *
 * entries: one row per article per feed, never two for one identity.
 *	feed_id		the feed (entries go with it)
 *	key		identity within the feed, with a kind prefix:
 *			"i:" the entry's guid/atom:id, "l:" its link,
 *			"h:" a hash of title, date and summary
 *			(UNIQUE with feed_id until step 5)
 *	guid		identity for readers, derived from feed name and key
 *			at insertion and never changed afterwards
 *	canon_link	the link canonicalized (canon.c) for matching the
 *			same article across id changes and across feeds
 *	content_hash	a hash of every stored field: an entry whose
 *			hash is unchanged writes nothing (FNV-1a 64 until
 *			step 5)
 *	src_id .. enclosures
 *			the model's fields (struct entry); categories a JSON
 *			array of strings, enclosures a JSON array of
 *			{"url","type","length"} objects, NULL when empty
 *	first_seen	when feedd first stored it
 *	changed		when its content last changed, NULL if never
 *	sort_time	the merged feed's order: the entry's date (published,
 *			else updated), or first_seen if it is more than a
 *			day past first_seen; without a date, the channel's
 *			date or first_seen, less a second per place in its
 *			document (store_doc.c, undated_place)
 *
 * Step 2 adds retention:
 *	feeds.keep_days, feeds.keep_entries
 *			per-feed limits; NULL (or 0 from the API) means the
 *			store's defaults
 *	entries_feed_seen
 *			a feed's entries by first_seen, for both limits
 * tombstones: what retention purged, so that it never comes back as new.
 *	feed_id, key_hash
 *			the feed and FNV-1a 64 of the purged entry's key
 *	seen		when the key was purged or last seen again in one of
 *			the feed's documents; tombstones unseen for a year go
 *
 * Step 3 adds full-text search:
 * entries_fts: a contentless FTS5 table (it keeps the index, not a second
 *	copy of the text) whose rowid is entries.id, over title, summary and
 *	content as plain text, author, and the categories joined by spaces.
 *	store_fts.c keeps it in step with entries.  A contentless table forgets
 *	what it indexed, so a delete must hand back the very tokens: they
 *	are recomputed from the row with feedd_text(), a deterministic
 *	HTML-to-text function that store.c registers on its connection.
 *	Not triggers: FTS5 flushes its pending changes at every statement
 *	boundary, and a trigger per row made ingest five times slower than
 *	indexing each document's rows in one statement at commit.
 *
 * Step 4 adds what the scheduler and /status need:
 *	feeds.http_status, error_class
 *			the last fetch's HTTP status and class of failure
 *	feeds.current_url
 *			the URL polled after adopting permanent redirects
 *			(NULL = url); redirect_target, redirect_seen: a
 *			permanent redirect seen but not yet adopted
 *	feeds.gone	1 after HTTP 410; retry_after: unix time or 0
 *	feeds.hint_ttl, skip_hours, skip_days
 *			the publisher's hints (seconds; bitmasks of hours
 *			0-23 and of days 0 = Sunday)
 *	feeds.poll_interval
 *			the scheduler's adapted interval, seconds, 0 = none
 *	feeds.retired	when the feed left the config (0 = configured);
 *			its entries stay and are served until retention
 *			(store_maintain) purges them, then the row goes
 *	feeds.n_entries	its entries, counted by the store at each commit
 *			(so /status need not count a million rows)
 * feed_tags: the config's tags of each feed, for the merged feed's tag
 *	filter.  (tag, feed_id) primary key; feed_tags_feed by feed.
 * entries_sort gains feed_id and entries_feed_seen gains sort_time, so
 *	that a tag or feed filter is decided from the index alone.
 * entries_fts is rebuilt with detail = none and columnsize = 0: searches
 *	are words ANDed (and word prefixes), never phrases or rankings, so
 *	positions and sizes were dead weight that tripled indexing time.
 *	store_fts.c splits a reader's words into single tokens with this very
 *	tokenizer, as a query of detail = none may hold no phrase.
 * fts_state: one row.  watermark: every entry whose id is at most this
 *	is in entries_fts, and no entry above it is.  New entries above it
 *	are indexed in batches (store_fts.c) rather than by each document,
 *	because FTS5 writes a segment per statement and that cost four
 *	fifths of ingest; a search indexes what is pending first.
 *
 * Step 5 rebuilds entries (same columns, same row ids) so that its
 * indexes hold integers instead of strings: an index record of about 20
 * bytes instead of 60 means fewer b-tree pages read and written per new
 * entry (ingest went from about 50,000 to 65,000 entries per CPU second
 * at a million entries).  Hashes are only hints: store_doc.c compares the
 * strings of the rows a hash finds.
 *	key_hash	store_key_hash(key) (FNV-1a 64, never 0: tombstones
 *			hold the same value); entries_key (feed_id,
 *			key_hash) replaces UNIQUE (feed_id, key), and the
 *			store's look-up before each insert keeps keys unique
 *	canon_hash	store_canon_hash(canon_link), NULL without a link:
 *			the same under http and https (one probe finds
 *			both), the host in its top 24 bits so that a site's
 *			links stay together; entries_canon is (canon_hash,
 *			feed_id), for the look-up within a feed and the
 *			merged feed's cross-feed test (hash, then link)
 *	content_hash	now store_hash() over the fields (8 bytes at a
 *			time), recomputed for every row by the step
 *	guid		NULL for rows written since: it is derived from
 *			the feed's name and the key when read, as it always
 *			was at insertion; older rows keep theirs
 * Integer columns come first in the row, the long texts last.  The
 * step needs feedd_key_hash(), feedd_canon_hash() and
 * feedd_content_hash(), registered by store.c like feedd_text().
 *
 * Step 6 rebuilds entries_fts (same options) over every column in the
 * form feedd_fts() gives (canon.c, store_fts_text): Chinese, Japanese
 * and Korean runs as overlapping pairs of characters and single
 * characters, which unicode61 would otherwise keep as one token (a
 * search for 中国 found a tenth of the entries holding it), and letters
 * that readers type in another form folded alike (Greek accents, ё, ß,
 * Arabic and Persian letter forms, Hebrew points).  The rows up to the
 * watermark are indexed again (bench/RESULTS.md has the time it takes).
 * store_fts.c folds a reader's words the same way.
 *
 * Step 7 adds full articles (store_article.c):
 * articles: the page behind an entry's link, for feeds whose entries
 *	carry only a teaser; one row per entry that wants its article.
 *	entry_id	the entry (the row goes with it); feed_id its feed,
 *			for the counts of /status
 *	url		the link the article is (to be) fetched from: a
 *			changed link wants the article again
 *	state		0 wanted, 1 extracted, 2 failed (tries used up),
 *			3 skipped (robots.txt, no article on the page)
 *	tries, next_try	attempts so far and when the next may start
 *	fetched		when the last attempt ended, NULL before
 *	error		the last failure's reason, NULL after a success
 *	content		the article (sanitized HTML), served in place of the
 *			entry's own content while state is 1
 *	articles_due: the wanted rows by next_try, for the fetch queue.
 * robots: each article host's robots.txt as last fetched.
 *	host		lower-case host name
 *	fetched		when; status: the HTTP status (0: unreachable)
 *	body		the file, at most ROBOTS_MAX_SIZE bytes
 */
#include "config.h"

#include <stddef.h>

#include "schema.h"
#include "base/util.h"

static const char *const migrations[] = {
	/* 1: feeds, entries. */
	"PRAGMA application_id = 1717921124;"
	"CREATE TABLE feeds ("
	"  id            INTEGER PRIMARY KEY,"
	"  name          TEXT NOT NULL UNIQUE,"
	"  url           TEXT NOT NULL,"
	"  conf_title    TEXT,"
	"  title         TEXT,"
	"  link          TEXT,"
	"  ch_id         TEXT,"
	"  author        TEXT,"
	"  language      TEXT,"
	"  subtitle      TEXT,"
	"  updated       INTEGER,"
	"  format        TEXT,"
	"  ttl           INTEGER NOT NULL DEFAULT 0,"
	"  etag          TEXT,"
	"  last_modified TEXT,"
	"  next_due      INTEGER NOT NULL DEFAULT 0,"
	"  last_attempt  INTEGER NOT NULL DEFAULT 0,"
	"  last_success  INTEGER NOT NULL DEFAULT 0,"
	"  last_error    TEXT,"
	"  failures      INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE TABLE entries ("
	"  id            INTEGER PRIMARY KEY,"
	"  feed_id       INTEGER NOT NULL"
	"                REFERENCES feeds(id) ON DELETE CASCADE,"
	"  key           TEXT NOT NULL,"
	"  guid          TEXT NOT NULL,"
	"  canon_link    TEXT,"
	"  content_hash  INTEGER NOT NULL,"
	"  src_id        TEXT,"
	"  title         TEXT,"
	"  link          TEXT,"
	"  author        TEXT,"
	"  summary       TEXT,"
	"  content       TEXT,"
	"  published     INTEGER,"
	"  updated       INTEGER,"
	"  categories    TEXT,"
	"  enclosures    TEXT,"
	"  first_seen    INTEGER NOT NULL,"
	"  changed       INTEGER,"
	"  sort_time     INTEGER NOT NULL,"
	"  UNIQUE (feed_id, key)"
	");"
	/* The merged feed: newest first, ties by row id. */
	"CREATE INDEX entries_sort ON entries (sort_time DESC, id DESC);"
	/* Same article across feeds, and id changes within a feed. */
	"CREATE INDEX entries_canon ON entries (canon_link, feed_id)"
	"  WHERE canon_link IS NOT NULL;",

	/* 2: retention. */
	"ALTER TABLE feeds ADD COLUMN keep_days INTEGER;"
	"ALTER TABLE feeds ADD COLUMN keep_entries INTEGER;"
	/* Age and count limits both walk a feed's entries by first_seen. */
	"CREATE INDEX entries_feed_seen ON entries (feed_id, first_seen);"
	"CREATE TABLE tombstones ("
	"  feed_id       INTEGER NOT NULL"
	"                REFERENCES feeds(id) ON DELETE CASCADE,"
	"  key_hash      INTEGER NOT NULL,"
	"  seen          INTEGER NOT NULL,"
	"  PRIMARY KEY (feed_id, key_hash)"
	") WITHOUT ROWID;",

	/* 3: full-text search. */
	"CREATE VIRTUAL TABLE entries_fts USING fts5 (title, summary,"
	"  content, author, categories, content = '',"
	"  tokenize = 'unicode61 remove_diacritics 2');"
	"INSERT INTO entries_fts (rowid, title, summary, content, author,"
	"  categories) SELECT id, title, feedd_text(summary),"
	"  feedd_text(content), author, (SELECT group_concat(value, ' ')"
	"  FROM json_each(categories)) FROM entries;",

	/* 4: fetch outcome, redirects, hints, tags, retired feeds. */
	"ALTER TABLE feeds ADD COLUMN http_status INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE feeds ADD COLUMN error_class TEXT;"
	"ALTER TABLE feeds ADD COLUMN current_url TEXT;"
	"ALTER TABLE feeds ADD COLUMN redirect_target TEXT;"
	"ALTER TABLE feeds ADD COLUMN redirect_seen INTEGER NOT NULL"
	"  DEFAULT 0;"
	"ALTER TABLE feeds ADD COLUMN gone INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE feeds ADD COLUMN retry_after INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE feeds ADD COLUMN hint_ttl INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE feeds ADD COLUMN skip_hours INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE feeds ADD COLUMN skip_days INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE feeds ADD COLUMN poll_interval INTEGER NOT NULL"
	"  DEFAULT 0;"
	"ALTER TABLE feeds ADD COLUMN retired INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE feeds ADD COLUMN n_entries INTEGER NOT NULL DEFAULT 0;"
	"UPDATE feeds SET n_entries ="
	"  (SELECT count(*) FROM entries WHERE feed_id = feeds.id);"
	"CREATE TABLE feed_tags ("
	"  tag           TEXT NOT NULL,"
	"  feed_id       INTEGER NOT NULL"
	"                REFERENCES feeds(id) ON DELETE CASCADE,"
	"  PRIMARY KEY (tag, feed_id)"
	") WITHOUT ROWID;"
	"CREATE INDEX feed_tags_feed ON feed_tags (feed_id);"
	/* Indexes that answer the merged feed's filters without reading
	 * rows: the order with each row's feed, a feed's rows with their
	 * order times. */
	"DROP INDEX entries_sort;"
	"CREATE INDEX entries_sort ON entries"
	"  (sort_time DESC, id DESC, feed_id);"
	"DROP INDEX entries_feed_seen;"
	"CREATE INDEX entries_feed_seen ON entries"
	"  (feed_id, first_seen, id, sort_time);"
	/* The index again, leaner: no positions, no column sizes. */
	"DROP TABLE entries_fts;"
	"CREATE VIRTUAL TABLE entries_fts USING fts5 (title, summary,"
	"  content, author, categories, content = '', detail = none,"
	"  columnsize = 0, tokenize = 'unicode61 remove_diacritics 2');"
	"INSERT INTO entries_fts (rowid, title, summary, content, author,"
	"  categories) SELECT id, title, feedd_text(summary),"
	"  feedd_text(content), author, (SELECT group_concat(value, ' ')"
	"  FROM json_each(categories)) FROM entries;"
	"CREATE TABLE fts_state (watermark INTEGER NOT NULL);"
	"INSERT INTO fts_state SELECT coalesce(max(id), 0) FROM entries;",

	/* 5: entries indexed by hashes of key and link, not the strings;
	 * guids derived when read.  A table constraint cannot be dropped,
	 * so the table is rebuilt (row ids kept: the search index and its
	 * watermark name them). */
	"CREATE TABLE entries5 ("
	"  id            INTEGER PRIMARY KEY,"
	"  feed_id       INTEGER NOT NULL"
	"                REFERENCES feeds(id) ON DELETE CASCADE,"
	"  key_hash      INTEGER NOT NULL,"
	"  content_hash  INTEGER NOT NULL,"
	"  first_seen    INTEGER NOT NULL,"
	"  sort_time     INTEGER NOT NULL,"
	"  changed       INTEGER,"
	"  published     INTEGER,"
	"  updated       INTEGER,"
	"  canon_hash    INTEGER,"
	"  key           TEXT NOT NULL,"
	"  canon_link    TEXT,"
	"  guid          TEXT,"
	"  src_id        TEXT,"
	"  title         TEXT,"
	"  link          TEXT,"
	"  author        TEXT,"
	"  categories    TEXT,"
	"  enclosures    TEXT,"
	"  summary       TEXT,"
	"  content       TEXT"
	");"
	"INSERT INTO entries5 (id, feed_id, key_hash, content_hash,"
	"  first_seen, sort_time, changed, published, updated, canon_hash,"
	"  key, canon_link, guid, src_id, title, link, author, categories,"
	"  enclosures, summary, content)"
	"  SELECT id, feed_id, feedd_key_hash(key),"
	"  feedd_content_hash(title, link, author, summary, content,"
	"  published, updated, categories, enclosures),"
	"  first_seen, sort_time, changed, published, updated,"
	"  feedd_canon_hash(canon_link), key, canon_link, guid, src_id,"
	"  title, link, author, categories, enclosures, summary, content"
	"  FROM entries ORDER BY id;"
	"DROP TABLE entries;"
	"ALTER TABLE entries5 RENAME TO entries;"
	"CREATE INDEX entries_key ON entries (feed_id, key_hash);"
	"CREATE INDEX entries_canon ON entries (canon_hash, feed_id)"
	"  WHERE canon_hash IS NOT NULL;"
	"CREATE INDEX entries_sort ON entries"
	"  (sort_time DESC, id DESC, feed_id);"
	"CREATE INDEX entries_feed_seen ON entries"
	"  (feed_id, first_seen, id, sort_time);",

	/* 6: the search index over the text in store_fts_text's form. */
	"DROP TABLE entries_fts;"
	"CREATE VIRTUAL TABLE entries_fts USING fts5 (title, summary,"
	"  content, author, categories, content = '', detail = none,"
	"  columnsize = 0, tokenize = 'unicode61 remove_diacritics 2');"
	"INSERT INTO entries_fts (rowid, title, summary, content, author,"
	"  categories) SELECT id, feedd_fts(title, 0), feedd_fts(summary, 1),"
	"  feedd_fts(content, 1), feedd_fts(author, 0), feedd_fts((SELECT"
	"  group_concat(value, ' ') FROM json_each(categories)), 0)"
	"  FROM entries WHERE id <= (SELECT watermark FROM fts_state);",

	/* 7: full articles and the robots.txt of their hosts. */
	"CREATE TABLE articles ("
	"  entry_id  INTEGER PRIMARY KEY"
	"            REFERENCES entries(id) ON DELETE CASCADE,"
	"  feed_id   INTEGER NOT NULL,"
	"  state     INTEGER NOT NULL DEFAULT 0,"
	"  tries     INTEGER NOT NULL DEFAULT 0,"
	"  next_try  INTEGER NOT NULL DEFAULT 0,"
	"  fetched   INTEGER,"
	"  url       TEXT NOT NULL,"
	"  error     TEXT,"
	"  content   TEXT"
	");"
	"CREATE INDEX articles_due ON articles (next_try) WHERE state = 0;"
	"CREATE INDEX articles_feed ON articles (feed_id, state);"
	"CREATE TABLE robots ("
	"  host      TEXT PRIMARY KEY,"
	"  fetched   INTEGER NOT NULL,"
	"  status    INTEGER NOT NULL,"
	"  body      BLOB"
	") WITHOUT ROWID;",
};

const char *
schema_step(int version)
{
	if (version < 1 || version > SCHEMA_VERSION)
		return NULL;
	return migrations[version - 1];
}

_Static_assert(NELEM(migrations) == SCHEMA_VERSION,
    "SCHEMA_VERSION must count the migrations");
