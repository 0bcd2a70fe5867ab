/*
 * store_int.h: what the files of the store share, and nothing outside
 * storage/ may include: struct store, the ids of its prepared statements
 * (their SQL is stmt_sql[] in store.c), the bind and step helpers every
 * statement goes through, and the functions one part of the store calls
 * in another.
 *
 * The parts, each owning its statements and its fields of struct store:
 *	store.c		open, close, migrate, maintenance, shared helpers
 *	store_feed.c	feeds: ensure, saved state, tags, retirement, list
 *	store_doc.c	the document write path and entries' identity
 *	store_retain.c	retention, tombstones and their bounds
 *	store_fts.c	the search index, its tokenizer and the search walk
 *	store_read.c	the merged-feed query (store_items)
 *	store_article.c	the full-article queue and its results
 *	store_vfs.c	the VFS: the WAL file's writes gathered per commit
 *
 * Every statement is prepared once and kept until store_close(); each
 * use ends in stmt_done(), which resets it, because a SELECT left unreset
 * holds its read snapshot and stops WAL checkpoints.  One connection,
 * used only from the event loop thread: nothing here locks.
 */
#ifndef FEEDD_STORE_INT_H
#define FEEDD_STORE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "store.h"
#include "base/util.h"

/* An entry dated further than this past its first sighting is ordered by
 * the sighting: a publisher's bad clock cannot pin it to the top. */
#define FUTURE_SLACK		(24 * 60 * 60)
/* The defaults of store_set_bounds (store_retain.c). */
#define DOC_ADD			1000
#define DOC_LOOK_FACTOR		10
#define TOMBS_FEED		10000
#define TOMBS_TOTAL		1000000

enum stmt_id {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	ST_FEED_FIND,
	ST_FEED_ENSURE,
	ST_FEED_NAME,
	ST_STATE_GET,
	ST_STATE_PUT,
	ST_INFO_PUT,
	ST_ENTRY_FIND,
	ST_ENTRY_UPDATE,
	ST_ENTRY_INSERT,
	ST_JSON_STRINGS,
	ST_JSON_ENCLOSURES,
	ST_FEED_RETENTION_GET,
	ST_FEED_RETENTION,
	ST_PURGE_OLD,
	ST_PURGE_EXCESS,
	ST_ENTRY_DELETE,
	ST_FTS_DELETE,
	ST_FTS_INSERT,
	ST_FTS_FLUSH,
	ST_FTS_MARK,
	ST_FTS_STATE,
	ST_FTS_PENDING,
	ST_FTS_RANGE,
	ST_TOMB_PUT,
	ST_TOMB_EXPIRE,
	ST_TOMB_TRIM_FEED,
	ST_TOMB_TRIM_ALL,
	ST_TOMB_COUNT,
	ST_TOMB_COUNT_FEED,
	ST_FEED_COUNT,
	ST_FEED_TAGS_CLEAR,
	ST_FEED_TAG_ADD,
	ST_FEED_TAGS,
	ST_FEED_TAG_LIST,
	ST_FEED_RETIRE,
	ST_FEED_RETIRE_ABSENT,
	ST_FEEDS,
	ST_FEED_SELECT,
	ST_ENTRIES_TOTAL,
	ST_RETIRED,
	ST_FEED_DROP,
	ST_PUBLISH_TIMES,
	ST_UNDATED_PLACE,
	ST_ART_WANT,
	ST_ART_DUE,
	ST_ART_NEXT,
	ST_ART_DONE,
	ST_ART_COUNTS,
	ST_ROBOTS_GET,
	ST_ROBOTS_PUT,
	ST_COUNT
};

/* The feed map's pages (row ids per page), and the modulus that folds
 * feed ids into its 16-bit slots (store_fts.c). */
#define FMAP_SHIFT	12
#define FMAP_MOD	65535
/* A search's selected feeds, a bit per slot value of the feed map, bound
 * to feedd_feed_may's second argument. */
#define FEEDSEL_TYPE	"feedd_feedsel"
struct feedsel {
	uint64_t	 bits[(FMAP_MOD + 1 + 63) / 64];
};

/* The shapes of store_items' statement (bits of an index into
 * store.items_st; store_read.c). */
#define IQ_SEARCH	0x01	/* q: candidates, newest row id first */
#define IQ_IDS		0x02	/* the items of listed ids */
#define IQ_FEEDS	0x04	/* tags/feeds filter, walking the order */
#define IQ_GATHER	0x08	/* tags/feeds filter, rows gathered by feed */
#define IQ_SINCE	0x10
#define IQ_ONEFEED	0x20	/* tags/feeds select one feed: no dedup */
#define IQ_SHAPES	0x40

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

