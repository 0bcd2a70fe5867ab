/*
 * store.h: the SQLite database: subscriptions' saved state and every entry
 * ever seen, de-duplicated.
 *
 * One struct store owns one connection, used only from the event loop
 * thread.  Calls are short and synchronous (WAL, synchronous=NORMAL).
 * storage/ knows the model from parsers/feed.h and nothing else of the
 * parser, and nothing of the daemon.
 *
 * Writing a fetched document is one transaction:
 *	store_doc_begin(); store_doc_entry() per entry; store_doc_commit()
 *	(or store_doc_rollback() on any failure, which leaves the store as it
 *	was).  Only one document is open at a time.
 *
 * Strings returned in structs below are owned by the struct and released
 * by its *_reset function.
 */
#ifndef FEEDD_STORE_H
#define FEEDD_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "parsers/feed.h"

struct store;

/*
 * What the scheduler persists per subscription across restarts.  All of
 * it is written by store_feed_state_put and read back by
 * store_feed_state_get; the store interprets none of it.  Strings are
 * owned by the struct (store_feed_state_reset frees them); put copies.
 */
struct store_feed_state {
	char		*etag;		/* raw, as received; or NULL */
	char		*last_modified;	/* raw, as received; or NULL */
	int64_t		 next_due;	/* unix seconds, or 0 = never scheduled */
	int64_t		 last_attempt;	/* 0 = never */
	int64_t		 last_success;	/* 0 = never */
	char		*last_error;	/* NULL after a success */
	int		 failures;	/* consecutive */

	/* The last fetch's outcome. */
	int		 http_status;	/* last HTTP status, 0 = none */
	char		*error_class;	/* "dns", "connect", "tls", "timeout",
					 * "http", "parse", "store", "gone",
					 * ...; NULL after a success */
	/* Redirects (RFC 9110 15.4): the URL polled now, after permanent
	 * redirects were adopted; NULL = the configured URL.
	 * store_feed_ensure clears it (and the validators) when the
	 * configured URL changes. */
	char		*current_url;
	/* A permanent redirect not yet adopted, and how many consecutive
	 * fetches saw it (0 / NULL = none). */
	char		*redirect_target;
	int		 redirect_seen;
	int		 gone;		/* 1 after a 410: stop polling */
	int64_t		 retry_after;	/* unix time from Retry-After, or 0 */

	/* The publisher's scheduling hints, as last seen. */
	int		 ttl;		/* seconds (RSS <ttl> is minutes:
					 * convert), 0 = none */
	uint32_t	 skip_hours;	/* bit h: skip hour h (0-23, UTC) */
	uint32_t	 skip_days;	/* bit d set: skip day d (0 = Sunday,
					 * as struct tm's tm_wday) */
	int64_t		 interval;	/* the scheduler's own current interval
					 * in seconds (auto), 0 = none */
};

/* One entry as the merged feed shows it: the entry and its source. */
struct store_item {
	struct entry	 entry;
	int64_t		 id;		/* row id, stable */
	char		*guid;		/* stable identity for readers: never
					 * changes across refetches/updates */
	int64_t		 first_seen;
	int64_t		 changed;	/* last time content changed, or 0 */
	int64_t		 order_time;	/* where the merged feed places it
					 * (see store_items) */
	char		*feed_name;	/* config section name */
	char		*feed_title;	/* config title, else the feed's own */
	char		*feed_url;	/* the subscription URL */
	char		*feed_link;	/* the feed's site link, or NULL */
};

/*
 * A merged-feed query.  Zero it (memset or "= { 0 }") and set what you
 * need: every filter left zero/NULL is off, so old callers keep working.
 * Filters combine with AND; the lists inside one filter with OR.
 */
struct store_query {
	size_t		 limit;		/* at most this many items */
	/* Only items holding every word of q in their title, summary,
	 * content, author or categories (full-text search, any case and
	 * accents; Chinese, Japanese and Korean words found inside runs
	 * without spaces, by pairs of characters; schema.c, step 6);
	 * NULL or blank for all.  Words are matched as words,
	 * never parsed as FTS5 syntax (a word of several tokens, such as
	 * "e-mail", needs each of them, in any order), except that a
	 * trailing '*' makes a word a prefix ("stor*").  A q that is too
	 * long (over STORE_Q_MAX bytes or STORE_Q_MAX_WORDS words) makes
	 * store_items return -2. */
	const char	*q;
	/* Only items of feeds that have at least one of these tags
	 * (store_feed_set_tags); exact, case-sensitive. */
	const char *const *tags;
	size_t		 ntags;
	/* Only items of these feeds, by config section name. */
	const char *const *feeds;
	size_t		 nfeeds;
	/* Only items whose order time (published, else updated, else first
	 * seen; see store_items) is at or after since (unix seconds); 0 =
	 * no limit. */
	int64_t		 since;
};

