/*
 * store_retain.c: retention and tombstones.
 *
 * Retention runs when a document is committed, inside its transaction
 * (store_doc_commit calls store_purge): the feed's entries past its age
 * or count limit are deleted, unless the document holds them (their keys
 * are in the document's key set), and each leaves a tombstone of its key
 * hash.  A key new to the feed that has a tombstone is skipped
 * (store_doc.c), and the tombstone's seen time refreshed (at most daily),
 * so an entry a feed keeps serving never returns; tombstones unseen for a
 * year are dropped.
 *
 * A publisher that rotates its ids would still make the table grow by a
 * document's worth per fetch, so it is bounded three ways
 * (store_set_bounds): a document adds at most doc_add new entries (the
 * rest wait for a later fetch that still carries them) and only its
 * first DOC_LOOK_FACTOR times that many are looked at; a feed keeps at
 * most tombs_feed tombstones, the most recently seen; and the table at
 * most tombs_total, the oldest going first.  The total is counted once
 * and then kept as an estimate (tomb_total), recounted after a rollback
 * and each daily expiry, so that the bound costs no scan per commit.  A
 * tombstone dropped early only lets a rotated-out entry return as new if
 * the feed still serves it, which a rotating feed does not.  Freed pages
 * go back to the file system by incremental vacuum after the commit.
 *
 * Retired feeds (no longer configured) get the same retention from
 * store_maintain, since no document of theirs will ever commit again.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "store_int.h"

/* Tombstones unseen this long are dropped; their entries could return. */
#define TOMBSTONE_KEEP		(365 * 24 * 60 * 60)

void
store_set_bounds(struct store *s, int64_t doc_add, int64_t tombs_feed,
    int64_t tombs_total)
{
	s->doc_add_max = doc_add > 0 ? doc_add : DOC_ADD;
	s->tombs_feed_max = tombs_feed > 0 ? tombs_feed : TOMBS_FEED;
	s->tombs_total_max = tombs_total > 0 ? tombs_total : TOMBS_TOTAL;
}

void
store_set_retention(struct store *s, int keep_days, int keep_entries)
{
	s->keep_days = keep_days > 0 ? keep_days : 0;
	s->keep_entries = keep_entries > 0 ? keep_entries : 0;
}

/* Whether column i of st holds limit v (-1: NULL, the default). */
static int
limit_is(sqlite3_stmt *st, int i, int v)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return v < 0;
	return v >= 0 && sqlite3_column_int(st, i) == v;
}