/* A feed's state that could not be saved (the database was locked,
 * read-only or full): what store_feeds and store_feed_state_get return
 * for the feed until a later put succeeds, so that /status shows the
 * failure it is about. */
struct unsaved_state {
	int64_t			 feed_id;
	struct store_feed_state	 state;
};

/* A row the open document added without a date, and its place in the
 * document (0 = first), for store_doc_commit to order it. */
struct undated {
	int64_t		 id;
	int64_t		 pos;
};

struct store {
	sqlite3		*db;
	sqlite3_stmt	*stmt[ST_COUNT];
	uint64_t	 generation;
	uint64_t	 feeds_generation;
	struct unsaved_state *unsaved;
	size_t		 nunsaved;
	sqlite3_stmt	*items_st[IQ_SHAPES];	/* prepared on first use */
	char		 err[256];
	int		 keep_days;	/* defaults; 0 = off */
	int		 keep_entries;
	int64_t		 tomb_expired;	/* when tombstones last expired */
	int64_t		 tomb_total;	/* estimate; -1: count again */
	int64_t		 doc_add_max;	/* store_set_bounds */
	int64_t		 tombs_feed_max;
	int64_t		 tombs_total_max;
	/*
	 * For searches: bound[b] is at least the order time of every row
	 * whose id >> block_shift is at most b (a running maximum over the
	 * blocks); nbound 0 until the first search loads it.
	 */
	int64_t		*bound;
	size_t		 nbound;
	int		 block_shift;
	/*
	 * For searches that select feeds: fmap[p][i] is 1 + the feed id
	 * mod FMAP_MOD of row id p << FMAP_SHIFT | i, 0 if not known
	 * (a NULL page knows nothing).  fmap NULL until the first such
	 * search loads it; fmap_pages pages allocated, reloaded (dropping
	 * the pages of deleted rows) once past fmap_cap.
	 */
	uint16_t	**fmap;
	size_t		 nfmap;
	size_t		 fmap_pages;
	size_t		 fmap_cap;
	fts5_tokenizer	 tok_api;	/* entries_fts's tokenizer */
	Fts5Tokenizer	*tok;
	int		 feed_plan;	/* 0 by cost; tests force 1 or 2 */
	int		 in_batch;	/* store_batch_begin's transaction */
	/* The WAL: pages in it after the last commit (0 after a
	 * checkpoint), and the sizes at which an idle moment
	 * (store_checkpoint) and a commit (wal_hook) copy it back. */
	int		 wal_pages;
	int		 wal_idle_pages;
	int		 wal_max_pages;

	/* The open document, if any. */
	int		 in_doc;
	int64_t		 doc_feed;
	char		*doc_feed_name;
	int		 doc_keep_days;
	int		 doc_keep_entries;
	int64_t		 doc_feed_rows;	/* feeds.n_entries at begin */
	int64_t		 doc_prev_seen;	/* its latest first_seen, 0 = none */
	int64_t		 doc_chan_date;	/* the channel's date, or
					 * FEED_NO_DATE */
	int64_t		 doc_oldest;	/* the oldest entry date in it, or
					 * INT64_MAX */
	struct undated	*doc_undated;	/* its new undated rows */
	size_t		 doc_nundated;
	int64_t		 doc_prev_date;	/* the date of its last dated entry */
	int64_t		 doc_ties;	/* entries before with that date */
	int64_t		 doc_now;	/* latest "now" of its entries */
	size_t		 doc_nentries;
	int64_t		 doc_added;	/* rows inserted */
	int64_t		 doc_updated;	/* rows whose content changed */
	int64_t		 doc_skipped;	/* entries past the bounds */
	int		 doc_changed;
	int		 doc_failed;	/* a write failed: rollback only */
	enum store_articles doc_articles;	/* store_doc_articles */
	size_t		 doc_article_words;
	/* The search index: rows up to fts_w are in it (schema.c,
	 * fts_state), fts_pending rows above it wait for a batch of
	 * fts_batch. */
	int64_t		 fts_w;
	int64_t		 fts_pending;
	int64_t		 fts_batch;
	int64_t		 doc_fts_w;	/* as the document found them */
	int64_t		 doc_fts_pending;
	int64_t		*doc_index;	/* rows to add to the search index */
	size_t		 doc_nindex;
	struct keyset	 doc_keys;
	/* Reused for every entry: its candidate key, and its canonical
	 * link under the other scheme. */
	struct buf	 keybuf;
	struct buf	 altbuf;
};

/* --- bind and step helpers (inline: every statement of every entry
 * goes through them) */

static inline void
stmt_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static inline void
bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

static inline void
bind_date(sqlite3_stmt *st, int i, int64_t v)
{
	if (v == FEED_NO_DATE)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, v);
}

