/*
 * store_feed.c: the feeds table: a subscription's row (store_feed_ensure),
 * the state the scheduler saves across restarts, tags, retirement, and
 * the list of feeds /status and the OPML export read.
 *
 * The store interprets none of the saved state.  A put that fails (the
 * database locked, read-only or full) is kept in memory as the feed's
 * unsaved state, and returned by store_feed_state_get and store_feeds
 * until a later put succeeds: the failure that /status shows is the one
 * that happened, not the last state the file holds.
 *
 * Feeds that leave the config are retired, not deleted: their entries
 * stay in the merged feed until retention (store_retain.c) removes them.
 * feeds_generation changes with anything store_feeds would return
 * differently, so that callers cache the list.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store_int.h"

int64_t
store_feed_ensure(struct store *s, const char *name, const char *url,
    const char *title)
{
	sqlite3_stmt *st = s->stmt[ST_FEED_FIND];
	int64_t id = -1;

	if (batch_lost(s))
		return -1;
	/* A restart finds most feeds as they were: a read, no write. */
	bind_text(st, 1, name);
	bind_text(st, 2, url);
	bind_text(st, 3, title);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	stmt_done(st);
	if (id > 0)
		return id;
	st = s->stmt[ST_FEED_ENSURE];
	bind_text(st, 1, name);
	bind_text(st, 2, url);
	bind_text(st, 3, title);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else
		store_dberr(s, "saving feed");
	stmt_done(st);
	if (id > 0) {
		/* The config title shows in items. */
		s->generation++;
		s->feeds_generation++;
	}
	return id;
}

/* Fills st from the current row of st, whose columns from i on are
 * STATE_COLUMNS. */
static void
load_state(sqlite3_stmt *q, int i, struct store_feed_state *st)
{
	memset(st, 0, sizeof(*st));
	st->etag = column_strdup(q, i + 0);
	st->last_modified = column_strdup(q, i + 1);
	st->next_due = sqlite3_column_int64(q, i + 2);
	st->last_attempt = sqlite3_column_int64(q, i + 3);
	st->last_success = sqlite3_column_int64(q, i + 4);
	st->last_error = column_strdup(q, i + 5);
	st->failures = sqlite3_column_int(q, i + 6);
	st->http_status = sqlite3_column_int(q, i + 7);
	st->error_class = column_strdup(q, i + 8);
	st->current_url = column_strdup(q, i + 9);
	st->redirect_target = column_strdup(q, i + 10);
	st->redirect_seen = sqlite3_column_int(q, i + 11);
	st->gone = sqlite3_column_int(q, i + 12);
	st->retry_after = sqlite3_column_int64(q, i + 13);
	st->ttl = sqlite3_column_int(q, i + 14);
	st->skip_hours = (uint32_t)sqlite3_column_int64(q, i + 15);
	st->skip_days = (uint32_t)sqlite3_column_int64(q, i + 16);
	st->interval = sqlite3_column_int64(q, i + 17);
}

static char *
strdup_or_null(const char *v)
{
	return v != NULL ? xstrdup(v) : NULL;
}

static void
state_copy(struct store_feed_state *dst, const struct store_feed_state *src)
{
	*dst = *src;
	dst->etag = strdup_or_null(src->etag);
	dst->last_modified = strdup_or_null(src->last_modified);
	dst->last_error = strdup_or_null(src->last_error);
	dst->error_class = strdup_or_null(src->error_class);
	dst->current_url = strdup_or_null(src->current_url);
	dst->redirect_target = strdup_or_null(src->redirect_target);
}

static struct unsaved_state *
unsaved_find(const struct store *s, int64_t feed_id)
{
	size_t i;

	for (i = 0; i < s->nunsaved; i++)
		if (s->unsaved[i].feed_id == feed_id)
			return &s->unsaved[i];
	return NULL;
}