int
store_feed_retention(struct store *s, int64_t feed_id, int keep_days,
    int keep_entries)
{
	sqlite3_stmt *st = s->stmt[ST_FEED_RETENTION_GET];
	int rc, same = 0;

	if (batch_lost(s))
		return -1;
	/* Written only when it changes (a restart finds it as it was). */
	sqlite3_bind_int64(st, 1, feed_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		same = limit_is(st, 0, keep_days) &&
		    limit_is(st, 1, keep_entries);
	stmt_done(st);
	if (rc == SQLITE_DONE) {
		store_seterr(s, "saving retention: no feed %" PRId64, feed_id);
		return -1;
	}
	if (same)
		return 0;
	st = s->stmt[ST_FEED_RETENTION];
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

/* Leaves (or refreshes) the tombstone of the key of hash kh, at time
 * now. */
int
tomb_put(struct store *s, uint64_t kh, int64_t now)
{
	sqlite3_stmt *st = s->stmt[ST_TOMB_PUT];

	sqlite3_bind_int64(st, 1, s->doc_feed);
	sqlite3_bind_int64(st, 2, (int64_t)kh);
	sqlite3_bind_int64(st, 3, now);
	return step_done(s, ST_TOMB_PUT, "saving tombstone");
}

/* The count of tombstones that statement id (of the open document's
 * feed, or of all) finds. */
static int
tomb_count(struct store *s, enum stmt_id id, int64_t *n)
{
	sqlite3_stmt *st = s->stmt[id];
	int rc;

	if (id == ST_TOMB_COUNT_FEED)
		sqlite3_bind_int64(st, 1, s->doc_feed);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		store_dberr(s, "counting tombstones");
	stmt_done(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/*
 * Keeps the tombstones within their bounds after the open document's
 * purge left nnew of them: its feed's most recently seen tombs_feed_max,
 * and at most tombs_total_max in all (then down to nine tenths of it, so
 * that the scan of the whole table this costs is rare).
 */
static int
tomb_bound(struct store *s, int64_t nnew)
{
	sqlite3_stmt *st;
	int64_t over, n;

	/* Counting walks the feed's part of the primary key; the trim
	 * sorts it, so it runs only when needed. */
	if (tomb_count(s, ST_TOMB_COUNT_FEED, &n) == -1)
		return -1;
	if (n > s->tombs_feed_max) {
		st = s->stmt[ST_TOMB_TRIM_FEED];
		sqlite3_bind_int64(st, 1, s->doc_feed);
		sqlite3_bind_int64(st, 2, s->tombs_feed_max);
		if (step_done(s, ST_TOMB_TRIM_FEED,
		    "bounding tombstones") == -1)
			return -1;
		nnew -= sqlite3_changes(s->db);
	}
	if (s->tomb_total < 0) {
		if (tomb_count(s, ST_TOMB_COUNT, &s->tomb_total) == -1)
			return -1;
	} else
		s->tomb_total += nnew;
	if (s->tomb_total <= s->tombs_total_max)
		return 0;
	over = s->tomb_total - s->tombs_total_max + s->tombs_total_max / 10;
	st = s->stmt[ST_TOMB_TRIM_ALL];
	sqlite3_bind_int64(st, 1, over);
	if (step_done(s, ST_TOMB_TRIM_ALL, "bounding tombstones") == -1)
		return -1;
	s->tomb_total -= sqlite3_changes(s->db);
	return 0;
}

static int
cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Collects into *victims the ids, and into *keys the key hashes, of the
 * rows stmt id selects for the open document's feed whose keys the
 * document did not use.
 */
static int
purge_collect(struct store *s, enum stmt_id id, int64_t arg,
    int64_t **victims, uint64_t **keys, size_t *n)
{
	sqlite3_stmt *st = s->stmt[id];
	uint64_t kh;
	int rc;

	sqlite3_bind_int64(st, 1, s->doc_feed);
	sqlite3_bind_int64(st, 2, arg);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		kh = (uint64_t)sqlite3_column_int64(st, 1);
		if (doc_key_used(s, kh))
			continue;
		*victims = xreallocarray(*victims, *n + 1, sizeof(**victims));
		*keys = xreallocarray(*keys, *n + 1, sizeof(**keys));
		(*victims)[*n] = sqlite3_column_int64(st, 0);
		(*keys)[*n] = kh;
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
int
store_purge(struct store *s, size_t *purged)
{
	sqlite3_stmt *st;
	int64_t *victims = NULL, now = s->doc_now;
	uint64_t *keys = NULL;
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
	/* The count limit walks the feed's newest keep_entries rows: not
	 * worth it while the feed holds fewer (feeds.n_entries counts). */
	if (rc == 0 && s->doc_keep_entries > 0 &&
	    s->doc_feed_rows + s->doc_added > s->doc_keep_entries)
		rc = purge_collect(s, ST_PURGE_EXCESS, s->doc_keep_entries,
		    &victims, &keys, &n);
	/* Both passes may list a row; the index and the count must see it
	 * once. */
	if (n > 1)
		qsort(victims, n, sizeof(*victims), cmp_id);
	for (i = 0; rc == 0 && i < n; i++)
		rc = tomb_put(s, keys[i], now);
	if (rc == 0 && n > 0)
		rc = tomb_bound(s, (int64_t)n);
	for (i = j = 0; i < n; i++)
		if (j == 0 || victims[j - 1] != victims[i])
			victims[j++] = victims[i];
	/* Only rows up to the watermark are in the index (ids sorted). */
	for (i = 0; i < j && victims[i] <= s->fts_w; i++)
		;
	s->fts_pending -= (int64_t)(j - i);
	if (rc == 0)
		rc = run_ids(s, ST_FTS_DELETE, victims, i, "unindexing");
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
		s->tomb_total = -1;
	}
	return rc;
}

/*
 * Retention for the feeds no longer configured, which no document will
 * ever trigger again: each is purged as if an empty-handed document had
 * been committed (nothing is protected), and its row goes once it has no
 * entries left (its tombstones with it).
 */
int
store_purge_retired(struct store *s, int64_t now)
{
	sqlite3_stmt *st = s->stmt[ST_RETIRED];
	int64_t *ids = NULL;
	size_t i, n = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ids = xreallocarray(ids, n + 1, sizeof(*ids));
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	if (rc != SQLITE_DONE)
		store_dberr(s, "listing retired feeds");
	stmt_done(st);
	for (i = 0; rc == SQLITE_DONE && i < n; i++) {
		if (store_doc_begin(s, ids[i]) == -1) {
			rc = SQLITE_ERROR;
			break;
		}
		/* Counts as a document with entries, so the purge runs. */
		s->doc_nentries = 1;
		s->doc_now = now;
		if (store_doc_commit(s) == -1) {
			store_doc_rollback(s);
			rc = SQLITE_ERROR;
			break;
		}
		st = s->stmt[ST_FEED_DROP];
		sqlite3_bind_int64(st, 1, ids[i]);
		if (step_done(s, ST_FEED_DROP, "dropping feed") == -1)
			rc = SQLITE_ERROR;
		else if (sqlite3_changes(s->db) > 0)
			s->feeds_generation++;
	}
	free(ids);
	return rc == SQLITE_DONE ? 0 : -1;
}