static inline char *
column_strdup(sqlite3_stmt *st, int i)
{
	const unsigned char *v;

	v = sqlite3_column_text(st, i);
	return v != NULL ? xstrdup((const char *)v) : NULL;
}

static inline int64_t
column_date(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return FEED_NO_DATE;
	return sqlite3_column_int64(st, i);
}

/* --- store.c: errors, statements, JSON arguments */

/* Sets store_errmsg's text. */
void		 store_seterr(struct store *s, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
/* Records SQLite's message for what just failed. */
void		 store_dberr(struct store *s, const char *what);
/* Runs SQL outside the prepared statements; 0 or -1 (error recorded). */
int		 exec_sql(struct store *s, const char *sql, const char *what);
/* Runs prepared statement id, which returns no row the caller needs, and
 * resets it; 0 or -1 (error recorded as what). */
int		 step_done(struct store *s, enum stmt_id id, const char *what);
/* Binds a JSON array of the row ids to statement id's ?1 and runs it
 * (nothing if n is 0); 0 or -1. */
int		 run_ids(struct store *s, enum stmt_id id, const int64_t *ids,
		    size_t n, const char *what);
/* A JSON array of the ids, to bind to "IN (SELECT value FROM
 * json_each(?))"; caller frees. */
char		*ids_json(const int64_t *ids, size_t n);
/* A JSON array of the strings v[0..n) (NULLs skipped); caller frees. */
char		*json_strings(const char *const *v, size_t n);
/* Appends v to b as a JSON string, or null if v is NULL. */
void		 json_add_str(struct buf *b, const char *v);

/* Whether the batch's transaction is open but SQLite abandoned it (a
 * full disk, an I/O error): then a registration fails (error set) rather
 * than run on its own, its id lost with the batch at the commit. */
int		 batch_lost(struct store *s);

/* --- store_doc.c */

/* The hash of everything stored of an entry (entries.content_hash). */
uint64_t	 content_hash(const char *title, const char *link,
		    const char *author, const char *summary,
		    const char *content, int64_t published, int64_t updated,
		    const char *cats, const char *encls);
/* Whether the open document used the key of hash h. */
int		 doc_key_used(const struct store *s, uint64_t h);

/* --- store_article.c */

/* After the open document wrote entry e as row id (added: a new row):
 * records that it wants its article, if it does; 0 or -1. */
int		 article_want(struct store *s, const struct entry *e,
		    int64_t id, int added, int64_t now);

/* --- store_retain.c */

/* Leaves (or refreshes) the tombstone of the key of hash kh in the open
 * document's feed, at time now. */
int		 tomb_put(struct store *s, uint64_t kh, int64_t now);
/* Applies the open document's feed's retention limits; *purged is the
 * number of entries deleted. */
int		 store_purge(struct store *s, size_t *purged);
/* Retention for the feeds no longer configured (store_maintain). */
int		 store_purge_retired(struct store *s, int64_t now);

/* --- store_vfs.c */

/* The name of the store's VFS (the default one with the WAL's writes
 * gathered), registered on the first call; NULL to use the default. */
const char	*store_vfs(void);

/* --- store_fts.c */

/* Gets FTS5's tokenizer for reader's words (store_open); 0 or -1. */
int		 tokenizer_open(struct store *s);
/* Indexes the rows above the watermark, at most limit (-1: all), in the
 * open transaction. */
int		 fts_flush(struct store *s, int64_t limit);
/* Indexes all that is pending in a transaction of its own. */
int		 fts_catch_up(struct store *s);
/* The FTS5 query for a reader's words (*out NULL if none); 0, or -1 if
 * q is too long. */
int		 fts_query(struct store *s, const char *q, char **out);
/* Raises the search bound of row id's block to at least t. */
void		 bound_raise(struct store *s, int64_t id, int64_t t);
/* Loads the search bounds (once: writes keep them) and, if feeds, the
 * feed of every row (fmap). */
int		 bound_load(struct store *s, int feeds);
/* Records that row id belongs to feed (if the map is loaded). */
void		 rowfeed_set(struct store *s, int64_t id, int64_t feed);
/* Drops the feed map (reloaded by the next search that needs it). */
void		 rowfeed_free(struct store *s);
/* The SQL function feedd_feed_may(rowid, selection): 0 if the row is
 * known to belong to a feed outside the selection (a pointer bound as
 * FEEDSEL_TYPE), 1 otherwise. */
void		 sql_feed_may(sqlite3_context *ctx, int argc,
		    sqlite3_value **argv);
/* Runs an IQ_SEARCH statement and keeps the best limit row ids in *ids
 * (a JSON array, or NULL); 0, -1, or -2 for a bad search. */
int		 search_walk(struct store *s, sqlite3_stmt *st, size_t limit,
		    int64_t since, char **ids);

#endif