#define STORE_Q_MAX		1024
#define STORE_Q_MAX_WORDS	32

/*
 * One subscription as /status and `feedd status` show it (store_feeds).
 * Every string is owned by the row; store_feeds_free frees them.
 */
/* Where an entry's full article stands (store_article.c). */
enum store_article_state {
	STORE_ARTICLE_WANTED,
	STORE_ARTICLE_EXTRACTED,
	STORE_ARTICLE_FAILED,	/* the tries are used up */
	STORE_ARTICLE_SKIPPED,	/* robots.txt, or no article on the page */
	STORE_ARTICLE_NSTATES
};

struct store_feed_row {
	int64_t		 id;
	char		*name;		/* config section name */
	char		*url;		/* configured URL */
	char		*title;		/* config title, else the feed's own,
					 * else NULL */
	char		*link;		/* the feed's site link, or NULL */
	char		**tags;		/* sorted; ntags of them */
	size_t		 ntags;
	int64_t		 entries;	/* entries stored for it */
	int64_t		 newest;	/* the date of its newest entry (as
					 * the merged feed orders it: a date
					 * past the fetch counts as the
					 * fetch), 0 = none */
	int64_t		 retired;	/* when store_feed_retire retired it
					 * (left the config), 0 = active */
	/* Its entries' full articles by state (store_article_counts). */
	int64_t		 articles[STORE_ARTICLE_NSTATES];
	struct store_feed_state state;
};

/*
 * Opens (creating and migrating as needed) the database at path.
 * Returns NULL with a reason in *errstr (caller frees).
 */
struct store	*store_open(const char *path, char **errstr);
/* Finalizes statements and closes; NULL is fine. */
void		 store_close(struct store *s);

/*
 * Finds or creates the subscription named name (the config section) and
 * sets its URL and configured title; returns its id (> 0) or -1.  A
 * retired feed becomes active again.  When the URL differs from the one
 * stored, the state that belonged to the old URL goes: validators,
 * current_url, the redirect candidate, gone and retry_after.
 */
int64_t	 store_feed_ensure(struct store *s, const char *name, const char *url,
	    const char *title);

/*
 * Replaces the feed's tags with tags[0..ntags) (duplicates and NULLs
 * ignored; ntags 0 clears them).  Returns 0 or -1.
 */
int	 store_feed_set_tags(struct store *s, int64_t feed_id,
	    char *const *tags, size_t ntags);

/*
 * Many feeds registered at once (start-up, reload).  Alone, each
 * store_feed_ensure, _set_tags, _retention, _state_get and _retire* is a
 * transaction of its own, whose locks and commit cost many times its
 * write: 10,000 feeds took about a second.  Between store_batch_begin
 * and store_batch_commit they all share one transaction.  Inside it no
 * document may be opened (store_doc_begin fails) and nothing is indexed
 * or maintained; store_close rolls it back.  If SQLite abandons the
 * transaction (a full disk, an I/O error), every later write of the batch
 * and the commit fail: what the batch registered is lost, ids included,
 * and the caller registers again.  Return 0 or -1.
 */
int	 store_batch_begin(struct store *s);
int	 store_batch_commit(struct store *s);

/*
 * Subscriptions no longer in the config.  A retired feed keeps its row,
 * its state and its entries: the merged feed (and a query by its name)
 * still serves them, and store_maintain purges them by age (keep_days)
 * and count like any feed's, deleting the feed's row once it has no
 * entries left.  store_feed_ensure with its name makes it active again,
 * with its entries and tombstones intact.
 * store_feed_retire retires one feed (as of now, unix seconds);
 * store_feed_retire_absent retires every active feed whose name is not
 * in names[0..nnames) (the config after a reload).  Return 0 or -1.
 */
int	 store_feed_retire(struct store *s, int64_t feed_id, int64_t now);
int	 store_feed_retire_absent(struct store *s, const char *const *names,
	    size_t nnames, int64_t now);

/*
 * All subscriptions (retired ones too, marked), ordered by name, each
 * with its tags, counts and saved state.  Fills *rows with an array of
 * *n (free with store_feeds_free).  Returns 0 or -1.
 */
int	 store_feeds(struct store *s, struct store_feed_row **rows,
	    size_t *n);
void	 store_feeds_free(struct store_feed_row *rows, size_t n);