/* Keeps st as feed_id's unsaved state (a failed put). */
static void
unsaved_keep(struct store *s, int64_t feed_id,
    const struct store_feed_state *st)
{
	struct unsaved_state *u;

	if ((u = unsaved_find(s, feed_id)) != NULL)
		store_feed_state_reset(&u->state);
	else {
		s->unsaved = xreallocarray(s->unsaved, s->nunsaved + 1,
		    sizeof(*s->unsaved));
		u = &s->unsaved[s->nunsaved++];
		u->feed_id = feed_id;
	}
	state_copy(&u->state, st);
}

/* Forgets feed_id's unsaved state (a put succeeded). */
static void
unsaved_drop(struct store *s, int64_t feed_id)
{
	struct unsaved_state *u;

	if ((u = unsaved_find(s, feed_id)) == NULL)
		return;
	store_feed_state_reset(&u->state);
	*u = s->unsaved[--s->nunsaved];
}

int
store_feed_state_get(struct store *s, int64_t feed_id,
    struct store_feed_state *st)
{
	sqlite3_stmt *q = s->stmt[ST_STATE_GET];
	struct unsaved_state *u;
	int rc;

	if ((u = unsaved_find(s, feed_id)) != NULL) {
		state_copy(st, &u->state);
		return 0;
	}
	memset(st, 0, sizeof(*st));
	sqlite3_bind_int64(q, 1, feed_id);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		load_state(q, 0, st);
	else if (rc == SQLITE_DONE)
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

	if (batch_lost(s)) {
		unsaved_keep(s, feed_id, st);
		return -1;
	}
	sqlite3_bind_int64(q, 1, feed_id);
	bind_text(q, 2, st->etag);
	bind_text(q, 3, st->last_modified);
	sqlite3_bind_int64(q, 4, st->next_due);
	sqlite3_bind_int64(q, 5, st->last_attempt);
	sqlite3_bind_int64(q, 6, st->last_success);
	bind_text(q, 7, st->last_error);
	sqlite3_bind_int(q, 8, st->failures);
	sqlite3_bind_int(q, 9, st->http_status);
	bind_text(q, 10, st->error_class);
	bind_text(q, 11, st->current_url);
	bind_text(q, 12, st->redirect_target);
	sqlite3_bind_int(q, 13, st->redirect_seen);
	sqlite3_bind_int(q, 14, st->gone);
	sqlite3_bind_int64(q, 15, st->retry_after);
	sqlite3_bind_int(q, 16, st->ttl);
	sqlite3_bind_int64(q, 17, st->skip_hours);
	sqlite3_bind_int64(q, 18, st->skip_days);
	sqlite3_bind_int64(q, 19, st->interval);
	s->feeds_generation++;
	if (step_done(s, ST_STATE_PUT, "saving feed state") == -1) {
		unsaved_keep(s, feed_id, st);
		return -1;
	}
	if (sqlite3_changes(s->db) == 0) {
		store_seterr(s, "saving feed state: no feed %" PRId64,
		    feed_id);
		return -1;
	}
	unsaved_drop(s, feed_id);
	return 0;
}

void
store_feed_state_reset(struct store_feed_state *st)
{
	free(st->etag);
	free(st->last_modified);
	free(st->last_error);
	free(st->error_class);
	free(st->current_url);
	free(st->redirect_target);
	memset(st, 0, sizeof(*st));
}

/* Whether the feed's stored tags are exactly the non-NULL tags[] (in
 * any order, duplicates ignored): 1, 0, or -1 (not known). */
