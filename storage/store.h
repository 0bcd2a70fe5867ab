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

/* What the scheduler persists per subscription across restarts. */
struct store_feed_state {
	char		*etag;		/* raw, as received; or NULL */
	char		*last_modified;	/* raw, as received; or NULL */
	int64_t		 next_due;	/* unix seconds, or 0 = never scheduled */
	int64_t		 last_attempt;	/* 0 = never */
	int64_t		 last_success;	/* 0 = never */
	char		*last_error;	/* NULL after a success */
	int		 failures;	/* consecutive */
};

/* One entry as the merged feed shows it: the entry and its source. */
struct store_item {
	struct entry	 entry;
	int64_t		 id;		/* row id, stable */
	char		*guid;		/* stable identity for readers: never
					 * changes across refetches/updates */
	int64_t		 first_seen;
	int64_t		 changed;	/* last time content changed, or 0 */
	char		*feed_name;	/* config section name */
	char		*feed_title;	/* config title, else the feed's own */
	char		*feed_url;	/* the subscription URL */
	char		*feed_link;	/* the feed's site link, or NULL */
};

struct store_query {
	size_t		 limit;		/* at most this many items */
	/* Only items holding every word of q in their title, summary,
	 * content, author or categories (full-text search, any case and
	 * accents); NULL or blank for all. */
	const char	*q;
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
 * sets its URL and configured title; returns its id (> 0) or -1.
 */
int64_t	 store_feed_ensure(struct store *s, const char *name, const char *url,
	    const char *title);

/* Reads / writes the saved state.  get fills st (reset it afterwards);
 * a feed with no state yet gets zeros and NULLs.  Return 0 or -1. */
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

/* One document's writes, in one transaction.  Return 0 or -1. */
int	 store_doc_begin(struct store *s, int64_t feed_id);
/* Inserts a new entry or updates a changed one; *added is set to 1 only
 * when the entry was not stored before. */
int	 store_doc_entry(struct store *s, const struct entry *e, int64_t now,
	    int *added);
/* Saves the channel's metadata (title, link, ...) with the document. */
int	 store_doc_info(struct store *s, const struct feed_info *info);
/* After any failed call within a document (commit included), only
 * store_doc_rollback() is accepted. */
int	 store_doc_commit(struct store *s);
void	 store_doc_rollback(struct store *s);

/*
 * The newest items of all feeds merged, newest first (by published date,
 * else updated; by first_seen for entries without a date or dated more
 * than a day past it).  An article several feeds carry (same canonical
 * link) appears once, from the feed that stored it first.  Fills *items
 * with an array of *nitems (free with store_items_free).  Returns 0 or
 * -1.
 */
int	 store_items(struct store *s, const struct store_query *q,
	    struct store_item **items, size_t *nitems);
void	 store_items_free(struct store_item *items, size_t nitems);

/* Bumped by every commit that changed what store_items can return, so
 * renderers can cache by it. */
uint64_t store_generation(const struct store *s);

/*
 * Housekeeping for an idle moment (say, hourly, and not inside a
 * document): checkpoints the WAL into the database and truncates it, and
 * refreshes the query planner's statistics.  Returns 0 or -1.
 */
int	 store_maintain(struct store *s);

/* The last SQLite error message, for logs. */
const char *store_errmsg(const struct store *s);

#endif