/* Bumped by every change to what store_feeds returns (feed state, tags,
 * ensure, retire, stored documents), so /status can cache by it. */
uint64_t store_feeds_generation(const struct store *s);

/*
 * When the feed's entries were published, for adapting its polling
 * interval: the order time (store_items) of each entry whose order time
 * is at or after since, ascending.  Fills *times with an array of *n
 * (caller frees; NULL when *n is 0).  Returns 0 or -1.
 */
int	 store_feed_publish_times(struct store *s, int64_t feed_id,
	    int64_t since, int64_t **times, size_t *n);

/* Reads / writes the saved state.  get fills st (reset it afterwards);
 * a feed with no state yet gets zeros and NULLs.  A put that fails
 * (database locked, read-only, full) keeps a copy of st in memory, which
 * get and store_feeds return until a later put for the feed succeeds:
 * the failure shows in /status even though it could not be saved.
 * Return 0 or -1. */
int	 store_feed_state_get(struct store *s, int64_t feed_id,
	    struct store_feed_state *st);
int	 store_feed_state_put(struct store *s, int64_t feed_id,
	    const struct store_feed_state *st);
void	 store_feed_state_reset(struct store_feed_state *st);

/*
 * Retention.  Committing a document purges its feed's entries first seen
 * more than keep_days ago and those beyond the keep_entries most recently
 * first seen, except entries the document itself holds; a document with
 * no entries purges nothing.  A purged entry leaves a tombstone of its
 * key, so it never comes back as new.  A limit of 0 is off.
 * store_set_retention sets the defaults (STORE_KEEP_* at open);
 * store_feed_retention overrides them for one feed, -1 meaning the
 * default.  Returns 0 or -1.
 */
#define STORE_KEEP_DAYS		90
#define STORE_KEEP_ENTRIES	500
void	 store_set_retention(struct store *s, int keep_days,
	    int keep_entries);
int	 store_feed_retention(struct store *s, int64_t feed_id,
	    int keep_days, int keep_entries);

/*
 * Bounds against a publisher that rotates its entries' ids (store_retain.c
 * explains them): a document adds at most doc_add new entries (and
 * only its first 10 * doc_add entries are looked at); a feed keeps at
 * most tombs_feed tombstones, and the store tombs_total.  0 keeps a
 * default (1000, 10000, 1000000), which feedd uses; tests lower them.
 */
void	 store_set_bounds(struct store *s, int64_t doc_add,
	    int64_t tombs_feed, int64_t tombs_total);

/* One document's writes, in one transaction.  Return 0 or -1. */
int	 store_doc_begin(struct store *s, int64_t feed_id);
/* Inserts a new entry or updates a changed one; *added is set to 1 only
 * when the entry was not stored before (an updated or unchanged entry
 * leaves it 0: store_doc_updated counts the updates). */
int	 store_doc_entry(struct store *s, const struct entry *e, int64_t now,
	    int *added);
/* How many entries of the open document, or of the last one committed
 * or rolled back, were stored before and changed (updated in place);
 * entries added or unchanged are not counted.  Read it after a
 * successful store_doc_commit for metrics (a rolled back document's
 * updates did not happen). */
int64_t	 store_doc_updated(const struct store *s);
/* How many entries of the open or last document the bounds above left
 * out (they were not looked at or not added). */
int64_t	 store_doc_skipped(const struct store *s);
/* Saves the channel's metadata (title, link, ...) with the document. */
int	 store_doc_info(struct store *s, const struct feed_info *info);
/* After any failed call within a document (commit included), only
 * store_doc_rollback() is accepted. */
int	 store_doc_commit(struct store *s);
void	 store_doc_rollback(struct store *s);

/*
 * The newest items of all feeds merged, newest first (by published date,
 * else updated; by first_seen for entries dated more than a day past
 * it).  Entries without a date are placed by the channel's date when
 * it is believable, else by first_seen, in document order (one second
 * apart); a feed's first document places them below its oldest dated
 * entry when the channel has no date (store_doc.c, undated_place).
 * Entries of one document with the same date keep its order too.  An
 * article several feeds carry (same canonical
 * link) appears once, from the feed that stored it first; with a tags or
 * feeds filter, from the first among the feeds selected, so a per-feed
 * view shows all of that feed's own entries.  Fills *items with an array
 * of *nitems (free with store_items_free).  Returns 0; -2 when q is
 * rejected (a bad request: store_errmsg says why, nothing to log); or -1
 * on a database error.
 */
int	 store_items(struct store *s, const struct store_query *q,
	    struct store_item **items, size_t *nitems);
void	 store_items_free(struct store_item *items, size_t nitems);