static int
tags_same(struct store *s, int64_t feed_id, char *const *tags,
    size_t ntags)
{
	sqlite3_stmt *st = s->stmt[ST_FEED_TAG_LIST];
	const char *t;
	size_t i, j, want = 0, have = 0;
	int rc, same = 1;

	for (i = 0; i < ntags; i++) {
		if (tags[i] == NULL)
			continue;
		for (j = 0; j < i; j++)
			if (tags[j] != NULL && strcmp(tags[i], tags[j]) == 0)
				break;
		want += j == i;
	}
	sqlite3_bind_int64(st, 1, feed_id);
	while (same && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		t = (const char *)sqlite3_column_text(st, 0);
		for (i = 0; i < ntags; i++)
			if (tags[i] != NULL && t != NULL &&
			    strcmp(tags[i], t) == 0)
				break;
		same = i < ntags;
		have++;
	}
	stmt_done(st);
	if (same && rc != SQLITE_DONE)
		return -1;
	return same && have == want;
}

int
store_feed_set_tags(struct store *s, int64_t feed_id, char *const *tags,
    size_t ntags)
{
	sqlite3_stmt *st;
	size_t i;
	int rc;

	if (s->in_doc) {
		store_seterr(s, "setting tags inside a document");
		return -1;
	}
	if (batch_lost(s))
		return -1;
	/* At a restart most feeds' tags are as stored: a read only. */
	if (tags_same(s, feed_id, tags, ntags) == 1)
		return 0;
	/* No tags: one statement, atomic without a savepoint. */
	if ((ntags > 0 &&
	    step_done(s, ST_SAVEPOINT, "saving tags") == -1))
		return -1;
	st = s->stmt[ST_FEED_TAGS_CLEAR];
	sqlite3_bind_int64(st, 1, feed_id);
	rc = step_done(s, ST_FEED_TAGS_CLEAR, "saving tags");
	for (i = 0; rc == 0 && i < ntags; i++) {
		if (tags[i] == NULL)
			continue;
		st = s->stmt[ST_FEED_TAG_ADD];
		sqlite3_bind_int64(st, 1, feed_id);
		bind_text(st, 2, tags[i]);
		rc = step_done(s, ST_FEED_TAG_ADD, "saving tags");
	}
	if (rc == 0 && ntags > 0)
		rc = step_done(s, ST_RELEASE, "saving tags");
	if (rc == -1) {
		/* Undoes the tags only: a batch's transaction stays (unless
		 * SQLite abandoned it already). */
		if (ntags > 0 && !sqlite3_get_autocommit(s->db)) {
			sqlite3_step(s->stmt[ST_ROLLBACK_TO]);
			stmt_done(s->stmt[ST_ROLLBACK_TO]);
			sqlite3_step(s->stmt[ST_RELEASE]);
			stmt_done(s->stmt[ST_RELEASE]);
		}
		return -1;
	}
	/* What a tag filter returns may have changed. */
	s->generation++;
	s->feeds_generation++;
	return 0;
}

int
store_batch_begin(struct store *s)
{
	if (s->in_doc || s->in_batch) {
		store_seterr(s, "a transaction is already open");
		return -1;
	}
	if (step_done(s, ST_BEGIN, "beginning registrations") == -1)
		return -1;
	s->in_batch = 1;
	return 0;
}

int
batch_lost(struct store *s)
{
	if (!s->in_batch || !sqlite3_get_autocommit(s->db))
		return 0;
	store_seterr(s, "registrations rolled back by an earlier error");
	return 1;
}

int
store_batch_commit(struct store *s)
{
	if (!s->in_batch) {
		store_seterr(s, "no registrations open");
		return -1;
	}
	if (batch_lost(s)) {
		s->in_batch = 0;
		return -1;
	}
	s->in_batch = 0;
	if (step_done(s, ST_COMMIT, "committing registrations") == -1) {
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

int
store_feed_retire(struct store *s, int64_t feed_id, int64_t now)
{
	sqlite3_stmt *st = s->stmt[ST_FEED_RETIRE];

	sqlite3_bind_int64(st, 1, feed_id);
	sqlite3_bind_int64(st, 2, now > 0 ? now : 1);
	if (step_done(s, ST_FEED_RETIRE, "retiring feed") == -1)
		return -1;
	s->feeds_generation++;
	return 0;
}

int
store_feed_retire_absent(struct store *s, const char *const *names,
    size_t nnames, int64_t now)
{
	sqlite3_stmt *st = s->stmt[ST_FEED_RETIRE_ABSENT];

	if (batch_lost(s))
		return -1;
	sqlite3_bind_text(st, 1, json_strings(names, nnames), -1, free);
	sqlite3_bind_int64(st, 2, now > 0 ? now : 1);
	if (step_done(s, ST_FEED_RETIRE_ABSENT, "retiring feeds") == -1)
		return -1;
	s->feeds_generation++;
	return 0;
}

/* Loads the tags of row->id into row. */
static int
load_tags(struct store *s, struct store_feed_row *row)
{
	sqlite3_stmt *st = s->stmt[ST_FEED_TAGS];
	int rc;

	sqlite3_bind_int64(st, 1, row->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row->tags = xreallocarray(row->tags, row->ntags + 1,
		    sizeof(*row->tags));
		row->tags[row->ntags++] = column_strdup(st, 0);
	}
	if (rc != SQLITE_DONE)
		store_dberr(s, "reading tags");
	stmt_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_feeds(struct store *s, struct store_feed_row **rows, size_t *n)
{
	sqlite3_stmt *st = s->stmt[ST_FEEDS];
	struct store_feed_row *v = NULL, *r;
	struct unsaved_state *u;
	size_t i, nv = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, nv + 1, sizeof(*v));
		r = &v[nv++];
		memset(r, 0, sizeof(*r));
		r->id = sqlite3_column_int64(st, 0);
		r->name = column_strdup(st, 1);
		r->url = column_strdup(st, 2);
		r->title = column_strdup(st, 3);
		r->link = column_strdup(st, 4);
		r->entries = sqlite3_column_int64(st, 5);
		r->newest = sqlite3_column_int64(st, 6);
		r->retired = sqlite3_column_int64(st, 7);
		if ((u = unsaved_find(s, r->id)) != NULL)
			state_copy(&r->state, &u->state);
		else
			load_state(st, 8, &r->state);
	}
	if (rc != SQLITE_DONE)
		store_dberr(s, "listing feeds");
	stmt_done(st);
	for (i = 0; rc == SQLITE_DONE && i < nv; i++)
		if (load_tags(s, &v[i]) == -1 ||
		    store_article_counts(s, v[i].id, v[i].articles) == -1)
			rc = SQLITE_ERROR;
	if (rc != SQLITE_DONE) {
		store_feeds_free(v, nv);
		return -1;
	}
	*rows = v;
	*n = nv;
	return 0;
}

void
store_feeds_free(struct store_feed_row *rows, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		free(rows[i].name);
		free(rows[i].url);
		free(rows[i].title);
		free(rows[i].link);
		for (j = 0; j < rows[i].ntags; j++)
			free(rows[i].tags[j]);
		free(rows[i].tags);
		store_feed_state_reset(&rows[i].state);
	}
	free(rows);
}

uint64_t
store_feeds_generation(const struct store *s)
{
	return s->feeds_generation;
}

int
store_feed_publish_times(struct store *s, int64_t feed_id, int64_t since,
    int64_t **times, size_t *n)
{
	sqlite3_stmt *st = s->stmt[ST_PUBLISH_TIMES];
	int64_t *v = NULL;
	size_t nv = 0;
	int rc;

	*times = NULL;
	*n = 0;
	sqlite3_bind_int64(st, 1, feed_id);
	sqlite3_bind_int64(st, 2, since);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, nv + 1, sizeof(*v));
		v[nv++] = sqlite3_column_int64(st, 0);
	}
	if (rc != SQLITE_DONE) {
		store_dberr(s, "reading publication times");
		free(v);
		v = NULL;
		nv = 0;
	}
	stmt_done(st);
	*times = v;
	*n = nv;
	return rc == SQLITE_DONE ? 0 : -1;
}