/* Bumped by every commit that changed what store_items can return, so
 * renderers can cache by it. */
uint64_t store_generation(const struct store *s);

/*
 * Full-text indexing off the ingest path.  A committed document's new
 * entries are stored at once but wait to enter the search index; this
 * indexes them, in transactions of at most 1000 entries, until none wait
 * or budget_ms milliseconds have passed (at least one transaction when
 * any wait).  Call it when the loop is idle (not inside a document);
 * searches stay exact without it (a search indexes what waits first),
 * and a commit indexes the backlog itself once 10,000 entries wait, so
 * calling it only keeps that work away from fetches and searches.
 * Returns how many entries still wait (0: none), or -1.
 * store_index_backlog tells how many wait, without any work.
 */
int64_t	 store_index_pending(struct store *s, int budget_ms);
int64_t	 store_index_backlog(const struct store *s);

/*
 * Checkpoints off the commit path.  A commit appends the pages it wrote
 * to the write-ahead log; copying the log into the database file (with
 * its fdatasync) is left to this call, for when the loop is idle (not
 * inside a document).  It copies once the log holds about 16 MB and
 * otherwise does nothing; a commit copies by itself only once the log
 * holds about 64 MB, so the log stays bounded when the loop never idles.
 * Returns 1 if it copied, 0 if nothing was due, or -1.
 * store_checkpoint_due tells whether it would copy, without any work.
 */
int	 store_checkpoint(struct store *s);
int	 store_checkpoint_due(const struct store *s);

/*
 * Housekeeping for an idle moment (say, hourly, and not inside a
 * document): applies retention to retired feeds (store_feed_retire),
 * checkpoints the WAL into the database and truncates it, and refreshes
 * the query planner's statistics.  Returns 0 or -1.
 */
int	 store_maintain(struct store *s);

/*
 * Full articles (store_article.c).  A feed whose entries carry only a
 * teaser has the page behind each entry's link fetched and extracted by
 * the daemon; the store decides which entries want it, keeps the queue
 * and the result, and serves the article as the entry's content.
 */
enum store_articles {
	STORE_ARTICLES_NO,	/* never */
	STORE_ARTICLES_AUTO,	/* when the entry's text is a teaser */
	STORE_ARTICLES_YES	/* for every entry with a web link */
};

/*
 * For the open document (after store_doc_begin, which resets it to NO):
 * which of its new and updated entries want their article.  An entry
 * wants it when it is new, when its link changed, or when it was updated
 * and its article was last fetched over an hour ago; with AUTO only if
 * its text (content, else summary) has fewer than min_words words or
 * ends like an excerpt (parsers/teaser.h).
 */
void	 store_doc_articles(struct store *s, enum store_articles mode,
	    size_t min_words);

struct store_article {
	int64_t		 entry_id;
	int64_t		 feed_id;
	char		*url;
	int		 tries;		/* attempts so far */
};

/* The wanted articles whose next try is due at now, oldest first, at
 * most max; 0 or -1.  Free with store_articles_free. */
int	 store_articles_due(struct store *s, int64_t now, size_t max,
	    struct store_article **out, size_t *n);
void	 store_articles_free(struct store_article *a, size_t n);
/* When the next wanted article is due (INT64_MAX if none); -1 on error
 * is reported as 0 (look again). */
int64_t	 store_articles_next(struct store *s);

/*
 * The outcome of a try for entry_id's article at url (ignored if the
 * entry's link has changed since): state EXTRACTED with content, or
 * FAILED/SKIPPED with error, or WANTED with error and the next try at
 * next_try (a failure to retry).  Returns 0 or -1.
 */
int	 store_article_done(struct store *s, int64_t entry_id,
	    const char *url, enum store_article_state state,
	    const char *content, const char *error, int64_t next_try,
	    int64_t now);

/* A feed's articles by state (counts[STORE_ARTICLE_WANTED] etc.);
 * 0 or -1. */
int	 store_article_counts(struct store *s, int64_t feed_id,
	    int64_t counts[STORE_ARTICLE_NSTATES]);

/*
 * An article host's robots.txt as last stored: 1 with *fetched, *status
 * and a copy of the body (*body, *len; NULL when empty) set; 0 if none
 * is stored; -1 on error.
 */
int	 store_robots_get(struct store *s, const char *host,
	    int64_t *fetched, int *status, char **body, size_t *len);
int	 store_robots_put(struct store *s, const char *host,
	    int64_t fetched, int status, const char *body, size_t len);

/* The last SQLite error message, for logs. */
const char *store_errmsg(const struct store *s);

#endif
